// pumavp::tile::ReceiveBuffer — a tile's receive FIFOs (isa.md §5): `tile.num_fifos` FIFOs
// of `tile.fifo_depth` packets. Pure C++; the Tile adds the events and the TLM side.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include <systemc>

#include "fabric/packet.h"

namespace pumavp::tile {

struct ReceivedPacket {
  fabric::NocPacket pkt;
  sc_core::sc_time visible_at;  // a receive must not take it earlier
};

class ReceiveBuffer {
 public:
  ReceiveBuffer(unsigned fifos, unsigned depth) : fifos_(fifos), depth_(depth) {}
  unsigned num_fifos() const { return static_cast<unsigned>(fifos_.size()); }
  unsigned depth() const { return depth_; }
  bool full(unsigned f) const { return fifos_[f].size() >= depth_; }
  bool empty(unsigned f) const { return fifos_[f].empty(); }
  size_t size(unsigned f) const { return fifos_[f].size(); }
  const ReceivedPacket& head(unsigned f) const { return fifos_[f].front(); }
  void push(unsigned f, const ReceivedPacket& p) {
    fifos_[f].push_back(p);
    ++occupancy_;
  }
  void pop(unsigned f) {
    fifos_[f].pop_front();
    --occupancy_;
  }
  // Packets in all FIFOs (kept as a variable so waveforms can trace it).
  const uint32_t& occupancy() const { return occupancy_; }
  // Drop everything; returns the number of packets discarded.
  size_t clear() {
    size_t n = 0;
    for (auto& q : fifos_) {
      n += q.size();
      q.clear();
    }
    occupancy_ = 0;
    return n;
  }
  size_t total() const {
    size_t n = 0;
    for (const auto& q : fifos_) n += q.size();
    return n;
  }

 private:
  std::vector<std::deque<ReceivedPacket>> fifos_;
  unsigned depth_;
  uint32_t occupancy_ = 0;
};

}  // namespace pumavp::tile
