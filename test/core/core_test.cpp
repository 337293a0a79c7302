// Core model tests: programs written in .pasm, assembled by the project's assembler, run on
// a Tile; results checked against hand-derived values or an independent golden model.
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>

#include "sim_harness.h"
#include "xbar/analog.h"
#include "xbar/crossbar.h"

using pumavp::testing::golden_rne_sat;
using pumavp::testing::Sim;

namespace fabric = pumavp::fabric;

namespace {

// RF word i of core c (default PUMA geometry: RF at 512).
int16_t rf(Sim& s, unsigned c, unsigned i, unsigned t = 0) {
  return s.exec(t, c).operand_space().at(s.exec(t, c).geometry().rf_addr(i));
}

std::string dense_program(const std::vector<int16_t>& w, unsigned X) {
  std::ostringstream p;
  p << ".tensor x in 0 0 " << X << "\n";
  p << ".xbar 0 0 0 rows=" << X << " cols=" << X << "\n";
  for (unsigned i = 0; i < X; ++i) {
    for (unsigned j = 0; j < X; ++j) p << w[i * X + j] << (j + 1 < X ? " " : "\n");
  }
  p << ".end\n"
       ".core 0 0\n"
       "  set rf.0, 0\n"
       "  set rf.1, 1024\n"
       "  load in0.0, rf.0, width=16, vec=8\n"
       "  mvm mask=0b01\n"
       "  alu.relu rf.8, out0.0, vec=128\n"
       "  store rf.1, rf.8, count=1, width=16, vec=8\n"
       "  halt\n";
  return p.str();
}

}  // namespace

TEST(Core, DenseLayerMatchesGolden) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  const unsigned X = s.cfg.xbar.size, f = s.cfg.numerics.frac_bits;
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> wd(-4096, 4095), xd(-4096, 4095);
  std::vector<int16_t> w(X * X), x(X);
  for (auto& v : w) v = static_cast<int16_t>(wd(rng));
  for (auto& v : x) v = static_cast<int16_t>(xd(rng));
  // A few full-scale entries so that some outputs saturate.
  for (unsigned i = 0; i < X; ++i) w[i * X + 5] = 32767;
  for (unsigned i = 0; i < X; ++i) w[i * X + 6] = -32768;
  s.load(dense_program(w, X));
  s.host_write(0, 0, x);
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const auto y = s.host_read(0, 1024, X);
  unsigned positives = 0, saturated = 0, clamped = 0;
  for (unsigned j = 0; j < X; ++j) {
    int64_t acc = 0;
    for (unsigned i = 0; i < X; ++i) acc += int64_t{w[i * X + j]} * x[i];
    // Round to nearest even by hand, to count the words sat16 clamps.
    int64_t q = acc >> f;
    const int64_t rem = acc - (q << f), half = int64_t{1} << (f - 1);
    if (rem > half || (rem == half && (q & 1))) ++q;
    if (q > 32767 || q < -32768) ++clamped;
    int16_t g = golden_rne_sat(acc, f);
    if (g == 32767) ++saturated;
    if (g < 0) g = 0;  // relu
    if (g > 0) ++positives;
    ASSERT_EQ(y[j], g) << "column " << j;
  }
  EXPECT_GT(positives, 10u);  // the data is not trivially zero
  EXPECT_GT(saturated, 0u);
  // Input words were consumed (count 1), outputs now consumed by the host read.
  EXPECT_FALSE(s.tile().memory().state().attr(0).valid);
  EXPECT_FALSE(s.tile().memory().state().attr(1024).valid);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.mvm"), 1u);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.instructions"), 7u);
  // Crossbar counters reach the stats at the end of the run.
  EXPECT_GT(clamped, 0u);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.out_saturations"), clamped);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.adc_conversions"), 0u);  // ideal model
}

// The same layer with the bit-sliced crossbar model (lossless ADC) gives the golden result.
TEST(Core, DenseLayerSlicedModelMatchesGolden) {
  Sim s({"tile.cores=1", "node.tiles=1", "xbar.model=sliced"});
  const unsigned X = s.cfg.xbar.size, f = s.cfg.numerics.frac_bits;
  std::mt19937 rng(777);
  std::uniform_int_distribution<int> d(-32768, 32767);
  std::vector<int16_t> w(X * X), x(X);
  for (auto& v : w) v = static_cast<int16_t>(d(rng) / 16);
  for (auto& v : x) v = static_cast<int16_t>(d(rng));
  s.load(dense_program(w, X));
  s.host_write(0, 0, x);
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const auto y = s.host_read(0, 1024, X);
  for (unsigned j = 0; j < X; ++j) {
    int64_t acc = 0;
    for (unsigned i = 0; i < X; ++i) acc += int64_t{w[i * X + j]} * x[i];
    const int16_t g = golden_rne_sat(acc, f);
    ASSERT_EQ(y[j], g < 0 ? 0 : g) << "column " << j;
  }
  // One MVM: slices (16 / 2-bit cells = 8) x steps (16 / 1-bit DAC = 16) x X conversions,
  // none clipped with the lossless ADC.
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.adc_conversions"), 8u * 16u * X);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.adc_clipped"), 0u);
}

// A 4-bit ADC (lossless needs ceil(log2(128 * 3 * 1 + 1)) = 9) clips column sums; the
// clamps are counted in the stats.
TEST(Core, LossyAdcClipsAreCounted) {
  Sim s({"tile.cores=1", "node.tiles=1", "xbar.model=sliced", "xbar.adc_bits=4"});
  const unsigned X = s.cfg.xbar.size;
  std::vector<int16_t> w(X * X, -1), x(X, -1);  // offset-binary cells and inputs all ones
  s.load(dense_program(w, X));
  s.host_write(0, 0, x);
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  // W + B = 0x7FFF: slices 0..6 hold cells 3, slice 7 holds 1; x + B = 0x7FFF: digits 1 for
  // steps 0..14, 0 for step 15. Column sums: 128 * 3 = 384 > 15 (clipped) for slices 0..6 and
  // 128 * 1 = 128 > 15 for slice 7, in steps 0..14: 8 * 15 * X conversions clip.
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.adc_conversions"), 8u * 16u * X);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.adc_clipped"), 8u * 15u * X);
}

TEST(Core, ProducerConsumerCountTwo) {
  Sim s({"tile.cores=4", "node.tiles=1"});
  s.load(R"(
.core 0 0
  set rf.0, 7
  set rf.1, -3
  set rf.2, 200
  store rf.2, rf.0, count=2, width=2
  halt
.core 0 1
  set rf.2, 200
  load rf.10, rf.2, width=2
  halt
.core 0 2
  set rf.2, 200
  load rf.10, rf.2, width=2
  halt
.core 0 3
  set rf.2, 200
  mvm mask=1          # long instruction: the other two consumers go first
  load rf.10, rf.2, width=2
  halt
)");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  const auto& err = s.mon->error();
  EXPECT_EQ(err.code, 8u) << err.message;  // the fourth load can never complete
  for (unsigned c : {1u, 2u}) {
    EXPECT_EQ(rf(s, c, 10), 7) << "core " << c;
    EXPECT_EQ(rf(s, c, 11), -3) << "core " << c;
    EXPECT_TRUE(s.tile().core(c).halted());
  }
  EXPECT_FALSE(s.tile().memory().state().attr(200).valid);
  EXPECT_FALSE(s.tile().memory().state().attr(201).valid);
  EXPECT_EQ(s.tile().memory().state().data(200), 7);  // data stays, cannot be consumed
  ASSERT_EQ(s.mon->blocked_units().size(), 1u);
  const auto& u = s.mon->blocked_units()[0];
  EXPECT_EQ(u.core, 3u);
  EXPECT_EQ(u.block.reason, fabric::BlockReason::Consume);
  EXPECT_EQ(u.block.addr, 200u);
  EXPECT_FALSE(u.block.attr_valid);
  EXPECT_EQ(u.block.pc, 2u);
  EXPECT_EQ(rf(s, 3, 10), 0);
}

TEST(Core, VectorOpsHandDerived) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  // ONE = 4096 (f = 12). Each case: a, b, op, extra operand text, expected result.
  struct Case {
    const char* op;
    int a, b;
    const char* extra;
    int expect;
  };
  const Case cases[] = {
      {"add", 1000, 2000, "", 3000},      {"add", 30000, 10000, "", 32767},
      {"sub", 1000, 3000, "", -2000},     {"sub", -30000, 10000, "", -32768},
      {"mul", 8192, 6144, "", 12288},     {"mul", 3, 2048, "", 2},  // 1.5 -> tie to even 2
      {"mul", 5, 2048, "", 2},            // 2.5 -> 2
      {"mul", 32767, 8192, "", 32767},    {"div", 12288, 8192, "", 6144},
      {"div", 5, 0, "", 32767},           {"div", -5, 0, "", -32768},
      {"div", 0, 0, "", 0},               {"div", -4096, 3, "", -32768},     {"div", 4096, 12288, "", 1365},
      {"and", 0x0F0F, 0x00FF, "", 0x000F}, {"or", 0x0F00, 0x00F0, "", 0x0FF0},
      {"xor", 0x0FF0, 0x00FF, "", 0x0F0F}, {"min", -5, 3, "", -5},
      {"max", -5, 3, "", 3},              {"eq", 5, 5, "", 4096},
      {"neq", 5, 5, "", 0},               {"lt", -1, 0, "", 4096},
      {"le", 2, 2, "", 4096},             {"gt", 2, 2, "", 0},
      {"ge", -3, -2, "", 0},
  };
  const Case unary[] = {
      {"lsh", 3, 0, "shift=4", 48},   {"lsh", 20000, 0, "shift=1", 32767},
      {"rsh", -7, 0, "shift=1", -4},  {"rsh", 100, 0, "shift=3", 12},
      {"not", 0, 0, "", -1},          {"relu", -5, 0, "", 0},
      {"relu", 7, 0, "", 7},          {"relud", 7, 0, "", 4096},
      {"relud", 0, 0, "", 0},         {"sig", 0, 0, "", 2048},
      {"sig", 4096, 0, "", 2994},     // 4096 / (1 + e^-1) = 2994.42
      {"tanh", 0, 0, "", 0},          {"exp", 0, 0, "", 4096},
      {"exp", 4096, 0, "", 11134},    // 4096 e = 11134.08
      {"exp", 16384, 0, "", 32767},   // e^4 saturates
      {"log", 4096, 0, "", 0},        {"log", 8192, 0, "", 2839},  // 4096 ln 2 = 2839.13
  };
  std::ostringstream p;
  p << ".core 0 0\n";
  unsigned out = 300, k = 0;
  std::vector<std::pair<unsigned, int>> expect;
  for (const Case& c : cases) {
    p << "  set rf." << k << ", " << c.a << "\n  set rf." << k + 1 << ", " << c.b << "\n";
    p << "  alu." << c.op << " rf." << out << ", rf." << k << ", rf." << k + 1 << " " << c.extra
      << "\n";
    expect.push_back({out, c.expect});
    k += 2;
    ++out;
  }
  for (const Case& c : unary) {
    p << "  set rf." << k << ", " << c.a << "\n";
    p << "  alu." << c.op << " rf." << out << ", rf." << k << " " << c.extra << "\n";
    expect.push_back({out, c.expect});
    ++k;
    ++out;
  }
  // subs: stride 2 over 1..6 -> 1, 3, 5
  p << "  set rf.200, 1\n  set rf.201, 2\n  set rf.202, 3\n  set rf.203, 4\n"
       "  set rf.204, 5\n  set rf.205, 6\n  alu.subs rf.210, rf.200, stride=2, vec=3\n";
  // alui: register is the left operand
  p << "  set rf.220, 8192\n  alui.sub rf.221, rf.220, 1.0q\n  alui.mul rf.222, rf.220, 0.25q\n";
  // snapshot semantics: overlapping add (memmove-like)
  p << "  set rf.230, 1\n  set rf.231, 2\n  set rf.232, 3\n"
       "  alu.add rf.231, rf.230, rf.230, vec=2\n";
  // rand / rndcmp
  p << "  alu.rand rf.240, vec=2\n  set rf.245, 4096\n  set rf.246, -1\n"
       "  alu.rndcmp rf.247, rf.245, vec=2\n";
  p << "  halt\n";
  s.load(p.str());
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  for (auto [addr, v] : expect) EXPECT_EQ(rf(s, 0, addr), v) << "rf." << addr;
  EXPECT_EQ(rf(s, 0, 210), 1);
  EXPECT_EQ(rf(s, 0, 211), 3);
  EXPECT_EQ(rf(s, 0, 212), 5);
  EXPECT_EQ(rf(s, 0, 221), 4096);
  EXPECT_EQ(rf(s, 0, 222), 2048);
  EXPECT_EQ(rf(s, 0, 231), 2);  // 1 + 1
  EXPECT_EQ(rf(s, 0, 232), 4);  // old rf.231 (2) + old rf.231 (2)
  // Independent xorshift32 from the seeding rule: g = 0, seed = 1.
  uint32_t st = 1u ^ 0x9E3779B9u;
  auto next = [&] {
    st ^= st << 13;
    st ^= st >> 17;
    st ^= st << 5;
    return static_cast<int>(st >> 20);
  };
  const int u0 = next(), u1 = next();
  EXPECT_EQ(rf(s, 0, 240), u0);
  EXPECT_EQ(rf(s, 0, 241), u1);
  const int u2 = next(), u3 = next();
  EXPECT_EQ(rf(s, 0, 247), 4096 > u2 ? 4096 : 0);
  EXPECT_EQ(rf(s, 0, 248), -1 > u3 ? 4096 : 0);
  // SAT (add/sub/mul saturations, exp), DZ (div by 0), DOM not raised.
  const uint8_t fl = s.exec(0, 0).flags();
  EXPECT_TRUE(fl & pumavp::core::kFlagSat);
  EXPECT_TRUE(fl & pumavp::core::kFlagDz);
  EXPECT_FALSE(fl & pumavp::core::kFlagDom);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.flag_sat"), 1u);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.flag_dz"), 1u);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.flag_dom"), 0u);
}

TEST(Core, ScalarOpsAndBranches) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(R"(
.core 0 0
  set rf.0, 32767
  set rf.1, 1
  aluint.add rf.100, rf.0, rf.1        # wraps to -32768
  set rf.2, 300
  aluint.mul rf.101, rf.2, rf.2        # 90000 mod 65536 = 24464
  set rf.3, 7
  set rf.4, -2
  aluint.div rf.102, rf.3, rf.4        # -3 (toward zero)
  aluint.mod rf.103, rf.3, rf.4        # 1 (sign of a)
  set rf.5, -7
  set rf.6, 2
  aluint.mod rf.104, rf.5, rf.6        # -1
  set rf.7, 0
  aluint.div rf.105, rf.3, rf.7        # -1, DZ
  aluint.mod rf.106, rf.3, rf.7        # 7, DZ
  set rf.8, -32768
  set rf.9, -1
  aluint.div rf.107, rf.8, rf.9        # -32768
  aluint.mod rf.108, rf.8, rf.9        # 0
  aluint.sub rf.109, rf.8, rf.1        # wraps to 32767
  aluint.lt rf.110, rf.4, rf.3         # 1
  aluint.ge rf.111, rf.4, rf.3         # 0
  aluint.eq rf.112, rf.3, rf.3         # 1
  aluint.neq rf.113, rf.3, rf.3        # 0
  aluint.le rf.114, rf.3, rf.3         # 1
  aluint.gt rf.115, rf.3, rf.4         # 1
# branches: rf.3 = 7, rf.4 = -2; taken ones skip a marker write
  brn.eq  rf.3, rf.3, b1
  set rf.150, 1
b1: brn.eq  rf.3, rf.4, b2
  set rf.151, 1
b2: brn.neq rf.3, rf.4, b3
  set rf.152, 1
b3: brn.neq rf.3, rf.3, b4
  set rf.153, 1
b4: brn.lt  rf.4, rf.3, b5
  set rf.154, 1
b5: brn.lt  rf.3, rf.4, b6
  set rf.155, 1
b6: brn.le  rf.3, rf.3, b7
  set rf.156, 1
b7: brn.le  rf.3, rf.4, b8
  set rf.157, 1
b8: brn.gt  rf.3, rf.4, b9
  set rf.158, 1
b9: brn.gt  rf.3, rf.3, b10
  set rf.159, 1
b10: brn.ge rf.3, rf.3, b11
  set rf.160, 1
b11: brn.ge rf.4, rf.3, b12
  set rf.161, 1
b12: jmp b13
  set rf.162, 1
# loop: sum 1..10
b13: set rf.20, 0
  set rf.21, 0
  set rf.22, 10
loop: aluint.add rf.21, rf.21, rf.1
  aluint.add rf.20, rf.20, rf.21
  brn.lt rf.21, rf.22, loop
  halt
)");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const int expect[] = {-32768, 24464, -3, 1, -1, -1, 7, -32768, 0, 32767, 1, 0, 1, 0, 1, 1};
  for (unsigned i = 0; i < std::size(expect); ++i) EXPECT_EQ(rf(s, 0, 100 + i), expect[i]) << i;
  // markers: set only where the branch was not taken
  const int taken[] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
  for (unsigned i = 0; i < std::size(taken); ++i)
    EXPECT_EQ(rf(s, 0, 150 + i), taken[i] ? 0 : 1) << "branch " << i;
  EXPECT_EQ(rf(s, 0, 20), 55);
  EXPECT_TRUE(s.exec(0, 0).flags() & pumavp::core::kFlagDz);
}

// One 128x128 MVM on the puma profile: latency and energy derived here from the profile.
TEST(Core, MvmTimingAndEnergyCalibration) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  const auto& c = s.cfg;
  s.load(".core 0 0\n  mvm mask=0b01\n  halt\n");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const double cyc = 1000.0 / c.clock_mhz;
  const double T = std::ceil(16.0 / c.xbar.dac_bits), S = std::ceil(16.0 / c.xbar.bits_per_cell);
  const double X = c.xbar.size;
  const double t_mvm = (T + 2) * X * c.ns.step_per_row;
  const double overhead = (c.lat.fetch + c.lat.decode + c.lat.nop) * cyc;
  EXPECT_NEAR(s.run_ns() - overhead, t_mvm, 0.01 * t_mvm);
  EXPECT_NEAR(t_mvm, 2304.0, 0.01 * 2304.0);
  const auto e = s.stats.ledger("node.tile0.core0");
  using pumavp::Component;
  const double adc = T * S * X * c.e.mvm_adc * c.profile.adc_bits;
  const double xbar = T * S * c.e.mvm_xbar * (X / 128) * (X / 128);
  const double sna = T * X * (S + 1) * c.e.mvm_sna;
  const double rfe = T * X * c.e.mvm_out + T * c.e.mvm_in;
  const double dac = T * X * c.e.mvm_dac;
  EXPECT_NEAR(e.get(Component::Adc), adc, 0.01 * adc);
  EXPECT_NEAR(e.get(Component::Crossbar), xbar, 0.01 * xbar);
  EXPECT_NEAR(e.get(Component::ShiftAdd), sna, 0.01 * sna);
  EXPECT_NEAR(e.get(Component::Rf), rfe, 0.01 * rfe);
  EXPECT_NEAR(e.get(Component::Dac), dac, 0.01 * dac);
  const double mvm_total = e.total() - e.get(Component::Control);
  EXPECT_NEAR(mvm_total, 43970.0, 0.01 * 43970.0);
  EXPECT_NEAR(e.get(Component::Control), 2 * c.e.core_fetch, 1e-9);
  EXPECT_NEAR(e.get(Component::Adc), 24720.0, 0.01 * 24720.0);
  EXPECT_NEAR(e.get(Component::Crossbar), 18250.0, 0.01 * 18250.0);
}

TEST(Core, MvmBothUnitsSameTimeDoubleEnergy) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".core 0 0\n  mvm mask=0b11\n  halt\n");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done);
  const double overhead = 3.0;
  const pumavp::MvmCost mvm = pumavp::mvm_cost(pumavp::geometry_from_config(s.cfg), s.cfg);
  EXPECT_NEAR(s.run_ns() - overhead, double(mvm.cycles), 1e-6);
  const auto e = s.stats.ledger("node.tile0.core0");
  EXPECT_NEAR(e.total() - e.get(pumavp::Component::Control), 2 * mvm.total_pj(), 1e-6);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.mvm"), 2u);
}

// VFU ops take ceil(vec / lanes) cycles; several kernels run back to back.
TEST(Core, VfuLatencyScalesWithVecOverLanes) {
  Sim s({"tile.cores=1", "node.tiles=1", "core.vfu_lanes=4"});
  for (unsigned n : {1u, 4u, 5u, 64u, 509u}) {
    s.load(".core 0 0\n  alu.add rf.0, rf.0, rf.1, vec=" + std::to_string(n) + "\n  halt\n");
    ASSERT_EQ(s.run(), fabric::RunStatus::Done);
    const double expect = 2 + (n + 3) / 4 + 1;  // fetch+decode, ceil(n/4), halt
    EXPECT_DOUBLE_EQ(s.run_ns(), expect) << "vec " << n;
  }
}

TEST(Core, LoadStoreTiming) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(R"(
.data 0 0 count=1
 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
.end
.core 0 0
  set rf.0, 0
  set rf.1, 100
  load rf.10, rf.0, width=10, vec=2
  store rf.1, rf.10, width=4, vec=5
  halt
)");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  // 2 + 1 + 1 + (2*2 + 1) + (5*2 + 1) + 1
  EXPECT_DOUBLE_EQ(s.run_ns(), 2 + 1 + 1 + 5 + 11 + 1);
  const auto out = s.host_read(0, 100, 20);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(out[i], i + 1);
  const auto e = s.stats.ledger("node.tile0.core0");
  EXPECT_NEAR(e.get(pumavp::Component::Edram), 40 * s.cfg.e.mem_word, 1e-9);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.stall_cycles"), 0u);
}

TEST(CoreErrors, IllegalInstruction) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".core 0 0\n  nop\n  .word 0x000000000000003F\n  halt\n");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  const auto& e = s.mon->error();
  EXPECT_EQ(e.code, 5u) << e.message;
  EXPECT_EQ(e.core, 0u);
  EXPECT_EQ(e.pc, 1u);
  EXPECT_EQ(e.instr, 0x3Fu);
}

TEST(CoreErrors, LoadBeyondSharedMemory) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".core 0 0\n  set rf.0, 0x7FF8\n  load rf.10, rf.0, width=16\n  halt\n");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 6u) << s.mon->error().message;
  EXPECT_EQ(s.mon->error().pc, 1u);
}

TEST(CoreErrors, LoadOfNeverWrittenWordIsDeadlock) {
  Sim s({"tile.cores=2", "node.tiles=1"});
  s.load(".core 0 0\n  set rf.0, 100\n  load rf.10, rf.0\n  halt\n.core 0 1\n  halt\n");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  const auto& e = s.mon->error();
  EXPECT_EQ(e.code, 8u) << e.message;
  ASSERT_EQ(s.mon->blocked_units().size(), 1u);
  EXPECT_EQ(s.mon->blocked_units()[0].block.addr, 100u);
  EXPECT_EQ(s.tile().core_status(0).state, pumavp::core::CoreState::Blocked);
  EXPECT_EQ(s.tile().core_status(0).block_addr, 100u);
}

TEST(CoreErrors, WaitOnHostInputEndsWhenNothingIsLeft) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".tensor x in 0 100 1\n.core 0 0\n  set rf.0, 100\n  load rf.10, rf.0\n  halt\n");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 8u);
  ASSERT_EQ(s.mon->blocked_units().size(), 1u);
  EXPECT_TRUE(s.mon->blocked_units()[0].block.host_input);
}

TEST(CoreErrors, EndOfProgramWithoutHalt) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".core 0 0\n  nop\n  nop\n");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 6u);
  EXPECT_EQ(s.mon->error().pc, 2u);
}

TEST(CoreErrors, FatalDivisionByZero) {
  Sim s({"tile.cores=1", "node.tiles=1", "numerics.fatal_flags=DZ"});
  s.load(".core 0 0\n  set rf.0, 1\n  aluint.div rf.2, rf.0, rf.1\n  halt\n");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 11u);
  EXPECT_EQ(s.mon->error().pc, 1u);
}

TEST(Core, InputShuffleAfterMvm) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(R"(
.core 0 0
  set rf.0, 1
  set rf.1, 2
  set rf.2, 3
  set rf.3, 4
  set rf.4, 5
  set rf.5, 6
  set rf.6, 7
  set rf.7, 8
  copy in0.0, rf.0, vec=8
  mvm mask=1 filter=4 stride=1
  copy rf.20, in0.0, vec=8
  halt
)");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  // new[p] = (p%4 + 1 < 4) ? old[p + 1] : 0
  const int expect[] = {2, 3, 4, 0, 6, 7, 8, 0};
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(rf(s, 0, 20 + i), expect[i]) << i;
}

// PANTHER MCU: MVM, MTVM and OPA in one `mcu`; the OPA update is committed at halt, so the
// next run of the same image sees it. Values hand-derived (fw = 24 for weights).
TEST(CorePanther, MvmMtvmOpaCommitAtHalt) {
  Sim s({"tile.cores=1", "node.tiles=1", "panther.enabled=true"});
  s.load(R"(
.xbar 0 0 0 rows=2 cols=2 format=q
 1.0  2.0
 0.5 -1.0
.end
.core 0 0
  set rf.0, 1.0q
  set rf.1, 2.0q
  set rf.2, 1.0q
  set rf.3, 1.0q
  set rf.4, 1.0q
  set rf.5, 0
  set rf.6, 0.5q
  set rf.7, 0
  copy in0.0, rf.0, vec=2
  copy in0.1.0, rf.2, vec=2
  copy in0.2.0, rf.4, vec=2
  copy out0.2.0, rf.6, vec=2
  mcu u0=mvm+mtvm+opa
  copy rf.10, out0.0, vec=2
  copy rf.12, out0.1.0, vec=2
  halt
)");
  const auto& c = s.cfg;
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  // y = W^T x: [1*1 + 0.5*2, 2*1 - 1*2] = [2.0, 0]; z = W d: [1 + 2, 0.5 - 1] = [3.0, -0.5]
  EXPECT_EQ(rf(s, 0, 10), 8192);
  EXPECT_EQ(rf(s, 0, 11), 0);
  EXPECT_EQ(rf(s, 0, 12), 12288);
  EXPECT_EQ(rf(s, 0, 13), -2048);
  // OPA: W[0][0] += 1.0 * 0.5 (committed at halt), others unchanged.
  EXPECT_EQ(s.exec(0, 0).weight(0, 0, 0), int64_t{3} << 23);
  EXPECT_EQ(s.exec(0, 0).weight(0, 0, 1), int64_t{2} << 24);
  // Variant 2: MVM and MTVM in parallel (one t_mvm); the commit replays one pair (t_opa).
  ASSERT_EQ(c.panther.variant, 2u);
  const double t_mvm = (std::ceil(16.0 / c.xbar.dac_bits) + 2) * c.xbar.size * c.ns.step_per_row;
  const double expect = 2 + 8 + 4 + t_mvm + 2 + (1 + c.ns.opa);
  EXPECT_DOUBLE_EQ(s.run_ns(), expect);
  const auto e = s.stats.ledger("node.tile0.core0");
  const double X = c.xbar.size;
  EXPECT_NEAR(e.get(pumavp::Component::Edram), 2 * (2 * X * c.e.mem_word), 1e-6);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.mvm"), 2u);
  // Second run: the MVM sees the committed weight 1.5: y0 = 1.5 + 0.5*2 = 2.5.
  ASSERT_EQ(s.run(), fabric::RunStatus::Done);
  EXPECT_EQ(rf(s, 0, 10), 10240);
  EXPECT_EQ(s.exec(0, 0).weight(0, 0, 0), int64_t{2} << 24);
}

TEST(CorePanther, CrsTimingAndEnergy) {
  Sim s({"tile.cores=1", "node.tiles=1", "panther.enabled=true"});
  s.load(".core 0 0\n  crs mask=0b11\n  halt\n");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const auto& c = s.cfg;
  EXPECT_DOUBLE_EQ(s.run_ns(), 2 + c.ns.xbar_rd + c.ns.xbar_wr + 1);
  const double n = c.panther.slices.size();
  EXPECT_NEAR(s.stats.ledger("node.tile0.core0").get(pumavp::Component::Crossbar),
              2 * n * (c.e.xbar_rd + c.panther.variant * c.e.xbar_wr), 1e-6);
}

TEST(CorePanther, OpaWithoutPantherIsIllegal) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".core 0 0\n  .word 0x000000000000010B\n  halt\n");  // mcu u0=opa
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 5u) << s.mon->error().message;
  EXPECT_EQ(s.mon->error().pc, 0u);
}

// Two cores storing at the same time share the single memory port: the accesses serialise
// and the loser's extra time shows up as stall cycles (4 accesses x lat.mem_access).
TEST(Core, PortContentionCountsStalls) {
  Sim s({"tile.cores=2", "node.tiles=1", "tile.mem_ports=1"});
  s.load(R"(
.core 0 0
  set rf.0, 0
  store rf.0, rf.8, width=16, vec=4
  halt
.core 0 1
  set rf.0, 64
  store rf.0, rf.8, width=16, vec=4
  halt
)");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const uint64_t stalls = s.stats.counter_value("node.tile0.core0.stall_cycles") +
                          s.stats.counter_value("node.tile0.core1.stall_cycles");
  EXPECT_EQ(stalls, 4u * s.cfg.lat.mem_access);
  // 2 (fetch+decode) + 1 (set) + 8 accesses x 2 + 1 + 1 (halt)
  EXPECT_DOUBLE_EQ(s.run_ns(), 2 + 1 + 8 * s.cfg.lat.mem_access + 1 + 1);
}

// xbar.model: analog in a kernel run: the core's MVMU 0 holds an analog array seeded from
// numerics.rng_seed and its identity (tile 0, core 0, MVMU 0), so a standalone Crossbar
// with that seed, cleared and programmed as the loader does, gives the same outputs; the
// ideal shadow path's error stats and the stuck cells reach the stats.
TEST(Core, AnalogModelRunsOnTheCoreWithShadowStats) {
  const std::vector<std::string> sets = {
      "tile.cores=1", "node.tiles=1", "xbar.model=analog", "numerics.rng_seed=77",
      "analog.prog_noise=normal", "analog.prog_sigma_rel=1e-5", "analog.stuck_set_prob=2e-4",
      "analog.stuck_reset_prob=2e-4", "analog.shadow=true"};
  Sim s(sets);
  const unsigned X = s.cfg.xbar.size, f = s.cfg.numerics.frac_bits;
  std::mt19937 rng(4242);
  std::uniform_int_distribution<int> d(-2048, 2047);
  std::vector<int16_t> w(X * X), x(X);
  for (auto& v : w) v = static_cast<int16_t>(d(rng));
  for (auto& v : x) v = static_cast<int16_t>(d(rng));
  s.load(dense_program(w, X));
  s.host_write(0, 0, x);
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const auto y = s.host_read(0, 1024, X);

  pumavp::xbar::XbarParams p = pumavp::xbar::xbar_params(s.cfg);
  p.analog_seed = pumavp::xbar::array_seed(77, 0, 0, 0);
  pumavp::xbar::Crossbar ref(p);
  ref.clear();
  ref.program(w.data(), X, X);
  std::vector<int16_t> ya(X), yi(X);
  pumavp::xbar::Flags fl;
  ref.mvm(x.data(), ya.data(), fl);
  ref.mvm_ideal(x.data(), yi.data(), fl);
  uint64_t sq = 0, mx = 0, differ = 0;
  for (unsigned j = 0; j < X; ++j) {
    ASSERT_EQ(y[j], ya[j] < 0 ? 0 : ya[j]) << "column " << j;
    int64_t acc = 0;
    for (unsigned i = 0; i < X; ++i) acc += int64_t{w[i * X + j]} * x[i];
    ASSERT_EQ(yi[j], golden_rne_sat(acc, f));
    const uint64_t e = std::abs(int(ya[j]) - int(yi[j]));
    sq += e * e;
    mx = std::max(mx, e);
    differ += e != 0;
  }
  EXPECT_GT(differ, 0u);  // the noise is visible
  const std::string c = "node.tile0.core0.";
  EXPECT_EQ(s.stats.counter_value(c + "analog_shadow_outputs"), X);
  EXPECT_EQ(s.stats.counter_value(c + "analog_err_sq_lsb2"), sq);
  EXPECT_EQ(s.stats.counter_value(c + "analog_err_max_lsb"), mx);
  EXPECT_DOUBLE_EQ(s.stats.values().at(c + "analog_rmse_lsb"), std::sqrt(double(sq) / X));
  const auto* an = ref.analog();
  EXPECT_EQ(s.stats.counter_value(c + "analog_stuck_cells"),
            an->stuck_set_cells() + an->stuck_reset_cells());
  EXPECT_GT(an->stuck_set_cells() + an->stuck_reset_cells(), 0u);
  EXPECT_EQ(s.stats.counter_value(c + "adc_conversions"), 8u * 16u * X);

}

// Without xbar.model: analog the stats have no analog keys (the report is unchanged).
TEST(Core, IdealModelReportsNoAnalogKeys) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  const unsigned X = s.cfg.xbar.size;
  std::vector<int16_t> w(X * X, 7), x(X, 9);
  s.load(dense_program(w, X));
  s.host_write(0, 0, x);
  ASSERT_EQ(s.run(), fabric::RunStatus::Done);
  EXPECT_EQ(s.stats.counter_value("node.tile0.core0.mvm"), 1u);
  for (const auto& [k, v] : s.stats.counters()) EXPECT_EQ(k.find("analog_"), std::string::npos) << k;
  for (const auto& [k, v] : s.stats.values()) EXPECT_EQ(k.find("analog_"), std::string::npos) << k;
}

// Every array draws from its own stream, seeded by its identity alone: two cores run the
// same layer on MVMU 0 (core 1 also programs and uses MVMU 1); each output equals a
// standalone Crossbar seeded with array_seed(rng_seed, tile, core, 0), and the two differ.
TEST(Core, AnalogStreamsArePerArray) {
  Sim s({"tile.cores=2", "node.tiles=1", "xbar.model=analog", "analog.prog_noise=normal",
         "analog.prog_sigma_rel=1e-5", "analog.stuck_reset_prob=5e-4", "numerics.rng_seed=5"});
  const unsigned X = s.cfg.xbar.size;
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> d(-1024, 1023);
  std::vector<int16_t> w(X * X), x(X);
  for (auto& v : w) v = static_cast<int16_t>(d(rng));
  for (auto& v : x) v = static_cast<int16_t>(d(rng));
  std::ostringstream p;
  p << ".tensor x0 in 0 0 " << X << "\n.tensor x1 in 0 256 " << X << "\n.tensor x2 in 0 512 " << X
    << "\n";
  for (unsigned c = 0; c < 2; ++c)
    for (unsigned m = 0; m <= c; ++m) {
      p << ".xbar 0 " << c << " " << m << " rows=" << X << " cols=" << X << "\n";
      for (unsigned i = 0; i < X; ++i)
        for (unsigned j = 0; j < X; ++j) p << w[i * X + j] << (j + 1 < X ? " " : "\n");
      p << ".end\n";
    }
  for (unsigned c = 0; c < 2; ++c) {
    p << ".core 0 " << c << "\n  set rf.0, " << 256 * c << "\n  set rf.1, " << 1024 + 256 * c
      << "\n  load in0.0, rf.0, width=16, vec=8\n";
    if (c) p << "  set rf.2, 512\n  load in1.0, rf.2, width=16, vec=8\n  mvm mask=0b11\n";
    else p << "  mvm mask=0b01\n";
    p << "  alu.relu rf.8, out0.0, vec=128\n  store rf.1, rf.8, count=1, width=16, vec=8\n  halt\n";
  }
  s.load(p.str());
  s.host_write(0, 0, x);
  s.host_write(0, 256, x);
  s.host_write(0, 512, x);
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  std::vector<std::vector<int16_t>> got;
  for (unsigned c = 0; c < 2; ++c) {
    const auto y = s.host_read(0, 1024 + 256 * c, X);
    pumavp::xbar::XbarParams xp = pumavp::xbar::xbar_params(s.cfg);
    xp.analog_seed = pumavp::xbar::array_seed(5, 0, c, 0);
    pumavp::xbar::Crossbar ref(xp);
    ref.clear();
    ref.program(w.data(), X, X);
    std::vector<int16_t> ya(X);
    pumavp::xbar::Flags fl;
    ref.mvm(x.data(), ya.data(), fl);
    for (unsigned j = 0; j < X; ++j) ASSERT_EQ(y[j], ya[j] < 0 ? 0 : ya[j]) << "core " << c << " column " << j;
    got.push_back(y);
  }
  EXPECT_NE(got[0], got[1]);
}
