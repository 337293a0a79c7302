#include "fabric/run_monitor.h"

#include <cstdlib>
#include <iostream>

namespace pumavp::fabric {

const char* block_reason_name(BlockReason r) {
  switch (r) {
    case BlockReason::None: return "none";
    case BlockReason::Consume: return "consume (words not valid)";
    case BlockReason::Produce: return "produce (words still valid)";
    case BlockReason::FifoEmpty: return "receive (FIFO empty)";
    case BlockReason::InjectQueue: return "send (injection queue full)";
    case BlockReason::SendDrain: return "halt (sent packets not accepted)";
    case BlockReason::WaitCores: return "halt (cores running)";
    case BlockReason::Other: return "other";
  }
  return "?";
}

RunMonitor::RunMonitor(sc_core::sc_module_name name) : sc_core::sc_module(name) {
  SC_METHOD(check_method);
  sensitive << check_event_;
  dont_initialize();
}

unsigned RunMonitor::add_unit(unsigned tile, unsigned core, Unit* unit) {
  UnitRecord r;
  r.unit = unit;
  r.tile = static_cast<uint16_t>(tile);
  r.core = static_cast<uint8_t>(core);
  units_.push_back(r);
  return static_cast<unsigned>(units_.size() - 1);
}

void RunMonitor::set_state(unsigned h, UnitState s) {
  UnitRecord& u = units_[h];
  if (u.state == s) return;
  switch (u.state) {
    case UnitState::Running: --running_; break;
    case UnitState::Blocked:
      --blocked_;
      if (u.block.host_input) --blocked_host_;
      break;
    case UnitState::Halted: --halted_; break;
    case UnitState::Idle: break;
  }
  u.state = s;
  switch (s) {
    case UnitState::Running: ++running_; break;
    case UnitState::Blocked:
      ++blocked_;
      if (u.block.host_input) ++blocked_host_;
      break;
    case UnitState::Halted: ++halted_; break;
    case UnitState::Idle: break;
  }
}

void RunMonitor::start() {
  error_ = RunError{};
  deadlock_units_.clear();
  for (unsigned h = 0; h < units_.size(); ++h) {
    units_[h].block = BlockInfo{};
    set_state(h, UnitState::Running);
  }
  activity_ = 0;
  status_ = RunStatus::Running;
  start_event_.notify(sc_core::SC_ZERO_TIME);
  if (units_.empty()) finish(RunStatus::Done);
}

void RunMonitor::reset() {
  for (unsigned h = 0; h < units_.size(); ++h) set_state(h, UnitState::Idle);
  error_ = RunError{};
  deadlock_units_.clear();
  activity_ = 0;
  status_ = RunStatus::Idle;
}

void RunMonitor::stop(unsigned code, const std::string& message) {
  if (status_ != RunStatus::Running) return;
  if (code == 0) {
    status_ = RunStatus::Idle;
    stop_event_.notify(sc_core::SC_ZERO_TIME);
    end_event_.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  fail_global(code, message);
}

void RunMonitor::finish(RunStatus s) {
  if (status_ != RunStatus::Running) return;
  status_ = s;
  stop_event_.notify(sc_core::SC_ZERO_TIME);
  end_event_.notify(sc_core::SC_ZERO_TIME);
}

void RunMonitor::running(unsigned h) { set_state(h, UnitState::Running); }

void RunMonitor::blocked(unsigned h, const BlockInfo& info) {
  UnitRecord& u = units_[h];
  if (u.state == UnitState::Blocked) set_state(h, UnitState::Running);  // re-block: recount
  u.block = info;
  set_state(h, UnitState::Blocked);
  maybe_check();
}

void RunMonitor::halted(unsigned h) {
  set_state(h, UnitState::Halted);
  if (status_ == RunStatus::Running && halted_ == units_.size()) {
    finish(RunStatus::Done);
    return;
  }
  maybe_check();
}

void RunMonitor::fail(unsigned code, unsigned h, uint32_t pc, uint64_t instr,
                      const std::string& message) {
  if (status_ != RunStatus::Running) return;  // first error wins
  error_.code = code;
  error_.has_unit = true;
  error_.tile = units_[h].tile;
  error_.core = units_[h].core;
  error_.pc = pc;
  error_.instr = instr;
  error_.message = message;
  finish(RunStatus::Error);
}

void RunMonitor::fail_global(unsigned code, const std::string& message) {
  if (status_ != RunStatus::Running) return;
  error_.code = code;
  error_.has_unit = false;
  error_.message = message;
  finish(RunStatus::Error);
}

void RunMonitor::activity_end() {
  if (activity_ == 0) {
    if (status_ != RunStatus::Running) return;  // tokens of a run that already ended
    std::cerr << "pumavp: internal error in " << name() << ": activity_end without begin\n";
    std::abort();
  }
  --activity_;
  maybe_check();
}

void RunMonitor::maybe_check() {
  if (status_ == RunStatus::Running && running_ == 0 && activity_ == 0 && blocked_ > 0)
    check_event_.notify(sc_core::SC_ZERO_TIME);
}

void RunMonitor::check_method() {
  if (!(status_ == RunStatus::Running && running_ == 0 && activity_ == 0 && blocked_ > 0))
    return;
  // Let everything runnable at this time finish first (wake-ups are delta-notified).
  if (sc_core::sc_pending_activity_at_current_time()) {
    check_event_.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  if (blocked_host_ > 0) {
    // A unit waiting for a host input is not blocked (the host may still write it) unless
    // nothing at all is pending in the whole simulation. Look again when the next pending
    // activity happens (this adds no new time point to the simulation).
    if (sc_core::sc_pending_activity_at_future_time()) {
      check_event_.notify(sc_core::sc_time_to_pending_activity());
      return;
    }
  }
  declare_deadlock();
}

void RunMonitor::check_starved() {
  if (status_ == RunStatus::Running && running_ == 0 && activity_ == 0 && blocked_ > 0)
    declare_deadlock();
}

void RunMonitor::declare_deadlock() {
  deadlock_units_.clear();
  for (const UnitRecord& u : units_)
    if (u.state == UnitState::Blocked) deadlock_units_.push_back(u);
  const UnitRecord& first = deadlock_units_.front();
  error_.code = 8;
  error_.has_unit = true;
  error_.tile = first.tile;
  error_.core = first.core;
  error_.pc = first.block.pc;
  error_.instr = first.block.instr;
  error_.message = "deadlock: " + std::to_string(deadlock_units_.size()) +
                   " unit(s) blocked, nothing in flight";
  finish(RunStatus::Error);
}

}  // namespace pumavp::fabric
