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

class ExecSystem : public sc_core::sc_module {
 public:
  static constexpr uint64_t kDramBase = 0x80000000;

  SC_HAS_PROCESS(ExecSystem);
  ExecSystem(sc_core::sc_module_name name, const PlatformConfig& cfg);

  Stats stats;
  host::Bus bus;
  host::Dram dram;
  Accelerator accel;
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
