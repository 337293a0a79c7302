// pumavp — the virtual platform's single executable (architecture.md §4).
#include <cstdlib>
#include <iostream>
#include <systemc>

#include "commands.h"
#include "common/config.h"
#include "common/output_file.h"
#include "exit_codes.h"
#include "pumavp_version.h"

int sc_main(int argc, char* argv[]) {
  CLI::App app{"pumavp — SystemC/TLM-2.0 virtual platform of a PUMA-class IMC accelerator"};
  app.set_version_flag("--version", "pumavp " PUMAVP_VERSION " (commit " PUMAVP_COMMIT ")");
  app.require_subcommand(1);
  pumavp::CommandContext ctx;
#define PUMAVP_COMMAND(name) pumavp::register_cmd_##name(app, ctx);
#include "commands.inc"
#undef PUMAVP_COMMAND
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help / --version end with 0; every option error is a usage error (README "Exit codes").
    const int rc = app.exit(e);
    return rc == 0 ? pumavp::exit_code::kOk : pumavp::exit_code::kUsage;
  } catch (const pumavp::ConfigError& e) {
    std::cerr << "pumavp: error: " << e.what() << "\n";
    return pumavp::exit_code::kUsage;
  } catch (const pumavp::OutputError& e) {
    std::cerr << "pumavp: error: " << e.what() << "\n";
    return pumavp::exit_code::kFailure;
  } catch (const std::bad_alloc&) {
    std::cerr << "pumavp: error: out of host memory (an input too large for this machine)\n";
    return pumavp::exit_code::kFailure;
  } catch (const std::exception& e) {
    std::cerr << "pumavp: error: " << e.what() << "\n";
    return pumavp::exit_code::kUsage;
  } catch (...) {
    std::cerr << "pumavp: error: unexpected internal exception\n";
    return pumavp::exit_code::kFailure;
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
