// Whole-image disassembly (assembler.h: disassemble(const KernelImage&, ...)).
#include <cstdio>
#include <map>

#include "isa/assembler.h"

namespace pumavp::isa {

namespace {
std::string hex64(uint64_t w) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(w));
  return b;
}
}  // namespace

std::string disassemble(const KernelImage& img, const Geometry& platform) {
  const ImageHeader& h = img.header;
  Geometry g = img.geometry(platform);
  std::string s = "# pumavp kernel image\n";
  s += ".config tiles=" + std::to_string(h.tiles) + " cores=" + std::to_string(h.cores_per_tile) +
       " num_mvmu=" + std::to_string(h.num_mvmu) + " xbar_size=" + std::to_string(h.xbar_size) +
       " frac_bits=" + std::to_string(h.frac_bits) + " panther=" + (h.panther ? "true" : "false") +
       " bits_per_cell=" + std::to_string(h.bits_per_cell) + " slices=" + std::to_string(h.slices) +
       "\n";
  for (const Tensor& t : img.tensors) {
    s += ".tensor " + t.name + (t.dir == TensorDir::In ? " in " : " out ") + std::to_string(t.tile) +
         " " + std::to_string(t.addr) + " " + std::to_string(t.len);
    if (t.dir == TensorDir::In) s += " count=" + std::to_string(t.count);
    s += "\n";
  }
  for (const XbarWeights& x : img.xbars) {
    s += ".xbar " + std::to_string(x.tile) + " " + std::to_string(x.core) + " " +
         std::to_string(x.mvmu) + " rows=" + std::to_string(x.rows) + " cols=" +
         std::to_string(x.cols) + " format=raw\n";
    for (unsigned r = 0; r < x.rows; ++r) {
      s += "   ";
      for (unsigned c = 0; c < x.cols; ++c) {
        size_t k = size_t(r) * x.cols + c;
        s += " " + std::to_string(k < x.w.size() ? x.w[k] : 0);
      }
      s += "\n";
    }
    s += ".end\n";
  }
  for (const DataBlock& d : img.data) {
    s += ".data " + std::to_string(d.tile) + " " + std::to_string(d.addr) + " count=" +
         std::to_string(d.count) + " format=raw\n";
    for (size_t i = 0; i < d.words.size(); ++i) {
      s += (i % 16 == 0 ? "   " : "");
      s += " " + std::to_string(d.words[i]);
      if (i % 16 == 15 || i + 1 == d.words.size()) s += "\n";
    }
    s += ".end\n";
  }
  for (const Program& p : img.programs) {
    std::string unit = p.is_tile() ? ".tile " + std::to_string(p.tile)
                                   : ".core " + std::to_string(p.tile) + " " + std::to_string(p.core);
    s += unit + "\n";
    // labels of this unit, by index, in SYMBOLS order
    std::multimap<uint32_t, const Symbol*> labels;
    std::map<uint32_t, const Symbol*> first;
    for (const Symbol& sym : img.symbols)
      if (sym.tile == p.tile && sym.core == p.core) {
        labels.insert({sym.index, &sym});
        first.insert({sym.index, &sym});
      }
    auto put_labels = [&](uint32_t idx) {
      auto r = labels.equal_range(idx);
      for (auto it = r.first; it != r.second; ++it) s += it->second->name + ":\n";
    };
    for (size_t pc = 0; pc < p.words.size(); ++pc) {
      put_labels(uint32_t(pc));
      uint64_t w = p.words[pc];
      std::string text;
      bool decoded = false;
      if (p.is_tile()) {
        auto d = decode_tile(w, g);
        if (d.ok()) { text = disassemble(d.instr); decoded = true; }
      } else {
        auto d = decode_core(w, g);
        if (d.ok()) {
          decoded = true;
          text = disassemble(d.instr, g);
          if (d.instr.opcode == Opcode::Jmp || d.instr.opcode == Opcode::Brn) {
            if (d.instr.target >= p.words.size()) {
              text = ".word " + hex64(w) + "  # error 6: branch target " +
                     std::to_string(d.instr.target) + " beyond the program";
            } else {
              auto f = first.find(d.instr.target);
              if (f != first.end()) {
                size_t k = text.find_last_of(' ');
                text = text.substr(0, k + 1) + f->second->name;
              }
            }
          }
        }
      }
      if (!decoded) text = disassemble_word(w, p.is_tile(), g);
      s += "        " + text + "\n";
    }
    put_labels(uint32_t(p.words.size()));
    for (const auto& [idx, sym] : labels)
      if (idx > p.words.size())
        s += "# label " + sym->name + " at index " + std::to_string(idx) +
             " lies beyond the program and is not reproduced\n";
  }
  for (const Symbol& sym : img.symbols)
    if (!img.find_program(sym.tile, sym.core))
      s += "# label " + sym.name + " names a unit without a program and is not reproduced\n";
  return s;
}

}  // namespace pumavp::isa
