// Analog non-ideality model (xbar/analog.h, docs/analog.md): bit-exactness with every stage
// off, per-stage statistics against the model's formulas written out here, an independent
// reference for the deterministic stages, determinism of the per-array streams, and the
// config errors of physically meaningless values.
#include "xbar/analog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/config.h"
#include "xbar/crossbar.h"

using namespace pumavp::xbar;
using pumavp::ConfigError;
using pumavp::default_config;

namespace {

constexpr int64_t kB = 32768;

XbarParams ap(unsigned X, const std::vector<std::string>& sets = {}, unsigned b = 2,
              unsigned d = 1, unsigned a = 0, AdcMode mode = AdcMode::Clip, unsigned f = 12,
              uint64_t seed = 1234) {
  XbarParams p;
  p.size = X;
  p.bits_per_cell = b;
  p.dac_bits = d;
  p.adc_bits = a;
  p.adc_mode = mode;
  p.frac_bits = f;
  p.model = XbarModel::Analog;
  p.analog = default_config(sets).analog;
  p.analog_seed = seed;
  return p;
}

std::vector<int16_t> random_vec(std::mt19937_64& g, std::size_t n) {
  std::vector<int16_t> v(n);
  for (auto& x : v) x = static_cast<int16_t>(g());
  return v;
}

// Exact sum_i W[i][o] x[i] (the golden accumulator before rne), by rows or columns.
std::vector<int64_t> exact_acc(const std::vector<int16_t>& W, const int16_t* x, unsigned X,
                               bool transposed) {
  std::vector<int64_t> acc(X, 0);
  for (unsigned i = 0; i < X; ++i)
    for (unsigned j = 0; j < X; ++j) {
      if (transposed) acc[i] += int64_t{W[std::size_t(i) * X + j]} * x[j];
      else acc[j] += int64_t{W[std::size_t(i) * X + j]} * x[i];
    }
  return acc;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / v.size();
}
double stdev(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / (v.size() - 1));
}

}  // namespace

// --- every stage off, or on at zero strength: bit for bit the ideal / sliced path ---

TEST(AnalogOff, EqualsIdealAndSlicedBitForBit) {
  const std::vector<std::vector<std::string>> variants = {
      {},  // the profile: every stage off
      {"analog.prog_noise=proportional", "analog.prog_sigma_rel=0", "analog.drift=true",
       "analog.drift_time_s=0", "analog.drift_compensation=global", "analog.read_noise=true",
       "analog.read_noise_scale=0", "analog.stuck_set_prob=0", "analog.ir_r_wire_ohm=0"},
      {"analog.prog_noise=pcm", "analog.prog_noise_scale=0", "analog.prog_noise=normal"}};
  std::mt19937_64 g(7);
  const unsigned sizes[] = {4, 16, 33, 64, 128};
  int cases = 0;
  for (int rep = 0; rep < 60; ++rep) {
    const unsigned X = sizes[rep % 5];
    const unsigned b = 1 + g() % 4, d = 1 + g() % 3, f = g() % 15;
    XbarParams base;
    base.size = X;
    base.bits_per_cell = b;
    base.dac_bits = d;
    const unsigned L = base.lossless_bits();
    const unsigned a = (rep % 3 == 0) ? 0 : 1 + g() % L;  // lossless or lossy
    const AdcMode mode = (g() & 1) ? AdcMode::Clip : AdcMode::Scale;
    XbarParams pa = ap(X, variants[rep % variants.size()], b, d, a, mode, f, g());
    XbarParams ps = pa;
    ps.model = XbarModel::Sliced;
    Crossbar an(pa), sl(ps);
    std::vector<int16_t> W = random_vec(g, std::size_t(X) * X);
    an.program(W.data(), X, X);
    sl.program(W.data(), X, X);
    for (int k = 0; k < 4; ++k) {
      std::vector<int16_t> x = random_vec(g, X), y1(X), y2(X), y3(X);
      for (bool tr : {false, true}) {
        Flags f1, f2, f3;
        if (tr) {
          an.mtvm(x.data(), y1.data(), f1);
          sl.mtvm(x.data(), y2.data(), f2);
          an.mtvm_ideal(x.data(), y3.data(), f3);
        } else {
          an.mvm(x.data(), y1.data(), f1);
          sl.mvm(x.data(), y2.data(), f2);
          an.mvm_ideal(x.data(), y3.data(), f3);
        }
        ASSERT_EQ(y1, y2) << "X=" << X << " b=" << b << " d=" << d << " a=" << a;
        EXPECT_EQ(f1, f2);
        if (pa.adc_lossless()) {
          ASSERT_EQ(y1, y3);
        }
        ++cases;
      }
    }
    EXPECT_EQ(an.counters().adc_clipped, sl.counters().adc_clipped);
    EXPECT_EQ(an.counters().adc_conversions, sl.counters().adc_conversions);
    EXPECT_EQ(an.counters().adc_clipped_low, 0u);
  }
  EXPECT_EQ(cases, 60 * 4 * 2);
}

// --- programming noise: std of the programmed conductance against the formula ---

namespace {
// All cells of every slice at level `lvl` (b = 2): W + B = lvl * 0x5555.
std::vector<int16_t> uniform_level(unsigned X, unsigned lvl) {
  return std::vector<int16_t>(std::size_t(X) * X, static_cast<int16_t>(int64_t(lvl) * 0x5555 - kB));
}
std::vector<double> cells(const AnalogArray& a, unsigned X, unsigned S) {
  std::vector<double> v;
  for (unsigned k = 0; k < S; ++k)
    for (unsigned i = 0; i < X; ++i)
      for (unsigned j = 0; j < X; ++j) v.push_back(a.conductance(k, i, j));
  return v;
}
void expect_normal(const std::vector<double>& v, double mu, double sigma, const char* what) {
  ASSERT_GE(v.size(), 100000u);
  const double m = mean(v), s = stdev(v);
  EXPECT_NEAR(m, mu, 5 * sigma / std::sqrt(double(v.size()))) << what;  // 5 standard errors
  EXPECT_NEAR(s, sigma, 0.05 * sigma) << what;                           // 5 %
}
}  // namespace

TEST(AnalogProgNoise, PcmPolynomialMeanAndStd) {
  const unsigned X = 128, S = 8;
  // aihwkit PCM: sigma [uS] = max(c0 + c1 g + c2 g^2, 0) * g_max / 25 uS, g = level / 3;
  // one level is 25 / 3 uS. Levels 1 and 3 stay > 9 sigma above 0 (no clipping).
  for (unsigned lvl : {1u, 3u}) {
    const double gh = lvl / 3.0;
    const double sigma_us = 0.26348 + 1.9650 * gh - 1.1731 * gh * gh;
    const double sigma = sigma_us / (25.0 / 3.0) * 2.0;  // prog_noise_scale 2
    Crossbar xb(ap(X, {"analog.prog_noise=pcm", "analog.prog_noise_scale=2"}));
    auto W = uniform_level(X, lvl);
    xb.program(W.data(), X, X);
    expect_normal(cells(*xb.analog(), X, S), lvl, sigma, "pcm");
    EXPECT_NEAR(xb.analog()->sigma_prog(lvl), sigma, 1e-12);
  }
}

TEST(AnalogProgNoise, NormalAndProportionalBaselines) {
  const unsigned X = 128, S = 8;
  {
    Crossbar xb(ap(X, {"analog.prog_noise=normal", "analog.prog_sigma_rel=0.02"}));
    auto W = uniform_level(X, 2);
    xb.program(W.data(), X, X);
    expect_normal(cells(*xb.analog(), X, S), 2.0, 0.02 * 3, "normal: sigma of g_max");
  }
  {
    Crossbar xb(ap(X, {"analog.prog_noise=proportional", "analog.prog_sigma_rel=0.05"}));
    auto W = uniform_level(X, 3);
    xb.program(W.data(), X, X);
    expect_normal(cells(*xb.analog(), X, S), 3.0, 0.05 * 3, "proportional: sigma of g");
  }
}

// --- drift: a power law in time with a state-dependent exponent ---

TEST(AnalogDrift, ExponentDistributionMatchesFormula) {
  const unsigned X = 128, S = 8;
  const double t = 3600, t0 = 20;
  Crossbar xb(ap(X, {"analog.drift=true", "analog.drift_time_s=3600"}));
  auto W = uniform_level(X, 3);  // g = 1: mu_nu = clip(0.0244, 0.049, 0.1) = 0.049,
  xb.program(W.data(), X, X);    //         sigma_nu = clip(-0.0059, 0.008, 0.045) = 0.008
  std::vector<double> nu;
  for (double g : cells(*xb.analog(), X, S)) nu.push_back(-std::log(g / 3.0) / std::log((t + t0) / t0));
  // nu = |N(mu, sigma)| (folded normal): mean and std of the folded distribution.
  const double mu = 0.049, sg = 0.008;
  const double Phi = 0.5 * std::erfc(mu / sg / std::sqrt(2.0));  // P(N < 0)
  const double fm = sg * std::sqrt(2 / M_PI) * std::exp(-mu * mu / (2 * sg * sg)) + mu * (1 - 2 * Phi);
  const double fs = std::sqrt(mu * mu + sg * sg - fm * fm);
  expect_normal(nu, fm, fs, "drift exponent");
  // Mid level g = 1/3: mu = clip(-0.0155 ln(1/3) + 0.0244) = 0.04143 -> 0.049 (clip),
  // sigma = -0.0125 ln(1/3) - 0.0059 = 0.00783 -> 0.008: check the formulas themselves.
  EXPECT_NEAR(xb.analog()->nu_mean(1.0 / 3), std::clamp(-0.0155 * std::log(1.0 / 3) + 0.0244, 0.049, 0.1), 1e-15);
  EXPECT_NEAR(xb.analog()->nu_std(0.01), std::clamp(-0.0125 * std::log(0.01) - 0.0059, 0.008, 0.045), 1e-15);
}

TEST(AnalogDrift, FollowsPowerLawInTime) {
  const unsigned X = 32;
  const double t0 = 20, nu = 0.06;
  // sigma_nu = 0 and a constant mu_nu: every cell drifts by ((t + t0) / t0)^-nu exactly.
  std::vector<double> ts = {1, 60, 3600, 86400, 3.15e7}, gs;
  for (double t : ts) {
    Crossbar xb(ap(X, {"analog.drift=true", "analog.drift_time_s=" + std::to_string(t),
                       "analog.drift_nu_mean=[0, 0.06, 0, 1]", "analog.drift_nu_std=[0, 0, 0, 0]"}));
    auto W = uniform_level(X, 3);
    xb.program(W.data(), X, X);
    gs.push_back(xb.analog()->conductance(7, 5, 9));
    EXPECT_NEAR(gs.back(), 3.0 * std::pow((t + t0) / t0, -nu), 1e-12);
  }
  for (std::size_t k = 1; k < ts.size(); ++k) {  // log-log slope = -nu
    const double slope = std::log(gs[k] / gs[k - 1]) / std::log((ts[k] + t0) / (ts[k - 1] + t0));
    EXPECT_NEAR(slope, -nu, 1e-9);
  }
}

TEST(AnalogDrift, GlobalCompensationRestoresTheReadout) {
  const unsigned X = 64;
  std::mt19937_64 g(3);
  std::vector<int16_t> W = random_vec(g, std::size_t(X) * X);
  for (auto& w : W) w = static_cast<int16_t>(w / 8);
  std::vector<double> err(2);
  for (int comp = 0; comp < 2; ++comp) {
    Crossbar xb(ap(X, {"analog.drift=true", "analog.drift_time_s=3.15e7",
                       std::string("analog.drift_compensation=") + (comp ? "global" : "none")}, 2, 1, 0,
                   AdcMode::Clip, 0));
    xb.program(W.data(), X, X);
    if (comp) {
      EXPECT_GT(xb.analog()->compensation(), 1.0);
    }
    double se = 0, n = 0;
    for (int r = 0; r < 20; ++r) {
      std::vector<int16_t> x = random_vec(g, X);
      for (auto& v : x) v = static_cast<int16_t>(v / 64);
      std::vector<int64_t> acc(X);
      uint64_t conv = 0;
      auto* a = const_cast<AnalogArray*>(xb.analog());
      std::vector<int64_t> cw(X);
      for (unsigned j = 0; j < X; ++j) cw[j] = xb.column_sum(j);
      a->product(false, x.data(), cw.data(), acc.data(), conv);
      auto ex = exact_acc(W, x.data(), X, false);
      for (unsigned j = 0; j < X; ++j) {
        se += double(acc[j] - ex[j]) * double(acc[j] - ex[j]);
        n += 1;
      }
    }
    err[comp] = std::sqrt(se / n);
  }
  EXPECT_LT(err[1], 0.5 * err[0]);  // compensation removes most of the one-year drift error
}

// --- read noise (1/f), per read: column-sum noise against the summed cell variances ---

TEST(AnalogReadNoise, PerReadStdMatchesFormula) {
  const unsigned X = 128, S = 8;
  const double t = 3600, t0 = 20, tr = 250e-9, scale = 10;
  Crossbar xb(ap(X, {"analog.read_noise=true", "analog.drift_time_s=3600",
                     "analog.read_noise_scale=10"}));
  auto W = uniform_level(X, 3);
  xb.program(W.data(), X, X);
  // aihwkit: sigma = |g| Q_s sqrt(ln((t + t_read) / (2 t_read))), t = t_inf + t0,
  // Q_s = min(0.0088 / max(1^0.65, 1e-3), 0.2) at g = 1.
  const double cell = 3.0 * 0.0088 * std::sqrt(std::log((t + t0 + tr) / (2 * tr))) * scale;
  EXPECT_NEAR(xb.analog()->read_variance(2, 3, 4), cell * cell, 1e-12);
  // Input u = 1 (digit 1 on step 0 only, every row): the column sum of slice k gets
  // N(0, X cell^2), shifted by 2k; the ADC rounds (+1/12 LSB^2 each).
  double var = 0;
  for (unsigned k = 0; k < S; ++k) var += std::pow(4.0, 2.0 * k) * (X * cell * cell + 1.0 / 12);
  std::vector<int16_t> x(X, static_cast<int16_t>(1 - kB));
  std::vector<int64_t> cw(X);
  for (unsigned j = 0; j < X; ++j) cw[j] = xb.column_sum(j);
  const auto ex = exact_acc(W, x.data(), X, false);
  auto* a = const_cast<AnalogArray*>(xb.analog());
  std::vector<double> noise;
  std::vector<int64_t> acc(X);
  uint64_t conv = 0;
  while (noise.size() < 100000) {
    a->product(false, x.data(), cw.data(), acc.data(), conv);
    for (unsigned j = 0; j < X; ++j) noise.push_back(double(acc[j] - ex[j]));
  }
  expect_normal(noise, 0.0, std::sqrt(var), "read noise");
}

// --- stuck-at cells: fractions within binomial bounds, levels fixed ---

TEST(AnalogStuck, FractionsWithinBinomialBounds) {
  const unsigned X = 128, S = 8;
  const double ps = 0.01, pr = 0.025;
  Crossbar xb(ap(X, {"analog.stuck_set_prob=0.01", "analog.stuck_reset_prob=0.025"}));
  std::mt19937_64 g(11);
  auto W = random_vec(g, std::size_t(X) * X);
  xb.program(W.data(), X, X);
  const AnalogArray& a = *xb.analog();
  const double n = double(S) * X * X;
  uint64_t set = 0, reset = 0;
  for (unsigned k = 0; k < S; ++k)
    for (unsigned i = 0; i < X; ++i)
      for (unsigned j = 0; j < X; ++j) {
        const uint8_t s = a.stuck(k, i, j);
        if (s == 1) {
          ++set;
          ASSERT_EQ(a.conductance(k, i, j), 3.0);
        } else if (s == 2) {
          ++reset;
          ASSERT_EQ(a.conductance(k, i, j), 0.0);
        } else {
          const unsigned v = static_cast<unsigned>(W[std::size_t(i) * X + j] + kB);
          ASSERT_EQ(a.conductance(k, i, j), double((v >> (2 * k)) & 3));
        }
      }
  EXPECT_EQ(set, a.stuck_set_cells());
  EXPECT_EQ(reset, a.stuck_reset_cells());
  EXPECT_NEAR(double(set), n * ps, 5 * std::sqrt(n * ps * (1 - ps)));
  EXPECT_NEAR(double(reset), n * pr, 5 * std::sqrt(n * pr * (1 - pr)));
}

// --- ADC noise: per conversion ---

TEST(AnalogAdc, NoiseStdMatchesFormula) {
  const unsigned X = 64, S = 8, T = 16;
  const double sn = 3.0;
  Crossbar xb(ap(X, {"analog.adc_noise_lsb=3"}));
  auto W = uniform_level(X, 1);  // column sums of 64 on every step: no clamp at 0 or 511
  xb.program(W.data(), X, X);
  std::vector<int16_t> x(X, 32767);  // u = 0xFFFF: digit 1 on every step
  double var = 0;
  for (unsigned k = 0; k < S; ++k)
    for (unsigned t = 0; t < T; ++t) var += std::pow(4.0, 2.0 * k + t) * (sn * sn + 1.0 / 12);
  std::vector<int64_t> cw(X), acc(X);
  for (unsigned j = 0; j < X; ++j) cw[j] = xb.column_sum(j);
  const auto ex = exact_acc(W, x.data(), X, false);
  auto* a = const_cast<AnalogArray*>(xb.analog());
  std::vector<double> noise;
  uint64_t conv = 0;
  while (noise.size() < 100000) {
    a->product(false, x.data(), cw.data(), acc.data(), conv);
    for (unsigned j = 0; j < X; ++j) noise.push_back(double(acc[j] - ex[j]));
  }
  expect_normal(noise, 0.0, std::sqrt(var), "adc noise");
}

// --- deterministic stages (DAC INL, IR drop, ADC offset/gain/INL, clip/scale) against an
// independent transcription: per slice and step, node voltages by their definition ---

namespace {
struct RefOut {
  std::vector<int64_t> acc;
  bool near_tie = false;  // a conversion within 1e-6 of a rounding boundary: skip the case
  uint64_t clipped = 0;
};
RefOut ref_analog(const std::vector<int16_t>& W, const std::vector<int16_t>& x, unsigned X,
                  unsigned b, unsigned d, unsigned a_bits, bool scale, double dac_inl, double rho,
                  double off, double gain, double inl, bool tr) {
  const unsigned S = (16 + b - 1) / b, T = (16 + d - 1) / d, L = (1u << b) - 1, amax = (1u << d) - 1;
  const int64_t pmax = int64_t(X) * L * amax;
  unsigned Lmin = 0;
  while ((int64_t{1} << Lmin) - 1 < pmax) ++Lmin;
  const unsigned aw = a_bits ? a_bits : Lmin;
  const bool lossless = aw >= Lmin;
  const double step = (!lossless && scale) ? std::ldexp(1.0, int(Lmin - aw)) : 1.0;
  const double fs = std::ldexp(1.0, int(aw)) - 1;
  RefOut r;
  r.acc.assign(X, 0);
  for (unsigned o = 0; o < X; ++o) {
    int64_t s = 0, su = 0, ws = 0;
    for (unsigned k = 0; k < S; ++k)
      for (unsigned t = 0; t < T; ++t) {
        std::vector<double> c(X), v(X), I(X);
        for (unsigned i = 0; i < X; ++i) {
          const int16_t w = tr ? W[std::size_t(o) * X + i] : W[std::size_t(i) * X + o];
          c[i] = double(((unsigned(w + kB)) >> (k * b)) & L);
          const unsigned digit = ((unsigned(x[i] + kB)) >> (t * d)) & amax;
          const double xx = double(digit) / amax;
          v[i] = digit + dac_inl * 4 * xx * (1 - xx);
          I[i] = c[i] * v[i];
        }
        double p = 0;
        for (unsigned i = 0; i < X; ++i) {
          double node = 0;  // voltage at row i: drops of the wire segments i..X-1
          for (unsigned sgm = i; sgm < X; ++sgm) {
            double through = 0;
            for (unsigned m = 0; m <= sgm; ++m) through += I[m];
            node += rho * through;
          }
          p += c[i] * (v[i] - node);
        }
        const double xr = p / (fs * step);
        const double in = p * (1 + gain) + off * step + inl * step * 4 * xr * (1 - xr);
        const double y = in / step + 0.5;
        if (std::fabs(y - std::floor(y)) < 1e-6 || std::fabs(y - std::floor(y) - 1) < 1e-6) r.near_tie = true;
        double q = std::floor(y);
        if (q < 0) q = 0, ++r.clipped;
        if (q > fs) q = fs, ++r.clipped;
        s += int64_t(q * step) << (k * b + t * d);
      }
    for (unsigned i = 0; i < X; ++i) {
      su += x[i] + kB;
      ws += tr ? W[std::size_t(o) * X + i] : W[std::size_t(i) * X + o];
    }
    r.acc[o] = s - kB * ws - kB * su;
  }
  return r;
}
}  // namespace

TEST(AnalogDeterministic, MatchesIndependentReference) {
  std::mt19937_64 g(5);
  int checked = 0;
  for (int rep = 0; rep < 40; ++rep) {
    const unsigned X = 2 + g() % 12, b = 1 + g() % 3, d = 1 + g() % 3;
    XbarParams base;
    base.size = X;
    base.bits_per_cell = b;
    base.dac_bits = d;
    const unsigned a = (rep % 2) ? 0 : 1 + g() % base.lossless_bits();
    const bool scale = g() & 1;
    const double dac_inl = (g() % 100) / 200.0, rwire = (g() % 100) * 20.0;
    const double off = (int(g() % 200) - 100) / 100.0, gain = (int(g() % 100) - 50) / 1000.0,
                 inl = (g() % 100) / 50.0;
    auto str = [](double v) { return std::to_string(v); };
    XbarParams p = ap(X, {"analog.dac_inl_lsb=" + str(dac_inl), "analog.ir_r_wire_ohm=" + str(rwire),
                          "analog.adc_offset_lsb=" + str(off), "analog.adc_gain_error=" + str(gain),
                          "analog.adc_inl_lsb=" + str(inl)},
                      b, d, a, scale ? AdcMode::Scale : AdcMode::Clip, 0);
    Crossbar xb(p);
    std::vector<int16_t> W = random_vec(g, std::size_t(X) * X);
    xb.program(W.data(), X, X);
    const double rho = rwire * 25e-6 / ((1u << b) - 1);
    EXPECT_NEAR(xb.analog()->ir_rho(), rho, 1e-12 * rho);
    auto* an = const_cast<AnalogArray*>(xb.analog());
    for (bool tr : {false, true}) {
      std::vector<int16_t> x = random_vec(g, X);
      RefOut r = ref_analog(W, x, X, b, d, a, scale, dac_inl, rho, off, gain, inl, tr);
      if (r.near_tie) continue;
      std::vector<int64_t> ws(X), acc(X);
      for (unsigned o = 0; o < X; ++o) ws[o] = tr ? xb.row_sum(o) : xb.column_sum(o);
      uint64_t conv = 0;
      an->product(tr, x.data(), ws.data(), acc.data(), conv);
      const AnalogEvents ev = an->events();
      an->reset_events();
      ASSERT_EQ(acc, r.acc) << "X=" << X << " b=" << b << " d=" << d << " a=" << a << " tr=" << tr;
      EXPECT_EQ(ev.adc_clipped_low + ev.adc_clipped_high, r.clipped);
      ++checked;
    }
  }
  EXPECT_GT(checked, 60);
}

TEST(AnalogIrDrop, LowersColumnSumsByTheFirstOrderTerm) {
  // One column of X cells at level 3, every input digit 1: C_s = 3 (s + 1), D_s = 3 (s + 1),
  // loss = rho * sum_s 9 (s + 1)^2 = 9 rho X (X + 1)(2X + 1) / 6.
  const unsigned X = 128;
  Crossbar xb(ap(X, {"analog.ir_r_wire_ohm=0.35"}, 2, 1, 0, AdcMode::Clip, 0));
  const double rho = xb.analog()->ir_rho();
  EXPECT_NEAR(rho, 0.35 * 25e-6 / 3, 1e-20);
  const double loss = rho * 9.0 * X * (X + 1) * (2 * X + 1) / 6;
  const double rel = loss / (3.0 * X);
  EXPECT_GT(rel, 0.01);  // about 3.6 % at 0.35 ohm, 25 uS, X = 128
  EXPECT_LT(rel, 0.06);
}

// --- determinism and per-array streams ---

TEST(AnalogSeeds, SameSeedSameOutputsOtherSeedsIndependent) {
  const unsigned X = 64;
  // Every random stage on, at strengths small enough that outputs do not saturate (the
  // offset-binary encoding multiplies top-slice errors by 2^29; docs/analog.md).
  const std::vector<std::string> on = {"analog.prog_noise=normal", "analog.prog_sigma_rel=1e-4",
                                       "analog.read_noise=true", "analog.read_noise_scale=0.01",
                                       "analog.drift_time_s=3600", "analog.stuck_set_prob=1e-4",
                                       "analog.stuck_reset_prob=1e-4", "analog.adc_noise_lsb=0.01",
                                       "analog.ir_r_wire_ohm=0.001"};
  auto run = [&](uint64_t seed, bool disturb_other) {
    Crossbar a(ap(X, on, 2, 1, 0, AdcMode::Clip, 14, seed));
    Crossbar other(ap(X, on, 2, 1, 0, AdcMode::Clip, 14, seed + 1));
    std::mt19937_64 g(99);
    auto W = random_vec(g, std::size_t(X) * X);
    for (auto& w : W) w = static_cast<int16_t>(w / 16);
    a.program(W.data(), X, X);
    if (disturb_other) {  // another array's stream used heavily: must not matter
      other.program(W.data(), X, X);
      std::vector<int16_t> y(X);
      Flags f;
      for (int k = 0; k < 10; ++k) other.mvm(W.data(), y.data(), f);
    }
    std::vector<int16_t> out;
    for (int k = 0; k < 5; ++k) {
      auto x = random_vec(g, X);
      for (auto& v : x) v = static_cast<int16_t>(v / 16);
      std::vector<int16_t> y(X), z(X);
      Flags f;
      a.mvm(x.data(), y.data(), f);
      a.mtvm(x.data(), z.data(), f);
      out.insert(out.end(), y.begin(), y.end());
      out.insert(out.end(), z.begin(), z.end());
    }
    return out;
  };
  const auto r1 = run(42, false);
  EXPECT_EQ(r1, run(42, false));
  EXPECT_EQ(r1, run(42, true));
  EXPECT_NE(r1, run(43, false));
  int saturated = 0;
  for (int16_t v : r1) saturated += (v == 32767 || v == -32768);
  EXPECT_LT(saturated, int(r1.size()) / 10);  // the outputs carry the noise, not the clamps
  // array_seed: distinct per identity, and dependent on numerics.rng_seed.
  std::set<uint64_t> seen;
  for (unsigned t = 0; t < 64; ++t)
    for (unsigned c = 0; c < 8; ++c)
      for (unsigned m = 0; m < 8; ++m) seen.insert(array_seed(1, t, c, m));
  EXPECT_EQ(seen.size(), 64u * 8 * 8);
  EXPECT_NE(array_seed(1, 0, 0, 0), array_seed(2, 0, 0, 0));
}

TEST(AnalogShadow, CountsErrorsAgainstTheGoldenProduct) {
  const unsigned X = 32;
  Crossbar xb(ap(X, {"analog.shadow=true", "analog.adc_noise_lsb=2"}, 2, 1, 0, AdcMode::Clip, 6));
  std::mt19937_64 g(1);
  auto W = random_vec(g, std::size_t(X) * X);
  for (auto& w : W) w = static_cast<int16_t>(w / 64);
  xb.program(W.data(), X, X);
  uint64_t sq = 0, mx = 0;
  for (int k = 0; k < 10; ++k) {
    auto x = random_vec(g, X);
    for (auto& v : x) v = static_cast<int16_t>(v / 64);
    std::vector<int16_t> y(X), z(X);
    Flags f1, f2;
    xb.mvm(x.data(), y.data(), f1);
    xb.mvm_ideal(x.data(), z.data(), f2);
    for (unsigned j = 0; j < X; ++j) {
      const uint64_t e = std::abs(int(y[j]) - int(z[j]));
      sq += e * e;
      mx = std::max(mx, e);
    }
  }
  EXPECT_EQ(xb.counters().shadow_outputs, 10u * X);
  EXPECT_EQ(xb.counters().shadow_err_sq, sq);
  EXPECT_EQ(xb.counters().shadow_err_max, mx);
  EXPECT_GT(sq, 0u);
}

// --- config: physically meaningless values name the key, the line and the range ---

TEST(AnalogConfig, MeaninglessValuesAreErrors) {
  struct Case {
    std::string yaml, key, range;
  };
  const std::vector<Case> cases = {
      {"analog:\n  adc_noise_lsb: -0.1\n", "analog.adc_noise_lsb", "0..1000000"},
      {"analog:\n  stuck_set_prob: 1.5\n", "analog.stuck_set_prob", "0..1"},
      {"analog:\n  stuck_reset_prob: -0.01\n", "analog.stuck_reset_prob", "0..1"},
      {"analog:\n  drift_time_s: -5\n", "analog.drift_time_s", "0..1e+12"},
      {"analog:\n  prog_sigma_rel: -1\n", "analog.prog_sigma_rel", "0..10"},
      {"analog:\n  read_noise_scale: -2\n", "analog.read_noise_scale", "0..1000"},
      {"analog:\n  g_max_us: 0\n", "analog.g_max_us", "1e-06..1000000"},
      {"analog:\n  drift_nu_std: [0, 0, -1, 0]\n", "analog.drift_nu_std", "0..10"},
  };
  for (const Case& c : cases) {
    try {
      pumavp::load_config_text(c.yaml, "t.yaml");
      ADD_FAILURE() << c.yaml << " accepted";
    } catch (const ConfigError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("t.yaml:2"), std::string::npos) << m;
      EXPECT_NE(m.find("'" + c.key + "'"), std::string::npos) << m;
      EXPECT_NE(m.find(c.range), std::string::npos) << m;
    }
  }
  // Cross-field: the two stuck probabilities together, and analog with PANTHER.
  try {
    pumavp::load_config_text("xbar:\n  model: analog\nanalog:\n  stuck_set_prob: 0.6\n  stuck_reset_prob: 0.5\n",
                             "t.yaml");
    ADD_FAILURE() << "p_set + p_reset > 1 accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("t.yaml:5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("0..1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pumavp::load_config_text("xbar:\n  model: analog\npanther:\n  enabled: true\n", "t.yaml"),
               ConfigError);
  EXPECT_NO_THROW(pumavp::load_config_text("xbar:\n  model: analog\n", "t.yaml"));
}

// The analytic IR drop (first order; the model equals it exactly, AnalogDeterministic)
// against the exact solution of the column's resistor ladder: cell i joins input v_i to
// wire node n_i, wire segments of resistance rho (in 1/level units) join n_i to n_{i+1}
// and n_{X-1} to the virtual ground of the sense amplifier. The discrepancy is second
// order: within 5 % of the loss at 0.15 ohm, and 4x smaller when rho halves.
TEST(AnalogIrDrop, FirstOrderAgainstExactLadder) {
  const unsigned X = 128;
  std::mt19937_64 gen(8);
  auto exact = [&](const std::vector<double>& g, const std::vector<double>& v, double rho) {
    // Tridiagonal system, Thomas algorithm: a_i n_{i-1} + b_i n_i + c_i n_{i+1} = d_i.
    std::vector<double> b(X), c(X, -1.0), d(X), cp(X), dp(X), n(X);
    for (unsigned i = 0; i < X; ++i) {
      b[i] = (i == 0 ? 1.0 : 2.0) + rho * g[i];
      d[i] = rho * g[i] * v[i];
    }
    cp[0] = c[0] / b[0];
    dp[0] = d[0] / b[0];
    for (unsigned i = 1; i < X; ++i) {
      const double m = b[i] + cp[i - 1];  // a_i = -1
      cp[i] = c[i] / m;
      dp[i] = (d[i] + dp[i - 1]) / m;
    }
    n[X - 1] = dp[X - 1];
    for (unsigned i = X - 1; i-- > 0;) n[i] = dp[i] - cp[i] * n[i + 1];
    return n[X - 1] / rho;  // current into the sense amplifier
  };
  auto analytic = [&](const std::vector<double>& g, const std::vector<double>& v, double rho) {
    double p = 0, C = 0, D = 0, loss = 0;
    for (unsigned i = 0; i < X; ++i) {
      p += g[i] * v[i];
      C += g[i] * v[i];
      D += g[i];
      loss += C * D;
    }
    return std::make_pair(p - rho * loss, p);
  };
  for (int rep = 0; rep < 20; ++rep) {
    std::vector<double> g(X), v(X);
    for (unsigned i = 0; i < X; ++i) {
      g[i] = double(gen() % 4);
      v[i] = double(gen() % 2);
    }
    const double rho = 0.15 * 25e-6 / 3;
    const auto [a1, ideal] = analytic(g, v, rho);
    const double e1 = exact(g, v, rho);
    const double loss = ideal - e1;
    ASSERT_GT(loss, 0.0);
    EXPECT_NEAR(a1, e1, 0.05 * loss);
    const auto [a2, ideal2] = analytic(g, v, rho / 2);
    const double e2 = exact(g, v, rho / 2);
    EXPECT_NEAR((a1 - e1) / (a2 - e2), 4.0, 0.2);  // second order in rho
    (void)ideal2;
  }
}
