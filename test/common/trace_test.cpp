// Trace sinks: filter globs, the timeline's JSON (parsed back with nlohmann::json, an
// independent parser) and the instruction-trace line format.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/trace.h"

namespace pumavp::trace {
namespace {

std::string tmp_path(const char* name) {
  return ::testing::TempDir() + "/pumavp_trace_" + name + "_" + std::to_string(::getpid());
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(TraceFilter, EmptyMatchesEverything) {
  Filter f;
  EXPECT_TRUE(f.match("node.tile3.core1"));
  EXPECT_TRUE(f.match("host"));
}

TEST(TraceFilter, GlobsAndParents) {
  Filter f("node.tile1*, host");
  EXPECT_TRUE(f.match("node.tile1.core0"));
  EXPECT_TRUE(f.match("node.tile12.unit"));
  EXPECT_TRUE(f.match("host"));
  EXPECT_FALSE(f.match("node.tile2.core0"));
  EXPECT_FALSE(f.match("node.noc.r1.E"));
  // A glob naming a module selects what lies below it, not its namesakes.
  Filter g("node.tile1");
  EXPECT_TRUE(g.match("node.tile1"));
  EXPECT_TRUE(g.match("node.tile1.core7"));
  EXPECT_FALSE(g.match("node.tile10.core7"));
  Filter h("node.noc.r?.[NS]");
  EXPECT_TRUE(h.match("node.noc.r3.N"));
  EXPECT_TRUE(h.match("node.noc.r3.N.flits"));
  EXPECT_FALSE(h.match("node.noc.r3.E"));
  EXPECT_FALSE(h.match("node.noc.r13.S"));
}

TEST(TraceTimeline, WritesValidTraceEventJson) {
  const std::string path = tmp_path("tl.json");
  {
    Timeline tl(path);
    const Track a = tl.track("tile0", "core0");
    const Track b = tl.track("tile0", "unit");
    const Track c = tl.track("noc", "r0.E");
    EXPECT_EQ(a.pid, b.pid);
    EXPECT_NE(a.pid, c.pid);
    EXPECT_NE(a.tid, b.tid);
    tl.span(a, "mvm", "mvm", 1000.0, 2304.0, "\"mvmus\":2");
    tl.span(b, "we\"ird\\name\n", "noc", 1.5, 0.25);
    const uint64_t id = tl.next_id();
    tl.flow(Timeline::Flow::Start, id, "packet", b, 1.5);
    tl.flow(Timeline::Flow::End, id, "packet", c, 3.0);
    tl.counter(b, "fifo occupancy", 3.0, 2);
    EXPECT_EQ(tl.spans(), 2u);
    EXPECT_EQ(tl.flows_started(), 1u);
  }
  const nlohmann::json j = nlohmann::json::parse(slurp(path));
  const auto& ev = j.at("traceEvents");
  int spans = 0, meta = 0;
  for (const auto& e : ev) {
    const std::string ph = e.at("ph");
    if (ph == "M") ++meta;
    if (ph != "X") continue;
    ++spans;
    if (e.at("name") == "mvm") {
      EXPECT_DOUBLE_EQ(e.at("ts").get<double>(), 1.0);  // microseconds
      EXPECT_DOUBLE_EQ(e.at("dur").get<double>(), 2.304);
      EXPECT_EQ(e.at("args").at("mvmus"), 2);
    } else {
      EXPECT_EQ(e.at("name"), "we\"ird\\name\n");
      EXPECT_DOUBLE_EQ(e.at("ts").get<double>(), 0.0015);
    }
  }
  EXPECT_EQ(spans, 2);
  EXPECT_EQ(meta, 2 * 2 + 3 * 2);  // 2 processes, 3 threads: name + sort index each
  const auto& last = ev.back();
  EXPECT_EQ(last.at("ph"), "C");
  EXPECT_EQ(last.at("args").at("value"), 2);
  std::remove(path.c_str());
}

TEST(TraceTimeline, UnwritablePathThrows) {
  EXPECT_THROW(Timeline("/nonexistent-dir/x.json"), std::runtime_error);
}

TEST(TraceInstr, LineFormat) {
  const std::string path = tmp_path("it.txt");
  {
    InstrTrace it(path);
    it.line(1234.5, "host", 0x80000010u, 0x00a50513u, 8, "addi a0, a0, 10");
    it.line(7.0, "node.tile0.core1", 3, 0xcaull, 16, "mvm mask=0b11");
    EXPECT_EQ(it.lines(), 2u);
  }
  EXPECT_EQ(slurp(path),
            "      1234.500 ns  host               80000010  00a50513  addi a0, a0, 10\n"
            "         7.000 ns  node.tile0.core1   00000003  00000000000000ca  mvm mask=0b11\n");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace pumavp::trace
