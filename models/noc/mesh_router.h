// pumavp::noc::MeshRouter — one router of the node's 2-D mesh (isa.md §8.1).
//
// Ports: North, East, South, West (only those with a neighbour inside the W x H grid get
// sockets) and one local port per attached tile (tiles r*c .. r*c+c-1 that exist,
// c = noc.concentration). Each port has a target socket (input) and an initiator socket
// (output). Routing is dimension-order XY: first along the row to the destination column,
// then along the column. Row 0 is the "north" edge.
//
// Timing is loosely timed: a packet crosses the mesh as a chain of b_transport calls, each
// router annotating the delay. With t = the time the head flit reaches this router:
//   start   = max(t + router_cycles, busy_until[out])       (router pipeline + contention)
//   busy_until[out] = start + flits                        (serialisation on the link)
//   next router:  head arrives at start + link_cycles
//   local port:   the tail reaches the tile at start + flits
// which gives (h+1)*router_cycles + h*link_cycles + flits without contention. While a
// packet is stuck downstream (destination FIFO full), its output link stays held: later
// packets for that link wait until it is released (back-pressure), and the link stays
// busy at least until the moment the blocked packet was accepted.
//
// Counters in Stats, per output link: "<name>.<port>.flits" and ".busy_cycles" (port = N, E,
// S, W, L0, L1, ...), name = the router's SystemC name ("node.noc.r<id>" inside a node).
// Unit lifecycle (fabric/unit.h): end_run / reset clear the link state; attach_trace, add_vcd.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "common/trace.h"
#include "fabric/packet.h"
#include "fabric/run_monitor.h"
#include "fabric/unit.h"

namespace pumavp::noc {

enum MeshPort : unsigned { kNorth = 0, kEast = 1, kSouth = 2, kWest = 3, kLocal0 = 4 };
std::string mesh_port_name(unsigned port);

// Geometry of the mesh derived from a PlatformConfig (isa.md §8.1).
struct MeshGeometry {
  unsigned tiles = 1;
  unsigned concentration = 1;
  unsigned routers = 1;  // R = ceil(tiles / concentration): routers with tiles
  unsigned width = 1;    // W = ceil(sqrt(R))
  unsigned height = 1;   // H = ceil(R / W)
  explicit MeshGeometry(const PlatformConfig& cfg);
  MeshGeometry(unsigned tiles, unsigned concentration);
  // Routers instantiated: the full W x H grid (positions >= R have no tiles and only
  // forward; XY routes may cross them).
  unsigned grid_routers() const { return width * height; }
  unsigned router_of_tile(unsigned t) const { return t / concentration; }
  unsigned col(unsigned r) const { return r % width; }
  unsigned row(unsigned r) const { return r / width; }
  // XY hop count between the routers of two tiles.
  unsigned hops(unsigned src_tile, unsigned dst_tile) const;
  // Number of tiles attached to router r.
  unsigned local_ports(unsigned r) const;
};

class MeshRouter : public sc_core::sc_module, public fabric::Unit {
 public:
  using TargetSocket = tlm_utils::simple_target_socket_tagged<MeshRouter>;
  using InitSocket = tlm_utils::simple_initiator_socket_tagged<MeshRouter>;

  MeshRouter(sc_core::sc_module_name name, const PlatformConfig& cfg, unsigned id,
             Stats& stats, fabric::RunMonitor* monitor);

  unsigned id() const { return id_; }
  unsigned num_ports() const { return static_cast<unsigned>(in_.size()); }
  bool has_port(unsigned p) const { return p < in_.size() && in_[p] != nullptr; }
  TargetSocket& in(unsigned p) { return *in_.at(p); }
  InitSocket& out(unsigned p) { return *out_.at(p); }
  // Output port chosen for a packet to `dst_tile`.
  unsigned route(unsigned dst_tile) const;

  struct Link {
    sc_core::sc_time busy_until = sc_core::SC_ZERO_TIME;
    bool held = false;
    sc_core::sc_event release;
    uint64_t* flits = nullptr;
    uint64_t* busy_cycles = nullptr;
    bool traced = false;
    trace::Track track;
  };
  const Link& link(unsigned p) const { return links_.at(p); }
  // ---- unit lifecycle (fabric::Unit) ----
  const char* path() const override { return name(); }
  // Clear busy-until times and held flags (Mesh::flush, between runs).
  size_t end_run() override {
    reset();
    return 0;
  }
  void reset() override;
  // Observability: one timeline track per output link ("noc" / "r<id>.<port>") with a span
  // per packet crossing it (flow steps; the flow ends on the local port) for the links whose
  // "<path>.<port>" matches the filter; VCD of the links' cumulative "<path>.<port>.flits"
  // and ".busy_cycles".
  void attach_trace(const trace::Sinks& sinks) override;
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) override;

 private:
  void b_transport(int port, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void trace_link(Link& link, const fabric::NocPacket& pkt, unsigned port, const sc_core::sc_time& start,
                  unsigned flits);

  MeshGeometry geo_;
  unsigned id_;
  unsigned flit_bits_;
  sc_core::sc_time cycle_, router_delay_, link_delay_;
  fabric::RunMonitor* monitor_;
  trace::Timeline* tl_ = nullptr;
  std::vector<std::unique_ptr<TargetSocket>> in_;
  std::vector<std::unique_ptr<InitSocket>> out_;
  std::vector<Link> links_;
};

}  // namespace pumavp::noc
