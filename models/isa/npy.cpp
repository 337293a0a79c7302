#include "isa/npy.h"
#include "common/bounded_read.h"
#include "common/output_file.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace pumavp::isa {

const char* npy_descr(NpyType t) {
  switch (t) {
    case NpyType::I16: return "<i2";
    case NpyType::I32: return "<i4";
    case NpyType::F32: return "<f4";
    default: return "<f8";
  }
}

static size_t elem_size(NpyType t) {
  switch (t) {
    case NpyType::I16: return 2;
    case NpyType::I32: return 4;
    case NpyType::F32: return 4;
    default: return 8;
  }
}

NpyArray NpyArray::make(NpyType t, std::vector<size_t> shape, std::vector<double> data) {
  NpyArray a;
  a.type = t;
  a.shape = std::move(shape);
  a.data = std::move(data);
  return a;
}

namespace {

// Value of key `key` in the header dict text ("'descr': '<i2'" etc.), or "".
std::string dict_value(const std::string& h, const std::string& key) {
  std::string k1 = "'" + key + "'", k2 = "\"" + key + "\"";
  size_t p = h.find(k1);
  size_t kl = k1.size();
  if (p == std::string::npos) { p = h.find(k2); kl = k2.size(); }
  if (p == std::string::npos) return "";
  p += kl;
  while (p < h.size() && (h[p] == ' ' || h[p] == ':')) ++p;
  if (p >= h.size()) return "";
  if (h[p] == '\'' || h[p] == '"') {
    char q = h[p];
    size_t e = h.find(q, p + 1);
    if (e == std::string::npos) return "";
    return h.substr(p + 1, e - p - 1);
  }
  if (h[p] == '(') {
    size_t e = h.find(')', p);
    if (e == std::string::npos) return "";
    return h.substr(p, e - p + 1);
  }
  size_t e = p;
  while (e < h.size() && h[e] != ',' && h[e] != '}') ++e;
  std::string v = h.substr(p, e - p);
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v;
}

}  // namespace

bool parse_npy(const uint8_t* b, size_t size, NpyArray& out, std::string& err) {
  if (size < 10 || std::memcmp(b, "\x93NUMPY", 6) != 0) {
    err = "not a .npy file (bad magic)";
    return false;
  }
  unsigned major = b[6];
  size_t hlen, hoff;
  if (major == 1) {
    hlen = size_t(b[8]) | (size_t(b[9]) << 8);
    hoff = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) { err = "truncated .npy header"; return false; }
    hlen = size_t(b[8]) | (size_t(b[9]) << 8) | (size_t(b[10]) << 16) | (size_t(b[11]) << 24);
    hoff = 12;
  } else {
    err = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (hlen > size - hoff) { err = "truncated .npy header"; return false; }
  std::string h(reinterpret_cast<const char*>(b + hoff), hlen);
  std::string descr = dict_value(h, "descr");
  NpyType t;
  if (descr == "<i2") t = NpyType::I16;
  else if (descr == "<i4") t = NpyType::I32;
  else if (descr == "<f4") t = NpyType::F32;
  else if (descr == "<f8") t = NpyType::F64;
  else {
    err = "unsupported .npy dtype '" + descr + "' (need little-endian int16, int32, float32 or float64)";
    return false;
  }
  std::string fo = dict_value(h, "fortran_order");
  if (fo != "False") {
    err = fo == "True" ? "Fortran-order .npy arrays are not supported" : "bad .npy header (fortran_order)";
    return false;
  }
  std::string sh = dict_value(h, "shape");
  if (sh.size() < 2 || sh.front() != '(' || sh.back() != ')') { err = "bad .npy header (shape)"; return false; }
  std::vector<size_t> shape;
  {
    size_t i = 1;
    while (i < sh.size() - 1) {
      while (i < sh.size() - 1 && (sh[i] == ' ' || sh[i] == ',')) ++i;
      if (i >= sh.size() - 1) break;
      if (sh[i] < '0' || sh[i] > '9') { err = "bad .npy header (shape)"; return false; }
      uint64_t v = 0;
      while (i < sh.size() - 1 && sh[i] >= '0' && sh[i] <= '9') {
        v = v * 10 + unsigned(sh[i] - '0');
        if (v > (1u << 30)) { err = ".npy array too large"; return false; }
        ++i;
      }
      shape.push_back(size_t(v));
    }
  }
  if (shape.empty() || shape.size() > 8) {
    err = ".npy array must have 1 to 8 dimensions, not " + std::to_string(shape.size());
    return false;
  }
  uint64_t n = 1;
  for (size_t s : shape) {
    n *= s;
    if (n > (1u << 30)) { err = ".npy array too large"; return false; }
  }
  size_t es = elem_size(t);
  size_t doff = hoff + hlen;
  if ((size - doff) / es < n) { err = ".npy data truncated"; return false; }
  out.type = t;
  out.shape = shape;
  out.data.resize(n);
  const uint8_t* d = b + doff;
  for (uint64_t k = 0; k < n; ++k) {
    const uint8_t* p = d + k * es;
    switch (t) {
      case NpyType::I16: out.data[k] = int16_t(uint16_t(p[0] | (p[1] << 8))); break;
      case NpyType::I32: {
        uint32_t v = uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
        out.data[k] = int32_t(v);
        break;
      }
      case NpyType::F32: {
        uint32_t v = uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
        float f;
        std::memcpy(&f, &v, 4);
        out.data[k] = f;
        break;
      }
      case NpyType::F64: {
        uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
        double f;
        std::memcpy(&f, &v, 8);
        out.data[k] = f;
        break;
      }
    }
  }
  return true;
}

bool read_npy_file(const std::string& path, NpyArray& out, std::string& err) {
  std::string data;
  if (!read_bounded(path, kMaxNpyBytes, "a .npy file", data, err)) { err = "'" + path + "': " + err; return false; }
  const std::vector<uint8_t> b(data.begin(), data.end());
  if (!parse_npy(b.data(), b.size(), out, err)) { err = path + ": " + err; return false; }
  return true;
}

std::vector<uint8_t> npy_bytes(const NpyArray& a) {
  std::string h = std::string("{'descr': '") + npy_descr(a.type) + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < a.shape.size(); ++i) h += std::to_string(a.shape[i]) + (a.shape.size() == 1 ? "," : i + 1 < a.shape.size() ? ", " : "");
  h += "), }";
  size_t total = 10 + h.size() + 1;
  size_t pad = (64 - total % 64) % 64;
  h.append(pad, ' ');
  h += '\n';
  std::vector<uint8_t> b;
  b.reserve(10 + h.size() + a.data.size() * elem_size(a.type));
  for (char c : std::string("\x93NUMPY\x01\x00", 8)) b.push_back(uint8_t(c));
  b.push_back(uint8_t(h.size()));
  b.push_back(uint8_t(h.size() >> 8));
  for (char c : h) b.push_back(uint8_t(c));
  auto clampi = [](double v, double lo, double hi) -> int64_t {
    if (std::isnan(v)) return 0;
    v = std::trunc(v);
    return int64_t(v < lo ? lo : v > hi ? hi : v);
  };
  for (double v : a.data) {
    switch (a.type) {
      case NpyType::I16: {
        uint16_t u = uint16_t(int16_t(clampi(v, -32768, 32767)));
        b.push_back(uint8_t(u)); b.push_back(uint8_t(u >> 8));
        break;
      }
      case NpyType::I32: {
        uint32_t u = uint32_t(int32_t(clampi(v, -2147483648.0, 2147483647.0)));
        for (int i = 0; i < 4; ++i) b.push_back(uint8_t(u >> (8 * i)));
        break;
      }
      case NpyType::F32: {
        float f = float(v);
        uint32_t u;
        std::memcpy(&u, &f, 4);
        for (int i = 0; i < 4; ++i) b.push_back(uint8_t(u >> (8 * i)));
        break;
      }
      case NpyType::F64: {
        uint64_t u;
        std::memcpy(&u, &v, 8);
        for (int i = 0; i < 8; ++i) b.push_back(uint8_t(u >> (8 * i)));
        break;
      }
    }
  }
  return b;
}

bool write_npy_file(const std::string& path, const NpyArray& a, std::string& err) {
  auto b = npy_bytes(a);
  return write_text_file(path, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), err);
}

}  // namespace pumavp::isa
