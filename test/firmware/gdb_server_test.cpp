// GdbServer against a fake target, driven over a real TCP socket by a hand-written RSP client
// (and, when available, by gdb-multiarch itself). Expected values are hand-derived from the
// GDB remote protocol documentation.
#include "host/gdb_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

using pumavp::host::GdbServer;
using pumavp::host::GdbTarget;

namespace {

constexpr uint32_t kMemBase = 0x80000000u;
constexpr uint32_t kMemSize = 0x10000u;

class FakeTarget : public GdbTarget {
 public:
  FakeTarget() : mem(kMemSize) {
    for (unsigned i = 0; i < 32; ++i) x[i] = i == 0 ? 0 : 0x1000u + i;
    for (uint32_t i = 0; i < kMemSize; ++i) mem[i] = static_cast<uint8_t>(i * 7 + 3);
    csrs[0x341] = 0x80000123u;  // mepc
    csrs[0x301] = 0x40001105u;  // misa
  }
  uint32_t read_gpr(unsigned n) override { return n == 0 ? 0 : x[n]; }
  void write_gpr(unsigned n, uint32_t v) override {
    if (n) x[n] = v;
  }
  uint32_t read_pc() override { return pc; }
  void write_pc(uint32_t v) override { pc = v; }
  bool read_csr(unsigned n, uint32_t& v) override {
    auto it = csrs.find(n);
    if (it == csrs.end()) return false;
    v = it->second;
    return true;
  }
  bool write_csr(unsigned n, uint32_t v) override {
    auto it = csrs.find(n);
    if (it == csrs.end()) return false;
    it->second = v;
    return true;
  }
  bool read_memory(uint32_t a, uint8_t* d, size_t len) override {
    if (a < kMemBase || a - kMemBase + len > kMemSize) return false;
    std::memcpy(d, &mem[a - kMemBase], len);
    return true;
  }
  bool write_memory(uint32_t a, const uint8_t* d, size_t len) override {
    if (a < kMemBase || a - kMemBase + len > kMemSize) return false;
    std::memcpy(&mem[a - kMemBase], d, len);
    return true;
  }
  void set_breakpoint(uint32_t a) override { bps.insert(a); }
  void clear_breakpoint(uint32_t a) override { bps.erase(a); }

  uint32_t x[32];
  uint32_t pc = 0x80000000u;
  std::map<unsigned, uint32_t> csrs;
  std::vector<uint8_t> mem;
  std::set<uint32_t> bps;
};

// Minimal RSP client.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Client() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }
  void raw(const std::string& s) { ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), (ssize_t)s.size()); }
  static std::string frame(const std::string& payload) {
    unsigned sum = 0;
    for (unsigned char c : payload) sum += c;
    char cs[3];
    std::snprintf(cs, sizeof cs, "%02x", sum & 0xFF);
    return "$" + payload + "#" + cs;
  }
  int getc(int timeout_ms = 3000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return -1;
    char c;
    return ::recv(fd_, &c, 1, 0) == 1 ? static_cast<unsigned char>(c) : -1;
  }
  // Reads one packet, checks its checksum, acks it.
  std::string read_packet() {
    int c;
    while ((c = getc()) != '$') {
      if (c < 0) return "<timeout>";
    }
    std::string p;
    while ((c = getc()) != '#') {
      if (c < 0) return "<timeout>";
      p.push_back(static_cast<char>(c));
    }
    char cs[3] = {static_cast<char>(getc()), static_cast<char>(getc()), 0};
    unsigned sum = 0;
    for (unsigned char ch : p) sum += ch;
    if (std::strtoul(cs, nullptr, 16) != (sum & 0xFF)) return "<bad checksum>";
    if (ack_) raw("+");
    return p;
  }
  // Sends a packet, expects '+', returns the reply packet.
  std::string cmd(const std::string& payload) {
    raw(frame(payload));
    if (ack_) {
      const int a = getc();
      if (a != '+') return "<no ack: " + std::to_string(a) + ">";
    }
    return read_packet();
  }
  // Sends a packet that resumes the target (no reply until it stops).
  void resume(const std::string& payload) {
    raw(frame(payload));
    if (ack_) {
      EXPECT_EQ(getc(), '+');
    }
  }
  bool ack_ = true;

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string le_hex(uint32_t v) {
  char b[9];
  std::snprintf(b, sizeof b, "%02x%02x%02x%02x", v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24);
  return b;
}

struct Session {
  FakeTarget target;
  GdbServer server{target};
  std::thread thread;
  std::vector<GdbServer::Action> actions;

  // Serves on_stop(Start) then, after each resume, on_stop(reason) `stops` more times.
  void start(std::vector<GdbServer::StopReason> stops) {
    ASSERT_TRUE(server.listen(0));
    thread = std::thread([this, stops] {
      if (!server.accept_client(5000)) return;
      actions.push_back(server.on_stop(GdbServer::StopReason::Start));
      for (auto r : stops) {
        if (actions.back() == GdbServer::Action::Kill || actions.back() == GdbServer::Action::Detach) break;
        actions.push_back(server.on_stop(r));
      }
    });
  }
  ~Session() {
    if (thread.joinable()) thread.join();
  }
};

}  // namespace

TEST(FirmwareGdbServer, ChecksumIsModulo256Sum) {
  EXPECT_EQ(GdbServer::checksum(""), 0x00);
  EXPECT_EQ(GdbServer::checksum("OK"), 0x9a);  // 0x4f + 0x4b
  EXPECT_EQ(GdbServer::checksum("g"), 0x67);
  EXPECT_EQ(GdbServer::checksum(std::string(3, '\xff')), 0xfd);  // 765 mod 256
}

TEST(FirmwareGdbServer, TargetXmlDescribesRv32) {
  const std::string x = GdbServer::target_xml();
  EXPECT_NE(x.find("<architecture>riscv:rv32</architecture>"), std::string::npos);
  EXPECT_NE(x.find("org.gnu.gdb.riscv.cpu"), std::string::npos);
  EXPECT_NE(x.find("name=\"zero\" bitsize=\"32\""), std::string::npos);
  EXPECT_NE(x.find("name=\"t6\" bitsize=\"32\" type=\"int\" regnum=\"31\""), std::string::npos);
  EXPECT_NE(x.find("name=\"pc\" bitsize=\"32\" type=\"code_ptr\" regnum=\"32\""), std::string::npos);
  EXPECT_NE(x.find("name=\"mepc\" bitsize=\"32\" type=\"int\" regnum=\"898\""), std::string::npos);  // 65+0x341
  EXPECT_EQ(x.find("bitsize=\"64\""), std::string::npos);
}

// The packet handler without a connection (the entry test/fuzz/fuzz_gdb.cpp uses).
TEST(FirmwareGdbServer, HandlePacketWithoutConnection) {
  FakeTarget t;
  GdbServer gdb(t);
  bool resume = true;
  GdbServer::Action action = GdbServer::Action::Kill;
  EXPECT_EQ(gdb.handle_packet("m80000000,2", &resume, &action), "030a");  // bytes i*7+3
  EXPECT_FALSE(resume);
  EXPECT_EQ(gdb.handle_packet("p341"), "E01");  // 65 + 0x300: mstatus, absent from the fake
  EXPECT_EQ(gdb.handle_packet("p382"), "23010080");  // 65 + 0x341 = mepc, little-endian
  EXPECT_EQ(gdb.handle_packet("Z0,80000010,4"), "OK");
  EXPECT_EQ(t.bps.count(0x80000010u), 1u);
  EXPECT_EQ(gdb.handle_packet("m7ffffffe,4"), "E14");
  EXPECT_EQ(gdb.handle_packet("vMustReplyEmpty"), "");
  EXPECT_EQ(gdb.handle_packet("QStartNoAckMode"), "OK");
  EXPECT_EQ(gdb.handle_packet("s80000020", &resume, &action), "");
  EXPECT_TRUE(resume);
  EXPECT_EQ(action, GdbServer::Action::Step);
  EXPECT_EQ(t.pc, 0x80000020u);
  EXPECT_EQ(gdb.handle_packet("vCont;c", &resume, &action), "");
  EXPECT_TRUE(resume);
  EXPECT_EQ(action, GdbServer::Action::Continue);
}

TEST(FirmwareGdbServer, RegistersMemoryBreakpointsAndStep) {
  Session s;
  s.start({GdbServer::StopReason::Step, GdbServer::StopReason::Breakpoint});
  Client c(s.server.port());
  ASSERT_TRUE(c.connected());

  EXPECT_NE(c.cmd("qSupported:multiprocess+;swbreak+").find("qXfer:features:read+"), std::string::npos);
  EXPECT_EQ(c.cmd("?"), "T05thread:1;");
  EXPECT_EQ(c.cmd("Hg0"), "OK");
  EXPECT_EQ(c.cmd("vCont?"), "vCont;c;C;s;S");
  EXPECT_EQ(c.cmd("vMustReplyEmpty"), "");

  // g: x0..x31 then pc, 8 hex digits each, little endian.
  std::string expect_g = le_hex(0);
  for (unsigned i = 1; i < 32; ++i) expect_g += le_hex(0x1000u + i);
  expect_g += le_hex(0x80000000u);
  EXPECT_EQ(c.cmd("g"), expect_g);
  EXPECT_EQ(c.cmd("pa"), "0a100000");         // a0 = x10 = 0x100a
  EXPECT_EQ(c.cmd("p20"), "00000080");        // pc
  EXPECT_EQ(c.cmd("p382"), "23010080");       // mepc (65 + 0x341 = 0x382)
  EXPECT_EQ(c.cmd("p3c5"), "E01");            // no such CSR
  EXPECT_EQ(c.cmd("Pb=efbeadde"), "OK");      // a1 = 0xdeadbeef
  EXPECT_EQ(s.target.x[11], 0xdeadbeefu);
  EXPECT_EQ(c.cmd("P0=ffffffff"), "OK");      // x0 stays 0
  EXPECT_EQ(c.cmd("p0"), "00000000");
  EXPECT_EQ(c.cmd("P20=04000080"), "OK");
  EXPECT_EQ(s.target.pc, 0x80000004u);
  std::string g2 = expect_g;
  g2.replace(8 * 5, 8, "78563412");           // t0 = 0x12345678
  EXPECT_EQ(c.cmd("G" + g2), "OK");
  EXPECT_EQ(s.target.x[5], 0x12345678u);
  EXPECT_EQ(s.target.pc, 0x80000000u);

  // m/M/X: memory byte i holds (i*7+3) & 0xff: 16*7+3 = 0x73, 0x7a, 0x81, 0x88.
  EXPECT_EQ(c.cmd("m80000010,4"), "737a8188");
  EXPECT_EQ(c.cmd("m7ffffffe,4"), "E14");     // below the fake memory
  EXPECT_EQ(c.cmd("M80000020,3:a1b2c3"), "OK");
  EXPECT_EQ(s.target.mem[0x20], 0xa1);
  EXPECT_EQ(s.target.mem[0x22], 0xc3);
  // X: binary; '}' escapes: 0x7d 0x03 -> 0x23 ('#'), 0x7d 0x5d -> 0x7d ('}').
  EXPECT_EQ(c.cmd(std::string("X80000030,3:A}\x03}]")), "OK");
  EXPECT_EQ(s.target.mem[0x30], 'A');
  EXPECT_EQ(s.target.mem[0x31], '#');
  EXPECT_EQ(s.target.mem[0x32], '}');
  EXPECT_EQ(c.cmd("X80000030,0:"), "OK");

  // Breakpoints.
  EXPECT_EQ(c.cmd("Z0,80000040,2"), "OK");
  EXPECT_EQ(c.cmd("Z0,80000048,4"), "OK");
  EXPECT_EQ(c.cmd("z0,80000040,2"), "OK");
  EXPECT_EQ(s.target.bps, (std::set<uint32_t>{0x80000048u}));
  EXPECT_EQ(c.cmd("Z2,80000040,4"), "");      // watchpoints: not supported

  // A corrupted packet is NAKed, then the retransmission is answered.
  c.raw("$p20#00");
  EXPECT_EQ(c.getc(), '-');
  EXPECT_EQ(c.cmd("p20"), "00000080");

  // Unknown packets get the empty reply.
  EXPECT_EQ(c.cmd("qTStatus"), "");

  // vCont;s: one step, then the stop reply; c: continue until the breakpoint.
  c.resume("vCont;s:1");
  EXPECT_EQ(c.read_packet(), "T05thread:1;");
  c.resume("c");
  EXPECT_EQ(c.read_packet(), "T05thread:1;");
  c.resume("k");
  s.thread.join();
  ASSERT_EQ(s.actions.size(), 3u);
  EXPECT_EQ(s.actions[0], GdbServer::Action::Step);
  EXPECT_EQ(s.actions[1], GdbServer::Action::Continue);
  EXPECT_EQ(s.actions[2], GdbServer::Action::Kill);
}

// Over the socket: a packet with a wrong checksum and one larger than the advertised
// PacketSize (0x4000) are each answered '-' and dropped; the session goes on.
TEST(FirmwareGdbServer, BadAndOversizedPacketsAreNackedAndTheSessionGoesOn) {
  Session s;
  s.start({});
  Client c(s.server.port());
  ASSERT_TRUE(c.connected());
  c.raw("$g#00");
  EXPECT_EQ(c.getc(), '-');
  c.raw("$" + std::string(0x4000 + 100, 'm') + "#00");
  EXPECT_EQ(c.getc(), '-');
  EXPECT_EQ(c.cmd("?"), "T05thread:1;");
  c.raw(Client::frame("k"));
  EXPECT_EQ(c.getc(), '+');
}

TEST(FirmwareGdbServer, TargetXmlTransfersInChunks) {
  Session s;
  s.start({});
  Client c(s.server.port());
  ASSERT_TRUE(c.connected());
  std::string xml;
  for (size_t off = 0;; ) {
    char q[80];
    std::snprintf(q, sizeof q, "qXfer:features:read:target.xml:%zx,100", off);
    const std::string r = c.cmd(q);
    ASSERT_FALSE(r.empty());
    ASSERT_TRUE(r[0] == 'm' || r[0] == 'l') << r;
    xml += r.substr(1);
    off += r.size() - 1;
    if (r[0] == 'l') break;
    ASSERT_LT(off, 100000u);
  }
  EXPECT_EQ(xml, GdbServer::target_xml());
  EXPECT_EQ(c.cmd("qXfer:features:read:other.xml:0,100"), "E00");
  c.resume("D");
  EXPECT_EQ(c.read_packet(), "OK");
  s.thread.join();
  EXPECT_EQ(s.actions.back(), GdbServer::Action::Detach);
}

TEST(FirmwareGdbServer, CtrlCWhileRunningAndExitReport) {
  Session s;
  ASSERT_TRUE(s.server.listen(0));
  std::thread t([&s] {
    ASSERT_TRUE(s.server.accept_client(5000));
    EXPECT_EQ(s.server.on_stop(GdbServer::StopReason::Start), GdbServer::Action::Continue);
    // "Run" until the debugger interrupts (bounded: the test fails rather than hangs).
    bool interrupted = false;
    for (int i = 0; i < 5000 && !interrupted; ++i) {
      interrupted = s.server.poll_interrupt();
      if (!interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_TRUE(interrupted);
    EXPECT_EQ(s.server.on_stop(GdbServer::StopReason::Interrupt), GdbServer::Action::Continue);
    EXPECT_FALSE(s.server.poll_interrupt());
    s.server.on_exit(7);
    EXPECT_FALSE(s.server.connected());
  });
  Client c(s.server.port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.cmd("QStartNoAckMode"), "OK");
  c.ack_ = false;
  EXPECT_EQ(c.cmd("p1"), "01100000");  // ra = 0x1001, no acks any more
  c.resume("c");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  c.raw("\x03");
  EXPECT_EQ(c.read_packet(), "T02thread:1;");  // SIGINT
  c.resume("c");
  EXPECT_EQ(c.read_packet(), "W07");
  t.join();
}

TEST(FirmwareGdbServer, LostConnectionDetaches) {
  Session s;
  s.start({});
  {
    Client c(s.server.port());
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.cmd("?"), "T05thread:1;");
  }
  s.thread.join();
  ASSERT_EQ(s.actions.size(), 1u);
  EXPECT_EQ(s.actions[0], GdbServer::Action::Detach);
  EXPECT_FALSE(s.server.connected());
  EXPECT_EQ(s.server.on_stop(GdbServer::StopReason::Breakpoint), GdbServer::Action::Detach);
}

TEST(FirmwareGdbServer, ListenReportsBusyPort) {
  FakeTarget t;
  GdbServer a(t), b(t);
  ASSERT_TRUE(a.listen(0));
  std::string err;
  EXPECT_FALSE(b.listen(a.port(), &err));
  EXPECT_NE(err.find("bind 127.0.0.1:" + std::to_string(a.port())), std::string::npos) << err;
  EXPECT_FALSE(b.accept_client(10, &err));
}

// The real debugger against the fake target: proves target.xml and the packet dialect are
// what gdb-multiarch expects. The "CPU" here is a toy: a step advances pc by 4, continue jumps
// to the lowest breakpoint above pc (or exits with code 3 when there is none).
TEST(FirmwareGdbServer, GdbMultiarchSession) {
  if (std::system("command -v gdb-multiarch >/dev/null 2>&1") != 0) GTEST_SKIP() << "no gdb-multiarch";
  FakeTarget target;
  GdbServer server(target);
  ASSERT_TRUE(server.listen(0));
  std::thread cpu([&] {
    if (!server.accept_client(20000)) return;
    GdbServer::Action a = server.on_stop(GdbServer::StopReason::Start);
    for (int guard = 0; guard < 100; ++guard) {
      if (a == GdbServer::Action::Kill || a == GdbServer::Action::Detach) return;
      if (a == GdbServer::Action::Step) {
        target.pc += 4;
        a = server.on_stop(GdbServer::StopReason::Step);
        continue;
      }
      auto it = target.bps.upper_bound(target.pc);
      if (it == target.bps.end()) {
        server.on_exit(3);
        return;
      }
      target.pc = *it;
      a = server.on_stop(GdbServer::StopReason::Breakpoint);
    }
  });
  const std::string cmd =
      "timeout 30 gdb-multiarch --batch -nx -ex 'set confirm off' "
      "-ex 'target remote 127.0.0.1:" + std::to_string(server.port()) + "' "
      "-ex 'p/x $pc' -ex 'p/x $a0' -ex 'p/x $mepc' -ex 'x/4xb 0x80000010' "
      "-ex 'set var $a1 = 0x55aa' -ex 'set {unsigned int}0x80000100 = 0xcafef00d' "
      "-ex 'x/1xw 0x80000100' -ex 'stepi' -ex 'p/x $pc' -ex 'break *0x80000040' "
      "-ex 'continue' -ex 'p/x $pc' -ex 'delete' -ex 'continue' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  const int rc = ::pclose(p);
  cpu.join();
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("$1 = 0x80000000"), std::string::npos) << out;
  EXPECT_NE(out.find("$2 = 0x100a"), std::string::npos) << out;
  EXPECT_NE(out.find("$3 = 0x80000123"), std::string::npos) << out;
  EXPECT_NE(out.find("0x73\t0x7a\t0x81\t0x88"), std::string::npos) << out;
  EXPECT_NE(out.find("0xcafef00d"), std::string::npos) << out;
  EXPECT_NE(out.find("$4 = 0x80000004"), std::string::npos) << out;
  EXPECT_NE(out.find("$5 = 0x80000040"), std::string::npos) << out;
  EXPECT_NE(out.find("exited with code 03"), std::string::npos) << out;
  EXPECT_EQ(target.x[11], 0x55aau);
  EXPECT_EQ(target.mem[0x100], 0x0d);
  EXPECT_EQ(target.mem[0x103], 0xca);
}
