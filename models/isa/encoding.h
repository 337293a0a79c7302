// pumavp::isa — 64-bit instruction encoding and decoding with full static checks
// (isa.md §4.1, §5, §11).
//
// Usage:
//   uint64_t w = encode(core_instr);                  // no checks; fields are masked
//   auto r = decode_core(w, geometry);               // r.ok() or r.error.{code,message}
//   if (!r.ok()) report(r.error.code, r.error.message);   // code 5 or 6 (ERROR_CODE)
//   execute(r.instr);
//   std::string text = disassemble(r.instr, geometry);      // canonical .pasm text
//
// decode_core/decode_tile reject: illegal opcodes (incl. the other stream's), non-zero
// reserved or unused bits, bad sub-ops, out-of-range fields (code 5) and operand-address /
// region / tile-memory range violations (code 6). Branch targets depend on the program
// length and are checked by check_program() (kimage.h: validate_for_platform).
// The geometry's `tiles` is the set of valid send targets.
#pragma once

#include <cstdint>
#include <string>

#include "common/geometry.h"
#include "isa/instr.h"

namespace pumavp::isa {

// Accelerator ERROR_CODE values (architecture.md §2.5).
enum class ErrorCode : uint8_t {
  None = 0,
  BadImage = 1,        // magic / version
  Crc = 2,
  Geometry = 3,
  Malformed = 4,       // malformed section, program size, weight range
  IllegalInstr = 5,
  AddressRange = 6,
  Fifo = 7,
  Deadlock = 8,
  DmaBus = 9,
  Aborted = 10,
  Arithmetic = 11,
};

struct IsaError {
  ErrorCode code = ErrorCode::None;
  std::string message;
  explicit operator bool() const { return code != ErrorCode::None; }
};

template <class T>
struct Decoded {
  T instr{};
  IsaError error;
  bool ok() const { return error.code == ErrorCode::None; }
};

// Field layout (bit positions of isa.md §4.1 / §5).
namespace field {
constexpr unsigned kOpcodeShift = 0, kOpcodeBits = 6;
constexpr unsigned kOpShift = 6, kOpBits = 5;
constexpr unsigned kDestShift = 11, kSrc1Shift = 24, kSrc2Shift = 37, kAddrBits = 13;
constexpr unsigned kSrc3Shift = 50, kSrc3Bits = 4;
constexpr unsigned kImmShift = 37, kImmBits = 16;
constexpr unsigned kVecShift = 54, kVecBits = 10;
constexpr unsigned kWidthShift = 50, kWidthBits = 4;
constexpr unsigned kMaskShift = 6, kMaskBits = 8;
constexpr unsigned kTargetShift = 50, kTargetBits = 14;
// tile
constexpr unsigned kTMemShift = 6, kTMemBits = 16;
constexpr unsigned kTFifoShift = 22, kTFifoBits = 8;
constexpr unsigned kTTargetShift = 30, kTTargetBits = 16;
constexpr unsigned kTWidthShift = 46, kTWidthBits = 4;
constexpr unsigned kTVecShift = 50, kTVecBits = 10;
}  // namespace field

// Encode without checks (fields are masked to their widths; vec/width stored as -1).
uint64_t encode(const CoreInstr& in);
uint64_t encode(const TileInstr& in);

// Decode one word with every static check that does not need the program length.
Decoded<CoreInstr> decode_core(uint64_t word, const Geometry& g);
Decoded<TileInstr> decode_tile(uint64_t word, const Geometry& g);

// Canonical assembly text (isa.md §9), e.g. "alu.relu 520, 256, vec=3". Operand addresses
// are printed as region references (rf.8, out0.0, in1.2.5) of the geometry.
std::string disassemble(const CoreInstr& in, const Geometry& g);
std::string disassemble(const TileInstr& in);
// One word of a core (tile_stream = false) or tile program as text: the canonical
// instruction, or ".word 0x… # error N: reason" if it does not decode (for traces).
std::string disassemble_word(uint64_t word, bool tile_stream, const Geometry& g);
// Canonical operand text for an address: "in0.5", "out1.2.7" (PANTHER slot), "rf.3", or a
// plain integer outside the operand space.
std::string operand_text(uint32_t addr, const Geometry& g);

}  // namespace pumavp::isa
