#include "xbar/crossbar.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "xbar/analog.h"
#include "xbar/bit_planes.h"

namespace pumavp::xbar {

namespace {
constexpr int64_t kB = 32768;  // offset B = 2^15
}

Crossbar::Crossbar(const XbarParams& p) : MvmArray(p) {
  validate(p_);
  sliced_ = p_.puma_sliced();
  colmaj_.assign(std::size_t(X_) * X_, 0);
  rowmaj_.assign(std::size_t(X_) * X_, 0);
  cw_.assign(X_, 0);
  rw_.assign(X_, 0);
  acc_.assign(X_, 0);
  split_.assign(2 * std::size_t(X_), 0);
  if (p_.model == XbarModel::Analog) {
    analog_ = std::make_unique<AnalogArray>(p_, p_.analog_seed);
    shadow_.assign(X_, 0);
  }
}

Crossbar::~Crossbar() = default;
Crossbar::Crossbar(Crossbar&&) noexcept = default;
Crossbar& Crossbar::operator=(Crossbar&&) noexcept = default;

void Crossbar::clear() {
  std::fill(colmaj_.begin(), colmaj_.end(), 0);
  std::fill(rowmaj_.begin(), rowmaj_.end(), 0);
  std::fill(cw_.begin(), cw_.end(), 0);
  std::fill(rw_.begin(), rw_.end(), 0);
  planes_dirty_ = true;
  if (analog_) analog_->program(X_, X_, 0, 0, rowmaj_.data());
}

void Crossbar::program(const int16_t* w, unsigned rows, unsigned cols, unsigned row0,
                       unsigned col0, std::size_t ld) {
  if (!check_block("Crossbar::program", X_, w, rows, cols, row0, col0)) return;
  if (ld == 0) ld = cols;
  for (unsigned r = 0; r < rows; ++r)
    for (unsigned c = 0; c < cols; ++c) {
      const unsigned i = row0 + r, j = col0 + c;
      const int16_t v = w[std::size_t(r) * ld + c];
      const int64_t delta = int64_t{v} - colmaj_[std::size_t(j) * X_ + i];
      cw_[j] += delta;  // column constants kept exact incrementally
      rw_[i] += delta;
      colmaj_[std::size_t(j) * X_ + i] = v;
      rowmaj_[std::size_t(i) * X_ + j] = v;
    }
  planes_dirty_ = true;
  if (analog_) analog_->program(rows, cols, row0, col0, rowmaj_.data());
}

void Crossbar::set_weight(unsigned i, unsigned j, int16_t w) { program(&w, 1, 1, i, j); }

void Crossbar::write_weights32(const int32_t* w, unsigned rows, unsigned cols) {
  std::vector<int16_t> w16(std::size_t(rows) * cols);
  for (std::size_t k = 0; k < w16.size(); ++k) {
    if (w[k] < -32768 || w[k] > 32767)
      throw std::out_of_range("Crossbar::write_weights32: weight " + std::to_string(w[k]) +
                              " does not fit int16");
    w16[k] = static_cast<int16_t>(w[k]);
  }
  program(w16.data(), rows, cols);
}

void Crossbar::finish_run(ArrayEvents& ev) {
  ev.adc_conversions += cnt_.adc_conversions;
  ev.adc_clipped += cnt_.adc_clipped;
  ev.out_saturations += cnt_.out_saturations;
  ev.adc_clipped_low += cnt_.adc_clipped_low;
  ev.shadow_outputs += cnt_.shadow_outputs;
  ev.shadow_err_sq += cnt_.shadow_err_sq;
  ev.shadow_err_max = std::max(ev.shadow_err_max, cnt_.shadow_err_max);
  if (analog_) ev.stuck_cells += analog_->stuck_set_cells() + analog_->stuck_reset_cells();
  reset_counters();
}

void Crossbar::ensure_planes() {
  if (!planes_dirty_ && planes_) return;
  const unsigned b = p_.bits_per_cell, S = p_.slices();
  if (!planes_) {
    std::vector<SliceSpec> specs;
    for (unsigned s = 0; s < S; ++s) {
      SliceSpec sp;
      sp.bits = std::min(b, 16 - s * b);  // the top slice may have fewer significant bits
      sp.shift = s * b;
      sp.adc_bits = p_.adc_width();
      sp.lossless_bits = p_.lossless_bits();
      specs.push_back(sp);
    }
    planes_ = std::make_unique<BitPlanes>(X_, std::move(specs), p_.dac_bits, p_.adc_mode);
  }
  const unsigned mask = (1u << b) - 1;
  planes_->build([&](unsigned s, unsigned i, unsigned j) {
    const unsigned v = static_cast<unsigned>(rowmaj_[std::size_t(i) * X_ + j] + kB);  // W + B
    return (v >> (s * b)) & mask;
  });
  planes_dirty_ = false;
}

void Crossbar::finish(const int64_t* acc, int16_t* out, Flags& flags) {
  finish_product(acc, X_, p_.frac_bits, out, flags, cnt_.out_saturations);
}

// Golden product on a weight layout where `W[j*X + i]` pairs output j with input i. The
// input is split as x = 256*xh + xl (xh in [-128, 127], xl in [0, 255]) so that both int16
// dot products are exact in int32 for X <= 256 and vectorise as multiply-add pairs.
static void golden(const int16_t* W, const int16_t* x, unsigned X, int16_t* split, int64_t* acc) {
  int16_t* xh = split;
  int16_t* xl = split + X;
  for (unsigned i = 0; i < X; ++i) {
    xh[i] = static_cast<int16_t>(x[i] >> 8);
    xl[i] = static_cast<int16_t>(x[i] & 0xFF);
  }
  int32_t hi[256], lo[256];
  kernels::dot_split(W, xh, xl, X, hi, lo);
  for (unsigned j = 0; j < X; ++j) acc[j] = static_cast<int64_t>(hi[j]) * 256 + lo[j];
}

// MVM (transposed = false) or MTVM, golden or bit-sliced: the layouts and sums swap roles.
void Crossbar::product(bool transposed, bool bit_sliced, const int16_t* in, int16_t* out,
                       Flags& flags) {
  if (bit_sliced && analog_) {
    analog_->product(transposed, in, transposed ? rw_.data() : cw_.data(), acc_.data(),
                     cnt_.adc_conversions);
    const AnalogEvents& ae = analog_->events();
    cnt_.adc_clipped += ae.adc_clipped_low + ae.adc_clipped_high;
    cnt_.adc_clipped_low += ae.adc_clipped_low;
    analog_->reset_events();
    ++(transposed ? cnt_.mtvm : cnt_.mvm);
    finish(acc_.data(), out, flags);
    if (p_.analog.shadow) {  // ideal shadow path: the golden product, error stats only
      Flags f;
      uint64_t sat = 0;
      golden(transposed ? rowmaj_.data() : colmaj_.data(), in, X_, split_.data(), acc_.data());
      finish_product(acc_.data(), X_, p_.frac_bits, shadow_.data(), f, sat);
      for (unsigned o = 0; o < X_; ++o) {
        const int64_t e = int64_t{out[o]} - shadow_[o];
        const uint64_t ae2 = static_cast<uint64_t>(e < 0 ? -e : e);
        cnt_.shadow_err_sq += ae2 * ae2;
        cnt_.shadow_err_max = std::max(cnt_.shadow_err_max, ae2);
      }
      cnt_.shadow_outputs += X_;
    }
    return;
  }
  if (bit_sliced) {
    ensure_planes();
    // Cells hold W + B, so the cell offset is B as well (isa.md §2.9 step 6).
    sliced_product(*planes_, transposed, in, X_, transposed ? rw_.data() : cw_.data(), kB,
                   acc_.data(), cnt_.adc_conversions, cnt_.adc_clipped);
  } else {
    golden(transposed ? rowmaj_.data() : colmaj_.data(), in, X_, split_.data(), acc_.data());
  }
  ++(transposed ? cnt_.mtvm : cnt_.mvm);
  finish(acc_.data(), out, flags);
}

void Crossbar::mvm_ideal(const int16_t* x, int16_t* y, Flags& flags) {
  product(false, false, x, y, flags);
}
void Crossbar::mtvm_ideal(const int16_t* d, int16_t* z, Flags& flags) {
  product(true, false, d, z, flags);
}
void Crossbar::mvm_sliced(const int16_t* x, int16_t* y, Flags& flags) {
  product(false, true, x, y, flags);
}
void Crossbar::mtvm_sliced(const int16_t* d, int16_t* z, Flags& flags) {
  product(true, true, d, z, flags);
}


}  // namespace pumavp::xbar
