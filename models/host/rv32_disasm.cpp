// RV32IMAC disassembly of a DecodedInsn, for instruction traces. Compressed instructions are
// shown as the base instruction they expand to, prefixed with "c.".
#include <cstdio>
#include <string>

#include "host/rv32_hart.h"

namespace pumavp::host {
namespace {

const char* reg_name(unsigned r) {
  static const char* const kNames[33] = {
      "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
      "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
      "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6", "zero"};
  return r < 33 ? kNames[r] : "?";
}

const char* mnemonic(Op op) {
  switch (op) {
    case Op::kUndecoded: return "undecoded";
    case Op::kIllegal: return "illegal";
    case Op::kBreakpoint: return "breakpoint";
    case Op::kLui: return "lui";
    case Op::kAuipc: return "auipc";
    case Op::kJal: return "jal";
    case Op::kJalr: return "jalr";
    case Op::kBeq: return "beq";
    case Op::kBne: return "bne";
    case Op::kBlt: return "blt";
    case Op::kBge: return "bge";
    case Op::kBltu: return "bltu";
    case Op::kBgeu: return "bgeu";
    case Op::kLb: return "lb";
    case Op::kLh: return "lh";
    case Op::kLw: return "lw";
    case Op::kLbu: return "lbu";
    case Op::kLhu: return "lhu";
    case Op::kSb: return "sb";
    case Op::kSh: return "sh";
    case Op::kSw: return "sw";
    case Op::kAddi: return "addi";
    case Op::kSlti: return "slti";
    case Op::kSltiu: return "sltiu";
    case Op::kXori: return "xori";
    case Op::kOri: return "ori";
    case Op::kAndi: return "andi";
    case Op::kSlli: return "slli";
    case Op::kSrli: return "srli";
    case Op::kSrai: return "srai";
    case Op::kAdd: return "add";
    case Op::kSub: return "sub";
    case Op::kSll: return "sll";
    case Op::kSlt: return "slt";
    case Op::kSltu: return "sltu";
    case Op::kXor: return "xor";
    case Op::kSrl: return "srl";
    case Op::kSra: return "sra";
    case Op::kOr: return "or";
    case Op::kAnd: return "and";
    case Op::kMul: return "mul";
    case Op::kMulh: return "mulh";
    case Op::kMulhsu: return "mulhsu";
    case Op::kMulhu: return "mulhu";
    case Op::kDiv: return "div";
    case Op::kDivu: return "divu";
    case Op::kRem: return "rem";
    case Op::kRemu: return "remu";
    case Op::kFence: return "fence";
    case Op::kFenceI: return "fence.i";
    case Op::kEcall: return "ecall";
    case Op::kEbreak: return "ebreak";
    case Op::kMret: return "mret";
    case Op::kWfi: return "wfi";
    case Op::kCsrrw: return "csrrw";
    case Op::kCsrrs: return "csrrs";
    case Op::kCsrrc: return "csrrc";
    case Op::kCsrrwi: return "csrrwi";
    case Op::kCsrrsi: return "csrrsi";
    case Op::kCsrrci: return "csrrci";
    case Op::kLr: return "lr.w";
    case Op::kSc: return "sc.w";
    case Op::kAmoswap: return "amoswap.w";
    case Op::kAmoadd: return "amoadd.w";
    case Op::kAmoxor: return "amoxor.w";
    case Op::kAmoand: return "amoand.w";
    case Op::kAmoor: return "amoor.w";
    case Op::kAmomin: return "amomin.w";
    case Op::kAmomax: return "amomax.w";
    case Op::kAmominu: return "amominu.w";
    case Op::kAmomaxu: return "amomaxu.w";
  }
  return "?";
}

}  // namespace

std::string disasm_rv32(const DecodedInsn& d, uint32_t pc) {
  char buf[96];
  const char* m = mnemonic(d.op);
  char mn[24];
  std::snprintf(mn, sizeof mn, "%s%s", d.len == 2 ? "c." : "", m);
  const char *rd = reg_name(d.rd), *rs1 = reg_name(d.rs1), *rs2 = reg_name(d.rs2);
  switch (d.op) {
    case Op::kLui:
    case Op::kAuipc:
      std::snprintf(buf, sizeof buf, "%-10s %s, 0x%x", mn, rd, static_cast<uint32_t>(d.imm) >> 12);
      break;
    case Op::kJal:
      std::snprintf(buf, sizeof buf, "%-10s %s, 0x%x", mn, rd, pc + static_cast<uint32_t>(d.imm));
      break;
    case Op::kJalr:
    case Op::kLb: case Op::kLh: case Op::kLw: case Op::kLbu: case Op::kLhu:
      std::snprintf(buf, sizeof buf, "%-10s %s, %d(%s)", mn, rd, d.imm, rs1);
      break;
    case Op::kBeq: case Op::kBne: case Op::kBlt: case Op::kBge: case Op::kBltu: case Op::kBgeu:
      std::snprintf(buf, sizeof buf, "%-10s %s, %s, 0x%x", mn, rs1, rs2, pc + static_cast<uint32_t>(d.imm));
      break;
    case Op::kSb: case Op::kSh: case Op::kSw:
      std::snprintf(buf, sizeof buf, "%-10s %s, %d(%s)", mn, rs2, d.imm, rs1);
      break;
    case Op::kAddi: case Op::kSlti: case Op::kSltiu: case Op::kXori: case Op::kOri: case Op::kAndi:
    case Op::kSlli: case Op::kSrli: case Op::kSrai:
      std::snprintf(buf, sizeof buf, "%-10s %s, %s, %d", mn, rd, rs1, d.imm);
      break;
    case Op::kCsrrw: case Op::kCsrrs: case Op::kCsrrc:
      std::snprintf(buf, sizeof buf, "%-10s %s, 0x%03x, %s", mn, rd, static_cast<unsigned>(d.imm) & 0xfff, rs1);
      break;
    case Op::kCsrrwi: case Op::kCsrrsi: case Op::kCsrrci:
      std::snprintf(buf, sizeof buf, "%-10s %s, 0x%03x, %u", mn, rd, static_cast<unsigned>(d.imm) & 0xfff,
                    static_cast<unsigned>(d.rs1));
      break;
    case Op::kLr:
      std::snprintf(buf, sizeof buf, "%-10s %s, (%s)", mn, rd, rs1);
      break;
    case Op::kSc: case Op::kAmoswap: case Op::kAmoadd: case Op::kAmoxor: case Op::kAmoand:
    case Op::kAmoor: case Op::kAmomin: case Op::kAmomax: case Op::kAmominu: case Op::kAmomaxu:
      std::snprintf(buf, sizeof buf, "%-10s %s, %s, (%s)", mn, rd, rs2, rs1);
      break;
    case Op::kAdd: case Op::kSub: case Op::kSll: case Op::kSlt: case Op::kSltu: case Op::kXor:
    case Op::kSrl: case Op::kSra: case Op::kOr: case Op::kAnd: case Op::kMul: case Op::kMulh:
    case Op::kMulhsu: case Op::kMulhu: case Op::kDiv: case Op::kDivu: case Op::kRem: case Op::kRemu:
      std::snprintf(buf, sizeof buf, "%-10s %s, %s, %s", mn, rd, rs1, rs2);
      break;
    default:
      std::snprintf(buf, sizeof buf, "%s", mn);
      break;
  }
  return buf;
}

}  // namespace pumavp::host
