#include "xbar/crossbar.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "xbar/bit_planes.h"
#include "xbar_test_util.h"

using namespace pumavp::xbar;
using xbar_test::ref_mtvm;
using xbar_test::ref_mvm;

namespace {

XbarParams params(unsigned X, unsigned b = 2, unsigned d = 1, unsigned f = 12, unsigned a = 0,
                  AdcMode mode = AdcMode::Clip, XbarModel model = XbarModel::Ideal) {
  XbarParams p;
  p.size = X;
  p.bits_per_cell = b;
  p.dac_bits = d;
  p.frac_bits = f;
  p.adc_bits = a;
  p.adc_mode = mode;
  p.model = model;
  return p;
}

// Literal transcription of isa.md §2.9 steps 1-7 (naive loops, any ADC), written
// independently of the library for the lossy-ADC checks.
std::vector<int16_t> ref_sliced(const std::vector<int16_t>& W, const std::vector<int16_t>& x,
                                unsigned X, unsigned b, unsigned d, unsigned a, AdcMode mode,
                                unsigned f, bool transposed, uint64_t* clips) {
  const int64_t B = 32768;
  const unsigned S = (16 + b - 1) / b, T = (16 + d - 1) / d;
  const int64_t pmax = int64_t(X) * ((1 << b) - 1) * ((1 << d) - 1);
  unsigned Lmin = 0;
  while ((int64_t{1} << Lmin) - 1 < pmax) ++Lmin;
  auto w = [&](unsigned in, unsigned out) {  // weight pairing input `in` with output `out`
    return transposed ? W[out * X + in] : W[in * X + out];
  };
  std::vector<int16_t> y(X);
  int64_t SU = 0;
  for (unsigned i = 0; i < X; ++i) SU += x[i] + B;
  for (unsigned j = 0; j < X; ++j) {
    int64_t Sacc = 0, CW = 0;
    for (unsigned i = 0; i < X; ++i) CW += w(i, j);
    for (unsigned s = 0; s < S; ++s)
      for (unsigned t = 0; t < T; ++t) {
        int64_t P = 0;
        for (unsigned i = 0; i < X; ++i) {
          const int64_t V = w(i, j) + B, u = x[i] + B;
          const int64_t c = (V >> (s * b)) & ((1 << b) - 1);
          const int64_t at = (u >> (t * d)) & ((1 << d) - 1);
          P += c * at;
        }
        int64_t Q = P;
        if (a < Lmin) {
          const int64_t fs = (int64_t{1} << a) - 1;
          if (mode == AdcMode::Clip) {
            if (P > fs) ++*clips;
            Q = P < fs ? P : fs;
          } else {
            const unsigned k = Lmin - a;
            int64_t r = (P + (int64_t{1} << (k - 1))) >> k;
            if (r > fs) {
              ++*clips;
              r = fs;
            }
            Q = r << k;
          }
        }
        Sacc += Q << (s * b + t * d);
      }
    const int64_t acc = Sacc - B * CW - B * SU;
    y[j] = xbar_test::ref_sat(xbar_test::ref_rne(acc, f));
  }
  return y;
}

struct Case {
  std::vector<int16_t> W, x;
};

// Run ideal and sliced MVM and MTVM on W, x and compare with the naive reference.
void expect_all_models(unsigned X, const std::vector<int16_t>& W, const std::vector<int16_t>& x,
                       unsigned b = 2, unsigned d = 1, unsigned f = 12) {
  Crossbar xb(params(X, b, d, f));
  xb.program(W.data(), X, X);
  unsigned nsat = 0, nsat_t = 0;
  const auto want = ref_mvm(W, x, X, f, &nsat);
  const auto want_t = ref_mtvm(W, x, X, f, &nsat_t);
  std::vector<int16_t> y(X);
  Flags fi, fs, ti, ts;
  xb.mvm_ideal(x.data(), y.data(), fi);
  EXPECT_EQ(y, want) << "ideal mvm";
  xb.mvm_sliced(x.data(), y.data(), fs);
  EXPECT_EQ(y, want) << "sliced mvm";
  xb.mtvm_ideal(x.data(), y.data(), ti);
  EXPECT_EQ(y, want_t) << "ideal mtvm";
  xb.mtvm_sliced(x.data(), y.data(), ts);
  EXPECT_EQ(y, want_t) << "sliced mtvm";
  EXPECT_EQ(fi.sat, nsat > 0);
  EXPECT_EQ(fs.sat, nsat > 0);
  EXPECT_EQ(ti.sat, nsat_t > 0);
  EXPECT_EQ(ts.sat, nsat_t > 0);
  EXPECT_EQ(xb.counters().out_saturations, 2u * nsat + 2u * nsat_t);
}

}  // namespace

TEST(XbarCrossbar, LosslessAdcBits) {
  EXPECT_EQ(lossless_adc_bits(128, 2, 1), 9u);   // 384
  EXPECT_EQ(lossless_adc_bits(128, 1, 1), 8u);   // 128 needs 8 bits
  EXPECT_EQ(lossless_adc_bits(127, 1, 1), 7u);
  EXPECT_EQ(lossless_adc_bits(256, 2, 1), 10u);  // 768
  EXPECT_EQ(lossless_adc_bits(128, 4, 1), 11u);  // PANTHER slices (§7.3)
  EXPECT_EQ(lossless_adc_bits(128, 5, 1), 12u);
  EXPECT_EQ(lossless_adc_bits(128, 6, 1), 13u);
  EXPECT_EQ(lossless_adc_bits(4, 2, 1), 4u);     // 12
  EXPECT_EQ(lossless_adc_bits(32, 2, 2), 9u);    // 288
  EXPECT_EQ(lossless_adc_bits(128, 6, 8), 21u);  // 2056320
  XbarParams p;
  EXPECT_EQ(p.lossless_bits(), 9u);
  EXPECT_EQ(p.slices(), 8u);
  EXPECT_EQ(p.steps(), 16u);
  EXPECT_FALSE(p.puma_sliced());
  p.adc_bits = 8;
  EXPECT_TRUE(p.puma_sliced());  // a lossy ADC forces the sliced model
  p.adc_bits = 12;
  EXPECT_FALSE(p.puma_sliced());
}

TEST(XbarCrossbar, EdgeMatrices) {
  const unsigned X = 128;
  const std::size_t XX = X * X;
  std::vector<int16_t> W(XX), x(X);
  // all max-positive
  std::fill(W.begin(), W.end(), 32767);
  std::fill(x.begin(), x.end(), 32767);
  expect_all_models(X, W, x);
  // all max-negative (products 2^30 each, sum 2^37)
  std::fill(W.begin(), W.end(), -32768);
  std::fill(x.begin(), x.end(), -32768);
  expect_all_models(X, W, x);
  // max-negative weights, max-positive inputs
  std::fill(x.begin(), x.end(), 32767);
  expect_all_models(X, W, x);
  // alternating signs (checkerboard), cancelling to small sums
  for (unsigned i = 0; i < X; ++i)
    for (unsigned j = 0; j < X; ++j) W[i * X + j] = ((i + j) % 2) ? -32768 : 32767;
  for (unsigned i = 0; i < X; ++i) x[i] = (i % 2) ? -32768 : 32767;
  expect_all_models(X, W, x);
  // zero
  std::fill(W.begin(), W.end(), 0);
  std::fill(x.begin(), x.end(), 0);
  expect_all_models(X, W, x);
  // saturating column sums that only just saturate: sum = 32767.5 * 4096 rounds up
  std::fill(W.begin(), W.end(), 0);
  for (unsigned i = 0; i < 4; ++i) W[i * X + 5] = 32767;
  for (unsigned i = 0; i < 4; ++i) x[i] = 8192;  // 2.0
  expect_all_models(X, W, x);
}

TEST(XbarCrossbar, HandWorkedGolden) {
  // Worked example of isa.md §10, layer 1: 4 inputs, 3 outputs, f = 12.
  const unsigned X = 32;
  Crossbar xb(params(X));
  const int16_t w1[4][3] = {{2048, -1024, 4096}, {4096, 2048, 0}, {1024, 1024, -2048},
                            {-2048, 1024, 512}};
  xb.program(&w1[0][0], 4, 3);
  std::vector<int16_t> x(X, 0), y(X, 99);
  x[0] = 4096;
  x[1] = 2048;
  x[2] = -4096;
  x[3] = 8192;
  Flags f;
  xb.mvm(x.data(), y.data(), f);
  EXPECT_EQ(y[0], -1024);
  EXPECT_EQ(y[1], 1024);
  EXPECT_EQ(y[2], 7168);
  for (unsigned j = 3; j < X; ++j) EXPECT_EQ(y[j], 0);
  EXPECT_FALSE(f.any());
  EXPECT_EQ(xb.column_sum(0), 2048 + 4096 + 1024 - 2048);
  EXPECT_EQ(xb.row_sum(1), 4096 + 2048);
  // The same through the sliced model.
  std::vector<int16_t> ys(X);
  xb.mvm_sliced(x.data(), ys.data(), f);
  EXPECT_EQ(ys, y);
  EXPECT_EQ(xb.counters().adc_conversions, 8u * 16u * X);
  EXPECT_EQ(xb.counters().adc_clipped, 0u);
  // Identity at f = 12 reproduces the input; MTVM of the transpose too.
  Crossbar id(params(X));
  for (unsigned i = 0; i < X; ++i) id.set_weight(i, i, 4096);
  for (unsigned i = 0; i < X; ++i) x[i] = int16_t(i * 1000 - 16000);
  id.mvm(x.data(), y.data(), f);
  EXPECT_EQ(y, x);
  id.mtvm_sliced(x.data(), y.data(), f);
  EXPECT_EQ(y, x);
}

TEST(XbarCrossbar, ProgramBlocksAndBounds) {
  const unsigned X = 64;
  Crossbar xb(params(X));
  const int16_t blk[2][3] = {{1, 2, 3}, {4, 5, 6}};
  xb.program(&blk[0][0], 2, 3, 10, 20);
  EXPECT_EQ(xb.weight(10, 20), 1);
  EXPECT_EQ(xb.weight(11, 22), 6);
  EXPECT_EQ(xb.weight(0, 0), 0);
  // Row stride: take the 2x2 left part of the 2x3 block.
  xb.program(&blk[0][0], 2, 2, 0, 0, 3);
  EXPECT_EQ(xb.weight(1, 0), 4);
  EXPECT_EQ(xb.weight(1, 1), 5);
  EXPECT_EQ(xb.column_sum(20), 5);
  xb.set_weight(10, 20, -7);
  EXPECT_EQ(xb.column_sum(20), -3);
  EXPECT_EQ(xb.row_sum(10), -7 + 2 + 3);
  EXPECT_THROW(xb.program(&blk[0][0], 2, 3, 63, 0), std::out_of_range);
  EXPECT_THROW(xb.program(&blk[0][0], 2, 3, 0, 62), std::out_of_range);
  xb.clear();
  EXPECT_EQ(xb.weight(11, 22), 0);
  EXPECT_EQ(xb.column_sum(20), 0);
  EXPECT_THROW(Crossbar(params(128, 0)), std::invalid_argument);
  EXPECT_THROW(Crossbar(params(128, 2, 9)), std::invalid_argument);
  EXPECT_THROW(Crossbar(params(128, 2, 1, 15)), std::invalid_argument);
}

// Zero weights, zero inputs, X = 4, b = 2, d = 1: Lmin = 4 (Pmax = 12). Offset binary:
// V = 0x8000 (only slice 7 has a cell, value 2), u = 0x8000 (only step 15 drives, digit 1),
// so the only non-zero column sum is P[7][15] = 4 * 2 * 1 = 8 in every column.
// a = 3, clip: Q(8) = 7: one clip per column; Sacc = 7 << (14 + 15); CW = 0, SU = 4 * 2^15;
// acc = 7 * 2^29 - 2^15 * 2^17 = -2^29; rne(-2^29, 12) = -2^17 -> saturates to -32768.
// a = 3, scale: k = 1, Q(8) = min((8 + 1) >> 1, 7) << 1 = 8: exact, y = 0, no clip.
// a = 2, scale: k = 2, Q(8) = min((8 + 2) >> 2, 3) << 2 = 8: exact again.
// a = 1, scale: k = 3, Q(8) = min((8 + 4) >> 3, 1) << 3 = 8: exact (8 is a multiple of 8).
TEST(XbarCrossbar, LossyAdcZeroMatrixHandWorked) {
  std::vector<int16_t> x(4, 0), y(4, 1);
  {
    Crossbar xb(params(4, 2, 1, 12, 3, AdcMode::Clip));
    EXPECT_TRUE(xb.sliced());
    Flags f;
    xb.mvm(x.data(), y.data(), f);
    EXPECT_EQ(y, (std::vector<int16_t>{-32768, -32768, -32768, -32768}));
    EXPECT_TRUE(f.sat);
    EXPECT_EQ(xb.counters().adc_clipped, 4u);
    EXPECT_EQ(xb.counters().adc_conversions, 8u * 16u * 4u);
    EXPECT_EQ(xb.counters().out_saturations, 4u);
  }
  for (unsigned a : {3u, 2u, 1u}) {
    Crossbar xb(params(4, 2, 1, 12, a, AdcMode::Scale));
    Flags f;
    xb.mvm(x.data(), y.data(), f);
    EXPECT_EQ(y, (std::vector<int16_t>{0, 0, 0, 0})) << a;
    EXPECT_FALSE(f.sat);
    EXPECT_EQ(xb.counters().adc_clipped, 0u);
  }
}

// X = 4, b = 2, d = 1, f = 0, a = 3 (Lmin = 4). Rows 0 and 1 carry +3 and -3 with the same
// input, so the golden sums stay small while the column sums are large.
//   x = [-32767, -32767, 0, 0] -> u = [1, 1, 0x8000, 0x8000]: step 0 drives rows 0, 1,
//   step 15 drives rows 2, 3, no other step drives anything.
// Column 0: W = [3, -3, 0, 0] -> V = [0x8003, 0x7FFD, 0x8000, 0x8000].
//   step 0 (rows 0, 1): slice 0 cells 3 + 1 = 4; slices 1..6 cells 0 + 3 = 3;
//   slice 7 cells 2 + 1 = 3. step 15 (rows 2, 3): slice 7 cells 2 + 2 = 4; others 0.
//   All P <= 7: lossless, golden = 3(-32767) - 3(-32767) = 0 -> y0 = 0.
// Column 1: W = [3, 3, -1, 0] -> V = [0x8003, 0x8003, 0x7FFF, 0x8000].
//   step 0: slice 0: 3 + 3 = 6, slices 1..6: 0, slice 7: 2 + 2 = 4.
//   step 15: slice 0: 3 + 0 = 3, slices 1..6: 3 + 0 = 3, slice 7: 1 + 2 = 3.
//   No P above 7: y1 = golden = 6(-32767) = -196602 -> saturates -32768.
// Column 2: W = [-3, -3, 0, 0] -> V = [0x7FFD, 0x7FFD, 0x8000, 0x8000].
//   step 0: slice 0: 1 + 1 = 2, slices 1..6: 3 + 3 = 6, slice 7: 1 + 1 = 2.
//   step 15: slice 7: 2 + 2 = 4. All <= 7: y2 = golden = 196602 -> 32767.
// Column 3: W = [-1, -1, -1, -1] -> V = 0x7FFF each (cells 3, slice 7 cell 1).
//   step 0: slices 0..6: 6, slice 7: 2. step 15: slices 0..6: 6, slice 7: 2. Lossless.
//   golden = 2 * 32767 + 0 = 65534 -> 32767.
// So far a = 3 clip is exact. With a = 2 (clip at 3):
//   col 0: step 0: slice 0: 4 -> 3 (err -1 << 0), slices 1..6: 3 ok, slice 7: 3 ok;
//          step 15: slice 7: 4 -> 3 (err -1 << (14 + 15)). 2 clips.
//          acc = 0 - 1 - 2^29 -> rne(., 0) -> -536870913 -> -32768.
//   col 3: step 0 and 15: slices 0..6: 6 -> 3 (7 clips each) -> 14 clips.
//   col 1: step 0: slice 0: 6 -> 3, slice 7: 4 -> 3; step 15: all 3: 2 clips.
//   col 2: step 0: slices 1..6: 6 -> 3 (6 clips); step 15: slice 7: 4 -> 3: 7 clips.
//   Total clips: 2 + 2 + 7 + 14 = 25.
TEST(XbarCrossbar, LossyAdcClipCancellingHandWorked) {
  const std::vector<int16_t> W = {3, 3, -3, -1,  -3, 3, -3, -1,
                                  0, -1, 0, -1,  0, 0, 0, -1};
  const std::vector<int16_t> x = {-32767, -32767, 0, 0};
  std::vector<int16_t> y(4);
  {
    Crossbar xb(params(4, 2, 1, 0, 3, AdcMode::Clip));
    xb.program(W.data(), 4, 4);
    Flags f;
    xb.mvm(x.data(), y.data(), f);
    EXPECT_EQ(y, (std::vector<int16_t>{0, -32768, 32767, 32767}));
    EXPECT_EQ(xb.counters().adc_clipped, 0u);
  }
  {
    Crossbar xb(params(4, 2, 1, 0, 2, AdcMode::Clip));
    xb.program(W.data(), 4, 4);
    Flags f;
    xb.mvm(x.data(), y.data(), f);
    EXPECT_EQ(y[0], -32768);
    EXPECT_EQ(xb.counters().adc_clipped, 25u);
    uint64_t clips = 0;
    EXPECT_EQ(y, ref_sliced(W, x, 4, 2, 1, 2, AdcMode::Clip, 0, false, &clips));
    EXPECT_EQ(clips, 25u);
  }
}

// Scale mode, X = 4, b = 2, d = 1, a = 3: k = 1, Q(P) = min((P + 1) >> 1, 7) << 1, f = 0.
// W column 0 = [1, 0, 0, 0] (V = 0x8001), x = [-32767, 0, 0, 0] -> u = [1, 0x8000 x3]:
//   step 0 drives row 0 only: slice 0: P = 1 -> Q = 2 (err +1 << 0); slice 7: P = 2 -> 2.
//   step 15 drives rows 1..3: slice 7: cells 2 + 2 + 2 = 6 -> 6. All else 0.
//   golden = 1 * -32767 = -32767; lossy acc = -32767 + 1 = -32766.
// Column 1: W = [2, 0, 0, 0] (V = 0x8002): slice 0 step 0: P = 2 -> 2: exact -> -65534 ->
//   saturates. Column 2: W = [-1, 0, 0, 0] (V = 0x7FFF): step 0, slices 0..6: P = 3 ->
//   (3 + 1) >> 1 = 2 -> 4 (err +1 each at shifts 0, 2, .., 12), slice 7: P = 1 -> 2
//   (err +1 << 14); step 15: slice 7: P = 6 -> 6. golden = 32767;
//   err = 1 + 4 + 16 + 64 + 256 + 1024 + 4096 + 16384 = 21845 -> 54612 -> 32767.
// Column 3: zero weights: step 0: slice 7: P = 2 -> 2; step 15: slice 7: 6 -> 6: y = 0.
TEST(XbarCrossbar, LossyAdcScaleHandWorked) {
  const std::vector<int16_t> W = {1, 2, -1, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0};
  const std::vector<int16_t> x = {-32767, 0, 0, 0};
  Crossbar xb(params(4, 2, 1, 0, 3, AdcMode::Scale));
  xb.program(W.data(), 4, 4);
  std::vector<int16_t> y(4);
  Flags f;
  xb.mvm(x.data(), y.data(), f);
  EXPECT_EQ(y, (std::vector<int16_t>{-32766, -32768, 32767, 0}));
  EXPECT_EQ(xb.counters().adc_clipped, 0u);
  EXPECT_TRUE(f.sat);
  // a = 1: k = 3, full scale 1 << 3 = 8. Column 3: step 15 slice 7 P = 6 -> (6+4)>>3 = 1 -> 8
  // (err +2 << 29), step 0 slice 7: P = 2 -> (2 + 4) >> 3 = 0 (err -2 << 14). y3 saturates.
  Crossbar x1(params(4, 2, 1, 0, 1, AdcMode::Scale));
  x1.program(W.data(), 4, 4);
  x1.mvm(x.data(), y.data(), f);
  EXPECT_EQ(y[3], 32767);
  uint64_t clips = 0;
  EXPECT_EQ(y, ref_sliced(W, x, 4, 2, 1, 1, AdcMode::Scale, 0, false, &clips));
  EXPECT_EQ(x1.counters().adc_clipped, clips);
}

// Lossy ADCs on random small arrays against the literal §2.9 transcription, MVM and MTVM.
TEST(XbarCrossbar, LossyRandomAgainstTranscription) {
  std::mt19937_64 g(99);
  const long cases = xbar_test::scaled(400);
  for (long c = 0; c < cases; ++c) {
    const unsigned X = 1 + unsigned(g() % 40);
    const unsigned b = 1 + unsigned(g() % 6), d = 1 + unsigned(g() % 8);
    const unsigned L = lossless_adc_bits(X, b, d);
    const unsigned a = 1 + unsigned(g() % (L + 1));  // sometimes lossless
    const AdcMode mode = (g() & 1) ? AdcMode::Clip : AdcMode::Scale;
    const unsigned f = unsigned(g() % 15);
    std::vector<int16_t> W(X * X), x(X);
    const unsigned mw = 1 + g() % 16, mx = 1 + g() % 16;
    for (auto& v : W) v = xbar_test::rand_bits(g, mw);
    for (auto& v : x) v = xbar_test::rand_bits(g, mx);
    Crossbar xb(params(X, b, d, f, a, mode));
    xb.program(W.data(), X, X);
    std::vector<int16_t> y(X);
    Flags fl;
    uint64_t clips = 0;
    xb.mvm(x.data(), y.data(), fl);
    ASSERT_EQ(y, ref_sliced(W, x, X, b, d, a, mode, f, false, &clips))
        << "X " << X << " b " << b << " d " << d << " a " << a << " f " << f;
    xb.mtvm(x.data(), y.data(), fl);
    ASSERT_EQ(y, ref_sliced(W, x, X, b, d, a, mode, f, true, &clips));
    ASSERT_EQ(xb.counters().adc_clipped, clips);
  }
}

TEST(XbarCrossbar, KernelVariantsAgree) {
  std::mt19937_64 g(4);
  for (unsigned X : {1u, 7u, 32u, 64u, 100u, 128u, 256u}) {
    // slice_steps on random planes and inputs, every ADC kind and several shapes, against
    // the portable variant and against popcounts computed here bit by bit.
    const unsigned nw = (X + 63) / 64;
    const std::size_t stride = (X + kernels::kBlock - 1) / kernels::kBlock * kernels::kBlock;
    for (unsigned shape = 0; shape < 6; ++shape) {
      const unsigned bits = 1 + shape % 4, d = shape < 4 ? 1 : 3, T = (16 + d - 1) / d, nsl = 2 + shape % 3;
      const std::size_t pw = nw * stride;
      std::vector<uint64_t> planes(nsl * bits * pw);
      for (auto& v : planes) v = g() & g();  // sparse-ish: sums well below and above full scale
      uint64_t in[16][4];
      for (auto& row : in)
        for (auto& v : row) v = (g() % 5 == 0) ? 0 : g();
      std::vector<kernels::SliceJob> jobs(nsl);
      for (unsigned k = 0; k < nsl; ++k) {
        jobs[k].planes = planes.data() + k * bits * pw;
        jobs[k].bits = bits;
        jobs[k].shift = k * bits;
        jobs[k].lossless = shape % 3 == 0;
        jobs[k].scale = shape % 3 == 2;
        jobs[k].full_scale = 40 + 7 * k;
        jobs[k].lsb_shift = 2;
      }
      for (unsigned j0 = 0; j0 < X; j0 += kernels::kBlock) {
        int64_t s1[kernels::kBlock], s2[kernels::kBlock];
        uint64_t c1 = 0, c2 = 0;
        kernels::slice_steps(jobs.data(), nsl, pw, stride, nw, d, T, in, j0, s1, c1);
        kernels::slice_steps_generic(jobs.data(), nsl, pw, stride, nw, d, T, in, j0, s2, c2);
        ASSERT_EQ(c1, c2);
        for (unsigned l = 0; l < kernels::kBlock && j0 + l < X; ++l) {
          ASSERT_EQ(s1[l], s2[l]) << "X " << X << " shape " << shape << " column " << j0 + l;
          // Independent evaluation of the same sums.
          int64_t want = 0;
          for (unsigned k = 0; k < nsl; ++k)
            for (unsigned t = 0; t < T; ++t) {
              int64_t P = 0;
              for (unsigned bb = 0; bb < bits; ++bb)
                for (unsigned db = 0; db < d && t * d + db < 16; ++db)
                  for (unsigned w = 0; w < nw; ++w) {
                    uint64_t v = planes[k * bits * pw + bb * pw + w * stride + j0 + l] & in[t * d + db][w];
                    int64_t c = 0;
                    for (; v; v >>= 1) c += v & 1;
                    P += c << (bb + db);
                  }
              int64_t q = P;
              const kernels::SliceJob& jb = jobs[k];
              if (!jb.lossless && !jb.scale) q = std::min<int64_t>(P, jb.full_scale);
              if (!jb.lossless && jb.scale) q = std::min<int64_t>((P + 2) >> 2, jb.full_scale) << 2;
              want += q << (jb.shift + t * d);
            }
          ASSERT_EQ(s1[l], want) << "X " << X << " shape " << shape << " column " << j0 + l;
        }
      }
    }
    std::vector<int16_t> Wc(std::size_t(X) * X), xh(X), xl(X);
    for (auto& v : Wc) v = int16_t(g());
    for (unsigned i = 0; i < X; ++i) {
      xh[i] = int16_t(int(g() % 256) - 128);
      xl[i] = int16_t(g() % 256);
    }
    std::vector<int32_t> h1(X), l1(X), h2(X), l2(X);
    kernels::dot_split(Wc.data(), xh.data(), xl.data(), X, h1.data(), l1.data());
    kernels::dot_split_generic(Wc.data(), xh.data(), xl.data(), X, h2.data(), l2.data());
    EXPECT_EQ(h1, h2);
    EXPECT_EQ(l1, l2);
  }
  std::printf("kernel variant: %s\n", kernels::variant());
}
