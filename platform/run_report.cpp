#include "run_report.h"

#include <map>

#include <fmt/format.h>

#include "common/geometry.h"
#include "host/rv32_hart.h"
#include "isa/instr.h"

namespace pumavp {

namespace {
// Accelerator instructions by class (isa::opcode_class), summed over every core's
// "instr_<mnemonic>" counters, plus the tile units' instructions (send, receive, halt).
std::map<std::string, uint64_t> instructions_by_class(const Stats& stats) {
  std::map<std::string, const char*> cls;  // "instr_<mnemonic>" -> class
  for (unsigned op = 0; op < 0x20; ++op) {
    const auto o = static_cast<isa::Opcode>(op);
    if (const char* name = isa::opcode_name(o)) cls[std::string("instr_") + name] = isa::opcode_class(o);
  }
  std::map<std::string, uint64_t> by;
  for (const auto& [k, n] : stats.counters()) {  // one pass over every counter
    if (!n) continue;
    const size_t dot = k.rfind('.');
    const std::string leaf = dot == std::string::npos ? k : k.substr(dot + 1);
    if (auto it = cls.find(leaf); it != cls.end()) by[it->second] += n;
    else if (leaf == "instructions" && dot >= 5 && k.compare(dot - 5, 5, ".unit") == 0) by["tile unit"] += n;
  }
  return by;
}
}  // namespace

void print_run_report(std::ostream& os, const RunSummary& run, const Stats& stats) {
  os << "---- pumavp run report ----\n";
  os << fmt::format("exit code:          {} ({})\n", run.exit_code, run.exit_reason);
  if (!run.cpu_state.empty()) os << fmt::format("host cpu:           {}\n", run.cpu_state);
  if (run.no_progress)
    os << fmt::format("trap storm:         mcause {} ({}), pc 0x{:08x}, mtval 0x{:08x}, mtvec 0x{:08x}\n",
                      run.trap_cause, host::cause_name(run.trap_cause), run.trap_pc, run.trap_tval,
                      run.trap_mtvec);
  os << fmt::format("simulated time:     {:.3f} us\n", run.sim_time_ns / 1000.0);
  os << fmt::format("wall time:          {:.3f} s\n", run.wall_s);
  if (run.host_instructions)
    os << fmt::format("host instructions:  {} ({:.1f} MIPS)\n", run.host_instructions, run.host_mips());
  const auto& v = stats.values();
  if (auto it = v.find("accel.utilisation"); it != v.end())
    os << fmt::format("accel utilisation:  {:.1f} %\n", it->second * 100.0);
  const uint64_t cycles = stats.counter_value("accel.cycles");
  if (cycles) os << fmt::format("accel cycles:       {}\n", cycles);
  const uint64_t mvms = stats.sum_counters("mvm");
  if (mvms) os << fmt::format("accel MVMs:         {}\n", mvms);
  const auto by_class = instructions_by_class(stats);
  if (!by_class.empty()) {
    uint64_t total = 0;
    for (const auto& [k, n] : by_class) total += n;
    os << fmt::format("accel instructions: {}\n", total);
    for (const auto& [k, n] : by_class)
      os << fmt::format("  {:<10} {:>14}     {:5.1f} %\n", k, n, 100.0 * n / total);
  }
  EnergyLedger e = stats.total_energy();
  if (e.total() > 0) {
    os << fmt::format("energy:             {:.3f} nJ\n", e.total() / 1000.0);
    for (unsigned i = 0; i < kNumComponents; ++i) {
      if (e.pj[i] == 0) continue;
      os << fmt::format("  {:<10} {:>14.3f} nJ  {:5.1f} %\n", component_name(static_cast<Component>(i)),
                        e.pj[i] / 1000.0, 100.0 * e.pj[i] / e.total());
    }
  }
}

nlohmann::json run_report_json(const RunSummary& run, const Stats& stats, const PlatformConfig& cfg) {
  nlohmann::json j;
  j["run"] = {{"exit_code", run.exit_code},
              {"exit_reason", run.exit_reason},
              {"sim_time_ns", run.sim_time_ns},
              {"wall_s", run.wall_s},
              {"host_instructions", run.host_instructions},
              {"host_mips", run.host_mips()}};
  if (!run.cpu_state.empty()) j["run"]["cpu_state"] = run.cpu_state;
  if (run.no_progress)
    j["run"]["trap"] = {{"mcause", run.trap_cause}, {"cause", host::cause_name(run.trap_cause)},
                        {"pc", run.trap_pc}, {"mtval", run.trap_tval}, {"mtvec", run.trap_mtvec}};
  const Geometry g = geometry_from_config(cfg);
  j["platform"] = {{"tiles", cfg.node.tiles},
                   {"cores_per_tile", cfg.tile.cores},
                   {"mvmus_per_core", cfg.core.num_mvmu},
                   {"xbar_size", cfg.xbar.size},
                   {"concentration", cfg.noc.concentration},
                   {"routers", g.routers()},
                   {"mesh_width", g.mesh_width()},
                   {"mesh_height", g.mesh_height()},
                   {"clock_mhz", cfg.clock_mhz}};
  j["accel"] = {{"instructions_by_class", instructions_by_class(stats)}};
  j["stats"] = stats.to_json();
  return j;
}

}  // namespace pumavp
