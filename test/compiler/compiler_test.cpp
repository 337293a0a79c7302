// Model compiler: quantisation, mapping, image structure, and functional runs of the
// generated programs (test interpreter) against the independent CPU reference.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "compiler/compiler.h"
#include "interp.h"
#include "isa/assembler.h"
#include "isa/npy.h"
#include "reference.h"
#include "test_util.h"

using namespace pumavp;
using namespace pumavp::compiler;
using namespace pumavp::compiler_test;
namespace fs = std::filesystem;

namespace {

// Compile for `cfg`, then run on the interpreter with several schedules and compare with the
// reference bit for bit. Also checks the load-time validation and that every word written
// during the run was consumed exactly (no consumer count too high; too low would deadlock).
void run_and_compare(const Model& m, const PlatformConfig& cfg, int n_inputs = 2, int n_sched = 2) {
  Target t = target_from_config(cfg);
  Compiled c = compile(m, t);
  Geometry plat = geometry_from_config(cfg);
  isa::LoadError le = isa::validate_for_platform(c.image, plat);
  ASSERT_FALSE(le) << le.message;
  const RefParams rp = ref_params(cfg);
  for (int k = 0; k < n_inputs; ++k) {
    std::vector<int16_t> x = random_input(m.input_size, 100 + k);
    std::vector<int16_t> want = reference_forward(m, rp, x);
    for (int s = 0; s < n_sched; ++s) {
      InterpOptions io;
      io.lut_bits = cfg.numerics.lut_bits;
      io.fifo_depth = cfg.tile.fifo_depth;
      io.inject_depth = cfg.noc.inject_depth;
      io.sched_seed = uint64_t(s * 7 + k + 1);
      InterpResult r = interpret(c.image, plat, {{m.input_name, x}}, io);
      ASSERT_TRUE(r.ok) << r.error;
      EXPECT_FALSE(r.fifo_shared);
      EXPECT_EQ(r.leftover_valid, 0u) << "words left valid: a consumer count is too high";
      ASSERT_EQ(r.outputs.at(m.output_name), want) << "input " << k << " schedule " << s;
      EXPECT_EQ(r.mvms, c.blocks.size());
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Quantisation (hand-derived values, f = 12)
// ---------------------------------------------------------------------------------------

TEST(CompilerQuant, RoundsToNearestEvenAndSaturates) {
  Layer l;
  l.name = "q";
  l.rows = 1;
  l.cols = 8;
  // 0.5 -> 2048; 0.5 LSB -> 0 (tie to even); 1.5 LSB -> 2; 2.5 LSB -> 2; -1.5 LSB -> -2;
  // 8.0 -> 32768 saturates to 32767; -8.0 -> -32768 exact; -9 -> saturates to -32768.
  const double lsb = 1.0 / 4096;
  l.weights = {0.5, 0.5 * lsb, 1.5 * lsb, 2.5 * lsb, -1.5 * lsb, 8.0, -8.0, -9.0};
  LayerQuant q = quantize_layer(l, 12);
  EXPECT_EQ(q.w, (std::vector<int16_t>{2048, 0, 2, 2, -2, 32767, -32768, -32768}));
  EXPECT_EQ(q.w_saturated, 2u);
  EXPECT_DOUBLE_EQ(q.w_max_err, 0.5 * lsb);
  EXPECT_DOUBLE_EQ(q.w_max_abs, 9.0);
}

TEST(CompilerQuant, RawIntegersPassThroughAndAreRangeChecked) {
  Layer l;
  l.name = "raw";
  l.rows = 1;
  l.cols = 3;
  l.weights = {-32768, 7, 32767};
  l.weights_raw = true;
  EXPECT_EQ(quantize_layer(l, 12).w, (std::vector<int16_t>{-32768, 7, 32767}));
  l.weights[1] = 40000;
  EXPECT_THROW(quantize_layer(l, 12), CompileError);
}

TEST(CompilerQuant, OtherFracBits) {
  Layer l;
  l.name = "f8";
  l.rows = 1;
  l.cols = 2;
  l.weights = {1.0, 0.75};
  EXPECT_EQ(quantize_layer(l, 8).w, (std::vector<int16_t>{256, 192}));
  EXPECT_EQ(quantize_layer(l, 0).w, (std::vector<int16_t>{1, 1}));  // 0.75 -> 1
}

// ---------------------------------------------------------------------------------------
// Mapping and image structure
// ---------------------------------------------------------------------------------------

TEST(CompilerMap, SingleSmallLayerUsesOneCrossbar) {
  Model m = make_mlp(100, {{10, Activation::Relu, true}}, 1);
  Compiled c = compile(m, target_from_config(small_config()));
  ASSERT_EQ(c.blocks.size(), 1u);
  EXPECT_EQ(c.crossbars_used, 1u);
  EXPECT_EQ(c.crossbars_available, 4u * 8 * 2);
  EXPECT_NEAR(c.utilisation, 1000.0 / 16384.0, 1e-12);
  ASSERT_EQ(c.image.xbars.size(), 1u);
  const auto& w = c.image.xbars[0];
  EXPECT_EQ(w.rows, 100);
  EXPECT_EQ(w.cols, 10);
  for (unsigned i = 0; i < 100; ++i)
    for (unsigned j = 0; j < 10; ++j) ASSERT_EQ(w.at(i, j), ref_quantize(m.layers[0].weights[i * 10 + j], 12));
  ASSERT_EQ(c.image.tensors.size(), 2u);
  EXPECT_EQ(c.image.tensors[0].name, "x");
  EXPECT_EQ(c.image.tensors[0].len, 100u);
  EXPECT_EQ(c.image.tensors[0].dir, isa::TensorDir::In);
  EXPECT_EQ(c.image.tensors[0].count, 1);  // one load
  EXPECT_EQ(c.image.tensors[1].len, 10u);
  EXPECT_EQ(c.image.tensors[1].dir, isa::TensorDir::Out);
  ASSERT_EQ(c.image.data.size(), 1u);  // the bias preload
  EXPECT_EQ(c.image.data[0].words.size(), 10u);
  EXPECT_NE(c.report.find("L0 W[0:100, 0:10] -> tile 0 core 0 mvmu 0"), std::string::npos) << c.report;
}

TEST(CompilerMap, BlocksCoverEveryWeightOnceAndSlotsAreDistinct) {
  Model m = make_mlp(300, {{700, Activation::Relu, true}, {130, Activation::None, false}}, 2);
  Compiled c = compile(m, target_from_config(small_config()));
  // 300x700: 3x6 = 18 blocks, 700x130: 6x2 = 12 blocks
  ASSERT_EQ(c.blocks.size(), 30u);
  std::set<std::tuple<unsigned, unsigned, unsigned>> slots;
  std::vector<std::vector<int>> covered0(300, std::vector<int>(700, 0));
  for (size_t i = 0; i < c.blocks.size(); ++i) {
    const auto& b = c.blocks[i];
    EXPECT_TRUE(slots.insert({b.tile, b.core, b.mvmu}).second);
    const auto& xw = c.image.xbars[i];
    EXPECT_EQ(xw.tile, b.tile);
    EXPECT_EQ(xw.core, b.core);
    EXPECT_EQ(xw.mvmu, b.mvmu);
    if (b.layer == 0)
      for (unsigned r = 0; r < b.rows; ++r)
        for (unsigned k = 0; k < b.cols; ++k) {
          unsigned gi = b.row_block * 128 + r, gj = b.col_block * 128 + k;
          covered0[gi][gj]++;
          ASSERT_EQ(xw.at(r, k), ref_quantize(m.layers[0].weights[gi * 700 + gj], 12));
        }
  }
  for (auto& row : covered0)
    for (int v : row) ASSERT_EQ(v, 1);
  // layer 0 is wider than one tile (16 crossbars): it must span two tiles
  std::set<unsigned> l0_tiles;
  for (const auto& b : c.blocks)
    if (b.layer == 0) l0_tiles.insert(b.tile);
  EXPECT_GE(l0_tiles.size(), 2u);
}

TEST(CompilerMap, TooBigModelReportsNeededAndAvailableCrossbars) {
  Model m = make_mlp(1024, {{1024, Activation::Relu, false}}, 3);  // 64 crossbars
  PlatformConfig cfg = small_config({"node.tiles=3"});              // 48 available
  try {
    compile(m, target_from_config(cfg));
    FAIL() << "expected CompileError";
  } catch (const CompileError& e) {
    std::string s = e.what();
    EXPECT_NE(s.find("needs 64 crossbars"), std::string::npos) << s;
    EXPECT_NE(s.find("has 48"), std::string::npos) << s;
  }
}

TEST(CompilerMap, ProgramsRespectInstructionMemoryAndPassLoadChecks) {
  Model m = make_mlp(500, {{600, Activation::Tanh, true}, {300, Activation::Sigmoid, true}, {10, Activation::None, true}}, 4);
  PlatformConfig cfg = small_config();
  Compiled c = compile(m, target_from_config(cfg));
  for (const auto& p : c.image.programs) EXPECT_LE(p.words.size(), p.is_tile() ? 1024u : 512u);
  Geometry g = geometry_from_config(cfg);
  EXPECT_FALSE(isa::validate_for_platform(c.image, g));
  // round trip through the image writer/reader
  auto bytes = isa::write_image(c.image);
  auto rd = isa::read_image(bytes, &g);
  ASSERT_TRUE(rd.ok()) << rd.error.message;
  EXPECT_TRUE(*rd.image == c.image);
}

TEST(CompilerMap, EmittedAssemblyReassemblesToTheSameImage) {
  Model m = make_mlp(200, {{150, Activation::Sigmoid, true}, {20, Activation::Relu, false}}, 5);
  PlatformConfig cfg = small_config({"tile.cores=2"});
  Compiled c = compile(m, target_from_config(cfg));
  isa::Diagnostics diag;
  auto img = isa::assemble_string(c.asm_text, "gen.pasm", ".", geometry_from_config(cfg), diag);
  ASSERT_TRUE(img.has_value()) << diag.str() << "\n" << c.asm_text.substr(0, 3000);
  EXPECT_TRUE(img->programs == c.image.programs);
  EXPECT_TRUE(img->xbars == c.image.xbars);
  EXPECT_TRUE(img->tensors == c.image.tensors);
  EXPECT_TRUE(img->data == c.image.data);
}

// ---------------------------------------------------------------------------------------
// Functional runs vs. the CPU reference
// ---------------------------------------------------------------------------------------

TEST(CompilerRun, SingleLayerNotMultipleOf128) {
  run_and_compare(make_mlp(100, {{10, Activation::Relu, true}}, 11), small_config());
}

TEST(CompilerRun, SingleLayerMultipleOf128) {
  run_and_compare(make_mlp(256, {{128, Activation::None, true}}, 12), small_config());
}

TEST(CompilerRun, TwoLayersSigmoidTanh) {
  run_and_compare(make_mlp(200, {{150, Activation::Sigmoid, true}, {10, Activation::Tanh, true}}, 13), small_config());
}

TEST(CompilerRun, TwoLayersMultiplesOf128) {
  run_and_compare(make_mlp(256, {{384, Activation::Relu, true}, {128, Activation::None, false}}, 14), small_config());
}

TEST(CompilerRun, DeepMlp) {
  run_and_compare(make_mlp(130, {{129, Activation::Relu, true},
                                 {64, Activation::Tanh, true},
                                 {200, Activation::Sigmoid, false},
                                 {256, Activation::Relu, true},
                                 {33, Activation::None, true},
                                 {7, Activation::Tanh, false}},
                           15),
                  small_config());
}

TEST(CompilerRun, LayerWiderThanOneTile) {
  // 300x700 = 18 crossbars > 16 per tile: chains and outputs cross tiles.
  run_and_compare(make_mlp(300, {{700, Activation::Relu, true}, {130, Activation::None, true}}, 16), small_config());
}

TEST(CompilerRun, SaturationInChainsMatchesReference) {
  // Large weights and inputs: partial sums and chain adds saturate.
  run_and_compare(make_mlp(400, {{50, Activation::None, true}, {20, Activation::Relu, false}}, 17, 40.0),
                  small_config());
}

TEST(CompilerRun, OneCorePerTileOneMvmuForcesNetworkChains) {
  // 1 core x 1 MVMU per tile: every block on its own tile, all reductions go over the NoC.
  PlatformConfig cfg = small_config({"tile.cores=1", "core.num_mvmu=1", "node.tiles=16", "noc.concentration=4"});
  run_and_compare(make_mlp(300, {{200, Activation::Relu, true}, {40, Activation::Sigmoid, true}}, 18), cfg);
}

TEST(CompilerRun, InputSpreadOverSeveralTilesIsRecounted) {
  // The first layer spans tiles, so the input tensor is re-counted and distributed by tile 0.
  // 18 crossbars on tiles of 2 cores x 2 MVMUs: 8 tiles.
  PlatformConfig cfg = small_config({"tile.cores=2", "node.tiles=8"});
  Model m = make_mlp(520, {{300, Activation::Tanh, true}, {5, Activation::None, true}}, 19);
  Compiled c = compile(m, target_from_config(cfg));
  std::set<unsigned> l0_tiles;
  for (const auto& b : c.blocks)
    if (b.layer == 0) l0_tiles.insert(b.tile);
  ASSERT_GE(l0_tiles.size(), 2u);
  run_and_compare(m, cfg);
}

TEST(CompilerRun, SmallCrossbarsAndOtherFracBits) {
  PlatformConfig cfg = small_config({"xbar.size=32", "numerics.frac_bits=10", "numerics.lut_bits=12"});
  run_and_compare(make_mlp(70, {{45, Activation::Sigmoid, true}, {33, Activation::Tanh, true}, {9, Activation::Relu, true}}, 20),
                  cfg);
}

TEST(CompilerRun, RandomModelsAndGeometries) {
  TestRng rng(99);
  const char* xs[] = {"32", "64", "128"};
  for (int it = 0; it < 12; ++it) {
    std::vector<std::string> sets = {std::string("xbar.size=") + xs[rng.below(3)],
                                     "tile.cores=" + std::to_string(1 + rng.below(4)),
                                     "core.num_mvmu=" + std::to_string(1 + rng.below(3))};
    PlatformConfig cfg = small_config(sets);
    unsigned layers = 1 + rng.below(4);
    unsigned in = 1 + rng.below(300);
    std::vector<LayerSpec> specs;
    for (unsigned l = 0; l < layers; ++l)
      specs.push_back({1 + rng.below(260), Activation(rng.below(4)), rng.below(2) == 1});
    Model m = make_mlp(in, specs, 1000 + it, 0.5 + rng.uniform(0, 3));
    SCOPED_TRACE("iteration " + std::to_string(it) + ": " + sets[0] + " " + sets[1] + " " + sets[2]);
    try {
      run_and_compare(m, cfg, 1, 2);
    } catch (const CompileError& e) {
      // only a too-big model may be refused here
      EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
    }
  }
}
