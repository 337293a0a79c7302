// Test harness for the core and tile models: a RunMonitor plus N tiles built from a
// PlatformConfig, programs assembled from .pasm text with the project's assembler, host-side
// tensor access, and a run that ends when the simulation has nothing left to do.
// Tiles are connected point-to-point for tests: tile i's noc_out -> tile (i+1) % N's noc_in
// (a single tile loops back to itself), through the same sockets the mesh uses.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "common/config.h"
#include "common/geometry.h"
#include "common/mvm_cost.h"
#include "common/stats.h"
#include "isa/assembler.h"
#include "isa/kimage.h"
#include "noc/mesh.h"
#include "sc_parent.h"
#include "fabric/run_monitor.h"
#include "tile/tile.h"

namespace pumavp::testing {

struct Sim {
  PlatformConfig cfg;
  Stats stats;
  // Parent "node" of the tiles and the mesh "noc": names and stats prefixes as in a Node
  // (declared first: destroyed after its children).
  std::unique_ptr<ScParent> node;
  std::unique_ptr<fabric::RunMonitor> mon;
  std::vector<std::unique_ptr<tile::Tile>> tiles;

  std::unique_ptr<noc::Mesh> mesh;

  // `use_mesh`: connect the tiles through the real mesh (noc::Mesh) instead.
  explicit Sim(const std::vector<std::string>& overrides, unsigned ntiles = 1,
               bool use_mesh = false)
      : cfg(default_config(overrides)) {
    node = std::make_unique<ScParent>("node", [&] {
      mon = std::make_unique<fabric::RunMonitor>("mon");
      for (unsigned t = 0; t < ntiles; ++t)
        tiles.push_back(std::make_unique<tile::Tile>(("tile" + std::to_string(t)).c_str(), cfg,
                                                     t, stats, *mon));
      if (use_mesh) mesh = std::make_unique<noc::Mesh>("noc", cfg, stats, mon.get());
    });
    if (use_mesh) {
      for (unsigned t = 0; t < ntiles; ++t) {
        tiles[t]->noc_out.bind(mesh->ni(t).tile_in);
        mesh->ni(t).to_tile.bind(tiles[t]->noc_in);
      }
    } else {
      for (unsigned t = 0; t < ntiles; ++t)
        tiles[t]->noc_out.bind(tiles[(t + 1) % ntiles]->noc_in);
    }
  }

  tile::Tile& tile(unsigned t = 0) { return *tiles.at(t); }
  // t_mvm in cycles, from the one MVM cost function the core model charges.
  uint64_t mvm_cycles() const { return mvm_cost(geometry_from_config(cfg), cfg).cycles; }
  core::CoreExec& exec(unsigned t, unsigned c) { return tiles.at(t)->core(c).exec(); }

  // Assemble and load; fails the test on assembler or load errors.
  isa::KernelImage load(const std::string& pasm) {
    isa::Diagnostics diag;
    auto img = isa::assemble_string(pasm, "test.pasm", ".", geometry_from_config(cfg), diag);
    EXPECT_TRUE(img.has_value()) << diag.str();
    if (!img) return {};
    for (auto& t : tiles) {
      const std::string err = t->load(*img);
      EXPECT_EQ(err, "");
    }
    return *img;
  }

  void host_write(unsigned t, unsigned addr, const std::vector<int16_t>& w, uint16_t count = 1) {
    ASSERT_TRUE(tiles.at(t)->memory().host_write(addr, w, count));
  }
  std::vector<int16_t> host_read(unsigned t, unsigned addr, unsigned n, bool peek = false) {
    std::vector<int16_t> out;
    EXPECT_TRUE(tiles.at(t)->memory().host_read(addr, n, out, peek))
        << "words " << addr << ".." << addr + n - 1 << " not valid";
    return out;
  }

  // START, run until nothing is left to do; returns the final run status.
  fabric::RunStatus run(sc_core::sc_time limit = sc_core::sc_time(10, sc_core::SC_MS)) {
    t_start = sc_core::sc_time_stamp();
    mon->start();
    for (auto& t : tiles) t->start();
    sc_core::sc_start(limit, sc_core::SC_EXIT_ON_STARVATION);
    if (mon->status() == fabric::RunStatus::Running) mon->check_starved();
    t_end = sc_core::sc_time_stamp();
    for (auto& t : tiles) t->end_run();
    return mon->status();
  }
  double run_ns() const { return (t_end - t_start).to_seconds() * 1e9; }

  sc_core::sc_time t_start, t_end;
};

// Golden dense-layer reference written independently of the models: naive int64 sum,
// round-to-nearest-even by f bits, saturation to int16.
inline int16_t golden_rne_sat(int64_t acc, unsigned f) {
  int64_t q = acc;
  if (f > 0) {
    const int64_t div = int64_t{1} << f;
    // floor division
    q = acc / div;
    if ((acc % div) != 0 && acc < 0) --q;
    const int64_t r = acc - q * div;
    const int64_t h = div / 2;
    if (r > h || (r == h && (q % 2 != 0))) ++q;
  }
  if (q > 32767) return 32767;
  if (q < -32768) return -32768;
  return static_cast<int16_t>(q);
}

}  // namespace pumavp::testing
