// Crossbar numerics benchmarks, 128x128 (and 256x256): golden (ideal) MVM, bit-sliced MVM,
// MTVM and PANTHER MVM, next to a naive int64 triple-loop baseline measured in the same run.
// Compare ns per MVM as ratios against BM_NaiveMvm.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "common/config.h"
#include "xbar/analog.h"
#include "xbar/bit_planes.h"
#include "xbar/crossbar.h"
#include "xbar/lut.h"
#include "xbar/mcu.h"
#include "xbar/vfu.h"
#include "xbar/rng.h"

using namespace pumavp::xbar;

namespace {

struct Data {
  unsigned X;
  std::vector<int16_t> W, x;
  explicit Data(unsigned n) : X(n), W(std::size_t(n) * n), x(n) {
    std::mt19937_64 g(42);
    for (auto& v : W) v = int16_t(int(g() % 8192) - 4096);
    for (auto& v : x) v = int16_t(int(g() % 8192) - 4096);
  }
};

XbarParams params(unsigned X, XbarModel m) {
  XbarParams p;
  p.size = X;
  p.model = m;
  return p;
}

// Baseline: the obvious row-major int64 triple loop (i outer per column), as a model
// without layout or vectorisation care would do it.
void BM_NaiveMvm(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  const unsigned X = d.X;
  std::vector<int16_t> y(X);
  for (auto _ : st) {
    for (unsigned j = 0; j < X; ++j) {
      int64_t acc = 0;
      for (unsigned i = 0; i < X; ++i) acc += int64_t(d.W[std::size_t(i) * X + j]) * d.x[i];
      y[j] = sat16(rne(acc, 12));
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
}

// Times one product (MVM, or MTVM if `transposed`) of d.x with d.W under `p`; one untimed
// product first (it builds the bit planes of the sliced model).
void time_product(benchmark::State& st, const Data& d, const XbarParams& p, bool transposed) {
  Crossbar xb(p);
  xb.program(d.W.data(), d.X, d.X);
  std::vector<int16_t> y(d.X);
  Flags f;
  auto product = [&] { transposed ? xb.mtvm(d.x.data(), y.data(), f) : xb.mvm(d.x.data(), y.data(), f); };
  product();
  for (auto _ : st) {
    product();
    benchmark::DoNotOptimize(y.data());
  }
}

void BM_GoldenMvm(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  time_product(st, d, params(d.X, XbarModel::Ideal), false);
  st.SetLabel(kernels::variant());
}

void BM_GoldenMtvm(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  time_product(st, d, params(d.X, XbarModel::Ideal), true);
}

void BM_SlicedMvm(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  time_product(st, d, params(d.X, XbarModel::Sliced), false);
}

void BM_SlicedMtvm(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  time_product(st, d, params(d.X, XbarModel::Sliced), true);
}

// An 8-bit ADC (lossless needs 9 bits) forces the sliced model and clips.
void BM_SlicedMvmLossyClip(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  XbarParams p = params(d.X, XbarModel::Ideal);
  p.adc_bits = 8;
  time_product(st, d, p, false);
}

void BM_Program(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  Crossbar xb(params(d.X, XbarModel::Ideal));
  for (auto _ : st) {
    xb.program(d.W.data(), d.X, d.X);
    benchmark::ClobberMemory();
  }
}

void BM_PantherMvm(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  XbarParams p = params(d.X, st.range(1) ? XbarModel::Sliced : XbarModel::Ideal);
  p.panther = true;
  Mcu m(p);
  std::vector<int32_t> W(d.W.begin(), d.W.end());
  for (auto& v : W) v *= 4096;
  m.program(W.data(), d.X, d.X);
  std::vector<int16_t> y(d.X);
  Flags f;
  m.mvm(d.x.data(), y.data(), f);
  for (auto _ : st) {
    m.mvm(d.x.data(), y.data(), f);
    benchmark::DoNotOptimize(y.data());
  }
  st.SetLabel(st.range(1) ? "sliced" : "ideal");
}

void BM_PantherCommit(benchmark::State& st) {
  Data d(128);
  XbarParams p = params(128, XbarModel::Ideal);
  p.panther = true;
  p.crs_period = 0;
  p.opa_model = st.range(0) ? OpaModel::Sliced : OpaModel::Ideal;
  Mcu m(p);
  std::vector<int16_t> small(d.x);
  for (auto& v : small) v = int16_t(v / 64);
  for (auto _ : st) {
    m.opa(small.data(), small.data());
    m.commit();
  }
  st.SetLabel(st.range(0) ? "sliced opa" : "ideal opa");
}

// The analog model (xbar.model: analog), every stage off (arg 0) or every stage on at the
// study strengths of docs/analog.md (arg 1), shadow path off; compare with BM_GoldenMvm and
// BM_SlicedMvm at 128 (today's ideal and sliced paths).
void BM_AnalogMvm(benchmark::State& st) {
  Data d(unsigned(st.range(0)));
  std::vector<std::string> sets;
  if (st.range(1))
    sets = {"analog.dac_inl_lsb=0.1", "analog.prog_noise=pcm", "analog.drift=true",
            "analog.drift_time_s=3600", "analog.drift_compensation=global", "analog.read_noise=true",
            "analog.stuck_set_prob=0.001", "analog.stuck_reset_prob=0.001",
            "analog.ir_r_wire_ohm=0.35", "analog.adc_offset_lsb=0.1", "analog.adc_gain_error=0.01",
            "analog.adc_inl_lsb=0.2", "analog.adc_noise_lsb=0.1"};
  XbarParams p = params(d.X, XbarModel::Analog);
  p.analog = pumavp::default_config(sets).analog;
  p.analog_seed = array_seed(1, 0, 0, 0);
  time_product(st, d, p, false);
}

void BM_VfuMul(benchmark::State& st) {
  Data d(1024);
  std::vector<int16_t> a(1024), out(1024);
  for (unsigned i = 0; i < 1024; ++i) a[i] = d.W[i];
  Flags fl;
  VfuContext c;
  c.flags = &fl;
  for (auto _ : st) {
    vfu_apply(VfuOp::Mul, a.data(), d.W.data() + 1024, 0, out.data(), 1024, c);
    benchmark::DoNotOptimize(out.data());
  }
  st.SetItemsProcessed(st.iterations() * 1024);
}

void BM_LutSetBuild(benchmark::State& st) {
  for (auto _ : st) {
    LutSet s(12, unsigned(st.range(0)));
    benchmark::DoNotOptimize(&s);
  }
}

}  // namespace

BENCHMARK(BM_NaiveMvm)->Arg(128)->Arg(256);
BENCHMARK(BM_GoldenMvm)->Arg(128)->Arg(256);
BENCHMARK(BM_GoldenMtvm)->Arg(128);
BENCHMARK(BM_SlicedMvm)->Arg(128)->Arg(256);
BENCHMARK(BM_SlicedMtvm)->Arg(128);
BENCHMARK(BM_SlicedMvmLossyClip)->Arg(128);
BENCHMARK(BM_Program)->Arg(128);
BENCHMARK(BM_PantherMvm)->Args({128, 0})->Args({128, 1});
BENCHMARK(BM_PantherCommit)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AnalogMvm)->Args({128, 0})->Args({128, 1})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VfuMul);
BENCHMARK(BM_LutSetBuild)->Arg(16)->Unit(benchmark::kMillisecond);
