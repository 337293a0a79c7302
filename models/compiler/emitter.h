// pumavp::compiler::Emitter — what every back end of the compiler shares: the unit programs
// being generated (one event list per core and per tile unit, in one global order), the
// shared-memory allocator, the instruction helpers (set, load/store of any length, alu, mvm),
// inter-tile transfers with the forward relay (docs/decisions-compiler.md), and the parts of
// the kernel image and .pasm text that come from the programs.
//
// Deadlock freedom rests on two rules the back ends keep: every unit's program is a
// subsequence of the one global order in which events are emitted (each receive right after
// its send), and a store that reuses a word follows, in that order, every load of the word's
// previous value.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/geometry.h"
#include "isa/encoding.h"
#include "isa/kimage.h"

namespace pumavp::compiler {

class Emitter {
 public:
  struct Ev {
    uint64_t seq;
    bool tile;            // tile instruction?
    isa::CoreInstr c;
    isa::TileInstr t;
    std::string comment;
  };
  struct Unit {
    std::vector<Ev> evs;
  };
  using UnitKey = std::pair<unsigned, unsigned>;  // (tile, core or isa::kTileUnit)

  Emitter(const Geometry& g, unsigned fifo_depth) : g_(g), fifo_depth_(fifo_depth) {}

  const Geometry& geometry() const { return g_; }
  // Sizing runs: allocations, addresses and program sizes are not checked (a back end finds
  // out how large its programs get before it fixes the mapping).
  void set_unbounded(bool u) { unbounded_memory_ = u; }
  // Shared-memory words of `len` on `tile` (never freed within a run); throws on overflow.
  uint32_t alloc(unsigned tile, unsigned len, const std::string& what);
  uint32_t mem_top(unsigned tile) const;
  uint32_t max_mem_top() const;

  // Events.
  Unit& unit(unsigned tile, unsigned core) { return units_[{tile, core}]; }
  const std::map<UnitKey, Unit>& units() const { return units_; }
  void core_ev(unsigned tile, unsigned core, const isa::CoreInstr& in, std::string comment = "");
  void tile_ev(unsigned tile, const isa::TileInstr& in, std::string comment = "");
  // Instructions emitted so far for a unit (its next instruction index).
  size_t size(unsigned tile, unsigned core) const;

  // Core instruction helpers. RF word i is operand rf(i).
  uint16_t rf(unsigned i) const { return uint16_t(g_.rf_addr(i)); }
  void set(unsigned tile, unsigned core, uint16_t dest, uint16_t imm, unsigned vec = 1, const std::string& cm = "");
  // load/store of len words at shared-memory address addr <-> operand address opnd, through
  // address registers rf(areg_base), rf(areg_base + 1) (a width-16 part and a remainder).
  void mem(bool store, unsigned tile, unsigned core, uint16_t opnd, uint32_t addr, unsigned len, unsigned count,
           const std::string& cm, unsigned areg_base = 0);
  void alu(unsigned tile, unsigned core, isa::AluOp op, uint16_t dest, uint16_t s1, uint16_t s2, unsigned vec,
           const std::string& cm = "");
  void mvm(unsigned tile, unsigned core, unsigned mask, unsigned filter, unsigned stride, const std::string& cm = "");

  // send/receive pairs moving len words from (src, saddr) to (dst, daddr), count at dst;
  // src == dst (a copy on the tile, in chunks of fifo_depth packets) or any forward hop.
  void transfer(unsigned src, uint32_t saddr, unsigned dst, uint32_t daddr, unsigned len, unsigned count,
                const std::string& what);
  // The hops src -> src+1 -> ... -> last; `at(k)` gives tile k's buffer address and receive
  // count. Throws for last < src (the layouts never make a backward transfer).
  void hop_chain(unsigned src, uint32_t saddr, unsigned last, unsigned len, const std::string& what,
                 const std::function<std::pair<uint32_t, unsigned>(unsigned)>& at);
  // Forward relay from (src, saddr) to (dst, daddr): relay buffers (count 1) in between.
  void relay(unsigned src, uint32_t saddr, unsigned dst, uint32_t daddr, unsigned len, unsigned count,
             const std::string& what);
  static void check_forward(unsigned src, unsigned dst, const std::string& what);

  // A halt at the end of every unit's program.
  void halt_all();
  // The image header for this geometry with `tiles` tiles of `cores` cores (a PUMA image).
  static isa::ImageHeader image_header(const Geometry& g, unsigned tiles, unsigned cores);
  static isa::Tensor tensor(const std::string& name, unsigned tile, uint32_t addr, uint32_t len, isa::TensorDir dir,
                            unsigned count);
  // The unit programs into img.programs; throws when one exceeds its instruction memory.
  void build_programs(isa::KernelImage& img) const;
  // The unit programs as .pasm text (".core t c" / ".tile t" sections, comments aligned).
  std::string programs_asm() const;
  // Most receive FIFOs any tile's program uses.
  unsigned max_fifos_used() const;
  // Largest core and tile program, in instructions.
  std::pair<size_t, size_t> largest_programs() const;

 private:
  uint8_t fifo(unsigned src, unsigned dst) const;

  Geometry g_;
  unsigned fifo_depth_;
  std::map<UnitKey, Unit> units_;
  std::map<unsigned, uint32_t> mem_top_;
  uint64_t seq_ = 0;
  bool unbounded_memory_ = false;
};

}  // namespace pumavp::compiler
