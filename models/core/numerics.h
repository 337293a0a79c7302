// pumavp::core numerics adapter — the arithmetic the core executes (isa.md §2): VFU vector
// ops, SFU integer ops, LUTs, RNG and the MVMU (golden and bit-sliced MVM).
//
// This is the single swap point between the core model and the crossbar numerics library
// (models/xbar). Everything the core computes goes through these declarations.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/config.h"

namespace pumavp::core {

// Flag bits as in core_exec.h (SAT = 1, DZ = 2, DOM = 4).

// Transcendental tables (isa.md §2.4) for one (f, L); built lazily per function on first
// use and shareable between cores.
class LutSet {
 public:
  LutSet(unsigned frac_bits, unsigned lut_bits);
  unsigned frac_bits() const { return f_; }
  unsigned lut_bits() const { return L_; }
  // fn: 0 sig, 1 tanh, 2 exp, 3 log. Returns T[idx(a)]; ORs SAT/DOM into flags.
  int16_t lookup(unsigned fn, int16_t a, uint8_t& flags);

 private:
  void build(unsigned fn);
  unsigned f_, L_;
  std::array<std::vector<int16_t>, 4> table_;
  std::array<std::vector<uint8_t>, 4> sat_;
};

// VFU context: fractional bits, LUTs, RNG state, flags.
struct VfuContext {
  unsigned f = 12;
  LutSet* luts = nullptr;
  uint32_t* rng = nullptr;
  uint8_t flags = 0;
};

// out[i] = OP(a[i], b[i], k) for i < n (isa.md §2.3). For arity-1 ops b is unused, for
// arity 0 both; for `alui` pass b = a vector filled with the immediate. `subs` is handled by
// the caller (it is a strided gather). a, b and out must not alias (the caller snapshots).
void vfu_apply(unsigned op, const int16_t* a, const int16_t* b, unsigned k, int16_t* out,
               unsigned n, VfuContext& ctx);

// SFU (isa.md §2.6); ORs DZ into flags.
int16_t sfu_apply(unsigned op, int16_t a, int16_t b, uint8_t& flags);

// RNG (isa.md §2.5).
uint32_t rng_seed(uint32_t seed, unsigned global_core);
inline uint32_t rng_step(uint32_t& s) {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

// One MVMU crossbar: X x X int16 weights (row = input), golden and sliced MVM.
class Mvmu {
 public:
  explicit Mvmu(const PlatformConfig& cfg);
  void clear();
  void set_weight(unsigned row, unsigned col, int16_t w) { w_[row * X_ + col] = w; dirty_ = true; }
  int16_t weight(unsigned row, unsigned col) const { return w_[row * X_ + col]; }
  // y[j] = sat16(rne(sum_i W[i][j] x[i], f)); returns the number of saturated outputs.
  unsigned mvm(const int16_t* x, int16_t* y);

 private:
  unsigned mvm_ideal(const int16_t* x, int16_t* y);
  unsigned mvm_sliced(const int16_t* x, int16_t* y);
  unsigned X_, f_, b_, d_, a_;
  bool sliced_, scale_;
  unsigned lossless_;
  std::vector<int16_t> w_;
  std::vector<int64_t> acc_;
  bool dirty_ = true;
};

}  // namespace pumavp::core
