// `pumavp dis IN.pkimg [--config F] [--set k=v]...`: disassemble a kernel image to .pasm.
#include <fstream>
#include <iostream>
#include <iterator>

#include "commands.h"
#include "common/bounded_read.h"
#include "common/config.h"
#include "common/output_file.h"
#include "exit_codes.h"
#include "isa/assembler.h"
#include "isa/kimage.h"

namespace pumavp {

namespace {
struct DisOptions {
  std::string input, output, config;
  std::vector<std::string> sets;
};
}  // namespace

void register_cmd_dis(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<DisOptions>();
  auto* sub = app.add_subcommand("dis", "Disassemble a kernel image into .pasm text");
  sub->add_option("input", o->input, "kernel image (.pkimg)")->required();
  sub->add_option("-o,--output", o->output, "write the text here instead of stdout");
  sub->add_option("--config,-c", o->config, "platform configuration (platform-only sizes)");
  sub->add_option("--set", o->sets, "override a configuration key: key.path=value")->allow_extra_args(false);
  sub->callback([o, &ctx] {
    const PlatformConfig cfg = o->config.empty() ? default_config(o->sets) : load_config(o->config, o->sets);
    // A kernel image is loaded into host DRAM: larger ones are refused before they are read.
    std::string data, err;
    if (!read_bounded(o->input, uint64_t(cfg.host.dram_mib) << 20, "a kernel image (host.dram_mib)", data, err))
      throw ConfigError(o->input + ": " + err);
    const std::vector<uint8_t> bytes(data.begin(), data.end());
    const isa::ImageResult r = isa::read_image(bytes);
    if (!r.ok()) {
      std::cerr << o->input << ": error: " << r.error.message << " (ERROR_CODE " << static_cast<unsigned>(r.error.code)
                << ")\n";
      ctx.exit_code = exit_code::kLoad;
      return;
    }
    const std::string text = isa::disassemble(*r.image, geometry_from_config(cfg));
    if (o->output.empty()) {
      std::cout << text;
    } else {
      std::string err;
      if (!write_text_file(o->output, text, err)) throw OutputError(err);
    }
    ctx.exit_code = exit_code::kOk;
  });
}

}  // namespace pumavp
