#include "node/dma_engine.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <fmt/format.h>

namespace pumavp::node {

using namespace sc_core;

DmaEngine::DmaEngine(sc_module_name name, const PlatformConfig& cfg, Stats& stats)
    : sc_module(name), bus("bus"), cfg_(cfg), c_bytes_(stats.counter("accel.dma.bytes")),
      c_busy_ns_(stats.counter("accel.dma.busy_ns")) {
  SC_THREAD(thread);
}

void DmaEngine::set_window(uint64_t base, uint64_t bytes, uint64_t tile_bytes) {
  window_base_ = base;
  window_bytes_ = bytes;
  tile_bytes_ = tile_bytes;
}

bool DmaEngine::start(uint32_t src, uint32_t dst, uint32_t len, const sc_time& go_time) {
  if (busy()) return false;
  src_ = src;
  dst_ = dst;
  len_ = len;
  status_ = csr::DMA_BUSY;
  go_ = true;
  go_at_ = go_time;
  go_ev_.notify(SC_ZERO_TIME);
  return true;
}

void DmaEngine::reset() {
  ++generation_;
  status_ = 0;
  go_ = false;
}

void DmaEngine::attach_trace(trace::Timeline* tl, const trace::Track& go_track, const trace::Track& dma_track) {
  tl_ = tl;
  go_track_ = go_track;
  dma_track_ = dma_track;
}

bool DmaEngine::transfer(bool write, uint64_t addr, uint8_t* data, unsigned len, sc_time& delay) {
  // Leased, not on the stack: a beat waiting in the accelerator when the simulation ends
  // never returns (see fabric/payload_pool.h).
  fabric::PayloadPool::Lease lease(pool_);
  tlm::tlm_generic_payload& gp = lease.payload();
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(data);
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  bus->b_transport(gp, delay);
  return gp.is_response_ok();
}

void DmaEngine::thread() {
  for (;;) {
    while (!go_) wait(go_ev_);
    go_ = false;
    const uint64_t gen = generation_;
    const uint32_t src = src_, dst = dst_, len = len_;
    const sc_time t_begin = sc_time_stamp();
    std::string failure;
    // Completion (DONE or ERROR) is signalled only when the engine is idle again, so that
    // the next start, which the driver may request at once, is never lost.
    auto finish = [&](bool ok, const std::string& msg) {
      status_ = ok ? csr::DMA_DONE : csr::DMA_ERROR;
      if (on_done) on_done(ok, msg);
    };
    if ((src | dst | len) & 1u) {
      finish(false, fmt::format("DMA src 0x{:08x} dst 0x{:08x} len {}: addresses and length must be 2-byte aligned",
                                src, dst, len));
      continue;
    }
    sc_time delay(cfg_.dma.setup_ns, SC_NS);
    const unsigned beat = std::max(2u, cfg_.dma.beat_bytes & ~1u);
    std::vector<uint8_t> buf(beat);
    bool ok = true;
    auto in_window = [this](uint64_t a) { return a >= window_base_ && a < window_base_ + window_bytes_; };
    for (uint32_t off = 0; off < len && ok;) {
      unsigned n = std::min<uint32_t>(beat, len - off);
      // Never cross a tile's window in one access.
      for (uint64_t a : {uint64_t(src) + off, uint64_t(dst) + off})
        if (in_window(a)) n = std::min<uint64_t>(n, tile_bytes_ - (a % tile_bytes_));
      if (!transfer(false, uint64_t(src) + off, buf.data(), n, delay)) {
        ok = false;
        failure = fmt::format("DMA bus error reading 0x{:08x}", src + off);
        break;
      }
      if (!transfer(true, uint64_t(dst) + off, buf.data(), n, delay)) {
        ok = false;
        failure = fmt::format("DMA bus error writing 0x{:08x}", dst + off);
        break;
      }
      delay += sc_time(cfg_.dma.beat_ns, SC_NS);
      c_bytes_ += n;
      off += n;
      if (delay > sc_time(cfg_.host.quantum_ns, SC_NS)) {
        wait(delay);
        delay = SC_ZERO_TIME;
        if (gen != generation_) break;
      }
    }
    wait(delay);
    if (gen != generation_) continue;
    // Bus time of the transfer (set-up, beats, bus latency): the DMA share of a run.
    c_busy_ns_ += static_cast<uint64_t>((sc_time_stamp() - t_begin).to_seconds() * 1e9 + 0.5);
    if (tl_) {
      const double g = go_at_.to_seconds() * 1e9, a = t_begin.to_seconds() * 1e9;
      const uint64_t id = tl_->next_id();
      char args[80];
      std::snprintf(args, sizeof args, "\"src\":%u,\"dst\":%u,\"bytes\":%u", src, dst, len);
      tl_->span(go_track_, "DMA GO", "dma", g, cfg_.cycle_ns());
      tl_->flow(trace::Timeline::Flow::Start, id, "dma", go_track_, g);
      tl_->span(dma_track_, ok ? "dma" : "dma (error)", "dma", a, sc_time_stamp().to_seconds() * 1e9 - a, args);
      tl_->flow(trace::Timeline::Flow::End, id, "dma", dma_track_, a);
    }
    finish(ok, failure);
  }
}

}  // namespace pumavp::node
