#include "isa/opcode_table.h"

namespace pumavp::isa {

namespace {
using F = Field;
using K = OperandKind;

// Formats (isa.md §4.1, §5), fields in bit order.
const FormatField kFmtR[] = {{"op", 6, 5, F::Op},       {"dest", 11, 13, F::Dest},
                             {"src1", 24, 13, F::Src1}, {"src2", 37, 13, F::Src2},
                             {"src3", 50, 4, F::Src3},  {"vec", 54, 10, F::Vec, 0, 1}};
const FormatField kFmtI[] = {{"op", 6, 5, F::Op},       {"dest", 11, 13, F::Dest},
                             {"src1", 24, 13, F::Src1}, {"imm", 37, 16, F::Imm},
                             {"reserved [53]", 53, 1, F::None}, {"vec", 54, 10, F::Vec, 0, 1}};
const FormatField kFmtM[] = {{"reserved [10:6]", 6, 5, F::None}, {"dest", 11, 13, F::Dest},
                             {"src1", 24, 13, F::Src1},          {"count", 37, 13, F::Count},
                             {"width", 50, 4, F::Width, 0, 1},   {"vec", 54, 10, F::Vec, 0, 1}};
const FormatField kFmtV[] = {{"mask", 6, 8, F::Mask},
                             {"reserved [23:14]", 14, 10, F::None},
                             {"filter", 24, 13, F::Filter},
                             {"stride", 37, 13, F::Stride},
                             {"reserved [63:50]", 50, 14, F::None}};
const FormatField kFmtP[] = {{"u0", 6, 3, F::Mcu, 0},  {"u1", 9, 3, F::Mcu, 1},
                             {"u2", 12, 3, F::Mcu, 2}, {"u3", 15, 3, F::Mcu, 3},
                             {"u4", 18, 3, F::Mcu, 4}, {"u5", 21, 3, F::Mcu, 5},
                             {"reserved [63:24]", 24, 40, F::None}};
const FormatField kFmtC[] = {{"mask", 6, 8, F::Mask}, {"reserved [63:14]", 14, 50, F::None}};
const FormatField kFmtB[] = {{"op", 6, 5, F::Op},
                             {"reserved [23:11]", 11, 13, F::None},
                             {"src1", 24, 13, F::Src1},
                             {"src2", 37, 13, F::Src2},
                             {"target", 50, 14, F::Target}};
const FormatField kFmtN[] = {{"reserved [63:6]", 6, 58, F::None}};
const FormatField kFmtSend[] = {{"mem", 6, 16, F::Mem},          {"fifo", 22, 8, F::Fifo},
                                {"target", 30, 16, F::Target},   {"width", 46, 4, F::Width, 0, 1},
                                {"vec", 50, 10, F::Vec, 0, 1},   {"reserved [63:60]", 60, 4, F::None}};
const FormatField kFmtRecv[] = {{"mem", 6, 16, F::Mem},          {"fifo", 22, 8, F::Fifo},
                                {"count", 30, 16, F::Count},     {"width", 46, 4, F::Width, 0, 1},
                                {"vec", 50, 10, F::Vec, 0, 1},   {"reserved [63:60]", 60, 4, F::None}};

template <size_t N>
constexpr FormatInfo fi(const FormatField (&f)[N]) { return {f, unsigned(N)}; }
// indexed by Format
const FormatInfo kFormats[] = {fi(kFmtN), fi(kFmtR), fi(kFmtI), fi(kFmtM),    fi(kFmtV),
                               fi(kFmtP), fi(kFmtC), fi(kFmtB), fi(kFmtSend), fi(kFmtRecv)};

const OpcodeInfo kTable[] = {
#define PUMAVP_OPCODE(name, value, mnem, stream, fmt, cls, sub, ...) \
  {Opcode::name, value, mnem, Stream::stream, Format::fmt, cls, SubOp::sub, {__VA_ARGS__}},
#include "isa/opcodes.def"
#undef PUMAVP_OPCODE
};
}  // namespace

const OpcodeInfo* opcode_table_begin() { return kTable; }
const OpcodeInfo* opcode_table_end() { return kTable + sizeof kTable / sizeof kTable[0]; }

const OpcodeInfo* opcode_info(Opcode op) {
  for (const OpcodeInfo& r : kTable)
    if (r.opcode == op) return &r;
  return nullptr;
}
const OpcodeInfo* opcode_info(unsigned value, Stream s) {
  for (const OpcodeInfo& r : kTable)
    if (r.value == value && r.stream == s) return &r;
  return nullptr;
}
const OpcodeInfo* find_mnemonic(std::string_view base, Stream s) {
  for (const OpcodeInfo& r : kTable)
    if (r.stream == s && base == r.mnemonic) return &r;
  return nullptr;
}
const FormatInfo& format_info(Format f) { return kFormats[unsigned(f)]; }

const char* sub_op_name(SubOp s, unsigned code) {
  switch (s) {
    case SubOp::Alu:
    case SubOp::AluImm: return alu_op_name(code);
    case SubOp::AluInt: return aluint_op_name(code);
    case SubOp::Brn: return brn_op_name(code);
    default: return nullptr;
  }
}

bool operand_present(const OpcodeInfo& row, const Operand& o, unsigned op) {
  if (o.kind == K::AluSrc3) return alu_uses_src3(op);
  if (o.min_arity) return alu_arity(op) >= int(o.min_arity);
  (void)row;
  return true;
}

const char* operand_key(const Operand& o, unsigned op) {
  if (o.kind == K::AluSrc3) return op == unsigned(AluOp::Subs) ? "stride" : "shift";
  return o.name;
}

bool field_range(const OpcodeInfo& row, Field f, int64_t& lo, int64_t& hi) {
  const FormatInfo& fmt = format_info(row.format);
  for (unsigned i = 0; i < fmt.count; ++i)
    if (fmt.fields[i].field == f) {
      lo = fmt.fields[i].bias;
      hi = lo + int64_t((1ull << fmt.fields[i].bits) - 1);
      return true;
    }
  return false;
}

unsigned format_used(const OpcodeInfo& row, bool dynamic, unsigned op) {
  const FormatInfo& f = format_info(row.format);
  unsigned used = 0;
  for (unsigned i = 0; i < f.count; ++i) {
    Field fl = f.fields[i].field;
    if (fl == F::None) continue;
    bool u = fl == F::Op && row.sub != SubOp::None;
    for (const Operand& o : row.operands)
      if (o.kind != K::End && o.field == fl && (!dynamic || operand_present(row, o, op))) u = true;
    if (u) used |= 1u << i;
  }
  return used;
}

uint64_t get_field(const CoreInstr& in, Field f, unsigned idx) {
  switch (f) {
    case F::Op: return in.op;
    case F::Dest: return in.dest;
    case F::Src1: return in.src1;
    case F::Src2: return in.src2;
    case F::Src3: return in.src3;
    case F::Imm: return in.imm;
    case F::Vec: return in.vec;
    case F::Width: return in.width;
    case F::Count: return in.count;
    case F::Mask: return in.mask;
    case F::Filter: return in.filter;
    case F::Stride: return in.stride;
    case F::Mcu: return idx < kMaxMcus ? in.mcu[idx] : 0;
    case F::Target: return in.target;
    default: return 0;
  }
}
void set_field(CoreInstr& in, Field f, unsigned idx, uint64_t v) {
  switch (f) {
    case F::Op: in.op = uint8_t(v); break;
    case F::Dest: in.dest = uint16_t(v); break;
    case F::Src1: in.src1 = uint16_t(v); break;
    case F::Src2: in.src2 = uint16_t(v); break;
    case F::Src3: in.src3 = uint8_t(v); break;
    case F::Imm: in.imm = uint16_t(v); break;
    case F::Vec: in.vec = uint16_t(v); break;
    case F::Width: in.width = uint8_t(v); break;
    case F::Count: in.count = uint16_t(v); break;
    case F::Mask: in.mask = uint8_t(v); break;
    case F::Filter: in.filter = uint16_t(v); break;
    case F::Stride: in.stride = uint16_t(v); break;
    case F::Mcu: if (idx < kMaxMcus) in.mcu[idx] = uint8_t(v); break;
    case F::Target: in.target = uint16_t(v); break;
    default: break;
  }
}
uint64_t get_field(const TileInstr& in, Field f, unsigned) {
  switch (f) {
    case F::Mem: return in.mem;
    case F::Fifo: return in.fifo;
    case F::Target: return in.target;
    case F::Count: return in.count;
    case F::Width: return in.width;
    case F::Vec: return in.vec;
    default: return 0;
  }
}
void set_field(TileInstr& in, Field f, unsigned, uint64_t v) {
  switch (f) {
    case F::Mem: in.mem = uint16_t(v); break;
    case F::Fifo: in.fifo = uint8_t(v); break;
    case F::Target: in.target = uint16_t(v); break;
    case F::Count: in.count = uint16_t(v); break;
    case F::Width: in.width = uint8_t(v); break;
    case F::Vec: in.vec = uint16_t(v); break;
    default: break;
  }
}

}  // namespace pumavp::isa
