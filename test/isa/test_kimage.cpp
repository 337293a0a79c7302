// Kernel image tests: byte layout (architecture.md §2.4), reader validation with the
// §2.5 error codes, platform validation, robustness against mutation and truncation.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <random>

#include "isa/kimage.h"

using namespace pumavp;
using namespace pumavp::isa;

namespace {

uint16_t rd16(const std::vector<uint8_t>& b, size_t o) { return uint16_t(b[o] | (b[o + 1] << 8)); }
uint32_t rd32(const std::vector<uint8_t>& b, size_t o) { return rd16(b, o) | (uint32_t(rd16(b, o + 2)) << 16); }
void wr16(std::vector<uint8_t>& b, size_t o, uint16_t v) { b[o] = uint8_t(v); b[o + 1] = uint8_t(v >> 8); }
void wr32(std::vector<uint8_t>& b, size_t o, uint32_t v) { wr16(b, o, uint16_t(v)); wr16(b, o + 2, uint16_t(v >> 16)); }
void fix_crc(std::vector<uint8_t>& b) {
  if (b.size() < 64) return;
  uint32_t c = uint32_t(crc32(0L, b.data() + 64, uInt(b.size() - 64)));
  wr32(b, 28, c);
}

KernelImage sample() {
  KernelImage img;
  img.header.tiles = 2;
  img.header.cores_per_tile = 2;
  img.header.num_mvmu = 2;
  img.header.xbar_size = 128;
  img.header.bits_per_cell = 2;
  img.header.slices = 8;
  img.header.frac_bits = 12;
  img.tensors.push_back({"x", 0, 0, 4, TensorDir::In, 1});
  img.tensors.push_back({"y", 1, 0, 2, TensorDir::Out, 0});
  XbarWeights x;
  x.tile = 0; x.core = 1; x.mvmu = 1; x.rows = 2; x.cols = 3;
  x.w = {1, -2, 3, -32768, 32767, 0};
  img.xbars.push_back(x);
  img.data.push_back({1, 100, 3, {7, -7, 0x1234}});
  img.programs.push_back({0, 0, {0x0000020000100803ull, 0x000000000000000Dull | (0ull << 50), 0x2}});
  img.programs.push_back({0, kTileUnit, {0x0000400040000820ull, 0x22}});
  img.programs.push_back({1, kTileUnit, {0x0000400040000021ull, 0x22}});
  img.symbols.push_back({"start", 0, 0, 0});
  img.symbols.push_back({"end", 0, 0, 3});
  img.symbols.push_back({"t1", 1, kTileUnit, 1});
  return img;
}

ErrorCode read_code(const std::vector<uint8_t>& b) { return read_image(b).error.code; }

}  // namespace

TEST(IsaKimage, ByteLayout) {
  KernelImage img = sample();
  auto b = write_image(img);
  ASSERT_GE(b.size(), 64u);
  EXPECT_EQ(std::memcmp(b.data(), "PUMAKIMG", 8), 0);
  EXPECT_EQ(rd16(b, 8), 1);       // version
  EXPECT_EQ(rd16(b, 10), 0);      // flags
  EXPECT_EQ(rd16(b, 12), 2);      // tiles
  EXPECT_EQ(b[14], 2);            // cores
  EXPECT_EQ(b[15], 2);            // MVMUs
  EXPECT_EQ(rd16(b, 16), 128);    // X
  EXPECT_EQ(b[18], 2);            // bits per cell
  EXPECT_EQ(b[19], 8);            // slices
  EXPECT_EQ(b[20], 12);           // frac bits
  EXPECT_EQ(b[21] | b[22] | b[23], 0);
  // 2 tensors + 1 xbar + 1 data + 3 programs + symbols
  EXPECT_EQ(rd32(b, 24), 8u);
  EXPECT_EQ(rd32(b, 28), uint32_t(crc32(0L, b.data() + 64, uInt(b.size() - 64))));
  for (int i = 32; i < 64; ++i) EXPECT_EQ(b[i], 0) << i;
  // section table: first entry = tensor "x": type 4, tile 0, payload right after the table
  size_t t0 = 64;
  EXPECT_EQ(rd16(b, t0), 4);
  EXPECT_EQ(rd32(b, t0 + 8), 64u + 8 * 16);
  EXPECT_EQ(rd32(b, t0 + 12), 12u + 1);  // addr, len, dir, count, namelen + "x"
  size_t p = rd32(b, t0 + 8);
  EXPECT_EQ(rd32(b, p), 0u);
  EXPECT_EQ(rd32(b, p + 4), 4u);
  EXPECT_EQ(b[p + 8], 0);   // in
  EXPECT_EQ(b[p + 9], 1);   // count
  EXPECT_EQ(rd16(b, p + 10), 1);
  EXPECT_EQ(b[p + 12], 'x');
  // third entry = xbar: type 3, tile 0, core 1, MVMU 1, payload 8 + 6*2 bytes
  size_t t2 = 64 + 2 * 16;
  EXPECT_EQ(rd16(b, t2), 3);
  EXPECT_EQ(b[t2 + 4], 1);
  EXPECT_EQ(b[t2 + 5], 1);
  EXPECT_EQ(rd32(b, t2 + 12), 20u);
  size_t xp = rd32(b, t2 + 8);
  EXPECT_EQ(xp % 8, 0u);
  EXPECT_EQ(rd16(b, xp), 2);
  EXPECT_EQ(rd16(b, xp + 2), 3);
  EXPECT_EQ(int16_t(rd16(b, xp + 8 + 2)), -2);
  EXPECT_EQ(int16_t(rd16(b, xp + 8 + 6)), -32768);
  // fifth entry = core program 0.0: type 2, 3 words
  size_t t4 = 64 + 4 * 16;
  EXPECT_EQ(rd16(b, t4), 2);
  EXPECT_EQ(rd32(b, t4 + 12), 24u);
  // sixth = tile program of tile 0: type 1, core field 0
  size_t t5 = 64 + 5 * 16;
  EXPECT_EQ(rd16(b, t5), 1);
  EXPECT_EQ(b[t5 + 4], 0);
  // last = symbols
  EXPECT_EQ(rd16(b, 64 + 7 * 16), 5);
}

TEST(IsaKimage, WriteReadRoundTrip) {
  KernelImage img = sample();
  auto b = write_image(img);
  auto r = read_image(b);
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(*r.image, img);
  EXPECT_EQ(write_image(*r.image), b);
  // PANTHER: int32 weights
  img.header.panther = true;
  img.xbars[0].w = {2004318071, -2147483647 - 1, 5, 0, -1, 1 << 24};
  b = write_image(img);
  EXPECT_EQ(rd16(b, 10), 1);
  r = read_image(b);
  ASSERT_TRUE(r.ok()) << r.error.message;
  EXPECT_EQ(*r.image, img);
}

TEST(IsaKimage, ReaderErrorCodes) {
  const auto good = write_image(sample());
  ASSERT_EQ(read_code(good), ErrorCode::None);
  {
    auto b = good;
    b[0] = 'X';
    EXPECT_EQ(read_code(b), ErrorCode::BadImage);
  }
  {
    auto b = good;
    wr16(b, 8, 2);
    EXPECT_EQ(read_code(b), ErrorCode::BadImage);
  }
  {
    auto b = good;
    b[b.size() - 1] ^= 1;  // payload change without CRC update
    EXPECT_EQ(read_code(b), ErrorCode::Crc);
  }
  {
    auto b = good;
    wr16(b, 16, 100);  // crossbar size 100
    EXPECT_EQ(read_code(b), ErrorCode::Geometry);
  }
  {
    auto b = good;
    b[20] = 15;  // frac bits 15
    EXPECT_EQ(read_code(b), ErrorCode::Geometry);
  }
  {
    auto b = good;
    b[33] = 1;  // zero header bytes
    EXPECT_EQ(read_code(b), ErrorCode::Malformed);
  }
  {
    auto b = good;
    wr16(b, 10, 2);  // undefined flag
    EXPECT_EQ(read_code(b), ErrorCode::Malformed);
  }
  auto mutate = [&](auto f) {
    auto b = good;
    f(b);
    fix_crc(b);
    return read_image(b);
  };
  auto expect4 = [&](auto f, const char* needle) {
    auto r = mutate(f);
    EXPECT_EQ(r.error.code, ErrorCode::Malformed) << needle << ": " << r.error.message;
    EXPECT_NE(r.error.message.find(needle), std::string::npos) << needle << ": " << r.error.message;
  };
  expect4([](auto& b) { wr16(b, 64, 9); }, "unknown section type");
  expect4([](auto& b) { wr16(b, 64 + 6, 1); }, "zero field");
  expect4([](auto& b) { wr32(b, 64 + 8, rd32(b, 64 + 8) + 4); }, "aligned");
  expect4([](auto& b) { wr32(b, 64 + 16 + 8, rd32(b, 64 + 8)); }, "overlap");
  expect4([](auto& b) { wr32(b, 64 + 8, 0); }, "overlaps the header");
  expect4([](auto& b) { wr32(b, 64 + 12, 0x10000); }, "beyond the file");
  expect4([](auto& b) { wr32(b, 24, 1000); }, "section table");
  expect4([](auto& b) { wr32(b, 64 + 4 * 16 + 12, 20); }, "multiple of 8");
  // tile program of tile 1 relabelled as tile 0: second program for tile 0
  expect4([](auto& b) { wr16(b, 64 + 6 * 16 + 2, 0); }, "second program");
  expect4([](auto& b) { wr16(b, 64 + 6 * 16 + 2, 2); }, "beyond the image's 2 tiles");
  expect4([](auto& b) { b[64 + 4 * 16 + 4] = 2; }, "beyond the image's 2 cores");
  expect4([](auto& b) { b[64 + 2 * 16 + 5] = 2; }, "MVMU 2 beyond");
  expect4([](auto& b) { b[64 + 5 * 16 + 4] = 1; }, "core field must be 0");
  // xbar payload: rows 0, size mismatch
  size_t xp = rd32(good, 64 + 2 * 16 + 8);
  expect4([&](auto& b) { wr16(b, xp, 0); }, "shape");
  expect4([&](auto& b) { wr16(b, xp, 129); }, "shape");
  expect4([&](auto& b) { wr16(b, xp + 2, 2); }, "does not match");
  expect4([&](auto& b) { b[xp + 5] = 1; }, "zero field");
  // tensor x: direction 2, count 0 for input, name length 0
  size_t tp = rd32(good, 64 + 8);
  expect4([&](auto& b) { b[tp + 8] = 2; }, "direction");
  expect4([&](auto& b) { b[tp + 9] = 0; }, "count 0");
  expect4([&](auto& b) { wr32(b, tp + 4, 0); }, "length 0");
  expect4([&](auto& b) { wr16(b, tp + 10, 0); }, "name length");
  expect4([&](auto& b) { b[tp + 12] = ' '; }, "forbidden");
  size_t tp2 = rd32(good, 64 + 16 + 8);
  expect4([&](auto& b) { b[tp2 + 9] = 1; }, "output TENSOR");
  expect4([&](auto& b) { b[tp2 + 12] = 'x'; }, "duplicate TENSOR");
  // data: count 0, zero field
  size_t dp = rd32(good, 64 + 3 * 16 + 8);
  expect4([&](auto& b) { wr16(b, dp + 4, 0); }, "count 0");
  expect4([&](auto& b) { wr16(b, dp + 6, 1); }, "zero field");
  // symbols: duplicate label in one unit, bad name
  size_t sp = rd32(good, 64 + 7 * 16 + 8);
  expect4([&](auto& b) { b[sp + 10] = '1'; }, "identifier");
  expect4([&](auto& b) { b[sp + 3] = 1; }, "zero byte");
  {
    KernelImage k = sample();
    k.symbols.push_back({"start", 0, 0, 2});
    auto r = read_image(write_image(k));
    EXPECT_EQ(r.error.code, ErrorCode::Malformed);
    EXPECT_NE(r.error.message.find("duplicate label"), std::string::npos) << r.error.message;
    k.symbols.back().core = kTileUnit;  // same name in another unit is fine
    EXPECT_TRUE(read_image(write_image(k)).ok());
  }
  // truncated header
  std::vector<uint8_t> shortb(good.begin(), good.begin() + 40);
  EXPECT_EQ(read_code(shortb), ErrorCode::BadImage);
}

TEST(IsaKimage, PlatformValidation) {
  KernelImage img = sample();
  Geometry plat;  // PUMA defaults: 138 tiles, 8 cores
  LoadError e = validate_for_platform(img, plat);
  EXPECT_FALSE(e) << e.message;
  auto code = [&](const KernelImage& k, const Geometry& g) { return validate_for_platform(k, g).code; };
  Geometry small = plat;
  small.tiles = 1;
  EXPECT_EQ(code(img, small), ErrorCode::Geometry);
  small = plat;
  small.cores_per_tile = 1;
  EXPECT_EQ(code(img, small), ErrorCode::Geometry);
  small = plat;
  small.xbar_size = 64;
  EXPECT_EQ(code(img, small), ErrorCode::Geometry);
  small = plat;
  small.num_mvmu = 4;
  EXPECT_EQ(code(img, small), ErrorCode::Geometry);
  small = plat;
  small.frac_bits = 10;
  EXPECT_EQ(code(img, small), ErrorCode::Geometry);
  small = plat;
  small.panther = true;
  EXPECT_EQ(code(img, small), ErrorCode::Geometry);
  small = plat;
  small.bits_per_cell = 1;  // informational only
  small.slices = 16;
  EXPECT_EQ(code(img, small), ErrorCode::None);
  {
    KernelImage k = img;
    k.programs[1].words[0] = 0x5;  // a core opcode in tile 0's program
    LoadError le = validate_for_platform(k, plat);
    EXPECT_EQ(le.code, ErrorCode::IllegalInstr);
    EXPECT_EQ(le.tile, 0);
    EXPECT_EQ(le.core, 0xFF);
    EXPECT_EQ(le.pc, 0);
  }
  {
    KernelImage k = img;
    k.programs[0].words[1] = 0xD | (3ull << 50);  // jmp 3 in a 3-word program
    LoadError le = validate_for_platform(k, plat);
    EXPECT_EQ(le.code, ErrorCode::AddressRange);
    EXPECT_EQ(le.core, 0);
    EXPECT_EQ(le.pc, 1);
    EXPECT_NE(le.message.find("branch target"), std::string::npos);
    k.programs[0].words[1] = 0xD | (2ull << 50);
    EXPECT_FALSE(validate_for_platform(k, plat));
  }
  {
    KernelImage k = img;
    Geometry g = plat;
    g.core_imem_words = 2;
    LoadError le = validate_for_platform(k, g);
    EXPECT_EQ(le.code, ErrorCode::Malformed);
    EXPECT_NE(le.message.find("program size"), std::string::npos);
  }
  {
    KernelImage k = img;
    k.data[0].addr = 32766;  // 3 words: 32766..32768
    EXPECT_EQ(code(k, plat), ErrorCode::AddressRange);
    k.data[0].addr = 32765;
    EXPECT_EQ(code(k, plat), ErrorCode::None);
  }
  {
    KernelImage k = img;
    k.tensors[1].addr = 32767;
    EXPECT_EQ(code(k, plat), ErrorCode::AddressRange);
  }
  {
    KernelImage k = img;
    k.header.panther = true;
    k.programs.clear();  // operand layout differs with PANTHER
    k.symbols.clear();
    Geometry g = plat;
    g.panther = true;
    k.xbars[0].w[0] = 2004318072;  // Whi + 1
    EXPECT_EQ(code(k, g), ErrorCode::Malformed);
    k.xbars[0].w[0] = 2004318071;
    EXPECT_EQ(code(k, g), ErrorCode::None);
  }
  {
    // platform-dependent FIFO count: FIFO 15 is legal with 16 FIFOs, not with 8
    KernelImage k = img;
    k.programs[1].words[0] |= 15ull << 22;
    EXPECT_EQ(code(k, plat), ErrorCode::None);
    Geometry g = plat;
    g.num_fifos = 8;
    EXPECT_EQ(code(k, g), ErrorCode::IllegalInstr);
  }
  // read_image with a platform runs the same checks
  Geometry one = plat;
  one.tiles = 1;
  auto b = write_image(img);
  EXPECT_EQ(read_image(b, &one).error.code, ErrorCode::Geometry);
  EXPECT_TRUE(read_image(b, &plat).ok());
}

// Every single-byte mutation and every truncation is accepted or rejected cleanly; with
// the CRC repaired, the mutation reaches the structural checks.
TEST(IsaKimage, MutationAndTruncationRobustness) {
  const auto good = write_image(sample());
  Geometry plat;
  size_t accepted = 0, rejected = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t delta : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xFF)}) {
      auto b = good;
      b[i] ^= delta;
      auto r1 = read_image(b, &plat);
      if (i >= 64) {
        EXPECT_FALSE(r1.ok()) << "CRC must catch byte " << i;
      }
      fix_crc(b);
      auto r2 = read_image(b, &plat);
      if (r2.ok()) {
        ++accepted;
        // an accepted image re-serializes to the same bytes
        EXPECT_EQ(write_image(*r2.image), b) << "byte " << i;
      } else {
        ++rejected;
        EXPECT_NE(r2.error.code, ErrorCode::None);
        EXPECT_FALSE(r2.error.message.empty());
      }
    }
  }
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(accepted, 0u);
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> b(good.begin(), good.begin() + long(n));
    EXPECT_FALSE(read_image(b).ok()) << n;
    fix_crc(b);
    EXPECT_FALSE(read_image(b).ok()) << n;
  }
  EXPECT_TRUE(read_image(good).ok());
}

// Random section tables and payloads behind a valid header and CRC: the reader either
// accepts (and the image re-serializes to an equal image) or rejects with a code 1..6.
TEST(IsaKimage, RandomSectionFuzz) {
  std::mt19937_64 rng(99);
  const auto base = write_image(sample());
  Geometry plat;
  int accepted = 0;
  for (int it = 0; it < 3000; ++it) {
    uint32_t nsec = uint32_t(rng() % 6);
    size_t payload = size_t(rng() % 200);
    std::vector<uint8_t> b(base.begin(), base.begin() + 64);
    b.resize(64 + 16 * nsec + payload, 0);
    wr32(b, 24, nsec);
    for (uint32_t i = 0; i < nsec; ++i) {
      size_t e = 64 + 16 * i;
      wr16(b, e, uint16_t(1 + rng() % 6));
      wr16(b, e + 2, uint16_t(rng() % 3));
      b[e + 4] = uint8_t(rng() % 3);
      b[e + 5] = uint8_t(rng() % 3);
      uint32_t off = uint32_t(64 + 16 * nsec + 8 * (rng() % (payload / 8 + 1)));
      wr32(b, e + 8, off);
      wr32(b, e + 12, uint32_t(rng() % 64));
    }
    for (size_t k = 64 + 16 * nsec; k < b.size(); ++k) b[k] = (rng() % 3) ? 0 : uint8_t(rng() % 4);
    fix_crc(b);
    auto r = read_image(b, it % 2 ? &plat : nullptr);
    if (r.ok()) {
      ++accepted;
      auto again = read_image(write_image(*r.image));
      ASSERT_TRUE(again.ok()) << again.error.message;
      EXPECT_EQ(*again.image, *r.image);
    } else {
      EXPECT_GE(int(r.error.code), 1);
      EXPECT_LE(int(r.error.code), 6);
    }
  }
  EXPECT_GT(accepted, 10);
}
