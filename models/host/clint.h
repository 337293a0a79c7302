// pumavp::host::Clint — SiFive CLINT, one hart (placed by platform/memory_map.def):
//   0x0000 msip (bit 0)   0x4000/0x4004 mtimecmp lo/hi   0xBFF8/0xBFFC mtime lo/hi
// mtime = floor(simulated time * mtime_hz) + offset (writing mtime changes the offset).
// MTIP = (mtime >= mtimecmp), re-evaluated on every write and at the exact simulated time
// mtime reaches mtimecmp (a timed event), so a sleeping hart wakes on time. mtimecmp resets to
// all ones (no timer interrupt pending at reset).
#pragma once

#include <cstdint>

#include "common/config.h"
#include "host/irq.h"
#include "host/mmio_device.h"

namespace pumavp::host {

class Clint : public MmioDevice {
 public:
  SC_HAS_PROCESS(Clint);
  Clint(sc_core::sc_module_name name, uint64_t mtime_hz);
  // From the host config: mtime at host.mtime_hz.
  Clint(sc_core::sc_module_name name, const HostConfig& host) : Clint(name, host.mtime_hz) {}

  IrqLine msip_irq;  // -> mip.MSIP
  IrqLine mtip_irq;  // -> mip.MTIP

  // mtime at simulated time t.
  uint64_t mtime_at(const sc_core::sc_time& t) const;
  // The first simulated time at which mtime >= tick (tick > current mtime assumed).
  sc_core::sc_time time_of_tick(uint64_t tick) const;
  uint64_t mtimecmp() const { return mtimecmp_; }
  bool mtip() const { return mtip_; }

 private:
  void evaluate(const sc_core::sc_time& now);
  void on_timer();
  void set_mtime(const sc_core::sc_time& now, uint64_t value);

  uint64_t hz_;
  uint64_t res_per_s_;  // time-resolution units per second
  int64_t offset_ = 0;  // mtime = ticks(t) + offset_
  uint64_t mtimecmp_ = ~0ull;
  bool msip_ = false;
  bool mtip_ = false;
  sc_core::sc_event timer_ev_;
};

}  // namespace pumavp::host
