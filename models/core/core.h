// pumavp::core::Core — SystemC shell of one accelerator core (isa.md §3-§4, §8;
// architecture.md §2.1). A thin SC_THREAD over CoreExec (core/core_exec.h).
//
// Timing: loosely timed with temporal decoupling. The thread keeps a local time offset; the
// first instruction of a run pays lat.fetch + lat.decode, later fetch/decode overlap the
// previous execute. It synchronises (wait) only when the offset reaches the global quantum
// (tlm_global_quantum, or host.quantum_ns if that is 0), at halt / error, and inside a
// shared-memory access that must wait on attributes.
//
// Shared memory: `mem_socket` (bind to the tile's SharedMemory::socket). load/store issue one
// b_transport per access (fabric/mem_extension.h conventions; store count in MemExtension).
// While an access waits on attributes the core reports Blocked (first blocking word and its
// attribute state) to the RunMonitor, Running again when granted.
//
// Unit lifecycle (fabric/unit.h): load (this core's program and crossbar weights from the
// image), start, reset (program and weights cleared), attach_trace / add_vcd, and the text
// of a blocked instruction for deadlock reports. Its SystemC name ("node.tile<t>.core<c>"
// inside a node) is its stats prefix and trace path.
//
// Run control: `start()` (called by the Tile at kernel start) resets the architectural state
// (isa.md §3.3) and runs the program until halt, an error (reported with
// RunMonitor::fail(code, unit, pc, word, message)) or until the monitor stops the run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "common/trace.h"
#include "core/core_exec.h"
#include "isa/kimage.h"
#include "fabric/run_monitor.h"
#include "fabric/unit.h"
#include "fabric/mem_extension.h"

namespace pumavp::core {

enum class CoreState : uint8_t { Idle, Running, Blocked, Halted, Error };
const char* core_state_name(CoreState s);

// Per-unit status for deadlock detection and reports.
struct CoreStatus {
  CoreState state = CoreState::Idle;
  uint32_t pc = 0;
  uint64_t word = 0;          // instruction word at pc
  std::string instr;          // its disassembly
  bool blocked_on_store = false;
  uint32_t block_addr = 0;    // first blocking shared-memory word
  bool attr_valid = false;    // its attribute state
  uint16_t attr_count = 0;
};

class Core : public sc_core::sc_module, public fabric::Unit, private fabric::MemBlockHook {
 public:
  SC_HAS_PROCESS(Core);
  tlm_utils::simple_initiator_socket<Core> mem_socket;

  // Stats prefix = name() ("node.tile<t>.core<c>" inside a node).
  Core(sc_core::sc_module_name name, const PlatformConfig& cfg, unsigned tile, unsigned core,
       Stats& stats, fabric::RunMonitor& monitor, std::shared_ptr<const xbar::LutSet> luts = nullptr);
  ~Core() override { gp_.clear_extension(&ext_); }

  CoreExec& exec() { return exec_; }
  const CoreExec& exec() const { return exec_; }
  unsigned monitor_handle() const { return handle_; }

  // Words of host input tensors (a load waiting on one counts as waiting for the host).
  void set_host_input_words(const std::vector<uint8_t>* mask) { host_input_ = mask; }

  // ---- unit lifecycle (fabric::Unit) ----
  const char* path() const override { return name(); }
  // This core's program (core.imem_words at most) and the weights of its MVMUs.
  std::string load(const isa::KernelImage& img) override;
  // Kernel start: takes effect in the core's thread (next delta).
  void start() override;
  // Program and weights cleared.
  void reset() override;
  std::string describe_instr(uint64_t instr) const override {
    return exec_.program().describe_word(instr);
  }
  CoreState state() const { return state_; }
  bool halted() const { return state_ == CoreState::Halted; }
  CoreStatus status() const;
  // Notified (SC_ZERO_TIME) when the core halts or stops with an error.
  const sc_core::sc_event& done_event() const { return done_ev_; }

  // Observability (architecture.md §5), when the filter matches path(). Timeline: one span
  // per instruction on the track "tile<t>/core<c>" (name = mnemonic, cat = class, MVM spans
  // carry "mvmus"); itrace: one line per instruction. VCD: "<path>.pc" and "<path>.state"
  // (0 idle, 1 running, 2 blocked, 3 halted, 4 error). Call before the simulation starts.
  void attach_trace(const trace::Sinks& sinks) override;
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) override;

 private:
  void thread();
  void run();
  bool do_memory(sc_core::sc_time& offset);
  void fail(isa::ErrorCode code, const std::string& msg);
  void on_block(bool produce, unsigned addr, bool valid, uint16_t count) override;
  void on_unblock() override;
  void set_state(CoreState s) { state_ = s; state_code_ = static_cast<uint8_t>(s); }
  void trace_instr(uint32_t pc, const sc_core::sc_time& t0, const sc_core::sc_time& t1,
                   uint64_t mvms, uint64_t stall = 0);

  const PlatformConfig& cfg_;
  CoreExec exec_;
  fabric::RunMonitor& mon_;
  unsigned handle_;
  const std::vector<uint8_t>* host_input_ = nullptr;
  sc_core::sc_time cycle_;
  sc_core::sc_time quantum_;
  bool start_pending_ = false;
  CoreState state_ = CoreState::Idle;
  uint8_t state_code_ = 0;  // state_ as a traceable integer
  trace::Timeline* tl_ = nullptr;
  trace::InstrTrace* it_ = nullptr;
  trace::Track track_;
  std::string unit_;
  bool blocked_on_store_ = false;
  uint32_t block_addr_ = 0;
  bool block_valid_ = false;
  uint16_t block_count_ = 0;
  sc_core::sc_event start_ev_, done_ev_;
  tlm::tlm_generic_payload gp_;
  fabric::MemExtension ext_;
  unsigned char buf_[32];
};

}  // namespace pumavp::core
