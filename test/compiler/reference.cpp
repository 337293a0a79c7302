#include "reference.h"

#include <cmath>

#include "ref_numerics.h"

namespace pumavp::compiler_test {

int16_t ref_quantize(double v, unsigned f) {
  double q = std::nearbyint(v * std::ldexp(1.0, int(f)));
  if (q > 32767) q = 32767;
  if (q < -32768) q = -32768;
  return int16_t(q);
}

std::vector<int16_t> reference_forward(const compiler::Model& m, const RefParams& p, const std::vector<int16_t>& x0) {
  std::vector<int16_t> x = x0;
  const auto sig = make_lut(Fn::Sig, p.frac_bits, p.lut_bits);
  const auto th = make_lut(Fn::Tanh, p.frac_bits, p.lut_bits);
  for (const auto& L : m.layers) {
    auto wq = [&](size_t i, size_t j) -> int64_t {
      double v = L.weights[i * L.cols + j];
      return L.weights_raw ? int64_t(v) : ref_quantize(v, p.frac_bits);
    };
    std::vector<int16_t> y(L.cols);
    for (size_t j = 0; j < L.cols; ++j) {
      int32_t a = 0;
      bool first = true;
      for (size_t r0 = 0; r0 < L.rows; r0 += p.xbar_size) {
        int64_t acc = 0;
        for (size_t i = r0; i < L.rows && i < r0 + p.xbar_size; ++i) acc += wq(i, j) * x[i];
        int32_t part = sat16(rne(acc, p.frac_bits));
        a = first ? part : sat16(int64_t(a) + part);
        first = false;
      }
      if (!L.bias.empty()) {
        int64_t b = L.bias_raw ? int64_t(L.bias[j]) : ref_quantize(L.bias[j], p.frac_bits);
        a = sat16(a + b);
      }
      switch (L.act) {
        case compiler::Activation::None: break;
        case compiler::Activation::Relu: a = a < 0 ? 0 : a; break;
        case compiler::Activation::Sigmoid: a = lut_lookup(sig, p.lut_bits, int16_t(a)); break;
        case compiler::Activation::Tanh: a = lut_lookup(th, p.lut_bits, int16_t(a)); break;
      }
      y[j] = int16_t(a);
    }
    x = std::move(y);
  }
  return x;
}

}  // namespace pumavp::compiler_test
