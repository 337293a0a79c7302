#include "xbar/analog.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace pumavp::xbar {

namespace {
constexpr int64_t kB = 32768;  // offset B = 2^15 (isa.md §2.9)

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// clip(a ln g + b, lo, hi) with coefficients {a, b, lo, hi}; g <= 0 uses the smallest
// positive double (the clip bounds the result).
double clip_log(const std::vector<double>& c, double g) {
  const double lg = std::log(std::max(g, std::numeric_limits<double>::min()));
  return std::clamp(c[0] * lg + c[1], c[2], c[3]);
}
// The column sums of one slice for every step: P[t][o] = sum_i G[i][o] v[t][i]; with IR
// drop the first-order loss sum_s C_s D_s (rows in order from the far end, row 0, to the
// sense amplifiers after row X-1: after row s, P[t][o] is the current C_s in wire segment s
// and D[o] the conductance above it); with read noise the variance sum_i v^2 S2[i][o].
// Compiled for AVX-512, AVX2 and the baseline, picked at load time (identical results: no
// reassociation, each element's sum runs in row order).
__attribute__((target_clones("avx512f", "avx2", "default"))) void accumulate_slice(
    const double* __restrict G, const double* __restrict S2, const double* __restrict v,
    unsigned X, unsigned T, bool ir, bool rn, double* __restrict P, double* __restrict Lo,
    double* __restrict V, double* __restrict D) {
  for (unsigned i = 0; i < X; ++i) {
    const double* __restrict row = G + std::size_t(i) * X;
    for (unsigned t = 0; t < T; ++t) {
      const double a = v[std::size_t(t) * X + i];
      if (a == 0.0) continue;
      double* __restrict Pt = P + std::size_t(t) * X;
      for (unsigned o = 0; o < X; ++o) Pt[o] += a * row[o];
      if (rn) {
        const double* __restrict s2row = S2 + std::size_t(i) * X;
        double* __restrict Vt = V + std::size_t(t) * X;
        const double a2 = a * a;
        for (unsigned o = 0; o < X; ++o) Vt[o] += a2 * s2row[o];
      }
    }
    if (ir) {
      for (unsigned o = 0; o < X; ++o) D[o] += row[o];
      for (unsigned t = 0; t < T; ++t) {
        const double* __restrict Pt = P + std::size_t(t) * X;
        double* __restrict Lt = Lo + std::size_t(t) * X;
        for (unsigned o = 0; o < X; ++o) Lt[o] += Pt[o] * D[o];
      }
    }
  }
}

// One step's conversions: q = clamp(floor(p / step + 1/2), 0, fs), sacc += (q * step) << sh.
__attribute__((target_clones("avx512f", "avx2", "default"))) void adc_row(
    const double* __restrict p, unsigned X, double inv_step, double fs, unsigned lsb_shift,
    unsigned sh, int64_t* __restrict sacc, uint64_t& low, uint64_t& high) {
  uint64_t lo = 0, hi = 0;
  for (unsigned o = 0; o < X; ++o) {
    double q = std::floor(p[o] * inv_step + 0.5);
    lo += q < 0;
    hi += q > fs;
    q = std::min(std::max(q, 0.0), fs);
    sacc[o] += (static_cast<int64_t>(q) << lsb_shift) << sh;
  }
  low += lo;
  high += hi;
}

}  // namespace

uint64_t array_seed(uint32_t rng_seed, unsigned tile, unsigned core, unsigned mvmu) {
  uint64_t x = rng_seed;
  uint64_t h = splitmix64(x);
  x = h ^ ((uint64_t{tile} << 32) | (uint64_t{core} << 8) | mvmu);
  return splitmix64(x);
}

AnalogRng::AnalogRng(uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ splitmix64(stream);
  for (uint64_t& s : s_) s = splitmix64(x);
}

uint64_t AnalogRng::next() {
  const uint64_t r = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return r;
}

double AnalogRng::uniform() { return double(next() >> 11) * 0x1.0p-53; }

// Marsaglia's polar method: two normals per accepted pair, no trigonometry.
double AnalogRng::normal() {
  if (have_spare_) {
    have_spare_ = false;
    return spare_;
  }
  double u, v, r;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    r = u * u + v * v;
  } while (r >= 1.0 || r == 0.0);
  const double m = std::sqrt(-2.0 * std::log(r) / r);
  spare_ = v * m;
  have_spare_ = true;
  return u * m;
}

AnalogArray::AnalogArray(const XbarParams& p, uint64_t seed)
    : a_(p.analog),
      X_(p.size),
      S_(p.slices()),
      b_(p.bits_per_cell),
      d_(p.dac_bits),
      T_(p.steps()),
      L_((1u << p.bits_per_cell) - 1),
      amax_((1u << p.dac_bits) - 1),
      lossless_(p.adc_lossless()),
      scale_(p.adc_mode == AdcMode::Scale),
      prog_rng_(seed, 2),
      read_rng_(seed, 3) {
  if (a_.prog_pcm_coef_us.size() != 3 || a_.drift_nu_mean.size() != 4 ||
      a_.drift_nu_std.size() != 4 || a_.read_qs.size() != 4)
    throw std::invalid_argument("AnalogArray: analog coefficient lists have the wrong length");
  const unsigned aw = p.adc_width();
  full_scale_ = aw >= 62 ? INT64_MAX : (int64_t{1} << aw) - 1;
  lsb_shift_ = (lossless_ || !scale_) ? 0 : p.lossless_bits() - aw;
  for (unsigned s = 0; s < S_; ++s) shift_.push_back(s * b_);
  rho_ = a_.ir_r_wire_ohm * (a_.g_max_us * 1e-6 / L_);  // ohm * siemens per level
  const double t = a_.drift_time_s + a_.drift_t0_s;
  const double tr = a_.read_t_read_ns * 1e-9;
  t_read_log_ = std::sqrt(std::max(0.0, std::log((t + tr) / (2.0 * tr))));
  drift_base_ = (a_.drift_time_s + a_.drift_t0_s) / a_.drift_t0_s;
  ideal_adc_ = a_.adc_offset_lsb == 0 && a_.adc_gain_error == 0 && a_.adc_inl_lsb == 0 &&
               a_.adc_noise_lsb == 0;
  for (unsigned v = 0; v <= amax_; ++v) {
    const double x = double(v) / amax_;
    dac_.push_back(v + a_.dac_inl_lsb * 4.0 * x * (1.0 - x));
  }
  const std::size_t n = std::size_t(S_) * X_ * X_;
  g_.assign(n, 0.0);
  gT_.assign(n, 0.0);
  gprog_.assign(n, 0.0);
  if (a_.read_noise) {
    s2_.assign(n, 0.0);
    s2T_.assign(n, 0.0);
  }
  // Stuck cells: one uniform per cell, [0, p_set) SET, [p_set, p_set + p_reset) RESET.
  stuck_.assign(n, 0);
  if (a_.stuck_set_prob > 0 || a_.stuck_reset_prob > 0) {
    AnalogRng st(seed, 1);
    for (std::size_t c = 0; c < n; ++c) {
      const double u = st.uniform();
      if (u < a_.stuck_set_prob) {
        stuck_[c] = 1;
        ++n_set_;
      } else if (u < a_.stuck_set_prob + a_.stuck_reset_prob) {
        stuck_[c] = 2;
        ++n_reset_;
      }
    }
  }
  P_.assign(std::size_t(T_) * X_, 0.0);
  loss_.assign(std::size_t(T_) * X_, 0.0);
  var_.assign(std::size_t(T_) * X_, 0.0);
  D_.assign(X_, 0.0);
  v_.assign(std::size_t(T_) * X_, 0.0);
  std::vector<int16_t> zero(std::size_t(X_) * X_, 0);
  program(X_, X_, 0, 0, zero.data());
}

double AnalogArray::sigma_prog(unsigned level) const {
  const double gh = double(level) / L_;
  switch (a_.prog_noise) {
    case ProgNoise::None:
      return 0.0;
    case ProgNoise::Pcm: {
      const auto& c = a_.prog_pcm_coef_us;
      const double us = std::max(c[0] + c[1] * gh + c[2] * gh * gh, 0.0) *
                        (a_.g_max_us / a_.prog_pcm_ref_us) * a_.prog_noise_scale;
      return us / (a_.g_max_us / L_);  // uS -> levels
    }
    case ProgNoise::Normal:
      return a_.prog_sigma_rel * L_;
    case ProgNoise::Proportional:
      return a_.prog_sigma_rel * level;
  }
  return 0.0;
}

double AnalogArray::nu_mean(double ghat) const { return clip_log(a_.drift_nu_mean, ghat); }
double AnalogArray::nu_std(double ghat) const { return clip_log(a_.drift_nu_std, ghat); }
double AnalogArray::drift_factor(double nu) const { return std::pow(drift_base_, -nu); }

double AnalogArray::read_sigma(double g, double ghat_prog) const {
  const auto& q = a_.read_qs;
  const double qs = std::min(q[0] / std::max(std::pow(std::max(ghat_prog, 0.0), q[1]), q[3]), q[2]);
  return std::fabs(g) * qs * t_read_log_ * a_.read_noise_scale;
}

double AnalogArray::dac(unsigned a) const { return dac_[a]; }

double AnalogArray::adc_in(double p, double step) const {
  const double pfs = double(full_scale_) * step;
  const double x = p / pfs;
  return p * (1.0 + a_.adc_gain_error) + a_.adc_offset_lsb * step +
         a_.adc_inl_lsb * step * 4.0 * x * (1.0 - x);
}

void AnalogArray::program_cell(unsigned k, unsigned i, unsigned j, unsigned level) {
  const std::size_t c = (std::size_t(k) * X_ + i) * X_ + j;
  const std::size_t cT = (std::size_t(k) * X_ + j) * X_ + i;
  double g, gp;
  if (stuck_[c]) {
    g = gp = stuck_[c] == 1 ? double(L_) : 0.0;  // not programmable, no drift
  } else {
    gp = double(level);
    const double sp = sigma_prog(level);
    if (sp > 0) gp = std::max(gp + sp * prog_rng_.normal(), 0.0);
    g = gp;
    if (a_.drift && gp > 0) {
      const double gh = double(level) / L_;
      const double nu = std::fabs(nu_mean(gh) + nu_std(gh) * prog_rng_.normal()) * a_.drift_scale;
      g = gp * drift_factor(nu);
    }
  }
  g_[c] = gT_[cT] = g;
  gprog_[c] = gp;
  if (a_.read_noise) {
    const double s = read_sigma(g, gp / L_);
    s2_[c] = s2T_[cT] = s * s;
  }
}

void AnalogArray::program(unsigned rows, unsigned cols, unsigned row0, unsigned col0,
                          const int16_t* rowmaj) {
  const unsigned mask = L_;
  for (unsigned i = row0; i < row0 + rows; ++i)
    for (unsigned j = col0; j < col0 + cols; ++j) {
      const unsigned v = static_cast<unsigned>(rowmaj[std::size_t(i) * X_ + j] + kB);  // W + B
      for (unsigned k = 0; k < S_; ++k) program_cell(k, i, j, (v >> shift_[k]) & mask);
    }
  update_alpha();
}

// Global drift compensation: the array's read-out of an all-ones input at programming time
// over the one at drift_time_s (aihwkit GlobalDriftCompensation, noise-free reference),
// applied as a gain at the ADC input (product()).
void AnalogArray::update_alpha() {
  alpha_ = 1.0;
  if (!a_.drift || a_.drift_compensation != DriftComp::Global) return;
  double sp = 0.0, sd = 0.0;
  for (std::size_t c = 0; c < g_.size(); ++c) {
    sp += gprog_[c];
    sd += g_[c];
  }
  if (sd > 0) alpha_ = sp / sd;
}

void AnalogArray::product(bool transposed, const int16_t* in, const int64_t* wsum, int64_t* acc,
                          uint64_t& conversions) {
  const unsigned X = X_, T = T_;
  int64_t su = 0;
  // DAC outputs v[t][i] of the offset-binary input digits.
  for (unsigned i = 0; i < X; ++i) {
    const unsigned u = static_cast<unsigned>(in[i] + kB);
    su += u;
    for (unsigned t = 0; t < T; ++t) v_[std::size_t(t) * X + i] = dac_[(u >> (t * d_)) & amax_];
  }
  const bool ir = rho_ > 0, rn = a_.read_noise;
  const bool adc_noise = a_.adc_noise_lsb > 0;
  const double step = double(int64_t{1} << lsb_shift_), inv_step = 1.0 / step;
  const double adc_var = (a_.adc_noise_lsb * step) * (a_.adc_noise_lsb * step);
  const double fs = double(full_scale_);
  int64_t sacc[256] = {};  // X <= 256
  double* __restrict P = P_.data();
  double* __restrict Lo = loss_.data();
  double* __restrict V = var_.data();
  double* __restrict D = D_.data();
  for (unsigned k = 0; k < S_; ++k) {
    const double* __restrict G = (transposed ? gT_ : g_).data() + std::size_t(k) * X * X;
    const double* __restrict S2 =
        rn ? (transposed ? s2T_ : s2_).data() + std::size_t(k) * X * X : nullptr;
    std::fill(P_.begin(), P_.end(), 0.0);
    if (ir) {
      std::fill(loss_.begin(), loss_.end(), 0.0);
      std::fill(D_.begin(), D_.end(), 0.0);
    }
    if (rn) std::fill(var_.begin(), var_.end(), 0.0);
    accumulate_slice(G, S2, v_.data(), X, T, ir, rn, P, Lo, V, D);
    // Analog column values, then the ADC. Read noise and ADC noise are independent normals
    // at the ADC input: one draw of their summed variance.
    const std::size_t n = std::size_t(T) * X;
    if (ir)
      for (std::size_t c = 0; c < n; ++c) P[c] -= rho_ * Lo[c];
    if (alpha_ != 1.0)  // global drift compensation: a calibrated gain at the ADC input
      for (std::size_t c = 0; c < n; ++c) P[c] *= alpha_;
    if (!ideal_adc_)
      for (std::size_t c = 0; c < n; ++c) P[c] = adc_in(P[c], step);
    if (rn || adc_noise)
      for (std::size_t c = 0; c < n; ++c) {
        const double var = (rn ? V[c] : 0.0) + adc_var;
        if (var > 0) P[c] += std::sqrt(var) * read_rng_.normal();
      }
    for (unsigned t = 0; t < T; ++t)
      adc_row(P + std::size_t(t) * X, X, inv_step, fs, lsb_shift_, shift_[k] + t * d_, sacc,
              ev_.adc_clipped_low, ev_.adc_clipped_high);
  }
  conversions += uint64_t{S_} * T * X;
  for (unsigned o = 0; o < X; ++o) {
    acc[o] = sacc[o] - (kB * wsum[o] + kB * su);
  }
}

}  // namespace pumavp::xbar
