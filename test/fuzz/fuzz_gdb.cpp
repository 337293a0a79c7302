// Fuzz harness: the GDB remote protocol, framing (host::RspFramer) and command handler
// (host::GdbServer::handle_packet), against a fake target: 64 KiB of memory at 0x80000000,
// 32 GPRs + pc, CSRs 0..0xFFF. The input is a sequence of lines separated by '\n' (one server
// for the whole input, so state such as breakpoints and no-ack mode carries over):
//  - a line starting with '!' is a raw byte stream (acks, noise, partial or oversized packets,
//    wrong checksums, 0x03): the framer's events must equal those of the separately written
//    reference decoder below, and every packet it yields goes to the handler;
//  - any other line is a packet payload: framed with RspFramer::frame, decoded again (it must
//    come back as the same payload when it holds no '#' and fits), and handled.
// The handler never throws.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "host/gdb_server.h"

namespace {

class FakeTarget : public pumavp::host::GdbTarget {
 public:
  static constexpr uint32_t kBase = 0x80000000u, kSize = 64 * 1024;
  uint32_t read_gpr(unsigned n) override { return check_gpr(n) ? gpr_[n] : 0; }
  void write_gpr(unsigned n, uint32_t v) override {
    if (check_gpr(n) && n) gpr_[n] = v;
  }
  uint32_t read_pc() override { return pc_; }
  void write_pc(uint32_t v) override { pc_ = v; }
  bool read_csr(unsigned n, uint32_t& v) override {
    if (n >= 4096) pumavp::fuzz::fail("fuzz_gdb", "CSR number out of range");
    v = csr_[n];
    return n != 0x7B0;  // one CSR that does not exist
  }
  bool write_csr(unsigned n, uint32_t v) override {
    if (n >= 4096) pumavp::fuzz::fail("fuzz_gdb", "CSR number out of range");
    if (n == 0x7B0) return false;
    csr_[n] = v;
    return true;
  }
  bool read_memory(uint32_t addr, uint8_t* data, size_t len) override {
    if (!mapped(addr, len)) return false;
    std::memcpy(data, mem_.data() + (addr - kBase), len);
    return true;
  }
  bool write_memory(uint32_t addr, const uint8_t* data, size_t len) override {
    if (!mapped(addr, len)) return false;
    std::memcpy(mem_.data() + (addr - kBase), data, len);
    return true;
  }
  void set_breakpoint(uint32_t addr) override { bps_.insert(addr); }
  void clear_breakpoint(uint32_t addr) override { bps_.erase(addr); }

 private:
  static bool check_gpr(unsigned n) {
    if (n >= 32) pumavp::fuzz::fail("fuzz_gdb", "GPR number out of range");
    return true;
  }
  static bool mapped(uint32_t addr, size_t len) {
    return addr >= kBase && uint64_t(addr) - kBase + len <= kSize;
  }
  uint32_t gpr_[32] = {};
  uint32_t pc_ = kBase;
  std::vector<uint32_t> csr_ = std::vector<uint32_t>(4096);
  std::vector<uint8_t> mem_ = std::vector<uint8_t>(kSize);
  std::set<uint32_t> bps_;
};

// Reference decoder (written from the protocol description, independently of RspFramer):
// events of a complete byte stream; an unfinished packet at the end yields nothing.
struct RefEvent {
  pumavp::host::RspFramer::Event e;
  std::string payload;
};
std::vector<RefEvent> ref_decode(const std::string& b) {
  using E = pumavp::host::RspFramer::Event;
  std::vector<RefEvent> out;
  size_t i = 0;
  while (i < b.size()) {
    const unsigned char c = static_cast<unsigned char>(b[i]);
    if (c == 0x03) {
      out.push_back({E::Interrupt, ""});
      ++i;
    } else if (c == '$') {
      const size_t h = b.find('#', i + 1);
      if (h == std::string::npos || h + 2 >= b.size()) break;
      const std::string pl = b.substr(i + 1, h - i - 1);
      if (pl.size() > pumavp::host::RspFramer::kMaxPayload) {
        out.push_back({E::Overflow, ""});
      } else {
        unsigned sum = 0;
        for (unsigned char x : pl) sum = (sum + x) % 256;
        char want[3];
        std::snprintf(want, sizeof want, "%02x", sum);
        auto lower = [](char x) { return static_cast<char>(x >= 'A' && x <= 'F' ? x - 'A' + 'a' : x); };
        const bool ok = lower(b[h + 1]) == want[0] && lower(b[h + 2]) == want[1];
        out.push_back({ok ? E::Packet : E::BadChecksum, pl});
      }
      i = h + 3;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  pumavp::fuzz::guarded("fuzz_gdb", [&] {
    FakeTarget target;
    pumavp::host::GdbServer server(target);
    const std::string all(reinterpret_cast<const char*>(data), size);
    using pumavp::host::RspFramer;
    size_t start = 0;
    while (start <= all.size()) {
      size_t end = all.find('\n', start);
      if (end == std::string::npos) end = all.size();
      const std::string line = all.substr(start, end - start);
      start = end + 1;
      RspFramer framer;
      if (!line.empty() && line[0] == '!') {
        const std::string raw = line.substr(1);
        std::vector<RefEvent> got;
        for (unsigned char c : raw) {
          const RspFramer::Event e = framer.feed(c);
          if (e == RspFramer::Event::None) continue;
          const bool has = e == RspFramer::Event::Packet || e == RspFramer::Event::BadChecksum;
          got.push_back({e, has ? framer.payload() : std::string()});
          if (e == RspFramer::Event::Packet) (void)server.handle_packet(framer.payload());
          if (framer.payload().size() > RspFramer::kMaxPayload)
            pumavp::fuzz::fail("fuzz_gdb", "framer payload beyond kMaxPayload");
        }
        const std::vector<RefEvent> want = ref_decode(raw);
        if (got.size() != want.size()) pumavp::fuzz::fail("fuzz_gdb", "framer event count differs from the reference");
        for (size_t k = 0; k < got.size(); ++k)
          if (got[k].e != want[k].e || got[k].payload != want[k].payload)
            pumavp::fuzz::fail("fuzz_gdb", "framer event differs from the reference");
        continue;
      }
      const std::string f = RspFramer::frame(line);
      int packets = 0;
      for (unsigned char c : f)
        if (framer.feed(c) == RspFramer::Event::Packet) {
          ++packets;
          if (line.find('#') == std::string::npos && framer.payload() != line)
            pumavp::fuzz::fail("fuzz_gdb", "a framed payload came back different");
        }
      if (line.find('#') == std::string::npos && line.size() <= RspFramer::kMaxPayload && packets != 1)
        pumavp::fuzz::fail("fuzz_gdb", "a framed payload did not come back as one packet");
      (void)server.handle_packet(line);
    }
  });
  return 0;
}
