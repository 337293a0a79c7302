// Convolutional model descriptions in YAML (`kind: cnn`), with seeded random weights so that
// large benchmark networks (Vgg16/19, Diss. Table 3.7) ship as text:
//
//   kind: cnn
//   name: vgg16
//   input: [1, 3, 224, 224]          # N x C x H x W (N = 1)
//   input_name: image                # default x;  output_name: default y
//   seed: 16
//   layers:
//     - {conv: 64, kernel: 3, stride: 1, pad: 1, dilation: 1, bias: true, activation: relu}
//     - {maxpool: 2, stride: 2, pad: 0}
//     - {avgpool: 2, stride: 2, pad: 0, count_include_pad: false}
//     - {globalavgpool: true}
//     - {gemm: 4096, bias: true, activation: relu}    # flattens a map first (ONNX order)
//
// Weights are uniform in ±1/sqrt(fan-in), biases in ±0.1, from the compiler's generator seeded
// by `seed` and the layer index. Errors name the file, line and key.
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/bounded_read.h"
#include "compiler/cnn.h"

namespace pumavp::compiler {

namespace fs = std::filesystem;

namespace {

std::string at(const std::string& file, const YAML::Node& n) {
  const auto m = n.Mark();
  return m.line < 0 ? file : file + ":" + std::to_string(m.line + 1);
}

template <class T>
T value(const YAML::Node& n, const std::string& file, const std::string& key) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw CompileError(at(file, n) + ": bad value for '" + key + "'");
  }
}

unsigned uint_in(const YAML::Node& n, const std::string& file, const std::string& key, unsigned lo, unsigned hi) {
  const long long v = value<long long>(n, file, key);
  if (v < lo || v > hi) throw CompileError(fmt::format("{}: '{}' must be in {}..{}", at(file, n), key, lo, hi));
  return unsigned(v);
}

}  // namespace

bool is_cnn_yaml(const std::string& path) {
  std::string text, err;
  if (!read_bounded(path, kMaxYamlBytes, "a YAML model", text, err)) return false;
  try {
    const YAML::Node root = YAML::Load(text);
    return root.IsMap() && root["kind"] && root["kind"].as<std::string>() == "cnn";
  } catch (const YAML::Exception&) {
    return false;
  }
}

net::Net load_cnn_yaml_text(const std::string& text, const std::string& file, bool with_weights) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CompileError(file + ": YAML error: " + e.what());
  }
  if (!root.IsMap()) throw CompileError(file + ": expected a mapping with kind, input and layers");
  static const std::set<std::string> kTop = {"kind", "name", "input", "seed", "layers", "input_name", "output_name",
                                             "description"};
  for (auto it = root.begin(); it != root.end(); ++it)
    if (!kTop.count(it->first.as<std::string>()))
      throw CompileError(at(file, it->first) + ": unknown key '" + it->first.as<std::string>() + "'");
  if (!root["kind"] || value<std::string>(root["kind"], file, "kind") != "cnn")
    throw CompileError(file + ": 'kind' must be cnn");
  net::Net n;
  n.file = file;
  n.name = root["name"] ? value<std::string>(root["name"], file, "name") : fs::path(file).stem().string();
  const YAML::Node in = root["input"];
  if (!in || !in.IsSequence() || in.size() != 4) throw CompileError(file + ": 'input' must be [1, C, H, W]");
  if (value<long long>(in[0], file, "input") != 1) throw CompileError(at(file, in) + ": the batch dimension must be 1");
  net::Tensor x;
  x.name = root["input_name"] ? value<std::string>(root["input_name"], file, "input_name") : "x";
  x.c = uint_in(in[1], file, "input", 1, 65536);
  x.h = uint_in(in[2], file, "input", 1, 65536);
  x.w = uint_in(in[3], file, "input", 1, 65536);
  if (x.words() > (1u << 24)) throw CompileError(at(file, in) + ": the input is too large");
  x.graph_input = true;
  x.layout = net::Layout::CHW;
  n.tensors.push_back(x);
  n.inputs.push_back(0);
  const uint64_t seed = root["seed"] ? value<uint64_t>(root["seed"], file, "seed") : 1;
  const YAML::Node layers = root["layers"];
  if (!layers || !layers.IsSequence() || layers.size() == 0) throw CompileError(file + ": 'layers' must be a non-empty list");
  unsigned cur = 0;
  bool flat = false;
  for (size_t li = 0; li < layers.size(); ++li) {
    const YAML::Node L = layers[li];
    if (!L.IsMap()) throw CompileError(at(file, L) + ": a layer must be a mapping");
    static const std::set<std::string> kKeys = {"conv",       "gemm",   "maxpool", "avgpool", "globalavgpool",
                                                "kernel",     "stride", "pad",     "dilation", "bias",
                                                "activation", "name",   "count_include_pad"};
    for (auto it = L.begin(); it != L.end(); ++it)
      if (!kKeys.count(it->first.as<std::string>()))
        throw CompileError(at(file, it->first) + ": unknown layer key '" + it->first.as<std::string>() + "'");
    const net::Tensor t = n.tensors[cur];
    net::Op op;
    op.name = L["name"] ? value<std::string>(L["name"], file, "name") : fmt::format("layer{}", li);
    op.where = fmt::format("layer {} ({})", li, op.name);
    op.in = {cur};
    const unsigned k = L["kernel"] ? uint_in(L["kernel"], file, "kernel", 1, 4096) : 0;
    const unsigned s = L["stride"] ? uint_in(L["stride"], file, "stride", 1, 4096) : 0;
    const unsigned p = L["pad"] ? uint_in(L["pad"], file, "pad", 0, 4096) : 0;
    const unsigned d = L["dilation"] ? uint_in(L["dilation"], file, "dilation", 1, 4096) : 1;
    unsigned oc = t.c, oh = t.h, ow = t.w;
    auto window = [&](unsigned kk, unsigned ss) {
      op.kh = op.kw = kk;
      op.sh = op.sw = ss;
      op.dh = op.dw = d;
      op.pt = op.pl = op.pb = op.pr = p;
      if (p >= d * (kk - 1) + 1) throw CompileError(at(file, L) + ": a padding as wide as the window");
      oh = net::window_out(t.h, kk, ss, d, p, p);
      ow = net::window_out(t.w, kk, ss, d, p, p);
      if (!oh || !ow) throw CompileError(at(file, L) + ": the output would be empty");
    };
    const int kinds = int(bool(L["conv"])) + int(bool(L["gemm"])) + int(bool(L["maxpool"])) + int(bool(L["avgpool"])) +
                      int(bool(L["globalavgpool"]));
    if (kinds != 1) throw CompileError(at(file, L) + ": a layer needs exactly one of conv, gemm, maxpool, avgpool, globalavgpool");
    const bool bias = L["bias"] ? value<bool>(L["bias"], file, "bias") : true;
    uint64_t fan_in = 0;
    if (L["conv"] || L["gemm"]) {
      if (flat && L["conv"]) throw CompileError(at(file, L) + ": a conv after a gemm");
      op.kind = net::Kind::Conv;
      op.cin = t.c;
      if (L["conv"]) {
        op.cout = uint_in(L["conv"], file, "conv", 1, 65536);
        window(k ? k : 3, s ? s : 1);
      } else {
        op.cout = uint_in(L["gemm"], file, "gemm", 1, 1 << 20);
        op.gemm = true;
        op.kh = t.h, op.kw = t.w;  // over the whole (flattened) map
        oh = ow = 1;
        flat = true;
      }
      oc = op.cout;
      fan_in = uint64_t(op.cin) * op.kh * op.kw;
      if (with_weights) {
        op.w = random_values(seed * 1000003u + li * 2, size_t(op.cout) * fan_in, 1.0 / std::sqrt(double(fan_in)));
        if (bias) op.b = random_values(seed * 1000003u + li * 2 + 1, op.cout, 0.1);
      }
    } else if (L["maxpool"] || L["avgpool"]) {
      const bool mx = bool(L["maxpool"]);
      const unsigned kk = uint_in(mx ? L["maxpool"] : L["avgpool"], file, mx ? "maxpool" : "avgpool", 1, 4096);
      op.kind = mx ? net::Kind::MaxPool : net::Kind::AvgPool;
      window(kk, s ? s : kk);
      op.count_include_pad = L["count_include_pad"] && value<bool>(L["count_include_pad"], file, "count_include_pad");
    } else {
      op.kind = net::Kind::AvgPool;
      op.kh = t.h, op.kw = t.w;
      oh = ow = 1;
    }
    if (L["activation"]) {
      const std::string a = value<std::string>(L["activation"], file, "activation");
      if (a == "relu") op.act = net::Act::Relu;
      else if (a == "sigmoid") op.act = net::Act::Sigmoid;
      else if (a == "tanh") op.act = net::Act::Tanh;
      else if (a != "none") throw CompileError(at(file, L["activation"]) + ": unknown activation '" + a + "' (relu, sigmoid, tanh, none)");
    }
    net::Tensor o;
    o.name = op.name + ".y";
    o.c = oc, o.h = oh, o.w = ow;
    o.producer = int(n.ops.size());
    n.tensors.push_back(o);
    op.out = unsigned(n.tensors.size() - 1);
    cur = op.out;
    n.ops.push_back(std::move(op));
  }
  net::Tensor& y = n.tensors[cur];
  y.name = root["output_name"] ? value<std::string>(root["output_name"], file, "output_name") : "y";
  y.graph_output = true;
  y.layout = net::Layout::CHW;
  n.outputs.push_back(cur);
  return n;
}

net::Net load_cnn_yaml(const std::string& path, bool with_weights) {
  std::string text, err;
  if (!read_bounded(path, kMaxYamlBytes, "a YAML model", text, err)) throw CompileError("model '" + path + "': " + err);
  return load_cnn_yaml_text(text, path, with_weights);
}

}  // namespace pumavp::compiler
