#include "accelerator.h"

#include "soc.h"

namespace pumavp {

Accelerator::Accelerator(const PlatformConfig& cfg, Stats& stats)
    : node("node", cfg, stats), host_interface("accel", cfg, stats, node), irq("accel_irq") {
  host_interface.irq(irq);
}

void Accelerator::attach(Soc& soc) {
  host_interface.set_bus_map(Soc::kAccelCsrBase, Soc::kAccelWindowBase);
  soc.attach_accelerator(host_interface.csr, host_interface.window, &host_interface.dma, &irq);
}

}  // namespace pumavp
