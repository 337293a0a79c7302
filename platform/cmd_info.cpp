// `pumavp info --config F [--set k=v]...`: the resolved configuration and derived figures.
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "common/config.h"
#include "common/geometry.h"
#include "common/mvm_cost.h"

namespace pumavp {

namespace {

struct InfoOptions {
  std::string config;
  std::vector<std::string> sets;
  bool keys_only = false;
};

void print_info(const PlatformConfig& c, std::ostream& os) {
  os << "# resolved configuration\n" << dump_config(c);
  // Every figure below is derived in one place: the geometry (common/geometry.h) and the
  // MVM cost the core model charges (common/mvm_cost.h; PANTHER: S = N slices).
  const Geometry g = geometry_from_config(c);
  const MvmCost mvm = mvm_cost(g, c);
  const uint64_t tiles = g.tiles, cores = g.cores();
  const uint64_t xbars = g.crossbars();
  const uint64_t weights = g.weights();
  const double t_mvm_ns = double(mvm.cycles) * c.cycle_ns();
  const double peak_mvm_s = double(xbars) / (t_mvm_ns * 1e-9);
  const double peak_ops = peak_mvm_s * 2.0 * g.xbar_size * g.xbar_size;
  const double node_mw = tiles * c.power.tile.mw + c.power.noc.mw;
  const double node_mm2 = tiles * c.power.tile.mm2 + c.power.noc.mm2;
  os << "\n# derived figures\n";
  os << fmt::format("tiles:                 {}\n", tiles);
  os << fmt::format("cores:                 {} ({} per tile)\n", cores, g.cores_per_tile);
  os << fmt::format("crossbars (MVMUs):     {} ({} per core, {}x{}{})\n", xbars, g.num_mvmu, g.xbar_size,
                    g.xbar_size, g.panther ? ", PANTHER MCUs" : "");
  os << fmt::format("crossbar capacity:     {} weights ({:.2f} M)\n", weights, weights / 1e6);
  os << fmt::format("slices x steps:        {} x {} ({} bits/cell, {}-bit DAC)\n", g.slices, g.steps(),
                    g.bits_per_cell, g.dac_bits);
  os << fmt::format("ADC:                   {} bits functional ({}), {} bits for energy\n", g.adc_width(),
                    g.adc_lossless() ? "lossless" : "lossy", c.profile.adc_bits);
  os << fmt::format("shared memory:         {} KiB per tile, {} KiB total\n", c.tile.shared_mem_bytes / 1024.0,
                    tiles * c.tile.shared_mem_bytes / 1024.0);
  os << fmt::format("operand space:         XbarIn {} + XbarOut {} + RF {} = {} words\n", g.n_in(), g.n_in(),
                    g.n_rf(), g.operand_space());
  os << fmt::format("mesh:                  {} routers as {}x{}, {} tiles per router\n", g.routers(), g.mesh_width(),
                    g.mesh_height(), g.concentration);
  os << fmt::format("MVM latency:           {} cycles = {:.0f} ns at {} MHz\n", mvm.cycles, t_mvm_ns, c.clock_mhz);
  os << fmt::format("MVM energy:            {:.2f} nJ per MVMU\n", mvm.total_pj() / 1000.0);
  os << fmt::format("peak MVM rate:         {:.3e} MVM/s ({:.2f} TOPS, 1 MAC = 2 ops)\n", peak_mvm_s, peak_ops / 1e12);
  os << fmt::format("power (tiles + NoC):   {:.2f} W ({} x {} mW + {} mW)\n", node_mw / 1000.0, tiles, c.power.tile.mw,
                    c.power.noc.mw);
  os << fmt::format("area (tiles + NoC):    {:.2f} mm^2 ({} x {} + {})\n", node_mm2, tiles, c.power.tile.mm2,
                    c.power.noc.mm2);
}

}  // namespace

void register_cmd_info(CLI::App& app, CommandContext& ctx) {
  auto opt = std::make_shared<InfoOptions>();
  auto* sub = app.add_subcommand("info", "Print the resolved configuration and derived figures");
  sub->add_option("--config,-c", opt->config, "platform configuration (YAML)");
  sub->add_option("--set", opt->sets, "override a key: key.path=value")->allow_extra_args(false);
  sub->add_flag("--keys", opt->keys_only, "list every configuration key");
  sub->callback([opt, &ctx] {
    if (opt->keys_only) {
      for (const auto& k : config_keys()) std::cout << k << "\n";
      ctx.exit_code = 0;
      return;
    }
    PlatformConfig c = opt->config.empty() ? default_config(opt->sets) : load_config(opt->config, opt->sets);
    print_info(c, std::cout);
    ctx.exit_code = 0;
  });
}

}  // namespace pumavp
