// pumavp::host::Plic — SiFive-compatible PLIC with kSources sources (1..63;
// source 0 does not exist) and one context (hart 0, M-mode):
//   0x000000 + 4*s   priority (3 bits; source 0 reads 0)
//   0x001000 + 4*w   pending bits (RO)
//   0x002000 + 4*w   enable bits, context 0
//   0x200000         priority threshold (3 bits)
//   0x200004         claim (read) / complete (write)
// Gateways are level-triggered: a high line makes its source pending unless it is claimed and
// not yet completed; a pending source stays pending until claimed. Claim returns the pending,
// enabled source of highest priority above the threshold (lowest id on ties), or 0. MEIP is
// high while such a source exists. Which device drives which source is the SoC's business
// (the irq column of platform/memory_map.def: accelerator 1, UART 10).
#pragma once

#include <array>
#include <cstdint>

#include "host/irq.h"
#include "host/mmio_device.h"

namespace pumavp::host {

class Plic : public MmioDevice {
 public:
  static constexpr unsigned kSources = 64;
  static constexpr unsigned kWords = kSources / 32;
  static constexpr uint32_t kMaxPriority = 7;

  explicit Plic(sc_core::sc_module_name name);

  IrqLine meip_irq;  // -> mip.MEIP
  // Drive a source's interrupt line (1..kSources-1).
  void set_source(unsigned src, bool level);
  // Register-level operations (also used by tests).
  uint32_t claim();
  void complete(uint32_t src);
  bool pending(unsigned src) const { return (pending_[src / 32] >> (src % 32)) & 1; }
  bool meip() const { return meip_; }

 private:
  void update();
  unsigned best() const;

  std::array<uint32_t, kSources> priority_{};
  std::array<bool, kSources> level_{};
  std::array<uint32_t, kWords> pending_{}, enable_{}, in_service_{};
  uint32_t threshold_ = 0;
  bool meip_ = false;
};

}  // namespace pumavp::host
