#include "accelerator.h"

#include "soc.h"

namespace pumavp {

Accelerator::Accelerator(const PlatformConfig& cfg, Stats& stats)
    : node("node", cfg, stats), host_interface("accel", cfg, stats, node), irq("accel_irq") {
  host_interface.irq(irq);
}

void Accelerator::attach(Soc& soc) {
  host_interface.set_bus_map(memory_map::ACCEL_CSR.base, memory_map::ACCEL_WINDOW.base);
  soc.attach_accelerator(host_interface.csr, host_interface.window, &host_interface.dma, &irq);
}

}  // namespace pumavp
