// Vectorised inner loops of the crossbar models, compiled per ISA level and dispatched at
// first use. Integer-only: every variant gives bit-identical results.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "xbar/bit_planes.h"

namespace pumavp::xbar::kernels {

namespace {

#define PUMAVP_INLINE inline __attribute__((always_inline))

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

PUMAVP_INLINE void slice_steps_body(const SliceJob* jobs, unsigned njobs, std::size_t plane_words,
                                    std::size_t stride, unsigned nw, unsigned d, unsigned T,
                                    const uint64_t (*in)[4], unsigned j0, int64_t* __restrict sacc,
                                    uint64_t& clipped) {
  int64_t S[kBlock] = {};
  uint64_t clips = 0;
  for (unsigned k = 0; k < njobs; ++k) {
    const SliceJob& jb = jobs[k];
    for (unsigned t = 0; t < T; ++t) {
      int64_t P[kBlock] = {};
      for (unsigned bb = 0; bb < jb.bits; ++bb) {
        const uint64_t* plane = jb.planes + bb * plane_words + j0;
        for (unsigned db = 0; db < d && t * d + db < 16; ++db) {
          const unsigned sh = bb + db;
          for (unsigned w = 0; w < nw; ++w) {
            const uint64_t m = in[t * d + db][w];
            if (!m) continue;
            const uint64_t* __restrict pl = plane + w * stride;
            for (unsigned l = 0; l < kBlock; ++l)
              P[l] += static_cast<int64_t>(__builtin_popcountll(pl[l] & m)) << sh;
          }
        }
      }
      // The slice's ADC (isa.md §2.9 step 4), then shift-and-add.
      const unsigned sh = jb.shift + t * d;
      if (jb.lossless) {
        for (unsigned l = 0; l < kBlock; ++l) S[l] += P[l] << sh;
      } else if (!jb.scale) {
        for (unsigned l = 0; l < kBlock; ++l) {
          const bool over = P[l] > jb.full_scale;
          clips += over;
          S[l] += (over ? jb.full_scale : P[l]) << sh;
        }
      } else {
        const int64_t half = int64_t{1} << (jb.lsb_shift - 1);
        for (unsigned l = 0; l < kBlock; ++l) {
          int64_t q = (P[l] + half) >> jb.lsb_shift;
          const bool over = q > jb.full_scale;
          clips += over;
          q = over ? jb.full_scale : q;
          S[l] += (q << jb.lsb_shift) << sh;
        }
      }
    }
  }
  for (unsigned l = 0; l < kBlock; ++l) sacc[l] = S[l];
  clipped += clips;
}

using DotFn = void (*)(const int16_t*, const int16_t*, const int16_t*, unsigned, int32_t*, int32_t*);

using StepsFn = void (*)(const SliceJob*, unsigned, std::size_t, std::size_t, unsigned, unsigned, unsigned,
                        const uint64_t (*)[4], unsigned, int64_t*, uint64_t&);

void steps_generic(const SliceJob* jobs, unsigned njobs, std::size_t pw, std::size_t stride, unsigned nw,
                   unsigned d, unsigned T, const uint64_t (*in)[4], unsigned j0, int64_t* sacc,
                   uint64_t& clipped) {
  slice_steps_body(jobs, njobs, pw, stride, nw, d, T, in, j0, sacc, clipped);
}
void dot_generic(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X, int32_t* hi,
                 int32_t* lo) {
  dot_split_body(W, xh, xl, X, hi, lo);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PUMAVP_X86_DISPATCH 1
__attribute__((target("avx2,popcnt,bmi2,fma"))) void dot_avx2(const int16_t* W, const int16_t* xh,
                                                             const int16_t* xl, unsigned X,
                                                             int32_t* hi, int32_t* lo) {
  dot_split_body(W, xh, xl, X, hi, lo);
}
__attribute__((target("avx2,popcnt,bmi2,fma"))) void steps_avx2(
    const SliceJob* jobs, unsigned njobs, std::size_t pw, std::size_t stride, unsigned nw, unsigned d,
    unsigned T, const uint64_t (*in)[4], unsigned j0, int64_t* sacc, uint64_t& clipped) {
  slice_steps_body(jobs, njobs, pw, stride, nw, d, T, in, j0, sacc, clipped);
}
// AVX-512: the kBlock = 16 column sums of a step live in two registers of 64-bit lanes. The
// popcounts of a step are kept per weight position e = bb + db (independent accumulator
// chains, no shift per popcount) and combined once per step, then the ADC and the
// shift-and-add. The common shapes (one DAC bit, 1-4 bit cells, 1-4 words per column) are
// compiled with every loop unrolled so that planes and sums stay in registers.
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq,popcnt")
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in avx512fintrin.h

struct Acc16 {
  __m512i a, b;
};

// The slice's ADC on one step's sums P, then sacc += Q(P) << sh.
PUMAVP_INLINE void adc_add(const SliceJob& jb, __m512i P0, __m512i P1, unsigned sh_bits, Acc16& S,
                           uint64_t& clips) {
  const __m128i sh = _mm_cvtsi32_si128(static_cast<int>(sh_bits));
  if (jb.lossless) {
    S.a = _mm512_add_epi64(S.a, _mm512_sll_epi64(P0, sh));
    S.b = _mm512_add_epi64(S.b, _mm512_sll_epi64(P1, sh));
    return;
  }
  const __m512i fs = _mm512_set1_epi64(jb.full_scale);
  if (!jb.scale) {
    clips += static_cast<unsigned>(__builtin_popcount(_mm512_cmpgt_epi64_mask(P0, fs)) +
                                   __builtin_popcount(_mm512_cmpgt_epi64_mask(P1, fs)));
    S.a = _mm512_add_epi64(S.a, _mm512_sll_epi64(_mm512_min_epi64(P0, fs), sh));
    S.b = _mm512_add_epi64(S.b, _mm512_sll_epi64(_mm512_min_epi64(P1, fs), sh));
    return;
  }
  const __m128i lsb = _mm_cvtsi32_si128(static_cast<int>(jb.lsb_shift));
  const __m512i half = _mm512_set1_epi64(int64_t{1} << (jb.lsb_shift - 1));
  const __m512i q0 = _mm512_sra_epi64(_mm512_add_epi64(P0, half), lsb);
  const __m512i q1 = _mm512_sra_epi64(_mm512_add_epi64(P1, half), lsb);
  clips += static_cast<unsigned>(__builtin_popcount(_mm512_cmpgt_epi64_mask(q0, fs)) +
                                 __builtin_popcount(_mm512_cmpgt_epi64_mask(q1, fs)));
  S.a = _mm512_add_epi64(S.a, _mm512_sll_epi64(_mm512_sll_epi64(_mm512_min_epi64(q0, fs), lsb), sh));
  S.b = _mm512_add_epi64(S.b, _mm512_sll_epi64(_mm512_sll_epi64(_mm512_min_epi64(q1, fs), lsb), sh));
}

template <unsigned BITS, unsigned NW>
void slice_d1(const SliceJob& jb, std::size_t pw, std::size_t stride, unsigned T, const uint64_t (*in)[4],
              unsigned j0, Acc16& S, uint64_t& clips) {
  __m512i pa[BITS][NW], pb[BITS][NW];
#pragma GCC unroll 4
  for (unsigned bb = 0; bb < BITS; ++bb)
#pragma GCC unroll 4
    for (unsigned w = 0; w < NW; ++w) {
      const uint64_t* src = jb.planes + bb * pw + w * stride + j0;
      pa[bb][w] = _mm512_loadu_si512(src);
      pb[bb][w] = _mm512_loadu_si512(src + 8);
    }
  for (unsigned t = 0; t < T; ++t) {
    __m512i Ea[BITS], Eb[BITS];
#pragma GCC unroll 4
    for (unsigned bb = 0; bb < BITS; ++bb) Ea[bb] = Eb[bb] = _mm512_setzero_si512();
#pragma GCC unroll 4
    for (unsigned w = 0; w < NW; ++w) {
      const __m512i vm = _mm512_set1_epi64(static_cast<long long>(in[t][w]));
#pragma GCC unroll 4
      for (unsigned bb = 0; bb < BITS; ++bb) {
        Ea[bb] = _mm512_add_epi64(Ea[bb], _mm512_popcnt_epi64(_mm512_and_si512(pa[bb][w], vm)));
        Eb[bb] = _mm512_add_epi64(Eb[bb], _mm512_popcnt_epi64(_mm512_and_si512(pb[bb][w], vm)));
      }
    }
    __m512i P0 = Ea[0], P1 = Eb[0];
#pragma GCC unroll 4
    for (unsigned bb = 1; bb < BITS; ++bb) {
      P0 = _mm512_add_epi64(P0, _mm512_slli_epi64(Ea[bb], bb));
      P1 = _mm512_add_epi64(P1, _mm512_slli_epi64(Eb[bb], bb));
    }
    adc_add(jb, P0, P1, jb.shift + t, S, clips);
  }
}

// Any shape: bits 1..16, any DAC width, 1..4 words.
void slice_any(const SliceJob& jb, std::size_t pw, std::size_t stride, unsigned nw, unsigned d, unsigned T,
               const uint64_t (*in)[4], unsigned j0, Acc16& S, uint64_t& clips) {
  for (unsigned t = 0; t < T; ++t) {
    __m512i P0 = _mm512_setzero_si512(), P1 = _mm512_setzero_si512();
    for (unsigned db = 0; db < d && t * d + db < 16; ++db) {
      const uint64_t* m = in[t * d + db];
      for (unsigned w = 0; w < nw; ++w) {
        if (!m[w]) continue;
        const __m512i vm = _mm512_set1_epi64(static_cast<long long>(m[w]));
        for (unsigned bb = 0; bb < jb.bits; ++bb) {
          const uint64_t* src = jb.planes + bb * pw + w * stride + j0;
          const __m128i c = _mm_cvtsi32_si128(static_cast<int>(bb + db));
          P0 = _mm512_add_epi64(P0, _mm512_sll_epi64(_mm512_popcnt_epi64(_mm512_and_si512(_mm512_loadu_si512(src), vm)), c));
          P1 = _mm512_add_epi64(P1, _mm512_sll_epi64(_mm512_popcnt_epi64(_mm512_and_si512(_mm512_loadu_si512(src + 8), vm)), c));
        }
      }
    }
    adc_add(jb, P0, P1, jb.shift + t * d, S, clips);
  }
}

template <unsigned NW>
bool slice_d1_bits(const SliceJob& jb, std::size_t pw, std::size_t stride, unsigned T, const uint64_t (*in)[4],
                   unsigned j0, Acc16& S, uint64_t& clips) {
  switch (jb.bits) {
    case 1: slice_d1<1, NW>(jb, pw, stride, T, in, j0, S, clips); return true;
    case 2: slice_d1<2, NW>(jb, pw, stride, T, in, j0, S, clips); return true;
    case 3: slice_d1<3, NW>(jb, pw, stride, T, in, j0, S, clips); return true;
    case 4: slice_d1<4, NW>(jb, pw, stride, T, in, j0, S, clips); return true;
    default: return false;
  }
}

void steps_avx512(const SliceJob* jobs, unsigned njobs, std::size_t pw, std::size_t stride, unsigned nw,
                  unsigned d, unsigned T, const uint64_t (*in)[4], unsigned j0, int64_t* sacc,
                  uint64_t& clipped) {
  static_assert(kBlock == 16, "two 512-bit registers of 64-bit lanes per block");
  Acc16 S;
  S.a = S.b = _mm512_setzero_si512();
  uint64_t clips = 0;
  for (unsigned k = 0; k < njobs; ++k) {
    const SliceJob& jb = jobs[k];
    bool done = false;
    if (d == 1) {
      if (nw == 1) done = slice_d1_bits<1>(jb, pw, stride, T, in, j0, S, clips);
      else if (nw == 2) done = slice_d1_bits<2>(jb, pw, stride, T, in, j0, S, clips);
      else if (nw == 4) done = slice_d1_bits<4>(jb, pw, stride, T, in, j0, S, clips);
    }
    if (!done) slice_any(jb, pw, stride, nw, d, T, in, j0, S, clips);
  }
  _mm512_storeu_si512(sacc, S.a);
  _mm512_storeu_si512(sacc + 8, S.b);
  clipped += clips;
}
#pragma GCC diagnostic pop
#pragma GCC pop_options

__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq,popcnt,prefer-vector-width=512")))
void dot_avx512(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X, int32_t* hi,
                int32_t* lo) {
  dot_split_body(W, xh, xl, X, hi, lo);
}
#endif

struct Dispatch {
  DotFn dot = dot_generic;
  StepsFn steps = steps_generic;
  const char* name = "generic";
  Dispatch() {
#ifdef PUMAVP_X86_DISPATCH
    // PUMAVP_KERNELS=generic|avx2 caps the level (to test and time the fallbacks).
    const char* cap = std::getenv("PUMAVP_KERNELS");
    const std::string level = cap ? cap : "";
    if (level == "generic") return;
    __builtin_cpu_init();
    if (level != "avx2" && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vpopcntdq")) {
      dot = dot_avx512;
      steps = steps_avx512;
      name = "avx512";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") &&
               __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma")) {
      dot = dot_avx2;
      steps = steps_avx2;
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

void dot_split(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X, int32_t* hi,
               int32_t* lo) {
  dispatch().dot(W, xh, xl, X, hi, lo);
}
void slice_steps(const SliceJob* jobs, unsigned njobs, std::size_t plane_words, std::size_t stride,
                 unsigned nw, unsigned d, unsigned T, const uint64_t (*in)[4], unsigned j0,
                 int64_t* sacc, uint64_t& clipped) {
  dispatch().steps(jobs, njobs, plane_words, stride, nw, d, T, in, j0, sacc, clipped);
}
void slice_steps_generic(const SliceJob* jobs, unsigned njobs, std::size_t plane_words,
                         std::size_t stride, unsigned nw, unsigned d, unsigned T,
                         const uint64_t (*in)[4], unsigned j0, int64_t* sacc, uint64_t& clipped) {
  steps_generic(jobs, njobs, plane_words, stride, nw, d, T, in, j0, sacc, clipped);
}
const char* variant() { return dispatch().name; }
void dot_split_generic(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X,
                       int32_t* hi, int32_t* lo) {
  dot_generic(W, xh, xl, X, hi, lo);
}

}  // namespace pumavp::xbar::kernels
