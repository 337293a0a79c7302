// Graph passes: shape inference, constant folding, canonicalisation, the operator check and
// the lowering to the MLP back end's Model. See passes.h.
#include "compiler/passes.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include <fmt/format.h>

namespace pumavp::compiler::graph {

namespace {

std::string at(const Graph& g, const Node& n) { return g.error_prefix() + ": " + n.where(); }

int64_t norm_axis(int64_t axis, size_t rank, const std::string& where) {
  const int64_t r = int64_t(rank);
  if (axis < -r || axis >= r) throw CompileError(where + ": axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

// An integer operand (shape entry, axis, index) held as a double: must be integral and small.
int64_t to_int(double x, const std::string& where) {
  if (!std::isfinite(x) || x != std::trunc(x) || std::fabs(x) > double(int64_t(1) << 53))
    throw CompileError(where + ": " + fmt::format("{}", x) + " is not a valid integer operand");
  return int64_t(x);
}

// Dimensions stay within [0, 2^31] (as at import); constant folding creates at most
// kMaxFoldElements values (a small file must not unfold into gigabytes).
constexpr int64_t kMaxDim = int64_t(1) << 31;
constexpr int64_t kMaxFoldElements = int64_t(1) << 24;
void check_dims(const Shape& s, const std::string& where) {
  for (int64_t d : s)
    if (d < 0 || d > kMaxDim) throw CompileError(where + ": dimension " + std::to_string(d) + " out of range in " + shape_str(s));
  if (elements(s) > kMaxDim * 64) throw CompileError(where + ": shape " + shape_str(s) + " is too large");
}
void check_fold_size(const Shape& s, const std::string& where) {
  if (elements(s) > kMaxFoldElements)
    throw CompileError(where + ": folding would make a constant of " + std::to_string(elements(s)) + " values (the limit is " +
                       std::to_string(kMaxFoldElements) + ")");
}

int64_t mul_sat(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}
// Attribute integers (pads, strides, kernel sizes, ...) straight from the file.
std::vector<int64_t> bounded(std::vector<int64_t> v, const std::string& key, const std::string& where) {
  for (int64_t x : v)
    if (x < -kMaxDim || x > kMaxDim) throw CompileError(where + ": " + key + " entry " + std::to_string(x) + " out of range");
  return v;
}

// Strides of a row-major shape.
std::vector<int64_t> strides(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

const Shape* shape_of(const Graph& g, const std::string& name) {
  const Tensor* t = g.find(name);
  return t && t->shape_known ? &t->shape : nullptr;
}

void set_shape(Graph& g, const std::string& name, Shape s) {
  check_dims(s, g.error_prefix() + ": tensor '" + name + "'");
  Tensor& t = g.tensor(name);
  t.shape = std::move(s);
  t.shape_known = true;
}

// Shape given by a constant 1-D integer tensor (Reshape's shape, Unsqueeze's axes, ...).
std::vector<int64_t> const_ints(const Graph& g, const Node& n, size_t input) {
  if (input >= n.inputs.size() || n.inputs[input].empty())
    throw CompileError(at(g, n) + ": input " + std::to_string(input) + " is missing");
  if (!g.is_constant(n.inputs[input]))
    throw CompileError(at(g, n) + ": input '" + n.inputs[input] + "' must be a constant (it is computed at run time)");
  std::vector<int64_t> v;
  const Constant& c = g.constant(n.inputs[input]);
  if (c.v.size() > 64) throw CompileError(at(g, n) + ": input '" + n.inputs[input] + "' has " + std::to_string(c.v.size()) + " entries (at most 64 expected)");
  for (double x : c.v) {
    const int64_t k = to_int(x, at(g, n));
    if (k < -kMaxDim || k > kMaxDim) throw CompileError(at(g, n) + ": entry " + std::to_string(k) + " out of range");
    v.push_back(k);
  }
  return v;
}

Shape reshape_target(const Graph& g, const Node& n, const Shape& in, std::vector<int64_t> want) {
  const std::string where = at(g, n);
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == 0 && n.attr_int("allowzero", 0) == 0) {
      if (i >= in.size()) throw CompileError(where + ": shape entry 0 at " + std::to_string(i) + " has no input dimension to copy");
      want[i] = in[i];
    }
    if (want[i] == -1) {
      if (infer >= 0) throw CompileError(where + ": more than one -1 in the shape");
      infer = int64_t(i);
    } else if (want[i] < 0) {
      throw CompileError(where + ": negative dimension " + std::to_string(want[i]) + " in the shape");
    } else {
      known = mul_sat(known, want[i]);
    }
  }
  const int64_t total = elements(in);
  if (infer >= 0) {
    if (known == 0 || total % known) throw CompileError(where + ": cannot reshape " + shape_str(in) + " to " + shape_str(want));
    want[size_t(infer)] = total / known;
  } else if (known != total) {
    throw CompileError(where + ": cannot reshape " + shape_str(in) + " (" + std::to_string(total) + " values) to " +
                       shape_str(want));
  }
  return want;
}

std::vector<int64_t> unsqueeze_axes(const Graph& g, const Node& n) {
  if (n.attr("axes")) return n.attr_ints("axes", {});
  return const_ints(g, n, 1);  // opset 13: axes as an input
}

Shape unsqueezed(const Graph& g, const Node& n, const Shape& in) {
  std::vector<int64_t> axes = unsqueeze_axes(g, n);
  const size_t rank = in.size() + axes.size();
  for (auto& a : axes) a = norm_axis(a, rank, at(g, n));
  std::sort(axes.begin(), axes.end());
  Shape out;
  size_t k = 0;
  for (size_t i = 0; i < rank; ++i) {
    if (std::binary_search(axes.begin(), axes.end(), int64_t(i))) out.push_back(1);
    else out.push_back(in.at(k++));
  }
  return out;
}

Shape squeezed(const Graph& g, const Node& n, const Shape& in) {
  std::vector<int64_t> axes;
  if (n.attr("axes")) axes = n.attr_ints("axes", {});
  else if (n.inputs.size() > 1 && !n.inputs[1].empty()) axes = const_ints(g, n, 1);
  for (auto& a : axes) a = norm_axis(a, in.size(), at(g, n));
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) {
    const bool listed = std::find(axes.begin(), axes.end(), int64_t(i)) != axes.end();
    if (listed && in[i] != 1) throw CompileError(at(g, n) + ": cannot squeeze dimension " + std::to_string(i) + " of size " + std::to_string(in[i]));
    if ((axes.empty() && in[i] == 1) || listed) continue;
    out.push_back(in[i]);
  }
  return out;
}

int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t dil, bool ceil_mode) {
  const int64_t span = dil * (k - 1) + 1;
  const int64_t num = in + pb + pe - span;
  if (num < 0) return 0;
  return (ceil_mode ? (num + s - 1) / s : num / s) + 1;
}

// Output shape of a Conv / MaxPool / AveragePool over NCHW (any number of spatial dims).
Shape window_shape(const Graph& g, const Node& n, const Shape& x, int64_t out_channels, const Shape& kernel) {
  const std::string where = at(g, n);
  const size_t sp = x.size() - 2;
  if (kernel.size() != sp) throw CompileError(where + ": kernel has " + std::to_string(kernel.size()) + " spatial dimensions, the input " + std::to_string(sp));
  std::vector<int64_t> strides_ = bounded(n.attr_ints("strides", std::vector<int64_t>(sp, 1)), "strides", where);
  std::vector<int64_t> dil = bounded(n.attr_ints("dilations", std::vector<int64_t>(sp, 1)), "dilations", where);
  std::vector<int64_t> pads = bounded(n.attr_ints("pads", std::vector<int64_t>(2 * sp, 0)), "pads", where);
  bounded(kernel, "kernel_shape", where);
  if (strides_.size() != sp || dil.size() != sp || pads.size() != 2 * sp)
    throw CompileError(where + ": strides/dilations/pads do not match the " + std::to_string(sp) + " spatial dimensions");
  const Attr* ap = n.attr("auto_pad");
  const std::string auto_pad = ap && ap->kind == Attr::Kind::String ? ap->s : "NOTSET";
  const bool ceil_mode = n.attr_int("ceil_mode", 0) != 0;
  Shape out = {x[0], out_channels};
  for (size_t i = 0; i < sp; ++i) {
    if (strides_[i] < 1 || dil[i] < 1 || kernel[i] < 1) throw CompileError(where + ": strides, dilations and kernel sizes must be >= 1");
    if (pads[i] < 0 || pads[i + sp] < 0) throw CompileError(where + ": negative padding");
    int64_t o;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") o = (x[2 + i] + strides_[i] - 1) / strides_[i];
    else if (auto_pad == "VALID") o = pool_out(x[2 + i], kernel[i], strides_[i], 0, 0, dil[i], false);
    else o = pool_out(x[2 + i], kernel[i], strides_[i], pads[i], pads[i + sp], dil[i], ceil_mode);
    if (o < 1) throw CompileError(where + ": the window is larger than the padded input");
    out.push_back(o);
  }
  return out;
}

}  // namespace

Shape broadcast(const Shape& a, const Shape& b, const std::string& where) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      throw CompileError(where + ": shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// ------------------------------------------------------------------------- infer_shapes

void infer_shapes(Graph& g) {
  static const std::set<std::string> kSame = {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "Identity", "Dropout",
                                              "Cast", "BatchNormalization", "Softmax", "Neg", "Abs", "Sqrt",
                                              "Exp", "Clip"};
  static const std::set<std::string> kElementwise = {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min"};
  for (Node& n : g.nodes) {
    std::vector<const Shape*> in;
    bool all = true;
    for (const std::string& i : n.inputs) {
      const Shape* s = i.empty() ? nullptr : shape_of(g, i);
      in.push_back(s);
      if (!i.empty() && !s) all = false;
    }
    if (n.outputs.empty() || n.inputs.empty() || !in[0]) continue;
    const std::string where = at(g, n);
    const Shape& x = *in[0];
    const std::string& op = n.op;
    auto need = [&](size_t k) {
      if (k >= in.size() || !in[k]) throw CompileError(where + ": input " + std::to_string(k) + " has no known shape");
      return *in[k];
    };
    if (kSame.count(op)) {
      set_shape(g, n.outputs[0], x);
    } else if (kElementwise.count(op)) {
      if (!all) continue;
      Shape s = x;
      for (size_t k = 1; k < in.size(); ++k) s = broadcast(s, *in[k], where);
      set_shape(g, n.outputs[0], s);
    } else if (op == "Gemm") {
      const Shape b = need(1);
      if (x.size() != 2 || b.size() != 2) throw CompileError(where + ": Gemm takes 2-D inputs, got " + shape_str(x) + " and " + shape_str(b));
      const bool ta = n.attr_int("transA", 0), tb = n.attr_int("transB", 0);
      const int64_t M = ta ? x[1] : x[0], K = ta ? x[0] : x[1], K2 = tb ? b[1] : b[0], N = tb ? b[0] : b[1];
      if (K != K2) throw CompileError(where + ": inner dimensions " + std::to_string(K) + " and " + std::to_string(K2) + " differ");
      set_shape(g, n.outputs[0], {M, N});
    } else if (op == "MatMul") {
      const Shape b = need(1);
      if (x.empty() || b.empty()) throw CompileError(where + ": MatMul of a scalar");
      if (b.size() != 2) continue;  // batched right operands: left to check_supported
      const int64_t K = x.back();
      if (K != b[0]) throw CompileError(where + ": inner dimensions " + std::to_string(K) + " and " + std::to_string(b[0]) + " differ");
      Shape s = x;
      s.back() = b[1];
      if (x.size() == 1) s = {b[1]};
      set_shape(g, n.outputs[0], s);
    } else if (op == "Flatten") {
      const int64_t axis = norm_axis(n.attr_int("axis", 1), x.size() + 1, where);
      int64_t a = 1, b = 1;
      for (size_t i = 0; i < x.size(); ++i) (int64_t(i) < axis ? a : b) = mul_sat(int64_t(i) < axis ? a : b, x[i]);
      set_shape(g, n.outputs[0], {a, b});
    } else if (op == "Reshape") {
      if (n.inputs.size() < 2 || !g.is_constant(n.inputs[1])) continue;
      set_shape(g, n.outputs[0], reshape_target(g, n, x, const_ints(g, n, 1)));
    } else if (op == "Unsqueeze") {
      if (!n.attr("axes") && (n.inputs.size() < 2 || !g.is_constant(n.inputs[1]))) continue;
      set_shape(g, n.outputs[0], unsqueezed(g, n, x));
    } else if (op == "Squeeze") {
      if (!n.attr("axes") && n.inputs.size() > 1 && !n.inputs[1].empty() && !g.is_constant(n.inputs[1])) continue;
      set_shape(g, n.outputs[0], squeezed(g, n, x));
    } else if (op == "Transpose") {
      std::vector<int64_t> perm = n.attr_ints("perm", {});
      if (perm.empty())
        for (size_t i = x.size(); i-- > 0;) perm.push_back(int64_t(i));
      if (perm.size() != x.size()) throw CompileError(where + ": perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(x.size()));
      Shape s;
      std::set<int64_t> seen;
      for (int64_t p : perm) {
        p = norm_axis(p, x.size(), where);
        if (!seen.insert(p).second) throw CompileError(where + ": perm repeats axis " + std::to_string(p));
        s.push_back(x[size_t(p)]);
      }
      set_shape(g, n.outputs[0], s);
    } else if (op == "Shape") {
      set_shape(g, n.outputs[0], {int64_t(x.size())});
    } else if (op == "Concat") {
      if (!all) continue;
      const int64_t axis = norm_axis(n.attr_int("axis", 0), x.size(), where);
      Shape s = x;
      for (size_t k = 1; k < in.size(); ++k) {
        const Shape& y = *in[k];
        if (y.size() != x.size()) throw CompileError(where + ": inputs of different rank");
        for (size_t d = 0; d < x.size(); ++d)
          if (int64_t(d) != axis && y[d] != x[d]) throw CompileError(where + ": inputs " + shape_str(x) + " and " + shape_str(y) + " differ outside the axis");
        s[size_t(axis)] += y[size_t(axis)];
      }
      set_shape(g, n.outputs[0], s);
    } else if (op == "Gather") {
      const Shape idx = need(1);
      const int64_t axis = norm_axis(n.attr_int("axis", 0), x.size(), where);
      Shape s(x.begin(), x.begin() + axis);
      s.insert(s.end(), idx.begin(), idx.end());
      s.insert(s.end(), x.begin() + axis + 1, x.end());
      set_shape(g, n.outputs[0], s);
    } else if (op == "Conv") {
      const Shape w = need(1);
      if (x.size() < 3 || w.size() != x.size()) throw CompileError(where + ": Conv input " + shape_str(x) + " and weight " + shape_str(w) + " do not match");
      const int64_t group = n.attr_int("group", 1);
      if (group < 1 || x[1] % group || w[1] * group != x[1])
        throw CompileError(where + ": weight " + shape_str(w) + " does not match " + std::to_string(x[1]) + " input channels in " + std::to_string(group) + " group(s)");
      const Shape k = n.attr_ints("kernel_shape", Shape(w.begin() + 2, w.end()));
      set_shape(g, n.outputs[0], window_shape(g, n, x, w[0], k));
    } else if (op == "MaxPool" || op == "AveragePool") {
      if (x.size() < 3) throw CompileError(where + ": pooling needs an N×C×spatial input, got " + shape_str(x));
      const Attr* k = n.attr("kernel_shape");
      if (!k || k->kind != Attr::Kind::Ints) throw CompileError(where + ": kernel_shape is required");
      set_shape(g, n.outputs[0], window_shape(g, n, x, x[1], k->ints));
    } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      if (x.size() < 3) throw CompileError(where + ": pooling needs an N×C×spatial input, got " + shape_str(x));
      Shape s = {x[0], x[1]};
      s.resize(x.size(), 1);
      set_shape(g, n.outputs[0], s);
    } else if (op == "Pad") {
      std::vector<int64_t> pads;
      if (n.attr("pads")) pads = bounded(n.attr_ints("pads", {}), "pads", where);
      else if (n.inputs.size() > 1 && g.is_constant(n.inputs[1])) pads = const_ints(g, n, 1);
      else continue;
      if (pads.size() != 2 * x.size()) throw CompileError(where + ": pads has " + std::to_string(pads.size()) + " entries for rank " + std::to_string(x.size()));
      Shape s = x;
      for (size_t d = 0; d < x.size(); ++d) s[d] += pads[d] + pads[d + x.size()];
      set_shape(g, n.outputs[0], s);
    }
  }
}

// ------------------------------------------------------------------------- fold_constants

namespace {

// Element-wise binary op with broadcasting.
Constant binary(const Constant& a, const Constant& b, const std::function<double(double, double)>& f,
                const std::string& where) {
  Constant r;
  r.dims = broadcast(a.dims, b.dims, where);
  check_fold_size(r.dims, where);
  r.integer = a.integer && b.integer;
  const size_t rank = r.dims.size();
  const int64_t n = elements(r.dims);
  r.v.resize(size_t(n));
  const auto so = strides(r.dims);
  auto index = [&](const Constant& c, int64_t flat) {
    int64_t off = 0, st = 1;
    for (size_t d = rank; d-- > 0;) {
      const int64_t coord = (flat / so[d]) % r.dims[d];
      const size_t cd = d + c.dims.size() - rank;  // may wrap when c has fewer dims
      if (d >= rank - c.dims.size()) {
        const int64_t dim = c.dims[cd];
        off += (dim == 1 ? 0 : coord) * st;
        st *= dim;
      }
    }
    return off;
  };
  for (int64_t i = 0; i < n; ++i) r.v[size_t(i)] = f(a.v[size_t(index(a, i))], b.v[size_t(index(b, i))]);
  return r;
}

Constant transpose(const Constant& a, const std::vector<int64_t>& perm) {
  Constant r;
  r.integer = a.integer;
  for (int64_t p : perm) r.dims.push_back(a.dims[size_t(p)]);
  const auto si = strides(a.dims), so = strides(r.dims);
  r.v.resize(a.v.size());
  for (int64_t i = 0; i < int64_t(r.v.size()); ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < r.dims.size(); ++d) src += ((i / so[d]) % r.dims[d]) * si[size_t(perm[d])];
    r.v[size_t(i)] = a.v[size_t(src)];
  }
  return r;
}

}  // namespace

size_t fold_constants(Graph& g) {
  size_t folded = 0;
  std::vector<size_t> dead;
  for (size_t ni = 0; ni < g.nodes.size(); ++ni) {
    // Shapes of this node's inputs may have been found by folding earlier nodes.
    Node& n = g.nodes[ni];
    if (n.outputs.size() != 1 || n.outputs[0].empty()) continue;
    const std::string where = at(g, n);
    std::optional<Constant> out;
    if (n.op == "Shape") {
      const Shape* s = n.inputs.empty() ? nullptr : shape_of(g, n.inputs[0]);
      if (!s) continue;
      Constant c{{int64_t(s->size())}, {}, true};
      int64_t start = n.attr_int("start", 0), end = n.attr_int("end", int64_t(s->size()));
      const int64_t r = int64_t(s->size());
      if (start < 0) start += r;
      if (end < 0) end += r;
      start = std::clamp<int64_t>(start, 0, r);
      end = std::clamp<int64_t>(end, start, r);
      for (int64_t i = start; i < end; ++i) c.v.push_back(double((*s)[size_t(i)]));
      c.dims = {end - start};
      out = c;
    } else {
      bool all = !n.inputs.empty();
      for (const std::string& i : n.inputs)
        if (!i.empty() && !g.is_constant(i)) all = false;
      if (!all || n.inputs[0].empty()) continue;
      const Constant& a = g.constant(n.inputs[0]);
      auto cin = [&](size_t k) -> const Constant& { return g.constant(n.inputs.at(k)); };
      const std::string& op = n.op;
      if (op == "Identity" || op == "Cast") {
        Constant c = a;
        if (op == "Cast") {
          const int64_t to = n.attr_int("to", 1);
          const bool to_int = to == 6 || to == 7 || to == 9 || (to >= 2 && to <= 5) || to == 12 || to == 13;
          if (to_int)
            for (double& v : c.v) v = std::trunc(v);
          c.integer = to_int;
        }
        out = c;
      } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
        if (n.inputs.size() != 2) continue;
        const bool integer = a.integer && cin(1).integer;
        std::function<double(double, double)> f;
        if (op == "Add") f = [](double x, double y) { return x + y; };
        if (op == "Sub") f = [](double x, double y) { return x - y; };
        if (op == "Mul") f = [](double x, double y) { return x * y; };
        if (op == "Div") {
          if (integer) {
            for (double y : cin(1).v)
              if (y == 0) throw CompileError(where + ": integer division by zero");
            f = [](double x, double y) { return std::trunc(x / y); };
          } else {
            f = [](double x, double y) { return x / y; };
          }
        }
        out = binary(a, cin(1), f, where);
      } else if (op == "Reshape" || op == "Flatten" || op == "Unsqueeze" || op == "Squeeze") {
        Constant c = a;
        if (op == "Reshape") c.dims = reshape_target(g, n, a.dims, const_ints(g, n, 1));
        else if (op == "Unsqueeze") c.dims = unsqueezed(g, n, a.dims);
        else if (op == "Squeeze") c.dims = squeezed(g, n, a.dims);
        else {
          const int64_t axis = norm_axis(n.attr_int("axis", 1), a.dims.size() + 1, where);
          int64_t p = 1, q = 1;
          for (size_t i = 0; i < a.dims.size(); ++i) (int64_t(i) < axis ? p : q) = mul_sat(int64_t(i) < axis ? p : q, a.dims[i]);
          c.dims = {p, q};
        }
        out = c;
      } else if (op == "Transpose") {
        std::vector<int64_t> perm = n.attr_ints("perm", {});
        if (perm.empty())
          for (size_t i = a.dims.size(); i-- > 0;) perm.push_back(int64_t(i));
        for (auto& p : perm) p = norm_axis(p, a.dims.size(), where);
        out = transpose(a, perm);
      } else if (op == "Concat") {
        if (a.dims.empty()) throw CompileError(where + ": Concat of scalars");
        const int64_t axis = norm_axis(n.attr_int("axis", 0), a.dims.size(), where);
        // Concatenate as [outer, axis*inner] blocks.
        Constant c;
        c.dims = a.dims;
        c.dims[size_t(axis)] = 0;
        c.integer = true;
        int64_t outer = 1;
        for (int64_t d = 0; d < axis; ++d) outer *= a.dims[size_t(d)];
        std::vector<const Constant*> parts;
        for (size_t k = 0; k < n.inputs.size(); ++k) {
          const Constant& p = cin(k);
          if (p.dims.size() != a.dims.size()) throw CompileError(where + ": inputs of different rank");
          for (size_t d = 0; d < p.dims.size(); ++d)
            if (int64_t(d) != axis && p.dims[d] != a.dims[d]) throw CompileError(where + ": inputs differ outside the axis");
          c.dims[size_t(axis)] += p.dims[size_t(axis)];
          c.integer = c.integer && p.integer;
          parts.push_back(&p);
        }
        for (int64_t o = 0; o < outer; ++o)
          for (const Constant* p : parts) {
            const int64_t blk = int64_t(p->v.size()) / std::max<int64_t>(outer, 1);
            c.v.insert(c.v.end(), p->v.begin() + o * blk, p->v.begin() + (o + 1) * blk);
          }
        out = c;
      } else if (op == "Gather") {
        if (a.dims.empty()) throw CompileError(where + ": Gather from a scalar");
        const int64_t axis = norm_axis(n.attr_int("axis", 0), a.dims.size(), where);
        const Constant& idx = cin(1);
        Constant c;
        c.integer = a.integer;
        c.dims.assign(a.dims.begin(), a.dims.begin() + axis);
        c.dims.insert(c.dims.end(), idx.dims.begin(), idx.dims.end());
        c.dims.insert(c.dims.end(), a.dims.begin() + axis + 1, a.dims.end());
        check_fold_size(c.dims, where);
        int64_t outer = 1, inner = 1;
        for (int64_t d = 0; d < axis; ++d) outer *= a.dims[size_t(d)];
        for (size_t d = size_t(axis) + 1; d < a.dims.size(); ++d) inner *= a.dims[d];
        const int64_t dim = a.dims[size_t(axis)];
        for (int64_t o = 0; o < outer; ++o)
          for (double iv : idx.v) {
            int64_t k = to_int(iv, where);
            if (k < -dim || k >= dim) throw CompileError(where + ": index " + std::to_string(k) + " out of range for size " + std::to_string(dim));
            if (k < 0) k += dim;
            const auto b = a.v.begin() + (o * dim + k) * inner;
            c.v.insert(c.v.end(), b, b + inner);
          }
        out = c;
      } else if (op == "ConstantOfShape") {
        // The exporters' zero initial states (LSTM h0/c0): shape from a 1-D integer constant.
        Constant c;
        for (double d : a.v) c.dims.push_back(to_int(d, where));
        check_dims(c.dims, where);
        check_fold_size(c.dims, where);
        double fill = 0;
        if (const Attr* v = n.attr("value")) {
          if (v->kind != Attr::Kind::Tensor || v->t.v.size() != 1)
            throw CompileError(where + ": value must be a one-element tensor");
          fill = v->t.v[0];
          c.integer = v->t.integer;
        }
        c.v.assign(size_t(elements(c.dims)), fill);
        out = c;
      } else if (op == "Expand") {
        Shape to;
        for (double d : cin(1).v) to.push_back(to_int(d, where));
        check_dims(to, where);
        check_fold_size(broadcast(a.dims, to, where), where);  // bounds `to` as well
        Constant ones{to, std::vector<double>(size_t(elements(to)), 1.0), a.integer};
        out = binary(a, ones, [](double x, double) { return x; }, where);
      } else if (op == "Slice") {
        // Opset 10+: starts, ends, [axes], [steps] as constant inputs; ONNX clamping rules.
        const size_t rank = a.dims.size();
        auto list = [&](size_t k) {
          std::vector<int64_t> v;
          for (double d : cin(k).v) v.push_back(to_int(d, where));
          return v;
        };
        if (n.inputs.size() < 3) throw CompileError(where + ": needs starts and ends inputs");
        const std::vector<int64_t> starts = list(1), ends = list(2);
        std::vector<int64_t> axes, steps;
        if (n.inputs.size() > 3 && !n.inputs[3].empty()) axes = list(3);
        else for (size_t i = 0; i < starts.size(); ++i) axes.push_back(int64_t(i));
        if (n.inputs.size() > 4 && !n.inputs[4].empty()) steps = list(4);
        else steps.assign(starts.size(), 1);
        if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
          throw CompileError(where + ": starts, ends, axes and steps differ in length");
        std::vector<int64_t> lo(rank, 0), step(rank, 1), cnt(a.dims.begin(), a.dims.end());
        for (size_t k = 0; k < starts.size(); ++k) {
          const size_t ax = size_t(norm_axis(axes[k], rank, where));
          const int64_t dim = a.dims[ax], st = steps[k];
          if (st == 0) throw CompileError(where + ": step 0");
          int64_t b = starts[k] < 0 ? starts[k] + dim : starts[k];
          int64_t e = ends[k] < 0 ? ends[k] + dim : ends[k];
          if (st > 0) {
            b = std::clamp<int64_t>(b, 0, dim);
            e = std::clamp<int64_t>(e, 0, dim);
            cnt[ax] = e > b ? (e - b + st - 1) / st : 0;
          } else {
            b = std::clamp<int64_t>(b, 0, dim - 1);
            e = std::clamp<int64_t>(e, -1, dim - 1);
            cnt[ax] = b > e ? (b - e - st - 1) / -st : 0;
          }
          lo[ax] = b;
          step[ax] = st;
        }
        Constant c;
        c.integer = a.integer;
        c.dims = cnt;
        const auto si = strides(a.dims), so = strides(c.dims);
        c.v.resize(size_t(elements(c.dims)));
        for (int64_t i = 0; i < int64_t(c.v.size()); ++i) {
          int64_t src = 0;
          for (size_t d = 0; d < rank; ++d) src += (lo[d] + ((i / so[d]) % c.dims[d]) * step[d]) * si[d];
          c.v[size_t(i)] = a.v[size_t(src)];
        }
        out = c;
      } else {
        continue;  // not a foldable operator: left for the back end (or its check)
      }
    }
    Tensor& t = g.tensor(n.outputs[0]);
    t.value = std::move(out);
    t.shape = t.value->dims;
    t.shape_known = true;
    dead.push_back(ni);
    ++folded;
  }
  g.erase_nodes(dead);
  return folded;
}

// ------------------------------------------------------------------------- canonicalize

size_t canonicalize(Graph& g) {
  size_t changed = 0;
  // Identity and Dropout (inference: the data passes unchanged; a used mask output is refused).
  std::vector<size_t> dead;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (n.op != "Identity" && n.op != "Dropout") continue;
    if (n.inputs.empty() || n.outputs.empty()) continue;
    if (n.op == "Dropout" && n.outputs.size() > 1 && !n.outputs[1].empty() &&
        (!g.consumers(n.outputs[1]).empty() || g.is_graph_output(n.outputs[1])))
      throw CompileError(at(g, n) + ": the Dropout mask output is used (not supported at inference)");
    const std::string in = n.inputs[0], out = n.outputs[0];
    if (g.is_graph_output(out) && !g.is_graph_output(in) && g.producer(in) >= 0) {
      // Keep the graph output's name: the producer writes it directly.
      Node& p = g.nodes[size_t(g.producer(in))];
      for (std::string& o : p.outputs)
        if (o == in) o = out;
      g.replace_uses(in, out);
      g.tensor(out).shape = g.tensor(in).shape;
      g.tensor(out).shape_known = g.tensor(in).shape_known;
    } else {
      g.replace_uses(out, in);
    }
    dead.push_back(i);
    ++changed;
  }
  g.erase_nodes(dead);

  // BatchNormalization after a Conv/Gemm/MatMul with constant weights whose output only it
  // reads: y = (x - mean) * s + beta, s = gamma / sqrt(var + eps), folded per output channel.
  dead.clear();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& bn = g.nodes[i];
    if (bn.op != "BatchNormalization") continue;
    const std::string where = at(g, bn);
    if (bn.inputs.size() < 5) throw CompileError(where + ": needs X, scale, B, mean and var");
    for (size_t k = 1; k < 5; ++k)
      if (!g.is_constant(bn.inputs[k])) throw CompileError(where + ": input '" + bn.inputs[k] + "' must be a constant");
    if (bn.attr_int("training_mode", 0) != 0) throw CompileError(where + ": training_mode=1 is not supported at inference");
    for (size_t k = 1; k < bn.outputs.size(); ++k)
      if (!bn.outputs[k].empty() && !g.consumers(bn.outputs[k]).empty())
        throw CompileError(where + ": the running-statistics outputs are used (not supported at inference)");
    const long pi = g.producer(bn.inputs[0]);
    const bool single = pi >= 0 && g.consumers(bn.inputs[0]).size() == 1 && !g.is_graph_output(bn.inputs[0]);
    Node* p = single ? &g.nodes[size_t(pi)] : nullptr;
    const bool foldable = p && (p->op == "Conv" || p->op == "Gemm" || p->op == "MatMul") && p->inputs.size() >= 2 &&
                          g.is_constant(p->inputs[1]) && (p->inputs.size() < 3 || p->inputs[2].empty() || g.is_constant(p->inputs[2]));
    if (!foldable)
      throw CompileError(where + ": cannot be folded: its input is not the only use of a Conv, Gemm or MatMul output "
                         "with constant weights (a standalone BatchNormalization is not supported)");
    const double eps = bn.attr_float("epsilon", 1e-5);
    const auto& gamma = g.constant(bn.inputs[1]).v;
    const auto& beta = g.constant(bn.inputs[2]).v;
    const auto& mean = g.constant(bn.inputs[3]).v;
    const auto& var = g.constant(bn.inputs[4]).v;
    const size_t C = gamma.size();
    if (beta.size() != C || mean.size() != C || var.size() != C)
      throw CompileError(where + ": scale, B, mean and var must have one value per channel");
    std::vector<double> s(C);
    for (size_t c = 0; c < C; ++c) {
      if (var[c] + eps <= 0) throw CompileError(where + ": variance + epsilon is not positive for channel " + std::to_string(c));
      s[c] = gamma[c] / std::sqrt(var[c] + eps);
    }
    Constant w = g.constant(p->inputs[1]);
    // Output channel of each weight element.
    std::function<size_t(size_t)> channel;
    size_t out_ch = 0;
    if (p->op == "Conv") {
      if (w.dims.size() < 3) throw CompileError(where + ": the Conv weight before it has shape " + shape_str(w.dims));
      out_ch = size_t(w.dims[0]);
      const size_t per = w.v.size() / std::max<size_t>(out_ch, 1);
      channel = [per](size_t k) { return k / per; };
    } else {
      if (w.dims.size() != 2) throw CompileError(where + ": the " + p->op + " weight must be 2-D to fold into");
      const bool tb = p->op == "Gemm" && p->attr_int("transB", 0);
      out_ch = size_t(tb ? w.dims[0] : w.dims[1]);
      const size_t cols = size_t(w.dims[1]);
      channel = tb ? std::function<size_t(size_t)>([cols](size_t k) { return k / cols; })
                   : std::function<size_t(size_t)>([cols](size_t k) { return k % cols; });
      if (p->op == "Gemm" && p->attr_int("transA", 0)) throw CompileError(where + ": cannot fold into a Gemm with transA=1");
    }
    if (out_ch != C) throw CompileError(where + ": " + std::to_string(C) + " channels, the " + p->op + " before it has " + std::to_string(out_ch));
    const double alpha = p->op == "Gemm" ? p->attr_float("alpha", 1.0) : 1.0;
    const double beta_g = p->op == "Gemm" ? p->attr_float("beta", 1.0) : 1.0;
    for (size_t k = 0; k < w.v.size(); ++k) w.v[k] *= alpha * s[channel(k)];
    std::vector<double> b(C, 0.0);
    if (p->inputs.size() >= 3 && !p->inputs[2].empty()) {
      const Constant& ob = g.constant(p->inputs[2]);
      if (ob.v.size() != C) throw CompileError(where + ": the bias before it has " + std::to_string(ob.v.size()) + " values, not one per channel");
      for (size_t c = 0; c < C; ++c) b[c] = beta_g * ob.v[c];
    }
    for (size_t c = 0; c < C; ++c) b[c] = (b[c] - mean[c]) * s[c] + beta[c];
    const std::string wname = p->inputs[1] + "/bn_folded", bname = bn.name + "/bias_folded";
    Tensor& wt = g.tensor(wname);
    wt.value = w;
    wt.shape = w.dims;
    wt.shape_known = true;
    Tensor& bt = g.tensor(bname);
    bt.value = Constant{{int64_t(C)}, b, false};
    bt.shape = {int64_t(C)};
    bt.shape_known = true;
    if (p->op == "MatMul") p->op = "Gemm";  // now with a bias; MatMul was 2-D (checked above)
    p->attrs.erase("alpha");
    p->attrs.erase("beta");
    p->inputs.resize(3);
    p->inputs[1] = wname;
    p->inputs[2] = bname;
    // The producer now writes the BN's output.
    const std::string old = bn.inputs[0], out = bn.outputs[0];
    for (std::string& o : p->outputs)
      if (o == old) o = out;
    dead.push_back(i);
    ++changed;
  }
  g.erase_nodes(dead);
  return changed;
}

// ------------------------------------------------------------------------- host_softmax

std::vector<std::string> host_softmax(Graph& g) {
  std::vector<std::string> notes;
  std::vector<size_t> dead;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if ((n.op != "Softmax" && n.op != "LogSoftmax") || n.inputs.empty() || n.outputs.size() != 1) continue;
    const std::string in = n.inputs[0], out = n.outputs[0];
    if (!g.is_graph_output(out) || g.is_graph_output(in) || !g.consumers(out).empty()) continue;
    if (g.consumers(in).size() != 1 || g.producer(in) < 0) continue;  // the logits feed only it
    // The producer writes the graph output directly (the image keeps the ONNX name).
    for (std::string& o : g.nodes[size_t(g.producer(in))].outputs)
      if (o == in) o = out;
    g.tensor(out).shape = g.tensor(in).shape;
    g.tensor(out).shape_known = g.tensor(in).shape_known;
    notes.push_back(fmt::format("{} at the output ({}) is left to the host: output '{}' holds its input, the logits "
                                "(the argmax, hence the class, is the same)", n.op, n.where(), out));
    dead.push_back(i);
  }
  g.erase_nodes(dead);
  return notes;
}

// ------------------------------------------------------------------------- check_supported

namespace {

struct OpRule {
  std::set<std::string> attrs;  // attributes the back end understands
};

const std::map<std::string, OpRule>& mlp_rules() {
  static const std::map<std::string, OpRule> r = {
      {"Gemm", {{"alpha", "beta", "transA", "transB", "broadcast"}}},  // broadcast: opset <= 6
      {"MatMul", {{}}},
      {"Add", {{}}},
      {"Relu", {{}}},
      {"Sigmoid", {{}}},
      {"Tanh", {{}}},
      {"Flatten", {{"axis"}}},
      {"Reshape", {{"allowzero"}}},
      {"Squeeze", {{"axes"}}},
      {"Unsqueeze", {{"axes"}}},
      {"Transpose", {{"perm"}}},
  };
  return r;
}


}  // namespace

bool is_fully_connected_chain(const Graph& g) {
  // One data input and at least one Gemm/MatMul: a lone activation, an Add of two graph inputs
  // or a layout-only graph is no layer chain (the graph back end takes those).
  if (g.inputs.size() != 1) return false;
  bool layer = false;
  for (const Node& n : g.nodes) {
    if (!mlp_rules().count(n.op)) return false;
    layer = layer || n.op == "Gemm" || n.op == "MatMul";
  }
  return layer;
}

void check_supported(const Graph& g) {
  for (const Node& n : g.nodes) {
    auto it = mlp_rules().find(n.op);
    if (it == mlp_rules().end())
      throw CompileError(g.error_prefix() + ": unsupported operator " + n.op + " at node " + n.name);
    for (const auto& [k, a] : n.attrs)
      if (!it->second.attrs.count(k))
        throw CompileError(g.error_prefix() + ": unsupported attribute " + k + "=" + attr_text(a) + " of operator " + n.op +
                           " at node " + n.name);
    if (n.op == "Gemm" && n.attr_int("transA", 0) != 0)
      throw CompileError(g.error_prefix() + ": unsupported attribute transA=1 of operator Gemm at node " + n.name);
  }
}

// ------------------------------------------------------------------------- lower_to_model

Model lower_to_model(const Graph& g, const ShapeCheck& check_shapes) {
  const std::string file = g.error_prefix();
  if (g.inputs.size() != 1)
    throw CompileError(file + ": expected exactly one graph input (not an initializer), found " + std::to_string(g.inputs.size()));
  if (g.outputs.size() != 1) throw CompileError(file + ": expected exactly one graph output");
  Model m;
  m.name = g.name;
  m.input_name = g.inputs[0];
  m.output_name = g.outputs[0];
  std::string cur = m.input_name;  // the value flowing through the chain
  enum class Stage { Start, AfterMatmul, AfterBias, AfterAct } stage = Stage::Start;
  struct Pending {  // a layer's shape and where its values come from (copied after the shape check)
    const Node* node;
    std::string w;
    bool transB = false;
    double alpha = 1, beta = 1;
    std::string bias;  // constant name, or empty
  };
  std::vector<Pending> pend;
  for (const Node& n : g.nodes) {
    const std::string where = file + ": " + n.where();
    if (n.outputs.size() != 1) throw CompileError(where + ": expected one output");
    auto data_and_param = [&](std::string& param) {
      if (n.inputs.size() < 2) throw CompileError(where + ": expected two inputs");
      if (n.inputs[0] == cur && g.is_constant(n.inputs[1])) { param = n.inputs[1]; return 0; }
      if (n.op != "Gemm" && n.inputs[1] == cur && g.is_constant(n.inputs[0])) { param = n.inputs[0]; return 1; }
      throw CompileError(where + ": inputs must be the previous value '" + cur + "' and a constant initializer");
    };
    const std::string& op = n.op;
    if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" || op == "Transpose") {
      // Layout only: the chain carries one flat row-major vector per sample.
      if (n.inputs.empty() || n.inputs[0] != cur) throw CompileError(where + ": input must be the previous value '" + cur + "'");
      if (op == "Transpose") {
        const Shape* s = shape_of(g, cur);
        if (!s) throw CompileError(where + ": the input's shape is not known");
        std::vector<int64_t> perm = n.attr_ints("perm", {});
        if (perm.empty())
          for (size_t i = s->size(); i-- > 0;) perm.push_back(int64_t(i));
        // Only a permutation that keeps the order of the dimensions larger than 1 is layout.
        if (perm.size() != s->size()) throw CompileError(where + ": perm does not match the input's rank");
        std::vector<int64_t> big;
        for (int64_t p : perm) {
          p = norm_axis(p, s->size(), where);
          if ((*s)[size_t(p)] > 1) big.push_back(p);
        }
        if (!std::is_sorted(big.begin(), big.end()))
          throw CompileError(file + ": unsupported attribute perm=" + "[" + fmt::format("{}", fmt::join(perm, ",")) + "]" + " of operator Transpose at node " +
                             n.name + " (it moves data; only size-1 dimensions may be permuted)");
      }
      if (n.inputs.size() > 1 && !n.inputs[1].empty() && !g.is_constant(n.inputs[1]))
        throw CompileError(where + ": the shape input must be a constant");
      cur = n.outputs[0];
      continue;
    }
    if (op == "Gemm" || op == "MatMul") {
      std::string wname;
      const int data_pos = data_and_param(wname);
      if (op == "MatMul" && data_pos != 0) throw CompileError(where + ": only x*W (data as the first input) is supported");
      const Constant& w = g.constant(wname);
      if (w.dims.size() != 2) throw CompileError(where + ": weight '" + wname + "' must be 2-D");
      Pending p;
      p.node = &n;
      p.w = wname;
      if (op == "Gemm") {
        p.transB = n.attr_int("transB", 0) != 0;
        p.alpha = n.attr_float("alpha", 1.0);
        p.beta = n.attr_float("beta", 1.0);
        if (n.inputs.size() >= 3 && !n.inputs[2].empty()) {
          if (!g.is_constant(n.inputs[2])) throw CompileError(where + ": bias '" + n.inputs[2] + "' must be a constant initializer");
          p.bias = n.inputs[2];
        }
      }
      // A data value of more than one sample row (e.g. [2, N]) is a batch: not supported.
      if (const Shape* s = shape_of(g, cur); s && s->size() >= 2 && elements(*s) != s->back())
        throw CompileError(where + ": input " + shape_str(*s) + " holds more than one row (batches are not supported)");
      const size_t C = size_t(p.transB ? w.dims[0] : w.dims[1]);
      if (!p.bias.empty() && g.constant(p.bias).v.size() != C && g.constant(p.bias).v.size() != 1)
        throw CompileError(where + ": bias must have " + std::to_string(C) + " values or one (no other broadcast supported)");
      pend.push_back(p);
      stage = p.bias.empty() ? Stage::AfterMatmul : Stage::AfterBias;
    } else if (op == "Add") {
      std::string bname;
      data_and_param(bname);
      if (stage != Stage::AfterMatmul) throw CompileError(where + ": Add is supported only as the bias right after MatMul/Gemm");
      Pending& p = pend.back();
      const Constant& w = g.constant(p.w);
      const size_t C = size_t(p.transB ? w.dims[0] : w.dims[1]);
      if (g.constant(bname).v.size() != C && g.constant(bname).v.size() != 1)
        throw CompileError(where + ": bias must have " + std::to_string(C) + " values or one");
      p.bias = bname;
      p.beta = 1.0;
      stage = Stage::AfterBias;
    } else if (op == "Relu" || op == "Sigmoid" || op == "Tanh") {
      if (n.inputs.size() != 1 || n.inputs[0] != cur) throw CompileError(where + ": input must be the previous value '" + cur + "'");
      if (stage != Stage::AfterMatmul && stage != Stage::AfterBias)
        throw CompileError(where + ": an activation must follow MatMul/Gemm (and its bias)");
      stage = Stage::AfterAct;
    } else {
      throw CompileError(file + ": unsupported operator " + op + " at node " + n.name);
    }
    cur = n.outputs[0];
  }
  if (pend.empty()) throw CompileError(file + ": the ONNX graph has no Gemm/MatMul layer");
  if (cur != m.output_name)
    throw CompileError(file + ": graph output '" + m.output_name + "' is not the end of the layer chain ('" + cur + "')");

  // Shapes first (the fit check needs no weight), then the values.
  for (const Pending& p : pend) {
    const Constant& w = g.constant(p.w);
    Layer l;
    l.name = p.node->name;
    l.rows = unsigned(p.transB ? w.dims[1] : w.dims[0]);
    l.cols = unsigned(p.transB ? w.dims[0] : w.dims[1]);
    m.layers.push_back(std::move(l));
  }
  m.input_size = m.layers[0].rows;
  if (const Shape* s = shape_of(g, m.input_name); s && !s->empty() && elements(*s) != int64_t(m.input_size))
    throw CompileError(file + ": graph input has " + std::to_string(elements(*s)) + " features but the first layer takes " +
                       std::to_string(m.input_size));
  if (check_shapes) check_shapes(m);
  // Activations: the node after each layer's (Gemm|MatMul [Add]).
  size_t li = 0;
  for (const Node& n : g.nodes) {
    if (n.op == "Gemm" || n.op == "MatMul") ++li;
    if (li == 0) continue;
    Layer& l = m.layers[li - 1];
    if (n.op == "Relu") l.act = Activation::Relu;
    if (n.op == "Sigmoid") l.act = Activation::Sigmoid;
    if (n.op == "Tanh") l.act = Activation::Tanh;
  }
  for (size_t k = 0; k < pend.size(); ++k) {
    const Pending& p = pend[k];
    const Constant& w = g.constant(p.w);
    Layer& l = m.layers[k];
    const size_t R = l.rows, C = l.cols;
    l.weights.resize(R * C);
    for (size_t i = 0; i < R; ++i)
      for (size_t j = 0; j < C; ++j) l.weights[i * C + j] = p.alpha * (p.transB ? w.v[j * R + i] : w.v[i * C + j]);
    if (!p.bias.empty()) {
      const auto& b = g.constant(p.bias).v;
      l.bias.resize(C);
      for (size_t j = 0; j < C; ++j) l.bias[j] = p.beta * b[b.size() == 1 ? 0 : j];  // one value broadcasts
    }
  }
  m.check();
  return m;
}

std::vector<std::string> prepare(Graph& g) {
  infer_shapes(g);
  fold_constants(g);
  infer_shapes(g);
  canonicalize(g);
  infer_shapes(g);
  return host_softmax(g);
}

Model run_frontend(Graph& g, const ShapeCheck& check_shapes) {
  std::vector<std::string> notes = prepare(g);
  check_supported(g);
  Model m = lower_to_model(g, check_shapes);
  m.notes = std::move(notes);
  return m;
}

}  // namespace pumavp::compiler::graph
