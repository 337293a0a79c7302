// `pumavp compile MODEL -o OUT.pkimg [--config F] [--set k=v]... [--report] [--emit-asm F.pasm]`
// MODEL: .yaml/.yml MLP description (weights in .npy or generated from a seed) or .onnx.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "common/config.h"
#include "common/output_file.h"
#include "exit_codes.h"
#include "compiler/cnn.h"
#include "compiler/compiler.h"
#include "isa/kimage.h"

namespace pumavp {

namespace {

struct CompileCliOptions {
  std::string model;
  std::string output;
  std::string config;
  std::vector<std::string> sets;
  bool report = false;
  std::string emit_asm;
  bool no_input_shuffle = false, no_mvm_coalescing = false;
};

int run_compile(const CompileCliOptions& o) {
  PlatformConfig cfg = o.config.empty() ? default_config(o.sets) : load_config(o.config, o.sets);
  compiler::Compiled c;
  try {
    const compiler::Target target = compiler::target_from_config(cfg);
    compiler::CompileOptions co;
    co.emit_asm = !o.emit_asm.empty();
    co.input_shuffle = !o.no_input_shuffle;
    co.coalesce_mvm = !o.no_mvm_coalescing;
    const bool onnx = o.model.size() >= 5 && o.model.compare(o.model.size() - 5, 5, ".onnx") == 0;
    if (onnx) {
      c = compiler::compile_onnx_file(o.model, target, co);
    } else if (compiler::is_cnn_yaml(o.model)) {
      // Shapes first: a network that does not fit gets its mapping report, no weight made.
      const compiler::net::Net shapes = compiler::load_cnn_yaml(o.model, false);
      const uint64_t need = compiler::net_crossbars(shapes, target.geometry.xbar_size);
      if (need > target.geometry.crossbars()) {
        if (o.report) std::cout << compiler::net_mapping_report(shapes, target);
        throw compiler::CompileError("model '" + shapes.name + "' does not fit: it needs " + std::to_string(need) +
                                     " crossbars, the platform has " + std::to_string(target.geometry.crossbars()) +
                                     (o.report ? "" : " (--report prints the mapping)"));
      }
      c = compiler::compile_net(compiler::load_cnn_yaml(o.model), target, co);
    } else {
      // The fit check runs on the shapes, before any weight is generated or read.
      compiler::Model m = compiler::load_model(o.model, [&](const compiler::Model& shapes) { compiler::check_fits(shapes, target); });
      c = compiler::compile(m, target, co);
      c.notes = m.notes;
      c.warnings = compiler::quantisation_warnings(m, c, target.geometry.frac_bits);
    }
    for (const std::string& n : c.notes) std::cerr << "pumavp compile: note: " << n << "\n";
    for (const std::string& w : c.warnings) std::cerr << "pumavp compile: warning: " << w << "\n";
  } catch (const compiler::CompileError& e) {
    std::cerr << "pumavp compile: error: " << e.what() << "\n";
    return exit_code::kFailure;
  }
  // The loader's static checks, as a safety net against compiler bugs.
  Geometry platform = geometry_from_config(cfg);
  if (isa::LoadError e = isa::validate_for_platform(c.image, platform)) {
    std::cerr << "pumavp compile: internal error: generated image fails the load checks: " << e.message << "\n";
    return exit_code::kLoad;
  }
  std::vector<uint8_t> bytes = isa::write_image(c.image);
  std::string err;
  if (!write_text_file(o.output, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), err)) {
    std::cerr << "pumavp compile: error: " << err << "\n";
    return exit_code::kFailure;
  }
  if (!o.emit_asm.empty() && !write_text_file(o.emit_asm, c.asm_text, err)) {
    std::cerr << "pumavp compile: error: --emit-asm: " << err << "\n";
    return exit_code::kFailure;
  }
  if (o.report) std::cout << c.report;
  std::cerr << "pumavp compile: " << o.output << ": " << c.crossbars_used << " crossbars on " << c.tiles_used
            << " tiles, " << bytes.size() << " bytes\n";
  return exit_code::kOk;
}

}  // namespace

void register_cmd_compile(CLI::App& app, CommandContext& ctx) {
  auto opt = std::make_shared<CompileCliOptions>();
  auto* sub = app.add_subcommand("compile", "Compile an MLP model (.yaml with .npy weights, or .onnx) to a kernel image");
  sub->add_option("model", opt->model, "model description (.yaml/.yml or .onnx)")->required();
  sub->add_option("-o,--output", opt->output, "kernel image to write (.pkimg)")->required();
  sub->add_option("--config,-c", opt->config, "platform configuration (YAML); default: built-in defaults");
  sub->add_option("--set", opt->sets, "override a key: key.path=value")->allow_extra_args(false);
  sub->add_flag("--report", opt->report, "print the mapping and quantisation report");
  sub->add_flag("--no-input-shuffle", opt->no_input_shuffle,
                "graph back end: load every convolution window in full (ablation of the mvm input shuffle)");
  sub->add_flag("--no-mvm-coalescing", opt->no_mvm_coalescing,
                "graph back end: one mvm per MVMU instead of one per core (ablation)");
  sub->add_option("--emit-asm", opt->emit_asm, "also write the generated program as .pasm");
  sub->callback([opt, &ctx] { ctx.exit_code = run_compile(*opt); });
}

}  // namespace pumavp
