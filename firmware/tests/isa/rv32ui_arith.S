/* RV32I arithmetic: add, addi, sub, slt, slti, sltu, sltiu, lui, auipc (32-bit encodings). */
#include "riscv_test.h"
#include "test_macros.h"

RVTEST_CODE_BEGIN
  .option norvc

  TEST_RR_OP(2, add, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(3, add, 0x00000002, 0x00000001, 0x00000001)
  TEST_RR_OP(4, add, 0x0000000a, 0x00000003, 0x00000007)
  TEST_RR_OP(5, add, 0xffff8000, 0x00000000, 0xffff8000)
  TEST_RR_OP(6, add, 0x80000000, 0x80000000, 0x00000000)
  TEST_RR_OP(7, add, 0x7fff8000, 0x80000000, 0xffff8000)
  TEST_RR_OP(8, add, 0x80007ffe, 0x7fffffff, 0x00007fff)
  TEST_RR_OP(9, add, 0x7fffffff, 0x80000000, 0xffffffff)  /* overflow wraps */
  TEST_RR_OP(10, add, 0x80000000, 0x7fffffff, 0x00000001)
  TEST_RR_OP(11, add, 0x00000000, 0xffffffff, 0x00000001)
  TEST_RR_OP(12, add, 0xfffffffe, 0xffffffff, 0xffffffff)
  TEST_RR_SRC1_EQ_DEST(13, add, 24, 13, 11)
  TEST_RR_SRC2_EQ_DEST(14, add, 25, 14, 11)
  TEST_RR_SRC12_EQ_DEST(15, add, 26, 13)
  TEST_RR_ZERODEST(16, add, 16, 30)
  TEST_RR_ZEROSRC1(17, add, 15, 15)

  TEST_IMM_OP(20, addi, 0x00000000, 0x00000000, 0)
  TEST_IMM_OP(21, addi, 0x0000000a, 0x00000003, 7)
  TEST_IMM_OP(22, addi, 0xfffff800, 0x00000000, -2048)
  TEST_IMM_OP(23, addi, 0x000007ff, 0x00000000, 2047)
  TEST_IMM_OP(24, addi, 0x7ffff800, 0x80000000, -2048)
  TEST_IMM_OP(25, addi, 0x800007fe, 0x7fffffff, 2047)
  TEST_IMM_OP(26, addi, 0x00000000, 0xffffffff, 1)
  TEST_IMM_OP(27, addi, 0xfffffffe, 0xffffffff, -1)
  TEST_IMM_OP(28, addi, 0x80000000, 0x7fffffff, 1)
  TEST_IMM_SRC1_EQ_DEST(29, addi, 24, 13, 11)
  TEST_IMM_ZERODEST(30, addi, 33, 50)

  TEST_RR_OP(40, sub, 0x00000000, 0x00000000, 0x00000000)
  TEST_RR_OP(41, sub, 0x00000000, 0x00000001, 0x00000001)
  TEST_RR_OP(42, sub, 0xfffffffc, 0x00000003, 0x00000007)
  TEST_RR_OP(43, sub, 0x00008000, 0x00000000, 0xffff8000)
  TEST_RR_OP(44, sub, 0x80008000, 0x80000000, 0xffff8000)
  TEST_RR_OP(45, sub, 0x7fff8000, 0x7fffffff, 0x00007fff)
  TEST_RR_OP(46, sub, 0x7fffffff, 0x80000000, 0x00000001)  /* overflow wraps */
  TEST_RR_OP(47, sub, 0x80000001, 0x00000000, 0x7fffffff)
  TEST_RR_OP(48, sub, 0x80000000, 0x00000000, 0x80000000)
  TEST_RR_OP(49, sub, 0x00000001, 0x00000000, 0xffffffff)
  TEST_RR_SRC1_EQ_DEST(50, sub, 2, 13, 11)
  TEST_RR_SRC2_EQ_DEST(51, sub, 3, 14, 11)
  TEST_RR_SRC12_EQ_DEST(52, sub, 0, 13)
  TEST_RR_ZERODEST(53, sub, 16, 30)
  TEST_RR_ZEROSRC1(54, sub, 0xfffffff1, 15)

  TEST_RR_OP(60, slt, 0, 0x00000000, 0x00000000)
  TEST_RR_OP(61, slt, 0, 0x00000001, 0x00000001)
  TEST_RR_OP(62, slt, 1, 0x00000003, 0x00000007)
  TEST_RR_OP(63, slt, 0, 0x00000007, 0x00000003)
  TEST_RR_OP(64, slt, 0, 0x00000000, 0xffff8000)
  TEST_RR_OP(65, slt, 1, 0x80000000, 0x00000000)
  TEST_RR_OP(66, slt, 1, 0x80000000, 0x7fffffff)
  TEST_RR_OP(67, slt, 0, 0x7fffffff, 0x80000000)
  TEST_RR_OP(68, slt, 1, 0xffffffff, 0x00000000)
  TEST_RR_OP(69, slt, 0, 0x00000000, 0xffffffff)
  TEST_RR_OP(70, slt, 1, 0xfffffffe, 0xffffffff)
  TEST_RR_SRC12_EQ_DEST(71, slt, 0, 13)
  TEST_RR_ZERODEST(72, slt, 1, 2)

  TEST_RR_OP(80, sltu, 0, 0x00000000, 0x00000000)
  TEST_RR_OP(81, sltu, 1, 0x00000003, 0x00000007)
  TEST_RR_OP(82, sltu, 0, 0x00000007, 0x00000003)
  TEST_RR_OP(83, sltu, 1, 0x00000000, 0xffff8000)
  TEST_RR_OP(84, sltu, 0, 0x80000000, 0x00000000)
  TEST_RR_OP(85, sltu, 0, 0x80000000, 0x7fffffff)
  TEST_RR_OP(86, sltu, 1, 0x7fffffff, 0x80000000)
  TEST_RR_OP(87, sltu, 0, 0xffffffff, 0x00000000)
  TEST_RR_OP(88, sltu, 1, 0xfffffffe, 0xffffffff)
  TEST_RR_ZEROSRC1(89, sltu, 1, 5)  /* snez idiom */
  TEST_RR_ZEROSRC1(90, sltu, 0, 0)

  TEST_IMM_OP(100, slti, 0, 0x00000000, 0)
  TEST_IMM_OP(101, slti, 1, 0x00000003, 7)
  TEST_IMM_OP(102, slti, 0, 0x00000007, 3)
  TEST_IMM_OP(103, slti, 0, 0x00000000, -2048)
  TEST_IMM_OP(104, slti, 1, 0x80000000, 0)
  TEST_IMM_OP(105, slti, 1, 0x80000000, 2047)
  TEST_IMM_OP(106, slti, 0, 0x7fffffff, -2048)
  TEST_IMM_OP(107, slti, 1, 0xffffffff, 0)
  TEST_IMM_OP(108, slti, 0, 0xffffffff, -1)
  TEST_IMM_OP(109, slti, 1, 0xfffff000, -2048)

  TEST_IMM_OP(120, sltiu, 0, 0x00000000, 0)
  TEST_IMM_OP(121, sltiu, 1, 0x00000003, 7)
  TEST_IMM_OP(122, sltiu, 0, 0x00000007, 3)
  TEST_IMM_OP(123, sltiu, 1, 0x00000000, -2048)   /* imm sign-extends, then compares unsigned */
  TEST_IMM_OP(124, sltiu, 0, 0x80000000, 0)
  TEST_IMM_OP(125, sltiu, 1, 0x80000000, -2048)
  TEST_IMM_OP(126, sltiu, 1, 0xfffffffe, -1)
  TEST_IMM_OP(127, sltiu, 0, 0xffffffff, -1)
  TEST_IMM_OP(128, sltiu, 1, 0x00000000, 1)      /* seqz idiom */
  TEST_IMM_OP(129, sltiu, 0, 0x00000005, 1)

  TEST_CASE(140, a0, 0x00000000, lui a0, 0x00000)
  TEST_CASE(141, a0, 0xfffff000, lui a0, 0xfffff)
  TEST_CASE(142, a0, 0x7ffff000, lui a0, 0x7ffff)
  TEST_CASE(143, a0, 0x80000000, lui a0, 0x80000)
  TEST_CASE(144, a0, 0x12345000, lui a0, 0x12345)
  TEST_CASE(145, a0, 0x12345678, lui a0, 0x12345; addi a0, a0, 0x678)
  TEST_CASE(146, x0, 0, lui x0, 0x80000)

  /* auipc: pc-relative; compare against the label address computed independently. */
  TEST_CASE(150, a0, 0, 1: auipc a0, 0; la a1, 1b; sub a0, a0, a1)
  TEST_CASE(151, a0, 0x1000, 1: auipc a0, 1; la a1, 1b; sub a0, a0, a1)
  TEST_CASE(152, a0, 0xfffff000, 1: auipc a0, 0xfffff; la a1, 1b; sub a0, a0, a1)
  TEST_CASE(153, a0, 0x80000000, 1: auipc a0, 0x80000; la a1, 1b; sub a0, a0, a1)
  /* la expands to auipc+addi: its value must be the absolute link address of the label. */
  TEST_CASE(154, a0, 0x80000000, la a0, _start)

  j pass
RVTEST_CODE_END

RVTEST_DATA_BEGIN
RVTEST_DATA_END
