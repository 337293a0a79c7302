/* RV32I jal and jalr: link value (pc + 4), targets, jalr clears bit 0 of the target, rd = rs1,
 * rd = x0, negative offsets. */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  /* jal: ra = address of the next instruction; lands on the target. */
test_2:
  li TESTNUM, 2
  li a0, 0
1:
  jal ra, 2f
  li a0, 1                /* skipped */
2:
  la a1, 1b
  addi a1, a1, 4
  bne ra, a1, fail_far_2
  CHECK_REG(a0, 0)
  j 3f
fail_far_2:
  j fail
3:

  /* jal with another rd, and a backward target. */
test_3:
  li TESTNUM, 3
  j 2f
1:
  la a1, 3f
  bne t1, a1, 4f
  j 5f
4:
  j fail
2:
  jal t1, 1b
3:
  j fail
5:

  /* jal x0 (plain jump) does not write anything. */
test_4:
  li TESTNUM, 4
  li ra, 0x1234
  jal x0, 1f
  j fail
1:
  CHECK_REG(ra, 0x1234)

  /* jalr: target = rs1 + imm, ra = pc + 4. */
test_5:
  li TESTNUM, 5
  la a1, 2f
1:
  jalr ra, 0(a1)
  j fail
2:
  la a2, 1b
  addi a2, a2, 4
  beq ra, a2, 3f
  j fail
3:

  /* jalr with positive and negative offsets. */
test_6:
  li TESTNUM, 6
  la a1, 2f
  addi a1, a1, -16
  jalr x0, 16(a1)
  j fail
2:
  la a1, 3f
  addi a1, a1, 100
  jalr x0, -100(a1)
  j fail
3:

  /* jalr clears bit 0 of the target. */
test_7:
  li TESTNUM, 7
  la a1, 2f
  jalr x0, 1(a1)
  j fail
2:
  la a1, 3f
  addi a1, a1, 1
  jalr x0, 0(a1)
  j fail
3:

  /* jalr with rd == rs1: the target uses the old rs1 value. */
test_8:
  li TESTNUM, 8
  la t1, 2f
1:
  jalr t1, 0(t1)
  j fail
2:
  la a2, 1b
  addi a2, a2, 4
  beq t1, a2, 3f
  j fail
3:

  /* call / ret through a subroutine, nested twice. */
test_9:
  li TESTNUM, 9
  li a0, 0
  call sub_outer
  CHECK_REG(a0, 0x21)

  j pass

sub_outer:
  addi sp, sp, -16
  sw ra, 12(sp)
  addi a0, a0, 1
  call sub_inner
  lw ra, 12(sp)
  addi sp, sp, 16
  ret
sub_inner:
  addi a0, a0, 0x20
  ret
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
