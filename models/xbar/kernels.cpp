// Vectorised inner loops of the crossbar models, compiled per ISA level and dispatched at
// first use. Integer-only: every variant gives bit-identical results.
#include <cstdint>

#include "xbar/bit_planes.h"

namespace pumavp::xbar::kernels {

namespace {

#define PUMAVP_INLINE inline __attribute__((always_inline))

PUMAVP_INLINE void count_add_body(const uint64_t* __restrict plane, const uint64_t* m, unsigned nw,
                                  unsigned X, unsigned sh, int32_t* __restrict P) {
  for (unsigned w = 0; w < nw; ++w) {
    const uint64_t mw = m[w];
    if (!mw) continue;
    const uint64_t* __restrict pl = plane + static_cast<std::size_t>(w) * X;
    for (unsigned j = 0; j < X; ++j)
      P[j] += static_cast<int32_t>(__builtin_popcountll(pl[j] & mw)) << sh;
  }
}

PUMAVP_INLINE void dot_split_body(const int16_t* __restrict W, const int16_t* __restrict xh,
                                  const int16_t* __restrict xl, unsigned X, int32_t* __restrict hi,
                                  int32_t* __restrict lo) {
  for (unsigned j = 0; j < X; ++j) {
    const int16_t* __restrict c = W + static_cast<std::size_t>(j) * X;
    int32_t sh = 0, sl = 0;
    for (unsigned i = 0; i < X; ++i) {
      sh += static_cast<int32_t>(c[i]) * xh[i];
      sl += static_cast<int32_t>(c[i]) * xl[i];
    }
    hi[j] = sh;
    lo[j] = sl;
  }
}

using CountFn = void (*)(const uint64_t*, const uint64_t*, unsigned, unsigned, unsigned, int32_t*);
using DotFn = void (*)(const int16_t*, const int16_t*, const int16_t*, unsigned, int32_t*, int32_t*);

void count_generic(const uint64_t* p, const uint64_t* m, unsigned nw, unsigned X, unsigned sh,
                   int32_t* P) {
  count_add_body(p, m, nw, X, sh, P);
}
void dot_generic(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X, int32_t* hi,
                 int32_t* lo) {
  dot_split_body(W, xh, xl, X, hi, lo);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PUMAVP_X86_DISPATCH 1
__attribute__((target("avx2,popcnt,bmi2,fma"))) void count_avx2(const uint64_t* p, const uint64_t* m,
                                                               unsigned nw, unsigned X, unsigned sh,
                                                               int32_t* P) {
  count_add_body(p, m, nw, X, sh, P);
}
__attribute__((target("avx2,popcnt,bmi2,fma"))) void dot_avx2(const int16_t* W, const int16_t* xh,
                                                             const int16_t* xl, unsigned X,
                                                             int32_t* hi, int32_t* lo) {
  dot_split_body(W, xh, xl, X, hi, lo);
}
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq,popcnt,prefer-vector-width=512")))
void count_avx512(const uint64_t* p, const uint64_t* m, unsigned nw, unsigned X, unsigned sh,
                  int32_t* P) {
  count_add_body(p, m, nw, X, sh, P);
}
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq,popcnt,prefer-vector-width=512")))
void dot_avx512(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X, int32_t* hi,
                int32_t* lo) {
  dot_split_body(W, xh, xl, X, hi, lo);
}
#endif

struct Dispatch {
  CountFn count = count_generic;
  DotFn dot = dot_generic;
  const char* name = "generic";
  Dispatch() {
#ifdef PUMAVP_X86_DISPATCH
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vpopcntdq")) {
      count = count_avx512;
      dot = dot_avx512;
      name = "avx512";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
               __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma")) {
      count = count_avx2;
      dot = dot_avx2;
      name = "avx2";
    }
#endif
  }
};

const Dispatch& dispatch() {
  static const Dispatch d;  // immutable after construction (thread-safe init)
  return d;
}

}  // namespace

void count_add(const uint64_t* plane, const uint64_t* m, unsigned nw, unsigned X, unsigned sh,
               int32_t* P) {
  dispatch().count(plane, m, nw, X, sh, P);
}
void dot_split(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X, int32_t* hi,
               int32_t* lo) {
  dispatch().dot(W, xh, xl, X, hi, lo);
}
const char* variant() { return dispatch().name; }
void count_add_generic(const uint64_t* plane, const uint64_t* m, unsigned nw, unsigned X,
                       unsigned sh, int32_t* P) {
  count_generic(plane, m, nw, X, sh, P);
}
void dot_split_generic(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X,
                       int32_t* hi, int32_t* lo) {
  dot_generic(W, xh, xl, X, hi, lo);
}

}  // namespace pumavp::xbar::kernels
