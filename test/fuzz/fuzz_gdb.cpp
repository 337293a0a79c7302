// Fuzz harness: the GDB remote-protocol command handler (host::GdbServer::handle_packet)
// against a fake target: 64 KiB of memory at 0x80000000, 32 GPRs + pc, CSRs 0..0xFFF. The
// input is a sequence of packet payloads separated by '\n' (one server for the whole input,
// so state such as breakpoints and no-ack mode carries from one packet to the next). Every
// reply must be "", "OK", an "Exx" error or well-formed data; the handler never throws.
#include <cstddef>
#include <cstdint>
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  pumavp::fuzz::guarded("fuzz_gdb", [&] {
    FakeTarget target;
    pumavp::host::GdbServer server(target);
    const std::string all(reinterpret_cast<const char*>(data), size);
    size_t start = 0;
    while (start <= all.size()) {
      size_t end = all.find('\n', start);
      if (end == std::string::npos) end = all.size();
      (void)server.handle_packet(all.substr(start, end - start));
      start = end + 1;
    }
  });
  return 0;
}
