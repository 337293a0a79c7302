#include "host/rv32_hart.h"

#include <cstring>

namespace pumavp::host {
namespace {
constexpr uint32_t kMstatusMie = 1u << 3;
constexpr uint32_t kMstatusMpie = 1u << 7;
constexpr uint32_t kMstatusMpp = 3u << 11;
constexpr uint32_t kMieMask = (1u << kIrqMsi) | (1u << kIrqMti) | (1u << kIrqMei);
}  // namespace

std::string cause_name(uint32_t mcause) {
  if (mcause & kInterruptFlag) {
    switch (mcause & ~kInterruptFlag) {
      case kIrqMsi: return "machine software interrupt";
      case kIrqMti: return "machine timer interrupt";
      case kIrqMei: return "machine external interrupt";
    }
    return "interrupt " + std::to_string(mcause & ~kInterruptFlag);
  }
  switch (mcause) {
    case kCauseMisalignedFetch: return "instruction address misaligned";
    case kCauseFetchFault: return "instruction access fault";
    case kCauseIllegal: return "illegal instruction";
    case kCauseBreakpoint: return "breakpoint";
    case kCauseMisalignedLoad: return "load address misaligned";
    case kCauseLoadFault: return "load access fault";
    case kCauseMisalignedStore: return "store/AMO address misaligned";
    case kCauseStoreFault: return "store/AMO access fault";
    case kCauseEcallM: return "environment call from M-mode";
  }
  return "cause " + std::to_string(mcause);
}

Rv32Hart::Rv32Hart(HartEnv& env) : env_(env) {}

void Rv32Hart::set_code_region(uint32_t base, uint32_t size) {
  code_base_ = base;
  code_size_ = size;
  pages_.clear();
  pages_.resize((static_cast<uint64_t>(size) + (1u << kPageBits) - 1) >> kPageBits);
}

void Rv32Hart::set_fast_region(uint32_t base, uint32_t size, uint8_t* host_ptr) {
  fast_base_ = base;
  fast_size_ = host_ptr ? size : 0;
  fast_ptr_ = host_ptr;
}

void Rv32Hart::reset(uint32_t pc) {
  std::memset(x_, 0, sizeof x_);
  pc_ = pc;
  mstatus_ = mie_ = mtvec_ = mscratch_ = mepc_ = mcause_ = mtval_ = 0;
  mip_ &= kMieMask;  // lines keep their level
  wfi_ = false;
  resv_valid_ = false;
  step_over_ = false;
  last_trap_valid_ = false;
  invalidate_decode_cache();
  poke();
}

void Rv32Hart::set_irq_line(unsigned bit, bool level) {
  const uint32_t m = 1u << bit;
  mip_ = level ? (mip_ | m) : (mip_ & ~m);
  poke();
}

void Rv32Hart::set_breakpoint(uint32_t addr) {
  breakpoints_.insert(addr);
  invalidate_decode(addr, 2);
}

void Rv32Hart::clear_breakpoint(uint32_t addr) {
  breakpoints_.erase(addr);
  invalidate_decode(addr, 2);
}

void Rv32Hart::invalidate_decode(uint32_t addr, uint32_t len) {
  // A slot starting up to 2 bytes before addr may hold a 32-bit instruction covering it.
  const uint64_t start = (addr & ~1u) >= 2 ? (addr & ~1u) - 2 : 0;
  const uint64_t end = static_cast<uint64_t>(addr) + len;
  for (uint64_t i = start; i < end; i += 2) {
    const uint32_t off = static_cast<uint32_t>(i) - code_base_;
    if (off >= code_size_) continue;
    Page* p = pages_[off >> kPageBits].get();
    if (p) p->slot[(off & ((1u << kPageBits) - 1)) >> 1].op = Op::kUndecoded;
  }
  scratch_.op = Op::kUndecoded;
}

void Rv32Hart::invalidate_decode_cache() {
  for (auto& p : pages_) p.reset();
}

DecodedInsn Rv32Hart::decode_at(uint32_t pc, uint32_t bits) const {
  DecodedInsn d = decode_rv32(bits);
  if (!breakpoints_.empty() && breakpoints_.count(pc)) d.op = Op::kBreakpoint;
  return d;
}

const DecodedInsn* Rv32Hart::fetch_decoded() {
  const uint32_t off = pc_ - code_base_;
  const uint32_t foff = pc_ - fast_base_;
  DecodedInsn* slot = &scratch_;
  if (off < code_size_) {
    auto& pg = pages_[off >> kPageBits];
    if (!pg) pg = std::make_unique<Page>();
    slot = &pg->slot[(off & ((1u << kPageBits) - 1)) >> 1];
    if (foff < fast_size_) {
      if (slot->op != Op::kUndecoded) return slot;
      uint16_t lo;
      std::memcpy(&lo, fast_ptr_ + foff, 2);
      uint32_t bits = lo;
      if ((lo & 3) == 3) {
        if (fast_size_ - foff < 4) goto slow;
        uint16_t hi;
        std::memcpy(&hi, fast_ptr_ + foff + 2, 2);
        bits |= static_cast<uint32_t>(hi) << 16;
      }
      *slot = decode_at(pc_, bits);
      return slot;
    }
  }
slow : {
  uint16_t lo, hi = 0;
  if (!env_.fetch16(pc_, lo)) {
    trap(kCauseFetchFault, pc_);
    return nullptr;
  }
  uint32_t bits = lo;
  if ((lo & 3) == 3) {
    if (!env_.fetch16(pc_ + 2, hi)) {
      trap(kCauseFetchFault, pc_ + 2);
      return nullptr;
    }
    bits |= static_cast<uint32_t>(hi) << 16;
  }
  if (slot->op == Op::kUndecoded || slot->raw != bits) *slot = decode_at(pc_, bits);
  return slot;
}
}

void Rv32Hart::trap(uint32_t cause, uint32_t tval) {
  // Retired so far (this instruction, if synchronous, is not counted in slots_ yet).
  const uint64_t retired = slots_ - traps_;
  const uint32_t from = pc_;
  mepc_ = pc_;
  mcause_ = cause;
  mtval_ = tval;
  const uint32_t mie = (mstatus_ & kMstatusMie) ? kMstatusMpie : 0;
  mstatus_ = (mstatus_ & ~(kMstatusMie | kMstatusMpie)) | mie;
  const uint32_t base = mtvec_ & ~3u;
  if (cause & kInterruptFlag) {
    pc_ = (mtvec_ & 1) ? base + 4 * (cause & 0x1f) : base;
  } else {
    pc_ = base;
    ++traps_;  // the trapping instruction occupies a slot but does not retire
    if (last_trap_valid_ && from == last_trap_target_ && retired == last_trap_retired_ && base == from) {
      no_progress_ = {cause, from, tval, mtvec_};
      events_.fetch_or(kEvNoProgress, std::memory_order_relaxed);
    }
  }
  last_trap_valid_ = true;
  last_trap_target_ = pc_;
  last_trap_retired_ = retired;
}

bool Rv32Hart::take_interrupt() {
  if (!(mstatus_ & kMstatusMie)) return false;
  const uint32_t p = mip_ & mie_;
  if (!p) return false;
  unsigned code = kIrqMti;
  if (p & (1u << kIrqMei)) code = kIrqMei;
  else if (p & (1u << kIrqMsi)) code = kIrqMsi;
  step_over_ = false;
  trap(kInterruptFlag | code, 0);
  return true;
}

Rv32Hart::Stop Rv32Hart::run(uint64_t max_cycles) {
  const uint64_t end = slots_ + max_cycles;
  for (;;) {
    const uint32_t ev = events_.load(std::memory_order_relaxed);
    if (ev) {
      if (ev & kEvExit) return Stop::Exit;
      if (ev & kEvHalt) return Stop::Halted;
      if (ev & kEvBreak) {
        events_.fetch_and(~kEvBreak, std::memory_order_relaxed);
        return Stop::Breakpoint;
      }
      if (ev & kEvNoProgress) {
        events_.fetch_and(~kEvNoProgress, std::memory_order_relaxed);
        return Stop::NoProgress;
      }
      events_.fetch_and(~(kEvIrq | kEvWfi), std::memory_order_relaxed);
    }
    if (wfi_) {
      if (!wake_pending()) return Stop::Wfi;
      wfi_ = false;
    }
    take_interrupt();
    if (slots_ >= end) return Stop::Budget;
    if (observer_) {
      // Traced path: an instruction retired when it neither trapped nor was given back
      // (breakpoint), i.e. exactly the instructions minstret counts.
      while (events_.load(std::memory_order_relaxed) == 0 && slots_ < end) {
        const uint32_t pc = pc_;
        const uint64_t slot = slots_, traps = traps_;
        const DecodedInsn* d = fetch_decoded();
        if (d) {
          const DecodedInsn insn = *d;  // execute() may drop the decode page
          execute(insn);
          ++slots_;
          if (traps_ == traps && slots_ == slot + 1) observer_->retired(pc, insn, slot);
        } else {
          ++slots_;
        }
      }
      continue;
    }
    while (events_.load(std::memory_order_relaxed) == 0 && slots_ < end) {
      const DecodedInsn* d = fetch_decoded();
      if (d) execute(*d);
      ++slots_;
    }
  }
}

template <typename T>
bool Rv32Hart::load(uint32_t a, uint32_t& v) {
  if (a & (sizeof(T) - 1)) {
    trap(kCauseMisalignedLoad, a);
    return false;
  }
  const uint32_t off = a - fast_base_;
  if (off < fast_size_ && fast_size_ - off >= sizeof(T)) {
    T t;
    std::memcpy(&t, fast_ptr_ + off, sizeof(T));
    v = static_cast<uint32_t>(static_cast<int32_t>(t));
    return true;
  }
  uint32_t raw;
  if (!env_.load(a, sizeof(T), raw)) {
    trap(kCauseLoadFault, a);
    return false;
  }
  v = static_cast<uint32_t>(static_cast<int32_t>(static_cast<T>(raw)));
  return true;
}

template <typename T>
bool Rv32Hart::store(uint32_t a, uint32_t v) {
  if (a & (sizeof(T) - 1)) {
    trap(kCauseMisalignedStore, a);
    return false;
  }
  const uint32_t off = a - fast_base_;
  const T t = static_cast<T>(v);
  if (off < fast_size_ && fast_size_ - off >= sizeof(T)) {
    std::memcpy(fast_ptr_ + off, &t, sizeof(T));
  } else if (!env_.store(a, sizeof(T), static_cast<uint32_t>(t))) {
    trap(kCauseStoreFault, a);
    return false;
  }
  store_invalidate(a, sizeof(T));
  return true;
}

bool Rv32Hart::amo(const DecodedInsn& d) {
  const uint32_t a = x_[d.rs1];
  if (a & 3) {
    trap(d.op == Op::kLr ? kCauseMisalignedLoad : kCauseMisalignedStore, a);
    return false;
  }
  const uint32_t off = a - fast_base_;
  const bool fast = off < fast_size_ && fast_size_ - off >= 4;
  auto rd32 = [&](uint32_t& v) {
    if (fast) {
      std::memcpy(&v, fast_ptr_ + off, 4);
      return true;
    }
    return env_.load(a, 4, v);
  };
  auto wr32 = [&](uint32_t v) {
    if (fast) {
      std::memcpy(fast_ptr_ + off, &v, 4);
      store_invalidate(a, 4);
      return true;
    }
    const bool ok = env_.store(a, 4, v);
    if (ok) store_invalidate(a, 4);
    return ok;
  };
  uint32_t old = 0;
  if (d.op == Op::kLr) {
    if (!rd32(old)) {
      trap(kCauseLoadFault, a);
      return false;
    }
    resv_valid_ = true;
    resv_addr_ = a;
    x_[d.rd] = old;
    return true;
  }
  if (d.op == Op::kSc) {
    const bool ok = resv_valid_ && resv_addr_ == a;
    resv_valid_ = false;
    if (ok && !wr32(x_[d.rs2])) {
      trap(kCauseStoreFault, a);
      return false;
    }
    x_[d.rd] = ok ? 0 : 1;
    return true;
  }
  if (!rd32(old)) {
    trap(kCauseStoreFault, a);
    return false;
  }
  const uint32_t s = x_[d.rs2];
  uint32_t n = 0;
  switch (d.op) {
    case Op::kAmoswap: n = s; break;
    case Op::kAmoadd: n = old + s; break;
    case Op::kAmoxor: n = old ^ s; break;
    case Op::kAmoand: n = old & s; break;
    case Op::kAmoor: n = old | s; break;
    case Op::kAmomin: n = static_cast<int32_t>(old) < static_cast<int32_t>(s) ? old : s; break;
    case Op::kAmomax: n = static_cast<int32_t>(old) > static_cast<int32_t>(s) ? old : s; break;
    case Op::kAmominu: n = old < s ? old : s; break;
    case Op::kAmomaxu: n = old > s ? old : s; break;
    default: break;
  }
  if (!wr32(n)) {
    trap(kCauseStoreFault, a);
    return false;
  }
  x_[d.rd] = old;
  return true;
}

bool Rv32Hart::read_csr(uint32_t n, uint32_t& v) {
  const uint64_t cyc = cycles(), ins = instret();
  switch (n) {
    case csr::kMstatus: v = mstatus_ | kMstatusMpp; return true;
    case csr::kMisa: v = kMisaValue; return true;
    case csr::kMie: v = mie_; return true;
    case csr::kMtvec: v = mtvec_; return true;
    case csr::kMstatush: v = 0; return true;
    case csr::kMcountinhibit: v = 0; return true;  // counters always count (WARL zero)
    case csr::kMscratch: v = mscratch_; return true;
    case csr::kMepc: v = mepc_; return true;
    case csr::kMcause: v = mcause_; return true;
    case csr::kMtval: v = mtval_; return true;
    case csr::kMip: v = mip_; return true;
    case csr::kMcycle: case csr::kCycle: v = static_cast<uint32_t>(cyc); return true;
    case csr::kMcycleh: case csr::kCycleh: v = static_cast<uint32_t>(cyc >> 32); return true;
    case csr::kMinstret: case csr::kInstret: v = static_cast<uint32_t>(ins); return true;
    case csr::kMinstreth: case csr::kInstreth: v = static_cast<uint32_t>(ins >> 32); return true;
    case csr::kTime: v = static_cast<uint32_t>(env_.mtime()); return true;
    case csr::kTimeh: v = static_cast<uint32_t>(env_.mtime() >> 32); return true;
    case csr::kMvendorid: case csr::kMarchid: case csr::kMimpid: case csr::kMhartid:
    case 0xF15:  // mconfigptr
      v = 0;
      return true;
  }
  // Read-as-zero, write-ignored: PMP (no entries), HPM counters/events (not implemented).
  if ((n >= 0x3A0 && n <= 0x3A3) || (n >= 0x3B0 && n <= 0x3BF) || (n >= 0x323 && n <= 0x33F) ||
      (n >= 0xB03 && n <= 0xB1F) || (n >= 0xB83 && n <= 0xB9F) || (n >= 0xC03 && n <= 0xC1F) ||
      (n >= 0xC83 && n <= 0xC9F)) {
    v = 0;
    return true;
  }
  return false;
}

bool Rv32Hart::write_csr(uint32_t n, uint32_t v) {
  switch (n) {
    case csr::kMstatus:
      mstatus_ = v & (kMstatusMie | kMstatusMpie);
      poke();
      return true;
    case csr::kMisa: case csr::kMstatush: return true;  // WARL, fixed
    case csr::kMie:
      mie_ = v & kMieMask;
      poke();
      return true;
    case csr::kMtvec: mtvec_ = (v & 3) >= 2 ? (v & ~3u) : v; return true;
    case csr::kMscratch: mscratch_ = v; return true;
    case csr::kMepc: mepc_ = v & ~1u; return true;
    case csr::kMcause: mcause_ = v; return true;
    case csr::kMtval: mtval_ = v; return true;
    case csr::kMip: return true;  // MSIP/MTIP/MEIP are read-only in machine-only harts
    case csr::kMcycle: {
      const uint64_t cur = cycles();
      cycle_adj_ += ((cur & ~0xffffffffull) | v) - cur;
      return true;
    }
    case csr::kMcycleh: {
      const uint64_t cur = cycles();
      cycle_adj_ += ((static_cast<uint64_t>(v) << 32) | (cur & 0xffffffffull)) - cur;
      return true;
    }
    case csr::kMinstret: {
      const uint64_t cur = instret();
      instret_adj_ += ((cur & ~0xffffffffull) | v) - cur;
      return true;
    }
    case csr::kMinstreth: {
      const uint64_t cur = instret();
      instret_adj_ += ((static_cast<uint64_t>(v) << 32) | (cur & 0xffffffffull)) - cur;
      return true;
    }
  }
  uint32_t dummy;
  if (((n >> 10) & 3) != 3 && read_csr(n, dummy)) return true;  // RAZ/WI group
  return false;
}

bool Rv32Hart::csr_op(const DecodedInsn& d) {
  const uint32_t n = static_cast<uint32_t>(d.imm) & 0xfff;
  const bool imm = d.op == Op::kCsrrwi || d.op == Op::kCsrrsi || d.op == Op::kCsrrci;
  const bool is_rw = d.op == Op::kCsrrw || d.op == Op::kCsrrwi;
  const uint32_t src = imm ? d.rs1 : x_[d.rs1];
  const bool write = is_rw || d.rs1 != 0;
  uint32_t old = 0;
  if (!read_csr(n, old) || (write && ((n >> 10) & 3) == 3)) {
    trap(kCauseIllegal, d.raw);
    return false;
  }
  if (write) {
    uint32_t nv = src;
    if (d.op == Op::kCsrrs || d.op == Op::kCsrrsi) nv = old | src;
    else if (d.op == Op::kCsrrc || d.op == Op::kCsrrci) nv = old & ~src;
    // The counters see this instruction retire after the write: compensate by one.
    write_csr(n, nv);
    if (n == csr::kMinstret || n == csr::kMinstreth) instret_adj_ -= 1;
    if (n == csr::kMcycle || n == csr::kMcycleh) cycle_adj_ -= 1;
  }
  x_[d.rd] = old;
  return true;
}

void Rv32Hart::execute(const DecodedInsn& d) {
  uint32_t* const x = x_;
  const uint32_t a = x[d.rs1], b = x[d.rs2];
  const uint32_t imm = static_cast<uint32_t>(d.imm);
  switch (d.op) {
    case Op::kUndecoded:
    case Op::kIllegal: trap(kCauseIllegal, d.raw); return;
    case Op::kBreakpoint:
      if (step_over_) {
        step_over_ = false;
        const DecodedInsn real = decode_rv32(d.raw);
        execute(real);
        return;
      }
      --slots_;  // not executed; the loop counts it
      events_.fetch_or(kEvBreak, std::memory_order_relaxed);
      return;
    case Op::kLui: x[d.rd] = imm; break;
    case Op::kAuipc: x[d.rd] = pc_ + imm; break;
    case Op::kJal:
      x[d.rd] = pc_ + d.len;
      pc_ += imm;
      return;
    case Op::kJalr: {
      const uint32_t t = (a + imm) & ~1u;
      x[d.rd] = pc_ + d.len;
      pc_ = t;
      return;
    }
    case Op::kBeq: pc_ += (a == b) ? imm : d.len; return;
    case Op::kBne: pc_ += (a != b) ? imm : d.len; return;
    case Op::kBlt: pc_ += (static_cast<int32_t>(a) < static_cast<int32_t>(b)) ? imm : d.len; return;
    case Op::kBge: pc_ += (static_cast<int32_t>(a) >= static_cast<int32_t>(b)) ? imm : d.len; return;
    case Op::kBltu: pc_ += (a < b) ? imm : d.len; return;
    case Op::kBgeu: pc_ += (a >= b) ? imm : d.len; return;
    case Op::kLb: { uint32_t v; if (!load<int8_t>(a + imm, v)) return; x[d.rd] = v; break; }
    case Op::kLh: { uint32_t v; if (!load<int16_t>(a + imm, v)) return; x[d.rd] = v; break; }
    case Op::kLw: { uint32_t v; if (!load<int32_t>(a + imm, v)) return; x[d.rd] = v; break; }
    case Op::kLbu: { uint32_t v; if (!load<uint8_t>(a + imm, v)) return; x[d.rd] = v; break; }
    case Op::kLhu: { uint32_t v; if (!load<uint16_t>(a + imm, v)) return; x[d.rd] = v; break; }
    case Op::kSb: if (!store<uint8_t>(a + imm, b)) return; break;
    case Op::kSh: if (!store<uint16_t>(a + imm, b)) return; break;
    case Op::kSw: if (!store<uint32_t>(a + imm, b)) return; break;
    case Op::kAddi: x[d.rd] = a + imm; break;
    case Op::kSlti: x[d.rd] = static_cast<int32_t>(a) < d.imm; break;
    case Op::kSltiu: x[d.rd] = a < imm; break;
    case Op::kXori: x[d.rd] = a ^ imm; break;
    case Op::kOri: x[d.rd] = a | imm; break;
    case Op::kAndi: x[d.rd] = a & imm; break;
    case Op::kSlli: x[d.rd] = a << (imm & 31); break;
    case Op::kSrli: x[d.rd] = a >> (imm & 31); break;
    case Op::kSrai: x[d.rd] = static_cast<uint32_t>(static_cast<int32_t>(a) >> (imm & 31)); break;
    case Op::kAdd: x[d.rd] = a + b; break;
    case Op::kSub: x[d.rd] = a - b; break;
    case Op::kSll: x[d.rd] = a << (b & 31); break;
    case Op::kSlt: x[d.rd] = static_cast<int32_t>(a) < static_cast<int32_t>(b); break;
    case Op::kSltu: x[d.rd] = a < b; break;
    case Op::kXor: x[d.rd] = a ^ b; break;
    case Op::kSrl: x[d.rd] = a >> (b & 31); break;
    case Op::kSra: x[d.rd] = static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)); break;
    case Op::kOr: x[d.rd] = a | b; break;
    case Op::kAnd: x[d.rd] = a & b; break;
    case Op::kMul: x[d.rd] = a * b; break;
    case Op::kMulh:
      x[d.rd] = static_cast<uint32_t>(
          (static_cast<int64_t>(static_cast<int32_t>(a)) * static_cast<int64_t>(static_cast<int32_t>(b))) >> 32);
      break;
    case Op::kMulhsu:
      x[d.rd] = static_cast<uint32_t>(
          static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)) * static_cast<int64_t>(b)) >> 32);
      break;
    case Op::kMulhu:
      x[d.rd] = static_cast<uint32_t>((static_cast<uint64_t>(a) * b) >> 32);
      break;
    case Op::kDiv:
      if (b == 0) x[d.rd] = 0xffffffffu;
      else if (a == 0x80000000u && b == 0xffffffffu) x[d.rd] = a;
      else x[d.rd] = static_cast<uint32_t>(static_cast<int32_t>(a) / static_cast<int32_t>(b));
      break;
    case Op::kDivu: x[d.rd] = b == 0 ? 0xffffffffu : a / b; break;
    case Op::kRem:
      if (b == 0) x[d.rd] = a;
      else if (a == 0x80000000u && b == 0xffffffffu) x[d.rd] = 0;
      else x[d.rd] = static_cast<uint32_t>(static_cast<int32_t>(a) % static_cast<int32_t>(b));
      break;
    case Op::kRemu: x[d.rd] = b == 0 ? a : a % b; break;
    case Op::kFence: break;
    case Op::kFenceI:
      pc_ += d.len;  // before the cache (holding `d`) is dropped
      invalidate_decode_cache();
      poke();  // the cache just freed the slot this instruction lives in
      return;
    case Op::kEcall: trap(kCauseEcallM, 0); return;
    case Op::kEbreak:
      if (ebreak_halts_) {
        --slots_;
        events_.fetch_or(kEvBreak, std::memory_order_relaxed);
        return;
      }
      trap(kCauseBreakpoint, pc_);
      return;
    case Op::kMret: {
      const uint32_t mpie = (mstatus_ & kMstatusMpie) ? kMstatusMie : 0;
      mstatus_ = (mstatus_ & ~kMstatusMie) | mpie | kMstatusMpie;
      pc_ = mepc_;
      poke();
      return;
    }
    case Op::kWfi:
      pc_ += d.len;
      wfi_ = true;
      events_.fetch_or(kEvWfi, std::memory_order_relaxed);
      return;
    case Op::kCsrrw: case Op::kCsrrs: case Op::kCsrrc:
    case Op::kCsrrwi: case Op::kCsrrsi: case Op::kCsrrci:
      if (!csr_op(d)) return;
      break;
    case Op::kLr: case Op::kSc: case Op::kAmoswap: case Op::kAmoadd: case Op::kAmoxor:
    case Op::kAmoand: case Op::kAmoor: case Op::kAmomin: case Op::kAmomax: case Op::kAmominu:
    case Op::kAmomaxu:
      if (!amo(d)) return;
      break;
  }
  pc_ += d.len;
}

}  // namespace pumavp::host
