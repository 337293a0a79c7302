// pumavp::node::DmaEngine — the host interface's bus master (architecture.md §2.3): moves
// DMA_LEN bytes from DMA_SRC to DMA_DST over the SoC bus in beats of dma.beat_bytes (never
// crossing a tile's 64 KiB window in one access; a transfer to or from the window goes out
// on the bus and comes back through the host interface's window), and serves the kernel
// loader's image reads (transfer()).
//
//   start(src, dst, len, go_time)  -> DMA_STATUS.BUSY; false (ignored) while busy
//   on_done(ok, error)             -> called once the engine is idle again (DONE or ERROR)
//   reset()                        -> abandons a transfer in progress, DMA_STATUS 0
//
// Timing: dma.setup_ns per transfer, dma.beat_ns per beat, plus the bus accesses; the
// engine synchronises at host.quantum_ns.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "common/trace.h"
#include "fabric/payload_pool.h"
#include "node/csr_block.h"

namespace pumavp::node {

class DmaEngine : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DmaEngine);
  tlm_utils::simple_initiator_socket<DmaEngine> bus;

  DmaEngine(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats);

  // Where the accelerator window is on the bus (for the 64 KiB per-tile split).
  void set_window(uint64_t base, uint64_t bytes, uint64_t tile_bytes);
  // True when [addr, addr+len) overlaps the accelerator window.
  bool overlaps_window(uint64_t addr, uint64_t len) const {
    return len && addr < window_base_ + window_bytes_ && window_base_ < addr + len;
  }
  bool start(uint32_t src, uint32_t dst, uint32_t len, const sc_core::sc_time& go_time);
  bool busy() const { return status_ & csr::DMA_BUSY; }
  uint32_t status() const { return status_; }  // DMA_STATUS bits (csr::DMA_*)
  void reset();
  std::function<void(bool ok, const std::string& error)> on_done;

  // One bus access from the calling thread; false on a bus error.
  bool transfer(bool write, uint64_t addr, uint8_t* data, unsigned len, sc_core::sc_time& delay);

  // Observability: "DMA GO" marks on `go_track`, one span per transfer on `dma_track`.
  void attach_trace(trace::Timeline* tl, const trace::Track& go_track, const trace::Track& dma_track);
  const uint32_t& status_ref() const { return status_; }


 private:
  void thread();

  const PlatformConfig& cfg_;
  uint64_t window_base_ = 0, window_bytes_ = 0, tile_bytes_ = 1;
  uint32_t status_ = 0;
  uint32_t src_ = 0, dst_ = 0, len_ = 0;
  bool go_ = false;  // started, not yet taken by the thread
  uint64_t generation_ = 0;  // bumped by reset()
  sc_core::sc_time go_at_;
  sc_core::sc_event go_ev_;
  trace::Timeline* tl_ = nullptr;
  trace::Track go_track_, dma_track_;
  uint64_t& c_bytes_;
  uint64_t& c_busy_ns_;  // accel.dma.busy_ns
  fabric::PayloadPool pool_;  // bus payloads of transfer() (the engine's and the loader's)
};

}  // namespace pumavp::node
