// CPU reference of a quantised MLP, written independently of the compiler: it quantises the
// model's real weights itself and evaluates the fixed-point semantics the accelerator
// defines for an MLP mapped onto X-row crossbar blocks (isa.md §2.2-§2.4, §2.8):
// per block one MVM rounded once, partial sums chained with saturating adds in row-block
// order, bias added with saturation, then the activation (relu / LUT sigmoid / LUT tanh).
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/model.h"

namespace pumavp::compiler_test {

struct RefParams {
  unsigned xbar_size = 128;
  unsigned frac_bits = 12;
  unsigned lut_bits = 16;
};

std::vector<int16_t> reference_forward(const compiler::Model& m, const RefParams& p, const std::vector<int16_t>& x);

// Quantise one real value: sat16(rne_real(v * 2^f)).
int16_t ref_quantize(double v, unsigned frac_bits);

}  // namespace pumavp::compiler_test
