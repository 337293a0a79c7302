/* Zicsr: csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci (old value to rd, new value to the CSR,
 * rs1 = x0 / uimm = 0 forms do not write), read-only machine information CSRs, misa,
 * counters, mepc alignment, mtvec modes, mret with MPIE/MIE. */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  /* csrrw returns the old value and writes the new one. */
  TEST_CASE(2, a0, 0x00000000, csrw mscratch, zero; li a1, 0x12345678; csrrw a0, mscratch, a1)
  TEST_CASE(3, a0, 0x12345678, csrr a0, mscratch)
  TEST_CASE(4, a0, 0x12345678, li a1, 0xffffffff; csrrw a0, mscratch, a1)
  TEST_CASE(5, a0, 0xffffffff, csrr a0, mscratch)
  /* csrrs sets, csrrc clears the rs1 bits. */
  TEST_CASE(6, a0, 0x0000000f, li a1, 0x0f; csrw mscratch, a1; li a1, 0xf0; csrrs a0, mscratch, a1)
  TEST_CASE(7, a0, 0x000000ff, csrr a0, mscratch)
  TEST_CASE(8, a0, 0x000000ff, li a1, 0x3c; csrrc a0, mscratch, a1)
  TEST_CASE(9, a0, 0x000000c3, csrr a0, mscratch)
  /* Immediate forms: 5-bit zero-extended uimm. */
  TEST_CASE(10, a0, 0x000000c3, csrrwi a0, mscratch, 31)
  TEST_CASE(11, a0, 0x0000001f, csrr a0, mscratch)
  TEST_CASE(12, a0, 0x0000001f, csrrci a0, mscratch, 0x11)
  TEST_CASE(13, a0, 0x0000000e, csrr a0, mscratch)
  TEST_CASE(14, a0, 0x0000000e, csrrsi a0, mscratch, 0x10)
  TEST_CASE(15, a0, 0x0000001e, csrr a0, mscratch)
  /* rd = x0 still writes; rs1 = x0 / uimm = 0 does not. */
  TEST_CASE(16, a0, 0x00000055, li a1, 0x55; csrrw x0, mscratch, a1; csrr a0, mscratch)
  TEST_CASE(17, a0, 0x00000055, csrrs a0, mscratch, x0; csrrc a0, mscratch, x0; csrrsi a0, mscratch, 0; csrr a0, mscratch)
  /* rd == rs1: the old value lands in rd, the CSR gets the old rs1. */
  TEST_CASE(18, a1, 0x00000055, li a1, 0x99; csrrw a1, mscratch, a1)
  TEST_CASE(19, a0, 0x00000099, csrr a0, mscratch)

  /* Read-only information CSRs can be read (csrrs with x0 does not write, so no trap). */
  TEST_CASE(30, a0, 0, csrr a0, mhartid)
  TEST_CASE(31, a0, 0, csrr a1, mvendorid; csrr a1, marchid; csrr a1, mimpid; li a0, 0)
  /* misa: MXL = 1 (32-bit) and I, M, A, C present. */
  TEST_CASE(32, a0, 0x40000000, csrr a1, misa; li a2, 0xc0000000; and a0, a1, a2)
  TEST_CASE(33, a0, 0x00001105, csrr a1, misa; li a2, 0x00001105; and a0, a1, a2)

  /* minstret counts retired instructions exactly: two reads around two nops differ by 3. */
  TEST_CASE(40, a0, 3, csrr a1, minstret; nop; nop; csrr a2, minstret; sub a0, a2, a1)
  /* instret (user alias) matches minstret. */
  TEST_CASE(41, a0, 1, csrr a1, minstret; csrr a2, instret; sub a0, a2, a1)
  /* mcycle advances across a loop and never goes backwards. */
test_42:
  li TESTNUM, 42
  csrr a1, mcycle
  li a3, 100
1:
  addi a3, a3, -1
  bnez a3, 1b
  csrr a2, mcycle
  sltu a0, a1, a2
  CHECK_REG(a0, 1)
  csrr a4, cycle
  sltu a0, a4, a2
  CHECK_REG(a0, 0)
  /* minstret is writable; the write takes precedence over the writing instruction's own
   * increment, so the next instruction reads the value written. */
  TEST_CASE(43, a0, 1000, li a1, 1000; csrw minstret, a1; csrr a0, minstret)
  /* 64-bit counters: the high halves can be read. */
  TEST_CASE(44, a0, 0, csrr a1, mcycleh; csrr a1, minstreth; csrr a1, cycleh; li a0, 0)

  /* mepc: bit 0 always reads 0 (IALIGN = 16 with C). */
  TEST_CASE(50, a0, 0x80000102, li a1, 0x80000103; csrw mepc, a1; csrr a0, mepc)
  /* mtvec: direct (mode 0) and vectored (mode 1) both read back. */
  TEST_CASE(51, a0, 0x80001000, csrr s2, mtvec; li a1, 0x80001000; csrw mtvec, a1; csrr a0, mtvec)
  TEST_CASE(52, a0, 0x80001001, li a1, 0x80001001; csrw mtvec, a1; csrr a0, mtvec; csrw mtvec, s2)
  /* mie / mip: MSIE, MTIE, MEIE are writable in mie. */
  TEST_CASE(53, a0, 0x00000888, li a1, 0x888; csrw mie, a1; csrr a0, mie; csrw mie, zero)

  /* mstatus: MIE and MPIE are writable; MPP after mret: see test 62. */
  TEST_CASE(60, a0, 0x00000088, li a1, 0x88; csrs mstatus, a1; csrr a0, mstatus; andi a0, a0, 0x88;
            csrc mstatus, a1)

  /* mret: pc <- mepc, MIE <- MPIE, MPIE <- 1, MPP <- least-privileged mode. */
test_61:
  li TESTNUM, 61
  csrci mstatus, 8           /* MIE = 0 */
  li a1, 0x80
  csrc mstatus, a1           /* MPIE = 0 */
  li a1, 0x1800
  csrs mstatus, a1           /* MPP = M: stay in machine mode */
  la a1, 2f
  csrw mepc, a1
  mret
  j fail
2:
  csrr a0, mstatus
  andi a0, a0, 0x88
  CHECK_REG(a0, 0x80)        /* MIE = old MPIE = 0, MPIE = 1 */

test_62:
  li TESTNUM, 62
  csrw mie, zero             /* nothing can interrupt */
  li a1, 0x80
  csrs mstatus, a1           /* MPIE = 1 */
  li a1, 0x1800
  csrs mstatus, a1           /* MPP = M: stay in machine mode */
  la a1, 2f
  csrw mepc, a1
  mret
  j fail
2:
  csrr a0, mstatus
  andi a0, a0, 0x88
  CHECK_REG(a0, 0x88)        /* MIE = 1 */
  csrci mstatus, 8
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  csrr a1, misa
  srli a1, a1, 20
  andi a1, a1, 1             /* U-mode present? */
  bnez a1, 3f
  CHECK_REG(a0, 3)           /* M only: MPP is hard-wired to M */
  j 4f
3:
  CHECK_REG(a0, 0)           /* mret sets MPP to the least-privileged mode, U */
4:

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
