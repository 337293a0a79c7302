#include "tensor_file.h"

#include <cmath>
#include <cstring>

#include <onnx/onnx_pb.h>

#include "common/bounded_read.h"

namespace pumavp::conformance {

std::string data_type_name(int type) {
  if (onnx::TensorProto_DataType_IsValid(type))
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(type));
  return "type " + std::to_string(type);
}

namespace {

double half_to_double(uint16_t h) {
  const int s = (h >> 15) & 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  double v;
  if (e == 0) v = std::ldexp(double(m), -24);
  else if (e == 31) v = m ? NAN : INFINITY;
  else v = std::ldexp(double(m | 0x400), e - 25);
  return s ? -v : v;
}

}  // namespace

bool decode_tensor(const onnx::TensorProto& t, TensorData& out, std::string& err) {
  out = TensorData{};
  out.name = t.name();
  out.data_type = t.data_type();
  size_t n = 1;
  for (auto d : t.dims()) {
    if (d < 0 || d > int64_t(kMaxTensorElements)) return err = "bad dimension " + std::to_string(d), false;
    out.dims.push_back(d);
    n *= size_t(d);
    if (n > kMaxTensorElements) return err = "more than " + std::to_string(kMaxTensorElements) + " elements", false;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return err = "external data", false;
  using TP = onnx::TensorProto;
  const int type = t.data_type();
  size_t elem = 0, listed = 0;
  switch (type) {
    case TP::FLOAT: elem = 4, listed = size_t(t.float_data_size()); break;
    case TP::DOUBLE: elem = 8, listed = size_t(t.double_data_size()); break;
    case TP::INT64: elem = 8, listed = size_t(t.int64_data_size()); break;
    case TP::UINT64: elem = 8, listed = size_t(t.uint64_data_size()); break;
    case TP::INT32: elem = 4, listed = size_t(t.int32_data_size()); break;
    case TP::UINT32: elem = 4, listed = size_t(t.uint64_data_size()); break;
    case TP::INT16: case TP::UINT16: case TP::FLOAT16: elem = 2, listed = size_t(t.int32_data_size()); break;
    case TP::INT8: case TP::UINT8: case TP::BOOL: elem = 1, listed = size_t(t.int32_data_size()); break;
    default: return err = "data type " + data_type_name(type) + " is not decoded", false;
  }
  const std::string& raw = t.raw_data();
  if (!raw.empty() ? raw.size() != n * elem : listed != n)
    return err = std::string(raw.empty() ? "" : "raw ") + "payload size does not match the dimensions", false;
  out.v.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const char* p = raw.data() + elem * i;
    const int k = int(i);
    double v = 0;
    switch (type) {
      case TP::FLOAT: { float f; if (raw.empty()) f = t.float_data(k); else std::memcpy(&f, p, 4); v = f; break; }
      case TP::DOUBLE: { if (raw.empty()) v = t.double_data(k); else std::memcpy(&v, p, 8); break; }
      case TP::INT64: { int64_t x; if (raw.empty()) x = t.int64_data(k); else std::memcpy(&x, p, 8); v = double(x); break; }
      case TP::UINT64: { uint64_t x; if (raw.empty()) x = t.uint64_data(k); else std::memcpy(&x, p, 8); v = double(x); break; }
      case TP::INT32: { int32_t x; if (raw.empty()) x = t.int32_data(k); else std::memcpy(&x, p, 4); v = double(x); break; }
      case TP::UINT32: { uint32_t x; if (raw.empty()) x = uint32_t(t.uint64_data(k)); else std::memcpy(&x, p, 4); v = double(x); break; }
      case TP::INT16: { int16_t x; if (raw.empty()) x = int16_t(t.int32_data(k)); else std::memcpy(&x, p, 2); v = double(x); break; }
      case TP::UINT16: { uint16_t x; if (raw.empty()) x = uint16_t(t.int32_data(k)); else std::memcpy(&x, p, 2); v = double(x); break; }
      case TP::FLOAT16: { uint16_t x; if (raw.empty()) x = uint16_t(t.int32_data(k)); else std::memcpy(&x, p, 2); v = half_to_double(x); break; }
      case TP::INT8: { int8_t x; if (raw.empty()) x = int8_t(t.int32_data(k)); else std::memcpy(&x, p, 1); v = double(x); break; }
      case TP::UINT8: { uint8_t x; if (raw.empty()) x = uint8_t(t.int32_data(k)); else std::memcpy(&x, p, 1); v = double(x); break; }
      default: v = raw.empty() ? double(t.int32_data(k) != 0) : double(p[0] != 0);  // BOOL
    }
    out.v[i] = v;
  }
  return true;
}

bool parse_tensor(const std::string& bytes, TensorData& out, std::string& err) {
  onnx::TensorProto t;
  if (!t.ParseFromString(bytes)) return err = "not a TensorProto (protobuf parse failed)", false;
  return decode_tensor(t, out, err);
}

bool read_tensor_file(const std::string& path, TensorData& out, std::string& err) {
  std::string bytes;
  if (!read_bounded(path, kMaxTensorFileBytes, "a tensor file", bytes, err)) return err = path + ": " + err, false;
  if (!parse_tensor(bytes, out, err)) return err = path + ": " + err, false;
  return true;
}

}  // namespace pumavp::conformance
