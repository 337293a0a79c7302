// Sliced (lossless ADC) and ideal MVM/MTVM against an independent naive int64 reference on
// random 128x128 arrays: 4 x 25000 MVMs and 2 x 50000 MTVMs per ctest run (>= 100k each),
// 10x (>= 1e6 each) with PUMAVP_LONG=1, 1/40 under sanitizers or PUMAVP_FAST=1.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "xbar/crossbar.h"
#include "xbar_test_util.h"

using namespace pumavp::xbar;

namespace {

struct Geometry {
  unsigned X, b, d, f;
};

// `cases` random MVMs (and MTVMs if `mtvm`); a fresh random matrix every 40 cases with a
// random magnitude (1..16 bits), random input magnitudes per case, sparse rows sometimes.
void run_random(Geometry geo, long cases, uint64_t seed, bool mtvm) {
  XbarParams p;
  p.size = geo.X;
  p.bits_per_cell = geo.b;
  p.dac_bits = geo.d;
  p.frac_bits = geo.f;
  p.model = XbarModel::Sliced;
  Crossbar xb(p);
  ASSERT_TRUE(xb.sliced());
  const unsigned X = geo.X;
  std::mt19937_64 g(seed);
  std::vector<int16_t> W(std::size_t(X) * X), x(X), ys(X), yi(X);
  long mismatches = 0, unsaturated = 0, total = 0;
  for (long c = 0; c < cases; ++c) {
    if (c % 40 == 0) {
      const unsigned mw = 1 + unsigned(g() % 16);
      const unsigned sparse = unsigned(g() % 4);  // 0: dense, else keep 1 in 2^sparse
      for (auto& v : W) v = (sparse && (g() % (1u << sparse))) ? 0 : xbar_test::rand_bits(g, mw);
      if (g() % 8 == 0)  // sometimes extreme values only
        for (auto& v : W) v = (g() & 1) ? 32767 : -32768;
      xb.program(W.data(), X, X);
    }
    const unsigned mx = 1 + unsigned(g() % 16);
    for (auto& v : x) v = xbar_test::rand_bits(g, mx);
    if (c % 97 == 0)
      for (auto& v : x) v = (g() & 1) ? 32767 : -32768;
    unsigned nsat = 0;
    const auto want = mtvm ? xbar_test::ref_mtvm(W, x, X, geo.f, &nsat)
                           : xbar_test::ref_mvm(W, x, X, geo.f, &nsat);
    Flags fs, fi;
    if (mtvm) {
      xb.mtvm(x.data(), ys.data(), fs);
      xb.mtvm_ideal(x.data(), yi.data(), fi);
    } else {
      xb.mvm(x.data(), ys.data(), fs);
      xb.mvm_ideal(x.data(), yi.data(), fi);
    }
    if (ys != want || yi != want || fs.sat != (nsat > 0) || fi.sat != (nsat > 0)) {
      if (++mismatches < 5)
        ADD_FAILURE() << "case " << c << " (" << (mtvm ? "mtvm" : "mvm") << ") differs";
    }
    unsaturated += X - nsat;
    total += X;
  }
  EXPECT_EQ(mismatches, 0);
  // The distribution must exercise rounding, not only saturation.
  EXPECT_GT(double(unsaturated) / double(total), 0.1);
  EXPECT_EQ(xb.counters().adc_clipped, 0u);
  EXPECT_EQ(xb.counters().adc_conversions,
            uint64_t(cases) * p.slices() * p.steps() * X);
}

}  // namespace

TEST(XbarRandomMvm, Sliced128Default) { run_random({128, 2, 1, 12}, xbar_test::scaled(25000), 1, false); }
TEST(XbarRandomMvm, Sliced128Cell1Dac2) { run_random({128, 1, 2, 10}, xbar_test::scaled(25000), 2, false); }
TEST(XbarRandomMvm, Sliced128Cell3Dac1F14) { run_random({128, 3, 1, 14}, xbar_test::scaled(25000), 3, false); }
TEST(XbarRandomMvm, Sliced128Cell6Dac4F4) { run_random({128, 6, 4, 4}, xbar_test::scaled(25000), 4, false); }
TEST(XbarRandomMvm, Mtvm128Default) { run_random({128, 2, 1, 12}, xbar_test::scaled(50000), 5, true); }
TEST(XbarRandomMvm, Mtvm128Cell4Dac8F0) { run_random({128, 4, 8, 0}, xbar_test::scaled(50000), 6, true); }
TEST(XbarRandomMvm, OtherSizes) {
  run_random({32, 2, 1, 12}, xbar_test::scaled(4000), 7, false);
  run_random({64, 5, 3, 8}, xbar_test::scaled(4000), 8, true);
  run_random({256, 2, 1, 12}, xbar_test::scaled(2000), 9, false);
  run_random({256, 1, 1, 13}, xbar_test::scaled(2000), 10, true);
  run_random({100, 2, 2, 12}, xbar_test::scaled(2000), 11, false);
}
