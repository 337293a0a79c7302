// pumavp::host::Bus — address-decoding router (architecture.md §2). Initiators (ISS, DMA) bind
// to `target`; devices are attached with map(), which binds `initiator` to their target socket
// and records [base, base+size). Addresses are translated to device-relative offsets; DMI
// grants and invalidations are translated back. An access outside every region (or crossing a
// region's end) answers TLM_ADDRESS_ERROR_RESPONSE; the bus adds `latency` to every access.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace pumavp::host {

class Bus : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Bus> target;
  tlm_utils::multi_passthrough_initiator_socket<Bus> initiator;

  struct Region {
    uint64_t base = 0;
    uint64_t size = 0;
    unsigned port = 0;
    std::string name;
  };

  Bus(sc_core::sc_module_name name, sc_core::sc_time latency);

  // Attach a device (before the end of elaboration). Throws std::invalid_argument on overlap.
  void map(tlm::tlm_target_socket<>& socket, uint64_t base, uint64_t size, const std::string& name);
  // The region holding `addr`, or null.
  const Region* decode(uint64_t addr) const;
  const std::vector<Region>& regions() const { return regions_; }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& p);
  void invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end);
  const Region* route(tlm::tlm_generic_payload& p) const;

  sc_core::sc_time latency_;
  std::vector<Region> regions_;  // sorted by base
};

}  // namespace pumavp::host
