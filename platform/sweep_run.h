// pumavp::sweep — running the points of a sweep (docs/sweep.md).
//
// One point runs as child `pumavp` processes (run FIRMWARE, or compile MODEL + exec), so a
// point that crashes, hangs past the SPEC's timeout_s or fails is recorded, never fatal.
// Each point's files live in DIR/points/<id>/ (logs, stats.json, result.json). result.json is
// written last, atomically: a point is finished exactly when it exists (resume skips it).
// results.csv is made from the result files, in point order, so it depends only on the SPEC.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/config.h"
#include "sweep_spec.h"

namespace pumavp::sweep {

struct PointResult {
  std::string status = "ok";  // ok | failed | timeout | crashed
  int exit_code = 0;          // the failing (or last) step's exit code; -1 if killed
  std::string error;          // "" when ok
  double wall_s = 0;          // wall time of all steps
  long peak_rss_kib = 0;      // the largest step's peak resident set
  nlohmann::json metrics = nlohmann::json::object();  // name -> number (absent: n/a)
};

// Area and power of a point's node from the profile's power.* figures (Diss. Table 3.5),
// scaled from the reference geometry of that table (the built-in defaults) to the point's
// geometry; docs/sweep.md gives the rule.
struct AreaPower {
  double area_mm2 = 0;
  double power_mw = 0;
};
AreaPower area_power(const PlatformConfig& cfg);

// Metric columns of results.csv, in order.
const std::vector<std::string>& metric_names();

// Metrics of one finished point from its stats JSON (run report), its config and, for a
// model workload with reference/label, its output tensor (raw int16 .npy).
nlohmann::json point_metrics(const nlohmann::json& stats, const PlatformConfig& cfg, const Workload& w,
                             const std::string& output_npy);

// The config of a point (base + the point's overrides).
PlatformConfig point_config(const Spec& s, const Point& p);

std::string point_dir(const std::string& dir, const Point& p);
PointResult run_point(const Spec& s, const Point& p, const std::string& dir, const std::string& exe);
void write_result(const std::string& dir, const Spec& s, const Point& p, const PointResult& r);
std::optional<PointResult> read_result(const std::string& dir, const Point& p);

// DIR/sweep.json: the SPEC's canonical hash. Creates it, or refuses a DIR of another sweep.
void claim_dir(const Spec& s, size_t points, const std::string& dir);
// results.csv from every point's result file; returns the number of points not ok
// (missing results count as failed with their reason).
size_t write_csv(const Spec& s, const std::vector<Point>& points, const std::string& dir);

// Points of `points` without a result (or, with retry_failed, without an ok result).
std::vector<size_t> pending_points(const std::vector<Point>& points, const std::string& dir, bool retry_failed);

// The local executor: `jobs` points at a time; progress on `progress`.
void run_local(const Spec& s, const std::vector<Point>& points, const std::vector<size_t>& todo,
               const std::string& dir, const std::string& exe, unsigned jobs, std::ostream& progress);

// The progress line of a sweep (a bar on a terminal, one line per point otherwise).
class ProgressBar {
 public:
  ProgressBar(std::ostream& os, size_t total, size_t already_done, bool tty);
  void point_done(const std::string& id, const PointResult& r);
  void set_done(size_t done, size_t failed);  // for executors that only poll a count
  void finish();

 private:
  void draw(const std::string& last);
  std::ostream& os_;
  size_t total_, done_, failed_ = 0, skipped_;
  bool tty_;
  double t0_;
};

}  // namespace pumavp::sweep
