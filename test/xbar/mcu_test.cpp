#include "xbar/mcu.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "xbar_test_util.h"

using namespace pumavp::xbar;

namespace {

XbarParams pp(unsigned X, unsigned f = 12, XbarModel model = XbarModel::Ideal,
              OpaModel opa = OpaModel::Ideal, std::vector<unsigned> slices = {4, 4, 4, 6, 6, 5, 5, 5}) {
  XbarParams p;
  p.size = X;
  p.frac_bits = f;
  p.model = model;
  p.panther = true;
  p.panther_slices = std::move(slices);
  p.opa_model = opa;
  return p;
}

// Literal transcription of the PANTHER bit-sliced MVM (isa.md §7.3 with §2.9 steps), any
// per-slice ADC width, from a digit array dig[k][i][j] (LSB slice first), naive loops.
std::vector<int16_t> ref_panther_sliced(const std::vector<std::vector<int64_t>>& dig,
                                        const std::vector<unsigned>& bits, unsigned p,
                                        const std::vector<int16_t>& x, unsigned X, unsigned d,
                                        unsigned a, AdcMode mode, unsigned f, bool transposed,
                                        uint64_t* clips) {
  const int64_t B = 32768;
  const unsigned N = unsigned(bits.size()), T = (16 + d - 1) / d;
  int64_t beta = 0;
  for (unsigned k = 0; k < N; ++k) beta += (int64_t{1} << (bits[k] - 1)) << (k * p);
  auto D = [&](unsigned k, unsigned in, unsigned out) {
    return transposed ? dig[k][out * X + in] : dig[k][in * X + out];
  };
  int64_t SU = 0;
  for (unsigned i = 0; i < X; ++i) SU += x[i] + B;
  std::vector<int16_t> y(X);
  for (unsigned j = 0; j < X; ++j) {
    int64_t Sacc = 0, CW = 0;
    for (unsigned i = 0; i < X; ++i) {
      int64_t w = 0;
      for (unsigned k = 0; k < N; ++k) w += D(k, i, j) * (int64_t{1} << (k * p));
      CW += w;
    }
    for (unsigned k = 0; k < N; ++k) {
      const int64_t pmax = int64_t(X) * ((1 << bits[k]) - 1) * ((1 << d) - 1);
      unsigned Lmin = 0;
      while ((int64_t{1} << Lmin) - 1 < pmax) ++Lmin;
      const unsigned ak = a ? a : Lmin;
      for (unsigned t = 0; t < T; ++t) {
        int64_t P = 0;
        for (unsigned i = 0; i < X; ++i) {
          const int64_t cell = D(k, i, j) + (int64_t{1} << (bits[k] - 1));
          const int64_t at = ((x[i] + B) >> (t * d)) & ((1 << d) - 1);
          P += cell * at;
        }
        int64_t Q = P;
        if (ak < Lmin) {
          const int64_t fs = (int64_t{1} << ak) - 1;
          if (mode == AdcMode::Clip) {
            if (P > fs) ++*clips;
            Q = P < fs ? P : fs;
          } else {
            const unsigned kk = Lmin - ak;
            int64_t r = (P + (int64_t{1} << (kk - 1))) >> kk;
            if (r > fs) {
              ++*clips;
              r = fs;
            }
            Q = r << kk;
          }
        }
        Sacc += Q << (k * p + t * d);
      }
    }
    y[j] = xbar_test::ref_sat(xbar_test::ref_rne(Sacc - B * CW - beta * SU, 2 * f));
  }
  return y;
}

std::vector<std::vector<int64_t>> digits_of(const Mcu& m) {
  const unsigned X = m.size(), N = m.slicing().n;
  std::vector<std::vector<int64_t>> d(N, std::vector<int64_t>(X * X));
  for (unsigned k = 0; k < N; ++k)
    for (unsigned i = 0; i < X; ++i)
      for (unsigned j = 0; j < X; ++j) d[k][i * X + j] = m.digit(k, i, j);
  return d;
}

std::vector<int64_t> weights_of(const Mcu& m) {
  const unsigned X = m.size();
  std::vector<int64_t> w(X * X);
  for (unsigned i = 0; i < X; ++i)
    for (unsigned j = 0; j < X; ++j) w[i * X + j] = m.weight(i, j);
  return w;
}

int32_t rand_weight(std::mt19937_64& g, const PantherSlicing& s) {
  const unsigned bits = 1 + unsigned(g() % 32);
  int64_t v = int64_t(g() >> (64 - bits)) - (int64_t{1} << (bits - 1));
  if (g() % 16 == 0) v = (g() & 1) ? s.whi : s.wlo;
  return int32_t(std::min(s.whi, std::max(s.wlo, v)));
}

}  // namespace

TEST(XbarPanther, DefaultSlicingRangeAndBeta) {
  PantherSlicing s;  // 44466555
  EXPECT_EQ(s.n, 8u);
  EXPECT_EQ(s.p, 4u);
  EXPECT_EQ(s.bits, (std::vector<unsigned>{5, 5, 5, 6, 6, 4, 4, 4}));
  EXPECT_EQ(s.wlo, -2147483648LL);
  EXPECT_EQ(s.whi, 2004318071LL);  // isa.md §7.2
  EXPECT_EQ(s.beta, 2292322576LL);
  EXPECT_EQ(s.lossless_bits(0, 128, 1), 12u);  // 5-bit slice
  EXPECT_EQ(s.lossless_bits(3, 128, 1), 13u);  // 6-bit
  EXPECT_EQ(s.lossless_bits(7, 128, 1), 11u);  // 4-bit
  PantherSlicing e({8, 8, 8, 8});
  EXPECT_EQ(e.p, 8u);
  EXPECT_EQ(e.whi, 2139062143LL);  // 127 * 2^24 + 127 * 65793
  EXPECT_EQ(e.wlo, -2147483648LL);
  EXPECT_THROW(PantherSlicing({4, 4, 4}), std::invalid_argument);
  EXPECT_THROW(PantherSlicing({3, 4, 4, 4, 4, 4, 4, 4}), std::invalid_argument);
  EXPECT_THROW(PantherSlicing({17, 16}), std::invalid_argument);
}

TEST(XbarPanther, CanonicalDigits) {
  PantherSlicing s;
  EXPECT_EQ(s.digits(1), (std::vector<int32_t>{1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(s.digits(8), (std::vector<int32_t>{-8, 1, 0, 0, 0, 0, 0, 0}));   // -8 + 16
  EXPECT_EQ(s.digits(7), (std::vector<int32_t>{7, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(s.digits(-1), (std::vector<int32_t>{-1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(s.digits(-9), (std::vector<int32_t>{7, -1, 0, 0, 0, 0, 0, 0}));   // 7 - 16
  EXPECT_EQ(s.digits(2004318071), (std::vector<int32_t>{7, 7, 7, 7, 7, 7, 7, 7}));
  EXPECT_EQ(s.digits(-2147483648LL), (std::vector<int32_t>{0, 0, 0, 0, 0, 0, 0, -8}));
  EXPECT_THROW(s.digits(2004318072), std::out_of_range);
  std::mt19937_64 g(1);
  for (int n = 0; n < 100000; ++n) {
    const int64_t w = rand_weight(g, s);
    const auto d = s.digits(w);
    ASSERT_EQ(s.compose(d.data()), w);
    for (unsigned k = 0; k + 1 < s.n; ++k) {
      ASSERT_GE(d[k], -8);
      ASSERT_LE(d[k], 7);
    }
    ASSERT_GE(d[7], s.digit_min(7));
    ASSERT_LE(d[7], s.digit_max(7));
  }
}

TEST(XbarPanther, ProgramRejectsOutOfRangeAtomically) {
  Mcu m(pp(8));
  const int32_t ok[2] = {5, -5};
  m.program(ok, 1, 2);
  const int32_t bad[2] = {7, 2004318072};
  try {
    m.program(bad, 1, 2);
    FAIL() << "expected WeightRangeError";
  } catch (const WeightRangeError& e) {
    EXPECT_EQ(e.row, 0u);
    EXPECT_EQ(e.col, 1u);
    EXPECT_EQ(e.value, 2004318072);
  }
  EXPECT_EQ(m.weight(0, 0), 5);  // unchanged
  EXPECT_EQ(m.weight(0, 1), -5);
  EXPECT_EQ(m.column_sum(0), 5);
}

// Golden MVM/MTVM with fw = 2f and the sliced model with lossless per-slice ADCs against a
// naive reference, random int32 weights (incl. Wlo/Whi) and inputs.
TEST(XbarPanther, MvmMtvmIdealAndSlicedMatchReference) {
  const unsigned X = 128;
  std::mt19937_64 g(21);
  Mcu m(pp(X, 12, XbarModel::Sliced));
  ASSERT_TRUE(m.sliced());
  std::vector<int32_t> W(X * X);
  std::vector<int16_t> x(X), y(X), yi(X);
  const long cases = xbar_test::scaled(3000);
  long bad = 0, unsat = 0;
  for (long c = 0; c < cases; ++c) {
    if (c % 50 == 0) {
      for (auto& v : W) v = rand_weight(g, m.slicing());
      m.program(W.data(), X, X);
    }
    const unsigned mx = 1 + unsigned(g() % 16);
    for (auto& v : x) v = xbar_test::rand_bits(g, mx);
    const bool t = c & 1;
    unsigned nsat = 0;
    const auto want = t ? xbar_test::ref_mtvm(W, x, X, 24, &nsat) : xbar_test::ref_mvm(W, x, X, 24, &nsat);
    Flags f1, f2;
    if (t) {
      m.mtvm(x.data(), y.data(), f1);
      m.mtvm_ideal(x.data(), yi.data(), f2);
    } else {
      m.mvm(x.data(), y.data(), f1);
      m.mvm_ideal(x.data(), yi.data(), f2);
    }
    if (y != want || yi != want || f1.sat != (nsat > 0)) ++bad;
    unsat += X - nsat;
  }
  EXPECT_EQ(bad, 0);
  EXPECT_GT(unsat, cases * long(X) / 10);
  EXPECT_EQ(m.counters().adc_clipped, 0u);
}

TEST(XbarPanther, LossySlicedAgainstTranscription) {
  std::mt19937_64 g(8);
  const long cases = xbar_test::scaled(200);
  for (long c = 0; c < cases; ++c) {
    const unsigned X = 1 + unsigned(g() % 24);
    XbarParams p = pp(X, unsigned(g() % 15), XbarModel::Sliced);
    const std::vector<std::vector<unsigned>> lists = {
        {4, 4, 4, 6, 6, 5, 5, 5}, {8, 8, 8, 8}, {4, 4, 4, 4, 4, 4, 4, 4}, {16, 16}, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3}};
    p.panther_slices = lists[g() % lists.size()];
    p.dac_bits = 1 + unsigned(g() % 4);
    p.adc_bits = unsigned(g() % 14);  // 0 = lossless per slice
    p.adc_mode = (g() & 1) ? AdcMode::Clip : AdcMode::Scale;
    Mcu m(p);
    std::vector<int32_t> W(X * X);
    for (auto& v : W) v = rand_weight(g, m.slicing());
    m.program(W.data(), X, X);
    std::vector<int16_t> x(X), y(X);
    for (auto& v : x) v = xbar_test::rand_bits(g, 1 + unsigned(g() % 16));
    uint64_t clips = 0;
    Flags f;
    const auto dig = digits_of(m);
    m.mvm_sliced(x.data(), y.data(), f);
    ASSERT_EQ(y, ref_panther_sliced(dig, m.slicing().bits, m.slicing().p, x, X, p.dac_bits,
                                    p.adc_bits, p.adc_mode, p.frac_bits, false, &clips)) << c;
    m.mtvm_sliced(x.data(), y.data(), f);
    ASSERT_EQ(y, ref_panther_sliced(dig, m.slicing().bits, m.slicing().p, x, X, p.dac_bits,
                                    p.adc_bits, p.adc_mode, p.frac_bits, true, &clips)) << c;
    ASSERT_EQ(m.counters().adc_clipped, clips);
  }
}

// OPA: x = [1.0, 0, -0.5, 0], delta = [0.25, -1.0, 0, 0] at f = 12 (fw = 24), L = 0.
// dW = x_i * delta_j: (0,0) = 4096*1024 = 2^22 (0.25), (0,1) = -2^24 (-1.0),
// (2,0) = -2048*1024 = -2^21, (2,1) = 2048*4096 = 2^23. Nothing changes before halt.
TEST(XbarPanther, OpaHandWorkedIdeal) {
  Mcu m(pp(4));
  const int16_t x[4] = {4096, 0, -2048, 0}, d[4] = {1024, -4096, 0, 0};
  m.opa(x, d);
  m.opa(x, d);  // two pairs of one batch
  EXPECT_EQ(m.pending(), 2u);
  EXPECT_EQ(m.weight(0, 0), 0);
  // MVM still sees the kernel-start weights
  const int16_t in[4] = {4096, 4096, 4096, 4096};
  int16_t out[4];
  Flags f;
  m.mvm(in, out, f);
  EXPECT_EQ(out[0], 0);
  const auto r = m.commit();
  EXPECT_EQ(r.pairs, 2u);
  EXPECT_FALSE(r.crs);
  EXPECT_EQ(m.pending(), 0u);
  EXPECT_EQ(m.weight(0, 0), 2 * 4194304);
  EXPECT_EQ(m.weight(0, 1), -2 * 16777216);
  EXPECT_EQ(m.weight(2, 0), -2 * 2097152);
  EXPECT_EQ(m.weight(2, 1), 2 * 8388608);
  EXPECT_EQ(m.weight(1, 1), 0);
  // MVM with all-ones inputs: y0 = (0.5 - 0.25) = 0.25 -> 1024, y1 = (-2 + 1) -> -4096
  m.mvm(in, out, f);
  EXPECT_EQ(out[0], 1024);
  EXPECT_EQ(out[1], -4096);
  EXPECT_EQ(m.counters().commits, 1u);
  EXPECT_EQ(m.counters().opa_pairs, 2u);
}

// lr_shift L = 2: term_n = floor(|c| 2^n / 4) for set bits n of |a|.
// a = 3, c = 1: floor(1/4) + floor(2/4) = 0. a = 3, c = -5: -(floor(5/4) + floor(10/4)) = -3.
// a = -32768 (bit 15 only), c = 1: floor(2^15 / 4) = 8192, sign - -> -8192.
TEST(XbarPanther, OpaLearningRateShift) {
  XbarParams p = pp(2);
  p.lr_shift = 2;
  Mcu m(p);
  const int16_t x[2] = {3, -32768}, d[2] = {1, -5};
  m.opa(x, d);
  m.commit();
  EXPECT_EQ(m.weight(0, 0), 0);
  EXPECT_EQ(m.weight(0, 1), -3);
  EXPECT_EQ(m.weight(1, 0), -8192);
  EXPECT_EQ(m.weight(1, 1), 40960);  // (-)(-): |c| = 5: floor(5 * 2^15 / 4) = 40960
}

TEST(XbarPanther, OpaIdealClampsToRange) {
  Mcu m(pp(1));
  const int32_t w = 2004318071 - 10;
  m.program(&w, 1, 1);
  const int16_t x = 100, d = 100;  // +10000
  m.opa(&x, &d);
  m.commit();
  EXPECT_EQ(m.weight(0, 0), 2004318071);
  EXPECT_EQ(m.counters().weight_clamps, 1u);
}

// Sliced OPA (default slices, slice 0 has 5 bits: digits [-16, 15], p = 4):
//  a = 3, c = 20: terms 20 (0x14), 40 (0x28): slice 0 gets 4 + 8 = 12, slice 1 gets 1 + 2 = 3:
//  W = 12 + 3*16 = 60. a = -3, c = 20 on another cell: digits -12, -3: W = -60.
//  Then a = 1, c = 4 on cell 0: slice 0: 12 + 4 = 16 > 15 -> clamped to 15 (1 clamp):
//  W = 15 + 48 = 63 (ideal would be 64). CRS re-encodes 63 canonically: 63 = -1 + 4*16.
TEST(XbarPanther, OpaSlicedDigitsClampAndCrs) {
  XbarParams p = pp(2, 12, XbarModel::Ideal, OpaModel::Sliced);
  p.crs_period = 0;
  Mcu m(p);
  {
    const int16_t x[2] = {3, -3}, d[2] = {20, 0};
    m.opa(x, d);
    m.commit();
  }
  EXPECT_EQ(m.digit(0, 0, 0), 12);
  EXPECT_EQ(m.digit(1, 0, 0), 3);
  EXPECT_EQ(m.weight(0, 0), 60);
  EXPECT_EQ(m.digit(0, 1, 0), -12);
  EXPECT_EQ(m.weight(1, 0), -60);
  {
    const int16_t x[2] = {1, 0}, d[2] = {4, 0};
    m.opa(x, d);
    m.commit();
  }
  EXPECT_EQ(m.digit(0, 0, 0), 15);
  EXPECT_EQ(m.weight(0, 0), 63);
  EXPECT_EQ(m.counters().slice_clamps[0], 1u);
  EXPECT_EQ(m.counters().slice_clamps[1], 0u);
  // Non-canonical digits give the composed weights in MVM (ideal and sliced).
  const int16_t in[2] = {4096, 0};
  int16_t y[2], ys[2];
  Flags f;
  m.mvm_ideal(in, y, f);
  m.mvm_sliced(in, ys, f);
  EXPECT_EQ(y[0], ys[0]);
  EXPECT_EQ(ys[0], 0);  // 63 * 4096 / 2^24 = 0.015 -> 0
  m.crs();
  EXPECT_EQ(m.digit(0, 0, 0), -1);
  EXPECT_EQ(m.digit(1, 0, 0), 4);
  EXPECT_EQ(m.weight(0, 0), 63);
  EXPECT_EQ(m.counters().crs_runs, 1u);
}

// Sliced OPA can push the composition below Wlo (and beyond int32); CRS clamps it back.
TEST(XbarPanther, SlicedOpaBeyondRangeAndCrsClamp) {
  XbarParams p = pp(1, 12, XbarModel::Ideal, OpaModel::Sliced);
  p.crs_period = 0;
  Mcu m(p);
  const int32_t w = -2147483647 - 1;  // digits 0,..,0,-8
  m.program(&w, 1, 1);
  const int16_t x = -32768, d = 32767;  // big negative update: every slice decreases
  m.opa(&x, &d);
  m.commit();
  EXPECT_LT(m.weight(0, 0), -2147483648LL);
  const int16_t in = 4096;
  int16_t yi, ys;
  Flags f;
  m.mvm_ideal(&in, &yi, f);
  m.mvm_sliced(&in, &ys, f);
  EXPECT_EQ(yi, ys);
  EXPECT_EQ(yi, -32768);
  m.crs();
  EXPECT_EQ(m.weight(0, 0), -2147483648LL);
  EXPECT_EQ(m.counters().crs_clamps, 1u);
}

TEST(XbarPanther, CommitCounterTriggersCrs) {
  XbarParams p = pp(2);
  p.crs_period = 2;
  Mcu m(p);
  const int16_t x[2] = {1, 0}, d[2] = {1, 0};
  EXPECT_EQ(m.commit().pairs, 0u);  // nothing pending: not a training step
  EXPECT_EQ(m.commit_counter(), 0u);
  m.opa(x, d);
  auto r1 = m.commit();
  EXPECT_FALSE(r1.crs);
  EXPECT_EQ(m.commit_counter(), 1u);
  m.opa(x, d);
  auto r2 = m.commit();
  EXPECT_TRUE(r2.crs);
  EXPECT_EQ(m.commit_counter(), 0u);
  EXPECT_EQ(m.counters().crs_runs, 1u);
  EXPECT_EQ(m.weight(0, 0), 2);
}

// Without clamping, ideal and sliced OPA give the same weights (isa.md §7.4).
TEST(XbarPanther, IdealAndSlicedOpaAgreeWithoutClamping) {
  const unsigned X = 16;
  std::mt19937_64 g(5);
  // Six-bit slices of 4-bit pitch leave two bits of carry headroom per slice: canonical
  // digits lie in [-8, 7], a digit may reach [-32, 31]. One pair per commit with |x| <= 2
  // (one streamed row bit) changes each digit by at most 15, so no slice can saturate.
  const std::vector<unsigned> six(8, 6);
  Mcu a(pp(X, 12, XbarModel::Ideal, OpaModel::Ideal, six));
  Mcu b(pp(X, 12, XbarModel::Ideal, OpaModel::Sliced, six));
  for (int batch = 0; batch < xbar_test::scaled(40); ++batch) {
    {
      std::vector<int16_t> x(X), d(X);
      for (auto& v : x) v = xbar_test::rand_bits(g, 2);
      for (auto& v : d) v = xbar_test::rand_bits(g, 9);
      a.opa(x.data(), d.data());
      b.opa(x.data(), d.data());
    }
    a.commit();
    b.commit();
    b.crs();  // keep digits canonical so no slice saturates
    ASSERT_EQ(b.counters().slice_clamps, std::vector<uint64_t>(8, 0));
    ASSERT_EQ(weights_of(a), weights_of(b)) << batch;
  }
}
