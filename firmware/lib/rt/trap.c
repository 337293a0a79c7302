#include "rt/trap.h"

#include <stdio.h>
#include <stdlib.h>

#include "hal/csr.h"

extern char trap_entry[];
extern char trap_vector_table[];

static trap_handler_t exception_handler;
static trap_handler_t interrupt_handlers[16];

void trap_set_exception_handler(trap_handler_t handler) { exception_handler = handler; }

void trap_set_interrupt_handler(unsigned cause, trap_handler_t handler) {
  if (cause < 16) interrupt_handlers[cause] = handler;
}

void trap_use_vectored(int vectored) {
  if (vectored)
    csr_write(mtvec, (uint32_t)(uintptr_t)trap_vector_table | 1u);
  else
    csr_write(mtvec, (uint32_t)(uintptr_t)trap_entry);
}

void trap_dispatch(trap_frame_t* frame) {
  const uint32_t cause = frame->mcause;
  if (cause & MCAUSE_INTERRUPT) {
    const uint32_t code = cause & ~MCAUSE_INTERRUPT;
    if (code < 16 && interrupt_handlers[code]) {
      interrupt_handlers[code](frame);
      return;
    }
    printf("unexpected interrupt: mcause=0x%08lx mepc=0x%08lx\n", (unsigned long)cause,
           (unsigned long)frame->mepc);
    exit(TRAP_EXIT_UNEXPECTED_INTERRUPT);
  }
  if (exception_handler) {
    exception_handler(frame);
    return;
  }
  printf("unexpected exception: mcause=%lu mepc=0x%08lx mtval=0x%08lx\n", (unsigned long)cause,
         (unsigned long)frame->mepc, (unsigned long)frame->mtval);
  exit(TRAP_EXIT_UNEXPECTED_EXCEPTION);
}
