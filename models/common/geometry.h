// pumavp::Geometry — THE accelerator geometry (isa.md §1, §2.9, §3.2, §7.2, §8.1;
// architecture.md §2.4), derived once from the config. Every derived quantity (slices,
// steps, lossless ADC width, operand space and its regions, crossbar capacity, mesh shape,
// the GEOMETRY0/1 CSR words) is computed here and nowhere else: the ISA (decode, assembler,
// kernel image checks), the crossbar parameters (xbar::xbar_params), the compiler's target,
// the host interface and `pumavp info` all take a Geometry.
//
// Usage:
//   pumavp::Geometry g;                      // PUMA defaults of isa.md §1
//   g = pumavp::geometry_from_config(cfg);   // from a resolved PlatformConfig
//   g.n_in();  g.rf_base();  g.region_of(addr);  g.xbar_in_addr(m, k, i);
//   g.check();                               // "" if the geometry is legal, else why not
//
// The first eight fields are the ones recorded in a kernel image header; the rest are
// platform sizes used by the static checks of isa.md §11 and the crossbar/mesh shape.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pumavp {

struct PlatformConfig;

// ceil(16/b): bit slices of a 16-bit PUMA weight at b bits per cell (isa.md §2.9).
constexpr unsigned puma_slices(unsigned bits_per_cell) { return (16 + bits_per_cell - 1) / bits_per_cell; }
// ceil(16/d): input steps of a 16-bit operand through a d-bit DAC (isa.md §2.9).
constexpr unsigned dac_steps(unsigned dac_bits) { return (16 + dac_bits - 1) / dac_bits; }
// ceil(log2(X * (2^b - 1) * (2^d - 1) + 1)): the smallest lossless ADC width (isa.md §2.9).
unsigned lossless_adc_bits(unsigned X, unsigned b, unsigned d);
// PANTHER representable weight range [Wlo, Whi] (isa.md §7.2) of slices listed MSB first;
// false (lo, hi untouched) unless N divides 32 and every slice has 32/N..32 bits.
bool panther_weight_range(const std::vector<unsigned>& msb_first, int64_t& lo, int64_t& hi);

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
  unsigned slices = 8;           // S = ceil(16/b), or N = panther slice count (MVM energy)
  unsigned frac_bits = 12;       // numerics.frac_bits f, 0..14
  bool panther = false;          // panther.enabled

  // --- platform sizes used by static checks ---
  unsigned rf_size = 0;              // core.rf_size in words; 0 = auto (2 * N_in)
  unsigned core_imem_words = 512;    // core.imem_words (instructions)
  unsigned tile_imem_words = 1024;   // tile.imem_words (instructions)
  unsigned shared_mem_words = 32768; // tile.shared_mem_bytes / 2
  unsigned num_fifos = 16;           // tile.num_fifos, 1..255
  std::vector<unsigned> panther_slices{4, 4, 4, 6, 6, 5, 5, 5};  // bits per slice, MSB first

  // --- crossbar periphery and mesh shape ---
  unsigned dac_bits = 1;             // xbar.dac_bits d, 1..8
  unsigned adc_bits = 0;             // xbar.adc_bits a; 0 = auto (lossless)
  unsigned concentration = 4;        // noc.concentration (tiles per router)

  // --- derived: crossbar (isa.md §2.9, §7.2) ---
  // The slice count the cell format implies: N with PANTHER, else ceil(16/b) (what
  // geometry_from_config and the assembler's .config record in `slices`).
  unsigned derived_slices() const {
    return panther ? unsigned(panther_slices.size()) : puma_slices(bits_per_cell);
  }
  unsigned steps() const { return dac_steps(dac_bits); }  // T
  // Lossless width of the PUMA array (all slices share it; PANTHER: per slice, xbar::Mcu).
  unsigned lossless_adc_bits() const { return pumavp::lossless_adc_bits(xbar_size, bits_per_cell, dac_bits); }
  // Functional ADC width of the PUMA array.
  unsigned adc_width() const { return adc_bits ? adc_bits : lossless_adc_bits(); }
  bool adc_lossless() const { return adc_width() >= lossless_adc_bits(); }
  uint64_t cores() const { return uint64_t(tiles) * cores_per_tile; }
  uint64_t crossbars() const { return cores() * num_mvmu; }
  uint64_t weights() const { return crossbars() * xbar_size * xbar_size; }  // capacity

  // --- derived: mesh (isa.md §8.1) ---
  unsigned routers() const { return (tiles + concentration - 1) / concentration; }  // R
  unsigned mesh_width() const;   // W = ceil(sqrt(R))
  unsigned mesh_height() const;  // H = ceil(R / W)

  // --- derived: the CSR words GEOMETRY0/1 (spec architecture.md, CSR block) ---
  uint32_t csr_geometry0() const {
    return (tiles & 0xFFFFu) | ((cores_per_tile & 0xFFu) << 16) | ((num_mvmu & 0xFFu) << 24);
  }
  uint32_t csr_geometry1() const {
    return (xbar_size & 0xFFFFu) | ((frac_bits & 0xFFu) << 16) | ((panther ? 1u : 0u) << 24);
  }

  // --- derived: operand space (isa.md §3.2) ---
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

// The geometry of a resolved platform configuration.
Geometry geometry_from_config(const PlatformConfig& cfg);

}  // namespace pumavp
