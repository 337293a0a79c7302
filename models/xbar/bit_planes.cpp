#include "xbar/bit_planes.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace pumavp::xbar {

BitPlanes::BitPlanes(unsigned X, std::vector<SliceSpec> slices, unsigned dac_bits, AdcMode mode)
    : X_(X),
      Xp_((X + kernels::kBlock - 1) / kernels::kBlock * kernels::kBlock),
      nw_((X + 63) / 64),
      d_(dac_bits),
      mode_(mode),
      sl_(std::move(slices)) {
  if (X_ == 0 || X_ > 256) throw std::invalid_argument("BitPlanes: X must be 1..256");
  if (d_ < 1 || d_ > 16) throw std::invalid_argument("BitPlanes: dac_bits must be 1..16");
  if (sl_.size() > kernels::kMaxSlices) throw std::invalid_argument("BitPlanes: too many slices");
  for (const SliceSpec& s : sl_) {
    first_plane_.push_back(nplanes_);
    if (s.bits == 0 || s.bits > 16) throw std::invalid_argument("BitPlanes: slice bits must be 1..16");
    if (s.lossless_bits > 31)
      throw std::invalid_argument("BitPlanes: column sums exceed 31 bits (X, cell or DAC width too large)");
    nplanes_ += s.bits;
  }
  fwd_.assign(std::size_t(nplanes_) * nw_ * Xp_, 0);
  tr_.assign(std::size_t(nplanes_) * nw_ * Xp_, 0);
}

void BitPlanes::build(const std::function<unsigned(unsigned, unsigned, unsigned)>& cell) {
  std::fill(fwd_.begin(), fwd_.end(), 0);
  std::fill(tr_.begin(), tr_.end(), 0);
  const std::size_t plane_words = std::size_t(nw_) * Xp_;
  for (unsigned k = 0; k < sl_.size(); ++k) {
    const unsigned bits = sl_[k].bits;
    for (unsigned i = 0; i < X_; ++i) {
      for (unsigned j = 0; j < X_; ++j) {
        const unsigned c = cell(k, i, j);
        if (c >> bits) throw std::logic_error("BitPlanes: cell value exceeds its slice width");
        for (unsigned bb = 0; bb < bits; ++bb) {
          if (!((c >> bb) & 1u)) continue;
          const std::size_t base = (first_plane_[k] + bb) * plane_words;
          fwd_[base + std::size_t(i / 64) * Xp_ + j] |= uint64_t{1} << (i % 64);  // column j, row i
          tr_[base + std::size_t(j / 64) * Xp_ + i] |= uint64_t{1} << (j % 64);   // row i, column j
        }
      }
    }
  }
}

void BitPlanes::accumulate(bool transposed, const uint16_t* u, int64_t* sacc,
                           uint64_t& conversions, uint64_t& clipped) const {
  // Input bit planes: in[q][w] = rows (or columns) whose input has bit q set.
  uint64_t in[16][4] = {};
  for (unsigned i = 0; i < X_; ++i) {
    const unsigned v = u[i];
    for (unsigned q = 0; q < 16; ++q)
      if ((v >> q) & 1u) in[q][i / 64] |= uint64_t{1} << (i % 64);
  }
  const std::vector<uint64_t>& planes = transposed ? tr_ : fwd_;
  const std::size_t plane_words = std::size_t(nw_) * Xp_;
  kernels::SliceJob jobs[kernels::kMaxSlices];
  for (unsigned k = 0; k < sl_.size(); ++k) {
    const SliceSpec& s = sl_[k];
    kernels::SliceJob& jb = jobs[k];
    jb.planes = planes.data() + first_plane_[k] * plane_words;
    jb.bits = s.bits;
    jb.shift = s.shift;
    jb.lossless = s.adc_bits >= s.lossless_bits;
    jb.scale = mode_ == AdcMode::Scale;
    jb.full_scale = s.adc_bits >= 62 ? INT64_MAX : (int64_t{1} << s.adc_bits) - 1;
    jb.lsb_shift = jb.lossless ? 0 : s.lossless_bits - s.adc_bits;
  }
  const unsigned n = static_cast<unsigned>(sl_.size());
  // Each kernel call does every slice and step for one block of columns, so the column sums
  // and the shift-and-add stay in registers.
  int64_t block[kernels::kBlock];
  for (unsigned j0 = 0; j0 < X_; j0 += kernels::kBlock) {
    kernels::slice_steps(jobs, n, plane_words, Xp_, nw_, d_, steps(), in, j0, block, clipped);
    for (unsigned l = 0; l < kernels::kBlock && j0 + l < X_; ++l) sacc[j0 + l] = block[l];
  }
  conversions += uint64_t{n} * steps() * X_;
}

void sliced_product(const BitPlanes& planes, bool transposed, const int16_t* in, unsigned X,
                    const int64_t* wsum, int64_t beta, int64_t* acc, uint64_t& conversions,
                    uint64_t& clipped) {
  constexpr int64_t kB = 32768;  // input offset B = 2^15
  uint16_t u[256] = {};  // X <= 256 (validate)
  int64_t su = 0;
  for (unsigned i = 0; i < X; ++i) {
    u[i] = static_cast<uint16_t>(in[i] + kB);  // offset binary
    su += u[i];
  }
  planes.accumulate(transposed, u, acc, conversions, clipped);
  for (unsigned o = 0; o < X; ++o) acc[o] -= kB * wsum[o] + beta * su;
}

void finish_product(const int64_t* acc, unsigned X, unsigned shift, int16_t* out, Flags& flags,
                    uint64_t& saturations) {
  for (unsigned o = 0; o < X; ++o) {
    const int64_t v = rne(acc[o], shift);
    if (v > 32767 || v < -32768) {
      ++saturations;
      flags.sat = true;
    }
    out[o] = sat16(v);
  }
}

}  // namespace pumavp::xbar
