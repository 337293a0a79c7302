// SharedMemory unit tests through its TLM socket: producer/consumer rules, all-or-nothing
// accesses, blocking without holding the port, round-robin grants, port timing, peek.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "fabric/mem_extension.h"
#include "tile/shared_memory.h"

using namespace sc_core;
using pumavp::fabric::MemExtension;
using pumavp::tile::SharedMemory;

namespace {

struct Access {
  bool ok = false;
  std::vector<int16_t> data;
  sc_time done;  // absolute completion time (sc_time_stamp + annotated delay)
};

// A test initiator: runs `body` in an SC_THREAD; `access()` does one blocking access.
struct Initiator : sc_module {
  SC_HAS_PROCESS(Initiator);
  tlm_utils::simple_initiator_socket<Initiator> sock;
  std::function<void(Initiator&)> body;

  explicit Initiator(sc_module_name n) : sc_module(n), sock("sock") { SC_THREAD(run); }
  void run() {
    if (body) body(*this);
  }
  Access access(bool write, unsigned addr, std::vector<int16_t> words, uint16_t count = 1,
                sc_time delay = SC_ZERO_TIME, bool peek = false) {
    Access a;
    std::vector<unsigned char> buf(2 * words.size());
    for (size_t i = 0; i < words.size(); ++i) {
      buf[2 * i] = static_cast<unsigned char>(static_cast<uint16_t>(words[i]) & 0xFF);
      buf[2 * i + 1] = static_cast<unsigned char>(static_cast<uint16_t>(words[i]) >> 8);
    }
    tlm::tlm_generic_payload gp;
    MemExtension ext;
    ext.count = count;
    ext.peek = peek;
    gp.set_extension(&ext);
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(2ull * addr);
    gp.set_data_ptr(buf.data());
    gp.set_data_length(static_cast<unsigned>(buf.size()));
    gp.set_streaming_width(static_cast<unsigned>(buf.size()));
    sock->b_transport(gp, delay);
    gp.clear_extension(&ext);
    a.ok = gp.is_response_ok();
    a.done = sc_time_stamp() + delay;
    for (size_t i = 0; i < words.size(); ++i)
      a.data.push_back(static_cast<int16_t>(buf[2 * i] | (buf[2 * i + 1] << 8)));
    return a;
  }
};

struct Fixture {
  pumavp::PlatformConfig cfg = pumavp::default_config({"tile.shared_mem_bytes=1024"});
  pumavp::Stats stats;
  std::unique_ptr<SharedMemory> mem;
  std::vector<std::unique_ptr<Initiator>> ini;
  explicit Fixture(unsigned n) {
    mem = std::make_unique<SharedMemory>("mem", cfg, stats);
    for (unsigned i = 0; i < n; ++i) {
      ini.push_back(std::make_unique<Initiator>(("ini" + std::to_string(i)).c_str()));
      ini.back()->sock.bind(mem->socket);
    }
  }
};

const sc_time kCycle(1, SC_NS);

}  // namespace

TEST(SharedMemory, ConsumerWaitsForAllWordsAllOrNothing) {
  Fixture f(2);
  Access got;
  f.ini[0]->body = [&](Initiator& i) {
    i.access(true, 10, {5}, 2);                       // word 10 valid (count 2)
    wait(50, SC_NS);
    i.access(true, 11, {6}, 1);                       // now 10..11 both valid
  };
  f.ini[1]->body = [&](Initiator& i) {
    wait(5, SC_NS);
    got = i.access(false, 10, {0, 0});                // needs 10 and 11
  };
  sc_start();
  ASSERT_TRUE(got.ok);
  EXPECT_EQ(got.data, (std::vector<int16_t>{5, 6}));
  EXPECT_EQ(got.done, sc_time(50 + 2, SC_NS) + 2 * kCycle);  // write ends at 52, read at 54
  // Word 10 was decremented once (count 2 -> 1), word 11 reached 0.
  EXPECT_TRUE(f.mem->state().attr(10).valid);
  EXPECT_EQ(f.mem->state().attr(10).count, 1u);
  EXPECT_FALSE(f.mem->state().attr(11).valid);
}

TEST(SharedMemory, ProducerWaitsUntilConsumed) {
  Fixture f(2);
  Access second;
  f.ini[0]->body = [&](Initiator& i) {
    i.access(true, 3, {1});
    second = i.access(true, 3, {2});                  // blocks: word 3 still valid
  };
  f.ini[1]->body = [&](Initiator& i) {
    wait(100, SC_NS);
    const Access r = i.access(false, 3, {0});
    EXPECT_EQ(r.data[0], 1);
  };
  sc_start();
  ASSERT_TRUE(second.ok);
  EXPECT_EQ(second.done, sc_time(104, SC_NS));
  EXPECT_EQ(f.mem->state().data(3), 2);
  EXPECT_TRUE(f.mem->state().attr(3).valid);
}

TEST(SharedMemory, PortSerialisesSimultaneousAccesses) {
  Fixture f(3);
  std::vector<Access> r(3);
  for (unsigned k = 0; k < 3; ++k)
    f.ini[k]->body = [&, k](Initiator& i) { r[k] = i.access(true, 20 + 4 * k, {1, 2, 3, 4}); };
  sc_start();
  std::vector<sc_time> done{r[0].done, r[1].done, r[2].done};
  std::sort(done.begin(), done.end());
  EXPECT_EQ(done[0], 2 * kCycle);
  EXPECT_EQ(done[1], 4 * kCycle);
  EXPECT_EQ(done[2], 6 * kCycle);
}

TEST(SharedMemory, TwoPortsServeTwoAccessesAtOnce) {
  pumavp::PlatformConfig cfg = pumavp::default_config({"tile.mem_ports=2"});
  pumavp::Stats stats;
  SharedMemory mem("mem", cfg, stats);
  Initiator a("a"), b("b");
  a.sock.bind(mem.socket);
  b.sock.bind(mem.socket);
  Access ra, rb;
  a.body = [&](Initiator& i) { ra = i.access(true, 0, {1}); };
  b.body = [&](Initiator& i) { rb = i.access(true, 1, {1}); };
  sc_start();
  EXPECT_EQ(ra.done, 2 * kCycle);
  EXPECT_EQ(rb.done, 2 * kCycle);
}

// A store annotated into the future (temporal decoupling) makes its word ready only when
// that access ends; a load issued at an earlier simulated time must not complete before it.
// 1 port, 2-cycle access (1 ns cycle). A stores at sc 0 with delay 100 ns: port [100,102],
// word ready at 102. B loads at sc 1 ns: without the ready time it would fit in the free
// port gap [1,3]; honouring it, it starts at 102 and ends at 104, and sees A's value.
TEST(SharedMemory, LoadWaitsForTheReadyTimeOfAFutureAnnotatedStore) {
  Fixture f(2);
  Access st, ld;
  f.ini[0]->body = [&](Initiator& i) { st = i.access(true, 7, {1234}, 1, sc_time(100, SC_NS)); };
  f.ini[1]->body = [&](Initiator& i) {
    wait(1, SC_NS);
    ld = i.access(false, 7, {0});
  };
  sc_start();
  ASSERT_TRUE(st.ok);
  ASSERT_TRUE(ld.ok);
  EXPECT_EQ(st.done, sc_time(100, SC_NS) + 2 * kCycle);
  EXPECT_EQ(ld.data, (std::vector<int16_t>{1234}));
  EXPECT_GE(ld.done, st.done);
  EXPECT_EQ(ld.done, sc_time(104, SC_NS));
  EXPECT_FALSE(f.mem->state().attr(7).valid);  // count 1: consumed
}

// The same through the blocked path: B's load arrives first (sc 0) and waits; A stores at
// sc 5 ns with delay 100 ns: port [105,107], word ready at 107. The granted load must start
// at 107 (not at the grant time, 5 ns) and end at 109.
TEST(SharedMemory, BlockedLoadGrantedByAFutureAnnotatedStoreEndsAfterIt) {
  Fixture f(2);
  Access st, ld;
  f.ini[0]->body = [&](Initiator& i) {
    wait(5, SC_NS);
    st = i.access(true, 9, {-77}, 1, sc_time(100, SC_NS));
  };
  f.ini[1]->body = [&](Initiator& i) { ld = i.access(false, 9, {0}); };
  sc_start();
  ASSERT_TRUE(st.ok);
  ASSERT_TRUE(ld.ok);
  EXPECT_EQ(st.done, sc_time(107, SC_NS));
  EXPECT_EQ(ld.data, (std::vector<int16_t>{-77}));
  EXPECT_EQ(ld.done, sc_time(109, SC_NS));
}

// A blocked request does not hold the port: a later, unrelated access proceeds.
TEST(SharedMemory, BlockedRequestDoesNotHoldPort) {
  Fixture f(2);
  Access other;
  bool blocked_done = false;
  f.ini[0]->body = [&](Initiator& i) {
    i.access(false, 7, {0});                          // never written
    blocked_done = true;
  };
  f.ini[1]->body = [&](Initiator& i) {
    wait(1, SC_NS);
    other = i.access(true, 8, {42});
  };
  sc_start();
  EXPECT_TRUE(other.ok);
  EXPECT_EQ(other.done, sc_time(3, SC_NS));
  EXPECT_FALSE(blocked_done);
  ASSERT_EQ(f.mem->waiting().size(), 1u);
  EXPECT_EQ(f.mem->waiting()[0].blocking_addr, 7u);
  EXPECT_FALSE(f.mem->waiting()[0].blocking_attr.valid);
  f.mem->abort_waiters();
  sc_start();
  EXPECT_TRUE(blocked_done);
}

// Waiting consumers are granted round-robin after the initiator served last.
TEST(SharedMemory, RoundRobinGrantOrder) {
  Fixture f(4);
  std::vector<int> order;
  for (unsigned k = 1; k < 4; ++k)
    f.ini[k]->body = [&, k](Initiator& i) {
      i.access(false, 30, {0});
      order.push_back(static_cast<int>(k));
    };
  f.ini[0]->body = [&](Initiator& i) {
    wait(10, SC_NS);
    i.access(true, 30, {9}, 1);   // one value: one consumer
    wait(10, SC_NS);
    i.access(true, 30, {9}, 1);
    wait(10, SC_NS);
    i.access(true, 30, {9}, 1);
  };
  sc_start();
  // After initiator 0 (the producer) come 1, 2, 3.
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(SharedMemory, PeekNeitherWaitsNorConsumes) {
  Fixture f(1);
  Access p1, p2;
  f.ini[0]->body = [&](Initiator& i) {
    p1 = i.access(false, 40, {0}, 1, SC_ZERO_TIME, true);  // invalid word: no wait
    i.access(true, 40, {77}, 1);
    p2 = i.access(false, 40, {0}, 1, SC_ZERO_TIME, true);
  };
  sc_start();
  EXPECT_TRUE(p1.ok);
  EXPECT_EQ(p2.data[0], 77);
  EXPECT_TRUE(f.mem->state().attr(40).valid);
  EXPECT_EQ(f.mem->state().attr(40).count, 1u);
}

TEST(SharedMemory, BadAccessesGetErrorResponses) {
  Fixture f(1);
  Access beyond, odd;
  f.ini[0]->body = [&](Initiator& i) {
    beyond = i.access(true, 510, {1, 2, 3});  // 512 words
    odd = i.access(true, 0, std::vector<int16_t>(17, 0));  // more than 16 words
  };
  sc_start();
  EXPECT_FALSE(beyond.ok);
  EXPECT_FALSE(odd.ok);
}

TEST(SharedMemory, StartRunKeepsOnlyHostWrites) {
  Fixture f(1);
  f.ini[0]->body = [&](Initiator& i) { i.access(true, 1, {11}); };
  sc_start();
  ASSERT_TRUE(f.mem->host_write(2, {22}, 3));
  f.mem->start_run({{5, 2, {55, 56}}});
  EXPECT_FALSE(f.mem->state().attr(1).valid);
  EXPECT_TRUE(f.mem->state().attr(2).valid);
  EXPECT_EQ(f.mem->state().attr(2).count, 3u);
  EXPECT_TRUE(f.mem->state().attr(5).valid);
  EXPECT_EQ(f.mem->state().attr(6).count, 2u);
  std::vector<int16_t> out;
  EXPECT_FALSE(f.mem->host_read(1, 1, out));  // not valid: fails at once
  EXPECT_TRUE(f.mem->host_read(5, 2, out));
  EXPECT_EQ(out, (std::vector<int16_t>{55, 56}));
  // A second START: the host write is from before the previous run: invalidated.
  f.mem->end_run();
  f.mem->start_run({});
  EXPECT_FALSE(f.mem->state().attr(2).valid);
}
