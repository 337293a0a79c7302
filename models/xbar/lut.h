// Transcendental lookup tables (isa.md §2.4): sig, tanh, exp, log with 2^L entries each.
//
// A LutSet is immutable once built; cores share one per (f, L) through a LutCache owned by
// the platform (no global state). Building the L = 16 set takes a few milliseconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "xbar/fixed_point.h"

namespace pumavp::xbar {

enum class LutFn : uint8_t { Sig = 0, Tanh = 1, Exp = 2, Log = 3 };
constexpr unsigned kNumLutFns = 4;

class LutSet {
 public:
  // frac_bits 0..14, lut_bits 8..16; throws std::invalid_argument otherwise.
  LutSet(unsigned frac_bits, unsigned lut_bits);

  unsigned frac_bits() const { return f_; }
  unsigned lut_bits() const { return L_; }
  std::size_t size() const { return std::size_t{1} << L_; }

  // idx = (a + 32768) >> (16 - L).
  std::size_t index(int16_t a) const { return (static_cast<uint32_t>(a + 32768)) >> (16 - L_); }
  // Bucket midpoint x_rep of an index (= the input itself when L = 16).
  int32_t representative(std::size_t idx) const;

  int16_t entry(LutFn fn, std::size_t idx) const { return tab_[unsigned(fn)][idx]; }
  // Whether sat16 clamped this entry when it was built.
  bool entry_saturated(LutFn fn, std::size_t idx) const { return satbit_[unsigned(fn)][idx] != 0; }
  const std::vector<int16_t>& table(LutFn fn) const { return tab_[unsigned(fn)]; }

  // result = T[idx]; SAT if the entry was saturated; DOM for log of a <= 0.
  int16_t lookup(LutFn fn, int16_t a, Flags& flags) const {
    const std::size_t idx = index(a);
    if (satbit_[unsigned(fn)][idx]) flags.sat = true;
    if (fn == LutFn::Log && a <= 0) flags.dom = true;
    return tab_[unsigned(fn)][idx];
  }

  // The real function F of a table (1/(1+e^-x), tanh, e^x, ln x).
  static double function(LutFn fn, double x);

 private:
  unsigned f_, L_;
  std::vector<int16_t> tab_[kNumLutFns];
  std::vector<uint8_t> satbit_[kNumLutFns];
};

// Thread-safe cache of immutable LutSets keyed by (f, L). Owned by whoever builds cores.
class LutCache {
 public:
  std::shared_ptr<const LutSet> get(unsigned frac_bits, unsigned lut_bits);

 private:
  std::mutex mu_;
  std::map<std::pair<unsigned, unsigned>, std::shared_ptr<const LutSet>> sets_;
};

}  // namespace pumavp::xbar
