// pumavp::fabric::ProgramMemory — the decoded instruction memory of one unit: a core
// (Instr = isa::CoreInstr) or a tile control unit (Instr = isa::TileInstr). Pure C++.
//
// LOAD decodes every word once (isa.md §4, §5); words that do not decode are kept with their
// error and fault only when reached (isa.md §11). Fetch is bounds-checked: `fetch(pc)` is
// null for a PC beyond the program. The text helpers give what traces and error reports
// print for a PC: the disassembly, `.word 0x...` for an undecodable word, or
// "<pc out of range>".
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

#include "isa/encoding.h"
#include "common/geometry.h"
#include "isa/instr.h"

namespace pumavp::fabric {

template <class Instr>
class ProgramMemory {
  static_assert(std::is_same_v<Instr, isa::CoreInstr> || std::is_same_v<Instr, isa::TileInstr>,
                "a program memory holds core or tile instructions");
  static constexpr bool kCore = std::is_same_v<Instr, isa::CoreInstr>;

 public:
  struct Slot {
    uint64_t word = 0;
    Instr in{};
    bool ok = false;  // decoded; otherwise err/why say why not
    isa::ErrorCode err = isa::ErrorCode::None;
    std::string why;
  };

  explicit ProgramMemory(const pumavp::Geometry& geo) : geo_(geo) {}

  // LOAD: decodes every word. Returns false (program unchanged, *why set) only if the program
  // is larger than `capacity` (core.imem_words or tile.imem_words).
  bool load(const std::vector<uint64_t>& words, unsigned capacity, std::string* why = nullptr) {
    if (words.size() > capacity) {
      if (why)
        *why = std::string(kCore ? "core" : "tile") + " program of " +
               std::to_string(words.size()) + " instructions exceeds " +
               (kCore ? "core" : "tile") + ".imem_words = " + std::to_string(capacity);
      return false;
    }
    slots_.clear();
    slots_.reserve(words.size());
    for (uint64_t w : words) {
      Slot s;
      s.word = w;
      const isa::Decoded<Instr> d = decode(w);
      s.ok = d.ok();
      s.in = d.instr;
      s.err = d.error.code;
      s.why = d.error.message;
      slots_.push_back(std::move(s));
    }
    return true;
  }
  void clear() { slots_.clear(); }
  bool empty() const { return slots_.empty(); }
  size_t size() const { return slots_.size(); }

  // Bounds-checked fetch: the slot at pc, or null beyond the program.
  const Slot* fetch(uint32_t pc) const { return pc < slots_.size() ? &slots_[pc] : nullptr; }

  // Raw word at pc (0 beyond the program).
  uint64_t word_at(uint32_t pc) const { return pc < slots_.size() ? slots_[pc].word : 0; }
  // Disassembly at pc; `.word 0x...` for an undecodable word; "<pc out of range>".
  std::string disasm_at(uint32_t pc) const {
    if (pc >= slots_.size()) return "<pc out of range>";
    const Slot& s = slots_[pc];
    if (!s.ok) return raw_word_text(s.word);
    if constexpr (kCore)
      return isa::disassemble(s.in, geo_);
    else
      return isa::disassemble(s.in);
  }
  // Base mnemonic ("mvm", "alu", "send", ...) at pc; "illegal" for a bad word or PC.
  const char* mnemonic_at(uint32_t pc) const {
    if (pc >= slots_.size() || !slots_[pc].ok) return "illegal";
    const char* n = isa::opcode_name(slots_[pc].in.opcode);
    return n ? n : "illegal";
  }
  // Instruction class ("mvm", "vfu", "sfu", "mem", "control", ...) at pc; "error" otherwise.
  const char* class_at(uint32_t pc) const {
    if (pc >= slots_.size() || !slots_[pc].ok) return "error";
    return isa::opcode_class(slots_[pc].in.opcode);
  }

  // Text of an instruction word as a report shows it (decoded independently of the loaded
  // program: deadlock reports keep the word they recorded).
  std::string describe_word(uint64_t word) const {
    const isa::Decoded<Instr> d = decode(word);
    if (!d.ok()) return raw_word_text(word);
    if constexpr (kCore)
      return isa::disassemble(d.instr, geo_);
    else
      return isa::disassemble(d.instr);
  }

 private:
  isa::Decoded<Instr> decode(uint64_t w) const {
    if constexpr (kCore)
      return isa::decode_core(w, geo_);
    else
      return isa::decode_tile(w, geo_);
  }
  static std::string raw_word_text(uint64_t w) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ".word 0x%016llx", static_cast<unsigned long long>(w));
    return buf;
  }

  pumavp::Geometry geo_;
  std::vector<Slot> slots_;
};

}  // namespace pumavp::fabric
