#include "conformance.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "common/bounded_read.h"
#include "compiler/compiler.h"
#include "compiler/graph.h"
#include "compiler/passes.h"
#include "compiler/model.h"
#include "error_model.h"
#include "graph_reference.h"
#include "interp.h"
#include "tensor_file.h"

namespace fs = std::filesystem;

namespace pumavp::conformance {

const char* status_name(Status s) {
  switch (s) {
    case Status::Passed: return "passed";
    case Status::Failed: return "failed";
    case Status::Unsupported: return "unsupported";
    case Status::Skipped: return "skipped";
  }
  return "?";
}

std::string default_data_root() {
  if (const char* e = std::getenv("PUMAVP_ONNX_TESTDATA")) return e;
#ifdef PUMAVP_ONNX_TESTDATA_DIR
  return PUMAVP_ONNX_TESTDATA_DIR;
#else
  return "/usr/share/libonnx-testdata/data";
#endif
}

std::vector<CaseInfo> list_cases(const std::string& root) {
  std::vector<CaseInfo> out;
  for (const char* suite : {"node", "pytorch-converted", "pytorch-operator", "simple"}) {
    const fs::path sd = fs::path(root) / suite;
    std::error_code ec;
    if (!fs::is_directory(sd, ec)) continue;
    for (const auto& de : fs::directory_iterator(sd, ec)) {
      const std::string name = de.path().filename().string();
      if (name.rfind("test_", 0) != 0) continue;
      if (!fs::is_regular_file(de.path() / "model.onnx", ec) || !fs::is_directory(de.path() / "test_data_set_0", ec))
        continue;
      out.push_back({std::string(suite) + "/" + name, de.path().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const CaseInfo& a, const CaseInfo& b) { return a.id < b.id; });
  return out;
}

namespace {

bool load_model(const CaseInfo& c, onnx::ModelProto& mp, std::string& err) {
  std::string bytes;
  if (!read_bounded(c.dir + "/model.onnx", kMaxOnnxBytes, "an ONNX model", bytes, err)) return false;
  if (!mp.ParseFromString(bytes) || !mp.has_graph()) return err = "model.onnx is not an ONNX model", false;
  return true;
}

std::vector<std::string> ops_of(const onnx::GraphProto& g) {
  std::set<std::string> s;
  for (const auto& n : g.node()) s.insert(n.domain().empty() || n.domain() == "ai.onnx" ? n.op_type() : n.domain() + "." + n.op_type());
  return {s.begin(), s.end()};
}

bool is_real(int type) {
  return type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE || type == onnx::TensorProto::FLOAT16;
}

// Host side of a Softmax/LogSoftmax the compiler left to the host, on real logits.
std::vector<double> host_softmax(const std::vector<double>& z, const std::vector<int64_t>& shape, int64_t axis,
                                 bool legacy, bool log) {
  const int64_t r = int64_t(shape.size());
  if (axis < 0) axis += r;
  axis = std::max<int64_t>(0, std::min<int64_t>(axis, std::max<int64_t>(0, r - 1)));
  size_t outer = 1, len = 1, inner = 1;
  for (int64_t d = 0; d < r; ++d) {
    const size_t s = size_t(shape[size_t(d)]);
    if (legacy) (d < axis ? outer : len) *= s;
    else if (d < axis) outer *= s;
    else if (d == axis) len = s;
    else inner *= s;
  }
  std::vector<double> y(z.size());
  for (size_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < inner; ++i) {
      auto at = [&](size_t k) { return (o * len + k) * inner + i; };
      double m = -INFINITY;
      for (size_t k = 0; k < len; ++k) m = std::max(m, z[at(k)]);
      double s = 0;
      for (size_t k = 0; k < len; ++k) s += std::exp(z[at(k)] - m);
      for (size_t k = 0; k < len; ++k) y[at(k)] = log ? z[at(k)] - m - std::log(s) : std::exp(z[at(k)] - m) / s;
    }
  return y;
}

std::string fmt_g(double v) { return fmt::format("{:.3g}", v); }

}  // namespace

std::vector<std::string> case_operators(const CaseInfo& c) {
  onnx::ModelProto mp;
  std::string err;
  if (!load_model(c, mp, err)) return {};
  return ops_of(mp.graph());
}

bool parameter_slot(const std::string& op, size_t slot) {
  static const std::map<std::string, std::set<size_t>> slots = {
      {"Conv", {1, 2}}, {"ConvTranspose", {1, 2}}, {"Gemm", {1, 2}}, {"MatMul", {1}},
      {"BatchNormalization", {1, 2, 3, 4}}, {"InstanceNormalization", {1, 2}}, {"LayerNormalization", {1, 2}},
      {"PRelu", {1}}, {"Pad", {1, 2, 3}}, {"Reshape", {1}}, {"Expand", {1}}, {"Tile", {1}},
      {"Slice", {1, 2, 3, 4}}, {"Squeeze", {1}}, {"Unsqueeze", {1}}, {"Clip", {1, 2}}, {"Resize", {1, 2, 3}},
      {"Upsample", {1}}, {"Split", {1}}, {"TopK", {1}}, {"OneHot", {1, 2}}, {"Gather", {1}},
      {"GatherElements", {1}}, {"GatherND", {1}}, {"ConstantOfShape", {0}}, {"Range", {0, 1, 2}},
      {"Dropout", {1, 2}}, {"CumSum", {1}}, {"ReduceSum", {1}}, {"ReduceMean", {1}}, {"ReduceMax", {1}},
      {"ReduceMin", {1}}, {"ReduceProd", {1}}, {"ReduceL1", {1}}, {"ReduceL2", {1}}, {"ReduceLogSum", {1}},
      {"ReduceLogSumExp", {1}}, {"ReduceSumSquare", {1}}, {"QuantizeLinear", {1, 2}},
      {"DequantizeLinear", {1, 2}}, {"QLinearConv", {1, 2, 3, 4, 5, 6, 7, 8}}, {"QLinearMatMul", {1, 2, 3, 4, 5, 6, 7}},
      {"ConvInteger", {1, 2, 3}}, {"MatMulInteger", {1, 2, 3}}, {"Trilu", {1}}, {"MaxUnpool", {1, 2}},
      {"RoiAlign", {1, 2}}, {"NonMaxSuppression", {1, 2, 3, 4}}, {"GRU", {1, 2, 3, 4, 5}}, {"LSTM", {1, 2, 3, 4, 5, 6, 7}},
      {"RNN", {1, 2, 3, 4, 5}}, {"Scatter", {1}}, {"ScatterElements", {1}}, {"ScatterND", {1}},
  };
  auto it = slots.find(op);
  return it != slots.end() && it->second.count(slot);
}

PlatformConfig conformance_config() {
  // small.yaml with 16 tiles (4 per router): the pooling cases of 32x32 maps need more than 4.
  return load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/small.yaml", {"node.tiles=16", "noc.concentration=4"});
}

Runner interpreter_runner(const PlatformConfig& cfg) {
  const Geometry geo = geometry_from_config(cfg);
  compiler_test::InterpOptions io;
  io.lut_bits = cfg.numerics.lut_bits;
  io.fifo_depth = cfg.tile.fifo_depth;
  io.max_steps = 50000000;
  return [geo, io](const isa::KernelImage& img, const Words& in, Words& out, std::string& err) {
    const compiler_test::InterpResult r = compiler_test::interpret(img, geo, in, io);
    if (!r.ok) return err = "interpreter: " + r.error, false;
    out = r.outputs;
    return true;
  };
}

namespace {

int64_t node_attr_i(const onnx::NodeProto& n, const std::string& k, int64_t d) {
  for (const auto& a : n.attribute())
    if (a.name() == k) return a.i();
  return d;
}
std::vector<int64_t> node_attr_ints(const onnx::NodeProto& n, const std::string& k) {
  for (const auto& a : n.attribute())
    if (a.name() == k) return {a.ints().begin(), a.ints().end()};
  return {};
}
const TensorData* find_const(const std::map<std::string, TensorData>& consts, const std::string& name) {
  auto it = consts.find(name);
  return it == consts.end() ? nullptr : &it->second;
}

// The nodes of `g` that depend on a data input (the others compute constants, which the
// compiler folds).
std::vector<bool> data_nodes(const onnx::GraphProto& g, const std::map<std::string, TensorData>& consts,
                             std::set<std::string>& dep) {
  for (const auto& in : g.input())
    if (!consts.count(in.name())) dep.insert(in.name());
  std::vector<bool> r(size_t(g.node_size()), false);
  for (int i = 0; i < g.node_size(); ++i) {
    for (const auto& x : g.node(i).input())
      if (dep.count(x)) r[size_t(i)] = true;
    if (r[size_t(i)])
      for (const auto& o : g.node(i).output()) dep.insert(o);
  }
  return r;
}

// True if every node of `g` treats dimension 0 of the data as independent samples, so the
// batch can run as one inference per sample (the compiler maps one sample per inference).
bool per_sample(const onnx::GraphProto& g, const std::map<std::string, TensorData>& consts, int64_t opset) {
  std::set<std::string> dep;
  const std::vector<bool> dn = data_nodes(g, consts, dep);
  for (int ni = 0; ni < g.node_size(); ++ni) {
    const auto& n = g.node(ni);
    if (!dn[size_t(ni)]) continue;
    const std::string& op = n.op_type();
    auto c = [&](int i) { return n.input_size() > i ? find_const(consts, n.input(i)) : nullptr; };
    auto is_const = [&](int i) { return n.input_size() > i && !n.input(i).empty() && !dep.count(n.input(i)); };
    if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "LeakyRelu" || op == "Identity" || op == "Dropout" ||
        op == "Conv" || op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" ||
        op == "BatchNormalization" || op == "MatMul")
      continue;
    if (op == "Gemm") {
      if (node_attr_i(n, "transA", 0) != 0) return false;
      const TensorData* C = c(2);
      if (C && C->dims.size() == 2 && C->dims[0] != 1) return false;
      continue;
    }
    if (op == "Add" || op == "Sub" || op == "Mul") {
      for (int i = 0; i < 2; ++i) {
        if (!is_const(i)) continue;
        const TensorData* k = c(i);
        if (!k || (k->dims.size() >= 2 && k->dims[0] != 1)) return false;  // may span the batch
      }
      continue;
    }
    if (op == "Flatten") {
      if (node_attr_i(n, "axis", 1) < 1) return false;
      continue;
    }
    if (op == "Softmax" || op == "LogSoftmax") {
      const int64_t a = node_attr_i(n, "axis", opset < 13 ? 1 : -1);
      if (!(a >= 1 || (a == -1 && opset >= 13))) return false;
      continue;
    }
    if (op == "Concat") {
      if (node_attr_i(n, "axis", 0) < 1) return false;
      for (int i = 0; i < n.input_size(); ++i)
        if (is_const(i)) return false;
      continue;
    }
    if (op == "Transpose") {
      const auto p = node_attr_ints(n, "perm");
      if (p.empty() || p[0] != 0) return false;
      continue;
    }
    if (op == "Pad") {
      const TensorData* p = c(1);
      std::vector<int64_t> pads = node_attr_ints(n, "pads");
      if (p) {
        pads.clear();
        for (double v : p->v) pads.push_back(int64_t(v));
      }
      if (pads.size() < 2 || pads[0] != 0 || pads[pads.size() / 2] != 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

// The degrees d of positive homogeneity of the graph outputs in the data (f(s·x) = s^d·f(x)
// for s > 0), so a case can run with its data scaled into the Q format's range; false if some
// output is not homogeneous (a bias, an activation other than Relu/LeakyRelu, ...).
bool homogeneous(const onnx::GraphProto& g, const std::map<std::string, TensorData>& consts,
                 std::map<std::string, int>& out_deg) {
  auto zero = [&](const std::string& name) {
    const TensorData* t = find_const(consts, name);
    if (!t) return false;
    for (double v : t->v)
      if (v != 0) return false;
    return true;
  };
  std::set<std::string> dep;
  const std::vector<bool> dn = data_nodes(g, consts, dep);
  std::map<std::string, int> deg;
  for (const auto& in : g.input())
    if (dep.count(in.name())) deg[in.name()] = 1;
  for (int ni = 0; ni < g.node_size(); ++ni) {
    const auto& n = g.node(ni);
    if (!dn[size_t(ni)]) continue;
    const std::string& op = n.op_type();
    auto is_data = [&](int i) { return n.input_size() > i && !n.input(i).empty() && dep.count(n.input(i)); };
    auto d = [&](int i) { auto it = deg.find(n.input(i)); return it == deg.end() ? -1 : it->second; };
    int od = -1;
    if (op == "MatMul" || op == "Relu" || op == "LeakyRelu" || op == "MaxPool" || op == "AveragePool" ||
        op == "GlobalAveragePool" || op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" ||
        op == "Transpose" || op == "Identity" || op == "Dropout") {
      if (!is_data(0)) return false;
      od = d(0);
    } else if (op == "Gemm" || op == "Conv") {
      if (!is_data(0) || (n.input_size() > 2 && !n.input(2).empty() && !zero(n.input(2)))) return false;
      od = d(0);
    } else if (op == "Add" || op == "Sub" || op == "Concat") {
      for (int i = 0; i < n.input_size(); ++i) {
        if (!is_data(i)) {
          if (!zero(n.input(i))) return false;
          continue;
        }
        if (od >= 0 && d(i) != od) return false;
        od = d(i);
      }
    } else if (op == "Mul") {
      od = 0;
      for (int i = 0; i < 2 && i < n.input_size(); ++i)
        if (is_data(i)) od += d(i);
    } else if (op == "Pad") {
      for (const auto& a : n.attribute())
        if ((a.name() == "mode" && a.s() != "constant") || (a.name() == "value" && a.f() != 0)) return false;
      if (!is_data(0) || (n.input_size() > 2 && !n.input(2).empty() && !zero(n.input(2)))) return false;
      od = d(0);
    } else {
      return false;
    }
    if (od < 1) return false;
    for (const auto& o : n.output()) deg[o] = od;
  }
  for (const auto& o : g.output()) {
    auto it = deg.find(o.name());
    if (it == deg.end()) return false;
    out_deg[o.name()] = it->second;
  }
  return true;
}

}  // namespace

CaseResult run_case(const CaseInfo& c, const PlatformConfig& cfg, const Runner& run) {
  CaseResult res;
  auto skip = [&](const std::string& why) {
    res.status = Status::Skipped;
    res.reason = why;
    return res;
  };
  auto failed = [&](const std::string& why) {
    res.status = Status::Failed;
    res.reason = why;
    return res;
  };
  onnx::ModelProto mp;
  std::string err;
  if (!load_model(c, mp, err)) return skip(err);
  onnx::GraphProto& g = *mp.mutable_graph();
  res.ops = ops_of(g);
  const unsigned f = cfg.numerics.frac_bits;
  const double scale = std::ldexp(1.0, int(f));
  const double lo = -32768.0 / scale, hi = 32767.0 / scale;
  int64_t opset = 1;
  for (const auto& o : mp.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();

  // Test data: inputs match the graph inputs that are not initializers, in order; outputs
  // match the graph outputs.
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  std::vector<int> in_idx;
  for (int i = 0; i < g.input_size(); ++i)
    if (!inits.count(g.input(i).name())) in_idx.push_back(i);
  const std::string ds = c.dir + "/test_data_set_0/";
  std::vector<onnx::TensorProto> in_pb(in_idx.size());
  for (size_t k = 0; k < in_idx.size(); ++k) {
    std::string bytes;
    const std::string p = ds + "input_" + std::to_string(k) + ".pb";
    if (!read_bounded(p, kMaxTensorFileBytes, "a tensor file", bytes, err) || !in_pb[k].ParseFromString(bytes))
      return skip("test data: input_" + std::to_string(k) + ".pb unreadable (" + err + ")");
  }
  {
    std::error_code ec;
    if (fs::exists(ds + "input_" + std::to_string(in_idx.size()) + ".pb", ec))
      return skip("test data has more inputs than the graph");
  }
  // Which graph inputs are parameters: every use is a parameter slot.
  std::vector<bool> param(in_idx.size(), false);
  for (size_t k = 0; k < in_idx.size(); ++k) {
    const std::string& name = g.input(in_idx[k]).name();
    bool any = false, all = true;
    for (const auto& n : g.node())
      for (int s = 0; s < n.input_size(); ++s)
        if (n.input(s) == name) any = true, all = all && parameter_slot(n.op_type(), size_t(s));
    for (const auto& o : g.output())
      if (o.name() == name) all = false;
    param[k] = any && all;
  }
  std::string pending;  // a reason to skip, reported after the compiler had its say
  std::map<std::string, TensorData> data, consts;
  std::vector<std::string> data_names, bound;
  for (size_t k = 0; k < in_idx.size(); ++k) {
    const std::string name = g.input(in_idx[k]).name();
    TensorData d;
    const bool decoded = decode_tensor(in_pb[k], d, err);
    if (param[k]) {
      onnx::TensorProto t = in_pb[k];
      t.set_name(name);
      *g.add_initializer() = t;
      bound.push_back(name);
      if (decoded) consts[name] = std::move(d);
      continue;
    }
    if (!decoded) {
      if (pending.empty()) pending = "data input " + name + ": " + err;
      continue;
    }
    if (!is_real(d.data_type) && pending.empty()) pending = "data input " + name + " is " + data_type_name(d.data_type);
    data_names.push_back(name);
    data[name] = std::move(d);
  }
  for (const auto& t : g.initializer()) {
    TensorData d;
    if (!consts.count(t.name()) && decode_tensor(t, d, err)) consts[t.name()] = std::move(d);
  }
  for (const auto& n : g.node())  // Constant nodes' values
    if (n.op_type() == "Constant" && n.output_size() == 1)
      for (const auto& a : n.attribute()) {
        TensorData d;
        if (a.name() == "value" && decode_tensor(a.t(), d, err)) consts[n.output(0)] = std::move(d);
      }
  {
    std::set<std::string> b(bound.begin(), bound.end());
    auto* inputs = g.mutable_input();
    for (int i = inputs->size() - 1; i >= 0; --i)
      if (b.count(inputs->Get(i).name())) inputs->DeleteSubrange(i, 1);
  }
  std::vector<TensorData> expected(size_t(g.output_size()));
  for (int k = 0; k < g.output_size(); ++k) {
    if (!read_tensor_file(ds + "output_" + std::to_string(k) + ".pb", expected[size_t(k)], err)) {
      if (pending.empty()) pending = "expected output " + std::to_string(k) + ": " + err;
    } else if (!is_real(expected[size_t(k)].data_type) && pending.empty()) {
      pending = "output " + g.output(k).name() + " is " + data_type_name(expected[size_t(k)].data_type);
    }
  }
  if (data.empty() && pending.empty()) pending = "no data input (every input is a parameter)";

  // A batch (dimension 0 > 1 in every data input, a graph that treats it as independent
  // samples) runs as one inference per sample, as a host would drive it.
  int64_t batch = 1;
  if (pending.empty()) {
    int64_t n0 = -1;
    bool same = true;
    for (const auto& [name, d] : data) {
      const int64_t d0 = d.dims.size() >= 2 ? d.dims[0] : 1;
      if (n0 < 0) n0 = d0;
      same = same && d0 == n0;
    }
    bool outs = true;
    for (const auto& e : expected) outs = outs && e.dims.size() >= 1 && e.dims[0] == n0;
    if (same && outs && n0 > 1 && per_sample(g, consts, opset)) {
      batch = n0;
      for (auto& in : *g.mutable_input())
        if (data.count(in.name()) && in.type().has_tensor_type() && in.type().tensor_type().has_shape() &&
            in.type().tensor_type().shape().dim_size() >= 1)
          in.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_value(1);
    }
  }

  // An input larger than all shared memory of the node cannot be placed: said here, before a
  // compile that would only find out after placing it (seconds for the largest cases).
  {
    const Geometry geo = geometry_from_config(cfg);
    const uint64_t mem = uint64_t(geo.tiles) * geo.shared_mem_words;
    for (const auto& [name, d] : data)
      if (d.v.size() / size_t(batch) > mem && pending.empty())
        return skip(fmt::format("data input {} of {} values per sample exceeds the node's shared memory ({} tiles x {} words)",
                                name, d.v.size() / size_t(batch), geo.tiles, geo.shared_mem_words));
  }

  // Compile.
  std::string bytes;
  mp.SerializeToString(&bytes);
  compiler::Compiled comp;
  try {
    compiler::CompileOptions co;
    co.emit_asm = false;
    comp = compiler::compile_onnx(bytes, c.id, compiler::target_from_config(cfg), co);
  } catch (const compiler::CompileError& e) {
    res.status = Status::Unsupported;
    res.reason = e.what();
    if (res.reason.rfind(c.id + ": ", 0) == 0) res.reason.erase(0, c.id.size() + 2);  // the case is named already
    return res;
  } catch (const std::exception& e) {
    return failed(std::string("compiler threw ") + e.what());
  }
  if (!pending.empty()) return skip(pending);

  // Range: data and expected outputs must fit the Q format; a homogeneous graph is scaled.
  double in_max = 0, out_max = 0;
  for (const auto& [name, d] : data)
    for (double v : d.v) in_max = std::max(in_max, std::fabs(v));
  for (const auto& e : expected)
    for (double v : e.v) out_max = std::max(out_max, std::fabs(v));
  if (!std::isfinite(in_max) || !std::isfinite(out_max)) return skip("the test data hold a NaN or infinity");
  Numerics num;
  num.frac_bits = f;
  num.xbar_size = cfg.xbar.size;
  num.lut_bits = cfg.numerics.lut_bits;
  ErrorModel em = error_model(mp, data, num);
  if (!em.ok) return skip("no error bound: " + em.error);
  bool host = false;
  for (const auto& [name, ob] : em.outputs) host = host || !ob.host_op.empty();
  std::string note;
  const double fit = hi / 2;  // scaled values stay below half the range (room for partial sums)
  if (in_max > hi || (!host && out_max > hi)) {
    std::map<std::string, int> deg;
    if (host || !homogeneous(g, consts, deg))
      return skip(fmt::format("test data up to {} (inputs) / {} (outputs) outside the Q{}.{} range [{}, {}]", fmt_g(in_max),
                              fmt_g(out_max), 15 - f, f, fmt_g(lo), fmt_g(hi)));
    // The smallest k with every input and every output (of degree d: scaled by 2^-k·d) below `fit`.
    auto fits = [&](int k) {
      if (in_max * std::ldexp(1.0, -k) > fit) return false;
      for (int o = 0; o < g.output_size(); ++o) {
        double m = 0;
        for (double v : expected[size_t(o)].v) m = std::max(m, std::fabs(v));
        if (m * std::ldexp(1.0, -k * deg[g.output(o).name()]) > fit) return false;
      }
      return true;
    };
    int k = 1;
    while (k < 8 && !fits(k)) ++k;
    if (!fits(k))
      return skip(fmt::format("test data up to {} do not fit Q{}.{} even scaled by 2^-8", fmt_g(std::max(in_max, out_max)),
                              15 - f, f));
    for (auto& [name, d] : data)
      for (double& v : d.v) v = std::ldexp(v, -k);
    int maxdeg = 1;
    for (int o = 0; o < g.output_size(); ++o) {
      const int dg = deg[g.output(o).name()];
      maxdeg = std::max(maxdeg, dg);
      for (double& v : expected[size_t(o)].v) v = std::ldexp(v, -k * dg);
    }
    note = maxdeg == 1 ? fmt::format("; data scaled by 2^-{} (the graph is positively homogeneous)", k)
                       : fmt::format("; data scaled by 2^-{} (the graph is positively homogeneous, outputs of degree up to {})", k, maxdeg);
    em = error_model(mp, data, num);
    if (!em.ok) return skip("no error bound: " + em.error);
  }
  if (batch > 1) note += fmt::format("; batch of {} run as {} inferences", batch, batch);

  Words words;
  for (const auto& name : data_names) {
    const TensorData& d = data[name];
    std::vector<int16_t> w(d.v.size());
    for (size_t i = 0; i < d.v.size(); ++i) w[i] = int16_t(std::nearbyint(d.v[i] * scale));
    words[name] = std::move(w);
  }
  for (const auto& [name, w] : words) {
    const isa::Tensor* t = comp.image.find_tensor(name);
    if (!t || t->dir != isa::TensorDir::In) return failed("the image has no input tensor " + name);
    if (uint64_t(t->len) * uint64_t(batch) != w.size())
      return failed(fmt::format("input tensor {} has {} words, the data {}", name, t->len, w.size() / size_t(batch)));
  }
  if (!run) {
    res.status = Status::Passed;
    res.reason = "compiled (not run)" + note;
    return res;
  }
  // The CPU reference of the quantised semantics (test/compiler/graph_reference.h) on the graph
  // as the compiler prepares it: the kernel's words must equal its words exactly.
  std::optional<compiler::graph::Graph> refg;
  std::string ref_note;
  try {
    refg = compiler::graph::import_onnx(bytes, c.id);
    compiler::graph::prepare(*refg);
  } catch (const std::exception& e) {
    refg.reset();
    ref_note = std::string("; no CPU reference (") + e.what() + ")";
  }
  compiler_test::RefParams rp;
  rp.xbar_size = cfg.xbar.size;
  rp.frac_bits = f;
  rp.lut_bits = cfg.numerics.lut_bits;
  std::map<std::string, std::vector<int16_t>> outw;
  size_t ref_words = 0;
  std::string ref_mismatch;  // the first word that differs from the CPU reference
  for (int64_t b = 0; b < batch; ++b) {
    Words in1, out1;
    for (const auto& [name, w] : words) {
      const size_t per = w.size() / size_t(batch);
      in1[name].assign(w.begin() + long(size_t(b) * per), w.begin() + long(size_t(b + 1) * per));
    }
    const std::string smp = batch > 1 ? fmt::format("sample {}: ", b) : "";
    if (!run(comp.image, in1, out1, err)) return failed(smp + err);
    if (refg) {
      compiler_test::QTensors ref;
      try {
        ref = compiler_test::reference_graph(*refg, rp, in1);
      } catch (const std::exception& e) {
        refg.reset();
        ref_note = std::string("; no CPU reference (") + e.what() + ")";
      }
      for (const auto& [name, want] : ref) {
        auto it = out1.find(name);
        if (it == out1.end()) continue;  // reported below
        if (it->second.size() != want.size()) {
          if (ref_mismatch.empty())
            ref_mismatch = fmt::format("{}output {} has {} words, the CPU reference {}", smp, name, it->second.size(), want.size());
          continue;
        }
        for (size_t i = 0; i < want.size() && ref_mismatch.empty(); ++i)
          if (it->second[i] != want[i])
            ref_mismatch = fmt::format("{}output {}[{}] is {} (raw), the CPU reference of the quantised semantics {}", smp,
                                       name, i, it->second[i], want[i]);
        ref_words += want.size();
      }
    }
    for (auto& [name, w] : out1) outw[name].insert(outw[name].end(), w.begin(), w.end());
  }
  if (refg && ref_mismatch.empty()) note += fmt::format("; bit-exact with the CPU reference ({} words)", ref_words);
  note += ref_note;

  // Compare.
  const double slack_rel = 1e-6;  // the expected outputs are float32 results
  std::string worst;
  for (int k = 0; k < g.output_size(); ++k) {
    const std::string oname = g.output(k).name();
    const TensorData& want = expected[size_t(k)];
    auto it = outw.find(oname);
    if (it == outw.end()) return failed("no output tensor " + oname);
    if (it->second.size() != want.v.size())
      return failed(fmt::format("output {} has {} words, expected {}", oname, it->second.size(), want.v.size()));
    const OutputBound& ob = em.outputs.at(oname);
    std::vector<double> got(want.v.size());
    for (size_t i = 0; i < got.size(); ++i) got[i] = double(it->second[i]) / scale;
    if (!ob.host_op.empty()) {
      std::vector<int64_t> dims = want.dims;
      if (batch > 1) dims[0] = 1;
      const size_t per = got.size() / size_t(batch);
      for (int64_t b = 0; b < batch; ++b) {
        std::vector<double> z(got.begin() + long(size_t(b) * per), got.begin() + long(size_t(b + 1) * per));
        z = host_softmax(z, dims, ob.host_axis, ob.host_legacy, ob.host_op == "LogSoftmax");
        std::copy(z.begin(), z.end(), got.begin() + long(size_t(b) * per));
      }
    }
    for (size_t i = 0; i < got.size(); ++i) {
      double tol = ob.e;
      if (ob.host_op == "Softmax") tol = std::fabs(want.v[i]) * std::expm1(2 * ob.e);
      if (ob.host_op == "LogSoftmax") tol = 2 * ob.e;
      tol += slack_rel * std::max(1.0, std::fabs(want.v[i]));
      const double d = std::fabs(got[i] - want.v[i]);
      if (!(d / tol <= res.worst_ratio)) {  // also takes a NaN (a host result from garbage)
        res.worst_ratio = std::isnan(d) ? INFINITY : d / tol;
        res.max_err = d;
        res.tol = tol;
        worst = fmt::format("{}[{}] = {} expected {}", oname, i, fmt_g(got[i]), fmt_g(want.v[i]));
      }
    }
  }
  const std::string figures = fmt::format("max error {} within tolerance {} (worst {:.2f} of it)", fmt_g(res.max_err),
                                          fmt_g(res.tol), res.worst_ratio);
  if (res.worst_ratio <= 1.0 && ref_mismatch.empty()) {
    res.status = Status::Passed;
    res.reason = figures + note;
    return res;
  }
  if (res.worst_ratio <= 1.0) return failed(ref_mismatch + " (" + figures + ")" + note);
  const std::string msg = fmt::format("{}: error {} exceeds tolerance {}{}{}", worst, fmt_g(res.max_err), fmt_g(res.tol), note,
                                      ref_mismatch.empty() ? "" : "; " + ref_mismatch);
  if (em.max_range >= hi)
    return skip(msg + fmt::format("; values may saturate the Q{}.{} range (bound {} at {})", 15 - f, f,
                                  fmt_g(em.max_range), em.max_range_at));
  return failed(msg);
}

}  // namespace pumavp::conformance
