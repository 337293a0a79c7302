// Per-core xorshift32 random number generator (isa.md §2.5).
#pragma once

#include <cstdint>

namespace pumavp::xbar {

class Rng {
 public:
  // s0 = seed XOR ((0x9E3779B9 * (g + 1)) mod 2^32), or 1 if that is 0;
  // g = tile * cores_per_tile + core.
  static uint32_t initial_state(uint32_t seed, uint32_t global_core);

  explicit Rng(uint32_t state = 1) : s_(state ? state : 1) {}
  // Kernel start: state = initial_state(seed, global_core).
  void reset(uint32_t seed, uint32_t global_core) { s_ = initial_state(seed, global_core); }
  uint32_t state() const { return s_; }
  void set_state(uint32_t s) { s_ = s ? s : 1; }

  // One xorshift step (s ^= s << 13; s ^= s >> 17; s ^= s << 5); returns the new state.
  uint32_t step() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 17;
    s_ ^= s_ << 5;
    return s_;
  }
  // One `rand` element: steps, then u = s >> (32 - f) (0 if f = 0), raw in [0, 2^f).
  int16_t next_raw(unsigned frac_bits) {
    const uint32_t s = step();
    return frac_bits == 0 ? int16_t{0} : static_cast<int16_t>(s >> (32 - frac_bits));
  }

 private:
  uint32_t s_;
};

}  // namespace pumavp::xbar
