#include "core/core_exec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>

#include "xbar/analog.h"
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
      mem_words(s.counter(p + ".mem_words")),
      flag_sat(s.counter(p + ".flag_sat")),
      flag_dz(s.counter(p + ".flag_dz")),
      flag_dom(s.counter(p + ".flag_dom")),
      adc_conversions(s.counter(p + ".adc_conversions")),
      adc_clipped(s.counter(p + ".adc_clipped")),
      out_saturations(s.counter(p + ".out_saturations")),
      weight_clamps(s.counter(p + ".weight_clamps")) {
  for (unsigned op = 0; op < 64; ++op) {
    const char* n = isa::opcode_name(static_cast<Opcode>(op));
    per_opcode[op] = (n && op < 0x20) ? &s.counter(p + ".instr_" + n) : nullptr;
  }
}

CoreExec::CoreExec(const PlatformConfig& cfg, unsigned tile, unsigned core, Stats& stats,
                   const std::string& prefix, std::shared_ptr<const xbar::LutSet> luts)
    : cfg_(cfg),
      geo_(geometry_from_config(cfg)),
      tile_(tile),
      core_(core),
      X_(cfg.xbar.size),
      M_(cfg.core.num_mvmu),
      f_(cfg.numerics.frac_bits),
      luts_(luts ? std::move(luts)
                 : std::make_shared<const xbar::LutSet>(cfg.numerics.frac_bits,
                                                        cfg.numerics.lut_bits)),
      prog_(geo_),
      a_(geo_.operand_space(), 0),
      tmp1_(cfg.xbar.size),
      st_(stats, prefix) {
  panther_ = cfg.panther.enabled;
  xp_ = xbar::xbar_params(geo_, cfg);
  xbar::validate(xp_);  // fail at construction, not at the first product
  if (cfg.xbar.model == XbarModel::Analog) {
    st_.analog_adc_clipped_low = &stats.counter(prefix + ".analog_adc_clipped_low");
    st_.analog_stuck_cells = &stats.counter(prefix + ".analog_stuck_cells");
    if (cfg.analog.shadow) {
      st_.analog_shadow_outputs = &stats.counter(prefix + ".analog_shadow_outputs");
      st_.analog_err_sq = &stats.counter(prefix + ".analog_err_sq_lsb2");
      st_.analog_err_max = &stats.counter(prefix + ".analog_err_max_lsb");
      st_.analog_rmse = &stats.value(prefix + ".analog_rmse_lsb");
    }
  }
  arrays_.resize(M_);
  const EnergyConfig& e = cfg.e;
  e_fetch_ = e.core_fetch;
  e_rf_ = e.rf;
  e_vfu_ = e.vfu;
  e_sfu_ = e.sfu;
  e_copy_ = e.copy;
  e_mem_ = e.mem_word;
  mvm_ = mvm_cost(geo_, cfg);  // MVM latency and energy split per selected MVMU (isa.md §8)
  c_mvm_ = mvm_.cycles;
  c_opa_ = cfg.ns_to_cycles(cfg.ns.opa);
  c_rd_ = cfg.ns_to_cycles(cfg.ns.xbar_rd);
  c_wr_ = cfg.ns_to_cycles(cfg.ns.xbar_wr);
}

bool CoreExec::load_program(const std::vector<uint64_t>& words, std::string* why) {
  return prog_.load(words, cfg_.core.imem_words, why);
}

void CoreExec::clear_program() { prog_.clear(); }

bool CoreExec::program_weights(unsigned m, unsigned rows, unsigned cols, const int16_t* w) {
  if (m >= M_ || rows > X_ || cols > X_) return false;
  array(m).clear();
  try {
    if (rows && cols) array(m).write_weights(w, rows, cols);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

bool CoreExec::program_weights32(unsigned m, unsigned rows, unsigned cols, const int32_t* w,
                                 std::string* why) {
  if (!panther_ || m >= M_ || rows > X_ || cols > X_) {
    if (why) *why = "bad PANTHER weight block";
    return false;
  }
  array(m).clear();
  try {
    if (rows && cols) array(m).write_weights32(w, rows, cols);
  } catch (const std::exception& e) {
    if (why) *why = e.what();
    return false;
  }
  return true;
}

void CoreExec::clear_weights() {
  for (auto& a : arrays_) a.reset();
}

int64_t CoreExec::weight(unsigned m, unsigned row, unsigned col) const {
  return arrays_.at(m) ? arrays_[m]->weight_at(row, col) : 0;
}

void CoreExec::reset_run() {
  std::fill(a_.begin(), a_.end(), 0);
  pc_ = 0;
  flags_ = xbar::Flags{};
  for (auto& a : arrays_)  // no PANTHER update pending (isa.md §3.3)
    if (a) a->discard_pending();
  rng_.reset(cfg_.numerics.rng_seed, tile_ * cfg_.tile.cores + core_);
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
  for (unsigned m = 0; m < M_; ++m) {
    if (!(mask >> m & 1)) continue;
    int16_t* x = A + geo_.xbar_in_addr(m, 0, 0);
    int16_t* y = A + geo_.xbar_out_addr(m, 0, 0);
    array(m).mvm(x, y, flags_);
    charge_mvm(1);
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

void CoreExec::charge_mvm(unsigned ops) {
  st_.mvm += ops;
  st_.energy.add(Component::Crossbar, ops * mvm_.xbar_pj);
  st_.energy.add(Component::Adc, ops * mvm_.adc_pj);
  st_.energy.add(Component::ShiftAdd, ops * mvm_.sna_pj);
  st_.energy.add(Component::Rf, ops * mvm_.rf_pj);
  st_.energy.add(Component::Dac, ops * mvm_.dac_pj);
}

void CoreExec::charge_crs(unsigned mcus) {
  // N slice crossbars read once and written c times (c = 1, 2, 3 copies for variants 1-3).
  const double c = cfg_.panther.variant;
  st_.energy.add(Component::Crossbar,
                 mcus * geo_.slices * (cfg_.e.xbar_rd + c * cfg_.e.xbar_wr));
}

// PANTHER `mcu` (isa.md §7.3, §8.1, §8.2). Without PANTHER only MVM bits are legal.
StepResult CoreExec::exec_mcu(const isa::CoreInstr& in) {
  StepResult r;
  int16_t* A = a_.data();
  uint64_t cycles = 0;
  for (unsigned m = 0; m < M_ && m < isa::kMaxMcus; ++m) {
    const uint8_t fl = in.mcu[m];
    if (!fl) continue;
    if (!panther_) {
      if (fl & ~isa::kMcuMvm)
        return error(ErrorCode::IllegalInstr, "mcu with MTVM/OPA requires PANTHER");
      exec_mvm(static_cast<uint8_t>(1u << m), 0, 0);
      cycles = std::max(cycles, c_mvm_);
      continue;
    }
    auto in_slot = [&](unsigned k) { return A + geo_.xbar_in_addr(m, k, 0); };
    auto out_slot = [&](unsigned k) { return A + geo_.xbar_out_addr(m, k, 0); };
    uint64_t t = 0;
    if (fl & isa::kMcuMvm) {
      array(m).mvm(in_slot(0), out_slot(0), flags_);
      charge_mvm(1);
      t = c_mvm_;
    }
    if (fl & isa::kMcuMtvm) {
      array(m).mtvm(in_slot(1), out_slot(1), flags_);
      charge_mvm(1);
      // Variant 1 serialises MVM and MTVM on one crossbar copy.
      t = (cfg_.panther.variant == 1 && (fl & isa::kMcuMvm)) ? 2 * c_mvm_ : c_mvm_;
    }
    if (fl & isa::kMcuOpa) {
      array(m).opa(in_slot(2), out_slot(2));
      if (cfg_.panther.variant == 3) {
        t = std::max(t, c_opa_);  // applied eagerly to the third copy, concurrently
        st_.energy.add(Component::Crossbar, cfg_.e.opa);
      } else {
        st_.energy.add(Component::Edram, 2.0 * X_ * cfg_.e.mem_word);  // operands saved
      }
    }
    cycles = std::max(cycles, t);
  }
  r.cycles = cycles;
  ++pc_;
  return r;
}

uint64_t CoreExec::commit_panther() {
  uint64_t cycles = 0;
  for (auto& mp : arrays_) {
    if (!mp) continue;
    const size_t pairs = mp->pending();
    const auto res = mp->commit();
    uint64_t t = 0;
    if (res.pairs > 0) {
      if (cfg_.panther.variant == 3) {
        t = c_rd_ + c_wr_;  // copy the updated third crossbar to the other two
        st_.energy.add(Component::Crossbar,
                       geo_.slices * (cfg_.e.xbar_rd + 2 * cfg_.e.xbar_wr));
      } else {
        t = pairs * c_opa_;  // replay the saved operands
        st_.energy.add(Component::Edram, pairs * 2.0 * X_ * cfg_.e.mem_word);
        st_.energy.add(Component::Crossbar, pairs * cfg_.e.opa);
      }
    }
    if (res.crs) {
      t += c_rd_ + c_wr_;
      charge_crs(1);
    }
    cycles = std::max(cycles, t);
  }
  return cycles;
}

StepResult CoreExec::step() {
  const auto* s = prog_.fetch(pc_);
  if (!s)
    return error(ErrorCode::AddressRange,
                 "PC " + std::to_string(pc_) + " out of range: end of program (" +
                     std::to_string(prog_.size()) + " instructions) reached without halt");
  if (!s->ok) return error(s->err, "illegal instruction: " + s->why);
  const isa::CoreInstr& in = s->in;
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
      r.cycles = cfg_.lat.nop + (panther_ ? commit_panther() : 0);
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
      StepResult m = exec_mcu(in);
      if (m.kind == StepKind::Error) return m;
      r.cycles = m.cycles;
      break;
    }
    case Opcode::Crs: {
      if (!panther_) return error(ErrorCode::IllegalInstr, "crs requires PANTHER");
      unsigned n = 0;
      for (unsigned m = 0; m < M_; ++m)
        if (in.mask >> m & 1) {
          array(m).crs();
          ++n;
        }
      charge_crs(n);
      r.cycles = c_rd_ + c_wr_;  // MCUs in parallel
      ++pc_;
      break;
    }
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

void CoreExec::finish_run() {
  st_.flag_sat += flags_.sat;
  st_.flag_dz += flags_.dz;
  st_.flag_dom += flags_.dom;
  xbar::ArrayEvents ev;
  for (auto& a : arrays_)
    if (a) a->finish_run(ev);
  st_.adc_conversions += ev.adc_conversions;
  st_.adc_clipped += ev.adc_clipped;
  st_.out_saturations += ev.out_saturations;
  st_.weight_clamps += ev.weight_clamps;
  if (st_.analog_adc_clipped_low) {
    *st_.analog_adc_clipped_low += ev.adc_clipped_low;
    *st_.analog_stuck_cells = ev.stuck_cells;
  }
  if (st_.analog_shadow_outputs) {
    *st_.analog_shadow_outputs += ev.shadow_outputs;
    *st_.analog_err_sq += ev.shadow_err_sq;
    *st_.analog_err_max = std::max(*st_.analog_err_max, ev.shadow_err_max);
    if (*st_.analog_shadow_outputs)
      *st_.analog_rmse = std::sqrt(double(*st_.analog_err_sq) / double(*st_.analog_shadow_outputs));
  }
}

uint64_t CoreExec::analog_seed(unsigned m) const {
  return xbar::array_seed(cfg_.numerics.rng_seed, tile_, core_, m);
}

void CoreExec::finish_mem() {
  const unsigned words = mem_.width * mem_.vec;
  st_.mem_words += words;
  st_.energy.add(Component::Rf, e_rf_);
  st_.energy.add(Component::Edram, words * e_mem_);
  ++pc_;
}

}  // namespace pumavp::core
