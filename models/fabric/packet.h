// pumavp::fabric NoC packet format: what a tile `send` puts on the mesh (isa.md §5, §8.1).
// Part of the accelerator contracts (models/fabric): tile and noc are siblings that both
// follow it; only the node wires them together.
//
// Transport contract (used by models/tile and models/node):
//
//  * A packet travels in a tlm::tlm_generic_payload carrying a `NocPacketExt` extension
//    (the packet itself lives in the extension). Command TLM_WRITE_COMMAND, address =
//    (dst_tile << 8) | fifo, data pointer = the packet's words (2*width bytes, int16 little
//    endian as in host memory), streaming width = data length, byte enables none.
//    The extension is the authoritative copy; the data pointer is for generic observers.
//    `make_payload()` sets all of this up.
//
//  * Tile -> network: the tile control unit calls `b_transport` on its `noc_out` initiator
//    socket (bound by the Node to the tile's NetworkInterface). The call blocks (wait())
//    while the injection queue (`noc.inject_depth` packets) is full and returns once the
//    packet has been handed over; the NetworkInterface copies the packet, so the payload
//    only has to live for the duration of the call. On return the response is
//    TLM_OK_RESPONSE; TLM_COMMAND_ERROR_RESPONSE for width 0 or > 16,
//    TLM_ADDRESS_ERROR_RESPONSE for a destination tile or FIFO that does not exist, and
//    TLM_GENERIC_ERROR_RESPONSE when the run ended while the sender waited for a queue slot
//    (the packet was not taken). `delay` on entry is the sender's local time offset (hand-off time =
//    sc_time_stamp() + delay); it is returned unchanged unless the call had to wait.
//    The packet must carry `tracker` = the sending tile's SendTracker; the NI counts it
//    in flight from the hand-off until it is accepted into the destination FIFO.
//
//  * Network -> tile: the NetworkInterface of the destination tile calls `b_transport` on
//    the tile's `noc_in` target socket. `delay` is the time at which the last flit arrives
//    (relative to sc_time_stamp()). The tile's b_transport:
//      - with `noc.fifo_full: wait`: takes t_arr = sc_time_stamp() + delay; if FIFO
//        `fifo` is full, waits (wait() on its own "FIFO popped" event) until there is
//        room — this is the back-pressure that keeps the packet, and the links behind it,
//        in the network; then pushes the packet, remembering max(t_arr, sc_time_stamp())
//        as the time the packet becomes visible to `receive` (a receive must not take it
//        earlier), sets `delay` = that time - sc_time_stamp() and returns TLM_OK_RESPONSE;
//      - with `noc.fifo_full: error` and a full FIFO: raises the tile's FIFO-overflow
//        error (code 7) and returns TLM_GENERIC_ERROR_RESPONSE (the packet is dropped);
//      - must not wait() for any other reason (no time synchronisation inside).
//    The tile does NOT touch the SendTracker: the network marks the packet accepted when
//    this b_transport returns.
//
//  * A packet to the sending tile itself bypasses the mesh (no network latency): the NI
//    delivers it through the same `noc_in` call.
//
//  * `SendTracker`: one per tile (owned by the tile), used by `halt` (a tile halts only when
//    every packet it sent was accepted). Call `wait_all_accepted()` from the tile's thread.
#pragma once

#include <array>
#include <cstdint>

#include <systemc>
#include <tlm>

namespace pumavp::fabric {

constexpr unsigned kMaxPacketWords = 16;

// Sender-side count of packets handed to the network and not yet accepted into their
// destination FIFO.
class SendTracker {
 public:
  // Called by the network when it takes a packet (hand-off).
  void on_sent() { ++in_flight_; }
  // Called by the network when the destination accepted the packet; `at` is the absolute
  // simulated time of acceptance (may lie ahead of sc_time_stamp() under time annotation).
  void on_accepted(const sc_core::sc_time& at) {
    if (in_flight_ > 0) --in_flight_;
    if (at > last_accept_) last_accept_ = at;
    event_.notify(sc_core::SC_ZERO_TIME);
  }
  unsigned in_flight() const { return in_flight_; }
  // Absolute time of the latest acceptance seen so far.
  const sc_core::sc_time& last_accept_time() const { return last_accept_; }
  // Notified (delta) at every acceptance.
  const sc_core::sc_event& accepted_event() const { return event_; }
  // Blocks the calling SC_THREAD until nothing is in flight and simulated time has reached
  // the last acceptance. Returns immediately (no wait) when that already holds.
  void wait_all_accepted() {
    while (in_flight_ > 0) sc_core::wait(event_);
    if (last_accept_ > sc_core::sc_time_stamp())
      sc_core::wait(last_accept_ - sc_core::sc_time_stamp());
  }
  // Forget everything (node reset / new run). Packets still in flight are discarded by
  // the network's own reset.
  void reset() {
    in_flight_ = 0;
    last_accept_ = sc_core::SC_ZERO_TIME;
  }

 private:
  unsigned in_flight_ = 0;
  sc_core::sc_time last_accept_ = sc_core::SC_ZERO_TIME;
  sc_core::sc_event event_{"noc_send_tracker_accepted"};
};

struct NocPacket {
  uint16_t src_tile = 0;
  uint16_t dst_tile = 0;
  uint8_t fifo = 0;          // FIFO id at the destination tile
  uint8_t width = 1;         // words carried, 1..kMaxPacketWords
  std::array<int16_t, kMaxPacketWords> words{};
  SendTracker* tracker = nullptr;  // sender's tracker (may be null for test endpoints)
  uint64_t seq = 0;          // per-source sequence number, set by the NetworkInterface
  uint64_t trace_id = 0;     // flow id in the timeline trace (0 = not traced)

  // Flits on the wire: 1 head flit + ceil(16*width / flit_bits) payload flits (isa §8.1).
  static unsigned flits_for(unsigned width, unsigned flit_bits) {
    return 1 + (16 * width + flit_bits - 1) / flit_bits;
  }
  unsigned flits(unsigned flit_bits) const { return flits_for(width, flit_bits); }
};

// The TLM extension that carries a NocPacket. Clone/copy_from copy the packet.
class NocPacketExt : public tlm::tlm_extension<NocPacketExt> {
 public:
  NocPacket pkt;

  tlm::tlm_extension_base* clone() const override {
    auto* e = new NocPacketExt;
    e->pkt = pkt;
    return e;
  }
  void copy_from(const tlm::tlm_extension_base& other) override {
    pkt = static_cast<const NocPacketExt&>(other).pkt;
  }
};

// Fills `gp` for `ext.pkt` as described above and attaches `ext` (not owned: the caller
// keeps `ext` alive for the duration of the transport call and clears the extension
// pointer afterwards with `gp.clear_extension(&ext)` if the payload is reused elsewhere).
inline void make_payload(tlm::tlm_generic_payload& gp, NocPacketExt& ext) {
  NocPacket& p = ext.pkt;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address((static_cast<uint64_t>(p.dst_tile) << 8) | p.fifo);
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(p.words.data()));
  gp.set_data_length(2u * p.width);
  gp.set_streaming_width(2u * p.width);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_byte_enable_length(0);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  gp.set_extension(&ext);
}

// The packet carried by `gp`, or nullptr if it has no NocPacketExt.
inline NocPacket* packet_of(tlm::tlm_generic_payload& gp) {
  NocPacketExt* e = nullptr;
  gp.get_extension(e);
  return e ? &e->pkt : nullptr;
}

}  // namespace pumavp::fabric
