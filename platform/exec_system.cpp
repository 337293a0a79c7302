#include "exec_system.h"

namespace pumavp {

using namespace sc_core;

ExecSystem::ExecSystem(sc_module_name name, const PlatformConfig& cfg)
    : ExecSystemParts(cfg),
      sc_module(name),
      bus("bus", sc_time(cfg.host.bus_ns, SC_NS)),
      dram("dram", uint64_t(cfg.host.dram_mib) << 20, sc_time(cfg.host.dram_ns, SC_NS), false),
      driver("driver") {
  node::HostInterface& hi = accel.host_interface;
  bus.map(hi.csr, node::csr::kCsrBase, node::csr::kCsrBytes, "accel.csr");
  bus.map(hi.window, node::csr::kWindowBase, node::csr::kWindowBytes, "accel.window");
  bus.map(dram.socket, kDramBase, dram.size(), "dram");
  hi.dma.bind(bus.target);
  driver.socket.bind(bus.target);
  driver.irq(accel.irq);
  SC_THREAD(script_thread);
}

void ExecSystem::script_thread() {
  if (script) script(*this);
  finished_ = true;
  sc_stop();
}

bool ExecSystem::run(const sc_time& limit) {
  if (limit == SC_ZERO_TIME) sc_start();
  else sc_start(limit);
  return finished_;
}

}  // namespace pumavp
