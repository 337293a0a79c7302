#include "graph_reference.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "ref_numerics.h"

namespace pumavp::compiler_test {

using compiler::graph::Graph;
using compiler::graph::Node;
using compiler::graph::Shape;

std::vector<RowBlock> conv_row_blocks(int64_t cin, int64_t kh, int64_t kw, unsigned xbar_size) {
  const int64_t X = xbar_size, P = kh * kw;
  std::vector<RowBlock> b;
  if (P <= X) {
    const int64_t G = X / P;
    for (int64_t c = 0; c < cin; c += G) b.push_back({c, std::min(cin, c + G), 0, kh});
    return b;
  }
  if (kw > X) throw std::runtime_error("graph reference: a kernel row of " + std::to_string(kw) + " is wider than the crossbar (" +
                                       std::to_string(X) + ")");
  const int64_t R = X / kw;
  for (int64_t c = 0; c < cin; ++c)
    for (int64_t ky = 0; ky < kh; ky += R) b.push_back({c, c + 1, ky, std::min(kh, ky + R)});
  return b;
}

namespace {

[[noreturn]] void fail(const Node& n, const std::string& msg) {
  throw std::runtime_error("graph reference: " + n.where() + ": " + msg);
}

int64_t count(const Shape& s) {
  int64_t e = 1;
  for (int64_t d : s) e *= d;
  return e;
}

// Window geometry of a Conv / pool over a 1×C×H×W (or 1×C×L, taken as H = 1) input.
struct Geo {
  int64_t C, H, W, Ho, Wo, kh, kw, sh, sw, dh, dw, pt, pl;
};

Geo window(const Node& n, const Shape& x, const Shape& kernel, bool pool) {
  if ((x.size() != 3 && x.size() != 4) || x[0] != 1) fail(n, "input must be 1×C×H×W or 1×C×L");
  const size_t sp = x.size() - 2;
  if (kernel.size() != sp) fail(n, "kernel rank does not match the input");
  const auto strides = n.attr_ints("strides", std::vector<int64_t>(sp, 1));
  const auto dil = n.attr_ints("dilations", std::vector<int64_t>(sp, 1));
  auto pads = n.attr_ints("pads", std::vector<int64_t>(2 * sp, 0));
  if (strides.size() != sp || dil.size() != sp || pads.size() != 2 * sp) fail(n, "strides/dilations/pads rank");
  if (pool && n.attr_int("ceil_mode", 0) != 0) fail(n, "ceil_mode=1 is not in the semantics");
  const auto* ap = n.attr("auto_pad");
  const std::string auto_pad = ap ? ap->s : "NOTSET";
  std::vector<int64_t> in(x.begin() + 2, x.end()), out(sp);
  for (size_t i = 0; i < sp; ++i) {
    const int64_t span = dil[i] * (kernel[i] - 1) + 1;
    if (auto_pad == "VALID") pads[i] = pads[i + sp] = 0;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      out[i] = (in[i] + strides[i] - 1) / strides[i];
      const int64_t total = std::max<int64_t>(0, (out[i] - 1) * strides[i] + span - in[i]);
      pads[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pads[i + sp] = total - pads[i];
    } else {
      out[i] = (in[i] + pads[i] + pads[i + sp] - span) / strides[i] + 1;
    }
    if (out[i] < 1) fail(n, "window larger than the padded input");
  }
  Geo g{};
  g.C = x[1];
  if (sp == 1) {
    g.H = 1, g.Ho = 1, g.kh = 1, g.sh = 1, g.dh = 1, g.pt = 0;
    g.W = in[0], g.Wo = out[0], g.kw = kernel[0], g.sw = strides[0], g.dw = dil[0], g.pl = pads[0];
  } else {
    g.H = in[0], g.Ho = out[0], g.kh = kernel[0], g.sh = strides[0], g.dh = dil[0], g.pt = pads[0];
    g.W = in[1], g.Wo = out[1], g.kw = kernel[1], g.sw = strides[1], g.dw = dil[1], g.pl = pads[1];
  }
  return g;
}

// Numpy broadcasting: index into an operand of shape `s` for a flat index of `out`.
size_t bcast_index(const Shape& out, const Shape& s, size_t flat) {
  size_t idx = 0, stride = 1;
  for (size_t k = 0; k < out.size(); ++k) {
    const size_t d = out.size() - 1 - k;
    const size_t coord = flat % size_t(out[d]);
    flat /= size_t(out[d]);
    if (k < s.size()) {
      const size_t sd = s.size() - 1 - k;
      if (s[sd] != 1) idx += coord * stride;
      stride *= size_t(s[sd]);
    }
  }
  return idx;
}

Shape bcast_shape(const Node& n, const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape o(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1) fail(n, "shapes do not broadcast");
    o[i] = da == 1 ? db : da;
  }
  return o;
}

// The evaluator; T = int16_t: the quantised semantics, T = double: real arithmetic.
template <class T>
class Eval {
 public:
  static constexpr bool kQ = std::is_same_v<T, int16_t>;

  Eval(const Graph& g, const RefParams& p) : g_(g), p_(p) {
    if constexpr (kQ) {
      sig_ = make_lut(Fn::Sig, p.frac_bits, p.lut_bits);
      tanh_ = make_lut(Fn::Tanh, p.frac_bits, p.lut_bits);
    }
  }

  std::map<std::string, std::vector<T>> run(const std::map<std::string, std::vector<T>>& inputs, bool all) {
    for (const std::string& in : g_.inputs) {
      auto it = inputs.find(in);
      if (it == inputs.end()) throw std::runtime_error("graph reference: no value for graph input '" + in + "'");
      if (int64_t(it->second.size()) != count(shape(in)))
        throw std::runtime_error("graph reference: input '" + in + "' has " + std::to_string(it->second.size()) + " values, its shape " +
                                 compiler::graph::shape_str(shape(in)));
      v_[in] = it->second;
    }
    for (const Node& n : g_.nodes) node(n);
    if (all) return v_;
    std::map<std::string, std::vector<T>> out;
    for (const std::string& o : g_.outputs) out[o] = get(o);
    return out;
  }

 private:
  const Graph& g_;
  RefParams p_;
  std::vector<int16_t> sig_, tanh_;
  std::map<std::string, std::vector<T>> v_;

  T conv_const(double x) const {
    if constexpr (kQ) return ref_quantize(x, p_.frac_bits);
    else return x;
  }
  Shape shape(const std::string& t) const {
    if (g_.is_constant(t)) return g_.constant(t).dims;
    const auto* ts = g_.find(t);
    if (!ts || !ts->shape_known) throw std::runtime_error("graph reference: tensor '" + t + "' has no known shape");
    return ts->shape;
  }
  std::vector<T> get(const std::string& t) const {
    auto it = v_.find(t);
    if (it != v_.end()) return it->second;
    if (g_.is_constant(t)) {
      std::vector<T> r;
      for (double x : g_.constant(t).v) r.push_back(conv_const(x));
      return r;
    }
    throw std::runtime_error("graph reference: tensor '" + t + "' has no value yet");
  }
  const std::vector<double>& real(const Node& n, size_t k) const {
    if (k >= n.inputs.size() || n.inputs[k].empty() || !g_.is_constant(n.inputs[k])) fail(n, "input " + std::to_string(k) + " must be a constant");
    return g_.constant(n.inputs[k]).v;
  }
  void set(const Node& n, std::vector<T> y) {
    if (n.outputs.empty()) fail(n, "no output");
    if (int64_t(y.size()) != count(shape(n.outputs[0])))
      fail(n, "computed " + std::to_string(y.size()) + " values for the shape " + compiler::graph::shape_str(shape(n.outputs[0])));
    for (size_t k = 1; k < n.outputs.size(); ++k)
      if (!n.outputs[k].empty() && !g_.consumers(n.outputs[k]).empty()) fail(n, "a second output is used");
    v_[n.outputs[0]] = std::move(y);
  }

  int32_t sat_add(int32_t a, int32_t b) const { return sat16(int64_t(a) + b); }
  int32_t mulr(int64_t a, int64_t b) const { return sat16(rne(a * b, p_.frac_bits)); }

  // One output of the crossbar arithmetic over the (ci, ky, kx) rows of `blocks`: w(ci, ky, kx)
  // the (quantised) weight, x(ci, ky, kx) the input (0 for padding). Quantised: each block one
  // MVM rounded once, blocks chained with saturating adds; real: the exact sum.
  template <class WF, class XF>
  T dot(const std::vector<RowBlock>& blocks, int64_t kw, WF w, XF x) const {
    if constexpr (kQ) {
      int32_t a = 0;
      for (size_t r = 0; r < blocks.size(); ++r) {
        int64_t acc = 0;
        for (int64_t c = blocks[r].c0; c < blocks[r].c1; ++c)
          for (int64_t ky = blocks[r].ky0; ky < blocks[r].ky1; ++ky)
            for (int64_t kx = 0; kx < kw; ++kx) acc += int64_t(w(c, ky, kx)) * int64_t(x(c, ky, kx));
        const int32_t part = sat16(rne(acc, p_.frac_bits));
        a = r == 0 ? part : sat_add(a, part);
      }
      return T(a);
    } else {
      double a = 0;
      for (const RowBlock& b : blocks)
        for (int64_t c = b.c0; c < b.c1; ++c)
          for (int64_t ky = b.ky0; ky < b.ky1; ++ky)
            for (int64_t kx = 0; kx < kw; ++kx) a += w(c, ky, kx) * x(c, ky, kx);
      return a;
    }
  }
  // Real arithmetic sums every row at once (no crossbar, no width limit).
  std::vector<RowBlock> blocks_for(int64_t c, int64_t kh, int64_t kw) const {
    if constexpr (kQ) return conv_row_blocks(c, kh, kw, p_.xbar_size);
    else return {RowBlock{0, c, 0, kh}};
  }
  T add_bias(T a, T b) const {
    if constexpr (kQ) return T(sat_add(a, b));
    else return a + b;
  }

  void node(const Node& n) {
    const std::string& op = n.op;
    if (op == "Conv") conv(n);
    else if (op == "Gemm" || op == "MatMul") gemm(n);
    else if (op == "Relu" || op == "LeakyRelu" || op == "Sigmoid" || op == "Tanh") activation(n);
    else if (op == "Add" || op == "Sub" || op == "Mul") elementwise(n);
    else if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") pool(n);
    else if (op == "Pad") pad(n);
    else if (op == "Concat") concat(n);
    else if (op == "Transpose") transpose(n);
    else if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" || op == "Identity" || op == "Dropout")
      set(n, get(n.inputs.at(0)));
    else fail(n, "operator not in the quantised semantics");
  }

  void conv(const Node& n) {
    if (n.attr_int("group", 1) != 1) fail(n, "group != 1");
    const Shape x = shape(n.inputs.at(0));
    const Shape ws = shape(n.inputs.at(1));
    const auto& wr = real(n, 1);
    if (ws.size() != x.size() || ws[1] != x[1]) fail(n, "weight shape");
    const Shape k = n.attr_ints("kernel_shape", Shape(ws.begin() + 2, ws.end()));
    if (k != Shape(ws.begin() + 2, ws.end())) fail(n, "kernel_shape differs from the weight");
    const Geo geo = window(n, x, k, false);
    const int64_t cout = ws[0];
    std::vector<T> w;
    for (double v : wr) w.push_back(conv_const(v));
    std::vector<T> bias(size_t(cout), T(0));
    const bool has_bias = n.inputs.size() > 2 && !n.inputs[2].empty();
    if (has_bias) {
      const auto& br = real(n, 2);
      if (int64_t(br.size()) != cout) fail(n, "bias size");
      for (int64_t c = 0; c < cout; ++c) bias[size_t(c)] = conv_const(br[size_t(c)]);
    }
    const std::vector<T> xv = get(n.inputs[0]);
    const auto blocks = blocks_for(geo.C, geo.kh, geo.kw);
    std::vector<T> y(size_t(cout * geo.Ho * geo.Wo));
    for (int64_t co = 0; co < cout; ++co)
      for (int64_t yo = 0; yo < geo.Ho; ++yo)
        for (int64_t xo = 0; xo < geo.Wo; ++xo) {
          auto wf = [&](int64_t c, int64_t ky, int64_t kx) { return w[size_t(((co * geo.C + c) * geo.kh + ky) * geo.kw + kx)]; };
          auto xf = [&](int64_t c, int64_t ky, int64_t kx) {
            const int64_t yi = yo * geo.sh - geo.pt + ky * geo.dh, xi = xo * geo.sw - geo.pl + kx * geo.dw;
            if (yi < 0 || yi >= geo.H || xi < 0 || xi >= geo.W) return T(0);
            return xv[size_t((c * geo.H + yi) * geo.W + xi)];
          };
          T a = dot(blocks, geo.kw, wf, xf);
          if (has_bias) a = add_bias(a, bias[size_t(co)]);
          y[size_t((co * geo.Ho + yo) * geo.Wo + xo)] = a;
        }
    set(n, std::move(y));
  }

  // The C×H×W map whose flattening the input `t` of a Gemm/MatMul is: back through Flatten /
  // Reshape producers (and elementwise operators applied to the flattened values: activations,
  // Add/Sub/Mul, following their computed operand) to the nearest tensor of rank 3 or 4, N = 1.
  bool map_of(std::string t, int64_t& C, int64_t& H, int64_t& W) const {
    static const std::set<std::string> kElementwise = {"Relu", "Sigmoid", "Tanh", "LeakyRelu", "Add", "Sub", "Mul"};
    for (;;) {
      const long pi = g_.producer(t);
      if (pi < 0) return false;
      const Node& p = g_.nodes[size_t(pi)];
      if (kElementwise.count(p.op)) {
        const bool first_const = g_.is_constant(p.inputs.at(0));
        t = p.inputs.at(first_const && p.inputs.size() > 1 ? 1 : 0);
        continue;
      }
      if (p.op != "Flatten" && p.op != "Reshape") return false;
      t = p.inputs.at(0);
      const Shape s = shape(t);
      if ((s.size() == 3 || s.size() == 4) && s[0] == 1) {
        C = s[1];
        H = s.size() == 4 ? s[2] : 1;
        W = s.back();
        return true;
      }
    }
  }

  void gemm(const Node& n) {
    const bool is_gemm = n.op == "Gemm";
    const Shape a = shape(n.inputs.at(0));
    const Shape b = shape(n.inputs.at(1));
    const auto& br = real(n, 1);
    if (b.size() != 2) fail(n, "the weight must be 2-D");
    const bool ta = is_gemm && n.attr_int("transA", 0), tb = is_gemm && n.attr_int("transB", 0);
    const double alpha = is_gemm ? n.attr_float("alpha", 1.0) : 1.0, beta = is_gemm ? n.attr_float("beta", 1.0) : 1.0;
    const int64_t K = tb ? b[1] : b[0], N = tb ? b[0] : b[1];
    int64_t M;
    if (is_gemm) {
      if (a.size() != 2) fail(n, "Gemm input must be 2-D");
      M = ta ? a[1] : a[0];
      if ((ta ? a[0] : a[1]) != K) fail(n, "inner dimensions differ");
    } else {
      if (a.empty() || a.back() != K) fail(n, "inner dimensions differ");
      M = count(a) / K;
    }
    // Weights (rows = inputs k, cols = outputs j) and bias, alpha/beta folded in double.
    std::vector<T> w(size_t(K * N));
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < N; ++j) w[size_t(k * N + j)] = conv_const(alpha * br[size_t(tb ? j * K + k : k * N + j)]);
    const bool has_bias = is_gemm && n.inputs.size() > 2 && !n.inputs[2].empty();
    std::vector<T> bias;
    Shape cs;
    if (has_bias) {
      cs = shape(n.inputs[2]);
      for (double v : real(n, 2)) bias.push_back(conv_const(beta * v));
      if (bcast_shape(n, {M, N}, cs) != Shape{M, N}) fail(n, "bias does not broadcast to the output");
    }
    const std::vector<T> xv = get(n.inputs[0]);
    // Row blocks: the Conv rule of the map a flattening came from, else a plain vector (P = 1).
    int64_t C = K, H = 1, W = 1;
    if (M == 1) {
      int64_t c, h, wd;
      if (map_of(n.inputs[0], c, h, wd) && c * h * wd == K) C = c, H = h, W = wd;
    }
    const auto blocks = blocks_for(C, H, W);
    std::vector<T> y(size_t(M * N));
    for (int64_t m = 0; m < M; ++m)
      for (int64_t j = 0; j < N; ++j) {
        auto wf = [&](int64_t c, int64_t ky, int64_t kx) { return w[size_t(((c * H + ky) * W + kx) * N + j)]; };
        auto xf = [&](int64_t c, int64_t ky, int64_t kx) {
          const int64_t k = (c * H + ky) * W + kx;
          return xv[size_t(ta ? k * M + m : m * K + k)];
        };
        T v = dot(blocks, W, wf, xf);
        if (has_bias) v = add_bias(v, bias[bcast_index({M, N}, cs, size_t(m * N + j))]);
        y[size_t(m * N + j)] = v;
      }
    set(n, std::move(y));
  }

  void activation(const Node& n) {
    std::vector<T> x = get(n.inputs.at(0));
    const double alpha = n.attr_float("alpha", 0.01);
    if (n.op == "LeakyRelu" && (alpha < 0 || alpha > 1)) fail(n, "LeakyRelu alpha outside [0, 1]");
    const T qa = conv_const(alpha);
    for (T& v : x) {
      if (n.op == "Relu") {
        v = std::max(v, T(0));
      } else if (n.op == "LeakyRelu") {
        if constexpr (kQ) v = T(std::max<int32_t>(v, mulr(v, qa)));
        else v = std::max(v, alpha * v);
      } else if (n.op == "Sigmoid") {
        if constexpr (kQ) v = lut_lookup(sig_, p_.lut_bits, v);
        else v = 1.0 / (1.0 + std::exp(-v));
      } else {
        if constexpr (kQ) v = lut_lookup(tanh_, p_.lut_bits, v);
        else v = std::tanh(v);
      }
    }
    set(n, std::move(x));
  }

  void elementwise(const Node& n) {
    if (n.inputs.size() != 2) fail(n, "needs two inputs");
    const Shape sa = shape(n.inputs[0]), sb = shape(n.inputs[1]);
    const Shape so = bcast_shape(n, sa, sb);
    const std::vector<T> a = get(n.inputs[0]), b = get(n.inputs[1]);
    std::vector<T> y(size_t(count(so)));
    for (size_t i = 0; i < y.size(); ++i) {
      const T u = a[bcast_index(so, sa, i)], v = b[bcast_index(so, sb, i)];
      if constexpr (kQ) {
        y[i] = T(n.op == "Add" ? sat16(int64_t(u) + v) : n.op == "Sub" ? sat16(int64_t(u) - v) : mulr(u, v));
      } else {
        y[i] = n.op == "Add" ? u + v : n.op == "Sub" ? u - v : u * v;
      }
    }
    set(n, std::move(y));
  }

  void pool(const Node& n) {
    const Shape x = shape(n.inputs.at(0));
    const bool global = n.op == "GlobalAveragePool", is_max = n.op == "MaxPool";
    if ((x.size() != 3 && x.size() != 4) || x[0] != 1) fail(n, "input must be 1×C×H×W or 1×C×L");
    Geo geo{};
    if (global) {
      geo.C = x[1], geo.H = x.size() == 4 ? x[2] : 1, geo.W = x.back();
      geo.kh = geo.H, geo.kw = geo.W, geo.Ho = geo.Wo = 1, geo.sh = geo.sw = geo.dh = geo.dw = 1;
    } else {
      const auto* k = n.attr("kernel_shape");
      if (!k) fail(n, "kernel_shape is required");
      geo = window(n, x, k->ints, true);
    }
    const bool cip = !global && !is_max && n.attr_int("count_include_pad", 0) != 0;
    const std::vector<T> xv = get(n.inputs[0]);
    std::vector<T> y(size_t(geo.C * geo.Ho * geo.Wo));
    for (int64_t c = 0; c < geo.C; ++c)
      for (int64_t yo = 0; yo < geo.Ho; ++yo)
        for (int64_t xo = 0; xo < geo.Wo; ++xo) {
          std::vector<T> in;  // the window positions inside the input, (ky, kx) row-major
          for (int64_t ky = 0; ky < geo.kh; ++ky)
            for (int64_t kx = 0; kx < geo.kw; ++kx) {
              const int64_t yi = yo * geo.sh - geo.pt + ky * geo.dh, xi = xo * geo.sw - geo.pl + kx * geo.dw;
              if (yi >= 0 && yi < geo.H && xi >= 0 && xi < geo.W) in.push_back(xv[size_t((c * geo.H + yi) * geo.W + xi)]);
            }
          if (in.empty()) fail(n, "a window holds no input position");
          T r;
          if (is_max) {
            r = *std::max_element(in.begin(), in.end());
          } else {
            const int64_t cnt = cip ? geo.kh * geo.kw : int64_t(in.size());
            if constexpr (kQ) {
              const int16_t qn = ref_quantize(1.0 / double(cnt), p_.frac_bits);
              int32_t s = 0;
              for (size_t i = 0; i < in.size(); ++i) {
                const int32_t t = mulr(in[i], qn);
                s = i == 0 ? t : sat_add(s, t);
              }
              r = T(s);
            } else {
              double s = 0;
              for (double v : in) s += v;
              r = s / double(cnt);
            }
          }
          y[size_t((c * geo.Ho + yo) * geo.Wo + xo)] = r;
        }
    set(n, std::move(y));
  }

  void pad(const Node& n) {
    const Shape x = shape(n.inputs.at(0));
    const auto* mode = n.attr("mode");
    if (mode && mode->s != "constant") fail(n, "only constant padding is in the semantics");
    std::vector<int64_t> pads;
    if (n.attr("pads")) {
      pads = n.attr_ints("pads", {});
    } else {
      for (double v : real(n, 1)) pads.push_back(int64_t(v));
    }
    double value = n.attr_float("value", 0.0);
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) value = real(n, 2).at(0);
    if (n.inputs.size() > 3 && !n.inputs[3].empty()) fail(n, "the axes input is not supported");
    if (value != 0.0) fail(n, "only a constant-zero Pad is in the semantics");
    const size_t r = x.size();
    if (pads.size() != 2 * r) fail(n, "pads rank");
    for (size_t d = 0; d < r; ++d) {
      if (pads[d] < 0 || pads[d + r] < 0) fail(n, "negative pads");
      if (d < 2 && (pads[d] || pads[d + r])) fail(n, "only spatial dimensions may be padded");
    }
    Shape o = x;
    for (size_t d = 0; d < r; ++d) o[d] += pads[d] + pads[d + r];
    const std::vector<T> xv = get(n.inputs[0]);
    std::vector<T> y(size_t(count(o)), T(0));
    for (size_t i = 0; i < xv.size(); ++i) {
      size_t rem = i, oi = 0, ostride = 1;
      for (size_t k = 0; k < r; ++k) {
        const size_t d = r - 1 - k;
        const size_t coord = rem % size_t(x[d]);
        rem /= size_t(x[d]);
        oi += (coord + size_t(pads[d])) * ostride;
        ostride *= size_t(o[d]);
      }
      y[oi] = xv[i];
    }
    set(n, std::move(y));
  }

  void concat(const Node& n) {
    const Shape o = shape(n.outputs.at(0));
    int64_t axis = n.attr_int("axis", 0);
    if (axis < 0) axis += int64_t(o.size());
    if (axis < 0 || axis >= int64_t(o.size())) fail(n, "axis");
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= o[size_t(d)];
    for (size_t d = size_t(axis) + 1; d < o.size(); ++d) inner *= o[d];
    std::vector<std::vector<T>> parts;
    std::vector<int64_t> chunk;
    for (const std::string& in : n.inputs) {
      parts.push_back(get(in));
      chunk.push_back(shape(in).at(size_t(axis)) * inner);
    }
    std::vector<T> y;
    for (int64_t i = 0; i < outer; ++i)
      for (size_t k = 0; k < parts.size(); ++k)
        y.insert(y.end(), parts[k].begin() + i * chunk[k], parts[k].begin() + (i + 1) * chunk[k]);
    set(n, std::move(y));
  }

  void transpose(const Node& n) {
    const Shape x = shape(n.inputs.at(0));
    std::vector<int64_t> perm = n.attr_ints("perm", {});
    if (perm.empty())
      for (size_t i = x.size(); i-- > 0;) perm.push_back(int64_t(i));
    Shape o;
    for (int64_t p : perm) o.push_back(x.at(size_t(p)));
    const std::vector<T> xv = get(n.inputs[0]);
    std::vector<size_t> xstride(x.size(), 1);
    for (size_t d = x.size(); d-- > 1;) xstride[d - 1] = xstride[d] * size_t(x[d]);
    std::vector<T> y(xv.size());
    for (size_t i = 0; i < y.size(); ++i) {
      size_t rem = i, src = 0;
      for (size_t k = o.size(); k-- > 0;) {
        src += (rem % size_t(o[k])) * xstride[size_t(perm[k])];
        rem /= size_t(o[k]);
      }
      y[i] = xv[src];
    }
    set(n, std::move(y));
  }
};

}  // namespace

QTensors reference_graph(const Graph& g, const RefParams& p, const QTensors& inputs) {
  return Eval<int16_t>(g, p).run(inputs, false);
}
QTensors reference_graph_all(const Graph& g, const RefParams& p, const QTensors& inputs) {
  return Eval<int16_t>(g, p).run(inputs, true);
}
FTensors float_graph(const Graph& g, const FTensors& inputs) { return Eval<double>(g, RefParams{}).run(inputs, false); }
FTensors float_graph_all(const Graph& g, const FTensors& inputs) { return Eval<double>(g, RefParams{}).run(inputs, true); }

}  // namespace pumavp::compiler_test
