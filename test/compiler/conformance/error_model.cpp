#include "error_model.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <onnx/onnx_pb.h>

namespace pumavp::conformance {

double quant_error(double v, unsigned frac_bits) {
  const double s = std::ldexp(1.0, int(frac_bits));
  double q = std::nearbyint(v * s);  // ties to even under the default rounding mode
  q = std::min(32767.0, std::max(-32768.0, q));
  return std::fabs(q / s - v);
}

namespace {

using Shape = std::vector<int64_t>;

struct Val {
  std::optional<TensorData> c;  // a constant (initializer / Constant node)
  double A = 0, e = 0;          // bounds (data tensors)
  Shape shape;
  bool shape_known = false;
};

struct Ctx {
  const onnx::GraphProto& g;
  Numerics num;
  double h;  // u / 2
  std::map<std::string, Val> vals;
  ErrorModel res;
};

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& k) {
  for (const auto& a : n.attribute())
    if (a.name() == k) return &a;
  return nullptr;
}
int64_t attr_i(const onnx::NodeProto& n, const std::string& k, int64_t d) {
  const auto* a = find_attr(n, k);
  return a ? a->i() : d;
}
double attr_f(const onnx::NodeProto& n, const std::string& k, double d) {
  const auto* a = find_attr(n, k);
  return a ? a->f() : d;
}
std::vector<int64_t> attr_ints(const onnx::NodeProto& n, const std::string& k) {
  const auto* a = find_attr(n, k);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
}
std::string attr_s(const onnx::NodeProto& n, const std::string& k) {
  const auto* a = find_attr(n, k);
  return a ? a->s() : std::string();
}

std::string where(const onnx::NodeProto& n, int idx) {
  return "node " + (n.name().empty() ? "#" + std::to_string(idx) : n.name()) + " (" + n.op_type() + ")";
}

double max_abs(const TensorData& t) {
  double m = 0;
  for (double v : t.v) m = std::max(m, std::fabs(v));
  return m;
}
double max_qerr(const TensorData& t, unsigned f) {
  double m = 0;
  for (double v : t.v) m = std::max(m, quant_error(v, f));
  return m;
}

// A constant used as a data operand (Add's bias, a Concat piece): its quantised form.
Val const_as_data(const TensorData& t, unsigned f) {
  Val v;
  v.A = max_abs(t);
  v.e = max_qerr(t, f);
  v.shape = t.dims;
  v.shape_known = true;
  return v;
}

// The spatial output size of a sliding window (Conv / pools), ONNX's rule.
bool window_shape(const onnx::NodeProto& n, const Shape& x, const Shape& k, int64_t cout, Shape& out) {
  const size_t sp = k.size();
  if (x.size() != sp + 2) return false;
  std::vector<int64_t> st = attr_ints(n, "strides"), dil = attr_ints(n, "dilations"), pads = attr_ints(n, "pads");
  st.resize(sp, 1), dil.resize(sp, 1), pads.resize(2 * sp, 0);
  const std::string ap = attr_s(n, "auto_pad");
  const bool ceil_mode = attr_i(n, "ceil_mode", 0) != 0;
  out = {x[0], cout};
  for (size_t d = 0; d < sp; ++d) {
    const int64_t in = x[d + 2], ek = dil[d] * (k[d] - 1) + 1;
    int64_t o;
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") o = (in + st[d] - 1) / st[d];
    else {
      const int64_t pb = ap == "VALID" ? 0 : pads[d], pe = ap == "VALID" ? 0 : pads[d + sp];
      const int64_t span = in + pb + pe - ek;
      if (span < 0) return false;
      o = (ceil_mode ? (span + st[d] - 1) / st[d] : span / st[d]) + 1;
    }
    out.push_back(o);
  }
  return true;
}

bool window_has_partial(const onnx::NodeProto& n) {
  const std::string ap = attr_s(n, "auto_pad");
  if (ap == "SAME_UPPER" || ap == "SAME_LOWER" || attr_i(n, "ceil_mode", 0) != 0) return true;
  if (ap == "VALID") return false;
  for (int64_t p : attr_ints(n, "pads"))
    if (p != 0) return true;
  return false;
}

// A fully connected / convolution: weights W[o][i] (o outputs), optional bias per output.
struct Mvm {
  size_t outs = 0, k = 0;          // outputs, terms per output
  std::vector<double> w;           // outs*k
  std::vector<double> b;           // outs or empty
  size_t blocks = 1;               // row blocks (one rne each)
};

// Folds a BatchNormalization (scale s, shift t per output) into the Mvm.
bool fold_bn(Mvm& m, const onnx::NodeProto& bn, Ctx& cx) {
  std::vector<const TensorData*> p;
  for (int i = 1; i <= 4; ++i) {
    if (bn.input_size() <= i) return false;
    auto it = cx.vals.find(bn.input(i));
    if (it == cx.vals.end() || !it->second.c || it->second.c->v.size() != m.outs) return false;
    p.push_back(&*it->second.c);
  }
  const double eps = attr_f(bn, "epsilon", 1e-5);
  if (m.b.empty()) m.b.assign(m.outs, 0.0);
  for (size_t o = 0; o < m.outs; ++o) {
    const double s = p[0]->v[o] / std::sqrt(p[3]->v[o] + eps);
    for (size_t i = 0; i < m.k; ++i) m.w[o * m.k + i] *= s;
    m.b[o] = (m.b[o] - p[2]->v[o]) * s + p[1]->v[o];
  }
  return true;
}

void apply_mvm(const Mvm& m, const Val& x, Val& y, Ctx& cx, const std::string& at) {
  const unsigned f = cx.num.frac_bits;
  double e = 0, A = 0;
  for (size_t o = 0; o < m.outs; ++o) {
    double s = 0, d = 0;
    for (size_t i = 0; i < m.k; ++i) {
      const double w = m.w[o * m.k + i];
      s += std::fabs(w);
      d += quant_error(w, f);
    }
    const double bo = m.b.empty() ? 0.0 : m.b[o];
    const double eo = s * x.e + d * (x.A + x.e) + double(m.blocks) * cx.h + (m.b.empty() ? 0.0 : quant_error(bo, f));
    e = std::max(e, eo);
    A = std::max(A, s * x.A + std::fabs(bo));
  }
  y.e = e;
  y.A = A;
  if (A + e > cx.res.max_range) cx.res.max_range = A + e, cx.res.max_range_at = at;
}

size_t ceil_div(size_t a, size_t b) { return b ? (a + b - 1) / b : a; }

}  // namespace

ErrorModel error_model(const onnx::ModelProto& model, const std::map<std::string, TensorData>& data,
                       const Numerics& num) {
  const onnx::GraphProto& g = model.graph();
  Ctx cx{g, num, std::ldexp(1.0, -int(num.frac_bits) - 1), {}, {}};
  ErrorModel& res = cx.res;
  auto fail = [&](const std::string& why) {
    res.ok = false;
    res.error = why;
    return res;
  };
  const unsigned f = num.frac_bits;
  for (const auto& t : g.initializer()) {
    TensorData d;
    std::string err;
    if (!decode_tensor(t, d, err)) return fail("initializer " + t.name() + ": " + err);
    Val v;
    v.shape = d.dims;
    v.shape_known = true;
    v.c = std::move(d);
    cx.vals[t.name()] = std::move(v);
  }
  for (const auto& [name, d] : data) {
    Val v;
    v.A = max_abs(d);
    v.e = max_qerr(d, f);
    v.shape = d.dims;
    v.shape_known = true;
    cx.vals[name] = v;
    if (v.A + v.e > res.max_range) res.max_range = v.A + v.e, res.max_range_at = "input " + name;
  }
  int64_t opset = 1;
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  auto consumers = [&](const std::string& t) {
    std::vector<int> r;
    for (int i = 0; i < g.node_size(); ++i)
      for (const auto& in : g.node(i).input())
        if (in == t) {
          r.push_back(i);
          break;
        }
    return r;
  };
  auto is_output = [&](const std::string& t) {
    for (const auto& o : g.output())
      if (o.name() == t) return true;
    return false;
  };
  std::vector<bool> folded(size_t(g.node_size()), false);
  for (int ni = 0; ni < g.node_size(); ++ni) {
    const onnx::NodeProto& n = g.node(ni);
    const std::string op = n.op_type(), at = where(n, ni);
    if (n.output_size() < 1) return fail(at + " has no output");
    const std::string out = n.output(0);
    auto in = [&](int i) -> const Val* {
      if (n.input_size() <= i || n.input(i).empty()) return nullptr;
      auto it = cx.vals.find(n.input(i));
      return it == cx.vals.end() ? nullptr : &it->second;
    };
    if (op == "Constant") {
      const auto* a = find_attr(n, "value");
      TensorData d;
      std::string err;
      if (!a || !decode_tensor(a->t(), d, err)) return fail(at + ": only a tensor 'value' is modelled");
      Val v;
      v.shape = d.dims;
      v.shape_known = true;
      v.c = std::move(d);
      cx.vals[out] = std::move(v);
      continue;
    }
    const Val* x = in(0);
    if (!x) return fail(at + ": input 0 unknown");
    Val y;
    if (folded[size_t(ni)]) {
      y = *x;
      cx.vals[out] = y;
      continue;
    }
    if (x->c && (op == "Transpose" || op == "Identity")) {  // constant subgraphs of exporters
      Val v = *x;
      if (op == "Transpose") {
        const TensorData& t = *x->c;
        const size_t r = t.dims.size();
        std::vector<int64_t> perm = attr_ints(n, "perm");
        if (perm.empty())
          for (size_t i = r; i-- > 0;) perm.push_back(int64_t(i));
        if (perm.size() != r) return fail(at + ": perm");
        Shape od(r);
        for (size_t d = 0; d < r; ++d) od[d] = t.dims[size_t(perm[d])];
        std::vector<size_t> stride(r, 1);
        for (size_t d = r; d-- > 1;) stride[d - 1] = stride[d] * size_t(t.dims[d]);
        TensorData o = t;
        o.dims = od;
        std::vector<size_t> idx(r, 0);
        for (size_t k = 0; k < t.v.size(); ++k) {  // idx: output index, row-major
          size_t src = 0;
          for (size_t d = 0; d < r; ++d) src += idx[d] * stride[size_t(perm[d])];
          o.v[k] = t.v[src];
          for (size_t d = r; d-- > 0;) {
            if (++idx[d] < size_t(od[d])) break;
            idx[d] = 0;
          }
        }
        v.c = std::move(o);
        v.shape = od;
      }
      cx.vals[out] = std::move(v);
      continue;
    }
    if (x->c && op != "Concat" && op != "Add" && op != "Sub" && op != "Mul")
      return fail(at + ": a constant operand of this operator is not modelled");
    const Val xv = x->c ? const_as_data(*x->c, f) : *x;
    if (op == "Gemm" || op == "MatMul" || op == "Conv") {
      const Val* wv = in(1);
      if (!wv || !wv->c) return fail(at + ": the weight operand is not a constant");
      const TensorData& W = *wv->c;
      Mvm m;
      const size_t X = num.xbar_size;
      if (op == "Conv") {
        if (W.dims.size() < 3) return fail(at + ": weight rank");
        m.outs = size_t(W.dims[0]);
        m.k = W.v.size() / std::max<size_t>(1, m.outs);
        m.w = W.v;  // [co][ci][k...] is already output-major
        size_t P = 1;
        for (size_t d = 2; d < W.dims.size(); ++d) P *= size_t(W.dims[d]);
        const size_t cin = size_t(W.dims[1]);
        m.blocks = P <= X ? ceil_div(cin, X / P) : cin * (P / size_t(W.dims.back()));
        const Val* bv = in(2);
        if (bv) {
          if (!bv->c || bv->c->v.size() != m.outs) return fail(at + ": bias is not a constant per output");
          m.b = bv->c->v;
        }
        Shape k(W.dims.begin() + 2, W.dims.end());
        if (xv.shape_known && window_shape(n, xv.shape, k, W.dims[0], y.shape)) y.shape_known = true;
      } else {
        if (W.dims.size() != 2) return fail(at + ": right operand of rank " + std::to_string(W.dims.size()));
        const bool tb = op == "Gemm" && attr_i(n, "transB", 0) != 0;
        const size_t K = size_t(tb ? W.dims[1] : W.dims[0]), N = size_t(tb ? W.dims[0] : W.dims[1]);
        const double alpha = op == "Gemm" ? attr_f(n, "alpha", 1.0) : 1.0;
        const double beta = op == "Gemm" ? attr_f(n, "beta", 1.0) : 1.0;
        m.outs = N, m.k = K, m.blocks = ceil_div(K, X);
        m.w.resize(N * K);
        for (size_t kk = 0; kk < K; ++kk)
          for (size_t j = 0; j < N; ++j) m.w[j * K + kk] = alpha * W.v[tb ? j * K + kk : kk * N + j];
        const Val* cv = op == "Gemm" ? in(2) : nullptr;
        if (cv) {
          if (!cv->c) return fail(at + ": bias is not a constant");
          const TensorData& C = *cv->c;
          // C broadcasts to [M, N]: per output column j take its worst entry.
          m.b.assign(N, 0.0);
          if (C.v.size() == 1) std::fill(m.b.begin(), m.b.end(), beta * C.v[0]);
          else if (C.v.size() == N) for (size_t j = 0; j < N; ++j) m.b[j] = beta * C.v[j];
          else if (C.v.size() % N == 0) {
            // a bias per row and column: the error model keeps one per column, the largest
            for (size_t r = 0; r < C.v.size() / N; ++r)
              for (size_t j = 0; j < N; ++j)
                if (std::fabs(beta * C.v[r * N + j]) > std::fabs(m.b[j])) m.b[j] = beta * C.v[r * N + j];
          } else return fail(at + ": bias shape");
        }
        if (xv.shape_known && !xv.shape.empty()) {
          y.shape = xv.shape;
          y.shape.back() = int64_t(N);
          y.shape_known = true;
        }
      }
      const std::vector<int> cons = consumers(out);
      if (cons.size() == 1 && g.node(cons[0]).op_type() == "BatchNormalization" && !is_output(out) &&
          g.node(cons[0]).input(0) == out) {
        if (!fold_bn(m, g.node(cons[0]), cx)) return fail(at + ": BatchNormalization after it not foldable");
        folded[size_t(cons[0])] = true;
      }
      apply_mvm(m, xv, y, cx, at);
    } else if (op == "Relu" || op == "MaxPool" || op == "Flatten" || op == "Reshape" || op == "Squeeze" ||
               op == "Unsqueeze" || op == "Transpose" || op == "Identity" || op == "Dropout" || op == "Pad") {
      y = xv;
      y.shape_known = false;
      if (op == "Relu" || op == "Identity" || op == "Dropout") y.shape_known = xv.shape_known;
      if (op == "MaxPool") {
        if (n.output_size() > 1 && !n.output(1).empty()) return fail(at + ": the Indices output is not modelled");
        const Shape k = attr_ints(n, "kernel_shape");
        if (xv.shape_known && window_shape(n, xv.shape, k, xv.shape.size() > 1 ? xv.shape[1] : 1, y.shape))
          y.shape_known = true;
      }
      if (op == "Pad") {
        const Val* cv = in(2);
        double pv = attr_f(n, "value", 0.0);
        if (cv && cv->c && !cv->c->v.empty()) pv = cv->c->v[0];
        y.A = std::max(y.A, std::fabs(pv));
        y.e = std::max(y.e, quant_error(pv, f));
      }
    } else if (op == "LeakyRelu") {
      const double a = attr_f(n, "alpha", 0.01), da = quant_error(a, f);
      y = xv;
      y.e = std::max(xv.e, (a + da) * xv.e + xv.A * da + cx.h);
      y.A = xv.A * std::max(1.0, a);
    } else if (op == "Sigmoid" || op == "Tanh") {
      const double L = op == "Sigmoid" ? 0.25 : 1.0;
      const unsigned s = 16 - std::min(16u, num.lut_bits);
      const double idx = s > 0 ? std::ldexp(1.0, int(s) - 1 - int(f)) : 0.0;
      y = xv;
      y.e = L * xv.e + cx.h + L * idx;
      y.A = op == "Sigmoid" ? 1.0 : std::min(1.0, xv.A);
    } else if (op == "Add" || op == "Sub" || op == "Mul") {
      const Val* bp = in(1);
      if (!bp) return fail(at + ": input 1 unknown");
      const Val bv = bp->c ? const_as_data(*bp->c, f) : *bp;
      y = xv;
      if (op == "Mul") {
        y.e = xv.A * bv.e + bv.A * xv.e + xv.e * bv.e + cx.h;
        y.A = xv.A * bv.A;
      } else {
        y.e = xv.e + bv.e;
        y.A = xv.A + bv.A;
      }
      if (!(xv.shape_known && bv.shape_known && xv.shape == bv.shape)) y.shape_known = false;
    } else if (op == "Concat") {
      y = xv;
      y.shape_known = false;
      for (int i = 1; i < n.input_size(); ++i) {
        const Val* p = in(i);
        if (!p) return fail(at + ": input unknown");
        const Val v = p->c ? const_as_data(*p->c, f) : *p;
        y.e = std::max(y.e, v.e);
        y.A = std::max(y.A, v.A);
      }
    } else if (op == "AveragePool" || op == "GlobalAveragePool") {
      size_t P = 1;
      bool partial = false, include_pad = false;
      if (op == "GlobalAveragePool") {
        if (!xv.shape_known || xv.shape.size() < 3) return fail(at + ": input shape unknown");
        for (size_t d = 2; d < xv.shape.size(); ++d) P *= size_t(xv.shape[d]);
        y.shape = {xv.shape[0], xv.shape[1]};
        y.shape.resize(xv.shape.size(), 1);
        y.shape_known = true;
      } else {
        const Shape k = attr_ints(n, "kernel_shape");
        for (int64_t d : k) P *= size_t(std::max<int64_t>(1, d));
        partial = window_has_partial(n);
        include_pad = attr_i(n, "count_include_pad", 0) != 0;
        y.shape_known = xv.shape_known && window_shape(n, xv.shape, k, xv.shape.size() > 1 ? xv.shape[1] : 1, y.shape);
      }
      double e = 0;
      auto term = [&](size_t nn, size_t mm) {
        const double dn = quant_error(1.0 / double(nn), f);
        return double(mm) / double(nn) * xv.e + double(mm) * (xv.A + xv.e) * dn + double(mm) * cx.h;
      };
      if (!partial) e = term(P, P);
      else if (include_pad) e = term(P, P);  // m <= n = P: the full window is the worst
      else for (size_t nn = 1; nn <= P; ++nn) e = std::max(e, term(nn, nn));
      y.A = xv.A;
      y.e = e;
    } else if (op == "BatchNormalization") {
      std::vector<const TensorData*> p;
      for (int i = 1; i <= 4; ++i) {
        const Val* v = in(i);
        if (!v || !v->c) return fail(at + ": statistics are not constants");
        p.push_back(&*v->c);
      }
      const double eps = attr_f(n, "epsilon", 1e-5);
      double ms = 0, mds = 0, mdt = 0, mt = 0;
      for (size_t c = 0; c < p[0]->v.size() && c < p[3]->v.size() && c < p[1]->v.size() && c < p[2]->v.size(); ++c) {
        const double s = p[0]->v[c] / std::sqrt(p[3]->v[c] + eps), t = p[1]->v[c] - p[2]->v[c] * s;
        ms = std::max(ms, std::fabs(s)), mds = std::max(mds, quant_error(s, f));
        mt = std::max(mt, std::fabs(t)), mdt = std::max(mdt, quant_error(t, f));
      }
      y = xv;
      y.e = ms * xv.e + (xv.A + xv.e) * mds + cx.h + mdt;
      y.A = ms * xv.A + mt;
    } else if (op == "Softmax" || op == "LogSoftmax") {
      if (!is_output(out)) return fail(at + ": a Softmax inside the graph is not modelled");
      OutputBound ob;
      ob.e = xv.e;
      ob.A = xv.A;
      ob.host_op = op;
      ob.host_legacy = opset < 13;
      ob.host_axis = attr_i(n, "axis", opset < 13 ? 1 : -1);
      ob.host_input = n.input(0);
      res.outputs[out] = ob;
      y = xv;
      cx.vals[out] = y;
      continue;
    } else {
      return fail("no error rule for operator " + op);
    }
    if (op != "Gemm" && op != "MatMul" && op != "Conv" && y.A + y.e > res.max_range)
      res.max_range = y.A + y.e, res.max_range_at = at;
    cx.vals[out] = y;
  }
  for (const auto& o : g.output()) {
    if (res.outputs.count(o.name())) continue;
    auto it = cx.vals.find(o.name());
    if (it == cx.vals.end()) return fail("graph output " + o.name() + " unknown");
    if (it->second.c) return fail("graph output " + o.name() + " is a constant");
    OutputBound ob;
    ob.e = it->second.e;
    ob.A = it->second.A;
    res.outputs[o.name()] = ob;
  }
  res.ok = true;
  return res;
}

}  // namespace pumavp::conformance
