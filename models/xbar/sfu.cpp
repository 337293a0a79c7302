#include "xbar/sfu.h"

#include <stdexcept>

namespace pumavp::xbar {

namespace {
constexpr const char* kNames[kNumSfuOps] = {"add", "sub", "mul", "div", "mod", "eq",
                                            "neq", "lt",  "le",  "gt",  "ge"};
inline int16_t wrap16(int32_t v) { return static_cast<int16_t>(static_cast<uint16_t>(v)); }
}  // namespace

const char* sfu_name(SfuOp op) {
  const unsigned c = static_cast<unsigned>(op);
  return c < kNumSfuOps ? kNames[c] : "?";
}

int16_t sfu_apply(SfuOp op, int16_t a, int16_t b, Flags& flags) {
  const int32_t A = a, B = b;
  switch (op) {
    case SfuOp::Add: return wrap16(A + B);
    case SfuOp::Sub: return wrap16(A - B);
    case SfuOp::Mul: return wrap16(A * B);  // |A*B| <= 2^30: exact in int32
    case SfuOp::Div:
      if (B == 0) {
        flags.dz = true;
        return -1;
      }
      return wrap16(A / B);  // C++ truncates toward zero; -32768 / -1 = 32768 wraps to -32768
    case SfuOp::Mod:
      if (B == 0) {
        flags.dz = true;
        return a;
      }
      return wrap16(A % B);  // sign of a; -32768 % -1 = 0
    case SfuOp::Eq: return A == B;
    case SfuOp::Neq: return A != B;
    case SfuOp::Lt: return A < B;
    case SfuOp::Le: return A <= B;
    case SfuOp::Gt: return A > B;
    case SfuOp::Ge: return A >= B;
  }
  throw std::invalid_argument("sfu_apply: invalid op code " +
                              std::to_string(static_cast<unsigned>(op)));
}

}  // namespace pumavp::xbar
