#include "core/numerics.h"

#include <algorithm>
#include <cmath>

namespace pumavp::core {

namespace {
constexpr uint8_t kSat = 1, kDz = 2, kDom = 4;

inline int16_t sat16(int64_t v, uint8_t& flags) {
  if (v > 32767) { flags |= kSat; return 32767; }
  if (v < -32768) { flags |= kSat; return -32768; }
  return static_cast<int16_t>(v);
}

// v / 2^s, round to nearest, ties to even (isa.md §2.2).
inline int64_t rne(int64_t v, unsigned s) {
  if (s == 0) return v;
  const int64_t q = v >> s;  // floor
  const int64_t r = v - q * (int64_t{1} << s);
  const int64_t h = int64_t{1} << (s - 1);
  return (r > h || (r == h && (q & 1))) ? q + 1 : q;
}

inline int64_t rne_q(int64_t n, int64_t m) {
  const int64_t an = n < 0 ? -n : n, am = m < 0 ? -m : m;
  int64_t q = an / am;
  const int64_t r = an % am;
  if (2 * r > am || (2 * r == am && (q & 1))) ++q;
  return ((n < 0) != (m < 0)) ? -q : q;
}
}  // namespace

// ---------------------------------------------------------------- LUTs
LutSet::LutSet(unsigned frac_bits, unsigned lut_bits) : f_(frac_bits), L_(lut_bits) {}

void LutSet::build(unsigned fn) {
  const unsigned s = 16 - L_;
  const size_t entries = size_t{1} << L_;
  auto& t = table_[fn];
  auto& st = sat_[fn];
  t.resize(entries);
  st.resize(entries);
  const double one = std::ldexp(1.0, static_cast<int>(f_));
  for (size_t idx = 0; idx < entries; ++idx) {
    const int64_t x_rep = (static_cast<int64_t>(idx) << s) - 32768 + (s > 0 ? (1 << (s - 1)) : 0);
    const double x = static_cast<double>(x_rep) / one;
    if (fn == 3 && x_rep <= 0) {
      t[idx] = -32768;
      st[idx] = 0;
      continue;
    }
    double F = 0;
    switch (fn) {
      case 0: F = 1.0 / (1.0 + std::exp(-x)); break;
      case 1: F = std::tanh(x); break;
      case 2: F = std::exp(x); break;
      default: F = std::log(x); break;
    }
    const double r = std::nearbyint(F * one);
    uint8_t fl = 0;
    int16_t v;
    if (r > 32767.0) { v = 32767; fl = 1; }
    else if (r < -32768.0) { v = -32768; fl = 1; }
    else v = static_cast<int16_t>(r);
    t[idx] = v;
    st[idx] = fl;
  }
}

int16_t LutSet::lookup(unsigned fn, int16_t a, uint8_t& flags) {
  if (table_[fn].empty()) build(fn);
  const unsigned idx = static_cast<unsigned>(static_cast<int32_t>(a) + 32768) >> (16 - L_);
  if (sat_[fn][idx]) flags |= kSat;
  if (fn == 3 && a <= 0) flags |= kDom;
  return table_[fn][idx];
}

// ---------------------------------------------------------------- VFU
void vfu_apply(unsigned op, const int16_t* a, const int16_t* b, unsigned k, int16_t* out,
               unsigned n, VfuContext& ctx) {
  const int32_t one = int32_t{1} << ctx.f;
  uint8_t& fl = ctx.flags;
  switch (op) {
    case 0: for (unsigned i = 0; i < n; ++i) out[i] = sat16(int64_t{a[i]} + b[i], fl); break;
    case 1: for (unsigned i = 0; i < n; ++i) out[i] = sat16(int64_t{a[i]} - b[i], fl); break;
    case 2:
      for (unsigned i = 0; i < n; ++i) out[i] = sat16(rne(int64_t{a[i]} * b[i], ctx.f), fl);
      break;
    case 3:
      for (unsigned i = 0; i < n; ++i) {
        if (b[i] == 0) {
          fl |= kDz;
          out[i] = a[i] > 0 ? 32767 : (a[i] < 0 ? -32768 : 0);
        } else {
          out[i] = sat16(rne_q(int64_t{a[i]} * one, b[i]), fl);
        }
      }
      break;
    case 4: for (unsigned i = 0; i < n; ++i) out[i] = sat16(int64_t{a[i]} * (int64_t{1} << k), fl); break;
    case 5: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] >> k); break;
    case 6: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] & b[i]); break;
    case 7: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] | b[i]); break;
    case 8: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] ^ b[i]); break;
    case 9: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(~a[i]); break;
    case 10: for (unsigned i = 0; i < n; ++i) out[i] = std::min(a[i], b[i]); break;
    case 11: for (unsigned i = 0; i < n; ++i) out[i] = std::max(a[i], b[i]); break;
    case 12: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] == b[i] ? one : 0); break;
    case 13: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] != b[i] ? one : 0); break;
    case 14: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] < b[i] ? one : 0); break;
    case 15: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] <= b[i] ? one : 0); break;
    case 16: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] > b[i] ? one : 0); break;
    case 17: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] >= b[i] ? one : 0); break;
    case 18: for (unsigned i = 0; i < n; ++i) out[i] = std::max<int16_t>(a[i], 0); break;
    case 19: for (unsigned i = 0; i < n; ++i) out[i] = static_cast<int16_t>(a[i] > 0 ? one : 0); break;
    case 20: case 21: case 22: case 23:
      for (unsigned i = 0; i < n; ++i) out[i] = ctx.luts->lookup(op - 20, a[i], fl);
      break;
    case 24: case 25:
      for (unsigned i = 0; i < n; ++i) {
        const uint32_t s = rng_step(*ctx.rng);
        const int32_t u = ctx.f ? static_cast<int32_t>(s >> (32 - ctx.f)) : 0;
        out[i] = op == 24 ? static_cast<int16_t>(u) : static_cast<int16_t>(a[i] > u ? one : 0);
      }
      break;
    default: break;  // subs and illegal codes never reach here
  }
}

// ---------------------------------------------------------------- SFU
int16_t sfu_apply(unsigned op, int16_t a, int16_t b, uint8_t& flags) {
  auto wrap = [](int64_t v) { return static_cast<int16_t>(static_cast<uint16_t>(v & 0xFFFF)); };
  switch (op) {
    case 0: return wrap(int64_t{a} + b);
    case 1: return wrap(int64_t{a} - b);
    case 2: return wrap(int64_t{a} * b);
    case 3:
      if (b == 0) { flags |= kDz; return -1; }
      if (a == -32768 && b == -1) return -32768;
      return static_cast<int16_t>(a / b);
    case 4:
      if (b == 0) { flags |= kDz; return a; }
      if (a == -32768 && b == -1) return 0;
      return static_cast<int16_t>(a % b);
    case 5: return a == b;
    case 6: return a != b;
    case 7: return a < b;
    case 8: return a <= b;
    case 9: return a > b;
    case 10: return a >= b;
    default: return 0;
  }
}

uint32_t rng_seed(uint32_t seed, unsigned g) {
  const uint32_t s = seed ^ static_cast<uint32_t>(0x9E3779B9u * static_cast<uint32_t>(g + 1));
  return s ? s : 1;
}

// ---------------------------------------------------------------- MVMU
Mvmu::Mvmu(const PlatformConfig& cfg)
    : X_(cfg.xbar.size),
      f_(cfg.numerics.frac_bits),
      b_(cfg.xbar.bits_per_cell),
      d_(cfg.xbar.dac_bits),
      a_(cfg.xbar.effective_adc_bits()),
      sliced_(cfg.xbar.model == XbarModel::Sliced || !cfg.xbar.adc_lossless()),
      scale_(cfg.xbar.adc_mode == AdcMode::Scale),
      lossless_(cfg.xbar.lossless_adc_bits()),
      w_(size_t{X_} * X_, 0),
      acc_(X_, 0) {}

void Mvmu::clear() { std::fill(w_.begin(), w_.end(), 0); }

unsigned Mvmu::mvm(const int16_t* x, int16_t* y) {
  return sliced_ ? mvm_sliced(x, y) : mvm_ideal(x, y);
}

unsigned Mvmu::mvm_ideal(const int16_t* x, int16_t* y) {
  std::fill(acc_.begin(), acc_.end(), 0);
  int64_t* acc = acc_.data();
  for (unsigned i = 0; i < X_; ++i) {
    const int32_t xi = x[i];
    if (xi == 0) continue;
    const int16_t* row = &w_[size_t{i} * X_];
    for (unsigned j = 0; j < X_; ++j) acc[j] += int32_t{row[j]} * xi;
  }
  unsigned sat = 0;
  for (unsigned j = 0; j < X_; ++j) {
    uint8_t fl = 0;
    y[j] = sat16(rne(acc[j], f_), fl);
    sat += fl;
  }
  return sat;
}

unsigned Mvmu::mvm_sliced(const int16_t* x, int16_t* y) {
  // isa.md §2.9, straightforward evaluation (offset binary, per slice and step).
  const int64_t B = 32768;
  const unsigned S = (16 + b_ - 1) / b_, T = (16 + d_ - 1) / d_;
  const int64_t qmax = (int64_t{1} << a_) - 1;
  const unsigned k = lossless_ > a_ ? lossless_ - a_ : 0;
  std::vector<int64_t> sacc(X_, 0), cw(X_, 0);
  std::vector<int64_t> P(X_);
  int64_t su = 0;
  for (unsigned i = 0; i < X_; ++i) su += int64_t{x[i]} + B;
  for (unsigned i = 0; i < X_; ++i)
    for (unsigned j = 0; j < X_; ++j) cw[j] += w_[size_t{i} * X_ + j];
  for (unsigned s = 0; s < S; ++s) {
    for (unsigned t = 0; t < T; ++t) {
      std::fill(P.begin(), P.end(), 0);
      for (unsigned i = 0; i < X_; ++i) {
        const int64_t u = int64_t{x[i]} + B;
        const int64_t digit = (u >> (t * d_)) & ((int64_t{1} << d_) - 1);
        if (!digit) continue;
        for (unsigned j = 0; j < X_; ++j) {
          const int64_t V = int64_t{w_[size_t{i} * X_ + j]} + B;
          P[j] += ((V >> (s * b_)) & ((int64_t{1} << b_) - 1)) * digit;
        }
      }
      for (unsigned j = 0; j < X_; ++j) {
        int64_t q = P[j];
        if (scale_ && k > 0)
          q = std::min((q + (int64_t{1} << (k - 1))) >> k, qmax) << k;
        else
          q = std::min(q, qmax);
        sacc[j] += q << (s * b_ + t * d_);
      }
    }
  }
  unsigned sat = 0;
  for (unsigned j = 0; j < X_; ++j) {
    uint8_t fl = 0;
    y[j] = sat16(rne(sacc[j] - B * cw[j] - B * su, f_), fl);
    sat += fl;
  }
  return sat;
}

}  // namespace pumavp::core
