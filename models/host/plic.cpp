#include "host/plic.h"

#include <string>

namespace pumavp::host {

Plic::Plic(sc_core::sc_module_name name) : MmioDevice(name) {
  regs_.add(0, 4, "PRIORITY0", Access::RO);  // source 0 does not exist: reads 0
  for (unsigned s = 1; s < kSources; ++s) {
    regs_.add(4 * s, 4, "PRIORITY" + std::to_string(s), Access::RW)
        .on_read([this, s] { return priority_[s]; })
        .on_write([this, s](uint32_t v) {
          priority_[s] = v & kMaxPriority;
          update();
        });
  }
  for (unsigned w = 0; w < kWords; ++w) {
    regs_.add(0x1000 + 4 * w, 4, "PENDING" + std::to_string(w), Access::RO).on_read([this, w] { return pending_[w]; });
    regs_.add(0x2000 + 4 * w, 4, "ENABLE" + std::to_string(w), Access::RW)
        .on_read([this, w] { return enable_[w]; })
        .on_write([this, w](uint32_t v) {
          enable_[w] = w == 0 ? (v & ~1u) : v;  // source 0 does not exist
          update();
        });
  }
  regs_.add(0x200000, 4, "THRESHOLD", Access::RW).on_read([this] { return threshold_; }).on_write([this](uint32_t v) {
    threshold_ = v & kMaxPriority;
    update();
  });
  regs_.add(0x200004, 4, "CLAIM_COMPLETE", Access::RW)
      .on_read([this] { return claim(); })
      .on_write([this](uint32_t v) { complete(v); })
      .read_side_effects();
}

void Plic::set_source(unsigned src, bool level) {
  if (src == 0 || src >= kSources) return;
  level_[src] = level;
  const uint32_t m = 1u << (src % 32);
  if (level && !(in_service_[src / 32] & m)) pending_[src / 32] |= m;
  update();
}

unsigned Plic::best() const {
  unsigned id = 0;
  uint32_t prio = threshold_;
  for (unsigned s = 1; s < kSources; ++s) {
    const uint32_t m = 1u << (s % 32);
    if ((pending_[s / 32] & enable_[s / 32] & m) && priority_[s] > prio) {
      prio = priority_[s];
      id = s;
    }
  }
  return id;
}

uint32_t Plic::claim() {
  const unsigned s = best();
  if (s) {
    const uint32_t m = 1u << (s % 32);
    pending_[s / 32] &= ~m;
    in_service_[s / 32] |= m;
    update();
  }
  return s;
}

void Plic::complete(uint32_t src) {
  if (src == 0 || src >= kSources) return;
  const uint32_t m = 1u << (src % 32);
  if (!(in_service_[src / 32] & m)) return;
  in_service_[src / 32] &= ~m;
  if (level_[src]) pending_[src / 32] |= m;
  update();
}

void Plic::update() {
  const bool level = best() != 0;
  if (level != meip_) {
    meip_ = level;
    if (meip_irq) meip_irq(level);
  }
}

}  // namespace pumavp::host
