#include "node/kernel_loader.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace pumavp::node {

using namespace sc_core;

KernelLoader::KernelLoader(const PlatformConfig& cfg, Stats& stats, EnergyLedger& ledger, NodeControl& node,
                           DmaEngine& port)
    : cfg_(cfg), stats_(stats), ledger_(ledger), node_(node), port_(port), c_loads_(stats.counter("accel.loads")) {}

void KernelLoader::forget() {
  loaded_ = false;
  image_ = isa::KernelImage{};
}

KernelLoader::Outcome KernelLoader::load(uint64_t kaddr, uint32_t ksize, const Checks& checks, LoadResult& error) {
  ++c_loads_;
  loaded_ = false;
  auto fail = [&](unsigned code, const std::string& msg, int tile = -1, int core = -1, int64_t pc = -1) {
    error = LoadResult{code, tile, core, pc, msg};
    return Outcome::Failed;
  };
  // The image lives in host memory: any size up to the host DRAM (MLP-L5's weights alone
  // are 42 MB, more than the 16 MiB accelerator window).
  const uint64_t max_image = uint64_t(cfg_.host.dram_mib) << 20;
  if (ksize < isa::kHeaderBytes || ksize > max_image)
    return fail(1, fmt::format("kernel image size {} bytes is outside {}..{} (host.dram_mib)", ksize,
                               isa::kHeaderBytes, max_image));
  // The image is read from host memory (architecture.md §2.3). Host accesses to the window
  // wait while a LOAD runs, so a LOAD reading its image from the window would wait for
  // itself for ever (issue 15, item 4): refuse it at once as a DMA bus error.
  if (port_.overlaps_window(kaddr, ksize))
    return fail(9, fmt::format("kernel image at 0x{:08x} (KSIZE {}) lies in the accelerator window, not in host memory",
                               kaddr, ksize));
  // Read the image over the DMA port, in bursts of dma.beat_bytes.
  std::vector<uint8_t> bytes(ksize);
  sc_time delay = sc_time(cfg_.dma.setup_ns, SC_NS);
  const unsigned beat = std::max(2u, cfg_.dma.beat_bytes);
  const sc_time quantum(cfg_.host.quantum_ns, SC_NS);
  for (uint32_t off = 0; off < ksize; off += beat) {
    const unsigned n = std::min<uint32_t>(beat, ksize - off);
    const bool ok = port_.transfer(false, kaddr + off, bytes.data() + off, n, delay);
    delay += sc_time(cfg_.dma.beat_ns, SC_NS);
    if (!ok || delay > quantum) {
      wait(delay);
      delay = SC_ZERO_TIME;
      if (checks.cancelled()) return Outcome::Cancelled;
    }
    if (!ok) return fail(9, fmt::format("bus error reading the kernel image at 0x{:08x}", kaddr + off));
    if (checks.aborted()) return fail(10, "LOAD aborted by the host");
  }
  wait(delay);
  if (checks.cancelled()) return Outcome::Cancelled;

  // Validate everything before touching any state: structure here, platform in load().
  isa::ImageResult r = isa::read_image(bytes);
  if (!r.ok()) return fail(static_cast<unsigned>(r.error.code), "kernel image rejected: " + r.error.message);
  const LoadResult lr = node_.load(*r.image);
  if (!lr.ok()) return fail(lr.code, "kernel image rejected: " + lr.message, lr.tile, lr.core, lr.pc);
  // Crossbar programming: crossbars of different cores are written in parallel, the ones of
  // one core one after the other (serial write of one crossbar: ns.xbar_wr, e.xbar_wr).
  std::map<std::pair<unsigned, unsigned>, unsigned> per_core;
  for (const auto& x : r.image->xbars) ++per_core[{x.tile, x.core}];
  unsigned worst = 0;
  for (const auto& [unit, n] : per_core) worst = std::max(worst, n);
  ledger_.add(Component::Crossbar, double(r.image->xbars.size()) * cfg_.e.xbar_wr);
  stats_.counter("accel.xbars_programmed") += r.image->xbars.size();
  const uint64_t prog_cycles = cfg_.ns_to_cycles(double(worst) * cfg_.ns.xbar_wr);
  if (prog_cycles) wait(sc_time(double(prog_cycles) * cfg_.cycle_ns(), SC_NS));
  if (checks.cancelled()) return Outcome::Cancelled;
  if (checks.aborted()) {
    node_.reset();
    return fail(10, "LOAD aborted by the host");
  }
  image_ = std::move(*r.image);
  loaded_ = true;
  return Outcome::Loaded;
}

}  // namespace pumavp::node
