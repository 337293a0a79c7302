#include "xbar/array.h"

#include <stdexcept>

#include "xbar/crossbar.h"
#include "xbar/mcu.h"

namespace pumavp::xbar {

void MvmArray::opa(const int16_t*, const int16_t*) {
  throw std::logic_error("MvmArray::opa: OPA needs a PANTHER array");
}

void MvmArray::crs() { throw std::logic_error("MvmArray::crs: CRS needs a PANTHER array"); }

std::unique_ptr<MvmArray> make_array(const XbarParams& p) {
  if (p.panther) return std::make_unique<Mcu>(p);
  return std::make_unique<Crossbar>(p);
}

}  // namespace pumavp::xbar
