#include "soc.h"

#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>

#include <fmt/format.h>

namespace pumavp {
namespace {
sc_core::sc_time ns(unsigned v) { return sc_core::sc_time(static_cast<double>(v), sc_core::SC_NS); }

// One peripheral of the map: built with the host config when its class takes it.
template <class T>
std::unique_ptr<host::MmioDevice> make_device(const memory_map::Region& r, const HostConfig& host) {
  if constexpr (std::is_constructible_v<T, sc_core::sc_module_name, const HostConfig&>)
    return std::make_unique<T>(r.name, host);
  else
    return std::make_unique<T>(r.name);
}

// The peripherals of memory_map.def, in table order, each mapped on the bus and, when its row
// names a PLIC source, its irq line wired to plic_source(irq).
std::vector<std::unique_ptr<host::MmioDevice>> build_devices(host::Bus& bus, const HostConfig& host,
                                                             const std::function<host::IrqLine(unsigned)>& plic_source) {
  std::vector<std::unique_ptr<host::MmioDevice>> devs;
  auto add = [&](std::unique_ptr<host::MmioDevice> d, const memory_map::Region& r) {
    bus.map(d->socket, r.base, r.size, r.name);
    if (r.irq) d->irq = plic_source(r.irq);
    devs.push_back(std::move(d));
  };
#define PUMAVP_REGION(ID, name, base, size, irq)
#define PUMAVP_DEVICE(ID, name, base, size, irq, cls) add(make_device<host::cls>(memory_map::ID, host), memory_map::ID);
#include "memory_map.def"
#undef PUMAVP_DEVICE
#undef PUMAVP_REGION
  return devs;
}

}  // namespace

Soc::Soc(sc_core::sc_module_name name, const PlatformConfig& cfg)
    : sc_core::sc_module(name),
      cfg_(cfg),
      bus_("bus", ns(cfg.host.bus_ns)),
      dram_("dram", static_cast<uint64_t>(cfg.host.dram_mib) << 20, ns(cfg.host.dram_ns), cfg.host.dmi),
      // (the PLIC is one of the devices: its sources are looked up when a line changes)
      devices_(build_devices(bus_, cfg.host,
                             [this](unsigned src) -> host::IrqLine {
                               return [this, src](bool l) { plic_.set_source(src, l); };
                             })),
      uart_(device<host::Uart16550>()),
      clint_(device<host::Clint>()),
      plic_(device<host::Plic>()),
      finisher_(device<host::TestFinisher>()),
      cpu_("cpu", cfg.host) {
  const uint64_t dram_size = dram_.size();
  if (dram_size == 0 || dram_size > memory_map::DRAM.size)
    throw ConfigError("host.dram_mib must be between 1 and " + std::to_string(memory_map::DRAM.size >> 20));
  bus_.map(dram_.socket, memory_map::DRAM.base, dram_size, memory_map::DRAM.name);
  cpu_.socket.bind(bus_.target);
  cpu_.set_memory_range(static_cast<uint32_t>(memory_map::DRAM.base), static_cast<uint32_t>(dram_size));

  // Interrupt wiring (synchronous callbacks, see host/irq.h).
  clint_.msip_irq = [this](bool l) { cpu_.set_irq(host::kIrqMsi, l); };
  clint_.mtip_irq = [this](bool l) { cpu_.set_irq(host::kIrqMti, l); };
  plic_.meip_irq = [this](bool l) { cpu_.set_irq(host::kIrqMei, l); };
  cpu_.mtime_source = [this](const sc_core::sc_time& t) { return clint_.mtime_at(t); };
  // Writes into DRAM by other initiators (DMA, debugger) drop decoded instructions there.
  dram_.on_write = [this](uint64_t off, unsigned len) {
    cpu_.hart().invalidate_decode(static_cast<uint32_t>(memory_map::DRAM.base + off), len);
  };
  finisher_.on_finish = [this](int) {
    cpu_.request_exit();
    sc_core::sc_pause();
  };
}

void Soc::attach_accelerator(tlm::tlm_target_socket<>& csr, tlm::tlm_target_socket<>& window,
                             tlm::tlm_initiator_socket<>* dma, sc_core::sc_signal_in_if<bool>* irq) {
  using memory_map::ACCEL_CSR, memory_map::ACCEL_WINDOW;
  bus_.map(csr, ACCEL_CSR.base, ACCEL_CSR.size, ACCEL_CSR.name);
  bus_.map(window, ACCEL_WINDOW.base, ACCEL_WINDOW.size, ACCEL_WINDOW.name);
  if (dma) dma->bind(bus_.target);
  if (irq) {
    sc_core::sc_spawn_options o;
    o.spawn_method();
    o.set_sensitivity(&irq->value_changed_event());
    o.dont_initialize();
    sc_core::sc_spawn([this, irq] { plic_.set_source(memory_map::ACCEL_CSR.irq, irq->read()); },
                      sc_core::sc_gen_unique_name("accel_irq"), &o);
  }
  accel_attached_ = true;
}

host::IrqLine Soc::accelerator_irq() {
  return [this](bool l) { plic_.set_source(memory_map::ACCEL_CSR.irq, l); };
}

void Soc::load_elf(const std::string& path) { load_elf(host::ElfFile::read_file(path)); }

void Soc::load_elf(const host::ElfFile& elf) {
  uint8_t* mem = dram_.data();
  elf.load(
      [mem](uint32_t addr, const uint8_t* data, uint32_t len) {
        uint8_t* dst = mem + (addr - memory_map::DRAM.base);
        if (data) std::memcpy(dst, data, len);
        else std::memset(dst, 0, len);
      },
      {{memory_map::DRAM.base, dram_.size()}});
  elf_ = std::make_unique<host::ElfFile>(elf);
  cpu_.reset(elf.entry());
}

RunSummary Soc::run(const sc_core::sc_time& max_time) {
  RunSummary r;
  const auto w0 = std::chrono::steady_clock::now();
  const uint64_t i0 = cpu_.instret();
  const sc_core::sc_time t0 = sc_core::sc_time_stamp();
  cpu_.set_horizon(max_time > sc_core::SC_ZERO_TIME ? t0 + max_time : sc_core::sc_max_time());
  if (max_time > sc_core::SC_ZERO_TIME) {
    sc_core::sc_start(max_time, sc_core::SC_EXIT_ON_STARVATION);
    // SC_EXIT_ON_STARVATION stops at the last event before the limit and leaves the time
    // there when the next event lies beyond it (the CPU's next quantum or horizon step,
    // unless the limit is a multiple of both). Activity still pending means the limit was
    // reached, not starvation: nothing happens until the limit, so advance the time to it.
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (!finisher_.finished() && !cpu_.no_progress() && now < t0 + max_time && sc_core::sc_pending_activity())
      sc_core::sc_start(t0 + max_time - now, sc_core::SC_RUN_TO_TIME);
  } else {
    sc_core::sc_start();
  }
  const auto w1 = std::chrono::steady_clock::now();
  uart_.flush();
  r.wall_s = std::chrono::duration<double>(w1 - w0).count();
  r.host_instructions = cpu_.instret() - i0;
  if (finisher_.finished()) {
    r.exit_code = finisher_.exit_code();
    r.exit_reason = "finisher";
    r.sim_time_ns = finisher_.finish_time().to_seconds() * 1e9;
  } else if (cpu_.no_progress()) {
    const host::Rv32Hart::NoProgressInfo& np = cpu_.no_progress_info();
    r.exit_code = kExitNoProgress;
    r.exit_reason = "no-progress";
    r.sim_time_ns = cpu_.local_time_stamp().to_seconds() * 1e9;
    r.no_progress = true;
    r.trap_cause = np.cause;
    r.trap_pc = np.pc;
    r.trap_tval = np.tval;
    r.trap_mtvec = np.mtvec;
  } else if (max_time > sc_core::SC_ZERO_TIME && sc_core::sc_time_stamp() - t0 >= max_time) {
    r.exit_code = kExitMaxTime;
    r.exit_reason = "max-time";
    r.sim_time_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  } else {
    r.exit_code = kExitDeadlock;
    r.exit_reason = cpu_.halted() ? "halted" : "deadlock";
    r.sim_time_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  }
  if (finisher_.finished()) r.cpu_state = "finished";
  else if (cpu_.no_progress()) r.cpu_state = "no progress";
  else if (cpu_.halted()) r.cpu_state = "halted";
  else if (cpu_.in_bus_access())
    r.cpu_state = fmt::format("stalled in a bus access at 0x{:08x}", cpu_.bus_access_addr());
  else if (cpu_.in_wfi()) r.cpu_state = "asleep in WFI";
  else r.cpu_state = "running";
  stats_.counter("host.instret") = cpu_.instret();
  stats_.counter("host.cycles") = cpu_.hart().cycles();
  stats_.counter("host.uart_tx_bytes") = uart_.tx_count();
  return r;
}

}  // namespace pumavp
