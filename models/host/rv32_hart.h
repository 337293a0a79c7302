// pumavp::host::Rv32Hart — the RV32IMAC + Zicsr + Zifencei instruction-set simulator core,
// machine mode only, in pure C++ (no SystemC). The SystemC shell (rv32_core.h) drives it; unit
// tests drive it directly with a HartEnv over a plain byte array.
//
// Speed: instructions are decoded once into per-4-KiB-page arrays of DecodedInsn (one slot per
// halfword, so compressed and 32-bit instructions share the table), indexed by pc inside the
// "code region" (DRAM). Stores into a page that holds decoded slots invalidate the affected
// slots; fence.i and invalidate_decode_cache() drop everything. Loads, stores and fetches
// inside the "fast region" (a DMI pointer) are plain memcpy; everything else goes through
// HartEnv (b_transport in the SystemC shell).
//
// Traps are precise: a trapping instruction does not retire and writes no register.
// Decisions (docs/decisions-host.md): misaligned loads/stores/AMOs trap (mcause 4/6, mtval =
// address); ebreak sets mtval = pc; illegal instruction sets mtval = the instruction bits (16
// bits for a compressed one); bus errors are access faults (1/5/7, mtval = address).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace pumavp::host {

// The hart's view of the world outside its fast (DMI) region.
class HartEnv {
 public:
  virtual ~HartEnv() = default;
  // size is 1, 2 or 4; the address is naturally aligned. false = access fault.
  virtual bool load(uint32_t addr, unsigned size, uint32_t& value) = 0;
  virtual bool store(uint32_t addr, unsigned size, uint32_t value) = 0;
  // One 16-bit instruction parcel. false = instruction access fault.
  virtual bool fetch16(uint32_t addr, uint16_t& parcel) = 0;
  // CLINT mtime now (for the time/timeh CSRs).
  virtual uint64_t mtime() { return 0; }
};

namespace csr {
enum : uint16_t {
  kMstatus = 0x300, kMisa = 0x301, kMie = 0x304, kMtvec = 0x305, kMstatush = 0x310,
  kMcountinhibit = 0x320, kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343,
  kMip = 0x344, kMcycle = 0xB00, kMinstret = 0xB02, kMcycleh = 0xB80, kMinstreth = 0xB82,
  kCycle = 0xC00, kTime = 0xC01, kInstret = 0xC02, kCycleh = 0xC80, kTimeh = 0xC81,
  kInstreth = 0xC82, kMvendorid = 0xF11, kMarchid = 0xF12, kMimpid = 0xF13, kMhartid = 0xF14,
};
}  // namespace csr

// mcause exception codes and interrupt bits.
enum : uint32_t {
  kCauseMisalignedFetch = 0, kCauseFetchFault = 1, kCauseIllegal = 2, kCauseBreakpoint = 3,
  kCauseMisalignedLoad = 4, kCauseLoadFault = 5, kCauseMisalignedStore = 6,
  kCauseStoreFault = 7, kCauseEcallM = 11,
  kIrqMsi = 3, kIrqMti = 7, kIrqMei = 11,
  kInterruptFlag = 0x80000000u,
  kMisaValue = 0x40001105u,  // MXL=1 (RV32), A, C, I, M
};

// Name of an mcause value ("instruction access fault", "machine timer interrupt", ...;
// "cause N" for one this hart never raises).
std::string cause_name(uint32_t mcause);

enum class Op : uint8_t {
  kUndecoded = 0, kIllegal, kBreakpoint,
  kLui, kAuipc, kJal, kJalr, kBeq, kBne, kBlt, kBge, kBltu, kBgeu,
  kLb, kLh, kLw, kLbu, kLhu, kSb, kSh, kSw,
  kAddi, kSlti, kSltiu, kXori, kOri, kAndi, kSlli, kSrli, kSrai,
  kAdd, kSub, kSll, kSlt, kSltu, kXor, kSrl, kSra, kOr, kAnd,
  kMul, kMulh, kMulhsu, kMulhu, kDiv, kDivu, kRem, kRemu,
  kFence, kFenceI, kEcall, kEbreak, kMret, kWfi,
  kCsrrw, kCsrrs, kCsrrc, kCsrrwi, kCsrrsi, kCsrrci,
  kLr, kSc, kAmoswap, kAmoadd, kAmoxor, kAmoand, kAmoor, kAmomin, kAmomax, kAmominu, kAmomaxu,
};

// One pre-decoded instruction. rd == 32 stands for x0 (writes land in a sink register).
struct DecodedInsn {
  Op op = Op::kUndecoded;
  uint8_t rd = 0, rs1 = 0, rs2 = 0;
  int32_t imm = 0;  // immediate; CSR number for CSR ops
  uint32_t raw = 0;  // instruction bits (low 16 for compressed)
  uint8_t len = 4;   // 2 or 4
};

// Decode one instruction (a compressed one if (bits & 3) != 3; then only the low 16 bits
// matter). Pure function; unit-testable on its own.
DecodedInsn decode_rv32(uint32_t bits);
// Assembly text of a decoded instruction at `pc` (compressed ones as "c." + the expansion).
std::string disasm_rv32(const DecodedInsn& d, uint32_t pc);

// Sees every retired instruction (instruction traces). `slot` is the loop counter value the
// instruction executed in (Rv32Hart::slots() before it), for timing.
class RetireObserver {
 public:
  virtual ~RetireObserver() = default;
  virtual void retired(uint32_t pc, const DecodedInsn& d, uint64_t slot) = 0;
};

class Rv32Hart {
 public:
  // Why run() returned.
  // NoProgress: a trap storm (see no_progress() below); the trap has been taken, the state
  // is the one the hart would repeat forever.
  enum class Stop { Budget, Wfi, Halted, Breakpoint, Exit, NoProgress };

  explicit Rv32Hart(HartEnv& env);

  // Memory layout hints. The code region gets the decoded-instruction cache; the fast region
  // is a host pointer (DMI) for [base, base+size) used for fetch, loads and stores.
  void set_code_region(uint32_t base, uint32_t size);
  void set_fast_region(uint32_t base, uint32_t size, uint8_t* host_ptr);
  void clear_fast_region() { fast_size_ = 0; fast_ptr_ = nullptr; }

  void reset(uint32_t pc);

  // Execute until `max_cycles` more cycles have elapsed (1 per instruction) or an event
  // stops the loop. Interrupts are taken at instruction boundaries.
  Stop run(uint64_t max_cycles);

  // With an observer the loop takes a separate path that reports each retired instruction;
  // without one the fast loop is untouched.
  void set_retire_observer(RetireObserver* o) { observer_ = o; }
  const uint32_t& pc_ref() const { return pc_; }
  const uint32_t& mip_ref() const { return mip_; }

  // Interrupt lines (mip bits kIrqMsi/kIrqMti/kIrqMei). Safe to call from env callbacks.
  void set_irq_line(unsigned bit, bool level);
  // True when an interrupt is pending and enabled in mie (the WFI wake-up condition).
  bool wake_pending() const { return (mip_ & mie_) != 0; }
  bool in_wfi() const { return wfi_; }

  // Run control (the debugger's). request_halt() is thread-safe.
  void request_halt() { events_.fetch_or(kEvHalt, std::memory_order_relaxed); }
  bool halt_requested() const { return events_.load(std::memory_order_relaxed) & kEvHalt; }
  void clear_halt() { events_.fetch_and(~kEvHalt, std::memory_order_relaxed); }
  void request_exit() { events_.fetch_or(kEvExit, std::memory_order_relaxed); }
  // Stop the loop after the current instruction (something outside changed; re-check).
  void poke() { events_.fetch_or(kEvIrq, std::memory_order_relaxed); }
  void set_breakpoint(uint32_t addr);
  void clear_breakpoint(uint32_t addr);
  const std::set<uint32_t>& breakpoints() const { return breakpoints_; }
  // Resume past a breakpoint at the current pc (executes the original instruction once).
  void step_over_breakpoint() { step_over_ = true; }
  // When true, ebreak stops into the debugger (Stop::Breakpoint) instead of trapping.
  void set_ebreak_halts(bool on) { ebreak_halts_ = on; }

  // Trap-storm detection (docs/decisions-host.md): a synchronous exception raised by the
  // instruction at the address the previous trap jumped to, with no instruction retired
  // since, that sends the hart back to that same address. The hart's state can then never
  // change (same registers, MIE = 0 since the first trap), so run() returns
  // Stop::NoProgress right after taking that trap; mcause/mepc/mtval describe it.
  struct NoProgressInfo {
    uint32_t cause = 0, pc = 0, tval = 0, mtvec = 0;
  };
  const NoProgressInfo& no_progress() const { return no_progress_; }

  // Register / CSR access (debugger, tests, ELF entry). CSR access returns false for a CSR
  // that does not exist.
  uint32_t reg(unsigned i) const { return i == 0 ? 0 : x_[i]; }
  void set_reg(unsigned i, uint32_t v) { if (i != 0 && i < 32) x_[i] = v; }
  uint32_t pc() const { return pc_; }
  void set_pc(uint32_t pc) { pc_ = pc; }
  bool read_csr(uint32_t n, uint32_t& v);
  bool write_csr(uint32_t n, uint32_t v);

  // Counters. cycles = executed instruction slots + stall cycles (device latency, WFI sleep).
  uint64_t instret() const { return slots_ - traps_ + instret_adj_; }
  uint64_t cycles() const { return slots_ + stall_ + cycle_adj_; }
  uint64_t slots() const { return slots_; }  // raw loop counter (for the shell's timing)
  void add_stall_cycles(uint64_t n) { stall_ += n; }

  // Drop decoded instructions overlapping [addr, addr+len) (external writes into code).
  void invalidate_decode(uint32_t addr, uint32_t len);
  void invalidate_decode_cache();

 private:
  enum : uint32_t { kEvIrq = 1, kEvHalt = 2, kEvWfi = 4, kEvExit = 8, kEvBreak = 16, kEvNoProgress = 32 };
  static constexpr unsigned kPageBits = 12;
  static constexpr unsigned kSlots = (1u << kPageBits) / 2;
  struct Page {
    DecodedInsn slot[kSlots];
  };

  const DecodedInsn* fetch_decoded();
  void execute(const DecodedInsn& d);
  void trap(uint32_t cause, uint32_t tval);
  bool take_interrupt();
  bool csr_op(const DecodedInsn& d);
  DecodedInsn decode_at(uint32_t pc, uint32_t bits) const;

  template <typename T> bool load(uint32_t a, uint32_t& v);
  template <typename T> bool store(uint32_t a, uint32_t v);
  bool amo(const DecodedInsn& d);
  void store_invalidate(uint32_t a, unsigned size) {
    const uint32_t off = a - code_base_;
    if (off < code_size_ && pages_[off >> kPageBits]) invalidate_decode(a, size);
  }

  HartEnv& env_;
  uint32_t x_[33] = {};
  uint32_t pc_ = 0;

  // CSR state.
  uint32_t mstatus_ = 0;  // MIE (bit 3), MPIE (bit 7); MPP reads as 3
  uint32_t mie_ = 0, mip_ = 0, mtvec_ = 0, mscratch_ = 0, mepc_ = 0, mcause_ = 0, mtval_ = 0;
  uint64_t slots_ = 0, traps_ = 0, stall_ = 0, instret_adj_ = 0, cycle_adj_ = 0;

  bool wfi_ = false;
  // The previous trap: where it sent the hart and the retired count (slots_ - traps_) then.
  bool last_trap_valid_ = false;
  uint32_t last_trap_target_ = 0;
  uint64_t last_trap_retired_ = 0;
  NoProgressInfo no_progress_;
  bool resv_valid_ = false;
  uint32_t resv_addr_ = 0;
  std::atomic<uint32_t> events_{0};

  // Regions.
  uint32_t code_base_ = 0, code_size_ = 0;
  std::vector<std::unique_ptr<Page>> pages_;
  uint32_t fast_base_ = 0, fast_size_ = 0;
  uint8_t* fast_ptr_ = nullptr;
  DecodedInsn scratch_;

  RetireObserver* observer_ = nullptr;
  std::set<uint32_t> breakpoints_;
  bool step_over_ = false;
  bool ebreak_halts_ = false;
};

}  // namespace pumavp::host
