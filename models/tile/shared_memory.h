// pumavp::tile::SharedMemory — a tile's eDRAM with attribute buffer as a TLM-2.0 target
// (isa.md §6, architecture.md §2.1).
//
// Every initiator (cores, tile control unit, host interface) binds to `socket` (a multi
// passthrough target socket; the binding order gives the initiator index used for the
// round-robin grant order and in status reports). Payload conventions: fabric/mem_extension.h.
//
// Timing: each access of <= 16 words occupies one of `tile.mem_ports` ports for
// `lat.mem_access` cycles. Ports are modelled as reserved intervals ("busy-until" generalised
// to tolerate temporally decoupled initiators); an access starts at the earliest of: the
// initiator's local time, the time its words last changed state, a free port slot. The
// returned delay is annotated so that completion = start + lat.mem_access.
// Blocking: an access whose attribute condition does not hold waits on an event inside
// b_transport (no host time, port not held). Whenever the attributes change, the waiting
// requests are scanned round-robin (starting after the initiator served last) and every one
// whose condition now holds is performed at once, all or nothing, and woken at its
// completion time.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "tile/attribute_memory.h"
#include "fabric/mem_extension.h"

namespace pumavp::tile {

// A request waiting on attributes, for deadlock detection and status reports.
struct WaitingAccess {
  int initiator = -1;      // socket binding index
  bool produce = false;    // producer (write) or consumer (read)
  unsigned addr = 0;       // first word of the access
  unsigned words = 0;
  unsigned blocking_addr = 0;  // first word whose attribute blocks it
  WordAttr blocking_attr;      // its attribute state
};

class SharedMemory : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<SharedMemory> socket;

  // Stats: "<name()>.accesses", "<name()>.blocked_accesses".
  SharedMemory(sc_core::sc_module_name name, const PlatformConfig& cfg, Stats& stats);

  unsigned words() const { return mem_.size(); }
  const AttributeMemory& state() const { return mem_; }

  // --- host-side direct access for the node (no port timing; caller handles timing) ---
  // Host write: replaces the words, valid with `count` (0 acts as 1), marked host-written
  // (kept at START). Wakes waiters. Returns false if out of range.
  bool host_write(unsigned addr, const std::vector<int16_t>& words, uint16_t count = 1);
  // Host read: if every word is valid, returns them (consuming unless `peek`) and true;
  // otherwise (or out of range) false and nothing changes.
  bool host_read(unsigned addr, unsigned n, std::vector<int16_t>& out, bool peek = false);
  // LOAD: every word data 0, invalid, count 0.
  void clear();
  // START: invalidate what the host did not write since the last run, then write preloads.
  struct Preload {
    unsigned addr = 0;
    uint16_t count = 1;
    std::vector<int16_t> words;
  };
  void start_run(const std::vector<Preload>& preloads);
  void end_run();
  // Fail every waiting request (TLM_GENERIC_ERROR_RESPONSE): abort / reset.
  void abort_waiters();

  std::vector<WaitingAccess> waiting() const;
  size_t num_waiting() const { return waiters_.size(); }
  // Notified (delta) whenever a request starts or stops waiting.
  const sc_core::sc_event& waiters_changed_event() const { return waiters_changed_; }

 private:
  struct Waiter {
    int id = 0;
    bool produce = false;
    unsigned addr = 0, w = 0;
    int16_t* buf = nullptr;
    uint16_t count = 1;
    uint64_t t_req = 0;  // resolution ticks
    bool done = false;
    bool failed = false;
    uint64_t t_end = 0;
    fabric::MemBlockHook* hook = nullptr;
    sc_core::sc_event* ev = nullptr;  // per-initiator member event (never on a thread stack)
  };
  sc_core::sc_event& event_for(int id);

  void b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& gp);
  // Reserve a port slot of lat ticks starting at or after t_ready; returns the end time.
  uint64_t reserve_port(uint64_t t_ready);
  void grant_waiters();
  static uint64_t now_ticks() { return sc_core::sc_time_stamp().value(); }

  const PlatformConfig& cfg_;
  AttributeMemory mem_;
  uint64_t lat_ticks_;
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> ports_;  // reserved [start, end)
  std::list<Waiter*> waiters_;
  std::vector<std::unique_ptr<sc_core::sc_event>> events_;
  int last_served_ = -1;
  sc_core::sc_event waiters_changed_;
  uint64_t& c_accesses_;
  uint64_t& c_waits_;
};

}  // namespace pumavp::tile
