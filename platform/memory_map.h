// pumavp::memory_map — the host SoC's address map (platform/memory_map.def) as C++ constants:
// one Region per row, named after the row (memory_map::UART.base, memory_map::ACCEL_CSR.irq).
// The firmware sees the same rows as UART_BASE, ACCEL_CSR_IRQ, ... (firmware/lib/hal/platform.h).
#pragma once

#include <cstdint>

namespace pumavp::memory_map {

struct Region {
  const char* name;  // bus map and SystemC name
  uint64_t base, size;
  unsigned irq;      // PLIC source, 0 = none
};

#define PUMAVP_REGION(ID, name, base, size, irq) inline constexpr Region ID{name, base, size, irq};
#define PUMAVP_DEVICE(ID, name, base, size, irq, cls) PUMAVP_REGION(ID, name, base, size, irq)
#include "memory_map.def"
#undef PUMAVP_DEVICE
#undef PUMAVP_REGION

// Every row, in table order.
inline constexpr Region kAll[] = {
#define PUMAVP_REGION(ID, name, base, size, irq) ID,
#define PUMAVP_DEVICE(ID, name, base, size, irq, cls) ID,
#include "memory_map.def"
#undef PUMAVP_DEVICE
#undef PUMAVP_REGION
};

}  // namespace pumavp::memory_map
