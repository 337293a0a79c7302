// pumavp::read_bounded — read a whole input file with a size cap (issue 15, unbounded inputs).
// Every input the tools read goes through here: a directory is refused (never read as an
// empty file), and at most cap + 1 bytes are ever read, so an endless input (/dev/zero, a
// FIFO) is refused at once. Each format documents its cap (README "Input limits").
#pragma once

#include <cstdint>
#include <string>

namespace pumavp {

// Documented caps of the text formats (README "Input limits").
constexpr uint64_t kMaxYamlBytes = 16ull << 20;  // configs, YAML models, .pasm sources
constexpr uint64_t kMaxNpyBytes = 1ull << 30;    // .npy tensors and weights
constexpr uint64_t kMaxOnnxBytes = 1ull << 30;   // ONNX models
constexpr uint64_t kElfMetaBytes = 64ull << 20;  // ELF: memory size + this for headers and symbols

// Reads `path` into `out` (any contiguous byte container of char/uint8_t). Returns false with
// `err` set ("cannot open: ...", "is a directory", "larger than the N-byte limit of WHAT").
bool read_bounded(const std::string& path, uint64_t cap, const char* what, std::string& out, std::string& err);

}  // namespace pumavp
