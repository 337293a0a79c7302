// pumavp::node::HostInterface — the accelerator's face to the host SoC
// (architecture.md §2.3–§2.5), assembled from its parts:
//   CsrBlock      (csr_block.h)      the CSR registers and the interrupt level
//   DmaEngine     (dma_engine.h)     DMA_CTRL.GO transfers and the bus port for image reads
//   KernelLoader  (kernel_loader.h)  CTRL.LOAD: read, validate, program the node
// and itself the command sequencer (CTRL LOAD/START/ABORT/RESET against the node's
// NodeControl, STATUS, ERROR_*) and the accelerator window onto the tiles' shared memories.
//
// Sockets:
//   csr    (target)    4 KiB CSR block at 0x4000_0000 (the CsrBlock's; unmapped offsets are
//                      address errors).
//   window (target)    16 MiB window at 0x5000_0000; tile t's shared memory at t*0x1_0000,
//                      word a at byte offset 2a; accesses of 2..32 bytes, 2-byte aligned
//                      (4-byte accesses 4-byte aligned); attribute semantics of §2.3.
//   dma    (initiator) onto the SoC bus (the DmaEngine's): kernel-image reads and DMA
//                      transfers (a DMA to or from the window comes back through `window`).
//   irq    (out)       level: IRQ_STATUS & IRQ_EN != 0 (PLIC source 1).
// None adds latency of its own: the bus charges host.bus_ns per access.
//
// Tile-memory semantics (attribute buffer, idle vs. busy rules, peek) are the Node's
// `host_socket`; the host interface adds the CSR-controlled consumer count and PEEK flag,
// makes host accesses wait while a LOAD runs, and forwards.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "common/trace.h"
#include "common/geometry.h"
#include "fabric/payload_pool.h"
#include "isa/kimage.h"
#include "node/csr_block.h"
#include "node/dma_engine.h"
#include "node/kernel_loader.h"
#include "node/node.h"
#include "node/node_control.h"

namespace pumavp::node {

class HostInterface : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(HostInterface);
  HostInterface(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats, Node& node);

 private:
  // The parts (declared first: the public sockets below refer to theirs).
  EnergyLedger& ledger_;
  CsrBlock csr_;
  DmaEngine dma_engine_;

 public:
  tlm_utils::simple_target_socket<host::MmioDevice>& csr;
  tlm_utils::simple_target_socket<HostInterface> window;
  tlm_utils::simple_initiator_socket<DmaEngine>& dma;
  sc_core::sc_out<bool> irq;
  // Bound (by the constructor) to the node's host window socket.
  tlm_utils::simple_initiator_socket<HostInterface> node_port;

  // Base addresses as seen on the SoC bus (the DMA engine needs the window's, to split
  // accesses at tile boundaries; defaults match architecture.md §2).
  void set_bus_map(uint64_t csr_base, uint64_t window_base);

  // The CSR block as declared (offsets, names, access), e.g. to check the firmware headers.
  const RegisterTable& registers() const { return csr_.registers(); }
  uint32_t status() const { return status_; }
  uint32_t error_code() const { return csr_.registers().registers().at(csr::ERROR_CODE).value; }
  const std::string& last_error_message() const { return error_message_; }
  // Notified whenever STATUS or DMA_STATUS changes (for drivers inside the simulator).
  const sc_core::sc_event& status_event() const { return status_ev_; }
  // Observability: timeline track "accel/host_if" (LOAD and START spans, DMA GO marks) and
  // "accel/dma" (one span per transfer, a flow from its GO); VCD "accel.status",
  // "accel.dma_status".
  void attach_trace(const trace::Sinks& sinks);
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter);
  // The last successfully loaded image (nullptr when nothing is loaded).
  const isa::KernelImage* loaded_image() const { return loader_.image(); }

 private:
  void window_b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned window_dbg(tlm::tlm_generic_payload& gp);

  void bind_csr();
  void command(uint32_t ctrl);
  void dma_go(const sc_core::sc_time& at);
  void dma_done(bool ok, const std::string& error);
  void set_status(uint32_t set, uint32_t clear);
  void set_error(unsigned code, int tile, int core, int64_t pc, const std::string& msg);
  void fail(const LoadResult& e);  // a failed LOAD: ERROR_*, STATUS.ERROR, IRQ ERROR

  void command_thread();
  void do_load();
  void do_run();

  const PlatformConfig& cfg_;
  NodeControl& node_;
  KernelLoader loader_;

  uint32_t status_ = 0;
  trace::Timeline* tl_ = nullptr;
  trace::Track track_cmd_;
  std::string error_message_;

  enum class Pending { None, Load, Start };
  Pending pending_ = Pending::None;
  bool abort_requested_ = false;
  sc_core::sc_time run_t0_;   // START accepted (the node started then, in command())
  bool run_started_ = false;  // whether the node accepted that start
  uint64_t reset_generation_ = 0;
  fabric::PayloadPool fwd_pool_;  // window accesses forwarded to the node (they may wait)
  sc_core::sc_event cmd_ev_, abort_ev_, status_ev_, load_done_ev_;
  bool loading_ = false;

  uint64_t& c_runs_;
  uint64_t& c_cycles_;
};

}  // namespace pumavp::node
