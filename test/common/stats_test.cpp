#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/stats.h"

using namespace pumavp;

TEST(Stats, CountersAreStableReferences) {
  Stats s;
  uint64_t& a = s.counter("node.tile0.core0.mvm");
  for (int i = 0; i < 100; ++i) s.counter("filler" + std::to_string(i));  // must not move `a`
  a += 3;
  s.counter("node.tile1.core2.mvm") += 4;
  s.counter("node.tile1.core2.mvmx") += 100;  // different leaf
  EXPECT_EQ(s.counter_value("node.tile0.core0.mvm"), 3u);
  EXPECT_EQ(s.sum_counters("mvm"), 7u);
  EXPECT_EQ(s.counter_value("absent"), 0u);
}

TEST(Stats, EnergyAggregatesByComponentAndPrefix) {
  Stats s;
  s.ledger("node.tile0.core0").add(Component::Adc, 10.0);
  s.ledger("node.tile0.core1").add(Component::Adc, 5.0);
  s.ledger("node.tile1.core0").add(Component::Crossbar, 2.5);
  s.ledger("host.dma").add(Component::Dma, 1.0);
  EnergyLedger all = s.total_energy();
  EXPECT_DOUBLE_EQ(all.get(Component::Adc), 15.0);
  EXPECT_DOUBLE_EQ(all.total(), 18.5);
  EXPECT_DOUBLE_EQ(s.energy_under("node.tile0").total(), 15.0);
  EXPECT_DOUBLE_EQ(s.energy_under("node.").total(), 17.5);
  nlohmann::json j = s.to_json();
  EXPECT_DOUBLE_EQ(j["energy_pj"]["adc"].get<double>(), 15.0);
  EXPECT_DOUBLE_EQ(j["energy_pj"]["total"].get<double>(), 18.5);
  EXPECT_DOUBLE_EQ(j["energy_by_module_pj"]["host.dma"]["dma"].get<double>(), 1.0);
  s.reset();
  EXPECT_DOUBLE_EQ(s.total_energy().total(), 0.0);
}
