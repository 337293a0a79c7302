// The opcode table (opcodes.def) is the single description of the ISA: every row assembles,
// encodes, decodes and disassembles back to itself; values are unique; name/class agree.
#include <gtest/gtest.h>

#include <set>

#include "isa/assembler.h"
#include "isa/opcode_table.h"

using namespace pumavp;
using namespace pumavp::isa;

namespace {

// A legal sample instruction of a row: sub-op 0, RF addresses, defaults for keys.
template <class Instr>
Instr sample(const OpcodeInfo& row, const Geometry& g) {
  Instr in;
  in.opcode = row.opcode;
  unsigned k = 0;
  for (const Operand& o : row.operands) {
    switch (o.kind) {
      case OperandKind::Addr: set_field(in, o.field, 0, g.rf_base() + k++); break;
      case OperandKind::Imm: set_field(in, o.field, 0, uint16_t(-5)); break;
      case OperandKind::Key: set_field(in, o.field, 0, o.dflt); break;
      case OperandKind::Mask: set_field(in, o.field, 0, 1); break;
      case OperandKind::McuFlags: set_field(in, o.field, 0, kMcuMvm); break;
      default: set_field(in, o.field, 0, 0); break;  // Num, FifoZero, KeyPair, AluSrc3
    }
  }
  return in;
}

std::string text_of(const CoreInstr& in, const Geometry& g) { return disassemble(in, g); }
std::string text_of(const TileInstr& in, const Geometry&) { return disassemble(in); }
Decoded<CoreInstr> dec(uint64_t w, const Geometry& g, CoreInstr*) { return decode_core(w, g); }
Decoded<TileInstr> dec(uint64_t w, const Geometry& g, TileInstr*) { return decode_tile(w, g); }

template <class Instr>
void round_trip(const OpcodeInfo& row, const Geometry& g, bool tile) {
  SCOPED_TRACE(row.mnemonic);
  Instr in = sample<Instr>(row, g);
  std::string text = text_of(in, g);
  ASSERT_EQ(text.rfind(row.mnemonic, 0), 0u) << text;
  std::string src = ".config panther=true\n" + std::string(tile ? ".tile 0\n" : ".core 0 0\n") +
                    "    " + text + "\n    halt\n";
  Diagnostics d;
  auto img = assemble_string(src, "table.pasm", ".", g, d);
  ASSERT_TRUE(img) << d.str() << "\n" << src;
  const Program* p = img->find_program(0, tile ? kTileUnit : 0);
  ASSERT_TRUE(p);
  ASSERT_GE(p->words.size(), 1u);
  uint64_t w = p->words[0];
  EXPECT_EQ(w, encode(in)) << text;
  EXPECT_EQ(unsigned(w & 0x3f), unsigned(row.value));
  auto r = dec(w, g, static_cast<Instr*>(nullptr));
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_TRUE(r.instr == in) << text;
  EXPECT_EQ(text_of(r.instr, g), text);
}

}  // namespace

TEST(IsaOpcodeTable, EveryRowRoundTrips) {
  Geometry g;
  g.panther = true;
  for (const OpcodeInfo* r = opcode_table_begin(); r != opcode_table_end(); ++r) {
    if (r->stream == Stream::Tile)
      round_trip<TileInstr>(*r, g, true);
    else
      round_trip<CoreInstr>(*r, g, false);
  }
}

TEST(IsaOpcodeTable, ValuesUniqueAndNamesAgree) {
  std::set<unsigned> values;
  std::set<std::pair<int, std::string>> mnemonics;
  const std::set<std::string> classes = {"mvm", "vfu", "sfu", "mem", "rf", "noc", "control"};
  size_t n = 0;
  for (const OpcodeInfo* r = opcode_table_begin(); r != opcode_table_end(); ++r, ++n) {
    SCOPED_TRACE(r->mnemonic);
    EXPECT_TRUE(values.insert(r->value).second) << "duplicate opcode value " << unsigned(r->value);
    EXPECT_TRUE(mnemonics.insert({int(r->stream), r->mnemonic}).second) << "duplicate mnemonic";
    EXPECT_LT(r->value, 64u);  // 6-bit opcode field
    EXPECT_NE(r->value, 0u);   // 0 is the illegal opcode
    EXPECT_EQ(unsigned(r->opcode), unsigned(r->value));
    EXPECT_STREQ(opcode_name(r->opcode), r->mnemonic);
    EXPECT_STREQ(opcode_class(r->opcode), r->cls);
    EXPECT_TRUE(classes.count(r->cls)) << r->cls;
    EXPECT_EQ(opcode_info(r->opcode), r);
    EXPECT_EQ(find_mnemonic(r->mnemonic, r->stream), r);
  }
  EXPECT_EQ(n, 17u);
  EXPECT_EQ(opcode_name(Opcode::Illegal), nullptr);
}
