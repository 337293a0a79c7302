#include "xbar/xbar_config.h"

#include <stdexcept>
#include <string>

#include "xbar/mcu.h"

namespace pumavp::xbar {

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("xbar params: " + what);
}
}  // namespace

void validate(const XbarParams& p) {
  require(p.size >= 1 && p.size <= 256, "size must be 1..256");
  require(p.bits_per_cell >= 1 && p.bits_per_cell <= 16, "bits_per_cell must be 1..16");
  require(p.dac_bits >= 1 && p.dac_bits <= 8, "dac_bits must be 1..8");
  require(p.adc_bits <= 32, "adc_bits must be 0 (auto) or 1..32");
  require(p.frac_bits <= 14, "frac_bits must be 0..14");
  require(p.lut_bits >= 8 && p.lut_bits <= 16, "lut_bits must be 8..16");
  require(lossless_adc_bits(p.size, p.bits_per_cell, p.dac_bits) <= 31,
          "size * (2^bits_per_cell - 1) * (2^dac_bits - 1) must stay below 2^31");
  if (p.panther) {
    PantherSlicing s(p.panther_slices);  // throws on a bad list
    for (unsigned k = 0; k < s.n; ++k)
      require(s.lossless_bits(k, p.size, p.dac_bits) <= 31,
              "panther slice too wide for size and dac_bits (column sums above 2^31)");
    require(p.lr_shift <= 31, "panther.lr_shift must be 0..31");
  }
}

}  // namespace pumavp::xbar
