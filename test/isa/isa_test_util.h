// Helpers shared by the ISA tests: a random generator of legal instructions written
// independently of the decoder (from the field ranges of isa.md §4/§5).
#pragma once

#include <cstdint>
#include <random>

#include "isa/encoding.h"
#include "common/geometry.h"
#include "isa/instr.h"

namespace isatest {

using namespace pumavp;
using namespace pumavp::isa;

struct Rng {
  std::mt19937_64 g;
  explicit Rng(uint64_t seed) : g(seed) {}
  uint64_t u64() { return g(); }
  // uniform in [lo, hi]
  int64_t in(int64_t lo, int64_t hi) {
    return lo + int64_t(g() % uint64_t(hi - lo + 1));
  }
  bool coin() { return g() & 1; }
};

// Region bounds from the spec formulas (not from Geometry helpers).
struct Layout {
  uint32_t n_in, total, rf_begin;
  explicit Layout(const Geometry& g) {
    unsigned K = g.panther ? 3 : 1;
    n_in = g.num_mvmu * K * g.xbar_size;
    uint32_t n_rf = g.rf_size ? g.rf_size : 2 * n_in;
    rf_begin = 2 * n_in;
    total = 2 * n_in + n_rf;
  }
  // random [addr, addr+len) inside one region; len must fit in the smallest region
  uint16_t vec_addr(Rng& r, uint32_t len) const {
    int reg = int(r.in(0, 2));
    uint32_t b = reg == 0 ? 0 : reg == 1 ? n_in : rf_begin;
    uint32_t e = reg == 0 ? n_in : reg == 1 ? 2 * n_in : total;
    if (len > e - b) { b = rf_begin; e = total; }
    // bias towards the edges
    int mode = int(r.in(0, 3));
    if (mode == 0) return uint16_t(b);
    if (mode == 1) return uint16_t(e - len);
    return uint16_t(r.in(b, e - len));
  }
  uint16_t rf_addr(Rng& r) const { return uint16_t(r.in(rf_begin, total - 1)); }
};

inline int arity_of(unsigned op) {
  static const int a[27] = {2, 2, 2, 2, 1, 1, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 1, 1};
  return op < 27 ? a[op] : -1;
}

// A random legal core instruction for geometry g.
inline CoreInstr random_core(Rng& r, const Geometry& g) {
  Layout L(g);
  CoreInstr in;
  static const Opcode ops[] = {Opcode::Nop, Opcode::Halt, Opcode::Set,    Opcode::Copy,
                               Opcode::Load, Opcode::Store, Opcode::Alu,  Opcode::Alui,
                               Opcode::AluInt, Opcode::Mvm, Opcode::Mcu,  Opcode::Crs,
                               Opcode::Jmp, Opcode::Brn};
  for (;;) {
    in = CoreInstr{};
    in.opcode = ops[r.in(0, 13)];
    if (in.opcode == Opcode::Crs && !g.panther) continue;
    break;
  }
  auto vec = [&](uint32_t maxv) {
    int m = int(r.in(0, 3));
    return uint16_t(m == 0 ? 1 : m == 1 ? maxv : r.in(1, maxv));
  };
  uint32_t small = L.n_in < 1024 ? L.n_in : 1024;  // fits any region
  switch (in.opcode) {
    case Opcode::Set:
      in.vec = vec(1024 < L.total - L.rf_begin ? 1024 : L.total - L.rf_begin);
      in.dest = uint16_t(r.in(L.rf_begin, L.total - in.vec));
      in.imm = uint16_t(r.u64());
      break;
    case Opcode::Copy:
      in.vec = vec(small);
      in.dest = L.vec_addr(r, in.vec);
      in.src1 = L.vec_addr(r, in.vec);
      break;
    case Opcode::Load:
    case Opcode::Store: {
      in.width = uint8_t(r.in(1, 16));
      uint32_t maxv = small / in.width;
      in.vec = vec(maxv);
      uint16_t data = L.vec_addr(r, uint32_t(in.width) * in.vec);
      uint16_t areg = L.rf_addr(r);
      if (in.opcode == Opcode::Load) { in.dest = data; in.src1 = areg; }
      else { in.dest = areg; in.src1 = data; in.count = uint16_t(r.in(1, 8191)); }
      break;
    }
    case Opcode::Alu: {
      in.op = uint8_t(r.in(0, 26));
      int ar = arity_of(in.op);
      in.vec = vec(small);
      in.dest = L.vec_addr(r, in.vec);
      if (in.op == 4 || in.op == 5) in.src3 = uint8_t(r.in(0, 15));
      if (in.op == 26) {
        in.src3 = uint8_t(r.in(1, 15));
        uint32_t maxv = (small - 1) / in.src3 + 1;
        if (in.vec > maxv) in.vec = uint16_t(maxv);
        in.dest = L.vec_addr(r, in.vec);
        in.src1 = L.vec_addr(r, uint32_t(in.vec - 1) * in.src3 + 1);
      } else {
        if (ar >= 1) in.src1 = L.vec_addr(r, in.vec);
        if (ar >= 2) in.src2 = L.vec_addr(r, in.vec);
      }
      break;
    }
    case Opcode::Alui: {
      static const uint8_t ok[] = {0, 1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17};
      in.op = ok[r.in(0, 14)];
      in.vec = vec(small);
      in.dest = L.vec_addr(r, in.vec);
      in.src1 = L.vec_addr(r, in.vec);
      in.imm = uint16_t(r.u64());
      break;
    }
    case Opcode::AluInt:
      in.op = uint8_t(r.in(0, 10));
      in.dest = L.rf_addr(r);
      in.src1 = L.rf_addr(r);
      in.src2 = L.rf_addr(r);
      break;
    case Opcode::Mvm:
      in.mask = uint8_t(r.in(1, (1 << g.num_mvmu) - 1));
      if (r.coin()) {
        in.filter = uint16_t(r.in(2, g.xbar_size));
        in.stride = uint16_t(r.in(1, in.filter - 1));
      }
      break;
    case Opcode::Crs:
      in.mask = uint8_t(r.in(1, (1 << g.num_mvmu) - 1));
      break;
    case Opcode::Mcu: {
      unsigned n = g.num_mvmu < 6 ? g.num_mvmu : 6;
      bool any = false;
      while (!any)
        for (unsigned k = 0; k < n; ++k) {
          in.mcu[k] = uint8_t(r.in(0, g.panther ? 7 : 1));
          any |= in.mcu[k] != 0;
        }
      break;
    }
    case Opcode::Jmp: in.target = uint16_t(r.in(0, 16383)); break;
    case Opcode::Brn:
      in.op = uint8_t(r.in(0, 5));
      in.src1 = L.rf_addr(r);
      in.src2 = L.rf_addr(r);
      in.target = uint16_t(r.in(0, 16383));
      break;
    default: break;
  }
  return in;
}

inline TileInstr random_tile(Rng& r, const Geometry& g) {
  TileInstr in;
  int k = int(r.in(0, 4));
  if (k == 0) { in.opcode = Opcode::TileHalt; return in; }
  in.opcode = k <= 2 ? Opcode::Send : Opcode::Receive;
  in.width = uint8_t(r.in(1, 16));
  in.vec = uint16_t(r.in(1, 1024));
  uint32_t n = uint32_t(in.width) * in.vec;
  in.mem = uint16_t(r.in(0, g.shared_mem_words - n));
  if (in.opcode == Opcode::Send) {
    in.fifo = uint8_t(r.in(0, g.num_fifos - 1));
    in.target = uint16_t(r.in(0, g.tiles - 1));
  } else {
    in.fifo = r.in(0, 4) == 0 ? uint8_t(255) : uint8_t(r.in(0, g.num_fifos - 1));
    in.count = uint16_t(r.in(1, 65535));
  }
  return in;
}

}  // namespace isatest
