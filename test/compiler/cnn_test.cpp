// The graph back end on convolutional networks: compiled, run on the functional interpreter
// under several schedules, and compared with the independent CPU reference of the quantised
// graph bit for bit (graph_reference.h) and with the float graph within a bound — strides 1 and 2, padding (attribute and a
// folded Pad), dilation, pools, a residual Add, channel counts that are and are not multiples
// of the crossbar, layers with several row and column blocks, several copies per layer.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cnn_build.h"
#include "common/config.h"
#include "compiler/compiler.h"
#include "compiler/graph.h"
#include "compiler/passes.h"
#include "graph_reference.h"
#include "interp.h"
#include "ref_numerics.h"
#include "test_util.h"

using namespace pumavp;
using namespace pumavp::compiler;
using namespace pumavp::compiler_test;

namespace {

// A small target: X = 32 so that row and column blocking and copies show on small maps.
PlatformConfig cnn_config(unsigned xbar = 32, unsigned tiles = 16, std::vector<std::string> more = {}) {
  std::vector<std::string> sets = {"xbar.size=" + std::to_string(xbar), "node.tiles=" + std::to_string(tiles),
                                   "noc.concentration=4"};
  sets.insert(sets.end(), more.begin(), more.end());
  return small_config(sets);
}

std::vector<int16_t> random_words(size_t n, uint64_t seed, double scale) {
  std::vector<int16_t> v(n);
  uint64_t st = seed;
  for (auto& x : v) x = int16_t(std::lround(cnn_uniform(st, scale) * 4096));
  return v;
}

struct Case {
  std::string name;
  CnnSpec spec;
};

}  // namespace

namespace {

struct Ran {
  std::vector<int16_t> out;
  std::vector<int16_t> ref;  // the CPU reference of the quantised graph
  std::vector<double> want;  // float
  Compiled c;
};

Ran compile_and_run(const CnnSpec& sp, const PlatformConfig& cfg, uint64_t seed, uint64_t sched = 1) {
  unsigned oc, oh, ow;
  const std::string bytes = build_cnn(sp, seed, oc, oh, ow);
  Ran r;
  const Target t = target_from_config(cfg);
  r.c = compile_onnx(bytes, "cnn.onnx", t);
  const Geometry plat = geometry_from_config(cfg);
  const isa::LoadError le = isa::validate_for_platform(r.c.image, plat);
  EXPECT_FALSE(le) << le.message;
  const std::vector<int16_t> x = random_words(size_t(sp.c) * sp.h * sp.w, seed * 7 + 1, 1.0);
  InterpOptions io;
  io.fifo_depth = t.fifo_depth;
  io.sched_seed = sched;
  const InterpResult ir = interpret(r.c.image, plat, {{"x", x}}, io);
  EXPECT_TRUE(ir.ok) << ir.error;
  if (!ir.ok) return r;
  EXPECT_EQ(ir.leftover_valid, r.c.overcounted_words) << "words left valid: a consumer count too high";
  r.out = ir.outputs.begin()->second;
  graph::Graph g = graph::import_onnx(bytes, "cnn.onnx");
  graph::prepare(g);
  const RefParams rp = ref_params(cfg);
  r.ref = reference_graph(g, rp, {{"x", x}}).begin()->second;
  EXPECT_EQ(r.out, r.ref) << "the kernel differs from the CPU reference of the quantised graph";
  std::vector<double> xf(x.size());
  for (size_t i = 0; i < x.size(); ++i) xf[i] = x[i] / 4096.0;
  r.want = float_graph(g, {{"x", xf}}).begin()->second;
  EXPECT_EQ(r.out.size(), r.want.size());
  double e = 0, mx = 0;
  for (size_t i = 0; i < r.out.size() && i < r.want.size(); ++i)
    e = std::max(e, std::fabs(r.out[i] / 4096.0 - r.want[i])), mx = std::max(mx, std::fabs(r.want[i]));
  std::cout << "outputs " << r.out.size() << ", max |float| " << mx << ", max error " << e << "\n";
  return r;
}

double max_err(const Ran& r) {
  double e = 0;
  for (size_t i = 0; i < r.out.size() && i < r.want.size(); ++i) e = std::max(e, std::fabs(r.out[i] / 4096.0 - r.want[i]));
  return e;
}

using L = CnnLayer;

TEST(CnnBackend, SingleConvMatchesFloat) {
  CnnSpec sp;
  sp.c = 1, sp.h = 6, sp.w = 6;
  sp.layers = {{L::Conv, 4, 3, 1, 1}};
  const Ran r = compile_and_run(sp, cnn_config(), 1);
  EXPECT_LT(max_err(r), 0.01) << r.c.report;
}

TEST(CnnBackend, ConvChainsPoolsAndGemm) {
  CnnSpec sp;
  sp.c = 3, sp.h = 8, sp.w = 8;
  sp.layers = {{L::Conv, 8, 3, 1, 1}, {L::Relu}, {L::MaxPool, 0, 2, 2}, {L::Conv, 40, 3, 1, 1}, {L::Relu},
               {L::AvgPool, 0, 2, 2}, {L::Gemm, 10}};
  const Ran r = compile_and_run(sp, cnn_config(), 2);
  EXPECT_LT(max_err(r), 0.02) << r.c.report;
}

TEST(CnnBackend, StridesDilationPaddingResidual) {
  CnnSpec sp;
  sp.c = 2, sp.h = 9, sp.w = 9;
  sp.layers = {{L::Conv, 5, 3, 2, 1}, {L::Leaky}, {L::Residual, 0, 3}, {L::Conv, 6, 3, 1, 2, 2},
               {L::Tanh}, {L::PadConv, 4, 3, 1, 1}, {L::Sigmoid}, {L::MaxPool, 0, 3, 1, 1}, {L::AvgPool, 0, 3, 2, 1, 1, true, true},
               {L::GlobalAvg}};
  const Ran r = compile_and_run(sp, cnn_config(), 3);
  EXPECT_LT(max_err(r), 0.02) << r.c.report;
}


// Instruction memories too small for one copy: the compiler splits the output pixels over
// copies (each with its own weights) until every program fits; same numbers.
TEST(CnnBackend, CopiesWhenProgramsDoNotFit) {
  CnnSpec sp;
  sp.c = 2, sp.h = 10, sp.w = 10;
  sp.layers = {{L::Conv, 6, 3, 1, 1}, {L::Relu}, {L::MaxPool, 0, 2, 2}, {L::Conv, 8, 3, 1, 0}, {L::Gemm, 5}};
  const Ran big = compile_and_run(sp, cnn_config(), 4);
  const Ran small = compile_and_run(sp, cnn_config(32, 16, {"core.imem_words=128"}), 4);
  EXPECT_EQ(big.out, small.out);
  EXPECT_GT(small.c.crossbars_used, big.c.crossbars_used) << small.c.report;
  EXPECT_LT(max_err(small), 0.01);
}

// A multi-channel graph input read by a pool and an elementwise operator directly (CHW words,
// gathered per pixel), constants per channel, and several interleavings.
TEST(CnnBackend, InputLayoutAndSchedules) {
  CnnSpec sp;
  sp.c = 3, sp.h = 7, sp.w = 5;
  sp.layers = {{L::MaxPool, 0, 2, 1}, {L::Conv, 33, 3, 1, 1}, {L::Relu}, {L::Conv, 4, 1, 1, 0}};
  Ran first;
  for (uint64_t sched = 1; sched <= 3; ++sched) {
    const Ran r = compile_and_run(sp, cnn_config(), 5, sched);
    EXPECT_LT(max_err(r), 0.01) << r.c.report;
    if (sched == 1) first = r;
    else EXPECT_EQ(r.out, first.out);
  }
}


// Random networks: every operator the back end maps, random shapes, strides 1 and 2, padding,
// dilation, channel counts on both sides of the crossbar size (X = 32), copies (a small
// instruction memory on odd cases), bit for bit against the reference.
TEST(CnnBackend, RandomNetworksBitExact) {
  int ran = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    TestRng rng(seed);
    CnnSpec sp;
    sp.c = 1 + rng.below(5);
    sp.h = 5 + rng.below(6);
    sp.w = 5 + rng.below(6);
    unsigned c = sp.c, h = sp.h, w = sp.w;
    const unsigned n = 2 + rng.below(4);
    for (unsigned i = 0; i < n; ++i) {
      const unsigned kind = rng.below(10);
      CnnLayer L{L::Conv};
      if (kind <= 3) {
        L.kind = rng.below(4) == 0 ? L::PadConv : L::Conv;
        L.cout = 1 + rng.below(40);
        L.k = 1 + rng.below(3);
        L.stride = 1 + rng.below(2);
        L.pad = rng.below(L.k / 2 + 1);
        L.dil = L.kind == L::Conv && rng.below(4) == 0 ? 2 : 1;
        L.bias = rng.below(3) != 0;
        const unsigned span = L.dil * (L.k - 1) + 1;
        if (h + 2 * L.pad < span || w + 2 * L.pad < span) continue;
        h = (h + 2 * L.pad - span) / L.stride + 1, w = (w + 2 * L.pad - span) / L.stride + 1, c = L.cout;
      } else if (kind <= 5) {
        L.kind = kind == 4 ? L::MaxPool : L::AvgPool;
        L.k = 2 + rng.below(2);
        L.stride = 1 + rng.below(2);
        L.pad = rng.below(2) && L.k == 3 ? 1 : 0;
        L.count_include_pad = rng.below(2);
        if (h + 2 * L.pad < L.k || w + 2 * L.pad < L.k) continue;
        h = (h + 2 * L.pad - L.k) / L.stride + 1, w = (w + 2 * L.pad - L.k) / L.stride + 1;
      } else if (kind <= 7) {
        const CnnLayer::Kind acts[] = {L::Relu, L::Sigmoid, L::Tanh, L::Leaky};
        L.kind = acts[rng.below(4)];
      } else if (kind == 8) {
        if (c * 9 > 16 * 32) continue;  // the residual conv's copy must fit a tile
        L.kind = L::Residual;
        L.k = 3;
      } else {
        continue;
      }
      sp.layers.push_back(L);
    }
    if (sp.layers.empty()) continue;
    if (rng.below(2)) sp.layers.push_back({L::Gemm, 1 + rng.below(12)});
    const bool copies = seed % 3 == 0;
    const PlatformConfig cfg = copies ? cnn_config(32, 16, {"core.imem_words=192", "tile.fifo_depth=1"}) : cnn_config();
    SCOPED_TRACE("seed " + std::to_string(seed));
    try {
      const Ran r = compile_and_run(sp, cfg, seed, seed);
      if (r.out.empty()) continue;
      ++ran;
    } catch (const CompileError& e) {
      // only the documented limits may refuse a random network
      const std::string m = e.what();
      EXPECT_TRUE(m.find("a copy must fit") != std::string::npos || m.find("does not fit") != std::string::npos ||
                  m.find("instruction memory") != std::string::npos)
          << m;
    }
  }
  EXPECT_GE(ran, 30);
}


// Flatten, then an activation, then Gemm: the Gemm still sees the map (the Conv partition of a
// kernel covering it; the semantics section), and the reference agrees.
TEST(CnnBackend, ActivationBetweenFlattenAndGemm) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto& g = *m.mutable_graph();
  uint64_t st = 77;
  std::vector<double> w(size_t(5) * 3 * 6 * 6), b(5);
  for (auto& v : w) v = cnn_uniform(st, 0.3);
  for (auto& v : b) v = cnn_uniform(st, 0.2);
  add_init(g, "W", {5, 108}, w);
  add_init(g, "B", {5}, b);
  add_node(g, "Flatten", "flat", {"x"}, "f");
  add_node(g, "Sigmoid", "sig", {"f"}, "s");
  set_int_attr(add_node(g, "Gemm", "fc", {"s", "W", "B"}, "y"), "transB", 1);
  set_io_shape(g, "x", {1, 3, 6, 6}, "y");
  const std::string bytes = serialize(m);
  const PlatformConfig cfg = cnn_config();
  const Target t = target_from_config(cfg);
  const Compiled c = compile_onnx(bytes, "fsg.onnx", t);
  const std::vector<int16_t> x = random_words(108, 9, 2.0);
  const InterpResult ir = interpret(c.image, geometry_from_config(cfg), {{"x", x}}, {});
  ASSERT_TRUE(ir.ok) << ir.error;
  graph::Graph gr = graph::import_onnx(bytes, "fsg.onnx");
  graph::prepare(gr);
  RefParams rp;
  rp.xbar_size = 32;
  EXPECT_EQ(ir.outputs.at("y"), reference_graph(gr, rp, {{"x", x}}).at("y"));
  // 3 channels of 36 pixels: G = 0 whole channels per 32-row block, so kernel-row blocks
  ASSERT_FALSE(c.blocks.empty());
}

}  // namespace
