/* Trap and interrupt dispatch for pumavp firmware (machine mode, one hart).
 *
 * crt0 installs the direct-mode entry (mtvec = trap_entry). trap_dispatch() calls
 *   - the exception handler for synchronous traps (mcause bit 31 clear),
 *   - the handler registered for the interrupt cause (3 MSIP, 7 MTIP, 11 MEIP, ...).
 * Handlers get the saved frame and may change registers and mepc (e.g. mepc += 4 to skip the
 * faulting instruction). Without a registered handler an exception or interrupt is reported on
 * the UART and the program exits with TRAP_EXIT_UNEXPECTED_EXCEPTION / _INTERRUPT.
 */
#ifndef PUMAVP_RT_TRAP_H
#define PUMAVP_RT_TRAP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trap_frame {
  int32_t vector; /* vector slot taken (vectored mode) or -1 (direct mode); "x0" slot */
  uint32_t x[31]; /* x1..x31 at x[n-1]; use TRAP_X(frame, n) */
  uint32_t mepc;
  uint32_t mcause;
  uint32_t mtval;
  uint32_t mstatus;
} trap_frame_t;

#define TRAP_X(frame, n) ((frame)->x[(n) - 1])

#define MCAUSE_INTERRUPT 0x80000000u
#define CAUSE_MISALIGNED_FETCH 0u
#define CAUSE_FETCH_ACCESS 1u
#define CAUSE_ILLEGAL_INSTRUCTION 2u
#define CAUSE_BREAKPOINT 3u
#define CAUSE_MISALIGNED_LOAD 4u
#define CAUSE_LOAD_ACCESS 5u
#define CAUSE_MISALIGNED_STORE 6u
#define CAUSE_STORE_ACCESS 7u
#define CAUSE_ECALL_M 11u
#define IRQ_M_SOFT 3u
#define IRQ_M_TIMER 7u
#define IRQ_M_EXT 11u

#define TRAP_EXIT_UNEXPECTED_EXCEPTION 100
#define TRAP_EXIT_UNEXPECTED_INTERRUPT 101

typedef void (*trap_handler_t)(trap_frame_t* frame);

/* NULL restores the default (report + exit). */
void trap_set_exception_handler(trap_handler_t handler);
void trap_set_interrupt_handler(unsigned cause, trap_handler_t handler); /* cause < 16 */

/* Switch mtvec between direct (trap_entry) and vectored (trap_vector_table) mode. */
void trap_use_vectored(int vectored);

/* Called from trap.S. */
void trap_dispatch(trap_frame_t* frame);

/* Size in bytes of the instruction at pc (2 for compressed, 4 otherwise). */
static inline uint32_t trap_insn_length(uint32_t pc) {
  return ((*(volatile uint16_t*)(uintptr_t)pc) & 3u) == 3u ? 4u : 2u;
}

#ifdef __cplusplus
}
#endif

#endif
