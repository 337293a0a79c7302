// Test-side fixed-point helpers, written from isa.md §2 (independent of models/).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace pumavp::compiler_test {

inline int32_t sat16(int64_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : int32_t(v); }

// rne(v, s): v / 2^s, nearest, ties to even (isa.md §2.2 recipe).
inline int64_t rne(int64_t v, unsigned s) {
  if (s == 0) return v;
  int64_t d = int64_t(1) << s;
  int64_t q = v >= 0 ? v / d : -((-v + d - 1) / d);  // floor
  int64_t r = v - q * d;
  int64_t h = d / 2;
  if (r > h || (r == h && (q & 1))) ++q;
  return q;
}

enum class Fn { Sig, Tanh };

// Function table of isa.md §2.4 with 2^L entries.
inline std::vector<int16_t> make_lut(Fn fn, unsigned f, unsigned L) {
  unsigned s = 16 - L;
  std::vector<int16_t> t(size_t(1) << L);
  for (size_t idx = 0; idx < t.size(); ++idx) {
    int64_t x_rep = (int64_t(idx) << s) - 32768 + (s > 0 ? (int64_t(1) << (s - 1)) : 0);
    double x = double(x_rep) / std::ldexp(1.0, int(f));
    double y = fn == Fn::Sig ? 1.0 / (1.0 + std::exp(-x)) : std::tanh(x);
    double q = std::nearbyint(y * std::ldexp(1.0, int(f)));
    t[idx] = int16_t(sat16(int64_t(q)));
  }
  return t;
}

inline int16_t lut_lookup(const std::vector<int16_t>& t, unsigned L, int16_t a) {
  unsigned s = 16 - L;
  return t[size_t((int32_t(a) + 32768) >> s)];
}

}  // namespace pumavp::compiler_test
