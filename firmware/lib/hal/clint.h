/* SiFive CLINT: msip +0, mtimecmp +0x4000, mtime +0xBFF8 (64-bit, little-endian halves). */
#ifndef PUMAVP_HAL_CLINT_H
#define PUMAVP_HAL_CLINT_H

#include <stdint.h>

#include "hal/platform.h"

#define CLINT_MSIP (CLINT_BASE + 0x0000u)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000u)
#define CLINT_MTIME (CLINT_BASE + 0xBFF8u)
#define CLINT_MTIME_HZ_DEFAULT 10000000u /* default config: 10 MHz */

static inline uint64_t clint_mtime(void) { return mmio_read64(CLINT_MTIME); }

/* Glitch-free 64-bit update: never let the compare value pass through a small one. */
static inline void clint_set_timecmp(uint64_t t) {
  MMIO32(CLINT_MTIMECMP + 4) = 0xFFFFFFFFu;
  MMIO32(CLINT_MTIMECMP) = (uint32_t)t;
  MMIO32(CLINT_MTIMECMP + 4) = (uint32_t)(t >> 32);
}

static inline uint64_t clint_timecmp(void) {
  return ((uint64_t)MMIO32(CLINT_MTIMECMP + 4) << 32) | MMIO32(CLINT_MTIMECMP);
}

static inline void clint_msip_set(void) { MMIO32(CLINT_MSIP) = 1; }
static inline void clint_msip_clear(void) { MMIO32(CLINT_MSIP) = 0; }
static inline uint32_t clint_msip(void) { return MMIO32(CLINT_MSIP); }

#endif
