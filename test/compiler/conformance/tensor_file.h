// Test-side reader of ONNX TensorProto files (the input_N.pb / output_N.pb of ONNX's operator
// tests): bounded (file size cap, element cap, payload size checked against the dimensions
// before anything is allocated), never trusting the file. Independent of models/compiler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
}

namespace pumavp::conformance {

struct TensorData {
  std::string name;
  std::vector<int64_t> dims;
  int data_type = 0;       // onnx::TensorProto::DataType
  std::vector<double> v;   // elements(dims) values, row-major
  size_t elements() const { return v.size(); }
};

constexpr uint64_t kMaxTensorFileBytes = 64ull << 20;
constexpr size_t kMaxTensorElements = size_t(1) << 24;

// Name of an ONNX data type ("FLOAT", "INT64", ...; "type N" for an unknown one).
std::string data_type_name(int type);

// Decodes FLOAT, DOUBLE, FLOAT16, INT8/16/32/64, UINT8/16/32/64 and BOOL tensors (raw_data or
// the typed fields). Returns false with `err` for anything else or for a malformed tensor.
bool decode_tensor(const onnx::TensorProto& t, TensorData& out, std::string& err);
// Parses a serialized TensorProto (bytes) and decodes it.
bool parse_tensor(const std::string& bytes, TensorData& out, std::string& err);
// Reads a .pb file (at most kMaxTensorFileBytes) and decodes it.
bool read_tensor_file(const std::string& path, TensorData& out, std::string& err);

}  // namespace pumavp::conformance
