// pumavp::xbar::XbarParams — everything the crossbar numerics need (isa.md §1, §2, §7),
// as one plain struct. The platform fills it from the one Geometry (common/geometry.h) plus
// the numerics keys with xbar_params(geometry, cfg); tests and tools may fill it directly.
// Derived figures (slices, steps, lossless ADC width) use the Geometry's formulas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/geometry.h"

namespace pumavp::xbar {

using pumavp::AdcMode;    // Clip, Scale        (xbar.adc_mode)
using pumavp::OpaModel;   // Ideal, Sliced      (panther.opa_model)
using pumavp::XbarModel;  // Ideal, Sliced, Analog (xbar.model)

using pumavp::lossless_adc_bits;  // ceil(log2(X (2^b - 1)(2^d - 1) + 1)), common/geometry.h

struct XbarParams {
  unsigned size = 128;                  // X: rows = columns (xbar.size)
  unsigned bits_per_cell = 2;           // b (xbar.bits_per_cell), PUMA weights
  unsigned dac_bits = 1;                // d (xbar.dac_bits)
  unsigned adc_bits = 0;                // a (xbar.adc_bits); 0 = auto = lossless
  AdcMode adc_mode = AdcMode::Clip;     // xbar.adc_mode, used only below lossless
  XbarModel model = XbarModel::Ideal;   // xbar.model; a lossy ADC forces Sliced
  // Analog model (model == Analog, PUMA arrays only; xbar/analog.h, docs/analog.md): the
  // `analog.*` keys and the array's seed (array_seed(numerics.rng_seed, tile, core, mvmu)).
  AnalogConfig analog;
  uint64_t analog_seed = 0;
  unsigned frac_bits = 12;              // f (numerics.frac_bits)
  unsigned lut_bits = 16;               // L (numerics.lut_bits)
  // PANTHER (isa.md §7)
  bool panther = false;                                  // panther.enabled
  std::vector<unsigned> panther_slices{4, 4, 4, 6, 6, 5, 5, 5};  // MSB first
  unsigned lr_shift = 0;                                 // panther.lr_shift
  unsigned crs_period = 1024;                            // panther.crs_period (0 = never)
  OpaModel opa_model = OpaModel::Ideal;                  // panther.opa_model

  unsigned slices() const { return puma_slices(bits_per_cell); }  // S
  unsigned steps() const { return dac_steps(dac_bits); }          // T
  // Lossless width of the PUMA array (all slices share it).
  unsigned lossless_bits() const { return lossless_adc_bits(size, bits_per_cell, dac_bits); }
  // Functional ADC width of the PUMA array.
  unsigned adc_width() const { return adc_bits ? adc_bits : lossless_bits(); }
  bool adc_lossless() const { return adc_width() >= lossless_bits(); }
  // Whether the PUMA array evaluates §2.9 (model sliced, or forced by a lossy ADC).
  // The analog model is a bit-sliced one.
  bool puma_sliced() const {
    return model == XbarModel::Sliced || model == XbarModel::Analog || !adc_lossless();
  }
};

// Throws std::invalid_argument naming the field if a value is outside what the numerics
// support: X in {32, 64, 128, 256} (any 1..256 is accepted), b 1..16, d 1..8, a 0..32,
// f 0..14, L 8..16, PANTHER slices (N divides 32, every b_k >= p, b_k <= 16).
void validate(const XbarParams& p);

// The numerics view of a platform configuration: the crossbar shape from its Geometry
// (geometry_from_config(c)), the numerics knobs from `c`.
inline XbarParams xbar_params(const Geometry& g, const PlatformConfig& c) {
  XbarParams p;
  p.size = g.xbar_size;
  p.bits_per_cell = g.bits_per_cell;
  p.dac_bits = g.dac_bits;
  p.adc_bits = g.adc_bits;
  p.adc_mode = c.xbar.adc_mode;
  p.model = c.xbar.model;
  p.analog = c.analog;
  p.frac_bits = g.frac_bits;
  p.lut_bits = c.numerics.lut_bits;
  p.panther = g.panther;
  p.panther_slices = g.panther_slices;
  p.lr_shift = c.panther.lr_shift;
  p.crs_period = c.panther.crs_period;
  p.opa_model = c.panther.opa_model;
  return p;
}
inline XbarParams xbar_params(const PlatformConfig& c) { return xbar_params(geometry_from_config(c), c); }

}  // namespace pumavp::xbar
