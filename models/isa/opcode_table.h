// pumavp::isa — the opcode table (opcodes.def) as data: one OpcodeInfo per instruction,
// instruction formats (field layouts) and the lookups the encoder, decoder, disassembler
// and assembler use.
#pragma once

#include <cstdint>
#include <string_view>

#include "isa/instr.h"

namespace pumavp::isa {

enum class Stream : uint8_t { Core, Tile };
enum class Format : uint8_t { N, R, I, M, V, P, C, B, Send, Recv };
enum class SubOp : uint8_t { None, Alu, AluImm, AluInt, Brn };
// An instruction field (a CoreInstr / TileInstr member); None = reserved bits.
enum class Field : uint8_t { None, Op, Dest, Src1, Src2, Src3, Imm, Vec, Width, Count, Mask,
                             Filter, Stride, Mcu, Target, Mem, Fifo };
// How an operand is written (and parsed by the assembler, one parser per kind):
//   positional: Addr (operand address or region reference), Imm (signed 16 or q literal),
//     Num (integer in the field's range), FifoZero (Num or `zero`), Branch (branch target:
//     integer or label of the section, resolved at its end), TileId (Num; a tile the kernel
//     uses);
//   key=value: Key (`key=v`, optional, printed unless v == dflt; rows with width= and vec=
//     also take the alias len=), KeyPair (filter/stride: both or none), Mask (`mask=0b…`,
//     required), McuFlags (`uK=mvm+mtvm+opa`, at least one), AluSrc3 (alu `shift=`/`stride=`,
//     present for lsh/rsh/subs).
enum class OperandKind : uint8_t { End, Addr, Imm, Num, FifoZero, Branch, TileId, Key, KeyPair,
                                   Mask, McuFlags, AluSrc3 };
inline bool positional(OperandKind k) { return k >= OperandKind::Addr && k <= OperandKind::TileId; }

struct Operand {
  OperandKind kind = OperandKind::End;
  Field field = Field::None;
  const char* name = nullptr;  // key (Key, KeyPair, Mask) or description (diagnostics)
  uint16_t dflt = 0;           // Key: value when absent (not printed)
  uint16_t lo = 0;             // >0: smallest accepted value when above the field's (count)
  uint8_t min_arity = 0;       // >0: present only if the alu op has at least this arity
};

constexpr unsigned kMaxOperands = 6;

struct OpcodeInfo {
  Opcode opcode;
  uint8_t value;
  const char* mnemonic;
  Stream stream;
  Format format;
  const char* cls;
  SubOp sub;
  Operand operands[kMaxOperands];
};

// A field of a format: bits [lo, lo+bits) hold field (idx: mcu slot), stored minus `bias`.
struct FormatField {
  const char* name;
  uint8_t lo, bits;
  Field field;
  uint8_t idx = 0;
  uint8_t bias = 0;
};
struct FormatInfo {
  const FormatField* fields;
  unsigned count;
};

// All rows, in opcodes.def order.
const OpcodeInfo* opcode_table_begin();
const OpcodeInfo* opcode_table_end();
// Row of an opcode (nullptr if undefined); with a stream: only a row of that stream.
const OpcodeInfo* opcode_info(Opcode op);
const OpcodeInfo* opcode_info(unsigned value, Stream s);
// Row of a base mnemonic in a stream (nullptr if none).
const OpcodeInfo* find_mnemonic(std::string_view base, Stream s);
const FormatInfo& format_info(Format f);
// Sub-op name ("add", "eq", ...) of a row's `op` code; nullptr if undefined/none.
const char* sub_op_name(SubOp s, unsigned code);
// Whether an operand is present for this `op` code (alu arity, alu src3).
bool operand_present(const OpcodeInfo& row, const Operand& o, unsigned op);
// Key of a key=value operand for this `op` code (AluSrc3: "shift" or "stride").
const char* operand_key(const Operand& o, unsigned op);
// Values a row's field can hold: [bias, bias + 2^bits - 1] of its format field; false if the
// format has no such field.
bool field_range(const OpcodeInfo& row, Field f, int64_t& lo, int64_t& hi);
// Bit i set iff format field i holds a field of the row (static: every operand; dynamic:
// only the operands present for `op`).
unsigned format_used(const OpcodeInfo& row, bool dynamic, unsigned op);

// Generic field access.
uint64_t get_field(const CoreInstr& in, Field f, unsigned idx);
void set_field(CoreInstr& in, Field f, unsigned idx, uint64_t v);
uint64_t get_field(const TileInstr& in, Field f, unsigned idx);
void set_field(TileInstr& in, Field f, unsigned idx, uint64_t v);

}  // namespace pumavp::isa
