/* RV32I logic: and, or, xor, andi, ori, xori (32-bit encodings). */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  TEST_RR_OP(2, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_OP(3, and, 0x00f000f0, 0x0ff00ff0, 0xf0f0f0f0)
  TEST_RR_OP(4, and, 0x000f000f, 0x00ff00ff, 0x0f0f0f0f)
  TEST_RR_OP(5, and, 0xf000f000, 0xf00ff00f, 0xf0f0f0f0)
  TEST_RR_OP(6, and, 0x00000000, 0xffffffff, 0x00000000)
  TEST_RR_OP(7, and, 0x89abcdef, 0xffffffff, 0x89abcdef)
  TEST_RR_SRC1_EQ_DEST(8, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_SRC2_EQ_DEST(9, and, 0x00f000f0, 0x0ff00ff0, 0xf0f0f0f0)
  TEST_RR_SRC12_EQ_DEST(10, and, 0xff00ff00, 0xff00ff00)
  TEST_RR_ZERODEST(11, and, 0x11111111, 0x22222222)

  TEST_RR_OP(20, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_OP(21, or, 0xfff0fff0, 0x0ff00ff0, 0xf0f0f0f0)
  TEST_RR_OP(22, or, 0x0fff0fff, 0x00ff00ff, 0x0f0f0f0f)
  TEST_RR_OP(23, or, 0xf0fff0ff, 0xf00ff00f, 0xf0f0f0f0)
  TEST_RR_OP(24, or, 0x89abcdef, 0x00000000, 0x89abcdef)
  TEST_RR_SRC12_EQ_DEST(25, or, 0xff00ff00, 0xff00ff00)
  TEST_RR_ZEROSRC1(26, or, 0x12345678, 0x12345678)
  TEST_RR_ZERODEST(27, or, 0x11111111, 0x22222222)

  TEST_RR_OP(40, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR_OP(41, xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0)
  TEST_RR_OP(42, xor, 0x0ff00ff0, 0x00ff00ff, 0x0f0f0f0f)
  TEST_RR_OP(43, xor, 0x00ff00ff, 0xf00ff00f, 0xf0f0f0f0)
  TEST_RR_OP(44, xor, 0x76543210, 0x89abcdef, 0xffffffff)
  TEST_RR_SRC12_EQ_DEST(45, xor, 0x00000000, 0xff00ff00)
  TEST_RR_ZERODEST(46, xor, 0x11111111, 0x22222222)

  /* Immediates are 12-bit sign-extended. */
  TEST_IMM_OP(60, andi, 0xff00ff00, 0xff00ff00, 0xf0f - 0x1000)
  TEST_IMM_OP(61, andi, 0x000000f0, 0x0ff00ff0, 0x0f0)
  TEST_IMM_OP(62, andi, 0x0000000f, 0x00ff00ff, 0x70f)
  TEST_IMM_OP(63, andi, 0x00000000, 0xf00ff00f, 0x0f0)
  TEST_IMM_OP(64, andi, 0x89abcdef, 0x89abcdef, -1)
  TEST_IMM_OP(65, andi, 0x89abc800, 0x89abcdef, -2048)
  TEST_IMM_SRC1_EQ_DEST(66, andi, 0x00000000, 0xff00ff00, 0x070)
  TEST_IMM_ZERODEST(67, andi, 0xffffffff, 0x7ff)

  TEST_IMM_OP(80, ori, 0xffffff0f, 0xff00ff00, 0xf0f - 0x1000)
  TEST_IMM_OP(81, ori, 0x0ff00ff0, 0x0ff00ff0, 0x0f0)
  TEST_IMM_OP(82, ori, 0x00ff07ff, 0x00ff00ff, 0x70f)
  TEST_IMM_OP(83, ori, 0xf00ff0ff, 0xf00ff00f, 0x0f0)
  TEST_IMM_OP(84, ori, 0xfffff800, 0x00000000, -2048)
  TEST_IMM_OP(85, ori, 0x000007ff, 0x00000000, 2047)
  TEST_IMM_SRC1_EQ_DEST(86, ori, 0xff00fff0, 0xff00ff00, 0x0f0)
  TEST_IMM_ZERODEST(87, ori, 0x12345678, 0x7ff)

  TEST_IMM_OP(100, xori, 0xff00f00f, 0x00ff0f00, 0xf0f - 0x1000)
  TEST_IMM_OP(101, xori, 0x0ff00f00, 0x0ff00ff0, 0x0f0)
  TEST_IMM_OP(102, xori, 0x00ff0ff0, 0x00ff08ff, 0x70f)
  TEST_IMM_OP(103, xori, 0xf00ff0ff, 0xf00ff00f, 0x0f0)
  TEST_IMM_OP(104, xori, 0x76543210, 0x89abcdef, -1)   /* not idiom */
  TEST_IMM_SRC1_EQ_DEST(105, xori, 0xff00ff0f, 0xff00fff0, 0x0ff)
  TEST_IMM_ZERODEST(106, xori, 0x12345678, 0x7ff)

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
