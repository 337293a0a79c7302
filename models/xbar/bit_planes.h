// BitPlanes — the bit-sliced crossbar engine shared by Crossbar (PUMA) and Mcu (PANTHER):
// isa.md §2.9 steps 2-5 for non-negative cells of several slices.
//
// Each slice k holds X×X cells c_k[i][j] in [0, 2^bits_k) at weight position shift_k. The
// cells are kept as bit planes: for cell bit bb of slice k, one X-bit mask per column (the
// rows whose cell has that bit set; forward orientation) and one per row (transposed
// orientation). For an offset-binary input u, step t drives digit a_t = (u >> t*d) & (2^d-1);
// the column sum P[k][t][j] = sum_i c_k[i][j] a_t[i] is obtained exactly as
//   sum_bb sum_db 2^(bb+db) popcount(plane(k,bb)[j] & inputbits(t*d+db)),
// converted by the slice's ADC Q_k and shift-added: Sacc[j] += Q_k(P) << (shift_k + t*d).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "xbar/fixed_point.h"
#include "xbar/xbar_config.h"

namespace pumavp::xbar {

struct SliceSpec {
  unsigned bits = 0;           // significant cell bits (cells < 2^bits)
  unsigned shift = 0;          // weight position of the slice
  unsigned adc_bits = 0;       // functional ADC width a
  unsigned lossless_bits = 0;  // lossless width Lmin (ADC is the identity iff a >= Lmin)
};

class BitPlanes {
 public:
  BitPlanes(unsigned X, std::vector<SliceSpec> slices, unsigned dac_bits, AdcMode mode);

  // cell(k, i, j) must return the cell value of slice k at row i, column j.
  void build(const std::function<unsigned(unsigned, unsigned, unsigned)>& cell);

  // Forward (transposed = false): u indexed by row, sacc by column (MVM).
  // Transposed: u indexed by column, sacc by row (MTVM). u: X offset-binary inputs.
  // sacc[0..X) is overwritten. Adds conversions and full-scale clamps to the counters.
  void accumulate(bool transposed, const uint16_t* u, int64_t* sacc, uint64_t& conversions,
                  uint64_t& clipped) const;

  unsigned steps() const { return dac_steps(d_); }

 private:
  unsigned X_, Xp_, nw_, d_;            // Xp_: X rounded up to the kernel block (zero padding)
  AdcMode mode_;
  std::vector<SliceSpec> sl_;
  std::vector<unsigned> first_plane_;  // first plane index of each slice
  unsigned nplanes_ = 0;
  std::vector<uint64_t> fwd_, tr_;     // [plane][word][column or row], column stride Xp_
};

// The two ends of a product shared by Crossbar and Mcu.
// sliced_product: the §2.9 steps on prepared planes for input `in` (X words): offset-binary
// u = in + B (B = 2^15), planes.accumulate, then the offset correction
// acc[o] -= B * wsum[o] + beta * sum(u) (wsum: column sums for MVM, row sums for MTVM; beta:
// the cells' offset, B for PUMA, PantherSlicing::beta for PANTHER).
void sliced_product(const BitPlanes& planes, bool transposed, const int16_t* in, unsigned X,
                    const int64_t* wsum, int64_t beta, int64_t* acc, uint64_t& conversions,
                    uint64_t& clipped);
// finish_product: out[o] = sat16(rne(acc[o], shift)), o < X; a clamped word sets flags.sat
// and counts one in `saturations`.
void finish_product(const int64_t* acc, unsigned X, unsigned shift, int16_t* out, Flags& flags,
                    uint64_t& saturations);

// The vectorised kernels, dispatched once on the running CPU (AVX-512 VPOPCNTDQ, AVX2,
// generic). All variants compute identical integers.
namespace kernels {
constexpr unsigned kBlock = 16;      // columns per slice_steps() call
constexpr unsigned kMaxSlices = 64;

// One slice of BitPlanes::accumulate, with its ADC.
struct SliceJob {
  const uint64_t* planes = nullptr;  // plane bb of the slice at planes + bb * plane_words
  unsigned bits = 0;
  unsigned shift = 0;
  bool lossless = true;
  bool scale = false;                // AdcMode::Scale (else Clip) when lossy
  int64_t full_scale = 0;            // 2^adc_bits - 1
  unsigned lsb_shift = 0;            // scale mode: lossless_bits - adc_bits
};
// For the kBlock columns (or rows) starting at j0: every slice, every step t < T, the
// column sums P = sum_bb sum_db 2^(bb+db) popcount(plane_bb & in[t*d+db]), the slice's ADC,
// shift-and-add into sacc[0..kBlock). `in[q][w]`: input bit q of word w. Adds clamps to
// `clipped`. Planes are laid out [plane][word][column] with column stride `stride`.
void slice_steps(const SliceJob* jobs, unsigned njobs, std::size_t plane_words, std::size_t stride,
                 unsigned nw, unsigned d, unsigned T, const uint64_t (*in)[4], unsigned j0,
                 int64_t* sacc, uint64_t& clipped);
void slice_steps_generic(const SliceJob* jobs, unsigned njobs, std::size_t plane_words,
                         std::size_t stride, unsigned nw, unsigned d, unsigned T,
                         const uint64_t (*in)[4], unsigned j0, int64_t* sacc, uint64_t& clipped);
// hi[j] = sum_i W[j*X + i] * xh[i], lo[j] = sum_i W[j*X + i] * xl[i] (int32, exact when
// |W xh| sums and |W xl| sums fit: the caller splits inputs into 8-bit halves).
void dot_split(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X, int32_t* hi,
               int32_t* lo);
// Name of the selected variant ("avx512", "avx2", "generic").
const char* variant();
// The portable variants, for cross-checking the dispatched ones in tests.
void dot_split_generic(const int16_t* W, const int16_t* xh, const int16_t* xl, unsigned X,
                       int32_t* hi, int32_t* lo);
}  // namespace kernels

}  // namespace pumavp::xbar
