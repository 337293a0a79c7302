// pumavp::node::KernelLoader — CTRL.LOAD (architecture.md §2.3, §2.4): reads the kernel image
// of KSIZE bytes at KADDR from host memory over the DMA engine's bus port (in beats of
// dma.beat_bytes), validates it (isa::read_image, then NodeControl::load, which validates
// against the platform before touching any state), and models crossbar programming: the
// crossbars of different cores are written in parallel, those of one core one after the
// other (ns.xbar_wr each; energy e.xbar_wr each on the host interface's ledger).
//
// load() runs inside a SystemC thread (it waits). Between beats it honours `abort` (ERROR_CODE
// 10) and `cancelled` (a RESET: it returns Cancelled at once, touching nothing more).
#pragma once

#include <cstdint>
#include <functional>

#include "common/config.h"
#include "common/stats.h"
#include "isa/kimage.h"
#include "node/dma_engine.h"
#include "node/node_control.h"

namespace pumavp::node {

class KernelLoader {
 public:
  KernelLoader(const PlatformConfig& cfg, Stats& stats, EnergyLedger& ledger, NodeControl& node, DmaEngine& port);

  enum class Outcome { Loaded, Failed, Cancelled };
  struct Checks {
    std::function<bool()> cancelled;  // a RESET happened
    std::function<bool()> aborted;    // CTRL.ABORT was written
  };
  // On Failed, `error` holds ERROR_CODE, unit and message.
  Outcome load(uint64_t kaddr, uint32_t ksize, const Checks& checks, LoadResult& error);

  // The last successfully loaded image (nullptr when nothing is loaded).
  const isa::KernelImage* image() const { return loaded_ ? &image_ : nullptr; }
  void forget();

 private:
  const PlatformConfig& cfg_;
  Stats& stats_;
  EnergyLedger& ledger_;
  NodeControl& node_;
  DmaEngine& port_;
  bool loaded_ = false;
  isa::KernelImage image_;
  uint64_t& c_loads_;
};

}  // namespace pumavp::node
