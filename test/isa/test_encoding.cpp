// Encoding tests: the isa.md §10 table, hand-derived field positions, random round trips,
// boundary values and every class of illegal word.
#include <gtest/gtest.h>

#include "isa/encoding.h"
#include "isa/opcode_table.h"
#include "isa_test_util.h"

using namespace pumavp;
using namespace pumavp::isa;
using isatest::Rng;

namespace {

const Geometry kPuma;  // defaults: M = 2, X = 128, RF 512..1023

Geometry panther_geom() {
  Geometry g;
  g.panther = true;
  g.slices = 8;
  return g;
}

CoreInstr decode_ok(uint64_t w, const Geometry& g = kPuma) {
  auto d = decode_core(w, g);
  EXPECT_TRUE(d.ok()) << std::hex << w << ": " << d.error.message;
  return d.instr;
}

}  // namespace

// isa.md §10 encodings, decoded field by field against hand-read values.
TEST(IsaEncoding, WorkedExampleTable) {
  {
    CoreInstr in = decode_ok(0x0000020000100803ull);  // set rf.1, 16
    EXPECT_EQ(in.opcode, Opcode::Set);
    EXPECT_EQ(in.dest, 513);
    EXPECT_EQ(in.imm, 16);
    EXPECT_EQ(in.vec, 1);
    EXPECT_EQ(disassemble(in, kPuma), "set rf.1, 16");
  }
  {
    CoreInstr in = decode_ok(0x01c1000204100088ull);  // alui.mul rf.0, rf.4, 0.5q, vec=8
    EXPECT_EQ(in.opcode, Opcode::Alui);
    EXPECT_EQ(in.op, 2);
    EXPECT_EQ(in.dest, 512);
    EXPECT_EQ(in.src1, 516);
    EXPECT_EQ(in.imm, 2048);
    EXPECT_EQ(in.vec, 8);
    EXPECT_EQ(disassemble(in, kPuma), "alui.mul rf.0, rf.4, 2048, vec=8");
  }
  {
    CoreInstr in = decode_ok(0x000c000200000005ull);  // load in0.0, rf.0, width=4
    EXPECT_EQ(in.opcode, Opcode::Load);
    EXPECT_EQ(in.dest, 0);
    EXPECT_EQ(in.src1, 512);
    EXPECT_EQ(in.width, 4);
    EXPECT_EQ(in.vec, 1);
    EXPECT_EQ(disassemble(in, kPuma), "load in0.0, rf.0, width=4");
  }
  {
    CoreInstr in = decode_ok(0x001c40620200008eull);  // brn.lt rf.2, rf.3, 7
    EXPECT_EQ(in.opcode, Opcode::Brn);
    EXPECT_EQ(in.op, 2);
    EXPECT_EQ(in.src1, 514);
    EXPECT_EQ(in.src2, 515);
    EXPECT_EQ(in.target, 7);
    EXPECT_EQ(disassemble(in, kPuma), "brn.lt rf.2, rf.3, 7");
  }
  {
    CoreInstr in = decode_ok(0x000000000000004aull);  // mvm mask=0b01
    EXPECT_EQ(in.opcode, Opcode::Mvm);
    EXPECT_EQ(in.mask, 1);
    EXPECT_EQ(disassemble(in, kPuma), "mvm mask=0b01");
  }
  {
    CoreInstr in = decode_ok(0x0080000100104487ull);  // alu.relu rf.8, out0.0, vec=3
    EXPECT_EQ(in.opcode, Opcode::Alu);
    EXPECT_EQ(in.op, 18);
    EXPECT_EQ(in.dest, 520);
    EXPECT_EQ(in.src1, 256);
    EXPECT_EQ(in.vec, 3);
    EXPECT_EQ(disassemble(in, kPuma), "alu.relu rf.8, out0.0, vec=3");
  }
  {
    CoreInstr in = decode_ok(0x0008002208100806ull);  // store rf.1, rf.8, count=1, width=3
    EXPECT_EQ(in.opcode, Opcode::Store);
    EXPECT_EQ(in.dest, 513);
    EXPECT_EQ(in.src1, 520);
    EXPECT_EQ(in.count, 1);
    EXPECT_EQ(in.width, 3);
    EXPECT_EQ(disassemble(in, kPuma), "store rf.1, rf.8, width=3");
  }
  {
    auto d = decode_tile(0x0000400040000820ull, kPuma);  // send 32, 0, 1, width=2
    ASSERT_TRUE(d.ok()) << d.error.message;
    EXPECT_EQ(d.instr.opcode, Opcode::Send);
    EXPECT_EQ(d.instr.mem, 32);
    EXPECT_EQ(d.instr.fifo, 0);
    EXPECT_EQ(d.instr.target, 1);
    EXPECT_EQ(d.instr.width, 2);
    EXPECT_EQ(d.instr.vec, 1);
    EXPECT_EQ(disassemble(d.instr), "send 32, 0, 1, width=2");
  }
  {
    auto d = decode_tile(0x0000400040000021ull, kPuma);  // receive 0, 0, count=1, width=2
    ASSERT_TRUE(d.ok()) << d.error.message;
    EXPECT_EQ(d.instr.opcode, Opcode::Receive);
    EXPECT_EQ(d.instr.mem, 0);
    EXPECT_EQ(d.instr.count, 1);
    EXPECT_EQ(d.instr.width, 2);
    EXPECT_EQ(disassemble(d.instr), "receive 0, 0, width=2");
  }
  EXPECT_EQ(decode_ok(0x2).opcode, Opcode::Halt);
  auto th = decode_tile(0x22, kPuma);
  ASSERT_TRUE(th.ok());
  EXPECT_EQ(th.instr.opcode, Opcode::TileHalt);
}

// Building the same instructions from fields gives the table words.
TEST(IsaEncoding, EncodeFromFields) {
  CoreInstr set;
  set.opcode = Opcode::Set;
  set.dest = 513;
  set.imm = 16;
  EXPECT_EQ(encode(set), 0x0000020000100803ull);
  CoreInstr alui;
  alui.opcode = Opcode::Alui;
  alui.op = uint8_t(AluOp::Mul);
  alui.dest = 512;
  alui.src1 = 516;
  alui.imm = 2048;
  alui.vec = 8;
  EXPECT_EQ(encode(alui), 0x01c1000204100088ull);
  CoreInstr brn;
  brn.opcode = Opcode::Brn;
  brn.op = uint8_t(BrnOp::Lt);
  brn.src1 = 514;
  brn.src2 = 515;
  brn.target = 7;
  EXPECT_EQ(encode(brn), 0x001c40620200008eull);
  CoreInstr st;
  st.opcode = Opcode::Store;
  st.dest = 513;
  st.src1 = 520;
  st.count = 1;
  st.width = 3;
  EXPECT_EQ(encode(st), 0x0008002208100806ull);
  TileInstr rc;
  rc.opcode = Opcode::Receive;
  rc.count = 1;
  rc.width = 2;
  EXPECT_EQ(encode(rc), 0x0000400040000021ull);
}

// Single-field words at their maximum values land at the bit positions of isa.md §4.1.
TEST(IsaEncoding, FieldPositions) {
  CoreInstr a;
  a.opcode = Opcode::Jmp;
  a.target = 16383;
  EXPECT_EQ(encode(a), (0x3FFFull << 50) | 0x0D);
  CoreInstr b;
  b.opcode = Opcode::Copy;
  b.vec = 1024;
  EXPECT_EQ(encode(b), (0x3FFull << 54) | 0x04);
  CoreInstr c;
  c.opcode = Opcode::Alu;
  c.op = 26;
  c.src3 = 15;
  EXPECT_EQ(encode(c), (0xFull << 50) | (26ull << 6) | 0x07);
  CoreInstr m;
  m.opcode = Opcode::Mcu;
  m.mcu[0] = 1;
  m.mcu[5] = 7;
  EXPECT_EQ(encode(m), (7ull << 21) | (1ull << 6) | 0x0B);
  TileInstr s;
  s.opcode = Opcode::Send;
  s.mem = 0xFFFF;
  s.fifo = 0xAB;
  s.target = 0x1234;
  s.width = 16;
  s.vec = 1024;
  EXPECT_EQ(encode(s), (0x3FFull << 50) | (0xFull << 46) | (0x1234ull << 30) | (0xABull << 22) |
                           (0xFFFFull << 6) | 0x20);
}

TEST(IsaEncoding, RandomLegalRoundTrip) {
  Rng r(12345);
  Geometry pan = panther_geom();
  Geometry small;
  small.num_mvmu = 1;
  small.xbar_size = 32;
  small.rf_size = 100;
  const Geometry* geoms[] = {&kPuma, &pan, &small};
  for (int i = 0; i < 120000; ++i) {
    const Geometry& g = *geoms[i % 3];
    CoreInstr in = isatest::random_core(r, g);
    uint64_t w = encode(in);
    auto d = decode_core(w, g);
    ASSERT_TRUE(d.ok()) << i << " " << std::hex << w << " " << d.error.message;
    ASSERT_EQ(d.instr, in) << i << " " << std::hex << w;
    ASSERT_EQ(encode(d.instr), w);
  }
  for (int i = 0; i < 30000; ++i) {
    TileInstr in = isatest::random_tile(r, kPuma);
    uint64_t w = encode(in);
    auto d = decode_tile(w, kPuma);
    ASSERT_TRUE(d.ok()) << std::hex << w << " " << d.error.message;
    ASSERT_EQ(d.instr, in);
    ASSERT_EQ(encode(d.instr), w);
  }
}

// Any word the decoder accepts is canonical: re-encoding gives the same word.
TEST(IsaEncoding, RandomWordsDecodeCanonically) {
  Rng r(777);
  Geometry pan = panther_geom();
  int accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    uint64_t w = r.u64();
    // thin out the bits so that some words are legal
    w &= r.u64() & r.u64();
    w = (w & ~0x3Full) | uint64_t(r.in(0, 0x23));
    const Geometry& g = (i & 1) ? pan : kPuma;
    auto d = decode_core(w, g);
    if (d.ok()) {
      ++accepted;
      ASSERT_EQ(encode(d.instr), w) << std::hex << w;
    } else {
      ASSERT_TRUE(d.error.code == ErrorCode::IllegalInstr || d.error.code == ErrorCode::AddressRange);
      ASSERT_FALSE(d.error.message.empty());
    }
    auto t = decode_tile(w, g);
    if (t.ok()) {
      ++accepted;
      ASSERT_EQ(encode(t.instr), w) << std::hex << w;
    }
  }
  EXPECT_GT(accepted, 1000);
}

TEST(IsaEncoding, BoundaryValues) {
  // vec, width, count, target, imm extremes; operand ranges touching region ends.
  struct Case { CoreInstr in; };
  std::vector<CoreInstr> v;
  CoreInstr s;
  s.opcode = Opcode::Set;
  s.dest = 512;
  s.vec = 512;  // exactly fills the RF
  s.imm = 0xFFFF;
  v.push_back(s);
  CoreInstr c;
  c.opcode = Opcode::Copy;
  c.dest = 0;
  c.src1 = 256;
  c.vec = 256;  // whole XbarIn <- whole XbarOut
  v.push_back(c);
  CoreInstr l;
  l.opcode = Opcode::Load;
  l.dest = 512;
  l.src1 = 1023;
  l.width = 16;
  l.vec = 32;  // 512 words, the whole RF
  v.push_back(l);
  CoreInstr st;
  st.opcode = Opcode::Store;
  st.dest = 1023;
  st.src1 = 0;
  st.count = 8191;
  st.width = 16;
  st.vec = 16;
  v.push_back(st);
  CoreInstr j;
  j.opcode = Opcode::Jmp;
  j.target = 16383;
  v.push_back(j);
  CoreInstr sub;
  sub.opcode = Opcode::Alu;
  sub.op = uint8_t(AluOp::Subs);
  sub.src3 = 15;
  sub.vec = 18;  // span 17*15+1 = 256 words from 0: exactly XbarIn
  sub.dest = 512;
  sub.src1 = 0;
  v.push_back(sub);
  CoreInstr mv;
  mv.opcode = Opcode::Mvm;
  mv.mask = 3;
  mv.filter = 128;
  mv.stride = 127;
  v.push_back(mv);
  for (const auto& in : v) {
    auto d = decode_core(encode(in), kPuma);
    ASSERT_TRUE(d.ok()) << disassemble(in, kPuma) << ": " << d.error.message;
    EXPECT_EQ(d.instr, in);
  }
  // one more word in each case goes out of range (code 6)
  s.vec = 513;
  EXPECT_EQ(decode_core(encode(s), kPuma).error.code, ErrorCode::AddressRange);
  c.vec = 257;
  EXPECT_EQ(decode_core(encode(c), kPuma).error.code, ErrorCode::AddressRange);
  sub.vec = 19;
  EXPECT_EQ(decode_core(encode(sub), kPuma).error.code, ErrorCode::AddressRange);
  TileInstr t;
  t.opcode = Opcode::Send;
  t.mem = 32768 - 16 * 1024;
  t.width = 16;
  t.vec = 1024;
  t.fifo = 15;
  t.target = 137;
  EXPECT_TRUE(decode_tile(encode(t), kPuma).ok());
  t.mem += 1;
  EXPECT_EQ(decode_tile(encode(t), kPuma).error.code, ErrorCode::AddressRange);
}

namespace {
struct Bad {
  const char* what;
  uint64_t word;
  bool tile;
  ErrorCode code;
  const char* needle;  // must occur in the message
};
}  // namespace

TEST(IsaEncoding, RejectsIllegalWords) {
  const uint64_t set_rf1 = 0x0000020000100803ull;
  const uint64_t relu = 0x0080000100104487ull;  // alu.relu rf.8, out0.0, vec=3
  const uint64_t store = 0x0008002208100806ull;
  const uint64_t load = 0x000c000200000005ull;
  const uint64_t send = 0x0000400040000820ull;
  const uint64_t recv = 0x0000400040000021ull;
  // The lowest core-stream opcode value the table leaves undefined (0x0F today).
  uint64_t undefined_op = 1;
  while (opcode_info(unsigned(undefined_op), Stream::Core)) ++undefined_op;
  const uint64_t brn = 0x001c40620200008eull;
  const ErrorCode I = ErrorCode::IllegalInstr, A = ErrorCode::AddressRange;
  const Bad cases[] = {
      {"all-zero word", 0, false, I, "illegal opcode"},
      {"undefined core opcode", undefined_op, false, I, "illegal opcode"},
      {"undefined opcode 0x3F", 0x3F, false, I, "illegal opcode"},
      {"tile opcode in core", send, false, I, "tile instruction"},
      {"core opcode in tile", set_rf1, true, I, "core instruction"},
      {"undefined tile opcode", 0x23, true, I, "illegal opcode"},
      {"halt with reserved bit", 0x2 | (1ull << 40), false, I, "reserved"},
      {"tile halt with reserved bit", 0x22 | (1ull << 63), true, I, "reserved"},
      {"set with op field", set_rf1 | (1ull << 6), false, I, "op field"},
      {"set with src1", set_rf1 | (1ull << 24), false, I, "src1"},
      {"set with bit 53", set_rf1 | (1ull << 53), false, I, "reserved [53]"},
      {"relu with src2", relu | (1ull << 37), false, I, "src2"},
      {"relu with src3", relu | (1ull << 50), false, I, "src3"},
      {"add with src3", 0x7 | (512ull << 11) | (512ull << 24) | (512ull << 37) | (3ull << 50), false, I, "src3"},
      {"rand with src1", 0x7 | (24ull << 6) | (512ull << 11) | (512ull << 24), false, I, "src1"},
      {"alu op 27", 0x7 | (27ull << 6) | (512ull << 11), false, I, "bad sub-op"},
      {"alu op 31", 0x7 | (31ull << 6) | (512ull << 11), false, I, "bad sub-op"},
      {"alui relu", 0x8 | (18ull << 6) | (512ull << 11) | (512ull << 24), false, I, "not allowed in alui"},
      {"alui rand", 0x8 | (24ull << 6) | (512ull << 11), false, I, "not allowed in alui"},
      {"aluint op 11", 0x9 | (11ull << 6) | (512ull << 11) | (512ull << 24) | (512ull << 37), false, I, "bad sub-op"},
      {"aluint with vec", 0x9 | (512ull << 11) | (512ull << 24) | (512ull << 37) | (1ull << 54), false, I, "vec"},
      {"brn op 6", (brn & ~(0x1Full << 6)) | (6ull << 6), false, I, "bad sub-op"},
      {"brn reserved", brn | (1ull << 11), false, I, "reserved"},
      {"jmp with src1", 0xD | (512ull << 24), false, I, "src1"},
      {"subs stride 0", 0x7 | (26ull << 6) | (512ull << 11) | (512ull << 24), false, I, "subs"},
      {"store count 0", store & ~(0x1FFFull << 37), false, I, "count"},
      {"load with count", load | (1ull << 37), false, I, "count"},
      {"load reserved [10:6]", load | (1ull << 7), false, I, "reserved"},
      {"mvm empty mask", 0xA, false, I, "empty"},
      {"mvm mask beyond M", 0xA | (4ull << 6), false, I, "beyond"},
      {"mvm stride >= filter", 0xA | (1ull << 6) | (4ull << 24) | (4ull << 37), false, I, "filter"},
      {"mvm filter > X", 0xA | (1ull << 6) | (129ull << 24) | (1ull << 37), false, I, "filter"},
      {"mvm stride without filter", 0xA | (1ull << 6) | (1ull << 37), false, I, "filter"},
      {"mvm reserved", 0xA | (1ull << 6) | (1ull << 20), false, I, "reserved"},
      {"mcu empty", 0xB, false, I, "selects nothing"},
      {"mcu opa without PANTHER", 0xB | (4ull << 6), false, I, "PANTHER"},
      {"mcu mtvm without PANTHER", 0xB | (2ull << 6), false, I, "PANTHER"},
      {"mcu beyond M", 0xB | (1ull << 12), false, I, "beyond"},
      {"crs without PANTHER", 0xC | (1ull << 6), false, I, "PANTHER"},
      {"send FIFO 16", send | (16ull << 22), true, I, "FIFO 16"},
      {"send FIFO 255", send | (255ull << 22), true, I, "255"},
      {"receive FIFO 200", recv | (200ull << 22), true, I, "FIFO 200"},
      {"send to tile 138", (send & ~(0xFFFFull << 30)) | (138ull << 30), true, I, "tile 138"},
      {"receive count 0", recv & ~(0xFFFFull << 30), true, I, "count"},
      {"send reserved", send | (1ull << 60), true, I, "reserved"},
      // operand address (code 6)
      {"alu dest straddles out of the space", 0x7 | (1023ull << 11) | (1ull << 54), false, A, "operand"},
      {"dest beyond the operand space", 0x4 | (5000ull << 11) | (512ull << 24), false, A, "outside the operand space"},
      {"copy src straddles XbarIn/XbarOut", 0x4 | (512ull << 11) | (250ull << 24) | (9ull << 54), false, A, "straddles"},
      {"set into XbarIn", 0x3 | (5ull << 11), false, A, "RF"},
      {"aluint operand in XbarOut", 0x9 | (300ull << 11) | (512ull << 24) | (512ull << 37), false, A, "RF"},
      {"brn operand in XbarIn", 0xE | (0ull << 24) | (512ull << 37), false, A, "RF"},
      {"load address register outside RF", 0x5 | (0ull << 11) | (10ull << 24), false, A, "address register"},
      {"store address register outside RF", 0x6 | (10ull << 11) | (512ull << 24) | (1ull << 37), false, A, "address register"},
      {"load width*vec overruns RF", 0x5 | (1000ull << 11) | (512ull << 24) | (15ull << 50) | (1ull << 54), false, A, "operand"},
      {"subs span overruns XbarIn", 0x7 | (26ull << 6) | (512ull << 11) | (200ull << 24) | (15ull << 50) | (4ull << 54), false, A, "source 1"},
      {"receive beyond shared memory", (recv & ~(0xFFFFull << 6)) | (32767ull << 6), true, A, "shared memory"},
  };
  for (const Bad& b : cases) {
    IsaError e = b.tile ? decode_tile(b.word, kPuma).error : decode_core(b.word, kPuma).error;
    EXPECT_EQ(e.code, b.code) << b.what << ": " << e.message;
    EXPECT_NE(e.message.find(b.needle), std::string::npos) << b.what << ": " << e.message;
  }
}

TEST(IsaEncoding, PantherOpsLegalWithPanther) {
  Geometry g = panther_geom();
  EXPECT_TRUE(decode_core(0xC | (3ull << 6), g).ok());                    // crs mask=0b11
  EXPECT_TRUE(decode_core(0xB | (7ull << 6) | (6ull << 9), g).ok());      // mcu u0=all u1=mtvm+opa
  EXPECT_EQ(decode_core(0xB | (1ull << 12), g).error.code, ErrorCode::IllegalInstr);  // u2, M=2
  // PANTHER layout: N_in = 768, RF from 1536; slot operands print as inM.K.I
  EXPECT_EQ(operand_text(128 + 5, g), "in0.1.5");
  EXPECT_EQ(operand_text(768 + 3 * 128 + 7, g), "out1.7");
  EXPECT_EQ(operand_text(1536, g), "rf.0");
  EXPECT_EQ(operand_text(3072, g), "3072");
  auto d = decode_core(0xB | (7ull << 6) | (6ull << 9), g);
  EXPECT_EQ(disassemble(d.instr, g), "mcu u0=mvm+mtvm+opa, u1=mtvm+opa");
}

TEST(IsaEncoding, GeometryLayout) {
  EXPECT_EQ(kPuma.n_in(), 256u);
  EXPECT_EQ(kPuma.rf_base(), 512u);
  EXPECT_EQ(kPuma.operand_space(), 1024u);
  EXPECT_EQ(kPuma.region_of(255), Region::XbarIn);
  EXPECT_EQ(kPuma.region_of(256), Region::XbarOut);
  EXPECT_EQ(kPuma.region_of(1023), Region::RF);
  EXPECT_EQ(kPuma.region_of(1024), Region::Invalid);
  EXPECT_EQ(kPuma.xbar_in_addr(1, 0, 3), 131u);
  EXPECT_EQ(kPuma.xbar_out_addr(1, 0, 3), 387u);
  Geometry p = panther_geom();
  EXPECT_EQ(p.operand_space(), 3072u);
  EXPECT_EQ(p.weight_lo(), -2147483648ll);
  EXPECT_EQ(p.weight_hi(), 2004318071ll);
  EXPECT_EQ(kPuma.check(), "");
  Geometry big;
  big.num_mvmu = 8;
  big.xbar_size = 256;  // 8*256*4 = 8192 words: the limit
  EXPECT_EQ(big.check(), "");
  big.rf_size = 4097;
  EXPECT_NE(big.check(), "");
  Geometry pbad = panther_geom();
  pbad.num_mvmu = 7;
  EXPECT_NE(pbad.check(), "");
}

// Every field at its boundary values, on the largest legal geometry (M = 8, X = 256:
// XbarIn 0..2047, XbarOut 2048..4095, RF 4096..8191) and a PANTHER one.
TEST(IsaEncoding, AllBoundaryFieldValues) {
  Geometry g;
  g.num_mvmu = 8;
  g.xbar_size = 256;
  ASSERT_EQ(g.check(), "");
  const uint32_t kIn = 0, kOut = 2048, kRf = 4096, kEnd = 8192;
  size_t checked = 0;
  auto rt = [&](const CoreInstr& in, const Geometry& geo) {
    uint64_t w = encode(in);
    auto d = decode_core(w, geo);
    ASSERT_TRUE(d.ok()) << disassemble(in, geo) << ": " << d.error.message;
    ASSERT_EQ(d.instr, in) << disassemble(in, geo);
    ASSERT_EQ(encode(d.instr), w);
    ++checked;
  };
  const uint16_t vecs[] = {1, 2, 1023, 1024};
  const uint16_t imms[] = {0, 1, 0x7FFF, 0x8000, 0xFFFF};
  // region-edge placements of a range of n words
  auto edges = [&](uint32_t n) {
    std::vector<uint16_t> v;
    for (uint32_t b : {kIn, kOut, kRf}) {
      uint32_t e = b == kIn ? kOut : b == kOut ? kRf : kEnd;
      v.push_back(uint16_t(b));
      v.push_back(uint16_t(e - n));
    }
    return v;
  };
  for (uint16_t vec : vecs)
    for (uint16_t imm : imms) {
      for (uint32_t d : {kRf, kEnd - vec}) {
        CoreInstr s;
        s.opcode = Opcode::Set;
        s.dest = uint16_t(d);
        s.imm = imm;
        s.vec = vec;
        rt(s, g);
      }
      for (uint16_t d : edges(vec))
        for (uint16_t a : edges(vec)) {
          CoreInstr c;
          c.opcode = Opcode::Copy;
          c.dest = d;
          c.src1 = a;
          c.vec = vec;
          rt(c, g);
          for (unsigned op : {0u, 1u, 2u, 3u, 6u, 7u, 8u, 10u, 11u, 12u, 13u, 14u, 15u, 16u, 17u}) {
            CoreInstr ai;
            ai.opcode = Opcode::Alui;
            ai.op = uint8_t(op);
            ai.dest = d;
            ai.src1 = a;
            ai.imm = imm;
            ai.vec = vec;
            rt(ai, g);
          }
        }
    }
  for (unsigned op = 0; op < 27; ++op)
    for (uint16_t vec : vecs)
      for (uint16_t d : edges(vec))
        for (uint16_t a : edges(vec)) {
          CoreInstr in;
          in.opcode = Opcode::Alu;
          in.op = uint8_t(op);
          in.vec = vec;
          in.dest = d;
          int ar = isatest::arity_of(op);
          if (ar >= 1) in.src1 = a;
          if (ar >= 2) in.src2 = uint16_t(kRf);
          if (op == 4 || op == 5)
            for (uint8_t k : {uint8_t(0), uint8_t(15)}) {
              in.src3 = k;
              rt(in, g);
            }
          else if (op == 26)
            for (uint8_t k : {uint8_t(1), uint8_t(15)}) {
              in.src3 = k;
              uint32_t span = uint32_t(vec - 1) * k + 1;
              if (span > 2048) continue;
              in.src1 = edges(span)[size_t(a % 6)];
              rt(in, g);
            }
          else
            rt(in, g);
        }
  for (Opcode opc : {Opcode::Load, Opcode::Store})
    for (uint8_t width : {uint8_t(1), uint8_t(2), uint8_t(15), uint8_t(16)})
      for (uint16_t vec : {uint16_t(1), uint16_t(2), uint16_t(2048 / width < 1024 ? 2048 / width : 1024)})
        for (uint16_t d : edges(uint32_t(width) * vec))
          for (uint16_t areg : {uint16_t(kRf), uint16_t(kEnd - 1)})
            for (uint16_t count : {uint16_t(1), uint16_t(8191)}) {
              CoreInstr in;
              in.opcode = opc;
              in.width = width;
              in.vec = vec;
              if (opc == Opcode::Load) { in.dest = d; in.src1 = areg; }
              else { in.dest = areg; in.src1 = d; in.count = count; }
              rt(in, g);
            }
  for (unsigned op = 0; op < 11; ++op)
    for (uint16_t a : {uint16_t(kRf), uint16_t(kEnd - 1)}) {
      CoreInstr in;
      in.opcode = Opcode::AluInt;
      in.op = uint8_t(op);
      in.dest = a;
      in.src1 = uint16_t(kEnd - 1 - (a - kRf));
      in.src2 = a;
      rt(in, g);
    }
  for (unsigned op = 0; op < 6; ++op)
    for (uint16_t t : {uint16_t(0), uint16_t(1), uint16_t(16382), uint16_t(16383)}) {
      CoreInstr in;
      in.opcode = Opcode::Brn;
      in.op = uint8_t(op);
      in.src1 = uint16_t(kRf);
      in.src2 = uint16_t(kEnd - 1);
      in.target = t;
      rt(in, g);
      CoreInstr j;
      j.opcode = Opcode::Jmp;
      j.target = t;
      rt(j, g);
    }
  for (unsigned mask = 1; mask < 256; ++mask) {
    CoreInstr in;
    in.opcode = Opcode::Mvm;
    in.mask = uint8_t(mask);
    rt(in, g);
    for (auto fs : {std::pair<int, int>{2, 1}, {256, 1}, {256, 255}, {3, 2}}) {
      in.filter = uint16_t(fs.first);
      in.stride = uint16_t(fs.second);
      rt(in, g);
    }
  }
  Geometry p;  // PANTHER, 6 MCUs
  p.panther = true;
  p.num_mvmu = 6;
  p.xbar_size = 64;  // 6*3*64*4 = 4608 words
  ASSERT_EQ(p.check(), "");
  for (unsigned k = 0; k < 6; ++k)
    for (unsigned f = 1; f < 8; ++f) {
      CoreInstr in;
      in.opcode = Opcode::Mcu;
      in.mcu[k] = uint8_t(f);
      in.mcu[5 - k] = uint8_t(8 - f);
      rt(in, p);
    }
  for (unsigned mask = 1; mask < 64; ++mask) {
    CoreInstr in;
    in.opcode = Opcode::Crs;
    in.mask = uint8_t(mask);
    rt(in, p);
  }
  for (Opcode o : {Opcode::Nop, Opcode::Halt}) {
    CoreInstr in;
    in.opcode = o;
    rt(in, g);
  }
  // tile instructions
  Geometry t;
  t.tiles = 256;
  t.num_fifos = 255;
  size_t tiles_checked = 0;
  for (uint8_t width : {uint8_t(1), uint8_t(16)})
    for (uint16_t vec : {uint16_t(1), uint16_t(1024)})
      for (uint32_t mem : {0u, 32768u - uint32_t(width) * vec})
        for (uint8_t fifo : {uint8_t(0), uint8_t(254), uint8_t(255)})
          for (uint16_t x : {uint16_t(0), uint16_t(1), uint16_t(255), uint16_t(65535)}) {
            for (Opcode o : {Opcode::Send, Opcode::Receive}) {
              TileInstr in;
              in.opcode = o;
              in.mem = uint16_t(mem);
              in.fifo = fifo;
              in.width = width;
              in.vec = vec;
              bool legal = true;
              if (o == Opcode::Send) {
                in.target = x;
                legal = fifo != 255 && x < 256;
              } else {
                in.count = x;
                legal = x >= 1;
              }
              uint64_t w = encode(in);
              auto d = decode_tile(w, t);
              ASSERT_EQ(d.ok(), legal) << disassemble(in) << ": " << d.error.message;
              if (legal) {
                ASSERT_EQ(d.instr, in);
                ASSERT_EQ(encode(d.instr), w);
                ++tiles_checked;
              }
            }
          }
  EXPECT_GT(checked, 10000u);
  EXPECT_GT(tiles_checked, 100u);
}

TEST(IsaEncoding, DisassembleWord) {
  EXPECT_EQ(disassemble_word(0x0080000100104487ull, false, kPuma), "alu.relu rf.8, out0.0, vec=3");
  EXPECT_EQ(disassemble_word(0x0000400040000820ull, true, kPuma), "send 32, 0, 1, width=2");
  EXPECT_EQ(disassemble_word(0, false, kPuma).rfind(".word 0x0000000000000000  # error 5: illegal opcode", 0), 0u)
      << disassemble_word(0, false, kPuma);
  std::string s = disassemble_word(0x3 | (5ull << 11), false, kPuma);  // set into XbarIn
  EXPECT_EQ(s.rfind(".word 0x0000000000002803  # error 6: operand address", 0), 0u) << s;
  EXPECT_EQ(s.find("[word"), std::string::npos) << s;
}
