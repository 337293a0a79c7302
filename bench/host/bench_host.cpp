// Host ISS speed: the pure-C++ hart (the SystemC shell adds only a quantum check per batch)
// runs the compute_bench firmware (CRC-32 + integer matrix multiply) to completion, with
// DRAM as a DMI fast region and, as the baseline of the same run, with every fetch, load and
// store going through the HartEnv interface (the non-DMI path of the SystemC shell minus
// b_transport itself). Reports host MIPS as items_per_second.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "host/elf_loader.h"
#include "host/rv32_hart.h"

using namespace pumavp::host;

namespace {

constexpr uint32_t kDram = 0x80000000u, kDramSize = 16u << 20;
constexpr uint32_t kFinisher = 0x00100000u, kUart = 0x10000000u;

std::string elf_path() { return std::string(PUMAVP_BINARY_DIR) + "/firmware/apps/compute_bench/compute_bench.elf"; }

// Flat DRAM + a UART that swallows output + a test finisher that ends the run.
class FlatEnv : public HartEnv {
 public:
  std::vector<uint8_t> mem = std::vector<uint8_t>(kDramSize);
  Rv32Hart* hart = nullptr;
  bool finished = false;
  uint32_t finish_value = 0;
  bool load(uint32_t a, unsigned size, uint32_t& v) override {
    if (a >= kDram && a - kDram + size <= kDramSize) {
      v = 0;
      std::memcpy(&v, &mem[a - kDram], size);
      return true;
    }
    if (a >= kUart && a < kUart + 0x100) {
      v = (a - kUart == 5) ? 0x60 : 0;  // LSR: THR empty
      return true;
    }
    return false;
  }
  bool store(uint32_t a, unsigned size, uint32_t v) override {
    if (a >= kDram && a - kDram + size <= kDramSize) {
      std::memcpy(&mem[a - kDram], &v, size);
      return true;
    }
    if (a >= kUart && a < kUart + 0x100) return true;
    if (a == kFinisher) {
      finished = true;
      finish_value = v;
      hart->request_exit();
      return true;
    }
    return false;
  }
  bool fetch16(uint32_t a, uint16_t& p) override {
    if (a < kDram || a - kDram + 2 > kDramSize) return false;
    std::memcpy(&p, &mem[a - kDram], 2);
    return true;
  }
};

void run_compute_bench(benchmark::State& st, bool dmi) {
  const ElfFile elf = ElfFile::read_file(elf_path());
  uint64_t total = 0;
  for (auto _ : st) {
    st.PauseTiming();
    FlatEnv env;
    elf.load([&](uint32_t a, const uint8_t* d, uint32_t n) {
      if (d) std::memcpy(&env.mem[a - kDram], d, n);
      else std::memset(&env.mem[a - kDram], 0, n);
    }, {{kDram, uint64_t(kDram) + kDramSize}});
    Rv32Hart hart(env);
    env.hart = &hart;
    hart.set_code_region(kDram, kDramSize);
    if (dmi) hart.set_fast_region(kDram, kDramSize, env.mem.data());
    hart.reset(elf.entry());
    st.ResumeTiming();
    while (!env.finished) {
      if (hart.run(1u << 20) == Rv32Hart::Stop::Wfi) break;
    }
    st.PauseTiming();
    if (!env.finished || env.finish_value != 0x5555) st.SkipWithError("compute_bench did not pass");
    total += hart.instret();
    st.ResumeTiming();
  }
  st.counters["MIPS"] = benchmark::Counter(double(total) / 1e6, benchmark::Counter::kIsRate);
  st.SetItemsProcessed(static_cast<int64_t>(total));
}

void BM_ComputeBenchDmi(benchmark::State& st) { run_compute_bench(st, true); }
void BM_ComputeBenchNoDmi(benchmark::State& st) { run_compute_bench(st, false); }

}  // namespace

BENCHMARK(BM_ComputeBenchNoDmi)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ComputeBenchDmi)->Unit(benchmark::kMillisecond);
