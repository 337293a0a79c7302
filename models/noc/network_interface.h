// pumavp::noc::NetworkInterface — the network side of one tile: injection queue towards
// the mesh and delivery into the tile's receive FIFOs (isa.md §5, §8.1; contract in
// fabric/packet.h).
//
// Sockets:
//   tile_in     target     <- tile's noc_out (send hand-off; blocks while the injection
//                             queue of noc.inject_depth packets is full)
//   to_router   initiator  -> local input port of the tile's router
//   from_router target     <- local output port of the tile's router
//   to_tile     initiator  -> tile's noc_in (delivery; may block on a full FIFO)
//
// One SC_THREAD per NI drains the queue in order: it waits until the packet's hand-off
// time and until the previous packet's flits have left (injection serialisation), then
// pushes the packet through the mesh. A packet to the own tile bypasses the mesh (no
// network latency). The sender's SendTracker is told when the destination accepted it.
// Energy: e.noc_word per word (Component::Noc, ledger `<prefix>`), counted at hand-off.
// Counters: <prefix>.packets, <prefix>.words (all packets), <prefix>.flits (flits of packets
// that enter the mesh, counted once per packet, not per hop), <prefix>.tile<N>.inject_waits.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "fabric/packet.h"
#include "fabric/run_monitor.h"

namespace pumavp::noc {

// Called once per packet when it has been accepted at its destination (for traces):
// the packet, the time it entered the network (left the injection queue) and the time it
// was accepted into the destination FIFO.
using PacketObserver =
    std::function<void(const fabric::NocPacket&, const sc_core::sc_time&, const sc_core::sc_time&)>;

class NetworkInterface : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(NetworkInterface);
  NetworkInterface(sc_core::sc_module_name name, const PlatformConfig& cfg, unsigned tile,
                   Stats& stats, fabric::RunMonitor* monitor, const std::string& stats_prefix);

  tlm_utils::simple_target_socket<NetworkInterface> tile_in;
  tlm_utils::simple_initiator_socket<NetworkInterface> to_router;
  tlm_utils::simple_target_socket<NetworkInterface> from_router;
  tlm_utils::simple_initiator_socket<NetworkInterface> to_tile;

  // The payload may still point at a queued packet's extension when the simulation ends
  // with a packet stuck in the network: detach it before the payload is destroyed.
  ~NetworkInterface() override { gp_.clear_extension<fabric::NocPacketExt>(); }

  unsigned tile() const { return tile_; }
  // Observer shared by the mesh (may be null / empty).
  void set_observer(const PacketObserver* obs) { observer_ = obs; }
  // Packets in the injection queue (including the one being injected).
  size_t queued() const { return queue_.size(); }
  // End of a run / node reset: drop every queued packet (including one stuck in the mesh
  // at a full FIFO: the NI's thread is reset, unwinding its delivery chain — call this from
  // a SystemC process, e.g. the node's end-of-run method, when a chain may be stuck), wake
  // senders waiting for a queue slot (their b_transport returns TLM_GENERIC_ERROR_RESPONSE)
  // and clear timing state. Returns the number of packets discarded.
  size_t flush();
  // True while the NI has a packet that is not stuck (queued, or being injected).
  bool moving() const { return !queue_.empty() && !in_chain_; }
  // True while the NI's thread is inside a delivery chain (only observable when stuck).
  bool in_chain() const { return in_chain_; }
  // Counters (may be shared by every NI of a mesh: same stats prefix).
  const uint64_t& flits() const { return flits_; }
  const EnergyLedger& energy() const { return energy_; }

 private:
  struct Entry {
    fabric::NocPacketExt ext;
    sc_core::sc_time handoff;
  };
  void tile_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void router_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void inject_thread();
  void deliver(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void token_begin();
  void token_end();

  unsigned tile_;
  unsigned tiles_;
  unsigned num_fifos_;
  unsigned depth_;
  unsigned flit_bits_;
  sc_core::sc_time cycle_;
  double noc_word_pj_;
  fabric::RunMonitor* monitor_;
  const PacketObserver* observer_ = nullptr;
  tlm::tlm_generic_payload gp_;
  std::deque<Entry> queue_;
  bool token_ = false;
  bool in_chain_ = false;
  uint64_t gen_ = 0;
  sc_core::sc_process_handle thread_;
  uint64_t seq_ = 0;
  sc_core::sc_time inject_free_ = sc_core::SC_ZERO_TIME;
  sc_core::sc_event pushed_, popped_;
  uint64_t& packets_;
  uint64_t& words_;
  uint64_t& flits_;
  uint64_t& inject_waits_;
  EnergyLedger& energy_;
};

}  // namespace pumavp::noc
