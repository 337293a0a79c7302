#include "isa/geometry.h"

#include "common/config.h"

namespace pumavp::isa {

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

namespace {
// PANTHER slice parameters; false if the list is unusable.
bool slice_params(const std::vector<unsigned>& s, unsigned& n, unsigned& p, unsigned& bt) {
  n = unsigned(s.size());
  if (n == 0 || 32 % n != 0) return false;
  p = 32 / n;
  bt = s.front();  // MSB first: the top slice is listed first
  for (unsigned b : s)
    if (b < p || b > 32) return false;
  return true;
}
}  // namespace

int64_t Geometry::weight_lo() const {
  if (!panther) return -32768;
  unsigned n, p, bt;
  if (!slice_params(panther_slices, n, p, bt)) return 0;
  __int128 G = ((__int128(1) << ((n - 1) * p)) - 1) / ((__int128(1) << p) - 1);
  __int128 v = -(__int128(1) << (bt - 1)) * (__int128(1) << ((n - 1) * p)) -
               (__int128(1) << (p - 1)) * G;
  __int128 lo = -(__int128(1) << 31);
  return int64_t(v < lo ? lo : v);
}

int64_t Geometry::weight_hi() const {
  if (!panther) return 32767;
  unsigned n, p, bt;
  if (!slice_params(panther_slices, n, p, bt)) return -1;
  __int128 G = ((__int128(1) << ((n - 1) * p)) - 1) / ((__int128(1) << p) - 1);
  __int128 v = ((__int128(1) << (bt - 1)) - 1) * (__int128(1) << ((n - 1) * p)) +
               ((__int128(1) << (p - 1)) - 1) * G;
  __int128 hi = (__int128(1) << 31) - 1;
  return int64_t(v > hi ? hi : v);
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
    unsigned n, p, bt;
    if (!slice_params(panther_slices, n, p, bt))
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
  g.slices = g.panther ? unsigned(cfg.panther.slices.size()) : cfg.xbar.slices();
  g.frac_bits = cfg.numerics.frac_bits;
  g.rf_size = cfg.core.rf_size;
  g.core_imem_words = cfg.core.imem_words;
  g.tile_imem_words = cfg.tile.imem_words;
  g.shared_mem_words = cfg.tile.shared_mem_words();
  g.num_fifos = cfg.tile.num_fifos;
  return g;
}

}  // namespace pumavp::isa
