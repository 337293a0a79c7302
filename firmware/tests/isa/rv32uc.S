/* RV32C: every compressed instruction in its 16-bit form (explicit c.* mnemonics), plus
 * 32-bit instructions at 2-byte aligned addresses and across a 4 KiB page boundary.
 * c.ebreak is covered in rv32mi_traps.S. */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option rvc

  /* c.li, c.lui (sign-extended immediates) */
  TEST_CASE(2, a0, 31, c.li a0, 31)
  TEST_CASE(3, a0, 0xffffffe0, c.li a0, -32)
  TEST_CASE(4, a0, 0x0001f000, c.lui a0, 0x1f)
  TEST_CASE(5, a0, 0xfffff000, c.lui a0, 0xfffff)
  TEST_CASE(6, a0, 0xfffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(7, a0, 0x00001000, c.lui a0, 1)

  /* c.addi, c.nop */
  TEST_CASE(10, a0, 0x00000020, li a0, 1; c.addi a0, 31)
  TEST_CASE(11, a0, 0xffffffe1, li a0, 1; c.addi a0, -32)
  TEST_CASE(12, a0, 0x00000000, li a0, 0xffffffff; c.addi a0, 1)
  TEST_CASE(13, a0, 0x00000007, li a0, 7; c.nop)

  /* c.addi16sp, c.addi4spn (sp-relative, scaled immediates) */
  TEST_CASE(20, a0, 496, mv s1, sp; c.addi16sp sp, 496; sub a0, sp, s1; mv sp, s1)
  TEST_CASE(21, a0, 0xfffffe00, mv s1, sp; c.addi16sp sp, -512; sub a0, sp, s1; mv sp, s1)
  TEST_CASE(22, a0, 16, mv s1, sp; c.addi16sp sp, 16; sub a0, sp, s1; mv sp, s1)
  TEST_CASE(23, a0, 1020, c.addi4spn a0, sp, 1020; sub a0, a0, sp)
  TEST_CASE(24, a0, 4, c.addi4spn a0, sp, 4; sub a0, a0, sp)

  /* c.slli, c.srli, c.srai, c.andi */
  TEST_CASE(30, a0, 0x80000000, li a0, 1; c.slli a0, 31)
  TEST_CASE(31, a0, 0x2468acc0, li a0, 0x12345600 + 0x60; c.slli a0, 1)
  TEST_CASE(32, a0, 0x00000001, li a0, 0x80000000; c.srli a0, 31)
  TEST_CASE(33, a0, 0x40000000, li a0, 0x80000000; c.srli a0, 1)
  TEST_CASE(34, a0, 0xffffffff, li a0, 0x80000000; c.srai a0, 31)
  TEST_CASE(35, a0, 0xc0000000, li a0, 0x80000000; c.srai a0, 1)
  TEST_CASE(36, a0, 0x0000001f, li a0, 0xffffffff; c.andi a0, 31)
  TEST_CASE(37, a0, 0xffffffe0, li a0, 0xffffffff; c.andi a0, -32)
  TEST_CASE(38, a0, 0x12345678, li a0, 0x12345678; c.andi a0, -1)

  /* c.mv, c.add, c.sub, c.xor, c.or, c.and */
  TEST_CASE(40, a0, 0x12345678, li a1, 0x12345678; li a0, 0; c.mv a0, a1)
  TEST_CASE(41, a0, 0x80000000, li a0, 0x7fffffff; li a1, 1; c.add a0, a1)
  TEST_CASE(42, t3, 0x0000000a, li t3, 3; li t4, 7; c.add t3, t4)  /* any registers */
  TEST_CASE(43, a0, 0xfffffffc, li a0, 3; li a1, 7; c.sub a0, a1)
  TEST_CASE(44, a0, 0xf00ff00f, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.xor a0, a1)
  TEST_CASE(45, a0, 0xff0fff0f, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.or a0, a1)
  TEST_CASE(46, a0, 0x0f000f00, li a0, 0xff00ff00; li a1, 0x0f0f0f0f; c.and a0, a1)
  TEST_CASE(47, s0, 0x00000005, li s0, 9; li a5, 4; c.sub s0, a5)  /* x8 and x15 */

  /* c.lw, c.sw (x8..x15, offsets 0..124 step 4) */
  TEST_CASE(50, a0, 0x00ff00ff, la a1, tdat; c.lw a0, 0(a1))
  TEST_CASE(51, a0, 0xff00ff00, la a1, tdat; c.lw a0, 4(a1))
  TEST_CASE(52, a0, 0xcafebabe, la a1, tdat; c.lw a0, 124(a1))
  TEST_CASE(53, a0, 0x13579bdf, la a1, tdat; li a2, 0x13579bdf; c.sw a2, 8(a1); lw a0, 8(a1))
  TEST_CASE(54, a0, 0x2468ace0, la s1, tdat; li a5, 0x2468ace0; c.sw a5, 120(s1); c.lw a0, 120(s1))

  /* c.lwsp, c.swsp (offsets 0..252 step 4) */
  TEST_CASE(60, a0, 0x11223344, addi sp, sp, -256; li a1, 0x11223344; c.swsp a1, 252(sp);
            lw a0, 252(sp); addi sp, sp, 256)
  TEST_CASE(61, a0, 0x55667788, addi sp, sp, -256; li a1, 0x55667788; sw a1, 12(sp);
            c.lwsp a0, 12(sp); addi sp, sp, 256)
  TEST_CASE(62, t5, 0x0badf00d, addi sp, sp, -256; li a1, 0x0badf00d; c.swsp a1, 0(sp);
            c.lwsp t5, 0(sp); addi sp, sp, 256)

  /* c.j forward and backward */
test_70:
  li TESTNUM, 70
  li a0, 0
  c.j 2f
1:
  c.addi a0, 1
  c.j 3f
2:
  c.addi a0, 2
  c.j 1b
3:
  CHECK_REG(a0, 3)

  /* c.jal: ra = pc + 2 */
test_71:
  li TESTNUM, 71
1:
  c.jal 2f
  j fail
2:
  la a1, 1b
  addi a1, a1, 2
  beq ra, a1, 3f
  j fail
3:

  /* c.jr (no link), c.jalr (ra = pc + 2) */
test_72:
  li TESTNUM, 72
  li ra, 0x77
  la a1, 2f
  c.jr a1
  j fail
2:
  CHECK_REG(ra, 0x77)

test_73:
  li TESTNUM, 73
  la a1, 2f
1:
  c.jalr a1
  j fail
2:
  la a2, 1b
  addi a2, a2, 2
  beq ra, a2, 3f
  j fail
3:

  /* c.beqz, c.bnez taken and not taken */
test_74:
  li TESTNUM, 74
  li a0, 0
  c.beqz a0, 1f
  j fail
1:
  li a0, 1
  c.beqz a0, 2f
  c.j 3f
2:
  j fail
3:
  li s1, -5
  c.bnez s1, 4f
  j fail
4:
  li s1, 0
  c.bnez s1, 5f
  c.j 6f
5:
  j fail
6:
  /* backward c.bnez loop */
  li a0, 0
  li a5, 4
7:
  c.addi a0, 5
  c.addi a5, -1
  c.bnez a5, 7b
  CHECK_REG(a0, 20)

  /* 32-bit instructions at addresses that are 2 mod 4. */
test_80:
  li TESTNUM, 80
  .balign 4
  c.li a0, 3
  .option push
  .option norvc
  addi a0, a0, 0x100
  lui a1, 0x12345
  .option pop
  c.nop
  .option push
  .option norvc
  add a0, a0, a1
  .option pop
  CHECK_REG(a0, 0x12345103)

  /* A 32-bit instruction straddling a 4 KiB page boundary. */
test_81:
  li TESTNUM, 81
  li a0, 0
  j 2f
  .balign 4096
  .skip 4090
2:
  c.li a0, 1
  c.nop
  .option push
  .option norvc
  addi a0, a0, 5        /* bytes 4094..4097 of the page */
  .option pop
  CHECK_REG(a0, 6)

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .balign 4
tdat:
  .word 0x00ff00ff, 0xff00ff00
  .fill 29, 4, 0
  .word 0xcafebabe
RVTEST_DATA_END
