/* Harness self-check (issue 15, item 2): mtvec back at its reset value 0 (unmapped) and a
 * jump into unmapped memory. The hart fetch-faults to 0 forever with nothing retired; the
 * run must end at once with exit code 126 (no progress) naming the trap
 * (ctest firmware.harness.trap_storm). */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc
  csrw mtvec, zero
  li t0, 0x20000000
  jr t0
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
