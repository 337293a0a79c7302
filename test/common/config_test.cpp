#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/config.h"
#include "common/geometry.h"
#include "common/mvm_cost.h"

using namespace pumavp;

namespace {

std::string cfg_path(const std::string& name) { return std::string(PUMAVP_SOURCE_DIR) + "/configs/" + name; }

// Expect a ConfigError whose message contains every fragment.
template <class F>
void expect_error(F&& f, std::initializer_list<const char*> fragments) {
  try {
    f();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string msg = e.what();
    for (const char* frag : fragments) EXPECT_NE(msg.find(frag), std::string::npos) << "message: " << msg;
  }
}

struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    dir = std::filesystem::temp_directory_path() /
          ("pumavp_cfg_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};

}  // namespace

TEST(Config, DefaultsArePumaValues) {
  PlatformConfig c = default_config();
  EXPECT_EQ(c.node.tiles, 138u);
  EXPECT_EQ(c.tile.cores, 8u);
  EXPECT_EQ(c.core.num_mvmu, 2u);
  EXPECT_EQ(c.xbar.size, 128u);
  const Geometry g = geometry_from_config(c);
  EXPECT_EQ(g.slices, 8u);     // ceil(16/2)
  EXPECT_EQ(g.steps(), 16u);   // ceil(16/1)
  EXPECT_EQ(g.n_in(), 256u);
  EXPECT_EQ(g.n_rf(), 512u);
  EXPECT_EQ(g.operand_space(), 1024u);
}

// The profile is the one source of the latency/energy defaults: the structs carry none, the
// built-in configs/profiles/puma.yaml is the base layer of every config.
TEST(Config, BuiltInProfileIsTheOnlySourceOfDefaults) {
  const PlatformConfig bare{};
  EXPECT_EQ(bare.e.mvm_xbar, 0.0);
  EXPECT_EQ(bare.lat.mem_access, 0u);
  EXPECT_EQ(bare.host.bus_ns, 0u);
  EXPECT_EQ(bare.clock_mhz, 0.0);
  EXPECT_NE(std::string(puma_profile_yaml()).find("mvm_xbar: 142.56"), std::string::npos);
  const PlatformConfig c = default_config();
  EXPECT_DOUBLE_EQ(c.e.mvm_xbar, 142.56);
  EXPECT_EQ(c.lat.mem_access, 2u);
  EXPECT_EQ(c.host.bus_ns, 1u);
  EXPECT_EQ(c.dma.setup_ns, 20u);
  EXPECT_DOUBLE_EQ(c.clock_mhz, 1000.0);
  std::string origin;
  for (const auto& [k, o] : c.origins)
    if (k == "e.mvm_xbar") origin = o;
  EXPECT_NE(origin.find("built-in profiles/puma.yaml"), std::string::npos) << origin;
  // A config text without the profile still gets it underneath.
  const PlatformConfig t = load_config_text("node:\n  tiles: 4\n", "t.yaml");
  EXPECT_DOUBLE_EQ(t.e.mem_word, 3.009);
  EXPECT_EQ(t.node.tiles, 4u);
}

TEST(Config, ShippedConfigsLoad) {
  PlatformConfig node = load_config(cfg_path("puma-node.yaml"));
  EXPECT_EQ(node.node.tiles, 138u);
  EXPECT_EQ(node.noc.concentration, 4u);
  // 138 tiles / 4 per router = 35 routers -> W = ceil(sqrt(35)) = 6, H = ceil(35/6) = 6.
  EXPECT_EQ(geometry_from_config(node).routers(), 35u);
  EXPECT_EQ(geometry_from_config(node).mesh_width(), 6u);
  EXPECT_EQ(geometry_from_config(node).mesh_height(), 6u);

  PlatformConfig small = load_config(cfg_path("small.yaml"));
  EXPECT_EQ(small.node.tiles, 4u);
  EXPECT_EQ(small.noc.concentration, 1u);
  EXPECT_EQ(geometry_from_config(small).mesh_width(), 2u);
  EXPECT_EQ(geometry_from_config(small).mesh_height(), 2u);
  EXPECT_EQ(small.tile.cores, 8u);            // inherited from puma-node.yaml
  EXPECT_DOUBLE_EQ(small.e.mem_word, 3.009);  // inherited from the profile

  PlatformConfig p = load_config(cfg_path("panther.yaml"));
  EXPECT_TRUE(p.panther.enabled);
  const Geometry pg = geometry_from_config(p);
  EXPECT_EQ(pg.K(), 3u);
  EXPECT_EQ(pg.n_in(), 768u);
  EXPECT_EQ(pg.operand_space(), 3072u);  // isa.md §3.2 table
  EXPECT_EQ(p.panther.slices, (std::vector<unsigned>{4, 4, 4, 6, 6, 5, 5, 5}));
}

TEST(Config, ProfileGivesDissertationMvmFigures) {
  PlatformConfig c = load_config(cfg_path("puma-node.yaml"));
  // Diss. §3.8.4: one 128x128 MVM takes 2304 ns and 43.97 nJ.
  const Geometry g = geometry_from_config(c);
  EXPECT_EQ(mvm_cost(g, c).cycles, 2304u);
  EXPECT_NEAR(mvm_cost(g, c).total_pj(), 43970.0, 0.01 * 43970.0);
  // Lossless ADC: 128 * 3 * 1 = 384 -> 9 bits.
  EXPECT_EQ(g.lossless_adc_bits(), 9u);
  EXPECT_TRUE(g.adc_lossless());
}

TEST(Config, SetOverridesAndTypes) {
  PlatformConfig c = load_config(cfg_path("small.yaml"),
                                 {"node.tiles=9", "xbar.adc_bits=6", "noc.fifo_full=error", "host.uart_file=out.txt",
                                  "panther.slices=[8,8,8,8]", "numerics.fatal_flags=[DZ]"});
  EXPECT_EQ(c.node.tiles, 9u);
  EXPECT_EQ(c.xbar.adc_bits, 6u);
  EXPECT_FALSE(geometry_from_config(c).adc_lossless());
  EXPECT_EQ(c.noc.fifo_full, FifoFull::Error);
  EXPECT_EQ(c.host.uart_file, "out.txt");
  EXPECT_EQ(c.panther.slices.size(), 4u);
  EXPECT_TRUE(c.numerics.fatal_dz);
  EXPECT_FALSE(c.numerics.fatal_dom);
  PlatformConfig d = default_config({"xbar.adc_bits=auto", "clock_mhz=500"});
  EXPECT_EQ(d.xbar.adc_bits, 0u);
  EXPECT_EQ(mvm_cost(geometry_from_config(d), d).cycles, 1152u);  // 2304 ns at 2 ns per cycle
}

TEST(Config, UnknownKeyNamesFileLineAndSuggests) {
  TempDir t;
  std::string f = t.write("bad.yaml", "node:\n  tiles: 4\nxbar:\n  sizee: 128\n");
  expect_error([&] { load_config(f); }, {"bad.yaml:4", "xbar.sizee", "did you mean 'xbar.size'"});
}

TEST(Config, OutOfRangeAndWrongTypeNameKeyAndLine) {
  TempDir t;
  std::string f1 = t.write("r.yaml", "xbar:\n  size: 100\n");
  expect_error([&] { load_config(f1); }, {"r.yaml:2", "xbar.size", "not one of 32, 64, 128, 256"});
  std::string f2 = t.write("t.yaml", "\n\nnode:\n  tiles: many\n");
  expect_error([&] { load_config(f2); }, {"t.yaml:4", "node.tiles", "many"});
  std::string f3 = t.write("n.yaml", "numerics:\n  frac_bits: 15\n");
  expect_error([&] { load_config(f3); }, {"n.yaml:2", "numerics.frac_bits", "0..14"});
  std::string f4 = t.write("e.yaml", "xbar:\n  adc_mode: round\n");
  expect_error([&] { load_config(f4); }, {"e.yaml:2", "xbar.adc_mode", "clip, scale"});
  expect_error([] { default_config({"tile.cores=0"}); }, {"--set", "tile.cores", "1..255"});
  expect_error([] { default_config({"tile.coress=2"}); }, {"unknown key 'tile.coress'"});
  expect_error([] { default_config({"novalue"}); }, {"key.path=value"});
}

TEST(Config, IncludeOverridesAndCycles) {
  TempDir t;
  t.write("base.yaml", "node:\n  tiles: 16\ntile:\n  cores: 4\n");
  std::string top = t.write("top.yaml", "include: base.yaml\nnode:\n  tiles: 8\n");
  PlatformConfig c = load_config(top);
  EXPECT_EQ(c.node.tiles, 8u);  // the including file wins
  EXPECT_EQ(c.tile.cores, 4u);  // from the included file
  PlatformConfig s = load_config(top, {"node.tiles=2"});
  EXPECT_EQ(s.node.tiles, 2u);  // --set wins over both
  t.write("a.yaml", "include: b.yaml\n");
  std::string b = t.write("b.yaml", "include: a.yaml\n");
  expect_error([&] { load_config(b); }, {"include cycle"});
  std::string m = t.write("m.yaml", "include: missing.yaml\n");
  expect_error([&] { load_config(m); }, {"m.yaml:1", "cannot open"});
}

TEST(Config, CrossFieldRules) {
  // 8 MVMUs of 256 -> N_in = 2048, RF 4096: 8192 words, the limit.
  EXPECT_NO_THROW(default_config({"core.num_mvmu=8", "xbar.size=256"}));
  expect_error([] { default_config({"core.num_mvmu=8", "xbar.size=256", "core.rf_size=4097"}); }, {"8192"});
  expect_error([] { default_config({"panther.enabled=true", "core.num_mvmu=7"}); }, {"core.num_mvmu", "6"});
  expect_error([] { default_config({"panther.enabled=true", "panther.slices=[4,4,4,4,4,4,4]"}); }, {"divide 32"});
  expect_error([] { default_config({"panther.enabled=true", "panther.slices=[3,4,4,4,4,4,4,4]"}); }, {"at least"});
  expect_error([] { default_config({"tile.shared_mem_bytes=1001"}); }, {"even"});
}

TEST(Config, YamlSyntaxErrorHasLine) {
  TempDir t;
  std::string f = t.write("s.yaml", "node:\n  tiles: [1, 2\n");
  expect_error([&] { load_config(f); }, {"s.yaml:", "YAML syntax error"});
}

TEST(Config, DumpListsEveryKeyOnce) {
  PlatformConfig c = default_config({"xbar.adc_bits=7"});
  std::string d = dump_config(c);
  for (const auto& k : config_keys()) EXPECT_NE(d.find(k + ": "), std::string::npos) << k;
  EXPECT_NE(d.find("xbar.adc_bits: 7\n"), std::string::npos);
  // The dump is itself a valid set of overrides for a resolved config (round trip).
  std::vector<std::string> sets;
  std::istringstream is(d);
  std::string line;
  while (std::getline(is, line)) sets.push_back(line.replace(line.find(": "), 2, "="));
  PlatformConfig r = default_config(sets);
  EXPECT_EQ(dump_config(r), d);
}
