// pumavp::Progress — "progress on stderr for runs over a few seconds" (architecture.md §4).
// An SC_METHOD wakes every `period` of simulated time and prints one line when `wall_s`
// seconds of wall-clock time have passed since the last line (or the start). It re-arms only
// while other simulation activity is pending, so it never keeps a starved simulation alive
// (deadlock detection by starvation still works), and it touches no model state, so outputs
// and stats are the same with and without it. PUMAVP_PROGRESS_S overrides `wall_s`.
#pragma once

#include <chrono>
#include <functional>
#include <ostream>
#include <string>

#include <systemc>

namespace pumavp {

class Progress : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Progress);
  // `detail` adds text to each line (e.g. host MIPS); may be empty.
  Progress(sc_core::sc_module_name name, std::ostream& os, std::function<std::string()> detail,
           const sc_core::sc_time& period = sc_core::sc_time(100, sc_core::SC_US), double wall_s = 2.0);
  unsigned lines() const { return lines_; }

 private:
  void tick();

  std::ostream& os_;
  std::function<std::string()> detail_;
  sc_core::sc_time period_;
  double wall_s_;
  std::chrono::steady_clock::time_point start_, last_;
  unsigned lines_ = 0;
  sc_core::sc_event ev_;
};

}  // namespace pumavp
