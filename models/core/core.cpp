#include "core/core.h"

#include <tlm_utils/tlm_quantumkeeper.h>

namespace pumavp::core {

using namespace sc_core;

const char* core_state_name(CoreState s) {
  switch (s) {
    case CoreState::Idle: return "idle";
    case CoreState::Running: return "running";
    case CoreState::Blocked: return "blocked";
    case CoreState::Halted: return "halted";
    case CoreState::Error: return "error";
  }
  return "?";
}

Core::Core(sc_module_name name, const PlatformConfig& cfg, unsigned tile, unsigned core,
           Stats& stats, fabric::RunMonitor& monitor, std::shared_ptr<const xbar::LutSet> luts)
    : sc_module(name),
      mem_socket("mem_socket"),
      cfg_(cfg),
      exec_(cfg, tile, core, stats, this->name(), std::move(luts)),
      mon_(monitor),
      handle_(monitor.add_unit(tile, core, this)),
      cycle_(cfg.cycle_ns(), SC_NS) {
  gp_.set_extension(&ext_);
  ext_.hook = this;
  SC_THREAD(thread);
}

std::string Core::load(const isa::KernelImage& img) {
  const unsigned t = exec_.tile(), c = exec_.core();
  if (const isa::Program* p = img.find_program(t, c)) {
    std::string why;
    if (!exec_.load_program(p->words, &why)) return why;
  }
  for (const isa::XbarWeights& xw : img.xbars) {
    if (xw.tile != t || xw.core != c) continue;
    if (exec_.panther()) {
      std::string why;
      if (!exec_.program_weights32(xw.mvmu, xw.rows, xw.cols, xw.w.data(), &why))
        return "weights for MVMU " + std::to_string(xw.mvmu) + " of tile " + std::to_string(t) +
               " core " + std::to_string(c) + ": " + why;
      continue;
    }
    std::vector<int16_t> w(xw.w.size());
    for (size_t i = 0; i < w.size(); ++i) {
      if (xw.w[i] < -32768 || xw.w[i] > 32767) return "weight out of int16 range";
      w[i] = static_cast<int16_t>(xw.w[i]);
    }
    if (!exec_.program_weights(xw.mvmu, xw.rows, xw.cols, w.data()))
      return "weights for MVMU " + std::to_string(xw.mvmu) + " of tile " + std::to_string(t) +
             " core " + std::to_string(c) + " out of range";
  }
  return "";
}

void Core::reset() {
  exec_.clear_program();
  exec_.clear_weights();
}

void Core::start() {
  start_pending_ = true;
  set_state(CoreState::Running);
  start_ev_.notify(SC_ZERO_TIME);
}

void Core::thread() {
  quantum_ = tlm::tlm_global_quantum::instance().get();
  if (quantum_ == SC_ZERO_TIME) quantum_ = sc_time(cfg_.host.quantum_ns, SC_NS);
  for (;;) {
    while (!start_pending_) wait(start_ev_);
    start_pending_ = false;
    run();
  }
}

void Core::fail(isa::ErrorCode code, const std::string& msg) {
  set_state(CoreState::Error);
  exec_.finish_run();
  const uint32_t pc = exec_.pc();
  mon_.fail(static_cast<unsigned>(code), handle_, pc, exec_.word_at(pc),
            "tile " + std::to_string(exec_.tile()) + " core " + std::to_string(exec_.core()) +
                " pc " + std::to_string(pc) + " (" + exec_.disasm_at(pc) + "): " + msg);
  done_ev_.notify(SC_ZERO_TIME);
}

void Core::run() {
  exec_.reset_run();
  set_state(CoreState::Running);
  if (!exec_.has_program()) {  // no program: halted from START (isa.md §5)
    set_state(CoreState::Halted);
    mon_.halted(handle_);
    done_ev_.notify(SC_ZERO_TIME);
    return;
  }
  CoreStats& st = exec_.stats();
  sc_time offset = cycle_ * static_cast<double>(cfg_.lat.fetch + cfg_.lat.decode);
  for (;;) {
    if (mon_.stopped() || start_pending_) {
      if (state_ == CoreState::Running) set_state(CoreState::Idle);
      return;
    }
    const bool tracing = tl_ || it_;
    const uint32_t pc0 = exec_.pc();
    const uint64_t mvm0 = st.mvm, stall0 = st.stall_cycles;
    const sc_time t0 = tracing ? sc_time_stamp() + offset : SC_ZERO_TIME;
    const StepResult r = exec_.step();
    switch (r.kind) {
      case StepKind::Continue:
        offset += cycle_ * static_cast<double>(r.cycles);
        st.cycles_busy += r.cycles;
        if (tracing) trace_instr(pc0, t0, sc_time_stamp() + offset, st.mvm - mvm0);
        break;
      case StepKind::Memory:
        if (!do_memory(offset)) return;
        offset += cycle_ * static_cast<double>(r.cycles);
        st.cycles_busy += r.cycles;
        exec_.finish_mem();
        if (tracing) trace_instr(pc0, t0, sc_time_stamp() + offset, 0, st.stall_cycles - stall0);
        break;
      case StepKind::Halt:
        offset += cycle_ * static_cast<double>(r.cycles);
        st.cycles_busy += r.cycles;
        if (tracing) trace_instr(pc0, t0, sc_time_stamp() + offset, st.mvm - mvm0);
        wait(offset);
        exec_.finish_run();
        set_state(CoreState::Halted);
        mon_.halted(handle_);
        done_ev_.notify(SC_ZERO_TIME);
        return;
      case StepKind::Error:
        wait(offset);
        fail(r.error, r.message);
        return;
    }
    if (offset >= quantum_) {
      wait(offset);
      offset = SC_ZERO_TIME;
    }
  }
}

bool Core::do_memory(sc_time& offset) {
  const MemOp& op = exec_.mem_op();
  CoreStats& st = exec_.stats();
  int16_t* A = exec_.operands();
  const sc_time t_start = sc_time_stamp() + offset;
  ext_.count = op.count;
  gp_.set_command(op.store ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  gp_.set_data_ptr(buf_);
  gp_.set_data_length(2 * op.width);
  gp_.set_streaming_width(2 * op.width);
  gp_.set_byte_enable_ptr(nullptr);
  blocked_on_store_ = op.store;
  for (unsigned v = 0; v < op.vec; ++v) {
    const uint32_t addr = op.base + v * op.width;
    int16_t* reg = A + op.operand + v * op.width;
    if (op.store) {
      for (unsigned j = 0; j < op.width; ++j) {
        const uint16_t u = static_cast<uint16_t>(reg[j]);
        buf_[2 * j] = static_cast<unsigned char>(u & 0xFF);
        buf_[2 * j + 1] = static_cast<unsigned char>(u >> 8);
      }
    }
    gp_.set_address(uint64_t{addr} * 2);
    gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    mem_socket->b_transport(gp_, offset);
    if (gp_.get_response_status() != tlm::TLM_OK_RESPONSE) {
      if (mon_.stopped() || start_pending_) {  // aborted while waiting
        if (state_ != CoreState::Error) set_state(CoreState::Idle);
        return false;
      }
      wait(offset);
      fail(isa::ErrorCode::AddressRange,
           "shared-memory access at word " + std::to_string(addr) + " failed: " +
               gp_.get_response_string());
      return false;
    }
    if (!op.store) {
      for (unsigned j = 0; j < op.width; ++j)
        reg[j] = static_cast<int16_t>(static_cast<uint16_t>(buf_[2 * j] | (buf_[2 * j + 1] << 8)));
    }
  }
  const sc_time spent = sc_time_stamp() + offset - t_start;
  const uint64_t cycles = static_cast<uint64_t>(spent / cycle_ + 0.5);
  const uint64_t ideal = uint64_t{op.vec} * cfg_.lat.mem_access;
  st.cycles_busy += cycles;
  if (cycles > ideal) st.stall_cycles += cycles - ideal;
  return true;
}

void Core::on_block(bool produce, unsigned addr, bool valid, uint16_t count) {
  set_state(CoreState::Blocked);
  block_addr_ = addr;
  block_valid_ = valid;
  block_count_ = count;
  fabric::BlockInfo bi;
  bi.reason = produce ? fabric::BlockReason::Produce : fabric::BlockReason::Consume;
  bi.pc = exec_.pc();
  bi.instr = exec_.word_at(bi.pc);
  bi.addr = addr;
  bi.attr_valid = valid;
  bi.attr_count = count;
  bi.host_input = !produce && host_input_ && addr < host_input_->size() && (*host_input_)[addr];
  mon_.blocked(handle_, bi);
}

void Core::on_unblock() {
  set_state(CoreState::Running);
  mon_.running(handle_);
}

void Core::attach_trace(const trace::Sinks& sinks) {
  // Left out by the filter: empty sinks (which also detaches earlier ones).
  const bool on = sinks.wants(path());
  tl_ = on ? sinks.timeline : nullptr;
  it_ = on ? sinks.itrace : nullptr;
  unit_ = path();
  track_ = trace::Track{};
}

void Core::add_vcd(sc_trace_file* tf, const trace::Filter& filter) {
  const std::string path = name();
  if (!filter.match(path)) return;
  sc_trace(tf, exec_.pc_ref(), path + ".pc");
  sc_trace(tf, state_code_, path + ".state", 3);
}

void Core::trace_instr(uint32_t pc, const sc_time& t0, const sc_time& t1, uint64_t mvms, uint64_t stall) {
  const double ns0 = t0.to_seconds() * 1e9;
  if (it_) it_->line(ns0, unit_, pc, exec_.word_at(pc), 16, exec_.disasm_at(pc));
  if (!tl_) return;
  if (!track_.tid)  // tracks appear on first use: idle cores add no clutter
    track_ = tl_->track("tile" + std::to_string(exec_.tile()), "core" + std::to_string(exec_.core()));
  char args[80];
  if (mvms)
    std::snprintf(args, sizeof args, "\"pc\":%u,\"mvmus\":%llu", pc, static_cast<unsigned long long>(mvms));
  else if (stall)  // load/store that waited (attribute buffer, port contention)
    std::snprintf(args, sizeof args, "\"pc\":%u,\"wait_cycles\":%llu", pc, static_cast<unsigned long long>(stall));
  else
    std::snprintf(args, sizeof args, "\"pc\":%u", pc);
  tl_->span(track_, exec_.mnemonic_at(pc), exec_.class_at(pc), ns0, t1.to_seconds() * 1e9 - ns0, args);
}

CoreStatus Core::status() const {
  CoreStatus s;
  s.state = state_;
  s.pc = exec_.pc();
  s.word = exec_.word_at(s.pc);
  s.instr = exec_.disasm_at(s.pc);
  if (state_ == CoreState::Blocked) {
    s.blocked_on_store = blocked_on_store_;
    s.block_addr = block_addr_;
    s.attr_valid = block_valid_;
    s.attr_count = block_count_;
  }
  return s;
}

}  // namespace pumavp::core
