#include "xbar/fixed_point.h"

#include <gtest/gtest.h>

#include <cfenv>
#include <climits>
#include <cstdint>
#include <limits>
#include <random>

#include "common/fixed_convert.h"
#include "xbar_test_util.h"

using namespace pumavp::xbar;

TEST(XbarFixedPoint, RneSpecExamples) {
  // isa.md §2.2, s = 12
  EXPECT_EQ(rne(2048, 12), 0);
  EXPECT_EQ(rne(6144, 12), 2);
  EXPECT_EQ(rne(10240, 12), 2);
  EXPECT_EQ(rne(-2048, 12), 0);
  EXPECT_EQ(rne(-6144, 12), -2);
}

TEST(XbarFixedPoint, RneHandValues) {
  EXPECT_EQ(rne(12345, 0), 12345);
  EXPECT_EQ(rne(-7, 0), -7);
  EXPECT_EQ(rne(2049, 12), 1);    // just above half
  EXPECT_EQ(rne(2047, 12), 0);    // just below half
  EXPECT_EQ(rne(-2049, 12), -1);
  EXPECT_EQ(rne(-2047, 12), 0);
  EXPECT_EQ(rne(14336, 12), 4);   // 3.5 -> 4
  EXPECT_EQ(rne(-14336, 12), -4);
  EXPECT_EQ(rne(3, 1), 2);        // 1.5 -> 2
  EXPECT_EQ(rne(1, 1), 0);        // 0.5 -> 0
  EXPECT_EQ(rne(-1, 1), 0);       // -0.5 -> 0
  EXPECT_EQ(rne(-3, 1), -2);      // -1.5 -> -2
  EXPECT_EQ(rne(-4, 2), -1);      // exact
  EXPECT_EQ(rne(int64_t{1} << 40, 28), 4096);
}

TEST(XbarFixedPoint, RneMatchesReferenceOnRandomValues) {
  std::mt19937_64 g(7);
  for (int n = 0; n < 200000; ++n) {
    const unsigned s = g() % 40;
    const int64_t v = static_cast<int64_t>(g()) >> (g() % 60);
    ASSERT_EQ(rne(v, s), xbar_test::ref_rne(v, s)) << v << " " << s;
  }
}

TEST(XbarFixedPoint, RneQHandValues) {
  EXPECT_EQ(rne_q(5, 2), 2);     // 2.5 -> 2
  EXPECT_EQ(rne_q(7, 2), 4);     // 3.5 -> 4
  EXPECT_EQ(rne_q(-5, 2), -2);
  EXPECT_EQ(rne_q(5, -2), -2);
  EXPECT_EQ(rne_q(-7, -2), 4);
  EXPECT_EQ(rne_q(1, 3), 0);
  EXPECT_EQ(rne_q(2, 3), 1);
  EXPECT_EQ(rne_q(-2, 3), -1);
  EXPECT_EQ(rne_q(0, -9), 0);
  EXPECT_EQ(rne_q(4096 * 4096, 3 * 4096), 1365);  // 1/3 at f = 12: 1365.33 -> 1365
  EXPECT_THROW(rne_q(1, 0), std::logic_error);
}

TEST(XbarFixedPoint, RneQPropertiesOnRandomValues) {
  std::mt19937_64 g(11);
  for (int n = 0; n < 200000; ++n) {
    const int64_t a = static_cast<int64_t>(g()) >> (20 + g() % 40);
    int64_t b = static_cast<int64_t>(g()) >> (30 + g() % 33);
    if (b == 0) b = 1;
    const int64_t q = rne_q(a, b);
    // |a - q b| <= |b|/2, and on a tie q is even.
    const int64_t err2 = 2 * (a - q * b);
    const int64_t ab = b < 0 ? -b : b;
    ASSERT_LE(err2 < 0 ? -err2 : err2, ab) << a << "/" << b;
    if ((err2 < 0 ? -err2 : err2) == ab) {
      ASSERT_EQ(q % 2, 0) << a << "/" << b;
    }
  }
}

TEST(XbarFixedPoint, Sat16AndFlag) {
  Flags f;
  EXPECT_EQ(sat16(32767, f), 32767);
  EXPECT_EQ(sat16(-32768, f), -32768);
  EXPECT_FALSE(f.sat);
  EXPECT_EQ(sat16(32768, f), 32767);
  EXPECT_TRUE(f.sat);
  Flags g;
  EXPECT_EQ(sat16(-32769, g), -32768);
  EXPECT_TRUE(g.sat);
  EXPECT_EQ(sat16(int64_t{1} << 40), 32767);
  EXPECT_EQ(sat16(-(int64_t{1} << 40)), -32768);
}

TEST(XbarFixedPoint, RneRealTiesToEven) {
  EXPECT_EQ(rne_real(0.5), 0.0);
  EXPECT_EQ(rne_real(1.5), 2.0);
  EXPECT_EQ(rne_real(2.5), 2.0);
  EXPECT_EQ(rne_real(-1.5), -2.0);
  EXPECT_EQ(rne_real(-2.5), -2.0);
  EXPECT_EQ(rne_real(2.5000001), 3.0);
  EXPECT_EQ(rne_real(-0.4), 0.0);
}

TEST(XbarFixedPoint, FlagsMerge) {
  Flags a, b;
  a.sat = true;
  b.dz = true;
  a |= b;
  EXPECT_TRUE(a.sat && a.dz && !a.dom);
  EXPECT_TRUE(a.any());
  EXPECT_FALSE(Flags{}.any());
}

// --- to_fixed (common/fixed_convert.h): the one float-to-fixed conversion ---------------
using pumavp::FixedOverflow;
using pumavp::FixedValue;
using pumavp::to_fixed;

TEST(FixedConvert, TiesRoundToEven) {
  // Raw 2.5 at 12 fractional bits gives 2 (not 3), raw 3.5 gives 4; the same for negatives.
  EXPECT_EQ(to_fixed(2.5 / 4096, 12).raw, 2);
  EXPECT_EQ(to_fixed(3.5 / 4096, 12).raw, 4);
  EXPECT_EQ(to_fixed(-2.5 / 4096, 12).raw, -2);
  EXPECT_EQ(to_fixed(-3.5 / 4096, 12).raw, -4);
  EXPECT_EQ(to_fixed(0.5, 0).raw, 0);
  EXPECT_EQ(to_fixed(1.5, 0).raw, 2);
  EXPECT_EQ(to_fixed(2.5000001, 0).raw, 3);  // not a tie
  // Saturate rounds the same way.
  EXPECT_EQ(to_fixed(2.5 / 4096, 12, -32768, 32767, FixedOverflow::Saturate).raw, 2);
}

TEST(FixedConvert, ExactAndNegativeValues) {
  const FixedValue a = to_fixed(1.5, 12);
  EXPECT_TRUE(a.ok);
  EXPECT_FALSE(a.saturated);
  EXPECT_EQ(a.raw, 6144);
  EXPECT_EQ(to_fixed(-1.25, 12).raw, -5120);
  EXPECT_EQ(to_fixed(-0.0, 12).raw, 0);
  EXPECT_EQ(to_fixed(-0.4 / 4096, 12).raw, 0);
  EXPECT_EQ(to_fixed(-0.6 / 4096, 12).raw, -1);
  // Integers at 0 fractional bits are taken as they are (raw .npy data, exec inputs).
  EXPECT_EQ(to_fixed(-32768, 0).raw, -32768);
  EXPECT_EQ(to_fixed(32767, 0).raw, 32767);
}

TEST(FixedConvert, RejectOutOfRange) {
  // [-8, 8 - 2^-12] at f = 12: the ends are in range, one step beyond is not.
  EXPECT_TRUE(to_fixed(-8.0, 12).ok);
  EXPECT_EQ(to_fixed(-8.0, 12).raw, -32768);
  EXPECT_TRUE(to_fixed(8.0 - 1.0 / 4096, 12).ok);
  EXPECT_FALSE(to_fixed(8.0, 12).ok);
  EXPECT_FALSE(to_fixed(-8.0 - 1.0 / 4096, 12).ok);
  // 8 - 2^-13 rounds to 32768 (tie to even): out of range.
  EXPECT_FALSE(to_fixed(8.0 - 1.0 / 8192, 12).ok);
  EXPECT_FALSE(to_fixed(32768, 0).ok);
  // Caller-chosen range (PANTHER weights: int32 at fw = 2f).
  const FixedValue w = to_fixed(100.0, 24, INT32_MIN, INT32_MAX);
  EXPECT_TRUE(w.ok);
  EXPECT_EQ(w.raw, int64_t{100} << 24);
  EXPECT_FALSE(to_fixed(128.0, 24, INT32_MIN, INT32_MAX).ok);
  EXPECT_FALSE(to_fixed(4.0, 0, 0, 3).ok);
  EXPECT_FALSE(to_fixed(8.0, 12).saturated);  // Reject never clamps
}

TEST(FixedConvert, SaturateClampsAndSays) {
  const FixedValue hi = to_fixed(8.0, 12, -32768, 32767, FixedOverflow::Saturate);
  EXPECT_TRUE(hi.ok);
  EXPECT_TRUE(hi.saturated);
  EXPECT_EQ(hi.raw, 32767);
  const FixedValue lo = to_fixed(-9.0, 12, -32768, 32767, FixedOverflow::Saturate);
  EXPECT_TRUE(lo.ok);
  EXPECT_TRUE(lo.saturated);
  EXPECT_EQ(lo.raw, -32768);
  const FixedValue edge = to_fixed(-8.0, 12, -32768, 32767, FixedOverflow::Saturate);
  EXPECT_FALSE(edge.saturated);
  EXPECT_EQ(edge.raw, -32768);
  EXPECT_EQ(to_fixed(5.0, 0, 0, 3, FixedOverflow::Saturate).raw, 3);
}

TEST(FixedConvert, InfinityAndNan) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(to_fixed(inf, 12).ok);
  EXPECT_FALSE(to_fixed(-inf, 12).ok);
  const FixedValue pi = to_fixed(inf, 12, -32768, 32767, FixedOverflow::Saturate);
  EXPECT_TRUE(pi.ok && pi.saturated);
  EXPECT_EQ(pi.raw, 32767);
  const FixedValue ni = to_fixed(-inf, 12, -32768, 32767, FixedOverflow::Saturate);
  EXPECT_TRUE(ni.ok && ni.saturated);
  EXPECT_EQ(ni.raw, -32768);
  // A huge finite value overflows to inf when scaled: out of range, saturates likewise.
  EXPECT_FALSE(to_fixed(1e308, 14).ok);
  EXPECT_EQ(to_fixed(-1e308, 14, -32768, 32767, FixedOverflow::Saturate).raw, -32768);
  // NaN is never a value, under either policy.
  EXPECT_FALSE(to_fixed(nan, 12).ok);
  const FixedValue n = to_fixed(nan, 12, -32768, 32767, FixedOverflow::Saturate);
  EXPECT_FALSE(n.ok);
  EXPECT_FALSE(n.saturated);
}

TEST(FixedConvert, IndependentOfTheRoundingMode) {
  const int old = std::fegetround();
  for (int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
    std::fesetround(mode);
    EXPECT_EQ(to_fixed(2.5 / 4096, 12).raw, 2);
    EXPECT_EQ(to_fixed(-2.5 / 4096, 12).raw, -2);
    EXPECT_EQ(to_fixed(3.5 / 4096, 12).raw, 4);
    EXPECT_EQ(std::fegetround(), mode);  // restored
  }
  std::fesetround(old);
}
