/* RV32I conditional branches, taken (forward and backward) and not taken, with signed and
 * unsigned edge cases. */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  TEST_BR_TAKEN(2, beq, 0, 0)
  TEST_BR_TAKEN(3, beq, 1, 1)
  TEST_BR_TAKEN(4, beq, -1, -1)
  TEST_BR_TAKEN(5, beq, 0x80000000, 0x80000000)
  TEST_BR_NOT_TAKEN(6, beq, 0, 1)
  TEST_BR_NOT_TAKEN(7, beq, 1, 0)
  TEST_BR_NOT_TAKEN(8, beq, -1, 1)
  TEST_BR_NOT_TAKEN(9, beq, 0x80000000, 0)

  TEST_BR_TAKEN(20, bne, 0, 1)
  TEST_BR_TAKEN(21, bne, 1, 0)
  TEST_BR_TAKEN(22, bne, -1, 1)
  TEST_BR_TAKEN(23, bne, 0x80000000, 0x7fffffff)
  TEST_BR_NOT_TAKEN(24, bne, 0, 0)
  TEST_BR_NOT_TAKEN(25, bne, -1, -1)

  TEST_BR_TAKEN(40, blt, 0, 1)
  TEST_BR_TAKEN(41, blt, -1, 1)
  TEST_BR_TAKEN(42, blt, -2, -1)
  TEST_BR_TAKEN(43, blt, 0x80000000, 0x7fffffff)
  TEST_BR_TAKEN(44, blt, 0x80000000, 0)
  TEST_BR_NOT_TAKEN(45, blt, 1, 0)
  TEST_BR_NOT_TAKEN(46, blt, 1, -1)
  TEST_BR_NOT_TAKEN(47, blt, -1, -2)
  TEST_BR_NOT_TAKEN(48, blt, 5, 5)
  TEST_BR_NOT_TAKEN(49, blt, 0x7fffffff, 0x80000000)

  TEST_BR_TAKEN(60, bge, 0, 0)
  TEST_BR_TAKEN(61, bge, 1, 0)
  TEST_BR_TAKEN(62, bge, -1, -1)
  TEST_BR_TAKEN(63, bge, 1, -1)
  TEST_BR_TAKEN(64, bge, -1, -2)
  TEST_BR_TAKEN(65, bge, 0x7fffffff, 0x80000000)
  TEST_BR_NOT_TAKEN(66, bge, 0, 1)
  TEST_BR_NOT_TAKEN(67, bge, -1, 1)
  TEST_BR_NOT_TAKEN(68, bge, -2, -1)
  TEST_BR_NOT_TAKEN(69, bge, 0x80000000, 0x7fffffff)

  TEST_BR_TAKEN(80, bltu, 0, 1)
  TEST_BR_TAKEN(81, bltu, 0xfffffffe, 0xffffffff)
  TEST_BR_TAKEN(82, bltu, 0, 0xffffffff)
  TEST_BR_TAKEN(83, bltu, 0x7fffffff, 0x80000000)
  TEST_BR_NOT_TAKEN(84, bltu, 1, 0)
  TEST_BR_NOT_TAKEN(85, bltu, 0xffffffff, 0xfffffffe)
  TEST_BR_NOT_TAKEN(86, bltu, 0xffffffff, 0)
  TEST_BR_NOT_TAKEN(87, bltu, 0x80000000, 0x7fffffff)
  TEST_BR_NOT_TAKEN(88, bltu, 7, 7)

  TEST_BR_TAKEN(100, bgeu, 0, 0)
  TEST_BR_TAKEN(101, bgeu, 1, 1)
  TEST_BR_TAKEN(102, bgeu, 0xffffffff, 0xffffffff)
  TEST_BR_TAKEN(103, bgeu, 1, 0)
  TEST_BR_TAKEN(104, bgeu, 0xffffffff, 0xfffffffe)
  TEST_BR_TAKEN(105, bgeu, 0xffffffff, 0)
  TEST_BR_TAKEN(106, bgeu, 0x80000000, 0x7fffffff)
  TEST_BR_NOT_TAKEN(107, bgeu, 0, 1)
  TEST_BR_NOT_TAKEN(108, bgeu, 0xfffffffe, 0xffffffff)
  TEST_BR_NOT_TAKEN(109, bgeu, 0x7fffffff, 0x80000000)

  /* The instructions after a taken branch must not execute. */
test_120:
  li TESTNUM, 120
  li a0, 0
  li a1, 1
  beq a1, a1, 1f
  addi a0, a0, 1
  addi a0, a0, 1
1:
  addi a0, a0, 1
  CHECK_REG(a0, 1)

  /* A long forward branch (> 2 KiB) still lands exactly. */
test_121:
  li TESTNUM, 121
  li a0, 0
  bne a0, TESTNUM, 2f
  j fail
  .fill 700, 4, 0x00000013  /* 700 nops */
2:
  li a0, 121
  CHECK_REG(a0, 121)

  /* A countdown loop (backward branch taken 9 times, not taken once). */
test_122:
  li TESTNUM, 122
  li a0, 0
  li a1, 10
1:
  addi a0, a0, 3
  addi a1, a1, -1
  bnez a1, 1b
  CHECK_REG(a0, 30)

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
