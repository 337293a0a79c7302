// Vector functional unit (isa.md §2.3): ops 0..26 on raw fixed-point words.
//
// Entry points for an interpreter:
//   vfu_apply(op, a, b, k, out, n, ctx)      `alu`:  out[i] = op(a[i], b[i], k)
//   vfu_apply_imm(op, a, imm, out, n, ctx)   `alui`: out[i] = op(a[i], imm)
// Snapshot semantics (isa.md §3.2) are handled here: if `out` overlaps a source, all
// sources are read before any output word is written (memmove-like). Elements are produced
// in increasing i, so `rand`/`rndcmp` consume RNG steps in element order.
//
// Operand spans: arity-2 ops read a[0..n), b[0..n); arity-1 ops read a[0..n) (b may be
// null); arity-0 (`rand`) reads nothing; `subs` reads a[i*k] for i < n, i.e. the span
// a[0 .. (n-1)*k], and requires k in 1..15. `lsh`/`rsh` take k in 0..15. The caller
// (decoder/loader) rejects bad codes and k; here they raise std::invalid_argument.
#pragma once

#include <cstddef>
#include <cstdint>

#include "xbar/fixed_point.h"

namespace pumavp::xbar {

class LutSet;
class Rng;

enum class VfuOp : uint8_t {
  Add = 0, Sub = 1, Mul = 2, Div = 3, Lsh = 4, Rsh = 5,
  And = 6, Or = 7, Xor = 8, Not = 9, Min = 10, Max = 11,
  Eq = 12, Neq = 13, Lt = 14, Le = 15, Gt = 16, Ge = 17,
  Relu = 18, Relud = 19, Sig = 20, Tanh = 21, Exp = 22, Log = 23,
  Rand = 24, Rndcmp = 25, Subs = 26,
};
constexpr unsigned kNumVfuOps = 27;

inline bool vfu_op_valid(unsigned code) { return code < kNumVfuOps; }
unsigned vfu_arity(VfuOp op);         // 0, 1 or 2
bool vfu_uses_k(VfuOp op);            // lsh, rsh, subs use src3
bool vfu_alui_allowed(VfuOp op);      // arity-2 codes 0-3, 6-8, 10-17
bool vfu_uses_lut(VfuOp op);          // sig, tanh, exp, log
bool vfu_uses_rng(VfuOp op);          // rand, rndcmp
const char* vfu_name(VfuOp op);       // "add", ..., "subs"; "?" for invalid

// What an op needs besides its operands. `luts` is needed by ops 20..23, `rng` by 24..25;
// a null pointer there raises std::logic_error. Flags are OR-ed into *flags.
struct VfuContext {
  unsigned frac_bits = 12;
  const LutSet* luts = nullptr;
  Rng* rng = nullptr;
  Flags* flags = nullptr;  // required
};

void vfu_apply(VfuOp op, const int16_t* a, const int16_t* b, unsigned k, int16_t* out,
               std::size_t n, VfuContext& ctx);
void vfu_apply_imm(VfuOp op, const int16_t* a, int16_t imm, int16_t* out, std::size_t n,
                   VfuContext& ctx);

// One element of an element-wise op (not `subs`): the building block of vfu_apply.
int16_t vfu_element(VfuOp op, int16_t a, int16_t b, unsigned k, VfuContext& ctx);

}  // namespace pumavp::xbar
