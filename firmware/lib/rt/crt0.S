/* pumavp firmware start-up: stack, gp/tp, .bss (and TLS .tbss) zeroing, trap vector, then
 * main(); its return value goes to exit() and so to the test finisher. The image is loaded
 * at its link address by the ELF loader, so no .data copy is needed. */
#include "rt/trap_frame.h"

  .section .text.init, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack
  la tp, __tls_base

  /* Zero .tbss + .bss (word loop; both ends are 8-aligned by the linker script). */
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  /* Direct-mode trap vector, no interrupt enabled yet. */
  la t0, trap_entry
  csrw mtvec, t0
  csrw mie, zero
  csrci mstatus, MSTATUS_MIE

  call __libc_init_array
  li a0, 0
  li a1, 0
  call main
  call exit
3:
  wfi
  j 3b
  .size _start, . - _start
