// pumavp::Tracing — the command line's trace options (architecture.md §4, §5) turned into
// sinks and hooked onto the models:
//   --trace vcd:FILE        waveforms through sc_trace (GTKWave)
//   --trace perfetto:FILE   Chrome/Perfetto trace-event JSON (ui.perfetto.dev, chrome://tracing)
//   --itrace host|accel|all[:FILE]   instruction traces (default: stdout)
//   --trace-filter GLOBS    comma-separated globs over module paths (node.tile3.*, host, ...)
// Everything is attached before the simulation starts; with no option nothing is attached
// and the models run their untraced paths.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <systemc>

#include "common/trace.h"

namespace pumavp {

namespace host {
class Rv32Core;
}
class Accelerator;

struct TraceOptions {
  std::vector<std::string> traces;  // "vcd:FILE", "perfetto:FILE"
  std::string itrace;               // "host", "accel", "all", each optionally ":FILE"
  std::string filter;
  // Adds --trace, --itrace, --trace-filter to a subcommand.
  void add_to(CLI::App& sub, bool with_host);
  // Syntax check (before any work is done); throws ConfigError naming the option.
  void check() const;
};

class Tracing {
 public:
  // Opens every output; throws ConfigError for a malformed option or an unwritable file.
  explicit Tracing(const TraceOptions& o);
  ~Tracing();
  bool active() const { return vcd_ || timeline_ || itrace_; }
  // Hook the models (call during elaboration, before sc_start).
  void attach(Accelerator& accel, host::Rv32Core* cpu);
  // Flush and close the outputs; prints one line per output on `log`.
  void finish(std::ostream& log);

 private:
  trace::Filter filter_;
  bool itrace_host_ = false, itrace_accel_ = false;
  std::unique_ptr<trace::Timeline> timeline_;
  std::unique_ptr<trace::InstrTrace> itrace_;
  sc_core::sc_trace_file* vcd_ = nullptr;
  std::string vcd_path_, timeline_path_, itrace_path_;
  host::Rv32Core* cpu_ = nullptr;
  bool finished_ = false;
};

}  // namespace pumavp
