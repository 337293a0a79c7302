#include "host/rv32_core.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pumavp::host {

Rv32Core::Rv32Core(sc_core::sc_module_name name, const HostConfig& cfg)
    : sc_core::sc_module(name), socket("socket"), cfg_(cfg), hart_(*this) {
  if (cfg.cpu_mhz == 0) throw std::invalid_argument("host.cpu_mhz must be > 0");
  period_ = sc_core::sc_time(1000.0 / cfg.cpu_mhz, sc_core::SC_NS);
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(static_cast<double>(cfg.quantum_ns), sc_core::SC_NS));
  socket.register_invalidate_direct_mem_ptr(this, &Rv32Core::invalidate_dmi);
  SC_THREAD(thread);
}

void Rv32Core::set_memory_range(uint32_t base, uint32_t size) {
  mem_base_ = base;
  mem_size_ = size;
  hart_.set_code_region(base, size);
}

void Rv32Core::reset(uint32_t pc) { hart_.reset(pc); }

void Rv32Core::set_irq(unsigned bit, bool level) {
  hart_.set_irq_line(bit, level);
  if (level) wake_ev_.notify();
}

sc_core::sc_time Rv32Core::batch_offset() const {
  return qk_.get_local_time() + period_ * static_cast<double>(hart_.slots() - batch_start_);
}

sc_core::sc_time Rv32Core::local_time_stamp() const {
  return sc_core::sc_time_stamp() + (running_ ? batch_offset() : sc_core::SC_ZERO_TIME);
}

void Rv32Core::flush_batch() {
  const uint64_t n = hart_.slots() - batch_start_;
  batch_start_ = hart_.slots();
  if (n) qk_.inc(period_ * static_cast<double>(n));
}

void Rv32Core::add_latency(const sc_core::sc_time& t) {
  if (t <= sc_core::SC_ZERO_TIME) return;
  const uint64_t c = static_cast<uint64_t>(std::ceil(t / period_ - 1e-9));
  hart_.add_stall_cycles(c);
  qk_.inc(period_ * static_cast<double>(c));
}

void Rv32Core::acquire_dmi() {
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(mem_base_);
  tlm::tlm_dmi dmi;
  if (socket->get_direct_mem_ptr(p, dmi) && dmi.is_read_write_allowed() && dmi.get_dmi_ptr()) {
    const uint64_t start = dmi.get_start_address(), end = dmi.get_end_address();
    if (start <= 0xffffffffull && end >= start) {
      const uint64_t size = std::min<uint64_t>(end - start + 1, 0x100000000ull - start);
      hart_.set_fast_region(static_cast<uint32_t>(start), static_cast<uint32_t>(std::min<uint64_t>(size, 0xffffffffull)),
                            dmi.get_dmi_ptr());
      dmi_valid_ = true;
      ++dmi_grants_;
      return;
    }
  }
  dmi_valid_ = false;
}

void Rv32Core::invalidate_dmi(sc_dt::uint64, sc_dt::uint64) {
  hart_.clear_fast_region();
  dmi_valid_ = false;
}

bool Rv32Core::transport(tlm::tlm_command cmd, uint32_t addr, unsigned size, uint8_t* data) {
  tlm::tlm_generic_payload& p = payload_;
  p.set_command(cmd);
  p.set_address(addr);
  p.set_data_ptr(data);
  p.set_data_length(size);
  p.set_streaming_width(size);
  p.set_byte_enable_ptr(nullptr);
  p.set_byte_enable_length(0);
  p.set_dmi_allowed(false);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay;
  if (cmd == tlm::TLM_WRITE_COMMAND && !in_memory(addr) && running_) {
    flush_batch();
    qk_.sync();
  } else {
    delay = running_ ? batch_offset() : sc_core::SC_ZERO_TIME;
  }
  const sc_core::sc_time before = delay;
  in_access_ = true;
  access_addr_ = addr;
  socket->b_transport(p, delay);
  in_access_ = false;
  if (running_) add_latency(delay - before);
  return p.is_response_ok();
}

bool Rv32Core::load(uint32_t addr, unsigned size, uint32_t& value) {
  uint8_t buf[4] = {};
  const bool ok = transport(tlm::TLM_READ_COMMAND, addr, size, buf);
  value = static_cast<uint32_t>(buf[0]) | (static_cast<uint32_t>(buf[1]) << 8) |
          (static_cast<uint32_t>(buf[2]) << 16) | (static_cast<uint32_t>(buf[3]) << 24);
  return ok;
}

bool Rv32Core::store(uint32_t addr, unsigned size, uint32_t value) {
  uint8_t buf[4] = {static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8),
                    static_cast<uint8_t>(value >> 16), static_cast<uint8_t>(value >> 24)};
  return transport(tlm::TLM_WRITE_COMMAND, addr, size, buf);
}

bool Rv32Core::fetch16(uint32_t addr, uint16_t& parcel) {
  uint8_t buf[2] = {};
  const bool ok = transport(tlm::TLM_READ_COMMAND, addr, 2, buf);
  parcel = static_cast<uint16_t>(buf[0] | (buf[1] << 8));
  return ok;
}

uint64_t Rv32Core::mtime() { return mtime_source ? mtime_source(local_time_stamp()) : 0; }

void Rv32Core::set_reg(unsigned i, uint32_t v) {
  if (i == 32) hart_.set_pc(v);
  else hart_.set_reg(i, v);
}

unsigned Rv32Core::debug_read(uint64_t addr, uint8_t* buf, unsigned len) {
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(addr);
  p.set_data_ptr(buf);
  p.set_data_length(len);
  p.set_streaming_width(len);
  return socket->transport_dbg(p);
}

unsigned Rv32Core::debug_write(uint64_t addr, const uint8_t* buf, unsigned len) {
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_address(addr);
  p.set_data_ptr(const_cast<uint8_t*>(buf));
  p.set_data_length(len);
  p.set_streaming_width(len);
  const unsigned n = socket->transport_dbg(p);
  if (n && addr <= 0xffffffffull) hart_.invalidate_decode(static_cast<uint32_t>(addr), n);
  return n;
}

void Rv32Core::halt() {
  hart_.request_halt();
  wake_ev_.notify();
}

void Rv32Core::resume() {
  if (!halted_) return;
  hart_.clear_halt();
  if (hart_.breakpoints().count(hart_.pc())) hart_.step_over_breakpoint();
  halted_ = false;
  resume_ev_.notify();
}

void Rv32Core::step() {
  step_pending_ = true;
  resume();
}

void Rv32Core::stop_and_wait(StopReason why) {
  qk_.sync();
  halted_ = true;
  stop_reason_ = why;
  stopped_ev_.notify();
  if (on_stop) on_stop(why);
  while (halted_) sc_core::wait(resume_ev_);
}

// Temporal decoupling: the core runs ahead of the rest of the simulation by at most a quantum
// (host.quantum_ns) and never past the run horizon; it synchronises when the quantum is used
// up (or at the horizon).
uint64_t Rv32Core::batch_budget() const {
  const sc_core::sc_time local = qk_.get_local_time();
  const sc_core::sc_time q = tlm::tlm_global_quantum::instance().get();
  sc_core::sc_time until = q > local ? q - local : sc_core::SC_ZERO_TIME;
  const sc_core::sc_time at = sc_core::sc_time_stamp() + local;
  until = at < horizon_ ? std::min(until, horizon_ - at) : sc_core::SC_ZERO_TIME;
  const double cycles = until / period_;
  if (cycles < 1.0) return 1;
  return cycles > static_cast<double>(kMaxBatch) ? kMaxBatch : static_cast<uint64_t>(cycles);
}

bool Rv32Core::must_sync() const {
  if (sc_core::sc_time_stamp() + qk_.get_local_time() >= horizon_) return true;
  return qk_.need_sync();
}

void Rv32Core::thread() {
  qk_.reset();
  running_ = true;
  batch_start_ = hart_.slots();
  if (start_halted_) stop_and_wait(StopReason::Halt);
  bool dmi_tried = false;
  for (;;) {
    if (cfg_.dmi && !dmi_valid_ && mem_size_ && !dmi_tried) {
      acquire_dmi();
      dmi_tried = !dmi_valid_;  // a refused grant is not asked for again
    }
    const uint64_t budget = step_pending_ ? 1 : batch_budget();
    if (on_poll && ++poll_count_ >= poll_batches) {
      poll_count_ = 0;
      on_poll();
    }
    batch_start_ = hart_.slots();
    const Rv32Hart::Stop s = hart_.run(budget);
    flush_batch();
    switch (s) {
      case Rv32Hart::Stop::Budget:
        if (step_pending_) {
          step_pending_ = false;
          stop_and_wait(StopReason::Step);
        } else if (must_sync()) {
          qk_.sync();
        }
        break;
      case Rv32Hart::Stop::Wfi: {
        qk_.sync();
        const sc_core::sc_time t0 = sc_core::sc_time_stamp();
        while (hart_.in_wfi() && !hart_.wake_pending() && !hart_.halt_requested())
          sc_core::wait(wake_ev_);
        if (tl_) {
          trace_phase("run", run_since_, t0);
          trace_phase("wfi", t0, sc_core::sc_time_stamp());
          run_since_ = sc_core::sc_time_stamp();
        }
        const double slept = (sc_core::sc_time_stamp() - t0) / period_;
        hart_.add_stall_cycles(static_cast<uint64_t>(slept));
        qk_.reset();
        break;
      }
      case Rv32Hart::Stop::Halted:
        stop_and_wait(StopReason::Halt);
        break;
      case Rv32Hart::Stop::Breakpoint:
        step_pending_ = false;
        stop_and_wait(StopReason::Breakpoint);
        break;
      case Rv32Hart::Stop::Exit:
        qk_.sync();
        stop_reason_ = StopReason::Exit;
        running_ = false;
        return;
      case Rv32Hart::Stop::NoProgress:
        qk_.sync();
        stop_reason_ = StopReason::NoProgress;
        running_ = false;
        sc_core::sc_pause();
        return;
    }
  }
}

void Rv32Core::attach_trace(const trace::Sinks& sinks, const std::string& path) {
  tl_ = sinks.timeline;
  it_ = sinks.itrace;
  unit_ = path;
  if (tl_) track_ = tl_->track("host", basename());
  if (it_) hart_.set_retire_observer(this);
}

void Rv32Core::add_vcd(sc_core::sc_trace_file* tf, const std::string& path) {
  sc_core::sc_trace(tf, hart_.pc_ref(), path + ".pc");
  sc_core::sc_trace(tf, hart_.mip_ref(), path + ".mip", 12);
}

void Rv32Core::retired(uint32_t pc, const DecodedInsn& d, uint64_t slot) {
  const sc_core::sc_time t =
      sc_core::sc_time_stamp() + qk_.get_local_time() + period_ * static_cast<double>(slot - batch_start_);
  it_->line(t.to_seconds() * 1e9, unit_, pc, d.len == 2 ? (d.raw & 0xffffu) : d.raw, d.len == 2 ? 4 : 8,
            disasm_rv32(d, pc));
}

void Rv32Core::trace_phase(const char* name, const sc_core::sc_time& from, const sc_core::sc_time& to) {
  if (to <= from) return;
  const double a = from.to_seconds() * 1e9;
  tl_->span(track_, name, "host", a, to.to_seconds() * 1e9 - a);
}

void Rv32Core::finish_trace() {
  if (tl_) trace_phase("run", run_since_, local_time_stamp());
  run_since_ = local_time_stamp();
}

}  // namespace pumavp::host
