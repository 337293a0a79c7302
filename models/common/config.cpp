// YAML configuration: include: composition, --set overrides, one schema table.
#include "common/config.h"

#include <yaml-cpp/yaml.h>

#include "common/bounded_read.h"
#include "common/geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <sstream>

namespace pumavp {

namespace {

namespace fs = std::filesystem;

// Where a value came from.
struct Loc {
  std::string file;  // "" for --set / defaults
  int line = 0;      // 1-based; 0 = unknown
  std::string str() const {
    if (file.empty()) return "--set";
    return line > 0 ? file + ":" + std::to_string(line) : file;
  }
};

// A flattened leaf: a scalar or a list of scalars.
struct Leaf {
  bool is_list = false;
  std::string scalar;
  std::vector<std::string> list;
  Loc loc;
};

[[noreturn]] void fail(const Loc& loc, const std::string& key, const std::string& msg) {
  throw ConfigError(loc.str() + ": " + (key.empty() ? "" : "'" + key + "': ") + msg);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

uint64_t parse_uint(const Leaf& v, const std::string& key) {
  if (v.is_list) fail(v.loc, key, "expected an integer, got a list");
  std::string s;
  for (char c : v.scalar)
    if (c != '_') s += c;
  if (s.empty() || s[0] == '-' || s[0] == '+') fail(v.loc, key, "expected a non-negative integer, got '" + v.scalar + "'");
  char* end = nullptr;
  errno = 0;
  unsigned long long x = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end != '\0') fail(v.loc, key, "expected a non-negative integer, got '" + v.scalar + "'");
  return x;
}

double parse_double(const Leaf& v, const std::string& key) {
  if (v.is_list) fail(v.loc, key, "expected a number, got a list");
  char* end = nullptr;
  double x = std::strtod(v.scalar.c_str(), &end);
  if (v.scalar.empty() || *end != '\0' || !std::isfinite(x))
    fail(v.loc, key, "expected a number, got '" + v.scalar + "'");
  return x;
}

bool parse_bool(const Leaf& v, const std::string& key) {
  if (v.is_list) fail(v.loc, key, "expected true or false, got a list");
  std::string s = lower(v.scalar);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(v.loc, key, "expected true or false, got '" + v.scalar + "'");
}

std::string fmt_double(double d) {
  std::ostringstream os;
  os.precision(10);
  os << d;
  return os.str();
}

// One row of the schema: a key path, how to apply a value, how to print it.
struct Key {
  std::string path;
  std::string help;
  std::function<void(PlatformConfig&, const Leaf&)> apply;
  std::function<std::string(PlatformConfig&)> show;
};

using UintRef = std::function<unsigned&(PlatformConfig&)>;

Key uint_key(std::string path, UintRef ref, uint64_t lo, uint64_t hi, std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref, lo, hi](PlatformConfig& c, const Leaf& v) {
    uint64_t x = parse_uint(v, path);
    if (x < lo || x > hi)
      fail(v.loc, path, std::to_string(x) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    ref(c) = static_cast<unsigned>(x);
  };
  k.show = [ref](PlatformConfig& c) { return std::to_string(ref(c)); };
  return k;
}

Key choice_key(std::string path, UintRef ref, std::vector<unsigned> allowed, std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref, allowed](PlatformConfig& c, const Leaf& v) {
    uint64_t x = parse_uint(v, path);
    if (std::find(allowed.begin(), allowed.end(), x) == allowed.end()) {
      std::string list;
      for (unsigned a : allowed) list += (list.empty() ? "" : ", ") + std::to_string(a);
      fail(v.loc, path, std::to_string(x) + " is not one of " + list);
    }
    ref(c) = static_cast<unsigned>(x);
  };
  k.show = [ref](PlatformConfig& c) { return std::to_string(ref(c)); };
  return k;
}

Key u64_key(std::string path, std::function<uint64_t&(PlatformConfig&)> ref, uint64_t lo, uint64_t hi,
            std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref, lo, hi](PlatformConfig& c, const Leaf& v) {
    uint64_t x = parse_uint(v, path);
    if (x < lo || x > hi)
      fail(v.loc, path, std::to_string(x) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    ref(c) = x;
  };
  k.show = [ref](PlatformConfig& c) { return std::to_string(ref(c)); };
  return k;
}

Key u32_key(std::string path, std::function<uint32_t&(PlatformConfig&)> ref, std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref](PlatformConfig& c, const Leaf& v) {
    uint64_t x = parse_uint(v, path);
    if (x > 0xFFFFFFFFull) fail(v.loc, path, std::to_string(x) + " does not fit in 32 bits");
    ref(c) = static_cast<uint32_t>(x);
  };
  k.show = [ref](PlatformConfig& c) { return std::to_string(ref(c)); };
  return k;
}

Key double_key(std::string path, std::function<double&(PlatformConfig&)> ref, double lo, double hi,
               std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref, lo, hi](PlatformConfig& c, const Leaf& v) {
    double x = parse_double(v, path);
    if (x < lo || x > hi)
      fail(v.loc, path, fmt_double(x) + " is out of range " + fmt_double(lo) + ".." + fmt_double(hi));
    ref(c) = x;
  };
  k.show = [ref](PlatformConfig& c) { return fmt_double(ref(c)); };
  return k;
}

// A fixed-length list of numbers, each in [lo[i], hi[i]].
Key double_list_key(std::string path, std::function<std::vector<double>&(PlatformConfig&)> ref,
                    std::vector<double> lo, std::vector<double> hi, std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref, lo, hi](PlatformConfig& c, const Leaf& v) {
    if (!v.is_list || v.list.size() != lo.size())
      fail(v.loc, path, "expected a list of " + std::to_string(lo.size()) + " numbers");
    std::vector<double> out;
    for (size_t i = 0; i < v.list.size(); ++i) {
      Leaf one{false, v.list[i], {}, v.loc};
      const double x = parse_double(one, path);
      if (x < lo[i] || x > hi[i])
        fail(v.loc, path, "item " + std::to_string(i) + ": " + fmt_double(x) + " is out of range " +
                              fmt_double(lo[i]) + ".." + fmt_double(hi[i]));
      out.push_back(x);
    }
    ref(c) = out;
  };
  k.show = [ref](PlatformConfig& c) {
    std::string r = "[";
    for (size_t i = 0; i < ref(c).size(); ++i) r += (i ? ", " : "") + fmt_double(ref(c)[i]);
    return r + "]";
  };
  return k;
}

Key bool_key(std::string path, std::function<bool&(PlatformConfig&)> ref, std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref](PlatformConfig& c, const Leaf& v) { ref(c) = parse_bool(v, path); };
  k.show = [ref](PlatformConfig& c) { return ref(c) ? std::string("true") : std::string("false"); };
  return k;
}

Key string_key(std::string path, std::function<std::string&(PlatformConfig&)> ref, std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref](PlatformConfig& c, const Leaf& v) {
    if (v.is_list) fail(v.loc, path, "expected a string, got a list");
    ref(c) = v.scalar;
  };
  k.show = [ref](PlatformConfig& c) { return "\"" + ref(c) + "\""; };
  return k;
}

// An enum spelled as words; `names[i]` maps to E(i).
template <class E>
Key enum_key(std::string path, std::function<E&(PlatformConfig&)> ref, std::vector<std::string> names,
             std::string help) {
  Key k;
  k.path = path;
  k.help = std::move(help);
  k.apply = [path, ref, names](PlatformConfig& c, const Leaf& v) {
    if (!v.is_list) {
      std::string s = lower(v.scalar);
      for (size_t i = 0; i < names.size(); ++i)
        if (s == names[i]) {
          ref(c) = static_cast<E>(i);
          return;
        }
    }
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    fail(v.loc, path, "'" + (v.is_list ? std::string("[list]") : v.scalar) + "' is not one of " + list);
  };
  k.show = [ref, names](PlatformConfig& c) { return names.at(static_cast<size_t>(ref(c))); };
  return k;
}

#define REF(T, field) [](PlatformConfig& c) -> T& { return c.field; }

const std::vector<Key>& schema() {
  static const std::vector<Key> keys = [] {
    std::vector<Key> k;
    // --- platform geometry (isa.md §1) ---
    k.push_back(double_key("clock_mhz", REF(double, clock_mhz), 1, 100000, "accelerator clock (MHz)"));
    k.push_back(uint_key("node.tiles", REF(unsigned, node.tiles), 1, 256, "tiles per node"));
    k.push_back(uint_key("tile.cores", REF(unsigned, tile.cores), 1, 255, "cores per tile"));
    k.push_back(uint_key("tile.imem_words", REF(unsigned, tile.imem_words), 1, 16384, "tile instruction memory (instructions)"));
    k.push_back(uint_key("tile.shared_mem_bytes", REF(unsigned, tile.shared_mem_bytes), 2, 65536, "shared memory per tile (bytes)"));
    k.push_back(uint_key("tile.num_fifos", REF(unsigned, tile.num_fifos), 1, 255, "receive FIFOs per tile"));
    k.push_back(uint_key("tile.fifo_depth", REF(unsigned, tile.fifo_depth), 1, 1024, "packets per receive FIFO"));
    k.push_back(uint_key("tile.mem_ports", REF(unsigned, tile.mem_ports), 1, 16, "shared-memory ports"));
    k.push_back(uint_key("core.num_mvmu", REF(unsigned, core.num_mvmu), 1, 8, "MVMUs per core"));
    k.push_back(uint_key("core.vfu_lanes", REF(unsigned, core.vfu_lanes), 1, 1024, "VFU lanes"));
    k.push_back(uint_key("core.rf_size", REF(unsigned, core.rf_size), 0, 8192, "register-file words (0 = 2*N_in)"));
    k.push_back(uint_key("core.imem_words", REF(unsigned, core.imem_words), 1, 16384, "core instruction memory (instructions)"));
    k.push_back(choice_key("xbar.size", REF(unsigned, xbar.size), {32, 64, 128, 256}, "crossbar rows = columns"));
    k.push_back(uint_key("xbar.bits_per_cell", REF(unsigned, xbar.bits_per_cell), 1, 6, "bits per memristor cell"));
    k.push_back(uint_key("xbar.dac_bits", REF(unsigned, xbar.dac_bits), 1, 8, "input bits per DAC step"));
    {
      Key a = uint_key("xbar.adc_bits", REF(unsigned, xbar.adc_bits), 1, 32, "ADC bits (auto = lossless)");
      auto inner = a.apply;
      a.apply = [inner](PlatformConfig& c, const Leaf& v) {
        if (!v.is_list && lower(v.scalar) == "auto") {
          c.xbar.adc_bits = 0;
          return;
        }
        inner(c, v);
      };
      a.show = [](PlatformConfig& c) {
        return c.xbar.adc_bits ? std::to_string(c.xbar.adc_bits) : std::string("auto");
      };
      k.push_back(a);
    }
    k.push_back(enum_key<AdcMode>("xbar.adc_mode", REF(AdcMode, xbar.adc_mode), {"clip", "scale"}, "lossy ADC rule"));
    k.push_back(enum_key<XbarModel>("xbar.model", REF(XbarModel, xbar.model), {"ideal", "sliced", "analog"}, "MVM model"));
    // --- analog non-idealities (xbar.model: analog; docs/analog.md) ---
    {
      const double inf = std::numeric_limits<double>::infinity();
      using VD = std::vector<double>;
      k.push_back(double_key("analog.g_max_us", REF(double, analog.g_max_us), 1e-6, 1e6, "top-level conductance (uS)"));
      k.push_back(double_key("analog.dac_inl_lsb", REF(double, analog.dac_inl_lsb), 0, 1e3, "DAC INL bow (DAC LSB)"));
      k.push_back(enum_key<ProgNoise>("analog.prog_noise", REF(ProgNoise, analog.prog_noise),
                                      {"none", "pcm", "normal", "proportional"}, "programming-noise model"));
      k.push_back(double_key("analog.prog_noise_scale", REF(double, analog.prog_noise_scale), 0, 1e3, "PCM sigma_prog multiplier"));
      k.push_back(double_list_key("analog.prog_pcm_coef_us", REF(VD, analog.prog_pcm_coef_us), {-1e3, -1e3, -1e3},
                                  {1e3, 1e3, 1e3}, "PCM sigma_prog polynomial c0, c1, c2 (uS)"));
      k.push_back(double_key("analog.prog_pcm_ref_us", REF(double, analog.prog_pcm_ref_us), 1e-6, 1e6, "g_max of the PCM polynomial (uS)"));
      k.push_back(double_key("analog.prog_sigma_rel", REF(double, analog.prog_sigma_rel), 0, 10, "normal/proportional sigma (fraction)"));
      k.push_back(bool_key("analog.drift", REF(bool, analog.drift), "conductance drift"));
      k.push_back(double_key("analog.drift_time_s", REF(double, analog.drift_time_s), 0, 1e12, "read time after programming (s)"));
      k.push_back(double_key("analog.drift_t0_s", REF(double, analog.drift_t0_s), 1e-12, 1e12, "drift reference time t0 (s)"));
      k.push_back(double_key("analog.drift_scale", REF(double, analog.drift_scale), 0, 1e3, "drift exponent multiplier"));
      k.push_back(double_list_key("analog.drift_nu_mean", REF(VD, analog.drift_nu_mean), {-10, -10, 0, 0}, {10, 10, 10, 10},
                                  "mean drift exponent clip(a ln g + b, lo, hi)"));
      k.push_back(double_list_key("analog.drift_nu_std", REF(VD, analog.drift_nu_std), {-10, -10, 0, 0}, {10, 10, 10, 10},
                                  "drift exponent std clip(a ln g + b, lo, hi)"));
      k.push_back(enum_key<DriftComp>("analog.drift_compensation", REF(DriftComp, analog.drift_compensation),
                                      {"none", "global"}, "drift compensation"));
      k.push_back(bool_key("analog.read_noise", REF(bool, analog.read_noise), "1/f read noise"));
      k.push_back(double_key("analog.read_noise_scale", REF(double, analog.read_noise_scale), 0, 1e3, "read-noise multiplier"));
      k.push_back(double_list_key("analog.read_qs", REF(VD, analog.read_qs), {0, 0, 0, 1e-12}, {inf, 10, inf, 1},
                                  "Q_s = min(k / max(g^e, floor), max): k, e, max, floor"));
      k.push_back(double_key("analog.read_t_read_ns", REF(double, analog.read_t_read_ns), 1e-6, 1e12, "read duration t_read (ns)"));
      k.push_back(double_key("analog.stuck_set_prob", REF(double, analog.stuck_set_prob), 0, 1, "probability a cell is stuck at the top level"));
      k.push_back(double_key("analog.stuck_reset_prob", REF(double, analog.stuck_reset_prob), 0, 1, "probability a cell is stuck at level 0"));
      k.push_back(double_key("analog.ir_r_wire_ohm", REF(double, analog.ir_r_wire_ohm), 0, 1e6, "column wire resistance per cell (ohm)"));
      k.push_back(double_key("analog.adc_offset_lsb", REF(double, analog.adc_offset_lsb), -1e6, 1e6, "ADC offset (ADC LSB)"));
      k.push_back(double_key("analog.adc_gain_error", REF(double, analog.adc_gain_error), -0.99, 10, "ADC relative gain error"));
      k.push_back(double_key("analog.adc_inl_lsb", REF(double, analog.adc_inl_lsb), 0, 1e6, "ADC INL bow (ADC LSB)"));
      k.push_back(double_key("analog.adc_noise_lsb", REF(double, analog.adc_noise_lsb), 0, 1e6, "ADC noise std (ADC LSB)"));
      k.push_back(bool_key("analog.shadow", REF(bool, analog.shadow), "ideal shadow path and error stats"));
    }
    k.push_back(uint_key("numerics.frac_bits", REF(unsigned, numerics.frac_bits), 0, 14, "fixed-point fraction bits"));
    k.push_back(uint_key("numerics.lut_bits", REF(unsigned, numerics.lut_bits), 8, 16, "LUT index bits"));
    k.push_back(u32_key("numerics.rng_seed", REF(uint32_t, numerics.rng_seed), "RNG seed"));
    {
      Key f;
      f.path = "numerics.fatal_flags";
      f.help = "flags that stop the accelerator (DZ, DOM)";
      f.apply = [](PlatformConfig& c, const Leaf& v) {
        std::vector<std::string> items = v.is_list ? v.list : std::vector<std::string>{};
        if (!v.is_list && !v.scalar.empty()) items.push_back(v.scalar);
        c.numerics.fatal_dz = c.numerics.fatal_dom = false;
        for (const auto& it : items) {
          std::string s = lower(it);
          if (s == "dz") c.numerics.fatal_dz = true;
          else if (s == "dom") c.numerics.fatal_dom = true;
          else fail(v.loc, "numerics.fatal_flags", "'" + it + "' is not one of DZ, DOM");
        }
      };
      f.show = [](PlatformConfig& c) {
        std::string s = "[";
        if (c.numerics.fatal_dz) s += "DZ";
        if (c.numerics.fatal_dom) s += std::string(c.numerics.fatal_dz ? ", " : "") + "DOM";
        return s + "]";
      };
      k.push_back(f);
    }
    // --- NoC ---
    k.push_back(uint_key("noc.flit_bits", REF(unsigned, noc.flit_bits), 8, 1024, "flit width (bits)"));
    k.push_back(uint_key("noc.concentration", REF(unsigned, noc.concentration), 1, 16, "tiles per router"));
    k.push_back(uint_key("noc.inject_depth", REF(unsigned, noc.inject_depth), 1, 1024, "injection queue (packets)"));
    k.push_back(uint_key("noc.router_cycles", REF(unsigned, noc.router_cycles), 0, 1000, "router pipeline (cycles)"));
    k.push_back(uint_key("noc.link_cycles", REF(unsigned, noc.link_cycles), 0, 1000, "link traversal (cycles)"));
    k.push_back(enum_key<FifoFull>("noc.fifo_full", REF(FifoFull, noc.fifo_full), {"wait", "error"}, "packet at a full FIFO"));
    // --- PANTHER ---
    k.push_back(bool_key("panther.enabled", REF(bool, panther.enabled), "PANTHER MCUs"));
    {
      Key s;
      s.path = "panther.slices";
      s.help = "slice widths, MSB first";
      s.apply = [](PlatformConfig& c, const Leaf& v) {
        if (!v.is_list) fail(v.loc, "panther.slices", "expected a list of slice widths, e.g. [4,4,4,6,6,5,5,5]");
        std::vector<unsigned> w;
        for (const auto& it : v.list) {
          Leaf one{false, it, {}, v.loc};
          uint64_t x = parse_uint(one, "panther.slices");
          if (x < 1 || x > 16) fail(v.loc, "panther.slices", std::to_string(x) + " is out of range 1..16");
          w.push_back(static_cast<unsigned>(x));
        }
        c.panther.slices = w;
      };
      s.show = [](PlatformConfig& c) {
        std::string r = "[";
        for (size_t i = 0; i < c.panther.slices.size(); ++i) r += (i ? ", " : "") + std::to_string(c.panther.slices[i]);
        return r + "]";
      };
      k.push_back(s);
    }
    k.push_back(uint_key("panther.variant", REF(unsigned, panther.variant), 1, 3, "PANTHER variant"));
    k.push_back(uint_key("panther.lr_shift", REF(unsigned, panther.lr_shift), 0, 31, "learning rate 2^-L"));
    k.push_back(uint_key("panther.crs_period", REF(unsigned, panther.crs_period), 0, 1u << 30, "commits between CRS (0 = never)"));
    k.push_back(enum_key<OpaModel>("panther.opa_model", REF(OpaModel, panther.opa_model), {"ideal", "sliced"}, "OPA commit model"));
    // --- profile: latencies (cycles) ---
    k.push_back(uint_key("lat.fetch", REF(unsigned, lat.fetch), 0, 1000, "fetch (cycles)"));
    k.push_back(uint_key("lat.decode", REF(unsigned, lat.decode), 0, 1000, "decode (cycles)"));
    k.push_back(uint_key("lat.nop", REF(unsigned, lat.nop), 1, 1000, "nop/halt (cycles)"));
    k.push_back(uint_key("lat.vfu", REF(unsigned, lat.vfu), 1, 1000, "VFU per lane-group (cycles)"));
    k.push_back(uint_key("lat.sfu", REF(unsigned, lat.sfu), 1, 1000, "SFU, brn, jmp (cycles)"));
    k.push_back(uint_key("lat.taken", REF(unsigned, lat.taken), 0, 1000, "taken-branch penalty (cycles)"));
    k.push_back(uint_key("lat.mem_access", REF(unsigned, lat.mem_access), 1, 1000, "shared-memory access (cycles)"));
    k.push_back(uint_key("lat.tile_instr", REF(unsigned, lat.tile_instr), 1, 1000, "tile instruction (cycles)"));
    // --- profile: analog durations (ns) ---
    k.push_back(double_key("ns.step_per_row", REF(double, ns.step_per_row), 0, 1e6, "MVM ns per step per row"));
    k.push_back(double_key("ns.opa", REF(double, ns.opa), 0, 1e9, "OPA (ns)"));
    k.push_back(double_key("ns.xbar_rd", REF(double, ns.xbar_rd), 0, 1e9, "serial crossbar read (ns)"));
    k.push_back(double_key("ns.xbar_wr", REF(double, ns.xbar_wr), 0, 1e9, "serial crossbar write (ns)"));
    // --- profile: energies (pJ) ---
    const double E = 1e12;
    k.push_back(double_key("e.core_fetch", REF(double, e.core_fetch), 0, E, "core fetch+decode (pJ)"));
    k.push_back(double_key("e.rf", REF(double, e.rf), 0, E, "RF word access (pJ)"));
    k.push_back(double_key("e.vfu", REF(double, e.vfu), 0, E, "VFU element (pJ)"));
    k.push_back(double_key("e.sfu", REF(double, e.sfu), 0, E, "SFU op (pJ)"));
    k.push_back(double_key("e.copy", REF(double, e.copy), 0, E, "copy per word (pJ)"));
    k.push_back(double_key("e.mem_word", REF(double, e.mem_word), 0, E, "shared-memory word (pJ)"));
    k.push_back(double_key("e.noc_word", REF(double, e.noc_word), 0, E, "network + receive buffer per word (pJ)"));
    k.push_back(double_key("e.tile_fetch", REF(double, e.tile_fetch), 0, E, "tile instruction (pJ)"));
    k.push_back(double_key("e.opa", REF(double, e.opa), 0, E, "OPA per pair per MCU (pJ)"));
    k.push_back(double_key("e.xbar_rd", REF(double, e.xbar_rd), 0, E, "serial crossbar read (pJ)"));
    k.push_back(double_key("e.xbar_wr", REF(double, e.xbar_wr), 0, E, "serial crossbar write (pJ)"));
    k.push_back(double_key("e.static_scale", REF(double, e.static_scale), 0, E, "static power scale"));
    k.push_back(double_key("e.mvm_xbar", REF(double, e.mvm_xbar), 0, E, "MVM crossbar per slice+step at X=128 (pJ)"));
    k.push_back(double_key("e.mvm_adc", REF(double, e.mvm_adc), 0, E, "ADC per conversion per bit (pJ)"));
    k.push_back(double_key("e.mvm_sna", REF(double, e.mvm_sna), 0, E, "shift-and-add (pJ)"));
    k.push_back(double_key("e.mvm_out", REF(double, e.mvm_out), 0, E, "XbarOut write per column per step (pJ)"));
    k.push_back(double_key("e.mvm_in", REF(double, e.mvm_in), 0, E, "XbarIn read per step (pJ)"));
    k.push_back(double_key("e.mvm_dac", REF(double, e.mvm_dac), 0, E, "DAC per row per step (pJ)"));
    k.push_back(string_key("profile.name", REF(std::string, profile.name), "profile name"));
    k.push_back(uint_key("profile.adc_bits", REF(unsigned, profile.adc_bits), 1, 32, "ADC width for energy"));
    // --- component power/area for `pumavp info` (Diss. Table 3.5) ---
    k.push_back(double_key("power.core_mw", REF(double, power.core.mw), 0, E, "core power (mW)"));
    k.push_back(double_key("power.core_mm2", REF(double, power.core.mm2), 0, E, "core area (mm^2)"));
    k.push_back(double_key("power.mvmu_mw", REF(double, power.mvmu.mw), 0, E, "MVMU power (mW)"));
    k.push_back(double_key("power.mvmu_mm2", REF(double, power.mvmu.mm2), 0, E, "MVMU area (mm^2)"));
    k.push_back(double_key("power.tile_mw", REF(double, power.tile.mw), 0, E, "tile power (mW)"));
    k.push_back(double_key("power.tile_mm2", REF(double, power.tile.mm2), 0, E, "tile area (mm^2)"));
    k.push_back(double_key("power.noc_mw", REF(double, power.noc.mw), 0, E, "on-chip network power (mW)"));
    k.push_back(double_key("power.noc_mm2", REF(double, power.noc.mm2), 0, E, "on-chip network area (mm^2)"));
    k.push_back(double_key("power.edram_mw", REF(double, power.edram.mw), 0, E, "tile eDRAM power (mW)"));
    k.push_back(double_key("power.edram_mm2", REF(double, power.edram.mm2), 0, E, "tile eDRAM area (mm^2)"));
    // --- host SoC ---
    k.push_back(uint_key("host.dram_mib", REF(unsigned, host.dram_mib), 1, 1024, "DRAM (MiB)"));
    k.push_back(uint_key("host.cpu_mhz", REF(unsigned, host.cpu_mhz), 1, 100000, "host CPU clock (MHz)"));
    k.push_back(u64_key("host.mtime_hz", REF(uint64_t, host.mtime_hz), 1, 100000000000ull, "CLINT mtime (Hz)"));
    k.push_back(uint_key("host.quantum_ns", REF(unsigned, host.quantum_ns), 1, 100000000, "TLM quantum (ns)"));
    k.push_back(bool_key("host.dmi", REF(bool, host.dmi), "DMI for DRAM"));
    k.push_back(uint_key("host.bus_ns", REF(unsigned, host.bus_ns), 0, 1000000, "bus/peripheral access (ns)"));
    k.push_back(uint_key("host.dram_ns", REF(unsigned, host.dram_ns), 0, 1000000, "DRAM access without DMI (ns)"));
    k.push_back(string_key("host.uart_file", REF(std::string, host.uart_file), "UART output file (empty = stdout)"));
    k.push_back(uint_key("dma.setup_ns", REF(unsigned, dma.setup_ns), 0, 1000000, "DMA set-up per transfer (ns)"));
    k.push_back(uint_key("dma.beat_bytes", REF(unsigned, dma.beat_bytes), 2, 4096, "DMA burst beat (bytes)"));
    k.push_back(uint_key("dma.beat_ns", REF(unsigned, dma.beat_ns), 0, 1000000, "DMA bus time per beat (ns)"));
    return k;
  }();
  return keys;
}

#undef REF

const Key* find_key(const std::string& path) {
  for (const auto& k : schema())
    if (k.path == path) return &k;
  return nullptr;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggestion(const std::string& path) {
  std::string best;
  size_t best_d = 4;
  for (const auto& k : schema()) {
    size_t d = edit_distance(path, k.path);
    if (d < best_d) {
      best_d = d;
      best = k.path;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// Ordered list of (key path, leaf); later entries override earlier ones.
using Entries = std::vector<std::pair<std::string, Leaf>>;

Leaf leaf_from_node(const YAML::Node& n, const Loc& loc, const std::string& key) {
  Leaf l;
  l.loc = loc;
  if (n.IsSequence()) {
    l.is_list = true;
    for (const auto& it : n) {
      if (!it.IsScalar()) fail(loc, key, "list items must be scalars");
      l.list.push_back(it.Scalar());
    }
  } else if (n.IsScalar()) {
    l.scalar = n.Scalar();
  } else if (n.IsNull()) {
    fail(loc, key, "has no value");
  } else {
    fail(loc, key, "unexpected value");
  }
  return l;
}

void flatten(const YAML::Node& n, const std::string& prefix, const std::string& file, Entries& out) {
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    const std::string path = prefix.empty() ? k : prefix + "." + k;
    Loc loc{file, kv.first.Mark().line + 1};
    if (kv.second.IsMap()) {
      flatten(kv.second, path, file, out);
    } else {
      out.emplace_back(path, leaf_from_node(kv.second, loc, path));
    }
  }
}

void read_file(const fs::path& path, Entries& out, std::vector<std::string>& stack, const Loc& from);

void read_text(const std::string& text, const std::string& name, const fs::path& dir, Entries& out,
               std::vector<std::string>& stack) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": YAML syntax error: " + e.msg);
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError(name + ": the top level must be a mapping of keys");
  // include: first, so that this file's own keys override.
  if (auto inc = root["include"]) {
    Loc loc{name, inc.Mark().line + 1};
    std::vector<std::string> files;
    if (inc.IsScalar()) files.push_back(inc.Scalar());
    else if (inc.IsSequence())
      for (const auto& f : inc) files.push_back(f.Scalar());
    else fail(loc, "include", "expected a file name or a list of file names");
    for (const auto& f : files) read_file(dir / f, out, stack, loc);
  }
  for (const auto& kv : root) {
    if (kv.first.Scalar() == "include") continue;
    const std::string k = kv.first.Scalar();
    Loc loc{name, kv.first.Mark().line + 1};
    if (kv.second.IsMap()) flatten(kv.second, k, name, out);
    else out.emplace_back(k, leaf_from_node(kv.second, loc, k));
  }
}

void read_file(const fs::path& path, Entries& out, std::vector<std::string>& stack, const Loc& from) {
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(path, ec);
  std::string key = ec ? path.string() : canon.string();
  if (std::find(stack.begin(), stack.end(), key) != stack.end())
    fail(from, "include", "include cycle through " + path.string());
  if (stack.size() > 16) fail(from, "include", "includes nested too deeply");
  std::string text, err;
  if (!read_bounded(path.string(), kMaxYamlBytes, "a YAML config", text, err)) {
    if (from.file.empty()) throw ConfigError("config file " + path.string() + ": " + err);
    fail(from, "include", path.string() + ": " + err);
  }
  stack.push_back(key);
  read_text(text, path.string(), path.parent_path(), out, stack);
  stack.pop_back();
}

// The base layer of every config: the built-in `puma` profile (configs/profiles/puma.yaml).
Entries base_entries() {
  Entries out;
  std::vector<std::string> stack;
  read_text(puma_profile_yaml(), "<built-in profiles/puma.yaml>", fs::path(), out, stack);
  return out;
}

void add_overrides(const std::vector<std::string>& overrides, Entries& out) {
  for (const auto& o : overrides) {
    auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError("--set " + o + ": expected key.path=value");
    std::string key = o.substr(0, eq), val = o.substr(eq + 1);
    Loc loc{"", 0};
    YAML::Node n;
    try {
      n = YAML::Load(val);
    } catch (const YAML::Exception&) {
      n = YAML::Node(val);
    }
    if (n.IsNull()) n = YAML::Node(val);
    if (n.IsMap()) throw ConfigError("--set " + key + ": expected a scalar or a list");
    Leaf l = leaf_from_node(n, loc, key);
    out.emplace_back(key, l);
  }
}

void check(bool ok, const PlatformConfig& c, const std::string& key, const std::string& msg) {
  if (ok) return;
  std::string where = "default";
  for (const auto& [k, o] : c.origins)
    if (k == key) where = o;
  throw ConfigError(where + ": '" + key + "': " + msg);
}

void validate(const PlatformConfig& c) {
  check(c.tile.shared_mem_bytes % 2 == 0, c, "tile.shared_mem_bytes", "must be even (16-bit words)");
  if (c.panther.enabled) {
    check(c.core.num_mvmu <= 6, c, "core.num_mvmu", "at most 6 MCUs per core with PANTHER");
    const size_t n = c.panther.slices.size();
    check(n >= 1 && 32 % n == 0, c, "panther.slices", "the number of slices must divide 32");
    const unsigned p = 32 / static_cast<unsigned>(n);
    for (unsigned b : c.panther.slices)
      check(b >= p, c, "panther.slices", "every slice needs at least 32/N = " + std::to_string(p) + " bits");
  }
  const unsigned space = geometry_from_config(c).operand_space();
  check(space <= kMaxOperandSpace, c, "core.num_mvmu",
        "operand space 2*N_in + RF = " + std::to_string(space) + " words exceeds 8192 (13-bit operands)");
  if (c.xbar.adc_bits)
    check(c.xbar.adc_bits >= 1, c, "xbar.adc_bits", "must be at least 1");
  if (c.xbar.model == XbarModel::Analog) {
    check(!c.panther.enabled, c, "xbar.model",
          "'analog' models the PUMA array only (panther.enabled must be false)");
    check(c.analog.stuck_set_prob + c.analog.stuck_reset_prob <= 1, c, "analog.stuck_reset_prob",
          "analog.stuck_set_prob + analog.stuck_reset_prob must be in 0..1");
  }
}

PlatformConfig resolve(Entries& entries) {
  PlatformConfig c;
  std::map<std::string, std::string> origin;
  for (const auto& [path, leaf] : entries) {
    const Key* k = find_key(path);
    if (!k) fail(leaf.loc, "", "unknown key '" + path + "'" + suggestion(path));
    k->apply(c, leaf);
    origin[path] = leaf.loc.str();
  }
  for (const auto& k : schema()) {
    auto it = origin.find(k.path);
    c.origins.emplace_back(k.path, it == origin.end() ? "default" : it->second);
  }
  validate(c);
  return c;
}

}  // namespace

uint64_t PlatformConfig::ns_to_cycles(double ns_value) const {
  const double cycles = ns_value / cycle_ns();
  // Tolerate floating-point noise before rounding up.
  return static_cast<uint64_t>(std::ceil(cycles - 1e-9));
}

PlatformConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  Entries entries = base_entries();
  std::vector<std::string> stack;
  read_file(path, entries, stack, Loc{});
  add_overrides(overrides, entries);
  return resolve(entries);
}

PlatformConfig default_config(const std::vector<std::string>& overrides) {
  Entries entries = base_entries();
  add_overrides(overrides, entries);
  return resolve(entries);
}

PlatformConfig load_config_text(const std::string& yaml_text, const std::string& name,
                                const std::vector<std::string>& overrides) {
  Entries entries = base_entries();
  std::vector<std::string> stack;
  read_text(yaml_text, name, fs::current_path(), entries, stack);
  add_overrides(overrides, entries);
  return resolve(entries);
}

std::string dump_config(const PlatformConfig& cfg) {
  PlatformConfig c = cfg;
  std::ostringstream os;
  for (const auto& k : schema()) os << k.path << ": " << k.show(c) << "\n";
  return os.str();
}

std::vector<std::string> config_keys() {
  std::vector<std::string> r;
  for (const auto& k : schema()) r.push_back(k.path);
  return r;
}

}  // namespace pumavp
