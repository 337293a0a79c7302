// Random convolutional ONNX models for the graph back end's tests: a chain of layers over an
// N×C×H×W input (Conv with pads/strides/dilations and bias, pools, activations, a residual
// Add around a same-shape Conv, Flatten + Gemm), with seeded weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "onnx_build.h"

namespace pumavp::compiler_test {

struct CnnLayer {
  enum Kind { Conv, Relu, Sigmoid, Tanh, Leaky, MaxPool, AvgPool, GlobalAvg, Residual, Gemm, PadConv } kind;
  unsigned cout = 0, k = 3, stride = 1, pad = 0, dil = 1;  // Conv / pools / Residual (a k×k, pad k/2 conv)
  bool bias = true;
  bool count_include_pad = false;
};

struct CnnSpec {
  unsigned c = 1, h = 8, w = 8;
  std::vector<CnnLayer> layers;
  double wscale = 0.5;
};

// Splitmix64 uniform in [-s, s].
inline double cnn_uniform(uint64_t& st, double s) {
  uint64_t z = (st += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double(z >> 11) / double(1ull << 53) * 2 - 1) * s;
}

// The ONNX bytes; `out_c/out_h/out_w` get the output shape (a vector: c = size, h = w = 1).
inline std::string build_cnn(const CnnSpec& sp, uint64_t seed, unsigned& out_c, unsigned& out_h, unsigned& out_w) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto& g = *m.mutable_graph();
  g.set_name("cnn");
  uint64_t st = seed;
  unsigned c = sp.c, h = sp.h, w = sp.w;
  bool flat = false;
  std::string cur = "x";
  int id = 0;
  auto name = [&](const std::string& p) { return p + std::to_string(id++); };
  auto weights = [&](const std::string& n, std::vector<int64_t> dims, double s) {
    size_t cnt = 1;
    for (auto d : dims) cnt *= size_t(d);
    std::vector<double> v(cnt);
    for (auto& x : v) x = cnn_uniform(st, s);
    add_init(g, n, dims, v);
  };
  auto conv = [&](const std::string& in, unsigned cout, unsigned k, unsigned s, unsigned p, unsigned d, bool bias) {
    const std::string n = name("conv"), wn = n + ".w", bn = n + ".b", out = n + ".y";
    weights(wn, {cout, c, k, k}, sp.wscale / std::sqrt(double(c * k * k)));
    std::vector<std::string> ins = {in, wn};
    if (bias) {
      weights(bn, {cout}, 0.25);
      ins.push_back(bn);
    }
    auto* nd = add_node(g, "Conv", n, ins, out);
    set_ints_attr(nd, "kernel_shape", {k, k});
    set_ints_attr(nd, "strides", {s, s});
    set_ints_attr(nd, "pads", {p, p, p, p});
    if (d != 1) set_ints_attr(nd, "dilations", {d, d});
    h = (h + 2 * p - d * (k - 1) - 1) / s + 1;
    w = (w + 2 * p - d * (k - 1) - 1) / s + 1;
    c = cout;
    return out;
  };
  for (const CnnLayer& L : sp.layers) {
    switch (L.kind) {
      case CnnLayer::Conv: cur = conv(cur, L.cout, L.k, L.stride, L.pad, L.dil, L.bias); break;
      case CnnLayer::PadConv: {
        const std::string pn = name("pad"), pads = pn + ".pads", out = pn + ".y";
        add_int_init(g, pads, {8}, {0, 0, L.pad, L.pad, 0, 0, L.pad, L.pad});
        add_node(g, "Pad", pn, {cur, pads}, out);
        h += 2 * L.pad;
        w += 2 * L.pad;
        cur = conv(out, L.cout, L.k, L.stride, 0, 1, L.bias);
        break;
      }
      case CnnLayer::Relu:
      case CnnLayer::Sigmoid:
      case CnnLayer::Tanh:
      case CnnLayer::Leaky: {
        const char* op = L.kind == CnnLayer::Relu ? "Relu" : L.kind == CnnLayer::Sigmoid ? "Sigmoid"
                         : L.kind == CnnLayer::Tanh ? "Tanh" : "LeakyRelu";
        const std::string n = name("act"), out = n + ".y";
        auto* nd = add_node(g, op, n, {cur}, out);
        if (L.kind == CnnLayer::Leaky) set_float_attr(nd, "alpha", 0.125f);
        cur = out;
        break;
      }
      case CnnLayer::MaxPool:
      case CnnLayer::AvgPool: {
        const std::string n = name("pool"), out = n + ".y";
        auto* nd = add_node(g, L.kind == CnnLayer::MaxPool ? "MaxPool" : "AveragePool", n, {cur}, out);
        set_ints_attr(nd, "kernel_shape", {L.k, L.k});
        set_ints_attr(nd, "strides", {L.stride, L.stride});
        if (L.pad) set_ints_attr(nd, "pads", {L.pad, L.pad, L.pad, L.pad});
        if (L.kind == CnnLayer::AvgPool && L.count_include_pad) set_int_attr(nd, "count_include_pad", 1);
        h = (h + 2 * L.pad - L.k) / L.stride + 1;
        w = (w + 2 * L.pad - L.k) / L.stride + 1;
        cur = out;
        break;
      }
      case CnnLayer::GlobalAvg: {
        const std::string n = name("gap"), out = n + ".y";
        add_node(g, "GlobalAveragePool", n, {cur}, out);
        h = w = 1;
        cur = out;
        break;
      }
      case CnnLayer::Residual: {
        const std::string a = conv(cur, c, L.k, 1, L.k / 2, 1, L.bias);
        const std::string r = name("relu") + ".y";
        add_node(g, "Relu", r.substr(0, r.size() - 2), {a}, r);
        const std::string n = name("add"), out = n + ".y";
        add_node(g, "Add", n, {r, cur}, out);
        cur = out;
        break;
      }
      case CnnLayer::Gemm: {
        if (!flat) {
          const std::string n = name("flat"), out = n + ".y";
          add_node(g, "Flatten", n, {cur}, out);
          cur = out;
          c = c * h * w;
          h = w = 1;
          flat = true;
        }
        const std::string n = name("fc"), wn = n + ".w", bn = n + ".b", out = n + ".y";
        weights(wn, {L.cout, c}, sp.wscale / std::sqrt(double(c)));
        weights(bn, {L.cout}, 0.25);
        auto* nd = add_node(g, "Gemm", n, {cur, wn, bn}, out);
        set_int_attr(nd, "transB", 1);
        c = L.cout;
        cur = out;
        break;
      }
    }
  }
  set_io_shape(g, "x", {1, sp.c, sp.h, sp.w}, cur);
  out_c = c;
  out_h = h;
  out_w = w;
  return serialize(m);
}

}  // namespace pumavp::compiler_test
