// Core model speed: a core running a loop of MVMs (ideal crossbar model) — simulated MVM
// instructions per host second — next to the raw numerics (xbar::Crossbar::mvm on the same
// data, the baseline measured in the same run) and a loop of scalar instructions.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>

#include <systemc>

#include "common/config.h"
#include "common/stats.h"
#include "isa/assembler.h"
#include "fabric/run_monitor.h"
#include "tile/tile.h"
#include "xbar/crossbar.h"

namespace {

using namespace pumavp;

constexpr int kLoop = 20000;  // MVMs per kernel run

// SystemC elaborates once per process: one platform shared by every benchmark.
// A module named "node": the tile is "node.tile0" (stats prefix as inside a Node).
struct Platform : sc_core::sc_module {
  PlatformConfig cfg = default_config({"tile.cores=1", "node.tiles=1"});
  Stats stats;
  fabric::RunMonitor mon{"mon"};
  tile::Tile tile{"tile0", cfg, 0, stats, mon};
  Platform() : sc_core::sc_module("node") { tile.noc_out.bind(tile.noc_in); }

  void load(const std::string& pasm) {
    isa::Diagnostics diag;
    auto img = isa::assemble_string(pasm, "bench.pasm", ".", geometry_from_config(cfg), diag);
    if (!img) throw std::runtime_error(diag.str());
    const std::string err = tile.load(*img);
    if (!err.empty()) throw std::runtime_error(err);
  }
  bool run() {
    mon.start();
    tile.start();
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_SEC), sc_core::SC_EXIT_ON_STARVATION);
    tile.end_run();
    return mon.status() == fabric::RunStatus::Done;
  }
};

Platform& platform() {
  static Platform p;
  return p;
}

std::string loop_program(const char* body) {
  std::string w = ".xbar 0 0 0 rows=4 cols=4\n 1 2 3 4\n 5 6 7 8\n -1 -2 -3 -4\n 9 9 9 9\n.end\n";
  return w + ".core 0 0\n  set rf.0, 0\n  set rf.1, " + std::to_string(kLoop) +
         "\n  set rf.2, 1\n  set rf.10, 1000, vec=128\n  copy in0.0, rf.10, vec=128\n"
         "loop: " + body + "\n"
         "  aluint.add rf.0, rf.0, rf.2\n"
         "  brn.lt rf.0, rf.1, loop\n"
         "  halt\n";
}

void BM_CoreMvmLoop(benchmark::State& state) {
  Platform& p = platform();
  p.load(loop_program("mvm mask=0b01"));
  const uint64_t mvm0 = p.stats.counter_value("node.tile0.core0.mvm");
  for (auto _ : state) {
    if (!p.run()) state.SkipWithError("run failed");
  }
  const uint64_t mvms = p.stats.counter_value("node.tile0.core0.mvm") - mvm0;
  state.SetItemsProcessed(static_cast<int64_t>(mvms));
  state.counters["mvm_per_s"] =
      benchmark::Counter(static_cast<double>(mvms), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CoreMvmLoop)->Unit(benchmark::kMillisecond);

// Baseline: the numerics alone (128x128 golden MVM), no core, no SystemC.
void BM_XbarMvmBaseline(benchmark::State& state) {
  const PlatformConfig cfg = default_config();
  xbar::Crossbar xb(xbar::xbar_params(cfg));
  std::mt19937 rng(1);
  std::vector<int16_t> w(128 * 128), x(128), y(128);
  for (auto& v : w) v = static_cast<int16_t>(rng() % 2001) - 1000;
  for (auto& v : x) v = static_cast<int16_t>(rng() % 2001) - 1000;
  xb.program(w.data(), 128, 128);
  xbar::Flags fl;
  for (auto _ : state) {
    for (int i = 0; i < kLoop; ++i) {
      xb.mvm(x.data(), y.data(), fl);
      benchmark::DoNotOptimize(y.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kLoop);
  state.counters["mvm_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kLoop, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_XbarMvmBaseline)->Unit(benchmark::kMillisecond);

// Scalar loop (3 instructions per iteration): instruction rate of the core model.
void BM_CoreScalarLoop(benchmark::State& state) {
  Platform& p = platform();
  p.load(loop_program("aluint.add rf.3, rf.3, rf.2"));
  const uint64_t i0 = p.stats.counter_value("node.tile0.core0.instructions");
  for (auto _ : state) {
    if (!p.run()) state.SkipWithError("run failed");
  }
  const uint64_t n = p.stats.counter_value("node.tile0.core0.instructions") - i0;
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["instr_per_s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CoreScalarLoop)->Unit(benchmark::kMillisecond);

}  // namespace
