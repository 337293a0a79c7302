#include "xbar/mcu.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "xbar/bit_planes.h"

namespace pumavp::xbar {

// ---------------------------------------------------------------- PantherSlicing

PantherSlicing::PantherSlicing(const std::vector<unsigned>& msb_first) {
  n = static_cast<unsigned>(msb_first.size());
  if (n < 2 || n > 32 || 32 % n != 0)
    throw std::invalid_argument("panther.slices: the number of slices must divide 32 (2..32), got " +
                                std::to_string(n));
  p = 32 / n;
  bits.assign(msb_first.rbegin(), msb_first.rend());
  for (unsigned k = 0; k < n; ++k)
    if (bits[k] < p || bits[k] > 16)
      throw std::invalid_argument("panther.slices: slice " + std::to_string(k) + " has " +
                                  std::to_string(bits[k]) + " bits; need " + std::to_string(p) +
                                  "..16");
  panther_weight_range(msb_first, wlo, whi);  // [Wlo, Whi], common/geometry.h
  beta = 0;
  for (unsigned k = 0; k < n; ++k) beta += (int64_t{1} << (bits[k] - 1)) << (k * p);
}

std::vector<int32_t> PantherSlicing::digits(int64_t wt) const {
  if (!representable(wt))
    throw std::out_of_range("PantherSlicing::digits: weight " + std::to_string(wt) +
                            " outside [Wlo, Whi]");
  std::vector<int32_t> d(n);
  const int64_t P = int64_t{1} << p, H = int64_t{1} << (p - 1);
  int64_t r = wt;
  for (unsigned k = 0; k + 1 < n; ++k) {
    int64_t m = (r + H) % P;
    if (m < 0) m += P;
    d[k] = static_cast<int32_t>(m - H);
    r = (r - d[k]) / P;  // exact
  }
  d[n - 1] = static_cast<int32_t>(r);
  return d;
}

int64_t PantherSlicing::compose(const int32_t* d) const {
  int64_t w = 0;
  for (unsigned k = 0; k < n; ++k) w += static_cast<int64_t>(d[k]) * (int64_t{1} << (k * p));
  return w;
}

unsigned PantherSlicing::lossless_bits(unsigned k, unsigned X, unsigned d) const {
  return lossless_adc_bits(X, bits[k], d);
}

WeightRangeError::WeightRangeError(unsigned r, unsigned c, int64_t v, int64_t lo, int64_t hi)
    : std::out_of_range("PANTHER weight " + std::to_string(v) + " at row " + std::to_string(r) +
                        ", column " + std::to_string(c) + " outside [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]"),
      row(r), col(c), value(v) {}

// ---------------------------------------------------------------- Mcu

Mcu::Mcu(const XbarParams& p) : MvmArray(p), sl_(p.panther_slices) {
  validate(p_);
  sliced_ = p_.model == XbarModel::Sliced;
  for (unsigned k = 0; k < sl_.n; ++k)
    if (adc_width(k) < sl_.lossless_bits(k, X_, p_.dac_bits)) sliced_ = true;
  const std::size_t XX = std::size_t(X_) * X_;
  wt_.assign(XX, 0);
  wtc_.assign(XX, 0);
  dig_.assign(XX * sl_.n, 0);
  cw_.assign(X_, 0);
  rw_.assign(X_, 0);
  acc_.assign(X_, 0);
  cnt_.slice_clamps.assign(sl_.n, 0);
}

Mcu::~Mcu() = default;
Mcu::Mcu(Mcu&&) noexcept = default;
Mcu& Mcu::operator=(Mcu&&) noexcept = default;

unsigned Mcu::adc_width(unsigned k) const {
  return p_.adc_bits ? p_.adc_bits : sl_.lossless_bits(k, X_, p_.dac_bits);
}

void Mcu::reset_counters() {
  cnt_ = McuCounters{};
  cnt_.slice_clamps.assign(sl_.n, 0);
}

void Mcu::finish_run(ArrayEvents& ev) {
  ev.adc_conversions += cnt_.adc_conversions;
  ev.adc_clipped += cnt_.adc_clipped;
  ev.out_saturations += cnt_.out_saturations;
  ev.weight_clamps += cnt_.weight_clamps + cnt_.crs_clamps;
  for (uint64_t k : cnt_.slice_clamps) ev.weight_clamps += k;
  reset_counters();
}

void Mcu::write_weights(const int16_t* w, unsigned rows, unsigned cols) {
  const std::vector<int32_t> w32(w, w + std::size_t(rows) * cols);
  program(w32.data(), rows, cols);
}

void Mcu::set_canonical(std::size_t idx, int64_t wt) {
  wt_[idx] = wt;
  const std::size_t XX = std::size_t(X_) * X_;
  const int64_t P = int64_t{1} << sl_.p, H = int64_t{1} << (sl_.p - 1);
  int64_t r = wt;
  for (unsigned k = 0; k + 1 < sl_.n; ++k) {
    int64_t m = (r + H) % P;
    if (m < 0) m += P;
    const int64_t d = m - H;
    dig_[k * XX + idx] = static_cast<int32_t>(d);
    r = (r - d) / P;
  }
  dig_[(sl_.n - 1) * XX + idx] = static_cast<int32_t>(r);
}

void Mcu::refresh_sums() {
  for (unsigned i = 0; i < X_; ++i)
    for (unsigned j = 0; j < X_; ++j) wtc_[std::size_t(j) * X_ + i] = wt_[std::size_t(i) * X_ + j];
  std::fill(cw_.begin(), cw_.end(), 0);
  std::fill(rw_.begin(), rw_.end(), 0);
  for (unsigned i = 0; i < X_; ++i)
    for (unsigned j = 0; j < X_; ++j) {
      cw_[j] += wt_[std::size_t(i) * X_ + j];
      rw_[i] += wt_[std::size_t(i) * X_ + j];
    }
  planes_dirty_ = true;
}

void Mcu::clear() {
  std::fill(wt_.begin(), wt_.end(), 0);
  std::fill(dig_.begin(), dig_.end(), 0);
  refresh_sums();
}

void Mcu::program(const int32_t* w, unsigned rows, unsigned cols, unsigned row0, unsigned col0,
                  std::size_t ld) {
  if (!check_block("Mcu::program", X_, w, rows, cols, row0, col0)) return;
  if (ld == 0) ld = cols;
  for (unsigned r = 0; r < rows; ++r)
    for (unsigned c = 0; c < cols; ++c) {
      const int64_t v = w[std::size_t(r) * ld + c];
      if (!sl_.representable(v)) throw WeightRangeError(row0 + r, col0 + c, v, sl_.wlo, sl_.whi);
    }
  for (unsigned r = 0; r < rows; ++r)
    for (unsigned c = 0; c < cols; ++c)
      set_canonical(std::size_t(row0 + r) * X_ + col0 + c, w[std::size_t(r) * ld + c]);
  refresh_sums();
}

void Mcu::ensure_planes() {
  if (!planes_dirty_ && planes_) return;
  if (!planes_) {
    std::vector<SliceSpec> specs;
    for (unsigned k = 0; k < sl_.n; ++k) {
      SliceSpec sp;
      sp.bits = sl_.bits[k];
      sp.shift = k * sl_.p;
      sp.adc_bits = adc_width(k);
      sp.lossless_bits = sl_.lossless_bits(k, X_, p_.dac_bits);
      specs.push_back(sp);
    }
    planes_ = std::make_unique<BitPlanes>(X_, std::move(specs), p_.dac_bits, p_.adc_mode);
  }
  const std::size_t XX = std::size_t(X_) * X_;
  planes_->build([&](unsigned k, unsigned i, unsigned j) {
    // cell = D_k + 2^(b_k - 1): zero digit at mid-conductance
    return static_cast<unsigned>(dig_[k * XX + std::size_t(i) * X_ + j] +
                                 (int32_t{1} << (sl_.bits[k] - 1)));
  });
  planes_dirty_ = false;
}

void Mcu::finish(const int64_t* acc, int16_t* out, Flags& flags) {
  finish_product(acc, X_, 2 * p_.frac_bits, out, flags, cnt_.out_saturations);  // fw = 2f
}

static void golden64(const int64_t* W, const int16_t* x, unsigned X, int64_t* acc) {
  for (unsigned j = 0; j < X; ++j) {
    const int64_t* c = W + std::size_t(j) * X;
    int64_t s = 0;
    for (unsigned i = 0; i < X; ++i) s += c[i] * x[i];
    acc[j] = s;
  }
}

// MVM (transposed = false) or MTVM, golden or bit-sliced: the layouts and sums swap roles.
void Mcu::product(bool transposed, bool bit_sliced, const int16_t* in, int16_t* out, Flags& flags) {
  if (bit_sliced) {
    ensure_planes();
    sliced_product(*planes_, transposed, in, X_, transposed ? rw_.data() : cw_.data(), sl_.beta,
                   acc_.data(), cnt_.adc_conversions, cnt_.adc_clipped);
  } else {
    golden64(transposed ? wt_.data() : wtc_.data(), in, X_, acc_.data());
  }
  ++(transposed ? cnt_.mtvm : cnt_.mvm);
  finish(acc_.data(), out, flags);
}

void Mcu::mvm_ideal(const int16_t* x, int16_t* y, Flags& flags) { product(false, false, x, y, flags); }
void Mcu::mtvm_ideal(const int16_t* d, int16_t* z, Flags& flags) { product(true, false, d, z, flags); }
void Mcu::mvm_sliced(const int16_t* x, int16_t* y, Flags& flags) { product(false, true, x, y, flags); }
void Mcu::mtvm_sliced(const int16_t* d, int16_t* z, Flags& flags) { product(true, true, d, z, flags); }

void Mcu::opa(const int16_t* x, const int16_t* delta) {
  pend_x_.insert(pend_x_.end(), x, x + X_);
  pend_d_.insert(pend_d_.end(), delta, delta + X_);
  ++cnt_.opa_pairs;
}

namespace {
// The streamed terms of one cell update: term_n = floor(|c| 2^n / 2^L) for each set bit n of
// |a|. Returns the count; sigma is -1 iff exactly one of a, c is negative.
inline unsigned opa_terms(int16_t a, int16_t c, unsigned L, uint64_t* terms, int& sigma) {
  const uint32_t ua = a < 0 ? uint32_t(-int32_t{a}) : uint32_t(a);
  const uint64_t uc = c < 0 ? uint64_t(-int64_t{c}) : uint64_t(c);
  sigma = ((a < 0) != (c < 0)) ? -1 : 1;
  unsigned nt = 0;
  for (unsigned n = 0; n < 16; ++n)
    if ((ua >> n) & 1u) terms[nt++] = (uc << n) >> L;
  return nt;
}
}  // namespace

void Mcu::apply_pair_ideal(const int16_t* x, const int16_t* d) {
  uint64_t terms[16];
  for (unsigned i = 0; i < X_; ++i) {
    if (x[i] == 0) continue;
    for (unsigned j = 0; j < X_; ++j) {
      if (d[j] == 0) continue;
      int sigma;
      const unsigned nt = opa_terms(x[i], d[j], p_.lr_shift, terms, sigma);
      int64_t s = 0;
      for (unsigned t = 0; t < nt; ++t) s += static_cast<int64_t>(terms[t]);
      const std::size_t idx = std::size_t(i) * X_ + j;
      int64_t w = wt_[idx] + sigma * s;
      if (w < sl_.wlo || w > sl_.whi) {
        w = std::min(sl_.whi, std::max(sl_.wlo, w));
        ++cnt_.weight_clamps;
      }
      set_canonical(idx, w);
    }
  }
}

void Mcu::apply_pair_sliced(const int16_t* x, const int16_t* d) {
  uint64_t terms[16];
  const std::size_t XX = std::size_t(X_) * X_;
  const uint64_t mask = (uint64_t{1} << sl_.p) - 1;
  for (unsigned i = 0; i < X_; ++i) {
    if (x[i] == 0) continue;
    for (unsigned j = 0; j < X_; ++j) {
      if (d[j] == 0) continue;
      int sigma;
      const unsigned nt = opa_terms(x[i], d[j], p_.lr_shift, terms, sigma);
      const std::size_t idx = std::size_t(i) * X_ + j;
      int32_t dk[32];
      for (unsigned k = 0; k < sl_.n; ++k) {
        int64_t s = 0;
        for (unsigned t = 0; t < nt; ++t) s += static_cast<int64_t>((terms[t] >> (k * sl_.p)) & mask);
        int64_t v = dig_[k * XX + idx] + sigma * s;
        const int64_t lo = sl_.digit_min(k), hi = sl_.digit_max(k);
        if (v < lo || v > hi) {
          v = std::min(hi, std::max(lo, v));
          ++cnt_.slice_clamps[k];
        }
        dig_[k * XX + idx] = static_cast<int32_t>(v);
        dk[k] = static_cast<int32_t>(v);
      }
      wt_[idx] = sl_.compose(dk);
    }
  }
}

Mcu::CommitResult Mcu::commit() {
  CommitResult r;
  r.pairs = pending();
  for (std::size_t q = 0; q < r.pairs; ++q) {
    const int16_t* x = pend_x_.data() + q * X_;
    const int16_t* d = pend_d_.data() + q * X_;
    if (p_.opa_model == OpaModel::Sliced)
      apply_pair_sliced(x, d);
    else
      apply_pair_ideal(x, d);
  }
  discard_pending();
  if (r.pairs == 0) return r;
  refresh_sums();
  ++cnt_.commits;
  ++commit_counter_;
  if (p_.crs_period != 0 && commit_counter_ >= p_.crs_period) {
    crs();
    commit_counter_ = 0;
    r.crs = true;
  }
  return r;
}

void Mcu::crs() {
  const std::size_t XX = std::size_t(X_) * X_;
  int32_t dk[32];
  for (std::size_t idx = 0; idx < XX; ++idx) {
    for (unsigned k = 0; k < sl_.n; ++k) dk[k] = dig_[k * XX + idx];
    int64_t w = sl_.compose(dk);
    if (w < sl_.wlo || w > sl_.whi) {
      w = std::min(sl_.whi, std::max(sl_.wlo, w));
      ++cnt_.crs_clamps;
    }
    set_canonical(idx, w);
  }
  ++cnt_.crs_runs;
  refresh_sums();
}

}  // namespace pumavp::xbar
