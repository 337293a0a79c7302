/* RV32I stores: sb, sh, sw; values read back, neighbours untouched, negative offsets. */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  TEST_ST(2, lbu, sb, 0x000000aa, 0, tdat)
  TEST_ST(3, lbu, sb, 0x00000000, 1, tdat)
  TEST_ST(4, lb, sb, 0xffffffa0, 2, tdat)
  TEST_ST(5, lbu, sb, 0x0000000a, 3, tdat)
  TEST_ST(6, lbu, sb, 0x000000aa, -1, tdat + 8)
  /* sb stores only the low byte of rs2. */
  TEST_CASE(7, a0, 0x00000034, la a1, tdat + 4; li a2, 0x12345634; sb a2, 0(a1); lbu a0, 0(a1))

  TEST_ST(20, lhu, sh, 0x000000aa, 0, tdat + 16)
  TEST_ST(21, lh, sh, 0xffffaa00, 2, tdat + 16)
  TEST_ST(22, lhu, sh, 0x0000beef, 4, tdat + 16)
  TEST_ST(23, lh, sh, 0xffffa00a, 6, tdat + 16)
  TEST_ST(24, lhu, sh, 0x00005678, -2, tdat + 32)
  TEST_CASE(25, a0, 0x00005634, la a1, tdat + 20; li a2, 0x12345634; sh a2, 0(a1); lhu a0, 0(a1))

  TEST_ST(40, lw, sw, 0x00aa00aa, 0, tdat + 32)
  TEST_ST(41, lw, sw, 0xaa00aa00, 4, tdat + 32)
  TEST_ST(42, lw, sw, 0x0aa00aa0, 8, tdat + 32)
  TEST_ST(43, lw, sw, 0xa00aa00a, -4, tdat + 48)

  /* Partial stores leave the other bytes of the word alone (little endian). */
test_60:
  li TESTNUM, 60
  la a1, tdat + 48
  li a2, 0x11223344
  sw a2, 0(a1)
  li a3, 0xab
  sb a3, 1(a1)
  lw a0, 0(a1)
  CHECK_REG(a0, 0x1122ab44)
  li a3, 0xcdef
  sh a3, 2(a1)
  lw a0, 0(a1)
  CHECK_REG(a0, 0xcdefab44)
  sb zero, 0(a1)
  lw a0, 0(a1)
  CHECK_REG(a0, 0xcdefab00)

  /* Stores do not touch the neighbouring words. */
test_61:
  li TESTNUM, 61
  la a1, tdat + 64
  li a2, -1
  sw a2, 0(a1)
  sw a2, 8(a1)
  sw zero, 4(a1)
  lw a0, 0(a1)
  CHECK_REG(a0, 0xffffffff)
  lw a0, 8(a1)
  CHECK_REG(a0, 0xffffffff)
  lw a0, 4(a1)
  CHECK_REG(a0, 0)

  /* Store with the base also the data register. */
test_62:
  li TESTNUM, 62
  la a1, tdat + 80
  sw a1, 0(a1)
  lw a0, 0(a1)
  sub a0, a0, a1
  CHECK_REG(a0, 0)

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
tdat: .fill 32, 4, 0xdeadbeef
RVTEST_DATA_END
