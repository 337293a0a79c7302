// `pumavp run [--config F] [--set k=v]... FIRMWARE.elf [--max-time T] [--quiet] [--gdb PORT]
//  [--stats FILE.json]` — boot the SoC with a firmware ELF (architecture.md §4).
//
// Without --config the built-in defaults (default_config() + --set) are used. UART output goes
// to stdout (or host.uart_file). Exit code: the firmware's finisher code; 124 when --max-time
// of simulated time passes first; 125 when nothing is left to simulate (CPU asleep in WFI with
// no interrupt source armed); 3 for an ELF the loader refuses; 2 for a bad config or option
// value; 1 for an output (--stats, traces) that could not be written (README "Exit codes"). A run report
// goes to stderr at the end unless --quiet.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "common/config.h"
#include "common/bounded_read.h"
#include "common/output_file.h"
#include "exit_codes.h"
#include "host/elf_loader.h"
#include "host/gdb_server.h"
#include "run_report.h"
#include "accelerator.h"
#include "progress.h"
#include "tracing.h"
#include "soc.h"
#include "time_value.h"

namespace pumavp {

namespace {

struct RunOptions {
  std::string config;
  std::vector<std::string> sets;
  std::string firmware;
  std::string max_time;
  std::string stats;
  bool quiet = false;
  std::string gdb;  // empty: no GDB server
  TraceOptions trace;
};


// The GDB server's view of the ISS.
class CoreGdbTarget : public host::GdbTarget {
 public:
  explicit CoreGdbTarget(host::Rv32Core& c) : c_(c) {}
  uint32_t read_gpr(unsigned n) override { return c_.reg(n); }
  void write_gpr(unsigned n, uint32_t v) override { c_.set_reg(n, v); }
  uint32_t read_pc() override { return c_.reg(32); }
  void write_pc(uint32_t v) override { c_.set_reg(32, v); }
  bool read_csr(unsigned n, uint32_t& v) override { return c_.read_csr(n, v); }
  bool write_csr(unsigned n, uint32_t v) override { return c_.write_csr(n, v); }
  bool read_memory(uint32_t a, uint8_t* d, size_t len) override {
    return c_.debug_read(a, d, static_cast<unsigned>(len)) == len;
  }
  bool write_memory(uint32_t a, const uint8_t* d, size_t len) override {
    return c_.debug_write(a, d, static_cast<unsigned>(len)) == len;
  }
  void set_breakpoint(uint32_t a) override { c_.set_breakpoint(a); }
  void clear_breakpoint(uint32_t a) override { c_.clear_breakpoint(a); }

 private:
  host::Rv32Core& c_;
};

int do_run(const RunOptions& o) {
  o.trace.check();
  PlatformConfig cfg = o.config.empty() ? default_config(o.sets) : load_config(o.config, o.sets);
  const sc_core::sc_time max_time = o.max_time.empty() ? sc_core::SC_ZERO_TIME : parse_time_value(o.max_time, "--max-time");
  int gdb_port = -1;
  if (!o.gdb.empty()) {
    // Strict: digits only, 0..65535 (0 = any free port); never truncated.
    const bool digits = o.gdb.size() <= 5 && o.gdb.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stol(o.gdb) > 65535)
      throw ConfigError("--gdb " + o.gdb + ": expected a TCP port 0..65535 (0 = any free port)");
    gdb_port = static_cast<int>(std::stol(o.gdb));
  }
  // An ELF larger than the memory it loads into plus room for headers and symbols is refused
  // before it is read (README "Input limits").
  const host::ElfFile elf = host::ElfFile::read_file(o.firmware, (uint64_t(cfg.host.dram_mib) << 20) + kElfMetaBytes);

  Soc soc("soc", cfg);
  Accelerator accel(cfg, soc.stats());
  accel.attach(soc);
  soc.load_elf(elf);
  Tracing tracing(o.trace);
  tracing.attach(accel, &soc.cpu());
  std::unique_ptr<Progress> progress;
  if (!o.quiet) {
    const auto w0 = std::chrono::steady_clock::now();
    progress = std::make_unique<Progress>("progress", std::cerr, [&soc, w0] {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      return fmt::format("host {} instructions ({:.1f} MIPS)", soc.cpu().instret(),
                         s > 0 ? soc.cpu().instret() / s / 1e6 : 0.0);
    });
  }

  std::unique_ptr<CoreGdbTarget> gdb_target;
  std::unique_ptr<host::GdbServer> gdb;
  bool gdb_live = false, killed = false, first_stop = true;
  if (gdb_port >= 0) {
    gdb_target = std::make_unique<CoreGdbTarget>(soc.cpu());
    gdb = std::make_unique<host::GdbServer>(*gdb_target);
    std::string err;
    if (!gdb->listen(static_cast<uint16_t>(gdb_port), &err))
      throw std::runtime_error("--gdb: cannot listen on port " + std::to_string(gdb_port) + ": " + err);
    std::cerr << "pumavp: waiting for gdb on 127.0.0.1:" << gdb->port() << "\n";
    if (!gdb->accept_client(-1, &err)) throw std::runtime_error("--gdb: " + err);
    gdb_live = true;
    host::Rv32Core& cpu = soc.cpu();
    cpu.set_start_halted(true);
    cpu.on_stop = [&](host::StopReason why) {
      if (!gdb_live) {
        cpu.resume();
        return;
      }
      using R = host::GdbServer::StopReason;
      R r = R::Interrupt;
      if (first_stop) r = R::Start;
      else if (why == host::StopReason::Breakpoint) r = R::Breakpoint;
      else if (why == host::StopReason::Step) r = R::Step;
      first_stop = false;
      switch (gdb->on_stop(r)) {
        case host::GdbServer::Action::Continue: cpu.resume(); break;
        case host::GdbServer::Action::Step: cpu.step(); break;
        case host::GdbServer::Action::Detach:
          gdb_live = false;
          cpu.resume();
          break;
        case host::GdbServer::Action::Kill:
          killed = true;
          gdb_live = false;
          cpu.request_exit();
          cpu.resume();
          sc_core::sc_pause();
          break;
      }
    };
    cpu.on_poll = [&] {
      if (gdb_live && gdb->poll_interrupt()) cpu.halt();
    };
  }

  RunSummary r = soc.run(max_time);
  if (killed) {
    r.exit_code = 137;
    r.exit_reason = "killed by gdb";
  }
  if (gdb_live) gdb->on_exit(r.exit_code);
  tracing.finish(std::cerr);
  if (r.exit_reason == "max-time")
    std::cerr << fmt::format("pumavp: error: --max-time {} reached before the firmware finished\n", o.max_time);
  else if (r.exit_reason == "deadlock")
    std::cerr << "pumavp: error: simulation starved (host cpu: " << r.cpu_state << "; nothing left that could wake it)\n";
  else if (r.exit_reason == "no-progress")
    std::cerr << fmt::format("pumavp: error: trap storm: the CPU can make no progress (mcause {}, pc 0x{:08x}, mtvec 0x{:08x})\n",
                             r.trap_cause, r.trap_pc, r.trap_mtvec);
  if (!o.quiet) print_run_report(std::cerr, r, soc.stats());
  if (!o.stats.empty()) {
    std::string err;
    if (!write_text_file(o.stats, run_report_json(r, soc.stats(), soc.config()).dump(2) + "\n", err)) {
      std::cerr << "pumavp: error: --stats: " << err << "\n";
      return exit_code::kFailure;
    }
  }
  return r.exit_code;
}

}  // namespace

void register_cmd_run(CLI::App& app, CommandContext& ctx) {
  auto opt = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "Boot the host SoC with a RISC-V firmware ELF");
  sub->add_option("--config,-c", opt->config, "platform configuration (YAML); default: built-in defaults");
  sub->add_option("--set", opt->sets, "override a configuration key (key.path=value)")->allow_extra_args(false);
  sub->add_option("firmware", opt->firmware, "firmware ELF (RV32IMAC)")->required();
  sub->add_option("--max-time", opt->max_time, "simulated-time limit, e.g. 10ms or 2s (exit code 124)");
  sub->add_flag("--quiet,-q", opt->quiet, "no run report on stderr");
  sub->add_option("--gdb", opt->gdb, "wait for gdb-multiarch on this TCP port (0 = any)");
  sub->add_option("--stats", opt->stats, "write the run report as JSON to this file");
  opt->trace.add_to(*sub, true);
  sub->callback([opt, &ctx] {
    try {
      ctx.exit_code = do_run(*opt);
    } catch (const host::ElfError& e) {
      std::cerr << "pumavp: error: " << e.what() << "\n";
      ctx.exit_code = exit_code::kLoad;
    }
  });
}

}  // namespace pumavp
