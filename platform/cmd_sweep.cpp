// `pumavp sweep SPEC.yaml -o DIR [--executor local|slurm] [-j N] [--retry-failed] [--dry-run]`
// A design-space sweep (docs/sweep.md): the SPEC's axes expand into points, every point is
// checked before anything runs, each runs as child `pumavp` processes, DIR gets one
// points/<id>/ per point and results.csv. Resumable: points with a result are skipped.
// Exit code: 0 every point ok; 1 some point failed (all recorded in results.csv); 2 a bad
// SPEC or option (nothing ran).
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "exit_codes.h"
#include "sweep_run.h"
#include "sweep_slurm.h"
#include "sweep_spec.h"

namespace fs = std::filesystem;

namespace pumavp {

namespace {

struct SweepOptions {
  std::string spec, dir, executor = "local", task_list;
  unsigned jobs = 1;
  long task = -1;
  bool retry_failed = false, dry_run = false;
  sweep::SlurmOptions slurm;
};

int do_sweep(const SweepOptions& o) {
  if (o.executor != "local" && o.executor != "slurm")
    throw ConfigError("--executor " + o.executor + ": expected local or slurm");
  if (o.jobs < 1 || o.jobs > 1024) throw ConfigError("-j " + std::to_string(o.jobs) + ": expected 1..1024");
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  const sweep::Spec s = sweep::load_spec(o.spec);
  const std::vector<sweep::Point> points = sweep::expand(s);
  if (!o.task_list.empty()) {  // one Slurm array task (the SPEC was checked at submission)
    if (o.task < 0) throw ConfigError("--task-list needs --task N");
    sweep::run_task(s, points, o.dir, exe, o.task_list, static_cast<size_t>(o.task));
    return exit_code::kOk;
  }
  sweep::validate(s, points);
  if (o.dry_run) {
    for (const auto& p : points) {
      std::cout << p.id;
      for (size_t i = 0; i < s.axes.size(); ++i) std::cout << " " << s.axes[i].key << "=" << p.values[i];
      std::cout << " seed=" << p.seed << "\n";
    }
    return exit_code::kOk;
  }
  sweep::claim_dir(s, points.size(), o.dir);
  const std::vector<size_t> todo = sweep::pending_points(points, o.dir, o.retry_failed);
  if (o.executor == "local") sweep::run_local(s, points, todo, o.dir, exe, o.jobs, std::cerr);
  else sweep::run_slurm(s, points, todo, o.dir, exe, o.slurm, std::cerr);
  const size_t bad = sweep::write_csv(s, points, o.dir);
  std::cerr << fmt::format("sweep: {} written ({} points, {} not ok)\n", (fs::path(o.dir) / "results.csv").string(),
                           points.size(), bad);
  return bad ? exit_code::kFailure : exit_code::kOk;
}

}  // namespace

void register_cmd_sweep(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<SweepOptions>();
  auto* sub = app.add_subcommand("sweep", "Run a design-space sweep (SPEC.yaml) on a local process pool or on Slurm");
  sub->add_option("spec", o->spec, "sweep SPEC (YAML: base, set, axes, zip, workload)")->required();
  sub->add_option("-o,--output", o->dir, "result directory (points/, results.csv); reused to resume")->required();
  sub->add_option("--executor", o->executor, "local (process pool) or slurm (sbatch --array)");
  sub->add_option("-j,--jobs", o->jobs, "local: points run at once (default 1)");
  sub->add_flag("--retry-failed", o->retry_failed, "run again the points whose result is not ok");
  sub->add_flag("--dry-run", o->dry_run, "check the SPEC and list the points, run nothing");
  sub->add_option("--chunk", o->slurm.chunk, "slurm: points per array task (default 1)");
  sub->add_option("--sbatch-args", o->slurm.sbatch_args, "slurm: extra sbatch arguments, e.g. '--partition=batch'");
  sub->add_option("--max-parallel", o->slurm.max_parallel, "slurm: array throttle (tasks at once; 0 = no limit)");
  sub->add_option("--poll", o->slurm.poll_s, "slurm: squeue interval in seconds (default 1)");
  sub->add_option("--task-list", o->task_list, "(internal) a Slurm array task's point list")->group("");
  sub->add_option("--task", o->task, "(internal) the array task id")->group("");
  sub->callback([o, &ctx] { ctx.exit_code = do_sweep(*o); });
}

}  // namespace pumavp
