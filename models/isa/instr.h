// pumavp::isa — decoded core and tile instructions (isa.md §4, §5).
//
// Usage:
//   CoreInstr in = decode_core(word, geometry).instr;   // see encoding.h
//   switch (in.opcode) { case Opcode::Alu: ... alu_op(in) ... }
//
// The structs are flat and cheap to copy; the core/tile models execute them directly.
// Field use per opcode (fields an opcode does not use are 0):
//   set     dest, imm, vec                 copy    dest, src1, vec
//   load    dest, src1 (= address register), width, vec
//   store   dest (= address register), src1 (= data source), count, width, vec
//   alu     op (AluOp), dest, src1, src2, src3, vec      (operands per arity, isa.md §2.3)
//   alui    op (AluOp), dest, src1, imm, vec
//   aluint  op (AluIntOp), dest, src1, src2
//   mvm     mask, filter, stride           mcu     mcu[0..5] (bit0 MVM, bit1 MTVM, bit2 OPA)
//   crs     mask                           jmp     target
//   brn     op (BrnOp), src1, src2, target  nop, halt: nothing
//   tile send     mem, fifo, target, width, vec
//   tile receive  mem, fifo, count, width, vec    (fifo 255 = zero fill)
//   tile halt
#pragma once

#include <cstdint>

namespace pumavp::isa {

// Generated from the opcode table (opcodes.def).
enum class Opcode : uint8_t {
  Illegal = 0x00,
#define PUMAVP_OPCODE(name, value, ...) name = value,
#include "isa/opcodes.def"
#undef PUMAVP_OPCODE
};

// Vector operations (isa.md §2.3), codes as encoded in `op`.
enum class AluOp : uint8_t {
  Add = 0, Sub = 1, Mul = 2, Div = 3, Lsh = 4, Rsh = 5, And = 6, Or = 7, Xor = 8, Not = 9,
  Min = 10, Max = 11, Eq = 12, Neq = 13, Lt = 14, Le = 15, Gt = 16, Ge = 17, Relu = 18,
  Relud = 19, Sig = 20, Tanh = 21, Exp = 22, Log = 23, Rand = 24, Rndcmp = 25, Subs = 26,
};
constexpr unsigned kNumAluOps = 27;

// Scalar integer operations (isa.md §2.6).
enum class AluIntOp : uint8_t {
  Add = 0, Sub = 1, Mul = 2, Div = 3, Mod = 4, Eq = 5, Neq = 6, Lt = 7, Le = 8, Gt = 9, Ge = 10,
};
constexpr unsigned kNumAluIntOps = 11;

// Branch conditions (isa.md §4.2).
enum class BrnOp : uint8_t { Eq = 0, Neq = 1, Lt = 2, Le = 3, Gt = 4, Ge = 5 };
constexpr unsigned kNumBrnOps = 6;

// PANTHER mcu per-MCU flag bits (isa.md §7.3).
constexpr uint8_t kMcuMvm = 1, kMcuMtvm = 2, kMcuOpa = 4;
constexpr unsigned kMaxMcus = 6;

// FIFO id that makes `receive` zero-fill (isa.md §5).
constexpr uint8_t kFifoZero = 255;

struct CoreInstr {
  Opcode opcode = Opcode::Illegal;
  uint8_t op = 0;        // AluOp / AluIntOp / BrnOp code
  uint16_t dest = 0;     // operand address
  uint16_t src1 = 0;     // operand address
  uint16_t src2 = 0;     // operand address
  uint8_t src3 = 0;      // lsh/rsh shift, subs stride (0..15)
  uint16_t imm = 0;      // raw 16-bit pattern (set, alui)
  uint16_t vec = 1;      // 1..1024 (set, copy, load, store, alu, alui); 1 otherwise
  uint8_t width = 1;     // 1..16 (load, store); 1 otherwise
  uint16_t count = 0;    // store consumer count 1..8191
  uint8_t mask = 0;      // mvm / crs MVMU mask
  uint16_t filter = 0;   // mvm input-shuffle filter
  uint16_t stride = 0;   // mvm input-shuffle stride
  uint8_t mcu[kMaxMcus] = {0, 0, 0, 0, 0, 0};  // mcu per-MCU flags
  uint16_t target = 0;   // jmp / brn target, 0..16383

  AluOp alu_op() const { return static_cast<AluOp>(op); }
  AluIntOp aluint_op() const { return static_cast<AluIntOp>(op); }
  BrnOp brn_op() const { return static_cast<BrnOp>(op); }
  bool operator==(const CoreInstr& o) const;
  bool operator!=(const CoreInstr& o) const { return !(*this == o); }
};

struct TileInstr {
  Opcode opcode = Opcode::Illegal;  // Send, Receive or TileHalt
  uint16_t mem = 0;      // shared-memory word address
  uint8_t fifo = 0;      // send: FIFO of the target tile; receive: own FIFO (255 = zero)
  uint16_t target = 0;   // send: destination tile
  uint16_t count = 0;    // receive: consumer count 1..65535
  uint8_t width = 1;     // 1..16 words per packet
  uint16_t vec = 1;      // 1..1024 packets
  bool operator==(const TileInstr& o) const;
  bool operator!=(const TileInstr& o) const { return !(*this == o); }
};

// Arity of a vector op (0, 1, 2), -1 for an undefined code.
int alu_arity(unsigned code);
// True iff `code` is allowed in `alui` (the arity-2 codes 0-3, 6-8, 10-17).
bool alui_allowed(unsigned code);
// True iff src3 is used by the op (lsh, rsh, subs).
bool alu_uses_src3(unsigned code);

// Mnemonic suffixes: "add", "relu", ... ; nullptr for an undefined code.
const char* alu_op_name(unsigned code);
const char* aluint_op_name(unsigned code);
const char* brn_op_name(unsigned code);
// Base mnemonic of an opcode ("alu", "send", ...); nullptr if undefined.
const char* opcode_name(Opcode op);
// Instruction class for traces and breakdowns: "mvm" (mvm, mcu, crs), "vfu" (alu, alui),
// "sfu" (aluint), "mem" (load, store), "rf" (set, copy), "noc" (send, receive), "control".
const char* opcode_class(Opcode op);

}  // namespace pumavp::isa
