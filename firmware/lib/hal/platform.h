/* pumavp host SoC memory map (architecture.md §2). */
#ifndef PUMAVP_HAL_PLATFORM_H
#define PUMAVP_HAL_PLATFORM_H

#define FINISHER_BASE 0x00100000u
#define CLINT_BASE 0x02000000u
#define PLIC_BASE 0x0C000000u
#define UART_BASE 0x10000000u
#define ACCEL_CSR_BASE 0x40000000u
#define ACCEL_WINDOW_BASE 0x50000000u
#define DRAM_BASE 0x80000000u

#define MMIO32(addr) (*(volatile uint32_t*)(uintptr_t)(addr))
#define MMIO8(addr) (*(volatile uint8_t*)(uintptr_t)(addr))

#ifndef __ASSEMBLER__
#include <stdint.h>

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
