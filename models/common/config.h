// pumavp::PlatformConfig — every platform, numerics, timing and energy value, as plain
// structs. Models receive the struct (or one of its sub-structs) by const reference; no
// model holds a literal latency or energy.
//
// Loading: `load_config(path, overrides)` reads a YAML file (with `include:` composition),
// applies `--set key.path=value` overrides, checks every key against the schema table in
// config.cpp (unknown keys, wrong types, out-of-range values are ConfigError naming the key
// path and file:line) and the cross-field rules, and returns the resolved config.
//
// Defaults: the geometry defaults of isa.md §1 are the struct initialisers below; every
// default latency, energy, clock and power figure comes from ONE place, the `puma` profile
// configs/profiles/puma.yaml, which is built into the binary (puma_profile_yaml()) and parsed
// as the base layer of every config. Those struct fields have no initialiser of their own
// (zero until resolved): build a config with default_config() / load_config(), never by
// default construction. Derived geometry lives in common/geometry.h, the MVM latency and
// energy in common/mvm_cost.h.
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
enum class XbarModel { Ideal, Sliced, Analog };

struct XbarConfig {
  unsigned size = 128;          // xbar.size: 32, 64, 128, 256
  unsigned bits_per_cell = 2;   // xbar.bits_per_cell, 1..6
  unsigned dac_bits = 1;        // xbar.dac_bits, 1..8
  unsigned adc_bits = 0;        // xbar.adc_bits; 0 = auto (lossless)
  AdcMode adc_mode = AdcMode::Clip;      // xbar.adc_mode
  XbarModel model = XbarModel::Ideal;    // xbar.model
};

// Analog non-idealities of the PUMA array (xbar.model: analog; docs/analog.md). Every value
// comes from the `analog:` block of configs/profiles/puma.yaml (no initialiser of its own).
enum class ProgNoise { None, Pcm, Normal, Proportional };
enum class DriftComp { None, Global };
struct AnalogConfig {
  double g_max_us{};                      // analog.g_max_us: conductance of the top cell level
  double dac_inl_lsb{};                   // analog.dac_inl_lsb: DAC INL bow (DAC LSB)
  ProgNoise prog_noise = ProgNoise::None; // analog.prog_noise
  double prog_noise_scale{};              // analog.prog_noise_scale: multiplies sigma_prog
  std::vector<double> prog_pcm_coef_us;   // analog.prog_pcm_coef_us: c0, c1, c2 (uS)
  double prog_pcm_ref_us{};               // analog.prog_pcm_ref_us: g_max the c's refer to
  double prog_sigma_rel{};                // analog.prog_sigma_rel: normal (of g_max) / proportional (of g)
  bool drift = false;                     // analog.drift
  double drift_time_s{};                  // analog.drift_time_s: read time after programming
  double drift_t0_s{};                    // analog.drift_t0_s
  double drift_scale{};                   // analog.drift_scale: multiplies nu
  std::vector<double> drift_nu_mean;      // analog.drift_nu_mean: a, b, lo, hi of clip(a ln g + b)
  std::vector<double> drift_nu_std;       // analog.drift_nu_std: same form
  DriftComp drift_compensation = DriftComp::None;  // analog.drift_compensation
  bool read_noise = false;                // analog.read_noise
  double read_noise_scale{};              // analog.read_noise_scale
  std::vector<double> read_qs;            // analog.read_qs: k, e, max, floor of min(k/max(g^e,floor),max)
  double read_t_read_ns{};                // analog.read_t_read_ns
  double stuck_set_prob{};                // analog.stuck_set_prob: cell stuck at the top level
  double stuck_reset_prob{};              // analog.stuck_reset_prob: cell stuck at level 0
  double ir_r_wire_ohm{};                 // analog.ir_r_wire_ohm: column wire per cell (0 = off)
  double adc_offset_lsb{};                // analog.adc_offset_lsb
  double adc_gain_error{};                // analog.adc_gain_error: relative
  double adc_inl_lsb{};                   // analog.adc_inl_lsb: ADC INL bow (ADC LSB)
  double adc_noise_lsb{};                 // analog.adc_noise_lsb: std per conversion (ADC LSB)
  bool shadow = false;                    // analog.shadow: ideal shadow path, error stats
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
  unsigned flit_bits{};   // noc.flit_bits (profile)
  unsigned concentration = 4;   // noc.concentration (tiles per router)
  unsigned inject_depth = 2;    // noc.inject_depth (packets)
  unsigned router_cycles{};// noc.router_cycles (profile)
  unsigned link_cycles{}; // noc.link_cycles (profile)
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
  unsigned fetch{};       // lat.fetch
  unsigned decode{};      // lat.decode
  unsigned nop{};         // lat.nop (nop, halt)
  unsigned vfu{};         // lat.vfu (per ceil(n/lanes))
  unsigned sfu{};         // lat.sfu (aluint, brn)
  unsigned taken{};       // lat.taken (extra cycles for a taken branch/jmp)
  unsigned mem_access{};  // lat.mem_access (one shared-memory access of <= 16 words)
  unsigned tile_instr{};  // lat.tile_instr
};

// Analog durations in ns, rounded up to cycles (isa.md §8.1).
struct AnalogTimingConfig {
  double step_per_row{};  // ns.step_per_row: t_mvm = (T + 2) * X * step_per_row
  double opa{};           // ns.opa: t_opa (PANTHER)
  double xbar_rd{};       // ns.xbar_rd: serial read of one crossbar
  double xbar_wr{};       // ns.xbar_wr: serial write of one crossbar
};

// Dynamic energies in pJ (isa.md §8.2).
struct EnergyConfig {
  double core_fetch{};    // e.core_fetch
  double rf{};            // e.rf
  double vfu{};           // e.vfu
  double sfu{};           // e.sfu
  double copy{};          // e.copy
  double mem_word{};      // e.mem_word
  double noc_word{};      // e.noc_word
  double tile_fetch{};    // e.tile_fetch
  double opa{};           // e.opa (per pair per MCU)
  double xbar_rd{};       // e.xbar_rd
  double xbar_wr{};       // e.xbar_wr
  double static_scale{};  // e.static_scale
  // MVM energy formula coefficients (isa.md §8.2).
  double mvm_xbar{};      // e.mvm_xbar: per slice and step at X = 128, scales (X/128)^2
  double mvm_adc{};       // e.mvm_adc: per conversion per ADC bit
  double mvm_sna{};       // e.mvm_sna: shift-and-add per column per (S+1) per step
  double mvm_out{};       // e.mvm_out: XbarOut write per column per step
  double mvm_in{};        // e.mvm_in: XbarIn read per step
  double mvm_dac{};       // e.mvm_dac: per row per step
};

struct ProfileConfig {
  std::string name{};     // profile.name
  unsigned adc_bits{};    // profile.adc_bits: ADC width for energy (a_e)
};

// Component power (mW) and area (mm^2) of Diss. Table 3.5, for `pumavp info`.
struct PowerAreaEntry {
  double mw = 0.0;
  double mm2 = 0.0;
};
struct PowerAreaConfig {
  PowerAreaEntry core;   // power.core_mw, power.core_mm2
  PowerAreaEntry mvmu;   // power.mvmu_*
  PowerAreaEntry tile;   // power.tile_*
  PowerAreaEntry noc;    // power.noc_*
  PowerAreaEntry edram;  // power.edram_*
};

struct HostConfig {
  unsigned dram_mib = 64;          // host.dram_mib (DRAM at 0x8000_0000)
  unsigned cpu_mhz = 100;          // host.cpu_mhz: one instruction per cycle
  uint64_t mtime_hz = 10000000;    // host.mtime_hz: CLINT mtime frequency
  unsigned quantum_ns = 1000;      // host.quantum_ns: temporal-decoupling quantum
  bool dmi = true;                 // host.dmi: use DMI for DRAM
  unsigned bus_ns{};      // host.bus_ns: bus/peripheral access latency (profile)
  unsigned dram_ns{};     // host.dram_ns: DRAM access latency, non-DMI (profile)
  std::string uart_file;           // host.uart_file: "" = stdout
};

struct DmaConfig {
  unsigned setup_ns{};    // dma.setup_ns: per transfer (profile)
  unsigned beat_bytes = 32;    // dma.beat_bytes: bytes per burst beat (16 words)
  unsigned beat_ns{};     // dma.beat_ns: bus time per beat (profile)
};

struct PlatformConfig {
  double clock_mhz{};     // clock_mhz: accelerator clock (profile)
  NodeConfig node;
  TileConfig tile;
  CoreConfig core;
  XbarConfig xbar;
  AnalogConfig analog;
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

  // Clock conversions (isa.md §8.1). Geometry: geometry_from_config() (common/geometry.h).
  double cycle_ns() const { return 1000.0 / clock_mhz; }
  // ns rounded up to whole accelerator cycles.
  uint64_t ns_to_cycles(double ns) const;

  // Where each value came from ("file:line", "--set", or "default"), by key path.
  std::vector<std::pair<std::string, std::string>> origins;
};

// Load `path`, apply `overrides` ("a.b.c=value"), validate. Throws ConfigError.
PlatformConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// Defaults (geometry defaults + the built-in `puma` profile) plus overrides only (no file).
PlatformConfig default_config(const std::vector<std::string>& overrides = {});
// Apply YAML text (for tests); `name` is used in messages.
PlatformConfig load_config_text(const std::string& yaml_text, const std::string& name,
                                const std::vector<std::string>& overrides = {});

// The resolved configuration as YAML-like "key: value" lines, in schema order.
std::string dump_config(const PlatformConfig& cfg);
// All known key paths, in schema order.
std::vector<std::string> config_keys();

// The text of configs/profiles/puma.yaml, built into the binary (generated puma_profile.cpp).
const char* puma_profile_yaml();

}  // namespace pumavp
