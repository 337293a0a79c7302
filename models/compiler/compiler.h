// pumavp::compiler — model compiler: quantise an MLP, map its weight blocks onto MVMUs,
// cores and tiles (the PUMA way), and generate core/tile programs as a KernelImage plus
// readable .pasm text.
//
// Usage:
//   pumavp::compiler::Model m = pumavp::compiler::load_model("mlp.yaml");
//   pumavp::compiler::Target t = pumavp::compiler::target_from_config(cfg);
//   pumavp::compiler::Compiled c = pumavp::compiler::compile(m, t);   // throws CompileError
//   std::vector<uint8_t> bytes = pumavp::isa::write_image(c.image);
//   std::cout << c.report;  c.asm_text;  c.quant (per-layer quantisation figures)
//
// Semantics of the compiled model (what the CPU reference must reproduce):
//   x: input words (raw int16). For layer l with X-row blocks r = 0..R-1 and each output j:
//     p_r[j] = sat16(rne(sum_{i in block r} W[i][j] * x[i], f))     (one MVM per block)
//     a[j]   = p_0[j]; a[j] = sat16(a[j] + p_r[j]) for r = 1..R-1    (chain, in r order)
//     a[j]   = sat16(a[j] + b[j])                                  (if the layer has a bias)
//     y[j]   = act(a[j])    relu: max(a, 0); sigmoid/tanh: LUT of isa.md §2.4
//   W and b are quantised with q(v) = sat16(rne_real(v * 2^f)) (raw int16 inputs: as is).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/model.h"
#include "common/geometry.h"
#include "isa/kimage.h"

namespace pumavp {
struct PlatformConfig;
}

namespace pumavp::compiler {

namespace graph {
struct Graph;
}

// The platform resources the compiler maps onto: the platform's one Geometry (tiles, cores,
// MVMUs, crossbar size, slices, Q format, memories) plus the receive-FIFO depth.
struct Target {
  Geometry geometry;
  unsigned fifo_depth = 2;
};
Target target_from_config(const pumavp::PlatformConfig& cfg);

struct LayerQuant {
  std::vector<int16_t> w;        // rows*cols raw, row-major
  std::vector<int16_t> b;        // cols raw, or empty
  uint64_t w_saturated = 0;      // values clamped to the int16 range
  uint64_t b_saturated = 0;
  double w_max_err = 0;          // worst |q/2^f - v| over values not saturated
  double b_max_err = 0;
  double w_max_abs = 0;          // largest |v| (real)
};
// Quantise one layer: q(v) = sat16(rne_real(v * 2^f)); raw inputs must fit int16.
LayerQuant quantize_layer(const Layer& l, unsigned frac_bits);

// One X×X weight block of a layer and where it went.
struct BlockPlacement {
  unsigned layer = 0, row_block = 0, col_block = 0;
  unsigned rows = 0, cols = 0;   // used rows/cols of the crossbar
  unsigned tile = 0, core = 0, mvmu = 0;
};

struct Compiled {
  isa::KernelImage image;
  std::string asm_text;          // .pasm (assemblable; weights inline)
  std::string report;            // mapping and quantisation report
  std::vector<LayerQuant> quant;
  std::vector<BlockPlacement> blocks;
  unsigned crossbars_used = 0, crossbars_available = 0;
  unsigned tiles_used = 0;
  double utilisation = 0;        // used weight cells / cells of the used crossbars
  // What `pumavp compile` prints on stderr: notes of the front end (e.g. a Softmax left to the
  // host) and quantisation warnings (saturated weights); filled by compile_onnx/compile_net.
  std::vector<std::string> notes;
  std::vector<std::string> warnings;
  // Words deliberately left valid after a run (graph-input copies that carry one count for all
  // their words; see the graph back end). 0 for the MLP back end: every count is exact.
  uint64_t overcounted_words = 0;
};

struct CompileOptions {
  bool emit_asm = true;          // build asm_text (large for big models)
  bool asm_weights = true;       // include the weights inline in asm_text
  // Graph back end optimisations (Diss. Table 3.10), each can be switched off for ablations:
  bool input_shuffle = true;     // sliding windows reuse XbarIn words with the mvm shuffle
  bool coalesce_mvm = true;      // one mvm for all MVMUs of a core (else one per MVMU)
};

Compiled compile(const Model& m, const Target& t, const CompileOptions& opt = {});

// Compiles an ONNX model (the bytes of a .onnx file; `name` names it in errors): the graph
// front end (compiler/passes.h), then the MLP back end for a chain of fully connected layers
// or the graph back end for anything else (docs/decisions-compiler.md). The image's tensors
// carry the ONNX graph's input and output names, their words in ONNX element order.
Compiled compile_onnx(const std::string& bytes, const std::string& name, const Target& t,
                      const CompileOptions& opt = {});
Compiled compile_onnx_file(const std::string& path, const Target& t, const CompileOptions& opt = {});
// The back-end choice and compilation of a graph graph::prepare() has seen (`notes`: its notes).
Compiled compile_prepared(const graph::Graph& g, std::vector<std::string> notes, const Target& t,
                          const CompileOptions& opt = {});

// One line per layer whose weights or bias saturated when quantised (values outside the
// Q format's range were clamped), naming the layer, the counts and the range; empty when
// nothing saturated. `pumavp compile` prints them on stderr whether or not --report is given.
std::vector<std::string> quantisation_warnings(const Model& m, const Compiled& c, unsigned frac_bits);

// Throws CompileError ("does not fit") unless the model's layers fit the target's crossbars.
// Uses the layer shapes alone (rows, cols), so it runs before any weight exists: pass it to
// load_model as the shape check.
void check_fits(const Model& m, const Target& t);

}  // namespace pumavp::compiler
