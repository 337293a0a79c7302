#include "host/bus.h"

#include <algorithm>
#include <stdexcept>

namespace pumavp::host {

Bus::Bus(sc_core::sc_module_name name, sc_core::sc_time latency)
    : sc_core::sc_module(name), target("target"), initiator("initiator"), latency_(latency) {
  target.register_b_transport(this, &Bus::b_transport);
  target.register_get_direct_mem_ptr(this, &Bus::get_direct_mem_ptr);
  target.register_transport_dbg(this, &Bus::transport_dbg);
  initiator.register_invalidate_direct_mem_ptr(this, &Bus::invalidate_direct_mem_ptr);
}

void Bus::map(tlm::tlm_target_socket<>& socket, uint64_t base, uint64_t size, const std::string& name) {
  if (size == 0) throw std::invalid_argument("bus: region '" + name + "' has size 0");
  for (const Region& r : regions_) {
    if (base < r.base + r.size && r.base < base + size)
      throw std::invalid_argument("bus: region '" + name + "' overlaps '" + r.name + "'");
  }
  Region r;
  r.base = base;
  r.size = size;
  r.port = static_cast<unsigned>(regions_.size());
  r.name = name;
  initiator.bind(socket);
  regions_.push_back(r);
  std::sort(regions_.begin(), regions_.end(), [](const Region& a, const Region& b) { return a.base < b.base; });
}

const Bus::Region* Bus::decode(uint64_t addr) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), addr,
                             [](uint64_t a, const Region& r) { return a < r.base; });
  if (it == regions_.begin()) return nullptr;
  --it;
  return addr - it->base < it->size ? &*it : nullptr;
}

const Bus::Region* Bus::route(tlm::tlm_generic_payload& p) const {
  const uint64_t a = p.get_address();
  const Region* r = decode(a);
  if (!r || p.get_data_length() > r->size - (a - r->base)) return nullptr;
  return r;
}

void Bus::b_transport(int, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += latency_;
  const Region* r = route(p);
  if (!r) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const uint64_t a = p.get_address();
  p.set_address(a - r->base);
  initiator[r->port]->b_transport(p, delay);
  p.set_address(a);
}

bool Bus::get_direct_mem_ptr(int, tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  const uint64_t a = p.get_address();
  const Region* r = decode(a);
  if (!r) return false;
  p.set_address(a - r->base);
  const bool ok = initiator[r->port]->get_direct_mem_ptr(p, dmi);
  p.set_address(a);
  // Translate the granted (or refused) range back and clip it to the region.
  uint64_t s = dmi.get_start_address() + r->base, e = dmi.get_end_address() + r->base;
  if (dmi.get_end_address() >= r->size) e = r->base + r->size - 1;
  dmi.set_start_address(s);
  dmi.set_end_address(e);
  return ok;
}

unsigned Bus::transport_dbg(int, tlm::tlm_generic_payload& p) {
  const Region* r = route(p);
  if (!r) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  const uint64_t a = p.get_address();
  p.set_address(a - r->base);
  const unsigned n = initiator[r->port]->transport_dbg(p);
  p.set_address(a);
  return n;
}

void Bus::invalidate_direct_mem_ptr(int port, sc_dt::uint64 start, sc_dt::uint64 end) {
  for (const Region& r : regions_) {
    if (r.port != static_cast<unsigned>(port)) continue;
    const uint64_t s = r.base + start;
    const uint64_t e = end >= r.size ? r.base + r.size - 1 : r.base + end;
    for (unsigned i = 0; i < target.size(); ++i) target[i]->invalidate_direct_mem_ptr(s, e);
  }
}

}  // namespace pumavp::host
