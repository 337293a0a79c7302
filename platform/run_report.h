// End-of-run report (architecture.md §5): simulated time, host MIPS, wall time,
// accelerator utilisation and energy by component, as text and as JSON.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/config.h"
#include "common/stats.h"

namespace pumavp {

struct RunSummary {
  double sim_time_ns = 0;          // simulated time at the end of the run
  double wall_s = 0;               // host wall-clock seconds
  uint64_t host_instructions = 0;  // retired host instructions (minstret)
  int exit_code = 0;
  std::string exit_reason;         // "finisher", "max-time", "no-progress", "deadlock", ...
  // What the host CPU was doing when the run ended (Soc::run; empty: not a SoC run):
  // "finished", "running", "asleep in WFI", "stalled in a bus access at 0x...", "halted",
  // "no progress" (a trap storm: the trap_* fields describe the trap that repeats forever).
  std::string cpu_state;
  bool no_progress = false;
  uint32_t trap_cause = 0, trap_pc = 0, trap_tval = 0, trap_mtvec = 0;
  double host_mips() const { return wall_s > 0 ? host_instructions / wall_s / 1e6 : 0.0; }
};

// Human-readable report; `stats` supplies the accelerator counters and energy.
void print_run_report(std::ostream& os, const RunSummary& run, const Stats& stats);
// The same content as JSON: {"run": {...}, "platform": {...}, "stats": Stats::to_json()}.
// "platform" gives the geometry (tiles, cores, mesh) that plots need to lay counters out.
nlohmann::json run_report_json(const RunSummary& run, const Stats& stats, const PlatformConfig& cfg);

}  // namespace pumavp
