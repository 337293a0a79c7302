#include "common/geometry.h"

#include "common/config.h"

namespace pumavp {

unsigned lossless_adc_bits(unsigned X, unsigned b, unsigned d) {
  // Pmax = X (2^b - 1)(2^d - 1); smallest a with 2^a - 1 >= Pmax.
  const unsigned __int128 pmax = static_cast<unsigned __int128>(X) *
                                 ((uint64_t{1} << b) - 1) * ((uint64_t{1} << d) - 1);
  unsigned a = 0;
  while (((static_cast<unsigned __int128>(1) << a) - 1) < pmax) ++a;
  return a;
}

unsigned Geometry::mesh_width() const {
  const unsigned r = routers();
  unsigned w = 1;
  while (w * w < r) ++w;
  return w;
}

unsigned Geometry::mesh_height() const {
  const unsigned w = mesh_width();
  return (routers() + w - 1) / w;
}

const char* region_name(Region r) {
  switch (r) {
    case Region::XbarIn: return "XbarIn";
    case Region::XbarOut: return "XbarOut";
    case Region::RF: return "RF";
    default: return "outside the operand space";
  }
}

uint32_t Geometry::region_begin(Region r) const {
  switch (r) {
    case Region::XbarIn: return 0;
    case Region::XbarOut: return n_in();
    case Region::RF: return 2 * n_in();
    default: return operand_space();
  }
}

uint32_t Geometry::region_end(Region r) const {
  switch (r) {
    case Region::XbarIn: return n_in();
    case Region::XbarOut: return 2 * n_in();
    case Region::RF: return operand_space();
    default: return operand_space();
  }
}

bool Geometry::range_in_one_region(uint32_t addr, uint32_t len) const {
  if (len == 0) return false;
  Region r = region_of(addr);
  if (r == Region::Invalid) return false;
  return uint64_t(addr) + len <= region_end(r);
}

bool panther_weight_range(const std::vector<unsigned>& s, int64_t& lo, int64_t& hi) {
  const unsigned n = unsigned(s.size());
  if (n == 0 || 32 % n != 0) return false;
  const unsigned p = 32 / n;
  const unsigned bt = s.front();  // MSB first: the top slice is listed first
  for (unsigned b : s)
    if (b < p || b > 32) return false;
  const __int128 G = ((__int128(1) << ((n - 1) * p)) - 1) / ((__int128(1) << p) - 1);
  const __int128 vlo = -(__int128(1) << (bt - 1)) * (__int128(1) << ((n - 1) * p)) -
                       (__int128(1) << (p - 1)) * G;
  const __int128 vhi = ((__int128(1) << (bt - 1)) - 1) * (__int128(1) << ((n - 1) * p)) +
                       ((__int128(1) << (p - 1)) - 1) * G;
  const __int128 min32 = -(__int128(1) << 31), max32 = (__int128(1) << 31) - 1;
  lo = int64_t(vlo < min32 ? min32 : vlo);
  hi = int64_t(vhi > max32 ? max32 : vhi);
  return true;
}

int64_t Geometry::weight_lo() const {
  if (!panther) return -32768;
  int64_t lo, hi;
  return panther_weight_range(panther_slices, lo, hi) ? lo : 0;
}

int64_t Geometry::weight_hi() const {
  if (!panther) return 32767;
  int64_t lo, hi;
  return panther_weight_range(panther_slices, lo, hi) ? hi : -1;
}

std::string Geometry::check() const {
  if (tiles < 1 || tiles > 256) return "tiles must be 1..256, not " + std::to_string(tiles);
  if (cores_per_tile < 1 || cores_per_tile > 255)
    return "cores per tile must be 1..255, not " + std::to_string(cores_per_tile);
  unsigned max_m = panther ? 6 : 8;
  if (num_mvmu < 1 || num_mvmu > max_m)
    return "MVMUs per core must be 1.." + std::to_string(max_m) + (panther ? " with PANTHER" : "") +
           ", not " + std::to_string(num_mvmu);
  if (xbar_size != 32 && xbar_size != 64 && xbar_size != 128 && xbar_size != 256)
    return "crossbar size must be 32, 64, 128 or 256, not " + std::to_string(xbar_size);
  if (bits_per_cell < 1 || bits_per_cell > 6)
    return "bits per cell must be 1..6, not " + std::to_string(bits_per_cell);
  if (slices < 1 || slices > 32) return "slices must be 1..32, not " + std::to_string(slices);
  if (frac_bits > 14) return "frac bits must be 0..14, not " + std::to_string(frac_bits);
  if (operand_space() > kMaxOperandSpace)
    return "operand space of " + std::to_string(operand_space()) +
           " words exceeds the 13-bit operand fields (8192)";
  if (num_fifos < 1 || num_fifos > 255)
    return "FIFOs per tile must be 1..255, not " + std::to_string(num_fifos);
  if (shared_mem_words < 1 || shared_mem_words > 32768)
    return "shared memory must be 1..32768 words, not " + std::to_string(shared_mem_words);
  if (panther) {
    int64_t lo, hi;
    if (!panther_weight_range(panther_slices, lo, hi))
      return "PANTHER slices: the count must divide 32 and every slice must have at least "
             "32/count bits";
  }
  return "";
}

Geometry geometry_from_config(const pumavp::PlatformConfig& cfg) {
  Geometry g;
  g.tiles = cfg.node.tiles;
  g.cores_per_tile = cfg.tile.cores;
  g.num_mvmu = cfg.core.num_mvmu;
  g.xbar_size = cfg.xbar.size;
  g.bits_per_cell = cfg.xbar.bits_per_cell;
  g.panther = cfg.panther.enabled;
  g.panther_slices = cfg.panther.slices;
  g.slices = g.derived_slices();
  g.frac_bits = cfg.numerics.frac_bits;
  g.rf_size = cfg.core.rf_size;
  g.core_imem_words = cfg.core.imem_words;
  g.tile_imem_words = cfg.tile.imem_words;
  g.shared_mem_words = cfg.tile.shared_mem_words();
  g.num_fifos = cfg.tile.num_fifos;
  g.dac_bits = cfg.xbar.dac_bits;
  g.adc_bits = cfg.xbar.adc_bits;
  g.concentration = cfg.noc.concentration;
  return g;
}

}  // namespace pumavp
