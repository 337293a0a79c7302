// pumavp::host::Dram — byte-addressable memory with a fixed access latency, DMI (read/write,
// whole array) and debug transport. Byte enables are honoured. `on_write` (optional) sees
// every b_transport/debug write (not DMI writes), e.g. to invalidate decoded code.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/zeroed_array.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace pumavp::host {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;

  Dram(sc_core::sc_module_name name, uint64_t size_bytes, sc_core::sc_time latency, bool allow_dmi = true);

  uint8_t* data() { return mem_.data(); }
  uint64_t size() const { return mem_.size(); }
  std::function<void(uint64_t offset, unsigned len)> on_write;

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  unsigned copy(tlm::tlm_generic_payload& p);

  ZeroedArray<uint8_t> mem_;  // pages touched only where the guest or a loader writes
  sc_core::sc_time latency_;
  bool allow_dmi_;
};

}  // namespace pumavp::host
