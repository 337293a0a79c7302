// Rv32Hart (pure C++ ISS) against hand-assembled programs and hand-derived results.
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <map>
#include <random>

#include "host/rv32_hart.h"
#include "rv_asm.h"

using namespace rvasm;
using pumavp::host::HartEnv;
using pumavp::host::Rv32Hart;

namespace {

constexpr uint32_t kBase = 0x80000000u;
constexpr uint32_t kSize = 64 * 1024;
constexpr uint32_t kDev = 0x10000000u;  // a 256-byte "device" reached through the env

struct FakeEnv : HartEnv {
  std::vector<uint8_t> mem = std::vector<uint8_t>(kSize, 0);
  uint8_t dev[256] = {};
  unsigned env_loads = 0, env_stores = 0, env_fetches = 0;
  uint64_t time = 0;

  uint8_t* at(uint32_t a, unsigned n) {
    if (a - kBase < kSize && kSize - (a - kBase) >= n) return mem.data() + (a - kBase);
    if (a - kDev < 256 && 256 - (a - kDev) >= n) return dev + (a - kDev);
    return nullptr;
  }
  bool load(uint32_t a, unsigned n, uint32_t& v) override {
    ++env_loads;
    uint8_t* p = at(a, n);
    if (!p) return false;
    v = 0;
    std::memcpy(&v, p, n);
    return true;
  }
  bool store(uint32_t a, unsigned n, uint32_t v) override {
    ++env_stores;
    uint8_t* p = at(a, n);
    if (!p) return false;
    std::memcpy(p, &v, n);
    return true;
  }
  bool fetch16(uint32_t a, uint16_t& v) override {
    ++env_fetches;
    uint8_t* p = at(a, 2);
    if (!p) return false;
    std::memcpy(&v, p, 2);
    return true;
  }
  uint64_t mtime() override { return time; }
};

struct Machine {
  FakeEnv env;
  Rv32Hart hart{env};
  explicit Machine(bool fast = true) {
    hart.set_code_region(kBase, kSize);
    if (fast) hart.set_fast_region(kBase, kSize, env.mem.data());
    hart.reset(kBase);
  }
  void load(const Program& p, uint32_t at = kBase) { std::memcpy(env.mem.data() + (at - kBase), p.bytes.data(), p.bytes.size()); }
  uint32_t word(uint32_t a) {
    uint32_t v;
    std::memcpy(&v, env.mem.data() + (a - kBase), 4);
    return v;
  }
  void set_word(uint32_t a, uint32_t v) { std::memcpy(env.mem.data() + (a - kBase), &v, 4); }
  uint32_t csr(uint32_t n) {
    uint32_t v = 0;
    EXPECT_TRUE(hart.read_csr(n, v));
    return v;
  }
  uint32_t x(unsigned i) { return hart.reg(i); }
};

// Runs `op rd, rs1, rs2` with the given operands and returns rd.
uint32_t alu(uint32_t (*op)(uint32_t, uint32_t, uint32_t), uint32_t a, uint32_t b, bool fast = true) {
  Machine m(fast);
  m.hart.set_reg(a1, a);
  m.hart.set_reg(a2, b);
  Program p;
  p.w(op(a0, a1, a2));
  m.load(p);
  m.hart.run(1);
  return m.x(a0);
}

}  // namespace

TEST(Hart, AddiLuiAuipcAndX0) {
  Machine m;
  Program p;
  p.w(ADDI(a0, zero, -1)).w(LUI(a1, 0x12345)).w(AUIPC(a2, 1)).w(ADDI(zero, zero, 5)).w(ADDI(a3, zero, 0x7ff));
  m.load(p);
  m.hart.run(5);
  EXPECT_EQ(m.x(a0), 0xffffffffu);
  EXPECT_EQ(m.x(a1), 0x12345000u);
  EXPECT_EQ(m.x(a2), kBase + 8 + 0x1000);
  EXPECT_EQ(m.x(0), 0u);
  EXPECT_EQ(m.x(a3), 0x7ffu);
  EXPECT_EQ(m.hart.pc(), kBase + 20);
  EXPECT_EQ(m.hart.instret(), 5u);
}

TEST(Hart, CompareSignedness) {
  EXPECT_EQ(alu(SLT, 0xffffffffu, 1), 1u);   // -1 < 1
  EXPECT_EQ(alu(SLTU, 0xffffffffu, 1), 0u);  // 0xffffffff > 1
  EXPECT_EQ(alu(SLT, 5, 5), 0u);
  Machine m;
  m.hart.set_reg(a1, 0xfffffff0u);
  Program p;
  p.w(SLTI(a0, a1, -1)).w(SLTIU(a2, a1, -1)).w(SLTIU(a3, zero, 1));
  m.load(p);
  m.hart.run(3);
  EXPECT_EQ(m.x(a0), 1u);  // -16 < -1
  EXPECT_EQ(m.x(a2), 1u);  // 0xfffffff0 < 0xffffffff (immediate sign-extended, compared unsigned)
  EXPECT_EQ(m.x(a3), 1u);  // seqz idiom
}

TEST(Hart, ShiftsUseLowFiveBits) {
  EXPECT_EQ(alu(SLL, 1, 33), 2u);
  EXPECT_EQ(alu(SRL, 0x80000000u, 63), 1u);
  EXPECT_EQ(alu(SRA, 0x80000000u, 31 + 32), 0xffffffffu);
  EXPECT_EQ(alu(SRA, 0x40000000u, 30), 1u);
  EXPECT_EQ(alu(SRL, 0xf0000000u, 4), 0x0f000000u);
  EXPECT_EQ(alu(SRA, 0xf0000000u, 4), 0xff000000u);
  Machine m;
  m.hart.set_reg(a1, 0x80000001u);
  Program p;
  p.w(SRAI(a0, a1, 1)).w(SRLI(a2, a1, 1)).w(SLLI(a3, a1, 31));
  m.load(p);
  m.hart.run(3);
  EXPECT_EQ(m.x(a0), 0xc0000000u);
  EXPECT_EQ(m.x(a2), 0x40000000u);
  EXPECT_EQ(m.x(a3), 0x80000000u);
}

TEST(Hart, DivisionEdgeCasesPerSpec) {
  // Division by zero: quotient all ones, remainder = dividend.
  EXPECT_EQ(alu(DIV, 7, 0), 0xffffffffu);
  EXPECT_EQ(alu(DIVU, 7, 0), 0xffffffffu);
  EXPECT_EQ(alu(REM, 0xfffffff9u, 0), 0xfffffff9u);
  EXPECT_EQ(alu(REMU, 7, 0), 7u);
  // Signed overflow: INT_MIN / -1 = INT_MIN, remainder 0.
  EXPECT_EQ(alu(DIV, 0x80000000u, 0xffffffffu), 0x80000000u);
  EXPECT_EQ(alu(REM, 0x80000000u, 0xffffffffu), 0u);
  // Rounding towards zero, remainder takes the dividend's sign.
  EXPECT_EQ(alu(DIV, static_cast<uint32_t>(-7), 2), static_cast<uint32_t>(-3));
  EXPECT_EQ(alu(REM, static_cast<uint32_t>(-7), 2), static_cast<uint32_t>(-1));
  EXPECT_EQ(alu(DIV, 7, static_cast<uint32_t>(-2)), static_cast<uint32_t>(-3));
  EXPECT_EQ(alu(REM, 7, static_cast<uint32_t>(-2)), 1u);
  EXPECT_EQ(alu(DIVU, 0xfffffffeu, 2), 0x7fffffffu);
  EXPECT_EQ(alu(REMU, 0xffffffffu, 10), 5u);
}

TEST(Hart, MultiplyHighHalves) {
  EXPECT_EQ(alu(MUL, 0xffffffffu, 0xffffffffu), 1u);
  EXPECT_EQ(alu(MULH, 0xffffffffu, 0xffffffffu), 0u);           // (-1)(-1) = 1
  EXPECT_EQ(alu(MULHU, 0xffffffffu, 0xffffffffu), 0xfffffffeu);  // (2^32-1)^2 = 2^64 - 2^33 + 1
  EXPECT_EQ(alu(MULHSU, 0xffffffffu, 0xffffffffu), 0xffffffffu); // -1 * (2^32-1) = -(2^32-1)
  EXPECT_EQ(alu(MULH, 0x80000000u, 0x80000000u), 0x40000000u);   // 2^62
  EXPECT_EQ(alu(MULHSU, 0x80000000u, 2), 0xffffffffu);           // -2^31 * 2 = -2^32
  EXPECT_EQ(alu(MULHU, 0x10000u, 0x10000u), 1u);
}

// Properties over random operands: the division identity and a schoolbook 16-bit-limb
// multiplication (a different algorithm from the ISS's 64-bit products).
TEST(Hart, RandomMulDivProperties) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 300; ++i) {
    uint32_t a = rng(), b = rng();
    if (i % 7 == 0) b &= 0xff;
    if (i % 11 == 0) a = 0x80000000u;
    const uint32_t q = alu(DIV, a, b), r = alu(REM, a, b);
    const uint32_t qu = alu(DIVU, a, b), ru = alu(REMU, a, b);
    if (b != 0) {
      EXPECT_EQ(qu * b + ru, a);
      EXPECT_LT(ru, b);
      if (!(a == 0x80000000u && b == 0xffffffffu)) {
        EXPECT_EQ(q * b + r, a);
        const int32_t sr = static_cast<int32_t>(r), sa = static_cast<int32_t>(a), sb = static_cast<int32_t>(b);
        EXPECT_TRUE(sr == 0 || (sr < 0) == (sa < 0));
        EXPECT_LT(static_cast<int64_t>(std::llabs(sr)), std::llabs(static_cast<int64_t>(sb)));
      }
    }
    // Unsigned 64-bit product from 16-bit limbs.
    const uint32_t al = a & 0xffff, ah = a >> 16, bl = b & 0xffff, bh = b >> 16;
    const uint64_t ll = uint64_t(al) * bl, lh = uint64_t(al) * bh, hl = uint64_t(ah) * bl, hh = uint64_t(ah) * bh;
    const uint64_t mid = (ll >> 16) + (lh & 0xffff) + (hl & 0xffff);
    const uint32_t hi_u = static_cast<uint32_t>(hh + (lh >> 16) + (hl >> 16) + (mid >> 16));
    EXPECT_EQ(alu(MULHU, a, b), hi_u);
    EXPECT_EQ(alu(MUL, a, b), a * b);
    // Signed corrections: hs = hu - (a<0 ? b : 0) - (b<0 ? a : 0).
    const uint32_t hi_s = hi_u - ((a >> 31) ? b : 0) - ((b >> 31) ? a : 0);
    const uint32_t hi_su = hi_u - ((a >> 31) ? b : 0);
    EXPECT_EQ(alu(MULH, a, b), hi_s);
    EXPECT_EQ(alu(MULHSU, a, b), hi_su);
  }
}

TEST(Hart, LoadsSignAndZeroExtend) {
  for (bool fast : {true, false}) {
    Machine m(fast);
    const uint32_t data = kBase + 0x1000;
    m.set_word(data, 0x80017f80u);  // bytes 80 7f 01 80
    m.hart.set_reg(a5, data);
    Program p;
    p.w(LB(a0, a5, 0)).w(LBU(a1, a5, 0)).w(LH(a2, a5, 2)).w(LHU(a3, a5, 2)).w(LB(a4, a5, 1)).w(LW(a6, a5, 0));
    m.load(p);
    m.hart.run(6);
    EXPECT_EQ(m.x(a0), 0xffffff80u) << fast;
    EXPECT_EQ(m.x(a1), 0x80u);
    EXPECT_EQ(m.x(a2), 0xffff8001u);
    EXPECT_EQ(m.x(a3), 0x8001u);
    EXPECT_EQ(m.x(a4), 0x7fu);
    EXPECT_EQ(m.x(a6), 0x80017f80u);
    if (!fast) {
      EXPECT_GE(m.env.env_loads, 6u);
    }
  }
}

TEST(Hart, StoresBytesHalvesWords) {
  Machine m;
  const uint32_t data = kBase + 0x1000;
  m.hart.set_reg(a5, data);
  m.hart.set_reg(a1, 0xdeadbeefu);
  Program p;
  p.w(SW(a1, a5, 0)).w(SB(zero, a5, 1)).w(SH(a1, a5, 4)).w(SB(a1, a5, 7));
  m.load(p);
  m.hart.run(4);
  EXPECT_EQ(m.word(data), 0xdead00efu);
  EXPECT_EQ(m.word(data + 4), 0xef00beefu);
}

TEST(Hart, BranchesAndJumps) {
  Machine m;
  m.hart.set_reg(a1, 0xffffffffu);  // -1
  m.hart.set_reg(a2, 1);
  Program p;
  p.w(BLT(a1, a2, 8))     // 0: taken (-1 < 1) -> 8
      .w(ADDI(a0, zero, 99))  // 4: skipped
      .w(BLTU(a1, a2, 8))     // 8: not taken (0xffffffff > 1)
      .w(ADDI(a3, zero, 1))   // 12
      .w(JAL(ra, 8))          // 16: -> 24, ra = 20
      .w(ADDI(a0, zero, 98))  // 20: skipped
      .w(ADDI(t0, zero, 0))   // 24
      .w(AUIPC(t1, 0))        // 28: t1 = base + 28
      .w(JALR(t2, t1, 13))    // 32: target (base+41) & ~1 = base+40, t2 = base+36
      .w(ADDI(a0, zero, 97))  // 36: skipped
      .w(BGE(a2, a1, -4))     // 40: 1 >= -1 taken -> 36 executes a0 = 97
      ;
  m.load(p);
  m.hart.run(8);
  EXPECT_EQ(m.x(a3), 1u);
  EXPECT_EQ(m.x(ra), kBase + 20);
  EXPECT_EQ(m.x(t2), kBase + 36);
  EXPECT_EQ(m.hart.pc(), kBase + 36);
  m.hart.run(1);
  EXPECT_EQ(m.x(a0), 97u);
}

// Compressed encodings built field by field from the C-extension tables.
TEST(Hart, CompressedExpansions) {
  using pumavp::host::decode_rv32;
  using pumavp::host::Op;
  auto c = [](uint32_t f3, uint32_t b12, uint32_t b11_7, uint32_t b6_2, uint32_t q) {
    return (f3 << 13) | (b12 << 12) | (b11_7 << 7) | (b6_2 << 2) | q;
  };
  // c.li a0, -5: imm = 111011
  auto d = decode_rv32(c(2, 1, a0, 0x1b, 1));
  EXPECT_EQ(d.op, Op::kAddi); EXPECT_EQ(d.rd, a0); EXPECT_EQ(d.rs1, 0); EXPECT_EQ(d.imm, -5); EXPECT_EQ(d.len, 2);
  // c.addi sp, 16 -> addi sp, sp, 16
  d = decode_rv32(c(0, 0, sp, 16, 1));
  EXPECT_EQ(d.op, Op::kAddi); EXPECT_EQ(d.rd, sp); EXPECT_EQ(d.rs1, sp); EXPECT_EQ(d.imm, 16);
  // c.lui a1, 0x1f (nzimm[17]=0, [16:12]=11111) -> lui a1, 0x1f
  d = decode_rv32(c(3, 0, a1, 0x1f, 1));
  EXPECT_EQ(d.op, Op::kLui); EXPECT_EQ(d.imm, 0x1f000);
  // c.lui a1, -1 (nzimm = 0x3f) -> lui a1, 0xfffff
  d = decode_rv32(c(3, 1, a1, 0x1f, 1));
  EXPECT_EQ(static_cast<uint32_t>(d.imm), 0xfffff000u);
  // c.addi16sp -64: nzimm[9]=1, nzimm[8:4] = 11100 -> bits: [12]=1, [6]=nz4=0, [5]=nz6=1, [4:3]=nz8:7=11, [2]=nz5=0
  d = decode_rv32(c(3, 1, sp, (0 << 4) | (1 << 3) | (3 << 1) | 0, 1));
  EXPECT_EQ(d.op, Op::kAddi); EXPECT_EQ(d.rd, sp); EXPECT_EQ(d.imm, -64);
  // c.addi4spn s0, sp, 1020: nzuimm = 0x3fc -> [12:11]=nz5:4=11, [10:7]=nz9:6=1111, [6]=nz2=1, [5]=nz3=1
  d = decode_rv32((0u << 13) | (3u << 11) | (0xfu << 7) | (1u << 6) | (1u << 5) | ((s0 - 8) << 2) | 0);
  EXPECT_EQ(d.op, Op::kAddi); EXPECT_EQ(d.rd, s0); EXPECT_EQ(d.rs1, sp); EXPECT_EQ(d.imm, 1020);
  // c.lw a2, 124(a3): uimm = 1111100 -> [12:10]=uimm5:3=111, [6]=uimm2=1, [5]=uimm6=1
  d = decode_rv32((2u << 13) | (7u << 10) | ((a3 - 8) << 7) | (1u << 6) | (1u << 5) | ((a2 - 8) << 2));
  EXPECT_EQ(d.op, Op::kLw); EXPECT_EQ(d.rd, a2); EXPECT_EQ(d.rs1, a3); EXPECT_EQ(d.imm, 124);
  // c.sw a4, 4(a5): uimm2 = 1
  d = decode_rv32((6u << 13) | ((a5 - 8) << 7) | (1u << 6) | ((a4 - 8) << 2));
  EXPECT_EQ(d.op, Op::kSw); EXPECT_EQ(d.rs1, a5); EXPECT_EQ(d.rs2, a4); EXPECT_EQ(d.imm, 4);
  // c.lwsp ra, 12(sp): uimm[5]=0, [4:2]=011, [7:6]=00 -> bits 6:4 = 011, 3:2 = 00
  d = decode_rv32(c(2, 0, ra, (3u << 2) | 0, 2));
  EXPECT_EQ(d.op, Op::kLw); EXPECT_EQ(d.rd, ra); EXPECT_EQ(d.rs1, sp); EXPECT_EQ(d.imm, 12);
  // c.swsp ra, 200(sp): uimm = 11001000 -> [12:9] = uimm5:2 = 0010, [8:7] = uimm7:6 = 11
  d = decode_rv32((6u << 13) | (2u << 9) | (3u << 7) | (ra << 2) | 2);
  EXPECT_EQ(d.op, Op::kSw); EXPECT_EQ(d.rs1, sp); EXPECT_EQ(d.rs2, ra); EXPECT_EQ(d.imm, 200);
  // c.j -2 (all offset bits set): offset = 0xffe -> sign-extended -2
  d = decode_rv32((5u << 13) | (0x7ffu << 2) | 1);
  EXPECT_EQ(d.op, Op::kJal); EXPECT_EQ(d.rd, 32); EXPECT_EQ(d.imm, -2);
  // c.jal +2048-2=2046: offset bits 10..1 set, bit 11 clear -> inst[12]=0, rest 1
  d = decode_rv32((1u << 13) | (0x3ffu << 2) | 1);
  EXPECT_EQ(d.op, Op::kJal); EXPECT_EQ(d.rd, ra); EXPECT_EQ(d.imm, 2046);
  // c.beqz s1, -256: offset[8]=1, others 0 -> inst[12]=1
  d = decode_rv32((6u << 13) | (1u << 12) | ((s1 - 8) << 7) | 1);
  EXPECT_EQ(d.op, Op::kBeq); EXPECT_EQ(d.rs1, s1); EXPECT_EQ(d.rs2, 0); EXPECT_EQ(d.imm, -256);
  // c.bnez s0, 6: offset[2:1] = 11 -> inst[4:3]
  d = decode_rv32((7u << 13) | ((s0 - 8) << 7) | (3u << 3) | 1);
  EXPECT_EQ(d.op, Op::kBne); EXPECT_EQ(d.imm, 6);
  // c.srli/c.srai/c.andi/c.sub/c.xor/c.or/c.and on a0 (a0' = 2)
  d = decode_rv32((4u << 13) | (0u << 10) | (2u << 7) | (3u << 2) | 1);
  EXPECT_EQ(d.op, Op::kSrli); EXPECT_EQ(d.rd, a0); EXPECT_EQ(d.imm, 3);
  d = decode_rv32((4u << 13) | (1u << 10) | (2u << 7) | (31u << 2) | 1);
  EXPECT_EQ(d.op, Op::kSrai); EXPECT_EQ(d.imm, 31);
  d = decode_rv32((4u << 13) | (1u << 12) | (2u << 10) | (2u << 7) | (0x10u << 2) | 1);  // andi -16
  EXPECT_EQ(d.op, Op::kAndi); EXPECT_EQ(d.imm, -16);
  const Op arith[4] = {Op::kSub, Op::kXor, Op::kOr, Op::kAnd};
  for (uint32_t f = 0; f < 4; ++f) {
    d = decode_rv32((4u << 13) | (3u << 10) | (2u << 7) | (f << 5) | (3u << 2) | 1);  // rs2' = a1
    EXPECT_EQ(d.op, arith[f]); EXPECT_EQ(d.rd, a0); EXPECT_EQ(d.rs1, a0); EXPECT_EQ(d.rs2, a1);
  }
  // c.slli a0, 7
  d = decode_rv32(c(0, 0, a0, 7, 2));
  EXPECT_EQ(d.op, Op::kSlli); EXPECT_EQ(d.imm, 7);
  // c.mv a0, a1 ; c.add a0, a1 ; c.jr ra ; c.jalr a5 ; c.ebreak
  d = decode_rv32(c(4, 0, a0, a1, 2));
  EXPECT_EQ(d.op, Op::kAdd); EXPECT_EQ(d.rs1, 0); EXPECT_EQ(d.rs2, a1);
  d = decode_rv32(c(4, 1, a0, a1, 2));
  EXPECT_EQ(d.op, Op::kAdd); EXPECT_EQ(d.rs1, a0); EXPECT_EQ(d.rs2, a1);
  d = decode_rv32(c(4, 0, ra, 0, 2));
  EXPECT_EQ(d.op, Op::kJalr); EXPECT_EQ(d.rd, 32); EXPECT_EQ(d.rs1, ra);
  d = decode_rv32(c(4, 1, a5, 0, 2));
  EXPECT_EQ(d.op, Op::kJalr); EXPECT_EQ(d.rd, ra); EXPECT_EQ(d.rs1, a5);
  EXPECT_EQ(decode_rv32(0x9002).op, Op::kEbreak);
  // Reserved / illegal: all zeros, c.addi4spn with 0, c.lwsp x0, c.jr x0, RV32 shamt[5], FP loads.
  EXPECT_EQ(decode_rv32(0x0000).op, Op::kIllegal);
  EXPECT_EQ(decode_rv32(c(2, 0, 0, 4, 2)).op, Op::kIllegal);
  EXPECT_EQ(decode_rv32(c(4, 0, 0, 0, 2)).op, Op::kIllegal);
  EXPECT_EQ(decode_rv32(c(0, 1, a0, 1, 2)).op, Op::kIllegal);
  EXPECT_EQ(decode_rv32(c(1, 0, 8, 0, 0)).op, Op::kIllegal);  // c.fld
  EXPECT_EQ(decode_rv32(c(3, 0, a0, 0, 1)).op, Op::kIllegal);  // c.lui nzimm = 0
}

TEST(Hart, CompressedProgramRuns) {
  Machine m;
  Program p;
  p.h(static_cast<uint16_t>((2u << 13) | (a0 << 7) | (5u << 2) | 1))   // c.li a0, 5
      .h(static_cast<uint16_t>((2u << 13) | (a1 << 7) | (7u << 2) | 1))  // c.li a1, 7
      .h(static_cast<uint16_t>((4u << 13) | (1u << 12) | (a0 << 7) | (a1 << 2) | 2))  // c.add a0, a1
      .w(ADDI(a2, a0, 1))                                               // 32-bit after 16-bit parcels
      .h(static_cast<uint16_t>((0u << 13) | (a2 << 7) | (1u << 2) | 2));  // c.slli a2, 1
  m.load(p);
  m.hart.run(5);
  EXPECT_EQ(m.x(a0), 12u);
  EXPECT_EQ(m.x(a2), 26u);
  EXPECT_EQ(m.hart.pc(), kBase + 12);
}

namespace {
// A machine whose mtvec points at kBase + 0x400 where the handler is `ecall`-free: the
// tests just inspect the CSRs after the trap.
Machine& trap_setup(Machine& m) {
  m.hart.write_csr(MTVEC, kBase + 0x400);
  return m;
}
}  // namespace

TEST(Hart, IllegalInstructionTrap) {
  Machine m;
  trap_setup(m);
  Program p;
  p.w(ADDI(a0, zero, 1)).w(0xffffffffu);
  m.load(p);
  m.hart.run(2);
  EXPECT_EQ(m.csr(MCAUSE), 2u);
  EXPECT_EQ(m.csr(MEPC), kBase + 4);
  EXPECT_EQ(m.csr(MTVAL), 0xffffffffu);
  EXPECT_EQ(m.hart.pc(), kBase + 0x400);
  EXPECT_EQ(m.hart.instret(), 1u);  // the trapping instruction did not retire
  EXPECT_EQ(m.csr(MSTATUS) & 0x1800u, 0x1800u);  // MPP = M
}

TEST(Hart, IllegalCompressedHasSixteenBitTval) {
  Machine m;
  trap_setup(m);
  Program p;
  p.h(0x0000).h(0x0001);
  m.load(p);
  m.hart.run(1);
  EXPECT_EQ(m.csr(MCAUSE), 2u);
  EXPECT_EQ(m.csr(MTVAL), 0u);
  EXPECT_EQ(m.csr(MEPC), kBase);
}

TEST(Hart, CsrRules) {
  Machine m;
  trap_setup(m);
  Program p;
  p.w(CSRR(a0, MISA))                  // 0
      .w(CSRR(a1, MHARTID))            // 4
      .w(CSRRWI(zero, MSCRATCH, 21))   // 8
      .w(CSRRSI(a2, MSCRATCH, 2))      // 12: a2 = 21, mscratch = 23
      .w(CSRRCI(a3, MSCRATCH, 1))      // 16: a3 = 23, mscratch = 22
      .w(CSRR(a4, CYCLE))              // 20: read-only counter read: fine
      .w(CSRW(CYCLE, a0));             // 24: write to read-only CSR: illegal
  m.load(p);
  m.hart.run(7);
  EXPECT_EQ(m.x(a0), 0x40001105u);  // RV32 + A C I M
  EXPECT_EQ(m.x(a1), 0u);
  EXPECT_EQ(m.x(a2), 21u);
  EXPECT_EQ(m.x(a3), 23u);
  EXPECT_EQ(m.csr(MSCRATCH), 22u);
  EXPECT_EQ(m.csr(MCAUSE), 2u);
  EXPECT_EQ(m.csr(MEPC), kBase + 24);
  EXPECT_EQ(m.csr(MTVAL), CSRW(CYCLE, a0));
  // A CSR that does not exist.
  Machine n;
  trap_setup(n);
  Program q;
  q.w(CSRR(a0, 0x7c0));
  n.load(q);
  n.hart.run(1);
  EXPECT_EQ(n.csr(MCAUSE), 2u);
  EXPECT_EQ(n.csr(MTVAL), CSRR(a0, 0x7c0));
}

TEST(Hart, EcallEbreakMret) {
  Machine m;
  trap_setup(m);
  m.hart.write_csr(MSTATUS, 0x8);  // MIE
  Program p;
  p.w(ECALL()).pad_to(0x400).w(CSRR(a0, MSTATUS)).w(CSRR(a1, MEPC)).w(ADDI(a1, a1, 4)).w(CSRW(MEPC, a1)).w(MRET());
  m.load(p);
  m.hart.run(1);
  EXPECT_EQ(m.csr(MCAUSE), 11u);
  EXPECT_EQ(m.csr(MEPC), kBase);
  EXPECT_EQ(m.csr(MTVAL), 0u);
  m.hart.run(5);
  EXPECT_EQ(m.x(a0) & 0x88u, 0x80u);  // in the handler: MIE = 0, MPIE = 1
  EXPECT_EQ(m.hart.pc(), kBase + 4);
  EXPECT_EQ(m.csr(MSTATUS) & 0x88u, 0x88u);  // mret: MIE = MPIE = 1
  Machine e;
  trap_setup(e);
  Program q;
  q.w(ADDI(a0, zero, 1)).w(EBREAK());
  e.load(q);
  e.hart.run(2);
  EXPECT_EQ(e.csr(MCAUSE), 3u);
  EXPECT_EQ(e.csr(MEPC), kBase + 4);
}

TEST(Hart, MisalignedAccessesTrap) {
  for (auto insn : {LW(a0, a5, 2), LH(a0, a5, 1), SW(a0, a5, 1), SH(a0, a5, 3)}) {
    Machine m;
    trap_setup(m);
    m.hart.set_reg(a5, kBase + 0x1000);
    Program p;
    p.w(insn);
    m.load(p);
    m.hart.run(1);
    const bool store = (insn & 0x7f) == 0x23;
    EXPECT_EQ(m.csr(MCAUSE), store ? 6u : 4u);
    const int32_t off = store ? static_cast<int32_t>(((insn >> 7) & 0x1f)) : static_cast<int32_t>(insn) >> 20;
    EXPECT_EQ(m.csr(MTVAL), kBase + 0x1000 + off);
    EXPECT_EQ(m.x(a0), 0u);
  }
}

TEST(Hart, AccessFaultsFromTheEnvironment) {
  for (bool fast : {true, false}) {
    Machine m(fast);
    trap_setup(m);
    m.hart.set_reg(a5, 0x30000000u);
    Program p;
    p.w(LW(a0, a5, 4)).pad_to(0x400).w(SB(a0, a5, 1));
    m.load(p);
    m.hart.run(1);
    EXPECT_EQ(m.csr(MCAUSE), 5u);
    EXPECT_EQ(m.csr(MTVAL), 0x30000004u);
    m.hart.run(1);
    EXPECT_EQ(m.csr(MCAUSE), 7u);
    EXPECT_EQ(m.csr(MTVAL), 0x30000001u);
    EXPECT_EQ(m.csr(MEPC), kBase + 0x400);
  }
}

TEST(Hart, JumpToUnmappedIsFetchFault) {
  Machine m;
  trap_setup(m);
  Program p;
  p.w(LI(t0, 0x20000000u)).w(JALR(ra, t0, 0));
  m.load(p);
  m.hart.run(4);
  EXPECT_EQ(m.csr(MCAUSE), 1u);
  EXPECT_EQ(m.csr(MEPC), 0x20000000u);
  EXPECT_EQ(m.csr(MTVAL), 0x20000000u);
  EXPECT_EQ(m.x(ra), kBase + 12);
  EXPECT_EQ(m.hart.pc(), kBase + 0x400);
}

TEST(Hart, InterruptsPriorityAndVectoring) {
  Machine m;
  m.hart.write_csr(MTVEC, (kBase + 0x400) | 1);  // vectored
  m.hart.write_csr(MIE, (1u << 3) | (1u << 7) | (1u << 11));
  Program p;
  p.w(ADDI(a0, a0, 1)).w(ADDI(a0, a0, 1)).w(ADDI(a0, a0, 1));
  m.load(p);
  m.hart.set_irq_line(7, true);
  m.hart.set_irq_line(3, true);
  m.hart.run(1);  // MIE = 0: not taken
  EXPECT_EQ(m.x(a0), 1u);
  EXPECT_EQ(m.csr(MIP), (1u << 3) | (1u << 7));
  m.hart.write_csr(MSTATUS, 0x8);
  m.hart.set_irq_line(11, true);
  m.hart.run(0);  // interrupt taken at the boundary, nothing executed
  EXPECT_EQ(m.csr(MCAUSE), 0x8000000bu);  // MEI before MSI before MTI
  EXPECT_EQ(m.csr(MEPC), kBase + 4);
  EXPECT_EQ(m.hart.pc(), kBase + 0x400 + 4 * 11);
  EXPECT_EQ(m.csr(MSTATUS) & 0x88u, 0x80u);
  // Re-enable with MEI gone: MSI next.
  m.hart.set_irq_line(11, false);
  m.hart.write_csr(MSTATUS, 0x8);
  m.hart.run(0);
  EXPECT_EQ(m.csr(MCAUSE), 0x80000003u);
  EXPECT_EQ(m.hart.pc(), kBase + 0x400 + 12);
  // Direct mode: every interrupt to the base.
  m.hart.set_irq_line(3, false);
  m.hart.write_csr(MTVEC, kBase + 0x400);
  m.hart.write_csr(MSTATUS, 0x8);
  m.hart.run(0);
  EXPECT_EQ(m.csr(MCAUSE), 0x80000007u);
  EXPECT_EQ(m.hart.pc(), kBase + 0x400);
  // mie masks.
  m.hart.write_csr(MIE, 0);
  m.hart.write_csr(MSTATUS, 0x8);
  m.hart.set_pc(kBase);
  m.hart.run(1);
  EXPECT_EQ(m.hart.pc(), kBase + 4);
}

TEST(Hart, WfiSleepsUntilPendingEvenWithMieOff) {
  Machine m;
  m.hart.write_csr(MIE, 1u << 7);
  Program p;
  p.w(WFI()).w(ADDI(a0, zero, 7));
  m.load(p);
  EXPECT_EQ(m.hart.run(100), Rv32Hart::Stop::Wfi);
  EXPECT_TRUE(m.hart.in_wfi());
  EXPECT_EQ(m.hart.run(100), Rv32Hart::Stop::Wfi);  // still nothing pending
  m.hart.set_irq_line(3, true);                     // not enabled in mie: no wake
  EXPECT_EQ(m.hart.run(100), Rv32Hart::Stop::Wfi);
  m.hart.set_irq_line(7, true);  // enabled in mie, mstatus.MIE = 0: wake, no trap
  EXPECT_EQ(m.hart.run(1), Rv32Hart::Stop::Budget);
  EXPECT_EQ(m.x(a0), 7u);
  EXPECT_EQ(m.csr(MCAUSE), 0u);
}

TEST(Hart, CountersAndTime) {
  Machine m;
  trap_setup(m);
  m.env.time = 0x123456789ull;
  Program p;
  p.w(ADDI(a0, zero, 1)).w(ADDI(a0, zero, 1)).w(CSRR(a1, MINSTRET)).w(0xffffffffu);
  p.pad_to(0x400).w(CSRR(a2, INSTRET)).w(CSRR(a3, TIME)).w(CSRR(a4, 0xC81));
  m.load(p);
  m.hart.run(7);
  EXPECT_EQ(m.x(a1), 2u);       // two instructions retired before the csrr
  EXPECT_EQ(m.x(a2), 3u);       // the illegal instruction did not retire
  EXPECT_EQ(m.x(a3), 0x23456789u);
  EXPECT_EQ(m.x(a4), 0x1u);
  EXPECT_EQ(m.hart.cycles(), 7u);  // one cycle per instruction slot
  m.hart.add_stall_cycles(10);
  EXPECT_EQ(m.hart.cycles(), 17u);
  // minstret is writable
  EXPECT_TRUE(m.hart.write_csr(MINSTRET, 1000));
  EXPECT_EQ(m.hart.instret(), 1000u);
}

TEST(Hart, LrScAndAmos) {
  for (bool fast : {true, false}) {
    Machine m(fast);
    const uint32_t data = kBase + 0x2000;
    m.set_word(data, 10);
    m.hart.set_reg(a5, data);
    m.hart.set_reg(a1, 0xfffffffbu);  // -5
    Program p;
    p.w(SC_W(a0, a5, a1))       // no reservation: fails (1), memory unchanged
        .w(LR_W(a2, a5))        // a2 = 10
        .w(SC_W(a3, a5, a1))    // succeeds (0): mem = -5
        .w(SC_W(a4, a5, a1))    // reservation consumed: fails
        .w(AMOADD(t0, a5, a1))  // t0 = -5, mem = -10
        .w(AMOMIN(t1, a5, a2))  // t1 = -10, mem = min(-10, 10) = -10
        .w(AMOMINU(t2, a5, a2)) // t2 = -10, mem = minu(0xfffffff6, 10) = 10
        .w(AMOMAX(s0, a5, a1))  // s0 = 10, mem = max(10, -5) = 10
        .w(AMOMAXU(s1, a5, a1)) // s1 = 10, mem = 0xfffffffb
        .w(AMOXOR(a6, a5, a2))  // a6 = 0xfffffffb, mem = 0xfffffffb ^ 10 = 0xfffffff1
        .w(AMOAND(a7, a5, a2))  // mem = 0xfffffff1 & 10 = 0
        .w(AMOOR(s2, a5, a1))   // mem = 0xfffffffb
        .w(AMOSWAP(s3, a5, a2)); // s3 = 0xfffffffb, mem = 10
    m.load(p);
    m.hart.run(13);
    EXPECT_EQ(m.x(a0), 1u);
    EXPECT_EQ(m.x(a2), 10u);
    EXPECT_EQ(m.x(a3), 0u);
    EXPECT_EQ(m.x(a4), 1u);
    EXPECT_EQ(m.x(t0), 0xfffffffbu);
    EXPECT_EQ(m.x(t1), 0xfffffff6u);
    EXPECT_EQ(m.x(t2), 0xfffffff6u);
    EXPECT_EQ(m.x(s0), 10u);
    EXPECT_EQ(m.x(s1), 10u);
    EXPECT_EQ(m.x(a6), 0xfffffffbu);
    EXPECT_EQ(m.x(a7), 0xfffffff1u);
    EXPECT_EQ(m.x(s2), 0u);
    EXPECT_EQ(m.x(s3), 0xfffffffbu);
    EXPECT_EQ(m.word(data), 10u);
  }
}

TEST(Hart, MisalignedAmoTrapsAsStore) {
  Machine m;
  trap_setup(m);
  m.hart.set_reg(a5, kBase + 0x2002);
  Program p;
  p.w(AMOADD(a0, a5, a1));
  m.load(p);
  m.hart.run(1);
  EXPECT_EQ(m.csr(MCAUSE), 6u);
  EXPECT_EQ(m.csr(MTVAL), kBase + 0x2002);
}

TEST(Hart, SelfModifyingCodeWithFenceI) {
  Machine m;
  // Loop body at +0x100 executed once, then patched and executed again.
  Program p;
  p.w(JAL(ra, 0x100))                 // 0: call body
      .w(LI(t0, ADDI(a0, a0, 100)))   // 4, 8
      .w(LI(t1, kBase + 0x100))       // 12, 16
      .w(SW(t0, t1, 0))               // 20: patch the body
      .w(FENCE_I())                   // 24
      .w(JAL(ra, 0x100 - 28))         // 28: call body again
      .w(ADDI(zero, zero, 0));        // 32
  p.pad_to(0x100).w(ADDI(a0, a0, 1)).w(JALR(zero, ra, 0));
  m.load(p);
  m.hart.run(3 + 7 + 2);
  EXPECT_EQ(m.x(a0), 101u);
  EXPECT_EQ(m.hart.pc(), kBase + 32);
}

TEST(Hart, BreakpointsStopAndStepOver) {
  Machine m;
  Program p;
  p.w(ADDI(a0, a0, 1)).w(ADDI(a0, a0, 1)).w(ADDI(a0, a0, 1)).w(JAL(zero, -12));
  m.load(p);
  m.hart.set_breakpoint(kBase + 8);
  EXPECT_EQ(m.hart.run(100), Rv32Hart::Stop::Breakpoint);
  EXPECT_EQ(m.hart.pc(), kBase + 8);
  EXPECT_EQ(m.x(a0), 2u);
  EXPECT_EQ(m.hart.instret(), 2u);
  m.hart.step_over_breakpoint();
  EXPECT_EQ(m.hart.run(100), Rv32Hart::Stop::Breakpoint);  // once around the loop
  EXPECT_EQ(m.x(a0), 5u);
  m.hart.clear_breakpoint(kBase + 8);
  EXPECT_EQ(m.hart.run(4), Rv32Hart::Stop::Budget);
  EXPECT_EQ(m.x(a0), 8u);
  m.hart.request_halt();
  EXPECT_EQ(m.hart.run(4), Rv32Hart::Stop::Halted);
  m.hart.clear_halt();
  m.hart.set_ebreak_halts(true);
  m.hart.set_pc(kBase + 0x40);
  m.set_word(kBase + 0x40, EBREAK());
  m.hart.invalidate_decode_cache();
  EXPECT_EQ(m.hart.run(4), Rv32Hart::Stop::Breakpoint);
  EXPECT_EQ(m.hart.pc(), kBase + 0x40);
}

// The same program gives the same state with and without the fast (DMI) region.
TEST(Hart, FastAndSlowPathsAgree) {
  Program p;
  // sum = sum_{i<50} (i*i) ^ (i << 3), stored to memory each step
  p.w(LI(s0, kBase + 0x3000)).w(ADDI(t0, zero, 0)).w(ADDI(a0, zero, 0)).w(ADDI(t2, zero, 50));
  const uint32_t loop = static_cast<uint32_t>(p.bytes.size());
  p.w(MUL(t1, t0, t0)).w(SLLI(a1, t0, 3)).w(XOR(t1, t1, a1)).w(ADD(a0, a0, t1)).w(SW(a0, s0, 0))
      .w(ADDI(s0, s0, 4)).w(ADDI(t0, t0, 1));
  p.w(BNE(t0, t2, static_cast<int32_t>(loop) - static_cast<int32_t>(p.bytes.size())));
  uint32_t expect = 0;
  for (uint32_t i = 0; i < 50; ++i) expect += (i * i) ^ (i << 3);
  Machine f(true), s(false);
  f.load(p);
  s.load(p);
  f.hart.run(5 + 8 * 50);
  s.hart.run(5 + 8 * 50);
  EXPECT_EQ(f.x(a0), expect);
  EXPECT_EQ(s.x(a0), expect);
  EXPECT_EQ(f.hart.instret(), s.hart.instret());
  EXPECT_EQ(f.word(kBase + 0x3000 + 49 * 4), expect);
  EXPECT_EQ(s.word(kBase + 0x3000 + 49 * 4), expect);
  EXPECT_EQ(f.env.env_fetches, 0u);
  EXPECT_GT(s.env.env_fetches, 400u);
}

// The retire observer (instruction traces) sees exactly what minstret counts: a trapping
// ecall does not retire, the handler's instructions and the mret do; results are the same
// as without an observer.
TEST(Hart, RetireObserverSeesExactlyTheRetiredInstructions) {
  struct Recorder : pumavp::host::RetireObserver {
    std::vector<uint32_t> pcs;
    void retired(uint32_t pc, const pumavp::host::DecodedInsn&, uint64_t) override { pcs.push_back(pc); }
  };
  auto build = [](Machine& m) {
    trap_setup(m);
    Program p;
    p.w(ADDI(a0, zero, 5)).w(ECALL()).w(ADDI(a0, a0, 1)).w(ADDI(a0, a0, 1));
    p.pad_to(0x400).w(CSRR(a1, MEPC)).w(ADDI(a1, a1, 4)).w(CSRW(MEPC, a1)).w(MRET());
    m.load(p);
  };
  Machine plain, traced;
  build(plain);
  build(traced);
  Recorder rec;
  traced.hart.set_retire_observer(&rec);
  plain.hart.run(8);
  traced.hart.run(8);
  EXPECT_EQ(traced.x(a0), 7u);
  EXPECT_EQ(traced.x(a0), plain.x(a0));
  EXPECT_EQ(traced.hart.pc(), plain.hart.pc());
  EXPECT_EQ(traced.hart.instret(), plain.hart.instret());
  // 8 slots: addi, ecall (trap), 4 handler instructions, addi, addi -> 7 retired.
  const std::vector<uint32_t> want = {kBase,         kBase + 0x400, kBase + 0x404, kBase + 0x408,
                                      kBase + 0x40c, kBase + 8,     kBase + 12};
  EXPECT_EQ(rec.pcs, want);
  EXPECT_EQ(rec.pcs.size(), traced.hart.instret());
}

// Issue 15, item 2: trap storms. A synchronous exception at the address the previous trap
// jumped to, with nothing retired since, that jumps there again is reported as NoProgress.
TEST(Hart, TrapStormWithResetMtvecIsNoProgress) {
  // mtvec = 0 (reset value) and nothing mapped at 0: the first fault at 0x20000000 sends the
  // hart to 0, the fetch there faults and sends it to 0 again.
  Machine m;
  Program p;
  p.w(LI(t0, 0x20000000u)).w(JALR(zero, t0, 0));
  m.load(p);
  EXPECT_EQ(m.hart.run(1000), Rv32Hart::Stop::NoProgress);
  EXPECT_EQ(m.hart.instret(), 3u);  // lui, addi, jalr
  EXPECT_EQ(m.hart.no_progress().cause, 1u);
  EXPECT_EQ(m.hart.no_progress().pc, 0u);
  EXPECT_EQ(m.hart.no_progress().tval, 0u);
  EXPECT_EQ(m.hart.no_progress().mtvec, 0u);
  EXPECT_EQ(m.hart.slots(), 5u);  // 3 instructions, then two faulting fetches
  EXPECT_EQ(m.csr(MEPC), 0u);
  EXPECT_EQ(m.hart.pc(), 0u);
  // The state is stuck: running again reports it again after one more trap.
  EXPECT_EQ(m.hart.run(1000), Rv32Hart::Stop::NoProgress);
  EXPECT_EQ(m.hart.slots(), 6u);
}

TEST(Hart, TrapStormWithUnmappedMtvecIsNoProgress) {
  for (bool fast : {true, false}) {
    Machine m(fast);
    m.hart.write_csr(MTVEC, 0x30000000u);  // unmapped handler
    Program p;
    p.w(ECALL());
    m.load(p);
    EXPECT_EQ(m.hart.run(1000), Rv32Hart::Stop::NoProgress) << fast;
    EXPECT_EQ(m.hart.instret(), 0u);
    EXPECT_EQ(m.hart.no_progress().cause, 1u);
    EXPECT_EQ(m.hart.no_progress().pc, 0x30000000u);
    EXPECT_EQ(m.hart.no_progress().mtvec, 0x30000000u);
  }
}

TEST(Hart, TrapStormJumpIntoUnmappedWithMtvecThereIsNoProgress) {
  // A valid mtvec, then a jump into unmapped memory and mtvec pointed there: the handler
  // itself cannot be fetched. Also an illegal instruction as the handler's first one.
  Machine m;
  Program p;
  p.w(LI(t0, 0x20000000u)).w(CSRW(MTVEC, t0)).w(JALR(zero, t0, 0));
  m.load(p);
  EXPECT_EQ(m.hart.run(1000), Rv32Hart::Stop::NoProgress);
  EXPECT_EQ(m.hart.no_progress().pc, 0x20000000u);
  EXPECT_EQ(m.hart.no_progress().mtvec, 0x20000000u);

  Machine n;
  n.hart.write_csr(MTVEC, kBase + 0x400);
  Program q;
  q.w(ECALL()).pad_to(0x400).w(0xffffffffu);
  n.load(q);
  EXPECT_EQ(n.hart.run(1000), Rv32Hart::Stop::NoProgress);
  EXPECT_EQ(n.hart.no_progress().cause, 2u);
  EXPECT_EQ(n.hart.no_progress().pc, kBase + 0x400);
  EXPECT_EQ(n.hart.no_progress().tval, 0xffffffffu);
}

TEST(Hart, LegitimateTrapLoopsAreNotNoProgress) {
  // ecall in a loop with a handler that returns with mret: traps forever, but the handler
  // retires instructions.
  Machine m;
  m.hart.write_csr(MTVEC, kBase + 0x400);
  Program p;
  p.w(ECALL()).w(JAL(zero, -4)).pad_to(0x400).w(CSRR(t1, MEPC)).w(ADDI(t1, t1, 4)).w(CSRW(MEPC, t1)).w(MRET());
  m.load(p);
  EXPECT_EQ(m.hart.run(100000), Rv32Hart::Stop::Budget);
  EXPECT_GT(m.hart.instret(), 50000u);
  // A handler that jumps elsewhere before trapping again retires an instruction each round:
  // a livelock, but not one the rule claims to catch.
  Machine n;
  n.hart.write_csr(MTVEC, kBase + 0x400);
  Program q;
  q.w(ECALL()).pad_to(0x400).w(JAL(zero, 0x100)).pad_to(0x500).w(ECALL());
  n.load(q);
  EXPECT_EQ(n.hart.run(100000), Rv32Hart::Stop::Budget);
  // An interrupt storm (handler returns at once; the line stays high) is not flagged.
  Machine i;
  i.hart.write_csr(MTVEC, kBase + 0x400);
  i.hart.write_csr(MIE, 1u << 7);
  i.hart.write_csr(MSTATUS, 0x8);
  Program r;
  r.w(JAL(zero, 0)).pad_to(0x400).w(MRET());
  i.load(r);
  i.hart.set_irq_line(7, true);
  EXPECT_EQ(i.hart.run(100000), Rv32Hart::Stop::Budget);
}
