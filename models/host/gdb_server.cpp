#include "host/gdb_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pumavp::host {
namespace {

constexpr unsigned kNumGprs = 32;
constexpr unsigned kPcRegnum = 32;
constexpr unsigned kCsrRegBase = 65;  // gdb's riscv numbering: CSR n is register 65 + n
constexpr size_t kMaxMemoryChunk = 4096;

// ABI names of x0..x31 as gdb's riscv cpu feature expects them.
const char* const kGprNames[kNumGprs] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

struct CsrName {
  unsigned num;
  const char* name;
};
// The machine-mode CSRs the ISS implements, described to gdb (read with p/P).
const CsrName kCsrs[] = {
    {0x300, "mstatus"}, {0x301, "misa"},     {0x304, "mie"},      {0x305, "mtvec"},
    {0x340, "mscratch"}, {0x341, "mepc"},    {0x342, "mcause"},   {0x343, "mtval"},
    {0x344, "mip"},      {0xB00, "mcycle"},  {0xB02, "minstret"}, {0xB80, "mcycleh"},
    {0xB82, "minstreth"}, {0xF11, "mvendorid"}, {0xF12, "marchid"}, {0xF13, "mimpid"},
    {0xF14, "mhartid"}};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses hex digits from s[pos...] up to a non-hex character; false if none or overflow.
bool parse_hex(const std::string& s, size_t& pos, uint64_t& value) {
  size_t start = pos;
  value = 0;
  while (pos < s.size() && hex_digit(s[pos]) >= 0) {
    if (pos - start >= 16) return false;
    value = (value << 4) | static_cast<unsigned>(hex_digit(s[pos]));
    ++pos;
  }
  return pos > start;
}

bool expect_char(const std::string& s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

void append_hex8(std::string& out, uint8_t b) {
  static const char* digits = "0123456789abcdef";
  out.push_back(digits[b >> 4]);
  out.push_back(digits[b & 15]);
}

// 32-bit register in target byte order (little endian).
void append_reg32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) append_hex8(out, static_cast<uint8_t>(v >> (8 * i)));
}

bool decode_hex_bytes(const std::string& s, size_t pos, size_t count, std::vector<uint8_t>& out) {
  if (s.size() < pos + 2 * count) return false;
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const int hi = hex_digit(s[pos + 2 * i]), lo = hex_digit(s[pos + 2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool decode_reg32(const std::string& s, size_t pos, uint32_t& v) {
  std::vector<uint8_t> b;
  if (!decode_hex_bytes(s, pos, 4, b)) return false;
  v = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  return true;
}

// Binary data escaping of the RSP: '#', '$', '}' and '*' are sent as '}' (c ^ 0x20).
std::string escape_binary(const std::string& data) {
  std::string out;
  for (char c : data) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      out.push_back('}');
      out.push_back(static_cast<char>(c ^ 0x20));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

}  // namespace

GdbServer::GdbServer(GdbTarget& target) : target_(target) {}

GdbServer::~GdbServer() {
  close_client();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

uint8_t GdbServer::checksum(const std::string& payload) { return RspFramer::checksum(payload); }

std::string GdbServer::target_xml() {
  std::string x =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
      "<target version=\"1.0\">\n"
      "  <architecture>riscv:rv32</architecture>\n"
      "  <feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (unsigned i = 0; i < kNumGprs; ++i) {
    const char* type = (i == 1) ? "code_ptr" : (i == 2 || i == 8) ? "data_ptr" : "int";
    x += "    <reg name=\"" + std::string(kGprNames[i]) + "\" bitsize=\"32\" type=\"" + type +
         "\" regnum=\"" + std::to_string(i) + "\"/>\n";
  }
  x += "    <reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\" regnum=\"32\"/>\n";
  x += "  </feature>\n  <feature name=\"org.gnu.gdb.riscv.csr\">\n";
  for (const CsrName& c : kCsrs)
    x += "    <reg name=\"" + std::string(c.name) + "\" bitsize=\"32\" type=\"int\" regnum=\"" +
         std::to_string(kCsrRegBase + c.num) + "\" group=\"csr\"/>\n";
  x += "  </feature>\n</target>\n";
  return x;
}

bool GdbServer::listen(uint16_t port, std::string* error) {
  auto fail = [&](const char* what) {
    if (error) *error = std::string("gdb server: ") + what + ": " + std::strerror(errno);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    return false;
  };
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return fail("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // debugger access is local only
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return fail(("bind 127.0.0.1:" + std::to_string(port)).c_str());
  if (::listen(listen_fd_, 1) != 0) return fail("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return fail("getsockname");
  port_ = ntohs(addr.sin_port);
  return true;
}

bool GdbServer::accept_client(int timeout_ms, std::string* error) {
  if (listen_fd_ < 0) {
    if (error) *error = "gdb server: not listening";
    return false;
  }
  pollfd p{listen_fd_, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) {
    if (error) *error = r == 0 ? "gdb server: no debugger connected in time" : std::strerror(errno);
    return false;
  }
  client_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client_ < 0) {
    if (error) *error = std::string("gdb server: accept: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  ::setsockopt(client_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  no_ack_ = false;
  rx_.clear();
  return true;
}

void GdbServer::close_client() {
  if (client_ >= 0) ::close(client_);
  client_ = -1;
  rx_.clear();
}

int GdbServer::read_byte(int timeout_ms) {
  if (client_ < 0) return -2;
  if (rx_.empty()) {
    pollfd p{client_, POLLIN, 0};
    int r;
    do {
      r = ::poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    if (r == 0) return -1;
    if (r < 0) return -2;
    uint8_t buf[4096];
    ssize_t n;
    do {
      n = ::recv(client_, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return -2;
    rx_.assign(buf, buf + n);
    std::reverse(rx_.begin(), rx_.end());  // consume from the back
  }
  const int b = rx_.back();
  rx_.pop_back();
  return b;
}

bool GdbServer::send_raw(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(client_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool GdbServer::send_packet(const std::string& payload) {
  if (client_ < 0) return false;
  const std::string frame = RspFramer::frame(payload);
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!send_raw(frame)) return false;
    if (no_ack_) return true;
    for (;;) {
      const int b = read_byte(5000);
      if (b == '+') return true;
      if (b == '-') break;  // resend
      if (b < 0) return false;
      // Anything else before the ack (e.g. an early Ctrl-C) is dropped.
    }
  }
  return false;
}

GdbServer::ReadResult GdbServer::read_packet(std::string& payload, int timeout_ms) {
  framer_.reset();
  for (;;) {
    // Between packets the caller's timeout; inside one, a client that stops mid-packet for
    // 5 s is given up on.
    const int b = read_byte(framer_.in_packet() ? 5000 : timeout_ms);
    if (b < 0) return ReadResult::Closed;  // -1 only with a finite timeout
    switch (framer_.feed(static_cast<uint8_t>(b))) {
      case RspFramer::Event::None:
        break;
      case RspFramer::Event::Interrupt:
        return ReadResult::Interrupt;
      case RspFramer::Event::Packet:
        if (!no_ack_ && !send_raw("+")) return ReadResult::Closed;
        payload = framer_.payload();
        return ReadResult::Packet;
      case RspFramer::Event::BadChecksum:
        if (no_ack_) {  // no-ack mode: checksums are not checked (GDB manual)
          payload = framer_.payload();
          return ReadResult::Packet;
        }
        if (!send_raw("-")) return ReadResult::Closed;
        break;
      case RspFramer::Event::Overflow:  // larger than the PacketSize we advertise: dropped
        if (!no_ack_ && !send_raw("-")) return ReadResult::Closed;
        break;
    }
  }
}

std::string GdbServer::stop_reply(StopReason reason) const {
  return reason == StopReason::Interrupt ? "T02thread:1;" : "T05thread:1;";
}

std::string GdbServer::read_register(unsigned n, bool& ok) {
  ok = true;
  std::string out;
  if (n < kNumGprs) {
    append_reg32(out, target_.read_gpr(n));
  } else if (n == kPcRegnum) {
    append_reg32(out, target_.read_pc());
  } else if (n >= kCsrRegBase && n < kCsrRegBase + 4096) {
    uint32_t v = 0;
    if (!target_.read_csr(n - kCsrRegBase, v)) ok = false;
    append_reg32(out, v);
  } else {
    ok = false;
  }
  return out;
}

bool GdbServer::write_register(unsigned n, uint32_t value) {
  if (n < kNumGprs) {
    target_.write_gpr(n, value);
    return true;
  }
  if (n == kPcRegnum) {
    target_.write_pc(value);
    return true;
  }
  if (n >= kCsrRegBase && n < kCsrRegBase + 4096) return target_.write_csr(n - kCsrRegBase, value);
  return false;
}

std::string GdbServer::handle_query(const std::string& pkt) {
  if (starts_with(pkt, "qSupported"))
    return "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;vContSupported+";
  if (starts_with(pkt, "qXfer:features:read:")) {
    // qXfer:features:read:ANNEX:OFFSET,LENGTH
    const size_t colon = pkt.find(':', std::strlen("qXfer:features:read:"));
    if (colon == std::string::npos) return "E00";
    const std::string annex = pkt.substr(20, colon - 20);
    if (annex != "target.xml") return "E00";
    size_t pos = colon + 1;
    uint64_t off = 0, len = 0;
    if (!parse_hex(pkt, pos, off) || !expect_char(pkt, pos, ',') || !parse_hex(pkt, pos, len))
      return "E00";
    const std::string xml = target_xml();
    if (off >= xml.size()) return "l";
    const std::string part = xml.substr(off, len);
    return (off + part.size() >= xml.size() ? "l" : "m") + escape_binary(part);
  }
  if (pkt == "qAttached") return "1";
  if (pkt == "qC") return "QC1";
  if (pkt == "qfThreadInfo") return "m1";
  if (pkt == "qsThreadInfo") return "l";
  if (starts_with(pkt, "qSymbol")) return "OK";
  return "";
}

bool GdbServer::handle_vcont(const std::string& pkt, Action& action, std::string& reply) {
  if (pkt == "vCont?") {
    reply = "vCont;c;C;s;S";
    return false;
  }
  // vCont;ACTION[:TID][;ACTION[:TID]]... — one hart: the first action decides.
  const char a = pkt.size() > 6 ? pkt[6] : 0;
  if (a == 'c' || a == 'C') {
    action = Action::Continue;
    return true;
  }
  if (a == 's' || a == 'S') {
    action = Action::Step;
    return true;
  }
  reply = "E01";
  return false;
}

bool GdbServer::handle(const std::string& pkt, Action& action, std::string& reply) {
  reply.clear();
  if (pkt.empty()) return false;
  size_t pos = 1;
  uint64_t addr = 0, len = 0, value = 0;
  switch (pkt[0]) {
    case '?':
      reply = stop_reply(last_reason_);
      return false;
    case 'g': {
      for (unsigned i = 0; i < kNumGprs; ++i) append_reg32(reply, target_.read_gpr(i));
      append_reg32(reply, target_.read_pc());
      return false;
    }
    case 'G': {
      const size_t nregs = (pkt.size() - 1) / 8;
      for (unsigned i = 0; i < nregs && i <= kPcRegnum; ++i) {
        uint32_t v;
        if (!decode_reg32(pkt, 1 + 8 * i, v)) {
          reply = "E01";
          return false;
        }
        write_register(i, v);
      }
      reply = "OK";
      return false;
    }
    case 'p': {
      bool ok = false;
      if (parse_hex(pkt, pos, value)) reply = read_register(static_cast<unsigned>(value), ok);
      if (!ok) reply = "E01";
      return false;
    }
    case 'P': {
      uint32_t v;
      if (parse_hex(pkt, pos, value) && expect_char(pkt, pos, '=') && decode_reg32(pkt, pos, v) &&
          write_register(static_cast<unsigned>(value), v))
        reply = "OK";
      else
        reply = "E01";
      return false;
    }
    case 'm': {
      if (!parse_hex(pkt, pos, addr) || !expect_char(pkt, pos, ',') || !parse_hex(pkt, pos, len) ||
          addr > 0xFFFFFFFFu) {
        reply = "E01";
        return false;
      }
      len = std::min<uint64_t>(len, kMaxMemoryChunk);
      std::vector<uint8_t> buf(len);
      if (len && !target_.read_memory(static_cast<uint32_t>(addr), buf.data(), len)) {
        reply = "E14";  // EFAULT
        return false;
      }
      for (uint8_t b : buf) append_hex8(reply, b);
      return false;
    }
    case 'M':
    case 'X': {
      if (!parse_hex(pkt, pos, addr) || !expect_char(pkt, pos, ',') || !parse_hex(pkt, pos, len) ||
          !expect_char(pkt, pos, ':') || addr > 0xFFFFFFFFu || len > kMaxMemoryChunk) {
        reply = "E01";
        return false;
      }
      std::vector<uint8_t> data;
      if (pkt[0] == 'M') {
        if (!decode_hex_bytes(pkt, pos, len, data)) {
          reply = "E01";
          return false;
        }
      } else {
        for (size_t i = pos; i < pkt.size(); ++i) {
          uint8_t c = static_cast<uint8_t>(pkt[i]);
          if (c == '}' && i + 1 < pkt.size()) c = static_cast<uint8_t>(pkt[++i] ^ 0x20);
          data.push_back(c);
        }
        if (data.size() != len) {
          reply = "E01";
          return false;
        }
      }
      reply = (len == 0 || target_.write_memory(static_cast<uint32_t>(addr), data.data(), len))
                  ? "OK"
                  : "E14";
      return false;
    }
    case 'c':
    case 's':
      if (parse_hex(pkt, pos, addr)) target_.write_pc(static_cast<uint32_t>(addr));
      action = pkt[0] == 'c' ? Action::Continue : Action::Step;
      return true;
    case 'C':
    case 'S':  // signal is ignored: there is no OS to deliver it to
      if (parse_hex(pkt, pos, value) && expect_char(pkt, pos, ';') && parse_hex(pkt, pos, addr))
        target_.write_pc(static_cast<uint32_t>(addr));
      action = pkt[0] == 'C' ? Action::Continue : Action::Step;
      return true;
    case 'Z':
    case 'z': {
      // Z0/Z1 (software/hardware breakpoint) both map to the ISS's breakpoints.
      if (pkt.size() < 2 || (pkt[1] != '0' && pkt[1] != '1')) return false;  // unsupported
      pos = 2;
      if (!expect_char(pkt, pos, ',') || !parse_hex(pkt, pos, addr) || addr > 0xFFFFFFFFu) {
        reply = "E01";
        return false;
      }
      if (pkt[0] == 'Z')
        target_.set_breakpoint(static_cast<uint32_t>(addr));
      else
        target_.clear_breakpoint(static_cast<uint32_t>(addr));
      reply = "OK";
      return false;
    }
    case 'k':
      action = Action::Kill;
      return true;
    case 'D':
      send_packet("OK");
      action = Action::Detach;
      return true;
    case 'H':
    case 'T':
      reply = "OK";
      return false;
    case 'q':
      reply = handle_query(pkt);
      return false;
    case 'Q':
      if (pkt == "QStartNoAckMode") {
        send_packet("OK");
        no_ack_ = true;
        reply = "\x01";  // already answered
      }
      return false;
    case 'v':
      if (starts_with(pkt, "vCont")) return handle_vcont(pkt, action, reply);
      if (starts_with(pkt, "vKill")) {
        send_packet("OK");
        action = Action::Kill;
        return true;
      }
      return false;  // vMustReplyEmpty and the rest: empty reply
    default:
      return false;
  }
}

std::string GdbServer::handle_packet(const std::string& packet, bool* resume, Action* action) {
  Action a = Action::Continue;
  std::string reply;
  const bool r = handle(packet, a, reply);
  if (resume) *resume = r;
  if (action) *action = a;
  if (r) return std::string();
  return reply == "\x01" ? std::string("OK") : reply;  // QStartNoAckMode: answered directly
}

GdbServer::Action GdbServer::on_stop(StopReason reason) {
  if (client_ < 0) return Action::Detach;
  last_reason_ = reason;
  if (reason != StopReason::Start && !send_packet(stop_reply(reason))) {
    close_client();
    return Action::Detach;
  }
  std::string pkt, reply;
  for (;;) {
    const ReadResult r = read_packet(pkt, -1);
    if (r == ReadResult::Closed) {
      close_client();
      return Action::Detach;
    }
    if (r == ReadResult::Interrupt) continue;  // already stopped
    Action action = Action::Continue;
    if (handle(pkt, action, reply)) {
      if (action == Action::Kill || action == Action::Detach) close_client();
      return action;
    }
    if (reply == "\x01") continue;
    if (!send_packet(reply)) {
      close_client();
      return Action::Detach;
    }
  }
}

bool GdbServer::poll_interrupt() {
  if (client_ < 0) return false;
  for (;;) {
    const int b = read_byte(0);
    if (b == -1) return false;
    if (b == -2) {
      close_client();
      return false;
    }
    if (b == 0x03) return true;
    // Stray acks while running are ignored.
  }
}

void GdbServer::on_exit(int code) {
  if (client_ < 0) return;
  std::string reply = "W";
  append_hex8(reply, static_cast<uint8_t>(code & 0xFF));
  send_packet(reply);
  close_client();
}

}  // namespace pumavp::host
