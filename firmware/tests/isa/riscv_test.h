/* Test environment of the pumavp RV32IMAC instruction tests (written for this project, in the
 * spirit of riscv-tests).
 *
 *   #include "riscv_test.h"
 *   #include "test_macros.h"
 *   RVTEST_CODE_BEGIN
 *     TEST_RR_OP(2, add, 3, 1, 2)
 *     ...
 *   RVTEST_CODE_END      -> all passed: finisher 0x5555 (exit 0)
 *   RVTEST_DATA_BEGIN ... RVTEST_DATA_END
 *
 * gp (x3) holds the current test number TESTNUM; a failed check jumps to `fail`, which
 * reports (TESTNUM << 16) | 0x3333 to the finisher, i.e. exit code TESTNUM (255 if no test
 * had started). Test numbers must stay within 1..255.
 *
 * TEST_TRAP and friends clobber t0-t2, a0 and a1 while checking; keep values to be checked
 * after a trap in other registers.
 *
 * Traps: mtvec points at trap_handler. It records mcause/mepc/mtval and counts traps in
 * trap_data; then it resumes at trap_data.resume if that is non-zero (and clears it), else
 * after the trapping instruction (2 or 4 bytes). A trap while trap_data.armed is zero is
 * unexpected and fails the current test. Use TEST_TRAP / EXPECT_TRAP from test_macros.h.
 */
#ifndef PUMAVP_ISA_RISCV_TEST_H
#define PUMAVP_ISA_RISCV_TEST_H

#define TESTNUM gp
#define FINISHER_ADDR 0x00100000
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

/* trap_data layout (words) */
#define TD_ARMED 0
#define TD_COUNT 4
#define TD_CAUSE 8
#define TD_EPC 12
#define TD_TVAL 16
#define TD_RESUME 20
#define TD_SAVE_T1 24
#define TD_SAVE_T2 28
#define TD_SIZE 32

#define RVTEST_CODE_BEGIN                                                 \
  .section .text.init, "ax", @progbits;                                   \
  .option push;                                                           \
  .option norvc;                                                          \
  .globl _start;                                                          \
_start:                                                                   \
  la t0, trap_handler;                                                    \
  csrw mtvec, t0;                                                         \
  csrw mie, zero;                                                         \
  la sp, __stack;                                                         \
  li TESTNUM, 0;                                                          \
  j test_body;                                                            \
  .balign 64;                                                             \
trap_handler:                                                             \
  csrw mscratch, t0;                                                      \
  la t0, trap_data;                                                       \
  sw t1, TD_SAVE_T1(t0);                                                  \
  sw t2, TD_SAVE_T2(t0);                                                  \
  lw t1, TD_ARMED(t0);                                                    \
  bnez t1, 4f;                                                            \
  j fail;                                                                 \
4:                                                                        \
  lw t1, TD_COUNT(t0);                                                    \
  addi t1, t1, 1;                                                         \
  sw t1, TD_COUNT(t0);                                                    \
  csrr t1, mcause;                                                        \
  sw t1, TD_CAUSE(t0);                                                    \
  csrr t1, mepc;                                                          \
  sw t1, TD_EPC(t0);                                                      \
  csrr t2, mtval;                                                         \
  sw t2, TD_TVAL(t0);                                                     \
  lw t2, TD_RESUME(t0);                                                   \
  beqz t2, 1f;                                                            \
  sw zero, TD_RESUME(t0);                                                 \
  csrw mepc, t2;                                                          \
  j 3f;                                                                   \
1:/* skip the trapping instruction: 4 bytes unless its low bits != 11 */ \
  lhu t2, 0(t1);                                                          \
  andi t2, t2, 3;                                                         \
  addi t1, t1, 2;                                                         \
  xori t2, t2, 3;                                                         \
  bnez t2, 2f;                                                            \
  addi t1, t1, 2;                                                         \
2:                                                                        \
  csrw mepc, t1;                                                          \
3:                                                                        \
  lw t1, TD_SAVE_T1(t0);                                                  \
  lw t2, TD_SAVE_T2(t0);                                                  \
  csrr t0, mscratch;                                                      \
  mret;                                                                   \
test_body:                                                                \
  .option pop

#define RVTEST_CODE_END                                                   \
pass:                                                                     \
  li t0, FINISHER_ADDR;                                                   \
  li t1, FINISHER_PASS;                                                   \
  sw t1, 0(t0);                                                           \
1:                                                                        \
  j 1b;                                                                   \
fail:                                                                     \
  bnez TESTNUM, 2f;                                                       \
  li TESTNUM, 255;                                                        \
2:                                                                        \
  li t0, FINISHER_ADDR;                                                   \
  slli t1, TESTNUM, 16;                                                   \
  li t2, FINISHER_FAIL;                                                   \
  or t1, t1, t2;                                                          \
  sw t1, 0(t0);                                                           \
3:                                                                        \
  j 3b;

#define RVTEST_DATA_BEGIN                                                 \
  .data;                                                                  \
  .balign 16;                                                             \
  .globl trap_data;                                                       \
trap_data:                                                                \
  .fill TD_SIZE / 4, 4, 0;                                                \
  .balign 16;

#define RVTEST_DATA_END

#endif
