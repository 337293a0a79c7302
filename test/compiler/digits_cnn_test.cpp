// The trained digits CNN (kernels/models/digits_cnn.onnx, scripts/train_digits_cnn.py) on the
// CPU reference of quantised graphs: over the committed test split, the float evaluation of
// the prepared graph reproduces the accuracy torch recorded (within 0.5 points), and the
// quantised reference (Q3.12, X = 128, 16-bit LUTs, inputs quantised with q) stays within one
// point of it.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "compiler/graph.h"
#include "compiler/passes.h"
#include "graph_reference.h"

using namespace pumavp;
using namespace pumavp::compiler;
using namespace pumavp::compiler_test;

namespace {

const std::string kDir = std::string(PUMAVP_SOURCE_DIR) + "/kernels/models/";

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A little-endian, C-order .npy array (format 1.0-3.0) of '<f4' or '<i8'.
struct Npy {
  std::vector<int64_t> shape;
  std::vector<double> v;
};

Npy load_npy(const std::string& path) {
  const std::string b = slurp(path);
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0) throw std::runtime_error(path + ": not a .npy file");
  const int major = b[6];
  size_t hlen, off;
  if (major == 1) hlen = uint8_t(b[8]) | size_t(uint8_t(b[9])) << 8, off = 10;
  else hlen = uint8_t(b[8]) | size_t(uint8_t(b[9])) << 8 | size_t(uint8_t(b[10])) << 16 | size_t(uint8_t(b[11])) << 24, off = 12;
  const std::string h = b.substr(off, hlen);
  const bool f4 = h.find("'<f4'") != std::string::npos, i8 = h.find("'<i8'") != std::string::npos;
  if ((!f4 && !i8) || h.find("'fortran_order': False") == std::string::npos) throw std::runtime_error(path + ": unsupported header " + h);
  Npy n;
  size_t p = h.find('(', h.find("'shape'")) + 1;
  const size_t e = h.find(')', p);
  while (p < e) {
    const size_t q = h.find_first_of(",)", p);
    const std::string tok = h.substr(p, q - p);
    if (tok.find_first_not_of(' ') != std::string::npos) n.shape.push_back(std::stoll(tok));
    p = q + 1;
  }
  size_t count = 1;
  for (int64_t d : n.shape) count *= size_t(d);
  const size_t data = off + hlen, width = f4 ? 4 : 8;
  if (b.size() != data + count * width) throw std::runtime_error(path + ": size does not match the shape");
  for (size_t i = 0; i < count; ++i) {
    if (f4) {
      float x;
      std::memcpy(&x, &b[data + 4 * i], 4);
      n.v.push_back(x);
    } else {
      int64_t x;
      std::memcpy(&x, &b[data + 8 * i], 8);
      n.v.push_back(double(x));
    }
  }
  return n;
}

template <class T>
size_t argmax(const std::vector<T>& v) {  // the first maximum (numpy's rule)
  size_t k = 0;
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] > v[k]) k = i;
  return k;
}

}  // namespace

TEST(DigitsCnn, QuantisedReferenceKeepsTheFloatAccuracy) {
  graph::Graph g = graph::import_onnx(slurp(kDir + "digits_cnn.onnx"), "digits_cnn.onnx");
  graph::prepare(g);
  ASSERT_EQ(g.inputs, std::vector<std::string>{"image"});
  ASSERT_EQ(g.outputs, std::vector<std::string>{"logits"});
  bool has_conv = false;
  for (const auto& n : g.nodes) has_conv |= n.op == "Conv";
  EXPECT_TRUE(has_conv);
  const Npy x = load_npy(kDir + "digits_test_x.npy"), y = load_npy(kDir + "digits_test_y.npy");
  ASSERT_EQ(x.shape, (std::vector<int64_t>{int64_t(y.v.size()), 1, 8, 8}));
  const auto info = nlohmann::json::parse(slurp(kDir + "digits_cnn.json"));
  const double recorded = info.at("float_test_accuracy").get<double>();
  ASSERT_EQ(info.at("n_test").get<size_t>(), y.v.size());

  RefParams p;
  p.frac_bits = 12;
  p.xbar_size = 128;
  p.lut_bits = 16;
  size_t ok_float = 0, ok_quant = 0, agree = 0;
  const size_t N = y.v.size();
  for (size_t i = 0; i < N; ++i) {
    std::vector<double> xf(x.v.begin() + long(i * 64), x.v.begin() + long((i + 1) * 64));
    std::vector<int16_t> xq;
    for (double v : xf) xq.push_back(ref_quantize(v, p.frac_bits));
    const auto lf = float_graph(g, {{"image", xf}}).at("logits");
    const auto lq = reference_graph(g, p, {{"image", xq}}).at("logits");
    ASSERT_EQ(lf.size(), 10u);
    ASSERT_EQ(lq.size(), 10u);
    const size_t label = size_t(y.v[i]);
    ok_float += argmax(lf) == label;
    ok_quant += argmax(lq) == label;
    agree += argmax(lf) == argmax(lq);
  }
  const double acc_f = double(ok_float) / double(N), acc_q = double(ok_quant) / double(N);
  std::printf("digits CNN over %zu test images: float %.2f %% (recorded %.2f %%), quantised reference %.2f %%, "
              "same class %zu/%zu\n",
              N, 100 * acc_f, 100 * recorded, 100 * acc_q, agree, N);
  EXPECT_NEAR(acc_f, recorded, 0.005);
  EXPECT_NEAR(acc_q, recorded, 0.01);
  EXPECT_GT(acc_f, 0.9);  // a trained network, not chance
}
