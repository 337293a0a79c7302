#include "noc/mesh_router.h"

#include <cstdlib>
#include <iostream>

#include "common/geometry.h"
#include "fabric/packet.h"

namespace pumavp::noc {

std::string mesh_port_name(unsigned port) {
  switch (port) {
    case kNorth: return "N";
    case kEast: return "E";
    case kSouth: return "S";
    case kWest: return "W";
    default: return "L" + std::to_string(port - kLocal0);
  }
}

MeshGeometry::MeshGeometry(unsigned t, unsigned c) : tiles(t), concentration(c) {
  if (tiles == 0 || concentration == 0) {
    std::cerr << "pumavp: internal error in noc::MeshGeometry: zero tiles or concentration\n";
    std::abort();
  }
  Geometry g;  // the mesh shape is derived in one place (common/geometry.h)
  g.tiles = tiles;
  g.concentration = concentration;
  routers = g.routers();
  width = g.mesh_width();
  height = g.mesh_height();
}

MeshGeometry::MeshGeometry(const PlatformConfig& cfg)
    : MeshGeometry(cfg.node.tiles, cfg.noc.concentration) {}

unsigned MeshGeometry::hops(unsigned src_tile, unsigned dst_tile) const {
  const unsigned a = router_of_tile(src_tile), b = router_of_tile(dst_tile);
  const int dx = static_cast<int>(col(a)) - static_cast<int>(col(b));
  const int dy = static_cast<int>(row(a)) - static_cast<int>(row(b));
  return static_cast<unsigned>(std::abs(dx) + std::abs(dy));
}

unsigned MeshGeometry::local_ports(unsigned r) const {
  const unsigned first = r * concentration;
  if (first >= tiles) return 0;
  const unsigned n = tiles - first;
  return n < concentration ? n : concentration;
}

MeshRouter::MeshRouter(sc_core::sc_module_name name, const PlatformConfig& cfg, unsigned id,
                       Stats& stats, fabric::RunMonitor* monitor)
    : sc_core::sc_module(name),
      geo_(cfg),
      id_(id),
      flit_bits_(cfg.noc.flit_bits),
      cycle_(cfg.cycle_ns(), sc_core::SC_NS),
      router_delay_(cycle_ * static_cast<double>(cfg.noc.router_cycles)),
      link_delay_(cycle_ * static_cast<double>(cfg.noc.link_cycles)),
      monitor_(monitor) {
  if (id >= geo_.grid_routers()) {
    std::cerr << "pumavp: internal error in " << this->name() << ": router id outside mesh\n";
    std::abort();
  }
  const unsigned nports = kLocal0 + geo_.local_ports(id);
  in_.resize(nports);
  out_.resize(nports);
  links_ = std::vector<Link>(nports);
  const unsigned x = geo_.col(id), y = geo_.row(id);
  for (unsigned p = 0; p < nports; ++p) {
    bool exists = true;
    switch (p) {
      case kNorth: exists = y > 0; break;
      case kSouth: exists = y + 1 < geo_.height; break;
      case kWest: exists = x > 0; break;
      case kEast: exists = x + 1 < geo_.width; break;
      default: break;
    }
    if (!exists) continue;
    const std::string pn = mesh_port_name(p);
    in_[p] = std::make_unique<TargetSocket>(("in_" + pn).c_str());
    in_[p]->register_b_transport(this, &MeshRouter::b_transport, static_cast<int>(p));
    out_[p] = std::make_unique<InitSocket>(("out_" + pn).c_str());
    const std::string base = std::string(this->name()) + "." + pn;
    links_[p].flits = &stats.counter(base + ".flits");
    links_[p].busy_cycles = &stats.counter(base + ".busy_cycles");
  }
}

unsigned MeshRouter::route(unsigned dst_tile) const {
  const unsigned r = geo_.router_of_tile(dst_tile);
  const unsigned dx = geo_.col(r), dy = geo_.row(r);
  const unsigned x = geo_.col(id_), y = geo_.row(id_);
  if (dx > x) return kEast;
  if (dx < x) return kWest;
  if (dy > y) return kSouth;
  if (dy < y) return kNorth;
  return kLocal0 + (dst_tile - r * geo_.concentration);
}

void MeshRouter::trace_link(Link& link, const fabric::NocPacket& pkt, unsigned port,
                            const sc_core::sc_time& start, unsigned flits) {
  const double a = start.to_seconds() * 1e9, d = (cycle_ * static_cast<double>(flits)).to_seconds() * 1e9;
  char name[32], args[64];
  std::snprintf(name, sizeof name, "t%u>t%u", unsigned(pkt.src_tile), unsigned(pkt.dst_tile));
  std::snprintf(args, sizeof args, "\"fifo\":%u,\"flits\":%u", unsigned(pkt.fifo), flits);
  if (!link.track.tid) link.track = tl_->track("noc", "r" + std::to_string(id_) + "." + mesh_port_name(port));
  tl_->span(link.track, name, "noc", a, d, args);
  tl_->flow(port >= kLocal0 ? trace::Timeline::Flow::End : trace::Timeline::Flow::Step, pkt.trace_id,
            "packet", link.track, a);
}

void MeshRouter::attach_trace(const trace::Sinks& sinks) {
  const std::string path = name();
  tl_ = sinks.timeline;
  for (unsigned p = 0; p < links_.size(); ++p) {
    links_[p].track = trace::Track{};
    links_[p].traced = tl_ && has_port(p) && sinks.filter.match(path + "." + mesh_port_name(p));
  }
}

void MeshRouter::add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) {
  const std::string path = name();
  for (unsigned p = 0; p < links_.size(); ++p) {
    const std::string lp = path + "." + mesh_port_name(p);
    if (!has_port(p) || !filter.match(lp)) continue;
    sc_core::sc_trace(tf, *links_[p].flits, lp + ".flits");
    sc_core::sc_trace(tf, *links_[p].busy_cycles, lp + ".busy_cycles");
  }
}

void MeshRouter::reset() {
  for (Link& l : links_) {
    l.busy_until = sc_core::SC_ZERO_TIME;
    l.held = false;
  }
}

void MeshRouter::b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const fabric::NocPacket* pkt = fabric::packet_of(gp);
  if (!pkt || pkt->dst_tile >= geo_.tiles) {
    // Only the NetworkInterface injects packets and it checks the destination: anything
    // else is a wiring bug.
    std::cerr << "pumavp: internal error in " << name() << ": payload without a valid NoC packet\n";
    std::abort();
  }
  const unsigned port = route(pkt->dst_tile);
  if (!has_port(port)) {
    std::cerr << "pumavp: internal error in " << name() << ": no port " << mesh_port_name(port)
              << "\n";
    std::abort();
  }
  Link& link = links_[port];
  // Absolute time at which the head flit is at this router's input.
  const sc_core::sc_time t_head = sc_core::sc_time_stamp() + delay;
  if (link.held) {
    // The output is held by a packet stuck downstream: wait behind it (back-pressure).
    if (monitor_) monitor_->activity_end();
    while (link.held) sc_core::wait(link.release);
    if (monitor_) monitor_->activity_begin();
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time t_in = t_head > now ? t_head : now;
  sc_core::sc_time start = t_in + router_delay_;
  if (link.busy_until > start) start = link.busy_until;
  const unsigned flits = pkt->flits(flit_bits_);
  link.busy_until = start + cycle_ * static_cast<double>(flits);
  *link.flits += flits;
  *link.busy_cycles += flits;
  if (tl_ && link.traced && pkt->trace_id) trace_link(link, *pkt, port, start, flits);

  const bool local = port >= kLocal0;
  sc_core::sc_time d = (local ? link.busy_until : start + link_delay_) - now;
  link.held = true;
  (*out_[port])->b_transport(gp, d);
  link.held = false;
  link.release.notify(sc_core::SC_ZERO_TIME);
  const sc_core::sc_time after = sc_core::sc_time_stamp();
  if (after > now && after > link.busy_until) {
    // The packet was stuck downstream: the link was occupied until it got accepted.
    *link.busy_cycles += static_cast<uint64_t>((after - link.busy_until) / cycle_);
    link.busy_until = after;
  }
  delay = d;
}

}  // namespace pumavp::noc
