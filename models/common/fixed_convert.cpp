#include "common/fixed_convert.h"

#include <cfenv>
#include <cmath>

namespace pumavp {

double rne_real(double x) {
  // std::nearbyint honours the current rounding mode; the platform never changes it, but
  // be explicit so a caller's fesetround cannot change a literal or a LUT entry.
  const int old = std::fegetround();
  if (old != FE_TONEAREST) std::fesetround(FE_TONEAREST);
  const double r = std::nearbyint(x);
  if (old != FE_TONEAREST) std::fesetround(old);
  return r;
}

FixedValue to_fixed(double v, unsigned frac_bits, int64_t lo, int64_t hi,
                    FixedOverflow overflow) {
  FixedValue q;
  // Scaling by a power of two is exact (or overflows to ±inf), so only rne_real rounds.
  const double sc = rne_real(std::ldexp(v, static_cast<int>(frac_bits)));
  if (std::isnan(sc)) return q;
  if (sc >= static_cast<double>(lo) && sc <= static_cast<double>(hi)) {
    q.raw = static_cast<int64_t>(sc);
    q.ok = true;
    return q;
  }
  if (overflow == FixedOverflow::Reject) return q;
  q.raw = sc > 0 ? hi : lo;
  q.ok = true;
  q.saturated = true;
  return q;
}

}  // namespace pumavp
