// The sweep SPEC (platform/sweep_spec.*): parsing, validation before anything runs, expansion
// into points (product, zip), ids and seeds; the area/power scaling and the point metrics
// (platform/sweep_run.*) against hand-derived values.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "isa/npy.h"
#include "sweep_run.h"
#include "sweep_slurm.h"
#include "sweep_spec.h"

using namespace pumavp;
using namespace pumavp::sweep;

namespace {

// Any existing file passes the workload check of validate().
const std::string kWork = "workload: {firmware: " PUMAVP_SOURCE_DIR "/README.md}\n";

Spec parse(const std::string& text) { return parse_spec_text(text, "s.yaml", "/d"); }

// The SpecError message of `text` (parse, then expand + validate).
std::string error_of(const std::string& text) {
  try {
    Spec s = parse(text);
    validate(s, expand(s));
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(SweepSpec, ProductLastAxisFastest) {
  Spec s = parse(std::string("axes:\n  xbar.adc_bits: [4, 6]\n  host.bus_ns: [1, 2, 3]\n") + kWork);
  auto p = expand(s);
  ASSERT_EQ(p.size(), 6u);
  std::vector<std::pair<std::string, std::string>> want = {{"4", "1"}, {"4", "2"}, {"4", "3"},
                                                            {"6", "1"}, {"6", "2"}, {"6", "3"}};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(p[i].index, i);
    EXPECT_EQ(p[i].id, "p000" + std::to_string(i));
    EXPECT_EQ(p[i].values[0], want[i].first);
    EXPECT_EQ(p[i].values[1], want[i].second);
  }
  EXPECT_EQ(s.workload.firmware, PUMAVP_SOURCE_DIR "/README.md");
  EXPECT_EQ(s.name, "s");
}

TEST(SweepSpec, ZipVariesTogetherAtItsFirstMember) {
  Spec s = parse(std::string("axes:\n  xbar.adc_bits: [4, 6, 8]\n  xbar.size: [64, 128]\n  profile.adc_bits: [4, 6, 8]\n"
                             "zip: [[xbar.adc_bits, profile.adc_bits]]\n") + kWork);
  auto p = expand(s);
  ASSERT_EQ(p.size(), 6u);  // 3 (zipped) x 2, not 3 x 2 x 3
  for (const auto& x : p) EXPECT_EQ(x.values[0], x.values[2]);
  EXPECT_EQ(p[0].values[1], "64");
  EXPECT_EQ(p[1].values[1], "128");
  EXPECT_EQ(p[2].values[0], "6");
}

TEST(SweepSpec, Ranges) {
  Spec s = parse(std::string("axes:\n  host.bus_ns: {from: 0, to: 20, step: 5}\n  xbar.size: {from: 32, to: 256, factor: 2}\n"
                             "  clock_mhz: {from: 0.5, to: 1.25, step: 0.25}\n  tile.cores: {from: 3, to: 5}\n") + kWork);
  EXPECT_EQ(s.axes[0].values, (std::vector<std::string>{"0", "5", "10", "15", "20"}));
  EXPECT_EQ(s.axes[1].values, (std::vector<std::string>{"32", "64", "128", "256"}));
  EXPECT_EQ(s.axes[2].values, (std::vector<std::string>{"0.5", "0.75", "1", "1.25"}));
  EXPECT_EQ(s.axes[3].values, (std::vector<std::string>{"3", "4", "5"}));
  EXPECT_EQ(expand(s).size(), 5u * 4 * 4 * 3);
  EXPECT_EQ(expand(s).back().id, "p0239");
}

TEST(SweepSpec, IdsWidenPastTenThousandPoints) {
  Spec s = parse(std::string("axes:\n  host.bus_ns: {from: 0, to: 99}\n  host.dram_ns: {from: 0, to: 199}\n") + kWork);
  auto p = expand(s);
  ASSERT_EQ(p.size(), 20000u);
  EXPECT_EQ(p.front().id, "p00000");
  EXPECT_EQ(p.back().id, "p19999");
}

TEST(SweepSpec, SeedsAreDeterministicPerAssignmentAndDistinct) {
  const std::string a = std::string("seed: 9\naxes:\n  xbar.adc_bits: [4, 6, 8]\n  host.bus_ns: {from: 0, to: 30}\n") + kWork;
  const std::string b = std::string("seed: 9\naxes:\n  host.bus_ns: {from: 0, to: 30}\n  xbar.adc_bits: [4, 6, 8]\n") + kWork;
  auto pa = expand(parse(a)), pa2 = expand(parse(a)), pb = expand(parse(b));
  std::set<uint32_t> seeds;
  std::map<std::string, uint32_t> by_assignment;
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].seed, pa2[i].seed);
    seeds.insert(pa[i].seed);
    by_assignment[pa[i].values[0] + "/" + pa[i].values[1]] = pa[i].seed;
  }
  EXPECT_EQ(seeds.size(), pa.size());  // 93 different seeds
  // Reordering the axes keeps each assignment's seed... only when the key order is the
  // same; the hash covers keys in axis order, so check against the independent function.
  for (const auto& p : pb)
    EXPECT_EQ(p.seed, point_seed(9, {"host.bus_ns", "xbar.adc_bits"}, p.values));
  for (const auto& p : pa) EXPECT_EQ(p.seed, point_seed(9, {"xbar.adc_bits", "host.bus_ns"}, p.values));
  // Another base seed changes every point's seed.
  auto pc = expand(parse(std::string("seed: 10\n") + a.substr(a.find('\n') + 1)));
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_NE(pa[i].seed, pc[i].seed);
  // fixed: every point gets the SPEC seed.
  for (const auto& p : expand(parse(std::string("seed_mode: fixed\n") + a))) EXPECT_EQ(p.seed, 9u);
  // The overrides end with the seed.
  EXPECT_EQ(pa[0].overrides(parse(a)).back(), "numerics.rng_seed=" + std::to_string(pa[0].seed));
}

TEST(SweepSpec, RngSeedAxisWins) {
  Spec s = parse(std::string("axes:\n  numerics.rng_seed: [3, 4]\n") + kWork);
  auto p = expand(s);
  EXPECT_EQ(p[0].seed, 3u);
  EXPECT_EQ(p[1].seed, 4u);
  EXPECT_EQ(p[1].overrides(s).back(), "numerics.rng_seed=4");
}

TEST(SweepSpec, UnknownAxisKeyNamedWithLineAndSuggestion) {
  const std::string e = error_of(std::string("axes:\n  xbar.size: [64]\n  xbar.adc_bit: [4, 6]\n") + kWork);
  EXPECT_NE(e.find("s.yaml:3: axis 'xbar.adc_bit': unknown configuration key"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'xbar.adc_bits'"), std::string::npos) << e;
}

TEST(SweepSpec, OutOfRangeValueNamedWithLine) {
  std::string e = error_of(std::string("axes:\n  xbar.bits_per_cell: [2, 7]\n") + kWork);
  EXPECT_NE(e.find("s.yaml:2: axis 'xbar.bits_per_cell': value '7' rejected"), std::string::npos) << e;
  e = error_of(std::string("axes:\n  xbar.size: {from: 32, to: 96, step: 32}\n") + kWork);
  EXPECT_NE(e.find("s.yaml:2: axis 'xbar.size': value '96' rejected"), std::string::npos) << e;
  e = error_of(std::string("axes:\n  xbar.adc_mode: [clip, round]\n") + kWork);
  EXPECT_NE(e.find("axis 'xbar.adc_mode': value 'round' rejected"), std::string::npos) << e;
}

TEST(SweepSpec, PointThatBreaksACrossFieldRuleIsNamed) {
  // Each value is fine alone; 8 MVMUs of 256 rows with a 5000-word RF exceed 8192 operands.
  const std::string e = error_of(std::string("set: {core.rf_size: 5000}\naxes:\n  core.num_mvmu: [2, 8]\n  xbar.size: [128, 256]\n") + kWork);
  EXPECT_NE(e.find("point p0003 (core.num_mvmu=8, xbar.size=256) is not a valid configuration"), std::string::npos) << e;
  EXPECT_NE(e.find("operand space"), std::string::npos) << e;
}

TEST(SweepSpec, BadRangesAndZips) {
  struct Case {
    std::string text, want;
  } cases[] = {
      {"axes:\n  host.bus_ns: {from: 5, to: 1}\n", "s.yaml:2: 'host.bus_ns': range from 5 is above to 1"},
      {"axes:\n  host.bus_ns: {from: 0, to: 5, step: 0}\n", "s.yaml:2: 'host.bus_ns': range step must be above 0"},
      {"axes:\n  host.bus_ns: {from: 0, to: 5, stride: 1}\n", "s.yaml:2: 'host.bus_ns': unknown range field 'stride'"},
      {"axes:\n  host.bus_ns: {from: 0, to: 5, step: x}\n", "'host.bus_ns.step': expected a number, got 'x'"},
      {"axes:\n  host.bus_ns: {to: 5}\n", "'host.bus_ns': a range needs from: and to:"},
      {"axes:\n  xbar.size: {from: 32, to: 256, factor: 1}\n", "'xbar.size': range factor must be above 1"},
      {"axes:\n  host.bus_ns: {from: 0, to: 1e9}\n", "'host.bus_ns': range has more than 100000 values"},
      {"axes:\n  host.bus_ns: []\n", "s.yaml:2: 'host.bus_ns': an axis needs at least one value"},
      {"axes:\n  host.bus_ns: [1, 1]\n", "'host.bus_ns': value '1' listed twice"},
      {"axes:\n  host.bus_ns: 3\n", "s.yaml:2: 'host.bus_ns': an axis is a list"},
      {"axes:\n  xbar.adc_bits: [4, 6]\n  profile.adc_bits: [4, 6, 8]\nzip:\n  - [xbar.adc_bits, profile.adc_bits]\n",
       "s.yaml:5: 'zip': zipped axes differ in length: 'xbar.adc_bits' has 2 values (line 2), 'profile.adc_bits' has 3 (line 3)"},
      {"axes:\n  xbar.adc_bits: [4, 6]\nzip:\n  - [xbar.adc_bits, host.bus_ns]\n", "s.yaml:4: 'host.bus_ns': zip names a key that is not an axis"},
      {"axes:\n  xbar.adc_bits: [4]\n  host.bus_ns: [4]\nzip:\n  - [xbar.adc_bits]\n", "each zip group lists two or more"},
      {"axes:\n  host.bus_ns: {from: 0, to: 999}\n  host.dram_ns: {from: 0, to: 999}\n  dma.beat_ns: [1, 2]\n",
       "2000000 points, more than the 1000000"},
      {"set: {host.bus_ns: 3}\naxes:\n  host.bus_ns: [1]\n", "'host.bus_ns': a key is either in set: or an axis"},
      {"axis:\n  host.bus_ns: [1]\n", "s.yaml:1: 'axis': unknown SPEC key"},
      {"axes:\n  host.bus_ns: [1]\nseed: -1\n", "s.yaml:3: 'seed': expected an integer"},
      {"axes: [1, 2]\n", "'axes': expected a mapping"},
      {"axes:\n  host.bus_ns: [1]\n  host.bus_ns: [2]\n", "axis given twice"},
      {"keep_images: maybe\naxes:\n  host.bus_ns: [1]\n", "s.yaml:1: 'keep_images': expected true or false, got 'maybe'"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(c.text + kWork);
    EXPECT_NE(e.find(c.want), std::string::npos) << "SPEC:\n" << c.text << "error: " << e;
  }
}

TEST(SweepSpec, BadWorkloads) {
  const std::string axes = "axes:\n  host.bus_ns: [1]\n";
  struct Case {
    std::string text, want;
  } cases[] = {
      {"", "'workload': expected a mapping"},
      {"workload: {}\n", "'workload': expected firmware: or model:"},
      {"workload: {firmware: a.elf, model: m.yaml}\n", "firmware: and model: exclude each other"},
      {"workload: {model: m.yaml, reference: r.npy}\n", "'workload.output': reference: and label: need"},
      {"workload: {firmware: a.elf, inputs: {x: x.npy}}\n", "'workload.inputs': only a model workload"},
      {"workload: {firmware: a.elf, cmd: ls}\n", "'workload.cmd': unknown workload key"},
      {"workload: {firmware: '${PUMAVP_SWEEP_TEST_UNSET_VAR}/a.elf'}\n", "environment variable PUMAVP_SWEEP_TEST_UNSET_VAR is not set"},
  };
  for (const auto& c : cases) {
    const std::string e = error_of(axes + c.text);
    EXPECT_NE(e.find(c.want), std::string::npos) << "SPEC:\n" << c.text << "error: " << e;
  }
}

TEST(SweepSpec, MissingWorkloadFilesRejectedBeforeRunning) {
  std::string e = error_of("axes:\n  host.bus_ns: [1]\nworkload: {firmware: nope.elf}\n");
  EXPECT_NE(e.find("s.yaml: 'workload.firmware': /d/nope.elf: no such file"), std::string::npos) << e;
  e = error_of("axes:\n  host.bus_ns: [1]\nworkload: {model: " PUMAVP_SOURCE_DIR "/README.md, inputs: {x: /d/x.npy}}\n");
  EXPECT_NE(e.find("'workload.inputs.x': /d/x.npy: no such file"), std::string::npos) << e;
  e = error_of("axes:\n  host.bus_ns: [1]\nworkload: {firmware: /}\n");
  EXPECT_NE(e.find("'workload.firmware': /: not a regular file"), std::string::npos) << e;
}

TEST(SweepSpec, PathsResolveAgainstTheSpecAndTheEnvironment) {
  setenv("PUMAVP_SWEEP_TEST_DIR", "/opt/fw", 1);
  Spec s = parse(
      "base: ../cfg/a.yaml\naxes:\n  host.bus_ns: [1]\nworkload:\n  model: m.yaml\n  inputs: {x: '${PUMAVP_SWEEP_TEST_DIR}/x.npy'}\n"
      "  output: y\n  reference: r.npy\n  label: 3\n");
  EXPECT_EQ(s.base, "/cfg/a.yaml");
  EXPECT_EQ(s.workload.model, "/d/m.yaml");
  EXPECT_EQ(s.workload.inputs.at(0).second, "/opt/fw/x.npy");
  EXPECT_EQ(s.workload.reference, "/d/r.npy");
  EXPECT_EQ(s.workload.label, 3);
}

TEST(SweepSpec, CanonicalTextChangesWithTheExpansion) {
  const std::string a = std::string("axes:\n  host.bus_ns: [1, 2]\n") + kWork;
  EXPECT_EQ(parse(a).canonical(), parse("# comment\n" + a).canonical());
  EXPECT_NE(parse(a).canonical(), parse(std::string("axes:\n  host.bus_ns: [1, 3]\n") + kWork).canonical());
  EXPECT_NE(parse(a).canonical(), parse("seed: 2\n" + a).canonical());
}

TEST(SweepSlurm, ArrayRangesAndQuoting) {
  EXPECT_EQ(array_ranges({0, 1, 2, 3, 5, 7, 8}), "0-3,5,7-8");
  EXPECT_EQ(array_ranges({4}), "4");
  EXPECT_EQ(sh_quote("a b'c"), "'a b'\\''c'");
}

// Area/power: the defaults are Table 3.5's reference node, so they give tiles x tile + NoC
// (what `pumavp info` prints); each part then scales as docs/sweep.md says.
TEST(SweepMetrics, AreaPowerScaling) {
  const PlatformConfig d = default_config();
  AreaPower a = area_power(d);
  EXPECT_NEAR(a.area_mm2, 138 * 0.479 + 1.622, 1e-9);
  EXPECT_NEAR(a.power_mw, 138 * 373.8 + 570.63, 1e-6);
  // 64x64 crossbars: each MVMU a quarter of the cells: 138 tiles x 8 cores x 2 MVMUs x 3/4.
  a = area_power(default_config({"xbar.size=64"}));
  EXPECT_NEAR(a.area_mm2, 138 * 0.479 + 1.622 - 138 * 8 * 2 * 0.012 * 0.75, 1e-9);
  EXPECT_NEAR(a.power_mw, 138 * 373.8 + 570.63 - 138 * 8 * 2 * 19.09 * 0.75, 1e-6);
  // 4 tiles, one per router (4 routers against 35 of the reference), 4 cores per tile.
  a = area_power(default_config({"node.tiles=4", "noc.concentration=1", "tile.cores=4"}));
  EXPECT_NEAR(a.area_mm2, 4 * (0.479 - 4 * 0.036) + 1.622 * 4 / 35, 1e-9);
  // Half the eDRAM.
  a = area_power(default_config({"tile.shared_mem_bytes=32768"}));
  EXPECT_NEAR(a.area_mm2, 138 * (0.479 - 0.086 / 2) + 1.622, 1e-9);
}

TEST(SweepMetrics, FromStatsAndOutputs) {
  const PlatformConfig cfg = default_config({"clock_mhz=500", "numerics.frac_bits=2"});
  nlohmann::json st;
  st["run"] = {{"sim_time_ns", 10000.0}, {"host_instructions", 77}};
  st["stats"]["counters"] = {{"accel.cycles", 1000}, {"accel.dma.busy_ns", 1500}, {"node.tile0.core1.mvm", 3},
                             {"node.tile1.core0.mvm", 4}, {"node.tile1.core0.mvm_skipped", 100}};
  st["stats"]["energy_pj"] = {{"total", 5000.0}, {"adc", 1500.0}, {"crossbar", 3500.0}};
  Workload fw;
  nlohmann::json m = point_metrics(st, cfg, fw, "");
  EXPECT_DOUBLE_EQ(m["latency_ns"].get<double>(), 10000.0);
  EXPECT_DOUBLE_EQ(m["accel_ns"].get<double>(), 2000.0);  // 1000 cycles at 2 ns
  EXPECT_DOUBLE_EQ(m["dma_ns"].get<double>(), 1500.0);
  EXPECT_DOUBLE_EQ(m["host_ns"].get<double>(), 6500.0);
  EXPECT_DOUBLE_EQ(m["energy_nj"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(m["energy_adc_nj"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(m["energy_noc_nj"].get<double>(), 0.0);
  EXPECT_EQ(m["mvms"].get<uint64_t>(), 7u);
  EXPECT_EQ(m["host_instructions"].get<uint64_t>(), 77u);
  EXPECT_FALSE(m.contains("out_err_max"));
  for (const auto& [k, v] : m.items())
    EXPECT_NE(std::find(metric_names().begin(), metric_names().end(), k), metric_names().end()) << k;

  // Model: output raw int16 (frac_bits 2: LSB 0.25) against a float reference and a label.
  const std::string dir = std::string(PUMAVP_BINARY_DIR) + "/test/sweep/metrics_case";
  std::filesystem::create_directories(dir);
  std::string err;
  ASSERT_TRUE(isa::write_npy_file(dir + "/out.npy", isa::NpyArray::make(isa::NpyType::I16, {3}, {4, -8, 2}), err));
  ASSERT_TRUE(isa::write_npy_file(dir + "/ref.npy", isa::NpyArray::make(isa::NpyType::F64, {3}, {1.0, -1.5, 0.5}), err));
  Workload w;
  w.kind = Workload::Kind::Model;
  w.output = "y";
  w.reference = dir + "/ref.npy";
  w.label = 0;
  m = point_metrics(st, cfg, w, dir + "/out.npy");
  // out = 1.0, -2.0, 0.5: errors 0, 0.5, 0.
  EXPECT_DOUBLE_EQ(m["out_err_max"].get<double>(), 0.5);
  EXPECT_NEAR(m["out_err_rms"].get<double>(), std::sqrt(0.25 / 3), 1e-12);
  EXPECT_EQ(m["accuracy"].get<int>(), 1);
  EXPECT_FALSE(m.contains("host_ns"));
  w.label = 2;
  EXPECT_EQ(point_metrics(st, cfg, w, dir + "/out.npy")["accuracy"].get<int>(), 0);
}
