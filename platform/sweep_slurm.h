// pumavp::sweep — the Slurm executor (docs/sweep.md): the pending points become one job
// array (`sbatch --array`, `chunk` points per task), each task runs
// `pumavp sweep SPEC -o DIR --task-list FILE --task $SLURM_ARRAY_TASK_ID`, which writes its
// points' result files into the shared DIR; the submitting process follows the job with
// squeue, asks sacct (or, without accounting storage, scontrol) how a task that left no
// result ended, and records such a point as failed.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sweep_run.h"
#include "sweep_spec.h"

namespace pumavp::sweep {

struct SlurmOptions {
  unsigned chunk = 1;             // points per array task
  std::string sbatch_args;        // extra sbatch arguments (split at spaces)
  double poll_s = 1.0;            // squeue interval
  unsigned max_parallel = 0;      // array throttle %N (0 = none)
};

// Shell-quoted for /bin/sh.
std::string sh_quote(const std::string& s);
// "0-3,5,7-8": an sbatch --array list of task ids (sorted, unique input).
std::string array_ranges(const std::vector<size_t>& ids);

void run_slurm(const Spec& s, const std::vector<Point>& points, const std::vector<size_t>& todo,
               const std::string& dir, const std::string& exe, const SlurmOptions& o, std::ostream& progress);

// One array task: runs the points on line `task` of `task_list` that have no result yet.
void run_task(const Spec& s, const std::vector<Point>& points, const std::string& dir, const std::string& exe,
              const std::string& task_list, size_t task);

}  // namespace pumavp::sweep
