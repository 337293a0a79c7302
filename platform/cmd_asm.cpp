// `pumavp asm IN.pasm -o OUT.pkimg [--config F] [--set k=v]...`: assemble a kernel.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "common/config.h"
#include "common/output_file.h"
#include "exit_codes.h"
#include "isa/assembler.h"

namespace pumavp {

namespace {
struct AsmOptions {
  std::string input, output, config;
  std::vector<std::string> sets;
};
}  // namespace

void register_cmd_asm(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<AsmOptions>();
  auto* sub = app.add_subcommand("asm", "Assemble a .pasm kernel into a kernel image");
  sub->add_option("input", o->input, "assembly source (.pasm)")->required();
  sub->add_option("-o,--output", o->output, "kernel image to write (.pkimg)")->required();
  sub->add_option("--config,-c", o->config, "platform configuration: geometry defaults and static checks");
  sub->add_option("--set", o->sets, "override a configuration key: key.path=value")->allow_extra_args(false);
  sub->callback([o, &ctx] {
    const PlatformConfig cfg = o->config.empty() ? default_config(o->sets) : load_config(o->config, o->sets);
    isa::Diagnostics diag;
    auto img = isa::assemble_file(o->input, geometry_from_config(cfg), diag);
    std::cerr << diag.str();
    if (!img) {
      std::cerr << "pumavp asm: " << diag.error_count() << " error(s), no image written\n";
      ctx.exit_code = exit_code::kFailure;
      return;
    }
    const std::vector<uint8_t> bytes = isa::write_image(*img);
    std::string err;
    if (!write_text_file(o->output, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), err))
      throw OutputError(err);
    ctx.exit_code = exit_code::kOk;
  });
}

}  // namespace pumavp
