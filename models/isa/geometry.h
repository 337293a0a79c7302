// pumavp::isa::Geometry — the accelerator geometry an ISA object is built for or checked
// against (isa.md §1, §3.2; architecture.md §2.4).
//
// Usage:
//   pumavp::isa::Geometry g;                 // PUMA defaults of isa.md §1
//   g = pumavp::isa::geometry_from_config(cfg);   // from a resolved PlatformConfig
//   g.n_in();  g.rf_base();  g.region_of(addr);  g.xbar_in_addr(m, k, i);
//   g.check();                               // "" if the geometry is legal, else why not
//
// The first eight fields are the ones recorded in a kernel image header; the rest are
// platform sizes used by the static checks of isa.md §11.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pumavp {
struct PlatformConfig;
}

namespace pumavp::isa {

// One region of the flat per-core operand space (isa.md §3.2).
enum class Region : uint8_t { XbarIn = 0, XbarOut = 1, RF = 2, Invalid = 3 };
const char* region_name(Region r);

// Largest operand space the 13-bit operand fields can address.
constexpr unsigned kMaxOperandSpace = 8192;

struct Geometry {
  // --- recorded in the kernel image header ---
  unsigned tiles = 138;          // node.tiles, 1..256
  unsigned cores_per_tile = 8;   // tile.cores, 1..255
  unsigned num_mvmu = 2;         // core.num_mvmu M, 1..8 (PANTHER 1..6)
  unsigned xbar_size = 128;      // xbar.size X: 32, 64, 128, 256
  unsigned bits_per_cell = 2;    // xbar.bits_per_cell b, 1..6 (informational)
  unsigned slices = 8;           // ceil(16/b), or N = panther slice count (informational)
  unsigned frac_bits = 12;       // numerics.frac_bits f, 0..14
  bool panther = false;          // panther.enabled

  // --- platform sizes used by static checks ---
  unsigned rf_size = 0;              // core.rf_size in words; 0 = auto (2 * N_in)
  unsigned core_imem_words = 512;    // core.imem_words (instructions)
  unsigned tile_imem_words = 1024;   // tile.imem_words (instructions)
  unsigned shared_mem_words = 32768; // tile.shared_mem_bytes / 2
  unsigned num_fifos = 16;           // tile.num_fifos, 1..255
  std::vector<unsigned> panther_slices{4, 4, 4, 6, 6, 5, 5, 5};  // bits per slice, MSB first

  // --- derived (isa.md §3.2) ---
  unsigned K() const { return panther ? 3u : 1u; }              // slots per MVMU
  unsigned n_in() const { return num_mvmu * K() * xbar_size; }  // XbarIn words
  unsigned n_rf() const { return rf_size ? rf_size : 2 * n_in(); }
  unsigned xbar_in_base() const { return 0; }
  unsigned xbar_out_base() const { return n_in(); }
  unsigned rf_base() const { return 2 * n_in(); }
  unsigned operand_space() const { return 2 * n_in() + n_rf(); }  // total words
  uint32_t xbar_in_addr(unsigned m, unsigned k, unsigned i) const {
    return (m * K() + k) * xbar_size + i;
  }
  uint32_t xbar_out_addr(unsigned m, unsigned k, unsigned i) const {
    return n_in() + (m * K() + k) * xbar_size + i;
  }
  uint32_t rf_addr(unsigned i) const { return rf_base() + i; }
  Region region_of(uint32_t addr) const {
    if (addr < n_in()) return Region::XbarIn;
    if (addr < 2 * n_in()) return Region::XbarOut;
    if (addr < operand_space()) return Region::RF;
    return Region::Invalid;
  }
  // [begin, end) of a region (Invalid: empty range at operand_space()).
  uint32_t region_begin(Region r) const;
  uint32_t region_end(Region r) const;
  // True iff [addr, addr + len) is non-empty and lies inside one region.
  bool range_in_one_region(uint32_t addr, uint32_t len) const;
  // ONE = 2^f
  int32_t one() const { return int32_t(1) << frac_bits; }

  // PANTHER weight format (isa.md §7.2): fractional bits fw = 2f, representable range.
  unsigned weight_frac_bits() const { return panther ? 2 * frac_bits : frac_bits; }
  int64_t weight_lo() const;  // Wlo (PUMA: -32768)
  int64_t weight_hi() const;  // Whi (PUMA: 32767)

  // "" if the geometry is a legal accelerator configuration, else the reason.
  std::string check() const;
};

// Fill a Geometry from a resolved platform configuration (links pumavp_common).
Geometry geometry_from_config(const pumavp::PlatformConfig& cfg);

}  // namespace pumavp::isa
