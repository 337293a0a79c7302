#include "host/test_finisher.h"

namespace pumavp::host {

int TestFinisher::decode(uint32_t v, bool& finish) {
  finish = true;
  if ((v & 0xffff) == 0x5555) return 0;
  if ((v & 0xffff) == 0x3333) {
    const uint32_t code = v >> 16;
    return (code == 0 || code > 255) ? 1 : static_cast<int>(code);
  }
  finish = false;
  return 0;
}

TestFinisher::TestFinisher(sc_core::sc_module_name name) : MmioDevice(name) {
  // Reads return 0: the written value is not stored (no writable bits).
  regs_.add(0x0, 4, "FINISHER", Access::RW).fields(0).on_write([this](uint32_t v) {
    bool fin = false;
    const int code = decode(v, fin);
    if (!fin || finished_) return;
    finished_ = true;
    exit_code_ = code;
    finish_time_ = access_time();
    if (on_finish) on_finish(code);
  });
}

}  // namespace pumavp::host
