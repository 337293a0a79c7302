#include "sweep_slurm.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "common/bounded_read.h"
#include "common/output_file.h"

namespace fs = std::filesystem;

namespace pumavp::sweep {

namespace {

struct Cmd {
  int rc = 0;
  std::string out;
};

// Runs a shell command line, stdout captured, stderr merged.
Cmd capture(const std::string& cmdline) {
  Cmd c;
  FILE* f = popen((cmdline + " 2>&1").c_str(), "r");
  if (!f) throw std::runtime_error("cannot run: " + cmdline);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) c.out.append(buf, n);
  const int st = pclose(f);
  c.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return c;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> v;
  for (std::string w; is >> w;) v.push_back(w);
  return v;
}

// Per array task "STATE EXITCODE" from sacct, or from scontrol when the cluster keeps no
// accounting (accounting_storage/none): the controller still knows recent jobs.
std::map<size_t, std::string> task_states(const std::string& job) {
  std::map<size_t, std::string> st;
  Cmd a = capture("sacct -n -P -X -j " + job + " -o JobID,State,ExitCode");
  if (a.rc == 0) {
    std::istringstream is(a.out);
    for (std::string line; std::getline(is, line);) {
      const auto p1 = line.find('|'), p2 = line.rfind('|'), us = line.find('_');
      if (p1 == std::string::npos || us == std::string::npos || us > p1) continue;
      try {
        st[std::stoul(line.substr(us + 1, p1 - us - 1))] = line.substr(p1 + 1, p2 - p1 - 1) + " exit " + line.substr(p2 + 1);
      } catch (const std::exception&) {
      }
    }
    if (!st.empty()) return st;
  }
  Cmd c = capture("scontrol -o show job " + job);
  if (c.rc != 0) return st;
  std::istringstream is(c.out);
  for (std::string line; std::getline(is, line);) {
    std::map<std::string, std::string> kv;
    for (const auto& w : split_ws(line))
      if (auto eq = w.find('='); eq != std::string::npos) kv[w.substr(0, eq)] = w.substr(eq + 1);
    if (!kv.count("ArrayTaskId")) continue;
    try {
      st[std::stoul(kv["ArrayTaskId"])] = kv["JobState"] + " exit " + kv["ExitCode"];
    } catch (const std::exception&) {
    }
  }
  return st;
}

}  // namespace

std::string sh_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string array_ranges(const std::vector<size_t>& ids) {
  std::string r;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    r += (r.empty() ? "" : ",") + (j == i ? std::to_string(ids[i]) : fmt::format("{}-{}", ids[i], ids[j]));
    i = j + 1;
  }
  return r;
}

void run_slurm(const Spec& s, const std::vector<Point>& points, const std::vector<size_t>& todo,
               const std::string& dir, const std::string& exe, const SlurmOptions& o, std::ostream& progress) {
  if (todo.empty()) return;
  const fs::path sd = fs::absolute(fs::path(dir) / "slurm");
  fs::create_directories(sd);
  unsigned n = 0;
  while (fs::exists(sd / fmt::format("tasks-{}.txt", n))) ++n;
  const fs::path tasks = sd / fmt::format("tasks-{}.txt", n), script = sd / fmt::format("sweep-{}.sbatch", n);
  std::string lines;
  const size_t chunk = std::max(1u, o.chunk);
  size_t ntasks = 0;
  for (size_t i = 0; i < todo.size(); i += chunk, ++ntasks) {
    for (size_t k = i; k < std::min(todo.size(), i + chunk); ++k) lines += (k == i ? "" : " ") + std::to_string(todo[k]);
    lines += "\n";
  }
  std::string err;
  if (!write_text_file(tasks.string(), lines, err)) throw OutputError(err);
  const std::string spec_abs = fs::absolute(s.file).string(), dir_abs = fs::absolute(dir).string();
  std::string sh = "#!/bin/sh\n";
  sh += "#SBATCH --job-name=" + sh_quote("pumavp-" + s.name) + "\n";
  sh += "#SBATCH --output=" + (sd / "task-%A_%a.log").string() + "\n";
  sh += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  sh += "exec " + sh_quote(exe) + " sweep " + sh_quote(spec_abs) + " -o " + sh_quote(dir_abs) + " --task-list " +
        sh_quote(tasks.string()) + " --task \"$SLURM_ARRAY_TASK_ID\"\n";
  if (!write_text_file(script.string(), sh, err)) throw OutputError(err);
  std::string cmd = fmt::format("sbatch --parsable --array=0-{}{}", ntasks - 1,
                                o.max_parallel ? fmt::format("%{}", o.max_parallel) : std::string());
  for (const auto& a : split_ws(o.sbatch_args)) cmd += " " + sh_quote(a);
  cmd += " " + sh_quote(script.string());
  const Cmd sub = capture(cmd);
  if (sub.rc != 0) throw std::runtime_error("sbatch failed (exit " + std::to_string(sub.rc) + "): " + trim(sub.out));
  std::string job = trim(sub.out);
  if (auto nl = job.rfind('\n'); nl != std::string::npos) job = job.substr(nl + 1);
  if (auto semi = job.find(';'); semi != std::string::npos) job = job.substr(0, semi);
  if (job.empty() || job.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error("sbatch: unexpected reply '" + trim(sub.out) + "'");
  progress << fmt::format("sweep: submitted job array {} ({} tasks, {} points) to Slurm\n", job, ntasks, todo.size())
           << std::flush;

  ProgressBar bar(progress, points.size(), points.size() - todo.size(), isatty(2));
  auto count_done = [&](size_t& failed) {
    size_t done = points.size() - todo.size();
    failed = 0;
    for (size_t i : todo)
      if (auto r = read_result(dir, points[i])) {
        ++done;
        if (r->status != "ok") ++failed;
      }
    return done;
  };
  for (;;) {
    const Cmd q = capture("squeue -h -j " + job + " -o %i");
    size_t failed = 0;
    bar.set_done(count_done(failed), failed);
    // An empty list (or a job the controller already forgot) means every task has ended.
    if ((q.rc == 0 && trim(q.out).empty()) || (q.rc != 0 && q.out.find("Invalid job id") != std::string::npos)) break;
    if (q.rc != 0) throw std::runtime_error("squeue failed: " + trim(q.out));
    std::this_thread::sleep_for(std::chrono::duration<double>(o.poll_s));
  }
  bar.finish();
  // A task that ended without writing its points' results: record them as failed.
  std::map<size_t, std::string> states;
  bool asked = false;
  for (size_t t = 0; t < ntasks; ++t) {
    for (size_t k = t * chunk; k < std::min(todo.size(), (t + 1) * chunk); ++k) {
      const Point& p = points[todo[k]];
      if (read_result(dir, p)) continue;
      if (!asked) states = task_states(job), asked = true;
      PointResult r;
      r.status = "failed";
      r.exit_code = -1;
      const auto it = states.find(t);
      r.error = fmt::format("slurm task {}_{} left no result ({})", job, t, it == states.end() ? "state unknown" : it->second);
      fs::create_directories(point_dir(dir, p));
      write_result(dir, s, p, r);
    }
  }
}

void run_task(const Spec& s, const std::vector<Point>& points, const std::string& dir, const std::string& exe,
              const std::string& task_list, size_t task) {
  std::string text, err;
  if (!read_bounded(task_list, 64 << 20, "a task list", text, err)) throw ConfigError("--task-list " + task_list + ": " + err);
  std::istringstream is(text);
  std::string line;
  for (size_t i = 0; i <= task; ++i)
    if (!std::getline(is, line)) throw ConfigError(fmt::format("--task {}: {} has fewer lines", task, task_list));
  for (const auto& w : split_ws(line)) {
    const size_t idx = std::stoul(w);
    if (idx >= points.size()) throw ConfigError(fmt::format("--task-list {}: point {} out of range", task_list, idx));
    const Point& p = points[idx];
    if (read_result(dir, p)) continue;
    PointResult r;
    try {
      r = run_point(s, p, dir, exe);
    } catch (const OutputError&) {
      throw;
    } catch (const std::exception& e) {
      r.status = "failed";
      r.exit_code = -1;
      r.error = e.what();
    }
    write_result(dir, s, p, r);
  }
}

}  // namespace pumavp::sweep
