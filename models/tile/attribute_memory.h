// pumavp::tile::AttributeMemory — the pure-C++ state of a tile's shared memory: eDRAM data
// words plus the attribute buffer (valid, count) of isa.md §6. No SystemC, no timing except a
// per-word "ready" timestamp (ps) that the SystemC shell uses to order decoupled accesses.
//
// Producer rule: an access of w words may proceed iff every word is invalid; it writes them
// all and sets valid = 1, count = c. Consumer rule: it may proceed iff every word is valid;
// it returns them and decrements each count, invalidating words that reach 0. All or
// nothing over the access's words.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/zeroed_array.h"

namespace pumavp::tile {

struct WordAttr {
  bool valid = false;
  uint16_t count = 0;
};

class AttributeMemory {
 public:
  explicit AttributeMemory(unsigned words);

  unsigned size() const { return static_cast<unsigned>(data_.size()); }
  bool in_range(uint64_t addr, uint64_t w) const { return addr + w <= data_.size(); }

  // Condition checks (caller guarantees in_range).
  bool can_produce(unsigned addr, unsigned w) const;
  bool can_consume(unsigned addr, unsigned w) const;
  // First word that blocks the access (nullopt if it can proceed).
  std::optional<unsigned> first_blocking(unsigned addr, unsigned w, bool produce) const;

  // Perform an access whose condition holds; `now_ps` stamps the words' ready time.
  void produce(unsigned addr, unsigned w, const int16_t* in, uint16_t count, uint64_t now_ps);
  void consume(unsigned addr, unsigned w, int16_t* out, uint64_t now_ps);
  // Read without condition or side effect.
  void peek(unsigned addr, unsigned w, int16_t* out) const;
  // Latest ready stamp over the words (when the words last changed state).
  uint64_t ready_ps(unsigned addr, unsigned w) const;

  // Host-side: replace words unconditionally, valid with count (0 acts as 1), and mark them
  // as written by the host since the last run (kept at START).
  void host_write(unsigned addr, unsigned w, const int16_t* in, uint16_t count);
  // Preload (`.data` at START): replace words, valid with count, not marked host-written.
  void preload(unsigned addr, unsigned w, const int16_t* in, uint16_t count);

  // LOAD: every word data 0, invalid, count 0; marks cleared.
  void clear();
  // START (isa.md §6): every word not written by the host since the previous run (or LOAD)
  // becomes invalid with count 0 (its data stays but cannot be consumed); the host-written
  // marks are then cleared. The caller writes the `.data` preloads afterwards.
  void start_run();
  // End of a run: later host writes count as "written since the previous run".
  void end_run();

  WordAttr attr(unsigned addr) const { return attr_[addr]; }
  int16_t data(unsigned addr) const { return data_[addr]; }
  bool host_written(unsigned addr) const { return host_mark_[addr] != 0; }

 private:
  // Words outside [lo_, hi_) have never been written since construction or the last clear():
  // they are all zero (data 0, invalid, count 0, unmarked, ready 0), so clear/START/end of run
  // only visit the range, and the storage of words a kernel never uses is never touched.
  void touch(unsigned addr, unsigned w) {
    if (addr < lo_) lo_ = addr;
    if (addr + w > hi_) hi_ = addr + w;
  }
  ZeroedArray<int16_t> data_;
  ZeroedArray<WordAttr> attr_;
  ZeroedArray<uint8_t> host_mark_;
  ZeroedArray<uint64_t> ready_;
  unsigned lo_ = ~0u, hi_ = 0;
};

}  // namespace pumavp::tile
