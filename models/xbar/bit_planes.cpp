#include "xbar/bit_planes.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace pumavp::xbar {

BitPlanes::BitPlanes(unsigned X, std::vector<SliceSpec> slices, unsigned dac_bits, AdcMode mode)
    : X_(X), nw_((X + 63) / 64), d_(dac_bits), mode_(mode), sl_(std::move(slices)) {
  if (X_ == 0 || X_ > 256) throw std::invalid_argument("BitPlanes: X must be 1..256");
  if (d_ < 1 || d_ > 16) throw std::invalid_argument("BitPlanes: dac_bits must be 1..16");
  for (const SliceSpec& s : sl_) {
    first_plane_.push_back(nplanes_);
    if (s.bits == 0 || s.bits > 16) throw std::invalid_argument("BitPlanes: slice bits must be 1..16");
    if (s.lossless_bits > 31)
      throw std::invalid_argument("BitPlanes: column sums exceed 31 bits (X, cell or DAC width too large)");
    nplanes_ += s.bits;
  }
  fwd_.assign(std::size_t(nplanes_) * nw_ * X_, 0);
  tr_.assign(std::size_t(nplanes_) * nw_ * X_, 0);
}

void BitPlanes::build(const std::function<unsigned(unsigned, unsigned, unsigned)>& cell) {
  std::fill(fwd_.begin(), fwd_.end(), 0);
  std::fill(tr_.begin(), tr_.end(), 0);
  const std::size_t plane_words = std::size_t(nw_) * X_;
  for (unsigned k = 0; k < sl_.size(); ++k) {
    const unsigned bits = sl_[k].bits;
    for (unsigned i = 0; i < X_; ++i) {
      for (unsigned j = 0; j < X_; ++j) {
        const unsigned c = cell(k, i, j);
        if (c >> bits) throw std::logic_error("BitPlanes: cell value exceeds its slice width");
        for (unsigned bb = 0; bb < bits; ++bb) {
          if (!((c >> bb) & 1u)) continue;
          const std::size_t base = (first_plane_[k] + bb) * plane_words;
          fwd_[base + std::size_t(i / 64) * X_ + j] |= uint64_t{1} << (i % 64);  // column j, row i
          tr_[base + std::size_t(j / 64) * X_ + i] |= uint64_t{1} << (j % 64);   // row i, column j
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
  const std::size_t plane_words = std::size_t(nw_) * X_;
  const unsigned T = steps();
  int32_t P[256];
  for (unsigned j = 0; j < X_; ++j) sacc[j] = 0;
  for (unsigned k = 0; k < sl_.size(); ++k) {
    const SliceSpec& s = sl_[k];
    const bool lossless = s.adc_bits >= s.lossless_bits;
    const int64_t fs = s.adc_bits >= 62 ? INT64_MAX : (int64_t{1} << s.adc_bits) - 1;
    const unsigned kk = lossless ? 0 : s.lossless_bits - s.adc_bits;  // scale mode LSB shift
    for (unsigned t = 0; t < T; ++t) {
      for (unsigned j = 0; j < X_; ++j) P[j] = 0;
      // Column sums P[j] = sum_i c_k[i][j] * a_t[i], a_t the d-bit digit of step t.
      for (unsigned bb = 0; bb < s.bits; ++bb) {
        const uint64_t* plane = planes.data() + (first_plane_[k] + bb) * plane_words;
        for (unsigned db = 0; db < d_ && t * d_ + db < 16; ++db)
          kernels::count_add(plane, in[t * d_ + db], nw_, X_, bb + db, P);
      }
      // ADC, then shift-and-add.
      const unsigned sh = s.shift + t * d_;
      if (lossless) {
        for (unsigned j = 0; j < X_; ++j) sacc[j] += static_cast<int64_t>(P[j]) << sh;
      } else if (mode_ == AdcMode::Clip) {
        for (unsigned j = 0; j < X_; ++j) {
          int64_t q = P[j];
          if (q > fs) {
            q = fs;
            ++clipped;
          }
          sacc[j] += q << sh;
        }
      } else {
        const int64_t half = int64_t{1} << (kk - 1);
        for (unsigned j = 0; j < X_; ++j) {
          int64_t q = (static_cast<int64_t>(P[j]) + half) >> kk;
          if (q > fs) {
            q = fs;
            ++clipped;
          }
          sacc[j] += (q << kk) << sh;
        }
      }
      conversions += X_;
    }
  }
}

}  // namespace pumavp::xbar
