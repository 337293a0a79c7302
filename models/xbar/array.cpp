#include "xbar/array.h"

#include <stdexcept>
#include <string>

#include "xbar/crossbar.h"
#include "xbar/mcu.h"

namespace pumavp::xbar {

void MvmArray::opa(const int16_t*, const int16_t*) {
  throw std::logic_error("MvmArray::opa: OPA needs a PANTHER array");
}

void MvmArray::crs() { throw std::logic_error("MvmArray::crs: CRS needs a PANTHER array"); }

bool MvmArray::check_block(const char* who, unsigned X, const void* w, unsigned rows,
                           unsigned cols, unsigned row0, unsigned col0) {
  if (std::size_t(row0) + rows > X || std::size_t(col0) + cols > X)
    throw std::out_of_range(std::string(who) + ": block " + std::to_string(rows) + "x" +
                            std::to_string(cols) + " at (" + std::to_string(row0) + ", " +
                            std::to_string(col0) + ") leaves the " + std::to_string(X) + "x" +
                            std::to_string(X) + " array");
  if (rows == 0 || cols == 0) return false;
  if (!w) throw std::invalid_argument(std::string(who) + ": null weights");
  return true;
}

std::unique_ptr<MvmArray> make_array(const XbarParams& p) {
  if (p.panther) return std::make_unique<Mcu>(p);
  return std::make_unique<Crossbar>(p);
}

}  // namespace pumavp::xbar
