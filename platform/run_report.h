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
  std::string exit_reason;         // "finisher", "max-time", "error", ...
  double host_mips() const { return wall_s > 0 ? host_instructions / wall_s / 1e6 : 0.0; }
};

// Human-readable report; `stats` supplies the accelerator counters and energy.
void print_run_report(std::ostream& os, const RunSummary& run, const Stats& stats);
// The same content as JSON: {"run": {...}, "platform": {...}, "stats": Stats::to_json()}.
// "platform" gives the geometry (tiles, cores, mesh) that plots need to lay counters out.
nlohmann::json run_report_json(const RunSummary& run, const Stats& stats, const PlatformConfig& cfg);

}  // namespace pumavp
