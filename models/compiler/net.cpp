// Lowering of the prepared graph to the graph back end's Net (see net.h).
#include "compiler/net.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

namespace pumavp::compiler::net {

using graph::Constant;
using graph::Graph;
using graph::Node;
using graph::Shape;

const char* act_name(Act a) {
  switch (a) {
    case Act::None: return "none";
    case Act::Relu: return "relu";
    case Act::Sigmoid: return "sigmoid";
    case Act::Tanh: return "tanh";
    case Act::Leaky: return "leakyrelu";
  }
  return "?";
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Conv: return "conv";
    case Kind::MaxPool: return "maxpool";
    case Kind::AvgPool: return "avgpool";
    case Kind::Eltwise: return "eltwise";
    case Kind::Act: return "act";
  }
  return "?";
}

unsigned window_out(unsigned in, unsigned k, unsigned s, unsigned d, unsigned pb, unsigned pe) {
  const int64_t span = int64_t(d) * (k - 1) + 1;
  const int64_t n = int64_t(in) + pb + pe - span;
  return n < 0 ? 0 : unsigned(n / s + 1);
}

RowBlocking row_blocks(unsigned cin, unsigned kh, unsigned kw, unsigned X) {
  RowBlocking rb;
  const unsigned P = kh * kw;
  if (P <= X) {
    rb.group = std::max(1u, X / P);
    rb.nky = kh;
    for (unsigned c = 0; c < cin; c += rb.group) rb.blocks.push_back({c, std::min(cin, c + rb.group), 0, kh});
  } else {
    rb.group = 1;
    rb.nky = X / kw;  // kw <= X checked by the caller
    for (unsigned c = 0; c < cin; ++c)
      for (unsigned k = 0; k < kh; k += rb.nky) rb.blocks.push_back({c, c + 1, k, std::min(kh, k + rb.nky)});
  }
  return rb;
}

namespace {


// A graph tensor as the back end sees it: a Net tensor, possibly flattened (the consumer sees
// a vector of c·h·w values in ONNX order) or padded (a zero Pad still to fold).
struct Ref {
  unsigned t = 0;
  bool flat = false;
  unsigned pt = 0, pl = 0, pb = 0, pr = 0;
  bool padded() const { return pt || pl || pb || pr; }
};

class Lowering {
 public:
  explicit Lowering(const Graph& g) : g_(g) {
    n_.name = g.name;
    n_.file = g.file;
  }
  Net run();

 private:
  [[noreturn]] void fail(const Node& n, const std::string& what) const {
    throw CompileError(g_.error_prefix() + ": " + n.where() + ": " + what);
  }
  [[noreturn]] void unsupported_attr(const Node& n, const std::string& key, const std::string& why = "") const {
    const graph::Attr* a = n.attr(key);
    throw CompileError(fmt::format("{}: unsupported attribute {}={} of operator {} at node {}{}", g_.error_prefix(), key,
                                   a ? graph::attr_text(*a) : "?", n.op, n.name, why.empty() ? "" : " (" + why + ")"));
  }
  void allow_attrs(const Node& n, const std::set<std::string>& keys) const {
    for (const auto& [k, a] : n.attrs)
      if (!keys.count(k)) unsupported_attr(n, k);
  }
  const Ref& ref(const Node& n, size_t i) const {
    if (i >= n.inputs.size() || n.inputs[i].empty()) fail(n, fmt::format("input {} is missing", i));
    auto it = refs_.find(n.inputs[i]);
    if (it == refs_.end()) {
      if (g_.is_constant(n.inputs[i])) fail(n, "input '" + n.inputs[i] + "' is a constant where a computed tensor is expected");
      fail(n, "input '" + n.inputs[i] + "' is not computed by a supported operator");
    }
    return it->second;
  }
  const Tensor& T(const Ref& r) const { return n_.tensors[r.t]; }
  unsigned new_tensor(const std::string& name, unsigned c, unsigned h, unsigned w) {
    Tensor t;
    t.name = name;
    t.c = c;
    t.h = h;
    t.w = w;
    t.producer = int(n_.ops.size());
    n_.tensors.push_back(t);
    return unsigned(n_.tensors.size() - 1);
  }
  void no_pad(const Node& n, const Ref& r) const {
    if (r.padded()) fail(n, "reads a Pad output; a Pad folds only into a Conv, MaxPool or AveragePool");
  }
  // Spatial window attributes of Conv/MaxPool/AveragePool into op (pads adding a folded Pad).
  // one_d: the attributes have one spatial entry (N x C x L), the map is C x 1 x L.
  void window(const Node& n, Op& op, const Tensor& x, const Ref& r, unsigned kh, unsigned kw, bool one_d = false);
  void conv(const Node& n);
  void gemm(const Node& n);
  void pool(const Node& n);
  void eltwise(const Node& n);
  void activation(const Node& n);
  void pad(const Node& n);
  void view(const Node& n);
  // An activation or other consumer may fuse into the producer of `r` when `r` is that op's
  // output, read only by `n`, not a graph output and has no activation yet.
  bool can_fuse(const Node& n, const Ref& r) const;
  void emit(Op op, const std::string& out_name, unsigned c, unsigned h, unsigned w) {
    const unsigned t = new_tensor(out_name, c, h, w);
    op.out = t;
    n_.ops.push_back(std::move(op));
    refs_[out_name] = Ref{t};
  }

  const Graph& g_;
  Net n_;
  std::map<std::string, Ref> refs_;
};

bool Lowering::can_fuse(const Node& n, const Ref& r) const {
  const Tensor& t = T(r);
  if (t.producer < 0 || r.padded()) return false;
  const Op& p = n_.ops[size_t(t.producer)];
  if (p.act != Act::None || p.out != r.t) return false;
  const std::string& name = n.inputs[0];
  if (g_.is_graph_output(name) || g_.consumers(name).size() != 1) return false;
  return true;
}

void Lowering::window(const Node& n, Op& op, const Tensor& x, const Ref& r, unsigned kh, unsigned kw, bool one_d) {
  op.kh = kh;
  op.kw = kw;
  auto strides = n.attr_ints("strides", one_d ? std::vector<int64_t>{1} : std::vector<int64_t>{1, 1});
  auto dil = n.attr_ints("dilations", one_d ? std::vector<int64_t>{1} : std::vector<int64_t>{1, 1});
  auto pads = n.attr_ints("pads", one_d ? std::vector<int64_t>{0, 0} : std::vector<int64_t>{0, 0, 0, 0});
  if (one_d) {
    if (strides.size() != 1) unsupported_attr(n, "strides");
    if (dil.size() != 1) unsupported_attr(n, "dilations");
    if (pads.size() != 2) unsupported_attr(n, "pads");
    strides = {1, strides[0]};
    dil = {1, dil[0]};
    pads = {0, pads[0], 0, pads[1]};
  }
  if (strides.size() != 2) unsupported_attr(n, "strides", "2-D windows only");
  if (dil.size() != 2) unsupported_attr(n, "dilations", "2-D windows only");
  if (pads.size() != 4) unsupported_attr(n, "pads", "2-D windows only");
  for (auto v : strides)
    if (v < 1 || v > 4096) unsupported_attr(n, "strides");
  for (auto v : dil)
    if (v < 1 || v > 4096) unsupported_attr(n, "dilations");
  for (auto v : pads)
    if (v < 0 || v > 4096) unsupported_attr(n, "pads");
  op.sh = unsigned(strides[0]);
  op.sw = unsigned(strides[1]);
  op.dh = unsigned(dil[0]);
  op.dw = unsigned(dil[1]);
  const std::string ap = n.attr(("auto_pad")) ? n.attr("auto_pad")->s : "NOTSET";
  if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    const unsigned in[2] = {x.h, x.w}, k[2] = {kh, kw}, s[2] = {op.sh, op.sw}, d[2] = {op.dh, op.dw};
    for (int i = 0; i < 2; ++i) {
      const int64_t out = (int64_t(in[i]) + s[i] - 1) / s[i];
      const int64_t total = std::max<int64_t>(0, (out - 1) * s[i] + int64_t(d[i]) * (k[i] - 1) + 1 - in[i]);
      const int64_t small = total / 2, big = total - small;
      pads[size_t(i)] = ap == "SAME_UPPER" ? small : big;
      pads[size_t(i) + 2] = ap == "SAME_UPPER" ? big : small;
    }
  } else if (ap != "NOTSET") {
    unsupported_attr(n, "auto_pad");
  }
  op.pt = unsigned(pads[0]) + r.pt;
  op.pl = unsigned(pads[1]) + r.pl;
  op.pb = unsigned(pads[2]) + r.pb;
  op.pr = unsigned(pads[3]) + r.pr;
  if (op.pt >= op.dh * (kh - 1) + 1 || op.pb >= op.dh * (kh - 1) + 1 || op.pl >= op.dw * (kw - 1) + 1 ||
      op.pr >= op.dw * (kw - 1) + 1)
    fail(n, "a padding as wide as the window is not supported (a window entirely in the padding)");
}

void Lowering::conv(const Node& n) {
  allow_attrs(n, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  const Ref r = ref(n, 0);
  if (r.flat) fail(n, "a Conv over a flattened tensor is not supported");
  const Tensor& x = T(r);
  if (n.inputs.size() < 2 || !g_.is_constant(n.inputs[1])) fail(n, "the weight must be a constant initializer");
  const Constant& W = g_.constant(n.inputs[1]);
  if (W.dims.size() != 4 && W.dims.size() != 3)
    fail(n, "only 1-D and 2-D convolutions are supported (weight " + graph::shape_str(W.dims) + ")");
  if (n.attr_int("group", 1) != 1) unsupported_attr(n, "group", "grouped and depthwise convolutions are not implemented");
  const bool one_d = W.dims.size() == 3;
  if (one_d && x.h != 1) fail(n, "a 1-D convolution needs an N x C x L input");
  const unsigned cout = unsigned(W.dims[0]), cin = unsigned(W.dims[1]), kh = one_d ? 1 : unsigned(W.dims[2]),
                 kw = unsigned(W.dims[one_d ? 2 : 3]);
  if (cin != x.c) fail(n, fmt::format("the weight has {} input channels, the input {}", cin, x.c));
  if (auto ks = n.attr_ints("kernel_shape", one_d ? std::vector<int64_t>{int64_t(kw)} : std::vector<int64_t>{int64_t(kh), int64_t(kw)});
      ks != (one_d ? std::vector<int64_t>{int64_t(kw)} : std::vector<int64_t>{int64_t(kh), int64_t(kw)}))
    unsupported_attr(n, "kernel_shape", "differs from the weight's shape");
  Op op;
  op.kind = Kind::Conv;
  op.name = n.name;
  op.where = n.where();
  op.in = {r.t};
  op.cin = cin;
  op.cout = cout;
  window(n, op, x, r, kh, kw, one_d);
  op.w = W.v;
  if (n.inputs.size() >= 3 && !n.inputs[2].empty()) {
    if (!g_.is_constant(n.inputs[2])) fail(n, "the bias must be a constant initializer");
    const Constant& B = g_.constant(n.inputs[2]);
    if (B.v.size() != cout) fail(n, fmt::format("the bias has {} values, the output {} channels", B.v.size(), cout));
    op.b = B.v;
  }
  const unsigned ho = window_out(x.h, kh, op.sh, op.dh, op.pt, op.pb), wo = window_out(x.w, kw, op.sw, op.dw, op.pl, op.pr);
  if (!ho || !wo) fail(n, "the output would be empty");
  emit(std::move(op), n.outputs[0], cout, ho, wo);
}

// Gemm (alpha, beta, transB; transA = 0) or MatMul with a constant right operand: a Conv whose
// kernel covers the input map (1×1 for a vector).
void Lowering::gemm(const Node& n) {
  const bool is_gemm = n.op == "Gemm";
  if (is_gemm) allow_attrs(n, {"alpha", "beta", "transA", "transB"});
  else allow_attrs(n, {});
  if (is_gemm && n.attr_int("transA", 0) != 0) unsupported_attr(n, "transA");
  const Ref r = ref(n, 0);
  no_pad(n, r);
  const Tensor& x = T(r);
  if (!r.flat && (x.h != 1 || x.w != 1))
    fail(n, fmt::format("the input is a {}x{}x{} map; Gemm/MatMul take a vector (Flatten it first)", x.c, x.h, x.w));
  if (n.inputs.size() < 2 || !g_.is_constant(n.inputs[1])) fail(n, "the weight must be a constant initializer");
  const Constant& B = g_.constant(n.inputs[1]);
  if (B.dims.size() != 2) fail(n, "the weight must be 2-D");
  const bool tb = is_gemm && n.attr_int("transB", 0) != 0;
  const double alpha = is_gemm ? n.attr_float("alpha", 1.0) : 1.0, beta = is_gemm ? n.attr_float("beta", 1.0) : 1.0;
  const uint64_t K = uint64_t(tb ? B.dims[1] : B.dims[0]), N = uint64_t(tb ? B.dims[0] : B.dims[1]);
  if (K != x.words()) fail(n, fmt::format("the weight takes {} inputs, the input has {}", K, x.words()));
  Op op;
  op.kind = Kind::Conv;
  op.gemm = true;
  op.name = n.name;
  op.where = n.where();
  op.in = {r.t};
  op.cin = x.c;
  op.cout = unsigned(N);
  op.kh = x.h;
  op.kw = x.w;
  // ONNX flatten order of a C×H×W map: k = (c·H + y)·W + x, the Conv weight [n][c][y][x].
  op.w.resize(size_t(N) * K);
  for (uint64_t j = 0; j < N; ++j)
    for (uint64_t k = 0; k < K; ++k) op.w[j * K + k] = alpha * (tb ? B.v[j * K + k] : B.v[k * N + j]);
  if (is_gemm && n.inputs.size() >= 3 && !n.inputs[2].empty()) {
    if (!g_.is_constant(n.inputs[2])) fail(n, "the bias must be a constant initializer");
    const Constant& C = g_.constant(n.inputs[2]);
    if (C.v.size() != N && C.v.size() != 1) fail(n, fmt::format("the bias has {} values, the output {}", C.v.size(), N));
    op.b.resize(N);
    for (uint64_t j = 0; j < N; ++j) op.b[j] = beta * C.v[C.v.size() == 1 ? 0 : j];
  }
  emit(std::move(op), n.outputs[0], unsigned(N), 1, 1);
}

void Lowering::pool(const Node& n) {
  const bool global = n.op == "GlobalAveragePool", avg = n.op != "MaxPool";
  if (global) allow_attrs(n, {});
  else if (avg) allow_attrs(n, {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  else allow_attrs(n, {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  if (n.outputs.size() > 1 && !n.outputs[1].empty()) fail(n, "the Indices output of MaxPool is not supported");
  if (n.attr_int("ceil_mode", 0) != 0) unsupported_attr(n, "ceil_mode");
  if (n.attr_int("storage_order", 0) != 0) unsupported_attr(n, "storage_order");
  const Ref r = ref(n, 0);
  if (r.flat) fail(n, "pooling a flattened tensor is not supported");
  const Tensor& x = T(r);
  Op op;
  op.kind = avg ? Kind::AvgPool : Kind::MaxPool;
  op.name = n.name;
  op.where = n.where();
  op.in = {r.t};
  if (global) {
    if (r.padded()) fail(n, "a Pad before GlobalAveragePool is not supported");
    op.kh = x.h;
    op.kw = x.w;
  } else {
    const auto ks = n.attr_ints("kernel_shape", {});
    if (ks.size() != 2 || ks[0] < 1 || ks[1] < 1 || ks[0] > 4096 || ks[1] > 4096)
      unsupported_attr(n, "kernel_shape", "2-D windows only");
    const bool own_pads = !n.attr_ints("pads", {}).empty() || (n.attr("auto_pad") && n.attr("auto_pad")->s != "NOTSET" &&
                                                               n.attr("auto_pad")->s != "VALID");
    if (r.padded() && own_pads) fail(n, "a Pad before a pool that pads itself is not supported");
    window(n, op, x, r, unsigned(ks[0]), unsigned(ks[1]));
    if (avg) op.count_include_pad = n.attr_int("count_include_pad", 0) != 0 || r.padded();
    else op.pad_is_value = r.padded();
  }
  if (avg && (op.dh != 1 || op.dw != 1)) unsupported_attr(n, "dilations");
  const unsigned ho = window_out(x.h, op.kh, op.sh, op.dh, op.pt, op.pb), wo = window_out(x.w, op.kw, op.sw, op.dw, op.pl, op.pr);
  if (!ho || !wo) fail(n, "the output would be empty");
  emit(std::move(op), n.outputs[0], x.c, ho, wo);
}

void Lowering::eltwise(const Node& n) {
  allow_attrs(n, {});
  if (n.inputs.size() != 2) fail(n, "expected two inputs");
  const bool c0 = g_.is_constant(n.inputs[0]), c1 = g_.is_constant(n.inputs[1]);
  Op op;
  op.kind = Kind::Eltwise;
  op.name = n.name;
  op.where = n.where();
  op.elt = n.op == "Add" ? Elt::Add : n.op == "Sub" ? Elt::Sub : Elt::Mul;
  if (c0 && c1) fail(n, "both inputs are constants (not folded)");
  if (c0 || c1) {
    if (c0 && op.elt == Elt::Sub) fail(n, "constant minus tensor is not supported");
    const Ref r = ref(n, c0 ? 1 : 0);
    no_pad(n, r);
    const Tensor& x = T(r);
    const Constant& k = g_.constant(n.inputs[c0 ? 0 : 1]);
    // A bias right after a Conv/Gemm (read only here, no activation yet) folds into its bias.
    std::vector<double> per(x.c);
    const size_t nk = k.v.size();
    if (nk == 1) {
      std::fill(per.begin(), per.end(), k.v[0]);
    } else if (nk == x.c && (r.flat ? x.h * x.w == 1 : true)) {
      // [C], [C,1,1], [1,C,1,1] (per channel) or [1,N] on a vector.
      const Shape& d = k.dims;
      bool per_channel = false;
      if (x.h * x.w == 1) per_channel = true;
      else if (d.size() >= 3 && d[d.size() - 1] == 1 && d[d.size() - 2] == 1) per_channel = true;
      if (!per_channel) fail(n, "the constant operand " + graph::shape_str(d) + " is not per channel");
      per = k.v;
    } else {
      fail(n, "the constant operand " + graph::shape_str(k.dims) + " must be a scalar or one value per channel");
    }
    if (op.elt != Elt::Mul && can_fuse(n, r) && n_.ops[size_t(T(r).producer)].kind == Kind::Conv) {
      Op& p = n_.ops[size_t(T(r).producer)];
      if (p.b.empty()) p.b.assign(p.cout, 0.0);
      for (unsigned j = 0; j < p.cout; ++j) p.b[j] += op.elt == Elt::Add ? per[j] : -per[j];
      refs_[n.outputs[0]] = r;
      return;
    }
    op.in = {r.t};
    op.konst = per;
    emit(std::move(op), n.outputs[0], x.c, x.h, x.w);
    refs_[n.outputs[0]].flat = r.flat;
    return;
  }
  const Ref a = ref(n, 0), b = ref(n, 1);
  no_pad(n, a);
  no_pad(n, b);
  const Tensor& ta = T(a);
  const Tensor& tb = T(b);
  if (ta.c != tb.c || ta.h != tb.h || ta.w != tb.w || a.flat != b.flat)
    fail(n, fmt::format("inputs of different shapes ({}x{}x{} and {}x{}x{}); broadcasting is not supported", ta.c, ta.h,
                        ta.w, tb.c, tb.h, tb.w));
  op.in = {a.t, b.t};
  emit(std::move(op), n.outputs[0], ta.c, ta.h, ta.w);
  refs_[n.outputs[0]].flat = a.flat;
}

void Lowering::activation(const Node& n) {
  Act act = n.op == "Relu" ? Act::Relu : n.op == "Sigmoid" ? Act::Sigmoid : n.op == "Tanh" ? Act::Tanh : Act::Leaky;
  double alpha = 0;
  if (act == Act::Leaky) {
    allow_attrs(n, {"alpha"});
    alpha = n.attr_float("alpha", 0.01);
    if (!(alpha >= 0 && alpha <= 1)) unsupported_attr(n, "alpha", "0 <= alpha <= 1 only");
  } else {
    allow_attrs(n, {});
  }
  const Ref r = ref(n, 0);
  no_pad(n, r);
  if (can_fuse(n, r)) {
    Op& p = n_.ops[size_t(T(r).producer)];
    p.act = act;
    p.alpha = alpha;
    refs_[n.outputs[0]] = r;
    n_.tensors[r.t].name = n.outputs[0];
    return;
  }
  const Tensor& x = T(r);
  Op op;
  op.kind = Kind::Act;
  op.name = n.name;
  op.where = n.where();
  op.in = {r.t};
  op.act = act;
  op.alpha = alpha;
  emit(std::move(op), n.outputs[0], x.c, x.h, x.w);
  refs_[n.outputs[0]].flat = r.flat;
}

void Lowering::pad(const Node& n) {
  allow_attrs(n, {"mode", "pads", "value"});
  if (n.attr("mode") && n.attr("mode")->s != "constant") unsupported_attr(n, "mode", "constant padding only");
  std::vector<int64_t> pads = n.attr_ints("pads", {});
  double value = n.attr_float("value", 0.0);
  if (n.inputs.size() >= 2 && !n.inputs[1].empty()) {
    if (!g_.is_constant(n.inputs[1])) fail(n, "the pads input must be a constant");
    pads.clear();
    for (double v : g_.constant(n.inputs[1]).v) pads.push_back(int64_t(v));
  }
  if (n.inputs.size() >= 3 && !n.inputs[2].empty()) {
    if (!g_.is_constant(n.inputs[2])) fail(n, "the constant_value input must be a constant");
    const auto& v = g_.constant(n.inputs[2]).v;
    value = v.empty() ? 0.0 : v[0];
  }
  if (n.inputs.size() >= 4 && !n.inputs[3].empty()) fail(n, "the axes input of Pad is not supported");
  if (value != 0.0) fail(n, fmt::format("constant_value {} is not supported (zero padding only)", value));
  const Ref r = ref(n, 0);
  if (r.flat) fail(n, "padding a flattened tensor is not supported");
  if (pads.size() != 8) fail(n, "only the padding of an N×C×H×W tensor is supported");
  for (auto p : pads)
    if (p < 0 || p > 4096) fail(n, "negative or huge pads are not supported");
  if (pads[0] || pads[1] || pads[4] || pads[5]) fail(n, "padding of the batch or channel dimension is not supported");
  for (size_t c : g_.consumers(n.outputs[0])) {
    const std::string& op = g_.nodes[c].op;
    if (op != "Conv" && op != "MaxPool" && op != "AveragePool")
      fail(n, "a Pad folds only into a Conv, MaxPool or AveragePool that reads it (read by " + g_.nodes[c].where() + ")");
  }
  if (g_.is_graph_output(n.outputs[0])) fail(n, "a Pad producing a graph output is not supported");
  Ref o = r;
  o.pt += unsigned(pads[2]);
  o.pl += unsigned(pads[3]);
  o.pb += unsigned(pads[6]);
  o.pr += unsigned(pads[7]);
  refs_[n.outputs[0]] = o;
}

// Flatten, Reshape, Squeeze, Unsqueeze, Transpose: no data moves. The result is the same map
// (a 4-D shape with the input's C, H, W) or its flattening (a shape with one dimension > 1
// that holds all its values, or [1, C·H·W]).
void Lowering::view(const Node& n) {
  const Ref r = ref(n, 0);
  no_pad(n, r);
  const Tensor& x = T(r);
  const graph::Tensor* gt = g_.find(n.outputs[0]);
  if (!gt || !gt->shape_known) fail(n, "the output's shape is not known");
  const Shape& s = gt->shape;
  Ref o = r;
  if (s.size() == 4 && s[0] == 1 && uint64_t(s[1]) == x.c && uint64_t(s[2]) == x.h && uint64_t(s[3]) == x.w && !r.flat) {
    // the same map
  } else if (graph::elements(s) == int64_t(x.words())) {
    size_t big = 0;
    for (auto d : s) big += d > 1;
    if (big > 1 && !(s.size() == 2 && s[0] == 1)) {
      if (r.flat || x.h * x.w > 1)
        fail(n, "reshaping " + graph::shape_str(g_.find(n.inputs[0])->shape) + " to " + graph::shape_str(s) +
                    " moves data; only flattening to a vector is supported");
    }
    if (n.op == "Transpose" && x.h * x.w > 1 && x.c > 1) fail(n, "a Transpose that moves data is not supported");
    o.flat = x.h * x.w > 1;
  } else {
    fail(n, "the output shape " + graph::shape_str(s) + " does not hold the input's values");
  }
  refs_[n.outputs[0]] = o;
}

Net Lowering::run() {
  if (g_.inputs.empty()) throw CompileError(g_.error_prefix() + ": the graph has no input");
  if (g_.outputs.empty()) throw CompileError(g_.error_prefix() + ": the graph has no output");
  for (const std::string& in : g_.inputs) {
    const graph::Tensor* t = g_.find(in);
    if (!t || !t->shape_known) throw CompileError(g_.error_prefix() + ": the shape of graph input '" + in + "' is not known");
    const Shape& s = t->shape;
    Tensor nt;
    nt.name = in;
    nt.graph_input = true;
    nt.layout = Layout::CHW;
    if (s.size() == 4 && s[0] == 1) {
      nt.c = unsigned(s[1]), nt.h = unsigned(s[2]), nt.w = unsigned(s[3]);
    } else if (s.size() == 3 && s[0] == 1) {
      nt.c = unsigned(s[1]), nt.w = unsigned(s[2]);  // N x C x L: a C x 1 x L map (1-D windows)
    } else if (s.size() == 3) {
      nt.c = unsigned(s[0]), nt.h = unsigned(s[1]), nt.w = unsigned(s[2]);  // elementwise use only
    } else if (graph::elements(s) >= 1 && (s.size() == 1 || (s.size() == 2 && s[0] == 1))) {
      nt.c = unsigned(graph::elements(s));
    } else {
      throw CompileError(g_.error_prefix() + ": graph input '" + in + "' has shape " + graph::shape_str(s) +
                         " (supported: [1, C, H, W], [1, C, L], [A, B, C], [1, N] or [N])");
    }
    if (nt.words() == 0 || nt.words() > (1u << 24))
      throw CompileError(g_.error_prefix() + ": graph input '" + in + "' has an unsupported size");
    n_.tensors.push_back(nt);
    n_.inputs.push_back(unsigned(n_.tensors.size() - 1));
    refs_[in] = Ref{unsigned(n_.tensors.size() - 1)};
  }
  for (const Node& n : g_.nodes) {
    const std::string& op = n.op;
    if (n.outputs.empty() || n.outputs[0].empty()) fail(n, "has no output");
    if (op == "Conv") conv(n);
    else if (op == "Gemm" || op == "MatMul") gemm(n);
    else if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") pool(n);
    else if (op == "Add" || op == "Sub" || op == "Mul") eltwise(n);
    else if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "LeakyRelu") activation(n);
    else if (op == "Pad") pad(n);
    else if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" || op == "Transpose") view(n);
    else if (op == "Concat")
      throw CompileError(g_.error_prefix() + ": unsupported operator Concat at node " + n.name +
                         " (channel concatenation is not implemented yet)");
    else throw CompileError(g_.error_prefix() + ": unsupported operator " + op + " at node " + n.name);
  }
  for (const std::string& out : g_.outputs) {
    auto it = refs_.find(out);
    if (it == refs_.end()) throw CompileError(g_.error_prefix() + ": graph output '" + out + "' is not computed");
    Tensor& t = n_.tensors[it->second.t];
    if (t.graph_input) throw CompileError(g_.error_prefix() + ": graph output '" + out + "' is a graph input");
    if (t.graph_output) throw CompileError(g_.error_prefix() + ": graph output '" + out + "' repeats another output");
    t.graph_output = true;
    t.layout = Layout::CHW;
    t.name = out;
    n_.outputs.push_back(it->second.t);
  }
  if (n_.ops.empty()) throw CompileError(g_.error_prefix() + ": the graph computes nothing");
  return n_;
}

}  // namespace

Net lower_to_net(const Graph& g) { return Lowering(g).run(); }

}  // namespace pumavp::compiler::net
