// Scalar integer unit, `aluint` (isa.md §2.6): plain int16 integers, results wrap mod 2^16.
#pragma once

#include <cstdint>

#include "xbar/fixed_point.h"

namespace pumavp::xbar {

enum class SfuOp : uint8_t {
  Add = 0, Sub = 1, Mul = 2, Div = 3, Mod = 4,
  Eq = 5, Neq = 6, Lt = 7, Le = 8, Gt = 9, Ge = 10,
};
constexpr unsigned kNumSfuOps = 11;

inline bool sfu_op_valid(unsigned code) { return code < kNumSfuOps; }
const char* sfu_name(SfuOp op);  // "add", "sub", ...; "?" for invalid

// A[dest] = op(a, b). div: truncation toward zero, b = 0 -> -1 and DZ, -32768 / -1 ->
// -32768. mod: sign of a, b = 0 -> a and DZ, -32768 mod -1 -> 0. Comparisons: 1 or 0.
int16_t sfu_apply(SfuOp op, int16_t a, int16_t b, Flags& flags);

}  // namespace pumavp::xbar
