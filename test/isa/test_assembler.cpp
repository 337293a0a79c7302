// Assembler tests: the isa.md §10 worked example, directives, diagnostics, robustness.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "isa/assembler.h"
#include "isa/npy.h"

using namespace pumavp;
using namespace pumavp::isa;

namespace {

const std::string kExample = std::string(PUMAVP_SOURCE_DIR) + "/kernels/examples/mlp2.pasm";

std::optional<KernelImage> asm_text(const std::string& text, Diagnostics& d,
                                    const Geometry& g = Geometry{}, const std::string& dir = ".") {
  return assemble_string(text, "t.pasm", dir, g, d);
}

// Independent golden MVM of isa.md §2.8 for a small block: y = sat16(rne(sum W x, f)).
int32_t rne_shift(int64_t v, int s) {
  const int64_t d = int64_t(1) << s;
  int64_t q = v >= 0 ? v / d : -((-v + d - 1) / d);  // floor
  int64_t r = v - q * d;
  int64_t h = int64_t(1) << (s - 1);
  if (r > h || (r == h && (q & 1))) ++q;
  return int32_t(std::min<int64_t>(32767, std::max<int64_t>(-32768, q)));
}
std::vector<int32_t> golden(const XbarWeights& w, const std::vector<int32_t>& x) {
  std::vector<int32_t> y(w.cols);
  for (unsigned j = 0; j < w.cols; ++j) {
    int64_t acc = 0;
    for (unsigned i = 0; i < w.rows && i < x.size(); ++i) acc += int64_t(w.at(i, j)) * x[i];
    y[j] = rne_shift(acc, 12);
  }
  return y;
}

std::string tmpdir() {
  auto p = std::filesystem::temp_directory_path() /
           ("pumavp_isa_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(p);
  return p.string();
}

}  // namespace

TEST(IsaAssembler, WorkedExample) {
  Diagnostics d;
  auto img = assemble_file(kExample, Geometry{}, d);
  ASSERT_TRUE(img) << d.str();
  EXPECT_EQ(d.error_count(), 0u);
  EXPECT_EQ(d.warning_count(), 0u) << d.str();
  const ImageHeader& h = img->header;
  EXPECT_EQ(h.tiles, 2);           // highest tile used (1) + 1
  EXPECT_EQ(h.cores_per_tile, 2);  // highest core used (1) + 1
  EXPECT_EQ(h.num_mvmu, 2);
  EXPECT_EQ(h.xbar_size, 128);
  EXPECT_EQ(h.frac_bits, 12);
  EXPECT_FALSE(h.panther);
  // tensors
  ASSERT_EQ(img->tensors.size(), 2u);
  EXPECT_EQ(img->tensors[0], (Tensor{"x", 0, 0, 4, TensorDir::In, 1, {}}));
  EXPECT_EQ(img->tensors[1], (Tensor{"y", 1, 0, 2, TensorDir::Out, 0, {}}));
  // weights as written: q values times 4096
  ASSERT_EQ(img->xbars.size(), 2u);
  const XbarWeights& w1 = img->xbars[0];
  EXPECT_EQ(w1.tile, 0); EXPECT_EQ(w1.core, 0); EXPECT_EQ(w1.mvmu, 0);
  EXPECT_EQ(w1.rows, 4); EXPECT_EQ(w1.cols, 3);
  EXPECT_EQ(w1.w, (std::vector<int32_t>{2048, -1024, 4096, 4096, 2048, 0, 1024, 1024, -2048,
                                        -2048, 1024, 512}));
  const XbarWeights& w2 = img->xbars[1];
  EXPECT_EQ(w2.core, 1);
  EXPECT_EQ(w2.rows, 3); EXPECT_EQ(w2.cols, 2);
  EXPECT_EQ(w2.w, (std::vector<int32_t>{4096, -4096, 8192, 2048, 2048, -1024}));
  // §10 expected values: x = [1.0, 0.5, -1.0, 2.0] gives layer-1 outputs -0.25, 0.25, 1.75
  // and, after relu, layer-2 outputs 1.375, -0.3125.
  auto y1 = golden(w1, {4096, 2048, -4096, 8192});
  EXPECT_EQ(y1, (std::vector<int32_t>{-1024, 1024, 7168}));
  auto y2 = golden(w2, {0, 1024, 7168});
  EXPECT_EQ(y2, (std::vector<int32_t>{5632, -1280}));
  // programs and the §10 encodings
  ASSERT_EQ(img->programs.size(), 4u);
  const Program& c0 = img->programs[0];
  EXPECT_EQ(c0.tile, 0); EXPECT_EQ(c0.core, 0);
  ASSERT_EQ(c0.words.size(), 7u);
  EXPECT_EQ(c0.words[1], 0x0000020000100803ull);
  EXPECT_EQ(c0.words[2], 0x000c000200000005ull);
  EXPECT_EQ(c0.words[3], 0x000000000000004aull);
  EXPECT_EQ(c0.words[4], 0x0080000100104487ull);
  EXPECT_EQ(c0.words[5], 0x0008002208100806ull);
  EXPECT_EQ(c0.words[6], 0x0000000000000002ull);
  EXPECT_EQ(img->programs[1].core, 1);
  EXPECT_EQ(img->programs[1].words.size(), 6u);
  const Program& t0 = img->programs[2];
  EXPECT_TRUE(t0.is_tile());
  EXPECT_EQ(t0.words, (std::vector<uint64_t>{0x0000400040000820ull, 0x22}));
  const Program& t1 = img->programs[3];
  EXPECT_EQ(t1.tile, 1);
  EXPECT_EQ(t1.words, (std::vector<uint64_t>{0x0000400040000021ull, 0x22}));
  EXPECT_FALSE(validate_for_platform(*img, Geometry{}));
}

TEST(IsaAssembler, TableEncodings) {
  // The remaining §10 table entries, as source text.
  Diagnostics d;
  auto img = asm_text(".core 0 0\n"
                      "  alui.mul rf.0, rf.4, 0.5q, vec=8\n"
                      "  brn.lt rf.2, rf.3, 7\n"
                      "  nop\n nop\n nop\n nop\n nop\n"
                      "  halt\n",
                      d);
  ASSERT_TRUE(img) << d.str();
  EXPECT_EQ(img->programs[0].words[0], 0x01c1000204100088ull);
  EXPECT_EQ(img->programs[0].words[1], 0x001c40620200008eull);
}

TEST(IsaAssembler, OperandSyntax) {
  Diagnostics d;
  auto img = asm_text(".equ BASE 40\n"
                      ".equ R rf.10\n"
                      ".core 0 0\n"
                      "  copy out0.0+64, in1.5-2, vec=2\n"            // 256+64, 128+5-2
                      "  set R+1, -32768\n"
                      "  set R, 65535\n"
                      "  set rf.0, -1.5q\n"
                      "  set rf.0 BASE+2\n"                            // blanks as separators
                      "  alu.lsh rf.0, rf.1, shift=3\n"
                      "  alu.subs rf.0, in0.0, stride=4, vec=2\n"
                      "  alu.rand rf.0, vec=4\n"
                      "  load rf.0, rf.1, len=48\n"                    // w 16, vec 3
                      "  load rf.0, rf.1, len=20\n"                    // w 10, vec 2
                      "  store rf.1, rf.0, len=17, count=3\n"          // w 1, vec 17
                      "  mvm mask=3 filter=8 stride=2\n"
                      "  mcu u0=mvm u1=mvm\n"
                      "l: aluint.mod rf.0, rf.1, rf.2\n"
                      "  jmp l\n"
                      "  brn.ge rf.0, rf.1, 0\n"
                      "  HALT\n",
                      d);
  ASSERT_TRUE(img) << d.str();
  Geometry g;
  auto& w = img->programs[0].words;
  auto dec = [&](size_t i) {
    auto r = decode_core(w[i], g);
    EXPECT_TRUE(r.ok()) << r.error.message;
    return r.instr;
  };
  EXPECT_EQ(dec(0).dest, 320);
  EXPECT_EQ(dec(0).src1, 131);
  EXPECT_EQ(dec(0).vec, 2);
  EXPECT_EQ(dec(1).dest, 523);
  EXPECT_EQ(dec(1).imm, 0x8000);
  EXPECT_EQ(dec(2).imm, 0xFFFF);
  EXPECT_EQ(dec(3).imm, uint16_t(int16_t(-6144)));
  EXPECT_EQ(dec(4).imm, 42);
  EXPECT_EQ(dec(5).src3, 3);
  EXPECT_EQ(dec(6).src3, 4);
  EXPECT_EQ(dec(7).op, 24);
  EXPECT_EQ(dec(7).vec, 4);
  EXPECT_EQ(dec(8).width, 16);
  EXPECT_EQ(dec(8).vec, 3);
  EXPECT_EQ(dec(9).width, 10);
  EXPECT_EQ(dec(9).vec, 2);
  EXPECT_EQ(dec(10).width, 1);
  EXPECT_EQ(dec(10).vec, 17);
  EXPECT_EQ(dec(10).count, 3);
  EXPECT_EQ(dec(11).mask, 3);
  EXPECT_EQ(dec(11).filter, 8);
  EXPECT_EQ(dec(11).stride, 2);
  EXPECT_EQ(dec(12).mcu[0], 1);
  EXPECT_EQ(dec(12).mcu[1], 1);
  EXPECT_EQ(dec(14).target, 13);
  EXPECT_EQ(dec(15).target, 0);
  ASSERT_EQ(img->symbols.size(), 1u);
  EXPECT_EQ(img->symbols[0], (Symbol{"l", 0, 0, 13}));
}

TEST(IsaAssembler, TileSyntax) {
  Diagnostics d;
  auto img = asm_text(".tile 3\n"
                      "  send 100, 15, 0, len=32\n"
                      "  receive 0, zero, count=65535, width=16, vec=1024\n"
                      "  halt\n"
                      ".tile 0\n halt\n",
                      d);
  ASSERT_TRUE(img) << d.str();
  EXPECT_EQ(img->header.tiles, 4);
  EXPECT_EQ(img->header.cores_per_tile, 1);
  auto s = decode_tile(img->programs[0].words[0], img->geometry());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.instr.width, 16);
  EXPECT_EQ(s.instr.vec, 2);
  EXPECT_EQ(s.instr.fifo, 15);
  auto r = decode_tile(img->programs[0].words[1], img->geometry());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.instr.fifo, 255);
  EXPECT_EQ(r.instr.count, 65535);
  EXPECT_EQ(disassemble(r.instr), "receive 0, zero, count=65535, width=16, vec=1024");
}

TEST(IsaAssembler, DataAndTensors) {
  Diagnostics d;
  auto img = asm_text(".tensor in0 in 0 10 8 count=3\n"
                      ".tensor out0 out 0 20 1\n"
                      ".data 0 100 count=2 format=q\n"
                      "  0.5 -1 1q\n"
                      "  2.5, 0x10q\n"  // hex q literals are not numbers: rejected
                      ".end\n"
                      ".data 0 200\n"
                      "  1 -1 65535 0x8000 1.5q\n"
                      ".end\n"
                      ".core 0 0\n halt\n",
                      d);
  EXPECT_FALSE(img);
  EXPECT_EQ(d.error_count(), 1u) << d.str();
  Diagnostics d2;
  img = asm_text(".tensor in0 in 0 10 8 count=3\n"
                 ".tensor out0 out 0 20 1\n"
                 ".data 0 100 count=2 format=q\n"
                 "  0.5 -1 1q\n"
                 "  2.5\n"
                 ".end\n"
                 ".data 0 200\n"
                 "  1 -1 65535 0x8000 1.5q\n"
                 ".end\n"
                 ".core 0 0\n halt\n",
                 d2);
  ASSERT_TRUE(img) << d2.str();
  ASSERT_EQ(img->data.size(), 2u);
  EXPECT_EQ(img->data[0].addr, 100u);
  EXPECT_EQ(img->data[0].count, 2);
  EXPECT_EQ(img->data[0].words, (std::vector<int16_t>{2048, -4096, 4096, 10240}));
  EXPECT_EQ(img->data[1].words, (std::vector<int16_t>{1, -1, -1, -32768, 6144}));
  EXPECT_EQ(img->tensors[0], (Tensor{"in0", 0, 10, 8, TensorDir::In, 3, {}}));
}

TEST(IsaAssembler, WeightFiles) {
  std::string dir = tmpdir();
  // int16 raw .npy, 2x3
  std::string err;
  ASSERT_TRUE(write_npy_file(dir + "/w.npy", NpyArray::make(NpyType::I16, {2, 3}, {1, 2, 3, -4, -5, -6}), err)) << err;
  // float .npy for q
  ASSERT_TRUE(write_npy_file(dir + "/wf.npy", NpyArray::make(NpyType::F32, {2, 2}, {0.5, -0.25, 1.0, 7.99}), err));
  // text/csv
  {
    std::ofstream f(dir + "/w.csv");
    f << "# comment\n1, 2\n3, 4\n5, 6\n";
  }
  std::string src =
      ".xbar 0 0 0 file=w.npy\n"
      ".xbar 0 0 1 file=w.npy transpose rows=4 cols=4\n"
      ".xbar 0 1 0 file=wf.npy format=q\n"
      ".xbar 0 1 1 file=w.csv\n"
      ".core 0 0\n halt\n";
  {
    std::ofstream f(dir + "/k.pasm");
    f << src;
  }
  Diagnostics d;
  auto img = assemble_file(dir + "/k.pasm", Geometry{}, d);
  ASSERT_TRUE(img) << d.str();
  ASSERT_EQ(img->xbars.size(), 4u);
  EXPECT_EQ(img->xbars[0].rows, 2);
  EXPECT_EQ(img->xbars[0].cols, 3);
  EXPECT_EQ(img->xbars[0].w, (std::vector<int32_t>{1, 2, 3, -4, -5, -6}));
  EXPECT_EQ(img->xbars[1].rows, 4);
  EXPECT_EQ(img->xbars[1].cols, 4);
  EXPECT_EQ(img->xbars[1].w, (std::vector<int32_t>{1, -4, 0, 0, 2, -5, 0, 0, 3, -6, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(img->xbars[2].w, (std::vector<int32_t>{2048, -1024, 4096, int32_t(std::nearbyint(7.99f * 4096))}));
  EXPECT_EQ(img->xbars[3].rows, 3);
  EXPECT_EQ(img->xbars[3].w, (std::vector<int32_t>{1, 2, 3, 4, 5, 6}));
  // raw format with a float file, a missing file, a too-large q value
  {
    std::ofstream f(dir + "/bad.pasm");
    f << ".xbar 0 0 0 file=wf.npy\n.xbar 0 0 1 file=nope.npy\n"
         ".xbar 0 1 0 rows=1 cols=1 format=q\n 8.0\n.end\n.core 0 0\n halt\n";
  }
  Diagnostics d2;
  EXPECT_FALSE(assemble_file(dir + "/bad.pasm", Geometry{}, d2));
  EXPECT_EQ(d2.error_count(), 3u) << d2.str();
  std::filesystem::remove_all(dir);
}

TEST(IsaAssembler, PantherWeightsAndSlots) {
  Diagnostics d;
  auto img = asm_text(".config panther=true\n"
                      ".xbar 0 0 0 format=q\n 1.0 -0.5\n.end\n"
                      ".core 0 0\n"
                      "  copy in0.1.0, out0.2.5, vec=4\n"
                      "  mcu u0=mvm+opa u1=mtvm\n"
                      "  crs mask=0b11\n"
                      "  halt\n",
                      d);
  ASSERT_TRUE(img) << d.str();
  EXPECT_TRUE(img->header.panther);
  EXPECT_EQ(img->header.slices, 8);
  EXPECT_EQ(img->xbars[0].w, (std::vector<int32_t>{1 << 24, -(1 << 23)}));  // fw = 24
  auto c = decode_core(img->programs[0].words[0], img->geometry());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.instr.dest, 128);
  EXPECT_EQ(c.instr.src1, 768 + 2 * 128 + 5);
  Diagnostics d2;
  EXPECT_FALSE(asm_text(".core 0 0\n crs mask=1\n mcu u0=opa\n copy in0.1.0, rf.0\n halt\n", d2));
  EXPECT_EQ(d2.error_count(), 3u) << d2.str();
}

TEST(IsaAssembler, DiagnosticFormat) {
  Diagnostics d;
  auto img = asm_text(".core 0 0\n"
                      "        set rf.0, 0\n"
                      "        lod in0.0, rf.0\n"
                      "        halt\n",
                      d);
  EXPECT_FALSE(img);
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_EQ(d.str(),
            "t.pasm:3:9: error: unknown mnemonic 'lod'\n"
            "        lod in0.0, rf.0\n"
            "        ^\n");
}

TEST(IsaAssembler, MultipleErrorsReported) {
  Diagnostics d;
  auto img = asm_text(".core 0 0\n"
                      "  set rf.0, 70000\n"          // 2: immediate out of range
                      "  copy rf.0, in5.0\n"         // 3: no MVMU 5
                      "  alu.foo rf.0, rf.1\n"       // 4: unknown op
                      "  alu.add rf.0, rf.1\n"       // 5: missing operand
                      "  load rf.0, rf.1, width=4, len=8\n"  // 6: len with width
                      "  jmp nowhere\n"              // 7: undefined label
                      "  store 5, rf.0\n"            // 8: address register outside RF (code 6)
                      "  alu.relu rf.500, rf.0, vec=20\n"    // 9: straddles the RF end
                      "  halt\n",
                      d);
  EXPECT_FALSE(img);
  EXPECT_EQ(d.error_count(), 8u) << d.str();
  std::vector<unsigned> lines;
  for (const auto& x : d.items()) lines.push_back(x.line);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<unsigned>{2, 3, 4, 5, 6, 7, 8, 9}));
  std::string s = d.str();
  EXPECT_NE(s.find("t.pasm:2:13: error: immediate 70000 out of range"), std::string::npos) << s;
  EXPECT_NE(s.find("t.pasm:3:14: error:"), std::string::npos) << s;
  EXPECT_NE(s.find("undefined label 'nowhere'"), std::string::npos) << s;
  EXPECT_NE(s.find("address register"), std::string::npos) << s;
  // the formatted text lists them in source order
  size_t prev = 0;
  for (unsigned l = 2; l <= 9; ++l) {
    size_t at = s.find("t.pasm:" + std::to_string(l) + ":");
    ASSERT_NE(at, std::string::npos) << l;
    EXPECT_GE(at, prev) << l;
    prev = at;
  }
}

TEST(IsaAssembler, StructuralErrorsAndWarnings) {
  Diagnostics d;
  auto img = asm_text(".core 0 0\n  set rf.0, 1\n"      // warning: no halt
                      ".tile 0\n  send 0, 0, 0\n  halt\n"
                      ".core 0 0\n  halt\n"              // duplicate section
                      "  nop\n",
                      d);
  EXPECT_FALSE(img);
  EXPECT_EQ(d.error_count(), 1u) << d.str();
  EXPECT_EQ(d.warning_count(), 1u) << d.str();
  EXPECT_NE(d.str().find("t.pasm:1:1: warning:"), std::string::npos) << d.str();
  EXPECT_NE(d.str().find("second section for core 0.0 (first at line 1)"), std::string::npos);
  Diagnostics d2;
  EXPECT_FALSE(asm_text("halt\n.core 0 0\nx: halt\nx: halt\n.xbar 0 0 0\n 1 2\n"
                        ".core 0 1\n.config tiles=2\n.tensor a in 0 0 1\n.tensor a in 0 0 1\n",
                        d2));
  // instruction outside a section, duplicate label, missing .end, empty section, .config late,
  // duplicate tensor
  EXPECT_EQ(d2.error_count(), 6u) << d2.str();
  Diagnostics d3;
  EXPECT_FALSE(asm_text(".config tiles=1 cores=1\n.core 0 1\n halt\n.tile 0\n send 0, 0, 1\n halt\n", d3));
  EXPECT_EQ(d3.error_count(), 2u) << d3.str();  // core 1 beyond cores=1, send to tile 1
  Diagnostics d4;
  EXPECT_FALSE(asm_text(".config xbar_size=100\n.core 0 0\n halt\n", d4));
  EXPECT_EQ(d4.error_count(), 1u) << d4.str();
  Diagnostics d5;  // branch target beyond the section
  EXPECT_FALSE(asm_text(".core 0 0\n jmp 2\n halt\n", d5));
  EXPECT_NE(d5.str().find("branch target 2 beyond"), std::string::npos) << d5.str();
  // instruction memory overflow
  std::string big = ".core 0 0\n";
  for (int i = 0; i < 513; ++i) big += " nop\n";
  Diagnostics d6;
  EXPECT_FALSE(asm_text(big, d6));
  EXPECT_NE(d6.str().find("program size"), std::string::npos) << d6.str();
}

TEST(IsaAssembler, WordDirectiveIsUnchecked) {
  Diagnostics d;
  auto img = asm_text(".core 0 0\n .word 0x0\n .word 0xffffffffffffffff\n .word 2\n", d);
  ASSERT_TRUE(img) << d.str();
  EXPECT_EQ(img->programs[0].words, (std::vector<uint64_t>{0, ~0ull, 2}));
  EXPECT_EQ(validate_for_platform(*img, Geometry{}).code, ErrorCode::IllegalInstr);
}

TEST(IsaAssembler, RandomGarbageNeverCrashes) {
  std::mt19937 rng(4242);
  const char* vocab[] = {".core", ".tile", ".xbar", ".data", ".tensor", ".end", ".equ", ".config",
                         ".word", "halt", "set", "alu.add", "alui.mul", "load", "store", "mvm",
                         "send", "receive", "jmp", "brn.lt", "mcu", "rf.0", "in0.0", "out1.127+",
                         "0x", "-", "0b102", "1.5q", "=", ",", ",,", "len=", "vec=1025", "zero",
                         "#", ":", "lbl:", "99999999999999999999999", "q", "file=/nonexistent",
                         "transpose", "count=0", "mask=0b11", "in9.9.9", "rf.-1", "\t", "x"};
  const size_t nv = sizeof vocab / sizeof vocab[0];
  for (int iter = 0; iter < 500; ++iter) {
    std::string text;
    int lines = int(rng() % 30) + 1;
    for (int l = 0; l < lines; ++l) {
      if (rng() % 4 == 0) {
        int n = int(rng() % 40);
        bool binary = rng() % 2;
        for (int k = 0; k < n; ++k) {
          char c = binary ? char(1 + rng() % 255) : char(32 + rng() % 95);
          text += c == '\n' ? ' ' : c;
        }
      } else {
        int n = int(rng() % 8);
        for (int k = 0; k < n; ++k) {
          text += vocab[rng() % nv];
          text += rng() % 3 ? " " : "";
        }
      }
      text += '\n';
    }
    Diagnostics d;
    auto img = asm_text(text, d);
    if (img) {
      // whatever was accepted is a writable, readable image
      auto b = write_image(*img);
      EXPECT_TRUE(read_image(b).ok()) << text;
    } else {
      EXPECT_GT(d.error_count(), 0u);
    }
  }
}

TEST(IsaAssembler, FileErrors) {
  Diagnostics d;
  EXPECT_FALSE(assemble_file("/nonexistent/k.pasm", Geometry{}, d));
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_EQ(d.str(), "/nonexistent/k.pasm: error: cannot open file\n");
  Diagnostics d2;
  EXPECT_FALSE(assemble_file(PUMAVP_SOURCE_DIR, Geometry{}, d2));
  EXPECT_EQ(d2.error_count(), 1u);
  Diagnostics d3;  // an empty kernel assembles, with a warning
  auto img = asm_text("# nothing\n", d3);
  ASSERT_TRUE(img);
  EXPECT_EQ(d3.warning_count(), 1u);
  EXPECT_TRUE(read_image(write_image(*img)).ok());
}

// A weight file named by `.xbar file=` is an input like any other (issue 15, unbounded
// inputs): a directory or an endless stream is refused at once with the file named, in both
// the text and the .npy reader, rather than read as an empty matrix or until memory runs out.
TEST(IsaAssembler, WeightFilesAreBoundedInputs) {
  const std::string dir = PUMAVP_SOURCE_DIR;
  for (const char* f : {"/dev/zero", "/dev/zero.npy", "."}) {
    // /dev/zero.npy does not exist: only "/dev/zero" and "." are the hostile cases; the
    // .npy spelling checks that a missing .npy file is also a plain error.
    Diagnostics d;
    auto img = asm_text(std::string(".xbar 0 0 0 file=") + f + "\n.core 0 0\n halt\n", d,
                        Geometry{}, dir);
    EXPECT_FALSE(img) << f;
    ASSERT_EQ(d.error_count(), 1u) << f << "\n" << d.str();
    EXPECT_NE(d.str().find(f), std::string::npos) << d.str();
  }
  Diagnostics d;
  asm_text(".xbar 0 0 0 file=/dev/zero\n.core 0 0\n halt\n", d);
  EXPECT_NE(d.str().find("limit"), std::string::npos) << d.str();
  Diagnostics d2;
  asm_text(".xbar 0 0 0 file=.\n.core 0 0\n halt\n", d2, Geometry{}, dir);
  EXPECT_NE(d2.str().find("directory"), std::string::npos) << d2.str();
}

// q literals are converted with rne_real (isa.md §2: nearest, ties to even). At 12 fractional
// bits the decimal values below are exact binary fractions whose raw value is a tie:
//   0.0006103515625 = 2.5/4096 -> raw 2.5 -> 2 (even; ties-away would give 3)
//   0.0008544921875 = 3.5/4096 -> raw 3.5 -> 4 (even)
//  -0.0006103515625 = -2.5/4096 -> raw -2.5 -> -2 (even; ties-away would give -3)
// Every place a q value is converted is covered: instruction immediates, .equ, .data with a
// q suffix, .data format=q, .xbar format=q inline, from a text file and from a float .npy.
TEST(IsaAssembler, QLiteralTiesRoundToEvenEverywhere) {
  const std::vector<int32_t> want{2, 4, -2};
  std::string dir = tmpdir();
  {
    std::ofstream f(dir + "/ties.csv");
    f << "0.0006103515625, 0.0008544921875, -0.0006103515625\n";
  }
  std::string err;
  ASSERT_TRUE(write_npy_file(dir + "/ties.npy",
                             NpyArray::make(NpyType::F32, {1, 3}, {2.5 / 4096, 3.5 / 4096, -2.5 / 4096}), err))
      << err;
  {
    std::ofstream f(dir + "/k.pasm");
    f << ".equ QA 0.0006103515625q\n"
         ".equ QN -0.0006103515625q\n"
         ".data 0 100\n 0.0006103515625q 0.0008544921875q -0.0006103515625q\n.end\n"
         ".data 0 200 format=q\n 0.0006103515625 0.0008544921875 -0.0006103515625\n.end\n"
         ".xbar 0 0 0 format=q\n 0.0006103515625 0.0008544921875 -0.0006103515625\n.end\n"
         ".xbar 0 0 1 file=ties.csv format=q\n"
         ".xbar 0 1 0 file=ties.npy format=q\n"
         ".core 0 0\n"
         "  set rf.0, 0.0006103515625q\n"
         "  set rf.0, 0.0008544921875q\n"
         "  set rf.0, -0.0006103515625q\n"
         "  set rf.0, QA\n"
         "  set rf.0, QN\n"
         "  halt\n";
  }
  Diagnostics d;
  auto img = assemble_file(dir + "/k.pasm", Geometry{}, d);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(img) << d.str();
  Geometry g;
  ASSERT_EQ(g.frac_bits, 12u);
  auto& w = img->programs[0].words;
  auto imm = [&](size_t i) {
    auto r = decode_core(w[i], g);
    EXPECT_TRUE(r.ok()) << r.error.message;
    return r.instr.imm;
  };
  EXPECT_EQ(imm(0), 2);
  EXPECT_EQ(imm(1), 4);
  EXPECT_EQ(imm(2), uint16_t(int16_t(-2)));
  EXPECT_EQ(imm(3), 2);  // .equ QA
  EXPECT_EQ(imm(4), uint16_t(int16_t(-2)));  // .equ QN
  ASSERT_EQ(img->data.size(), 2u);
  EXPECT_EQ(img->data[0].words, (std::vector<int16_t>{2, 4, -2}));  // q suffix
  EXPECT_EQ(img->data[1].words, (std::vector<int16_t>{2, 4, -2}));  // format=q
  ASSERT_EQ(img->xbars.size(), 3u);
  for (size_t k = 0; k < 3; ++k) {  // inline, text file, .npy
    ASSERT_EQ(img->xbars[k].rows, 1) << k;
    EXPECT_EQ(img->xbars[k].w, want) << k;
  }
}

// Operand-count and key diagnostics come from the opcode table for every row: a missing or
// an extra positional operand and an unknown key, with exact text and column. The expected
// syntax (positional operands, allowed keys) is spelled out here independently of the table.
TEST(IsaAssembler, OperandErrorsFromTheTable) {
  struct Row {
    bool tile;
    const char* mnem;
    std::vector<std::string> pos;  // a legal set of positional operands
    const char* keys;              // a legal key operand (or "")
    const char* allowed;           // allowed keys, nullptr: none
  };
  const std::vector<Row> rows = {
      {false, "nop", {}, "", nullptr},
      {false, "halt", {}, "", nullptr},
      {false, "set", {"rf.0", "5"}, "", "vec"},
      {false, "copy", {"rf.0", "rf.1"}, "", "vec"},
      {false, "load", {"rf.0", "rf.1"}, "", "width, vec, len"},
      {false, "store", {"rf.0", "rf.1"}, "", "count, width, vec, len"},
      {false, "alu.add", {"rf.0", "rf.1", "rf.2"}, "", "vec"},
      {false, "alu.lsh", {"rf.0", "rf.1"}, "", "vec, shift"},
      {false, "alu.subs", {"rf.0", "rf.1"}, "stride=1", "vec, stride"},
      {false, "alu.rand", {"rf.0"}, "", "vec"},
      {false, "alui.mul", {"rf.0", "rf.1", "3"}, "", "vec"},
      {false, "aluint.mod", {"rf.0", "rf.1", "rf.2"}, "", nullptr},
      {false, "mvm", {}, "mask=1", "mask, filter, stride"},
      {false, "mcu", {}, "u0=mvm", "u0, u1, u2, u3, u4, u5"},
      {false, "crs", {}, "mask=1", "mask"},
      {false, "jmp", {"0"}, "", nullptr},
      {false, "brn.ge", {"rf.0", "rf.1", "0"}, "", nullptr},
      {true, "send", {"0", "0", "0"}, "", "width, vec, len"},
      {true, "receive", {"0", "zero"}, "", "count, width, vec, len"},
      {true, "halt", {}, "", nullptr},
  };
  auto line_of = [](const Row& r, const std::vector<std::string>& pos, const std::string& keys) {
    std::string s = r.mnem, sep = " ";
    for (const auto& p : pos) s += sep + p, sep = ", ";
    if (!keys.empty()) s += sep + keys;
    return s;
  };
  // one diagnostic for `line` (line 2, column 3 = mnemonic): "col: message"
  auto diag = [](const Row& r, const std::string& line) {
    Diagnostics d;
    std::string src = std::string(r.tile ? ".tile 0\n" : ".config panther=true\n.core 0 0\n") +
                      "  " + line + "\n  halt\n";
    bool ok = bool(asm_text(src, d));
    EXPECT_EQ(ok, d.error_count() == 0) << src;
    if (d.error_count() != 1) return "errors: " + std::to_string(d.error_count()) + "\n" + d.str();
    const auto& x = d.items()[0];
    return std::to_string(x.col) + ": " + x.message;
  };
  size_t core_rows = 0, tile_rows = 0;
  for (const Row& r : rows) {
    SCOPED_TRACE(r.mnem);
    (r.tile ? tile_rows : core_rows)++;
    std::string ok = line_of(r, r.pos, r.keys);
    EXPECT_EQ(diag(r, ok), "errors: 0\n") << ok;
    size_t n = r.pos.size();
    std::string ops = std::to_string(n) + " positional operand" + (n == 1 ? "" : "s");
    // extra positional operand
    auto more = r.pos;
    more.push_back("7");
    std::string l = line_of(r, more, r.keys);
    EXPECT_EQ(diag(r, l), std::to_string(3 + l.find(n ? ", 7" : " 7") + (n ? 2 : 1)) + ": " + r.mnem +
                              " takes " + ops + ", found '7'");
    // missing positional operand
    if (n) {
      auto less = r.pos;
      less.pop_back();
      EXPECT_EQ(diag(r, line_of(r, less, r.keys)),
                "3: " + std::string(r.mnem) + " needs " + ops + ", found " + std::to_string(n - 1));
    }
    // unknown key
    std::string k = r.keys[0] ? std::string(r.keys) + ", bogus=1" : "bogus=1";
    l = line_of(r, r.pos, k);
    EXPECT_EQ(diag(r, l), std::to_string(3 + l.find("bogus")) + ": unknown key 'bogus' for " + r.mnem +
                              (r.allowed ? " (allowed: " + std::string(r.allowed) + ")" : " (it takes no keys)"));
  }
  // every row of the table is covered above (halt twice: core and tile)
  EXPECT_EQ(core_rows + tile_rows, size_t(17 + 3));
  // key rules from the operand kinds
  Row mvm = rows[12], mcu = rows[13], st = rows[5], alu = rows[7];
  EXPECT_EQ(diag(mvm, "mvm filter=4"), "3: mvm needs mask=");
  EXPECT_EQ(diag(mvm, "mvm mask=1 filter=4"), "3: mvm needs both filter= and stride= (or neither)");
  EXPECT_EQ(diag(mvm, "mvm mask=1 stride=4"), "3: mvm needs both filter= and stride= (or neither)");
  EXPECT_EQ(diag(mvm, "mvm mask=256"), "12: mask 256 out of range (0..255)");
  EXPECT_EQ(diag(mcu, "mcu"), "3: mcu needs at least one uM=FLAGS operand");
  EXPECT_EQ(diag(mcu, "mcu u1=mvm+mvm"), "14: bad MCU operation 'mvm' (mvm, mtvm, opa joined by +)");
  EXPECT_EQ(diag(st, "store rf.0, rf.1, count=0"), "27: count 0 out of range (1..8191)");
  EXPECT_EQ(diag(st, "store rf.0, rf.1, len=20, vec=2"), "25: len= cannot be combined with width= or vec=");
  EXPECT_EQ(diag(alu, "alu.lsh rf.0, rf.1, shift=16"), "29: shift 16 out of range (0..15)");
  EXPECT_EQ(diag(alu, "alu.lsh rf.0, rf.1, vec=1025"), "27: vec 1025 out of range (1..1024)");
  EXPECT_EQ(diag(alu, "alu rf.0"), "3: 'alu' needs an operation suffix, e.g. alu.add");
  EXPECT_EQ(diag(alu, "alui.not rf.0, rf.1, 1"), "3: alui does not allow 'not' (only binary operations)");
  EXPECT_EQ(diag(alu, "brn.x rf.0, rf.1, 0"), "3: unknown brn condition 'x' (eq, neq, lt, le, gt, ge)");
  EXPECT_EQ(diag(alu, "copy.x rf.0, rf.1"), "3: 'copy' takes no '.x' suffix");
  EXPECT_EQ(diag(rows[18], "receive 0, 256"), "14: FIFO 256 out of range (0..255)");
  EXPECT_EQ(diag(rows[17], "send 0, 0, 65536"), "14: target tile 65536 out of range (0..65535)");
}
