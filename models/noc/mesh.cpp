#include "noc/mesh.h"

namespace pumavp::noc {

Mesh::Mesh(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats,
           fabric::RunMonitor* monitor)
    : sc_core::sc_module(name), geo_(cfg) {
  const unsigned nr = geo_.grid_routers();
  routers_.reserve(nr);
  for (unsigned r = 0; r < nr; ++r)
    routers_.push_back(std::make_unique<MeshRouter>(("r" + std::to_string(r)).c_str(), cfg, r,
                                                    stats, monitor));
  nis_.reserve(geo_.tiles);
  for (unsigned t = 0; t < geo_.tiles; ++t)
    nis_.push_back(std::make_unique<NetworkInterface>(("ni" + std::to_string(t)).c_str(), cfg, t,
                                                      stats, monitor, this->name()));
  // Router-to-router links (each direction is its own socket pair).
  for (unsigned r = 0; r < nr; ++r) {
    MeshRouter& a = *routers_[r];
    if (a.has_port(kEast)) {
      MeshRouter& b = *routers_[r + 1];
      a.out(kEast).bind(b.in(kWest));
      b.out(kWest).bind(a.in(kEast));
    }
    if (a.has_port(kSouth)) {
      MeshRouter& b = *routers_[r + geo_.width];
      a.out(kSouth).bind(b.in(kNorth));
      b.out(kNorth).bind(a.in(kSouth));
    }
  }
  // Tiles' network interfaces on the local ports.
  for (unsigned t = 0; t < geo_.tiles; ++t) {
    MeshRouter& r = *routers_[geo_.router_of_tile(t)];
    const unsigned p = kLocal0 + t % geo_.concentration;
    nis_[t]->to_router.bind(r.in(p));
    r.out(p).bind(nis_[t]->from_router);
  }
}

void Mesh::set_packet_observer(PacketObserver obs) {
  observer_ = std::move(obs);
  for (auto& ni : nis_) ni->set_observer(&observer_);
}

bool Mesh::moving() const {
  for (const auto& ni : nis_)
    if (ni->moving()) return true;
  return false;
}

size_t Mesh::flush() {
  size_t n = 0;
  for (auto& ni : nis_) n += ni->flush();
  for (auto& r : routers_) n += r->end_run();
  return n;
}

void Mesh::attach_trace(const trace::Sinks& sinks) {
  for (auto& r : routers_) r->attach_trace(sinks);
}

void Mesh::add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) {
  for (auto& r : routers_) r->add_vcd(tf, filter);
}

}  // namespace pumavp::noc
