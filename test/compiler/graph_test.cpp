// Graph IR and its passes, each on its own: ONNX import, shape inference, constant folding
// (the Shape/Gather/Unsqueeze/Concat chain torch.onnx.export writes for a flatten),
// canonicalisation (Identity/Dropout, BatchNormalization folding), the operator check and the
// lowering to the MLP back end. Expected values are worked by hand or computed here directly
// from the ONNX operator definitions, independently of the passes.
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/compiler.h"
#include "compiler/graph.h"
#include "compiler/passes.h"
#include "interp.h"
#include "onnx_build.h"
#include "reference.h"
#include "test_util.h"

using namespace pumavp;
using namespace pumavp::compiler;
using namespace pumavp::compiler::graph;
using namespace pumavp::compiler_test;

namespace {

Graph import(const onnx::ModelProto& mp) { return import_onnx(serialize(mp), "t.onnx"); }

// The exporter's flatten of x [1, C, H, W]: Shape -> Gather(0) -> Unsqueeze -> Concat([-1])
// -> Reshape, then Gemm to `out` features (transB) and Relu.
onnx::ModelProto flatten_chain_model(int64_t C, int64_t H, int64_t W, int64_t out, const std::vector<double>& w,
                                     const std::vector<double>& b) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  g.set_name("flat");
  set_io_shape(g, "image", {1, C, H, W}, "logits");
  add_int_init(g, "zero", {}, {0});
  add_int_init(g, "axes0", {1}, {0});
  add_int_init(g, "minus1", {1}, {-1});
  add_init(g, "fc.weight", {out, C * H * W}, w);
  add_init(g, "fc.bias", {out}, b);
  add_node(g, "Shape", "shape", {"image"}, "s");
  auto* ga = add_node(g, "Gather", "gather", {"s", "zero"}, "n");
  set_int_attr(ga, "axis", 0);
  add_node(g, "Unsqueeze", "unsq", {"n", "axes0"}, "n1");
  auto* cc = add_node(g, "Concat", "concat", {"n1", "minus1"}, "shape2");
  set_int_attr(cc, "axis", 0);
  add_node(g, "Reshape", "reshape", {"image", "shape2"}, "flat");
  auto* gm = add_node(g, "Gemm", "fc", {"flat", "fc.weight", "fc.bias"}, "pre");
  set_int_attr(gm, "transB", 1);
  add_node(g, "Relu", "relu", {"pre"}, "logits");
  return mp;
}

}  // namespace

TEST(GraphImport, ConstantsInputsAndNodes) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io_shape(g, "x", {1, 4}, "y");
  auto* c = add_node(g, "Constant", "k", {}, "W");
  auto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  a->mutable_t()->add_dims(4);
  a->mutable_t()->add_dims(2);
  for (int i = 0; i < 8; ++i) a->mutable_t()->add_float_data(float(i) / 4);
  add_node(g, "MatMul", "", {"x", "W"}, "y");
  Graph gr = import(mp);
  ASSERT_EQ(gr.nodes.size(), 1u);  // the Constant became a constant tensor
  EXPECT_EQ(gr.nodes[0].name, "#1");
  EXPECT_EQ(gr.nodes[0].where(), "node #1 (MatMul)");
  ASSERT_TRUE(gr.is_constant("W"));
  EXPECT_EQ(gr.constant("W").dims, (Shape{4, 2}));
  EXPECT_EQ(gr.constant("W").v[5], 1.25);
  EXPECT_EQ(gr.inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(gr.tensor("x").shape, (Shape{1, 4}));
}

TEST(GraphImport, StructuralErrorsNameTheNode) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io(g, "x", 4, "y");
  add_node(g, "Relu", "r", {"nowhere"}, "y");
  EXPECT_NE(expect_error([&] { import(mp); }).find("t.onnx: node r (Relu): input 'nowhere' is not defined"),
            std::string::npos);
  onnx::ModelProto twice;
  auto& g2 = *twice.mutable_graph();
  set_io(g2, "x", 4, "y");
  add_node(g2, "Relu", "r1", {"x"}, "y");
  add_node(g2, "Relu", "r2", {"x"}, "y");
  EXPECT_NE(expect_error([&] { import(twice); }).find("node r2 (Relu): output 'y' is defined twice"), std::string::npos);
  onnx::ModelProto dom;
  auto& g3 = *dom.mutable_graph();
  set_io(g3, "x", 4, "y");
  add_node(g3, "Foo", "f", {"x"}, "y")->set_domain("com.example");
  EXPECT_NE(expect_error([&] { import(dom); }).find("unsupported operator com.example.Foo at node f"), std::string::npos);
  onnx::ModelProto sym;
  auto& g4 = *sym.mutable_graph();
  auto* vi = g4.add_input();
  vi->set_name("x");
  auto* sh = vi->mutable_type()->mutable_tensor_type()->mutable_shape();
  sh->add_dim()->set_dim_param("N");
  sh->add_dim()->set_dim_param("F");
  g4.add_output()->set_name("x");
  EXPECT_NE(expect_error([&] { import(sym); }).find("dimension 1 is not a fixed size"), std::string::npos);
}

// Shapes worked by hand from the ONNX definitions: out = floor((in + pb + pe - dil*(k-1) - 1) / s) + 1.
TEST(GraphShapes, ConvPoolGemmConcatPad) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io_shape(g, "x", {1, 3, 9, 9}, "y");
  add_init(g, "w", {4, 3, 3, 3}, std::vector<double>(108, 0.1));
  auto* conv = add_node(g, "Conv", "c", {"x", "w"}, "c1");  // pads 1, stride 2: (9+2-3)/2+1 = 5
  set_ints_attr(conv, "pads", {1, 1, 1, 1});
  set_ints_attr(conv, "strides", {2, 2});
  auto* mp1 = add_node(g, "MaxPool", "p", {"c1"}, "p1");  // k2 s2 ceil: ceil((5-2)/2)+1 = 3
  set_ints_attr(mp1, "kernel_shape", {2, 2});
  set_ints_attr(mp1, "strides", {2, 2});
  set_int_attr(mp1, "ceil_mode", 1);
  auto* mp2 = add_node(g, "AveragePool", "q", {"c1"}, "p2");  // k2 s2 floor: (5-2)/2+1 = 2
  set_ints_attr(mp2, "kernel_shape", {2, 2});
  set_ints_attr(mp2, "strides", {2, 2});
  auto* dil = add_node(g, "Conv", "d", {"x", "w"}, "c2");  // dilation 2: 9 - 2*2 - 1 + 1 = 5
  set_ints_attr(dil, "dilations", {2, 2});
  auto* cat = add_node(g, "Concat", "cat", {"c1", "c2"}, "cc");
  set_int_attr(cat, "axis", 1);
  add_node(g, "GlobalAveragePool", "gap", {"cc"}, "gp");
  add_int_init(g, "pads", {8}, {0, 0, 1, 2, 0, 0, 3, 4});
  add_node(g, "Pad", "pad", {"x", "pads"}, "px");
  add_node(g, "Flatten", "fl", {"gp"}, "f");
  add_init(g, "W2", {5, 8}, std::vector<double>(40, 0.0));
  auto* gm = add_node(g, "Gemm", "gm", {"f", "W2"}, "y");
  set_int_attr(gm, "transB", 1);
  Graph gr = import(mp);
  infer_shapes(gr);
  EXPECT_EQ(gr.tensor("c1").shape, (Shape{1, 4, 5, 5}));
  EXPECT_EQ(gr.tensor("p1").shape, (Shape{1, 4, 3, 3}));
  EXPECT_EQ(gr.tensor("p2").shape, (Shape{1, 4, 2, 2}));
  EXPECT_EQ(gr.tensor("c2").shape, (Shape{1, 4, 5, 5}));
  EXPECT_EQ(gr.tensor("cc").shape, (Shape{1, 8, 5, 5}));
  EXPECT_EQ(gr.tensor("gp").shape, (Shape{1, 8, 1, 1}));
  EXPECT_EQ(gr.tensor("px").shape, (Shape{1, 3, 13, 15}));
  EXPECT_EQ(gr.tensor("f").shape, (Shape{1, 8}));
  EXPECT_EQ(gr.tensor("y").shape, (Shape{1, 5}));
}

TEST(GraphShapes, MismatchesAreErrorsNamingTheNode) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io_shape(g, "x", {1, 3, 8, 8}, "y");
  add_init(g, "w", {4, 2, 3, 3}, std::vector<double>(72, 0.1));
  add_node(g, "Conv", "conv7", {"x", "w"}, "y");
  Graph gr = import(mp);
  EXPECT_NE(expect_error([&] { infer_shapes(gr); }).find("node conv7 (Conv): weight [4, 2, 3, 3] does not match 3 input channels"),
            std::string::npos);
}

// The exporter's flatten chain folds to a constant shape; the model then lowers to one layer
// and runs bit-exact against the CPU reference of the lowered model.
TEST(GraphFold, ExporterFlattenChainFoldsAndRuns) {
  TestRng rng(5);
  const int64_t C = 2, H = 4, W = 4, OUT = 10, IN = C * H * W;
  std::vector<double> w(size_t(OUT * IN)), b(OUT);
  for (auto& v : w) v = rng.uniform(-0.3, 0.3);
  for (auto& v : b) v = rng.uniform(-0.5, 0.5);
  Graph gr = import(flatten_chain_model(C, H, W, OUT, w, b));
  infer_shapes(gr);
  EXPECT_EQ(fold_constants(gr), 4u);  // Shape, Gather, Unsqueeze, Concat
  ASSERT_TRUE(gr.is_constant("shape2"));
  EXPECT_EQ(gr.constant("shape2").v, (std::vector<double>{1, -1}));
  EXPECT_TRUE(gr.constant("shape2").integer);
  infer_shapes(gr);
  EXPECT_EQ(gr.tensor("flat").shape, (Shape{1, IN}));
  Model m = lower_to_model(gr);
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.input_name, "image");
  EXPECT_EQ(m.input_size, unsigned(IN));
  EXPECT_EQ(m.layers[0].act, Activation::Relu);
  EXPECT_EQ(m.layers[0].weights[3 * OUT + 7], double(float(w[7 * IN + 3])));  // transB
  PlatformConfig cfg = small_config();
  Compiled c = compile(m, target_from_config(cfg));
  auto x = random_input(unsigned(IN), 3);
  auto r = interpret(c.image, geometry_from_config(cfg), {{"image", x}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.outputs.at("logits"), reference_forward(m, RefParams{}, x));
}

// Folding of constant arithmetic and data movement, against values worked by hand.
TEST(GraphFold, GatherConcatTransposeArithmetic) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io(g, "x", 2, "y");
  add_init(g, "a", {2, 3}, {1, 2, 3, 4, 5, 6});
  add_int_init(g, "idx", {2}, {2, -3});
  auto* ga = add_node(g, "Gather", "g1", {"a", "idx"}, "ag");  // columns 2 and 0
  set_int_attr(ga, "axis", 1);
  add_node(g, "Transpose", "t", {"a"}, "at");  // [3, 2]
  add_init(g, "row", {3}, {10, 20, 30});
  add_node(g, "Mul", "m", {"a", "row"}, "am");  // broadcast over rows
  auto* cc = add_node(g, "Concat", "c", {"a", "am"}, "ac");
  set_int_attr(cc, "axis", 0);
  add_node(g, "Identity", "keep", {"x"}, "y");
  for (const char* o : {"ag", "at", "am", "ac"}) g.add_output()->set_name(o);  // kept: nothing else reads them
  Graph gr = import(mp);
  infer_shapes(gr);
  EXPECT_EQ(fold_constants(gr), 4u);
  EXPECT_EQ(gr.constant("ag").dims, (Shape{2, 2}));
  EXPECT_EQ(gr.constant("ag").v, (std::vector<double>{3, 1, 6, 4}));
  EXPECT_EQ(gr.constant("at").v, (std::vector<double>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(gr.constant("am").v, (std::vector<double>{10, 40, 90, 40, 100, 180}));
  EXPECT_EQ(gr.constant("ac").dims, (Shape{4, 3}));
  EXPECT_EQ(gr.constant("ac").v, (std::vector<double>{1, 2, 3, 4, 5, 6, 10, 40, 90, 40, 100, 180}));
  // Out-of-range indices are an error naming the node.
  onnx::ModelProto bad = mp;
  bad.mutable_graph()->mutable_initializer(1)->set_int64_data(0, 3);
  Graph gb = import(bad);
  infer_shapes(gb);
  EXPECT_NE(expect_error([&] { fold_constants(gb); }).find("node g1 (Gather): index 3 out of range for size 3"),
            std::string::npos);
}

// Rank-3 transposes against a direct index computation over every permutation.
TEST(GraphFold, TransposeEveryPermutation) {
  const Shape dims = {2, 3, 4};
  std::vector<double> v(24);
  for (size_t i = 0; i < v.size(); ++i) v[i] = double(i);
  std::vector<int64_t> perm = {0, 1, 2};
  do {
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io(g, "x", 1, "x");
    add_init(g, "a", dims, v);
    set_ints_attr(add_node(g, "Transpose", "t", {"a"}, "o"), "perm", perm);
    g.add_output()->set_name("o");
    Graph gr = import(mp);
    fold_constants(gr);
    const Constant& o = gr.constant("o");
    ASSERT_EQ(o.dims, (Shape{dims[size_t(perm[0])], dims[size_t(perm[1])], dims[size_t(perm[2])]}));
    for (int64_t i = 0; i < o.dims[0]; ++i)
      for (int64_t j = 0; j < o.dims[1]; ++j)
        for (int64_t k = 0; k < o.dims[2]; ++k) {
          int64_t src[3];
          src[perm[0]] = i, src[perm[1]] = j, src[perm[2]] = k;
          EXPECT_EQ(o.v[size_t((i * o.dims[1] + j) * o.dims[2] + k)], double((src[0] * 3 + src[1]) * 4 + src[2]));
        }
  } while (std::next_permutation(perm.begin(), perm.end()));
}

// BatchNormalization after Gemm and after MatMul: the folded layer computes, in real numbers,
// what Gemm then BN computes by their ONNX definitions (evaluated here directly).
TEST(GraphCanonicalize, BatchNormFoldsIntoGemmAndMatMul) {
  TestRng rng(11);
  const int64_t IN = 6, OUT = 5;
  for (bool matmul : {false, true}) {
    std::vector<double> w(size_t(IN * OUT)), b(OUT), gam(OUT), bet(OUT), mean(OUT), var(OUT);
    for (auto& x : w) x = rng.uniform(-1, 1);
    for (size_t c = 0; c < size_t(OUT); ++c) {
      b[c] = rng.uniform(-1, 1), gam[c] = rng.uniform(0.5, 2), bet[c] = rng.uniform(-1, 1);
      mean[c] = rng.uniform(-1, 1), var[c] = rng.uniform(0.1, 3);
    }
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io(g, "x", IN, "y");
    add_init(g, "W", {IN, OUT}, w);  // [IN, OUT]: x*W (Gemm without transB)
    add_init(g, "B", {OUT}, b);
    add_init(g, "gamma", {OUT}, gam);
    add_init(g, "beta", {OUT}, bet);
    add_init(g, "mean", {OUT}, mean);
    add_init(g, "var", {OUT}, var);
    if (matmul) add_node(g, "MatMul", "mm", {"x", "W"}, "h");
    else set_float_attr(add_node(g, "Gemm", "gm", {"x", "W", "B"}, "h"), "alpha", 0.5f);
    auto* bn = add_node(g, "BatchNormalization", "bn", {"h", "gamma", "beta", "mean", "var"}, "y");
    set_float_attr(bn, "epsilon", 1e-3f);
    Graph gr = import(mp);
    infer_shapes(gr);
    EXPECT_EQ(canonicalize(gr), 1u);
    ASSERT_EQ(gr.nodes.size(), 1u);
    EXPECT_EQ(gr.nodes[0].op, "Gemm");
    EXPECT_EQ(gr.nodes[0].outputs[0], "y");
    Model m = lower_to_model(gr);
    ASSERT_EQ(m.layers.size(), 1u);
    const Layer& L = m.layers[0];
    ASSERT_EQ(L.bias.size(), size_t(OUT));
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<double> x(IN);
      for (auto& v : x) v = rng.uniform(-1, 1);
      for (size_t j = 0; j < size_t(OUT); ++j) {
        double h = 0;
        for (size_t i = 0; i < size_t(IN); ++i) h += double(float(w[i * OUT + j])) * x[i];
        if (!matmul) h = 0.5 * h + double(float(b[j]));
        const double want = (h - double(float(mean[j]))) / std::sqrt(double(float(var[j])) + double(1e-3f)) *
                                double(float(gam[j])) + double(float(bet[j]));
        double got = L.bias[j];
        for (size_t i = 0; i < size_t(IN); ++i) got += L.weights[i * OUT + j] * x[i];
        EXPECT_NEAR(got, want, 1e-9) << (matmul ? "MatMul" : "Gemm") << " output " << j;
      }
    }
  }
}

TEST(GraphCanonicalize, IdentityAndDropoutVanishKeepingTheOutputName) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io(g, "x", 3, "out");
  add_init(g, "W", {3, 2}, {1, 2, 3, 4, 5, 6});
  add_node(g, "Identity", "id0", {"x"}, "x1");
  add_node(g, "MatMul", "mm", {"x1", "W"}, "h");
  add_node(g, "Dropout", "drop", {"h"}, "h1");
  add_node(g, "Identity", "id1", {"h1"}, "out");
  Graph gr = import(mp);
  EXPECT_EQ(canonicalize(gr), 3u);
  ASSERT_EQ(gr.nodes.size(), 1u);
  EXPECT_EQ(gr.nodes[0].inputs[0], "x");
  EXPECT_EQ(gr.nodes[0].outputs[0], "out");
  EXPECT_EQ(gr.outputs[0], "out");
}

TEST(GraphCanonicalize, StandaloneBatchNormIsAnErrorSayingWhy) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io(g, "x", 2, "y");
  for (const char* n : {"s", "b", "m", "v"}) add_init(g, n, {2}, {1, 1});
  add_node(g, "BatchNormalization", "bn0", {"x", "s", "b", "m", "v"}, "y");
  Graph gr = import(mp);
  EXPECT_NE(expect_error([&] { canonicalize(gr); }).find("node bn0 (BatchNormalization): cannot be folded"), std::string::npos);
}

TEST(GraphCheck, UnsupportedOperatorsAndAttributesAreNamed) {
  // Each model is valid ONNX (shapes agree), so the only complaint can be the operator check's.
  auto one = [](const std::string& op, const std::function<void(onnx::NodeProto*)>& attrs,
                const std::vector<int64_t>& x_shape = {1, 4}, const std::vector<int64_t>& w_shape = {4, 4}) {
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io_shape(g, "x", x_shape, "y");
    int64_t n = 1;
    for (int64_t d : w_shape) n *= d;
    add_init(g, "W", w_shape, std::vector<double>(size_t(n), 0.5));
    auto* nd = add_node(g, op, "n1", {"x", "W"}, "y");
    if (attrs) attrs(nd);
    return expect_error([&] { load_onnx_model_bytes(serialize(mp), "u.onnx"); });
  };
  EXPECT_NE(one("Conv", {}, {1, 2, 5, 5}, {3, 2, 3, 3}).find("u.onnx: unsupported operator Conv at node n1"), std::string::npos);
  EXPECT_NE(one("LeakyRelu", {}).find("unsupported operator LeakyRelu at node n1"), std::string::npos);
  EXPECT_NE(one("Gemm", [](onnx::NodeProto* n) { set_int_attr(n, "transA", 1); }, {4, 1}, {4, 4})
                .find("unsupported attribute transA=1 of operator Gemm at node n1"),
            std::string::npos);
  EXPECT_NE(one("MatMul", [](onnx::NodeProto* n) { set_int_attr(n, "foo", 3); })
                .find("unsupported attribute foo=3 of operator MatMul at node n1"),
            std::string::npos);
}

// Transpose is layout only when it keeps the order of the dimensions larger than 1.
TEST(GraphLower, TransposeOfSizeOneDimensionsIsLayoutOtherwiseAnError) {
  auto model = [](const std::vector<int64_t>& in_shape, const std::vector<int64_t>& perm) {
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io_shape(g, "x", in_shape, "y");
    add_init(g, "W", {6, 2}, std::vector<double>(12, 0.25));
    auto* tr = add_node(g, "Transpose", "tr", {"x"}, "xt");
    if (!perm.empty()) set_ints_attr(tr, "perm", perm);
    add_node(g, "Flatten", "fl", {"xt"}, "xf");
    add_node(g, "MatMul", "mm", {"xf", "W"}, "y");
    return serialize(mp);
  };
  Model m = load_onnx_model_bytes(model({1, 6, 1}, {0, 2, 1}), "ok.onnx");
  EXPECT_EQ(m.input_size, 6u);
  EXPECT_NE(expect_error([&] { load_onnx_model_bytes(model({1, 2, 3}, {0, 2, 1}), "mv.onnx"); })
                .find("unsupported attribute perm=[0,2,1] of operator Transpose at node tr"),
            std::string::npos);
  // Without a perm attribute (the default reverses the dimensions; found by fuzz_onnx: the
  // message dereferenced the missing attribute).
  EXPECT_NE(expect_error([&] { load_onnx_model_bytes(model({2, 3, 1}, {}), "rev.onnx"); })
                .find("unsupported attribute perm=[2,1,0] of operator Transpose at node tr"),
            std::string::npos);
}

// Hostile files: a small constant must not unfold into gigabytes, and attribute or shape
// values far outside any real model are errors, not overflows.
TEST(GraphFold, HostileSizesAreErrorsNotAllocations) {
  {
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io(g, "x", 1, "x");
    add_init(g, "a", {1, 4096}, std::vector<double>(4096, 1.0));
    add_int_init(g, "idx", {8192}, std::vector<int64_t>(8192, 0));  // 8192 x 4096 = 2^25 values
    set_int_attr(add_node(g, "Gather", "blowup", {"a", "idx"}, "o"), "axis", 0);
    g.add_output()->set_name("o");
    Graph gr = import(mp);
    EXPECT_NE(expect_error([&] { fold_constants(gr); }).find("node blowup (Gather): folding would make a constant of 33554432 values"),
              std::string::npos);
  }
  {
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io_shape(g, "x", {1, 1, 4, 4}, "y");
    add_init(g, "w", {1, 1, 3, 3}, std::vector<double>(9, 0.1));
    set_ints_attr(add_node(g, "Conv", "c", {"x", "w"}, "y"), "pads", {int64_t(1) << 62, 0, 0, 0});
    Graph gr = import(mp);
    EXPECT_NE(expect_error([&] { infer_shapes(gr); }).find("node c (Conv): pads entry 4611686018427387904 out of range"),
              std::string::npos);
  }
  {
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io_shape(g, "x", {1, 4}, "y");
    add_init(g, "shape", {2}, {1, std::nan("")});
    add_node(g, "Reshape", "r", {"x", "shape"}, "y");
    Graph gr = import(mp);
    EXPECT_NE(expect_error([&] { infer_shapes(gr); }).find("node r (Reshape): nan is not a valid integer operand"),
              std::string::npos);
  }
}

// A Softmax at the output is left to the host (noted); one anywhere else is unsupported.
TEST(GraphSoftmax, AtTheOutputLeftToTheHostElsewhereUnsupported) {
  auto model = [](bool at_output) {
    onnx::ModelProto mp;
    auto& g = *mp.mutable_graph();
    set_io(g, "x", 4, "probs");
    add_init(g, "W", {4, 3}, std::vector<double>(12, 0.25));
    add_init(g, "W2", {3, 3}, std::vector<double>(9, 0.5));
    add_node(g, "MatMul", "mm", {"x", "W"}, "logits");
    if (at_output) {
      add_node(g, "Softmax", "sm", {"logits"}, "probs");
    } else {
      add_node(g, "Softmax", "sm", {"logits"}, "p1");
      add_node(g, "MatMul", "mm2", {"p1", "W2"}, "probs");
    }
    return serialize(mp);
  };
  Model m = load_onnx_model_bytes(model(true), "sm.onnx");
  EXPECT_EQ(m.output_name, "probs");
  ASSERT_EQ(m.layers.size(), 1u);
  ASSERT_EQ(m.notes.size(), 1u);
  EXPECT_NE(m.notes[0].find("Softmax at the output (node sm (Softmax)) is left to the host"), std::string::npos) << m.notes[0];
  Compiled c = compile(m, target_from_config(small_config()));
  EXPECT_NE(c.report.find("note: Softmax at the output"), std::string::npos);
  EXPECT_NE(expect_error([&] { load_onnx_model_bytes(model(false), "sm2.onnx"); }).find("unsupported operator Softmax at node sm"),
            std::string::npos);
}

// The recurrent exporters' initial-state chains: Shape -> Gather -> Unsqueeze -> Concat ->
// ConstantOfShape (h0 of zeros), Expand, and Slice with positive and negative steps; values
// worked by hand from the ONNX definitions.
TEST(GraphFold, ConstantOfShapeExpandSlice) {
  onnx::ModelProto mp;
  auto& g = *mp.mutable_graph();
  set_io_shape(g, "x", {5, 1, 8}, "x");  // [seq, batch, features]
  add_int_init(g, "one", {}, {1});
  add_int_init(g, "axes0", {1}, {0});
  add_int_init(g, "layers", {1}, {1});
  add_int_init(g, "hidden", {1}, {16});
  add_node(g, "Shape", "sh", {"x"}, "s");
  set_int_attr(add_node(g, "Gather", "batch", {"s", "one"}, "b"), "axis", 0);
  add_node(g, "Unsqueeze", "unsq", {"b", "axes0"}, "b1");
  set_int_attr(add_node(g, "Concat", "cat", {"layers", "b1", "hidden"}, "h0shape"), "axis", 0);
  add_node(g, "ConstantOfShape", "h0", {"h0shape"}, "h0v");
  add_init(g, "col", {2, 1}, {1, 2});
  add_int_init(g, "to", {2}, {2, 3});
  add_node(g, "Expand", "ex", {"col", "to"}, "e");
  std::vector<double> v12(12);
  for (int i = 0; i < 12; ++i) v12[size_t(i)] = i;
  add_init(g, "m", {3, 4}, v12);
  add_int_init(g, "st", {2}, {1, 0});
  add_int_init(g, "en", {2}, {3, -1});
  add_int_init(g, "ax", {2}, {0, 1});
  add_int_init(g, "sp", {2}, {1, 2});
  add_node(g, "Slice", "sl", {"m", "st", "en", "ax", "sp"}, "sl1");
  add_int_init(g, "st2", {1}, {-1});
  add_int_init(g, "en2", {1}, {-5});
  add_int_init(g, "ax2", {1}, {1});
  add_int_init(g, "sp2", {1}, {-1});
  add_node(g, "Slice", "rev", {"m", "st2", "en2", "ax2", "sp2"}, "sl2");
  for (const char* o : {"h0v", "e", "sl1", "sl2"}) g.add_output()->set_name(o);
  Graph gr = import(mp);
  infer_shapes(gr);
  EXPECT_EQ(fold_constants(gr), 8u);
  EXPECT_EQ(gr.constant("h0v").dims, (Shape{1, 1, 16}));
  EXPECT_EQ(gr.constant("h0v").v, std::vector<double>(16, 0.0));
  EXPECT_EQ(gr.constant("e").dims, (Shape{2, 3}));
  EXPECT_EQ(gr.constant("e").v, (std::vector<double>{1, 1, 1, 2, 2, 2}));
  EXPECT_EQ(gr.constant("sl1").dims, (Shape{2, 2}));
  EXPECT_EQ(gr.constant("sl1").v, (std::vector<double>{4, 6, 8, 10}));
  EXPECT_EQ(gr.constant("sl2").dims, (Shape{3, 4}));
  EXPECT_EQ(gr.constant("sl2").v, (std::vector<double>{3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}));
}
