// pumavp::host::Rv32Core — SystemC shell around Rv32Hart: one SC_THREAD runs the hart in
// batches of up to one global quantum (tlm_utils::tlm_quantumkeeper, host.quantum_ns), one
// cycle of host.cpu_mhz per instruction.
//
// Memory: fetch, loads and stores inside the DMI region (granted by the bus for the memory
// range, when host.dmi) are direct; every other access is a b_transport annotated with the
// local time offset. Reads of devices do not synchronise (the device sees sc_time_stamp() +
// delay); writes to devices (anything outside the memory range) synchronise first so that
// their side effects happen at the right simulated time. A bus error is an access fault.
//
// Trap storm: when the hart reports Stop::NoProgress the thread synchronises, records it
// (no_progress(), no_progress_info()), calls sc_pause() and ends.
//
// Interrupts: set_irq(bit, level) drives mip.MSIP/MTIP/MEIP (called synchronously by the
// CLINT/PLIC); the hart takes an enabled interrupt at the next instruction boundary. WFI
// synchronises and waits on an sc_event until (mip & mie) != 0 — no host time while asleep.
//
// Debug API (for the GDB server; call from SystemC process context unless noted):
//   reg(i) / set_reg(i, v)       GPR x0..x31, i == 32 is the pc
//   read_csr(n, v) / write_csr   CSRs by number (false: no such CSR)
//   debug_read / debug_write     memory through the bus's transport_dbg (no side effects on
//                                 registers marked so; writes invalidate decoded code)
//   set_breakpoint / clear_breakpoint   software breakpoints by address (no memory patching)
//   set_ebreak_halts(true)       ebreak instructions stop into the debugger instead of trapping
//   halt()                        request a stop at the next instruction boundary (thread-safe)
//   resume() / step()             continue, or execute exactly one instruction and stop
//   set_start_halted(true)        stop before the first instruction (before simulation start)
//   halted(), stop_reason()       state; stopped_event() fires and on_stop is called each time
//                                 the core stops (Halt, Step, Breakpoint). While halted the core
//                                 waits on an event: simulated time does not advance on its
//                                 account.
#pragma once

#include <cstdint>
#include <functional>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "common/config.h"
#include "common/trace.h"
#include "host/rv32_hart.h"

namespace pumavp::host {

enum class StopReason { None, Halt, Step, Breakpoint, Exit, NoProgress };

class Rv32Core : public sc_core::sc_module, private HartEnv, private RetireObserver {
 public:
  tlm_utils::simple_initiator_socket<Rv32Core> socket;

  SC_HAS_PROCESS(Rv32Core);
  Rv32Core(sc_core::sc_module_name name, const HostConfig& cfg);

  Rv32Hart& hart() { return hart_; }
  // The side-effect-free memory range (DRAM): decoded-instruction cache, DMI, no sync.
  void set_memory_range(uint32_t base, uint32_t size);
  // Reset the hart to `pc` (e.g. the ELF entry); call before or between simulation runs.
  void reset(uint32_t pc);
  // mtime source for the time/timeh CSRs (the CLINT's mtime_at).
  std::function<uint64_t(const sc_core::sc_time&)> mtime_source;

  // Interrupt line input (kIrqMsi / kIrqMti / kIrqMei); wakes WFI.
  void set_irq(unsigned bit, bool level);
  // Stop executing for good (the test finisher fired): the thread ends after this instruction.
  void request_exit() { hart_.request_exit(); }
  // The hart can make no progress (trap storm, Rv32Hart::no_progress()): the core's thread
  // has ended and sc_pause() was called; the trap that repeats forever.
  bool no_progress() const { return stop_reason_ == StopReason::NoProgress; }
  const Rv32Hart::NoProgressInfo& no_progress_info() const { return hart_.no_progress(); }

  // Observability: itrace lines per retired instruction (unit = `path`), timeline track
  // "host/<name>" with "run" and "wfi" spans; VCD "<path>.pc" and "<path>.mip" (interrupt
  // lines). Call before the simulation starts.
  void attach_trace(const trace::Sinks& sinks, const std::string& path);
  void add_vcd(sc_core::sc_trace_file* tf, const std::string& path);
  // Closes the open "run" span at the end of the simulation.
  void finish_trace();

  // Simulated time including the core's local (not yet synchronised) offset.
  sc_core::sc_time local_time_stamp() const;
  sc_core::sc_time cycle_time() const { return period_; }
  uint64_t instret() const { return hart_.instret(); }
  uint64_t dmi_grants() const { return dmi_grants_; }
  // Absolute simulated time the core must not run past without synchronising (the end of
  // the current run); default: none.
  void set_horizon(const sc_core::sc_time& t) { horizon_ = t; }
  static constexpr uint64_t kMaxBatch = 1u << 20;  // instructions per batch at most

  // ---- debug API (see the header comment) ----
  uint32_t reg(unsigned i) const { return i == 32 ? hart_.pc() : hart_.reg(i); }
  void set_reg(unsigned i, uint32_t v);
  bool read_csr(uint32_t n, uint32_t& v) { return hart_.read_csr(n, v); }
  bool write_csr(uint32_t n, uint32_t v) { return hart_.write_csr(n, v); }
  // Returns the number of bytes transferred (0 on an unmapped address).
  unsigned debug_read(uint64_t addr, uint8_t* buf, unsigned len);
  unsigned debug_write(uint64_t addr, const uint8_t* buf, unsigned len);
  void set_breakpoint(uint32_t addr) { hart_.set_breakpoint(addr); }
  void clear_breakpoint(uint32_t addr) { hart_.clear_breakpoint(addr); }
  void set_ebreak_halts(bool on) { hart_.set_ebreak_halts(on); }
  void halt();
  void resume();
  void step();
  void set_start_halted(bool on) { start_halted_ = on; }
  bool halted() const { return halted_; }
  // True while the core's thread waits inside a b_transport (a device that has not answered
  // yet, e.g. a not-yet-valid accelerator window word); its address.
  bool in_bus_access() const { return in_access_; }
  uint32_t bus_access_addr() const { return access_addr_; }
  bool in_wfi() const { return hart_.in_wfi(); }
  StopReason stop_reason() const { return stop_reason_; }
  const sc_core::sc_event& stopped_event() const { return stopped_ev_; }
  std::function<void(StopReason)> on_stop;
  // Called from the core's thread every `poll_batches` batches while running (e.g. to poll a
  // debugger connection for an interrupt request and call halt()).
  std::function<void()> on_poll;
  unsigned poll_batches = 64;

 private:
  void thread();
  uint64_t batch_budget() const;
  bool must_sync() const;
  void acquire_dmi();
  void invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end);
  void stop_and_wait(StopReason why);
  sc_core::sc_time batch_offset() const;
  void flush_batch();
  void add_latency(const sc_core::sc_time& t);
  bool transport(tlm::tlm_command cmd, uint32_t addr, unsigned size, uint8_t* data);
  bool in_memory(uint32_t a) const { return a - mem_base_ < mem_size_; }

  // HartEnv
  bool load(uint32_t addr, unsigned size, uint32_t& value) override;
  bool store(uint32_t addr, unsigned size, uint32_t value) override;
  bool fetch16(uint32_t addr, uint16_t& parcel) override;
  uint64_t mtime() override;
  // RetireObserver
  void retired(uint32_t pc, const DecodedInsn& d, uint64_t slot) override;
  void trace_phase(const char* name, const sc_core::sc_time& from, const sc_core::sc_time& to);

  trace::Timeline* tl_ = nullptr;
  trace::InstrTrace* it_ = nullptr;
  trace::Track track_;
  std::string unit_;
  sc_core::sc_time run_since_;

  const HostConfig cfg_;
  Rv32Hart hart_;
  tlm_utils::tlm_quantumkeeper qk_;
  sc_core::sc_time period_;
  uint64_t batch_start_ = 0;
  uint32_t mem_base_ = 0, mem_size_ = 0;
  bool dmi_valid_ = false;
  uint64_t dmi_grants_ = 0;
  tlm::tlm_generic_payload payload_;

  sc_core::sc_event wake_ev_, resume_ev_, stopped_ev_;
  bool halted_ = false;
  bool start_halted_ = false;
  bool step_pending_ = false;
  bool running_ = false;
  bool in_access_ = false;
  uint32_t access_addr_ = 0;
  StopReason stop_reason_ = StopReason::None;
  unsigned poll_count_ = 0;
  sc_core::sc_time horizon_ = sc_core::sc_max_time();
};

}  // namespace pumavp::host
