// pumavp::host::ElfFile — a small checked ELF32 reader for RISC-V firmware (no libelf).
// Accepts ELF32, little-endian, EM_RISCV (243), ET_EXEC; rejects anything truncated or
// inconsistent with an ElfError naming the file and the problem. PT_LOAD segments are loaded
// at their physical address (p_paddr: the link script's LMA; equal to p_vaddr for pumavp
// firmware), file bytes followed by zero fill up to p_memsz; segments overlapping in physical or virtual
// address space are refused. The symbol table (if any) gives
// name -> address and address -> name lookups for traces and tohost-style checks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pumavp::host {

class ElfError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ElfSegment {
  uint32_t offset = 0, vaddr = 0, paddr = 0, filesz = 0, memsz = 0, flags = 0;
};

struct ElfSymbol {
  std::string name;
  uint32_t value = 0, size = 0;
  uint8_t type = 0;  // STT_*: 1 object, 2 function
};

class ElfFile {
 public:
  // Refuses a file larger than max_bytes (reads at most max_bytes + 1; README "Input limits").
  static ElfFile read_file(const std::string& path, uint64_t max_bytes = kDefaultMaxBytes);
  static constexpr uint64_t kDefaultMaxBytes = 256ull << 20;
  static ElfFile parse(std::vector<uint8_t> bytes, const std::string& name = "<memory>");

  uint32_t entry() const { return entry_; }
  const std::vector<ElfSegment>& segments() const { return segments_; }  // PT_LOAD only
  const std::vector<ElfSymbol>& symbols() const { return symbols_; }
  std::optional<uint32_t> symbol(const std::string& name) const;
  // The function or object symbol containing addr (or the closest one below it) and the
  // offset into it; empty name if none.
  std::string symbol_at(uint32_t addr, uint32_t* offset = nullptr) const;

  using Range = std::pair<uint64_t, uint64_t>;  // [base, base + size)
  // Check every segment lies inside one of `allowed`, then write it: `write(addr, data, len)`
  // with the file bytes, then zeros (data == nullptr) for the bss part. Throws ElfError.
  void load(const std::function<void(uint32_t addr, const uint8_t* data, uint32_t len)>& write,
            const std::vector<Range>& allowed) const;

 private:
  std::string name_;
  std::vector<uint8_t> bytes_;
  uint32_t entry_ = 0;
  std::vector<ElfSegment> segments_;
  std::vector<unsigned> seg_index_;  // program header index of each segment
  std::vector<ElfSymbol> symbols_;  // sorted by value
};

}  // namespace pumavp::host
