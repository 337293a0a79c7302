// Mesh NoC tests with test-only endpoints (no tiles): latency per hop against isa.md §8.1,
// contention, back-pressure, ordering, stats. Each test is its own process (SystemC).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "common/config.h"
#include "common/stats.h"
#include "sc_parent.h"
#include "endpoint.h"
#include "noc/mesh.h"
#include "fabric/run_monitor.h"

using namespace pumavp;
using namespace pumavp::noc;
using namespace pumavp::fabric;
using noc::test::Arrival;
using noc::test::TestEndpoint;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

struct Net {
  PlatformConfig cfg;
  Stats stats;
  RunMonitor mon{"mon"};
  std::unique_ptr<pumavp::testing::ScParent> node;  // "node" holding the mesh "noc"
  std::unique_ptr<Mesh> mesh;
  std::vector<std::unique_ptr<TestEndpoint>> ep;

  explicit Net(const std::vector<std::string>& overrides) : cfg(default_config(overrides)) {
    node = std::make_unique<pumavp::testing::ScParent>(
        "node", [&] { mesh = std::make_unique<Mesh>("noc", cfg, stats, &mon); });
    for (unsigned t = 0; t < cfg.node.tiles; ++t) {
      ep.push_back(std::make_unique<TestEndpoint>(("ep" + std::to_string(t)).c_str(), t,
                                                  cfg.tile.num_fifos, cfg.tile.fifo_depth));
      ep[t]->noc_out.bind(mesh->ni(t).tile_in);
      mesh->ni(t).to_tile.bind(ep[t]->noc_in);
    }
  }
  double cyc() const { return 1000.0 / cfg.clock_mhz; }
};

// Independent re-statement of isa.md §8.1 geometry (not using MeshGeometry).
unsigned spec_hops(unsigned tiles, unsigned conc, unsigned a, unsigned b) {
  const unsigned routers = (tiles + conc - 1) / conc;
  const unsigned w = static_cast<unsigned>(std::ceil(std::sqrt(static_cast<double>(routers))));
  const unsigned ra = a / conc, rb = b / conc;
  const int dx = static_cast<int>(ra % w) - static_cast<int>(rb % w);
  const int dy = static_cast<int>(ra / w) - static_cast<int>(rb / w);
  return static_cast<unsigned>(std::abs(dx) + std::abs(dy));
}

std::vector<int16_t> ramp(unsigned w, int base) {
  std::vector<int16_t> v(w);
  for (unsigned i = 0; i < w; ++i) v[i] = static_cast<int16_t>(base + static_cast<int>(i) * 7 - 30000);
  return v;
}

double ns(const sc_time& t) { return t.to_seconds() * 1e9; }

}  // namespace

TEST(NocGeometry, PumaNodeIsSixBySix) {
  MeshGeometry g(138, 4);
  EXPECT_EQ(g.routers, 35u);
  EXPECT_EQ(g.width, 6u);
  EXPECT_EQ(g.height, 6u);
  EXPECT_EQ(g.grid_routers(), 36u);
  EXPECT_EQ(g.router_of_tile(137), 34u);  // 137 / 4
  EXPECT_EQ(g.col(34), 4u);
  EXPECT_EQ(g.row(34), 5u);
  EXPECT_EQ(g.hops(0, 137), 9u);
  EXPECT_EQ(g.hops(0, 3), 0u);  // shared router
  EXPECT_EQ(g.local_ports(34), 2u);  // tiles 136, 137
  EXPECT_EQ(g.local_ports(35), 0u);  // grid filler
  MeshGeometry s(4, 1);
  EXPECT_EQ(s.width, 2u);
  EXPECT_EQ(s.height, 2u);
  EXPECT_EQ(s.hops(0, 3), 2u);
}

TEST(NocGeometry, HopsMatchSpecFormulaForManyShapes) {
  for (unsigned tiles : {1u, 2u, 5u, 17u, 64u, 138u, 256u})
    for (unsigned conc : {1u, 2u, 3u, 4u, 8u}) {
      MeshGeometry g(tiles, conc);
      EXPECT_GE(g.width * g.height, g.routers);
      EXPECT_LT((g.height - 1) * g.width, g.routers);
      for (unsigned a = 0; a < tiles; a += 3)
        for (unsigned b = 0; b < tiles; b += 5)
          ASSERT_EQ(g.hops(a, b), spec_hops(tiles, conc, a, b)) << tiles << " " << conc;
    }
}

// Packets sent one at a time (no contention) from tile 0 to every tile of a 4x4 mesh
// arrive after (h+1)*router + h*link + flits cycles; own tile: 0.
static void check_latency(const std::vector<std::string>& ov, unsigned width, unsigned far) {
  Net n(ov);
  const unsigned R = n.cfg.noc.router_cycles, L = n.cfg.noc.link_cycles;
  const unsigned F = 1 + (16 * width + n.cfg.noc.flit_bits - 1) / n.cfg.noc.flit_bits;
  const unsigned tiles = n.cfg.node.tiles, conc = n.cfg.noc.concentration;
  std::vector<double> sent(tiles, -1);
  sc_core::sc_spawn([&] {
    for (unsigned t = 0; t < tiles; ++t) {
      sc_core::wait(sc_time(1000, SC_NS));
      sent[t] = ns(sc_core::sc_time_stamp());
      n.ep[0]->send(t, 1, ramp(width, static_cast<int>(t)));
    }
  });
  sc_core::sc_start(sc_time(1000.0 * (tiles + 2), SC_NS));
  unsigned max_h = 0;
  for (unsigned t = 0; t < tiles; ++t) {
    ASSERT_EQ(n.ep[t]->log.size(), 1u) << "tile " << t;
    const Arrival& a = n.ep[t]->log[0];
    EXPECT_EQ(a.pkt.src_tile, 0);
    EXPECT_EQ(a.pkt.fifo, 1);
    ASSERT_EQ(a.pkt.width, width);
    const auto want = ramp(width, static_cast<int>(t));
    for (unsigned i = 0; i < width; ++i) EXPECT_EQ(a.pkt.words[i], want[i]);
    const unsigned h = spec_hops(tiles, conc, 0, t);
    max_h = std::max(max_h, h);
    const double expect_cycles = t == 0 ? 0.0 : (h + 1.0) * R + h * L + F;
    EXPECT_NEAR(ns(a.visible) - sent[t], expect_cycles * n.cyc(), 1e-6)
        << "tile " << t << " hops " << h;
  }
  EXPECT_EQ(n.ep[0]->tracker.in_flight(), 0u);
  EXPECT_EQ(max_h, far);  // corner to corner
}

TEST(NocLatency, GrowsWithHopsDefaultProfile) {
  check_latency({"node.tiles=16", "noc.concentration=1"}, 16, 6);
}

TEST(NocLatency, GrowsWithHopsOtherParameters) {
  check_latency({"node.tiles=16", "noc.concentration=1", "noc.router_cycles=5",
                 "noc.link_cycles=2", "noc.flit_bits=64", "clock_mhz=500"},
                5, 6);
}

TEST(NocLatency, ConcentratedMeshAndSharedRouter) {
  // 10 tiles, 3 per router: 4 routers in a 2x2 grid; tiles 0..2 share router 0.
  check_latency({"node.tiles=10", "noc.concentration=3"}, 3, 2);
}

TEST(NocLatency, BackToBackPacketsSerialiseOnInjection) {
  Net n({"node.tiles=16", "noc.concentration=1"});
  const unsigned R = n.cfg.noc.router_cycles, L = n.cfg.noc.link_cycles;
  const unsigned F = 1 + 8;  // 16 words, 32-bit flits
  const int N = 6;
  sc_core::sc_spawn([&] {
    for (int k = 0; k < N; ++k) n.ep[0]->send(5, 0, ramp(16, k));
  });
  sc_core::sc_spawn([&] {
    for (int k = 0; k < N; ++k) n.ep[5]->receive(0);
  });
  sc_core::sc_start(sc_time(10, sc_core::SC_US));
  ASSERT_EQ(n.ep[5]->log.size(), static_cast<size_t>(N));
  const unsigned h = 2;  // (0,0) -> (1,1)
  for (int k = 0; k < N; ++k) {
    EXPECT_EQ(n.ep[5]->log[k].pkt.words[0], ramp(16, k)[0]);
    EXPECT_NEAR(ns(n.ep[5]->log[k].visible), ((h + 1.0) * R + h * L + F + k * F) * n.cyc(), 1e-6)
        << k;
  }
}

// Completion time (ns, last packet visible) of `count` 16-word packets per flow; flows run
// in windows 20 us apart in one simulation.
struct Flow {
  unsigned src, dst, fifo;
};

static std::vector<std::vector<double>> run_flow_windows(
    Net& n, const std::vector<std::vector<Flow>>& windows, int count) {
  std::vector<std::vector<double>> done(windows.size());
  for (size_t w = 0; w < windows.size(); ++w) {
    done[w].assign(windows[w].size(), 0.0);
    for (size_t f = 0; f < windows[w].size(); ++f) {
      const Flow fl = windows[w][f];
      const double t0 = 20000.0 * (w + 1);
      sc_core::sc_spawn([&n, fl, t0, count] {
        sc_core::wait(sc_time(t0, SC_NS));
        for (int k = 0; k < count; ++k) n.ep[fl.src]->send(fl.dst, fl.fifo, ramp(16, k));
      });
      sc_core::sc_spawn([&n, &done, w, f, fl, t0, count] {
        sc_core::wait(sc_time(t0, SC_NS));
        for (int k = 0; k < count; ++k) {
          Arrival a = n.ep[fl.dst]->receive(fl.fifo);
          done[w][f] = ns(a.visible) - t0;
        }
      });
    }
  }
  sc_core::sc_start(sc_time(20000.0 * (windows.size() + 1), SC_NS));
  return done;
}

TEST(NocContention, FlowsSharingALinkTakeLonger) {
  Net n({"node.tiles=16", "noc.concentration=1"});
  // Row 0 of a 4x4 mesh: A = 0 -> 3 uses links r0.E, r1.E, r2.E; B = 1 -> 2 uses r1.E.
  const Flow A{0, 3, 0}, B{1, 2, 1};
  auto d = run_flow_windows(n, {{A}, {B}, {A, B}}, 8);
  const double a_alone = d[0][0], b_alone = d[1][0];
  const double a_both = d[2][0], b_both = d[2][1];
  EXPECT_GT(a_alone, 0);
  EXPECT_GT(b_alone, 0);
  EXPECT_GT(std::max(a_both, b_both), std::max(a_alone, b_alone));
  EXPECT_TRUE(a_both > a_alone || b_both > b_alone);
  EXPECT_GE(a_both, a_alone);
  EXPECT_GE(b_both, b_alone);
  // The shared link carried both flows' flits: 8 packets * 9 flits each, 3 windows of A
  // (alone, both) + B (alone, both) -> 4 * 72.
  EXPECT_EQ(n.stats.counter_value("node.noc.r1.E.flits"), 4u * 72u);
}

TEST(NocContention, DisjointFlowsDoNotSlowEachOther) {
  Net n({"node.tiles=16", "noc.concentration=1"});
  // A = 0 -> 1 (r0.E, r1.L0), B = 2 -> 3 (r2.E, r3.L0), C = 12 -> 8 (r12.N, r8.L0).
  const Flow A{0, 1, 0}, B{2, 3, 0}, C{12, 8, 0};
  auto d = run_flow_windows(n, {{A}, {B}, {C}, {A, B, C}}, 8);
  EXPECT_NEAR(d[3][0], d[0][0], 1e-6);
  EXPECT_NEAR(d[3][1], d[1][0], 1e-6);
  EXPECT_NEAR(d[3][2], d[2][0], 1e-6);
  // One hop, 8 back-to-back packets: last visible at 2R + L + F + 7F cycles.
  const double cyc = n.cyc();
  EXPECT_NEAR(d[0][0], (2.0 * 3 + 1 + 9 + 7 * 9) * cyc, 1e-6);
}

TEST(NocBackPressure, FullFifoHoldsPacketsAndTheLinksBehindThem) {
  Net n({"node.tiles=16", "noc.concentration=1"});
  const double cyc = n.cyc();
  // 0 -> 2 (r0.E, r1.E, r2.L0): FIFO depth 2, nobody receives until 1000 ns.
  sc_core::sc_spawn([&] {
    for (int k = 0; k < 5; ++k) n.ep[0]->send(2, 0, ramp(4, k));
  });
  size_t accepted_at_500 = 0;
  unsigned in_flight_at_500 = 0;
  unsigned activity_at_500 = 99;
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(500, SC_NS));
    accepted_at_500 = n.ep[2]->log.size();
    in_flight_at_500 = n.ep[0]->tracker.in_flight();
    activity_at_500 = n.mon.activity();
    sc_core::wait(sc_time(500, SC_NS));
    for (int k = 0; k < 5; ++k) n.ep[2]->receive(0);
  });
  // Flow C = 1 -> 3 at 200 ns needs r1.E, held by the stuck 0 -> 2 packet.
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(200, SC_NS));
    n.ep[1]->send(3, 0, ramp(2, 99));
  });
  sc_core::sc_start(sc_time(5, sc_core::SC_US));
  EXPECT_EQ(accepted_at_500, 2u);
  // p0, p1 accepted; p2 stuck in the network, p3 queued behind it; p4 not handed over
  // (injection queue of 2 full).
  EXPECT_EQ(in_flight_at_500, 2u);
  EXPECT_EQ(activity_at_500, 0u);  // stuck packets are not activity (deadlock detection)
  ASSERT_EQ(n.ep[2]->log.size(), 5u);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(n.ep[2]->log[k].pkt.words[0], ramp(4, k)[0]);
  EXPECT_GE(ns(n.ep[2]->log[2].visible), 1000.0);
  ASSERT_EQ(n.ep[3]->log.size(), 1u);
  // Unblocked it would arrive at 200 + (3R + 2L + F) cycles; it waited for the pop.
  const double free_arrival = 200.0 + (3 * 3 + 2 * 1 + 2) * cyc;
  EXPECT_LT(free_arrival, 1000.0);
  EXPECT_GE(ns(n.ep[3]->log[0].visible), 1000.0);
  EXPECT_EQ(n.ep[0]->tracker.in_flight(), 0u);
  EXPECT_EQ(n.mon.activity(), 0u);
}

TEST(NocBackPressure, InjectionQueueBlocksTheSenderAtDepth) {
  Net n({"node.tiles=4", "noc.concentration=1", "noc.inject_depth=2", "tile.fifo_depth=1"});
  // Receiver never reads: FIFO takes 1, the network holds 1 (its NI thread is stuck in the
  // delivery), the injection queue holds that one + 1 more -> the 4th send blocks.
  int handed = 0;
  std::vector<std::vector<int16_t>> data;  // outside the thread: it stays blocked at the end
  for (int k = 0; k < 6; ++k) data.push_back(ramp(1, k));
  sc_core::sc_spawn([&] {
    for (int k = 0; k < 6; ++k) {
      n.ep[0]->send(1, 0, data[k]);
      ++handed;
    }
  });
  sc_core::sc_start(sc_time(2, sc_core::SC_US));
  EXPECT_EQ(n.ep[1]->log.size(), 1u);
  EXPECT_EQ(handed, 3);
  EXPECT_EQ(n.mesh->ni(0).queued(), 2u);
  EXPECT_EQ(n.ep[0]->tracker.in_flight(), 2u);
}

TEST(NocOrder, PacketsOfOneSourceToOneFifoArriveInSendOrder) {
  Net n({"node.tiles=9", "noc.concentration=1", "tile.fifo_depth=2"});
  std::mt19937 rng(12345);
  struct Sent {
    unsigned src, fifo;
    std::vector<int16_t> words;
  };
  std::vector<std::vector<Sent>> per_src(9);
  const unsigned dst = 4;  // centre of 3x3
  for (unsigned src : {0u, 2u, 4u, 6u, 8u}) {
    for (int k = 0; k < 40; ++k) {
      Sent s{src, src % 3, {}};
      const unsigned w = 1 + rng() % 16;
      for (unsigned i = 0; i < w; ++i) s.words.push_back(static_cast<int16_t>(rng()));
      per_src[src].push_back(s);
    }
  }
  for (unsigned src = 0; src < 9; ++src) {
    if (per_src[src].empty()) continue;
    sc_core::sc_spawn([&n, &per_src, src, dst] {
      std::mt19937 r(src);
      for (const Sent& s : per_src[src]) {
        sc_core::wait(sc_time(r() % 20, SC_NS));
        n.ep[src]->send(dst, s.fifo, s.words);
      }
    });
  }
  std::vector<std::vector<Arrival>> got(3);
  for (unsigned f = 0; f < 3; ++f)
    sc_core::sc_spawn([&n, &got, f, dst] {
      std::mt19937 r(100 + f);
      for (;;) {
        got[f].push_back(n.ep[dst]->receive(f));
        sc_core::wait(sc_time(r() % 30, SC_NS));
      }
    });
  sc_core::sc_start(sc_time(100, sc_core::SC_US));
  size_t total = 0;
  for (unsigned src = 0; src < 9; ++src) {
    for (unsigned f = 0; f < 3; ++f) {
      std::vector<const Sent*> want;
      for (const Sent& s : per_src[src])
        if (s.fifo == f) want.push_back(&s);
      std::vector<const Arrival*> have;
      for (const Arrival& a : got[f])
        if (a.pkt.src_tile == src) have.push_back(&a);
      ASSERT_EQ(have.size(), want.size()) << src << " " << f;
      for (size_t k = 0; k < want.size(); ++k) {
        ASSERT_EQ(have[k]->pkt.width, want[k]->words.size());
        for (size_t i = 0; i < want[k]->words.size(); ++i)
          ASSERT_EQ(have[k]->pkt.words[i], want[k]->words[i]);
      }
      total += have.size();
    }
  }
  EXPECT_EQ(total, 200u);
}

TEST(NocStats, EnergyAndPerLinkFlits) {
  Net n({"node.tiles=16", "noc.concentration=1"});
  sc_core::sc_spawn([&] {
    n.ep[0]->send(3, 0, ramp(16, 0));   // 0 -> 3: r0.E, r1.E, r2.E, r3.L0, 9 flits
    n.ep[0]->send(12, 0, ramp(3, 0));   // 0 -> 12: r0.S, r4.S, r8.S, r12.L0, 1+2 flits
    n.ep[5]->send(5, 0, ramp(7, 0));    // own tile: no links
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  EXPECT_EQ(n.stats.counter_value("node.noc.packets"), 3u);
  EXPECT_EQ(n.stats.counter_value("node.noc.words"), 26u);
  EXPECT_EQ(n.stats.counter_value("node.noc.flits"), 9u + 3u);  // the own-tile packet: none
  for (const char* l : {"r0.E", "r1.E", "r2.E", "r3.L0"})
    EXPECT_EQ(n.stats.counter_value(std::string("node.noc.") + l + ".flits"), 9u) << l;
  for (const char* l : {"r0.S", "r4.S", "r8.S", "r12.L0"})
    EXPECT_EQ(n.stats.counter_value(std::string("node.noc.") + l + ".flits"), 3u) << l;
  EXPECT_EQ(n.stats.counter_value("node.noc.r5.L0.flits"), 0u);
  EXPECT_EQ(n.stats.counter_value("node.noc.r1.S.flits"), 0u);
  EXPECT_NEAR(n.stats.energy_under("node.noc").get(Component::Noc), 26 * 12.027, 1e-9);
  EXPECT_EQ(n.ep[5]->log.size(), 1u);
  EXPECT_EQ(n.ep[5]->log[0].visible, sc_time(0, SC_NS));
}

TEST(NocErrors, BadDestinationOrFifoIsAnErrorResponse) {
  Net n({"node.tiles=4", "noc.concentration=1", "tile.num_fifos=4"});
  tlm::tlm_response_status bad_tile{}, bad_fifo{}, good{};
  sc_core::sc_spawn([&] {
    n.ep[0]->send(4, 0, ramp(1, 0));
    bad_tile = n.ep[0]->last_send_status;
    n.ep[0]->send(1, 4, ramp(1, 0));
    bad_fifo = n.ep[0]->last_send_status;
    n.ep[0]->send(1, 3, ramp(1, 0));
    good = n.ep[0]->last_send_status;
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  EXPECT_EQ(bad_tile, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(bad_fifo, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(good, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(n.ep[1]->log.size(), 1u);
}

TEST(NocStats, PacketObserverSeesEveryPacketWithItsLatency) {
  Net n({"node.tiles=16", "noc.concentration=1"});
  struct Seen {
    unsigned src, dst;
    double injected, accepted;
  };
  std::vector<Seen> seen;
  n.mesh->set_packet_observer([&](const NocPacket& p, const sc_time& in, const sc_time& acc) {
    seen.push_back({p.src_tile, p.dst_tile, ns(in), ns(acc)});
  });
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(10, SC_NS));
    n.ep[0]->send(15, 0, ramp(4, 0));  // 6 hops, 3 flits
    n.ep[6]->send(6, 0, ramp(4, 0));   // own tile
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  ASSERT_EQ(seen.size(), 2u);
  std::sort(seen.begin(), seen.end(), [](const Seen& a, const Seen& b) { return a.src < b.src; });
  EXPECT_EQ(seen[0].src, 0u);
  EXPECT_EQ(seen[0].dst, 15u);
  EXPECT_NEAR(seen[0].injected, 10.0, 1e-9);
  EXPECT_NEAR(seen[0].accepted - seen[0].injected, (7.0 * 3 + 6 * 1 + 3) * n.cyc(), 1e-6);
  EXPECT_EQ(seen[1].dst, 6u);
  EXPECT_NEAR(seen[1].accepted, seen[1].injected, 1e-9);
}

TEST(NocRouting, DiagonalRoutesGoXFirstThenY) {
  // 4x4 mesh, concentration 1: tile t sits on router t at (x, y) = (t % 4, t / 4).
  // Dimension-order XY routing (isa.md §8.1) corrects x first, then y.
  //  1 (1,0) -> 14 (2,3), 16 words = 1 header + 16*16/32 = 9 flits:
  //    X-first: r1.E, r2.S, r6.S, r10.S, r14.L0       Y-first would be: r1.S, r5.S, r9.S, r13.E
  //  14 (2,3) -> 1 (1,0), 3 words = 1 + ceil(48/32) = 3 flits:
  //    X-first: r14.W, r13.N, r9.N, r5.N, r1.L0       Y-first would be: r14.N, r10.N, r6.N, r2.W
  Net n({"node.tiles=16", "noc.concentration=1"});
  ASSERT_EQ(n.cfg.noc.flit_bits, 32u);
  sc_core::sc_spawn([&] {
    n.ep[1]->send(14, 0, ramp(16, 0));
    n.ep[14]->send(1, 0, ramp(3, 5));
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  ASSERT_EQ(n.ep[14]->log.size(), 1u);
  ASSERT_EQ(n.ep[1]->log.size(), 1u);
  auto flits = [&](const char* l) { return n.stats.counter_value(std::string("node.noc.") + l + ".flits"); };
  for (const char* l : {"r1.E", "r2.S", "r6.S", "r10.S", "r14.L0"}) EXPECT_EQ(flits(l), 9u) << l;
  for (const char* l : {"r1.S", "r5.S", "r9.S", "r13.E"}) EXPECT_EQ(flits(l), 0u) << l;
  for (const char* l : {"r14.W", "r13.N", "r9.N", "r5.N", "r1.L0"}) EXPECT_EQ(flits(l), 3u) << l;
  for (const char* l : {"r14.N", "r10.N", "r6.N", "r2.W"}) EXPECT_EQ(flits(l), 0u) << l;
  EXPECT_EQ(n.stats.counter_value("node.noc.flits"), 9u + 3u);
}
