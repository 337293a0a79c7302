#include "compiler/emitter.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/model.h"  // CompileError

namespace pumavp::compiler {

using isa::CoreInstr;
using isa::Opcode;
using isa::TileInstr;

uint32_t Emitter::alloc(unsigned tile, unsigned len, const std::string& what) {
  uint32_t& top = mem_top_[tile];
  const uint32_t a = top;
  if (!unbounded_memory_ && uint64_t(top) + len > g_.shared_mem_words)
    throw CompileError(fmt::format("tile {} shared memory overflow: {} needs {} words at {}, the tile has {}", tile, what,
                                   len, top, g_.shared_mem_words));
  top += len;
  return a;
}

uint32_t Emitter::mem_top(unsigned tile) const {
  auto it = mem_top_.find(tile);
  return it == mem_top_.end() ? 0 : it->second;
}

uint32_t Emitter::max_mem_top() const {
  uint32_t m = 0;
  for (auto& [t, top] : mem_top_) m = std::max(m, top);
  return m;
}

void Emitter::core_ev(unsigned tile, unsigned core, const CoreInstr& in, std::string comment) {
  units_[{tile, core}].evs.push_back(Ev{seq_++, false, in, {}, std::move(comment)});
}

void Emitter::tile_ev(unsigned tile, const TileInstr& in, std::string comment) {
  units_[{tile, isa::kTileUnit}].evs.push_back(Ev{seq_++, true, {}, in, std::move(comment)});
}

size_t Emitter::size(unsigned tile, unsigned core) const {
  auto it = units_.find({tile, core});
  return it == units_.end() ? 0 : it->second.evs.size();
}

void Emitter::set(unsigned tile, unsigned core, uint16_t dest, uint16_t imm, unsigned vec, const std::string& cm) {
  CoreInstr in;
  in.opcode = Opcode::Set;
  in.dest = dest;
  in.imm = imm;
  in.vec = uint16_t(vec);
  core_ev(tile, core, in, cm);
}

void Emitter::mem(bool store, unsigned tile, unsigned core, uint16_t opnd, uint32_t addr, unsigned len, unsigned count,
                  const std::string& cm, unsigned areg_base) {
  const unsigned full = len / 16, rem = len % 16;
  unsigned areg = areg_base;
  auto one = [&](unsigned w, unsigned vec, unsigned off) {
    if (addr + off > 32767 && !unbounded_memory_) throw CompileError("internal: shared-memory address beyond the set immediate");
    set(tile, core, rf(areg), uint16_t(addr + off));
    CoreInstr in;
    in.opcode = store ? Opcode::Store : Opcode::Load;
    if (store) {
      in.dest = rf(areg);
      in.src1 = uint16_t(opnd + off);
      in.count = uint16_t(count);
    } else {
      in.dest = uint16_t(opnd + off);
      in.src1 = rf(areg);
    }
    in.width = uint8_t(w);
    in.vec = uint16_t(vec);
    core_ev(tile, core, in, off == 0 ? cm : "");
    ++areg;
  };
  if (store && (count < 1 || count > 8191)) throw CompileError(fmt::format("{}: consumer count {} out of range", cm, count));
  if (full) one(16, full, 0);
  if (rem) one(rem, 1, full * 16);
}

void Emitter::alu(unsigned tile, unsigned core, isa::AluOp op, uint16_t dest, uint16_t s1, uint16_t s2, unsigned vec,
                  const std::string& cm) {
  CoreInstr in;
  in.opcode = Opcode::Alu;
  in.op = uint8_t(op);
  in.dest = dest;
  in.src1 = s1;
  in.src2 = s2;
  in.vec = uint16_t(vec);
  core_ev(tile, core, in, cm);
}

void Emitter::mvm(unsigned tile, unsigned core, unsigned mask, unsigned filter, unsigned stride, const std::string& cm) {
  CoreInstr in;
  in.opcode = Opcode::Mvm;
  in.mask = uint8_t(mask);
  in.filter = uint16_t(filter);
  in.stride = uint16_t(stride);
  core_ev(tile, core, in, cm);
}

// FIFO ids (docs/decisions-compiler.md, "Forward relay"): every inter-tile packet a tile
// receives comes from the previous tile and goes to FIFO 0; a tile's packets to itself use
// FIFO 1.
uint8_t Emitter::fifo(unsigned src, unsigned dst) const {
  constexpr uint8_t kRelayFifo = 0, kSelfFifo = 1;
  if (src != dst) return kRelayFifo;
  if (g_.num_fifos < 2)
    throw CompileError("the mapping needs 2 receive FIFOs per tile (relay and own-tile copies); tile.num_fifos is 1");
  return kSelfFifo;
}

void Emitter::transfer(unsigned src, uint32_t saddr, unsigned dst, uint32_t daddr, unsigned len, unsigned count,
                       const std::string& what) {
  if (count < 1 || count > 65535) throw CompileError(what + ": receive count out of range");
  const uint8_t f = fifo(src, dst);
  struct Piece {
    unsigned w, vec, off;
  };
  std::vector<Piece> pieces;
  const unsigned full = len / 16, rem = len % 16;
  // A tile sending to itself must receive before its FIFO fills: chunks of fifo_depth packets.
  const unsigned chunk = src == dst ? std::max(1u, fifo_depth_) : 1024;
  for (unsigned p = 0; p < full; p += chunk) pieces.push_back({16, std::min(chunk, full - p), p * 16});
  if (rem) pieces.push_back({rem, 1, full * 16});
  bool first = true;
  for (const Piece& p : pieces) {
    TileInstr s;
    s.opcode = Opcode::Send;
    s.mem = uint16_t(saddr + p.off);
    s.fifo = f;
    s.target = uint16_t(dst);
    s.width = uint8_t(p.w);
    s.vec = uint16_t(p.vec);
    tile_ev(src, s, first ? what + fmt::format(" -> tile {}", dst) : "");
    TileInstr r;
    r.opcode = Opcode::Receive;
    r.mem = uint16_t(daddr + p.off);
    r.fifo = f;
    r.count = uint16_t(count);
    r.width = uint8_t(p.w);
    r.vec = uint16_t(p.vec);
    tile_ev(dst, r, first ? what + fmt::format(" <- tile {}", src) : "");
    first = false;
  }
}

void Emitter::check_forward(unsigned src, unsigned dst, const std::string& what) {
  if (dst < src) throw CompileError(fmt::format("internal: {} would flow backwards from tile {} to tile {}", what, src, dst));
}

void Emitter::hop_chain(unsigned src, uint32_t saddr, unsigned last, unsigned len, const std::string& what,
                        const std::function<std::pair<uint32_t, unsigned>(unsigned)>& at) {
  check_forward(src, last, what);
  uint32_t from = saddr;
  for (unsigned k = src + 1; k <= last; ++k) {
    const auto [addr, count] = at(k);
    transfer(k - 1, from, k, addr, len, count, what);
    from = addr;
  }
}

void Emitter::relay(unsigned src, uint32_t saddr, unsigned dst, uint32_t daddr, unsigned len, unsigned count,
                    const std::string& what) {
  hop_chain(src, saddr, dst, len, what, [&](unsigned k) -> std::pair<uint32_t, unsigned> {
    if (k == dst) return {daddr, count};
    return {alloc(k, len, what + " (relay)"), 1};
  });
}

void Emitter::halt_all() {
  for (auto& [key, u] : units_) {
    if (key.second == isa::kTileUnit) {
      TileInstr h;
      h.opcode = Opcode::TileHalt;
      u.evs.push_back({seq_++, true, {}, h, ""});
    } else {
      CoreInstr h;
      h.opcode = Opcode::Halt;
      u.evs.push_back({seq_++, false, h, {}, ""});
    }
  }
}

isa::ImageHeader Emitter::image_header(const Geometry& g, unsigned tiles, unsigned cores) {
  isa::ImageHeader h;
  h.tiles = uint16_t(tiles);
  h.cores_per_tile = uint8_t(cores);
  h.num_mvmu = uint8_t(g.num_mvmu);
  h.xbar_size = uint16_t(g.xbar_size);
  h.bits_per_cell = uint8_t(g.bits_per_cell);
  h.slices = uint8_t(g.slices);
  h.frac_bits = uint8_t(g.frac_bits);
  h.panther = false;
  return h;
}

isa::Tensor Emitter::tensor(const std::string& name, unsigned tile, uint32_t addr, uint32_t len, isa::TensorDir dir,
                            unsigned count) {
  isa::Tensor t;
  t.name = name;
  t.tile = uint16_t(tile);
  t.addr = addr;
  t.len = len;
  t.dir = dir;
  t.count = uint8_t(count);
  return t;
}

void Emitter::build_programs(isa::KernelImage& img) const {
  for (auto& [key, u] : units_) {
    isa::Program p;
    p.tile = uint16_t(key.first);
    p.core = uint8_t(key.second);
    for (const Ev& e : u.evs) p.words.push_back(e.tile ? isa::encode(e.t) : isa::encode(e.c));
    const unsigned limit = p.is_tile() ? g_.tile_imem_words : g_.core_imem_words;
    if (p.words.size() > limit && !unbounded_memory_)
      throw CompileError(fmt::format("{} program of tile {}{} needs {} instructions, the instruction memory holds {}",
                                     p.is_tile() ? "tile" : "core", p.tile,
                                     p.is_tile() ? "" : fmt::format(" core {}", p.core), p.words.size(), limit));
    img.programs.push_back(std::move(p));
  }
}

std::string Emitter::programs_asm() const {
  std::string s;
  for (const auto& [key, u] : units_) {
    s += key.second == isa::kTileUnit ? fmt::format("\n.tile {}\n", key.first)
                                      : fmt::format("\n.core {} {}\n", key.first, key.second);
    for (const Ev& e : u.evs) {
      std::string ins = e.tile ? isa::disassemble(e.t) : isa::disassemble(e.c, g_);
      if (e.comment.empty())
        s += "        " + ins + "\n";
      else
        s += fmt::format("        {:<44} # {}\n", ins, e.comment);
    }
  }
  return s;
}

unsigned Emitter::max_fifos_used() const {
  size_t most = 0;
  for (const auto& [key, u] : units_) {
    if (key.second != isa::kTileUnit) continue;
    std::vector<bool> used(256, false);
    size_t n = 0;
    for (const Ev& e : u.evs)
      if (e.tile && e.t.opcode == Opcode::Receive && !used[e.t.fifo]) used[e.t.fifo] = true, ++n;
    most = std::max(most, n);
  }
  return unsigned(most);
}

std::pair<size_t, size_t> Emitter::largest_programs() const {
  size_t core = 0, tile = 0;
  for (const auto& [key, u] : units_) (key.second == isa::kTileUnit ? tile : core) = std::max(key.second == isa::kTileUnit ? tile : core, u.evs.size());
  return {core, tile};
}

}  // namespace pumavp::compiler
