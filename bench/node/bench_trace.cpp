// bench_trace: cost of the observability hooks on the accelerator. One 1-tile node runs a
// core loop (mvm + VFU op + loop control) first untraced, then with the timeline sink
// attached (one span per instruction), then with the instruction trace; the traced
// benchmarks report their slowdown against the untraced one measured in the same process.
// Run them in the given order (SystemC elaborates once per process: one node, reused).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include "common/config.h"
#include "common/stats.h"
#include "common/trace.h"
#include "isa/assembler.h"
#include "node/node.h"

using namespace pumavp;

namespace {

struct Bench {
  PlatformConfig cfg;
  Stats stats;
  std::unique_ptr<node::Node> node;
  isa::KernelImage img;
};
std::unique_ptr<Bench> g;
double g_untraced = 0;
const std::string kTmp = "/tmp/pumavp_bench_trace_" + std::to_string(::getpid());

Bench& bench() {
  if (g) return *g;
  g = std::make_unique<Bench>();
  g->cfg = load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/puma-node.yaml", {"node.tiles=1"});
  g->node = std::make_unique<node::Node>("node", g->cfg, g->stats);
  std::ostringstream p;
  p << ".core 0 0\n  set rf.0, 0\n  set rf.1, 1\n  set rf.2, 5000\nloop:\n  mvm mask=0b01\n"
    << "  alu.add rf.16, rf.16, out0.0, vec=64\n  aluint.add rf.0, rf.0, rf.1\n"
    << "  brn.lt rf.0, rf.2, loop\n  halt\n";
  isa::Diagnostics diag;
  auto img = isa::assemble_string(p.str(), "bench.pasm", ".", g->node->geometry(), diag);
  if (!img) {
    fprintf(stderr, "%s\n", diag.str().c_str());
    std::abort();
  }
  g->img = *img;
  return *g;
}

double run(benchmark::State& st) {
  Bench& b = bench();
  double total = 0;
  for (auto _ : st) {
    st.PauseTiming();
    if (!b.node->load(b.img).ok()) return st.SkipWithError("load failed"), 0.0;
    st.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    if (b.node->run_standalone() != fabric::RunStatus::Done) return st.SkipWithError("run failed"), 0.0;
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  st.counters["instr_per_run"] = 4 * 5000 + 5;
  return total / st.iterations();
}

void BM_CoreLoop_Untraced(benchmark::State& st) { g_untraced = run(st); }
BENCHMARK(BM_CoreLoop_Untraced)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

// Runs the benchmark with `sinks` attached to every module, then detaches them.
void run_traced(benchmark::State& st, const trace::Sinks& sinks) {
  bench().node->attach_trace(sinks);
  const double t = run(st);
  bench().node->attach_trace(trace::Sinks{});
  if (g_untraced > 0) st.counters["slowdown_vs_untraced"] = t / g_untraced;
}

void BM_CoreLoop_Timeline(benchmark::State& st) {
  trace::Sinks s;
  auto tl = std::make_unique<trace::Timeline>(kTmp + ".json");
  s.timeline = tl.get();
  run_traced(st, s);
  tl.reset();
  std::remove((kTmp + ".json").c_str());
}
BENCHMARK(BM_CoreLoop_Timeline)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

void BM_CoreLoop_InstrTrace(benchmark::State& st) {
  trace::Sinks s;
  auto it = std::make_unique<trace::InstrTrace>(kTmp + ".txt");
  s.itrace = it.get();
  run_traced(st, s);
  it.reset();
  std::remove((kTmp + ".txt").c_str());
}
BENCHMARK(BM_CoreLoop_InstrTrace)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

// Untraced again after detaching: the hooks leave nothing behind.
void BM_CoreLoop_UntracedAgain(benchmark::State& st) {
  const double t = run(st);
  if (g_untraced > 0) st.counters["ratio_vs_first_untraced"] = t / g_untraced;
}
BENCHMARK(BM_CoreLoop_UntracedAgain)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

}  // namespace
