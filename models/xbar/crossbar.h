// pumavp::xbar::Crossbar — one PUMA MVMU: an X×X array of int16 weights (row i = input,
// column j = output) with MVM (isa.md §2.8 golden, §2.9 bit-sliced) and the transposed
// product MTVM on the same array.
//
//   Crossbar xb(params);                    // all weights 0
//   xb.program(w, rows, cols);              // row-major int16 block at (0, 0)
//   xb.mvm(x, y, flags);                    // x: X words (XbarIn), y: X words (XbarOut)
//
// mvm()/mtvm() use the model of the params: `ideal` evaluates §2.8 directly (the hot path,
// int16 column-major weights, vectorised), `sliced` evaluates §2.9 steps 1-7 (offset-binary
// cells as bit planes, per-slice/per-step column sums by AND+popcount, ADC, shift-and-add,
// correction), `analog` evaluates §2.9 on conductances with the analog stages (AnalogArray,
// xbar/analog.h). A lossy ADC (adc_bits below lossless) forces `sliced`. With a lossless ADC
// both give identical results. mvm_ideal()/mvm_sliced() force one model (tests, benches).
// Bit planes are (re)built lazily on the first sliced product after programming.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "xbar/array.h"
#include "xbar/fixed_point.h"
#include "xbar/xbar_config.h"

namespace pumavp::xbar {

class BitPlanes;
class AnalogArray;

// Event counts of one array; the owner maps them to stats.
struct XbarCounters {
  uint64_t mvm = 0;              // MVM products computed
  uint64_t mtvm = 0;             // MTVM products computed
  uint64_t out_saturations = 0;  // output words clamped by sat16 (each also sets SAT)
  uint64_t adc_conversions = 0;  // sliced model only: ADC conversions (S * T * X per product)
  uint64_t adc_clipped = 0;      // sliced model only: conversions clamped at ADC full scale
  // Analog model only (the ideal shadow path when analog.shadow): outputs compared, sum of
  // squared and largest absolute error against the golden product (output LSBs).
  uint64_t adc_clipped_low = 0;  // analog: conversions clamped at 0 (also in adc_clipped)
  uint64_t shadow_outputs = 0;
  uint64_t shadow_err_sq = 0;
  uint64_t shadow_err_max = 0;
};

class Crossbar final : public MvmArray {
 public:
  // Validates p (std::invalid_argument); all weights 0.
  explicit Crossbar(const XbarParams& p);
  ~Crossbar() override;
  Crossbar(Crossbar&&) noexcept;
  Crossbar& operator=(Crossbar&&) noexcept;
  // params(), size(), sliced() (MvmArray): sliced() = §2.9 (model sliced or lossy ADC).

  // All weights 0.
  void clear() override;
  // Write a rows×cols row-major block (row stride ld, 0 = cols) at (row0, col0); other
  // weights keep their values. Throws std::out_of_range if the block leaves the array.
  void program(const int16_t* w, unsigned rows, unsigned cols, unsigned row0 = 0,
               unsigned col0 = 0, std::size_t ld = 0);
  void set_weight(unsigned i, unsigned j, int16_t w);
  int16_t weight(unsigned i, unsigned j) const { return colmaj_[std::size_t(j) * X_ + i]; }
  // MvmArray: program(w, rows, cols) at (0, 0); write_weights32 takes int16-range values only.
  void write_weights(const int16_t* w, unsigned rows, unsigned cols) override {
    program(w, rows, cols);
  }
  void write_weights32(const int32_t* w, unsigned rows, unsigned cols) override;
  int64_t weight_at(unsigned i, unsigned j) const override { return weight(i, j); }

  // mvm() (MvmArray): y[j] = sat16(rne(sum_i W[i][j] x[i], f)), j < X; SAT (and a counter)
  // per clamped word. mtvm(): z[i] = sat16(rne(sum_j W[i][j] d[j], f)), i < X.
  void mvm_ideal(const int16_t* x, int16_t* y, Flags& flags) override;
  void mvm_sliced(const int16_t* x, int16_t* y, Flags& flags) override;
  void mtvm_ideal(const int16_t* d, int16_t* z, Flags& flags) override;
  void mtvm_sliced(const int16_t* d, int16_t* z, Flags& flags) override;

  // The analog stages (model analog), else null.
  const AnalogArray* analog() const { return analog_.get(); }

  const XbarCounters& counters() const { return cnt_; }
  void reset_counters() { cnt_ = XbarCounters{}; }
  void finish_run(ArrayEvents& ev) override;

 private:
  void ensure_planes();
  void finish(const int64_t* acc, int16_t* out, Flags& flags);
  void product(bool transposed, bool bit_sliced, const int16_t* in, int16_t* out, Flags& flags);

  std::vector<int16_t> colmaj_;  // W[i][j] at j*X + i
  std::vector<int16_t> rowmaj_;  // W[i][j] at i*X + j
  bool planes_dirty_ = true;
  std::unique_ptr<BitPlanes> planes_;
  std::unique_ptr<AnalogArray> analog_;
  std::vector<int16_t> shadow_;  // scratch: golden output of the shadow path
  std::vector<int64_t> acc_;     // scratch
  std::vector<int16_t> split_;   // scratch: hi/lo input halves
  XbarCounters cnt_;
};

}  // namespace pumavp::xbar
