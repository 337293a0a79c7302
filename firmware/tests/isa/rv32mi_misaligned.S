/* Misaligned data accesses. pumavp's ISS does not split misaligned accesses: loads trap
 * with mcause 4, stores/AMOs with mcause 6, mtval = the effective address; the destination
 * register and memory are unchanged (precise traps). Byte accesses never trap; aligned
 * halfword/word accesses at every legal offset don't either. */
#include "riscv_test.h"
#include "test_macros.h"

#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_MISALIGNED_STORE 6

RVTEST_CODE_BEGIN
  .option norvc

  TEST_TRAP_TVAL_LABEL(2, CAUSE_MISALIGNED_LOAD, 1b, tdat + 1,
                       la a1, tdat; li a3, 0x77; 1: lw a3, 1(a1))
  CHECK_REG(a3, 0x77)     /* rd not written */
  TEST_TRAP_TVAL_LABEL(3, CAUSE_MISALIGNED_LOAD, 1b, tdat + 2, la a1, tdat; 1: lw a0, 2(a1))
  TEST_TRAP_TVAL_LABEL(4, CAUSE_MISALIGNED_LOAD, 1b, tdat + 3, la a1, tdat + 4; 1: lw a0, -1(a1))
  TEST_TRAP_TVAL_LABEL(5, CAUSE_MISALIGNED_LOAD, 1b, tdat + 1, la a1, tdat; 1: lh a0, 1(a1))
  TEST_TRAP_TVAL_LABEL(6, CAUSE_MISALIGNED_LOAD, 1b, tdat + 3, la a1, tdat; 1: lhu a0, 3(a1))

  TEST_TRAP_TVAL_LABEL(10, CAUSE_MISALIGNED_STORE, 1b, tdat + 9,
                       la a1, tdat; li a2, -1; 1: sw a2, 9(a1))
  TEST_TRAP_TVAL_LABEL(11, CAUSE_MISALIGNED_STORE, 1b, tdat + 10,
                       la a1, tdat; li a2, -1; 1: sw a2, 10(a1))
  TEST_TRAP_TVAL_LABEL(12, CAUSE_MISALIGNED_STORE, 1b, tdat + 11,
                       la a1, tdat; li a2, -1; 1: sh a2, 11(a1))
  /* memory unchanged by the trapped stores */
  TEST_CASE(13, a0, 0x0b0a0908, la a1, tdat; lw a0, 8(a1))
  TEST_CASE(14, a0, 0x0f0e0d0c, la a1, tdat; lw a0, 12(a1))

  /* LR, SC and AMOs require natural alignment. */
  TEST_TRAP_TVAL_LABEL(20, CAUSE_MISALIGNED_LOAD, 1b, tdat + 2, la a1, tdat + 2; 1: lr.w a0, (a1))
  TEST_TRAP_TVAL_LABEL(21, CAUSE_MISALIGNED_STORE, 1b, tdat + 2,
                       la a1, tdat + 2; li a2, 1; 1: sc.w a0, a2, (a1))
  TEST_TRAP_TVAL_LABEL(22, CAUSE_MISALIGNED_STORE, 1b, tdat + 6,
                       la a1, tdat + 6; li a2, 1; 1: amoadd.w a0, a2, (a1))
  TEST_TRAP_TVAL_LABEL(23, CAUSE_MISALIGNED_STORE, 1b, tdat + 1,
                       la a1, tdat + 1; li a2, 1; 1: amoswap.w a0, a2, (a1))
  TEST_CASE(24, a0, 0x07060504, la a1, tdat; lw a0, 4(a1))

  /* No trap: bytes anywhere, halfwords at even, words at multiple-of-4 addresses. */
  TEST_CASE(30, a0, 0x00000003, la a1, tdat; lbu a0, 3(a1))
  TEST_CASE(31, a0, 0x00000706, la a1, tdat; lhu a0, 6(a1))
  TEST_CASE(32, a0, 0x00000500, la a1, tdat; li a2, 5; sb a2, 1(a1); lhu a0, 0(a1))
  TEST_CASE(33, a0, 0x0000abcd, la a1, tdat; li a2, 0xabcd; sh a2, 14(a1); lhu a0, 14(a1))

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
  .balign 16
tdat:
  .byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
RVTEST_DATA_END
