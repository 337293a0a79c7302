// Helpers shared by the compiler tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config.h"
#include "compiler/compiler.h"
#include "compiler/model.h"
#include "reference.h"

namespace pumavp::compiler_test {

// Deterministic test PRNG (independent of the compiler's generator).
struct TestRng {
  uint64_t s;
  explicit TestRng(uint64_t seed) : s(seed * 0x2545F4914F6CDD1Dull + 7) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * double(next() >> 11) / 9007199254740992.0; }
  unsigned below(unsigned n) { return unsigned(next() % n); }
};

struct LayerSpec {
  unsigned outputs;
  compiler::Activation act;
  bool bias;
};

// An MLP with uniform random weights in [-scale, scale] (scale default 1/sqrt(inputs)).
inline compiler::Model make_mlp(unsigned input, const std::vector<LayerSpec>& specs, uint64_t seed,
                                double scale_mul = 1.0) {
  TestRng rng(seed);
  compiler::Model m;
  m.name = "test_mlp";
  m.input_size = input;
  unsigned rows = input;
  for (size_t i = 0; i < specs.size(); ++i) {
    compiler::Layer l;
    l.name = "fc" + std::to_string(i);
    l.rows = rows;
    l.cols = specs[i].outputs;
    l.act = specs[i].act;
    double s = scale_mul / std::sqrt(double(rows));
    l.weights.resize(size_t(rows) * l.cols);
    for (auto& w : l.weights) w = rng.uniform(-s, s);
    if (specs[i].bias) {
      l.bias.resize(l.cols);
      for (auto& b : l.bias) b = rng.uniform(-0.5, 0.5);
    }
    rows = l.cols;
    m.layers.push_back(std::move(l));
  }
  return m;
}

inline std::vector<int16_t> random_input(unsigned n, uint64_t seed, double range = 2.0) {
  TestRng rng(seed ^ 0x1234);
  std::vector<int16_t> x(n);
  for (auto& v : x) v = int16_t(std::lround(rng.uniform(-range, range) * 4096.0));
  return x;
}

inline PlatformConfig small_config(const std::vector<std::string>& sets = {}) {
  return load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/small.yaml", sets);
}

// The reference's numerics parameters of a platform configuration.
inline RefParams ref_params(const PlatformConfig& cfg) {
  RefParams rp;
  rp.xbar_size = cfg.xbar.size;
  rp.frac_bits = cfg.numerics.frac_bits;
  rp.lut_bits = cfg.numerics.lut_bits;
  return rp;
}

}  // namespace pumavp::compiler_test
