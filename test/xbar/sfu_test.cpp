#include "xbar/sfu.h"

#include <gtest/gtest.h>

#include <random>

using namespace pumavp::xbar;

namespace {
int16_t run(SfuOp op, int a, int b, Flags* out = nullptr) {
  Flags f;
  const int16_t r = sfu_apply(op, static_cast<int16_t>(a), static_cast<int16_t>(b), f);
  if (out) *out = f;
  return r;
}
}  // namespace

TEST(XbarSfu, WrapAround) {
  EXPECT_EQ(run(SfuOp::Add, 32767, 1), -32768);
  EXPECT_EQ(run(SfuOp::Add, -32768, -1), 32767);
  EXPECT_EQ(run(SfuOp::Sub, -32768, 1), 32767);
  EXPECT_EQ(run(SfuOp::Mul, 256, 256), 0);        // 65536 mod 2^16
  EXPECT_EQ(run(SfuOp::Mul, 300, 300), 24464);    // 90000 - 65536
  EXPECT_EQ(run(SfuOp::Mul, -3, 7), -21);
  EXPECT_EQ(run(SfuOp::Add, 100, 23), 123);
  Flags f;
  run(SfuOp::Add, 32767, 1, &f);
  EXPECT_FALSE(f.any());  // the SFU wraps without SAT
}

TEST(XbarSfu, DivisionEdgeCases) {
  Flags f;
  EXPECT_EQ(run(SfuOp::Div, 7, 2), 3);
  EXPECT_EQ(run(SfuOp::Div, -7, 2), -3);  // toward zero
  EXPECT_EQ(run(SfuOp::Div, 7, -2), -3);
  EXPECT_EQ(run(SfuOp::Div, -7, -2), 3);
  EXPECT_EQ(run(SfuOp::Div, -32768, -1, &f), -32768);
  EXPECT_FALSE(f.dz);
  EXPECT_EQ(run(SfuOp::Div, 5, 0, &f), -1);
  EXPECT_TRUE(f.dz);
  EXPECT_EQ(run(SfuOp::Div, 0, 0, &f), -1);
  EXPECT_TRUE(f.dz);
}

TEST(XbarSfu, ModuloEdgeCases) {
  Flags f;
  EXPECT_EQ(run(SfuOp::Mod, 7, 3), 1);
  EXPECT_EQ(run(SfuOp::Mod, -7, 3), -1);  // sign of a
  EXPECT_EQ(run(SfuOp::Mod, 7, -3), 1);
  EXPECT_EQ(run(SfuOp::Mod, -7, -3), -1);
  EXPECT_EQ(run(SfuOp::Mod, -32768, -1, &f), 0);
  EXPECT_FALSE(f.dz);
  EXPECT_EQ(run(SfuOp::Mod, -123, 0, &f), -123);
  EXPECT_TRUE(f.dz);
}

TEST(XbarSfu, ComparisonsReturnOneOrZero) {
  EXPECT_EQ(run(SfuOp::Eq, 5, 5), 1);
  EXPECT_EQ(run(SfuOp::Eq, 5, 6), 0);
  EXPECT_EQ(run(SfuOp::Neq, 5, 6), 1);
  EXPECT_EQ(run(SfuOp::Lt, -1, 0), 1);   // signed
  EXPECT_EQ(run(SfuOp::Lt, 0, -1), 0);
  EXPECT_EQ(run(SfuOp::Le, 3, 3), 1);
  EXPECT_EQ(run(SfuOp::Gt, -32768, 32767), 0);
  EXPECT_EQ(run(SfuOp::Ge, 32767, -32768), 1);
}

TEST(XbarSfu, RandomAgainstIndependentFormulas) {
  std::mt19937 g(3);
  for (int n = 0; n < 100000; ++n) {
    const int a = int16_t(g()), b = int16_t(g());
    EXPECT_EQ(run(SfuOp::Add, a, b), int16_t(uint16_t((a + b) & 0xFFFF)));
    EXPECT_EQ(run(SfuOp::Mul, a, b), int16_t(uint16_t(uint32_t(int64_t(a) * b) & 0xFFFF)));
    if (b != 0 && !(a == -32768 && b == -1)) {
      EXPECT_EQ(run(SfuOp::Div, a, b), a / b);
      EXPECT_EQ(run(SfuOp::Mod, a, b), a % b);
    }
  }
}

TEST(XbarSfu, Names) {
  EXPECT_STREQ(sfu_name(SfuOp::Mod), "mod");
  EXPECT_STREQ(sfu_name(SfuOp::Ge), "ge");
  EXPECT_TRUE(sfu_op_valid(10));
  EXPECT_FALSE(sfu_op_valid(11));
  Flags f;
  EXPECT_THROW(sfu_apply(static_cast<SfuOp>(11), 1, 2, f), std::invalid_argument);
}
