/* RV32M: mul, mulh, mulhsu, mulhu, div, divu, rem, remu, including division by zero
 * (quotient all ones, remainder = dividend) and signed overflow INT_MIN / -1 (quotient
 * INT_MIN, remainder 0). */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  TEST_RR_OP(2, mul, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(3, mul, 0x00000001, 0x00000001, 0x00000001)
  TEST_RR_OP(4, mul, 0x00000015, 0x00000003, 0x00000007)
  TEST_RR_OP(5, mul, 0x00000000, 0x00000000, 0xffff8000)
  TEST_RR_OP(6, mul, 0x00000000, 0x80000000, 0x00000000)
  TEST_RR_OP(7, mul, 0x00000000, 0x80000000, 0xffff8000)
  TEST_RR_OP(8, mul, 0x0000ff7f, 0xaaaaaaab, 0x0002fe7d)
  TEST_RR_OP(9, mul, 0x0000ff7f, 0x0002fe7d, 0xaaaaaaab)
  TEST_RR_OP(10, mul, 0x00000001, 0xffffffff, 0xffffffff)
  TEST_RR_OP(11, mul, 0xffffffff, 0xffffffff, 0x00000001)
  TEST_RR_OP(12, mul, 0x80000000, 0x80000000, 0xffffffff)
  TEST_RR_OP(13, mul, 0x242d2080, 0x12345678, 0x9abcdef0)
  TEST_RR_SRC1_EQ_DEST(14, mul, 143, 13, 11)
  TEST_RR_SRC12_EQ_DEST(15, mul, 169, 13)
  TEST_RR_ZERODEST(16, mul, 31, 32)

  TEST_RR_OP(20, mulh, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(21, mulh, 0x00000000, 0x00000001, 0x00000001)
  TEST_RR_OP(22, mulh, 0x00000000, 0x00000003, 0x00000007)
  TEST_RR_OP(23, mulh, 0x00000000, 0x00000000, 0xffff8000)
  TEST_RR_OP(24, mulh, 0x00000000, 0x80000000, 0x00000000)
  TEST_RR_OP(25, mulh, 0x00004000, 0x80000000, 0xffff8000)
  TEST_RR_OP(26, mulh, 0xffff0081, 0xaaaaaaab, 0x0002fe7d)
  TEST_RR_OP(27, mulh, 0xffff0081, 0x0002fe7d, 0xaaaaaaab)
  TEST_RR_OP(28, mulh, 0x00000000, 0xffffffff, 0xffffffff)
  TEST_RR_OP(29, mulh, 0xffffffff, 0xffffffff, 0x00000001)
  TEST_RR_OP(30, mulh, 0x40000000, 0x80000000, 0x80000000)
  TEST_RR_OP(31, mulh, 0x3fffffff, 0x7fffffff, 0x7fffffff)
  TEST_RR_OP(32, mulh, 0xc0000000, 0x80000000, 0x7fffffff)
  TEST_RR_SRC12_EQ_DEST(33, mulh, 0x00000000, 0x0000ffff)
  TEST_RR_ZERODEST(34, mulh, 31, 32)

  TEST_RR_OP(40, mulhsu, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(41, mulhsu, 0x00000000, 0x00000001, 0x00000001)
  TEST_RR_OP(42, mulhsu, 0x00000000, 0x00000003, 0x00000007)
  TEST_RR_OP(43, mulhsu, 0x00000000, 0x00000000, 0xffff8000)
  TEST_RR_OP(44, mulhsu, 0x00000000, 0x80000000, 0x00000000)
  TEST_RR_OP(45, mulhsu, 0x80004000, 0x80000000, 0xffff8000)
  TEST_RR_OP(46, mulhsu, 0xffff0081, 0xaaaaaaab, 0x0002fe7d)
  TEST_RR_OP(47, mulhsu, 0x0001fefe, 0x0002fe7d, 0xaaaaaaab)
  TEST_RR_OP(48, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff)
  TEST_RR_OP(49, mulhsu, 0xffffffff, 0xffffffff, 0x00000001)
  TEST_RR_OP(50, mulhsu, 0xc0000000, 0x80000000, 0x80000000)
  TEST_RR_OP(51, mulhsu, 0x7ffffffe, 0x7fffffff, 0xffffffff)
  TEST_RR_ZERODEST(52, mulhsu, 31, 32)

  TEST_RR_OP(60, mulhu, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(61, mulhu, 0x00000000, 0x00000001, 0x00000001)
  TEST_RR_OP(62, mulhu, 0x00000000, 0x00000003, 0x00000007)
  TEST_RR_OP(63, mulhu, 0x00000000, 0x00000000, 0xffff8000)
  TEST_RR_OP(64, mulhu, 0x00000000, 0x80000000, 0x00000000)
  TEST_RR_OP(65, mulhu, 0x7fffc000, 0x80000000, 0xffff8000)
  TEST_RR_OP(66, mulhu, 0x0001fefe, 0xaaaaaaab, 0x0002fe7d)
  TEST_RR_OP(67, mulhu, 0x0001fefe, 0x0002fe7d, 0xaaaaaaab)
  TEST_RR_OP(68, mulhu, 0xfffffffe, 0xffffffff, 0xffffffff)
  TEST_RR_OP(69, mulhu, 0x00000000, 0xffffffff, 0x00000001)
  TEST_RR_OP(70, mulhu, 0x40000000, 0x80000000, 0x80000000)
  TEST_RR_ZERODEST(71, mulhu, 31, 32)

  TEST_RR_OP(80, div, 3, 20, 6)
  TEST_RR_OP(81, div, -3, -20, 6)      /* rounds toward zero */
  TEST_RR_OP(82, div, -3, 20, -6)
  TEST_RR_OP(83, div, 3, -20, -6)
  TEST_RR_OP(84, div, 0, 5, 7)
  TEST_RR_OP(85, div, 0, -5, 7)
  TEST_RR_OP(86, div, 0x80000000, 0x80000000, 1)
  TEST_RR_OP(87, div, 0x80000000, 0x80000000, -1)  /* overflow: INT_MIN */
  TEST_RR_OP(88, div, -1, 0x80000000, 0)           /* by zero: all ones */
  TEST_RR_OP(89, div, -1, 1, 0)
  TEST_RR_OP(90, div, -1, 0, 0)
  TEST_RR_OP(91, div, -1, -7, 0)
  TEST_RR_OP(92, div, 0xc0000000, 0x80000000, 2)
  TEST_RR_OP(93, div, 0x7fffffff, 0x7fffffff, 1)
  TEST_RR_OP(94, div, 0x80000001, 0x7fffffff, -1)
  TEST_RR_SRC12_EQ_DEST(95, div, 1, -9)
  TEST_RR_ZERODEST(96, div, 31, 0)

  TEST_RR_OP(100, divu, 3, 20, 6)
  TEST_RR_OP(101, divu, 715827879, -20, 6)
  TEST_RR_OP(102, divu, 0, 20, -6)
  TEST_RR_OP(103, divu, 0, -20, -6)
  TEST_RR_OP(104, divu, 0x80000000, 0x80000000, 1)
  TEST_RR_OP(105, divu, 0, 0x80000000, -1)
  TEST_RR_OP(106, divu, -1, 0x80000000, 0)        /* by zero: all ones */
  TEST_RR_OP(107, divu, -1, 1, 0)
  TEST_RR_OP(108, divu, -1, 0, 0)
  TEST_RR_OP(109, divu, 1, 0xffffffff, 0xffffffff)
  TEST_RR_OP(110, divu, 0x7fffffff, 0xffffffff, 2)
  TEST_RR_ZERODEST(111, divu, 31, 0)

  TEST_RR_OP(120, rem, 2, 20, 6)
  TEST_RR_OP(121, rem, -2, -20, 6)     /* sign of the dividend */
  TEST_RR_OP(122, rem, 2, 20, -6)
  TEST_RR_OP(123, rem, -2, -20, -6)
  TEST_RR_OP(124, rem, 0, 0x80000000, 1)
  TEST_RR_OP(125, rem, 0, 0x80000000, -1)          /* overflow: remainder 0 */
  TEST_RR_OP(126, rem, 0x80000000, 0x80000000, 0)  /* by zero: the dividend */
  TEST_RR_OP(127, rem, 1, 1, 0)
  TEST_RR_OP(128, rem, 0, 0, 0)
  TEST_RR_OP(129, rem, -7, -7, 0)
  TEST_RR_OP(130, rem, 5, 5, 7)
  TEST_RR_OP(131, rem, -5, -5, 7)
  TEST_RR_OP(132, rem, 0xffffffff, 0x80000000, 0x7fffffff)
  TEST_RR_ZERODEST(133, rem, 31, 0)

  TEST_RR_OP(140, remu, 2, 20, 6)
  TEST_RR_OP(141, remu, 2, -20, 6)
  TEST_RR_OP(142, remu, 20, 20, -6)
  TEST_RR_OP(143, remu, 0xffffffec, -20, -6)
  TEST_RR_OP(144, remu, 0, 0x80000000, 1)
  TEST_RR_OP(145, remu, 0x80000000, 0x80000000, -1)
  TEST_RR_OP(146, remu, 0x80000000, 0x80000000, 0)  /* by zero: the dividend */
  TEST_RR_OP(147, remu, 1, 1, 0)
  TEST_RR_OP(148, remu, 0, 0, 0)
  TEST_RR_OP(149, remu, 0xffffffff, 0xffffffff, 0)
  TEST_RR_OP(150, remu, 1, 0xffffffff, 2)
  TEST_RR_ZERODEST(151, remu, 31, 0)

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
