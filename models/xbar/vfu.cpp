#include "xbar/vfu.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "xbar/lut.h"
#include "xbar/rng.h"

namespace pumavp::xbar {

namespace {

constexpr const char* kNames[kNumVfuOps] = {
    "add", "sub", "mul", "div", "lsh", "rsh", "and", "or",   "xor",   "not", "min", "max", "eq", "neq",
    "lt",  "le",  "gt",  "ge",  "relu", "relud", "sig", "tanh", "exp", "log", "rand", "rndcmp", "subs"};

constexpr uint8_t kArity[kNumVfuOps] = {2, 2, 2, 2, 1, 1, 2, 2, 2, 1, 2, 2, 2, 2,
                                        2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 1, 1};

[[noreturn]] void bad_op(VfuOp op) {
  throw std::invalid_argument("vfu: invalid op code " + std::to_string(unsigned(op)));
}

void check_k(VfuOp op, unsigned k) {
  if (op == VfuOp::Subs ? (k < 1 || k > 15) : k > 15)
    throw std::invalid_argument(std::string("vfu: src3 out of range for ") + vfu_name(op) + ": " +
                                std::to_string(k));
}

inline bool overlaps(const int16_t* p, std::size_t np, const int16_t* q, std::size_t nq) {
  if (!p || !q || np == 0 || nq == 0) return false;
  const auto a0 = reinterpret_cast<std::uintptr_t>(p), a1 = a0 + np * sizeof(int16_t);
  const auto b0 = reinterpret_cast<std::uintptr_t>(q), b1 = b0 + nq * sizeof(int16_t);
  return a0 < b1 && b0 < a1;
}

}  // namespace

unsigned vfu_arity(VfuOp op) {
  const unsigned c = unsigned(op);
  if (c >= kNumVfuOps) bad_op(op);
  return kArity[c];
}
bool vfu_uses_k(VfuOp op) { return op == VfuOp::Lsh || op == VfuOp::Rsh || op == VfuOp::Subs; }
bool vfu_alui_allowed(VfuOp op) {
  const unsigned c = unsigned(op);
  return c <= 3 || (c >= 6 && c <= 8) || (c >= 10 && c <= 17);
}
bool vfu_uses_lut(VfuOp op) { return op >= VfuOp::Sig && op <= VfuOp::Log; }
bool vfu_uses_rng(VfuOp op) { return op == VfuOp::Rand || op == VfuOp::Rndcmp; }
const char* vfu_name(VfuOp op) {
  const unsigned c = unsigned(op);
  return c < kNumVfuOps ? kNames[c] : "?";
}

int16_t vfu_element(VfuOp op, int16_t a, int16_t b, unsigned k, VfuContext& ctx) {
  Flags& fl = *ctx.flags;
  const unsigned f = ctx.frac_bits;
  const int16_t one = static_cast<int16_t>(1 << f);
  const int32_t A = a, B = b;
  switch (op) {
    case VfuOp::Add: return sat16(A + B, fl);
    case VfuOp::Sub: return sat16(A - B, fl);
    case VfuOp::Mul: return sat16(rne(int64_t{A} * B, f), fl);
    case VfuOp::Div:
      if (B == 0) {
        fl.dz = true;
        return A > 0 ? int16_t{32767} : (A < 0 ? int16_t{-32768} : int16_t{0});
      }
      return sat16(rne_q(int64_t{A} * (int64_t{1} << f), B), fl);
    case VfuOp::Lsh: return sat16(int64_t{A} * (int64_t{1} << k), fl);
    case VfuOp::Rsh: return static_cast<int16_t>(A >> k);  // arithmetic: floor(a / 2^k)
    case VfuOp::And: return static_cast<int16_t>(A & B);
    case VfuOp::Or: return static_cast<int16_t>(A | B);
    case VfuOp::Xor: return static_cast<int16_t>(A ^ B);
    case VfuOp::Not: return static_cast<int16_t>(~A);
    case VfuOp::Min: return A < B ? a : b;
    case VfuOp::Max: return A > B ? a : b;
    case VfuOp::Eq: return A == B ? one : int16_t{0};
    case VfuOp::Neq: return A != B ? one : int16_t{0};
    case VfuOp::Lt: return A < B ? one : int16_t{0};
    case VfuOp::Le: return A <= B ? one : int16_t{0};
    case VfuOp::Gt: return A > B ? one : int16_t{0};
    case VfuOp::Ge: return A >= B ? one : int16_t{0};
    case VfuOp::Relu: return A > 0 ? a : int16_t{0};
    case VfuOp::Relud: return A > 0 ? one : int16_t{0};
    case VfuOp::Sig:
    case VfuOp::Tanh:
    case VfuOp::Exp:
    case VfuOp::Log:
      if (!ctx.luts) throw std::logic_error("vfu: LUT op without a LutSet");
      return ctx.luts->lookup(static_cast<LutFn>(unsigned(op) - unsigned(VfuOp::Sig)), a, fl);
    case VfuOp::Rand:
      if (!ctx.rng) throw std::logic_error("vfu: rand without an Rng");
      return ctx.rng->next_raw(f);
    case VfuOp::Rndcmp: {
      if (!ctx.rng) throw std::logic_error("vfu: rndcmp without an Rng");
      const int16_t u = ctx.rng->next_raw(f);
      return A > u ? one : int16_t{0};
    }
    case VfuOp::Subs: break;  // not element-wise
  }
  bad_op(op);
}

namespace {

// Shared driver: b is either a vector (bvec) or one immediate (bvec == nullptr).
void apply(VfuOp op, const int16_t* a, const int16_t* bvec, int16_t imm, unsigned k, int16_t* out,
           std::size_t n, VfuContext& ctx) {
  if (!ctx.flags) throw std::logic_error("vfu: VfuContext without flags");
  if (unsigned(op) >= kNumVfuOps) bad_op(op);
  if (ctx.frac_bits > 14) throw std::invalid_argument("vfu: frac_bits must be 0..14");
  if (vfu_uses_k(op)) check_k(op, k);
  if (n == 0) return;
  const unsigned ar = kArity[unsigned(op)];
  const std::size_t a_span = op == VfuOp::Subs ? (n - 1) * k + 1 : n;
  if (ar >= 1 && !a) throw std::invalid_argument("vfu: null src1");
  // Snapshot semantics: compute into a temporary if the output overlaps a source.
  const bool clash = (ar >= 1 && overlaps(out, n, a, a_span)) ||
                     (ar == 2 && bvec && overlaps(out, n, bvec, n));
  std::vector<int16_t> tmp;
  int16_t* dst = out;
  if (clash) {
    tmp.resize(n);
    dst = tmp.data();
  }
  if (op == VfuOp::Subs) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = a[i * k];
  } else if (ar == 2) {
    if (bvec) {
      for (std::size_t i = 0; i < n; ++i) dst[i] = vfu_element(op, a[i], bvec[i], k, ctx);
    } else {
      for (std::size_t i = 0; i < n; ++i) dst[i] = vfu_element(op, a[i], imm, k, ctx);
    }
  } else if (ar == 1) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = vfu_element(op, a[i], 0, k, ctx);
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = vfu_element(op, 0, 0, k, ctx);
  }
  if (clash)
    for (std::size_t i = 0; i < n; ++i) out[i] = tmp[i];
}

}  // namespace

void vfu_apply(VfuOp op, const int16_t* a, const int16_t* b, unsigned k, int16_t* out,
               std::size_t n, VfuContext& ctx) {
  if (unsigned(op) < kNumVfuOps && kArity[unsigned(op)] == 2 && !b)
    throw std::invalid_argument("vfu: null src2");
  apply(op, a, b, 0, k, out, n, ctx);
}

void vfu_apply_imm(VfuOp op, const int16_t* a, int16_t imm, int16_t* out, std::size_t n,
                   VfuContext& ctx) {
  if (!vfu_alui_allowed(op))
    throw std::invalid_argument(std::string("vfu: op not allowed in alui: ") + vfu_name(op));
  apply(op, a, nullptr, imm, 0, out, n, ctx);
}

}  // namespace pumavp::xbar
