// ONNX front end: a linear chain of Gemm / MatMul [+ Add bias] [+ Relu/Sigmoid/Tanh] nodes.
#include "common/bounded_read.h"
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <onnx/onnx_pb.h>

#include "compiler/model.h"

namespace pumavp::compiler {

namespace {

struct Init {
  std::vector<size_t> dims;
  std::vector<double> v;
};

Init read_tensor(const onnx::TensorProto& t, const std::string& file) {
  Init r;
  size_t n = 1;
  for (auto d : t.dims()) {
    if (d < 0 || d > (int64_t(1) << 31)) throw CompileError(file + ": initializer '" + t.name() + "' has a bad dimension");
    r.dims.push_back(size_t(d));
    n *= size_t(d);
    if (n > (size_t(1) << 31)) throw CompileError(file + ": initializer '" + t.name() + "' is too large");
  }
  if (t.has_data_location() && t.data_location() == onnx::TensorProto::EXTERNAL)
    throw CompileError(file + ": initializer '" + t.name() + "' uses external data (not supported)");
  // The payload must hold exactly n values before anything is allocated: the dimensions are
  // the file's claim, the data is what it really carries (a 600-byte file may claim 2^31).
  const int type = t.data_type();
  const std::string& raw = t.raw_data();
  size_t elem = 0, listed = 0;
  if (type == onnx::TensorProto::FLOAT) elem = 4, listed = size_t(t.float_data_size());
  else if (type == onnx::TensorProto::DOUBLE) elem = 8, listed = size_t(t.double_data_size());
  else
    throw CompileError(file + ": initializer '" + t.name() + "' has data type " + std::to_string(type) +
                       " (only FLOAT and DOUBLE are supported)");
  if (!raw.empty() ? raw.size() != n * elem : listed != n)
    throw CompileError(file + ": initializer '" + t.name() + "' " + (raw.empty() ? "" : "raw ") +
                       "data size mismatch");
  r.v.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!raw.empty() && elem == 4) { float f; std::memcpy(&f, raw.data() + 4 * i, 4); r.v[i] = f; }
    else if (!raw.empty()) { double d; std::memcpy(&d, raw.data() + 8 * i, 8); r.v[i] = d; }
    else r.v[i] = elem == 4 ? double(t.float_data(int(i))) : t.double_data(int(i));
  }
  return r;
}

const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

}  // namespace

Model load_onnx_model_bytes(const std::string& bytes, const std::string& file) {
  onnx::ModelProto mp;
  if (bytes.empty() || !mp.ParseFromString(bytes)) throw CompileError(file + ": not a valid ONNX model (protobuf parse failed)");
  if (!mp.has_graph()) throw CompileError(file + ": ONNX model has no graph");
  const onnx::GraphProto& g = mp.graph();
  std::map<std::string, Init> inits;
  for (const auto& t : g.initializer()) inits[t.name()] = read_tensor(t, file);

  Model m;
  m.name = g.name().empty() ? "onnx_model" : g.name();
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& vi : g.input())
    if (!inits.count(vi.name())) inputs.push_back(&vi);
  if (inputs.size() != 1)
    throw CompileError(file + ": expected exactly one graph input (not an initializer), found " +
                       std::to_string(inputs.size()));
  if (g.output_size() != 1) throw CompileError(file + ": expected exactly one graph output");
  m.input_name = inputs[0]->name();
  m.output_name = g.output(0).name();
  // Input size from the declared shape's last dimension, if given; else from the first layer.
  unsigned declared_in = 0;
  if (inputs[0]->has_type() && inputs[0]->type().has_tensor_type() && inputs[0]->type().tensor_type().has_shape()) {
    const auto& sh = inputs[0]->type().tensor_type().shape();
    if (sh.dim_size() > 0 && sh.dim(sh.dim_size() - 1).has_dim_value()) {
      int64_t d = sh.dim(sh.dim_size() - 1).dim_value();
      if (d > 0 && d < 1000000) declared_in = unsigned(d);
    }
  }

  std::string cur = m.input_name;  // name of the value flowing through the chain
  enum class Stage { Start, AfterMatmul, AfterBias, AfterAct } stage = Stage::Start;
  for (int ni = 0; ni < g.node_size(); ++ni) {
    const onnx::NodeProto& n = g.node(ni);
    const std::string nname = n.name().empty() ? ("#" + std::to_string(ni)) : n.name();
    const std::string& op = n.op_type();
    std::string where = file + ": node " + nname + " (" + op + ")";
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      throw CompileError(file + ": unsupported operator " + n.domain() + "." + op + " at node " + nname);
    bool is_gemm = op == "Gemm", is_mm = op == "MatMul", is_add = op == "Add";
    bool is_act = op == "Relu" || op == "Sigmoid" || op == "Tanh";
    if (!is_gemm && !is_mm && !is_add && !is_act)
      throw CompileError(file + ": unsupported operator " + op + " at node " + nname);
    if (n.output_size() != 1) throw CompileError(where + ": expected one output");
    // Which input is the data flowing through, which the initializer.
    auto data_and_param = [&](std::string& param) {
      if (n.input_size() < 2) throw CompileError(where + ": expected two inputs");
      if (n.input(0) == cur && inits.count(n.input(1))) { param = n.input(1); return 0; }
      if (op != "Gemm" && n.input(1) == cur && inits.count(n.input(0))) { param = n.input(0); return 1; }
      throw CompileError(where + ": inputs must be the previous value '" + cur + "' and a constant initializer");
    };
    if (is_gemm || is_mm) {
      std::string wname;
      int data_pos = data_and_param(wname);
      if (is_mm && data_pos != 0) throw CompileError(where + ": only x*W (data as the first input) is supported");
      const Init& w = inits.at(wname);
      if (w.dims.size() != 2) throw CompileError(where + ": weight '" + wname + "' must be 2-D");
      Layer l;
      l.name = nname;
      bool transB = false;
      double alpha = 1.0, beta = 1.0;
      if (is_gemm) {
        if (auto* a = attr(n, "transA"); a && a->i() != 0) throw CompileError(where + ": transA=1 is not supported");
        if (auto* a = attr(n, "transB")) transB = a->i() != 0;
        if (auto* a = attr(n, "alpha")) alpha = a->f();
        if (auto* a = attr(n, "beta")) beta = a->f();
      }
      size_t R = transB ? w.dims[1] : w.dims[0], C = transB ? w.dims[0] : w.dims[1];
      l.rows = unsigned(R);
      l.cols = unsigned(C);
      l.weights.resize(R * C);
      for (size_t i = 0; i < R; ++i)
        for (size_t j = 0; j < C; ++j) l.weights[i * C + j] = alpha * (transB ? w.v[j * R + i] : w.v[i * C + j]);
      if (is_gemm && n.input_size() >= 3 && !n.input(2).empty()) {
        auto it = inits.find(n.input(2));
        if (it == inits.end()) throw CompileError(where + ": bias '" + n.input(2) + "' must be a constant initializer");
        if (it->second.v.size() != C)
          throw CompileError(where + ": bias must have " + std::to_string(C) + " values (no other broadcast supported)");
        l.bias.resize(C);
        for (size_t j = 0; j < C; ++j) l.bias[j] = beta * it->second.v[j];
      }
      m.layers.push_back(std::move(l));
      stage = m.layers.back().bias.empty() ? Stage::AfterMatmul : Stage::AfterBias;
    } else if (is_add) {
      std::string bname;
      data_and_param(bname);
      if (stage != Stage::AfterMatmul)
        throw CompileError(where + ": Add is supported only as the bias right after MatMul/Gemm");
      Layer& l = m.layers.back();
      const Init& b = inits.at(bname);
      if (b.v.size() != l.cols)
        throw CompileError(where + ": bias must have " + std::to_string(l.cols) + " values");
      l.bias = b.v;
      stage = Stage::AfterBias;
    } else {
      if (n.input_size() != 1 || n.input(0) != cur)
        throw CompileError(where + ": input must be the previous value '" + cur + "'");
      if (stage != Stage::AfterMatmul && stage != Stage::AfterBias)
        throw CompileError(where + ": an activation must follow MatMul/Gemm (and its bias)");
      m.layers.back().act = op == "Relu" ? Activation::Relu : op == "Sigmoid" ? Activation::Sigmoid : Activation::Tanh;
      stage = Stage::AfterAct;
    }
    cur = n.output(0);
  }
  if (m.layers.empty()) throw CompileError(file + ": the ONNX graph has no Gemm/MatMul layer");
  if (cur != m.output_name)
    throw CompileError(file + ": graph output '" + m.output_name + "' is not the end of the layer chain ('" + cur + "')");
  m.input_size = m.layers[0].rows;
  if (declared_in && declared_in != m.input_size)
    throw CompileError(file + ": graph input has " + std::to_string(declared_in) + " features but the first layer takes " +
                       std::to_string(m.input_size));
  m.check();
  return m;
}

Model load_onnx_model(const std::string& path) {
  std::string bytes, err;
  if (!read_bounded(path, kMaxOnnxBytes, "an ONNX model", bytes, err)) throw CompileError("model '" + path + "': " + err);
  return load_onnx_model_bytes(bytes, path);
}

}  // namespace pumavp::compiler
