// pumavp::Accelerator — the accelerator node with its host interface, ready to be mapped
// into the SoC (architecture.md §2): CSRs at 0x4000_0000, window at 0x5000_0000, DMA
// initiator on the bus, interrupt on PLIC source 1. Shares the SoC's Stats.
//
//   Soc soc("soc", cfg);
//   Accelerator accel(cfg, soc.stats());
//   accel.attach(soc);
#pragma once

#include <systemc>

#include "common/config.h"
#include "common/stats.h"
#include "node/host_interface.h"
#include "node/node.h"

namespace pumavp {

class Soc;

class Accelerator {
 public:
  Accelerator(const PlatformConfig& cfg, Stats& stats);
  // Map CSRs and window on the SoC bus, DMA onto the bus, IRQ to PLIC source memory_map::ACCEL_CSR.irq.
  void attach(Soc& soc);

  node::Node node;
  node::HostInterface host_interface;
  // Written from bus-access callbacks (any initiator's thread) and the command thread.
  sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS> irq;
};

}  // namespace pumavp
