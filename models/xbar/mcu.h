// pumavp::xbar::Mcu — one PANTHER matrix computation unit (isa.md §7): int32 weights with
// fw = 2f fractional bits, held as signed slice digits (heterogeneous `panther.slices`),
// MVM, MTVM, the OPA pending list committed at halt, and carry resolution (CRS).
//
//   Mcu m(params);                 // params.panther_slices etc.; weights 0
//   m.program(w, rows, cols);      // int32 row-major; rejects weights outside [Wlo, Whi]
//   m.mvm(x, y, flags);            // slot-0 in/out;  m.mtvm(d, z, flags): slot 1
//   m.opa(x2, delta2);             // `mcu` OPA bit: snapshot the pair (weights unchanged)
//   auto r = m.commit();           // `halt`: apply pending pairs, maybe auto-CRS
//   m.crs();                       // `crs` instruction
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "xbar/array.h"
#include "xbar/crossbar.h"
#include "xbar/fixed_point.h"
#include "xbar/xbar_config.h"

namespace pumavp::xbar {

// Slice geometry of PANTHER weights (isa.md §7.2), k = 0 least significant.
struct PantherSlicing {
  // From `panther.slices` (MSB first). Throws std::invalid_argument if N does not divide
  // 32, some b_k < p, or some b_k > 16.
  explicit PantherSlicing(const std::vector<unsigned>& msb_first = {4, 4, 4, 6, 6, 5, 5, 5});

  unsigned n = 0;               // N slices
  unsigned p = 0;               // 32 / N: position step
  std::vector<unsigned> bits;   // b_k, LSB first
  int64_t wlo = 0, whi = 0;     // representable canonical range [Wlo, Whi]
  int64_t beta = 0;             // sum_k 2^(b_k-1) << (k*p)

  int32_t digit_min(unsigned k) const { return -(int32_t{1} << (bits[k] - 1)); }
  int32_t digit_max(unsigned k) const { return (int32_t{1} << (bits[k] - 1)) - 1; }
  bool representable(int64_t wt) const { return wt >= wlo && wt <= whi; }
  // Canonical digits of wt (wt must be representable), LSB first.
  std::vector<int32_t> digits(int64_t wt) const;
  // Wt = sum_k D_k << (k*p).
  int64_t compose(const int32_t* d) const;
  // Lossless ADC width of slice k: ceil(log2(X (2^b_k - 1)(2^d - 1) + 1)).
  unsigned lossless_bits(unsigned k, unsigned X, unsigned d) const;
};

class WeightRangeError : public std::out_of_range {
 public:
  WeightRangeError(unsigned row, unsigned col, int64_t value, int64_t lo, int64_t hi);
  unsigned row, col;
  int64_t value;
};

struct McuCounters : XbarCounters {
  uint64_t opa_pairs = 0;                // pairs appended by OPA
  uint64_t commits = 0;                  // commits that applied >= 1 pair
  uint64_t crs_runs = 0;                 // CRS executed (explicit + automatic)
  uint64_t weight_clamps = 0;            // ideal OPA model: cell updates clamped to [Wlo, Whi]
  uint64_t crs_clamps = 0;               // CRS: composed weights clamped to [Wlo, Whi]
  std::vector<uint64_t> slice_clamps;    // sliced OPA model: clamped digit updates per slice k
};

class Mcu final : public MvmArray {
 public:
  // Validates p and its PANTHER slicing; all weights 0, nothing pending.
  explicit Mcu(const XbarParams& p);
  ~Mcu() override;
  Mcu(Mcu&&) noexcept;
  Mcu& operator=(Mcu&&) noexcept;

  // params(), size(), sliced() (MvmArray): sliced() = the bit-sliced model (model sliced, or
  // some slice ADC below its lossless width).
  const PantherSlicing& slicing() const { return sl_; }
  // Per-slice functional ADC width: adc_bits if set, else the slice's lossless width.
  unsigned adc_width(unsigned k) const;

  void clear() override;  // all weights 0 (canonical digits 0), pending list and commit counter kept
  // Write an int32 row-major block (raw, fw = 2f fractional bits). Checks every value
  // first: any value outside [Wlo, Whi] throws WeightRangeError and changes nothing.
  void program(const int32_t* w, unsigned rows, unsigned cols, unsigned row0 = 0,
               unsigned col0 = 0, std::size_t ld = 0);
  // Composed weight Wt = sum_k D_k << (k*p). Equals the programmed value after program()
  // and CRS; between them (sliced OPA) it may leave [Wlo, Whi].
  int64_t weight(unsigned i, unsigned j) const { return wt_[std::size_t(i) * X_ + j]; }
  // MvmArray: program() at (0, 0); int16 values are taken as raw int32 weights.
  void write_weights(const int16_t* w, unsigned rows, unsigned cols) override;
  void write_weights32(const int32_t* w, unsigned rows, unsigned cols) override {
    program(w, rows, cols);
  }
  int64_t weight_at(unsigned i, unsigned j) const override { return weight(i, j); }
  int32_t digit(unsigned k, unsigned i, unsigned j) const {
    return dig_[(std::size_t(k) * X_ + i) * X_ + j];
  }

  // mvm() (MvmArray): y[j] = sat16(rne(sum_i Wt[i][j] x[i], 2f)).
  // mtvm(): z[i] = sat16(rne(sum_j Wt[i][j] d[j], 2f)).
  void mvm_ideal(const int16_t* x, int16_t* y, Flags& flags) override;
  void mvm_sliced(const int16_t* x, int16_t* y, Flags& flags) override;
  void mtvm_ideal(const int16_t* d, int16_t* z, Flags& flags) override;
  void mtvm_sliced(const int16_t* d, int16_t* z, Flags& flags) override;

  // OPA: append (x, delta) (X words each, copied) to the pending list.
  void opa(const int16_t* x, const int16_t* delta) override;
  std::size_t pending() const override { return pend_x_.size() / X_; }
  void discard_pending() override { pend_x_.clear(); pend_d_.clear(); }

  // `halt`: apply the pending pairs in program order with panther.opa_model, clear the
  // list; if pairs > 0, count a commit and run CRS when the counter reaches crs_period
  // (then reset it).
  CommitResult commit() override;
  // Carry resolution on the committed weights: compose, clamp to [Wlo, Whi], canonical
  // digits. Pending pairs untouched.
  void crs() override;
  unsigned commit_counter() const { return commit_counter_; }

  const McuCounters& counters() const { return cnt_; }
  void reset_counters();
  // Counters into `ev` (all weight clamps summed), then reset_counters().
  void finish_run(ArrayEvents& ev) override;

 private:
  void set_canonical(std::size_t idx, int64_t wt);
  void refresh_sums();
  void ensure_planes();
  void finish(const int64_t* acc, int16_t* out, Flags& flags);
  void product(bool transposed, bool bit_sliced, const int16_t* in, int16_t* out, Flags& flags);
  void apply_pair_ideal(const int16_t* x, const int16_t* d);
  void apply_pair_sliced(const int16_t* x, const int16_t* d);

  PantherSlicing sl_;
  std::vector<int64_t> wt_;   // composed weights, row-major
  std::vector<int64_t> wtc_;  // composed weights, column-major (MVM hot loop)
  std::vector<int32_t> dig_;  // digits [k][i][j]
  std::vector<int16_t> pend_x_, pend_d_;
  unsigned commit_counter_ = 0;
  bool planes_dirty_ = true;
  std::unique_ptr<BitPlanes> planes_;
  std::vector<int64_t> acc_;
  McuCounters cnt_;
};

}  // namespace pumavp::xbar
