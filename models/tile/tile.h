// pumavp::tile::Tile — one accelerator tile (isa.md §3-§6; architecture.md §2): its cores,
// shared memory with attribute buffer, receive buffer and tile control unit.
//
// Sockets:
//   noc_out  initiator : outgoing packets (bind to the tile's NetworkInterface::tile_in, or in
//                        tests straight to another tile's noc_in); contract in fabric/packet.h
//   noc_in   target    : incoming packets into the receive FIFOs (NetworkInterface::to_tile)
//   memory().socket    : the shared memory's multi target socket; the cores and the tile unit
//                        are bound at construction (indices 0..cores-1 and cores); the node
//                        binds its host-interface initiator next.
//
// Node API (the unit lifecycle of fabric/unit.h: the tile is a unit holding its cores and
// tile control unit, and forwards each call to them in that order):
//   load(image)      LOAD: clears memory/FIFOs, programs this tile's units, weights, keeps
//                    the `.data` preloads and the input-tensor word map. The image must have
//                    been validated (isa::validate_for_platform); returns "" or an error.
//   start()          START: call after RunMonitor::start(); applies isa.md §6 (host-written
//                    words kept, others invalid, preloads written), empties FIFOs, starts
//                    every unit.
//   end_run()        after the run (done, error or abort): releases blocked accesses, marks
//                    the end for host-write tracking; returns packets still queued (discarded)
//   reset()          power-on state (memories, attributes, FIFOs, programs, weights cleared).
//   all_halted(), all_halted_event(), core_status(i), unit pc, memory() host access.
// Names: the tile's SystemC name ("node.tile<t>" inside a node) is the stats prefix and trace
// path of everything in it ("<name>.mem", "<name>.core<c>", "<name>.unit").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "core/core.h"
#include "isa/kimage.h"
#include "fabric/packet.h"
#include "fabric/run_monitor.h"
#include "fabric/unit.h"
#include "tile/receive_buffer.h"
#include "tile/shared_memory.h"
#include "tile/tile_control_unit.h"

namespace pumavp::tile {

class Tile : public sc_core::sc_module, public fabric::Unit {
 public:
  SC_HAS_PROCESS(Tile);
  tlm::tlm_initiator_socket<> noc_out;
  tlm_utils::simple_target_socket<Tile> noc_in;

  // `luts` may be shared by all tiles of a node (same numerics); created if null.
  Tile(sc_core::sc_module_name name, const PlatformConfig& cfg, unsigned index, Stats& stats,
       fabric::RunMonitor& monitor, std::shared_ptr<const xbar::LutSet> luts = nullptr);

  unsigned index() const { return index_; }
  unsigned num_cores() const { return static_cast<unsigned>(cores_.size()); }
  core::Core& core(unsigned i) { return *cores_.at(i); }
  TileControlUnit& unit() { return *unit_; }
  SharedMemory& memory() { return *mem_; }
  ReceiveBuffer& fifos() { return fifos_; }
  fabric::SendTracker& tracker() { return tracker_; }

  // Cores, then the tile control unit (construction and monitor-handle order).
  const std::vector<fabric::Unit*>& units() const { return units_; }

  const char* path() const override { return name(); }
  std::string load(const isa::KernelImage& img) override;
  void start() override;
  size_t end_run() override;
  void reset() override;

  bool all_halted() const;
  const sc_core::sc_event& all_halted_event() const { return all_halted_ev_; }
  core::CoreStatus core_status(unsigned i) const { return cores_.at(i)->status(); }

  // Observability: hooks the unit and the cores whose path ("<path>.unit", "<path>.core<c>")
  // matches the filter. VCD: "<path>.fifo_occupancy", "<path>.unit.pc",
  // ".unit.packets_sent", ".unit.packets_received", the cores' pc/state. Values are sampled at
  // the end of each simulated time step: under temporal decoupling a packet pushed and popped
  // within one step does not show in fifo_occupancy (the timeline trace has every push/pop).
  void attach_trace(const trace::Sinks& sinks) override;
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) override;

 private:
  void noc_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void halted_method();

  const PlatformConfig& cfg_;
  unsigned index_;
  fabric::RunMonitor& mon_;
  std::unique_ptr<SharedMemory> mem_;
  std::vector<std::unique_ptr<core::Core>> cores_;
  ReceiveBuffer fifos_;
  std::vector<sc_core::sc_event> fifo_pushed_;
  sc_core::sc_event fifo_popped_;
  fabric::SendTracker tracker_;
  std::vector<uint8_t> host_input_;
  std::vector<SharedMemory::Preload> preloads_;
  std::unique_ptr<TileControlUnit> unit_;
  std::vector<fabric::Unit*> units_;
  sc_core::sc_event all_halted_ev_;
  uint64_t run_gen_ = 0;  // bumped at start / end_run / reset: stale blocked deliveries drop
  uint64_t& c_overflows_;
};

}  // namespace pumavp::tile
