// pumavp — the virtual platform's single executable (architecture.md §4).
#include <cstdlib>
#include <iostream>
#include <systemc>

#include "commands.h"
#include "common/config.h"

int sc_main(int argc, char* argv[]) {
  CLI::App app{"pumavp — SystemC/TLM-2.0 virtual platform of a PUMA-class IMC accelerator"};
  app.require_subcommand(1);
  pumavp::CommandContext ctx;
#define PUMAVP_COMMAND(name) pumavp::register_cmd_##name(app, ctx);
#include "commands.inc"
#undef PUMAVP_COMMAND
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const pumavp::ConfigError& e) {
    std::cerr << "pumavp: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "pumavp: error: " << e.what() << "\n";
    return 2;
  }
  return ctx.exit_code;
}

// Our own entry point, so that the SystemC banner is off before the kernel prints it.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  // sc_stop() ends every run normally; its "stopped by user" note is noise.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  return sc_core::sc_elab_and_sim(argc, argv);
}
