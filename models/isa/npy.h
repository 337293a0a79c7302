// pumavp::isa — minimal .npy reader/writer (NumPy format 1.0/2.0/3.0): little-endian
// int16, int32, float32, float64, C order, 1-D or 2-D. Used by the assembler (.xbar
// file=) and by `pumavp exec`.
//
// Usage:
//   NpyArray a;  std::string err;
//   if (!read_npy_file("w.npy", a, err)) complain(err);
//   a.rows(); a.cols(); a.at(r, c);            // 1-D arrays are one row of cols() values
//   NpyArray b = NpyArray::make(NpyType::I16, {2, 3}, {1, 2, 3, 4, 5, 6});
//   write_npy_file("out.npy", b, err);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pumavp::isa {

enum class NpyType { I16, I32, F32, F64 };
const char* npy_descr(NpyType t);  // "<i2", "<i4", "<f4", "<f8"

struct NpyArray {
  NpyType type = NpyType::F64;
  std::vector<size_t> shape;   // 1 to 8 entries (matrices: 1 or 2)
  std::vector<double> data;    // all supported types are exact in double; C order

  static NpyArray make(NpyType t, std::vector<size_t> shape, std::vector<double> data);
  bool is_integer() const { return type == NpyType::I16 || type == NpyType::I32; }
  // Rows of the array seen as a matrix: every dimension but the last (1 for a 1-D array).
  size_t rows() const {
    size_t r = 1;
    for (size_t i = 0; i + 1 < shape.size(); ++i) r *= shape[i];
    return r;
  }
  size_t cols() const { return shape.empty() ? 0 : shape.back(); }
  double at(size_t r, size_t c) const { return data[r * cols() + c]; }
};

// Parse from memory / a file; false with a message on any malformed or unsupported input.
bool parse_npy(const uint8_t* bytes, size_t size, NpyArray& out, std::string& err);
bool read_npy_file(const std::string& path, NpyArray& out, std::string& err);

// Serialize (format 1.0); values are converted to the array type (integers rounded
// toward zero and clamped to the type's range).
std::vector<uint8_t> npy_bytes(const NpyArray& a);
bool write_npy_file(const std::string& path, const NpyArray& a, std::string& err);

}  // namespace pumavp::isa
