#include "sweep_run.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "common/bounded_read.h"
#include "common/geometry.h"
#include "common/output_file.h"
#include "common/stats.h"
#include "isa/npy.h"

extern char** environ;

namespace fs = std::filesystem;

namespace pumavp::sweep {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c == '\n' || c == '\r' ? ' ' : c);
  return q + "\"";
}

std::string num(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  return fmt::format("{:.10g}", v.get<double>());
}

struct StepResult {
  int exit_code = 0;  // -1: killed (signal or timeout)
  int signal = 0;
  bool timed_out = false;
  double wall_s = 0;
  long rss_kib = 0;
};

// Runs exe with args, stdout+stderr to `log`, stdin from /dev/null, at most `timeout_s`.
StepResult spawn_step(const std::string& exe, const std::vector<std::string>& args, const std::string& log,
                      double timeout_s) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(exe.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  StepResult r;
  const double t0 = now_s();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + exe + ": " + std::strerror(rc));
  int status = 0;
  struct rusage ru {};
  for (;;) {
    const pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
    if (!r.timed_out && now_s() - t0 > timeout_s) {
      r.timed_out = true;
      kill(pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  r.wall_s = now_s() - t0;
  r.rss_kib = ru.ru_maxrss;
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else {
    r.exit_code = -1;
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return r;
}

// The step's own words for a failure: its last "error:" line, else its last line.
std::string log_error(const std::string& log) {
  std::string text, err;
  read_bounded(log, 1 << 20, "a log", text, err);
  std::istringstream is(text);
  std::string line, last, last_err;
  while (std::getline(is, line)) {
    if (line.empty()) continue;
    last = line;
    if (line.find("error") != std::string::npos) last_err = line;
  }
  std::string e = last_err.empty() ? last : last_err;
  if (e.size() > 240) e = e.substr(0, 240) + "...";
  return e;
}

uint64_t counter(const nlohmann::json& stats, const char* key) {
  const auto& c = stats["stats"]["counters"];
  auto it = c.find(key);
  return it == c.end() ? 0 : it->get<uint64_t>();
}

}  // namespace

AreaPower area_power(const PlatformConfig& c) {
  // Table 3.5 gives the figures of one reference tile (tile.cores cores of core.num_mvmu
  // MVMUs of xbar.size^2 cells, tile.shared_mem_bytes of eDRAM) and of the NoC of the
  // reference node: the built-in defaults. Each part is scaled from there: an MVMU with the
  // crossbar's cell count, the rest of a core as is, a tile's eDRAM with its bytes, the rest
  // of a tile as is, the NoC with the router count.
  static const PlatformConfig ref_cfg = default_config();
  const PlatformConfig& r = ref_cfg;
  const Geometry g = geometry_from_config(c), rg = geometry_from_config(r);
  auto part = [&](double mvmu, double core, double tile, double edram, double noc) {
    const double xbar_scale = double(c.xbar.size) * c.xbar.size / (double(r.xbar.size) * r.xbar.size);
    const double core_rest = core - r.core.num_mvmu * mvmu;
    const double tile_rest = tile - r.tile.cores * core - edram;
    const double one_core = core_rest + c.core.num_mvmu * mvmu * xbar_scale;
    const double one_tile = tile_rest + c.tile.cores * one_core + edram * c.tile.shared_mem_bytes / r.tile.shared_mem_bytes;
    return g.tiles * one_tile + noc * double(g.routers()) / rg.routers();
  };
  const PowerAreaConfig& p = c.power;
  AreaPower a;
  a.area_mm2 = part(p.mvmu.mm2, p.core.mm2, p.tile.mm2, p.edram.mm2, p.noc.mm2);
  a.power_mw = part(p.mvmu.mw, p.core.mw, p.tile.mw, p.edram.mw, p.noc.mw);
  return a;
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"latency_ns", "accel_ns", "dma_ns", "host_ns", "energy_nj"};
    for (unsigned i = 0; i < kNumComponents; ++i)
      n.push_back(std::string("energy_") + component_name(static_cast<Component>(i)) + "_nj");
    for (const char* x : {"area_mm2", "power_mw", "host_instructions", "accel_cycles", "mvms", "out_err_max",
                          "out_err_rms", "accuracy"})
      n.push_back(x);
    return n;
  }();
  return names;
}

nlohmann::json point_metrics(const nlohmann::json& st, const PlatformConfig& cfg, const Workload& w,
                             const std::string& output_npy) {
  nlohmann::json m = nlohmann::json::object();
  const double latency = st["run"]["sim_time_ns"].get<double>();
  m["latency_ns"] = latency;
  const uint64_t cycles = counter(st, "accel.cycles");
  const double accel_ns = double(cycles) * cfg.cycle_ns();
  const double dma_ns = double(counter(st, "accel.dma.busy_ns"));
  m["accel_ns"] = accel_ns;
  m["dma_ns"] = dma_ns;
  // The rest of the run: host software and bus (what neither the accelerator nor the DMA
  // engine was busy with). Only a firmware run has a host.
  if (w.kind == Workload::Kind::Firmware) m["host_ns"] = std::max(0.0, latency - accel_ns - dma_ns);
  const auto& e = st["stats"]["energy_pj"];
  m["energy_nj"] = e.value("total", 0.0) / 1000.0;
  for (unsigned i = 0; i < kNumComponents; ++i) {
    const char* n = component_name(static_cast<Component>(i));
    m[std::string("energy_") + n + "_nj"] = e.value(n, 0.0) / 1000.0;
  }
  const AreaPower ap = area_power(cfg);
  m["area_mm2"] = ap.area_mm2;
  m["power_mw"] = ap.power_mw;
  if (w.kind == Workload::Kind::Firmware) m["host_instructions"] = st["run"].value("host_instructions", uint64_t(0));
  m["accel_cycles"] = cycles;
  uint64_t mvms = 0;
  for (const auto& [k, v] : st["stats"]["counters"].items()) {
    const size_t dot = k.rfind('.');
    if ((dot == std::string::npos ? k : k.substr(dot + 1)) == "mvm") mvms += v.get<uint64_t>();
  }
  m["mvms"] = mvms;
  if (w.kind == Workload::Kind::Model && (!w.reference.empty() || w.label >= 0)) {
    isa::NpyArray out;
    std::string err;
    if (!isa::read_npy_file(output_npy, out, err)) throw std::runtime_error("output " + output_npy + ": " + err);
    const double scale = std::ldexp(1.0, -int(cfg.numerics.frac_bits));
    if (!w.reference.empty()) {
      isa::NpyArray ref;
      if (!isa::read_npy_file(w.reference, ref, err)) throw std::runtime_error("reference " + w.reference + ": " + err);
      if (ref.data.size() != out.data.size())
        throw std::runtime_error(fmt::format("reference {} has {} values, output '{}' {}", w.reference, ref.data.size(),
                                             w.output, out.data.size()));
      double mx = 0, sq = 0;
      for (size_t i = 0; i < out.data.size(); ++i) {
        const double want = ref.is_integer() ? ref.data[i] * scale : ref.data[i];
        const double d = std::fabs(out.data[i] * scale - want);
        mx = std::max(mx, d);
        sq += d * d;
      }
      m["out_err_max"] = mx;
      m["out_err_rms"] = out.data.empty() ? 0.0 : std::sqrt(sq / double(out.data.size()));
    }
    if (w.label >= 0) {
      const auto it = std::max_element(out.data.begin(), out.data.end());
      m["accuracy"] = (it != out.data.end() && it - out.data.begin() == w.label) ? 1 : 0;
    }
  }
  return m;
}

PlatformConfig point_config(const Spec& s, const Point& p) {
  return s.base.empty() ? default_config(p.overrides(s)) : load_config(s.base, p.overrides(s));
}

std::string point_dir(const std::string& dir, const Point& p) { return (fs::path(dir) / "points" / p.id).string(); }

PointResult run_point(const Spec& s, const Point& p, const std::string& dir, const std::string& exe) {
  const std::string pd = point_dir(dir, p);
  fs::create_directories(pd);
  const std::string stats = pd + "/stats.json";
  fs::remove(stats);
  std::vector<std::string> cfg_args;
  if (!s.base.empty()) cfg_args = {"--config", s.base};
  for (const auto& o : p.overrides(s)) {
    cfg_args.push_back("--set");
    cfg_args.push_back(o);
  }
  struct Step {
    std::string name;
    std::vector<std::string> args;
  };
  std::vector<Step> steps;
  const Workload& w = s.workload;
  const std::string out_npy = pd + "/output.npy";
  if (w.kind == Workload::Kind::Firmware) {
    std::vector<std::string> a = {"run", w.firmware, "--quiet", "--stats", stats};
    if (!w.max_time.empty()) a.insert(a.end(), {"--max-time", w.max_time});
    a.insert(a.end(), cfg_args.begin(), cfg_args.end());
    steps.push_back({"run", a});
  } else {
    // Every point compiles for its own config, so a point that changes the geometry gets
    // its own mapping (compiling an MLP takes milliseconds: no cache).
    std::vector<std::string> c = {"compile", w.model, "-o", pd + "/model.pkimg"};
    c.insert(c.end(), cfg_args.begin(), cfg_args.end());
    steps.push_back({"compile", c});
    std::vector<std::string> e = {"exec", pd + "/model.pkimg", "--quiet", "--stats", stats};
    for (const auto& [k, v] : w.inputs) e.insert(e.end(), {"--input", k + "=" + v});
    if (!w.output.empty()) e.insert(e.end(), {"--output", w.output + "=" + out_npy});
    if (!w.max_time.empty()) e.insert(e.end(), {"--max-time", w.max_time});
    e.insert(e.end(), cfg_args.begin(), cfg_args.end());
    steps.push_back({"exec", e});
  }
  PointResult r;
  for (const auto& st : steps) {
    const std::string log = pd + "/" + st.name + ".log";
    const StepResult x = spawn_step(exe, st.args, log, std::max(0.001, s.timeout_s - r.wall_s));
    r.wall_s += x.wall_s;
    r.peak_rss_kib = std::max(r.peak_rss_kib, x.rss_kib);
    r.exit_code = x.exit_code;
    if (x.timed_out) {
      r.status = "timeout";
      r.error = fmt::format("{}: killed after timeout_s {} s", st.name, s.timeout_s);
      return r;
    }
    if (x.exit_code < 0) {
      r.status = "crashed";
      r.error = fmt::format("{}: killed by signal {} ({})", st.name, x.signal, strsignal(x.signal));
      return r;
    }
    if (x.exit_code != 0) {
      r.status = "failed";
      const std::string e = log_error(log);
      r.error = st.name + ": exit code " + std::to_string(x.exit_code) + (e.empty() ? "" : ": " + e);
      // A run that ended (with a failing code) still reports its figures.
      if (fs::exists(stats)) {
        try {
          nlohmann::json j = nlohmann::json::parse(std::ifstream(stats));
          r.metrics = point_metrics(j, point_config(s, p), Workload{}, "");
          if (w.kind == Workload::Kind::Model) r.metrics.erase("host_ns"), r.metrics.erase("host_instructions");
        } catch (const std::exception&) {
        }
      }
      return r;
    }
  }
  try {
    nlohmann::json j = nlohmann::json::parse(std::ifstream(stats));
    r.metrics = point_metrics(j, point_config(s, p), w, out_npy);
  } catch (const std::exception& e) {
    r.status = "failed";
    r.error = std::string("metrics: ") + e.what();
  }
  // A large model's image is most of a point's disk; kept for failed points only.
  if (w.kind == Workload::Kind::Model && r.status == "ok" && !s.keep_images) fs::remove(pd + "/model.pkimg");
  return r;
}

void write_result(const std::string& dir, const Spec& s, const Point& p, const PointResult& r) {
  nlohmann::json j;
  j["id"] = p.id;
  j["index"] = p.index;
  j["axes"] = nlohmann::json::object();
  for (size_t i = 0; i < s.axes.size(); ++i) j["axes"][s.axes[i].key] = p.values[i];
  j["seed"] = p.seed;
  j["status"] = r.status;
  j["exit_code"] = r.exit_code;
  j["error"] = r.error;
  j["wall_s"] = r.wall_s;
  j["peak_rss_kib"] = r.peak_rss_kib;
  j["metrics"] = r.metrics;
  const std::string f = point_dir(dir, p) + "/result.json", tmp = f + ".tmp";
  std::string err;
  if (!write_text_file(tmp, j.dump(1) + "\n", err)) throw OutputError(err);
  fs::rename(tmp, f);  // atomic: a point is finished exactly when result.json exists
}

std::optional<PointResult> read_result(const std::string& dir, const Point& p) {
  const std::string f = point_dir(dir, p) + "/result.json";
  std::string text, err;
  if (!fs::exists(f) || !read_bounded(f, 1 << 20, "a point result", text, err)) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (j.at("id") != p.id) return std::nullopt;
    PointResult r;
    r.status = j.at("status");
    r.exit_code = j.at("exit_code");
    r.error = j.at("error");
    r.wall_s = j.at("wall_s");
    r.peak_rss_kib = j.at("peak_rss_kib");
    r.metrics = j.at("metrics");
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void claim_dir(const Spec& s, size_t points, const std::string& dir) {
  fs::create_directories(fs::path(dir) / "points");
  const std::string f = (fs::path(dir) / "sweep.json").string();
  uint32_t h = 2166136261u;
  for (unsigned char ch : s.canonical()) h = (h ^ ch) * 16777619u;
  const std::string hash = fmt::format("{:08x}", h);
  std::string text, err;
  if (fs::exists(f)) {
    if (!read_bounded(f, 1 << 20, "sweep.json", text, err)) throw ConfigError(f + ": " + err);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
      throw ConfigError(f + ": not a sweep record: " + e.what());
    }
    if (j.value("spec_hash", "") != hash)
      throw ConfigError(fmt::format("{} holds the results of another sweep ({}; the SPEC's expansion differs): "
                                    "give a new -o DIR", dir, j.value("spec", std::string("?"))));
    return;
  }
  nlohmann::json j = {{"name", s.name}, {"spec", s.file}, {"spec_hash", hash}, {"points", points}, {"canonical", s.canonical()}};
  if (!write_text_file(f, j.dump(1) + "\n", err)) throw OutputError(err);
}

std::vector<size_t> pending_points(const std::vector<Point>& points, const std::string& dir, bool retry_failed) {
  std::vector<size_t> todo;
  for (const auto& p : points) {
    auto r = read_result(dir, p);
    if (!r || (retry_failed && r->status != "ok")) todo.push_back(p.index);
  }
  return todo;
}

size_t write_csv(const Spec& s, const std::vector<Point>& points, const std::string& dir) {
  std::string csv = "point";
  for (const auto& a : s.axes) csv += "," + csv_field(a.key);
  csv += ",seed,status,exit_code";
  for (const auto& m : metric_names()) csv += "," + m;
  csv += ",error,wall_s,peak_rss_kib\n";
  size_t bad = 0;
  for (const auto& p : points) {
    csv += p.id;
    for (const auto& v : p.values) csv += "," + csv_field(v);
    csv += "," + std::to_string(p.seed);
    auto r = read_result(dir, p);
    if (!r) {
      ++bad;
      csv += ",missing,,";
      for (size_t i = 0; i < metric_names().size(); ++i) csv += ",";
      csv += ",no result (not run, or its run was lost),,\n";
      continue;
    }
    if (r->status != "ok") ++bad;
    csv += "," + r->status + "," + std::to_string(r->exit_code);
    for (const auto& m : metric_names()) csv += "," + (r->metrics.contains(m) ? num(r->metrics[m]) : std::string());
    csv += "," + csv_field(r->error) + fmt::format(",{:.3f},{}\n", r->wall_s, r->peak_rss_kib);
  }
  std::string err;
  if (!write_text_file((fs::path(dir) / "results.csv").string(), csv, err)) throw OutputError(err);
  return bad;
}

void run_local(const Spec& s, const std::vector<Point>& points, const std::vector<size_t>& todo,
               const std::string& dir, const std::string& exe, unsigned jobs, std::ostream& progress) {
  ProgressBar bar(progress, points.size(), points.size() - todo.size(), isatty(2));
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr failure;
  auto worker = [&] {
    for (;;) {
      const size_t k = next++;
      if (k >= todo.size()) return;
      const Point& p = points[todo[k]];
      try {
        PointResult r;
        try {
          r = run_point(s, p, dir, exe);
        } catch (const OutputError&) {
          throw;
        } catch (const std::exception& e) {  // e.g. a point's config (already validated)
          r.status = "failed";
          r.exit_code = -1;
          r.error = e.what();
        }
        write_result(dir, s, p, r);
        std::lock_guard<std::mutex> l(mu);
        bar.point_done(p.id, r);
      } catch (...) {
        std::lock_guard<std::mutex> l(mu);
        if (!failure) failure = std::current_exception();
        next = todo.size();
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < std::max(1u, jobs); ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  bar.finish();
  if (failure) std::rethrow_exception(failure);
}

ProgressBar::ProgressBar(std::ostream& os, size_t total, size_t already_done, bool tty)
    : os_(os), total_(total), done_(already_done), skipped_(already_done), tty_(tty), t0_(now_s()) {
  if (already_done) os_ << fmt::format("sweep: {} of {} points already finished (skipped)\n", already_done, total);
  draw("");
}

void ProgressBar::draw(const std::string& last) {
  const double el = now_s() - t0_;
  const size_t ran = done_ - skipped_;
  const double eta = ran ? el / ran * double(total_ - done_) : 0;
  if (tty_) {
    constexpr int kWidth = 30;
    const int fill = total_ ? int(kWidth * done_ / total_) : kWidth;
    os_ << fmt::format("\r[{}{}] {}/{} failed {} {:.1f}s eta {:.0f}s ", std::string(fill, '#'),
                       std::string(kWidth - fill, '.'), done_, total_, failed_, el, eta)
        << std::flush;
  } else if (!last.empty()) {
    os_ << fmt::format("sweep: [{}/{}] {} ({:.1f}s, eta {:.0f}s)\n", done_, total_, last, el, eta) << std::flush;
  }
}

void ProgressBar::point_done(const std::string& id, const PointResult& r) {
  ++done_;
  if (r.status != "ok") ++failed_;
  draw(id + " " + r.status + (r.error.empty() ? "" : ": " + r.error));
}

void ProgressBar::set_done(size_t done, size_t failed) {
  if (done == done_ && failed == failed_) return;
  done_ = done;
  failed_ = failed;
  draw(fmt::format("{} finished", done));
}

void ProgressBar::finish() {
  if (tty_) os_ << "\n";
  os_ << fmt::format("sweep: {} points, {} not ok, {:.1f} s\n", total_, failed_, now_s() - t0_) << std::flush;
}

}  // namespace pumavp::sweep
