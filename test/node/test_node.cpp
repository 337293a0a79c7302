// Node tests: programs written in .pasm, assembled by the project's assembler, run on the
// SystemC node (tiles + mesh). Each test is its own process (SystemC elaborates once).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "isa/assembler.h"
#include "core/core.h"
#include "noc/mesh_router.h"
#include "node/host_interface.h"
#include "node/node.h"
#include "tile/shared_memory.h"
#include "tile/tile.h"
#include "tile/tile_control_unit.h"
#include "fabric/mem_extension.h"

using namespace pumavp;
using fabric::RunStatus;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

struct Bench {
  PlatformConfig cfg;
  Stats stats;
  std::unique_ptr<node::Node> node;

  Bench(const std::string& config, const std::vector<std::string>& overrides = {})
      : cfg(load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/" + config, overrides)) {
    node = std::make_unique<node::Node>("node", cfg, stats);
  }

  isa::KernelImage assemble(const std::string& text) {
    isa::Diagnostics diag;
    auto img = isa::assemble_string(text, "test.pasm", ".", node->geometry(), diag);
    EXPECT_TRUE(img.has_value()) << diag.str() << "\n" << text;
    return img ? *img : isa::KernelImage{};
  }

  void load(const std::string& text) {
    const node::LoadResult r = node->load(assemble(text));
    ASSERT_TRUE(r.ok()) << r.code << ": " << r.message;
  }

  double cycles(const sc_time& t) const { return t.to_seconds() * 1e6 * cfg.clock_mhz; }
  double run_cycles() const { return cycles(node->run_end_time() - node->run_start_time()); }
};

std::vector<int16_t> random_words(std::mt19937& rng, size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int16_t> v(n);
  for (auto& x : v) x = static_cast<int16_t>(d(rng));
  return v;
}

std::string join(const std::vector<int16_t>& v, size_t from, size_t n) {
  std::ostringstream os;
  for (size_t i = 0; i < n; ++i) os << (i ? " " : "") << v[from + i];
  return os.str();
}

// Independent golden for isa.md §2.2/§2.8: rne(v, s) ties to even, sat16.
int64_t rne(int64_t v, unsigned s) {
  if (s == 0) return v;
  const int64_t d = int64_t{1} << s;
  int64_t q = v >= 0 ? v / d : -((-v + d - 1) / d);  // floor
  const int64_t r = v - q * d;
  const int64_t h = d / 2;
  if (r > h || (r == h && (q & 1))) ++q;
  return q;
}
int16_t sat16(int64_t v) { return static_cast<int16_t>(std::clamp<int64_t>(v, -32768, 32767)); }

}  // namespace

TEST(NodeNoc, VectorFromTileToTileArrivesIntact) {
  Bench b("small.yaml");  // 4 tiles, 2x2 mesh
  std::mt19937 rng(7);
  const auto v = random_words(rng, 48, -32768, 32767);
  std::ostringstream p;
  p << ".data 0 100 count=1\n" << join(v, 0, 48) << "\n.end\n"
    << ".tile 0\n  send 100, 5, 3, width=16, vec=3\n  halt\n"
    << ".tile 3\n  receive 200, 5, count=2, width=16, vec=3\n  halt\n";
  b.load(p.str());
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done) << b.node->report();
  std::vector<int16_t> got;
  ASSERT_TRUE(b.node->host_read(3, 200, 48, got, /*peek=*/true));
  EXPECT_EQ(got, v);
  // Stored with count 2: one consuming read leaves them valid, the second invalidates.
  EXPECT_TRUE(b.node->host_read(3, 200, 48, got));
  EXPECT_TRUE(b.node->host_read(3, 200, 48, got));
  EXPECT_FALSE(b.node->host_read(3, 200, 48, got));
  // The send consumed the source words (count 1).
  EXPECT_FALSE(b.node->host_read(0, 100, 1, got));
  // 3 packets of 16 words (9 flits) over 2 hops, 3 mesh links + 1 ejection each.
  EXPECT_EQ(b.stats.counter_value("node.noc.packets"), 3u);
  EXPECT_EQ(b.stats.counter_value("node.noc.words"), 48u);
  EXPECT_EQ(b.stats.counter_value("node.noc.r3.L0.flits"), 27u);
  EXPECT_NEAR(b.stats.energy_under("node.noc").get(Component::Noc), 48 * b.cfg.e.noc_word, 1e-6);
}

// Dense layer y = W^T x with W 512 x 64 split over 4 tiles by rows (128 inputs per tile):
// each tile computes a partial sum on one MVMU; tiles 1..3 send theirs to tile 0, whose core
// adds them in the VFU.
//
// FIFO depth 4 holds a sender's 4 packets: with the default depth 2, packets for a full FIFO
// wait at tile 0's ejection port and block packets behind them that are meant for other
// FIFOs (head-of-line blocking), so this sequential receive order could deadlock.
TEST(NodeNoc, DenseLayerAcrossFourTilesMatchesGolden) {
  Bench b("small.yaml", {"tile.fifo_depth=4"});
  const unsigned X = b.cfg.xbar.size, f = b.cfg.numerics.frac_bits;
  ASSERT_EQ(X, 128u);
  const unsigned IN = 4 * X, OUT = 64;
  std::mt19937 rng(2024);
  const auto W = random_words(rng, size_t{IN} * OUT, -300, 300);  // row-major, row = input
  const auto x = random_words(rng, IN, -8192, 8191);

  std::ostringstream p;
  for (unsigned t = 0; t < 4; ++t) {
    p << ".data " << t << " 0 count=1\n" << join(x, t * X, X) << "\n.end\n";
    p << ".xbar " << t << " 0 0 rows=" << X << " cols=" << OUT << "\n";
    for (unsigned i = 0; i < X; ++i) p << join(W, size_t{t * X + i} * OUT, OUT) << "\n";
    p << ".end\n";
    p << ".core " << t << " 0\n"
      << "  set rf.0, 0\n"
      << "  load in0.0, rf.0, width=16, vec=8\n"
      << "  mvm mask=0b01\n";
    if (t == 0) {
      p << "  set rf.2, 300\n  set rf.3, 364\n  set rf.4, 428\n  set rf.5, 600\n"
        << "  copy rf.80, out0.0, vec=64\n";
      for (int k = 2; k <= 4; ++k)
        p << "  load rf.16, rf." << k << ", width=16, vec=4\n"
          << "  alu.add rf.80, rf.80, rf.16, vec=64\n";
      p << "  store rf.5, rf.80, count=1, width=16, vec=4\n  halt\n";
    } else {
      p << "  set rf.1, 200\n  store rf.1, out0.0, count=1, width=16, vec=4\n  halt\n"
        << ".tile " << t << "\n  send 200, " << t << ", 0, width=16, vec=4\n  halt\n";
    }
  }
  p << ".tile 0\n"
    << "  receive 300, 1, count=1, width=16, vec=4\n"
    << "  receive 364, 2, count=1, width=16, vec=4\n"
    << "  receive 428, 3, count=1, width=16, vec=4\n"
    << "  halt\n";
  b.load(p.str());
  ASSERT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done)
      << b.node->report();

  // Golden: per tile block an exact dot product, rne + sat (MVM), then saturating adds in
  // the order of the program: ((p0 + p1) + p2) + p3.
  std::vector<int16_t> want(OUT);
  for (unsigned j = 0; j < OUT; ++j) {
    int16_t acc = 0;
    for (unsigned t = 0; t < 4; ++t) {
      int64_t s = 0;
      for (unsigned i = 0; i < X; ++i)
        s += int64_t{W[size_t{t * X + i} * OUT + j]} * x[t * X + i];
      const int16_t part = sat16(rne(s, f));
      acc = t == 0 ? part : sat16(int64_t{acc} + part);
    }
    want[j] = acc;
  }
  std::vector<int16_t> got;
  ASSERT_TRUE(b.node->host_read(0, 600, OUT, got));
  EXPECT_EQ(got, want);
  // Sanity of the test data itself: not all zero / saturated.
  const auto nz = std::count_if(want.begin(), want.end(), [](int16_t v) { return v != 0; });
  const auto sat = std::count_if(want.begin(), want.end(),
                                 [](int16_t v) { return v == 32767 || v == -32768; });
  EXPECT_GT(nz, 48);
  EXPECT_LT(sat, 8);
  // 3 tiles x 4 packets of 16 words went over the mesh.
  EXPECT_EQ(b.stats.counter_value("node.noc.packets"), 12u);
}

// One 16-word packet from tile 0 to tiles at 1..6 hops on a 4x4 mesh: every other cost
// (memory accesses, send and receive instructions) is the same, so the run time grows by
// router_cycles + link_cycles per hop, exactly.
static void hop_latency(const std::vector<std::string>& overrides) {
  std::vector<std::string> ov = {"node.tiles=16", "noc.concentration=1"};
  ov.insert(ov.end(), overrides.begin(), overrides.end());
  Bench b("small.yaml", ov);
  const double per_hop = b.cfg.noc.router_cycles + b.cfg.noc.link_cycles;
  // destination tile -> XY hops from tile 0 at (0,0) on a 4-wide mesh
  const std::vector<std::pair<unsigned, unsigned>> dst = {{1, 1}, {2, 2}, {3, 3}, {7, 4},
                                                          {11, 5}, {15, 6}, {4, 1}, {12, 3}};
  std::vector<double> t(dst.size());
  std::vector<int16_t> data(16);
  for (size_t k = 0; k < dst.size(); ++k) {
    for (int i = 0; i < 16; ++i) data[i] = static_cast<int16_t>(k * 100 + i);
    std::ostringstream p;
    p << ".data 0 0 count=1\n" << join(data, 0, 16) << "\n.end\n"
      << ".tile 0\n  send 0, 0, " << dst[k].first << ", width=16\n  halt\n"
      << ".tile " << dst[k].first << "\n  receive 32, 0, count=1, width=16\n  halt\n";
    b.load(p.str());
    ASSERT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done)
        << b.node->report();
    t[k] = b.run_cycles();
    std::vector<int16_t> got;
    ASSERT_TRUE(b.node->host_read(dst[k].first, 32, 16, got));
    EXPECT_EQ(got, data);
  }
  for (size_t k = 1; k < dst.size(); ++k)
    EXPECT_NEAR(t[k] - t[0], (dst[k].second - dst[0].second) * per_hop, 1e-6)
        << "to tile " << dst[k].first;
}

TEST(NodeNoc, LatencyGrowsWithHopsDefaultProfile) { hop_latency({}); }

TEST(NodeNoc, LatencyGrowsWithHopsSlowRouters) {
  hop_latency({"noc.router_cycles=7", "noc.link_cycles=3"});
}

TEST(NodeDeadlock, TwoTilesWaitingToReceiveFromEachOther) {
  Bench b("small.yaml");
  b.load(".data 0 0 count=1\n11\n.end\n.data 1 0 count=1\n22\n.end\n"
         ".tile 0\n  receive 10, 4, count=1, width=1\n  send 0, 6, 1, width=1\n  halt\n"
         ".tile 1\n  receive 10, 6, count=1, width=1\n  send 0, 4, 0, width=1\n  halt\n");
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 8u);
  const auto& units = b.node->monitor().blocked_units();
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[0].tile, 0);
  EXPECT_EQ(units[0].core, fabric::kTileUnit);
  EXPECT_EQ(units[0].block.reason, fabric::BlockReason::FifoEmpty);
  EXPECT_EQ(units[0].block.addr, 4u);
  EXPECT_EQ(units[0].block.pc, 0u);
  EXPECT_EQ(units[1].tile, 1);
  EXPECT_EQ(units[1].block.addr, 6u);
  const std::string rep = b.node->report();
  EXPECT_NE(rep.find("error 8"), std::string::npos) << rep;
  EXPECT_NE(rep.find("tile 0 tile unit: pc 0: receive 10, 4"), std::string::npos) << rep;
  EXPECT_NE(rep.find("tile 1 tile unit: pc 0: receive 10, 6"), std::string::npos) << rep;
  // ERROR_INFO names the first waiting unit.
  EXPECT_EQ(b.node->error().tile, 0);
  EXPECT_EQ(b.node->error().core, fabric::kTileUnit);
  // Detected at once, not after a timeout: no simulated time passed.
  EXPECT_EQ(b.node->run_end_time(), b.node->run_start_time());
}

TEST(NodeDeadlock, CoreLoadOfNeverWrittenWordAndPacketsStuckAtFullFifo) {
  // Tile 1 sends 4 packets to tile 0's FIFO 2 (depth 2) which nobody receives; tile 0's
  // core waits for a word nobody writes. Stuck packets are not "in flight".
  Bench b("small.yaml");
  b.load(".data 1 0 count=1\n1 2 3 4\n.end\n"
         ".tile 1\n  send 0, 2, 0, width=1, vec=4\n  halt\n"
         ".core 0 3\n  set rf.0, 77\n  load rf.4, rf.0, width=2\n  halt\n");
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 8u) << b.node->report();
  const auto& units = b.node->monitor().blocked_units();
  ASSERT_EQ(units.size(), 2u) << b.node->report();
  EXPECT_EQ(units[0].tile, 0);
  EXPECT_EQ(units[0].core, 3);
  EXPECT_EQ(units[0].block.reason, fabric::BlockReason::Consume);
  EXPECT_EQ(units[0].block.addr, 77u);
  EXPECT_EQ(units[0].block.pc, 1u);
  EXPECT_EQ(units[1].tile, 1);
  EXPECT_EQ(units[1].core, fabric::kTileUnit);
  const std::string rep = b.node->report();
  EXPECT_NE(rep.find("tile 0 core 3: pc 1: load"), std::string::npos) << rep;
  EXPECT_NE(rep.find("word 77 (valid=0, count=0)"), std::string::npos) << rep;
  // 2 packets in the FIFO + the stuck/queued ones were discarded at the end.
  EXPECT_GE(b.node->discarded_packets(), 3u);
}

TEST(NodeErrors, FifoProtocolErrorStopsTheNodeWithCode7) {
  Bench b("small.yaml");
  b.load(".data 0 0 count=1\n1 2 3 4\n.end\n"
         ".tile 0\n  send 0, 1, 2, width=4\n  halt\n"
         ".tile 2\n  receive 0, 1, count=1, width=2, vec=2\n  halt\n");
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 7u) << b.node->report();
  EXPECT_EQ(b.node->error().tile, 2);
  EXPECT_EQ(b.node->error().core, fabric::kTileUnit);
  EXPECT_TRUE(b.node->monitor().blocked_units().empty());
}

TEST(NodeErrors, LoadRejectsBadImageBeforeTouchingState) {
  Bench b("small.yaml");
  b.load(".data 0 5 count=1\n42\n.end\n.tile 0\n  halt\n");
  ASSERT_EQ(b.node->run_standalone(), RunStatus::Done);
  // An image built for more tiles than the platform has: geometry mismatch (code 3).
  isa::KernelImage big = b.assemble(".config tiles=8\n.tile 0\n  halt\n");
  const node::LoadResult r = b.node->load(big);
  EXPECT_EQ(r.code, 3u) << r.message;
  EXPECT_FALSE(b.node->loaded());
  EXPECT_FALSE(b.node->start());
}

TEST(NodeRun, TimeLimitAbortsWithCode10AndWaitingForHostIsNotDeadlockWhileEventsPend) {
  Bench b("small.yaml");
  b.load(".tensor x in 0 0 2\n.tensor y out 1 0 2\n"
         ".tile 0\n  send 0, 0, 1, width=2\n  halt\n"
         ".tile 1\n  receive 0, 0, count=1, width=2\n  halt\n");
  // Some other activity keeps the simulation busy (as the host CPU would).
  struct Ticker : sc_core::sc_module {
    SC_HAS_PROCESS(Ticker);
    explicit Ticker(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
      for (;;) wait(sc_time(100, SC_NS));
    }
  } ticker("ticker");
  EXPECT_EQ(b.node->run_standalone(sc_time(5000, SC_NS)), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 10u) << b.node->report();
}

TEST(NodeRun, HostWritesInputDuringTheRunThroughTheHostWindow) {
  Bench b("small.yaml");
  b.load(".tensor x in 0 8 3\n.tensor y out 1 40 3\n"
         ".tile 0\n  send 8, 0, 1, width=3\n  halt\n"
         ".tile 1\n  receive 40, 0, count=1, width=3\n  halt\n");
  struct Host : sc_core::sc_module {
    SC_HAS_PROCESS(Host);
    tlm_utils::simple_initiator_socket<Host> sock{"sock"};
    tlm::tlm_response_status st = tlm::TLM_INCOMPLETE_RESPONSE;
    sc_time when;
    explicit Host(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
      wait(sc_time(700, SC_NS));
      uint8_t bytes[6] = {0x01, 0x00, 0xFF, 0xFF, 0x34, 0x12};  // 1, -1, 0x1234
      tlm::tlm_generic_payload gp;
      gp.set_command(tlm::TLM_WRITE_COMMAND);
      gp.set_address(0 * node::kTileWindowBytes + 2 * 8);
      gp.set_data_ptr(bytes);
      gp.set_data_length(6);
      gp.set_streaming_width(6);
      sc_time d = sc_core::SC_ZERO_TIME;
      sock->b_transport(gp, d);
      st = gp.get_response_status();
      when = sc_core::sc_time_stamp();
    }
  } host("host");
  host.sock.bind(b.node->host_socket);
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done)
      << b.node->report();
  EXPECT_EQ(host.st, tlm::TLM_OK_RESPONSE);
  EXPECT_GE(b.node->run_end_time(), sc_time(700, SC_NS));
  // Idle host-window reads: the output, then (consumed) a bus error.
  auto read = [&](uint64_t addr, unsigned len, uint8_t* buf) {
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(buf);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    sc_time d = sc_core::SC_ZERO_TIME;
    host.sock->b_transport(gp, d);
    return gp.get_response_status();
  };
  uint8_t buf[32] = {};
  EXPECT_EQ(read(1 * node::kTileWindowBytes + 80, 6, buf), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(buf[0] | (buf[1] << 8), 1);
  EXPECT_EQ(buf[2] | (buf[3] << 8), 0xFFFF);
  EXPECT_EQ(buf[4] | (buf[5] << 8), 0x1234);
  EXPECT_EQ(read(1 * node::kTileWindowBytes + 80, 2, buf), tlm::TLM_GENERIC_ERROR_RESPONSE);
  EXPECT_EQ(read(4 * node::kTileWindowBytes, 2, buf), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(read(1 * node::kTileWindowBytes + 81, 2, buf), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(read(1 * node::kTileWindowBytes, 34, buf), tlm::TLM_BURST_ERROR_RESPONSE);
  // Debug transport peeks: the consumed output word still reads as its data.
  tlm::tlm_generic_payload dbg;
  dbg.set_command(tlm::TLM_READ_COMMAND);
  dbg.set_address(1 * node::kTileWindowBytes + 80);
  dbg.set_data_ptr(buf);
  dbg.set_data_length(2);
  dbg.set_streaming_width(2);
  buf[0] = buf[1] = 0xEE;
  EXPECT_EQ(host.sock->transport_dbg(dbg), 2u);  // peeks the data although no longer valid
  EXPECT_EQ(buf[0] | (buf[1] << 8), 1);
}

TEST(NodeBuild, FullPumaNodeBuildsAndRuns) {
  const auto t0 = std::chrono::steady_clock::now();
  Bench b("puma-node.yaml");
  const double build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(b.node->num_tiles(), 138u);
  EXPECT_EQ(b.node->mesh().num_routers(), 36u);
  EXPECT_EQ(b.node->mesh().geometry().width, 6u);
  unsigned cores = 0;
  for (unsigned t = 0; t < b.node->num_tiles(); ++t) cores += b.node->tile(t).num_cores();
  EXPECT_EQ(cores, 1104u);
  // The corner tiles talk across the whole mesh (9 hops).
  b.load(".data 0 0 count=1\n5 6\n.end\n"
         ".tile 0\n  send 0, 0, 137, width=2\n  halt\n"
         ".tile 137\n  receive 0, 0, count=1, width=2\n  halt\n"
         ".core 137 7\n  set rf.0, 0\n  load rf.1, rf.0, width=2\n  halt\n");
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done)
      << b.node->report();
  std::cout << "full node build: " << build_s << " s\n";
}

// Two flows on a 4x4 node, 8 packets of 16 words each, in separate runs: alone and together.
static double flows_run_cycles(Bench& b, const std::vector<std::pair<unsigned, unsigned>>& flows) {
  std::ostringstream p;
  for (size_t k = 0; k < flows.size(); ++k) {
    const auto [src, dst] = flows[k];
    std::vector<int16_t> v(128);
    for (int i = 0; i < 128; ++i) v[i] = static_cast<int16_t>(src * 1000 + i);
    p << ".data " << src << " 0 count=1\n" << join(v, 0, 128) << "\n.end\n"
      << ".tile " << src << "\n  send 0, " << k << ", " << dst << ", width=16, vec=8\n  halt\n"
      << ".tile " << dst << "\n  receive 200, " << k << ", count=1, width=16, vec=8\n  halt\n";
  }
  b.load(p.str());
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done) << b.node->report();
  for (const auto& [src, dst] : flows) {
    std::vector<int16_t> got;
    EXPECT_TRUE(b.node->host_read(dst, 200, 128, got));
    EXPECT_EQ(got.size() == 128 ? got[127] : -1, static_cast<int16_t>(src * 1000 + 127));
  }
  return b.run_cycles();
}

TEST(NodeNoc, FlowsSharingALinkTakeLongerThanEitherAlone) {
  Bench b("small.yaml", {"node.tiles=16", "noc.concentration=1"});
  // Row 0: 0 -> 3 (links r0.E r1.E r2.E) and 1 -> 2 (r1.E) share r1.E.
  const double a = flows_run_cycles(b, {{0, 3}});
  const double c = flows_run_cycles(b, {{1, 2}});
  const double both = flows_run_cycles(b, {{0, 3}, {1, 2}});
  EXPECT_GT(both, std::max(a, c));
  EXPECT_EQ(b.stats.counter_value("node.noc.r1.E.flits"), 4u * 8 * 9);  // a, c, both (2 flows)
}

TEST(NodeNoc, FlowsOnDisjointLinksDoNotSlowEachOther) {
  Bench b("small.yaml", {"node.tiles=16", "noc.concentration=1"});
  // 0 -> 1 (r0.E, r1.L0), 2 -> 3 (r2.E, r3.L0), 12 -> 8 (r12.N, r8.L0).
  const double a = flows_run_cycles(b, {{0, 1}});
  const double c = flows_run_cycles(b, {{2, 3}});
  const double d = flows_run_cycles(b, {{12, 8}});
  EXPECT_DOUBLE_EQ(a, c);
  EXPECT_DOUBLE_EQ(a, d);
  const double all = flows_run_cycles(b, {{0, 1}, {2, 3}, {12, 8}});
  EXPECT_NEAR(all, a, 1e-6);
}

TEST(NodeDeadlock, UnitsWaitingOnlyForHostInputDeadlockWhenNothingElseCanHappen) {
  Bench b("small.yaml");
  b.load(".tensor x in 0 8 3\n.tensor y out 1 40 3\n"
         ".tile 0\n  send 8, 0, 1, width=3\n  halt\n"
         ".tile 1\n  receive 40, 0, count=1, width=3\n  halt\n");
  EXPECT_EQ(b.node->run_standalone(), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 8u);
  const auto& units = b.node->monitor().blocked_units();
  ASSERT_EQ(units.size(), 2u) << b.node->report();
  EXPECT_TRUE(units[0].block.host_input);
  EXPECT_EQ(units[0].block.addr, 8u);
  EXPECT_FALSE(units[1].block.host_input);
  EXPECT_NE(b.node->report().find("a host input"), std::string::npos) << b.node->report();
}

// Packets left stuck in the mesh by a failed run must not leak into the next run.
TEST(NodeRun, RunAfterDeadlockWithStuckPacketsAndAfterAbortIsClean) {
  Bench b("small.yaml");
  // A host-side process that aborts the run 300 ns after being told to (modules must exist
  // before the simulation starts).
  struct Aborter : sc_core::sc_module {
    SC_HAS_PROCESS(Aborter);
    node::Node* n;
    sc_core::sc_event go;
    Aborter(sc_core::sc_module_name nm, node::Node* node) : sc_module(nm), n(node) { SC_THREAD(run); }
    void run() {
      for (;;) {
        wait(go);
        wait(sc_time(300, SC_NS));
        n->abort();
      }
    }
  } aborter("aborter", b.node.get());
  const std::string stuck =
      ".data 1 0 count=1\n1 2 3 4 5 6\n.end\n"
      ".tile 1\n  send 0, 2, 0, width=1, vec=6\n  halt\n"
      ".core 0 3\n  set rf.0, 77\n  load rf.4, rf.0, width=2\n  halt\n";
  b.load(stuck);
  ASSERT_EQ(b.node->run_standalone(), RunStatus::Error);
  ASSERT_EQ(b.node->error().code, 8u);
  EXPECT_GE(b.node->discarded_packets(), 4u);
  // Same FIFO, fresh program: exactly its own two packets arrive.
  b.load(".data 1 0 count=1\n-5 -6\n.end\n"
         ".tile 1\n  send 0, 2, 0, width=1, vec=2\n  halt\n"
         ".tile 0\n  receive 10, 2, count=1, width=1, vec=2\n  halt\n");
  ASSERT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done) << b.node->report();
  std::vector<int16_t> got;
  ASSERT_TRUE(b.node->host_read(0, 10, 2, got));
  EXPECT_EQ(got, (std::vector<int16_t>{-5, -6}));
  EXPECT_EQ(b.node->discarded_packets(), 0u);

  // Abort from a process while packets are stuck, then run again.
  b.load(".data 1 0 count=1\n1 2 3 4 5 6\n.end\n"
         ".tile 1\n  send 0, 2, 0, width=1, vec=6\n  halt\n"
         ".tile 0\n  receive 10, 3, count=1, width=1\n  halt\n"
         ".tensor never in 0 100 1\n"
         ".core 0 0\n  set rf.0, 100\n  load rf.4, rf.0\n  halt\n");
  aborter.go.notify(sc_core::SC_ZERO_TIME);
  ASSERT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 10u) << b.node->report();
  b.load(".data 1 0 count=1\n7 8\n.end\n"
         ".tile 1\n  send 0, 2, 0, width=1, vec=2\n  halt\n"
         ".tile 0\n  receive 10, 2, count=1, width=1, vec=2\n  halt\n");
  ASSERT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done) << b.node->report();
  ASSERT_TRUE(b.node->host_read(0, 10, 2, got));
  EXPECT_EQ(got, (std::vector<int16_t>{7, 8}));
}

TEST(NodeErrors, FifoOverflowWithFifoFullErrorIsCode7) {
  Bench b("small.yaml", {"noc.fifo_full=error"});
  b.load(".data 1 0 count=1\n1 2 3\n.end\n"
         ".tile 1\n  send 0, 2, 0, width=1, vec=3\n  halt\n"
         ".tile 0\n  receive 10, 2, count=1, width=1, vec=3\n  halt\n"
         ".tensor never in 0 100 1\n"
         ".core 0 0\n  set rf.0, 100\n  load rf.4, rf.0\n  halt\n");
  // Tile 0's unit receives at once, so with room for 2 packets nothing overflows: the run
  // only waits for the host input (deadlock at starvation, not code 7).
  EXPECT_EQ(b.node->run_standalone(), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 8u) << b.node->report();
  // Now nobody receives: the third packet overflows FIFO 2 of tile 0.
  b.load(".data 1 0 count=1\n1 2 3\n.end\n"
         ".tile 1\n  send 0, 2, 0, width=1, vec=3\n  halt\n");
  EXPECT_EQ(b.node->run_standalone(), RunStatus::Error);
  EXPECT_EQ(b.node->error().code, 7u) << b.node->report();
  EXPECT_EQ(b.node->error().tile, 0);
  EXPECT_EQ(b.node->error().core, fabric::kTileUnit);
}

// Property: random traffic in which no flow has more packets than a FIFO holds (so no packet
// ever waits for FIFO space) always completes, with every word delivered intact and no
// false deadlock, whatever order the receivers drain their FIFOs in. Up to 3 flows per
// sender, so the injection queue (depth 2) fills and drains.
TEST(NodeNoc, RandomTrafficWithinFifoDepthCompletesIntact) {
  Bench b("small.yaml", {"node.tiles=16", "noc.concentration=1", "tile.num_fifos=16"});
  const unsigned tiles = 16, depth = b.cfg.tile.fifo_depth;
  for (unsigned seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    struct Flow {
      unsigned src, dst, width, vec;
      std::vector<int16_t> data;
      unsigned dst_addr = 0;
    };
    std::vector<Flow> flows;
    for (unsigned s = 0; s < tiles; ++s) {
      std::vector<unsigned> dsts(tiles);
      for (unsigned i = 0; i < tiles; ++i) dsts[i] = i;
      std::shuffle(dsts.begin(), dsts.end(), rng);
      const unsigned nflows = 1 + rng() % 3;
      for (unsigned k = 0; k < nflows; ++k) {
        Flow f{s, dsts[k], 1 + static_cast<unsigned>(rng() % 16), 1 + static_cast<unsigned>(rng() % depth), {}};
        f.data = random_words(rng, size_t{f.width} * f.vec, -32768, 32767);
        flows.push_back(f);
      }
    }
    std::ostringstream p;
    std::vector<unsigned> src_next(tiles, 0), dst_next(tiles, 1000);
    std::vector<std::vector<std::string>> tile_prog(tiles), tile_recv(tiles);
    for (Flow& f : flows) {
      const unsigned a = src_next[f.src];
      src_next[f.src] += f.width * f.vec;
      f.dst_addr = dst_next[f.dst];
      dst_next[f.dst] += f.width * f.vec;
      p << ".data " << f.src << " " << a << " count=1\n" << join(f.data, 0, f.data.size()) << "\n.end\n";
      tile_prog[f.src].push_back("  send " + std::to_string(a) + ", " + std::to_string(f.src) + ", " +
                                 std::to_string(f.dst) + ", width=" + std::to_string(f.width) +
                                 ", vec=" + std::to_string(f.vec));
      tile_recv[f.dst].push_back("  receive " + std::to_string(f.dst_addr) + ", " +
                                 std::to_string(f.src) + ", count=1, width=" +
                                 std::to_string(f.width) + ", vec=" + std::to_string(f.vec));
    }
    for (unsigned t = 0; t < tiles; ++t) {
      std::shuffle(tile_recv[t].begin(), tile_recv[t].end(), rng);
      // Sends first (receiving first could make two tiles wait for each other: a real
      // deadlock), then the receives in random FIFO order.
      std::vector<std::string> body = tile_prog[t];
      body.insert(body.end(), tile_recv[t].begin(), tile_recv[t].end());
      if (body.empty()) continue;
      p << ".tile " << t << "\n";
      for (const auto& l : body) p << l << "\n";
      p << "  halt\n";
    }
    b.load(p.str());
    ASSERT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done)
        << "seed " << seed << "\n" << b.node->report() << p.str();
    for (const Flow& f : flows) {
      std::vector<int16_t> got;
      ASSERT_TRUE(b.node->host_read(f.dst, f.dst_addr, f.width * f.vec, got)) << seed;
      ASSERT_EQ(got, f.data) << "seed " << seed << " flow " << f.src << "->" << f.dst;
    }
    EXPECT_EQ(b.node->discarded_packets(), 0u);
  }
}

// Property: a ring of k tiles, each receiving from its predecessor before sending to its
// successor, deadlocks; the report lists exactly the k tile units, each on its FIFO.
TEST(NodeDeadlock, RingsOfAnySizeAreReportedCompletely) {
  Bench b("small.yaml", {"node.tiles=16", "noc.concentration=1"});
  std::mt19937 rng(99);
  for (unsigned k = 2; k <= 9; ++k) {
    std::vector<unsigned> ring(16);
    for (unsigned i = 0; i < 16; ++i) ring[i] = i;
    std::shuffle(ring.begin(), ring.end(), rng);
    ring.resize(k);
    std::ostringstream p;
    for (unsigned i = 0; i < k; ++i) {
      const unsigned t = ring[i], next = ring[(i + 1) % k];
      p << ".data " << t << " 0 count=1\n" << t << "\n.end\n"
        << ".tile " << t << "\n  receive 5, " << (i % 4) << ", count=1, width=1\n"
        << "  send 0, " << ((i + 1) % 4) << ", " << next << ", width=1\n  halt\n";
    }
    b.load(p.str());
    ASSERT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Error);
    ASSERT_EQ(b.node->error().code, 8u);
    const auto& units = b.node->monitor().blocked_units();
    ASSERT_EQ(units.size(), k);
    std::vector<unsigned> got;
    for (const auto& u : units) {
      EXPECT_EQ(u.core, fabric::kTileUnit);
      EXPECT_EQ(u.block.reason, fabric::BlockReason::FifoEmpty);
      got.push_back(u.tile);
      const unsigned i = static_cast<unsigned>(std::find(ring.begin(), ring.end(), u.tile) - ring.begin());
      EXPECT_EQ(u.block.addr, i % 4);
    }
    std::sort(got.begin(), got.end());
    std::vector<unsigned> want(ring.begin(), ring.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
  }
}

// A host that reloads and restarts the node in the very delta the previous run ended (before
// the node's end-of-run method ran): the new run must not be cleaned up by the old run's end.
TEST(NodeRun, StartInTheDeltaThePreviousRunEnded) {
  Bench b("small.yaml");
  const auto first = b.assemble(".data 0 0 count=1\n1 2\n.end\n"
                                ".tile 0\n  send 0, 0, 1, width=2\n  halt\n"
                                ".tile 1\n  receive 0, 0, count=1, width=2\n  halt\n");
  const auto second = b.assemble(".data 2 0 count=1\n3 4 5\n.end\n"
                                 ".tile 2\n  send 0, 1, 3, width=3, vec=1\n  halt\n"
                                 ".tile 3\n  receive 8, 1, count=1, width=3\n  halt\n");
  struct Host : sc_core::sc_module {
    SC_HAS_PROCESS(Host);
    node::Node* n;
    const isa::KernelImage* img;
    bool restarted = false;
    Host(sc_core::sc_module_name nm, node::Node* node, const isa::KernelImage* i)
        : sc_module(nm), n(node), img(i) {
      SC_THREAD(run);
    }
    void run() {
      wait(n->monitor().end_event());
      restarted = n->load(*img).ok() && n->start();
    }
  } host("host", b.node.get(), &second);
  ASSERT_TRUE(b.node->load(first).ok());
  EXPECT_EQ(b.node->run_standalone(sc_time(1, sc_core::SC_MS)), RunStatus::Done) << b.node->report();
  EXPECT_TRUE(host.restarted);
  std::vector<int16_t> got;
  ASSERT_TRUE(b.node->host_read(3, 8, 3, got)) << b.node->report();
  EXPECT_EQ(got, (std::vector<int16_t>{3, 4, 5}));
}

// ---------------------------------------------------------------- names == stats paths

namespace {

void collect(sc_core::sc_object* o, std::vector<sc_core::sc_object*>& out) {
  out.push_back(o);
  for (sc_core::sc_object* c : o->get_child_objects()) collect(c, out);
}

// `key` lies under the module path `p` ("p" itself or "p.<...>").
bool under(const std::string& key, const std::string& p) {
  return key == p || (key.size() > p.size() && key.compare(0, p.size(), p) == 0 && key[p.size()] == '.');
}

}  // namespace

// Every unit kind of a whole node (cores, tile units, shared memories, tiles, routers, the host
// interface) counts its stats under exactly its SystemC hierarchical name, every unit's path()
// is that name, and every stats key of the node belongs to some module of the hierarchy.
TEST(Node, StatsPathsAreSystemCNames) {
  Bench b("small.yaml", {"node.tiles=6", "tile.cores=2", "noc.concentration=1"});
  node::HostInterface hi("accel", b.cfg, b.stats, *b.node);
  const auto& counters = b.stats.counters();
  const auto& ledgers = b.stats.ledgers();
  auto has_counter = [&](const std::string& k) { return counters.count(k) == 1; };

  std::vector<sc_core::sc_object*> all;
  for (sc_core::sc_object* o : sc_core::sc_get_top_level_objects()) collect(o, all);
  unsigned cores = 0, units = 0, mems = 0, tiles = 0, routers = 0, his = 0;
  std::vector<std::string> module_paths;
  for (sc_core::sc_object* o : all) {
    const std::string n = o->name();
    module_paths.push_back(n);
    if (auto* u = dynamic_cast<fabric::Unit*>(o)) {
      EXPECT_EQ(std::string(u->path()), n);
    }
    if (auto* c = dynamic_cast<core::Core*>(o)) {
      ++cores;
      EXPECT_EQ(n, "node.tile" + std::to_string(c->exec().tile()) + ".core" +
                       std::to_string(c->exec().core()));
      EXPECT_TRUE(has_counter(n + ".instructions")) << n;
      EXPECT_TRUE(has_counter(n + ".mvm")) << n;
      EXPECT_EQ(ledgers.count(n), 1u) << n;
    } else if (dynamic_cast<tile::TileControlUnit*>(o)) {
      ++units;
      EXPECT_TRUE(has_counter(n + ".instructions")) << n;
      EXPECT_TRUE(has_counter(n + ".packets_sent")) << n;
      EXPECT_EQ(ledgers.count(n), 1u) << n;
    } else if (dynamic_cast<tile::SharedMemory*>(o)) {
      ++mems;
      EXPECT_TRUE(has_counter(n + ".accesses")) << n;
    } else if (auto* t = dynamic_cast<tile::Tile*>(o)) {
      ++tiles;
      EXPECT_EQ(n, "node.tile" + std::to_string(t->index()));
      EXPECT_TRUE(has_counter(n + ".fifo_overflows")) << n;
    } else if (auto* r = dynamic_cast<noc::MeshRouter*>(o)) {
      ++routers;
      EXPECT_EQ(n, "node.noc.r" + std::to_string(r->id()));
      for (unsigned p = 0; p < r->num_ports(); ++p) {
        if (r->has_port(p)) {
          EXPECT_TRUE(has_counter(n + "." + noc::mesh_port_name(p) + ".flits")) << n;
        }
      }
    } else if (dynamic_cast<node::HostInterface*>(o)) {
      ++his;
      EXPECT_EQ(n, "accel");
      EXPECT_TRUE(has_counter(n + ".loads"));
      EXPECT_TRUE(has_counter(n + ".runs"));
    }
  }
  EXPECT_EQ(cores, 12u);
  EXPECT_EQ(units, 6u);
  EXPECT_EQ(mems, 6u);
  EXPECT_EQ(tiles, 6u);
  EXPECT_EQ(routers, b.node->mesh().num_routers());
  EXPECT_EQ(his, 1u);
  EXPECT_STREQ(b.node->mesh().name(), "node.noc");
  EXPECT_NE(dynamic_cast<noc::MeshRouter*>(sc_core::sc_find_object("node.noc.r5")), nullptr);

  // Every counter and ledger belongs to a module of the hierarchy (its name or below it).
  auto owned = [&](const std::string& key) {
    for (const std::string& p : module_paths)
      if (key != p && under(key, p)) return true;
    return ledgers.count(key) && std::find(module_paths.begin(), module_paths.end(), key) != module_paths.end();
  };
  for (const auto& [k, v] : counters) EXPECT_TRUE(owned(k)) << k;
  for (const auto& [k, v] : ledgers) EXPECT_TRUE(owned(k)) << k;
}
