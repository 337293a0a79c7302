// ElfFile: loading, symbols, and rejection of malformed or foreign files.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "elf_writer.h"
#include "host/elf_loader.h"

using pumavp::host::ElfError;
using pumavp::host::ElfFile;

namespace {
constexpr uint32_t kDram = 0x80000000u;

std::vector<uint8_t> good() {
  return elfw::make_elf(kDram + 4, {{kDram, {1, 2, 3, 4, 5, 6, 7, 8}, 16}, {kDram + 0x100, {9, 9}, 2}},
                        {{"_start", kDram + 4, 4, 2}, {"table", kDram + 0x100, 2, 1}, {"main", kDram + 8, 8, 2}});
}

std::string error_of(std::vector<uint8_t> bytes) {
  try {
    ElfFile::parse(std::move(bytes), "fw.elf");
  } catch (const ElfError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Elf, LoadsSegmentsWithZeroFill) {
  const ElfFile f = ElfFile::parse(good(), "fw.elf");
  EXPECT_EQ(f.entry(), kDram + 4);
  ASSERT_EQ(f.segments().size(), 2u);
  std::map<uint32_t, int> mem;  // addr -> byte (-1 = zero fill)
  f.load(
      [&](uint32_t a, const uint8_t* d, uint32_t n) {
        for (uint32_t i = 0; i < n; ++i) mem[a + i] = d ? d[i] : 0;
      },
      {{kDram, 1 << 20}});
  ASSERT_EQ(mem.size(), 18u);
  EXPECT_EQ(mem[kDram], 1);
  EXPECT_EQ(mem[kDram + 7], 8);
  EXPECT_EQ(mem[kDram + 8], 0);
  EXPECT_EQ(mem[kDram + 15], 0);
  EXPECT_EQ(mem[kDram + 0x101], 9);
}

TEST(Elf, Symbols) {
  const ElfFile f = ElfFile::parse(good(), "fw.elf");
  ASSERT_TRUE(f.symbol("main").has_value());
  EXPECT_EQ(*f.symbol("main"), kDram + 8);
  EXPECT_FALSE(f.symbol("nope").has_value());
  uint32_t off = 99;
  EXPECT_EQ(f.symbol_at(kDram + 13, &off), "main");
  EXPECT_EQ(off, 5u);
  EXPECT_EQ(f.symbol_at(kDram + 4), "_start");
  EXPECT_EQ(f.symbol_at(kDram + 0x40), "");  // past main's size, before table
  EXPECT_EQ(f.symbol_at(kDram + 0x101), "table");
}

TEST(Elf, RejectsBadMagicClassMachineType) {
  auto b = good();
  b[1] = 'X';
  EXPECT_NE(error_of(b).find("bad magic"), std::string::npos);
  EXPECT_NE(error_of(elfw::make_elf(kDram, {{kDram, {1}, 1}}, {}, 243, 2)).find("32-bit"), std::string::npos);
  EXPECT_NE(error_of(elfw::make_elf(kDram, {{kDram, {1}, 1}}, {}, 62)).find("wrong machine 62"), std::string::npos);
  EXPECT_NE(error_of(elfw::make_elf(kDram, {{kDram, {1}, 1}}, {}, 243, 1, 3)).find("not an executable"),
            std::string::npos);
  b = good();
  b[5] = 2;
  EXPECT_NE(error_of(b).find("little-endian"), std::string::npos);
  EXPECT_NE(error_of({}).find("bad magic"), std::string::npos);
}

TEST(Elf, RejectsTruncatedFilesAtEveryLength) {
  const auto b = good();
  for (size_t n = 0; n < b.size(); ++n) {
    std::vector<uint8_t> t(b.begin(), b.begin() + static_cast<long>(n));
    const std::string e = error_of(t);
    // Every prefix that cuts into headers or data must be rejected with a message; a cut that
    // only removes trailing section data must still not crash.
    if (n < 52 + 2 * 32 + 10) {
      EXPECT_FALSE(e.empty()) << "prefix " << n;
    }
  }
}

TEST(Elf, RejectsInconsistentSegments) {
  auto b = elfw::make_elf(kDram, {{kDram, {1, 2, 3, 4}, 2}});  // filesz > memsz
  EXPECT_NE(error_of(b).find("p_filesz"), std::string::npos);
  b = elfw::make_elf(0x10, {{kDram, {1, 2, 3, 4}, 4}});
  EXPECT_NE(error_of(b).find("entry point"), std::string::npos);
  b = elfw::make_elf(0xfffffff0u, {{0xfffffff0u, {1}, 0x100}});
  EXPECT_NE(error_of(b).find("wraps"), std::string::npos);
  // Points the segment data past the end of the file.
  b = elfw::make_elf(kDram, {{kDram, {1, 2, 3, 4}, 4}});
  elfw::put32(b, 52 + 4, 0x10000);
  EXPECT_NE(error_of(b).find("truncated"), std::string::npos);
}

TEST(Elf, LoadRejectsSegmentsOutsideMemory) {
  const ElfFile f = ElfFile::parse(elfw::make_elf(0x1000, {{0x1000, {1, 2}, 2}}), "fw.elf");
  bool wrote = false;
  try {
    f.load([&](uint32_t, const uint8_t*, uint32_t) { wrote = true; }, {{kDram, 1 << 20}});
    FAIL() << "no error";
  } catch (const ElfError& e) {
    EXPECT_NE(std::string(e.what()).find("outside memory"), std::string::npos);
  }
  EXPECT_FALSE(wrote);
  // Straddling the end of DRAM.
  const ElfFile g = ElfFile::parse(elfw::make_elf(kDram + 0xff0, {{kDram + 0xff0, {1}, 0x20}}), "fw.elf");
  EXPECT_THROW(g.load([](uint32_t, const uint8_t*, uint32_t) {}, {{kDram, 0x1000}}), ElfError);
}

TEST(Elf, MissingFile) {
  try {
    ElfFile::read_file("/nonexistent/fw.elf");
    FAIL();
  } catch (const ElfError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
  }
}
