/* pumavp host SoC memory map (architecture.md §2): every row of the simulator's address map,
 * platform/memory_map.def, as NAME_BASE, NAME_SIZE and NAME_IRQ (the PLIC source, 0 = none):
 * FINISHER_BASE, CLINT_BASE, PLIC_BASE, UART_BASE, UART_IRQ, ACCEL_CSR_BASE, ACCEL_CSR_IRQ,
 * ACCEL_WINDOW_BASE, DRAM_BASE, ... The firmware and the simulator read the same table, so
 * they agree by construction. (C only: the constants are enumerators, not available to
 * assembler sources; DRAM_BASE is past INT_MAX, a GNU C extension the gnu11 build allows.) */
#ifndef PUMAVP_HAL_PLATFORM_H
#define PUMAVP_HAL_PLATFORM_H

#define MMIO32(addr) (*(volatile uint32_t*)(uintptr_t)(addr))
#define MMIO8(addr) (*(volatile uint8_t*)(uintptr_t)(addr))

#ifndef __ASSEMBLER__
#include <stdint.h>

enum {
#define PUMAVP_REGION(ID, name, base, size, irq) ID##_BASE = (base), ID##_SIZE = (size), ID##_IRQ = (irq),
#define PUMAVP_DEVICE(ID, name, base, size, irq, cls) PUMAVP_REGION(ID, name, base, size, irq)
#include "../../../platform/memory_map.def"
#undef PUMAVP_DEVICE
#undef PUMAVP_REGION
};


/* A 64-bit counter read as two 32-bit halves (low at addr, high at addr + 4), safe against
 * a carry between the two reads: high, low, high again until both highs agree. */
static inline uint64_t mmio_read64(uint32_t addr) {
  uint32_t hi, lo, hi2;
  do {
    hi = MMIO32(addr + 4);
    lo = MMIO32(addr);
    hi2 = MMIO32(addr + 4);
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}
#endif

#endif
