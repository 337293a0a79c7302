// pumavp::fabric::Unit — the one lifecycle of the node's units: cores, tile control units and
// routers, and the blocks that hold a list of them (tiles, the mesh). A holder iterates over
// its units instead of threading each call by hand.
//
// Names: a unit is an sc_module; its SystemC hierarchical name is its stats prefix and its
// trace path (`node.tile3.core1`, `node.tile3.unit`, `node.noc.r5`), so stats, trace filters
// and waveforms use the same strings. `path()` returns that name.
//
// Calls (all optional; the defaults do nothing):
//   load(img)       LOAD: take this unit's part of a validated kernel image (program,
//                   weights); "" or why not. Called after reset().
//   start()         START (after RunMonitor::start()).
//   end_run()       the run ended (done, error, abort): release whatever waits; returns the
//                   packets it discarded.
//   reset()         power-on state (nothing loaded).
//   attach_trace()  observability; the unit applies `sinks.filter` to its own path(s). Call
//                   before the simulation starts.
//   add_vcd()       waveforms of the signals whose path matches `filter`.
//   describe_instr  deadlock reports: the text of the instruction word a blocked unit
//                   recorded in its BlockInfo (fabric/run_monitor.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <systemc>

#include "common/trace.h"
#include "fabric/run_monitor.h"
#include "isa/kimage.h"

namespace pumavp::fabric {

class Unit {
 public:
  virtual ~Unit() = default;

  virtual const char* path() const = 0;

  virtual std::string load(const isa::KernelImage& /*img*/) { return ""; }
  virtual void start() {}
  virtual size_t end_run() { return 0; }
  virtual void reset() {}

  virtual void attach_trace(const trace::Sinks& /*sinks*/) {}
  virtual void add_vcd(sc_core::sc_trace_file* /*tf*/, const trace::Filter& /*filter*/) {}

  virtual std::string describe_instr(uint64_t /*instr*/) const { return ""; }

  // "pc N: <instruction> -- waits: <reason> ..." for a deadlock report.
  std::string describe_blocked(const BlockInfo& b) const;
};

// The same text for a blocked state whose instruction reads `instr_text`.
std::string describe_block(const BlockInfo& b, const std::string& instr_text);

}  // namespace pumavp::fabric
