#include "xbar/fixed_point.h"

#include <gtest/gtest.h>

#include <random>

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
