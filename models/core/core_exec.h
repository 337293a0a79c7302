// pumavp::core::CoreExec — the pure-C++ execution engine of one accelerator core
// (isa.md §3, §4, §8): operand space (XbarIn / XbarOut / RF), MVMUs, VFU, SFU, LUTs, RNG,
// flags, PC, instruction memory, per-instruction latency, energy and counters.
//
// The SystemC `Core` (core/core.h) drives it: `step()` executes the instruction at the PC
// and returns what the shell must do next. Loads and stores are split: `step()` validates
// them and returns StepKind::Memory with `mem_op()`; the shell performs the `vec` accesses
// through its TLM socket (reading/writing operand words via `operands()`) and calls
// `finish_mem()`. Everything else completes inside `step()`.
//
// Errors at run time (isa.md §11): illegal instruction word reached (5), PC out of range or
// load/store beyond shared memory (6), fatal flag (11). Static checks happen in the node's
// loader; words that fail them still load here and fault when reached.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/stats.h"
#include "fabric/program_memory.h"
#include "xbar/array.h"
#include "xbar/fixed_point.h"
#include "xbar/lut.h"
#include "xbar/rng.h"
#include "xbar/xbar_config.h"
#include "isa/encoding.h"
#include "common/geometry.h"
#include "common/mvm_cost.h"
#include "isa/instr.h"

namespace pumavp::core {

enum Flag : uint8_t { kFlagSat = 1, kFlagDz = 2, kFlagDom = 4 };

enum class StepKind : uint8_t { Continue, Memory, Halt, Error };

struct StepResult {
  StepKind kind = StepKind::Continue;
  uint64_t cycles = 0;  // execute latency (Memory: the fixed part, accesses excluded)
  isa::ErrorCode error = isa::ErrorCode::None;
  std::string message;  // only for errors
};

// A pending load/store (isa.md §4.3): `vec` accesses of `width` words at base + v*width.
struct MemOp {
  bool store = false;
  uint32_t base = 0;      // shared-memory word address
  unsigned width = 1;
  unsigned vec = 1;
  uint32_t operand = 0;   // load: destination, store: source operand address
  uint16_t count = 1;     // store consumer count
};

// Energy/counter handles, looked up once at construction.
struct CoreStats {
  explicit CoreStats(Stats& s, const std::string& prefix);
  EnergyLedger& energy;
  uint64_t& instructions;
  uint64_t& mvm;            // MVMU operations (one per selected MVMU)
  uint64_t& cycles_busy;    // execute cycles (incl. memory waits)
  uint64_t& stall_cycles;   // cycles waiting on ports / attributes beyond lat.mem_access
  uint64_t& mem_words;      // words loaded + stored
  uint64_t& flag_sat;       // runs that ended with SAT / DZ / DOM raised (isa.md §2.7)
  uint64_t& flag_dz;
  uint64_t& flag_dom;
  // Array events (xbar::ArrayEvents), added at the end of each run: ADC conversions and
  // conversions clamped at full scale (sliced model), output words clamped by sat16, and
  // PANTHER weight clamps (OPA and CRS).
  uint64_t& adc_conversions;
  uint64_t& adc_clipped;
  uint64_t& out_saturations;
  uint64_t& weight_clamps;
  // Analog model only (xbar.model: analog; null otherwise, so other configs report the
  // same keys as before): clamps at 0, stuck cells of the built arrays, and the ideal
  // shadow path's outputs compared, sum of squared errors, largest error, RMSE (LSB).
  uint64_t* analog_adc_clipped_low = nullptr;
  uint64_t* analog_stuck_cells = nullptr;
  uint64_t* analog_shadow_outputs = nullptr;
  uint64_t* analog_err_sq = nullptr;
  uint64_t* analog_err_max = nullptr;
  double* analog_rmse = nullptr;
  uint64_t* per_opcode[64];  // instr_<mnemonic>
};

class CoreExec {
 public:
  // `luts` may be shared between cores (same f and L); built if null.
  CoreExec(const PlatformConfig& cfg, unsigned tile, unsigned core, Stats& stats,
           const std::string& stats_prefix, std::shared_ptr<const xbar::LutSet> luts = nullptr);

  const Geometry& geometry() const { return geo_; }
  unsigned tile() const { return tile_; }
  unsigned core() const { return core_; }

  // --- loading (kernel loader) ---
  // Program of this core; decodes every word (undecodable ones fault when reached).
  // Returns false (and sets *why) only if the program is larger than core.imem_words.
  bool load_program(const std::vector<uint64_t>& words, std::string* why = nullptr);
  void clear_program();
  bool has_program() const { return !prog_.empty(); }
  size_t program_size() const { return prog_.size(); }
  // Weights of MVMU m: rows x cols int16 row-major (row = input); the rest is 0.
  // Returns false if m/rows/cols are out of range.
  bool program_weights(unsigned m, unsigned rows, unsigned cols, const int16_t* w);
  // PANTHER: int32 weights (fw = 2f). False (and *why) if out of range or not PANTHER.
  bool program_weights32(unsigned m, unsigned rows, unsigned cols, const int32_t* w,
                         std::string* why = nullptr);
  bool panther() const { return panther_; }
  void clear_weights();
  int64_t weight(unsigned m, unsigned row, unsigned col) const;

  // --- running ---
  // Kernel start (isa.md §3.3): operand space and PC 0, flags clear, RNG = s0.
  void reset_run();
  StepResult step();
  const MemOp& mem_op() const { return mem_; }
  // After all accesses of the MemOp: advance the PC and account energy.
  void finish_mem();
  // End of this core's run (halt or error): record the sticky flags in the stats.
  void finish_run();

  uint32_t pc() const { return pc_; }
  uint64_t word_at(uint32_t pc) const { return prog_.word_at(pc); }
  std::string disasm_at(uint32_t pc) const { return prog_.disasm_at(pc); }
  // Base mnemonic ("mvm", "alu", "load", ...) and instruction class ("mvm", "vfu", "sfu",
  // "mem", "control") at pc, for traces.
  const char* mnemonic_at(uint32_t pc) const { return prog_.mnemonic_at(pc); }
  const char* class_at(uint32_t pc) const { return prog_.class_at(pc); }
  const fabric::ProgramMemory<isa::CoreInstr>& program() const { return prog_; }
  const uint32_t& pc_ref() const { return pc_; }
  uint8_t flags() const {
    return static_cast<uint8_t>((flags_.sat ? kFlagSat : 0) | (flags_.dz ? kFlagDz : 0) |
                                (flags_.dom ? kFlagDom : 0));
  }
  uint32_t rng_state() const { return rng_.state(); }

  int16_t* operands() { return a_.data(); }
  const std::vector<int16_t>& operand_space() const { return a_; }
  CoreStats& stats() { return st_; }

 private:
  StepResult error(isa::ErrorCode code, std::string msg);
  uint64_t exec_alu(const isa::CoreInstr& in, bool imm);
  void exec_mvm(uint8_t mask, unsigned filter, unsigned stride);
  void charge_mvm(unsigned ops);
  StepResult exec_mcu(const isa::CoreInstr& in);
  uint64_t commit_panther();  // at halt: cycles of the commit (MCUs in parallel)
  void charge_crs(unsigned mcus);
  // Seed of MVMU m's analog streams: numerics.rng_seed and (tile, core, m).
  uint64_t analog_seed(unsigned m) const;

  const PlatformConfig& cfg_;
  Geometry geo_;
  unsigned tile_, core_;
  unsigned X_, M_, f_;
  std::shared_ptr<const xbar::LutSet> luts_;
  fabric::ProgramMemory<isa::CoreInstr> prog_;
  bool panther_;
  // One array per MVMU (xbar::make_array: an Mcu with PANTHER, else a Crossbar), created on
  // first use (programming or first product) so that a large node whose cores hold no
  // weights builds fast and small; clear_weights() frees them.
  xbar::XbarParams xp_;
  std::vector<std::unique_ptr<xbar::MvmArray>> arrays_;
  xbar::MvmArray& array(unsigned m) {
    if (!arrays_[m]) {
      xbar::XbarParams p = xp_;
      p.analog_seed = analog_seed(m);
      arrays_[m] = xbar::make_array(p);
    }
    return *arrays_[m];
  }
  std::vector<int16_t> a_;
  std::vector<int16_t> tmp1_;
  uint32_t pc_ = 0;
  xbar::Flags flags_;
  xbar::Rng rng_;
  MemOp mem_;
  CoreStats st_;
  // Pre-computed per-instruction constants.
  double e_fetch_, e_rf_, e_vfu_, e_sfu_, e_copy_, e_mem_;
  MvmCost mvm_;  // one MVM on one MVMU: cycles and energy split
  uint64_t c_mvm_, c_opa_, c_rd_, c_wr_;
};

}  // namespace pumavp::core
