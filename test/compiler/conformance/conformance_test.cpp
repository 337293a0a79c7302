// Tests of the conformance harness's own pieces (the per-case ctests are in
// conformance_node_test.cpp): the TensorProto reader, the error model on hand-derived
// bounds, the operator selection, and that a case can fail and be unsupported.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <onnx/onnx_pb.h>

#include "conformance.h"
#include "error_model.h"
#include "selection.h"
#include "tensor_file.h"

using namespace pumavp;
using namespace pumavp::conformance;

namespace {

std::string serialized(const onnx::TensorProto& t) {
  std::string s;
  t.SerializeToString(&s);
  return s;
}

const CaseInfo* find_case(const std::vector<CaseInfo>& all, const std::string& id) {
  for (const auto& c : all)
    if (c.id == id) return &c;
  return nullptr;
}

}  // namespace

TEST(TensorFile, TypedAndRawPayloads) {
  onnx::TensorProto t;
  t.set_name("x");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(2);
  t.add_float_data(1.5f);
  t.add_float_data(-2.0f);
  TensorData d;
  std::string err;
  ASSERT_TRUE(parse_tensor(serialized(t), d, err)) << err;
  EXPECT_EQ(d.name, "x");
  EXPECT_EQ(d.dims, std::vector<int64_t>{2});
  EXPECT_EQ(d.v, (std::vector<double>{1.5, -2.0}));

  onnx::TensorProto h;  // FLOAT16 raw: 0x3C00 = 1.0, 0xC000 = -2.0, 0x0001 = 2^-24
  h.set_data_type(onnx::TensorProto::FLOAT16);
  h.add_dims(1);
  h.add_dims(3);
  const uint16_t raw[3] = {0x3C00, 0xC000, 0x0001};
  h.set_raw_data(std::string(reinterpret_cast<const char*>(raw), sizeof raw));
  ASSERT_TRUE(parse_tensor(serialized(h), d, err)) << err;
  EXPECT_EQ(d.v, (std::vector<double>{1.0, -2.0, std::ldexp(1.0, -24)}));

  onnx::TensorProto i;  // INT64 typed
  i.set_data_type(onnx::TensorProto::INT64);
  i.add_dims(2);
  i.add_int64_data(-7);
  i.add_int64_data(1ll << 40);
  ASSERT_TRUE(parse_tensor(serialized(i), d, err)) << err;
  EXPECT_EQ(d.v, (std::vector<double>{-7.0, std::ldexp(1.0, 40)}));
}

TEST(TensorFile, RefusesMalformed) {
  TensorData d;
  std::string err;
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(3);
  t.add_float_data(1.0f);  // 1 value for 3
  EXPECT_FALSE(parse_tensor(serialized(t), d, err));
  EXPECT_NE(err.find("does not match"), std::string::npos) << err;

  onnx::TensorProto big;  // claims 2^40 elements with no payload: refused before allocating
  big.set_data_type(onnx::TensorProto::FLOAT);
  big.add_dims(1 << 20);
  big.add_dims(1 << 20);
  EXPECT_FALSE(parse_tensor(serialized(big), d, err));
  EXPECT_NE(err.find("elements"), std::string::npos) << err;

  onnx::TensorProto neg;
  neg.set_data_type(onnx::TensorProto::FLOAT);
  neg.add_dims(-1);
  EXPECT_FALSE(parse_tensor(serialized(neg), d, err));

  onnx::TensorProto s;
  s.set_data_type(onnx::TensorProto::STRING);
  s.add_string_data("a");
  EXPECT_FALSE(parse_tensor(serialized(s), d, err));
  EXPECT_NE(err.find("STRING"), std::string::npos) << err;

  EXPECT_FALSE(parse_tensor(std::string("\xff\xff\xff\xff", 4), d, err));
  EXPECT_FALSE(read_tensor_file("/nonexistent/input_0.pb", d, err));
}

// x[1,2] -> MatMul W (2x1) -> Sigmoid, and x -> AveragePool 2x2 of a [1,1,2,2] map: bounds
// worked by hand from the rules of error_model.h.
TEST(ErrorModel, HandDerivedBounds) {
  onnx::ModelProto mp;
  auto* op = mp.add_opset_import();
  op->set_version(13);
  auto* g = mp.mutable_graph();
  auto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(2);
  w->add_dims(1);
  w->add_float_data(0.5f);
  w->add_float_data(-0.1f);  // not a multiple of 2^-12: quantisation error |q - v|
  auto* n1 = g->add_node();
  n1->set_op_type("MatMul");
  n1->add_input("x");
  n1->add_input("W");
  n1->add_output("m");
  auto* n2 = g->add_node();
  n2->set_op_type("Sigmoid");
  n2->add_input("m");
  n2->add_output("y");
  g->add_output()->set_name("y");
  g->add_output()->set_name("m");

  TensorData x;
  x.dims = {1, 2};
  x.v = {1.0, 0.3};
  Numerics num;  // f = 12, X = 128, 16-bit LUT
  const ErrorModel em = error_model(mp, {{"x", x}}, num);
  ASSERT_TRUE(em.ok) << em.error;
  const double u = 1.0 / 4096, h = u / 2;
  const double ex = std::fabs(std::nearbyint(0.3 * 4096) / 4096 - 0.3);   // 0.2 u
  const double dw = std::fabs(std::nearbyint(-0.1f * 4096.0) / 4096 - double(-0.1f));
  const double em_m = (0.5 + double(0.1f)) * ex + dw * (1.0 + ex) + 1 * h;  // Σ|w|·e_x + Σδw·(A+e) + 1 block
  EXPECT_NEAR(em.outputs.at("m").e, em_m, 1e-12);
  EXPECT_NEAR(em.outputs.at("m").A, 0.5 + double(0.1f), 1e-7);  // 0.5·1 + 0.1·1
  EXPECT_NEAR(em.outputs.at("y").e, em_m / 4 + h, 1e-12);    // sigmoid slope 1/4 + entry rounding

  onnx::ModelProto ap;
  ap.add_opset_import()->set_version(13);
  auto* g2 = ap.mutable_graph();
  auto* p = g2->add_node();
  p->set_op_type("AveragePool");
  p->add_input("x");
  p->add_output("y");
  auto* ks = p->add_attribute();
  ks->set_name("kernel_shape");
  ks->set_type(onnx::AttributeProto::INTS);
  ks->add_ints(2);
  ks->add_ints(2);
  g2->add_output()->set_name("y");
  TensorData m;
  m.dims = {1, 1, 2, 2};
  m.v = {1.0, 2.0, -1.0, 0.5};  // all exact in Q3.12
  const ErrorModel e2 = error_model(ap, {{"x", m}}, num);
  ASSERT_TRUE(e2.ok) << e2.error;
  EXPECT_NEAR(e2.outputs.at("y").e, 4 * h, 1e-15);  // q(1/4) exact: four rounded terms
  // 3x3 window: q(1/9) is off by |rne(4096/9)/4096 - 1/9|, nine terms of magnitude <= 2
  ks->set_ints(0, 3);
  ks->set_ints(1, 3);
  m.dims = {1, 1, 3, 3};
  m.v = {2, 0, 0, 0, 0, 0, 0, 0, 0};
  const ErrorModel e3 = error_model(ap, {{"x", m}}, num);
  ASSERT_TRUE(e3.ok) << e3.error;
  const double d9 = std::fabs(std::nearbyint(4096.0 / 9) / 4096 - 1.0 / 9);
  EXPECT_NEAR(e3.outputs.at("y").e, 9 * 2.0 * d9 + 9 * h, 1e-15);

  g2->mutable_node(0)->set_op_type("Erf");
  EXPECT_FALSE(error_model(ap, {{"x", m}}, num).ok);
}

TEST(Selection, OperatorsAndSlots) {
  EXPECT_TRUE(is_candidate({"Gemm", "Relu"}));
  EXPECT_TRUE(is_candidate({"Conv"}));
  EXPECT_FALSE(is_candidate({"Gemm", "Exp"}));
  EXPECT_FALSE(is_candidate({}));
  EXPECT_TRUE(parameter_slot("Conv", 1));
  EXPECT_TRUE(parameter_slot("Gemm", 2));
  EXPECT_FALSE(parameter_slot("Gemm", 0));
  EXPECT_FALSE(parameter_slot("Add", 1));  // a second data operand
  EXPECT_TRUE(parameter_slot("Reshape", 1));
}

// The data are installed (scripts/setup.sh) and the selection is not empty.
TEST(OnnxConformanceData, Installed) {
  const auto all = list_cases(default_data_root());
  EXPECT_GT(all.size(), 500u) << default_data_root();
  EXPECT_GT(candidate_cases(default_data_root()).size(), 50u);
}

// The harness passes a correct run, fails a run whose output is off by more than the bound or
// by one LSB from the CPU reference, and reports a refused model as unsupported with the
// compiler's message.
TEST(OnnxConformanceHarness, ClassifiesOnTheInterpreter) {
  const auto all = list_cases(default_data_root());
  const CaseInfo* gemm = find_case(all, "node/test_gemm_default_no_bias");
  const CaseInfo* transa = find_case(all, "node/test_gemm_transposeA");
  ASSERT_NE(gemm, nullptr);
  ASSERT_NE(transa, nullptr);
  const PlatformConfig cfg = conformance_config();
  const Runner interp = interpreter_runner(cfg);
  const CaseResult ok = run_case(*gemm, cfg, interp);
  EXPECT_EQ(ok.status, Status::Passed) << ok.reason;
  EXPECT_GT(ok.max_err, 0.0);      // fixed point is not exact...
  EXPECT_LE(ok.max_err, ok.tol);   // ...but within the bound
  EXPECT_LT(ok.tol, 0.01);         // and the bound is tight enough to mean something

  int calls = 0;
  const Runner off = [&](const isa::KernelImage& img, const Words& in, Words& out, std::string& err) {
    if (!interp(img, in, out, err)) return false;
    if (calls++ == 1) out.begin()->second.back() += 41;  // +0.01 on one element of sample 1
    return true;
  };
  const CaseResult bad = run_case(*gemm, cfg, off);
  EXPECT_EQ(bad.status, Status::Failed) << bad.reason;
  EXPECT_NE(bad.reason.find("exceeds tolerance"), std::string::npos) << bad.reason;

  // One LSB off: within the ONNX tolerance, but not the word the quantised semantics define.
  calls = 0;
  const Runner lsb = [&](const isa::KernelImage& img, const Words& in, Words& out, std::string& err) {
    if (!interp(img, in, out, err)) return false;
    if (calls++ == 0) out.begin()->second.front() += 1;
    return true;
  };
  const CaseResult near = run_case(*gemm, cfg, lsb);
  EXPECT_EQ(near.status, Status::Failed) << near.reason;
  EXPECT_NE(near.reason.find("CPU reference"), std::string::npos) << near.reason;
  EXPECT_LE(near.worst_ratio, 1.0) << near.reason;

  const CaseResult un = run_case(*transa, cfg, interp);
  EXPECT_EQ(un.status, Status::Unsupported);
  EXPECT_NE(un.reason.find("transA"), std::string::npos) << un.reason;
}

// Every selected case on the test interpreter (written from the ISA spec, independently of
// the node): none may fail, and at least the FC cases known to compile must pass. The node
// runs the same cases as their own ctests.
TEST(OnnxConformanceHarness, InterpreterRunsEverySelectedCase) {
  const PlatformConfig cfg = conformance_config();
  const Runner interp = interpreter_runner(cfg);
  int passed = 0;
  for (const auto& c : candidate_cases(default_data_root())) {
    const CaseResult r = run_case(c, cfg, interp);
    EXPECT_NE(r.status, Status::Failed) << c.id << ": " << r.reason;
    passed += r.status == Status::Passed;
  }
  std::printf("%d selected cases pass on the interpreter\n", passed);
  EXPECT_GE(passed, 12);  // the Gemm/MatMul cases of the FC path (docs/onnx-conformance.md)
}

namespace {

onnx::TensorProto float_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::vector<double>& v) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t.add_dims(d);
  for (double x : v) t.add_float_data(float(x));
  return t;
}

void add_input(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims) {
  auto* vi = g->add_input();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

// A case directory in ONNX's layout: x[1,4] -> Gemm(W, b) -> op (Softmax / LogSoftmax, axis 1),
// with W and b given as graph inputs (parameters the harness must bind) and the expected
// output computed here in double, independently of the harness.
CaseInfo make_softmax_case(const std::string& op, double perturb) {
  const std::string dir = ::testing::TempDir() + "conformance_" + op + (perturb != 0 ? "_off" : "");
  std::filesystem::create_directories(dir + "/test_data_set_0");
  const std::vector<double> x = {0.5, -1.0, 0.25, 2.0};
  const std::vector<double> W = {0.5, -0.25, 1.0, 0.75, 0.1, -0.5, -0.3, 0.2, 0.6, 0.05, -0.4, 0.9};  // [4][3]
  const std::vector<double> b = {0.1, -0.2, 0.3};
  std::vector<double> z(3), y(3);
  for (int j = 0; j < 3; ++j) {
    z[j] = double(float(b[j]));
    for (int i = 0; i < 4; ++i) z[j] += double(float(x[i])) * double(float(W[i * 3 + j]));
  }
  const double m = std::max({z[0], z[1], z[2]});
  const double s = std::exp(z[0] - m) + std::exp(z[1] - m) + std::exp(z[2] - m);
  for (int j = 0; j < 3; ++j) y[j] = op == "Softmax" ? std::exp(z[j] - m) / s : z[j] - m - std::log(s);
  y[1] += perturb;

  onnx::ModelProto mp;
  mp.set_ir_version(7);
  mp.add_opset_import()->set_version(13);
  auto* g = mp.mutable_graph();
  g->set_name("softmax_case");
  add_input(g, "x", {1, 4});
  add_input(g, "W", {4, 3});
  add_input(g, "b", {3});
  auto* n1 = g->add_node();
  n1->set_op_type("Gemm");
  n1->add_input("x");
  n1->add_input("W");
  n1->add_input("b");
  n1->add_output("z");
  auto* n2 = g->add_node();
  n2->set_op_type(op);
  n2->add_input("z");
  n2->add_output("y");
  auto* ax = n2->add_attribute();
  ax->set_name("axis");
  ax->set_type(onnx::AttributeProto::INT);
  ax->set_i(1);
  g->add_output()->set_name("y");
  std::string bytes;
  mp.SerializeToString(&bytes);
  write_file(dir + "/model.onnx", bytes);
  write_file(dir + "/test_data_set_0/input_0.pb", serialized(float_tensor("x", {1, 4}, x)));
  write_file(dir + "/test_data_set_0/input_1.pb", serialized(float_tensor("W", {4, 3}, W)));
  write_file(dir + "/test_data_set_0/input_2.pb", serialized(float_tensor("b", {3}, b)));
  write_file(dir + "/test_data_set_0/output_0.pb", serialized(float_tensor("y", {1, 3}, y)));
  return {"synthetic/" + op, dir};
}

}  // namespace

// Parameters given as graph inputs are bound; the Softmax / LogSoftmax the compiler leaves to
// the host is applied to the kernel's logits and judged with the propagated tolerance.
TEST(OnnxConformanceHarness, HostSoftmaxAndParameterBinding) {
  const PlatformConfig cfg = conformance_config();
  const Runner interp = interpreter_runner(cfg);
  for (const std::string op : {"Softmax", "LogSoftmax"}) {
    const CaseResult r = run_case(make_softmax_case(op, 0.0), cfg, interp);
    EXPECT_EQ(r.status, Status::Passed) << op << ": " << r.reason;
    EXPECT_EQ(r.ops, (std::vector<std::string>{"Gemm", op}));
    EXPECT_LT(r.tol, 0.01) << op;
    EXPECT_NE(r.reason.find("bit-exact with the CPU reference (3 words)"), std::string::npos) << r.reason;  // the logits
    const CaseResult bad = run_case(make_softmax_case(op, 0.02), cfg, interp);
    EXPECT_EQ(bad.status, Status::Failed) << op << ": " << bad.reason;
  }
}
