// RV32IMAC + Zicsr + Zifencei decoder: 32-bit and compressed encodings to DecodedInsn.
#include "host/rv32_hart.h"

namespace pumavp::host {
namespace {

inline int32_t sext(uint32_t v, unsigned bits) {
  return static_cast<int32_t>(v << (32 - bits)) >> (32 - bits);
}
inline uint32_t bit(uint32_t v, unsigned b) { return (v >> b) & 1u; }
inline uint32_t bits_of(uint32_t v, unsigned hi, unsigned lo) {
  return (v >> lo) & ((1u << (hi - lo + 1)) - 1u);
}
inline uint8_t rdx(uint32_t r) { return r == 0 ? 32 : static_cast<uint8_t>(r); }

DecodedInsn make(Op op, uint32_t rd, uint32_t rs1, uint32_t rs2, int32_t imm, uint32_t raw,
                 uint8_t len) {
  DecodedInsn d;
  d.op = op;
  d.rd = rdx(rd);
  d.rs1 = static_cast<uint8_t>(rs1);
  d.rs2 = static_cast<uint8_t>(rs2);
  d.imm = imm;
  d.raw = raw;
  d.len = len;
  return d;
}

DecodedInsn illegal(uint32_t raw, uint8_t len) {
  DecodedInsn d;
  d.op = Op::kIllegal;
  d.raw = raw;
  d.len = len;
  return d;
}

DecodedInsn decode32(uint32_t b) {
  const uint32_t opc = b & 0x7f, rd = bits_of(b, 11, 7), f3 = bits_of(b, 14, 12),
                 rs1 = bits_of(b, 19, 15), rs2 = bits_of(b, 24, 20), f7 = b >> 25;
  const int32_t imm_i = static_cast<int32_t>(b) >> 20;
  const int32_t imm_s = sext((bits_of(b, 31, 25) << 5) | bits_of(b, 11, 7), 12);
  const int32_t imm_b = sext((bit(b, 31) << 12) | (bit(b, 7) << 11) | (bits_of(b, 30, 25) << 5) |
                                 (bits_of(b, 11, 8) << 1),
                             13);
  const int32_t imm_u = static_cast<int32_t>(b & 0xfffff000u);
  const int32_t imm_j = sext((bit(b, 31) << 20) | (bits_of(b, 19, 12) << 12) | (bit(b, 20) << 11) |
                                 (bits_of(b, 30, 21) << 1),
                             21);
  auto I = [&](Op op) { return make(op, rd, rs1, 0, imm_i, b, 4); };
  auto R = [&](Op op) { return make(op, rd, rs1, rs2, 0, b, 4); };
  switch (opc) {
    case 0x37: return make(Op::kLui, rd, 0, 0, imm_u, b, 4);
    case 0x17: return make(Op::kAuipc, rd, 0, 0, imm_u, b, 4);
    case 0x6f: return make(Op::kJal, rd, 0, 0, imm_j, b, 4);
    case 0x67:
      if (f3 != 0) break;
      return I(Op::kJalr);
    case 0x63: {
      static const Op ops[8] = {Op::kBeq, Op::kBne, Op::kIllegal, Op::kIllegal,
                                Op::kBlt, Op::kBge, Op::kBltu, Op::kBgeu};
      if (ops[f3] == Op::kIllegal) break;
      return make(ops[f3], 0, rs1, rs2, imm_b, b, 4);
    }
    case 0x03: {
      static const Op ops[8] = {Op::kLb, Op::kLh, Op::kLw, Op::kIllegal,
                                Op::kLbu, Op::kLhu, Op::kIllegal, Op::kIllegal};
      if (ops[f3] == Op::kIllegal) break;
      return I(ops[f3]);
    }
    case 0x23: {
      static const Op ops[8] = {Op::kSb, Op::kSh, Op::kSw, Op::kIllegal,
                                Op::kIllegal, Op::kIllegal, Op::kIllegal, Op::kIllegal};
      if (ops[f3] == Op::kIllegal) break;
      return make(ops[f3], 0, rs1, rs2, imm_s, b, 4);
    }
    case 0x13:
      switch (f3) {
        case 0: return I(Op::kAddi);
        case 2: return I(Op::kSlti);
        case 3: return I(Op::kSltiu);
        case 4: return I(Op::kXori);
        case 6: return I(Op::kOri);
        case 7: return I(Op::kAndi);
        case 1:
          if (f7 != 0) break;
          return make(Op::kSlli, rd, rs1, 0, static_cast<int32_t>(rs2), b, 4);
        case 5:
          if (f7 == 0) return make(Op::kSrli, rd, rs1, 0, static_cast<int32_t>(rs2), b, 4);
          if (f7 == 0x20) return make(Op::kSrai, rd, rs1, 0, static_cast<int32_t>(rs2), b, 4);
          break;
      }
      break;
    case 0x33:
      if (f7 == 0) {
        static const Op ops[8] = {Op::kAdd, Op::kSll, Op::kSlt, Op::kSltu,
                                  Op::kXor, Op::kSrl, Op::kOr, Op::kAnd};
        return R(ops[f3]);
      }
      if (f7 == 0x20) {
        if (f3 == 0) return R(Op::kSub);
        if (f3 == 5) return R(Op::kSra);
        break;
      }
      if (f7 == 1) {
        static const Op ops[8] = {Op::kMul, Op::kMulh, Op::kMulhsu, Op::kMulhu,
                                  Op::kDiv, Op::kDivu, Op::kRem, Op::kRemu};
        return R(ops[f3]);
      }
      break;
    case 0x0f:
      if (f3 == 0) return make(Op::kFence, 0, 0, 0, 0, b, 4);
      if (f3 == 1) return make(Op::kFenceI, 0, 0, 0, 0, b, 4);
      break;
    case 0x73:
      if (f3 == 0) {
        if (b == 0x00000073u) return make(Op::kEcall, 0, 0, 0, 0, b, 4);
        if (b == 0x00100073u) return make(Op::kEbreak, 0, 0, 0, 0, b, 4);
        if (b == 0x30200073u) return make(Op::kMret, 0, 0, 0, 0, b, 4);
        if (b == 0x10500073u) return make(Op::kWfi, 0, 0, 0, 0, b, 4);
        break;
      }
      {
        static const Op ops[8] = {Op::kIllegal, Op::kCsrrw, Op::kCsrrs, Op::kCsrrc,
                                  Op::kIllegal, Op::kCsrrwi, Op::kCsrrsi, Op::kCsrrci};
        if (ops[f3] == Op::kIllegal) break;
        return make(ops[f3], rd, rs1, 0, static_cast<int32_t>(b >> 20), b, 4);
      }
    case 0x2f: {
      if (f3 != 2) break;
      const uint32_t f5 = b >> 27;
      switch (f5) {
        case 0x02:
          if (rs2 != 0) break;
          return R(Op::kLr);
        case 0x03: return R(Op::kSc);
        case 0x01: return R(Op::kAmoswap);
        case 0x00: return R(Op::kAmoadd);
        case 0x04: return R(Op::kAmoxor);
        case 0x0c: return R(Op::kAmoand);
        case 0x08: return R(Op::kAmoor);
        case 0x10: return R(Op::kAmomin);
        case 0x14: return R(Op::kAmomax);
        case 0x18: return R(Op::kAmominu);
        case 0x1c: return R(Op::kAmomaxu);
      }
      break;
    }
  }
  return illegal(b, 4);
}

DecodedInsn decode16(uint32_t c) {
  c &= 0xffff;
  const uint32_t q = c & 3, f3 = c >> 13;
  const uint32_t rd = bits_of(c, 11, 7), rs2 = bits_of(c, 6, 2);
  const uint32_t rdp = bits_of(c, 4, 2) + 8, rs1p = bits_of(c, 9, 7) + 8;
  const int32_t imm6 = sext((bit(c, 12) << 5) | bits_of(c, 6, 2), 6);
  auto C = [&](Op op, uint32_t d, uint32_t s1, uint32_t s2, int32_t imm) {
    return make(op, d, s1, s2, imm, c, 2);
  };
  if (q == 0) {
    switch (f3) {
      case 0: {  // c.addi4spn
        const uint32_t nz = (bits_of(c, 12, 11) << 4) | (bits_of(c, 10, 7) << 6) | (bit(c, 6) << 2) |
                            (bit(c, 5) << 3);
        if (nz == 0) break;
        return C(Op::kAddi, rdp, 2, 0, static_cast<int32_t>(nz));
      }
      case 2: {  // c.lw
        const uint32_t u = (bits_of(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6);
        return C(Op::kLw, rdp, rs1p, 0, static_cast<int32_t>(u));
      }
      case 6: {  // c.sw
        const uint32_t u = (bits_of(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6);
        return C(Op::kSw, 0, rs1p, rdp, static_cast<int32_t>(u));
      }
    }
    return illegal(c, 2);
  }
  if (q == 1) {
    switch (f3) {
      case 0: return C(Op::kAddi, rd, rd, 0, imm6);  // c.addi / c.nop (hints go to x0)
      case 1:                                        // c.jal
      case 5: {                                      // c.j
        const int32_t off = sext((bit(c, 12) << 11) | (bit(c, 11) << 4) | (bits_of(c, 10, 9) << 8) |
                                     (bit(c, 8) << 10) | (bit(c, 7) << 6) | (bit(c, 6) << 7) |
                                     (bits_of(c, 5, 3) << 1) | (bit(c, 2) << 5),
                                 12);
        return C(Op::kJal, f3 == 1 ? 1 : 0, 0, 0, off);
      }
      case 2: return C(Op::kAddi, rd, 0, 0, imm6);  // c.li
      case 3:
        if (rd == 2) {  // c.addi16sp
          const int32_t nz = sext((bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) |
                                      (bits_of(c, 4, 3) << 7) | (bit(c, 2) << 5),
                                  10);
          if (nz == 0) break;
          return C(Op::kAddi, 2, 2, 0, nz);
        } else {  // c.lui
          const int32_t nz = sext((bit(c, 12) << 17) | (bits_of(c, 6, 2) << 12), 18);
          if (nz == 0) break;
          return C(Op::kLui, rd, 0, 0, nz);
        }
      case 4: {
        const uint32_t f2 = bits_of(c, 11, 10);
        if (f2 == 0 || f2 == 1) {  // c.srli / c.srai
          if (bit(c, 12)) break;   // shamt[5] = 1 is reserved on RV32
          return C(f2 == 0 ? Op::kSrli : Op::kSrai, rs1p, rs1p, 0, static_cast<int32_t>(rs2));
        }
        if (f2 == 2) return C(Op::kAndi, rs1p, rs1p, 0, imm6);
        if (bit(c, 12)) break;  // subw/addw: RV64 only
        static const Op ops[4] = {Op::kSub, Op::kXor, Op::kOr, Op::kAnd};
        return C(ops[bits_of(c, 6, 5)], rs1p, rs1p, rdp, 0);
      }
      case 6:
      case 7: {  // c.beqz / c.bnez
        const int32_t off = sext((bit(c, 12) << 8) | (bits_of(c, 11, 10) << 3) | (bits_of(c, 6, 5) << 6) |
                                     (bits_of(c, 4, 3) << 1) | (bit(c, 2) << 5),
                                 9);
        return C(f3 == 6 ? Op::kBeq : Op::kBne, 0, rs1p, 0, off);
      }
    }
    return illegal(c, 2);
  }
  if (q == 2) {
    switch (f3) {
      case 0:  // c.slli
        if (bit(c, 12)) break;
        return C(Op::kSlli, rd, rd, 0, static_cast<int32_t>(rs2));
      case 2: {  // c.lwsp
        if (rd == 0) break;
        const uint32_t u = (bit(c, 12) << 5) | (bits_of(c, 6, 4) << 2) | (bits_of(c, 3, 2) << 6);
        return C(Op::kLw, rd, 2, 0, static_cast<int32_t>(u));
      }
      case 4:
        if (!bit(c, 12)) {
          if (rs2 == 0) {  // c.jr
            if (rd == 0) break;
            return C(Op::kJalr, 0, rd, 0, 0);
          }
          return C(Op::kAdd, rd, 0, rs2, 0);  // c.mv
        }
        if (rd == 0 && rs2 == 0) return C(Op::kEbreak, 0, 0, 0, 0);  // c.ebreak
        if (rs2 == 0) return C(Op::kJalr, 1, rd, 0, 0);              // c.jalr
        return C(Op::kAdd, rd, rd, rs2, 0);                         // c.add
      case 6: {  // c.swsp
        const uint32_t u = (bits_of(c, 12, 9) << 2) | (bits_of(c, 8, 7) << 6);
        return C(Op::kSw, 0, 2, rs2, static_cast<int32_t>(u));
      }
    }
    return illegal(c, 2);
  }
  return illegal(c, 2);
}

}  // namespace

DecodedInsn decode_rv32(uint32_t bits) {
  if ((bits & 3) != 3) return decode16(bits);
  return decode32(bits);
}

}  // namespace pumavp::host
