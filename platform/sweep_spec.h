// pumavp::sweep — the SPEC of a design-space sweep (`pumavp sweep SPEC.yaml -o DIR`), its
// validation and its expansion into points (docs/sweep.md). Pure C++ (no SystemC).
//
// A SPEC is YAML:
//   name: adc_xbar                       # optional; default: the file's stem
//   base: ../small.yaml                  # optional platform config (relative to the SPEC)
//   set: {xbar.model: sliced}            # optional fixed overrides (dotted keys)
//   seed: 7                              # optional, default 1
//   seed_mode: per_point                 # per_point (default) or fixed
//   axes:                                # config key -> list or range; product by default
//     xbar.adc_bits: [4, 6, 8]
//     xbar.size: {from: 32, to: 128, factor: 2}
//     host.bus_ns: {from: 0, to: 20, step: 5}
//   zip: [[xbar.adc_bits, profile.adc_bits]]   # axes that vary together (same length)
//   workload:                            # a firmware ELF ...
//     firmware: ../build/firmware/apps/mlp_demo.elf
//     max_time: 50ms
//   workload:                            # ... or a model compiled per point
//     model: ../kernels/models/tiny_mlp.yaml
//     inputs: {x: x.npy}
//     output: y                          # the output tensor compared below
//     reference: y_ref.npy               # optional: output error metrics
//     label: 3                           # optional: accuracy (argmax == label)
//   timeout_s: 60                        # per point (wall clock)
//   keep_images: false                   # keep each model point's compiled image (default: only failed ones)
// Every error is a SpecError (a ConfigError: exit code 2) naming the SPEC file:line and key.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/config.h"

namespace pumavp::sweep {

class SpecError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

struct Axis {
  std::string key;
  std::vector<std::string> values;  // as given to --set (canonical text)
  int line = 0;                     // SPEC line of the axis
};

struct Workload {
  enum class Kind { Firmware, Model };
  Kind kind = Kind::Firmware;
  std::string firmware;  // absolute or relative to the working directory (resolved)
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputs;  // tensor name -> .npy (resolved)
  std::string output;     // output tensor name for reference/label metrics
  std::string reference;  // .npy of the expected output (resolved) or ""
  int label = -1;         // expected argmax or -1
  std::string max_time;   // simulated-time limit passed to run/exec ("" = their default)
};

struct Spec {
  std::string file;  // the SPEC path as given
  std::string name;
  std::string base;  // resolved config path or ""
  std::vector<std::string> sets;  // fixed overrides "key=value"
  std::vector<Axis> axes;
  std::vector<std::vector<size_t>> zips;  // groups of axis indices that vary together
  uint32_t seed = 1;
  bool per_point_seed = true;
  Workload workload;
  double timeout_s = 600;
  bool keep_images = false;  // keep_images: a model point's kernel image is deleted once it ran ok
  // A text that is the same exactly when two SPECs expand to the same runs (resume check).
  std::string canonical() const;
};

struct Point {
  size_t index = 0;
  std::string id;                   // "p0007": zero-padded index
  std::vector<std::string> values;  // one per axis, in axis order
  uint32_t seed = 0;                // numerics.rng_seed of this point
  // The --set overrides of this point: the SPEC's sets, then the axes, then the seed.
  std::vector<std::string> overrides(const Spec& s) const;
};

// Parse (no config checks yet). `name` is used in messages; relative paths resolve against
// `dir`. Throws SpecError.
Spec parse_spec_text(const std::string& text, const std::string& name, const std::string& dir);
Spec load_spec(const std::string& path);

// Groups in axis order (a zip group at its first member), product over the groups with the
// last group varying fastest. Point ids and seeds are functions of the SPEC only.
std::vector<Point> expand(const Spec& s);

// Before anything runs: each axis value against the base config (unknown key, out-of-range
// value: the key and the SPEC line named), then every point's whole config (cross-field
// rules). Throws SpecError.
void validate(const Spec& s, const std::vector<Point>& points);

// The seed of a point: FNV-1a over the SPEC seed and the point's assignment (not its index),
// so a point keeps its seed when axes are reordered or extended.
uint32_t point_seed(uint32_t seed, const std::vector<std::string>& keys, const std::vector<std::string>& values);

constexpr size_t kMaxPoints = 1000000;

}  // namespace pumavp::sweep
