#include "host/clint.h"

#include <cmath>
#include <stdexcept>

namespace pumavp::host {

Clint::Clint(sc_core::sc_module_name name, uint64_t mtime_hz) : MmioDevice(name), hz_(mtime_hz) {
  if (hz_ == 0) throw std::invalid_argument("clint: mtime_hz must be > 0");
  res_per_s_ = static_cast<uint64_t>(std::llround(1.0 / sc_core::sc_get_time_resolution().to_seconds()));
  SC_METHOD(on_timer);
  sensitive << timer_ev_;
  dont_initialize();

  regs_.add(0x0000, 4, "MSIP", Access::RW).on_read([this] { return uint32_t{msip_}; }).on_write([this](uint32_t v) {
    msip_ = v & 1;
    if (msip_irq) msip_irq(msip_);
  });
  auto cmp_write = [this](bool hi, uint32_t v) {
    mtimecmp_ = hi ? ((mtimecmp_ & 0xffffffffull) | (static_cast<uint64_t>(v) << 32))
                   : ((mtimecmp_ & ~0xffffffffull) | v);
    evaluate(access_time());
  };
  regs_.add(0x4000, 4, "MTIMECMP_LO", Access::RW)
      .on_read([this] { return static_cast<uint32_t>(mtimecmp_); })
      .on_write([cmp_write](uint32_t v) { cmp_write(false, v); });
  regs_.add(0x4004, 4, "MTIMECMP_HI", Access::RW)
      .on_read([this] { return static_cast<uint32_t>(mtimecmp_ >> 32); })
      .on_write([cmp_write](uint32_t v) { cmp_write(true, v); });
  regs_.add(0xBFF8, 4, "MTIME_LO", Access::RW)
      .on_read([this] { return static_cast<uint32_t>(mtime_at(access_time())); })
      .on_write([this](uint32_t v) {
        const auto now = access_time();
        set_mtime(now, (mtime_at(now) & ~0xffffffffull) | v);
      });
  regs_.add(0xBFFC, 4, "MTIME_HI", Access::RW)
      .on_read([this] { return static_cast<uint32_t>(mtime_at(access_time()) >> 32); })
      .on_write([this](uint32_t v) {
        const auto now = access_time();
        set_mtime(now, (mtime_at(now) & 0xffffffffull) | (static_cast<uint64_t>(v) << 32));
      });
}

uint64_t Clint::mtime_at(const sc_core::sc_time& t) const {
  const unsigned __int128 ticks = static_cast<unsigned __int128>(t.value()) * hz_ / res_per_s_;
  return static_cast<uint64_t>(ticks) + static_cast<uint64_t>(offset_);
}

sc_core::sc_time Clint::time_of_tick(uint64_t tick) const {
  const uint64_t raw = tick - static_cast<uint64_t>(offset_);  // ticks since time 0
  const unsigned __int128 units = (static_cast<unsigned __int128>(raw) * res_per_s_ + hz_ - 1) / hz_;
  const unsigned __int128 max = static_cast<unsigned __int128>(~0ull);
  return sc_core::sc_time::from_value(static_cast<uint64_t>(units > max ? max : units));
}

void Clint::set_mtime(const sc_core::sc_time& now, uint64_t value) {
  const uint64_t raw = mtime_at(now) - static_cast<uint64_t>(offset_);
  offset_ = static_cast<int64_t>(value - raw);
  evaluate(now);
}

void Clint::evaluate(const sc_core::sc_time& now) {
  const uint64_t mt = mtime_at(now);
  const bool level = mt >= mtimecmp_;
  timer_ev_.cancel();
  if (!level) {
    const sc_core::sc_time due = time_of_tick(mtimecmp_);
    const sc_core::sc_time stamp = sc_core::sc_time_stamp();
    // Compare values are often out of reach (e.g. ~0): time_of_tick() clamps those.
    if (due > stamp && due < sc_core::sc_max_time()) timer_ev_.notify(due - stamp);
  }
  if (level != mtip_) {
    mtip_ = level;
    if (mtip_irq) mtip_irq(level);
  }
}

void Clint::on_timer() { evaluate(sc_core::sc_time_stamp()); }

}  // namespace pumavp::host
