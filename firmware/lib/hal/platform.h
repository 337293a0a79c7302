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

#endif
