#include "xbar/vfu.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "xbar/lut.h"
#include "xbar/rng.h"
#include "xbar_test_util.h"

using namespace pumavp::xbar;

namespace {

struct Env {
  Flags flags;
  Rng rng{12345};
  VfuContext ctx;
  explicit Env(unsigned f = 12, const LutSet* luts = nullptr) {
    ctx.frac_bits = f;
    ctx.flags = &flags;
    ctx.rng = &rng;
    ctx.luts = luts;
  }
  int16_t op(VfuOp o, int a, int b = 0, unsigned k = 0) {
    const int16_t A = int16_t(a), B = int16_t(b);
    int16_t out = 0;
    vfu_apply(o, &A, &B, k, &out, 1, ctx);
    return out;
  }
};

}  // namespace

TEST(XbarVfu, AddSubSaturate) {
  Env e;
  EXPECT_EQ(e.op(VfuOp::Add, 4096, 2048), 6144);
  EXPECT_FALSE(e.flags.sat);
  EXPECT_EQ(e.op(VfuOp::Add, 30000, 30000), 32767);
  EXPECT_TRUE(e.flags.sat);
  Env e2;
  EXPECT_EQ(e2.op(VfuOp::Sub, -30000, 30000), -32768);
  EXPECT_TRUE(e2.flags.sat);
  Env e3;
  EXPECT_EQ(e3.op(VfuOp::Sub, 100, 300), -200);
  EXPECT_FALSE(e3.flags.sat);
}

TEST(XbarVfu, MulRoundsHalfEven) {
  Env e;  // f = 12
  EXPECT_EQ(e.op(VfuOp::Mul, 8192, 6144), 12288);   // 2.0 * 1.5 = 3.0
  EXPECT_EQ(e.op(VfuOp::Mul, 1, 2048), 0);          // 2048/4096 = 0.5 -> 0
  EXPECT_EQ(e.op(VfuOp::Mul, 3, 2048), 2);          // 1.5 -> 2
  EXPECT_EQ(e.op(VfuOp::Mul, 5, 2048), 2);          // 2.5 -> 2
  EXPECT_EQ(e.op(VfuOp::Mul, -3, 2048), -2);
  EXPECT_EQ(e.op(VfuOp::Mul, -4096, -4096), 4096);  // (-1)(-1) = 1
  EXPECT_FALSE(e.flags.sat);
  EXPECT_EQ(e.op(VfuOp::Mul, -32768, -32768), 32767);  // 64.0 saturates
  EXPECT_TRUE(e.flags.sat);
  Env e0(0);  // f = 0: plain integer product
  EXPECT_EQ(e0.op(VfuOp::Mul, 100, -7), -700);
}

TEST(XbarVfu, DivisionAndDivideByZero) {
  Env e;
  EXPECT_EQ(e.op(VfuOp::Div, 4096, 12288), 1365);   // 1/3
  EXPECT_EQ(e.op(VfuOp::Div, -4096, 12288), -1365);
  EXPECT_EQ(e.op(VfuOp::Div, 4096, 8192), 2048);    // 0.5
  EXPECT_EQ(e.op(VfuOp::Div, 3, 8192), 2);          // 3*4096/8192 = 1.5 -> 2
  EXPECT_EQ(e.op(VfuOp::Div, 5, 8192), 2);          // 2.5 -> 2
  EXPECT_FALSE(e.flags.dz || e.flags.sat);
  EXPECT_EQ(e.op(VfuOp::Div, 32767, 1), 32767);     // 8 / 2^-12 saturates
  EXPECT_TRUE(e.flags.sat);
  Env z;
  EXPECT_EQ(z.op(VfuOp::Div, 5, 0), 32767);
  EXPECT_TRUE(z.flags.dz);
  EXPECT_EQ(z.op(VfuOp::Div, -5, 0), -32768);
  EXPECT_EQ(z.op(VfuOp::Div, 0, 0), 0);
  EXPECT_FALSE(z.flags.sat);  // divide-by-zero results set DZ only
}

TEST(XbarVfu, ShiftsAndBitwise) {
  Env e;
  EXPECT_EQ(e.op(VfuOp::Lsh, 3, 0, 4), 48);
  EXPECT_EQ(e.op(VfuOp::Lsh, -3, 0, 15), -32768);  // -98304 saturates
  EXPECT_TRUE(e.flags.sat);
  Env e2;
  EXPECT_EQ(e2.op(VfuOp::Lsh, 1, 0, 14), 16384);
  EXPECT_EQ(e2.op(VfuOp::Lsh, 1, 0, 15), 32767);
  EXPECT_EQ(e2.op(VfuOp::Rsh, -1, 0, 3), -1);     // floor(-1/8)
  EXPECT_EQ(e2.op(VfuOp::Rsh, -9, 0, 3), -2);     // floor(-9/8), no rounding
  EXPECT_EQ(e2.op(VfuOp::Rsh, 15, 0, 2), 3);
  EXPECT_EQ(e2.op(VfuOp::Rsh, -32768, 0, 15), -1);
  EXPECT_EQ(e2.op(VfuOp::And, 0x0F0F, 0x00FF), 0x000F);
  EXPECT_EQ(e2.op(VfuOp::Or, 0x0F00, 0x00F0), 0x0FF0);
  EXPECT_EQ(e2.op(VfuOp::Xor, -1, 0x00FF), int16_t(0xFF00));
  EXPECT_EQ(e2.op(VfuOp::Not, 0), -1);
  EXPECT_EQ(e2.op(VfuOp::Not, 0x7FFF), -32768);
}

TEST(XbarVfu, MinMaxComparisonsReturnOne) {
  Env e;
  EXPECT_EQ(e.op(VfuOp::Min, -5, 3), -5);
  EXPECT_EQ(e.op(VfuOp::Max, -5, 3), 3);
  const int16_t ONE = 4096;
  EXPECT_EQ(e.op(VfuOp::Eq, 7, 7), ONE);
  EXPECT_EQ(e.op(VfuOp::Eq, 7, 8), 0);
  EXPECT_EQ(e.op(VfuOp::Neq, 7, 8), ONE);
  EXPECT_EQ(e.op(VfuOp::Lt, -1, 0), ONE);
  EXPECT_EQ(e.op(VfuOp::Lt, 0, 0), 0);
  EXPECT_EQ(e.op(VfuOp::Le, 0, 0), ONE);
  EXPECT_EQ(e.op(VfuOp::Gt, 32767, -32768), ONE);
  EXPECT_EQ(e.op(VfuOp::Ge, -32768, 32767), 0);
  EXPECT_EQ(e.op(VfuOp::Relu, -5), 0);
  EXPECT_EQ(e.op(VfuOp::Relu, 5), 5);
  EXPECT_EQ(e.op(VfuOp::Relud, 5), ONE);
  EXPECT_EQ(e.op(VfuOp::Relud, 0), 0);
  Env e14(14);
  EXPECT_EQ(e14.op(VfuOp::Gt, 2, 1), 16384);
  Env e0(0);
  EXPECT_EQ(e0.op(VfuOp::Ge, 2, 1), 1);
  EXPECT_FALSE(e.flags.any());
}

TEST(XbarVfu, RandAndRndcmpFollowTheRng) {
  Env e;
  Rng ref(12345);
  std::vector<int16_t> out(8);
  vfu_apply(VfuOp::Rand, nullptr, nullptr, 0, out.data(), out.size(), e.ctx);
  for (int16_t v : out) {
    uint32_t s = ref.state();
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    ref.set_state(s);
    EXPECT_EQ(v, int16_t(s >> 20));
    EXPECT_GE(v, 0);
    EXPECT_LT(v, 4096);
  }
  // rndcmp: ONE iff a > u, elements in order.
  std::vector<int16_t> a{4096, -1, 2048, 0, 4095, 1};
  std::vector<int16_t> r(a.size());
  Rng ref2 = e.rng;
  vfu_apply(VfuOp::Rndcmp, a.data(), nullptr, 0, r.data(), a.size(), e.ctx);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const int16_t u = ref2.next_raw(12);
    EXPECT_EQ(r[i], a[i] > u ? 4096 : 0) << i;
  }
  EXPECT_EQ(r[0], 4096);  // 1.0 > any u in [0, 1)
  EXPECT_EQ(r[1], 0);
}

TEST(XbarVfu, SubsampleWithStride) {
  Env e;
  std::vector<int16_t> src(40);
  for (int i = 0; i < 40; ++i) src[i] = int16_t(i * 10);
  std::vector<int16_t> out(5);
  vfu_apply(VfuOp::Subs, src.data(), nullptr, 3, out.data(), 5, e.ctx);
  EXPECT_EQ(out, (std::vector<int16_t>{0, 30, 60, 90, 120}));
  EXPECT_THROW(vfu_apply(VfuOp::Subs, src.data(), nullptr, 0, out.data(), 5, e.ctx),
               std::invalid_argument);
  EXPECT_THROW(vfu_apply(VfuOp::Lsh, src.data(), nullptr, 16, out.data(), 5, e.ctx),
               std::invalid_argument);
}

TEST(XbarVfu, SnapshotSemanticsOnOverlap) {
  Env e;
  // out = buf+1, a = buf: add with b = a shifted; memmove-like (sources read first).
  std::vector<int16_t> buf{1, 2, 3, 4, 5, 0};
  vfu_apply(VfuOp::Add, buf.data(), buf.data(), 0, buf.data() + 1, 5, e.ctx);
  EXPECT_EQ(buf, (std::vector<int16_t>{1, 2, 4, 6, 8, 10}));
  // subs in place, reading ahead of the write position
  std::vector<int16_t> s{0, 1, 2, 3, 4, 5, 6, 7, 8};
  vfu_apply(VfuOp::Subs, s.data(), nullptr, 2, s.data(), 5, e.ctx);
  EXPECT_EQ(s, (std::vector<int16_t>{0, 2, 4, 6, 8, 5, 6, 7, 8}));
  // exact aliasing out == a
  std::vector<int16_t> t{1, -2, 3};
  vfu_apply(VfuOp::Relu, t.data(), nullptr, 0, t.data(), 3, e.ctx);
  EXPECT_EQ(t, (std::vector<int16_t>{1, 0, 3}));
}

TEST(XbarVfu, AluiImmediateIsRightOperand) {
  Env e;
  std::vector<int16_t> a{4096, 8192, -4096};
  std::vector<int16_t> out(3);
  vfu_apply_imm(VfuOp::Sub, a.data(), 4096, out.data(), 3, e.ctx);  // a - 1.0
  EXPECT_EQ(out, (std::vector<int16_t>{0, 4096, -8192}));
  vfu_apply_imm(VfuOp::Mul, a.data(), 2048, out.data(), 3, e.ctx);  // a * 0.5
  EXPECT_EQ(out, (std::vector<int16_t>{2048, 4096, -2048}));
  vfu_apply_imm(VfuOp::Div, a.data(), 0, out.data(), 3, e.ctx);
  EXPECT_EQ(out, (std::vector<int16_t>{32767, 32767, -32768}));
  EXPECT_TRUE(e.flags.dz);
  EXPECT_THROW(vfu_apply_imm(VfuOp::Relu, a.data(), 1, out.data(), 3, e.ctx), std::invalid_argument);
  EXPECT_THROW(vfu_apply_imm(VfuOp::Lsh, a.data(), 1, out.data(), 3, e.ctx), std::invalid_argument);
}

TEST(XbarVfu, OpTables) {
  EXPECT_EQ(vfu_arity(VfuOp::Rand), 0u);
  EXPECT_EQ(vfu_arity(VfuOp::Rndcmp), 1u);
  EXPECT_EQ(vfu_arity(VfuOp::Subs), 1u);
  EXPECT_EQ(vfu_arity(VfuOp::Not), 1u);
  EXPECT_EQ(vfu_arity(VfuOp::Ge), 2u);
  unsigned alui = 0;
  for (unsigned c = 0; c < kNumVfuOps; ++c) alui += vfu_alui_allowed(VfuOp(c));
  EXPECT_EQ(alui, 4u + 3u + 8u);  // 0-3, 6-8, 10-17
  EXPECT_FALSE(vfu_op_valid(27));
  EXPECT_STREQ(vfu_name(VfuOp::Rndcmp), "rndcmp");
  EXPECT_STREQ(vfu_name(VfuOp(31)), "?");
  EXPECT_TRUE(vfu_uses_k(VfuOp::Rsh));
  EXPECT_FALSE(vfu_uses_k(VfuOp::Add));
}

TEST(XbarVfu, MissingContextIsAnError) {
  Flags f;
  VfuContext c;
  c.flags = &f;
  int16_t a = 1, o = 0;
  EXPECT_THROW(vfu_apply(VfuOp::Sig, &a, nullptr, 0, &o, 1, c), std::logic_error);
  EXPECT_THROW(vfu_apply(VfuOp::Rand, nullptr, nullptr, 0, &o, 1, c), std::logic_error);
  EXPECT_THROW(vfu_apply(VfuOp(27), &a, &a, 0, &o, 1, c), std::invalid_argument);
}

TEST(XbarVfu, RandomArithmeticAgainstReference) {
  Env e(12);
  std::mt19937 g(5);
  for (int n = 0; n < 100000; ++n) {
    const int a = int16_t(g()), b = int16_t(g() >> (g() % 16));
    EXPECT_EQ(e.op(VfuOp::Add, a, b), xbar_test::ref_sat(int64_t(a) + b));
    EXPECT_EQ(e.op(VfuOp::Mul, a, b), xbar_test::ref_sat(xbar_test::ref_rne(int64_t(a) * b, 12)));
    if (b != 0) {
      // exact rational a*4096/b rounded half-even, via long double check of the remainder
      const int16_t q = e.op(VfuOp::Div, a, b);
      const int64_t num = int64_t(a) * 4096;
      if (q != 32767 && q != -32768) {
        const int64_t err2 = 2 * (num - int64_t(q) * b);
        const int64_t ab = b < 0 ? -b : b;
        ASSERT_LE(err2 < 0 ? -err2 : err2, ab);
        if ((err2 < 0 ? -err2 : err2) == ab) {
          ASSERT_EQ(q % 2, 0);
        }
      }
    }
  }
}
