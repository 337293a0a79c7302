#include "tracing.h"

#include <ostream>
#include <utility>

#include "accelerator.h"
#include "common/config.h"
#include "common/output_file.h"
#include "host/rv32_core.h"

namespace pumavp {

void TraceOptions::add_to(CLI::App& sub, bool with_host) {
  sub.add_option("--trace", traces,
                 "write a trace: vcd:FILE (waveforms) or perfetto:FILE (timeline JSON); repeatable")
      ->allow_extra_args(false);
  sub.add_option("--itrace", itrace,
                 with_host ? "instruction trace: host|accel|all, optionally :FILE (default stdout)"
                           : "instruction trace of the accelerator: accel, optionally :FILE (default stdout)");
  sub.add_option("--trace-filter", filter,
                 "comma-separated globs selecting traced modules, e.g. 'node.tile0.*,host'");
}

namespace {
// "kind:FILE" -> {kind, FILE}; FILE is `none` without a colon.
std::pair<std::string, std::string> split_spec(const std::string& spec, const std::string& none = "") {
  const size_t colon = spec.find(':');
  return {spec.substr(0, colon), colon == std::string::npos ? none : spec.substr(colon + 1)};
}
}  // namespace

void TraceOptions::check() const {
  bool vcd = false, perfetto = false;
  for (const std::string& t : traces) {
    const auto [kind, file] = split_spec(t);
    if (kind != "vcd" && kind != "perfetto")
      throw ConfigError("--trace " + t + ": unknown trace kind '" + kind + "' (vcd or perfetto)");
    if (file.empty()) throw ConfigError("--trace " + t + ": expected " + kind + ":FILE");
    bool& seen = kind == "vcd" ? vcd : perfetto;
    if (seen) throw ConfigError("--trace " + kind + " given twice");
    seen = true;
  }
  if (!itrace.empty()) {
    const auto [what, file] = split_spec(itrace, "-");
    if (what != "host" && what != "accel" && what != "all")
      throw ConfigError("--itrace " + itrace + ": expected host, accel or all (optionally :FILE)");
    if (file.empty()) throw ConfigError("--itrace " + itrace + ": empty file name");
  }
}

Tracing::Tracing(const TraceOptions& o) : filter_(o.filter) {
  o.check();  // every spec below is well formed
  for (const std::string& t : o.traces) {
    const auto [kind, file] = split_spec(t);
    try {
      if (kind == "vcd") {
        // sc_create_vcd_trace_file appends ".vcd" itself.
        std::string base = file;
        if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) base.resize(base.size() - 4);
        vcd_path_ = base + ".vcd";
        // The SystemC VCD writer ignores write errors, so the file is probed here: a header-sized
        // write that must reach the file (catches a full disk, /dev/full, a read-only path).
        std::string err;
        if (!write_text_file(vcd_path_, std::string(4096, ' '), err)) throw std::runtime_error(err);
        // The kernel announces the time unit as an info note; the run report names the file.
        sc_core::sc_report_handler::set_actions("tracing timescale unit set", sc_core::SC_INFO,
                                                sc_core::SC_DO_NOTHING);
        vcd_ = sc_core::sc_create_vcd_trace_file(base.c_str());
        vcd_->set_time_unit(1, sc_core::SC_NS);
      } else {
        timeline_ = std::make_unique<trace::Timeline>(file);
        timeline_path_ = file;
      }
    } catch (const std::runtime_error& e) {
      throw ConfigError("--trace " + t + ": " + e.what());
    }
  }
  if (!o.itrace.empty()) {
    const auto [what, file] = split_spec(o.itrace, "-");
    itrace_path_ = file;
    itrace_host_ = what != "accel";
    itrace_accel_ = what != "host";
    try {
      itrace_ = std::make_unique<trace::InstrTrace>(itrace_path_);
    } catch (const std::runtime_error& e) {
      throw ConfigError(std::string("--itrace: ") + e.what());
    }
  }
}

Tracing::~Tracing() {
  if (vcd_) sc_core::sc_close_vcd_trace_file(vcd_);
}

void Tracing::attach(Accelerator& accel, host::Rv32Core* cpu) {
  if (!active()) return;
  trace::Sinks accel_sinks;
  accel_sinks.timeline = timeline_.get();
  accel_sinks.itrace = itrace_accel_ ? itrace_.get() : nullptr;
  accel_sinks.filter = filter_;
  accel.node.attach_trace(accel_sinks);
  accel.host_interface.attach_trace(accel_sinks);
  if (cpu && filter_.match("host")) {
    trace::Sinks host_sinks = accel_sinks;
    host_sinks.itrace = itrace_host_ ? itrace_.get() : nullptr;
    cpu->attach_trace(host_sinks, "host");
    cpu_ = cpu;
  }
  if (vcd_) {
    if (cpu && filter_.match("host")) cpu->add_vcd(vcd_, "host");
    if (filter_.match("accel.irq")) sc_core::sc_trace(vcd_, accel.irq, "accel.irq");
    accel.host_interface.add_vcd(vcd_, filter_);
    accel.node.add_vcd(vcd_, filter_);
  }
}

void Tracing::finish(std::ostream& log) {
  if (finished_) return;
  finished_ = true;
  if (cpu_) cpu_->finish_trace();
  if (timeline_) {
    timeline_->close();
    log << "pumavp: timeline trace " << timeline_path_ << ": " << timeline_->events() << " events ("
        << timeline_->spans() << " spans, " << timeline_->flows_started()
        << " flows); open it in the Perfetto UI or chrome://tracing\n";
  }
  if (itrace_) {
    itrace_->close();
    if (itrace_path_ != "-")
      log << "pumavp: instruction trace " << itrace_path_ << ": " << itrace_->lines() << " instructions\n";
  }
  if (vcd_) {
    sc_core::sc_close_vcd_trace_file(vcd_);
    vcd_ = nullptr;
    log << "pumavp: waveforms " << vcd_path_ << "; open them with gtkwave\n";
  }
  // A trace that could not be written completely is an error, never a silently short file.
  if (timeline_ && !timeline_->error().empty()) throw OutputError("--trace perfetto: " + timeline_->error());
  if (itrace_ && !itrace_->error().empty()) throw OutputError("--itrace: " + itrace_->error());
}

}  // namespace pumavp
