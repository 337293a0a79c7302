// pumavp::node::Node — the accelerator node: tiles + mesh NoC + run control with deadlock
// detection (isa.md §5, §6, §11; architecture.md §2, §2.3 host window, §2.5 errors).
//
// Structure: `node` contains `monitor` (fabric::RunMonitor), `noc` (noc::Mesh: W x H routers
// `noc.r<r>` and one NetworkInterface `noc.ni<t>` per tile) and `tile<t>` (tile::Tile). Built
// from PlatformConfig. Tiles and mesh are units (fabric/unit.h) holding the cores, tile units
// and routers; the node iterates over them. Every SystemC name is also the stats prefix and
// trace path of its module ("node.tile3.core1", "node.noc.r5").
//
// Usage (standalone, e.g. tests, `pumavp exec`):
//   pumavp::Stats stats;
//   pumavp::node::Node node("node", cfg, stats);
//   auto r = node.load(image);                 // validates first; r.code != 0 on error
//   node.host_write(tile, addr, words, count); // inputs
//   node.run_standalone();                     // START + sc_start until done/error/limit
//   node.status(); node.error(); node.report(); node.host_read(...);
//
// Inside a platform (host interface on top): call load()/start()/abort()/reset() from a
// process or between sc_start calls; wait on end_event(); the host window is `host_socket`.
//
// Host window (`host_socket`, architecture.md §2.3): byte address tile*0x10000 + 2*word,
// 2..32 bytes (1..16 words), even address and length, within one tile's memory; otherwise
// TLM_ADDRESS_ERROR_RESPONSE / TLM_BURST_ERROR_RESPONSE. A fabric::MemExtension on the payload
// supplies the consumer count of a write (0 acts as 1) and `peek` for reads. While a run is in
// progress an access obeys the attribute buffer and may block (producer/consumer, isa.md §6);
// otherwise a write replaces the words (valid with its count) and a read of a word that is
// not valid fails at once (TLM_GENERIC_ERROR_RESPONSE) — an access still waiting when a run
// ends is completed or failed by that same idle rule. A peek (MemExtension::peek, and every
// debug-transport read) returns the words' data as they are, valid or not, without waiting
// or changing attributes; debug-transport writes act like an idle host write.
#pragma once

#include <cstdint>
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
#include "common/geometry.h"
#include "isa/kimage.h"
#include "noc/mesh.h"
#include "fabric/run_monitor.h"
#include "fabric/unit.h"
#include "node/node_control.h"
#include "tile/tile.h"

namespace pumavp::node {

constexpr uint64_t kTileWindowBytes = 0x10000;  // host window per tile

class Node : public sc_core::sc_module, public NodeControl {
 public:
  SC_HAS_PROCESS(Node);
  tlm_utils::simple_target_socket_optional<Node> host_socket;  // may stay unbound

  Node(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats);
  ~Node() override;

  // ---- geometry and parts ----
  const PlatformConfig& config() const { return cfg_; }
  const Geometry& geometry() const { return geo_; }
  unsigned num_tiles() const { return static_cast<unsigned>(tiles_.size()); }
  tile::Tile& tile(unsigned t) { return *tiles_.at(t); }
  noc::Mesh& mesh() { return *mesh_; }
  fabric::RunMonitor& monitor() { return monitor_; }

  // ---- commands ----
  // Validates `img` completely (isa::validate_for_platform) before touching any state, then
  // clears every tile and programs instruction memories, crossbars, preloads. Untimed (the
  // host interface models DMA and crossbar-programming time on top). While a run is in
  // progress nothing happens and code 0xFF is returned.
  LoadResult load(const isa::KernelImage& img) override;
  bool loaded() const { return loaded_; }
  // START: every tile and core program runs until all halt (isa.md §5). False (nothing
  // happens) when not loaded or already running.
  bool start() override;
  // Stop a run in progress with ERROR_CODE 10 (no-op when idle).
  void abort(const std::string& why = "aborted by the host") override;
  // Power-on state: nothing loaded, memories/attributes/FIFOs/crossbars cleared, network
  // emptied, status Idle. A run in progress is stopped first (its end-of-run clean-up runs
  // in the next delta, from the node's own process; end_event() is notified).
  void reset() override;

  // ---- status ----
  bool busy() const override { return monitor_.status() == fabric::RunStatus::Running; }
  fabric::RunStatus status() const override { return monitor_.status(); }
  const fabric::RunError& error() const override { return monitor_.error(); }
  // Notified when a run ends (done or error), after the node's end-of-run clean-up (one delta
  // after status() changed; not notified if a new run was started within that delta).
  const sc_core::sc_event& end_event() const override { return end_ev_; }
  // PERF figures, bound to the parts' own counters (node_perf.cpp).
  NodePerf perf() const override;
  sc_core::sc_time run_start_time() const { return t_start_; }
  sc_core::sc_time run_end_time() const { return t_end_; }
  // Packets discarded at the end of the last run (queued in FIFOs or the network).
  size_t discarded_packets() const { return discarded_; }
  // Human-readable account of the last run's end: status, error, and for a deadlock every
  // blocked unit (tile, core or tile unit, PC, disassembled instruction, what it waits for).
  std::string report() const;

  // Standalone run: START, then sc_start() until the run ends (deadlock of units waiting
  // for host input is declared when the simulation runs out of events), or until `limit`
  // of simulated time has passed (then the run is aborted, code 10). Call from sc_main
  // (outside any process). Returns the final status.
  fabric::RunStatus run_standalone(const sc_core::sc_time& limit = sc_core::sc_max_time());

  // ---- observability (architecture.md §5); call before the simulation starts ----
  // Hooks every tile, core, unit and router link whose path ("node.tile3.core1",
  // "node.tile3.unit", "node.noc.r5.E") matches the filter.
  void attach_trace(const trace::Sinks& sinks);
  // VCD: "node.status" (0 idle, 1 running, 2 done, 3 error) and the matching tiles' and links'
  // signals (Tile::add_vcd, MeshRouter::add_vcd).
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter);

  // ---- untimed host access (tools, loader, tests); attribute rules as for an idle node
  //      unless noted ----
  // Write: replaces the words, valid with `count` (0 acts as 1), marked host-written.
  bool host_write(unsigned tile, unsigned addr, const std::vector<int16_t>& words,
                  uint16_t count = 1);
  // Read: fails (false) unless every word is valid; consumes unless `peek`.
  bool host_read(unsigned tile, unsigned addr, unsigned n, std::vector<int16_t>& out,
                 bool peek = false);

 private:
  using HostInit = tlm_utils::simple_initiator_socket_tagged<Node>;
  void host_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned host_transport_dbg(tlm::tlm_generic_payload& gp);
  // Decodes a host-window payload; false (response set) if malformed.
  bool decode_host(tlm::tlm_generic_payload& gp, unsigned& tile, unsigned& word, unsigned& n);
  void idle_access(tlm::tlm_generic_payload& gp, unsigned tile, unsigned word, unsigned n,
                   bool peek);
  void end_method();
  void cleanup_run();
  std::string describe_unit(const fabric::UnitRecord& u) const;

  const PlatformConfig cfg_;
  Geometry geo_;
  fabric::RunMonitor monitor_;
  std::unique_ptr<noc::Mesh> mesh_;
  std::vector<std::unique_ptr<tile::Tile>> tiles_;
  std::vector<fabric::Unit*> units_;  // the tiles, then the mesh
  std::vector<std::unique_ptr<HostInit>> host_init_;
  bool loaded_ = false;
  bool pause_on_end_ = false;
  bool cleaned_ = true;  // end-of-run processing done for the last run
  size_t discarded_ = 0;
  sc_core::sc_time t_start_, t_end_;
  sc_core::sc_time mem_access_;
  sc_core::sc_event end_ev_;
  std::vector<sc_core::sc_process_handle> ni_threads_;
  uint64_t& c_runs_;
  uint64_t& c_discarded_;
};

}  // namespace pumavp::node
