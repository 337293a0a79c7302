#include "xbar/fixed_point.h"

#include <stdexcept>

namespace pumavp::xbar {

int64_t rne_q(int64_t n, int64_t m) {
  if (m == 0) throw std::logic_error("rne_q: division by zero");
  const uint64_t an = n < 0 ? uint64_t(0) - uint64_t(n) : uint64_t(n);
  const uint64_t am = m < 0 ? uint64_t(0) - uint64_t(m) : uint64_t(m);
  uint64_t q = an / am;
  const uint64_t r = an % am;
  if (2 * r > am || (2 * r == am && (q & 1))) ++q;
  const bool neg = (n < 0) != (m < 0);
  return neg ? -static_cast<int64_t>(q) : static_cast<int64_t>(q);
}

}  // namespace pumavp::xbar
