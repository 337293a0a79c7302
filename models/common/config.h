// pumavp::PlatformConfig — every platform, numerics, timing and energy value, as plain
// structs. Models receive the struct (or one of its sub-structs) by const reference; no
// model holds a literal latency or energy.
//
// Loading: `load_config(path, overrides)` reads a YAML file (with `include:` composition),
// applies `--set key.path=value` overrides, checks every key against the schema table in
// config.cpp (unknown keys, wrong types, out-of-range values are ConfigError naming the key
// path and file:line) and the cross-field rules, and returns the resolved config.
// `PlatformConfig{}` holds the defaults (isa.md §1 and the `puma` profile of §8).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pumavp {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NodeConfig {
  unsigned tiles = 138;  // node.tiles, 1..256
};

struct TileConfig {
  unsigned cores = 8;                 // tile.cores, 1..255
  unsigned imem_words = 1024;         // tile.imem_words (instructions)
  unsigned shared_mem_bytes = 65536;  // tile.shared_mem_bytes, even, <= 65536
  unsigned num_fifos = 16;            // tile.num_fifos, 1..255
  unsigned fifo_depth = 2;            // tile.fifo_depth (packets)
  unsigned mem_ports = 1;             // tile.mem_ports: shared-memory ports served round-robin
  unsigned shared_mem_words() const { return shared_mem_bytes / 2; }
};

struct CoreConfig {
  unsigned num_mvmu = 2;      // core.num_mvmu, 1..8 (PANTHER 1..6)
  unsigned vfu_lanes = 4;     // core.vfu_lanes
  unsigned rf_size = 0;       // core.rf_size; 0 = auto (2 * N_in)
  unsigned imem_words = 512;  // core.imem_words (instructions)
};

enum class AdcMode { Clip, Scale };
enum class XbarModel { Ideal, Sliced };

struct XbarConfig {
  unsigned size = 128;          // xbar.size: 32, 64, 128, 256
  unsigned bits_per_cell = 2;   // xbar.bits_per_cell, 1..6
  unsigned dac_bits = 1;        // xbar.dac_bits, 1..8
  unsigned adc_bits = 0;        // xbar.adc_bits; 0 = auto (lossless)
  AdcMode adc_mode = AdcMode::Clip;      // xbar.adc_mode
  XbarModel model = XbarModel::Ideal;    // xbar.model
  unsigned slices() const { return (16 + bits_per_cell - 1) / bits_per_cell; }
  unsigned steps() const { return (16 + dac_bits - 1) / dac_bits; }
  // ceil(log2(X * (2^b - 1) * (2^d - 1) + 1)), isa.md §2.9.
  unsigned lossless_adc_bits() const;
  unsigned effective_adc_bits() const { return adc_bits ? adc_bits : lossless_adc_bits(); }
  bool adc_lossless() const { return effective_adc_bits() >= lossless_adc_bits(); }
};

struct NumericsConfig {
  unsigned frac_bits = 12;              // numerics.frac_bits, 0..14
  unsigned lut_bits = 16;               // numerics.lut_bits, 8..16
  uint32_t rng_seed = 1;                // numerics.rng_seed
  bool fatal_dz = false;                // numerics.fatal_flags contains DZ
  bool fatal_dom = false;               // numerics.fatal_flags contains DOM
};

enum class FifoFull { Wait, Error };

struct NocConfig {
  unsigned flit_bits = 32;      // noc.flit_bits
  unsigned concentration = 4;   // noc.concentration (tiles per router)
  unsigned inject_depth = 2;    // noc.inject_depth (packets)
  unsigned router_cycles = 3;   // noc.router_cycles
  unsigned link_cycles = 1;     // noc.link_cycles
  FifoFull fifo_full = FifoFull::Wait;  // noc.fifo_full
};

enum class OpaModel { Ideal, Sliced };

struct PantherConfig {
  bool enabled = false;                                 // panther.enabled
  std::vector<unsigned> slices{4, 4, 4, 6, 6, 5, 5, 5};  // panther.slices, MSB first
  unsigned variant = 2;                                 // panther.variant, 1..3
  unsigned lr_shift = 0;                                // panther.lr_shift
  unsigned crs_period = 1024;                           // panther.crs_period (0 = never)
  OpaModel opa_model = OpaModel::Ideal;                 // panther.opa_model
};

// Digital latencies in cycles of clock_mhz (isa.md §8.1).
struct LatencyConfig {
  unsigned fetch = 1;       // lat.fetch
  unsigned decode = 1;      // lat.decode
  unsigned nop = 1;         // lat.nop (nop, halt)
  unsigned vfu = 1;         // lat.vfu (per ceil(n/lanes))
  unsigned sfu = 1;         // lat.sfu (aluint, brn)
  unsigned taken = 2;       // lat.taken (extra cycles for a taken branch/jmp)
  unsigned mem_access = 2;  // lat.mem_access (one shared-memory access of <= 16 words)
  unsigned tile_instr = 1;  // lat.tile_instr
};

// Analog durations in ns, rounded up to cycles (isa.md §8.1).
struct AnalogTimingConfig {
  double step_per_row = 1.0;  // ns.step_per_row: t_mvm = (T + 2) * X * step_per_row
  double opa = 1024.0;        // ns.opa: t_opa (PANTHER)
  double xbar_rd = 10250.0;   // ns.xbar_rd: serial read of one crossbar
  double xbar_wr = 10969.0;   // ns.xbar_wr: serial write of one crossbar
};

// Dynamic energies in pJ (isa.md §8.2).
struct EnergyConfig {
  double core_fetch = 1.77;   // e.core_fetch
  double rf = 0.477;          // e.rf
  double vfu = 1.90;          // e.vfu
  double sfu = 0.055;         // e.sfu
  double copy = 0.954;        // e.copy
  double mem_word = 3.009;    // e.mem_word
  double noc_word = 12.027;   // e.noc_word
  double tile_fetch = 2.41;   // e.tile_fetch
  double opa = 11370.0;       // e.opa (per pair per MCU)
  double xbar_rd = 6500.0;    // e.xbar_rd
  double xbar_wr = 21125.0;   // e.xbar_wr
  double static_scale = 0.0;  // e.static_scale
  // MVM energy formula coefficients (isa.md §8.2).
  double mvm_xbar = 142.56;   // e.mvm_xbar: per slice and step at X = 128, scales (X/128)^2
  double mvm_adc = 0.1886;    // e.mvm_adc: per conversion per ADC bit
  double mvm_sna = 0.0377;    // e.mvm_sna: shift-and-add per column per (S+1) per step
  double mvm_out = 0.1341;    // e.mvm_out: XbarOut write per column per step
  double mvm_in = 1.425;      // e.mvm_in: XbarIn read per step
  double mvm_dac = 0.00294;   // e.mvm_dac: per row per step
};

struct ProfileConfig {
  std::string name = "puma";  // profile.name
  unsigned adc_bits = 8;      // profile.adc_bits: ADC width for energy (a_e)
};

// Component power (mW) and area (mm^2) of Diss. Table 3.5, for `pumavp info`.
struct PowerAreaEntry {
  double mw = 0.0;
  double mm2 = 0.0;
};
struct PowerAreaConfig {
  PowerAreaEntry core{42.37, 0.036};
  PowerAreaEntry mvmu{19.09, 0.012};
  PowerAreaEntry tile{373.8, 0.479};
  PowerAreaEntry noc{570.63, 1.622};
  PowerAreaEntry edram{17.66, 0.086};
};

struct HostConfig {
  unsigned dram_mib = 64;          // host.dram_mib (DRAM at 0x8000_0000)
  unsigned cpu_mhz = 100;          // host.cpu_mhz: one instruction per cycle
  uint64_t mtime_hz = 10000000;    // host.mtime_hz: CLINT mtime frequency
  unsigned quantum_ns = 1000;      // host.quantum_ns: temporal-decoupling quantum
  bool dmi = true;                 // host.dmi: use DMI for DRAM
  unsigned bus_ns = 1;             // host.bus_ns: bus/peripheral access latency
  unsigned dram_ns = 10;           // host.dram_ns: DRAM access latency (non-DMI)
  std::string uart_file;           // host.uart_file: "" = stdout
};

struct DmaConfig {
  unsigned setup_ns = 20;      // dma.setup_ns: per transfer
  unsigned beat_bytes = 32;    // dma.beat_bytes: bytes per burst beat (16 words)
  unsigned beat_ns = 4;        // dma.beat_ns: bus time per beat
};

struct PlatformConfig {
  double clock_mhz = 1000.0;  // clock_mhz: accelerator clock
  NodeConfig node;
  TileConfig tile;
  CoreConfig core;
  XbarConfig xbar;
  NumericsConfig numerics;
  NocConfig noc;
  PantherConfig panther;
  LatencyConfig lat;
  AnalogTimingConfig ns;
  EnergyConfig e;
  ProfileConfig profile;
  PowerAreaConfig power;
  HostConfig host;
  DmaConfig dma;

  // Derived figures (isa.md §3.2, §8.1).
  double cycle_ns() const { return 1000.0 / clock_mhz; }
  unsigned slots_per_mvmu() const { return panther.enabled ? 3 : 1; }        // K
  unsigned n_in() const { return core.num_mvmu * slots_per_mvmu() * xbar.size; }  // N_in
  unsigned rf_words() const { return core.rf_size ? core.rf_size : 2 * n_in(); }
  unsigned operand_space() const { return 2 * n_in() + rf_words(); }
  unsigned routers() const { return (node.tiles + noc.concentration - 1) / noc.concentration; }
  unsigned mesh_width() const;
  unsigned mesh_height() const;
  // ns rounded up to whole accelerator cycles.
  uint64_t ns_to_cycles(double ns) const;
  // t_mvm in cycles: (T + 2) * X * ns.step_per_row, rounded up to cycles.
  uint64_t mvm_cycles() const;
  // Energy of one MVM (or MTVM) on one MVMU in pJ (isa.md §8.2 formula).
  double mvm_energy_pj() const;

  // Where each value came from ("file:line", "--set", or "default"), by key path.
  std::vector<std::pair<std::string, std::string>> origins;
};

// Load `path`, apply `overrides` ("a.b.c=value"), validate. Throws ConfigError.
PlatformConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// Defaults plus overrides only (no file).
PlatformConfig default_config(const std::vector<std::string>& overrides = {});
// Apply YAML text (for tests); `name` is used in messages.
PlatformConfig load_config_text(const std::string& yaml_text, const std::string& name,
                                const std::vector<std::string>& overrides = {});

// The resolved configuration as YAML-like "key: value" lines, in schema order.
std::string dump_config(const PlatformConfig& cfg);
// All known key paths, in schema order.
std::vector<std::string> config_keys();

}  // namespace pumavp
