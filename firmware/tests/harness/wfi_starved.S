/* Harness self-check (issue 15): WFI with every interrupt disabled and nothing armed. The
 * run must end as starvation (exit code 125) and say that the CPU is asleep in WFI
 * (ctest firmware.harness.wfi_starved). */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc
  csrw mie, zero
1:
  wfi
  j 1b
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
