#include "compiler/model.h"
#include "common/bounded_read.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "isa/npy.h"

namespace pumavp::compiler {

namespace fs = std::filesystem;

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Tanh: return "tanh";
  }
  return "?";
}

uint64_t Model::parameters() const {
  uint64_t n = 0;
  for (const auto& l : layers) n += uint64_t(l.rows) * l.cols + l.bias.size();
  return n;
}

void Model::check() const {
  if (layers.empty()) throw CompileError(name + ": the model has no layers");
  if (input_size == 0) throw CompileError(name + ": input size is 0");
  unsigned in = input_size;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    std::string where = name + ": layer " + std::to_string(i) + " (" + l.name + ")";
    if (l.rows != in)
      throw CompileError(where + " has " + std::to_string(l.rows) + " inputs but receives " + std::to_string(in) +
                         " values");
    if (l.cols == 0) throw CompileError(where + " has no outputs");
    if (l.weights.size() != size_t(l.rows) * l.cols) throw CompileError(where + ": weight count does not match its shape");
    if (!l.bias.empty() && l.bias.size() != l.cols)
      throw CompileError(where + ": bias has " + std::to_string(l.bias.size()) + " values, expected " +
                         std::to_string(l.cols));
    for (double v : l.weights)
      if (!std::isfinite(v)) throw CompileError(where + ": weights contain NaN or infinity");
    for (double v : l.bias)
      if (!std::isfinite(v)) throw CompileError(where + ": bias contains NaN or infinity");
    in = l.cols;
  }
}

std::vector<double> random_values(uint64_t seed, size_t n, double scale) {
  std::vector<double> v(n);
  uint64_t s = seed;
  for (size_t i = 0; i < n; ++i) {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    double u = double(z >> 11) * (1.0 / 9007199254740992.0);  // [0, 1)
    v[i] = (2.0 * u - 1.0) * scale;
  }
  return v;
}

namespace {

std::string loc(const YAML::Node& n) {
  auto m = n.Mark();
  if (m.line < 0) return "";
  return ":" + std::to_string(m.line + 1);
}

template <class T>
T get(const YAML::Node& n, const std::string& file, const std::string& key) {
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw CompileError(file + loc(n) + ": bad value for '" + key + "'");
  }
}

isa::NpyArray read_npy(const std::string& path) {
  isa::NpyArray a;
  std::string err;
  if (!isa::read_npy_file(path, a, err)) throw CompileError("'" + path + "': " + err);
  return a;
}

Activation parse_act(const YAML::Node& n, const std::string& file) {
  std::string s = get<std::string>(n, file, "activation");
  if (s == "relu") return Activation::Relu;
  if (s == "sigmoid") return Activation::Sigmoid;
  if (s == "tanh") return Activation::Tanh;
  if (s == "none" || s == "linear") return Activation::None;
  throw CompileError(file + loc(n) + ": unknown activation '" + s + "' (relu, sigmoid, tanh, none)");
}

}  // namespace

Model load_yaml_model_text(const std::string& text, const std::string& base_dir, const std::string& file,
                           const ShapeCheck& check_shapes) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CompileError(file + ": YAML error: " + e.what());
  }
  if (!root.IsMap()) throw CompileError(file + ": expected a mapping with kind, input and layers");
  static const char* kTop[] = {"kind", "name", "input", "seed", "layers", "input_name", "output_name", "description"};
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string k = it->first.as<std::string>();
    bool known = false;
    for (const char* t : kTop) known |= k == t;
    if (!known) throw CompileError(file + loc(it->first) + ": unknown key '" + k + "'");
  }
  if (!root["kind"]) throw CompileError(file + ": missing 'kind' (only 'mlp' is supported)");
  std::string kind = get<std::string>(root["kind"], file, "kind");
  if (kind != "mlp") throw CompileError(file + loc(root["kind"]) + ": unsupported model kind '" + kind + "' (only 'mlp')");
  Model m;
  m.name = root["name"] ? get<std::string>(root["name"], file, "name") : fs::path(file).stem().string();
  if (root["input_name"]) m.input_name = get<std::string>(root["input_name"], file, "input_name");
  if (root["output_name"]) m.output_name = get<std::string>(root["output_name"], file, "output_name");
  if (!root["input"]) throw CompileError(file + ": missing 'input' (input vector size)");
  long long in = get<long long>(root["input"], file, "input");
  if (in <= 0 || in > 1000000) throw CompileError(file + loc(root["input"]) + ": input size out of range");
  m.input_size = unsigned(in);
  uint64_t seed = root["seed"] ? get<uint64_t>(root["seed"], file, "seed") : 1;
  const YAML::Node& layers = root["layers"];
  if (!layers || !layers.IsSequence() || layers.size() == 0)
    throw CompileError(file + ": 'layers' must be a non-empty list");
  if (check_shapes) {
    // The shapes first (from 'outputs'; a layer of .npy weights without 'outputs' ends the
    // known prefix): a model that cannot fit is refused before any weight is generated or read.
    Model shapes;
    shapes.name = m.name;
    unsigned r = m.input_size;
    for (size_t i = 0; i < layers.size(); ++i) {
      const YAML::Node& ln = layers[i];
      if (!ln.IsMap() || !ln["outputs"]) break;
      const long long out = get<long long>(ln["outputs"], file, "outputs");
      if (out <= 0 || out > 1000000) break;  // reported by the full pass below
      Layer l;
      l.rows = r;
      l.cols = unsigned(out);
      r = l.cols;
      shapes.layers.push_back(std::move(l));
    }
    check_shapes(shapes);
  }
  unsigned rows = m.input_size;
  for (size_t i = 0; i < layers.size(); ++i) {
    const YAML::Node& ln = layers[i];
    std::string where = file + loc(ln) + ": layer " + std::to_string(i);
    if (!ln.IsMap()) throw CompileError(where + ": expected a mapping");
    static const char* kLayer[] = {"name", "weights", "bias", "activation", "outputs", "scale", "seed"};
    for (auto it = ln.begin(); it != ln.end(); ++it) {
      std::string k = it->first.as<std::string>();
      bool known = false;
      for (const char* t : kLayer) known |= k == t;
      if (!known) throw CompileError(file + loc(it->first) + ": unknown layer key '" + k + "'");
    }
    Layer l;
    l.name = ln["name"] ? get<std::string>(ln["name"], file, "name") : "fc" + std::to_string(i);
    l.rows = rows;
    if (ln["activation"]) l.act = parse_act(ln["activation"], file);
    if (!ln["weights"]) throw CompileError(where + ": missing 'weights' (file.npy or 'random')");
    std::string wspec = get<std::string>(ln["weights"], file, "weights");
    if (wspec == "random") {
      if (!ln["outputs"]) throw CompileError(where + ": 'weights: random' needs 'outputs'");
      long long out = get<long long>(ln["outputs"], file, "outputs");
      if (out <= 0 || out > 1000000) throw CompileError(where + ": outputs out of range");
      l.cols = unsigned(out);
      double scale = ln["scale"] ? get<double>(ln["scale"], file, "scale") : 1.0 / std::sqrt(double(rows));
      uint64_t lseed = ln["seed"] ? get<uint64_t>(ln["seed"], file, "seed") : seed * 1000003ull + i;
      l.weights = random_values(lseed, size_t(rows) * l.cols, scale);
    } else {
      fs::path p = fs::path(wspec).is_absolute() ? fs::path(wspec) : fs::path(base_dir) / wspec;
      isa::NpyArray a = read_npy(p.string());
      if (a.shape.size() != 2)
        throw CompileError(where + ": weights '" + wspec + "' must be 2-D [inputs, outputs]");
      if (a.shape[0] != rows)
        throw CompileError(where + ": weights '" + wspec + "' have " + std::to_string(a.shape[0]) +
                           " rows, but the layer has " + std::to_string(rows) + " inputs");
      l.cols = unsigned(a.shape[1]);
      if (ln["outputs"] && get<long long>(ln["outputs"], file, "outputs") != (long long)l.cols)
        throw CompileError(where + ": 'outputs' disagrees with the weights' shape");
      l.weights = std::move(a.data);
      l.weights_raw = a.is_integer();
    }
    if (ln["bias"]) {
      std::string bspec = get<std::string>(ln["bias"], file, "bias");
      if (bspec == "random") {
        uint64_t bseed = (ln["seed"] ? get<uint64_t>(ln["seed"], file, "seed") : seed * 1000003ull + i) ^ 0xB1A5ull;
        l.bias = random_values(bseed, l.cols, 0.1);
      } else {
        fs::path p = fs::path(bspec).is_absolute() ? fs::path(bspec) : fs::path(base_dir) / bspec;
        isa::NpyArray a = read_npy(p.string());
        size_t n = a.data.size();
        bool shape_ok = (a.shape.size() == 1) || (a.shape.size() == 2 && (a.shape[0] == 1 || a.shape[1] == 1));
        if (!shape_ok || n != l.cols)
          throw CompileError(where + ": bias '" + bspec + "' must hold " + std::to_string(l.cols) + " values");
        l.bias = std::move(a.data);
        l.bias_raw = a.is_integer();
      }
    }
    rows = l.cols;
    m.layers.push_back(std::move(l));
  }
  m.check();
  return m;
}

Model load_yaml_model(const std::string& path, const ShapeCheck& check_shapes) {
  std::string text, err;
  if (!read_bounded(path, kMaxYamlBytes, "a YAML model", text, err)) throw CompileError("model '" + path + "': " + err);
  return load_yaml_model_text(text, fs::path(path).parent_path().string(), path, check_shapes);
}

Model load_model(const std::string& path, const ShapeCheck& check_shapes) {
  std::string ext = fs::path(path).extension().string();
  for (auto& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".yaml" || ext == ".yml") return load_yaml_model(path, check_shapes);
  if (ext == ".onnx") return load_onnx_model(path, check_shapes);
  throw CompileError("'" + path + "': unknown model format (expected .yaml, .yml or .onnx)");
}

}  // namespace pumavp::compiler
