#include "tile/attribute_memory.h"

#include <algorithm>

namespace pumavp::tile {

AttributeMemory::AttributeMemory(unsigned words)
    : data_(words), attr_(words), host_mark_(words), ready_(words) {}

bool AttributeMemory::can_produce(unsigned addr, unsigned w) const {
  for (unsigned i = 0; i < w; ++i)
    if (attr_[addr + i].valid) return false;
  return true;
}

bool AttributeMemory::can_consume(unsigned addr, unsigned w) const {
  for (unsigned i = 0; i < w; ++i)
    if (!attr_[addr + i].valid) return false;
  return true;
}

std::optional<unsigned> AttributeMemory::first_blocking(unsigned addr, unsigned w,
                                                        bool produce) const {
  for (unsigned i = 0; i < w; ++i)
    if (attr_[addr + i].valid == produce) return addr + i;
  return std::nullopt;
}

void AttributeMemory::produce(unsigned addr, unsigned w, const int16_t* in, uint16_t count,
                              uint64_t now_ps) {
  const uint16_t c = count ? count : 1;
  touch(addr, w);
  for (unsigned i = 0; i < w; ++i) {
    data_[addr + i] = in[i];
    attr_[addr + i] = WordAttr{true, c};
    ready_[addr + i] = now_ps;
  }
}

void AttributeMemory::consume(unsigned addr, unsigned w, int16_t* out, uint64_t now_ps) {
  for (unsigned i = 0; i < w; ++i) {
    WordAttr& a = attr_[addr + i];
    out[i] = data_[addr + i];
    if (--a.count == 0) {
      a.valid = false;
      ready_[addr + i] = now_ps;
    }
  }
}

void AttributeMemory::peek(unsigned addr, unsigned w, int16_t* out) const {
  std::copy_n(data_.data() + addr, w, out);
}

uint64_t AttributeMemory::ready_ps(unsigned addr, unsigned w) const {
  uint64_t r = 0;
  for (unsigned i = 0; i < w; ++i) r = std::max(r, ready_[addr + i]);
  return r;
}

void AttributeMemory::host_write(unsigned addr, unsigned w, const int16_t* in, uint16_t count) {
  const uint16_t c = count ? count : 1;
  touch(addr, w);
  for (unsigned i = 0; i < w; ++i) {
    data_[addr + i] = in[i];
    attr_[addr + i] = WordAttr{true, c};
    host_mark_[addr + i] = 1;
  }
}

void AttributeMemory::preload(unsigned addr, unsigned w, const int16_t* in, uint16_t count) {
  const uint16_t c = count ? count : 1;
  touch(addr, w);
  for (unsigned i = 0; i < w; ++i) {
    data_[addr + i] = in[i];
    attr_[addr + i] = WordAttr{true, c};
  }
}

void AttributeMemory::clear() {
  if (lo_ >= hi_) return;
  std::fill(data_.data() + lo_, data_.data() + hi_, int16_t(0));
  std::fill(attr_.data() + lo_, attr_.data() + hi_, WordAttr{});
  std::fill(host_mark_.data() + lo_, host_mark_.data() + hi_, uint8_t(0));
  std::fill(ready_.data() + lo_, ready_.data() + hi_, uint64_t(0));
  lo_ = ~0u;
  hi_ = 0;
}

void AttributeMemory::start_run() {
  for (unsigned i = lo_; i < hi_; ++i) {
    if (!host_mark_[i]) attr_[i] = WordAttr{};
    host_mark_[i] = 0;
    ready_[i] = 0;
  }
}

void AttributeMemory::end_run() {
  if (lo_ < hi_) std::fill(host_mark_.data() + lo_, host_mark_.data() + hi_, uint8_t(0));
}

}  // namespace pumavp::tile
