// `pumavp dis IN.pkimg [--config F] [--set k=v]...`: disassemble a kernel image to .pasm.
#include <fstream>
#include <iostream>
#include <iterator>

#include "commands.h"
#include "common/config.h"
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
    std::ifstream in(o->input, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + o->input);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const isa::ImageResult r = isa::read_image(bytes);
    if (!r.ok()) {
      std::cerr << o->input << ": error: " << r.error.message << " (ERROR_CODE " << static_cast<unsigned>(r.error.code)
                << ")\n";
      ctx.exit_code = 1;
      return;
    }
    const std::string text = isa::disassemble(*r.image, geometry_from_config(cfg));
    if (o->output.empty()) {
      std::cout << text;
    } else {
      std::ofstream out(o->output);
      out << text;
      if (!out) throw std::runtime_error("cannot write " + o->output);
    }
    ctx.exit_code = 0;
  });
}

}  // namespace pumavp
