// pumavp::mvm_cost — THE latency and energy of one MVM (or MTVM) on one MVMU/MCU
// (isa.md §8.1, §8.2). The core model charges it, `pumavp info` reports it; nothing else
// evaluates the formula.
//
//   t_mvm  = (T + 2) * X * ns.step_per_row, rounded up to cycles of clock_mhz
//   E_mvm  = T*S*e.mvm_xbar*(X/128)^2 + T*S*X*e.mvm_adc*a_e + T*X*(S+1)*e.mvm_sna
//          + T*X*e.mvm_out + T*e.mvm_in + T*X*e.mvm_dac
// with T = Geometry::steps(), S = Geometry::slices (PUMA: ceil(16/b); PANTHER: N, the ADC
// term per slice), X = xbar size, a_e = profile.adc_bits.
//
// Usage:
//   const Geometry g = geometry_from_config(cfg);
//   const MvmCost m = mvm_cost(g, cfg);   // m.cycles, m.total_pj(), m.adc_pj, ...
#pragma once

#include <cstdint>

#include "common/config.h"
#include "common/geometry.h"

namespace pumavp {

struct MvmCost {
  uint64_t cycles = 0;  // t_mvm in accelerator cycles
  // Energy split per ledger component, pJ.
  double xbar_pj = 0;   // crossbar and analog periphery (Component::Crossbar)
  double adc_pj = 0;    // ADC conversions (Component::Adc)
  double sna_pj = 0;    // shift-and-add (Component::ShiftAdd)
  double rf_pj = 0;     // XbarOut writes + XbarIn reads (Component::Rf)
  double dac_pj = 0;    // DAC (Component::Dac)
  double total_pj() const { return xbar_pj + adc_pj + sna_pj + rf_pj + dac_pj; }
};

MvmCost mvm_cost(const Geometry& g, const PlatformConfig& cfg);

}  // namespace pumavp
