// pumavp::ExecSystem — the accelerator on a minimal host side, without a CPU: bus, DRAM,
// the accelerator (node + host interface) and an AccelDriver that runs a C++ script in place
// of firmware. Used by `pumavp exec` and by the host-interface tests.
//
//   ExecSystem sys("sys", cfg);
//   sys.script = [&](ExecSystem& s) { s.driver.load(...); ... };
//   sys.run(sc_core::sc_time(1, sc_core::SC_SEC));
#pragma once

#include <functional>

#include <systemc>

#include "accel_driver.h"
#include "accelerator.h"
#include "common/config.h"
#include "common/stats.h"
#include "host/bus.h"
#include "host/dram.h"

namespace pumavp {

// Built before the ExecSystem module itself, so that the accelerator sits at the top of the
// SystemC hierarchy ("node", "accel") as in `pumavp run`: its SystemC names are its stats
// paths and trace paths.
struct ExecSystemParts {
  explicit ExecSystemParts(const PlatformConfig& cfg) : accel(cfg, stats) {}
  Stats stats;
  Accelerator accel;
};

class ExecSystem : public ExecSystemParts, public sc_core::sc_module {
 public:
  static constexpr uint64_t kDramBase = 0x80000000;

  SC_HAS_PROCESS(ExecSystem);
  ExecSystem(sc_core::sc_module_name name, const PlatformConfig& cfg);

  host::Bus bus;
  host::Dram dram;
  AccelDriver driver;
  std::function<void(ExecSystem&)> script;

  // Simulate until the script returns or `limit` of simulated time passes (false then).
  bool run(const sc_core::sc_time& limit);
  // Host memory (DRAM) contents, for placing images and tensors.
  uint8_t* host_mem(uint64_t addr) { return dram.data() + (addr - kDramBase); }

 private:
  void script_thread();
  bool finished_ = false;
};

}  // namespace pumavp
