// A minimal ELF32 writer for tests (little-endian; program headers, optional symbol table).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace elfw {

struct Segment {
  uint32_t addr;
  std::vector<uint8_t> data;
  uint32_t memsz;  // >= data.size()
};
struct Symbol {
  std::string name;
  uint32_t value, size;
  uint8_t type;  // 1 object, 2 func
};

inline void put16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  b[off] = static_cast<uint8_t>(v);
  b[off + 1] = static_cast<uint8_t>(v >> 8);
}
inline void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

inline std::vector<uint8_t> make_elf(uint32_t entry, const std::vector<Segment>& segs,
                                     const std::vector<Symbol>& syms = {}, uint16_t machine = 243,
                                     uint8_t cls = 1, uint16_t type = 2) {
  std::vector<uint8_t> b(52, 0);
  const char magic[4] = {0x7f, 'E', 'L', 'F'};
  std::memcpy(b.data(), magic, 4);
  b[4] = cls;
  b[5] = 1;
  b[6] = 1;
  put16(b, 16, type);
  put16(b, 18, machine);
  put32(b, 20, 1);
  put32(b, 24, entry);
  const uint32_t phoff = 52;
  put32(b, 28, phoff);
  put16(b, 40, 52);
  put16(b, 42, 32);
  put16(b, 44, static_cast<uint16_t>(segs.size()));
  put16(b, 46, 40);
  b.resize(phoff + 32 * segs.size(), 0);
  for (size_t i = 0; i < segs.size(); ++i) {
    const uint32_t off = static_cast<uint32_t>(b.size());
    b.insert(b.end(), segs[i].data.begin(), segs[i].data.end());
    const size_t ph = phoff + 32 * i;
    put32(b, ph + 0, 1);
    put32(b, ph + 4, off);
    put32(b, ph + 8, segs[i].addr);
    put32(b, ph + 12, segs[i].addr);
    put32(b, ph + 16, static_cast<uint32_t>(segs[i].data.size()));
    put32(b, ph + 20, segs[i].memsz);
    put32(b, ph + 24, 7);
  }
  if (!syms.empty()) {
    // strtab
    std::vector<uint8_t> str(1, 0), tab(16, 0);
    for (const auto& s : syms) {
      std::vector<uint8_t> e(16, 0);
      put32(e, 0, static_cast<uint32_t>(str.size()));
      put32(e, 4, s.value);
      put32(e, 8, s.size);
      e[12] = static_cast<uint8_t>(0x10 | s.type);  // global
      put16(e, 14, 1);
      str.insert(str.end(), s.name.begin(), s.name.end());
      str.push_back(0);
      tab.insert(tab.end(), e.begin(), e.end());
    }
    const uint32_t tab_off = static_cast<uint32_t>(b.size());
    b.insert(b.end(), tab.begin(), tab.end());
    const uint32_t str_off = static_cast<uint32_t>(b.size());
    b.insert(b.end(), str.begin(), str.end());
    while (b.size() % 4) b.push_back(0);
    const uint32_t shoff = static_cast<uint32_t>(b.size());
    b.resize(b.size() + 3 * 40, 0);  // null, symtab, strtab
    const size_t s1 = shoff + 40, s2 = shoff + 80;
    put32(b, s1 + 4, 2);
    put32(b, s1 + 16, tab_off);
    put32(b, s1 + 20, static_cast<uint32_t>(tab.size()));
    put32(b, s1 + 24, 2);
    put32(b, s1 + 36, 16);
    put32(b, s2 + 4, 3);
    put32(b, s2 + 16, str_off);
    put32(b, s2 + 20, static_cast<uint32_t>(str.size()));
    put32(b, 32, shoff);
    put16(b, 48, 3);
  }
  return b;
}

}  // namespace elfw
