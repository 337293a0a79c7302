// pumavp::xbar::AnalogArray — the staged analog non-ideality model of one PUMA array
// (xbar.model: analog; docs/analog.md has every formula and the source of each constant).
//
// The array keeps the §2.9 weight encoding (cells hold the offset-binary W + B, S slices of
// b bits, input digits of d bits in T steps) but each cell is a conductance in units of one
// cell level (g_lsb = g_max / (2^b - 1)). Stages, each off or at zero strength by default:
//   program time: stuck-at cells (fixed per array), programming noise (PCM polynomial, or a
//                 normal / proportional baseline), drift to analog.drift_time_s with a
//                 state-dependent exponent (optional global compensation);
//   per step:     DAC (INL bow), column sums with the analytic IR drop, 1/f read noise,
//                 ADC (offset, gain error, INL bow, noise, then the clip/scale policy).
// With every stage off the products equal the golden ones bit for bit (column sums of
// integers are exact in double).
//
//   AnalogArray a(params, array_seed(cfg.numerics.rng_seed, tile, core, mvmu));
//   a.program(rows, cols, row0, col0, rowmaj);   // after the digital weights changed
//   a.product(false, x, column_sums, acc);      // MVM (true: MTVM on the same cells)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "xbar/xbar_config.h"

namespace pumavp::xbar {

using pumavp::AnalogConfig;
using pumavp::DriftComp;
using pumavp::ProgNoise;

// The seed of one array's streams: numerics.rng_seed mixed with the array identity
// (tile, core, MVMU index). Distinct identities give unrelated streams.
uint64_t array_seed(uint32_t rng_seed, unsigned tile, unsigned core, unsigned mvmu);

// xoshiro256** seeded through splitmix64 from (seed, stream), with a Box-Muller normal.
class AnalogRng {
 public:
  AnalogRng(uint64_t seed, uint64_t stream);
  uint64_t next();
  double uniform();  // in [0, 1)
  double normal();   // N(0, 1)

 private:
  uint64_t s_[4];
  bool have_spare_ = false;
  double spare_ = 0.0;
};

// Events of the analog stages since the last reset.
struct AnalogEvents {
  uint64_t adc_clipped_low = 0;   // conversions clamped at 0
  uint64_t adc_clipped_high = 0;  // conversions clamped at full scale
};

class AnalogArray {
 public:
  // p.analog holds the stage parameters; `seed` the array's seed (array_seed). The stuck
  // cells are drawn here (stream 1) and stay for the array's life. All cells start at the
  // levels of W = 0, programmed (stream 2).
  AnalogArray(const XbarParams& p, uint64_t seed);

  // Re-program the cells of the rows x cols block at (row0, col0) from the digital weights
  // `rowmaj` (X x X, W[i][j] at i*X + j): programming noise, drift and the read-noise
  // sigma of each cell (in block row-major order, slices inner).
  void program(unsigned rows, unsigned cols, unsigned row0, unsigned col0,
               const int16_t* rowmaj);
  // The accumulator of one product before rne/sat16: acc[o] = sum_k,t Q(alpha P) << (s_k + t d)
  // - B wsum[o] - B sum(u), u = in + B. transposed = MTVM (inputs by column, outputs by row).
  // Conversions are counted into `conversions`, clamps into events().
  void product(bool transposed, const int16_t* in, const int64_t* wsum, int64_t* acc,
               uint64_t& conversions);

  // --- the model's formulas (docs/analog.md), for tests and studies ---
  unsigned levels() const { return L_; }        // L = 2^b - 1: top cell level
  double sigma_prog(unsigned level) const;      // programming-noise std (levels)
  double nu_mean(double ghat) const;            // drift exponent mean
  double nu_std(double ghat) const;             // drift exponent std
  double drift_factor(double nu) const;         // ((t + t0) / t0)^-nu
  double read_sigma(double g, double ghat_prog) const;  // read-noise std (levels) of a cell
  double dac(unsigned a) const;                 // DAC output of digit a (DAC LSB)
  double adc_in(double p, double step) const;   // ADC transfer before noise and rounding
  double ir_rho() const { return rho_; }        // r_wire * g_lsb (dimensionless)

  // --- state ---
  double conductance(unsigned k, unsigned i, unsigned j) const {
    return g_[(std::size_t(k) * X_ + i) * X_ + j];
  }
  double read_variance(unsigned k, unsigned i, unsigned j) const {
    return s2_.empty() ? 0.0 : s2_[(std::size_t(k) * X_ + i) * X_ + j];
  }
  // 0 = healthy, 1 = stuck at the top level (SET), 2 = stuck at 0 (RESET).
  uint8_t stuck(unsigned k, unsigned i, unsigned j) const {
    return stuck_[(std::size_t(k) * X_ + i) * X_ + j];
  }
  uint64_t stuck_set_cells() const { return n_set_; }
  uint64_t stuck_reset_cells() const { return n_reset_; }
  double compensation() const { return alpha_; }  // global drift compensation factor
  const AnalogEvents& events() const { return ev_; }
  void reset_events() { ev_ = AnalogEvents{}; }

 private:
  void program_cell(unsigned k, unsigned i, unsigned j, unsigned level);
  void update_alpha();

  AnalogConfig a_;
  unsigned X_, S_, b_, d_, T_, L_, amax_;
  std::vector<unsigned> shift_;  // per slice
  bool lossless_, scale_;
  int64_t full_scale_;
  unsigned lsb_shift_;
  double rho_ = 0.0, t_read_log_ = 0.0, drift_base_ = 1.0;
  bool ideal_adc_;
  std::vector<double> dac_;          // DAC output per digit
  std::vector<double> g_, gT_;       // read conductance [k][i][j] and [k][j][i]
  std::vector<double> s2_, s2T_;     // read-noise variance, same layouts (read noise only)
  std::vector<double> gprog_;        // conductance before drift [k][i][j] (compensation)
  std::vector<uint8_t> stuck_;
  uint64_t n_set_ = 0, n_reset_ = 0;
  double alpha_ = 1.0;
  AnalogRng prog_rng_, read_rng_;
  AnalogEvents ev_;
  // scratch
  std::vector<double> P_, loss_, var_, D_;
  std::vector<double> v_;            // [t][i] DAC outputs of the current input
};

}  // namespace pumavp::xbar
