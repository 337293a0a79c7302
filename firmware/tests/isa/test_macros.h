/* Check macros of the pumavp ISA tests. Every macro first sets TESTNUM to its test number,
 * computes into a0 (or the register named), and jumps to `fail` on a mismatch. t0..t2 and
 * a0..a5 are scratch; gp is TESTNUM; sp is valid. Expected values are written by hand in
 * the tests. */
#ifndef PUMAVP_ISA_TEST_MACROS_H
#define PUMAVP_ISA_TEST_MACROS_H

/* Compare reg with an immediate; far jump to fail (tests can exceed the branch range). */
#define CHECK_REG(reg, expect) \
  li t2, expect;               \
  beq reg, t2, 9f;             \
  j fail;                      \
9:

#define TEST_CASE(n, reg, expect, ...) \
test_##n:                              \
  li TESTNUM, n;                       \
  __VA_ARGS__;                         \
  CHECK_REG(reg, expect)

/* rd = rs1 op rs2 with distinct registers, then rd == rs1, rd == rs2, rs1 == rs2, rd = x0. */
#define TEST_RR_OP(n, inst, expect, v1, v2) \
  TEST_CASE(n, a0, expect, li a1, v1; li a2, v2; inst a0, a1, a2)
#define TEST_RR_SRC1_EQ_DEST(n, inst, expect, v1, v2) \
  TEST_CASE(n, a1, expect, li a1, v1; li a2, v2; inst a1, a1, a2)
#define TEST_RR_SRC2_EQ_DEST(n, inst, expect, v1, v2) \
  TEST_CASE(n, a2, expect, li a1, v1; li a2, v2; inst a2, a1, a2)
#define TEST_RR_SRC12_EQ_DEST(n, inst, expect, v1) \
  TEST_CASE(n, a1, expect, li a1, v1; inst a1, a1, a1)
#define TEST_RR_ZERODEST(n, inst, v1, v2) \
  TEST_CASE(n, x0, 0, li a1, v1; li a2, v2; inst x0, a1, a2)
#define TEST_RR_ZEROSRC1(n, inst, expect, v2) \
  TEST_CASE(n, a0, expect, li a2, v2; inst a0, x0, a2)

/* rd = rs1 op imm */
#define TEST_IMM_OP(n, inst, expect, v1, imm) \
  TEST_CASE(n, a0, expect, li a1, v1; inst a0, a1, imm)
#define TEST_IMM_SRC1_EQ_DEST(n, inst, expect, v1, imm) \
  TEST_CASE(n, a1, expect, li a1, v1; inst a1, a1, imm)
#define TEST_IMM_ZERODEST(n, inst, v1, imm) \
  TEST_CASE(n, x0, 0, li a1, v1; inst x0, a1, imm)

/* Load: a0 = load(base + offset) */
#define TEST_LD(n, inst, expect, offset, base) \
  TEST_CASE(n, a0, expect, la a1, base; inst a0, offset(a1))

/* Store value, load it back with ld_inst; the base register is pre-biased by -offset so that
 * both positive and negative offsets are exercised. */
#define TEST_ST(n, ld_inst, st_inst, value, offset, base) \
  TEST_CASE(n, a0, value, la a1, base; li a2, value; addi a1, a1, -(offset); \
            st_inst a2, offset(a1); ld_inst a0, offset(a1))

/* Branches: taken must reach the target (and not the fall-through), not-taken must fall
 * through. Backward and forward targets. */
#define TEST_BR_TAKEN(n, inst, v1, v2) \
test_##n:                              \
  li TESTNUM, n;                       \
  li a1, v1;                           \
  li a2, v2;                           \
  inst a1, a2, 2f;                     \
  j fail;                              \
1:                                     \
  j 3f;                                \
2:                                     \
  inst a1, a2, 1b;                     \
  j fail;                              \
3:

#define TEST_BR_NOT_TAKEN(n, inst, v1, v2) \
test_##n:                                  \
  li TESTNUM, n;                           \
  li a1, v1;                               \
  li a2, v2;                               \
  inst a1, a2, 1f;                         \
  j 2f;                                    \
1:                                         \
  j fail;                                  \
2:

/* Expect `code` to trap exactly once with mcause `cause`; mepc must equal the address of
 * the label `at` and mtval must equal `tval`. Execution resumes after the trapping
 * instruction. */
#define TEST_TRAP(n, cause, at, tval, ...) \
test_##n:                                  \
  li TESTNUM, n;                           \
  la t0, trap_data;                        \
  sw zero, TD_COUNT(t0);                   \
  li t1, 1;                                \
  sw t1, TD_ARMED(t0);                     \
  __VA_ARGS__;                             \
  la t0, trap_data;                        \
  sw zero, TD_ARMED(t0);                   \
  lw a0, TD_COUNT(t0);                     \
  CHECK_REG(a0, 1);                        \
  lw a0, TD_CAUSE(t0);                     \
  CHECK_REG(a0, cause);                    \
  lw a0, TD_EPC(t0);                       \
  la a1, at;                               \
  beq a0, a1, 8f;                          \
  j fail;                                  \
8:                                         \
  lw a0, TD_TVAL(t0);                      \
  li a1, tval;                             \
  beq a0, a1, 8f;                          \
  j fail;                                  \
8:

/* Like TEST_TRAP but mtval must equal the address of label `tval_label`. */
#define TEST_TRAP_TVAL_LABEL(n, cause, at, tval_label, ...) \
test_##n:                                  \
  li TESTNUM, n;                           \
  la t0, trap_data;                        \
  sw zero, TD_COUNT(t0);                   \
  li t1, 1;                                \
  sw t1, TD_ARMED(t0);                     \
  __VA_ARGS__;                             \
  la t0, trap_data;                        \
  sw zero, TD_ARMED(t0);                   \
  lw a0, TD_COUNT(t0);                     \
  CHECK_REG(a0, 1);                        \
  lw a0, TD_CAUSE(t0);                     \
  CHECK_REG(a0, cause);                    \
  lw a0, TD_EPC(t0);                       \
  la a1, at;                               \
  beq a0, a1, 8f;                          \
  j fail;                                  \
8:                                         \
  lw a0, TD_TVAL(t0);                      \
  la a1, tval_label;                       \
  beq a0, a1, 8f;                          \
  j fail;                                  \
8:

#define TEST_PASSFAIL RVTEST_CODE_END

#endif
