// Hand encoders for RV32IMAC instructions, written from the RISC-V unprivileged spec's
// instruction formats (independently of the ISS decoder), for the host tests.
#pragma once

#include <cstdint>
#include <vector>

namespace rvasm {

enum Reg : uint32_t {
  zero = 0, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7,
  s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6
};

inline uint32_t r_type(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t op) {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
inline uint32_t i_type(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t op) {
  return ((static_cast<uint32_t>(imm) & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
inline uint32_t s_type(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t op) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return (((u >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1f) << 7) | op;
}
inline uint32_t b_type(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
         (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63;
}
inline uint32_t u_type(uint32_t imm20, uint32_t rd, uint32_t op) { return (imm20 << 12) | (rd << 7) | op; }
inline uint32_t j_type(int32_t imm, uint32_t rd) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) |
         (((u >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}

inline uint32_t LUI(uint32_t rd, uint32_t imm20) { return u_type(imm20, rd, 0x37); }
inline uint32_t AUIPC(uint32_t rd, uint32_t imm20) { return u_type(imm20, rd, 0x17); }
inline uint32_t JAL(uint32_t rd, int32_t off) { return j_type(off, rd); }
inline uint32_t JALR(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 0, rd, 0x67); }
inline uint32_t BEQ(uint32_t a, uint32_t b, int32_t off) { return b_type(off, b, a, 0); }
inline uint32_t BNE(uint32_t a, uint32_t b, int32_t off) { return b_type(off, b, a, 1); }
inline uint32_t BLT(uint32_t a, uint32_t b, int32_t off) { return b_type(off, b, a, 4); }
inline uint32_t BGE(uint32_t a, uint32_t b, int32_t off) { return b_type(off, b, a, 5); }
inline uint32_t BLTU(uint32_t a, uint32_t b, int32_t off) { return b_type(off, b, a, 6); }
inline uint32_t BGEU(uint32_t a, uint32_t b, int32_t off) { return b_type(off, b, a, 7); }
inline uint32_t LB(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 0, rd, 0x03); }
inline uint32_t LH(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 1, rd, 0x03); }
inline uint32_t LW(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 2, rd, 0x03); }
inline uint32_t LBU(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 4, rd, 0x03); }
inline uint32_t LHU(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 5, rd, 0x03); }
inline uint32_t SB(uint32_t rs2, uint32_t rs1, int32_t imm) { return s_type(imm, rs2, rs1, 0, 0x23); }
inline uint32_t SH(uint32_t rs2, uint32_t rs1, int32_t imm) { return s_type(imm, rs2, rs1, 1, 0x23); }
inline uint32_t SW(uint32_t rs2, uint32_t rs1, int32_t imm) { return s_type(imm, rs2, rs1, 2, 0x23); }
inline uint32_t ADDI(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 0, rd, 0x13); }
inline uint32_t SLTI(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 2, rd, 0x13); }
inline uint32_t SLTIU(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 3, rd, 0x13); }
inline uint32_t XORI(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 4, rd, 0x13); }
inline uint32_t ORI(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 6, rd, 0x13); }
inline uint32_t ANDI(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(imm, rs1, 7, rd, 0x13); }
inline uint32_t SLLI(uint32_t rd, uint32_t rs1, uint32_t sh) { return r_type(0, sh, rs1, 1, rd, 0x13); }
inline uint32_t SRLI(uint32_t rd, uint32_t rs1, uint32_t sh) { return r_type(0, sh, rs1, 5, rd, 0x13); }
inline uint32_t SRAI(uint32_t rd, uint32_t rs1, uint32_t sh) { return r_type(0x20, sh, rs1, 5, rd, 0x13); }
inline uint32_t ADD(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 0, rd, 0x33); }
inline uint32_t SUB(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0x20, b, a, 0, rd, 0x33); }
inline uint32_t SLL(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 1, rd, 0x33); }
inline uint32_t SLT(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 2, rd, 0x33); }
inline uint32_t SLTU(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 3, rd, 0x33); }
inline uint32_t XOR(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 4, rd, 0x33); }
inline uint32_t SRL(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 5, rd, 0x33); }
inline uint32_t SRA(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0x20, b, a, 5, rd, 0x33); }
inline uint32_t OR(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 6, rd, 0x33); }
inline uint32_t AND(uint32_t rd, uint32_t a, uint32_t b) { return r_type(0, b, a, 7, rd, 0x33); }
inline uint32_t MUL(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 0, rd, 0x33); }
inline uint32_t MULH(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 1, rd, 0x33); }
inline uint32_t MULHSU(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 2, rd, 0x33); }
inline uint32_t MULHU(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 3, rd, 0x33); }
inline uint32_t DIV(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 4, rd, 0x33); }
inline uint32_t DIVU(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 5, rd, 0x33); }
inline uint32_t REM(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 6, rd, 0x33); }
inline uint32_t REMU(uint32_t rd, uint32_t a, uint32_t b) { return r_type(1, b, a, 7, rd, 0x33); }
inline uint32_t FENCE() { return 0x0ff0000f; }
inline uint32_t FENCE_I() { return 0x0000100f; }
inline uint32_t ECALL() { return 0x00000073; }
inline uint32_t EBREAK() { return 0x00100073; }
inline uint32_t MRET() { return 0x30200073; }
inline uint32_t WFI() { return 0x10500073; }
inline uint32_t CSRRW(uint32_t rd, uint32_t csr, uint32_t rs1) { return i_type(static_cast<int32_t>(csr), rs1, 1, rd, 0x73); }
inline uint32_t CSRRS(uint32_t rd, uint32_t csr, uint32_t rs1) { return i_type(static_cast<int32_t>(csr), rs1, 2, rd, 0x73); }
inline uint32_t CSRRC(uint32_t rd, uint32_t csr, uint32_t rs1) { return i_type(static_cast<int32_t>(csr), rs1, 3, rd, 0x73); }
inline uint32_t CSRRWI(uint32_t rd, uint32_t csr, uint32_t z) { return i_type(static_cast<int32_t>(csr), z, 5, rd, 0x73); }
inline uint32_t CSRRSI(uint32_t rd, uint32_t csr, uint32_t z) { return i_type(static_cast<int32_t>(csr), z, 6, rd, 0x73); }
inline uint32_t CSRRCI(uint32_t rd, uint32_t csr, uint32_t z) { return i_type(static_cast<int32_t>(csr), z, 7, rd, 0x73); }
inline uint32_t CSRR(uint32_t rd, uint32_t csr) { return CSRRS(rd, csr, 0); }
inline uint32_t CSRW(uint32_t csr, uint32_t rs1) { return CSRRW(0, csr, rs1); }
inline uint32_t amo(uint32_t f5, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return r_type(f5 << 2, rs2, rs1, 2, rd, 0x2f);
}
inline uint32_t LR_W(uint32_t rd, uint32_t rs1) { return amo(0x02, rd, rs1, 0); }
inline uint32_t SC_W(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x03, rd, rs1, rs2); }
inline uint32_t AMOSWAP(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x01, rd, rs1, rs2); }
inline uint32_t AMOADD(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x00, rd, rs1, rs2); }
inline uint32_t AMOXOR(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x04, rd, rs1, rs2); }
inline uint32_t AMOAND(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x0c, rd, rs1, rs2); }
inline uint32_t AMOOR(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x08, rd, rs1, rs2); }
inline uint32_t AMOMIN(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x10, rd, rs1, rs2); }
inline uint32_t AMOMAX(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x14, rd, rs1, rs2); }
inline uint32_t AMOMINU(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x18, rd, rs1, rs2); }
inline uint32_t AMOMAXU(uint32_t rd, uint32_t rs1, uint32_t rs2) { return amo(0x1c, rd, rs1, rs2); }

// Load a 32-bit constant: lui + addi (two words).
inline std::vector<uint32_t> LI(uint32_t rd, uint32_t v) {
  const uint32_t lo = v & 0xfff;
  const uint32_t hi = (v + 0x800) >> 12;
  return {LUI(rd, hi & 0xfffff), ADDI(rd, rd, static_cast<int32_t>(lo << 20) >> 20)};
}

// A program builder: 32-bit words and 16-bit parcels, little-endian bytes.
struct Program {
  std::vector<uint8_t> bytes;
  uint32_t base = 0x80000000u;
  uint32_t here() const { return base + static_cast<uint32_t>(bytes.size()); }
  Program& w(uint32_t x) {
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(x >> (8 * i)));
    return *this;
  }
  Program& h(uint16_t x) {
    bytes.push_back(static_cast<uint8_t>(x));
    bytes.push_back(static_cast<uint8_t>(x >> 8));
    return *this;
  }
  Program& w(const std::vector<uint32_t>& xs) {
    for (uint32_t x : xs) w(x);
    return *this;
  }
  Program& pad_to(uint32_t offset) {
    while (bytes.size() < offset) w(0x00000013);  // nop
    return *this;
  }
};

// CSR numbers used by the tests.
enum : uint32_t {
  MSTATUS = 0x300, MISA = 0x301, MIE = 0x304, MTVEC = 0x305, MSCRATCH = 0x340, MEPC = 0x341,
  MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344, MCYCLE = 0xB00, MINSTRET = 0xB02, CYCLE = 0xC00,
  TIME = 0xC01, INSTRET = 0xC02, MHARTID = 0xF14
};

}  // namespace rvasm
