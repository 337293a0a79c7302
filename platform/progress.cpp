#include "progress.h"

#include <cstdlib>

#include <fmt/format.h>

namespace pumavp {

Progress::Progress(sc_core::sc_module_name name, std::ostream& os, std::function<std::string()> detail,
                   const sc_core::sc_time& period, double wall_s)
    : sc_core::sc_module(name), os_(os), detail_(std::move(detail)), period_(period), wall_s_(wall_s) {
  if (const char* e = std::getenv("PUMAVP_PROGRESS_S")) wall_s_ = std::atof(e);
  start_ = last_ = std::chrono::steady_clock::now();
  SC_METHOD(tick);
  sensitive << ev_;
  dont_initialize();
  ev_.notify(period_);
}

void Progress::tick() {
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_).count() >= wall_s_) {
    last_ = now;
    ++lines_;
    const double wall = std::chrono::duration<double>(now - start_).count();
    std::string line = fmt::format("pumavp: progress: {:.1f} s wall, simulated {:.3f} ms", wall,
                                   sc_core::sc_time_stamp().to_seconds() * 1e3);
    if (detail_) {
      const std::string d = detail_();
      if (!d.empty()) line += ", " + d;
    }
    os_ << line << std::endl;
  }
  // Keep ticking only while something else is scheduled: never mask starvation.
  if (sc_core::sc_pending_activity_at_future_time()) ev_.notify(period_);
}

}  // namespace pumavp
