// pumavp::Soc — the host SoC of architecture.md §2: RV32IMAC ISS, bus and DRAM, and the host
// peripherals of the address map (platform/memory_map.def: test finisher, CLINT, PLIC, UART,
// each built and mapped from its row), plus reserved bus regions for the accelerator
// (memory_map::ACCEL_CSR, ACCEL_WINDOW) that stay unmapped (access faults) until
// attach_accelerator() fills them.
//
//   pumavp::Soc soc("soc", cfg);
//   soc.attach_accelerator(node.csr_socket, node.window_socket, &node.dma_socket, &node.irq);
//   soc.load_elf("fw.elf");                 // before run(); throws host::ElfError
//   pumavp::RunSummary r = soc.run(sc_core::sc_time(10, sc_core::SC_MS));
//
// run() simulates until the firmware writes the test finisher (exit_reason "finisher", exit
// code from the finisher), until max_time of simulated time has passed ("max-time", exit
// code Soc::kExitMaxTime), or until nothing is left to simulate — e.g. the CPU sleeps in WFI
// with no interrupt source armed ("deadlock", Soc::kExitDeadlock), or until the hart can
// make no progress — a trap storm, Rv32Hart::no_progress() ("no-progress",
// Soc::kExitNoProgress; RunSummary::trap_* name the trap). RunSummary::cpu_state says what
// the CPU was doing at the end. max_time == 0: no limit.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "common/config.h"
#include "common/stats.h"
#include "host/bus.h"
#include "host/dram.h"
#include "host/elf_loader.h"
#include "host/irq.h"
#include "host/mmio_devices.h"  // generated: every peripheral class of memory_map.def
#include "host/rv32_core.h"
#include "exit_codes.h"
#include "memory_map.h"
#include "run_report.h"

namespace pumavp {

class Soc : public sc_core::sc_module {
 public:
  static constexpr int kExitMaxTime = exit_code::kTimeLimit;
  static constexpr int kExitDeadlock = exit_code::kDeadlock;
  static constexpr int kExitNoProgress = exit_code::kNoProgress;

  Soc(sc_core::sc_module_name name, const PlatformConfig& cfg);

  // Map the accelerator node: its CSR and window targets on the bus, its DMA initiator (may be
  // null) bound to the bus, its interrupt line (may be null) to PLIC source ACCEL_CSR.irq. Call during
  // elaboration (before run()). Alternatively drive accelerator_irq() directly.
  void attach_accelerator(tlm::tlm_target_socket<>& csr, tlm::tlm_target_socket<>& window,
                          tlm::tlm_initiator_socket<>* dma, sc_core::sc_signal_in_if<bool>* irq);
  host::IrqLine accelerator_irq();
  bool accelerator_attached() const { return accel_attached_; }

  // Load firmware into DRAM and reset the CPU to its entry point. Throws host::ElfError.
  void load_elf(const std::string& path);
  void load_elf(const host::ElfFile& elf);
  const host::ElfFile* elf() const { return elf_.get(); }

  RunSummary run(const sc_core::sc_time& max_time);

  const PlatformConfig& config() const { return cfg_; }
  Stats& stats() { return stats_; }
  host::Rv32Core& cpu() { return cpu_; }
  host::Bus& bus() { return bus_; }
  host::Dram& dram() { return dram_; }
  // The peripherals of the address map, by class (the first one of that class; throws
  // std::logic_error when the map has none).
  template <class T>
  T& device() const {
    for (const auto& d : devices_)
      if (auto* t = dynamic_cast<T*>(d.get())) return *t;
    throw std::logic_error("platform/memory_map.def has no device of the class asked for");
  }
  const std::vector<std::unique_ptr<host::MmioDevice>>& devices() const { return devices_; }
  host::Uart16550& uart() { return uart_; }
  host::Clint& clint() { return clint_; }
  host::Plic& plic() { return plic_; }
  host::TestFinisher& finisher() { return finisher_; }

 private:
  const PlatformConfig cfg_;
  Stats stats_;
  host::Bus bus_;
  host::Dram dram_;
  std::vector<std::unique_ptr<host::MmioDevice>> devices_;  // memory_map.def order
  host::Uart16550& uart_;
  host::Clint& clint_;
  host::Plic& plic_;
  host::TestFinisher& finisher_;
  host::Rv32Core cpu_;
  std::unique_ptr<host::ElfFile> elf_;
  bool accel_attached_ = false;
};

}  // namespace pumavp
