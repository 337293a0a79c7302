/* hello: prints over the UART (picolibc printf) and exits 0 through the test finisher.
 * Also the target of the GDB test (test/firmware): keep `greet` and `greeting_count`. */
#include <stdio.h>

#include "hal/hal.h"

volatile int greeting_count = 0;

__attribute__((noinline)) int greet(const char* who, int times) {
  for (int i = 0; i < times; ++i) {
    printf("Hello, %s! (%d)\n", who, i + 1);
    greeting_count = greeting_count + 1;
  }
  return greeting_count;
}

int main(void) {
  const int n = greet("pumavp", 2);
  printf("misa=0x%08lx mhartid=%lu\n", (unsigned long)csr_read(misa), (unsigned long)csr_read(mhartid));
  return n == 2 ? 0 : 1;
}
