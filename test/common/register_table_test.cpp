// pumavp::RegisterTable (common/register_table.h) on its own: the access kinds.
#include <gtest/gtest.h>

#include "common/register_table.h"

using namespace pumavp;

TEST(RegisterTable, WriteOneToClearClearsOnlyTheBitsWritten) {
  RegisterTable t("dev");
  uint32_t seen = 0xdeadu;
  t.add(0x1C, "IRQ_STATUS", Access::W1C, 0, nullptr, [&](uint32_t v) { seen = v; });
  t.value(0x1C) = 0x5u;  // bits 0 and 2 pending (as a device's raise() would set them)
  uint32_t v = 0;
  ASSERT_TRUE(t.read(0x1C, v));
  EXPECT_EQ(v, 0x5u);
  // Write 1 to bit 2 only: 0b101 & ~0b100 = 0b001; bit 0 must survive.
  ASSERT_TRUE(t.write(0x1C, 0x4u));
  EXPECT_EQ(seen, 0x4u);  // the callback sees the value written, not the new contents
  ASSERT_TRUE(t.read(0x1C, v));
  EXPECT_EQ(v, 0x1u);
  // Writing 0 changes nothing; writing 1 to a clear bit changes nothing.
  ASSERT_TRUE(t.write(0x1C, 0x0u));
  ASSERT_TRUE(t.write(0x1C, 0x6u));
  ASSERT_TRUE(t.read(0x1C, v));
  EXPECT_EQ(v, 0x1u);
  ASSERT_TRUE(t.write(0x1C, 0x1u));
  ASSERT_TRUE(t.read(0x1C, v));
  EXPECT_EQ(v, 0u);
}
