#include "xbar/lut.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace pumavp::xbar {

double LutSet::function(LutFn fn, double x) {
  switch (fn) {
    case LutFn::Sig: return 1.0 / (1.0 + std::exp(-x));
    case LutFn::Tanh: return std::tanh(x);
    case LutFn::Exp: return std::exp(x);
    case LutFn::Log: return std::log(x);
  }
  return 0.0;
}

int32_t LutSet::representative(std::size_t idx) const {
  const unsigned s = 16 - L_;
  return static_cast<int32_t>(idx << s) - 32768 + (s > 0 ? (int32_t{1} << (s - 1)) : 0);
}

LutSet::LutSet(unsigned frac_bits, unsigned lut_bits) : f_(frac_bits), L_(lut_bits) {
  if (frac_bits > 14) throw std::invalid_argument("LutSet: frac_bits must be 0..14");
  if (lut_bits < 8 || lut_bits > 16) throw std::invalid_argument("LutSet: lut_bits must be 8..16");
  const std::size_t n = size();
  const double one = std::ldexp(1.0, static_cast<int>(f_));
  for (unsigned t = 0; t < kNumLutFns; ++t) {
    const LutFn fn = static_cast<LutFn>(t);
    tab_[t].resize(n);
    satbit_[t].assign(n, 0);
    for (std::size_t idx = 0; idx < n; ++idx) {
      const int32_t xr = representative(idx);
      if (fn == LutFn::Log && xr <= 0) {
        tab_[t][idx] = -32768;  // domain entry: a DOM value, not a saturation
        continue;
      }
      // rne_real(F(x_rep / 2^f) * 2^f), then sat16 (+-inf saturate too).
      const FixedValue v = to_fixed(function(fn, xr / one), f_, -32768, 32767,
                                    FixedOverflow::Saturate);
      tab_[t][idx] = static_cast<int16_t>(v.raw);
      satbit_[t][idx] = v.saturated ? 1 : 0;
    }
  }
}

std::shared_ptr<const LutSet> LutCache::get(unsigned frac_bits, unsigned lut_bits) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = sets_[{frac_bits, lut_bits}];
  if (!slot) slot = std::make_shared<const LutSet>(frac_bits, lut_bits);
  return slot;
}

}  // namespace pumavp::xbar
