#include "xbar/lut.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "xbar/vfu.h"

using namespace pumavp::xbar;

namespace {

// Independent expectation: the §2.4 formula evaluated directly with the C library.
int16_t expected_entry(LutFn fn, int32_t x_rep, unsigned f, bool* sat) {
  *sat = false;
  const double one = std::ldexp(1.0, int(f));
  const double x = x_rep / one;
  double F = 0;
  switch (fn) {
    case LutFn::Sig: F = 1.0 / (1.0 + std::exp(-x)); break;
    case LutFn::Tanh: F = std::tanh(x); break;
    case LutFn::Exp: F = std::exp(x); break;
    case LutFn::Log:
      if (x_rep <= 0) return -32768;
      F = std::log(x);
      break;
  }
  const double v = std::nearbyint(F * one);
  if (v > 32767) { *sat = true; return 32767; }
  if (v < -32768) { *sat = true; return -32768; }
  return static_cast<int16_t>(v);
}

void check_all(unsigned f, unsigned L) {
  LutSet s(f, L);
  ASSERT_EQ(s.size(), std::size_t{1} << L);
  const unsigned sh = 16 - L;
  for (unsigned t = 0; t < kNumLutFns; ++t) {
    const LutFn fn = LutFn(t);
    for (std::size_t idx = 0; idx < s.size(); ++idx) {
      const int32_t x_rep = int32_t(idx << sh) - 32768 + (sh ? (1 << (sh - 1)) : 0);
      bool sat;
      const int16_t e = expected_entry(fn, x_rep, f, &sat);
      ASSERT_EQ(s.entry(fn, idx), e) << "fn " << t << " f " << f << " L " << L << " idx " << idx;
      ASSERT_EQ(s.entry_saturated(fn, idx), sat) << "fn " << t << " idx " << idx;
    }
  }
}

int16_t lut(VfuOp op, int16_t a, const LutSet& s, Flags& fl) {
  VfuContext c;
  c.frac_bits = s.frac_bits();
  c.luts = &s;
  c.flags = &fl;
  int16_t out;
  vfu_apply(op, &a, nullptr, 0, &out, 1, c);
  return out;
}

}  // namespace

TEST(XbarLut, EveryEntryF12L16) { check_all(12, 16); }
TEST(XbarLut, EveryEntryOtherGeometries) {
  check_all(12, 8);
  check_all(12, 11);
  check_all(0, 10);
  check_all(14, 12);
  check_all(8, 16);
}

TEST(XbarLut, HandValuesAndFlags) {
  LutSet s(12, 16);
  Flags f;
  EXPECT_EQ(lut(VfuOp::Sig, 0, s, f), 2048);      // 0.5
  EXPECT_EQ(lut(VfuOp::Tanh, 0, s, f), 0);
  EXPECT_EQ(lut(VfuOp::Exp, 0, s, f), 4096);      // 1.0
  EXPECT_EQ(lut(VfuOp::Log, 4096, s, f), 0);      // ln 1
  EXPECT_EQ(lut(VfuOp::Log, 8192, s, f), 2839);   // ln 2 * 4096 = 2839.13
  EXPECT_EQ(lut(VfuOp::Exp, -32768, s, f), 1);    // e^-8 * 4096 = 1.37
  EXPECT_EQ(lut(VfuOp::Tanh, 32767, s, f), 4096); // tanh(8) rounds to 1.0
  EXPECT_FALSE(f.any());
  EXPECT_EQ(lut(VfuOp::Exp, 8520, s, f), 32767);  // e^2.080 = 8.004 > 8 - 2^-12
  EXPECT_TRUE(f.sat);
  Flags g;
  EXPECT_EQ(lut(VfuOp::Exp, 8510, s, g), 32709);  // e^2.07764 * 4096 = 32708.9
  EXPECT_EQ(lut(VfuOp::Log, 0, s, g), -32768);
  EXPECT_TRUE(g.dom);
  EXPECT_FALSE(g.sat);  // the domain entry is not a saturation
  Flags h;
  EXPECT_EQ(lut(VfuOp::Log, -100, s, h), -32768);
  EXPECT_TRUE(h.dom);
  Flags k;
  EXPECT_EQ(lut(VfuOp::Log, 1, s, k), -32768);   // ln(2^-12) = -8.32 saturates
  EXPECT_TRUE(k.sat);
  EXPECT_FALSE(k.dom);
}

TEST(XbarLut, ReducedIndexUsesBucketMidpoint) {
  LutSet s(12, 8);  // s = 8: buckets of 256 inputs
  EXPECT_EQ(s.index(-32768), 0u);
  EXPECT_EQ(s.index(0), 128u);
  EXPECT_EQ(s.index(255), 128u);
  EXPECT_EQ(s.index(256), 129u);
  EXPECT_EQ(s.representative(128), 128);
  Flags f;
  // sig(128/4096) = 0.5078118 -> 2079.999 -> 2080 for every input of the bucket [0, 256)
  EXPECT_EQ(lut(VfuOp::Sig, 0, s, f), 2080);
  EXPECT_EQ(lut(VfuOp::Sig, 255, s, f), 2080);
  // log of 0 with L < 16: DOM from the input, entry from the bucket midpoint ln(128/4096)
  Flags g;
  EXPECT_EQ(lut(VfuOp::Log, 0, s, g), -14196);   // ln(1/32) * 4096 = -14195.7
  EXPECT_TRUE(g.dom);
}

TEST(XbarLut, CacheSharesOneSetPerGeometry) {
  LutCache c;
  auto a = c.get(12, 10);
  auto b = c.get(12, 10);
  auto d = c.get(11, 10);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), d.get());
  EXPECT_THROW(c.get(15, 10), std::invalid_argument);
  EXPECT_THROW(LutSet(12, 7), std::invalid_argument);
}

// isa.md §2.4: a numpy transcription reproduces every entry at f = 12 (L = 16).
TEST(XbarLut, NumpyTranscriptionF12) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3 with numpy not available";
  LutSet s(12, 16);
  const std::string dir = PUMAVP_BINARY_DIR;
  const std::string bin = dir + "/xbar_lut_f12.bin";
  const std::string py = dir + "/xbar_lut_check.py";
  {
    std::ofstream o(bin, std::ios::binary);
    for (unsigned t = 0; t < kNumLutFns; ++t)
      o.write(reinterpret_cast<const char*>(s.table(LutFn(t)).data()), 2 * 65536);
  }
  {
    std::ofstream o(py);
    o << "import sys\nimport numpy as np\n"
         "got = np.fromfile(sys.argv[1], dtype='<i2').reshape(4, 65536)\n"
         "a = np.arange(-32768, 32768, dtype=np.int64)\n"
         "x = a / 4096.0\n"
         "with np.errstate(all='ignore'):\n"
         "    sig = 1.0 / (1.0 + np.exp(-x))\n"
         "    th = np.tanh(x)\n"
         "    ex = np.exp(x)\n"
         "    lg = np.log(np.where(a > 0, x, 1.0))\n"
         "def q(F):\n"
         "    return np.clip(np.rint(F * 4096.0), -32768, 32767).astype(np.int64)\n"
         "want = [q(sig), q(th), q(ex), np.where(a > 0, q(lg), -32768)]\n"
         "bad = sum(int(np.count_nonzero(want[t] != got[t])) for t in range(4))\n"
         "print('mismatches', bad)\n"
         "sys.exit(1 if bad else 0)\n";
  }
  const std::string cmd = "/usr/bin/python3 " + py + " " + bin;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::remove(bin.c_str());
  std::remove(py.c_str());
}
