// ONNX front end: the file is imported into the graph IR (compiler/graph.h) and lowered by the
// passes of compiler/passes.h to the Model the back end maps.
#include <optional>

#include "common/bounded_read.h"
#include "compiler/cnn.h"
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

namespace {

// The image's tensors carry the ONNX shapes of the graph inputs and outputs (pumavp exec reads
// and writes .npy files in those shapes).
void set_shapes(const graph::Graph& g, Compiled& c) {
  for (isa::Tensor& t : c.image.tensors) {
    const graph::Tensor* gt = g.find(t.name);
    if (!gt || !gt->shape_known || gt->shape.empty() || gt->shape.size() > 8) continue;
    std::vector<uint32_t> s;
    uint64_t prod = 1;
    for (int64_t d : gt->shape) s.push_back(uint32_t(d)), prod *= uint64_t(d);
    if (prod == t.len) t.shape = std::move(s);
  }
}

}  // namespace

Compiled compile_onnx(const std::string& bytes, const std::string& name, const Target& t, const CompileOptions& opt) {
  graph::Graph g = graph::import_onnx(bytes, name);
  std::vector<std::string> notes = graph::prepare(g);
  Compiled c = compile_prepared(g, notes, t, opt);
  set_shapes(g, c);
  return c;
}

Compiled compile_prepared(const graph::Graph& g, std::vector<std::string> notes, const Target& t, const CompileOptions& opt) {
  if (graph::is_fully_connected_chain(g)) {
    // The MLP back end (chains of any size, layers split over tiles) when its lowering takes
    // the graph; any other arrangement of these operators goes to the graph back end.
    std::optional<Model> m;
    std::string mlp_error;
    try {
      graph::check_supported(g);
      m = graph::lower_to_model(g, [&](const Model& shapes) { check_fits(shapes, t); });
    } catch (const CompileError& e) {
      if (std::string(e.what()).find("does not fit") != std::string::npos) throw;
      mlp_error = e.what();
    }
    if (!m) {
      // When neither back end takes it, the MLP back end's reason is the one to report.
      net::Net n;
      try {
        n = net::lower_to_net(g);
      } catch (const CompileError&) {
        throw CompileError(mlp_error);
      }
      n.notes = notes;
      Compiled c = compile_net(n, t, opt);
      c.notes = std::move(notes);
      return c;
    }
    {
      m->notes = notes;
      Compiled c = compile(*m, t, opt);
      c.notes = std::move(notes);
      c.warnings = quantisation_warnings(*m, c, t.geometry.frac_bits);
      return c;
    }
  }
  net::Net n = net::lower_to_net(g);
  n.notes = notes;
  Compiled c = compile_net(n, t, opt);
  c.notes = std::move(notes);
  return c;
}

Compiled compile_onnx_file(const std::string& path, const Target& t, const CompileOptions& opt) {
  std::string bytes, err;
  if (!read_bounded(path, kMaxOnnxBytes, "an ONNX model", bytes, err)) throw CompileError("model '" + path + "': " + err);
  return compile_onnx(bytes, path, t, opt);
}

}  // namespace pumavp::compiler
