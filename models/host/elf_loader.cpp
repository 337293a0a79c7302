#include "host/elf_loader.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "common/bounded_read.h"

namespace pumavp::host {
namespace {

constexpr uint16_t kEmRiscv = 243;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kShtSymtab = 2;

struct Reader {
  const std::vector<uint8_t>& b;
  const std::string& name;
  void need(uint64_t off, uint64_t len, const char* what) const {
    if (off > b.size() || len > b.size() - off)
      throw ElfError(fmt::format("{}: truncated ELF file ({} at offset {:#x}, {} bytes, file has {})", name,
                                 what, off, len, b.size()));
  }
  uint16_t u16(uint64_t off) const { return static_cast<uint16_t>(b[off] | (b[off + 1] << 8)); }
  uint32_t u32(uint64_t off) const {
    return static_cast<uint32_t>(b[off]) | (static_cast<uint32_t>(b[off + 1]) << 8) |
           (static_cast<uint32_t>(b[off + 2]) << 16) | (static_cast<uint32_t>(b[off + 3]) << 24);
  }
};

}  // namespace

ElfFile ElfFile::read_file(const std::string& path, uint64_t max_bytes) {
  std::string text, err;
  if (!read_bounded(path, max_bytes, "a firmware ELF (memory size + symbols)", text, err))
    throw ElfError(fmt::format("{}: {}", path, err));
  return parse(std::vector<uint8_t>(text.begin(), text.end()), path);
}

ElfFile ElfFile::parse(std::vector<uint8_t> bytes, const std::string& name) {
  ElfFile f;
  f.name_ = name;
  f.bytes_ = std::move(bytes);
  const auto& b = f.bytes_;
  Reader r{b, f.name_};
  if (b.size() < 4 || std::memcmp(b.data(), "\x7f" "ELF", 4) != 0)
    throw ElfError(fmt::format("{}: not an ELF file (bad magic)", name));
  r.need(0, 52, "ELF header");
  if (b[4] != 1) throw ElfError(fmt::format("{}: not a 32-bit ELF file (EI_CLASS {})", name, b[4]));
  if (b[5] != 1) throw ElfError(fmt::format("{}: not a little-endian ELF file (EI_DATA {})", name, b[5]));
  if (b[6] != 1) throw ElfError(fmt::format("{}: unsupported ELF version {}", name, b[6]));
  const uint16_t type = r.u16(16), machine = r.u16(18);
  if (machine != kEmRiscv)
    throw ElfError(fmt::format("{}: wrong machine {} (expected RISC-V, {})", name, machine, kEmRiscv));
  if (type != 2) throw ElfError(fmt::format("{}: not an executable (e_type {})", name, type));
  f.entry_ = r.u32(24);
  const uint32_t phoff = r.u32(28), shoff = r.u32(32);
  const uint16_t phentsize = r.u16(42), phnum = r.u16(44), shentsize = r.u16(46), shnum = r.u16(48);

  if (phnum == 0) throw ElfError(fmt::format("{}: no program headers", name));
  if (phentsize != 32) throw ElfError(fmt::format("{}: bad program header size {}", name, phentsize));
  r.need(phoff, static_cast<uint64_t>(phnum) * 32, "program headers");
  for (unsigned i = 0; i < phnum; ++i) {
    const uint64_t o = phoff + 32ull * i;
    if (r.u32(o) != kPtLoad) continue;
    ElfSegment s;
    s.offset = r.u32(o + 4);
    s.vaddr = r.u32(o + 8);
    s.paddr = r.u32(o + 12);
    s.filesz = r.u32(o + 16);
    s.memsz = r.u32(o + 20);
    s.flags = r.u32(o + 24);
    if (s.filesz > s.memsz)
      throw ElfError(fmt::format("{}: segment {} has p_filesz {:#x} > p_memsz {:#x}", name, i, s.filesz, s.memsz));
    r.need(s.offset, s.filesz, "segment data");
    if (static_cast<uint64_t>(s.paddr) + s.memsz > 0x100000000ull)
      throw ElfError(fmt::format("{}: segment {} wraps around the address space", name, i));
    if (static_cast<uint64_t>(s.vaddr) + s.memsz > 0x100000000ull)
      throw ElfError(fmt::format("{}: segment {} wraps around the virtual address space", name, i));
    if (!s.memsz) continue;
    // Two segments loaded over each other (e.g. a later zero fill over earlier code) are a
    // broken link, never loaded silently: compare the physical (load) and virtual ranges.
    for (size_t j = 0; j < f.segments_.size(); ++j) {
      const ElfSegment& p = f.segments_[j];
      auto overlap = [](uint64_t a, uint64_t an, uint64_t b, uint64_t bn) { return a < b + bn && b < a + an; };
      const bool phys = overlap(p.paddr, p.memsz, s.paddr, s.memsz);
      if (phys || overlap(p.vaddr, p.memsz, s.vaddr, s.memsz)) {
        const uint64_t pa = phys ? p.paddr : p.vaddr, sa = phys ? s.paddr : s.vaddr;
        throw ElfError(fmt::format(
            "{}: PT_LOAD segments {} [{:#010x}, {:#010x}) and {} [{:#010x}, {:#010x}) overlap in {} address space",
            name, f.seg_index_[j], pa, pa + p.memsz, i, sa, sa + s.memsz, phys ? "physical" : "virtual"));
      }
    }
    f.segments_.push_back(s);
    f.seg_index_.push_back(i);
  }
  if (f.segments_.empty()) throw ElfError(fmt::format("{}: no loadable (PT_LOAD) segment", name));
  const bool entry_ok = std::any_of(f.segments_.begin(), f.segments_.end(), [&](const ElfSegment& s) {
    return f.entry_ - s.vaddr < s.memsz || f.entry_ - s.paddr < s.memsz;
  });
  if (!entry_ok) throw ElfError(fmt::format("{}: entry point {:#010x} is outside every loadable segment", name, f.entry_));

  // Symbols (optional).
  if (shnum) {
    if (shentsize != 40) throw ElfError(fmt::format("{}: bad section header size {}", name, shentsize));
    r.need(shoff, static_cast<uint64_t>(shnum) * 40, "section headers");
    for (unsigned i = 0; i < shnum; ++i) {
      const uint64_t o = shoff + 40ull * i;
      if (r.u32(o + 4) != kShtSymtab) continue;
      const uint32_t off = r.u32(o + 16), size = r.u32(o + 20), link = r.u32(o + 24), entsize = r.u32(o + 36);
      if (entsize != 16) throw ElfError(fmt::format("{}: bad symbol entry size {}", name, entsize));
      if (link >= shnum) throw ElfError(fmt::format("{}: symbol table links to missing section {}", name, link));
      r.need(off, size, "symbol table");
      const uint64_t so = shoff + 40ull * link;
      const uint32_t str_off = r.u32(so + 16), str_size = r.u32(so + 20);
      r.need(str_off, str_size, "string table");
      for (uint32_t e = 0; e + 16 <= size; e += 16) {
        const uint32_t nm = r.u32(off + e), value = r.u32(off + e + 4), sz = r.u32(off + e + 8);
        const uint8_t info = b[off + e + 12];
        if (nm == 0) continue;
        if (nm >= str_size) throw ElfError(fmt::format("{}: symbol name offset {} out of range", name, nm));
        const char* s = reinterpret_cast<const char*>(b.data() + str_off + nm);
        const size_t maxlen = str_size - nm;
        const size_t len = strnlen(s, maxlen);
        if (len == maxlen) throw ElfError(fmt::format("{}: unterminated symbol name", name));
        const uint8_t stype = info & 0xf;
        if (stype == 3 || stype == 4) continue;  // section, file
        f.symbols_.push_back(ElfSymbol{std::string(s, len), value, sz, stype});
      }
    }
  }
  std::stable_sort(f.symbols_.begin(), f.symbols_.end(),
                   [](const ElfSymbol& a, const ElfSymbol& c) { return a.value < c.value; });
  return f;
}

std::optional<uint32_t> ElfFile::symbol(const std::string& name) const {
  for (const auto& s : symbols_)
    if (s.name == name) return s.value;
  return std::nullopt;
}

std::string ElfFile::symbol_at(uint32_t addr, uint32_t* offset) const {
  const ElfSymbol* best = nullptr;
  for (const auto& s : symbols_) {
    if (s.value > addr) break;
    if (s.type != 1 && s.type != 2) continue;
    if (s.size && addr - s.value >= s.size) continue;
    best = &s;
  }
  if (!best) return "";
  if (offset) *offset = addr - best->value;
  return best->name;
}

void ElfFile::load(const std::function<void(uint32_t, const uint8_t*, uint32_t)>& write,
                   const std::vector<Range>& allowed) const {
  for (const auto& s : segments_) {
    const uint64_t lo = s.paddr, hi = static_cast<uint64_t>(s.paddr) + s.memsz;
    const bool inside = std::any_of(allowed.begin(), allowed.end(),
                                    [&](const Range& r) { return lo >= r.first && hi <= r.first + r.second; });
    if (!inside)
      throw ElfError(fmt::format("{}: segment [{:#010x}, {:#010x}) lies outside memory", name_, lo, hi));
  }
  for (const auto& s : segments_) {
    if (s.filesz) write(s.paddr, bytes_.data() + s.offset, s.filesz);
    if (s.memsz > s.filesz) write(s.paddr + s.filesz, nullptr, s.memsz - s.filesz);
  }
}

}  // namespace pumavp::host
