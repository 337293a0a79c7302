// RV32 disassembly for instruction traces. Expected texts follow the encodings produced by
// the GNU assembler for the same source lines (objdump -M no-aliases), written out by hand.
#include <gtest/gtest.h>

#include "host/rv32_hart.h"

namespace pumavp::host {
namespace {

struct Case {
  uint32_t bits;
  const char* text;
};

TEST(Rv32Disasm, BaseAndCompressedInstructions) {
  const uint32_t pc = 0x80000000u;
  const Case cases[] = {
      {0x00a50513u, "addi       a0, a0, 10"},
      {0x123452b7u, "lui        t0, 0x12345"},
      {0x010000efu, "jal        ra, 0x80000010"},
      {0x00008067u, "jalr       zero, 0(ra)"},
      {0xfec59ce3u, "bne        a1, a2, 0x7ffffff8"},
      {0xffc12483u, "lw         s1, -4(sp)"},
      {0x02c58533u, "mul        a0, a1, a2"},
      {0x30039373u, "csrrw      t1, 0x300, t2"},
      {0x30446073u, "csrrsi     zero, 0x304, 8"},
      {0x00b6252fu, "amoadd.w   a0, a1, (a2)"},
      {0x1006a2afu, "lr.w       t0, (a3)"},
      {0x403f5e93u, "srai       t4, t5, 3"},
      {0x10500073u, "wfi"},
      {0x0505u, "c.addi     a0, a0, 1"},
      {0x42d0u, "c.lw       a2, 4(a3)"},
      {0xa019u, "c.jal      zero, 0x80000006"},
      {0xffffffffu, "illegal"},
  };
  for (const Case& c : cases) EXPECT_EQ(disasm_rv32(decode_rv32(c.bits), pc), c.text) << std::hex << c.bits;
}

}  // namespace
}  // namespace pumavp::host
