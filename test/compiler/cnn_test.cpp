// The graph back end on random convolutional networks: compiled, run on the functional
// interpreter under several schedules, and compared with the independent CPU reference of the
// quantised graph bit for bit (graph_reference.h) — strides 1 and 2, padding (attribute and a
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

// Float evaluation of the built graph (ONNX semantics, CHW), for the error-bound property.
struct FMap {
  unsigned c = 0, h = 1, w = 1;
  std::vector<double> v;
  double& at(unsigned ci, unsigned y, unsigned x) { return v[(size_t(ci) * h + y) * w + x]; }
};

std::vector<double> float_eval(const graph::Graph& g, const std::vector<double>& x, unsigned c, unsigned h, unsigned w) {
  std::map<std::string, FMap> t;
  t[g.inputs[0]] = FMap{c, h, w, x};
  for (const graph::Node& n : g.nodes) {
    FMap& a = t[n.inputs[0]];
    FMap o;
    if (n.op == "Conv") {
      const auto& W = g.constant(n.inputs[1]);
      const unsigned co = unsigned(W.dims[0]), k = unsigned(W.dims[2]);
      const auto s = n.attr_ints("strides", {1, 1});
      const auto p = n.attr_ints("pads", {0, 0, 0, 0});
      const auto d = n.attr_ints("dilations", {1, 1});
      o.c = co;
      o.h = unsigned((a.h + p[0] + p[2] - d[0] * (k - 1) - 1) / s[0] + 1);
      o.w = unsigned((a.w + p[1] + p[3] - d[1] * (k - 1) - 1) / s[1] + 1);
      o.v.assign(size_t(o.c) * o.h * o.w, 0);
      for (unsigned oc = 0; oc < co; ++oc)
        for (unsigned y = 0; y < o.h; ++y)
          for (unsigned xx = 0; xx < o.w; ++xx) {
            double acc = n.inputs.size() > 2 ? g.constant(n.inputs[2]).v[oc] : 0;
            for (unsigned ic = 0; ic < a.c; ++ic)
              for (unsigned ky = 0; ky < k; ++ky)
                for (unsigned kx = 0; kx < k; ++kx) {
                  const int yi = int(y * s[0] + ky * d[0]) - int(p[0]), xi = int(xx * s[1] + kx * d[1]) - int(p[1]);
                  if (yi < 0 || xi < 0 || yi >= int(a.h) || xi >= int(a.w)) continue;
                  acc += W.v[((size_t(oc) * a.c + ic) * k + ky) * k + kx] * a.at(ic, unsigned(yi), unsigned(xi));
                }
            o.at(oc, y, xx) = acc;
          }
    } else if (n.op == "Relu" || n.op == "Sigmoid" || n.op == "Tanh" || n.op == "LeakyRelu") {
      o = a;
      for (auto& v : o.v)
        v = n.op == "Relu" ? std::max(v, 0.0) : n.op == "Sigmoid" ? 1 / (1 + std::exp(-v)) : n.op == "Tanh" ? std::tanh(v)
                                                                                            : (v < 0 ? 0.125 * v : v);
    } else if (n.op == "MaxPool" || n.op == "AveragePool" || n.op == "GlobalAveragePool") {
      const bool glob = n.op == "GlobalAveragePool";
      const auto ks = glob ? std::vector<int64_t>{a.h, a.w} : n.attr_ints("kernel_shape", {});
      const auto s = glob ? std::vector<int64_t>{1, 1} : n.attr_ints("strides", {1, 1});
      const auto p = glob ? std::vector<int64_t>{0, 0, 0, 0} : n.attr_ints("pads", {0, 0, 0, 0});
      const bool cip = n.attr_int("count_include_pad", 0) != 0;
      o.c = a.c;
      o.h = unsigned((a.h + p[0] + p[2] - ks[0]) / s[0] + 1);
      o.w = unsigned((a.w + p[1] + p[3] - ks[1]) / s[1] + 1);
      o.v.assign(size_t(o.c) * o.h * o.w, 0);
      for (unsigned ci = 0; ci < a.c; ++ci)
        for (unsigned y = 0; y < o.h; ++y)
          for (unsigned xx = 0; xx < o.w; ++xx) {
            double m = -1e300, sum = 0;
            unsigned cnt = 0;
            for (int ky = 0; ky < ks[0]; ++ky)
              for (int kx = 0; kx < ks[1]; ++kx) {
                const int yi = int(y * s[0] + ky) - int(p[0]), xi = int(xx * s[1] + kx) - int(p[1]);
                if (yi < 0 || xi < 0 || yi >= int(a.h) || xi >= int(a.w)) continue;
                m = std::max(m, a.at(ci, unsigned(yi), unsigned(xi)));
                sum += a.at(ci, unsigned(yi), unsigned(xi));
                ++cnt;
              }
            o.at(ci, y, xx) = n.op == "MaxPool" ? m : sum / (cip ? double(ks[0] * ks[1]) : double(cnt));
          }
    } else if (n.op == "Pad") {
      const auto& pads = g.constant(n.inputs[1]).v;
      const unsigned pt = unsigned(pads[2]), pl = unsigned(pads[3]);
      o.c = a.c;
      o.h = a.h + pt + unsigned(pads[6]);
      o.w = a.w + pl + unsigned(pads[7]);
      o.v.assign(size_t(o.c) * o.h * o.w, 0);
      for (unsigned ci = 0; ci < a.c; ++ci)
        for (unsigned y = 0; y < a.h; ++y)
          for (unsigned xx = 0; xx < a.w; ++xx) o.at(ci, y + pt, xx + pl) = a.at(ci, y, xx);
    } else if (n.op == "Add") {
      o = a;
      const FMap& b = t[n.inputs[1]];
      for (size_t i = 0; i < o.v.size(); ++i) o.v[i] += b.v[i];
    } else if (n.op == "Flatten") {
      o = a;
      o.c = unsigned(a.v.size());
      o.h = o.w = 1;
    } else if (n.op == "Gemm") {
      const auto& W = g.constant(n.inputs[1]);
      const auto& B = g.constant(n.inputs[2]);
      o.c = unsigned(W.dims[0]);
      o.v.assign(o.c, 0);
      for (unsigned j = 0; j < o.c; ++j) {
        double acc = B.v[j];
        for (size_t i = 0; i < a.v.size(); ++i) acc += W.v[j * a.v.size() + i] * a.v[i];
        o.v[j] = acc;
      }
    } else {
      ADD_FAILURE() << "float_eval: " << n.op;
    }
    t[n.outputs[0]] = o;
  }
  return t[g.outputs[0]].v;
}

struct Ran {
  std::vector<int16_t> out;
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
  std::vector<double> xf(x.size());
  for (size_t i = 0; i < x.size(); ++i) xf[i] = x[i] / 4096.0;
  r.want = float_eval(g, xf, sp.c, sp.h, sp.w);
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

}  // namespace
