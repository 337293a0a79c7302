// Accuracy of the analog crossbar model (docs/analog.md) on an MLP-L4-shaped random model
// (Diss. Table 3.7 shape: 1024-1536-1536-768-10, weights uniform in +-1/sqrt(inputs),
// biases uniform in +-0.1, ReLU between layers; kernels/models/mlp_l4.yaml).
//
//   pumavp_analog_study [--inputs N] [--seed S] [--set key=value]...
//
// Every 128x128 block of a layer is one PUMA array (xbar.size must be 128), built with the
// config's numerics and analog keys and seeded by array_seed(numerics.rng_seed, layer,
// block, 0); block outputs are int16 (the array's sat16(rne)) and summed with saturation as
// the VFU would. The same network on golden arrays is the reference. Prints one CSV line:
//   top1_agreement,rmse_out,max_abs_out,saturated_frac,adc_clipped_frac
// (top-1 agreement of the analog network's argmax with the ideal one over N random inputs
// uniform in [0, 1); RMSE and max error of the 10 outputs in real units; fraction of the
// analog network's output words at +-32767/-32768; clamped conversions / conversions).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/fixed_convert.h"
#include "xbar/analog.h"
#include "xbar/crossbar.h"

using namespace pumavp;
using namespace pumavp::xbar;

namespace {

int16_t sat_add(int32_t a, int32_t b) { return sat16(int64_t{a} + b); }

struct Layer {
  unsigned in, out;
  bool relu;
  std::vector<int16_t> W;  // in x out, row-major (row = input)
  std::vector<int16_t> b;
};

}  // namespace

int main(int argc, char** argv) {
  unsigned inputs = 50, seed = 4;
  std::vector<std::string> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--inputs" && i + 1 < argc) inputs = unsigned(std::atoi(argv[++i]));
    else if (a == "--seed" && i + 1 < argc) seed = unsigned(std::atoi(argv[++i]));
    else if (a == "--set" && i + 1 < argc) sets.push_back(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--inputs N] [--seed S] [--set key=value]...\n", argv[0]);
      return 2;
    }
  }
  PlatformConfig cfg;
  try {
    cfg = default_config(sets);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  if (cfg.xbar.size != 128 || cfg.xbar.model != XbarModel::Analog || cfg.panther.enabled) {
    std::fprintf(stderr, "needs xbar.size=128, xbar.model=analog, no PANTHER\n");
    return 2;
  }
  const unsigned X = 128, f = cfg.numerics.frac_bits;
  const unsigned dims[] = {1024, 1536, 1536, 768, 10};
  std::mt19937_64 g(seed);
  std::vector<Layer> net;
  for (unsigned l = 0; l < 4; ++l) {
    Layer L{dims[l], dims[l + 1], l < 3, {}, {}};
    std::uniform_real_distribution<double> wd(-1.0 / std::sqrt(double(L.in)), 1.0 / std::sqrt(double(L.in)));
    std::uniform_real_distribution<double> bd(-0.1, 0.1);
    L.W.resize(std::size_t(L.in) * L.out);
    for (auto& w : L.W) w = static_cast<int16_t>(to_fixed(wd(g), f, -32768, 32767, FixedOverflow::Saturate).raw);
    L.b.resize(L.out);
    for (auto& v : L.b) v = static_cast<int16_t>(to_fixed(bd(g), f, -32768, 32767, FixedOverflow::Saturate).raw);
    net.push_back(std::move(L));
  }
  std::uniform_real_distribution<double> xd(0.0, 1.0);
  // act[model][n][i]: model 0 = ideal, 1 = analog.
  std::vector<std::vector<int16_t>> act[2];
  for (auto& a : act) a.assign(inputs, std::vector<int16_t>(1024));
  for (unsigned n = 0; n < inputs; ++n)
    for (unsigned i = 0; i < 1024; ++i)
      act[0][n][i] = act[1][n][i] = static_cast<int16_t>(to_fixed(xd(g), f, -32768, 32767, FixedOverflow::Saturate).raw);

  XbarParams p = xbar_params(cfg);
  uint64_t conv = 0, clipped = 0;
  for (unsigned l = 0; l < net.size(); ++l) {
    const Layer& L = net[l];
    const unsigned nib = (L.in + X - 1) / X, nob = (L.out + X - 1) / X;
    std::vector<std::vector<int32_t>> sum[2];
    for (auto& s : sum) s.assign(inputs, std::vector<int32_t>(std::size_t(nob) * X, 0));
    for (unsigned ob = 0; ob < nob; ++ob)
      for (unsigned ib = 0; ib < nib; ++ib) {
        const unsigned rows = std::min(X, L.in - ib * X), cols = std::min(X, L.out - ob * X);
        std::vector<int16_t> blk(std::size_t(rows) * cols);
        for (unsigned r = 0; r < rows; ++r)
          for (unsigned c = 0; c < cols; ++c)
            blk[std::size_t(r) * cols + c] = L.W[std::size_t(ib * X + r) * L.out + ob * X + c];
        XbarParams pa = p;
        pa.analog_seed = array_seed(cfg.numerics.rng_seed, l, ob * nib + ib, 0);
        Crossbar xa(pa);
        xa.clear();
        xa.program(blk.data(), rows, cols);
        std::vector<int16_t> x(X), y(X);
        for (unsigned m = 0; m < 2; ++m)
          for (unsigned n = 0; n < inputs; ++n) {
            std::fill(x.begin(), x.end(), 0);
            for (unsigned r = 0; r < rows; ++r) x[r] = act[m][n][ib * X + r];
            Flags fl;
            if (m == 0) xa.mvm_ideal(x.data(), y.data(), fl);
            else xa.mvm(x.data(), y.data(), fl);
            for (unsigned c = 0; c < cols; ++c) {
              int32_t& s = sum[m][n][ob * X + c];
              s = sat_add(s, y[c]);
            }
          }
        conv += xa.counters().adc_conversions;
        clipped += xa.counters().adc_clipped;
      }
    for (unsigned m = 0; m < 2; ++m)
      for (unsigned n = 0; n < inputs; ++n) {
        std::vector<int16_t> o(L.out);
        for (unsigned j = 0; j < L.out; ++j) {
          int16_t v = sat_add(sum[m][n][j], L.b[j]);
          if (L.relu && v < 0) v = 0;
          o[j] = v;
        }
        act[m][n] = o;
      }
  }
  unsigned agree = 0;
  double se = 0, mx = 0;
  uint64_t sat = 0;
  for (unsigned n = 0; n < inputs; ++n) {
    const auto& a = act[1][n];
    const auto& r = act[0][n];
    agree += (std::max_element(a.begin(), a.end()) - a.begin()) == (std::max_element(r.begin(), r.end()) - r.begin());
    for (unsigned j = 0; j < a.size(); ++j) {
      const double e = (double(a[j]) - double(r[j])) / double(1u << f);
      se += e * e;
      mx = std::max(mx, std::fabs(e));
      sat += (a[j] == 32767 || a[j] == -32768);
    }
  }
  std::printf("%.4f,%.6g,%.6g,%.4f,%.6g\n", double(agree) / inputs, std::sqrt(se / (inputs * 10.0)), mx,
              double(sat) / (inputs * 10.0), conv ? double(clipped) / double(conv) : 0.0);
  return 0;
}
