// Model front ends: YAML + .npy, ONNX (models built through the protobuf API), the shipped
// MLP-L4 / MLP-L5 descriptions, and the error paths.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <onnx/onnx_pb.h>

#include "compiler/compiler.h"
#include "interp.h"
#include "onnx_build.h"
#include "isa/npy.h"
#include "reference.h"
#include "test_util.h"

using namespace pumavp;
using namespace pumavp::compiler;
using namespace pumavp::compiler_test;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("pumavp_compiler_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

void write_text(const fs::path& p, const std::string& s) {
  std::ofstream f(p);
  f << s;
}

void write_npy(const fs::path& p, isa::NpyType t, std::vector<size_t> shape, std::vector<double> v) {
  std::string err;
  ASSERT_TRUE(isa::write_npy_file(p.string(), isa::NpyArray::make(t, std::move(shape), std::move(v)), err)) << err;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------

TEST(CompilerYaml, NpyFloatAndRawWeightsBiasAndActivations) {
  fs::path d = temp_dir("yaml");
  TestRng rng(5);
  std::vector<double> w1(150 * 40), b1(40), w2(40 * 3);
  for (auto& v : w1) v = rng.uniform(-0.2, 0.2);
  for (auto& v : b1) v = rng.uniform(-1, 1);
  for (auto& v : w2) v = double(int(rng.below(2000)) - 1000);  // raw int16 patterns
  write_npy(d / "w1.npy", isa::NpyType::F32, {150, 40}, w1);
  write_npy(d / "b1.npy", isa::NpyType::F64, {40}, b1);
  write_npy(d / "w2.npy", isa::NpyType::I16, {40, 3}, w2);
  write_text(d / "m.yaml",
             "kind: mlp\nname: tiny\ninput: 150\nlayers:\n"
             "  - {weights: w1.npy, bias: b1.npy, activation: sigmoid}\n"
             "  - {weights: w2.npy, activation: relu}\n");
  Model m = load_model((d / "m.yaml").string());
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.name, "tiny");
  EXPECT_EQ(m.layers[0].rows, 150u);
  EXPECT_EQ(m.layers[0].cols, 40u);
  EXPECT_EQ(m.layers[0].act, Activation::Sigmoid);
  EXPECT_FALSE(m.layers[0].weights_raw);
  EXPECT_EQ(m.layers[0].weights, as_float(w1));
  EXPECT_EQ(m.layers[0].bias, b1);
  EXPECT_TRUE(m.layers[1].weights_raw);
  EXPECT_EQ(m.layers[1].weights, w2);
  // and it runs bit-exact
  PlatformConfig cfg = small_config();
  Compiled c = compile(m, target_from_config(cfg));
  auto x = random_input(150, 3);
  RefParams rp;
  auto want = reference_forward(m, rp, x);
  auto r = interpret(c.image, geometry_from_config(cfg), {{"x", x}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outputs.at("y"), want);
  fs::remove_all(d);
}

TEST(CompilerYaml, RandomWeightsAreDeterministic) {
  std::string y = "kind: mlp\ninput: 64\nseed: 7\nlayers:\n  - {weights: random, outputs: 32, activation: relu, bias: random}\n"
                  "  - {weights: random, outputs: 8}\n";
  Model a = load_yaml_model_text(y, ".", "a.yaml");
  Model b = load_yaml_model_text(y, ".", "b.yaml");
  EXPECT_EQ(a.layers[0].weights, b.layers[0].weights);
  EXPECT_EQ(a.layers[0].bias, b.layers[0].bias);
  EXPECT_EQ(a.layers[1].cols, 8u);
  double lim = 1.0 / 8.0;  // default scale 1/sqrt(64)
  for (double v : a.layers[0].weights) ASSERT_LE(std::fabs(v), lim);
  Model c = load_yaml_model_text(y.replace(y.find("seed: 7"), 7, "seed: 8"), ".", "c.yaml");
  EXPECT_NE(a.layers[0].weights, c.layers[0].weights);
}

TEST(CompilerYaml, ClearErrors) {
  fs::path d = temp_dir("yamlerr");
  write_npy(d / "w.npy", isa::NpyType::F32, {10, 4}, std::vector<double>(40, 0.1));
  write_text(d / "bad.npy", "not a numpy file");
  auto load = [&](const std::string& text) { return load_yaml_model_text(text, d.string(), "m.yaml"); };
  EXPECT_NE(expect_error([&] { load("kind: cnn\ninput: 10\nlayers: []\n"); }).find("unsupported model kind 'cnn'"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { load("kind: mlp\ninput: 12\nlayers:\n  - {weights: w.npy}\n"); }).find("10 rows"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { load("kind: mlp\ninput: 10\nlayers:\n  - {weights: missing.npy}\n"); }).find("missing.npy"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { load("kind: mlp\ninput: 10\nlayers:\n  - {weights: bad.npy}\n"); }).find("bad.npy"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { load("kind: mlp\ninput: 10\nlayers:\n  - {weights: w.npy, activation: gelu}\n"); })
                .find("unknown activation 'gelu'"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { load("kind: mlp\ninput: 10\nlayers:\n  - {weights: w.npy, bias: w.npy}\n"); })
                .find("bias"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { load("kind: mlp\ninput: 10\nfoo: 1\nlayers:\n  - {weights: w.npy}\n"); })
                .find("unknown key 'foo'"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { load("kind: mlp\ninput: [1\n"); }).find("YAML error"), std::string::npos);
  fs::remove_all(d);
}

// ---------------------------------------------------------------------------------------
// ONNX
// ---------------------------------------------------------------------------------------

TEST(CompilerOnnx, GemmTransBMatMulAddActivationsRunBitExact) {
  TestRng rng(21);
  const unsigned IN = 140, H = 60, OUT = 12;
  std::vector<double> w1t(H * IN), b1(H), w2(H * OUT), b2(OUT);  // w1t: [H, IN] (transB)
  for (auto& v : w1t) v = rng.uniform(-0.1, 0.1);
  for (auto& v : b1) v = rng.uniform(-0.5, 0.5);
  for (auto& v : w2) v = rng.uniform(-0.2, 0.2);
  for (auto& v : b2) v = rng.uniform(-0.5, 0.5);
  onnx::ModelProto mp;
  mp.set_ir_version(8);
  mp.add_opset_import()->set_version(13);
  auto& g = *mp.mutable_graph();
  g.set_name("onnx_mlp");
  set_io(g, "input", IN, "output");
  add_init(g, "W1", {H, IN}, w1t);
  add_init(g, "B1", {H}, b1, false);
  add_init(g, "W2", {H, OUT}, w2);
  add_init(g, "B2", {OUT}, b2);
  auto* gemm = add_node(g, "Gemm", "gemm1", {"input", "W1", "B1"}, "h0");
  auto* a = gemm->add_attribute();
  a->set_name("transB");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(1);
  add_node(g, "Tanh", "act1", {"h0"}, "h1");
  add_node(g, "MatMul", "mm2", {"h1", "W2"}, "h2");
  add_node(g, "Add", "add2", {"h2", "B2"}, "h3");
  add_node(g, "Sigmoid", "act2", {"h3"}, "output");
  Model m = load_onnx_model_bytes(serialize(mp), "t.onnx");
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_EQ(m.input_name, "input");
  EXPECT_EQ(m.output_name, "output");
  EXPECT_EQ(m.layers[0].rows, IN);
  EXPECT_EQ(m.layers[0].cols, H);
  EXPECT_EQ(m.layers[0].act, Activation::Tanh);
  EXPECT_EQ(m.layers[1].act, Activation::Sigmoid);
  // transposition: W[i][j] = W1t[j][i]
  EXPECT_EQ(m.layers[0].weights[5 * H + 7], double(float(w1t[7 * IN + 5])));
  EXPECT_EQ(m.layers[1].bias, as_float(b2));
  PlatformConfig cfg = small_config({"tile.cores=1"});
  Compiled c = compile(m, target_from_config(cfg));
  auto x = random_input(IN, 8);
  auto want = reference_forward(m, RefParams{}, x);
  auto r = interpret(c.image, geometry_from_config(cfg), {{"input", x}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outputs.at("output"), want);
}

TEST(CompilerOnnx, UnsupportedOperatorNamesOperatorAndNode) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io(g, "x", 4, "y");
  add_init(g, "W", {4, 4}, std::vector<double>(16, 0.5));
  add_node(g, "MatMul", "mm", {"x", "W"}, "h");
  add_node(g, "Softplus", "sp_7", {"h"}, "y");
  std::string e = expect_error([&] { load_onnx_model_bytes(serialize(mp), "s.onnx"); });
  EXPECT_NE(e.find("unsupported operator Softplus at node sp_7"), std::string::npos) << e;
}

TEST(CompilerOnnx, MalformedInputsGiveErrorsNotCrashes) {
  EXPECT_NE(expect_error([] { load_onnx_model_bytes("", "e.onnx"); }).find("not a valid ONNX model"), std::string::npos);
  EXPECT_NE(expect_error([] { load_onnx_model_bytes("\x08\x96\x01garbage\xff\xff", "g.onnx"); }).size(), 0u);
  // random byte strings: must either parse into something rejected or be refused, never crash
  TestRng rng(3);
  for (int i = 0; i < 300; ++i) {
    std::string s(1 + rng.below(200), '\0');
    for (auto& ch : s) ch = char(rng.below(256));
    try {
      load_onnx_model_bytes(s, "rnd.onnx");
    } catch (const CompileError&) {
    }
  }
  // truncated valid model
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io(g, "x", 4, "y");
  add_init(g, "W", {4, 3}, std::vector<double>(12, 0.5));
  add_node(g, "MatMul", "mm", {"x", "W"}, "y");
  std::string ok = serialize(mp);
  EXPECT_NO_THROW(load_onnx_model_bytes(ok, "ok.onnx"));
  for (size_t cut = 1; cut < ok.size(); cut += 3) {
    try {
      load_onnx_model_bytes(ok.substr(0, cut), "cut.onnx");
    } catch (const CompileError&) {
    }
  }
  // shape mismatches and structural errors
  onnx::ModelProto bad = mp;
  bad.mutable_graph()->mutable_initializer(0)->clear_raw_data();
  EXPECT_NE(expect_error([&] { load_onnx_model_bytes(serialize(bad), "b.onnx"); }).find("size mismatch"),
            std::string::npos);
  onnx::ModelProto act_first;
  auto& g2 = *act_first.mutable_graph();
  set_io(g2, "x", 4, "y");
  add_node(g2, "Relu", "r0", {"x"}, "y");
  EXPECT_NE(expect_error([&] { load_onnx_model_bytes(serialize(act_first), "a.onnx"); }).find("must follow"),
            std::string::npos);
  EXPECT_NE(expect_error([] { load_model("/nonexistent/m.onnx"); }).find("cannot open"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Shipped models (Diss. Table 3.7) on the dissertation's node
// ---------------------------------------------------------------------------------------

namespace {
PlatformConfig node_config(const std::vector<std::string>& sets = {}) {
  return load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/puma-node.yaml", sets);
}
}  // namespace

TEST(CompilerModels, MlpL4CompilesForPumaNode) {
  Model m = load_model(std::string(PUMAVP_SOURCE_DIR) + "/kernels/models/mlp_l4.yaml");
  EXPECT_EQ(m.layers.size(), 4u);
  EXPECT_NEAR(double(m.parameters()), 5e6, 0.25e6);
  PlatformConfig cfg = node_config();
  CompileOptions co;
  co.emit_asm = false;
  Compiled c = compile(m, target_from_config(cfg), co);
  EXPECT_EQ(c.crossbars_available, 138u * 8 * 2);
  EXPECT_GT(c.utilisation, 0.9);
  EXPECT_FALSE(isa::validate_for_platform(c.image, geometry_from_config(cfg)));
  EXPECT_NE(c.report.find("crossbars: "), std::string::npos);
}

// MLP-L5's wide layers fan in from more source tiles than a tile has FIFOs; the forward relay
// needs one FIFO per tile for inter-tile traffic whatever the fan-in.
TEST(CompilerModels, MlpL5CompilesForPumaNodeAndIsTooBigForSmall) {
  Model m = load_model(std::string(PUMAVP_SOURCE_DIR) + "/kernels/models/mlp_l5.yaml");
  EXPECT_EQ(m.layers.size(), 5u);
  EXPECT_NEAR(double(m.parameters()), 21e6, 1e6);
  PlatformConfig cfg = node_config();
  CompileOptions co;
  co.emit_asm = false;
  Compiled c = compile(m, target_from_config(cfg), co);
  EXPECT_GT(c.utilisation, 0.9);
  EXPECT_FALSE(isa::validate_for_platform(c.image, geometry_from_config(cfg)));
  std::string e = expect_error([&] { compile(m, target_from_config(small_config()), co); });
  EXPECT_NE(e.find("does not fit"), std::string::npos) << e;
  EXPECT_NE(e.find("the platform has 64"), std::string::npos) << e;
}
