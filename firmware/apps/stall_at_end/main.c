/* stall_at_end: the run ends (--max-time) while the CPU is stalled in a window read
 * (issue 15, defect 1: the process used to abort with "free(): invalid size" because a
 * stack-allocated payload extension was left on the CPU's long-lived payload).
 * LOADs and STARTs the spin kernel (about 60k accelerator instructions), then reads its
 * output word, which the kernel never writes: the read waits in the accelerator until the
 * run ends. Run with a --max-time shorter than the kernel: the expected outcome is exit
 * code 124 with the CPU reported "stalled in a bus access". Printing "stall_at_end: released"
 * means the read came back before the limit (the limit was too long for this check). */
#include <stdint.h>
#include <stdio.h>

#include "hal/hal.h"
#include "puma.h"

extern const uint8_t k_spin[];
extern const uint8_t k_spin_end[];

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  puma_dev_t dev;
  puma_tensor_t y;
  if (puma_probe(&dev) != PUMA_OK) return 2;
  const uint32_t n = (uint32_t)(k_spin_end - k_spin);
  if (puma_find_tensor(k_spin, n, "y", &y) != PUMA_OK) return 3;
  if (puma_load(&dev, k_spin, n) != PUMA_OK) return 4;
  if (puma_start(&dev) != PUMA_OK) return 5;
  printf("stall_at_end: reading y while the kernel runs\n");
  const volatile uint16_t* w = (const volatile uint16_t*)(uintptr_t)puma_window_addr(y.tile, y.addr);
  const uint16_t v = *w;
  printf("stall_at_end: released (0x%04x)\n", v);
  return 1;
}
