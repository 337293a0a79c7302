#include "xbar/rng.h"

namespace pumavp::xbar {

uint32_t Rng::initial_state(uint32_t seed, uint32_t global_core) {
  const uint32_t mix = static_cast<uint32_t>(0x9E3779B9u * (global_core + 1u));  // mod 2^32
  const uint32_t s = seed ^ mix;
  return s ? s : 1u;
}

}  // namespace pumavp::xbar
