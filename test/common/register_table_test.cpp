// pumavp::RegisterTable (common/register_table.h) on its own: the access kinds, fields, reset
// values, widths and debug accesses.
#include <gtest/gtest.h>

#include <stdexcept>

#include "common/register_table.h"

using namespace pumavp;
using Status = RegisterTable::Status;

TEST(RegisterTable, WriteOneToClearClearsOnlyTheBitsWritten) {
  RegisterTable t("dev");
  uint32_t seen = 0xdeadu;
  t.add(0x1C, 4, "IRQ_STATUS", Access::W1C).on_write([&](uint32_t v) { seen = v; });
  t.value(0x1C) = 0x5u;  // bits 0 and 2 pending (as a device's raise() would set them)
  uint32_t v = 0;
  ASSERT_EQ(t.read(0x1C, v), Status::Ok);
  EXPECT_EQ(v, 0x5u);
  // Write 1 to bit 2 only: 0b101 & ~0b100 = 0b001; bit 0 must survive.
  ASSERT_EQ(t.write(0x1C, 0x4u), Status::Ok);
  EXPECT_EQ(seen, 0x4u);  // the callback sees the value written, not the new contents
  ASSERT_EQ(t.read(0x1C, v), Status::Ok);
  EXPECT_EQ(v, 0x1u);
  // Writing 0 changes nothing; writing 1 to a clear bit changes nothing.
  ASSERT_EQ(t.write(0x1C, 0x0u), Status::Ok);
  ASSERT_EQ(t.write(0x1C, 0x6u), Status::Ok);
  ASSERT_EQ(t.read(0x1C, v), Status::Ok);
  EXPECT_EQ(v, 0x1u);
  ASSERT_EQ(t.write(0x1C, 0x1u), Status::Ok);
  ASSERT_EQ(t.read(0x1C, v), Status::Ok);
  EXPECT_EQ(v, 0u);
}

TEST(RegisterTable, ResetValuesReadOnlyAndFields) {
  RegisterTable t("dev");
  int writes = 0;
  t.add(0x0, 4, "ID", Access::RO, 0x50554D41).on_write([&](uint32_t) { ++writes; });
  // bits 2..0 writable, bit 4 write-1-to-clear, the rest read-only (reset 0x30: bit 5 stays).
  t.add(0x4, 4, "CTRL", Access::RW, 0x30).fields(0x7, 0x10);
  t.add(0x8, 4, "CMD", Access::WO).on_write([&](uint32_t) { ++writes; });
  uint32_t v = 0;
  ASSERT_EQ(t.read(0x0, v), Status::Ok);
  EXPECT_EQ(v, 0x50554D41u);
  EXPECT_EQ(t.write(0x0, 0), Status::Ok);  // ignored, no callback
  ASSERT_EQ(t.read(0x0, v), Status::Ok);
  EXPECT_EQ(v, 0x50554D41u);
  EXPECT_EQ(writes, 0);
  ASSERT_EQ(t.write(0x4, 0xFFFFFFFFu), Status::Ok);
  ASSERT_EQ(t.read(0x4, v), Status::Ok);
  EXPECT_EQ(v, 0x27u);  // 0x30 & ~0x10 | 0x7
  ASSERT_EQ(t.write(0x8, 5), Status::Ok);
  EXPECT_EQ(writes, 1);
  ASSERT_EQ(t.read(0x8, v), Status::Ok);
  EXPECT_EQ(v, 0u);  // write-only reads 0
  t.reset();
  ASSERT_EQ(t.read(0x4, v), Status::Ok);
  EXPECT_EQ(v, 0x30u);
  EXPECT_EQ(t.read(0xC, v), Status::Unmapped);
  EXPECT_EQ(t.write(0xC, 1), Status::Unmapped);
}

TEST(RegisterTable, WidthsAndByteRanges) {
  RegisterTable t("dev");
  t.add(0x0, 1, "B", Access::RW, 0x1FF);  // reset masked to the width
  t.add(0x2, 2, "H", Access::RW, 0xBEEF);
  t.add(0x4, 4, "W", Access::RW, 0x11223344);
  EXPECT_THROW(t.add(0x6, 4, "X", Access::RW), std::logic_error);  // misaligned
  EXPECT_THROW(t.add(0x4, 2, "Y", Access::RW), std::logic_error);  // overlaps W
  EXPECT_THROW(t.add(0x8, 3, "Z", Access::RW), std::logic_error);  // width
  uint32_t v = 0;
  ASSERT_EQ(t.read(0x0, v), Status::Ok);
  EXPECT_EQ(v, 0xFFu);
  uint8_t b = 0;
  EXPECT_EQ(t.read(uint64_t{0x3}, &b, 1), Status::Ok);  // upper byte of H
  EXPECT_EQ(b, 0xBEu);
  EXPECT_EQ(t.read(uint64_t{0x1}, &b, 1), Status::Unmapped);  // hole
  EXPECT_EQ(t.read(uint64_t{0x2}, &v, 4), Status::Unmapped);  // crosses H's end
  const uint16_t h = 0x1234;
  EXPECT_EQ(t.write(uint64_t{0x4}, &h, 2), Status::Partial);
  EXPECT_EQ(t.write(uint64_t{0x2}, &h, 2), Status::Ok);
  ASSERT_EQ(t.read(0x2, v), Status::Ok);
  EXPECT_EQ(v, 0x1234u);
  EXPECT_EQ(t.find(0x5)->name, "W");
  EXPECT_EQ(t.find(0x8), nullptr);
}

TEST(RegisterTable, DebugAccessesHaveNoSideEffects) {
  RegisterTable t("dev");
  int pops = 0, writes = 0;
  t.add(0x0, 4, "FIFO", Access::RO).on_read([&] { return uint32_t(++pops); }).read_side_effects();
  t.add(0x4, 4, "STATUS", Access::RO).on_read([] { return 7u; });
  t.add(0x8, 4, "DATA", Access::RW, 3).on_write([&](uint32_t) { ++writes; });
  uint32_t v = 0xFFFF;
  EXPECT_EQ(t.read(0x0, &v, 4, true), Status::Ok);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(pops, 0);
  EXPECT_EQ(t.read(0x4, &v, 4, true), Status::Ok);  // no side effects: read as usual
  EXPECT_EQ(v, 7u);
  v = 9;
  EXPECT_EQ(t.write(0x8, &v, 4, true), Status::Refused);
  EXPECT_EQ(writes, 0);
  ASSERT_EQ(t.read(0x8, v), Status::Ok);
  EXPECT_EQ(v, 3u);
  EXPECT_EQ(t.read(0x0, &v, 4), Status::Ok);  // a normal read pops
  EXPECT_EQ(pops, 1);
}
