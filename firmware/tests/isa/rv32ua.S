/* RV32A: lr.w/sc.w success and failure, and every AMO (swap, add, xor, and, or, min, max,
 * minu, maxu): rd gets the old memory value, memory gets the result; rd = x0, rd = rs2 and
 * .aq/.rl forms. */
#include "riscv_test.h"
#include "test_macros.h"

/* mem = init; rd = inst(operand); check rd == init and mem == result. */
#define TEST_AMO(n, inst, init, operand, result)                              \
  TEST_CASE(n, a0, init, la a1, amo_word; li a3, init; sw a3, 0(a1);        \
            li a2, operand; inst a0, a2, (a1));                             \
  lw a4, 0(a1);                                                             \
  CHECK_REG(a4, result)

RVTEST_CODE_BEGIN
  .option norvc

  TEST_AMO(2, amoswap.w, 0xaaaabbbb, 0x11112222, 0x11112222)
  TEST_AMO(3, amoswap.w, 0x00000000, 0xffffffff, 0xffffffff)
  TEST_AMO(10, amoadd.w, 0x00000005, 0x00000007, 0x0000000c)
  TEST_AMO(11, amoadd.w, 0x7fffffff, 0x00000001, 0x80000000)
  TEST_AMO(12, amoadd.w, 0xffffffff, 0x00000001, 0x00000000)
  TEST_AMO(13, amoadd.w, 0x00000010, 0xfffffff0, 0x00000000)
  TEST_AMO(20, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0)
  TEST_AMO(21, amoxor.w, 0x12345678, 0xffffffff, 0xedcba987)
  TEST_AMO(30, amoand.w, 0xff00ff00, 0x0ff00ff0, 0x0f000f00)
  TEST_AMO(31, amoand.w, 0x12345678, 0x00000000, 0x00000000)
  TEST_AMO(40, amoor.w, 0xff00ff00, 0x0ff00ff0, 0xfff0fff0)
  TEST_AMO(41, amoor.w, 0x00000000, 0x80000001, 0x80000001)
  TEST_AMO(50, amomin.w, 0x80000000, 0x00000001, 0x80000000)
  TEST_AMO(51, amomin.w, 0x00000005, 0xfffffffd, 0xfffffffd)
  TEST_AMO(52, amomin.w, 0xffffffff, 0x00000000, 0xffffffff)
  TEST_AMO(53, amomin.w, 0x00000003, 0x00000007, 0x00000003)
  TEST_AMO(60, amomax.w, 0x80000000, 0x00000001, 0x00000001)
  TEST_AMO(61, amomax.w, 0xffffffff, 0xfffffffe, 0xffffffff)
  TEST_AMO(62, amomax.w, 0x7fffffff, 0x80000000, 0x7fffffff)
  TEST_AMO(63, amomax.w, 0x00000003, 0x00000007, 0x00000007)
  TEST_AMO(70, amominu.w, 0x80000000, 0x00000001, 0x00000001)
  TEST_AMO(71, amominu.w, 0xffffffff, 0xfffffffe, 0xfffffffe)
  TEST_AMO(72, amominu.w, 0x00000000, 0xffffffff, 0x00000000)
  TEST_AMO(80, amomaxu.w, 0x80000000, 0x00000001, 0x80000000)
  TEST_AMO(81, amomaxu.w, 0x00000000, 0xffffffff, 0xffffffff)
  TEST_AMO(82, amomaxu.w, 0x7fffffff, 0x80000000, 0x80000000)
  /* Ordering bits do not change the result. */
  TEST_AMO(90, amoadd.w.aq, 0x00000001, 0x00000002, 0x00000003)
  TEST_AMO(91, amoadd.w.rl, 0x00000001, 0x00000002, 0x00000003)
  TEST_AMO(92, amoadd.w.aqrl, 0x00000001, 0x00000002, 0x00000003)
  TEST_AMO(93, amoswap.w.aqrl, 0x00000001, 0x00000002, 0x00000002)

  /* rd = x0: memory still updated. */
test_100:
  li TESTNUM, 100
  la a1, amo_word
  li a3, 40
  sw a3, 0(a1)
  li a2, 2
  amoadd.w x0, a2, (a1)
  lw a0, 0(a1)
  CHECK_REG(a0, 42)
  CHECK_REG(x0, 0)

  /* rd == rs2: rd gets the old value, memory the old rs2. */
test_101:
  li TESTNUM, 101
  la a1, amo_word
  li a3, 0x1111
  sw a3, 0(a1)
  li a2, 0x2222
  amoswap.w a2, a2, (a1)
  CHECK_REG(a2, 0x1111)
  lw a0, 0(a1)
  CHECK_REG(a0, 0x2222)

  /* LR/SC: a matched pair succeeds (rd = 0) and stores. */
test_120:
  li TESTNUM, 120
  la a1, amo_word
  li a3, 0x55
  sw a3, 0(a1)
  lr.w a0, (a1)
  CHECK_REG(a0, 0x55)
  li a2, 0x66
  sc.w a4, a2, (a1)
  CHECK_REG(a4, 0)
  lw a0, 0(a1)
  CHECK_REG(a0, 0x66)

  /* A second SC without a new LR fails (rd != 0) and does not store. */
test_121:
  li TESTNUM, 121
  li a2, 0x77
  sc.w a4, a2, (a1)
  beqz a4, fail_far
  lw a0, 0(a1)
  CHECK_REG(a0, 0x66)

  /* SC to an address outside the reservation set fails and stores nothing, at either
   * address; the reservation is gone afterwards. */
test_122:
  li TESTNUM, 122
  la a1, amo_word
  la a5, amo_other
  sw zero, 0(a5)
  lr.w a0, (a1)
  li a2, 0x88
  sc.w a4, a2, (a5)
  beqz a4, fail_far
  lw a0, 0(a5)
  CHECK_REG(a0, 0)
  lw a0, 0(a1)
  CHECK_REG(a0, 0x66)

  /* LR/SC with ordering bits, and an atomic-increment retry loop. */
test_123:
  li TESTNUM, 123
  la a1, amo_word
  li a3, 10
  sw a3, 0(a1)
  li a5, 5
1:
  lr.w.aq a0, (a1)
  addi a0, a0, 3
  sc.w.rl a4, a0, (a1)
  bnez a4, 1b
  addi a5, a5, -1
  bnez a5, 1b
  lw a0, 0(a1)
  CHECK_REG(a0, 25)

  /* LR from one address then SC to the same address after an LR elsewhere: only the most
   * recent reservation counts. */
test_124:
  li TESTNUM, 124
  la a1, amo_word
  la a5, amo_other
  sw zero, 0(a5)
  lr.w a0, (a1)
  lr.w a0, (a5)
  li a2, 0x99
  sc.w a4, a2, (a5)
  CHECK_REG(a4, 0)
  lw a0, 0(a5)
  CHECK_REG(a0, 0x99)

  j pass
fail_far:
  j fail
RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .balign 64
amo_word: .word 0
  .balign 256
amo_other: .word 0
RVTEST_DATA_END
