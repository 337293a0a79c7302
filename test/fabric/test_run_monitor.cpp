// RunMonitor: done, first error wins, deadlock detection with fake units (isa.md §6).
#include <gtest/gtest.h>

#include <systemc>

#include "fabric/run_monitor.h"

using namespace pumavp::fabric;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {
BlockInfo info(BlockReason r, uint32_t pc, uint32_t addr, bool host = false) {
  BlockInfo b;
  b.reason = r;
  b.pc = pc;
  b.instr = 0x1234;
  b.addr = addr;
  b.host_input = host;
  return b;
}
}  // namespace

TEST(RunMonitor, AllHaltedIsDone) {
  RunMonitor mon("mon");
  const unsigned a = mon.add_unit(0, 0), b = mon.add_unit(0, kTileUnit);
  sc_core::sc_event never;
  sc_time done_at;
  sc_core::sc_spawn([&] {
    mon.start();
    sc_core::wait(sc_time(10, SC_NS));
    mon.halted(a);
    sc_core::wait(sc_time(10, SC_NS));
    EXPECT_EQ(mon.status(), RunStatus::Running);
    mon.halted(b);
  });
  sc_core::sc_spawn([&] {
    sc_core::wait(mon.end_event());
    done_at = sc_core::sc_time_stamp();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  EXPECT_EQ(mon.status(), RunStatus::Done);
  EXPECT_EQ(done_at, sc_time(20, SC_NS));
  EXPECT_EQ(mon.error().code, 0u);
}

TEST(RunMonitor, TwoUnitsWaitingOnEachOtherIsDeadlock) {
  RunMonitor mon("mon");
  const unsigned a = mon.add_unit(0, kTileUnit), b = mon.add_unit(1, kTileUnit);
  const unsigned c = mon.add_unit(1, 3);
  sc_core::sc_event never;
  sc_core::sc_spawn([&] { mon.start(); });
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(5, SC_NS));
    mon.halted(c);
  });
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(10, SC_NS));
    mon.blocked(a, info(BlockReason::FifoEmpty, 2, 7));
    sc_core::wait(never);
  });
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(30, SC_NS));
    mon.blocked(b, info(BlockReason::FifoEmpty, 4, 3));
    sc_core::wait(never);
  });
  sc_time end_at;
  sc_core::sc_spawn([&] {
    sc_core::wait(mon.end_event());
    end_at = sc_core::sc_time_stamp();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  EXPECT_EQ(mon.status(), RunStatus::Error);
  EXPECT_EQ(mon.error().code, 8u);
  EXPECT_EQ(end_at, sc_time(30, SC_NS));
  ASSERT_EQ(mon.blocked_units().size(), 2u);
  EXPECT_EQ(mon.blocked_units()[0].tile, 0);
  EXPECT_EQ(mon.blocked_units()[0].block.addr, 7u);
  EXPECT_EQ(mon.blocked_units()[1].tile, 1);
  EXPECT_EQ(mon.blocked_units()[1].block.pc, 4u);
  EXPECT_EQ(mon.error().tile, 0);
  EXPECT_EQ(mon.error().core, kTileUnit);
}

TEST(RunMonitor, ActivityOrDeltaWakeupPreventsFalseDeadlock) {
  RunMonitor mon("mon");
  const unsigned a = mon.add_unit(0, 0), b = mon.add_unit(0, 1);
  sc_core::sc_event wake_b;
  sc_core::sc_spawn([&] { mon.start(); });
  // b blocks first, then a wakes b (delta notification) and blocks itself in the same step:
  // at that moment no unit is Running, but b is about to run.
  sc_core::sc_spawn([&] {
    mon.blocked(b, info(BlockReason::Consume, 1, 100));
    sc_core::wait(wake_b);
    mon.running(b);
    sc_core::wait(sc_time(3, SC_NS));
    mon.halted(b);
  });
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(10, SC_NS));
    wake_b.notify(sc_core::SC_ZERO_TIME);
    // An activity token (e.g. a packet moving) also prevents detection.
    mon.activity_begin();
    mon.blocked(a, info(BlockReason::FifoEmpty, 5, 0));
    sc_core::wait(sc_time(50, SC_NS));
    mon.running(a);
    mon.activity_end();
    mon.halted(a);
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  EXPECT_EQ(mon.status(), RunStatus::Done);
}

TEST(RunMonitor, HostInputWaitIsDeadlockOnlyWithoutPendingEvents) {
  RunMonitor mon("mon");
  const unsigned a = mon.add_unit(0, 0);
  sc_core::sc_event never;
  sc_core::sc_spawn([&] {
    mon.start();
    mon.blocked(a, info(BlockReason::Consume, 0, 0, /*host=*/true));
    sc_core::wait(never);
  });
  // Something else keeps the simulation busy until 500 ns (a host CPU, a timer...).
  sc_core::sc_spawn([&] {
    for (int i = 0; i < 5; ++i) sc_core::wait(sc_time(100, SC_NS));
  });
  RunStatus at_400 = RunStatus::Idle;
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(400, SC_NS));
    at_400 = mon.status();
  });
  sc_time end_at;
  sc_core::sc_spawn([&] {
    sc_core::wait(mon.end_event());
    end_at = sc_core::sc_time_stamp();
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  EXPECT_EQ(at_400, RunStatus::Running);
  // Once the last pending activity (500 ns) is over, the wait for the host is a deadlock.
  EXPECT_EQ(mon.status(), RunStatus::Error);
  EXPECT_EQ(end_at, sc_time(500, SC_NS));
  EXPECT_EQ(mon.error().code, 8u);
  ASSERT_EQ(mon.blocked_units().size(), 1u);
  EXPECT_TRUE(mon.blocked_units()[0].block.host_input);
}

TEST(RunMonitor, FirstErrorWins) {
  RunMonitor mon("mon");
  const unsigned a = mon.add_unit(2, 1), b = mon.add_unit(3, kTileUnit);
  sc_core::sc_spawn([&] {
    mon.start();
    sc_core::wait(sc_time(7, SC_NS));
    mon.fail(6, a, 12, 0xabc, "address out of range");
    mon.fail(7, b, 3, 0xdef, "fifo");
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_US));
  EXPECT_EQ(mon.status(), RunStatus::Error);
  EXPECT_EQ(mon.error().code, 6u);
  EXPECT_EQ(mon.error().tile, 2);
  EXPECT_EQ(mon.error().core, 1);
  EXPECT_EQ(mon.error().pc, 12u);
  EXPECT_TRUE(mon.stopped());
}
