#include "isa/encoding.h"

#include <cstdio>

namespace pumavp::isa {

namespace {

constexpr uint64_t mask_bits(unsigned bits) { return bits >= 64 ? ~0ull : ((1ull << bits) - 1); }
inline uint64_t get(uint64_t w, unsigned lo, unsigned bits) { return (w >> lo) & mask_bits(bits); }
inline uint64_t put(uint64_t v, unsigned lo, unsigned bits) { return (v & mask_bits(bits)) << lo; }

struct AluInfo {
  const char* name;
  int8_t arity;
};
const AluInfo kAlu[kNumAluOps] = {
    {"add", 2},  {"sub", 2},   {"mul", 2},  {"div", 2},  {"lsh", 1},  {"rsh", 1},   {"and", 2},
    {"or", 2},   {"xor", 2},   {"not", 1},  {"min", 2},  {"max", 2},  {"eq", 2},    {"neq", 2},
    {"lt", 2},   {"le", 2},    {"gt", 2},   {"ge", 2},   {"relu", 1}, {"relud", 1}, {"sig", 1},
    {"tanh", 1}, {"exp", 1},   {"log", 1},  {"rand", 0}, {"rndcmp", 1}, {"subs", 1},
};
const char* const kAluInt[kNumAluIntOps] = {"add", "sub", "mul", "div", "mod", "eq",
                                            "neq", "lt",  "le",  "gt",  "ge"};
const char* const kBrn[kNumBrnOps] = {"eq", "neq", "lt", "le", "gt", "ge"};

// A mnemonic "base[.sub]" formatted only when an error message needs it.
struct Mn {
  const char* a;
  const char* b = nullptr;
  Mn(const char* base, const char* sub = nullptr) : a(base), b(sub) {}
  std::string str() const { return b ? std::string(a) + "." + b : std::string(a); }
};

// A field of an instruction format.
struct Fld {
  const char* name;
  uint8_t lo, bits;
};
// Formats (isa.md §4.1, §5). Field index order matters for the `used` bit sets below.
const Fld kFmtR[] = {{"op", 6, 5},    {"dest", 11, 13}, {"src1", 24, 13},
                     {"src2", 37, 13}, {"src3", 50, 4},  {"vec", 54, 10}};
const Fld kFmtI[] = {{"op", 6, 5},   {"dest", 11, 13},         {"src1", 24, 13},
                     {"imm", 37, 16}, {"reserved [53]", 53, 1}, {"vec", 54, 10}};
const Fld kFmtM[] = {{"reserved [10:6]", 6, 5}, {"dest", 11, 13}, {"src1", 24, 13},
                     {"count", 37, 13},         {"width", 50, 4}, {"vec", 54, 10}};
const Fld kFmtV[] = {{"mask", 6, 8},
                     {"reserved [23:14]", 14, 10},
                     {"filter", 24, 13},
                     {"stride", 37, 13},
                     {"reserved [63:50]", 50, 14}};
const Fld kFmtP[] = {{"u0", 6, 3},  {"u1", 9, 3},  {"u2", 12, 3},
                     {"u3", 15, 3}, {"u4", 18, 3}, {"u5", 21, 3},
                     {"reserved [63:24]", 24, 40}};
const Fld kFmtC[] = {{"mask", 6, 8}, {"reserved [63:14]", 14, 50}};
const Fld kFmtB[] = {{"op", 6, 5},
                     {"reserved [23:11]", 11, 13},
                     {"src1", 24, 13},
                     {"src2", 37, 13},
                     {"target", 50, 14}};
const Fld kFmtN[] = {{"reserved [63:6]", 6, 58}};
const Fld kFmtSend[] = {{"mem", 6, 16},   {"fifo", 22, 8}, {"target", 30, 16},
                        {"width", 46, 4}, {"vec", 50, 10}, {"reserved [63:60]", 60, 4}};
const Fld kFmtRecv[] = {{"mem", 6, 16},   {"fifo", 22, 8}, {"count", 30, 16},
                        {"width", 46, 4}, {"vec", 50, 10}, {"reserved [63:60]", 60, 4}};


std::string hex64(uint64_t w) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(w));
  return b;
}

// Check that every field of `fmt` not in `used` (bit i = field i) is zero.
template <size_t N>
bool check_unused(uint64_t w, const Fld (&fmt)[N], unsigned used, const Mn& mnem,
                  IsaError& err) {
  for (size_t i = 0; i < N; ++i) {
    if (used & (1u << i)) continue;
    uint64_t v = get(w, fmt[i].lo, fmt[i].bits);
    if (v) {
      err.code = ErrorCode::IllegalInstr;
      err.message = "reserved bits: " + mnem.str() + " must have a zero " + fmt[i].name +
                    " field (bits " + std::to_string(fmt[i].lo + fmt[i].bits - 1) + ":" +
                    std::to_string(fmt[i].lo) + "), found 0x" +
                    [&] {
                      char b[24];
                      std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
                      return std::string(b);
                    }();
      return false;
    }
  }
  return true;
}

bool fail(IsaError& err, ErrorCode c, std::string m) {
  err.code = c;
  err.message = std::move(m);
  return false;
}

std::string range_text(uint32_t a, uint32_t len) {
  return std::to_string(a) + ".." + std::to_string(uint64_t(a) + len - 1);
}

// A vector operand: [addr, addr+len) inside one region.
bool check_vector(const Geometry& g, const Mn& mnem, const char* what, uint32_t addr,
                  uint32_t len, IsaError& err) {
  if (g.range_in_one_region(addr, len)) return true;
  std::string m = "operand address: " + mnem.str() + " " + what + " range " +
                  range_text(addr, len);
  Region r = g.region_of(addr);
  if (r == Region::Invalid)
    m += " starts outside the operand space (0.." + std::to_string(g.operand_space() - 1) + ")";
  else
    m += " straddles regions (" + std::string(region_name(r)) + " ends at " +
         std::to_string(g.region_end(r) - 1) + ")";
  return fail(err, ErrorCode::AddressRange, m);
}

// A scalar operand: one RF word.
bool check_scalar(const Geometry& g, const Mn& mnem, const char* what, uint32_t addr,
                  IsaError& err) {
  if (g.region_of(addr) == Region::RF) return true;
  return fail(err, ErrorCode::AddressRange,
              "operand address: " + mnem.str() + " " + what + " " +
                  std::to_string(addr) + " must be in the RF (" +
                  std::to_string(g.rf_base()) + ".." + std::to_string(g.operand_space() - 1) +
                  ")");
}

bool check_mvmu_mask(const Geometry& g, const char* mnem, unsigned mask, IsaError& err) {
  if (mask == 0) return fail(err, ErrorCode::IllegalInstr, std::string("bad field: ") + mnem + " mask is empty");
  if (mask >> g.num_mvmu)
    return fail(err, ErrorCode::IllegalInstr,
                std::string("bad field: ") + mnem + " mask 0x" +
                    [&] {
                      char b[16];
                      std::snprintf(b, sizeof b, "%02x", mask);
                      return std::string(b);
                    }() +
                    " names an MVMU beyond the " + std::to_string(g.num_mvmu) + " of a core");
  return true;
}

}  // namespace

int alu_arity(unsigned code) { return code < kNumAluOps ? kAlu[code].arity : -1; }
bool alui_allowed(unsigned code) { return code < kNumAluOps && kAlu[code].arity == 2; }
bool alu_uses_src3(unsigned code) {
  return code == unsigned(AluOp::Lsh) || code == unsigned(AluOp::Rsh) ||
         code == unsigned(AluOp::Subs);
}
const char* alu_op_name(unsigned code) { return code < kNumAluOps ? kAlu[code].name : nullptr; }
const char* aluint_op_name(unsigned code) {
  return code < kNumAluIntOps ? kAluInt[code] : nullptr;
}
const char* brn_op_name(unsigned code) { return code < kNumBrnOps ? kBrn[code] : nullptr; }

const char* opcode_class(Opcode op) {
  switch (op) {
    case Opcode::Mvm:
    case Opcode::Mcu:
    case Opcode::Crs: return "mvm";
    case Opcode::Alu:
    case Opcode::Alui: return "vfu";
    case Opcode::AluInt: return "sfu";
    case Opcode::Load:
    case Opcode::Store: return "mem";
    case Opcode::Set:
    case Opcode::Copy: return "rf";
    case Opcode::Send:
    case Opcode::Receive: return "noc";
    default: return "control";
  }
}

const char* opcode_name(Opcode op) {
  switch (op) {
    case Opcode::Nop: return "nop";
    case Opcode::Halt: return "halt";
    case Opcode::Set: return "set";
    case Opcode::Copy: return "copy";
    case Opcode::Load: return "load";
    case Opcode::Store: return "store";
    case Opcode::Alu: return "alu";
    case Opcode::Alui: return "alui";
    case Opcode::AluInt: return "aluint";
    case Opcode::Mvm: return "mvm";
    case Opcode::Mcu: return "mcu";
    case Opcode::Crs: return "crs";
    case Opcode::Jmp: return "jmp";
    case Opcode::Brn: return "brn";
    case Opcode::Send: return "send";
    case Opcode::Receive: return "receive";
    case Opcode::TileHalt: return "halt";
    default: return nullptr;
  }
}

bool CoreInstr::operator==(const CoreInstr& o) const {
  for (unsigned i = 0; i < kMaxMcus; ++i)
    if (mcu[i] != o.mcu[i]) return false;
  return opcode == o.opcode && op == o.op && dest == o.dest && src1 == o.src1 &&
         src2 == o.src2 && src3 == o.src3 && imm == o.imm && vec == o.vec &&
         width == o.width && count == o.count && mask == o.mask && filter == o.filter &&
         stride == o.stride && target == o.target;
}

bool TileInstr::operator==(const TileInstr& o) const {
  return opcode == o.opcode && mem == o.mem && fifo == o.fifo && target == o.target &&
         count == o.count && width == o.width && vec == o.vec;
}

uint64_t encode(const CoreInstr& in) {
  using namespace field;
  uint64_t w = put(uint64_t(in.opcode), kOpcodeShift, kOpcodeBits);
  auto vecf = [&] { return put(uint64_t(in.vec) - 1, kVecShift, kVecBits); };
  switch (in.opcode) {
    case Opcode::Set:
      w |= put(in.dest, kDestShift, kAddrBits) | put(in.imm, kImmShift, kImmBits) | vecf();
      break;
    case Opcode::Copy:
      w |= put(in.dest, kDestShift, kAddrBits) | put(in.src1, kSrc1Shift, kAddrBits) | vecf();
      break;
    case Opcode::Load:
    case Opcode::Store:
      w |= put(in.dest, kDestShift, kAddrBits) | put(in.src1, kSrc1Shift, kAddrBits) |
           put(in.opcode == Opcode::Store ? in.count : 0, kSrc2Shift, kAddrBits) |
           put(uint64_t(in.width) - 1, kWidthShift, kWidthBits) | vecf();
      break;
    case Opcode::Alu:
      w |= put(in.op, kOpShift, kOpBits) | put(in.dest, kDestShift, kAddrBits) |
           put(in.src1, kSrc1Shift, kAddrBits) | put(in.src2, kSrc2Shift, kAddrBits) |
           put(in.src3, kSrc3Shift, kSrc3Bits) | vecf();
      break;
    case Opcode::Alui:
      w |= put(in.op, kOpShift, kOpBits) | put(in.dest, kDestShift, kAddrBits) |
           put(in.src1, kSrc1Shift, kAddrBits) | put(in.imm, kImmShift, kImmBits) | vecf();
      break;
    case Opcode::AluInt:
      w |= put(in.op, kOpShift, kOpBits) | put(in.dest, kDestShift, kAddrBits) |
           put(in.src1, kSrc1Shift, kAddrBits) | put(in.src2, kSrc2Shift, kAddrBits);
      break;
    case Opcode::Mvm:
      w |= put(in.mask, kMaskShift, kMaskBits) | put(in.filter, 24, 13) | put(in.stride, 37, 13);
      break;
    case Opcode::Mcu:
      for (unsigned k = 0; k < kMaxMcus; ++k) w |= put(in.mcu[k], 6 + 3 * k, 3);
      break;
    case Opcode::Crs: w |= put(in.mask, kMaskShift, kMaskBits); break;
    case Opcode::Jmp: w |= put(in.target, kTargetShift, kTargetBits); break;
    case Opcode::Brn:
      w |= put(in.op, kOpShift, kOpBits) | put(in.src1, kSrc1Shift, kAddrBits) |
           put(in.src2, kSrc2Shift, kAddrBits) | put(in.target, kTargetShift, kTargetBits);
      break;
    default: break;
  }
  return w;
}

uint64_t encode(const TileInstr& in) {
  using namespace field;
  uint64_t w = put(uint64_t(in.opcode), kOpcodeShift, kOpcodeBits);
  if (in.opcode == Opcode::Send || in.opcode == Opcode::Receive) {
    w |= put(in.mem, kTMemShift, kTMemBits) | put(in.fifo, kTFifoShift, kTFifoBits) |
         put(in.opcode == Opcode::Send ? in.target : in.count, kTTargetShift, kTTargetBits) |
         put(uint64_t(in.width) - 1, kTWidthShift, kTWidthBits) |
         put(uint64_t(in.vec) - 1, kTVecShift, kTVecBits);
  }
  return w;
}

Decoded<CoreInstr> decode_core(uint64_t w, const Geometry& g) {
  Decoded<CoreInstr> r;
  CoreInstr& in = r.instr;
  IsaError& err = r.error;
  unsigned opc = unsigned(get(w, 0, 6));
  in.opcode = static_cast<Opcode>(opc);
  in.op = uint8_t(get(w, 6, 5));
  in.dest = uint16_t(get(w, 11, 13));
  in.src1 = uint16_t(get(w, 24, 13));
  const uint32_t f_src2 = uint32_t(get(w, 37, 13));
  const uint32_t vec = uint32_t(get(w, 54, 10)) + 1;
  const char* mnem = opcode_name(in.opcode);
  auto reset_unused = [&] { in.op = 0; in.dest = 0; in.src1 = 0; };

  if (opc >= 0x20 && opc <= 0x22) {
    fail(err, ErrorCode::IllegalInstr,
         std::string("illegal opcode: 0x") + (opc == 0x20 ? "20 (send)" : opc == 0x21 ? "21 (receive)" : "22 (tile halt)") +
             " is a tile instruction, not allowed in a core program");
    r.instr = CoreInstr{};
    return r;
  }
  if (opc == 0 || opc > 0x0E) {
    char b[128];
    std::snprintf(b, sizeof b, "illegal opcode: 0x%02x is %s", opc,
                  opc == 0 ? "the illegal opcode 0 (empty instruction memory?)" : "undefined");
    fail(err, ErrorCode::IllegalInstr, b);
    r.instr = CoreInstr{};
    return r;
  }

  switch (in.opcode) {
    case Opcode::Nop:
    case Opcode::Halt:
      reset_unused();
      check_unused(w, kFmtN, 0, mnem, err);
      break;
    case Opcode::Set:
      in.op = 0; in.src1 = 0;
      in.imm = uint16_t(get(w, 37, 16));
      in.vec = uint16_t(vec);
      if (!check_unused(w, kFmtI, 0b101010, mnem, err)) break;
      if (!check_vector(g, mnem, "destination", in.dest, vec, err)) break;
      if (g.region_of(in.dest) != Region::RF)
        fail(err, ErrorCode::AddressRange,
             "operand address: set destination " + range_text(in.dest, vec) +
                 " must be in the RF (" + std::to_string(g.rf_base()) + ".." +
                 std::to_string(g.operand_space() - 1) + ")");
      break;
    case Opcode::Copy:
      in.op = 0;
      in.vec = uint16_t(vec);
      if (!check_unused(w, kFmtR, 0b100110, mnem, err)) break;
      if (!check_vector(g, mnem, "destination", in.dest, vec, err)) break;
      check_vector(g, mnem, "source", in.src1, vec, err);
      break;
    case Opcode::Load:
    case Opcode::Store: {
      in.op = 0;
      in.vec = uint16_t(vec);
      in.width = uint8_t(get(w, 50, 4) + 1);
      bool store = in.opcode == Opcode::Store;
      if (!check_unused(w, kFmtM, store ? 0b111110 : 0b110110, mnem, err)) break;
      uint32_t n = uint32_t(in.width) * vec;
      if (store) {
        in.count = uint16_t(f_src2);
        if (in.count == 0) {
          fail(err, ErrorCode::IllegalInstr, "bad field: store count is 0 (must be 1..8191)");
          break;
        }
        if (!check_scalar(g, mnem, "address register", in.dest, err)) break;
        check_vector(g, mnem, "source", in.src1, n, err);
      } else {
        if (!check_vector(g, mnem, "destination", in.dest, n, err)) break;
        check_scalar(g, mnem, "address register", in.src1, err);
      }
      break;
    }
    case Opcode::Alu: {
      in.vec = uint16_t(vec);
      int ar = alu_arity(in.op);
      if (ar < 0) {
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: alu op " + std::to_string(in.op) + " is undefined (0..26)");
        break;
      }
      in.src2 = uint16_t(f_src2);
      in.src3 = uint8_t(get(w, 50, 4));
      unsigned used = 0b100011;  // op, dest, vec
      if (ar >= 1) used |= 0b100;
      if (ar >= 2) used |= 0b1000;
      if (alu_uses_src3(in.op)) used |= 0b10000;
      Mn m("alu", alu_op_name(in.op));
      if (!check_unused(w, kFmtR, used, m, err)) break;
      if (in.op == uint8_t(AluOp::Subs) && in.src3 == 0) {
        fail(err, ErrorCode::IllegalInstr, "bad sub-op: alu.subs stride (src3) must be 1..15, not 0");
        break;
      }
      if (!check_vector(g, m, "destination", in.dest, vec, err)) break;
      if (ar >= 1) {
        uint32_t span = in.op == uint8_t(AluOp::Subs) ? (vec - 1) * in.src3 + 1 : vec;
        if (!check_vector(g, m, "source 1", in.src1, span, err)) break;
      }
      if (ar >= 2) check_vector(g, m, "source 2", in.src2, vec, err);
      break;
    }
    case Opcode::Alui: {
      in.vec = uint16_t(vec);
      in.imm = uint16_t(get(w, 37, 16));
      if (!alui_allowed(in.op)) {
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: alui op " + std::to_string(in.op) +
                 (alu_op_name(in.op) ? std::string(" (") + alu_op_name(in.op) + ")" : std::string()) +
                 " is not allowed in alui (only the binary ops 0-3, 6-8, 10-17)");
        break;
      }
      Mn m("alui", alu_op_name(in.op));
      if (!check_unused(w, kFmtI, 0b101111, m, err)) break;
      if (!check_vector(g, m, "destination", in.dest, vec, err)) break;
      check_vector(g, m, "source", in.src1, vec, err);
      break;
    }
    case Opcode::AluInt: {
      if (in.op >= kNumAluIntOps) {
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: aluint op " + std::to_string(in.op) + " is undefined (0..10)");
        break;
      }
      in.src2 = uint16_t(f_src2);
      Mn m("aluint", aluint_op_name(in.op));
      if (!check_unused(w, kFmtR, 0b001111, m, err)) break;
      if (!check_scalar(g, m, "destination", in.dest, err)) break;
      if (!check_scalar(g, m, "source 1", in.src1, err)) break;
      check_scalar(g, m, "source 2", in.src2, err);
      break;
    }
    case Opcode::Mvm: {
      reset_unused();
      in.mask = uint8_t(get(w, 6, 8));
      in.filter = uint16_t(get(w, 24, 13));
      in.stride = uint16_t(get(w, 37, 13));
      if (!check_unused(w, kFmtV, 0b01101, mnem, err)) break;
      if (!check_mvmu_mask(g, mnem, in.mask, err)) break;
      if (!(in.filter == 0 && in.stride == 0) &&
          !(in.stride > 0 && in.stride < in.filter && in.filter <= g.xbar_size))
        fail(err, ErrorCode::IllegalInstr,
             "bad field: mvm filter=" + std::to_string(in.filter) + " stride=" +
                 std::to_string(in.stride) + " (need both 0, or 0 < stride < filter <= " +
                 std::to_string(g.xbar_size) + ")");
      break;
    }
    case Opcode::Mcu: {
      reset_unused();
      if (!check_unused(w, kFmtP, 0b0111111, mnem, err)) break;
      bool any = false;
      for (unsigned k = 0; k < kMaxMcus; ++k) {
        in.mcu[k] = uint8_t(get(w, 6 + 3 * k, 3));
        if (!in.mcu[k]) continue;
        any = true;
        if (k >= g.num_mvmu) {
          fail(err, ErrorCode::IllegalInstr,
               "bad field: mcu u" + std::to_string(k) + " names an MCU beyond the " +
                   std::to_string(g.num_mvmu) + " of a core");
          break;
        }
        if (!g.panther && (in.mcu[k] & (kMcuMtvm | kMcuOpa))) {
          fail(err, ErrorCode::IllegalInstr,
               "bad field: mcu u" + std::to_string(k) + " uses MTVM/OPA without PANTHER");
          break;
        }
      }
      if (err) break;
      if (!any) fail(err, ErrorCode::IllegalInstr, "bad field: mcu selects nothing");
      break;
    }
    case Opcode::Crs:
      reset_unused();
      in.mask = uint8_t(get(w, 6, 8));
      if (!check_unused(w, kFmtC, 0b01, mnem, err)) break;
      if (!g.panther) {
        fail(err, ErrorCode::IllegalInstr, "bad field: crs is a PANTHER instruction (PANTHER disabled)");
        break;
      }
      check_mvmu_mask(g, mnem, in.mask, err);
      break;
    case Opcode::Jmp:
      reset_unused();
      in.target = uint16_t(get(w, 50, 14));
      check_unused(w, kFmtB, 0b10000, mnem, err);
      break;
    case Opcode::Brn: {
      in.dest = 0;
      if (in.op >= kNumBrnOps) {
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: brn condition " + std::to_string(in.op) + " is undefined (0..5)");
        break;
      }
      in.src2 = uint16_t(f_src2);
      in.target = uint16_t(get(w, 50, 14));
      Mn m("brn", brn_op_name(in.op));
      if (!check_unused(w, kFmtB, 0b11101, m, err)) break;
      if (!check_scalar(g, m, "source 1", in.src1, err)) break;
      check_scalar(g, m, "source 2", in.src2, err);
      break;
    }
    default: break;
  }
  if (err) {
    err.message += " [word " + hex64(w) + "]";
  }
  return r;
}

Decoded<TileInstr> decode_tile(uint64_t w, const Geometry& g) {
  Decoded<TileInstr> r;
  TileInstr& in = r.instr;
  IsaError& err = r.error;
  unsigned opc = unsigned(get(w, 0, 6));
  in.opcode = static_cast<Opcode>(opc);
  if (opc < 0x20 || opc > 0x22) {
    char b[96];
    if (opc >= 0x01 && opc <= 0x0E)
      std::snprintf(b, sizeof b, "illegal opcode: 0x%02x (%s) is a core instruction, not allowed in a tile program",
                    opc, opcode_name(static_cast<Opcode>(opc)));
    else
      std::snprintf(b, sizeof b, "illegal opcode: 0x%02x is %s in a tile program", opc,
                    opc == 0 ? "the illegal opcode 0" : "undefined");
    fail(err, ErrorCode::IllegalInstr, b);
    r.instr = TileInstr{};
  } else if (in.opcode == Opcode::TileHalt) {
    check_unused(w, kFmtN, 0, "halt", err);
  } else {
    bool send = in.opcode == Opcode::Send;
    in.mem = uint16_t(get(w, 6, 16));
    in.fifo = uint8_t(get(w, 22, 8));
    uint16_t t = uint16_t(get(w, 30, 16));
    if (send) in.target = t; else in.count = t;
    in.width = uint8_t(get(w, 46, 4) + 1);
    in.vec = uint16_t(get(w, 50, 10) + 1);
    const char* mnem = send ? "send" : "receive";
    if (!check_unused(w, send ? kFmtSend : kFmtRecv, 0b011111, mnem, err)) {
    } else if (send && in.fifo == kFifoZero) {
      fail(err, ErrorCode::IllegalInstr, "bad field: send FIFO 255 (zero) is allowed only in receive");
    } else if (in.fifo >= g.num_fifos && !(in.fifo == kFifoZero && !send)) {
      fail(err, ErrorCode::IllegalInstr,
           std::string("bad field: ") + mnem + " FIFO " + std::to_string(in.fifo) +
               " does not exist (" + std::to_string(g.num_fifos) + " FIFOs per tile)");
    } else if (send && in.target >= g.tiles) {
      fail(err, ErrorCode::IllegalInstr,
           "bad field: send target tile " + std::to_string(in.target) + " does not exist (" +
               std::to_string(g.tiles) + " tiles)");
    } else if (!send && in.count == 0) {
      fail(err, ErrorCode::IllegalInstr, "bad field: receive count is 0 (must be 1..65535)");
    } else {
      uint32_t n = uint32_t(in.width) * in.vec;
      if (uint64_t(in.mem) + n > g.shared_mem_words)
        fail(err, ErrorCode::AddressRange,
             std::string("tile memory range: ") + mnem + " words " + range_text(in.mem, n) +
                 " exceed the shared memory (" + std::to_string(g.shared_mem_words) + " words)");
    }
  }
  if (err) err.message += " [word " + hex64(w) + "]";
  return r;
}

std::string operand_text(uint32_t addr, const Geometry& g) {
  Region r = g.region_of(addr);
  if (r == Region::RF) return "rf." + std::to_string(addr - g.rf_base());
  if (r == Region::Invalid) return std::to_string(addr);
  uint32_t off = addr - g.region_begin(r);
  unsigned slot_all = off / g.xbar_size, i = off % g.xbar_size;
  unsigned m = slot_all / g.K(), k = slot_all % g.K();
  std::string s = (r == Region::XbarIn ? "in" : "out") + std::to_string(m) + ".";
  if (k) s += std::to_string(k) + ".";
  return s + std::to_string(i);
}

namespace {
void kv(std::string& s, const char* key, unsigned v) {
  s += ", ";
  s += key;
  s += "=";
  s += std::to_string(v);
}
std::string mask_text(unsigned mask, unsigned digits) {
  std::string s = "0b";
  for (int b = int(digits) - 1; b >= 0; --b) s += (mask >> b) & 1 ? '1' : '0';
  return s;
}
}  // namespace

std::string disassemble(const CoreInstr& in, const Geometry& g) {
  auto A = [&](uint32_t a) { return operand_text(a, g); };
  std::string s;
  switch (in.opcode) {
    case Opcode::Nop: return "nop";
    case Opcode::Halt: return "halt";
    case Opcode::Set:
      s = "set " + A(in.dest) + ", " + std::to_string(int16_t(in.imm));
      if (in.vec != 1) kv(s, "vec", in.vec);
      return s;
    case Opcode::Copy:
      s = "copy " + A(in.dest) + ", " + A(in.src1);
      if (in.vec != 1) kv(s, "vec", in.vec);
      return s;
    case Opcode::Load:
      s = "load " + A(in.dest) + ", " + A(in.src1);
      if (in.width != 1) kv(s, "width", in.width);
      if (in.vec != 1) kv(s, "vec", in.vec);
      return s;
    case Opcode::Store:
      s = "store " + A(in.dest) + ", " + A(in.src1);
      if (in.count != 1) kv(s, "count", in.count);
      if (in.width != 1) kv(s, "width", in.width);
      if (in.vec != 1) kv(s, "vec", in.vec);
      return s;
    case Opcode::Alu: {
      const char* n = alu_op_name(in.op);
      s = std::string("alu.") + (n ? n : "?") + " " + A(in.dest);
      int ar = alu_arity(in.op);
      if (ar >= 1) s += ", " + A(in.src1);
      if (ar >= 2) s += ", " + A(in.src2);
      if (in.op == uint8_t(AluOp::Subs)) kv(s, "stride", in.src3);
      else if (alu_uses_src3(in.op) && in.src3) kv(s, "shift", in.src3);
      if (in.vec != 1) kv(s, "vec", in.vec);
      return s;
    }
    case Opcode::Alui: {
      const char* n = alu_op_name(in.op);
      s = std::string("alui.") + (n ? n : "?") + " " + A(in.dest) + ", " + A(in.src1) + ", " +
          std::to_string(int16_t(in.imm));
      if (in.vec != 1) kv(s, "vec", in.vec);
      return s;
    }
    case Opcode::AluInt: {
      const char* n = aluint_op_name(in.op);
      return std::string("aluint.") + (n ? n : "?") + " " + A(in.dest) + ", " + A(in.src1) +
             ", " + A(in.src2);
    }
    case Opcode::Mvm:
      s = "mvm mask=" + mask_text(in.mask, g.num_mvmu > 8 ? 8 : g.num_mvmu);
      if (in.filter || in.stride) kv(s, "filter", in.filter), kv(s, "stride", in.stride);
      return s;
    case Opcode::Crs: return "crs mask=" + mask_text(in.mask, g.num_mvmu > 8 ? 8 : g.num_mvmu);
    case Opcode::Mcu: {
      s = "mcu";
      bool first = true;
      for (unsigned k = 0; k < kMaxMcus; ++k) {
        if (!in.mcu[k]) continue;
        s += first ? " " : ", ";
        first = false;
        s += "u" + std::to_string(k) + "=";
        std::string f;
        if (in.mcu[k] & kMcuMvm) f += "mvm";
        if (in.mcu[k] & kMcuMtvm) f += f.empty() ? "mtvm" : "+mtvm";
        if (in.mcu[k] & kMcuOpa) f += f.empty() ? "opa" : "+opa";
        s += f;
      }
      return s;
    }
    case Opcode::Jmp: return "jmp " + std::to_string(in.target);
    case Opcode::Brn: {
      const char* n = brn_op_name(in.op);
      return std::string("brn.") + (n ? n : "?") + " " + A(in.src1) + ", " + A(in.src2) + ", " +
             std::to_string(in.target);
    }
    default: return "<illegal>";
  }
}

std::string disassemble(const TileInstr& in) {
  std::string s;
  switch (in.opcode) {
    case Opcode::TileHalt: return "halt";
    case Opcode::Send:
      s = "send " + std::to_string(in.mem) + ", " + std::to_string(in.fifo) + ", " +
          std::to_string(in.target);
      break;
    case Opcode::Receive:
      s = "receive " + std::to_string(in.mem) + ", " +
          (in.fifo == kFifoZero ? std::string("zero") : std::to_string(in.fifo));
      if (in.count != 1) kv(s, "count", in.count);
      break;
    default: return "<illegal>";
  }
  if (in.width != 1) kv(s, "width", in.width);
  if (in.vec != 1) kv(s, "vec", in.vec);
  return s;
}

std::string disassemble_word(uint64_t word, bool tile_stream, const Geometry& g) {
  IsaError e;
  std::string text;
  if (tile_stream) {
    auto d = decode_tile(word, g);
    if (d.ok()) return disassemble(d.instr);
    e = std::move(d.error);
  } else {
    auto d = decode_core(word, g);
    if (d.ok()) return disassemble(d.instr, g);
    e = std::move(d.error);
  }
  std::string m = e.message;
  size_t k = m.rfind(" [word ");
  if (k != std::string::npos) m.resize(k);
  return ".word " + hex64(word) + "  # error " + std::to_string(int(e.code)) + ": " + m;
}

}  // namespace pumavp::isa
