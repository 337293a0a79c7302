#include "node/host_interface.h"

#include <algorithm>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "tile/mem_extension.h"
#include "tile/shared_memory.h"

namespace pumavp::node {

using namespace sc_core;
using tlm::tlm_generic_payload;
using tlm::tlm_response_status;

namespace {

constexpr const char* kMsgType = "pumavp/accel";

}  // namespace

HostInterface::HostInterface(sc_module_name name, const PlatformConfig& cfg, Stats& stats, Node& node)
    : sc_module(name),
      csr("csr"),
      window("window"),
      dma("dma"),
      irq("irq"),
      node_port("node_port"),
      cfg_(cfg),
      stats_(stats),
      node_(node),
      regs_("accel.csr"),
      ledger_(stats.ledger("accel.host_interface")),
      c_dma_bytes_(stats.counter("accel.dma.bytes")),
      c_loads_(stats.counter("accel.loads")),
      c_runs_(stats.counter("accel.runs")),
      c_cycles_(stats.counter("accel.cycles")) {
  csr.register_b_transport(this, &HostInterface::csr_b_transport);
  csr.register_transport_dbg(this, &HostInterface::csr_dbg);
  window.register_b_transport(this, &HostInterface::window_b_transport);
  window.register_transport_dbg(this, &HostInterface::window_dbg);
  node_port.bind(node_.host_socket);
  build_registers();
  SC_THREAD(command_thread);
  SC_THREAD(dma_thread);
}

// ---------------------------------------------------------------- register table

void HostInterface::build_registers() {
  const Geometry& geo = node_.geometry();
  regs_.add(csr::ID, "ID", Access::RO, csr::kIdValue);
  regs_.add(csr::VERSION, "VERSION", Access::RO, csr::kVersion);
  regs_.add(csr::GEOMETRY0, "GEOMETRY0", Access::RO, geo.csr_geometry0());
  regs_.add(csr::GEOMETRY1, "GEOMETRY1", Access::RO, geo.csr_geometry1());
  regs_.add(csr::CTRL, "CTRL", Access::WO, 0, nullptr, [this](uint32_t v) { command(v); });
  regs_.add(csr::STATUS, "STATUS", Access::RO, 0, [this] { return status_; });
  regs_.add(csr::IRQ_EN, "IRQ_EN", Access::RW, 0, nullptr, [this](uint32_t) {
               regs_.value(csr::IRQ_EN) &= 7u;
               update_irq();
             });
  regs_.add(csr::IRQ_STATUS, "IRQ_STATUS", Access::W1C, 0, nullptr, [this](uint32_t) { update_irq(); });
  regs_.add(csr::ERROR_CODE, "ERROR_CODE", Access::RO, 0);
  regs_.add(csr::ERROR_INFO, "ERROR_INFO", Access::RO, 0);
  regs_.add(csr::ERROR_PC, "ERROR_PC", Access::RO, 0);
  regs_.add(csr::KADDR, "KADDR", Access::RW, 0);
  regs_.add(csr::KSIZE, "KSIZE", Access::RW, 0);
  regs_.add(csr::DMA_SRC, "DMA_SRC", Access::RW, 0);
  regs_.add(csr::DMA_DST, "DMA_DST", Access::RW, 0);
  regs_.add(csr::DMA_LEN, "DMA_LEN", Access::RW, 0);
  regs_.add(csr::DMA_CTRL, "DMA_CTRL", Access::RW, 0, nullptr, [this](uint32_t v) {
               // GO is a trigger: it reads back as 0; PEEK and the count field stay.
               regs_.value(csr::DMA_CTRL) = v & 0xFF02u;
               if (!(v & csr::DMA_GO)) return;
               if (dma_status_ & csr::DMA_BUSY) {
                 SC_REPORT_WARNING(kMsgType, "DMA_CTRL.GO while a transfer is in progress: ignored");
                 return;
               }
               dma_status_ = csr::DMA_BUSY;
               dma_go_ = true;
               go_at_ = sc_time_stamp() + csr_delay_;
               status_ev_.notify(SC_ZERO_TIME);
               dma_ev_.notify(SC_ZERO_TIME);
             });
  regs_.add(csr::DMA_STATUS, "DMA_STATUS", Access::RO, 0, [this] { return dma_status_; });
  const uint32_t perf[] = {csr::PERF_CYCLES, csr::PERF_INSTRS, csr::PERF_MVMS, csr::PERF_FLITS, csr::PERF_ENERGY};
  const char* names[] = {"PERF_CYCLES", "PERF_INSTRS", "PERF_MVMS", "PERF_FLITS", "PERF_ENERGY"};
  for (unsigned i = 0; i < 5; ++i) {
    const uint32_t base = perf[i];
    regs_.add(base, std::string(names[i]) + "_LO", Access::RO, 0, [this, base] {
                 return static_cast<uint32_t>(perf_value(base));
               });
    regs_.add(base + 4, std::string(names[i]) + "_HI", Access::RO, 0, [this, base] {
                 return static_cast<uint32_t>(perf_value(base) >> 32);
               });
  }
}

uint64_t HostInterface::perf_value(uint32_t base) const {
  return perf_raw(base) - perf_base_[(base - csr::PERF_CYCLES) / 8];
}

uint64_t HostInterface::perf_raw(uint32_t base) const {
  switch (base) {
    case csr::PERF_CYCLES: return c_cycles_;
    case csr::PERF_INSTRS: return stats_.sum_counters("instructions");
    case csr::PERF_MVMS: return stats_.sum_counters("mvm");
    case csr::PERF_FLITS: return stats_.sum_counters("flits");
    case csr::PERF_ENERGY: {
      const double pj = stats_.energy_under("node").total() + stats_.energy_under("accel").total();
      return static_cast<uint64_t>(pj + 0.5);
    }
    default: return 0;
  }
}

void HostInterface::update_irq() {
  const bool level = (regs_.value(csr::IRQ_STATUS) & regs_.value(csr::IRQ_EN)) != 0;
  if (irq.get_interface()) irq.write(level);
}

void HostInterface::raise(uint32_t bits) {
  regs_.value(csr::IRQ_STATUS) |= bits;
  update_irq();
}

void HostInterface::set_status(uint32_t set, uint32_t clear) {
  status_ = (status_ & ~clear) | set;
  status_ev_.notify(SC_ZERO_TIME);
}

void HostInterface::set_error(unsigned code, int tile, int core, int64_t pc, const std::string& msg) {
  regs_.value(csr::ERROR_CODE) = code;
  if (tile >= 0) {
    regs_.value(csr::ERROR_INFO) = uint32_t(tile & 0xFFFF) | (uint32_t(core < 0 ? 0xFF : core & 0xFF) << 16);
    regs_.value(csr::ERROR_PC) = pc < 0 ? 0xFFFFFFFFu : static_cast<uint32_t>(pc);
  } else {
    regs_.value(csr::ERROR_INFO) = 0xFFFFFFFFu;
    regs_.value(csr::ERROR_PC) = 0xFFFFFFFFu;
  }
  error_message_ = msg;
}

// ---------------------------------------------------------------- commands

void HostInterface::command(uint32_t ctrl) {
  if (ctrl & csr::CTRL_RESET) {
    ++reset_generation_;
    abort_requested_ = false;
    pending_ = Pending::None;
    node_.reset();
    regs_.reset();
    for (unsigned i = 0; i < 5; ++i) perf_base_[i] = perf_raw(csr::PERF_CYCLES + 8 * i);
    status_ = 0;
    dma_status_ = 0;
    dma_go_ = false;
    loaded_ = false;
    loading_ = false;
    image_ = isa::KernelImage{};
    error_message_.clear();
    abort_ev_.notify(SC_ZERO_TIME);
    load_done_ev_.notify(SC_ZERO_TIME);
    status_ev_.notify(SC_ZERO_TIME);
    update_irq();
    return;
  }
  if (ctrl & csr::CTRL_ABORT) {
    if (status_ & csr::ST_BUSY) {
      abort_requested_ = true;
      abort_ev_.notify(SC_ZERO_TIME);
    }
  }
  if (ctrl & (csr::CTRL_LOAD | csr::CTRL_START)) {
    if ((status_ & csr::ST_BUSY) || pending_ != Pending::None) {
      SC_REPORT_WARNING(kMsgType, "LOAD/START while the accelerator is busy: ignored");
      return;
    }
    if (ctrl & csr::CTRL_LOAD) {
      pending_ = Pending::Load;
    } else if (!(status_ & csr::ST_LOADED)) {
      SC_REPORT_WARNING(kMsgType, "START without a loaded kernel: ignored");
      return;
    } else {
      pending_ = Pending::Start;
    }
    // BUSY from the moment of the write, so that a status poll right after sees it.
    set_status(csr::ST_BUSY, csr::ST_DONE | csr::ST_ERROR | (pending_ == Pending::Load ? csr::ST_LOADED : 0u));
    if (pending_ == Pending::Load) loading_ = true;
    cmd_ev_.notify(SC_ZERO_TIME);
  }
}

void HostInterface::command_thread() {
  for (;;) {
    wait(cmd_ev_);
    const Pending p = pending_;
    pending_ = Pending::None;
    abort_requested_ = false;
    const sc_time t0 = sc_time_stamp();
    if (p == Pending::Load) do_load();
    else if (p == Pending::Start) do_run();
    if (tl_ && p != Pending::None) {
      const double a = t0.to_seconds() * 1e9;
      tl_->span(track_cmd_, p == Pending::Load ? "LOAD" : "START", "control", a,
                sc_time_stamp().to_seconds() * 1e9 - a);
    }
  }
}

void HostInterface::do_load() {
  const uint64_t gen = reset_generation_;
  ++c_loads_;
  loaded_ = false;
  auto finish_error = [&](unsigned code, const std::string& msg, int tile = -1, int core = -1, int64_t pc = -1) {
    set_error(code, tile, core, pc, msg);
    loading_ = false;
    load_done_ev_.notify(SC_ZERO_TIME);
    set_status(csr::ST_ERROR, csr::ST_BUSY | csr::ST_LOADED);
    raise(csr::IRQ_ERROR);
  };
  auto cancelled = [&] { return gen != reset_generation_; };

  const uint64_t kaddr = regs_.value(csr::KADDR);
  const uint32_t ksize = regs_.value(csr::KSIZE);
  // The image lives in host memory: any size up to the host DRAM (MLP-L5's weights alone
  // are 42 MB, more than the 16 MiB accelerator window).
  const uint64_t max_image = uint64_t(cfg_.host.dram_mib) << 20;
  if (ksize < isa::kHeaderBytes || ksize > max_image) {
    finish_error(1, fmt::format("kernel image size {} bytes is outside {}..{} (host.dram_mib)", ksize,
                                isa::kHeaderBytes, max_image));
    return;
  }
  // Read the image over the DMA port, in bursts of dma.beat_bytes.
  std::vector<uint8_t> bytes(ksize);
  sc_time delay = sc_time(cfg_.dma.setup_ns, SC_NS);
  const unsigned beat = std::max(2u, cfg_.dma.beat_bytes);
  const sc_time quantum(cfg_.host.quantum_ns, SC_NS);
  for (uint32_t off = 0; off < ksize; off += beat) {
    const unsigned n = std::min<uint32_t>(beat, ksize - off);
    const bool ok = bus_transfer(false, kaddr + off, bytes.data() + off, n, delay);
    delay += sc_time(cfg_.dma.beat_ns, SC_NS);
    if (!ok || delay > quantum) {
      wait(delay);
      delay = SC_ZERO_TIME;
      if (cancelled()) return;
    }
    if (!ok) {
      finish_error(9, fmt::format("bus error reading the kernel image at 0x{:08x}", kaddr + off));
      return;
    }
    if (abort_requested_) {
      finish_error(10, "LOAD aborted by the host");
      return;
    }
  }
  wait(delay);
  if (cancelled()) return;

  // Validate everything before touching any state: structure here, platform in Node::load.
  isa::ImageResult r = isa::read_image(bytes);
  if (!r.ok()) {
    finish_error(static_cast<unsigned>(r.error.code), "kernel image rejected: " + r.error.message);
    return;
  }
  const LoadResult lr = node_.load(*r.image);
  if (!lr.ok()) {
    finish_error(lr.code, "kernel image rejected: " + lr.message, lr.tile, lr.core, lr.pc);
    return;
  }
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
  if (cancelled()) return;
  if (abort_requested_) {
    node_.reset();
    finish_error(10, "LOAD aborted by the host");
    return;
  }
  image_ = std::move(*r.image);
  loaded_ = true;
  loading_ = false;
  load_done_ev_.notify(SC_ZERO_TIME);
  regs_.value(csr::ERROR_CODE) = 0;
  set_status(csr::ST_LOADED | csr::ST_DONE, csr::ST_BUSY | csr::ST_ERROR);
  raise(csr::IRQ_DONE);
}

void HostInterface::do_run() {
  const uint64_t gen = reset_generation_;
  ++c_runs_;
  const sc_time t0 = sc_time_stamp();
  if (!node_.start()) {
    set_error(10, -1, -1, -1, "the node refused to start");
    set_status(csr::ST_ERROR, csr::ST_BUSY | csr::ST_DONE);
    raise(csr::IRQ_ERROR);
    return;
  }
  while (node_.busy()) {
    wait(node_.end_event() | abort_ev_);
    if (gen != reset_generation_) return;
    if (abort_requested_ && node_.busy()) node_.abort("aborted by the host (CTRL.ABORT)");
  }
  c_cycles_ += static_cast<uint64_t>((sc_time_stamp() - t0) / sc_time(cfg_.cycle_ns(), SC_NS));
  if (node_.status() == noc::RunStatus::Done) {
    regs_.value(csr::ERROR_CODE) = 0;
    set_status(csr::ST_DONE, csr::ST_BUSY | csr::ST_ERROR);
    raise(csr::IRQ_DONE);
  } else {
    const noc::RunError& e = node_.error();
    if (e.has_unit) set_error(e.code ? e.code : 10, e.tile, e.core, e.pc, e.message);
    else set_error(e.code ? e.code : 10, -1, -1, -1, e.message);
    set_status(csr::ST_ERROR, csr::ST_BUSY | csr::ST_DONE);
    raise(csr::IRQ_ERROR);
  }
}

// ---------------------------------------------------------------- DMA engine

bool HostInterface::bus_transfer(bool write, uint64_t addr, uint8_t* data, unsigned len, sc_time& delay) {
  tlm_generic_payload gp;
  gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(data);
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_byte_enable_ptr(nullptr);
  gp.set_dmi_allowed(false);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  dma->b_transport(gp, delay);
  return gp.is_response_ok();
}

void HostInterface::dma_thread() {
  for (;;) {
    while (!dma_go_) wait(dma_ev_);
    dma_go_ = false;
    const uint64_t gen = reset_generation_;
    const uint32_t src = regs_.value(csr::DMA_SRC), dst = regs_.value(csr::DMA_DST);
    const uint32_t len = regs_.value(csr::DMA_LEN);
    const sc_time t_begin = sc_time_stamp();
    std::string failure;
    // Completion (DONE or ERROR + interrupt) is signalled only when the engine is idle again,
    // so that the next GO, which the driver may write at once, is never lost.
    auto fail = [&](const std::string& msg) {
      dma_status_ = csr::DMA_ERROR;
      set_error(9, -1, -1, -1, msg);
      status_ev_.notify(SC_ZERO_TIME);
      raise(csr::IRQ_ERROR | csr::IRQ_DMA);
    };
    if ((src | dst | len) & 1u) {
      fail(fmt::format("DMA src 0x{:08x} dst 0x{:08x} len {}: addresses and length must be 2-byte aligned",
                       src, dst, len));
      continue;
    }
    sc_time delay(cfg_.dma.setup_ns, SC_NS);
    const unsigned beat = std::max(2u, cfg_.dma.beat_bytes & ~1u);
    std::vector<uint8_t> buf(beat);
    bool ok = true;
    auto in_window = [this](uint64_t a) { return a >= window_base_ && a < window_base_ + csr::kWindowBytes; };
    for (uint32_t off = 0; off < len && ok;) {
      unsigned n = std::min<uint32_t>(beat, len - off);
      // Never cross a tile's 64 KiB window in one access.
      for (uint64_t a : {uint64_t(src) + off, uint64_t(dst) + off})
        if (in_window(a)) n = std::min<uint64_t>(n, csr::kTileWindowBytes - (a % csr::kTileWindowBytes));
      if (!bus_transfer(false, uint64_t(src) + off, buf.data(), n, delay)) {
        ok = false;
        failure = fmt::format("DMA bus error reading 0x{:08x}", src + off);
        break;
      }
      if (!bus_transfer(true, uint64_t(dst) + off, buf.data(), n, delay)) {
        ok = false;
        failure = fmt::format("DMA bus error writing 0x{:08x}", dst + off);
        break;
      }
      delay += sc_time(cfg_.dma.beat_ns, SC_NS);
      c_dma_bytes_ += n;
      off += n;
      if (delay > sc_time(cfg_.host.quantum_ns, SC_NS)) {
        wait(delay);
        delay = SC_ZERO_TIME;
        if (gen != reset_generation_) break;
      }
    }
    wait(delay);
    if (gen != reset_generation_) continue;
    if (tl_) {
      const double g = go_at_.to_seconds() * 1e9, a = t_begin.to_seconds() * 1e9;
      const uint64_t id = tl_->next_id();
      char args[80];
      std::snprintf(args, sizeof args, "\"src\":%u,\"dst\":%u,\"bytes\":%u", src, dst, len);
      tl_->span(track_cmd_, "DMA GO", "dma", g, cfg_.cycle_ns());
      tl_->flow(trace::Timeline::Flow::Start, id, "dma", track_cmd_, g);
      tl_->span(track_dma_, ok ? "dma" : "dma (error)", "dma", a, sc_time_stamp().to_seconds() * 1e9 - a, args);
      tl_->flow(trace::Timeline::Flow::End, id, "dma", track_dma_, a);
    }
    if (!ok) fail(failure);
    if (ok) {
      dma_status_ = csr::DMA_DONE;
      status_ev_.notify(SC_ZERO_TIME);
      raise(csr::IRQ_DMA);
    }
  }
}

// ---------------------------------------------------------------- CSR target

void HostInterface::attach_trace(const trace::Sinks& sinks) {
  tl_ = sinks.timeline;
  if (!tl_ || !sinks.filter.match("accel")) {
    tl_ = nullptr;
    return;
  }
  track_cmd_ = tl_->track("accel", "host_if");
  track_dma_ = tl_->track("accel", "dma");
}

void HostInterface::add_vcd(sc_trace_file* tf, const trace::Filter& filter) {
  if (filter.match("accel.status")) sc_trace(tf, status_, "accel.status", 8);
  if (filter.match("accel.dma_status")) sc_trace(tf, dma_status_, "accel.dma_status", 8);
}

void HostInterface::csr_b_transport(tlm_generic_payload& gp, sc_time& delay) {
  // No latency of its own: the bus charges host.bus_ns per access.
  csr_delay_ = delay;
  const uint64_t off = gp.get_address();
  if (gp.get_data_length() != 4 || (off & 3u) || gp.get_byte_enable_ptr() || off >= csr::kCsrBytes) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint32_t v = 0;
  if (gp.is_read()) {
    if (!regs_.read(static_cast<uint32_t>(off), v)) v = 0;  // unassigned offsets read as 0
    std::memcpy(gp.get_data_ptr(), &v, 4);
  } else if (gp.is_write()) {
    std::memcpy(&v, gp.get_data_ptr(), 4);
    regs_.write(static_cast<uint32_t>(off), v);  // writes to RO/unassigned offsets are ignored
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned HostInterface::csr_dbg(tlm_generic_payload& gp) {
  const uint64_t off = gp.get_address();
  if (!gp.is_read() || gp.get_data_length() != 4 || (off & 3u)) return 0;
  uint32_t v = 0;
  if (!regs_.read(static_cast<uint32_t>(off), v)) v = 0;
  std::memcpy(gp.get_data_ptr(), &v, 4);
  return 4;
}

// ---------------------------------------------------------------- window target

void HostInterface::window_b_transport(tlm_generic_payload& gp, sc_time& delay) {
  // No latency of its own (the bus charges host.bus_ns); the node adds its memory access.
  // A CPU access is 2 or 4 bytes, naturally aligned; the DMA engine moves up to 16 words.
  const unsigned len = gp.get_data_length();
  if (len == 4 && (gp.get_address() & 3u)) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  while (loading_) wait(load_done_ev_);  // host accesses wait while a LOAD runs
  const uint32_t dctrl = regs_.value(csr::DMA_CTRL);
  tile::MemExtension ext;
  ext.count = static_cast<uint16_t>((dctrl >> 8) & 0xFFu);  // 0 acts as 1
  ext.peek = (dctrl & csr::DMA_PEEK) != 0;
  tile::MemExtension* prev = gp.get_extension<tile::MemExtension>();
  if (prev) gp.clear_extension(prev);
  gp.set_extension(&ext);
  node_port->b_transport(gp, delay);
  gp.clear_extension(&ext);
  if (prev) gp.set_extension(prev);
  if (gp.is_response_ok()) ledger_.add(Component::Dma, (len / 2) * cfg_.e.mem_word);
}

unsigned HostInterface::window_dbg(tlm_generic_payload& gp) {
  // Debug accesses (GDB, loaders) always peek (Node's debug transport).
  return node_port->transport_dbg(gp);
}

}  // namespace pumavp::node
