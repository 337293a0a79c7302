// Fuzz harness: the ELF loader (host::ElfFile::parse, symbol lookups, load() into a bounded
// buffer). Errors are ElfError: a normal outcome. load() gets one allowed range (a 64 KiB
// window at the firmware's DRAM base, and the buffer behind it), so a write outside it is a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_common.h"
#include "host/elf_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  pumavp::fuzz::guarded("fuzz_elf", [&] {
    using pumavp::host::ElfError;
    using pumavp::host::ElfFile;
    constexpr uint32_t kBase = 0x80000000u, kSize = 64 * 1024;
    try {
      ElfFile f = ElfFile::parse(std::vector<uint8_t>(data, data + size), "fuzz.elf");
      (void)f.symbol("main");
      uint32_t off = 0;
      (void)f.symbol_at(f.entry(), &off);
      std::vector<uint8_t> mem(kSize);
      f.load(
          [&](uint32_t addr, const uint8_t* src, uint32_t len) {
            if (addr < kBase || uint64_t(addr) + len > uint64_t(kBase) + kSize)
              pumavp::fuzz::fail("fuzz_elf", "load() wrote outside the allowed range");
            if (src) std::memcpy(mem.data() + (addr - kBase), src, len);
            else std::memset(mem.data() + (addr - kBase), 0, len);
          },
          {{kBase, uint64_t(kSize)}});  // (base, size)
    } catch (const ElfError&) {
    }
  });
  return 0;
}
