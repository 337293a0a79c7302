// .npy reader/writer tests against hand-built files.
#include <gtest/gtest.h>

#include <cstring>

#include "isa/npy.h"

using namespace pumavp;
using namespace pumavp::isa;

namespace {
std::vector<uint8_t> handmade(const std::string& dict, const std::vector<uint8_t>& payload) {
  std::string h = dict;
  size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  std::vector<uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  b.push_back(uint8_t(h.size()));
  b.push_back(uint8_t(h.size() >> 8));
  for (char c : h) b.push_back(uint8_t(c));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
}  // namespace

TEST(IsaNpy, ParsesHandBuiltFiles) {
  // int16 2x3: 1, -2, 3, 256, -32768, 32767
  auto b = handmade("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }",
                    {1, 0, 0xFE, 0xFF, 3, 0, 0, 1, 0, 0x80, 0xFF, 0x7F});
  NpyArray a;
  std::string err;
  ASSERT_TRUE(parse_npy(b.data(), b.size(), a, err)) << err;
  EXPECT_EQ(a.type, NpyType::I16);
  EXPECT_EQ(a.rows(), 2u);
  EXPECT_EQ(a.cols(), 3u);
  EXPECT_EQ(a.data, (std::vector<double>{1, -2, 3, 256, -32768, 32767}));
  // float32 1-D (3,): 0.5, -1.0, 2.0
  auto f = handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
                    {0, 0, 0, 0x3F, 0, 0, 0x80, 0xBF, 0, 0, 0, 0x40});
  ASSERT_TRUE(parse_npy(f.data(), f.size(), a, err)) << err;
  EXPECT_EQ(a.rows(), 1u);
  EXPECT_EQ(a.cols(), 3u);
  EXPECT_EQ(a.data, (std::vector<double>{0.5, -1.0, 2.0}));
  // int32 (1, 1): -2
  auto i = handmade("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }", {0xFE, 0xFF, 0xFF, 0xFF});
  ASSERT_TRUE(parse_npy(i.data(), i.size(), a, err)) << err;
  EXPECT_EQ(a.data, (std::vector<double>{-2}));
}

TEST(IsaNpy, RejectsUnsupported) {
  NpyArray a;
  std::string err;
  auto be = handmade("{'descr': '>i2', 'fortran_order': False, 'shape': (1,), }", {0, 1});
  EXPECT_FALSE(parse_npy(be.data(), be.size(), a, err));
  EXPECT_NE(err.find("dtype"), std::string::npos);
  auto fo = handmade("{'descr': '<i2', 'fortran_order': True, 'shape': (1, 1), }", {0, 1});
  EXPECT_FALSE(parse_npy(fo.data(), fo.size(), a, err));
  // Up to 8 dimensions (tensors such as N x 1 x 8 x 8 images); 9 are refused; 0-D too.
  auto d3 = handmade("{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1, 1), }", {7, 0});
  ASSERT_TRUE(parse_npy(d3.data(), d3.size(), a, err)) << err;
  EXPECT_EQ(a.shape, (std::vector<size_t>{1, 1, 1}));
  EXPECT_EQ(a.data, (std::vector<double>{7}));
  auto d9 = handmade("{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }", {0, 1});
  EXPECT_FALSE(parse_npy(d9.data(), d9.size(), a, err));
  EXPECT_NE(err.find("1 to 8 dimensions"), std::string::npos) << err;
  auto d0 = handmade("{'descr': '<i2', 'fortran_order': False, 'shape': (), }", {0, 1});
  EXPECT_FALSE(parse_npy(d0.data(), d0.size(), a, err));
  auto tr = handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", {0, 0, 0, 0, 0, 0, 0xF0, 0x3F});
  EXPECT_FALSE(parse_npy(tr.data(), tr.size(), a, err));
  EXPECT_NE(err.find("truncated"), std::string::npos);
  auto u8 = handmade("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", {0});
  EXPECT_FALSE(parse_npy(u8.data(), u8.size(), a, err));
  const uint8_t junk[] = {1, 2, 3};
  EXPECT_FALSE(parse_npy(junk, 3, a, err));
  // every truncation of a valid file fails cleanly
  auto ok = handmade("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }", std::vector<uint8_t>(12, 1));
  for (size_t n = 0; n < ok.size(); ++n) EXPECT_FALSE(parse_npy(ok.data(), n, a, err)) << n;
  EXPECT_TRUE(parse_npy(ok.data(), ok.size(), a, err));
}

TEST(IsaNpy, WriteReadRoundTrip) {
  for (NpyType t : {NpyType::I16, NpyType::I32, NpyType::F32, NpyType::F64}) {
    for (auto shape : {std::vector<size_t>{5}, std::vector<size_t>{2, 3}}) {
      size_t n = shape.size() == 1 ? 5 : 6;
      std::vector<double> v;
      for (size_t k = 0; k < n; ++k) v.push_back(double(int(k) * 3 - 7) * (t == NpyType::F32 || t == NpyType::F64 ? 0.25 : 1));
      NpyArray a = NpyArray::make(t, shape, v);
      auto b = npy_bytes(a);
      EXPECT_EQ((b.size() - n * (t == NpyType::I16 ? 2 : t == NpyType::F64 ? 8 : 4)) % 64, 0u);
      NpyArray r;
      std::string err;
      ASSERT_TRUE(parse_npy(b.data(), b.size(), r, err)) << err;
      EXPECT_EQ(r.type, t);
      EXPECT_EQ(r.shape, shape);
      EXPECT_EQ(r.data, v);
    }
  }
  // clamping to the integer type
  auto b = npy_bytes(NpyArray::make(NpyType::I16, {2}, {40000, -40000}));
  NpyArray r;
  std::string err;
  ASSERT_TRUE(parse_npy(b.data(), b.size(), r, err));
  EXPECT_EQ(r.data, (std::vector<double>{32767, -32768}));
}
