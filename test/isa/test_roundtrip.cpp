// asm(dis(image)) reproduces the image byte for byte: the worked example and random images
// (random legal instructions, illegal words, labels, weights, data and tensors).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "isa/assembler.h"
#include "isa/opcode_table.h"
#include "isa_test_util.h"

using namespace pumavp;
using namespace pumavp::isa;
using isatest::Rng;

namespace {

bool decode_word_ok(uint64_t w, bool tile, const Geometry& g) {
  return tile ? decode_tile(w, g).ok() : decode_core(w, g).ok();
}

std::vector<uint8_t> reassemble(const std::vector<uint8_t>& bytes, std::string* text_out = nullptr) {
  auto r = read_image(bytes);
  EXPECT_TRUE(r.ok()) << r.error.message;
  if (!r.ok()) return {};
  std::string text = disassemble(*r.image);
  if (text_out) *text_out = text;
  Diagnostics d;
  auto img = assemble_string(text, "dis.pasm", ".", Geometry{}, d);
  EXPECT_TRUE(img) << d.str() << "\n" << text;
  if (!img) return {};
  return write_image(*img);
}

KernelImage random_image(Rng& r) {
  KernelImage img;
  Geometry g;  // platform sizes: defaults
  g.panther = r.in(0, 3) == 0;
  g.num_mvmu = unsigned(r.in(1, g.panther ? 6 : 4));
  g.xbar_size = 32u << r.in(0, 2);
  g.frac_bits = unsigned(r.in(0, 14));
  g.tiles = unsigned(r.in(1, 4));
  g.cores_per_tile = unsigned(r.in(1, 3));
  g.bits_per_cell = unsigned(r.in(1, 6));
  g.slices = unsigned(r.in(1, 32));
  if (!g.check().empty()) g.num_mvmu = 1;
  img.header.tiles = uint16_t(g.tiles);
  img.header.cores_per_tile = uint8_t(g.cores_per_tile);
  img.header.num_mvmu = uint8_t(g.num_mvmu);
  img.header.xbar_size = uint16_t(g.xbar_size);
  img.header.bits_per_cell = uint8_t(g.bits_per_cell);
  img.header.slices = uint8_t(g.slices);
  img.header.frac_bits = uint8_t(g.frac_bits);
  img.header.panther = g.panther;
  int label_no = 0;
  // programs for a random subset of units, random order
  std::vector<std::pair<unsigned, unsigned>> units;
  for (unsigned t = 0; t < g.tiles; ++t) {
    units.push_back({t, kTileUnit});
    for (unsigned c = 0; c < g.cores_per_tile; ++c) units.push_back({t, c});
  }
  for (size_t i = units.size(); i > 1; --i) std::swap(units[i - 1], units[size_t(r.in(0, int64_t(i) - 1))]);
  size_t nprog = size_t(r.in(1, int64_t(units.size())));
  for (size_t u = 0; u < nprog; ++u) {
    Program p;
    p.tile = uint16_t(units[u].first);
    p.core = uint8_t(units[u].second);
    size_t len = size_t(r.in(1, 40));
    for (size_t k = 0; k < len; ++k) {
      uint64_t w;
      int kind = int(r.in(0, 19));
      if (kind == 0) {
        w = r.u64();  // almost surely illegal: becomes .word
      } else if (p.is_tile()) {
        w = encode(isatest::random_tile(r, g));
      } else {
        CoreInstr in = isatest::random_core(r, g);
        if (in.opcode == Opcode::Jmp || in.opcode == Opcode::Brn)
          in.target = uint16_t(r.in(0, int64_t(len) + (r.in(0, 9) == 0 ? 3 : -1)));
        w = encode(in);
      }
      p.words.push_back(w);
    }
    // labels in increasing index order (index == len allowed)
    for (size_t k = 0; k <= len; ++k)
      while (r.in(0, 5) == 0) img.symbols.push_back({"L" + std::to_string(label_no++), p.tile, p.core, uint32_t(k)});
    img.programs.push_back(std::move(p));
  }
  int64_t lo = g.weight_lo(), hi = g.weight_hi();
  for (unsigned t = 0; t < g.tiles; ++t)
    for (unsigned c = 0; c < g.cores_per_tile; ++c)
      for (unsigned m = 0; m < g.num_mvmu; ++m) {
        if (r.in(0, 3)) continue;
        XbarWeights x;
        x.tile = uint16_t(t);
        x.core = uint8_t(c);
        x.mvmu = uint8_t(m);
        x.rows = uint16_t(r.in(1, r.coin() ? 4 : g.xbar_size));
        x.cols = uint16_t(r.in(1, r.coin() ? 4 : 8));
        for (size_t k = 0; k < size_t(x.rows) * x.cols; ++k) x.w.push_back(int32_t(r.in(lo, hi)));
        img.xbars.push_back(std::move(x));
      }
  for (int k = int(r.in(0, 3)); k > 0; --k) {
    DataBlock d;
    d.tile = uint16_t(r.in(0, g.tiles - 1));
    d.count = uint16_t(r.in(1, 65535));
    size_t n = size_t(r.in(1, 40));
    d.addr = uint32_t(r.in(0, 32768 - int64_t(n)));
    for (size_t i = 0; i < n; ++i) d.words.push_back(int16_t(r.in(-32768, 32767)));
    img.data.push_back(std::move(d));
  }
  for (int k = int(r.in(0, 3)); k > 0; --k) {
    Tensor t;
    t.name = "t" + std::to_string(k) + "_x";
    t.tile = uint16_t(r.in(0, g.tiles - 1));
    t.len = uint32_t(r.in(1, 1000));
    t.addr = uint32_t(r.in(0, 32768 - t.len));
    t.dir = r.coin() ? TensorDir::In : TensorDir::Out;
    t.count = t.dir == TensorDir::In ? uint8_t(r.in(1, 255)) : 0;
    img.tensors.push_back(std::move(t));
  }
  return img;
}

}  // namespace

TEST(IsaRoundTrip, WorkedExample) {
  Diagnostics d;
  auto img = assemble_file(std::string(PUMAVP_SOURCE_DIR) + "/kernels/examples/mlp2.pasm", Geometry{}, d);
  ASSERT_TRUE(img) << d.str();
  auto b1 = write_image(*img);
  std::string text;
  auto b2 = reassemble(b1, &text);
  EXPECT_EQ(b1, b2) << text;
  EXPECT_NE(text.find("alu.relu rf.8, out0.0, vec=3"), std::string::npos) << text;
  EXPECT_NE(text.find("send 32, 0, 1, width=2"), std::string::npos) << text;
}

// Every shipped example assembles cleanly, passes the load checks on a matching platform
// and survives the disassembly round trip.
TEST(IsaRoundTrip, ExampleKernels) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(PUMAVP_SOURCE_DIR) + "/kernels/examples")) {
    if (e.path().extension() != ".pasm") continue;
    ++n;
    SCOPED_TRACE(e.path().string());
    Diagnostics d;
    auto img = assemble_file(e.path().string(), Geometry{}, d);
    ASSERT_TRUE(img) << d.str();
    EXPECT_EQ(d.warning_count(), 0u) << d.str();
    Geometry plat = img->geometry(Geometry{});
    EXPECT_FALSE(validate_for_platform(*img, plat)) << validate_for_platform(*img, plat).message;
    auto b1 = write_image(*img);
    std::string text;
    EXPECT_EQ(b1, reassemble(b1, &text)) << text;
    if (e.path().filename() == "loop.pasm") {
      EXPECT_NE(text.find("loop:"), std::string::npos) << text;
      EXPECT_NE(text.find("brn.lt rf.3, rf.4, loop"), std::string::npos) << text;
    }
  }
  EXPECT_GE(n, 3u);
}

TEST(IsaRoundTrip, RandomImages) {
  Rng r(2024);
  for (int i = 0; i < 150; ++i) {
    KernelImage img = random_image(r);
    auto b1 = write_image(img);
    std::string text;
    auto b2 = reassemble(b1, &text);
    ASSERT_EQ(b1, b2) << "image " << i << "\n" << text;
  }
}

TEST(IsaRoundTrip, DisassemblyText) {
  KernelImage img;
  img.header.tiles = 1;
  img.header.cores_per_tile = 1;
  img.programs.push_back({0, 0, {0x0, 0xD | (1ull << 50), 0xD | (9ull << 50), 0x2}});
  img.programs.push_back({0, kTileUnit, {0x5, 0x22}});
  img.symbols.push_back({"top", 0, 0, 1});
  img.symbols.push_back({"also", 0, 0, 1});
  img.symbols.push_back({"end", 0, 0, 4});
  img.symbols.push_back({"t", 0, kTileUnit, 0});
  auto b = write_image(img);
  std::string text;
  auto b2 = reassemble(b, &text);
  EXPECT_EQ(b, b2) << text;
  EXPECT_NE(text.find(".core 0 0\n        .word 0x0000000000000000  # error 5: illegal opcode"), std::string::npos) << text;
  EXPECT_NE(text.find("top:\nalso:\n        jmp top\n"), std::string::npos) << text;
  EXPECT_NE(text.find(".word 0x002400000000000d  # error 6: branch target 9"), std::string::npos) << text;
  EXPECT_NE(text.find("        halt\nend:\n"), std::string::npos) << text;
  EXPECT_NE(text.find(".tile 0\nt:\n        .word 0x0000000000000005  # error 5: illegal opcode: 0x05 (load) is a core instruction"),
            std::string::npos) << text;
}

// Every row of the opcode table: random legal instructions of the row, on random geometries,
// disassemble to text that the assembler (whose operand parsing follows the row) turns back
// into the same word. Each row is asserted to have been exercised.
TEST(IsaRoundTrip, EveryRowAssemblesItsDisassembly) {
  Rng r(77);
  std::map<const OpcodeInfo*, unsigned> seen;
  const unsigned kPerRow = 40;
  for (int round = 0; round < 12; ++round) {
    Geometry g;
    do {  // a random geometry the assembler accepts (the operand space must fit 13 bits)
      g.panther = round % 2 == 1;
      g.num_mvmu = unsigned(r.in(1, g.panther ? 6 : 4));
      g.xbar_size = 32u << r.in(0, 2);
      g.frac_bits = unsigned(r.in(0, 14));
      g.tiles = unsigned(r.in(1, 4));
    } while (!g.check().empty());
    std::string cfg = ".config panther=" + std::string(g.panther ? "true" : "false") +
                      " num_mvmu=" + std::to_string(g.num_mvmu) + " xbar_size=" +
                      std::to_string(g.xbar_size) + " frac_bits=" + std::to_string(g.frac_bits) +
                      " tiles=" + std::to_string(g.tiles) + " cores=1\n";
    for (const OpcodeInfo* row = opcode_table_begin(); row != opcode_table_end(); ++row) {
      SCOPED_TRACE(std::string(row->mnemonic) + " round " + std::to_string(round));
      bool tile = row->stream == Stream::Tile;
      std::vector<uint64_t> words;
      std::string src = cfg + (tile ? ".tile 0\n" : ".core 0 0\n");
      for (unsigned n = 0; n < kPerRow; ++n) {
        uint64_t w = 0;
        std::string text;
        for (int tries = 0; tries < 100000 && !w; ++tries) {  // rejection sampling of the row
          if (tile) {
            TileInstr in = isatest::random_tile(r, g);
            if (in.opcode != row->opcode) continue;
            w = encode(in);
            text = disassemble(in);
          } else {
            CoreInstr in = isatest::random_core(r, g);
            if (in.opcode != row->opcode) continue;
            if (row->opcode == Opcode::Jmp || row->opcode == Opcode::Brn)
              in.target = uint16_t(r.in(0, kPerRow));  // inside the section (+ final halt)
            w = encode(in);
            text = disassemble(in, g);
          }
        }
        if (!w) break;  // row not legal on this geometry (crs without PANTHER)
        words.push_back(w);
        src += "    " + text + "\n";
      }
      if (words.empty()) {
        EXPECT_TRUE(row->opcode == Opcode::Crs && !g.panther);
        continue;
      }
      src += "    halt\n";
      Diagnostics d;
      auto img = assemble_string(src, "row.pasm", ".", Geometry{}, d);
      ASSERT_TRUE(img) << d.str() << "\n" << src;
      const Program* p = img->find_program(0, tile ? kTileUnit : 0);
      ASSERT_TRUE(p);
      ASSERT_EQ(p->words.size(), words.size() + 1);
      for (size_t k = 0; k < words.size(); ++k) {
        EXPECT_EQ(p->words[k], words[k]) << "instruction " << k << "\n" << src;
        EXPECT_TRUE(decode_word_ok(p->words[k], tile, img->geometry())) << src;
      }
      seen[row] += unsigned(words.size());
    }
  }
  for (const OpcodeInfo* row = opcode_table_begin(); row != opcode_table_end(); ++row)
    EXPECT_GE(seen[row], 2 * kPerRow) << row->mnemonic << " not exercised";
  EXPECT_EQ(seen.size(), size_t(opcode_table_end() - opcode_table_begin()));
}
