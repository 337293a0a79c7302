// bench_node: build time / peak RSS of the full puma-node.yaml node (138 tiles x 8 cores),
// and host time of a run where one core works while the other 1103 are idle or blocked,
// against the same program on a 1-tile node (ratios measured in the same process).
//
// SystemC elaborates once per process, so both nodes are built once (Iterations(1)) and
// reused by the run benchmarks. Run the benchmarks in the given order (no filter that drops
// the build benchmarks).
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "common/config.h"
#include "common/stats.h"
#include "isa/assembler.h"
#include "node/node.h"

using namespace pumavp;

namespace {

struct Built {
  PlatformConfig cfg;
  Stats stats;
  std::unique_ptr<node::Node> node;
};
std::unique_ptr<Built> g_full, g_one;
std::map<int64_t, double> g_run_one;  // mean host seconds per run of the 1-tile node, by iters

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}
double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;  // KiB on Linux
}

std::unique_ptr<Built> build(const std::vector<std::string>& overrides, const char* name,
                             benchmark::State& st) {
  auto b = std::make_unique<Built>();
  b->cfg = load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/puma-node.yaml", overrides);
  const double rss0 = peak_rss_mib(), cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  b->node = std::make_unique<node::Node>(name, b->cfg, b->stats);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  st.counters["wall_s"] = wall;
  st.counters["cpu_s"] = cpu_seconds() - cpu0;
  st.counters["peak_rss_MiB"] = peak_rss_mib();
  st.counters["rss_growth_MiB"] = peak_rss_mib() - rss0;
  unsigned cores = 0;
  for (unsigned t = 0; t < b->node->num_tiles(); ++t) cores += b->node->tile(t).num_cores();
  st.counters["cores"] = cores;
  return b;
}

void BM_BuildFullPumaNode(benchmark::State& st) {
  for (auto _ : st) g_full = build({}, "full", st);
}
BENCHMARK(BM_BuildFullPumaNode)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BuildOneTileNode(benchmark::State& st) {
  for (auto _ : st) g_one = build({"node.tiles=1"}, "one", st);
}
BENCHMARK(BM_BuildOneTileNode)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Core 0 of tile 0: a loop of `iters` x (mvm + VFU op + loop control).
std::string active_core_program(unsigned iters) {
  std::ostringstream p;
  p << ".config tiles=1 cores=1\n"
    << ".core 0 0\n"
    << "  set rf.0, 0\n  set rf.1, 1\n  set rf.2, " << iters << "\n"
    << "loop:\n"
    << "  mvm mask=0b01\n"
    << "  alu.add rf.16, rf.16, out0.0, vec=64\n"
    << "  aluint.add rf.0, rf.0, rf.1\n"
    << "  brn.lt rf.0, rf.2, loop\n"
    << "  halt\n";
  return p.str();
}

// Every other core of the node blocks on a load of a host-input word nobody writes; the
// run ends (deadlock, code 8) once the active core halted and nothing else is pending.
std::string blocked_cores_program(const PlatformConfig& cfg, unsigned iters) {
  std::ostringstream p;
  p << active_core_program(iters).substr(std::string(".config tiles=1 cores=1\n").size());
  for (unsigned t = 0; t < cfg.node.tiles; ++t) {
    p << ".tensor in" << t << " in " << t << " 1000 1\n";
    for (unsigned c = 0; c < cfg.tile.cores; ++c) {
      if (t == 0 && c == 0) continue;
      p << ".core " << t << " " << c << "\n  set rf.0, 1000\n  load rf.4, rf.0\n  halt\n";
    }
  }
  return p.str();
}

isa::KernelImage assemble(node::Node& n, const std::string& text) {
  isa::Diagnostics diag;
  auto img = isa::assemble_string(text, "bench.pasm", ".", n.geometry(), diag);
  if (!img) {
    fprintf(stderr, "%s\n", diag.str().c_str());
    std::abort();
  }
  return *img;
}

double run(benchmark::State& st, Built& b, const isa::KernelImage& img, fabric::RunStatus want,
           unsigned iters) {
  double total = 0;
  for (auto _ : st) {
    st.PauseTiming();
    const node::LoadResult r = b.node->load(img);
    if (!r.ok()) {
      st.SkipWithError(r.message.c_str());
      return 0;
    }
    st.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    const fabric::RunStatus s = b.node->run_standalone();
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s != want) {
      st.SkipWithError(b.node->report().c_str());
      return 0;
    }
  }
  st.counters["sim_us"] =
      (b.node->run_end_time() - b.node->run_start_time()).to_seconds() * 1e6;
  st.counters["mvm_per_s"] = benchmark::Counter(iters, benchmark::Counter::kIsIterationInvariantRate);
  return total / st.iterations();
}

void BM_RunOneActiveCore_OneTileNode(benchmark::State& st) {
  if (!g_one) return st.SkipWithError("build benchmark not run");
  const unsigned iters = static_cast<unsigned>(st.range(0));
  const auto img = assemble(*g_one->node, active_core_program(iters));
  g_run_one[st.range(0)] = run(st, *g_one, img, fabric::RunStatus::Done, iters);
}
BENCHMARK(BM_RunOneActiveCore_OneTileNode)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

void BM_RunOneActiveCore_FullNodeOthersIdle(benchmark::State& st) {
  if (!g_full) return st.SkipWithError("build benchmark not run");
  const unsigned iters = static_cast<unsigned>(st.range(0));
  const auto img = assemble(*g_full->node, active_core_program(iters));
  const double t = run(st, *g_full, img, fabric::RunStatus::Done, iters);
  if (g_run_one.count(st.range(0))) st.counters["ratio_vs_1tile"] = t / g_run_one[st.range(0)];
}
BENCHMARK(BM_RunOneActiveCore_FullNodeOthersIdle)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

void BM_RunOneActiveCore_FullNodeOthersBlocked(benchmark::State& st) {
  if (!g_full) return st.SkipWithError("build benchmark not run");
  const unsigned iters = static_cast<unsigned>(st.range(0));
  const auto img = assemble(*g_full->node, blocked_cores_program(g_full->cfg, iters));
  // Ends in deadlock (code 8) once the active core halted: the others wait forever.
  const double t = run(st, *g_full, img, fabric::RunStatus::Error, iters);
  if (g_run_one.count(st.range(0))) st.counters["ratio_vs_1tile"] = t / g_run_one[st.range(0)];
}
BENCHMARK(BM_RunOneActiveCore_FullNodeOthersBlocked)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

}  // namespace
