// pumavp::node::NodeControl — the one control interface the node offers its host interface
// (architecture.md §2.3): load, start, abort, reset, run status and the performance counters
// behind the PERF registers. Node implements it; the host interface's parts (command
// sequencer, kernel loader, CSR block) only see this interface.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

#include "common/stats.h"
#include "isa/kimage.h"
#include "fabric/run_monitor.h"

namespace pumavp::node {

struct LoadResult {
  unsigned code = 0;   // architecture.md §2.5 ERROR_CODE; 0 = loaded
  int tile = -1;       // -1: not about one unit
  int core = -1;       // 0xFF = tile unit
  int64_t pc = -1;
  std::string message;
  bool ok() const { return code == 0; }
};

// Cumulative over the simulation (the CSR block subtracts its values at the last RESET).
struct NodePerf {
  uint64_t instructions = 0;  // core and tile-unit instructions executed
  uint64_t mvms = 0;          // MVMs executed by the cores
  uint64_t flits = 0;         // flits injected by the network interfaces plus flits per link
  EnergyLedger energy;        // energy of the node's parts, per component (pJ)
};

class NodeControl {
 public:
  virtual ~NodeControl() = default;
  // Validates the image completely before touching any state (code != 0: rejected).
  virtual LoadResult load(const isa::KernelImage& img) = 0;
  // False (nothing happens) when not loaded or already running.
  virtual bool start() = 0;
  virtual void abort(const std::string& why) = 0;
  virtual void reset() = 0;
  virtual bool busy() const = 0;
  virtual fabric::RunStatus status() const = 0;
  virtual const fabric::RunError& error() const = 0;
  // Notified when a run ends (done or error), after the end-of-run clean-up.
  virtual const sc_core::sc_event& end_event() const = 0;
  virtual NodePerf perf() const = 0;
};

}  // namespace pumavp::node
