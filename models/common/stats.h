// pumavp::Stats — one registry of counters and energy events shared by every model.
//
// Models look up their counters and energy ledgers once, at construction, and keep the
// returned references; the hot path is a plain integer/double add (no lookup, no string).
//
//   Stats stats;
//   uint64_t& mvms = stats.counter("node.tile0.core1.mvm");
//   EnergyLedger& e = stats.ledger("node.tile0.core1");
//   ++mvms; e.add(Component::Adc, 24.72e3);
//
// References stay valid for the lifetime of the Stats object (node-based containers).
// `to_json()` gives the machine-readable report (schema in README.md).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace pumavp {

// Energy components of the run report (architecture.md §5), plus control (instruction
// fetch/decode of cores and tile units) and host-side ones.
enum class Component : unsigned {
  Crossbar,   // analog crossbar array and its periphery (incl. programming)
  Dac,
  Adc,
  ShiftAdd,
  Vfu,
  Sfu,
  Rf,         // register file and XbarIn/XbarOut registers
  Edram,      // tile shared memory
  Noc,        // network and receive buffers
  Dma,
  Control,    // instruction memory + control pipeline (core and tile units)
  kCount
};
constexpr unsigned kNumComponents = static_cast<unsigned>(Component::kCount);
const char* component_name(Component c);

struct EnergyLedger {
  std::array<double, kNumComponents> pj{};
  void add(Component c, double v) { pj[static_cast<unsigned>(c)] += v; }
  double get(Component c) const { return pj[static_cast<unsigned>(c)]; }
  double total() const;
};

class Stats {
 public:
  // A named 64-bit counter ("node.tile3.core2.mvm"); created at 0 on first use.
  uint64_t& counter(const std::string& name) { return counters_[name]; }
  // A named floating-point value (gauges, derived figures: "host.mips").
  double& value(const std::string& name) { return values_[name]; }
  // The energy ledger of one module ("node.tile3.core2").
  EnergyLedger& ledger(const std::string& module) { return ledgers_[module]; }

  uint64_t counter_value(const std::string& name) const;
  // Sum over every counter whose name ends with "." + leaf (or equals leaf).
  uint64_t sum_counters(const std::string& leaf) const;
  // Energy summed over all modules (per component) and in total, pJ.
  EnergyLedger total_energy() const;
  // Energy summed over modules whose name starts with prefix.
  EnergyLedger energy_under(const std::string& prefix) const;

  const std::map<std::string, uint64_t>& counters() const { return counters_; }
  const std::map<std::string, double>& values() const { return values_; }
  const std::map<std::string, EnergyLedger>& ledgers() const { return ledgers_; }

  void reset();
  nlohmann::json to_json() const;

 private:
  std::map<std::string, uint64_t> counters_;
  std::map<std::string, double> values_;
  std::map<std::string, EnergyLedger> ledgers_;
};

}  // namespace pumavp
