// ISA library throughput. Baseline: BM_FieldExtractBaseline (plain shift/mask of every
// field, no checks) over the same words; compare decode against it as a ratio.
#include <benchmark/benchmark.h>

#include <random>

#include "isa/assembler.h"
#include "isa/encoding.h"
#include "isa/kimage.h"

using namespace pumavp;
using namespace pumavp::isa;

namespace {

const std::vector<uint64_t>& legal_words() {
  static std::vector<uint64_t> w = [] {
    std::vector<uint64_t> v;
    std::mt19937_64 r(1);
    Geometry g;
    while (v.size() < 4096) {
      uint64_t x = r() & r() & r();
      x = (x & ~0x3Full) | (1 + r() % 14);
      if (decode_core(x, g).ok()) v.push_back(x);
    }
    return v;
  }();
  return w;
}

void BM_FieldExtractBaseline(benchmark::State& st) {
  const auto& w = legal_words();
  size_t i = 0;
  for (auto _ : st) {
    uint64_t x = w[i++ & 4095];
    CoreInstr in;
    in.opcode = Opcode(x & 0x3F);
    in.op = uint8_t((x >> 6) & 0x1F);
    in.dest = uint16_t((x >> 11) & 0x1FFF);
    in.src1 = uint16_t((x >> 24) & 0x1FFF);
    in.src2 = uint16_t((x >> 37) & 0x1FFF);
    in.src3 = uint8_t((x >> 50) & 0xF);
    in.vec = uint16_t(((x >> 54) & 0x3FF) + 1);
    benchmark::DoNotOptimize(in);
  }
  st.SetItemsProcessed(int64_t(st.iterations()));
}
BENCHMARK(BM_FieldExtractBaseline);

void BM_DecodeCore(benchmark::State& st) {
  const auto& w = legal_words();
  Geometry g;
  size_t i = 0;
  for (auto _ : st) {
    auto d = decode_core(w[i++ & 4095], g);
    benchmark::DoNotOptimize(d);
  }
  st.SetItemsProcessed(int64_t(st.iterations()));
}
BENCHMARK(BM_DecodeCore);

void BM_EncodeCore(benchmark::State& st) {
  const auto& w = legal_words();
  Geometry g;
  std::vector<CoreInstr> ins;
  for (uint64_t x : w) ins.push_back(decode_core(x, g).instr);
  size_t i = 0;
  for (auto _ : st) benchmark::DoNotOptimize(encode(ins[i++ & 4095]));
  st.SetItemsProcessed(int64_t(st.iterations()));
}
BENCHMARK(BM_EncodeCore);

void BM_AssembleWorkedExample(benchmark::State& st) {
  for (auto _ : st) {
    Diagnostics d;
    auto img = assemble_file(std::string(PUMAVP_SOURCE_DIR) + "/kernels/examples/mlp2.pasm", Geometry{}, d);
    benchmark::DoNotOptimize(img);
  }
}
BENCHMARK(BM_AssembleWorkedExample);

void BM_ReadValidateImage(benchmark::State& st) {
  KernelImage img;
  img.header.tiles = 1;
  img.header.cores_per_tile = 1;
  img.programs.push_back({0, 0, {}});
  const auto& w = legal_words();
  img.programs[0].words.assign(w.begin(), w.begin() + 512);
  for (auto& x : img.programs[0].words)
    if ((x & 0x3F) == 0x0D || (x & 0x3F) == 0x0E) x &= ~(0x3FFFull << 50);  // targets -> 0
  auto bytes = write_image(img);
  Geometry plat;
  for (auto _ : st) {
    auto r = read_image(bytes, &plat);
    if (!r.ok()) st.SkipWithError(r.error.message.c_str());
    benchmark::DoNotOptimize(r);
  }
  st.SetBytesProcessed(int64_t(st.iterations() * bytes.size()));
}
BENCHMARK(BM_ReadValidateImage);

}  // namespace
