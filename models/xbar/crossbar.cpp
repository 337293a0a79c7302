#include "xbar/crossbar.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "xbar/bit_planes.h"

namespace pumavp::xbar {

namespace {
constexpr int64_t kB = 32768;  // offset B = 2^15
}

Crossbar::Crossbar(const XbarParams& p) : p_(p), X_(p.size) {
  validate(p_);
  sliced_ = p_.puma_sliced();
  colmaj_.assign(std::size_t(X_) * X_, 0);
  rowmaj_.assign(std::size_t(X_) * X_, 0);
  cw_.assign(X_, 0);
  rw_.assign(X_, 0);
  acc_.assign(X_, 0);
  split_.assign(2 * std::size_t(X_), 0);
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
}

void Crossbar::program(const int16_t* w, unsigned rows, unsigned cols, unsigned row0,
                       unsigned col0, std::size_t ld) {
  if (std::size_t(row0) + rows > X_ || std::size_t(col0) + cols > X_)
    throw std::out_of_range("Crossbar::program: block " + std::to_string(rows) + "x" +
                            std::to_string(cols) + " at (" + std::to_string(row0) + ", " +
                            std::to_string(col0) + ") leaves the " + std::to_string(X_) + "x" +
                            std::to_string(X_) + " array");
  if (rows == 0 || cols == 0) return;
  if (!w) throw std::invalid_argument("Crossbar::program: null weights");
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
  const unsigned f = p_.frac_bits;
  for (unsigned j = 0; j < X_; ++j) {
    const int64_t v = rne(acc[j], f);
    if (v > 32767 || v < -32768) {
      ++cnt_.out_saturations;
      flags.sat = true;
    }
    out[j] = sat16(v);
  }
}

void Crossbar::mvm(const int16_t* x, int16_t* y, Flags& flags) {
  if (sliced_)
    mvm_sliced(x, y, flags);
  else
    mvm_ideal(x, y, flags);
}

void Crossbar::mtvm(const int16_t* d, int16_t* z, Flags& flags) {
  if (sliced_)
    mtvm_sliced(d, z, flags);
  else
    mtvm_ideal(d, z, flags);
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

void Crossbar::mvm_ideal(const int16_t* x, int16_t* y, Flags& flags) {
  golden(colmaj_.data(), x, X_, split_.data(), acc_.data());
  ++cnt_.mvm;
  finish(acc_.data(), y, flags);
}

void Crossbar::mtvm_ideal(const int16_t* d, int16_t* z, Flags& flags) {
  golden(rowmaj_.data(), d, X_, split_.data(), acc_.data());
  ++cnt_.mtvm;
  finish(acc_.data(), z, flags);
}

void Crossbar::mvm_sliced(const int16_t* x, int16_t* y, Flags& flags) {
  ensure_planes();
  uint16_t u[256];
  int64_t su = 0;
  for (unsigned i = 0; i < X_; ++i) {
    u[i] = static_cast<uint16_t>(x[i] + kB);  // offset binary
    su += u[i];
  }
  planes_->accumulate(false, u, acc_.data(), cnt_.adc_conversions, cnt_.adc_clipped);
  for (unsigned j = 0; j < X_; ++j) acc_[j] -= kB * cw_[j] + kB * su;
  ++cnt_.mvm;
  finish(acc_.data(), y, flags);
}

void Crossbar::mtvm_sliced(const int16_t* d, int16_t* z, Flags& flags) {
  ensure_planes();
  uint16_t u[256];
  int64_t su = 0;
  for (unsigned j = 0; j < X_; ++j) {
    u[j] = static_cast<uint16_t>(d[j] + kB);
    su += u[j];
  }
  planes_->accumulate(true, u, acc_.data(), cnt_.adc_conversions, cnt_.adc_clipped);
  for (unsigned i = 0; i < X_; ++i) acc_[i] -= kB * rw_[i] + kB * su;
  ++cnt_.mtvm;
  finish(acc_.data(), z, flags);
}

}  // namespace pumavp::xbar
