#include "core/core_exec.h"

#include <algorithm>
#include <cstring>

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
                   const std::string& prefix, std::shared_ptr<LutSet> luts)
    : cfg_(cfg),
      geo_(isa::geometry_from_config(cfg)),
      tile_(tile),
      core_(core),
      X_(cfg.xbar.size),
      M_(cfg.core.num_mvmu),
      K_(cfg.slots_per_mvmu()),
      f_(cfg.numerics.frac_bits),
      luts_(luts ? std::move(luts)
                 : std::make_shared<LutSet>(cfg.numerics.frac_bits, cfg.numerics.lut_bits)),
      a_(cfg.operand_space(), 0),
      tmp1_(1024 * 16),
      tmp2_(1024 * 16),
      st_(stats, prefix) {
  mvmu_.reserve(M_);
  for (unsigned m = 0; m < M_; ++m) mvmu_.emplace_back(cfg);
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
  for (unsigned i = 0; i < rows; ++i)
    for (unsigned j = 0; j < cols; ++j) mvmu_[m].set_weight(i, j, w[size_t{i} * cols + j]);
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
  flags_ = 0;
  rng_ = rng_seed(cfg_.numerics.rng_seed, tile_ * cfg_.tile.cores + core_);
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
  const unsigned op = in.op;
  int16_t* A = a_.data();
  const int16_t* src_a = A + in.src1;
  const int16_t* src_b = A + in.src2;
  // Snapshot semantics: sources are copied before any destination word is written.
  int16_t* a = tmp1_.data();
  int16_t* b = tmp2_.data();
  unsigned reads = 0;
  if (op == static_cast<unsigned>(AluOp::Subs)) {
    for (unsigned i = 0; i < n; ++i) a[i] = src_a[size_t{i} * in.src3];
    std::memcpy(A + in.dest, a, n * sizeof(int16_t));
    reads = 1;
  } else {
    const int arity = imm ? 2 : isa::alu_arity(op);
    if (arity >= 1) std::memcpy(a, src_a, n * sizeof(int16_t));
    if (imm)
      std::fill(b, b + n, static_cast<int16_t>(in.imm));
    else if (arity == 2)
      std::memcpy(b, src_b, n * sizeof(int16_t));
    VfuContext ctx{f_, luts_.get(), &rng_, 0};
    vfu_apply(op, a, b, in.src3, A + in.dest, n, ctx);
    flags_ |= ctx.flags;
    reads = imm ? 1 : static_cast<unsigned>(arity);
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
    if (mvmu_[m].mvm(x, y)) flags_ |= kFlagSat;
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
  const uint8_t flags_before = flags_;
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
      A[in.dest] = sfu_apply(in.op, A[in.src1], A[in.src2], flags_);
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
  const uint8_t raised = flags_ & ~flags_before;
  if (raised && (cfg_.numerics.fatal_dz || cfg_.numerics.fatal_dom)) {
    pc_ = pc_before;  // report the faulting instruction
    if ((raised & kFlagDz) && cfg_.numerics.fatal_dz)
      return error(ErrorCode::Arithmetic, "fatal flag DZ raised");
    if ((raised & kFlagDom) && cfg_.numerics.fatal_dom)
      return error(ErrorCode::Arithmetic, "fatal flag DOM raised");
    pc_ = pc_before + 1;  // only non-fatal flags: the instruction was not a branch
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
