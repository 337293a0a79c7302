/* RV32I loads: lb, lh, lw, lbu, lhu with sign/zero extension, positive/negative offsets,
 * rd == base. */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  TEST_LD(2, lb, 0xffffffff, 0, tdat_b)
  TEST_LD(3, lb, 0x00000000, 1, tdat_b)
  TEST_LD(4, lb, 0xfffffff0, 2, tdat_b)
  TEST_LD(5, lb, 0x0000000f, 3, tdat_b)
  TEST_LD(6, lb, 0xffffff80, 4, tdat_b)
  TEST_LD(7, lb, 0x0000007f, 5, tdat_b)
  TEST_LD(8, lb, 0xffffffff, -3, tdat_b + 3)
  TEST_LD(9, lb, 0x0000007f, -1, tdat_b + 6)

  TEST_LD(20, lbu, 0x000000ff, 0, tdat_b)
  TEST_LD(21, lbu, 0x00000000, 1, tdat_b)
  TEST_LD(22, lbu, 0x000000f0, 2, tdat_b)
  TEST_LD(23, lbu, 0x0000000f, 3, tdat_b)
  TEST_LD(24, lbu, 0x00000080, 4, tdat_b)
  TEST_LD(25, lbu, 0x0000007f, 5, tdat_b)
  TEST_LD(26, lbu, 0x000000f0, -2, tdat_b + 4)

  TEST_LD(40, lh, 0x000000ff, 0, tdat_h)
  TEST_LD(41, lh, 0xffffff00, 2, tdat_h)
  TEST_LD(42, lh, 0x00000ff0, 4, tdat_h)
  TEST_LD(43, lh, 0xfffff00f, 6, tdat_h)
  TEST_LD(44, lh, 0xffff8000, 8, tdat_h)
  TEST_LD(45, lh, 0x00007fff, 10, tdat_h)
  TEST_LD(46, lh, 0xffffff00, -4, tdat_h + 6)

  TEST_LD(60, lhu, 0x000000ff, 0, tdat_h)
  TEST_LD(61, lhu, 0x0000ff00, 2, tdat_h)
  TEST_LD(62, lhu, 0x00000ff0, 4, tdat_h)
  TEST_LD(63, lhu, 0x0000f00f, 6, tdat_h)
  TEST_LD(64, lhu, 0x00008000, 8, tdat_h)
  TEST_LD(65, lhu, 0x00007fff, 10, tdat_h)
  TEST_LD(66, lhu, 0x0000f00f, -2, tdat_h + 8)

  TEST_LD(80, lw, 0x00ff00ff, 0, tdat_w)
  TEST_LD(81, lw, 0xff00ff00, 4, tdat_w)
  TEST_LD(82, lw, 0x0ff00ff0, 8, tdat_w)
  TEST_LD(83, lw, 0xf00ff00f, 12, tdat_w)
  TEST_LD(84, lw, 0x0ff00ff0, -4, tdat_w + 12)
  TEST_LD(85, lw, 0x00ff00ff, -12, tdat_w + 12)

  /* Little-endian byte order of a word. */
  TEST_LD(90, lbu, 0x00000078, 0, tdat_le)
  TEST_LD(91, lbu, 0x00000056, 1, tdat_le)
  TEST_LD(92, lhu, 0x00001234, 2, tdat_le)
  TEST_LD(93, lh, 0x00005678, 0, tdat_le)

  /* rd == base register. */
  TEST_CASE(100, a1, 0xff00ff00, la a1, tdat_w; lw a1, 4(a1))
  TEST_CASE(101, a1, 0xffffff80, la a1, tdat_b; lb a1, 4(a1))
  /* Load into x0 has no effect (and no trap). */
  TEST_CASE(102, x0, 0, la a1, tdat_w; lw x0, 0(a1))
  /* Offset reaching the extremes of the 12-bit immediate. */
  TEST_CASE(103, a0, 0xa5a5a5a5, la a1, tdat_far; addi a1, a1, -2044; lw a0, 2044(a1))
  TEST_CASE(104, a0, 0xa5a5a5a5, la a1, tdat_far; li a2, 2048; add a1, a1, a2; lw a0, -2048(a1))

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
tdat_b: .byte 0xff, 0x00, 0xf0, 0x0f, 0x80, 0x7f, 0x00, 0x00
  .balign 4
tdat_h: .half 0x00ff, 0xff00, 0x0ff0, 0xf00f, 0x8000, 0x7fff
  .balign 4
tdat_w: .word 0x00ff00ff, 0xff00ff00, 0x0ff00ff0, 0xf00ff00f
tdat_le: .word 0x12345678
tdat_far: .word 0xa5a5a5a5
RVTEST_DATA_END
