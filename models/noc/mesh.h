// pumavp::noc::Mesh — the node's network: W x H MeshRouters (isa.md §8.1) and one
// NetworkInterface per tile, all bound. Tiles bind to `ni(t).tile_in` (their noc_out) and
// `ni(t).to_tile` (to their noc_in).
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

namespace pumavp::noc {

class Mesh : public sc_core::sc_module {
 public:
  Mesh(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats,
       fabric::RunMonitor* monitor, const std::string& stats_prefix = "node.noc");

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
  // True while some packet moves (is queued or being injected, not stuck at a full FIFO).
  bool moving() const;

 private:
  MeshGeometry geo_;
  PacketObserver observer_;
  std::vector<std::unique_ptr<MeshRouter>> routers_;
  std::vector<std::unique_ptr<NetworkInterface>> nis_;
};

}  // namespace pumavp::noc
