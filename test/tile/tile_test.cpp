// Tile tests: tile control unit (send/receive/halt), receive FIFOs, two tiles connected
// point-to-point through their noc_out/noc_in sockets, tile-level errors.
#include <sstream>

#include "sim_harness.h"

using pumavp::testing::Sim;

namespace fabric = pumavp::fabric;

// The worked example of isa.md §10 (two-layer MLP slice over two tiles).
const char* kMlp = R"(
.config frac_bits=12 xbar_size=128 num_mvmu=2
.tensor x in  0 0 4
.tensor y out 1 0 2
.xbar 0 0 0 rows=4 cols=3 format=q
   0.5  -0.25   1.0
   1.0   0.5    0.0
   0.25  0.25  -0.5
  -0.5   0.25   0.125
.end
.xbar 0 1 0 rows=3 cols=2 format=q
   1.0  -1.0
   2.0   0.5
   0.5  -0.25
.end
.core 0 0
        set      rf.0, 0
        set      rf.1, 16
        load     in0.0, rf.0, width=4
        mvm      mask=0b01
        alu.relu rf.8, out0.0, vec=3
        store    rf.1, rf.8, count=1, width=3
        halt
.core 0 1
        set      rf.0, 16
        set      rf.1, 32
        load     in0.0, rf.0, width=3
        mvm      mask=0b01
        store    rf.1, out0.0, count=1, width=2
        halt
.tile 0
        send     32, 0, 1, width=2
        halt
.tile 1
        receive  0, 0, count=1, width=2
        halt
)";

TEST(Tile, WorkedExampleMlp) {
  Sim s({"tile.cores=2", "node.tiles=2"}, 2);
  s.load(kMlp);
  s.host_write(0, 0, {4096, 2048, -4096, 8192});
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const auto y = s.host_read(1, 0, 2);
  EXPECT_EQ(y[0], 5632);
  EXPECT_EQ(y[1], -1280);
  // Intermediate h was consumed by core 1; the data stays.
  EXPECT_FALSE(s.tile(0).memory().state().attr(16).valid);
  EXPECT_EQ(s.tile(0).memory().state().data(16), 0);
  EXPECT_EQ(s.tile(0).memory().state().data(17), 1024);
  EXPECT_EQ(s.tile(0).memory().state().data(18), 7168);
  EXPECT_EQ(s.exec(0, 0).flags(), 0);
  EXPECT_EQ(s.exec(0, 1).flags(), 0);
  // Core 0: 2316 cycles (isa.md §10); core 1 adds about 2310; the whole run is over 4.6 us.
  EXPECT_GT(s.run_ns(), 4600.0);
  EXPECT_LT(s.run_ns(), 4700.0);
  EXPECT_EQ(s.stats.counter_value("node.tile0.unit.packets_sent"), 1u);
  EXPECT_EQ(s.stats.counter_value("node.tile1.unit.packets_received"), 1u);
}

TEST(Tile, ReceiveWidthMismatchIsFifoError) {
  Sim s({"tile.cores=1", "node.tiles=2"}, 2);
  s.load(R"(
.data 0 0
 1 2 3
.end
.tile 0
  send 0, 3, 1, width=3
  halt
.tile 1
  receive 0, 3, width=2
  halt
)");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  const auto& e = s.mon->error();
  EXPECT_EQ(e.code, 7u) << e.message;
  EXPECT_EQ(e.tile, 1u);
  EXPECT_EQ(e.core, 0xFFu);
  EXPECT_EQ(e.pc, 0u);
}

TEST(Tile, ZeroFillReceive) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".tile 0\n  receive 10, zero, count=3, width=4, vec=2\n  halt\n");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  for (unsigned a = 10; a < 18; ++a) {
    EXPECT_TRUE(s.tile().memory().state().attr(a).valid);
    EXPECT_EQ(s.tile().memory().state().attr(a).count, 3u);
    EXPECT_EQ(s.tile().memory().state().data(a), 0);
  }
  EXPECT_FALSE(s.tile().memory().state().attr(18).valid);
}

TEST(Tile, FifoOverflowInErrorMode) {
  Sim s({"tile.cores=1", "node.tiles=2", "noc.fifo_full=error", "tile.fifo_depth=2"}, 2);
  s.load(R"(
.data 0 0
 5 6 7
.end
.tile 0
  send 0, 0, 1, width=1, vec=3
  halt
.tile 1
  halt
)");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 7u) << s.mon->error().message;
  EXPECT_EQ(s.mon->error().tile, 1u);
  EXPECT_EQ(s.mon->error().core, 0xFFu);
  EXPECT_EQ(s.stats.counter_value("node.tile1.fifo_overflows"), 1u);
}

// Back-pressure: tile 0 sends 6 packets into FIFO 0 of tile 1 (depth 2) while tile 1 first
// waits for a word that its core produces after a long MVM; all packets arrive in order.
TEST(Tile, BackPressureKeepsOrder) {
  Sim s({"tile.cores=1", "node.tiles=2", "tile.fifo_depth=2"}, 2);
  std::ostringstream p;
  p << ".data 0 0\n";
  for (int i = 0; i < 12; ++i) p << " " << (i + 1) * 11;
  p << "\n.end\n"
       ".tile 0\n"
       "  send 0, 0, 1, width=2, vec=6\n"
       "  receive 100, 1, width=1\n"
       "  halt\n"
       ".core 1 0\n"
       "  mvm mask=1\n"
       "  set rf.0, 7\n"
       "  set rf.1, 50\n"
       "  store rf.1, rf.0\n"
       "  halt\n"
       ".tile 1\n"
       "  send 50, 1, 0, width=1\n"
       "  receive 0, 0, width=2, vec=6\n"
       "  halt\n";
  s.load(p.str());
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const auto got = s.host_read(1, 0, 12);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(got[i], (i + 1) * 11) << i;
  EXPECT_EQ(s.host_read(0, 100, 1)[0], 7);
  // The receives could only start after the MVM (2304 cycles).
  EXPECT_GT(s.run_ns(), double(s.mvm_cycles()));
}

TEST(Tile, HaltWaitsForCores) {
  Sim s({"tile.cores=2", "node.tiles=1"});
  s.load(".tile 0\n  halt\n.core 0 1\n  mvm mask=1\n  halt\n");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done);
  EXPECT_TRUE(s.tile().all_halted());
  EXPECT_TRUE(s.tile().unit().halted());
  // Core 1 halts at 2 + mvm + 1; the tile unit not before.
  EXPECT_GE(s.run_ns(), 3.0 + double(s.mvm_cycles()));
}

TEST(Tile, IllegalTileInstruction) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".tile 0\n  .word 0x0000000000000002\n  halt\n");  // a core halt in a tile program
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 5u) << s.mon->error().message;
  EXPECT_EQ(s.mon->error().core, 0xFFu);
  EXPECT_EQ(s.mon->error().pc, 0u);
}

TEST(Tile, TileUnitWithoutHaltRunsOutOfProgram) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(".tile 0\n  receive 0, zero, width=1\n");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 6u);
  EXPECT_EQ(s.mon->error().pc, 1u);
}

// START semantics: words the host wrote since the last run are kept, others invalidated;
// `.data` preloads are written again at every START.
TEST(Tile, StartKeepsHostWritesAndRewritesPreloads) {
  Sim s({"tile.cores=1", "node.tiles=1"});
  s.load(R"(
.data 0 40 count=1
 99
.end
.core 0 0
  set rf.0, 40
  set rf.1, 60
  load rf.10, rf.0
  store rf.1, rf.10, count=5
  halt
)");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  EXPECT_TRUE(s.tile().memory().state().attr(60).valid);  // left valid by run 1
  s.host_write(0, 70, {123});
  // Run 2: word 60 must be invalid again (not host-written), so the store succeeds; the
  // preload at 40 is back; host word 70 survives.
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  EXPECT_EQ(s.tile().memory().state().attr(60).count, 5u);
  EXPECT_TRUE(s.tile().memory().state().attr(70).valid);
  EXPECT_EQ(s.host_read(0, 70, 1, /*peek=*/true)[0], 123);
  // Run 3: the host write is now older than the previous run: invalidated.
  ASSERT_EQ(s.run(), fabric::RunStatus::Done);
  EXPECT_FALSE(s.tile().memory().state().attr(70).valid);
}

// The same example over the real mesh (small.yaml-like: concentration 1 → 2 routers):
// the send waits for acceptance (SendTracker) before the tile halts; timing of isa.md §10.
TEST(Tile, WorkedExampleMlpOverMesh) {
  Sim s({"tile.cores=2", "node.tiles=2", "noc.concentration=4"}, 2, /*use_mesh=*/true);
  s.load(kMlp);
  s.host_write(0, 0, {4096, 2048, -4096, 8192});
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  const auto y = s.host_read(1, 0, 2);
  EXPECT_EQ(y[0], 5632);
  EXPECT_EQ(y[1], -1280);
  EXPECT_EQ(s.tile(0).tracker().in_flight(), 0u);
  // isa.md §10: about 4.64 us in total (tiles 0 and 1 share router 0: 3 + 2 flits).
  EXPECT_NEAR(s.run_ns(), 4640.0, 0.01 * 4640.0);
  // send -> receive energy per word: source memory + network + destination memory.
  const double src = s.stats.ledger("node.tile0.unit").get(pumavp::Component::Edram);
  const double dst = s.stats.ledger("node.tile1.unit").get(pumavp::Component::Edram);
  EXPECT_NEAR(src, 2 * s.cfg.e.mem_word, 1e-9);
  EXPECT_NEAR(dst, 2 * s.cfg.e.mem_word, 1e-9);
}

// A run that ends in a deadlock (core blocked in a load, packets blocked at a full FIFO)
// leaves nothing behind: the next load + run works normally.
TEST(Tile, RestartAfterDeadlockedRun) {
  Sim s({"tile.cores=1", "node.tiles=2", "tile.fifo_depth=1"}, 2);
  s.load(R"(
.data 0 0
 1 2 3
.end
.core 0 0
  set rf.0, 500
  load rf.1, rf.0
  halt
.tile 0
  send 0, 0, 1, width=1, vec=3
  halt
.tile 1
  halt
)");
  EXPECT_EQ(s.run(), fabric::RunStatus::Error);
  EXPECT_EQ(s.mon->error().code, 8u) << s.mon->error().message;
  s.load(R"(
.core 1 0
  set rf.0, 9
  set rf.1, 40
  store rf.1, rf.0
  halt
.core 0 0
  set rf.0, 7
  set rf.1, 20
  store rf.1, rf.0
  halt
.tile 0
  send 20, 2, 1
  halt
.tile 1
  receive 21, 2
  halt
)");
  ASSERT_EQ(s.run(), fabric::RunStatus::Done) << s.mon->error().message;
  EXPECT_EQ(s.host_read(1, 40, 1)[0], 9);
  EXPECT_EQ(s.host_read(1, 21, 1)[0], 7);
  EXPECT_TRUE(s.tile(0).all_halted());
  EXPECT_TRUE(s.tile(1).all_halted());
}
