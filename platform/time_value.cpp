#include "time_value.h"

#include <cctype>

#include "common/config.h"

namespace pumavp {

sc_core::sc_time parse_time_value(const std::string& s, const std::string& option) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  const std::string num = s.substr(0, i), unit = s.substr(i);
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(num, &used);
    if (used != num.size()) throw std::invalid_argument(s);
  } catch (const std::exception&) {
    throw ConfigError(option + ": cannot parse '" + s + "' (expected e.g. 10ms, 2s, 500us, 100ns)");
  }
  if (!(v > 0)) throw ConfigError(option + ": '" + s + "' must be a positive time");
  if (unit == "s") return sc_core::sc_time(v, sc_core::SC_SEC);
  if (unit == "ms") return sc_core::sc_time(v, sc_core::SC_MS);
  if (unit == "us") return sc_core::sc_time(v, sc_core::SC_US);
  if (unit == "ns") return sc_core::sc_time(v, sc_core::SC_NS);
  throw ConfigError(option + ": unknown or missing unit in '" + s + "' (use s, ms, us or ns)");
}

}  // namespace pumavp
