#include "isa/encoding.h"

#include <cstdio>

#include "isa/opcode_table.h"

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

using Fld = FormatField;
const FormatInfo& fmt_of(const OpcodeInfo* row) { return format_info(row->format); }

std::string hex64(uint64_t w) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(w));
  return b;
}

// Check that every field of `fmt` not in `used` (bit i = field i) is zero.
bool check_unused(uint64_t w, const FormatInfo& f, unsigned used, const Mn& mnem,
                  IsaError& err) {
  const Fld* fmt = f.fields;
  for (size_t i = 0; i < f.count; ++i) {
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
  const OpcodeInfo* r = opcode_info(op);
  return r ? r->cls : "control";
}

const char* opcode_name(Opcode op) {
  const OpcodeInfo* r = opcode_info(op);
  return r ? r->mnemonic : nullptr;
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

namespace {
// Per-format field packing: every field of the row's format that one of its operands names.
template <class Instr>
uint64_t encode_fields(const Instr& in, Stream s) {
  uint64_t w = put(uint64_t(in.opcode), field::kOpcodeShift, field::kOpcodeBits);
  const OpcodeInfo* row = opcode_info(unsigned(in.opcode), s);
  if (!row) return w;
  const FormatInfo& f = format_info(row->format);
  unsigned used = format_used(*row, false, 0);
  for (unsigned i = 0; i < f.count; ++i)
    if (used & (1u << i))
      w |= put(get_field(in, f.fields[i].field, f.fields[i].idx) - f.fields[i].bias,
               f.fields[i].lo, f.fields[i].bits);
  return w;
}
template <class Instr>
void decode_fields(uint64_t w, const OpcodeInfo& row, Instr& in) {
  const FormatInfo& f = format_info(row.format);
  unsigned used = format_used(row, false, 0);
  for (unsigned i = 0; i < f.count; ++i)
    if (used & (1u << i))
      set_field(in, f.fields[i].field, f.fields[i].idx,
                get(w, f.fields[i].lo, f.fields[i].bits) + f.fields[i].bias);
}
// Name of a row in "wrong stream" messages ("tile halt" vs the core "halt").
std::string stream_name(const OpcodeInfo& r) {
  Stream other = r.stream == Stream::Core ? Stream::Tile : Stream::Core;
  return find_mnemonic(r.mnemonic, other) ? std::string(r.stream == Stream::Tile ? "tile " : "core ") + r.mnemonic
                                          : std::string(r.mnemonic);
}
}  // namespace

uint64_t encode(const CoreInstr& in) { return encode_fields(in, Stream::Core); }
uint64_t encode(const TileInstr& in) { return encode_fields(in, Stream::Tile); }

Decoded<CoreInstr> decode_core(uint64_t w, const Geometry& g) {
  Decoded<CoreInstr> r;
  CoreInstr& in = r.instr;
  IsaError& err = r.error;
  unsigned opc = unsigned(get(w, 0, 6));
  const OpcodeInfo* row = opcode_info(opc, Stream::Core);
  if (!row) {
    char b[128];
    if (const OpcodeInfo* t = opcode_info(opc, Stream::Tile))
      std::snprintf(b, sizeof b, "illegal opcode: 0x%02x (%s) is a tile instruction, not allowed in a core program",
                    opc, stream_name(*t).c_str());
    else
      std::snprintf(b, sizeof b, "illegal opcode: 0x%02x is %s", opc,
                    opc == 0 ? "the illegal opcode 0 (empty instruction memory?)" : "undefined");
    fail(err, ErrorCode::IllegalInstr, b);
    return r;
  }
  in.opcode = row->opcode;
  decode_fields(w, *row, in);
  const uint32_t vec = in.vec;
  // sub-op (checked before the reserved bits: the used fields depend on it)
  switch (row->sub) {
    case SubOp::Alu:
      if (alu_arity(in.op) < 0)
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: alu op " + std::to_string(in.op) + " is undefined (0..26)");
      break;
    case SubOp::AluImm:
      if (!alui_allowed(in.op))
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: alui op " + std::to_string(in.op) +
                 (alu_op_name(in.op) ? std::string(" (") + alu_op_name(in.op) + ")" : std::string()) +
                 " is not allowed in alui (only the binary ops 0-3, 6-8, 10-17)");
      break;
    case SubOp::AluInt:
      if (in.op >= kNumAluIntOps)
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: aluint op " + std::to_string(in.op) + " is undefined (0..10)");
      break;
    case SubOp::Brn:
      if (in.op >= kNumBrnOps)
        fail(err, ErrorCode::IllegalInstr,
             "bad sub-op: brn condition " + std::to_string(in.op) + " is undefined (0..5)");
      break;
    case SubOp::None: break;
  }
  const Mn m(row->mnemonic, sub_op_name(row->sub, in.op));
  if (!err) check_unused(w, fmt_of(row), format_used(*row, true, in.op), m, err);
  if (!err) switch (in.opcode) {
    case Opcode::Set:
      if (!check_vector(g, m, "destination", in.dest, vec, err)) break;
      if (g.region_of(in.dest) != Region::RF)
        fail(err, ErrorCode::AddressRange,
             "operand address: set destination " + range_text(in.dest, vec) +
                 " must be in the RF (" + std::to_string(g.rf_base()) + ".." +
                 std::to_string(g.operand_space() - 1) + ")");
      break;
    case Opcode::Copy:
      if (!check_vector(g, m, "destination", in.dest, vec, err)) break;
      check_vector(g, m, "source", in.src1, vec, err);
      break;
    case Opcode::Load:
    case Opcode::Store: {
      uint32_t n = uint32_t(in.width) * vec;
      if (in.opcode == Opcode::Store) {
        if (in.count == 0) {
          fail(err, ErrorCode::IllegalInstr, "bad field: store count is 0 (must be 1..8191)");
          break;
        }
        if (!check_scalar(g, m, "address register", in.dest, err)) break;
        check_vector(g, m, "source", in.src1, n, err);
      } else {
        if (!check_vector(g, m, "destination", in.dest, n, err)) break;
        check_scalar(g, m, "address register", in.src1, err);
      }
      break;
    }
    case Opcode::Alu: {
      int ar = alu_arity(in.op);
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
    case Opcode::Alui:
      if (!check_vector(g, m, "destination", in.dest, vec, err)) break;
      check_vector(g, m, "source", in.src1, vec, err);
      break;
    case Opcode::AluInt:
      if (!check_scalar(g, m, "destination", in.dest, err)) break;
      if (!check_scalar(g, m, "source 1", in.src1, err)) break;
      check_scalar(g, m, "source 2", in.src2, err);
      break;
    case Opcode::Mvm:
      if (!check_mvmu_mask(g, "mvm", in.mask, err)) break;
      if (!(in.filter == 0 && in.stride == 0) &&
          !(in.stride > 0 && in.stride < in.filter && in.filter <= g.xbar_size))
        fail(err, ErrorCode::IllegalInstr,
             "bad field: mvm filter=" + std::to_string(in.filter) + " stride=" +
                 std::to_string(in.stride) + " (need both 0, or 0 < stride < filter <= " +
                 std::to_string(g.xbar_size) + ")");
      break;
    case Opcode::Mcu: {
      bool any = false;
      for (unsigned k = 0; k < kMaxMcus; ++k) {
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
      if (!g.panther) {
        fail(err, ErrorCode::IllegalInstr, "bad field: crs is a PANTHER instruction (PANTHER disabled)");
        break;
      }
      check_mvmu_mask(g, "crs", in.mask, err);
      break;
    case Opcode::Brn:
      if (!check_scalar(g, m, "source 1", in.src1, err)) break;
      check_scalar(g, m, "source 2", in.src2, err);
      break;
    default: break;  // nop, halt, jmp: no checks beyond the fields
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
  const OpcodeInfo* row = opcode_info(opc, Stream::Tile);
  if (!row) {
    char b[128];
    if (const OpcodeInfo* c = opcode_info(opc, Stream::Core))
      std::snprintf(b, sizeof b, "illegal opcode: 0x%02x (%s) is a core instruction, not allowed in a tile program",
                    opc, c->mnemonic);
    else
      std::snprintf(b, sizeof b, "illegal opcode: 0x%02x is %s in a tile program", opc,
                    opc == 0 ? "the illegal opcode 0" : "undefined");
    fail(err, ErrorCode::IllegalInstr, b);
    if (err) err.message += " [word " + hex64(w) + "]";
    return r;
  }
  in.opcode = row->opcode;
  decode_fields(w, *row, in);
  const char* mnem = row->mnemonic;
  bool send = in.opcode == Opcode::Send;
  if (!check_unused(w, fmt_of(row), format_used(*row, true, 0), mnem, err)) {
  } else if (in.opcode == Opcode::TileHalt) {
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
std::string mask_text(unsigned mask, unsigned digits) {
  std::string s = "0b";
  for (int b = int(digits) - 1; b >= 0; --b) s += (mask >> b) & 1 ? '1' : '0';
  return s;
}
}  // namespace

namespace {
// Canonical text from the row's operand list: "mnem[.sub] op, op, key=v".
template <class Instr>
std::string disassemble_row(const OpcodeInfo& row, const Instr& in, const Geometry* g) {
  unsigned op = unsigned(get_field(in, Field::Op, 0));
  std::string s = row.mnemonic;
  if (row.sub != SubOp::None) {
    const char* n = sub_op_name(row.sub, op);
    s += std::string(".") + (n ? n : "?");
  }
  bool first = true;
  auto item = [&](const std::string& t) {
    s += first ? " " : ", ";
    first = false;
    s += t;
  };
  auto keyval = [](const char* k, uint64_t v) { return std::string(k) + "=" + std::to_string(v); };
  unsigned digits = g ? (g->num_mvmu > 8 ? 8 : g->num_mvmu) : 8;
  for (const Operand& o : row.operands) {
    if (o.kind == OperandKind::End) break;
    if (!operand_present(row, o, op)) continue;
    uint64_t v = get_field(in, o.field, 0);
    switch (o.kind) {
      case OperandKind::Addr: item(g ? operand_text(uint32_t(v), *g) : std::to_string(v)); break;
      case OperandKind::Imm: item(std::to_string(int16_t(uint16_t(v)))); break;
      case OperandKind::Num:
      case OperandKind::Branch:
      case OperandKind::TileId: item(std::to_string(v)); break;
      case OperandKind::FifoZero: item(v == kFifoZero ? std::string("zero") : std::to_string(v)); break;
      case OperandKind::Key:
        if (v != o.dflt) item(keyval(o.name, v));
        break;
      case OperandKind::KeyPair:  // printed when any field of the pair is set
        if (get_field(in, Field::Filter, 0) || get_field(in, Field::Stride, 0)) item(keyval(o.name, v));
        break;
      case OperandKind::Mask: item(std::string(o.name) + "=" + mask_text(unsigned(v), digits)); break;
      case OperandKind::McuFlags:
        for (unsigned k = 0; k < kMaxMcus; ++k) {
          unsigned fl = unsigned(get_field(in, Field::Mcu, k));
          if (!fl) continue;
          std::string f;
          if (fl & kMcuMvm) f += "mvm";
          if (fl & kMcuMtvm) f += f.empty() ? "mtvm" : "+mtvm";
          if (fl & kMcuOpa) f += f.empty() ? "opa" : "+opa";
          item("u" + std::to_string(k) + "=" + f);
        }
        break;
      case OperandKind::AluSrc3:
        if (op == unsigned(AluOp::Subs) || v) item(keyval(operand_key(o, op), v));
        break;
      case OperandKind::End: break;
    }
  }
  return s;
}
}  // namespace

std::string disassemble(const CoreInstr& in, const Geometry& g) {
  const OpcodeInfo* row = opcode_info(unsigned(in.opcode), Stream::Core);
  return row ? disassemble_row(*row, in, &g) : "<illegal>";
}

std::string disassemble(const TileInstr& in) {
  const OpcodeInfo* row = opcode_info(unsigned(in.opcode), Stream::Tile);
  return row ? disassemble_row(*row, in, nullptr) : "<illegal>";
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
