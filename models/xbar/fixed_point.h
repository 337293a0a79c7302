// Fixed-point helpers and status flags (isa.md §2.1, §2.2, §2.7).
//
// A raw value r is the int16 pattern of r / 2^f. All helpers are exact integer arithmetic
// (no floating point except rne_real, which only builds LUTs and literals).
#pragma once

#include <cstdint>

#include "common/fixed_convert.h"

namespace pumavp::xbar {

// Sticky core flags (isa.md §2.7). Merged with |=; cleared at kernel start by the owner.
struct Flags {
  bool sat = false;  // a vector result, MVM output or LUT entry was clamped
  bool dz = false;   // division or modulo by zero
  bool dom = false;  // log of a non-positive input
  Flags& operator|=(const Flags& o) {
    sat = sat || o.sat;
    dz = dz || o.dz;
    dom = dom || o.dom;
    return *this;
  }
  bool any() const { return sat || dz || dom; }
  bool operator==(const Flags& o) const { return sat == o.sat && dz == o.dz && dom == o.dom; }
};

// sat16(v) = min(32767, max(-32768, v)).
inline int16_t sat16(int64_t v) {
  return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}
// sat16 that sets flags.sat when it clamps.
inline int16_t sat16(int64_t v, Flags& flags) {
  if (v > 32767) {
    flags.sat = true;
    return 32767;
  }
  if (v < -32768) {
    flags.sat = true;
    return -32768;
  }
  return static_cast<int16_t>(v);
}

// rne(v, s): v / 2^s rounded to nearest, ties to even; s in 0..62; rne(v, 0) = v.
inline int64_t rne(int64_t v, unsigned s) {
  if (s == 0) return v;
  const int64_t q = v >> s;  // arithmetic shift = floor(v / 2^s)
  const int64_t r = v - q * (int64_t{1} << s);
  const int64_t h = int64_t{1} << (s - 1);
  return (r > h || (r == h && (q & 1))) ? q + 1 : q;
}

// rne_q(n, m): n / m rounded to nearest, ties to even, exact on magnitudes; m != 0.
// |n|, |m| must be below 2^62.
int64_t rne_q(int64_t n, int64_t m);

// rne_real(x): nearest integer, ties to even; the one definition (and the float-to-fixed
// conversion to_fixed built on it) is in common/fixed_convert.h.
using pumavp::rne_real;

}  // namespace pumavp::xbar
