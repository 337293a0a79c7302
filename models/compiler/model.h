// pumavp::compiler — the model description the compiler works on: a chain of fully
// connected layers (MLP), read from a YAML description with .npy weights or from ONNX.
//
// Usage:
//   Model m = load_model("kernels/models/mlp_l4.yaml");   // by extension: .yaml/.yml, .onnx
//   m.layers[0].rows (inputs) x m.layers[0].cols (outputs), row-major weights (row = input)
//
// Errors (unreadable file, bad shape, unsupported operator, ...) throw CompileError with a
// message that names the file and the offending item.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <functional>
#include <string>
#include <vector>

namespace pumavp::compiler {

class CompileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Activation { None, Relu, Sigmoid, Tanh };
const char* activation_name(Activation a);

struct Layer {
  std::string name;
  unsigned rows = 0;             // inputs
  unsigned cols = 0;             // outputs
  // rows*cols values, row-major (row i = input i, column j = output j, isa.md §2.8).
  // raw == false: real values, quantised by the compiler; raw == true: int16 raw patterns.
  std::vector<double> weights;
  bool weights_raw = false;
  std::vector<double> bias;      // empty, or cols values (real or raw as bias_raw)
  bool bias_raw = false;
  Activation act = Activation::None;
};

struct Model {
  std::string name = "model";
  std::string input_name = "x";
  std::string output_name = "y";
  unsigned input_size = 0;
  std::vector<Layer> layers;
  // What the front end decided that the user should know (printed in the report and by
  // `pumavp compile` on stderr), e.g. a Softmax at the output left to the host.
  std::vector<std::string> notes;
  unsigned output_size() const { return layers.empty() ? 0 : layers.back().cols; }
  uint64_t parameters() const;
  // Throws CompileError unless the layers chain (rows of layer l+1 == cols of layer l, ...).
  void check() const;
};

// Dispatch on the file extension (.yaml/.yml → YAML, .onnx → ONNX).
// `check_shapes`, if set, is called with the layer shapes (rows, cols; no weights) before any
// weight is generated or read (compiler::check_fits: a model too big is refused at once).
using ShapeCheck = std::function<void(const Model& shapes)>;
Model load_model(const std::string& path, const ShapeCheck& check_shapes = {});
Model load_yaml_model(const std::string& path, const ShapeCheck& check_shapes = {});
// `text` is a YAML document; relative .npy paths are resolved against `base_dir`.
Model load_yaml_model_text(const std::string& text, const std::string& base_dir, const std::string& name,
                           const ShapeCheck& check_shapes = {});
// ONNX: imported into the graph IR and lowered by its passes (compiler/passes.h).
Model load_onnx_model(const std::string& path, const ShapeCheck& check_shapes = {});
Model load_onnx_model_bytes(const std::string& bytes, const std::string& name, const ShapeCheck& check_shapes = {});

// Deterministic pseudo-random weights (splitmix64), uniform in [-scale, scale].
std::vector<double> random_values(uint64_t seed, size_t n, double scale);

}  // namespace pumavp::compiler
