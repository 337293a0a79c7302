/* CSR access helpers (Zicsr) and machine-mode bit definitions. */
#ifndef PUMAVP_HAL_CSR_H
#define PUMAVP_HAL_CSR_H

#include <stdint.h>

#define csr_read(csr)                                  \
  ({                                                   \
    uint32_t __v;                                      \
    __asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory"); \
    __v;                                               \
  })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint32_t)(val)) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint32_t)(bits)) : "memory")
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint32_t)(bits)) : "memory")

#define MSTATUS_MIE_BIT (1u << 3)
#define MSTATUS_MPIE_BIT (1u << 7)
#define MIE_MSIE (1u << 3)
#define MIE_MTIE (1u << 7)
#define MIE_MEIE (1u << 11)
#define MIP_MSIP MIE_MSIE
#define MIP_MTIP MIE_MTIE
#define MIP_MEIP MIE_MEIE

static inline void irq_global_enable(void) { csr_set(mstatus, MSTATUS_MIE_BIT); }
static inline void irq_global_disable(void) { csr_clear(mstatus, MSTATUS_MIE_BIT); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* Mask machine interrupts (clear mstatus.MIE) and return the previous MIE bit for
 * irq_restore(): the bracket around a WFI wait that must not take the interrupt it waits
 * for. The mask goes in a register (csrc/csrs, not the immediate forms): libpuma's waits
 * keep the instruction sequence, and so the host instruction counts, they always had. */
static inline uint32_t irq_save(void) {
  const uint32_t saved = csr_read(mstatus) & MSTATUS_MIE_BIT;
  __asm__ volatile("csrc mstatus, %0" ::"r"(MSTATUS_MIE_BIT) : "memory");
  return saved;
}
static inline void irq_restore(uint32_t saved) {
  if (saved) __asm__ volatile("csrs mstatus, %0" ::"r"(MSTATUS_MIE_BIT) : "memory");
}

static inline uint64_t rdcycle64(void) {
  uint32_t hi, lo, hi2;
  do {
    hi = csr_read(mcycleh);
    lo = csr_read(mcycle);
    hi2 = csr_read(mcycleh);
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdinstret64(void) {
  uint32_t hi, lo, hi2;
  do {
    hi = csr_read(minstreth);
    lo = csr_read(minstret);
    hi2 = csr_read(minstreth);
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}

#endif
