// pumavp::noc::Mesh — the node's network: W x H MeshRouters (isa.md §8.1) and one
// NetworkInterface per tile, all bound. Tiles bind to `ni(t).tile_in` (their noc_out) and
// `ni(t).to_tile` (to their noc_in).
//
// Names: inside a node the mesh is "node.noc" and router r is "node.noc.r<r>" (the stats
// prefix and trace path of its links); the network interfaces ("node.noc.ni<t>") count into
// "node.noc.packets" / ".words" / ".flits" / ".tile<t>.inject_waits". The mesh is a unit
// (fabric/unit.h) holding its routers: end_run / reset flush the network (flush()),
// attach_trace / add_vcd go to every router.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "common/config.h"
#include "common/stats.h"
#include "noc/mesh_router.h"
#include "noc/network_interface.h"
#include "fabric/run_monitor.h"
#include "fabric/unit.h"

namespace pumavp::noc {

class Mesh : public sc_core::sc_module, public fabric::Unit {
 public:
  Mesh(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats,
       fabric::RunMonitor* monitor);

  const MeshGeometry& geometry() const { return geo_; }
  unsigned num_tiles() const { return static_cast<unsigned>(nis_.size()); }
  unsigned num_routers() const { return static_cast<unsigned>(routers_.size()); }
  NetworkInterface& ni(unsigned tile) { return *nis_.at(tile); }
  MeshRouter& router(unsigned r) { return *routers_.at(r); }
  // Trace hook: `obs` is called for every packet accepted at its destination.
  void set_packet_observer(PacketObserver obs);
  // Drops queued and stuck packets (NetworkInterface::flush) and clears link state;
  // returns the packets discarded.
  size_t flush();
  // ---- unit lifecycle (fabric::Unit) ----
  const char* path() const override { return name(); }
  // flush(); call from a SystemC process when a packet may be stuck at a full FIFO.
  size_t end_run() override { return flush(); }
  void reset() override { flush(); }
  void attach_trace(const trace::Sinks& sinks) override;
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) override;
  // True while some packet moves (is queued or being injected, not stuck at a full FIFO).
  bool moving() const;

 private:
  MeshGeometry geo_;
  PacketObserver observer_;
  std::vector<std::unique_ptr<MeshRouter>> routers_;
  std::vector<std::unique_ptr<NetworkInterface>> nis_;
};

}  // namespace pumavp::noc
