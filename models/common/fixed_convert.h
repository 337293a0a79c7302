// pumavp::to_fixed — the one float-to-fixed conversion of the platform (isa.md §2.2, §9):
// raw = rne_real(v * 2^frac_bits), nearest, ties to even. Used by the assembler (`q`
// literals, `.data`, `.xbar` inline/text/.npy), the model compiler's quantisation,
// `pumavp exec` float inputs and the LUT generator. Pure C++.
//
//   FixedValue q = to_fixed(2.5 / 4096, 12);              // q.raw == 2 (tie to even)
//   if (!q.ok) error("out of range");                      // Reject: literals, exec inputs
//   FixedValue s = to_fixed(v, f, -32768, 32767, FixedOverflow::Saturate);  // compiler, LUTs
#pragma once

#include <cstdint>

namespace pumavp {

// rne_real(x): nearest integer, ties to even (C nearbyint in round-to-nearest mode, whatever
// the caller's floating-point rounding mode is).
double rne_real(double x);

enum class FixedOverflow : uint8_t {
  Reject,    // out of [lo, hi]: ok = false ("values out of range are errors, never saturated")
  Saturate,  // out of [lo, hi]: clamped to lo or hi, saturated = true
};

struct FixedValue {
  int64_t raw = 0;         // the fixed-point pattern (valid when ok)
  bool ok = false;         // false: NaN, or out of range under Reject
  bool saturated = false;  // Saturate: the value was clamped (±inf included)
};

// v * 2^frac_bits rounded to nearest, ties to even, checked against [lo, hi] (default: the
// int16 word). ±inf count as out of range; NaN is never ok. frac_bits in 0..62.
FixedValue to_fixed(double v, unsigned frac_bits, int64_t lo = -32768, int64_t hi = 32767,
                    FixedOverflow overflow = FixedOverflow::Reject);

}  // namespace pumavp
