// Subcommands of the `pumavp` executable. Each platform/cmd_<name>.cpp defines
//   void register_cmd_<name>(CLI::App& app, CommandContext& ctx);
// which adds its subcommand to `app` with a callback that sets ctx.exit_code. main.cpp calls
// every register function (list generated from the file names by platform/CMakeLists.txt).
#pragma once

#include <CLI/CLI.hpp>

namespace pumavp {

struct CommandContext {
  int exit_code = 0;
};

#define PUMAVP_COMMAND(name) void register_cmd_##name(CLI::App& app, CommandContext& ctx);
#include "commands.inc"
#undef PUMAVP_COMMAND

}  // namespace pumavp
