#include "node/host_interface.h"

#include <cstring>

#include "fabric/mem_extension.h"

namespace pumavp::node {

using namespace sc_core;
using tlm::tlm_generic_payload;

namespace {

constexpr const char* kMsgType = "pumavp/accel";

}  // namespace

HostInterface::HostInterface(sc_module_name name, const PlatformConfig& cfg, Stats& stats, Node& node)
    : sc_module(name),
      ledger_(stats.ledger("accel.host_interface")),
      csr_("csr", node.geometry()),
      dma_engine_("dma", cfg, stats),
      csr(csr_.socket),
      window("window"),
      dma(dma_engine_.bus),
      irq("irq"),
      node_port("node_port"),
      cfg_(cfg),
      node_(node),
      loader_(cfg, stats, ledger_, node, dma_engine_),
      c_runs_(stats.counter("accel.runs")),
      c_cycles_(stats.counter("accel.cycles")) {
  window.register_b_transport(this, &HostInterface::window_b_transport);
  window.register_transport_dbg(this, &HostInterface::window_dbg);
  node_port.bind(node.host_socket);
  set_bus_map(csr::kCsrBase, csr::kWindowBase);
  bind_csr();
  dma_engine_.on_done = [this](bool ok, const std::string& error) { dma_done(ok, error); };
  SC_THREAD(command_thread);
}

void HostInterface::set_bus_map(uint64_t /*csr_base*/, uint64_t window_base) {
  dma_engine_.set_window(window_base, csr::kWindowBytes, csr::kTileWindowBytes);
}

// ---------------------------------------------------------------- CSR bindings

void HostInterface::bind_csr() {
  csr_.on_ctrl = [this](uint32_t v) { command(v); };
  csr_.on_dma_go = [this](const sc_time& at) { dma_go(at); };
  csr_.status = [this] { return status_; };
  csr_.dma_status = [this] { return dma_engine_.status(); };
  csr_.irq = [this](bool level) {
    if (irq.get_interface()) irq.write(level);
  };
  // PERF: accelerator cycles (counted here, per run), the node's counters, and the energy of
  // the node plus the host interface's own (crossbar programming, window accesses).
  csr_.bind_counter(csr::PERF_CYCLES, "PERF_CYCLES", [this] { return c_cycles_; });
  csr_.bind_counter(csr::PERF_INSTRS, "PERF_INSTRS", [this] { return node_.perf().instructions; });
  csr_.bind_counter(csr::PERF_MVMS, "PERF_MVMS", [this] { return node_.perf().mvms; });
  csr_.bind_counter(csr::PERF_FLITS, "PERF_FLITS", [this] { return node_.perf().flits; });
  csr_.bind_counter(csr::PERF_ENERGY, "PERF_ENERGY", [this] {
    return static_cast<uint64_t>(node_.perf().energy.total() + ledger_.total() + 0.5);
  });
}

void HostInterface::set_status(uint32_t set, uint32_t clear) {
  status_ = (status_ & ~clear) | set;
  status_ev_.notify(SC_ZERO_TIME);
}

void HostInterface::set_error(unsigned code, int tile, int core, int64_t pc, const std::string& msg) {
  csr_.set_error(code, tile, core, pc);
  error_message_ = msg;
}

void HostInterface::fail(const LoadResult& e) {
  set_error(e.code, e.tile, e.core, e.pc, e.message);
  set_status(csr::ST_ERROR, csr::ST_BUSY | csr::ST_LOADED);
  csr_.raise(csr::IRQ_ERROR);
}

// ---------------------------------------------------------------- commands

void HostInterface::command(uint32_t ctrl) {
  if (ctrl & csr::CTRL_RESET) {
    ++reset_generation_;
    abort_requested_ = false;
    pending_ = Pending::None;
    node_.reset();
    csr_.reset();
    status_ = 0;
    dma_engine_.reset();
    loader_.forget();
    loading_ = false;
    error_message_.clear();
    abort_ev_.notify(SC_ZERO_TIME);
    load_done_ev_.notify(SC_ZERO_TIME);
    status_ev_.notify(SC_ZERO_TIME);
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
    // A new command: an ABORT from now on is for it (written in the same delta or later).
    abort_requested_ = false;
    // BUSY from the moment of the write, so that a status poll right after sees it, and the
    // command in effect from that moment too: window accesses wait while a LOAD runs, and a
    // run starts at the write, so that what STATUS shows (BUSY) decides how a window access
    // behaves, not the delta in which the command thread next runs (issue 15, item 5).
    set_status(csr::ST_BUSY, csr::ST_DONE | csr::ST_ERROR | (pending_ == Pending::Load ? csr::ST_LOADED : 0u));
    if (pending_ == Pending::Load) {
      loading_ = true;
    } else {
      ++c_runs_;
      run_t0_ = sc_time_stamp();
      run_started_ = node_.start();
    }
    cmd_ev_.notify(SC_ZERO_TIME);
  }
}

void HostInterface::command_thread() {
  for (;;) {
    wait(cmd_ev_);
    const Pending p = pending_;
    pending_ = Pending::None;
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
  KernelLoader::Checks checks;
  checks.cancelled = [this, gen] { return gen != reset_generation_; };
  checks.aborted = [this] { return abort_requested_; };
  LoadResult error;
  const KernelLoader::Outcome o = loader_.load(csr_.value(csr::KADDR), csr_.value(csr::KSIZE), checks, error);
  if (o == KernelLoader::Outcome::Cancelled) return;
  loading_ = false;
  load_done_ev_.notify(SC_ZERO_TIME);
  if (o == KernelLoader::Outcome::Failed) {
    fail(error);
    return;
  }
  csr_.clear_error_code();
  set_status(csr::ST_LOADED | csr::ST_DONE, csr::ST_BUSY | csr::ST_ERROR);
  csr_.raise(csr::IRQ_DONE);
}

void HostInterface::do_run() {
  const uint64_t gen = reset_generation_;
  const sc_time t0 = run_t0_;  // the run started at the CTRL write (command())
  if (!run_started_) {
    set_error(10, -1, -1, -1, "the node refused to start");
    set_status(csr::ST_ERROR, csr::ST_BUSY | csr::ST_DONE);
    csr_.raise(csr::IRQ_ERROR);
    return;
  }
  for (;;) {  // an ABORT written in the same delta as START is already pending here
    if (abort_requested_ && node_.busy()) node_.abort("aborted by the host (CTRL.ABORT)");
    if (!node_.busy()) break;
    wait(node_.end_event() | abort_ev_);
    if (gen != reset_generation_) return;
  }
  c_cycles_ += static_cast<uint64_t>((sc_time_stamp() - t0) / sc_time(cfg_.cycle_ns(), SC_NS));
  if (node_.status() == fabric::RunStatus::Done) {
    csr_.clear_error_code();
    set_status(csr::ST_DONE, csr::ST_BUSY | csr::ST_ERROR);
    csr_.raise(csr::IRQ_DONE);
  } else {
    const fabric::RunError& e = node_.error();
    if (e.has_unit) set_error(e.code ? e.code : 10, e.tile, e.core, e.pc, e.message);
    else set_error(e.code ? e.code : 10, -1, -1, -1, e.message);
    set_status(csr::ST_ERROR, csr::ST_BUSY | csr::ST_DONE);
    csr_.raise(csr::IRQ_ERROR);
  }
}

// ---------------------------------------------------------------- DMA

void HostInterface::dma_go(const sc_time& at) {
  if (!dma_engine_.start(csr_.value(csr::DMA_SRC), csr_.value(csr::DMA_DST), csr_.value(csr::DMA_LEN), at)) {
    SC_REPORT_WARNING(kMsgType, "DMA_CTRL.GO while a transfer is in progress: ignored");
    return;
  }
  status_ev_.notify(SC_ZERO_TIME);
}

void HostInterface::dma_done(bool ok, const std::string& error) {
  if (!ok) set_error(9, -1, -1, -1, error);
  status_ev_.notify(SC_ZERO_TIME);
  csr_.raise(ok ? csr::IRQ_DMA : csr::IRQ_ERROR | csr::IRQ_DMA);
}

// ---------------------------------------------------------------- observability

void HostInterface::attach_trace(const trace::Sinks& sinks) {
  tl_ = sinks.timeline;
  if (!tl_ || !sinks.filter.match("accel")) {
    tl_ = nullptr;
    return;
  }
  track_cmd_ = tl_->track("accel", "host_if");
  dma_engine_.attach_trace(tl_, track_cmd_, tl_->track("accel", "dma"));
}

void HostInterface::add_vcd(sc_trace_file* tf, const trace::Filter& filter) {
  if (filter.match("accel.status")) sc_trace(tf, status_, "accel.status", 8);
  if (filter.match("accel.dma_status")) sc_trace(tf, dma_engine_.status_ref(), "accel.dma_status", 8);
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
  // The count/peek extension must not be attached to the initiator's payload: that payload
  // may outlive this call (the CPU keeps one for its lifetime), and when a run ends while the
  // access is still waiting in the node this frame never returns (issue 15, defect 1). The
  // access is forwarded on a payload leased from this module's pool, with the pool's own
  // extension, so that nothing on this stack is referenced once the frame is gone.
  const uint32_t dctrl = csr_.value(csr::DMA_CTRL);
  fabric::PayloadPool::Lease lease(fwd_pool_);
  tlm_generic_payload& fwd = lease.payload();
  fabric::MemExtension& ext = lease.mem_ext();
  ext.count = static_cast<uint16_t>((dctrl >> 8) & 0xFFu);  // 0 acts as 1
  ext.peek = (dctrl & csr::DMA_PEEK) != 0;
  fwd.set_command(gp.get_command());
  fwd.set_address(gp.get_address());
  fwd.set_data_ptr(gp.get_data_ptr());
  fwd.set_data_length(gp.get_data_length());
  fwd.set_streaming_width(gp.get_streaming_width());
  fwd.set_byte_enable_ptr(gp.get_byte_enable_ptr());
  fwd.set_byte_enable_length(gp.get_byte_enable_length());
  fwd.set_dmi_allowed(false);
  fwd.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  node_port->b_transport(fwd, delay);
  gp.set_response_status(fwd.get_response_status());
  if (gp.is_response_ok()) ledger_.add(Component::Dma, (len / 2) * cfg_.e.mem_word);
}

unsigned HostInterface::window_dbg(tlm_generic_payload& gp) {
  // Debug accesses (GDB, loaders) always peek (Node's debug transport).
  return node_port->transport_dbg(gp);
}

}  // namespace pumavp::node
