// ONNX front end: the file is imported into the graph IR (compiler/graph.h) and lowered by the
// passes of compiler/passes.h to the Model the back end maps.
#include "common/bounded_read.h"
#include "compiler/compiler.h"
#include "compiler/graph.h"
#include "compiler/model.h"
#include "compiler/passes.h"

namespace pumavp::compiler {

Model load_onnx_model_bytes(const std::string& bytes, const std::string& file, const ShapeCheck& check_shapes) {
  graph::Graph g = graph::import_onnx(bytes, file);
  return graph::run_frontend(g, check_shapes);
}

Model load_onnx_model(const std::string& path, const ShapeCheck& check_shapes) {
  std::string bytes, err;
  if (!read_bounded(path, kMaxOnnxBytes, "an ONNX model", bytes, err)) throw CompileError("model '" + path + "': " + err);
  return load_onnx_model_bytes(bytes, path, check_shapes);
}

Compiled compile_onnx(const std::string& bytes, const std::string& name, const Target& t, const CompileOptions& opt) {
  Model m = load_onnx_model_bytes(bytes, name, [&](const Model& shapes) { check_fits(shapes, t); });
  return compile(m, t, opt);
}

Compiled compile_onnx_file(const std::string& path, const Target& t, const CompileOptions& opt) {
  std::string bytes, err;
  if (!read_bounded(path, kMaxOnnxBytes, "an ONNX model", bytes, err)) throw CompileError("model '" + path + "': " + err);
  return compile_onnx(bytes, path, t, opt);
}

}  // namespace pumavp::compiler
