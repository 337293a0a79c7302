// pumavp::fabric::RunMonitor — run state of every unit of a node: done, first error, deadlock
// detection (isa.md §5 halt, §6 deadlock, §11; architecture.md §2.5).
//
// One RunMonitor per Node (the Node owns it and passes it to every Tile). It lives in
// models/fabric (the accelerator contracts) because cores, tiles, the network and the node
// all report to it.
//
// Contract for units (core, tile control unit) — cheap, no strings on the hot path:
//   * At construction: `h = mon.add_unit(tile, core)` (core = kTileUnit for the tile
//     control unit); keep `h`.
//   * `mon.start()` (called by the Node) marks every unit Running and notifies
//     `start_event()`. A unit without a program calls `mon.halted(h)` right away.
//   * Before an untimed wait (attribute condition, FIFO empty, injection queue full, halt
//     waiting for its cores or for sent packets to be accepted): fill a BlockInfo and call
//     `mon.blocked(h, info)`; after waking call `mon.running(h)`. Timed waits (latencies,
//     memory-port arbitration) are "running" and need no call.
//   * Wake-ups of blocked units must be notified immediately or with SC_ZERO_TIME, never
//     with a timed delay (otherwise the detector may see "everything blocked" while a
//     wake-up is pending in the future).
//   * At halt: `mon.halted(h)`. A tile control unit halts only after its cores halted and
//     its SendTracker drained (so "all units halted" = node done).
//   * Guest-caused error: `mon.fail(code, h, pc, instr, message)`. The first error wins;
//     the node stops: `stopped()` becomes true and `stop_event()` is notified. Running
//     units must check `stopped()` at least once per instruction and park (wait for the
//     next `start_event()`); blocked units may simply stay blocked.
//   * Units waiting to consume words of a host input tensor set BlockInfo::host_input:
//     they only count as deadlocked when the whole simulation has no pending event.
//
// Contract for the network / host interface: any activity that may still unblock a unit
// (a packet moving in the mesh, a host access being served) holds an activity token:
// `activity_begin()` ... `activity_end()`. Packets waiting at a full FIFO do not hold one.
//
// Deadlock: no unit Running, no activity token held, at least one unit Blocked, and nothing
// else runnable at the current simulated time — then the run fails with code 8 and
// `blocked_units()` lists every waiting unit. If every blocked unit waits for host input,
// the deadlock is declared only once the simulation has no pending event at all: the
// detector re-checks at each later time that has pending activity and declares it after the
// last one (owners whose sc_start() ran out of events may also call `check_starved()`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "fabric/unit_id.h"

namespace pumavp::fabric {

class Unit;  // fabric/unit.h

enum class UnitState : uint8_t { Idle, Running, Blocked, Halted };

enum class BlockReason : uint8_t {
  None,
  Consume,      // consumer access (load / send / host read): words not yet valid
  Produce,      // producer access (store / receive / host write): words still valid
  FifoEmpty,    // receive: no packet at the head of the FIFO
  InjectQueue,  // send: injection queue full
  SendDrain,    // tile halt: sent packets not yet accepted
  WaitCores,    // tile halt: cores still running
  Other,
};
const char* block_reason_name(BlockReason r);

struct BlockInfo {
  BlockReason reason = BlockReason::None;
  uint32_t pc = 0;          // instruction index
  uint64_t instr = 0;       // raw instruction word (disassembled in reports)
  uint32_t addr = 0;        // first blocking word address, or FIFO id
  bool attr_valid = false;  // attribute state of that word (Consume/Produce)
  uint16_t attr_count = 0;
  bool host_input = false;  // waiting for a word of a host input tensor
};

struct UnitRecord {
  uint16_t tile = 0;
  uint8_t core = 0;  // kTileUnit for the tile control unit
  Unit* unit = nullptr;  // the unit itself, if it registered with one (reports)
  UnitState state = UnitState::Idle;
  BlockInfo block;
};

struct RunError {
  unsigned code = 0;          // architecture.md §2.5 ERROR_CODE, 0 = none
  bool has_unit = false;      // false: the error concerns no single unit
  uint16_t tile = 0;
  uint8_t core = 0;
  uint32_t pc = 0;
  uint64_t instr = 0;
  std::string message;
};

enum class RunStatus : uint8_t { Idle, Running, Done, Error };

class RunMonitor : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(RunMonitor);
  explicit RunMonitor(sc_core::sc_module_name name);

  // ---- registration (elaboration) ----
  unsigned add_unit(unsigned tile, unsigned core, Unit* unit = nullptr);
  size_t num_units() const { return units_.size(); }
  const UnitRecord& unit(unsigned h) const { return units_[h]; }

  // ---- run control (Node) ----
  void start();   // every unit Running, status Running, notify start_event()
  // Stop the run from outside (abort, reset): status Error with `code` (or Idle when 0).
  void stop(unsigned code, const std::string& message);
  void reset();   // back to Idle, no error (units Idle)
  const sc_core::sc_event& start_event() const { return start_event_; }
  const sc_core::sc_event& stop_event() const { return stop_event_; }
  // Notified once when the run ends (Done or Error).
  const sc_core::sc_event& end_event() const { return end_event_; }
  RunStatus status() const { return status_; }
  // status() as a traceable byte (0 idle, 1 running, 2 done, 3 error).
  const unsigned char& status_ref() const { return reinterpret_cast<const unsigned char&>(status_); }
  bool stopped() const { return status_ != RunStatus::Running; }
  const RunError& error() const { return error_; }
  // Units blocked at the moment of a deadlock (snapshot taken when it was declared).
  const std::vector<UnitRecord>& blocked_units() const { return deadlock_units_; }
  // Call after sc_start() returned because no event was left: declares the deadlock of
  // units waiting for host input (no-op unless the run is still going).
  void check_starved();

  // ---- units ----
  void running(unsigned h);
  void blocked(unsigned h, const BlockInfo& info);
  void halted(unsigned h);
  void fail(unsigned code, unsigned h, uint32_t pc, uint64_t instr, const std::string& message);
  // Error not tied to a unit.
  void fail_global(unsigned code, const std::string& message);

  // ---- network / host activity ----
  void activity_begin() { ++activity_; }
  void activity_end();
  unsigned activity() const { return activity_; }

  unsigned running_count() const { return running_; }
  unsigned blocked_count() const { return blocked_; }
  unsigned halted_count() const { return halted_; }

 private:
  void set_state(unsigned h, UnitState s);
  void maybe_check();
  void check_method();
  void declare_deadlock();
  void finish(RunStatus s);

  std::vector<UnitRecord> units_;
  unsigned running_ = 0, blocked_ = 0, halted_ = 0, blocked_host_ = 0;
  unsigned activity_ = 0;
  RunStatus status_ = RunStatus::Idle;
  RunError error_;
  std::vector<UnitRecord> deadlock_units_;
  sc_core::sc_event start_event_, stop_event_, end_event_, check_event_;
};

}  // namespace pumavp::fabric
