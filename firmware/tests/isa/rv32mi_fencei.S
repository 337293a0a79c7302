/* fence and Zifencei: self-modifying code becomes visible after fence.i, both for 32-bit and for
 * compressed instructions, and for code already executed (decoded-instruction caches must be
 * invalidated). */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  /* Copy the 3-instruction template `addi a0, a0, 1; addi a0, a0, 1; ret` to code_buf,
   * run it, patch the first instruction, fence.i, run again. */
test_2:
  li TESTNUM, 2
  la a1, code_buf
  la a2, template
  lw a3, 0(a2)
  sw a3, 0(a1)
  lw a3, 4(a2)
  sw a3, 4(a1)
  lw a3, 8(a2)
  sw a3, 8(a1)
  fence.i
  li a0, 0
  jalr ra, 0(a1)
  CHECK_REG(a0, 2)

test_3:
  li TESTNUM, 3
  /* addi a0, a0, 0x100 = 0x10050513 */
  li a3, 0x10050513
  la a1, code_buf
  sw a3, 0(a1)
  fence.i
  li a0, 0
  jalr ra, 0(a1)
  CHECK_REG(a0, 0x101)

  /* Patch again several times in a loop, running the patched code each time. */
test_4:
  li TESTNUM, 4
  li s2, 1            /* immediate */
  li s3, 0            /* sum */
1:
  slli a3, s2, 20
  li a4, 0x00050513   /* addi a0, a0, imm */
  or a3, a3, a4
  la a1, code_buf
  sw a3, 4(a1)
  fence.i
  li a0, 0
  jalr ra, 0(a1)      /* a0 = 0x100 + s2 */
  add s3, s3, a0
  addi s2, s2, 1
  li a4, 6
  bne s2, a4, 1b
  CHECK_REG(s3, 0x50f) /* 5 * 0x100 + (1+2+3+4+5) */

  /* Compressed: c.li a0, 5 ; c.jr ra  -> patch c.li a0, 5 into c.li a0, 9. */
test_5:
  li TESTNUM, 5
  la a1, code_buf
  li a3, 0x80824515   /* c.li a0,5 = 0x4515; c.jr ra = 0x8082 */
  sw a3, 0(a1)
  fence.i
  jalr ra, 0(a1)
  CHECK_REG(a0, 5)
  li a3, 0x4525       /* c.li a0, 9 */
  sh a3, 0(a1)
  fence.i
  jalr ra, 0(a1)
  CHECK_REG(a0, 9)

  /* Code patched by code running on the same page (the loop body changes its own next
   * instruction after fence.i). */
test_6:
  li TESTNUM, 6
  la a1, 2f
  li a3, 0x02a00513   /* li a0, 42 (addi a0, zero, 42) */
  sw a3, 0(a1)
  fence.i
2:
  li a0, 7            /* replaced by li a0, 42 before it runs */
  CHECK_REG(a0, 42)

  /* fence in its forms executes as an ordering no-op on this single hart (no trap). */
test_7:
  li TESTNUM, 7
  la a1, code_buf
  li a2, 0x1234
  sw a2, 60(a1)
  fence
  fence rw, rw
  fence r, w
  fence iorw, iorw
  fence.tso
  lw a0, 60(a1)
  CHECK_REG(a0, 0x1234)

  j pass

  .balign 4
template:
  addi a0, a0, 1
  addi a0, a0, 1
  ret
RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .balign 16
code_buf: .fill 16, 4, 0
RVTEST_DATA_END
