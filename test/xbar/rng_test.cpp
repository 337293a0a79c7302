#include "xbar/rng.h"

#include <gtest/gtest.h>

using namespace pumavp::xbar;

TEST(XbarRng, SeedingRule) {
  EXPECT_EQ(Rng::initial_state(1, 0), 0x9E3779B8u);           // 1 ^ 0x9E3779B9
  EXPECT_EQ(Rng::initial_state(0, 1), 0x3C6EF372u);           // 2 * 0x9E3779B9 mod 2^32
  EXPECT_EQ(Rng::initial_state(0x9E3779B9u, 0), 1u);          // 0 becomes 1
  EXPECT_EQ(Rng::initial_state(5, 9), 5u ^ 0x2E2AC13Au);      // 10 * 0x9E3779B9 mod 2^32
  Rng r;
  r.reset(1, 0);
  EXPECT_EQ(r.state(), 0x9E3779B8u);
}

TEST(XbarRng, XorshiftSteps) {
  Rng r(1);
  EXPECT_EQ(r.step(), 270369u);     // 1 -> 0x2001 -> 0x2001 -> 0x42021
  EXPECT_EQ(r.step(), 67634689u);   // known xorshift32 sequence from 1
  EXPECT_EQ(r.step(), 2647435461u);
}

TEST(XbarRng, RawValueUsesTopFBits) {
  Rng r(1);
  EXPECT_EQ(r.next_raw(12), 0);                   // 270369 >> 20
  EXPECT_EQ(r.next_raw(12), 64);                  // 67634689 >> 20
  EXPECT_EQ(r.next_raw(14), int16_t(2647435461u >> 18));
  Rng z(7);
  EXPECT_EQ(z.next_raw(0), 0);                    // f = 0: always 0 (state still steps)
  EXPECT_NE(z.state(), 7u);
}

TEST(XbarRng, UniformRange) {
  Rng r(0xDEADBEEF);
  long sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const int16_t v = r.next_raw(12);
    ASSERT_GE(v, 0);
    ASSERT_LT(v, 4096);
    sum += v;
  }
  EXPECT_NEAR(double(sum) / 100000, 2047.5, 20.0);
}
