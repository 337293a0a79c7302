/* SiFive PLIC, hart 0 M-mode context: priority +4*src, pending +0x1000, enable +0x2000,
 * threshold +0x200000, claim/complete +0x200004. Source 1 is the accelerator. */
#ifndef PUMAVP_HAL_PLIC_H
#define PUMAVP_HAL_PLIC_H

#include <stdint.h>

#include "hal/platform.h"

#define PLIC_PRIORITY(src) (PLIC_BASE + 4u * (src))
#define PLIC_PENDING(word) (PLIC_BASE + 0x1000u + 4u * (word))
#define PLIC_ENABLE(word) (PLIC_BASE + 0x2000u + 4u * (word))
#define PLIC_THRESHOLD (PLIC_BASE + 0x200000u)
#define PLIC_CLAIM (PLIC_BASE + 0x200004u)
#define PLIC_SOURCE_ACCEL ACCEL_CSR_IRQ /* the accelerator node's PLIC source (memory_map.def) */

static inline void plic_set_priority(uint32_t src, uint32_t prio) { MMIO32(PLIC_PRIORITY(src)) = prio; }
static inline uint32_t plic_priority(uint32_t src) { return MMIO32(PLIC_PRIORITY(src)); }
static inline void plic_enable(uint32_t src) { MMIO32(PLIC_ENABLE(src / 32)) |= 1u << (src % 32); }
static inline void plic_disable(uint32_t src) { MMIO32(PLIC_ENABLE(src / 32)) &= ~(1u << (src % 32)); }
static inline uint32_t plic_enabled_word(uint32_t word) { return MMIO32(PLIC_ENABLE(word)); }
static inline int plic_pending(uint32_t src) { return (MMIO32(PLIC_PENDING(src / 32)) >> (src % 32)) & 1u; }
static inline void plic_set_threshold(uint32_t t) { MMIO32(PLIC_THRESHOLD) = t; }
static inline uint32_t plic_threshold(void) { return MMIO32(PLIC_THRESHOLD); }
static inline uint32_t plic_claim(void) { return MMIO32(PLIC_CLAIM); }
static inline void plic_complete(uint32_t src) { MMIO32(PLIC_CLAIM) = src; }

#endif
