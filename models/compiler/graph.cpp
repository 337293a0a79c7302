// Graph IR: container operations and the ONNX importer.
#include "compiler/graph.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <onnx/onnx_pb.h>

namespace pumavp::compiler::graph {

int64_t elements(const Shape& s) {
  // Saturating: a hostile shape must not overflow (callers bound the result).
  int64_t n = 1;
  for (int64_t d : s) {
    if (d <= 0) return d == 0 ? 0 : -1;
    if (__builtin_mul_overflow(n, d, &n)) return INT64_MAX;
  }
  return n;
}

std::string shape_str(const Shape& s) { return "[" + fmt::format("{}", fmt::join(s, ", ")) + "]"; }

// ------------------------------------------------------------------------- Node / Graph

const Attr* Node::attr(const std::string& key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? nullptr : &it->second;
}
int64_t Node::attr_int(const std::string& key, int64_t dflt) const {
  const Attr* a = attr(key);
  return a && a->kind == Attr::Kind::Int ? a->i : dflt;
}
double Node::attr_float(const std::string& key, double dflt) const {
  const Attr* a = attr(key);
  return a && a->kind == Attr::Kind::Float ? a->f : dflt;
}
std::vector<int64_t> Node::attr_ints(const std::string& key, const std::vector<int64_t>& dflt) const {
  const Attr* a = attr(key);
  return a && a->kind == Attr::Kind::Ints ? a->ints : dflt;
}

Tensor& Graph::tensor(const std::string& n) {
  Tensor& t = tensors[n];
  t.name = n;
  return t;
}
const Tensor* Graph::find(const std::string& n) const {
  auto it = tensors.find(n);
  return it == tensors.end() ? nullptr : &it->second;
}
bool Graph::is_constant(const std::string& n) const {
  const Tensor* t = find(n);
  return t && t->value.has_value();
}
const Constant& Graph::constant(const std::string& n) const {
  const Tensor* t = find(n);
  if (!t || !t->value) throw CompileError(error_prefix() + ": internal: '" + n + "' is not a constant");
  return *t->value;
}
std::vector<size_t> Graph::consumers(const std::string& n) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (std::find(nodes[i].inputs.begin(), nodes[i].inputs.end(), n) != nodes[i].inputs.end()) out.push_back(i);
  return out;
}
long Graph::producer(const std::string& n) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (std::find(nodes[i].outputs.begin(), nodes[i].outputs.end(), n) != nodes[i].outputs.end()) return long(i);
  return -1;
}
bool Graph::is_graph_output(const std::string& n) const {
  return std::find(outputs.begin(), outputs.end(), n) != outputs.end();
}
void Graph::replace_uses(const std::string& from, const std::string& to) {
  for (Node& nd : nodes)
    for (std::string& in : nd.inputs)
      if (in == from) in = to;
  for (std::string& o : outputs)
    if (o == from) o = to;
}
void Graph::erase_nodes(const std::vector<size_t>& dead) {
  const std::set<size_t> d(dead.begin(), dead.end());
  std::vector<Node> kept;
  kept.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    if (!d.count(i)) kept.push_back(std::move(nodes[i]));
  nodes = std::move(kept);
  std::set<std::string> used(inputs.begin(), inputs.end());
  used.insert(outputs.begin(), outputs.end());
  for (const Node& nd : nodes) {
    used.insert(nd.inputs.begin(), nd.inputs.end());
    used.insert(nd.outputs.begin(), nd.outputs.end());
  }
  for (auto it = tensors.begin(); it != tensors.end();)
    it = used.count(it->first) ? std::next(it) : tensors.erase(it);
}

// ------------------------------------------------------------------------- ONNX import

namespace {

// A TensorProto as a Constant. The dimensions are the file's claim; the payload must hold
// exactly that many values before anything is allocated (a 600-byte file may claim 2^31).
Constant read_constant(const onnx::TensorProto& t, const std::string& what) {
  Constant c;
  size_t n = 1;
  for (auto d : t.dims()) {
    if (d < 0 || d > (int64_t(1) << 31)) throw CompileError(what + " has a bad dimension");
    c.dims.push_back(d);
    n *= size_t(d);
    if (n > (size_t(1) << 31)) throw CompileError(what + " is too large");
  }
  if (t.has_data_location() && t.data_location() == onnx::TensorProto::EXTERNAL)
    throw CompileError(what + " uses external data (not supported)");
  const int type = t.data_type();
  const std::string& raw = t.raw_data();
  size_t elem = 0, listed = 0;
  switch (type) {
    case onnx::TensorProto::FLOAT: elem = 4, listed = size_t(t.float_data_size()); break;
    case onnx::TensorProto::DOUBLE: elem = 8, listed = size_t(t.double_data_size()); break;
    case onnx::TensorProto::INT64: elem = 8, listed = size_t(t.int64_data_size()), c.integer = true; break;
    case onnx::TensorProto::INT32: elem = 4, listed = size_t(t.int32_data_size()), c.integer = true; break;
    case onnx::TensorProto::BOOL: elem = 1, listed = size_t(t.int32_data_size()), c.integer = true; break;
    default:
      throw CompileError(what + " has data type " + std::to_string(type) +
                         " (FLOAT, DOUBLE, INT64, INT32 and BOOL are supported)");
  }
  if (!raw.empty() ? raw.size() != n * elem : listed != n)
    throw CompileError(what + " " + (raw.empty() ? "" : "raw ") + "data size mismatch");
  c.v.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const char* p = raw.data() + elem * i;
    switch (type) {
      case onnx::TensorProto::FLOAT: {
        float f;
        if (raw.empty()) f = t.float_data(int(i)); else std::memcpy(&f, p, 4);
        c.v[i] = f;
        break;
      }
      case onnx::TensorProto::DOUBLE: {
        double d;
        if (raw.empty()) d = t.double_data(int(i)); else std::memcpy(&d, p, 8);
        c.v[i] = d;
        break;
      }
      case onnx::TensorProto::INT64: {
        int64_t x;
        if (raw.empty()) x = t.int64_data(int(i)); else std::memcpy(&x, p, 8);
        c.v[i] = double(x);
        break;
      }
      case onnx::TensorProto::INT32: {
        int32_t x;
        if (raw.empty()) x = t.int32_data(int(i)); else std::memcpy(&x, p, 4);
        c.v[i] = double(x);
        break;
      }
      default:  // BOOL
        c.v[i] = raw.empty() ? double(t.int32_data(int(i)) != 0) : double(p[0] != 0);
    }
  }
  return c;
}

Attr read_attr(const onnx::AttributeProto& a, const std::string& what) {
  Attr r;
  switch (a.type()) {
    case onnx::AttributeProto::INT: r.kind = Attr::Kind::Int, r.i = a.i(); break;
    case onnx::AttributeProto::FLOAT: r.kind = Attr::Kind::Float, r.f = a.f(); break;
    case onnx::AttributeProto::INTS:
      r.kind = Attr::Kind::Ints;
      r.ints.assign(a.ints().begin(), a.ints().end());
      break;
    case onnx::AttributeProto::FLOATS:
      r.kind = Attr::Kind::Floats;
      r.floats.assign(a.floats().begin(), a.floats().end());
      break;
    case onnx::AttributeProto::STRING: r.kind = Attr::Kind::String, r.s = a.s(); break;
    case onnx::AttributeProto::TENSOR:
      r.kind = Attr::Kind::Tensor;
      r.t = read_constant(a.t(), what + " attribute " + a.name());
      break;
    default:
      // Graph-valued and other attributes: kept as an empty string so that the operator check
      // can name them ("attribute X of operator Y is not supported").
      r.kind = Attr::Kind::String;
      r.s = "<unsupported attribute type " + std::to_string(int(a.type())) + ">";
  }
  return r;
}

// The Constant operator's value (any one of its value attributes).
Constant constant_node_value(const Node& n, const std::string& where) {
  if (n.attrs.size() != 1) throw CompileError(where + ": a Constant needs exactly one value attribute");
  const auto& [key, a] = *n.attrs.begin();
  Constant c;
  if (key == "value" && a.kind == Attr::Kind::Tensor) return a.t;
  if (key == "value_float" && a.kind == Attr::Kind::Float) return Constant{{}, {a.f}, false};
  if (key == "value_int" && a.kind == Attr::Kind::Int) return Constant{{}, {double(a.i)}, true};
  if (key == "value_floats" && a.kind == Attr::Kind::Floats)
    return Constant{{int64_t(a.floats.size())}, a.floats, false};
  if (key == "value_ints" && a.kind == Attr::Kind::Ints) {
    c.dims = {int64_t(a.ints.size())};
    for (int64_t x : a.ints) c.v.push_back(double(x));
    c.integer = true;
    return c;
  }
  throw CompileError(where + ": unsupported attribute " + key + " of operator Constant");
}

}  // namespace

Graph import_onnx(const std::string& bytes, const std::string& file) {
  onnx::ModelProto mp;
  if (bytes.empty() || !mp.ParseFromString(bytes))
    throw CompileError(file + ": not a valid ONNX model (protobuf parse failed)");
  if (!mp.has_graph()) throw CompileError(file + ": ONNX model has no graph");
  const onnx::GraphProto& g = mp.graph();
  Graph gr;
  gr.file = file;
  gr.name = g.name().empty() ? "onnx_model" : g.name();
  for (const auto& t : g.initializer()) {
    if (t.name().empty()) throw CompileError(file + ": an initializer has no name");
    gr.tensor(t.name()).value = read_constant(t, file + ": initializer '" + t.name() + "'");
    Tensor& tt = gr.tensor(t.name());
    tt.shape = tt.value->dims;
    tt.shape_known = true;
  }
  for (const auto& vi : g.input()) {
    if (gr.is_constant(vi.name())) continue;  // an initializer listed as an input (old exporters)
    Tensor& t = gr.tensor(vi.name());
    gr.inputs.push_back(vi.name());
    if (vi.has_type() && vi.type().has_tensor_type() && vi.type().tensor_type().has_shape()) {
      const auto& sh = vi.type().tensor_type().shape();
      for (int d = 0; d < sh.dim_size(); ++d) {
        const auto& dim = sh.dim(d);
        if (dim.has_dim_value() && dim.dim_value() > 0) {
          if (dim.dim_value() > (int64_t(1) << 31))
            throw CompileError(file + ": graph input '" + vi.name() + "' has a bad dimension");
          t.shape.push_back(dim.dim_value());
        } else if (d == 0) {
          t.shape.push_back(1);  // a symbolic batch dimension: one sample per inference
        } else {
          throw CompileError(file + ": graph input '" + vi.name() + "' dimension " + std::to_string(d) +
                             " is not a fixed size (only the batch dimension may be symbolic)");
        }
      }
      t.shape_known = true;
    }
  }
  for (int ni = 0; ni < g.node_size(); ++ni) {
    const onnx::NodeProto& p = g.node(ni);
    Node n;
    n.name = p.name().empty() ? ("#" + std::to_string(ni)) : p.name();
    n.op = p.op_type();
    if (!p.domain().empty() && p.domain() != "ai.onnx")
      throw CompileError(file + ": unsupported operator " + p.domain() + "." + n.op + " at node " + n.name);
    n.inputs.assign(p.input().begin(), p.input().end());
    n.outputs.assign(p.output().begin(), p.output().end());
    const std::string where = file + ": " + n.where();
    for (const auto& a : p.attribute()) n.attrs[a.name()] = read_attr(a, where);
    for (const std::string& in : n.inputs)
      if (!in.empty() && !gr.find(in))
        throw CompileError(where + ": input '" + in + "' is not defined before this node");
    for (const std::string& out : n.outputs) {
      if (out.empty()) continue;
      if (gr.find(out)) throw CompileError(where + ": output '" + out + "' is defined twice");
      gr.tensor(out);
    }
    if (n.op == "Constant") {
      if (n.outputs.size() != 1) throw CompileError(where + ": a Constant has one output");
      Tensor& t = gr.tensor(n.outputs[0]);
      t.value = constant_node_value(n, where);
      t.shape = t.value->dims;
      t.shape_known = true;
      continue;
    }
    gr.nodes.push_back(std::move(n));
  }
  for (const auto& o : g.output()) {
    if (!gr.find(o.name())) throw CompileError(file + ": graph output '" + o.name() + "' is never produced");
    gr.outputs.push_back(o.name());
  }
  if (gr.outputs.empty()) throw CompileError(file + ": the graph has no output");
  return gr;
}

std::string attr_text(const Attr& a) {
  switch (a.kind) {
    case Attr::Kind::Int: return std::to_string(a.i);
    case Attr::Kind::Float: return fmt::format("{}", a.f);
    case Attr::Kind::Ints: return "[" + fmt::format("{}", fmt::join(a.ints, ",")) + "]";
    case Attr::Kind::Floats: return "[" + fmt::format("{}", fmt::join(a.floats, ",")) + "]";
    case Attr::Kind::String: return a.s;
    case Attr::Kind::Tensor: return "<tensor>";
  }
  return "?";
}

}  // namespace pumavp::compiler::graph
