#include "core/core_exec.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "xbar/sfu.h"
#include "xbar/vfu.h"

namespace pumavp::core {

using isa::AluOp;
using isa::ErrorCode;
using isa::Opcode;

CoreStats::CoreStats(Stats& s, const std::string& p)
    : energy(s.ledger(p)),
      instructions(s.counter(p + ".instructions")),
      mvm(s.counter(p + ".mvm")),
      cycles_busy(s.counter(p + ".cycles_busy")),
      stall_cycles(s.counter(p + ".stall_cycles")),
      mem_words(s.counter(p + ".mem_words")) {
  for (unsigned op = 0; op < 64; ++op) {
    const char* n = isa::opcode_name(static_cast<Opcode>(op));
    per_opcode[op] = (n && op < 0x20) ? &s.counter(p + ".instr_" + n) : nullptr;
  }
}

CoreExec::CoreExec(const PlatformConfig& cfg, unsigned tile, unsigned core, Stats& stats,
                   const std::string& prefix, std::shared_ptr<const xbar::LutSet> luts)
    : cfg_(cfg),
      geo_(isa::geometry_from_config(cfg)),
      tile_(tile),
      core_(core),
      X_(cfg.xbar.size),
      M_(cfg.core.num_mvmu),
      K_(cfg.slots_per_mvmu()),
      f_(cfg.numerics.frac_bits),
      luts_(luts ? std::move(luts)
                 : std::make_shared<const xbar::LutSet>(cfg.numerics.frac_bits,
                                                        cfg.numerics.lut_bits)),
      a_(cfg.operand_space(), 0),
      tmp1_(cfg.xbar.size),
      st_(stats, prefix) {
  mvmu_.reserve(M_);
  const xbar::XbarParams xp = xbar::xbar_params(cfg);
  for (unsigned m = 0; m < M_; ++m) mvmu_.emplace_back(xp);
  const EnergyConfig& e = cfg.e;
  e_fetch_ = e.core_fetch;
  e_rf_ = e.rf;
  e_vfu_ = e.vfu;
  e_sfu_ = e.sfu;
  e_copy_ = e.copy;
  e_mem_ = e.mem_word;
  // MVM energy split per selected MVMU (isa.md §8.2).
  const double T = cfg.xbar.steps(), S = cfg.xbar.slices(), X = X_, ae = cfg.profile.adc_bits;
  const double r = X / 128.0;
  e_mvm_xbar_ = T * S * e.mvm_xbar * r * r;
  e_mvm_adc_ = T * S * X * e.mvm_adc * ae;
  e_mvm_sna_ = T * X * (S + 1) * e.mvm_sna;
  e_mvm_rf_ = T * X * e.mvm_out + T * e.mvm_in;
  e_mvm_dac_ = T * X * e.mvm_dac;
  c_mvm_ = cfg.mvm_cycles();
}

bool CoreExec::load_program(const std::vector<uint64_t>& words, std::string* why) {
  if (words.size() > cfg_.core.imem_words) {
    if (why)
      *why = "core program of " + std::to_string(words.size()) +
             " instructions exceeds core.imem_words = " + std::to_string(cfg_.core.imem_words);
    return false;
  }
  prog_.clear();
  prog_.reserve(words.size());
  for (uint64_t w : words) {
    Slot s;
    s.word = w;
    auto d = isa::decode_core(w, geo_);
    s.ok = d.ok();
    s.in = d.instr;
    s.err = d.error.code;
    s.why = d.error.message;
    prog_.push_back(std::move(s));
  }
  return true;
}

void CoreExec::clear_program() { prog_.clear(); }

bool CoreExec::program_weights(unsigned m, unsigned rows, unsigned cols, const int16_t* w) {
  if (m >= M_ || rows > X_ || cols > X_) return false;
  mvmu_[m].clear();
  if (rows && cols) mvmu_[m].program(w, rows, cols);
  return true;
}

void CoreExec::clear_weights() {
  for (auto& m : mvmu_) m.clear();
}

int16_t CoreExec::weight(unsigned m, unsigned row, unsigned col) const {
  return mvmu_.at(m).weight(row, col);
}

void CoreExec::reset_run() {
  std::fill(a_.begin(), a_.end(), 0);
  pc_ = 0;
  flags_ = xbar::Flags{};
  rng_.reset(cfg_.numerics.rng_seed, tile_ * cfg_.tile.cores + core_);
}

std::string CoreExec::disasm_at(uint32_t pc) const {
  if (pc >= prog_.size()) return "<pc out of range>";
  const Slot& s = prog_[pc];
  if (!s.ok) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ".word 0x%016llx", static_cast<unsigned long long>(s.word));
    return buf;
  }
  return isa::disassemble(s.in, geo_);
}

StepResult CoreExec::error(ErrorCode code, std::string msg) {
  StepResult r;
  r.kind = StepKind::Error;
  r.error = code;
  r.message = std::move(msg);
  return r;
}

uint64_t CoreExec::exec_alu(const isa::CoreInstr& in, bool imm) {
  const unsigned n = in.vec;
  const auto op = static_cast<xbar::VfuOp>(in.op);
  int16_t* A = a_.data();
  // Snapshot semantics (all sources read before any destination word) are handled by
  // xbar::vfu_apply / vfu_apply_imm.
  xbar::VfuContext ctx;
  ctx.frac_bits = f_;
  ctx.luts = luts_.get();
  ctx.rng = &rng_;
  ctx.flags = &flags_;
  unsigned reads;
  if (imm) {
    xbar::vfu_apply_imm(op, A + in.src1, static_cast<int16_t>(in.imm), A + in.dest, n, ctx);
    reads = 1;
  } else {
    const unsigned arity = xbar::vfu_arity(op);
    xbar::vfu_apply(op, A + in.src1, arity == 2 ? A + in.src2 : nullptr, in.src3, A + in.dest, n,
                    ctx);
    reads = op == xbar::VfuOp::Subs ? 1 : arity;
  }
  st_.energy.add(Component::Vfu, n * e_vfu_);
  st_.energy.add(Component::Rf, n * (reads + 1) * e_rf_);
  const unsigned lanes = std::max(1u, cfg_.core.vfu_lanes);
  return uint64_t{(n + lanes - 1) / lanes} * cfg_.lat.vfu;
}

void CoreExec::exec_mvm(uint8_t mask, unsigned filter, unsigned stride) {
  int16_t* A = a_.data();
  const unsigned n_in = M_ * K_ * X_;
  for (unsigned m = 0; m < M_; ++m) {
    if (!(mask >> m & 1)) continue;
    int16_t* x = A + size_t{m} * K_ * X_;
    int16_t* y = A + n_in + size_t{m} * K_ * X_;
    mvmu_[m].mvm(x, y, flags_);
    ++st_.mvm;
    st_.energy.add(Component::Crossbar, e_mvm_xbar_);
    st_.energy.add(Component::Adc, e_mvm_adc_);
    st_.energy.add(Component::ShiftAdd, e_mvm_sna_);
    st_.energy.add(Component::Rf, e_mvm_rf_);
    st_.energy.add(Component::Dac, e_mvm_dac_);
    if (filter > 0) {  // input shuffling (isa.md §4.3)
      int16_t* old = tmp1_.data();
      std::memcpy(old, x, X_ * sizeof(int16_t));
      for (unsigned p = 0; p < X_; ++p) {
        const unsigned j = p % filter;
        x[p] = (j + stride < filter && p + stride < X_) ? old[p + stride] : 0;
      }
    }
  }
}

StepResult CoreExec::step() {
  if (pc_ >= prog_.size())
    return error(ErrorCode::AddressRange,
                 "PC " + std::to_string(pc_) + " out of range: end of program (" +
                     std::to_string(prog_.size()) + " instructions) reached without halt");
  const Slot& s = prog_[pc_];
  if (!s.ok) return error(s.err, "illegal instruction: " + s.why);
  const isa::CoreInstr& in = s.in;
  ++st_.instructions;
  if (uint64_t* c = st_.per_opcode[static_cast<unsigned>(in.opcode)]) ++*c;
  st_.energy.add(Component::Control, e_fetch_);
  StepResult r;
  int16_t* A = a_.data();
  const xbar::Flags flags_before = flags_;
  const uint32_t pc_before = pc_;
  switch (in.opcode) {
    case Opcode::Nop:
      r.cycles = cfg_.lat.nop;
      ++pc_;
      break;
    case Opcode::Halt:
      r.cycles = cfg_.lat.nop;
      r.kind = StepKind::Halt;
      break;
    case Opcode::Set:
      std::fill(A + in.dest, A + in.dest + in.vec, static_cast<int16_t>(in.imm));
      st_.energy.add(Component::Rf, in.vec * e_rf_);
      r.cycles = in.vec;  // one RF write per cycle (isa.md §8.1: n)
      ++pc_;
      break;
    case Opcode::Copy:
      std::memmove(A + in.dest, A + in.src1, in.vec * sizeof(int16_t));
      st_.energy.add(Component::Rf, in.vec * e_copy_);
      r.cycles = (in.vec + X_ - 1) / X_;  // ceil(n/X) (isa.md §8.1)
      ++pc_;
      break;
    case Opcode::Alu:
    case Opcode::Alui:
      r.cycles = exec_alu(in, in.opcode == Opcode::Alui);
      ++pc_;
      break;
    case Opcode::AluInt:
      A[in.dest] = xbar::sfu_apply(static_cast<xbar::SfuOp>(in.op), A[in.src1], A[in.src2], flags_);
      st_.energy.add(Component::Sfu, e_sfu_);
      st_.energy.add(Component::Rf, 3 * e_rf_);
      r.cycles = cfg_.lat.sfu;
      ++pc_;
      break;
    case Opcode::Jmp:
      r.cycles = cfg_.lat.sfu + cfg_.lat.taken;
      pc_ = in.target;
      break;
    case Opcode::Brn: {
      const int16_t a = A[in.src1], b = A[in.src2];
      bool t = false;
      switch (in.brn_op()) {
        case isa::BrnOp::Eq: t = a == b; break;
        case isa::BrnOp::Neq: t = a != b; break;
        case isa::BrnOp::Lt: t = a < b; break;
        case isa::BrnOp::Le: t = a <= b; break;
        case isa::BrnOp::Gt: t = a > b; break;
        case isa::BrnOp::Ge: t = a >= b; break;
      }
      st_.energy.add(Component::Sfu, e_sfu_);
      st_.energy.add(Component::Rf, 2 * e_rf_);
      r.cycles = cfg_.lat.sfu + (t ? cfg_.lat.taken : 0);
      pc_ = t ? in.target : pc_ + 1;
      break;
    }
    case Opcode::Load:
    case Opcode::Store: {
      const bool store = in.opcode == Opcode::Store;
      const uint16_t areg = store ? in.dest : in.src1;
      mem_.store = store;
      mem_.base = static_cast<uint16_t>(A[areg]);
      mem_.width = in.width;
      mem_.vec = in.vec;
      mem_.operand = store ? in.src1 : in.dest;
      mem_.count = store ? in.count : 1;
      const uint64_t end = uint64_t{mem_.base} + uint64_t{in.width} * in.vec;
      if (end > cfg_.tile.shared_mem_words())
        return error(ErrorCode::AddressRange,
                     std::string(store ? "store" : "load") + " of words " +
                         std::to_string(mem_.base) + ".." + std::to_string(end - 1) +
                         " beyond shared memory (" +
                         std::to_string(cfg_.tile.shared_mem_words()) + " words)");
      r.kind = StepKind::Memory;
      r.cycles = cfg_.lat.nop;  // the "+1" of isa.md §8.1 (address read / register write)
      return r;
    }
    case Opcode::Mvm:
      exec_mvm(in.mask, in.filter, in.stride);
      r.cycles = c_mvm_;
      ++pc_;
      break;
    case Opcode::Mcu: {
      uint8_t mask = 0;
      for (unsigned m = 0; m < isa::kMaxMcus; ++m) {
        if (in.mcu[m] & ~isa::kMcuMvm)
          return error(ErrorCode::IllegalInstr, "mcu with MTVM/OPA: PANTHER is not modelled");
        if (in.mcu[m] & isa::kMcuMvm) mask |= static_cast<uint8_t>(1u << m);
      }
      exec_mvm(mask, 0, 0);
      r.cycles = c_mvm_;
      ++pc_;
      break;
    }
    case Opcode::Crs:
      return error(ErrorCode::IllegalInstr, "crs: PANTHER is not modelled");
    default:
      return error(ErrorCode::IllegalInstr, "illegal opcode in a core program");
  }
  const bool new_dz = flags_.dz && !flags_before.dz;
  const bool new_dom = flags_.dom && !flags_before.dom;
  if ((new_dz && cfg_.numerics.fatal_dz) || (new_dom && cfg_.numerics.fatal_dom)) {
    pc_ = pc_before;  // report the faulting instruction
    if (new_dz && cfg_.numerics.fatal_dz)
      return error(ErrorCode::Arithmetic, "fatal flag DZ raised");
    return error(ErrorCode::Arithmetic, "fatal flag DOM raised");
  }
  return r;
}

void CoreExec::finish_mem() {
  const unsigned words = mem_.width * mem_.vec;
  st_.mem_words += words;
  st_.energy.add(Component::Rf, e_rf_);
  st_.energy.add(Component::Edram, words * e_mem_);
  ++pc_;
}

}  // namespace pumavp::core
