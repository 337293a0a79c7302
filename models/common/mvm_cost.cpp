#include "common/mvm_cost.h"

namespace pumavp {

MvmCost mvm_cost(const Geometry& g, const PlatformConfig& cfg) {
  const EnergyConfig& e = cfg.e;
  const double T = g.steps(), S = g.slices, X = g.xbar_size, ae = cfg.profile.adc_bits;
  const double r = X / 128.0;
  MvmCost m;
  m.cycles = cfg.ns_to_cycles(double(g.steps() + 2) * g.xbar_size * cfg.ns.step_per_row);
  m.xbar_pj = T * S * e.mvm_xbar * r * r;
  m.adc_pj = T * S * X * e.mvm_adc * ae;
  m.sna_pj = T * X * (S + 1) * e.mvm_sna;
  m.rf_pj = T * X * e.mvm_out + T * e.mvm_in;
  m.dac_pj = T * X * e.mvm_dac;
  return m;
}

}  // namespace pumavp
