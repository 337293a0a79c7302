/* spin: counts forever (never exits by itself). The target of the debugger interrupt test
 * (test/firmware/gdb_interrupt.py): Ctrl-C must stop it, memory reads show the counter
 * advancing between interrupts, and a kill ends the simulation. */
#include <stdint.h>
#include <stdio.h>

volatile uint32_t spin_counter;

int main(void) {
  printf("spin: counting\n");
  for (;;) spin_counter = spin_counter + 1;
}
