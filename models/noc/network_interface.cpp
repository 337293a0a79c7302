#include "noc/network_interface.h"

#include <cstdlib>
#include <iostream>

namespace pumavp::noc {

NetworkInterface::NetworkInterface(sc_core::sc_module_name name, const PlatformConfig& cfg,
                                   unsigned tile, Stats& stats, fabric::RunMonitor* monitor,
                                   const std::string& stats_prefix)
    : sc_core::sc_module(name),
      tile_in("tile_in"),
      to_router("to_router"),
      from_router("from_router"),
      to_tile("to_tile"),
      tile_(tile),
      tiles_(cfg.node.tiles),
      num_fifos_(cfg.tile.num_fifos),
      depth_(cfg.noc.inject_depth ? cfg.noc.inject_depth : 1),
      flit_bits_(cfg.noc.flit_bits),
      cycle_(cfg.cycle_ns(), sc_core::SC_NS),
      noc_word_pj_(cfg.e.noc_word),
      monitor_(monitor),
      packets_(stats.counter(stats_prefix + ".packets")),
      words_(stats.counter(stats_prefix + ".words")),
      flits_(stats.counter(stats_prefix + ".flits")),
      inject_waits_(stats.counter(stats_prefix + ".tile" + std::to_string(tile) + ".inject_waits")),
      energy_(stats.ledger(stats_prefix)) {
  tile_in.register_b_transport(this, &NetworkInterface::tile_b_transport);
  from_router.register_b_transport(this, &NetworkInterface::router_b_transport);
  SC_THREAD(inject_thread);
  thread_ = sc_core::sc_get_current_process_handle();
}

void NetworkInterface::token_begin() {
  if (!token_ && monitor_) monitor_->activity_begin();
  token_ = true;
}

void NetworkInterface::token_end() {
  if (token_ && monitor_) monitor_->activity_end();
  token_ = false;
}

size_t NetworkInterface::flush() {
  const size_t n = queue_.size();
  queue_.clear();
  token_ = false;  // the monitor's start() clears its activity count
  inject_free_ = sc_core::SC_ZERO_TIME;
  ++gen_;
  popped_.notify(sc_core::SC_ZERO_TIME);
  if (in_chain_) {
    in_chain_ = false;
    gp_.clear_extension<fabric::NocPacketExt>();
    thread_.reset();  // unwinds the stuck chain; restarts waiting for new packets
  }
  return n;
}

void NetworkInterface::tile_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const fabric::NocPacket* p = fabric::packet_of(gp);
  if (!p || p->width == 0 || p->width > fabric::kMaxPacketWords) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (p->dst_tile >= tiles_ || p->fifo >= num_fifos_) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  sc_core::sc_time handoff = sc_core::sc_time_stamp() + delay;
  if (queue_.size() >= depth_) {
    ++inject_waits_;
    const uint64_t gen = gen_;
    while (queue_.size() >= depth_) {
      sc_core::wait(popped_);
      if (gen_ != gen) {  // flushed (run ended): the packet is not taken
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
      }
    }
    // The slot freed at the current time; the sender resumes from here.
    if (handoff < sc_core::sc_time_stamp()) handoff = sc_core::sc_time_stamp();
    delay = handoff - sc_core::sc_time_stamp();
  }
  queue_.emplace_back();
  Entry& e = queue_.back();
  e.ext.pkt = *p;
  e.ext.pkt.src_tile = static_cast<uint16_t>(tile_);
  e.ext.pkt.seq = seq_++;
  e.handoff = handoff;
  if (e.ext.pkt.tracker) e.ext.pkt.tracker->on_sent();
  ++packets_;
  words_ += p->width;
  if (p->dst_tile != tile_) flits_ += p->flits(flit_bits_);  // own tile: nothing on the wire
  energy_.add(Component::Noc, noc_word_pj_ * p->width);
  token_begin();
  pushed_.notify(sc_core::SC_ZERO_TIME);
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void NetworkInterface::inject_thread() {
  tlm::tlm_generic_payload& gp = gp_;  // a member: the thread's stack is never unwound
  for (;;) {
    while (queue_.empty()) sc_core::wait(pushed_);
    Entry& e = queue_.front();
    sc_core::sc_time t = e.handoff > inject_free_ ? e.handoff : inject_free_;
    if (t > sc_core::sc_time_stamp()) {
      sc_core::wait(t - sc_core::sc_time_stamp());
      if (queue_.empty() || &queue_.front() != &e) continue;  // reset meanwhile
    }
    const unsigned flits = e.ext.pkt.flits(flit_bits_);
    if (e.ext.pkt.dst_tile != tile_)  // own-tile packets do not use the injection link
      inject_free_ = sc_core::sc_time_stamp() + cycle_ * static_cast<double>(flits);
    fabric::make_payload(gp, e.ext);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    in_chain_ = true;
    const sc_core::sc_time injected = sc_core::sc_time_stamp();
    if (e.ext.pkt.dst_tile == tile_) {
      deliver(gp, delay);  // own tile: bypasses the mesh
    } else {
      to_router->b_transport(gp, delay);
    }
    in_chain_ = false;
    if (observer_ && *observer_) (*observer_)(e.ext.pkt, injected, sc_core::sc_time_stamp() + delay);
    gp.clear_extension(&e.ext);
    if (inject_free_ < sc_core::sc_time_stamp()) inject_free_ = sc_core::sc_time_stamp();
    if (!queue_.empty() && &queue_.front() == &e) queue_.pop_front();
    popped_.notify(sc_core::SC_ZERO_TIME);
    if (queue_.empty()) token_end();
  }
}

void NetworkInterface::router_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  deliver(gp, delay);
}

void NetworkInterface::deliver(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  fabric::NocPacket* p = fabric::packet_of(gp);
  if (!p) {
    std::cerr << "pumavp: internal error in " << name() << ": payload without a NoC packet\n";
    std::abort();
  }
  fabric::SendTracker* tracker = p->tracker;
  // A packet waiting at a full FIFO is not activity (deadlock detection, isa.md §6).
  if (monitor_) monitor_->activity_end();
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  to_tile->b_transport(gp, delay);
  if (monitor_) monitor_->activity_begin();
  if (tracker) tracker->on_accepted(sc_core::sc_time_stamp() + delay);
}

}  // namespace pumavp::noc
