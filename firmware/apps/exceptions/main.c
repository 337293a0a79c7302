/* exceptions: synchronous traps with the right mcause, mepc and mtval.
 *
 * illegal instruction (32-bit and 16-bit encodings, write to a read-only CSR): mcause 2,
 * mtval = the instruction bits; ecall: mcause 11, mtval 0; ebreak and c.ebreak: mcause 3,
 * mtval 0 or the pc; misaligned lw/lh/sw/sh: mcause 4/6, mtval = the address; loads and stores
 * to an unmapped address: mcause 5/7, mtval = the address; a jump to an unmapped address:
 * mcause 1, mepc = mtval = the target. Every trap comes from machine mode (MPP = 3) and the
 * program resumes after the faulting instruction.
 */
#include "../common.h"
#include "hal/hal.h"

#define UNMAPPED 0x30000000u

extern void probe_illegal32(void), probe_illegal16(void), probe_csr_readonly(uint32_t);
extern uint32_t probe_ecall(void);
extern void probe_ebreak(void), probe_cebreak(void);
extern uint32_t probe_lw(uint32_t addr), probe_lh(uint32_t addr);
extern void probe_sw(uint32_t addr, uint32_t v), probe_sh(uint32_t addr, uint32_t v);
extern char insn_illegal32[], insn_illegal16[], insn_csr_readonly[], insn_ecall[], insn_ebreak[],
    insn_cebreak[], insn_lw[], insn_lh[], insn_sw[], insn_sh[];

static volatile uint32_t n_traps, t_mcause, t_mepc, t_mtval, t_mstatus, t_a0;
static volatile int resume_at_ra;

static void on_exception(trap_frame_t* f) {
  n_traps++;
  t_mcause = f->mcause;
  t_mepc = f->mepc;
  t_mtval = f->mtval;
  t_mstatus = f->mstatus;
  t_a0 = TRAP_X(f, 10);
  if (resume_at_ra)
    f->mepc = TRAP_X(f, 1); /* instruction fetch fault: return to the caller */
  else
    f->mepc += trap_insn_length(f->mepc);
}

static void expect(int code, uint32_t cause, const void* pc, uint32_t tval) {
  CHECK_EQ(code, n_traps, 1);
  CHECK_EQ(code, t_mcause, cause);
  CHECK_EQ(code, t_mepc, (uint32_t)(uintptr_t)pc);
  CHECK_EQ(code, t_mtval, tval);
  CHECK_EQ(code, (t_mstatus >> 11) & 3u, 3u); /* MPP = machine */
  n_traps = 0;
}

static volatile uint32_t aligned_words[4] = {0x11223344u, 0x55667788u, 0x99AABBCCu, 0xDDEEFF00u};

int main(void) {
  trap_set_exception_handler(on_exception);

  probe_illegal32();
  expect(1, CAUSE_ILLEGAL_INSTRUCTION, insn_illegal32, 0x0000000bu);
  probe_illegal16();
  expect(2, CAUSE_ILLEGAL_INSTRUCTION, insn_illegal16, 0u);
  probe_csr_readonly(5);
  expect(3, CAUSE_ILLEGAL_INSTRUCTION, insn_csr_readonly, *(const uint32_t*)insn_csr_readonly);

  const uint32_t r = probe_ecall();
  expect(4, CAUSE_ECALL_M, insn_ecall, 0u);
  CHECK_EQ(5, t_a0, 0x1234u);
  CHECK_EQ(6, r, 0x1234u); /* registers survive the trap */

  /* ebreak: the privileged spec allows mtval = 0 or the pc; accept both. */
  probe_ebreak();
  CHECK_EQ(7, n_traps, 1);
  CHECK_EQ(7, t_mcause, CAUSE_BREAKPOINT);
  CHECK_EQ(7, t_mepc, (uint32_t)(uintptr_t)insn_ebreak);
  CHECK(7, t_mtval == 0 || t_mtval == (uint32_t)(uintptr_t)insn_ebreak);
  n_traps = 0;
  probe_cebreak();
  CHECK_EQ(8, n_traps, 1);
  CHECK_EQ(8, t_mcause, CAUSE_BREAKPOINT);
  CHECK_EQ(8, t_mepc, (uint32_t)(uintptr_t)insn_cebreak);
  CHECK(8, t_mtval == 0 || t_mtval == (uint32_t)(uintptr_t)insn_cebreak);
  n_traps = 0;

  /* Misaligned accesses trap (the ISS does not split them) and change nothing. */
  const uint32_t base = (uint32_t)(uintptr_t)aligned_words;
  CHECK_EQ(9, probe_lw(base + 4), 0x55667788u); /* aligned: no trap */
  CHECK_EQ(9, n_traps, 0);
  probe_lw(base + 1);
  expect(10, CAUSE_MISALIGNED_LOAD, insn_lw, base + 1);
  probe_lw(base + 2);
  expect(11, CAUSE_MISALIGNED_LOAD, insn_lw, base + 2);
  probe_lh(base + 3);
  expect(12, CAUSE_MISALIGNED_LOAD, insn_lh, base + 3);
  probe_sw(base + 2, 0xDEADBEEFu);
  expect(13, CAUSE_MISALIGNED_STORE, insn_sw, base + 2);
  probe_sh(base + 5, 0xBEEFu);
  expect(14, CAUSE_MISALIGNED_STORE, insn_sh, base + 5);
  CHECK_EQ(15, aligned_words[0], 0x11223344u);
  CHECK_EQ(15, aligned_words[1], 0x55667788u);

  /* Bus errors: unmapped addresses. */
  probe_lw(UNMAPPED);
  expect(16, CAUSE_LOAD_ACCESS, insn_lw, UNMAPPED);
  probe_sw(UNMAPPED + 8, 1);
  expect(17, CAUSE_STORE_ACCESS, insn_sw, UNMAPPED + 8);
  probe_lh(UNMAPPED + 2);
  expect(18, CAUSE_LOAD_ACCESS, insn_lh, UNMAPPED + 2);

  resume_at_ra = 1;
  void (*nowhere)(void) = (void (*)(void))(uintptr_t)UNMAPPED;
  nowhere();
  resume_at_ra = 0;
  expect(19, CAUSE_FETCH_ACCESS, (const void*)(uintptr_t)UNMAPPED, UNMAPPED);

  printf("exceptions: PASS\n");
  return 0;
}
