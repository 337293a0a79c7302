// pumavp::node::HostInterface — the accelerator's face to the host SoC
// (architecture.md §2.3–§2.5): the CSR block, the accelerator window onto the tiles' shared
// memories, the DMA engine, the kernel loader and the interrupt line.
//
// Sockets:
//   csr    (target)    4 KiB CSR block at 0x4000_0000; 32-bit aligned accesses only.
//   window (target)    16 MiB window at 0x5000_0000; tile t's shared memory at t*0x1_0000,
//                      word a at byte offset 2a; accesses of 2..32 bytes, 2-byte aligned
//                      (4-byte accesses 4-byte aligned); attribute semantics of §2.3.
//   dma    (initiator) onto the SoC bus: kernel-image reads and DMA transfers (a DMA to or
//                      from the window goes out on the bus and comes back through `window`).
//   irq    (out)       level: IRQ_STATUS & IRQ_EN != 0 (PLIC source 1).
//
// Tile-memory semantics (attribute buffer, idle vs. busy rules, peek) are the Node's
// `host_socket`; the host interface adds the CSR-controlled consumer count and PEEK flag,
// makes host accesses wait while a LOAD runs, and forwards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/config.h"
#include "common/register_table.h"
#include "common/stats.h"
#include "common/trace.h"
#include "common/geometry.h"
#include "isa/kimage.h"
#include "node/node.h"

namespace pumavp::node {

// CSR offsets (architecture.md §2.3).
namespace csr {
constexpr uint32_t ID = 0x000, VERSION = 0x004, GEOMETRY0 = 0x008, GEOMETRY1 = 0x00C, CTRL = 0x010,
                   STATUS = 0x014, IRQ_EN = 0x018, IRQ_STATUS = 0x01C, ERROR_CODE = 0x020,
                   ERROR_INFO = 0x024, ERROR_PC = 0x028, KADDR = 0x030, KSIZE = 0x034, DMA_SRC = 0x040,
                   DMA_DST = 0x044, DMA_LEN = 0x048, DMA_CTRL = 0x04C, DMA_STATUS = 0x050,
                   PERF_CYCLES = 0x080, PERF_INSTRS = 0x088, PERF_MVMS = 0x090, PERF_FLITS = 0x098,
                   PERF_ENERGY = 0x0A0;
constexpr uint32_t kIdValue = 0x50554D41, kVersion = 0x00010000;
constexpr uint32_t CTRL_LOAD = 1, CTRL_START = 2, CTRL_ABORT = 4, CTRL_RESET = 8;
constexpr uint32_t ST_BUSY = 1, ST_LOADED = 2, ST_DONE = 4, ST_ERROR = 8;
constexpr uint32_t IRQ_DONE = 1, IRQ_ERROR = 2, IRQ_DMA = 4;
constexpr uint32_t DMA_GO = 1, DMA_PEEK = 2;
constexpr uint32_t DMA_BUSY = 1, DMA_DONE = 2, DMA_ERROR = 4;
constexpr uint64_t kCsrBytes = 0x1000, kWindowBytes = 0x1000000, kTileWindowBytes = 0x10000;
constexpr uint64_t kCsrBase = 0x40000000, kWindowBase = 0x50000000;
}  // namespace csr

class HostInterface : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostInterface> csr;
  tlm_utils::simple_target_socket<HostInterface> window;
  tlm_utils::simple_initiator_socket<HostInterface> dma;
  sc_core::sc_out<bool> irq;
  // Bound (by the constructor) to the node's host window socket.
  tlm_utils::simple_initiator_socket<HostInterface> node_port;

  SC_HAS_PROCESS(HostInterface);
  HostInterface(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats, Node& node);

  // Base addresses as seen on the SoC bus (for deciding whether a DMA address is in the
  // window; defaults match architecture.md §2).
  void set_bus_map(uint64_t csr_base, uint64_t window_base) {
    csr_base_ = csr_base;
    window_base_ = window_base;
  }

  // The CSR block as declared (offsets, names, access), e.g. to check the firmware headers.
  const RegisterTable& registers() const { return regs_; }
  uint32_t status() const { return status_; }
  uint32_t error_code() const { return regs_.registers().at(csr::ERROR_CODE).value; }
  const std::string& last_error_message() const { return error_message_; }
  // Notified whenever STATUS or DMA_STATUS changes (for drivers inside the simulator).
  const sc_core::sc_event& status_event() const { return status_ev_; }
  // Observability: timeline track "accel/host_if" (LOAD and START spans, DMA GO marks) and
  // "accel/dma" (one span per transfer, a flow from its GO); VCD "accel.status",
  // "accel.dma_status".
  void attach_trace(const trace::Sinks& sinks);
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter);
  // The last successfully loaded image (nullptr when nothing is loaded).
  const isa::KernelImage* loaded_image() const { return loaded_ ? &image_ : nullptr; }

 private:
  void csr_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned csr_dbg(tlm::tlm_generic_payload& gp);
  void window_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned window_dbg(tlm::tlm_generic_payload& gp);

  void build_registers();
  void command(uint32_t ctrl);
  void update_irq();
  void raise(uint32_t irq_bits);
  void set_status(uint32_t set, uint32_t clear);
  // unit: tile, core (0xFF tile unit), pc; tile < 0 = not about one unit.
  void set_error(unsigned code, int tile, int core, int64_t pc, const std::string& msg);
  uint64_t perf_value(uint32_t base) const;  // since power-on or the last RESET
  uint64_t perf_raw(uint32_t base) const;    // cumulative over the simulation

  void command_thread();
  void dma_thread();
  void do_load();
  void do_run();
  // Move bytes over the bus (`dma` socket); returns false on a bus error.
  bool bus_transfer(bool write, uint64_t addr, uint8_t* data, unsigned len, sc_core::sc_time& delay);

  const PlatformConfig& cfg_;
  Stats& stats_;
  Node& node_;
  RegisterTable regs_;
  uint64_t csr_base_ = csr::kCsrBase, window_base_ = csr::kWindowBase;

  uint32_t status_ = 0;
  uint32_t dma_status_ = 0;
  trace::Timeline* tl_ = nullptr;
  trace::Track track_cmd_, track_dma_;
  sc_core::sc_time csr_delay_;  // the current CSR access's time offset
  sc_core::sc_time go_at_;      // when DMA_CTRL.GO was written
  std::string error_message_;
  bool loaded_ = false;
  isa::KernelImage image_;

  enum class Pending { None, Load, Start };
  Pending pending_ = Pending::None;
  bool abort_requested_ = false;
  uint64_t reset_generation_ = 0;
  sc_core::sc_event cmd_ev_, dma_ev_, abort_ev_, status_ev_, load_done_ev_;
  bool loading_ = false;
  bool dma_go_ = false;  // GO written, not yet taken by the DMA thread

  // Accumulated accelerator figures for the PERF registers.
  uint64_t perf_base_[5] = {0, 0, 0, 0, 0};  // PERF values at the last RESET
  EnergyLedger& ledger_;
  uint64_t& c_dma_bytes_;
  uint64_t& c_loads_;
  uint64_t& c_runs_;
  uint64_t& c_cycles_;
};

}  // namespace pumavp::node
