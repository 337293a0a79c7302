// Compiled models on the SystemC node (the real NoC with back-pressure, FIFOs of the configured
// depth and one ejection port per tile) against the independent CPU reference, bit for bit:
// the dissertation's MLP-L4 and MLP-L5 (Table 3.7) on configs/puma-node.yaml and smaller
// models whose reductions and input distribution cross many tiles.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "common/config.h"
#include "common/stats.h"
#include "compiler/compiler.h"
#include "node/node.h"
#include "cnn_build.h"
#include "compiler/graph.h"
#include "compiler/passes.h"
#include "graph_reference.h"
#include "interp.h"
#include "reference.h"
#include "test_util.h"

using namespace pumavp;
using namespace pumavp::compiler;
using namespace pumavp::compiler_test;

namespace {

struct NodeRun {
  std::vector<int16_t> out;
  uint64_t cycles = 0;
};

// Compile `m` for `cfg`, run it on a fresh node with input `x`, return the output tensor.
NodeRun run_image(const Compiled& c, const PlatformConfig& cfg, const std::vector<int16_t>& x) {
  Stats stats;
  auto node = std::make_unique<node::Node>("node", cfg, stats);
  const node::LoadResult lr = node->load(c.image);
  EXPECT_TRUE(lr.ok()) << lr.message;
  NodeRun r;
  if (!lr.ok()) return r;
  const isa::Tensor* out = nullptr;
  for (const auto& t : c.image.tensors) {
    if (t.dir == isa::TensorDir::In) {
      EXPECT_EQ(t.len, x.size());
      EXPECT_TRUE(node->host_write(t.tile, t.addr, x, t.count));
    } else {
      out = &t;
    }
  }
  EXPECT_NE(out, nullptr);
  if (!out) return r;
  const fabric::RunStatus s = node->run_standalone(sc_core::sc_time(100, sc_core::SC_MS));
  EXPECT_EQ(s, fabric::RunStatus::Done) << node->report();
  if (s != fabric::RunStatus::Done) return r;
  EXPECT_TRUE(node->host_read(out->tile, out->addr, out->len, r.out));
  EXPECT_EQ(node->discarded_packets(), 0u);
  r.cycles = static_cast<uint64_t>((node->run_end_time() - node->run_start_time()).to_seconds() * 1e6 *
                                   cfg.clock_mhz);
  return r;
}

NodeRun run_on_node(const Model& m, const PlatformConfig& cfg, const std::vector<int16_t>& x) {
  CompileOptions co;
  co.emit_asm = false;
  return run_image(compile(m, target_from_config(cfg), co), cfg, x);
}

void check_model(const Model& m, const PlatformConfig& cfg, uint64_t input_seed) {
  const RefParams rp = ref_params(cfg);
  const std::vector<int16_t> x = random_input(m.input_size, input_seed);
  const std::vector<int16_t> want = reference_forward(m, rp, x);
  const NodeRun r = run_on_node(m, cfg, x);
  ASSERT_EQ(r.out, want);
  std::printf("%s: %zu outputs bit-exact, %llu accelerator cycles\n", m.name.c_str(), r.out.size(),
              static_cast<unsigned long long>(r.cycles));
}

PlatformConfig config(const char* name, const std::vector<std::string>& sets = {}) {
  return load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/" + name, sets);
}

}  // namespace

TEST(CompilerOnNode, MlpL4OnPumaNode) {
  check_model(load_model(std::string(PUMAVP_SOURCE_DIR) + "/kernels/models/mlp_l4.yaml"), config("puma-node.yaml"), 41);
}

TEST(CompilerOnNode, MlpL5OnPumaNode) {
  check_model(load_model(std::string(PUMAVP_SOURCE_DIR) + "/kernels/models/mlp_l5.yaml"), config("puma-node.yaml"), 51);
}

TEST(CompilerOnNode, WideLayersOverManySmallTiles) {
  // 1 core x 1 MVMU per tile: every block on its own tile, every reduction and every input
  // slice crosses the mesh; FIFOs of depth 1 make back-pressure bite.
  PlatformConfig cfg = config("small.yaml", {"tile.cores=1", "core.num_mvmu=1", "node.tiles=64",
                                             "noc.concentration=4", "tile.fifo_depth=1"});
  check_model(make_mlp(700, {{400, Activation::Relu, true}, {300, Activation::Tanh, true}, {20, Activation::None, true}}, 71),
              cfg, 72);
}

TEST(CompilerOnNode, TwoLayersOnSmall) {
  check_model(make_mlp(600, {{300, Activation::Relu, true}, {10, Activation::Sigmoid, true}}, 73), config("small.yaml"),
              74);
}

TEST(CompilerOnNode, SingleLayerNotMultipleOf128) {
  check_model(make_mlp(100, {{10, Activation::Relu, true}}, 75), config("small.yaml"), 76);
}

TEST(CompilerOnNode, DeepMlpMixedSizesAndActivations) {
  check_model(make_mlp(130, {{129, Activation::Relu, true},
                             {64, Activation::Tanh, true},
                             {200, Activation::Sigmoid, false},
                             {256, Activation::Relu, true},
                             {33, Activation::None, true},
                             {7, Activation::Tanh, false}},
                       77),
              config("small.yaml"), 78);
}

TEST(CompilerOnNode, LayerWiderThanOneTile) {
  // 300x700 = 18 crossbars > 16 per tile of small.yaml: chains and outputs cross tiles.
  check_model(make_mlp(300, {{700, Activation::Relu, true}, {130, Activation::None, true}}, 79), config("small.yaml"), 80);
}

// Convolutional networks through the graph back end on the SystemC node, bit for bit against
// the functional interpreter's run of the same image and the CPU reference of the graph.
namespace {

void check_cnn(const CnnSpec& sp, const PlatformConfig& cfg, uint64_t seed) {
  unsigned oc, oh, ow;
  const std::string bytes = build_cnn(sp, seed, oc, oh, ow);
  CompileOptions co;
  co.emit_asm = false;
  const Compiled c = compile_onnx(bytes, "cnn.onnx", target_from_config(cfg), co);
  std::vector<int16_t> x(size_t(sp.c) * sp.h * sp.w);
  uint64_t st = seed * 3 + 1;
  for (auto& v : x) v = int16_t(std::lround(cnn_uniform(st, 1.0) * 4096));
  InterpOptions io;
  io.fifo_depth = cfg.tile.fifo_depth;
  const InterpResult ir = interpret(c.image, geometry_from_config(cfg), {{"x", x}}, io);
  ASSERT_TRUE(ir.ok) << ir.error;
  const NodeRun r = run_image(c, cfg, x);
  ASSERT_EQ(r.out, ir.outputs.begin()->second);
  graph::Graph g = graph::import_onnx(bytes, "cnn.onnx");
  graph::prepare(g);
  const RefParams rp = ref_params(cfg);
  ASSERT_EQ(r.out, reference_graph(g, rp, {{"x", x}}).begin()->second);
  std::printf("cnn: %zu outputs bit-exact on the node, %u crossbars, %llu accelerator cycles\n", r.out.size(),
              c.crossbars_used, static_cast<unsigned long long>(r.cycles));
}

using L = CnnLayer;

}  // namespace

TEST(CompilerOnNode, DigitsShapedCnnOnSmall) {
  CnnSpec sp;
  sp.c = 1, sp.h = 8, sp.w = 8;
  sp.layers = {{L::Conv, 8, 3, 1, 1}, {L::Relu}, {L::MaxPool, 0, 2, 2}, {L::Conv, 16, 3, 1, 1}, {L::Relu},
               {L::MaxPool, 0, 2, 2}, {L::Gemm, 10}};
  check_cnn(sp, config("small.yaml"), 91);
}

TEST(CompilerOnNode, BlockedCnnWithCopiesOnSmallCrossbars) {
  // X = 32: 3 channels per row block (40 input channels: 14 blocks), 40 output channels = 2
  // column blocks, a residual Add; a small
  // instruction memory forces copies of every layer; FIFOs of depth 1.
  CnnSpec sp;
  sp.c = 3, sp.h = 9, sp.w = 9;
  sp.layers = {{L::Conv, 40, 3, 2, 1}, {L::Relu}, {L::AvgPool, 0, 2, 1}, {L::Conv, 5, 3, 1, 1},
               {L::Residual, 0, 3},   {L::Gemm, 7}};
  check_cnn(sp, config("small.yaml", {"xbar.size=32", "node.tiles=16", "core.imem_words=256", "tile.fifo_depth=1"}), 92);
}

// A CIFAR-sized VGG-style network (32x32x3, six convolutions, 0.3 M weights) on the
// dissertation's node: copies over 30 tiles.
TEST(CompilerOnNode, CifarVggOnPumaNode) {
  CnnSpec sp;
  sp.c = 3, sp.h = 32, sp.w = 32;
  sp.layers = {{L::Conv, 32, 3, 1, 1},  {L::Relu}, {L::Conv, 32, 3, 1, 1},  {L::Relu}, {L::MaxPool, 0, 2, 2},
               {L::Conv, 64, 3, 1, 1},  {L::Relu}, {L::Conv, 64, 3, 1, 1},  {L::Relu}, {L::MaxPool, 0, 2, 2},
               {L::Conv, 128, 3, 1, 1}, {L::Relu}, {L::Conv, 128, 3, 1, 1}, {L::Relu}, {L::MaxPool, 0, 2, 2},
               {L::Gemm, 10}};
  check_cnn(sp, config("puma-node.yaml"), 93);
}
