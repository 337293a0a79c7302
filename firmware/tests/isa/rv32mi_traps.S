/* Synchronous traps: illegal instructions (mcause 2, mtval = the instruction bits) for
 * 32-bit and 16-bit encodings, reserved shift/funct7 encodings, writes to read-only CSRs and
 * non-existent CSRs; ecall (11, mtval 0); ebreak and c.ebreak (3, mtval 0 or the pc); load,
 * store and fetch access faults on unmapped addresses (5, 7, 1; mtval = the address);
 * exceptions in vectored mtvec mode go to the base address. */
#include "riscv_test.h"
#include "test_macros.h"

#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_ACCESS 7
#define CAUSE_ECALL_M 11
#define UNMAPPED 0x30000000

/* ebreak-style check: cause 3, mepc = at, mtval = 0 or at. */
#define TEST_BREAK(n, at, ...)            \
test_##n:                                 \
  li TESTNUM, n;                          \
  la t0, trap_data;                       \
  sw zero, TD_COUNT(t0);                  \
  li t1, 1;                               \
  sw t1, TD_ARMED(t0);                    \
  __VA_ARGS__;                            \
  la t0, trap_data;                       \
  sw zero, TD_ARMED(t0);                  \
  lw a0, TD_COUNT(t0);                    \
  CHECK_REG(a0, 1);                       \
  lw a0, TD_CAUSE(t0);                    \
  CHECK_REG(a0, CAUSE_BREAKPOINT);        \
  lw a0, TD_EPC(t0);                      \
  la a1, at;                              \
  beq a0, a1, 8f;                         \
  j fail;                                 \
8:                                        \
  lw a0, TD_TVAL(t0);                     \
  beqz a0, 8f;                            \
  beq a0, a1, 8f;                         \
  j fail;                                 \
8:

RVTEST_CODE_BEGIN
  .option norvc

  TEST_TRAP(2, CAUSE_ILLEGAL, 1b, 0x0000000b, 1: .word 0x0000000b)   /* custom-0 */
  TEST_TRAP(3, CAUSE_ILLEGAL, 1b, 0x40001033, 1: .word 0x40001033)   /* sll with funct7 0x20 */
  TEST_TRAP(4, CAUSE_ILLEGAL, 1b, 0x02001013, 1: .word 0x02001013)   /* slli shamt[5] = 1 */
  TEST_TRAP(5, CAUSE_ILLEGAL, 1b, 0x02000033 | (7 << 25) | 0x5000, 1: .word 0x02000033 | (7 << 25) | 0x5000) /* OP funct7 0x07 */
  TEST_TRAP(6, CAUSE_ILLEGAL, 1b, 0xf1151073, 1: csrw mvendorid, a0)  /* read-only CSR */
  TEST_TRAP(7, CAUSE_ILLEGAL, 1b, 0xc0001073, 1: csrw cycle, x0)      /* read-only counter */
  TEST_TRAP(8, CAUSE_ILLEGAL, 1b, 0x7c5026f3, li a3, 0x66; 1: csrr a3, 0x7c5) /* no such CSR */
  CHECK_REG(a3, 0x66)     /* rd not written */
  TEST_TRAP(9, CAUSE_ILLEGAL, 1b, 0x00000000, .option push; .option rvc; 1: .half 0x0000; .option pop)
  /* c.addi4spn with nzuimm = 0 is reserved: 0x0004 (rd' = a1? no: bits 4:2 = 001 -> s1) */
  TEST_TRAP(10, CAUSE_ILLEGAL, 1b, 0x00000004, .option push; .option rvc; 1: .half 0x0004; .option pop)
  /* c.lui with nzimm = 0 is reserved: 0x6501 (c.lui a0, 0) */
  TEST_TRAP(11, CAUSE_ILLEGAL, 1b, 0x00006501, .option push; .option rvc; 1: .half 0x6501; .option pop)
  /* c.jr with rs1 = 0 is reserved: 0x8002 */
  TEST_TRAP(12, CAUSE_ILLEGAL, 1b, 0x00008002, .option push; .option rvc; 1: .half 0x8002; .option pop)

  TEST_TRAP(20, CAUSE_ECALL_M, 1b, 0, 1: ecall)
  TEST_BREAK(21, 1b, 1: ebreak)
  TEST_BREAK(22, 1b, .option push; .option rvc; 1: c.ebreak; .option pop)

  /* Registers survive a trap round trip (the handler restores its scratch registers). */
test_23:
  li TESTNUM, 23
  la t0, trap_data
  li t1, 1
  sw t1, TD_ARMED(t0)
  li t0, 0x1111
  li t1, 0x2222
  li t2, 0x3333
  ecall
  la a0, trap_data
  sw zero, TD_ARMED(a0)
  li a1, 0x3333
  beq t2, a1, 1f
  j fail
1:
  li a1, 0x2222
  beq t1, a1, 1f
  j fail
1:
  CHECK_REG(t0, 0x1111)

  TEST_TRAP(30, CAUSE_LOAD_ACCESS, 1b, UNMAPPED, li a2, UNMAPPED; li a3, 0x55; 1: lw a3, 0(a2))
  CHECK_REG(a3, 0x55)
  TEST_TRAP(31, CAUSE_LOAD_ACCESS, 1b, UNMAPPED + 0x102, li a1, UNMAPPED + 0x100; 1: lbu a0, 2(a1))
  TEST_TRAP(32, CAUSE_STORE_ACCESS, 1b, UNMAPPED + 8, li a1, UNMAPPED; 1: sw a0, 8(a1))
  TEST_TRAP(33, CAUSE_STORE_ACCESS, 1b, UNMAPPED + 4, li a1, UNMAPPED + 4; li a2, 1; 1: amoadd.w a3, a2, (a1))
  /* Fetch from an unmapped address: mepc = mtval = the target; resume at 2f. */
test_34:
  li TESTNUM, 34
  la t0, trap_data
  sw zero, TD_COUNT(t0)
  li t1, 1
  sw t1, TD_ARMED(t0)
  la t1, 2f
  sw t1, TD_RESUME(t0)
  li a1, UNMAPPED
  jalr ra, 0(a1)
  j fail
2:
  la t0, trap_data
  sw zero, TD_ARMED(t0)
  lw a0, TD_COUNT(t0)
  CHECK_REG(a0, 1)
  lw a0, TD_CAUSE(t0)
  CHECK_REG(a0, CAUSE_FETCH_ACCESS)
  lw a0, TD_EPC(t0)
  CHECK_REG(a0, UNMAPPED)
  lw a0, TD_TVAL(t0)
  CHECK_REG(a0, UNMAPPED)

  /* Vectored mtvec: exceptions still enter at the base. */
test_40:
  li TESTNUM, 40
  la a1, trap_handler
  ori a1, a1, 1
  csrw mtvec, a1
  csrr a2, mtvec
  bne a1, a2, 3f
  TEST_TRAP(41, CAUSE_ECALL_M, 1b, 0, 1: ecall)
  TEST_TRAP(42, CAUSE_ILLEGAL, 1b, 0x0000000b, 1: .word 0x0000000b)
  la a1, trap_handler
  csrw mtvec, a1
  j 4f
3:
  j fail
4:

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
