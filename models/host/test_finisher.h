// pumavp::host::TestFinisher — SiFive test device (architecture.md §2.2; placed by platform/memory_map.def).
// A 32-bit write of 0x5555 ends the simulation with exit code 0; (code << 16) | 0x3333 ends it
// with `code` (code 0, or a code above 255 that a process exit status cannot carry, becomes 1).
// Other values (including SiFive's 0x7777 "reset") are ignored. Reads return 0.
#pragma once

#include <functional>

#include "host/mmio_device.h"

namespace pumavp::host {

class TestFinisher : public MmioDevice {
 public:
  explicit TestFinisher(sc_core::sc_module_name name);
  // Called once with the exit code when the firmware finishes.
  std::function<void(int exit_code)> on_finish;
  bool finished() const { return finished_; }
  int exit_code() const { return exit_code_; }
  sc_core::sc_time finish_time() const { return finish_time_; }

  static int decode(uint32_t value, bool& finish);

 private:
  bool finished_ = false;
  int exit_code_ = 0;
  sc_core::sc_time finish_time_;
};

}  // namespace pumavp::host
