/* Harness self-check: tests 2..6 pass, test 7 expects a wrong value, so the run must end with
 * exit code 7 (ctest firmware.harness.fail_exit_code). Proves that a failing ISA test cannot
 * report success. */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc
  TEST_CASE(2, a0, 2, li a0, 2)
  TEST_CASE(3, a0, 5, li a0, 2; addi a0, a0, 3)
  TEST_CASE(4, a0, 0, li a0, 0)
  TEST_CASE(5, a0, 0xffffffff, li a0, -1)
  TEST_CASE(6, a0, 6, li a0, 6)
  TEST_CASE(7, a0, 8, li a0, 7)   /* wrong on purpose */
  TEST_CASE(8, a0, 8, li a0, 8)
  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
