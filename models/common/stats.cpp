#include "common/stats.h"

#include <nlohmann/json.hpp>

namespace pumavp {

const char* component_name(Component c) {
  switch (c) {
    case Component::Crossbar: return "crossbar";
    case Component::Dac: return "dac";
    case Component::Adc: return "adc";
    case Component::ShiftAdd: return "shift_add";
    case Component::Vfu: return "vfu";
    case Component::Sfu: return "sfu";
    case Component::Rf: return "rf";
    case Component::Edram: return "edram";
    case Component::Noc: return "noc";
    case Component::Dma: return "dma";
    case Component::Control: return "control";
    case Component::kCount: break;
  }
  return "?";
}

double EnergyLedger::total() const {
  double t = 0;
  for (double v : pj) t += v;
  return t;
}

uint64_t Stats::counter_value(const std::string& name) const {
  auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second;
}

static bool ends_with_leaf(const std::string& name, const std::string& leaf) {
  if (name == leaf) return true;
  return name.size() > leaf.size() && name.compare(name.size() - leaf.size(), leaf.size(), leaf) == 0 &&
         name[name.size() - leaf.size() - 1] == '.';
}

uint64_t Stats::sum_counters(const std::string& leaf) const {
  uint64_t s = 0;
  for (const auto& [k, v] : counters_)
    if (ends_with_leaf(k, leaf)) s += v;
  return s;
}

EnergyLedger Stats::total_energy() const { return energy_under(""); }

EnergyLedger Stats::energy_under(const std::string& prefix) const {
  EnergyLedger sum;
  for (const auto& [k, l] : ledgers_) {
    if (k.compare(0, prefix.size(), prefix) != 0) continue;
    for (unsigned i = 0; i < kNumComponents; ++i) sum.pj[i] += l.pj[i];
  }
  return sum;
}

void Stats::reset() {
  for (auto& [k, v] : counters_) v = 0;
  for (auto& [k, v] : values_) v = 0;
  for (auto& [k, l] : ledgers_) l.pj.fill(0.0);
}

nlohmann::json Stats::to_json() const {
  nlohmann::json j;
  j["counters"] = nlohmann::json::object();
  for (const auto& [k, v] : counters_) j["counters"][k] = v;
  j["values"] = nlohmann::json::object();
  for (const auto& [k, v] : values_) j["values"][k] = v;
  auto ledger_json = [](const EnergyLedger& l) {
    nlohmann::json e = nlohmann::json::object();
    for (unsigned i = 0; i < kNumComponents; ++i)
      e[component_name(static_cast<Component>(i))] = l.pj[i];
    e["total"] = l.total();
    return e;
  };
  j["energy_pj"] = ledger_json(total_energy());
  j["energy_by_module_pj"] = nlohmann::json::object();
  for (const auto& [k, l] : ledgers_) j["energy_by_module_pj"][k] = ledger_json(l);
  return j;
}

}  // namespace pumavp
