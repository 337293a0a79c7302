// Test-only tile endpoint implementing the tile side of the NoC contract (fabric/packet.h):
// sends through noc_out, accepts into bounded FIFOs on noc_in (blocking when full), and
// logs every accepted packet with the time it became visible.
#pragma once

#include <deque>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "fabric/packet.h"

namespace pumavp::noc::test {

struct Arrival {
  fabric::NocPacket pkt;
  sc_core::sc_time visible;  // time the tail arrived / the packet could be received
};

class TestEndpoint : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<TestEndpoint> noc_out{"noc_out"};
  tlm_utils::simple_target_socket<TestEndpoint> noc_in{"noc_in"};
  fabric::SendTracker tracker;
  std::vector<Arrival> log;  // in acceptance order

  TestEndpoint(sc_core::sc_module_name name, unsigned id, unsigned num_fifos, unsigned depth)
      : sc_core::sc_module(name), id_(id), depth_(depth), fifos_(num_fifos) {
    noc_in.register_b_transport(this, &TestEndpoint::b_transport);
  }

  ~TestEndpoint() override { gp_.clear_extension<fabric::NocPacketExt>(); }

  // Send one packet from the calling thread at sc_time_stamp() (+delay); returns after the
  // hand-off (sync'ing the calling thread to the hand-off time).
  void send(unsigned dst, unsigned fifo, const std::vector<int16_t>& words) {
    fabric::NocPacketExt ext;
    ext.pkt.src_tile = static_cast<uint16_t>(id_);
    ext.pkt.dst_tile = static_cast<uint16_t>(dst);
    ext.pkt.fifo = static_cast<uint8_t>(fifo);
    ext.pkt.width = static_cast<uint8_t>(words.size());
    for (size_t i = 0; i < words.size(); ++i) ext.pkt.words[i] = words[i];
    ext.pkt.tracker = &tracker;
    tlm::tlm_generic_payload& gp = gp_;  // member: a blocked thread is never unwound
    fabric::make_payload(gp, ext);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    noc_out->b_transport(gp, delay);
    last_send_status = gp.get_response_status();
    gp.clear_extension(&ext);
    if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  }

  // Blocking receive from FIFO `fifo` (waits for a packet and for its visible time).
  Arrival receive(unsigned fifo) {
    while (fifos_[fifo].empty()) sc_core::wait(pushed_);
    Arrival a = fifos_[fifo].front();
    if (a.visible > sc_core::sc_time_stamp()) sc_core::wait(a.visible - sc_core::sc_time_stamp());
    fifos_[fifo].pop_front();
    popped_.notify(sc_core::SC_ZERO_TIME);
    return a;
  }

  size_t fifo_size(unsigned fifo) const { return fifos_[fifo].size(); }
  tlm::tlm_response_status last_send_status = tlm::TLM_INCOMPLETE_RESPONSE;

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    const fabric::NocPacket* p = fabric::packet_of(gp);
    sc_core::sc_time t_arr = sc_core::sc_time_stamp() + delay;
    while (fifos_[p->fifo].size() >= depth_) sc_core::wait(popped_);
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const sc_core::sc_time vis = t_arr > now ? t_arr : now;
    fifos_[p->fifo].push_back({*p, vis});
    log.push_back({*p, vis});
    pushed_.notify(sc_core::SC_ZERO_TIME);
    delay = vis - now;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  tlm::tlm_generic_payload gp_;
  unsigned id_;
  unsigned depth_;
  std::vector<std::deque<Arrival>> fifos_;
  sc_core::sc_event pushed_, popped_;
};

}  // namespace pumavp::noc::test
