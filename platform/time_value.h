// pumavp::parse_time_value — the one parser for time values on the command line
// (`--max-time` of `pumavp run` and `pumavp exec`): a positive decimal number followed by a
// unit, "10ms", "2s", "1.5us", "500ns". Throws ConfigError naming the option otherwise.
#pragma once

#include <string>

#include <systemc>

namespace pumavp {

sc_core::sc_time parse_time_value(const std::string& text, const std::string& option);

}  // namespace pumavp
