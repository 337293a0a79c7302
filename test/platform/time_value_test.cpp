// The one command-line time parser (--max-time of run and exec).
#include <gtest/gtest.h>

#include "common/config.h"
#include "time_value.h"

using namespace pumavp;
using sc_core::sc_time;

TEST(TimeValue, UnitsAndFractions) {
  EXPECT_EQ(parse_time_value("2s", "--max-time"), sc_time(2, sc_core::SC_SEC));
  EXPECT_EQ(parse_time_value("10ms", "--max-time"), sc_time(10, sc_core::SC_MS));
  EXPECT_EQ(parse_time_value("1.5us", "--max-time"), sc_time(1500, sc_core::SC_NS));
  EXPECT_EQ(parse_time_value("50us", "--max-time"), sc_time(50, sc_core::SC_US));
  EXPECT_EQ(parse_time_value("500ns", "--max-time"), sc_time(500, sc_core::SC_NS));
}

TEST(TimeValue, BadValuesNameTheOption) {
  for (const char* bad : {"", "10", "ms", "10 ms", "1e3us", "-5ms", "0s", "1.2.3s", "5min", "10MS"}) {
    try {
      parse_time_value(bad, "--max-time");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("--max-time"), std::string::npos) << e.what();
    }
  }
}
