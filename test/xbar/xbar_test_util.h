// Shared helpers of the xbar tests: an independent naive reference and case-count scaling.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

namespace xbar_test {

// Case counts: full in optimised builds; 1/40 under sanitizers or PUMAVP_FAST=1;
// x10 with PUMAVP_LONG=1 (1e6 random MVMs for the random suites).
inline long scaled(long n) {
  long r = n;
#if defined(__SANITIZE_ADDRESS__)
  r = n / 40;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  r = n / 40;
#endif
#endif
  if (const char* e = std::getenv("PUMAVP_FAST"); e && *e && *e != '0') r = n / 40;
  if (const char* e = std::getenv("PUMAVP_LONG"); e && *e && *e != '0') r = n * 10;
  return r < 1 ? 1 : r;
}

// Naive reference (written independently of the library): round half to even of
// v / 2^s on plain integers, and saturation.
inline int64_t ref_rne(int64_t v, unsigned s) {
  if (s == 0) return v;
  const int64_t d = int64_t{1} << s;
  // floor division
  int64_t q = v / d;
  if ((v % d != 0) && (v < 0)) q -= 1;
  const int64_t r = v - q * d;  // 0 <= r < d
  if (2 * r > d) return q + 1;
  if (2 * r < d) return q;
  return (q % 2 == 0) ? q : q + 1;
}
inline int16_t ref_sat(int64_t v) {
  if (v > 32767) return 32767;
  if (v < -32768) return -32768;
  return static_cast<int16_t>(v);
}

// y[j] = sat(rne(sum_i W[i][j] x[i], s)) with W row-major int64, naive loops.
template <typename WT>
std::vector<int16_t> ref_mvm(const std::vector<WT>& Wrm, const std::vector<int16_t>& x, unsigned X,
                             unsigned s, unsigned* nsat = nullptr) {
  std::vector<int16_t> y(X);
  for (unsigned j = 0; j < X; ++j) {
    int64_t acc = 0;
    for (unsigned i = 0; i < X; ++i) acc += int64_t(Wrm[i * X + j]) * x[i];
    const int64_t r = ref_rne(acc, s);
    if (nsat && (r > 32767 || r < -32768)) ++*nsat;
    y[j] = ref_sat(r);
  }
  return y;
}
// z[i] = sat(rne(sum_j W[i][j] d[j], s)).
template <typename WT>
std::vector<int16_t> ref_mtvm(const std::vector<WT>& Wrm, const std::vector<int16_t>& d, unsigned X,
                              unsigned s, unsigned* nsat = nullptr) {
  std::vector<int16_t> z(X);
  for (unsigned i = 0; i < X; ++i) {
    int64_t acc = 0;
    for (unsigned j = 0; j < X; ++j) acc += int64_t(Wrm[i * X + j]) * d[j];
    const int64_t r = ref_rne(acc, s);
    if (nsat && (r > 32767 || r < -32768)) ++*nsat;
    z[i] = ref_sat(r);
  }
  return z;
}

// A random int16 whose magnitude is limited to `bits` bits (1..16): values in
// [-2^(bits-1), 2^(bits-1) - 1], so products and sums cover the whole rounding range.
inline int16_t rand_bits(std::mt19937_64& g, unsigned bits) {
  const int64_t lo = -(int64_t{1} << (bits - 1)), hi = (int64_t{1} << (bits - 1)) - 1;
  return static_cast<int16_t>(std::uniform_int_distribution<int64_t>(lo, hi)(g));
}

}  // namespace xbar_test
