// pumavp::xbar::MvmArray — the one interface a core holds its matrix units through: a PUMA
// MVMU (`Crossbar`, int16 weights) or a PANTHER MCU (`Mcu`, int32 weights with fw = 2f, OPA
// pending list, CRS). The core owns a vector of arrays built by make_array() from the
// numerics parameters and never asks which kind it holds; the ISA-level legality checks
// (MTVM/OPA/CRS need PANTHER, isa.md §7.3) stay in the core.
//
//   auto a = make_array(params);   // Mcu if params.panther, else Crossbar
//   a->write_weights(w16, rows, cols);   // or write_weights32() for raw PANTHER weights
//   a->mvm(x, y, flags);           // slot-0 in/out
//   a->finish_run(events);         // event counts into the core's stats, counters reset
//
// The PANTHER-only operations have neutral defaults on a PUMA array: nothing is ever pending,
// commit() applies nothing, opa() and crs() throw std::logic_error (the core rejects those
// instructions without PANTHER before reaching the array).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "xbar/fixed_point.h"
#include "xbar/xbar_config.h"

namespace pumavp::xbar {

// Event counts one run of an array adds to its core's stats (CoreStats).
struct ArrayEvents {
  uint64_t adc_conversions = 0;  // sliced model: ADC conversions
  uint64_t adc_clipped = 0;      // sliced model: conversions clamped at full scale
  uint64_t out_saturations = 0;  // output words clamped by sat16
  uint64_t weight_clamps = 0;    // PANTHER: OPA (ideal cells / sliced digits) and CRS clamps
  // Analog model (xbar.model: analog) only.
  uint64_t adc_clipped_low = 0;  // conversions clamped at 0 (also counted in adc_clipped)
  uint64_t stuck_cells = 0;      // stuck-at cells of the array (a state, not an event)
  uint64_t shadow_outputs = 0;   // ideal shadow path (analog.shadow): outputs compared,
  uint64_t shadow_err_sq = 0;    //   sum of squared errors (output LSB^2),
  uint64_t shadow_err_max = 0;   //   largest absolute error (output LSB)
};

class MvmArray {
 public:
  virtual ~MvmArray() = default;

  const XbarParams& params() const { return p_; }
  // X: rows = columns.
  unsigned size() const { return X_; }
  // Whether mvm()/mtvm() evaluate the bit-sliced model (decided by the array at
  // construction: model sliced, or an ADC below its lossless width).
  bool sliced() const { return sliced_; }

  // All weights 0.
  virtual void clear() = 0;
  // Write an int16 rows×cols row-major block at (0, 0); other weights keep their values.
  // A PANTHER array takes the values as raw int32 weights (fw = 2f).
  virtual void write_weights(const int16_t* w, unsigned rows, unsigned cols) = 0;
  // Raw 32-bit weights (PANTHER). Throws (std::out_of_range) if a value does not fit the
  // array: outside int16 for a PUMA array, outside [Wlo, Whi] for an MCU.
  virtual void write_weights32(const int32_t* w, unsigned rows, unsigned cols) = 0;
  // Weight W[i][j] (PANTHER: the composed weight Wt).
  virtual int64_t weight_at(unsigned i, unsigned j) const = 0;
  // CW[j] = sum_i W[i][j] and RW[i] = sum_j W[i][j] of the weights as programmed (the
  // sliced model's offset correction; kept exact by each kind on every write).
  int64_t column_sum(unsigned j) const { return cw_[j]; }
  int64_t row_sum(unsigned i) const { return rw_[i]; }

  // y[j] = sat16(rne(sum_i W[i][j] x[i], f or 2f)), with the array's model (sliced()).
  void mvm(const int16_t* x, int16_t* y, Flags& flags) {
    if (sliced())
      mvm_sliced(x, y, flags);
    else
      mvm_ideal(x, y, flags);
  }
  // z[i] = sat16(rne(sum_j W[i][j] d[j], f or 2f)) (rows and columns swap roles).
  void mtvm(const int16_t* d, int16_t* z, Flags& flags) {
    if (sliced())
      mtvm_sliced(d, z, flags);
    else
      mtvm_ideal(d, z, flags);
  }
  // One model forced (tests, benches): the golden product or the bit-sliced one.
  virtual void mvm_ideal(const int16_t* x, int16_t* y, Flags& flags) = 0;
  virtual void mvm_sliced(const int16_t* x, int16_t* y, Flags& flags) = 0;
  virtual void mtvm_ideal(const int16_t* d, int16_t* z, Flags& flags) = 0;
  virtual void mtvm_sliced(const int16_t* d, int16_t* z, Flags& flags) = 0;

  // --- PANTHER update path (isa.md §7.3); neutral on a PUMA array ---
  struct CommitResult {
    std::size_t pairs = 0;  // pairs applied
    bool crs = false;       // the automatic CRS ran (charge t_rd + t_wr)
  };
  // OPA: append the pair (x, delta) to the pending list.
  virtual void opa(const int16_t* x, const int16_t* delta);
  virtual std::size_t pending() const { return 0; }
  virtual void discard_pending() {}
  // `halt`: apply the pending pairs, maybe run the automatic CRS.
  virtual CommitResult commit() { return {}; }
  // Carry resolution.
  virtual void crs();

  // End of a run: add this array's event counts to `ev`, then reset its counters.
  virtual void finish_run(ArrayEvents& ev) = 0;

 protected:
  // Bounds of a rows×cols weight block at (row0, col0) in an X×X array: throws
  // std::out_of_range if it leaves the array, std::invalid_argument for null weights of a
  // non-empty block; false if the block is empty (nothing to write).
  static bool check_block(const char* who, unsigned X, const void* w, unsigned rows,
                          unsigned cols, unsigned row0, unsigned col0);

  // Keeps p (the array validates it); sliced_ is set by the array's constructor.
  explicit MvmArray(const XbarParams& p) : p_(p), X_(p.size) {}
  MvmArray(const MvmArray&) = delete;
  MvmArray& operator=(const MvmArray&) = delete;
  MvmArray(MvmArray&&) noexcept = default;
  MvmArray& operator=(MvmArray&&) noexcept = default;

  XbarParams p_;
  unsigned X_;
  bool sliced_ = false;
  std::vector<int64_t> cw_, rw_;  // column_sum(), row_sum(): X each, sized by the kind
};

// The array of a core's matrix unit: an Mcu when p.panther, else a Crossbar. Validates p.
std::unique_ptr<MvmArray> make_array(const XbarParams& p);

}  // namespace pumavp::xbar
