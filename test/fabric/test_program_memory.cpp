// fabric::ProgramMemory: decode once at LOAD, bounds-checked fetch, undecodable words kept
// (they fault when reached), capacity check, report texts — for core and tile programs.
#include <gtest/gtest.h>

#include "fabric/program_memory.h"
#include "isa/encoding.h"

using namespace pumavp;

TEST(ProgramMemory, TileProgramFetchIsBoundsChecked) {
  const pumavp::Geometry g;
  fabric::ProgramMemory<isa::TileInstr> pm(g);
  isa::TileInstr halt;
  halt.opcode = isa::Opcode::TileHalt;
  const uint64_t bad = ~uint64_t{0};
  ASSERT_TRUE(pm.load({isa::encode(halt), bad}, 4));
  ASSERT_EQ(pm.size(), 2u);
  ASSERT_NE(pm.fetch(0), nullptr);
  EXPECT_TRUE(pm.fetch(0)->ok);
  EXPECT_EQ(pm.fetch(0)->in.opcode, isa::Opcode::TileHalt);
  ASSERT_NE(pm.fetch(1), nullptr);  // kept, faults when reached
  EXPECT_FALSE(pm.fetch(1)->ok);
  EXPECT_NE(pm.fetch(1)->err, isa::ErrorCode::None);
  EXPECT_EQ(pm.fetch(2), nullptr);
  EXPECT_EQ(pm.fetch(0xFFFFFFFFu), nullptr);
  EXPECT_EQ(pm.word_at(1), bad);
  EXPECT_EQ(pm.word_at(2), 0u);
  EXPECT_EQ(pm.disasm_at(0), isa::disassemble(halt));
  EXPECT_EQ(pm.disasm_at(1), ".word 0xffffffffffffffff");
  EXPECT_EQ(pm.disasm_at(2), "<pc out of range>");
  EXPECT_STREQ(pm.mnemonic_at(1), "illegal");
  EXPECT_STREQ(pm.class_at(5), "error");
  EXPECT_EQ(pm.describe_word(isa::encode(halt)), isa::disassemble(halt));
}

TEST(ProgramMemory, CapacityIsChecked) {
  const pumavp::Geometry g;
  fabric::ProgramMemory<isa::CoreInstr> pm(g);
  isa::CoreInstr halt;
  halt.opcode = isa::Opcode::Halt;
  ASSERT_TRUE(pm.load({isa::encode(halt)}, 1));
  std::string why;
  EXPECT_FALSE(pm.load({isa::encode(halt), isa::encode(halt)}, 1, &why));
  EXPECT_EQ(why, "core program of 2 instructions exceeds core.imem_words = 1");
  EXPECT_EQ(pm.size(), 1u);  // unchanged
  EXPECT_EQ(pm.disasm_at(0), isa::disassemble(halt, g));
  EXPECT_STREQ(pm.mnemonic_at(0), isa::opcode_name(isa::Opcode::Halt));
  pm.clear();
  EXPECT_TRUE(pm.empty());
  EXPECT_EQ(pm.fetch(0), nullptr);
}
