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

#include "xbar/fixed_point.h"
#include "xbar/xbar_config.h"

namespace pumavp::xbar {

// Event counts one run of an array adds to its core's stats (CoreStats).
struct ArrayEvents {
  uint64_t adc_conversions = 0;  // sliced model: ADC conversions
  uint64_t adc_clipped = 0;      // sliced model: conversions clamped at full scale
  uint64_t out_saturations = 0;  // output words clamped by sat16
  uint64_t weight_clamps = 0;    // PANTHER: OPA (ideal cells / sliced digits) and CRS clamps
};

class MvmArray {
 public:
  virtual ~MvmArray() = default;

  virtual const XbarParams& params() const = 0;
  // X: rows = columns.
  virtual unsigned size() const = 0;
  // Whether mvm()/mtvm() evaluate the bit-sliced model.
  virtual bool sliced() const = 0;

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

  // y[j] = sat16(rne(sum_i W[i][j] x[i], f or 2f)).
  virtual void mvm(const int16_t* x, int16_t* y, Flags& flags) = 0;
  // z[i] = sat16(rne(sum_j W[i][j] d[j], f or 2f)).
  virtual void mtvm(const int16_t* d, int16_t* z, Flags& flags) = 0;

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
  MvmArray() = default;
  MvmArray(const MvmArray&) = default;
  MvmArray(MvmArray&&) noexcept = default;
  MvmArray& operator=(const MvmArray&) = default;
  MvmArray& operator=(MvmArray&&) noexcept = default;
};

// The array of a core's matrix unit: an Mcu when p.panther, else a Crossbar. Validates p.
std::unique_ptr<MvmArray> make_array(const XbarParams& p);

}  // namespace pumavp::xbar
