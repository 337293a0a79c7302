#include "isa/assembler.h"
#include "common/bounded_read.h"
#include "isa/opcode_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/fixed_convert.h"
#include "isa/npy.h"

namespace pumavp::isa {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident(const std::string& s) {
  if (s.empty() || !is_ident_start(s[0])) return false;
  for (char c : s)
    if (!is_ident_char(c)) return false;
  return true;
}

// Integer literal: [-](decimal | 0x hex | 0b binary). Magnitude up to 2^64-1.
bool parse_int_lit(const std::string& s, bool& neg, uint64_t& mag) {
  size_t i = 0;
  neg = false;
  if (i < s.size() && s[i] == '-') { neg = true; ++i; }
  if (i >= s.size()) return false;
  unsigned base = 10;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) { base = 16; i += 2; }
  else if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) { base = 2; i += 2; }
  mag = 0;
  for (; i < s.size(); ++i) {
    char c = char(std::tolower(static_cast<unsigned char>(s[i])));
    unsigned d;
    if (c >= '0' && c <= '9') d = unsigned(c - '0');
    else if (c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
    else return false;
    if (d >= base) return false;
    if (mag > (~0ull - d) / base) return false;  // overflow
    mag = mag * base + d;
  }
  return true;
}

// Decimal real (no suffix); false if not entirely a number.
bool parse_real(const std::string& s, double& v) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return false;
  const char* b = s.c_str();
  char* e = nullptr;
  v = std::strtod(b, &e);
  return e == b + s.size() && std::isfinite(v);
}

struct Tok {
  std::string text;
  unsigned col = 0;  // 1-based
};

// Split `s` (from column `col0`) at blanks/commas. Reports empty operands.
bool split_operands(const std::string& s, unsigned col0, std::vector<Tok>& out, unsigned& bad_col) {
  size_t i = 0;
  int commas = 1;  // a leading comma is an empty operand
  bool first = true;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t') { ++i; continue; }
    if (c == ',') {
      if (first || commas >= 1) { bad_col = col0 + unsigned(i); return false; }
      ++commas;
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != ',') ++j;
    out.push_back({s.substr(i, j - i), col0 + unsigned(i)});
    first = false;
    commas = 0;
    i = j;
  }
  if (commas >= 1 && !first) { bad_col = col0 + unsigned(s.find_last_of(',')); return false; }
  return true;
}

std::string dirname_of(const std::string& p) {
  size_t k = p.find_last_of('/');
  if (k == std::string::npos) return ".";
  if (k == 0) return "/";
  return p.substr(0, k);
}

struct Pending {
  bool raw = false;       // .word
  bool bad = false;       // had an error already
  bool tile = false;
  uint64_t word = 0;
  CoreInstr ci;
  TileInstr ti;
  Tok target;             // unresolved branch target (label or integer), empty if none
  unsigned line = 0, col = 0;
};

struct Section {
  uint16_t tile = 0;
  uint8_t core = kTileUnit;
  unsigned line = 0, col = 0;
  bool dup = false;
  std::vector<Pending> ins;
  std::map<std::string, uint32_t> labels;
  std::vector<std::pair<std::string, uint32_t>> label_order;
  bool is_tile() const { return core == kTileUnit; }
};

constexpr int kSendUse = -2;  // Use::core of a send target (counts for the default only)
struct Use {
  unsigned tile;
  int core;  // -1: tile-level use, kSendUse: send target
  unsigned line, col;
};

class Assembler {
 public:
  Assembler(const std::string& text, const std::string& file, const std::string& base_dir,
            const Geometry& platform, Diagnostics& diag)
      : file_(file), base_dir_(base_dir), g_(platform), diag_(diag) {
    std::string cur;
    for (char c : text) {
      if (c == '\n') { lines_.push_back(cur); cur.clear(); }
      else if (c != '\r') cur += c;
    }
    if (!cur.empty()) lines_.push_back(cur);
  }

  std::optional<KernelImage> run();

 private:
  // --- diagnostics
  unsigned cur_line_ = 0;  // 1-based line being processed
  void error(unsigned col, const std::string& m) { error_at(cur_line_, col, m); }
  void error_at(unsigned line, unsigned col, const std::string& m) {
    diag_.error(file_, line, col, m, line && line <= lines_.size() ? lines_[line - 1] : "");
  }
  void warning_at(unsigned line, unsigned col, const std::string& m) {
    diag_.warning(file_, line, col, m, line && line <= lines_.size() ? lines_[line - 1] : "");
  }

  // --- operands
  struct Ops {
    std::vector<Tok> pos;
    std::map<std::string, Tok> kv;
    std::vector<Tok> flags;
  };
  bool parse_ops(const std::string& mnem, unsigned mcol, const std::vector<Tok>& toks,
                 size_t npos_min, size_t npos_max, const std::vector<std::string>& keys,
                 Ops& ops, const std::vector<std::string>& flags = {});

  // Expression: term ([+-] term)*, term = integer | .equ name | region reference.
  bool eval(const Tok& t, int64_t& v, const char* what);
  bool eval_term(const std::string& s, unsigned col, int64_t& v);
  bool eval_range(const Tok& t, int64_t lo, int64_t hi, int64_t& v, const char* what);
  // Immediate: integer -32768..65535 or q literal; returns the 16-bit pattern.
  bool eval_imm(const Tok& t, uint16_t& v);
  // q literal "1.5q" → to_fixed(1.5, s, lo, hi) (common/fixed_convert.h); `is_q` false if
  // the token has no q suffix.
  bool q_literal(const Tok& t, unsigned s, int64_t lo, int64_t hi, bool& is_q, FixedValue& q);
  bool value(const Tok& t, bool qfmt, unsigned s, int64_t lo, int64_t hi, int64_t& v);

  // --- statements
  void statement(const std::string& mnem, unsigned mcol, const std::vector<Tok>& toks);
  // An instruction: the opcode-table row (opcodes.def) of its mnemonic, then `operands`:
  // one generic pass over the row's operand list, one parser per operand kind.
  void instr(bool tile, const std::string& base, const std::string& sub, unsigned mcol,
             const std::vector<Tok>& toks, Pending& p);
  template <class Instr>
  bool operands(const OpcodeInfo& row, const std::string& base, const std::string& sub,
                unsigned mcol, const std::vector<Tok>& toks, Instr& in, Pending& p);
  // Per-kind parsers: operand address; `.suffix` of a sub-op kind → op code; len=N alias of
  // width=/vec= (widest width <= wmax dividing N); mcu uK=mvm+mtvm+opa flags.
  bool addr(const Tok& t, const char* what, int64_t& v);
  bool sub_op(SubOp s, const std::string& base, const std::string& sub, unsigned mcol, unsigned& op);
  bool len_alias(const Tok& t, const Ops& ops, int64_t wmax, int64_t vmax, int64_t& w, int64_t& n);
  bool mcu_flags(const std::string& mnem, unsigned mcol, const Ops& ops, uint8_t (&flags)[kMaxMcus]);
  void dir_config(unsigned mcol, const std::vector<Tok>& toks);
  void dir_xbar(unsigned mcol, const std::vector<Tok>& toks);
  void dir_data(unsigned mcol, const std::vector<Tok>& toks);
  void dir_tensor(unsigned mcol, const std::vector<Tok>& toks);
  // Reads value lines up to `.end`; false if missing.
  bool read_block(std::vector<std::vector<Tok>>& rows, std::vector<unsigned>& row_lines);
  bool read_text_matrix(const std::string& path, bool qfmt, unsigned s, int64_t lo, int64_t hi,
                        std::vector<std::vector<int64_t>>& m, unsigned col);
  void use_tile(unsigned tile, int core, unsigned col) { uses_.push_back({tile, core, cur_line_, col}); }
  void finish(KernelImage& img);

  std::string file_, base_dir_;
  Geometry g_;
  Diagnostics& diag_;
  std::vector<std::string> lines_;
  size_t next_line_ = 0;
  std::map<std::string, int64_t> equ_;
  bool any_statement_ = false, config_seen_ = false, tiles_given_ = false, cores_given_ = false;
  std::vector<Use> uses_;
  std::vector<Section> sections_;
  int cur_ = -1;
  std::map<std::pair<unsigned, unsigned>, unsigned> section_line_;
  std::map<std::tuple<unsigned, unsigned, unsigned>, unsigned> xbar_line_;
  std::map<std::string, unsigned> tensor_line_;
  KernelImage img_;
};

bool Assembler::parse_ops(const std::string& mnem, unsigned mcol, const std::vector<Tok>& toks,
                          size_t npos_min, size_t npos_max, const std::vector<std::string>& keys,
                          Ops& ops, const std::vector<std::string>& flags) {
  bool ok = true;
  for (const Tok& t : toks) {
    size_t eq = t.text.find('=');
    if (eq != std::string::npos) {
      std::string k = lower(t.text.substr(0, eq));
      Tok v{t.text.substr(eq + 1), t.col + unsigned(eq) + 1};
      if (k.empty() || v.text.empty()) {
        error(t.col, "malformed key=value operand '" + t.text + "'");
        ok = false;
        continue;
      }
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        std::string allowed;
        for (const auto& a : keys) allowed += (allowed.empty() ? "" : ", ") + a;
        error(t.col, "unknown key '" + k + "' for " + mnem +
                         (allowed.empty() ? " (it takes no keys)" : " (allowed: " + allowed + ")"));
        ok = false;
        continue;
      }
      if (ops.kv.count(k)) {
        error(t.col, "key '" + k + "' given twice");
        ok = false;
        continue;
      }
      ops.kv[k] = v;
    } else if (std::find(flags.begin(), flags.end(), lower(t.text)) != flags.end()) {
      ops.flags.push_back(t);
    } else if (!ops.kv.empty()) {
      error(t.col, "positional operand '" + t.text + "' after key=value operands");
      ok = false;
    } else {
      ops.pos.push_back(t);
    }
  }
  if (!ok) return false;
  if (ops.pos.size() > npos_max) {
    error(ops.pos[npos_max].col, mnem + " takes " +
                                     (npos_min == npos_max ? "" : "at most ") +
                                     std::to_string(npos_max) + " positional operand" +
                                     (npos_max == 1 ? "" : "s") + ", found '" +
                                     ops.pos[npos_max].text + "'");
    return false;
  }
  if (ops.pos.size() < npos_min) {
    error(mcol, mnem + " needs " + (npos_min == npos_max ? "" : "at least ") +
                    std::to_string(npos_min) + " positional operand" + (npos_min == 1 ? "" : "s") +
                    ", found " + std::to_string(ops.pos.size()));
    return false;
  }
  return true;
}

bool Assembler::eval_term(const std::string& s, unsigned col, int64_t& v) {
  bool neg;
  uint64_t mag;
  if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) {
    if (!parse_int_lit(s, neg, mag) || mag > (uint64_t(1) << 62)) {
      error(col, "bad integer '" + s + "'");
      return false;
    }
    v = neg ? -int64_t(mag) : int64_t(mag);
    return true;
  }
  auto e = equ_.find(s);
  if (e != equ_.end()) { v = e->second; return true; }
  std::string l = lower(s);
  // region references
  auto num = [](const std::string& t, size_t& i, unsigned& out) {
    size_t b = i;
    uint64_t x = 0;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
      x = x * 10 + unsigned(t[i] - '0');
      if (x > 1000000) return false;
      ++i;
    }
    out = unsigned(x);
    return i > b;
  };
  if (l.rfind("rf.", 0) == 0) {
    size_t i = 3;
    unsigned idx;
    if (num(l, i, idx) && i == l.size()) {
      if (idx >= g_.n_rf()) {
        error(col, "register " + s + " beyond the RF (" + std::to_string(g_.n_rf()) + " words)");
        return false;
      }
      v = g_.rf_addr(idx);
      return true;
    }
  }
  bool in = l.rfind("in", 0) == 0, out = l.rfind("out", 0) == 0;
  if (in || out) {
    size_t i = in ? 2 : 3;
    unsigned a, b, c;
    if (num(l, i, a) && i < l.size() && l[i] == '.' && (++i, num(l, i, b))) {
      bool three = false;
      if (i < l.size() && l[i] == '.') {
        ++i;
        if (!num(l, i, c)) i = l.size() + 1;
        three = true;
      }
      if (i == l.size()) {
        unsigned m = a, k = three ? b : 0, idx = three ? c : b;
        if (m >= g_.num_mvmu) {
          error(col, "'" + s + "': MVMU " + std::to_string(m) + " does not exist (" +
                         std::to_string(g_.num_mvmu) + " per core)");
          return false;
        }
        if (k >= g_.K()) {
          error(col, "'" + s + "': slot " + std::to_string(k) + " does not exist (" +
                         std::to_string(g_.K()) + (g_.panther ? " slots with PANTHER)" : " slot without PANTHER)"));
          return false;
        }
        if (idx >= g_.xbar_size) {
          error(col, "'" + s + "': word " + std::to_string(idx) + " beyond the crossbar size " +
                         std::to_string(g_.xbar_size));
          return false;
        }
        v = in ? g_.xbar_in_addr(m, k, idx) : g_.xbar_out_addr(m, k, idx);
        return true;
      }
    }
  }
  if (is_ident(s)) error(col, "undefined name '" + s + "'");
  else error(col, "bad operand '" + s + "'");
  return false;
}

bool Assembler::eval(const Tok& t, int64_t& v, const char* what) {
  const std::string& s = t.text;
  if (s.empty()) {
    error(t.col, std::string("missing ") + what);
    return false;
  }
  // split into terms at + / - (a leading '-' belongs to the first term)
  size_t i = 0;
  int64_t acc = 0;
  int sign = 1;
  bool first = true;
  while (i <= s.size()) {
    size_t j = i + ((first && i < s.size() && s[i] == '-') ? 1 : 0);
    while (j < s.size() && s[j] != '+' && s[j] != '-') ++j;
    std::string term = s.substr(i, j - i);
    if (term.empty() || term == "-") {
      error(t.col + unsigned(i), std::string("malformed ") + what + " '" + s + "'");
      return false;
    }
    int64_t tv;
    if (!eval_term(term, t.col + unsigned(i), tv)) return false;
    acc += sign * tv;
    if (acc > (int64_t(1) << 62) || acc < -(int64_t(1) << 62)) {
      error(t.col, std::string(what) + " '" + s + "' out of range");
      return false;
    }
    first = false;
    if (j >= s.size()) break;
    sign = s[j] == '+' ? 1 : -1;
    i = j + 1;
    if (i >= s.size()) {
      error(t.col + unsigned(j), std::string("malformed ") + what + " '" + s + "'");
      return false;
    }
  }
  v = acc;
  return true;
}

bool Assembler::eval_range(const Tok& t, int64_t lo, int64_t hi, int64_t& v, const char* what) {
  if (!eval(t, v, what)) return false;
  if (v < lo || v > hi) {
    error(t.col, std::string(what) + " " + std::to_string(v) + " out of range (" +
                     std::to_string(lo) + ".." + std::to_string(hi) + ")");
    return false;
  }
  return true;
}

bool Assembler::q_literal(const Tok& t, unsigned s, int64_t lo, int64_t hi, bool& is_q,
                          FixedValue& q) {
  is_q = false;
  if (t.text.size() < 2) return true;
  char last = t.text.back();
  if (last != 'q' && last != 'Q') return true;
  double v;
  if (!parse_real(t.text.substr(0, t.text.size() - 1), v)) return true;  // not a q literal
  is_q = true;
  q = to_fixed(v, s, lo, hi);
  return true;
}

bool Assembler::value(const Tok& t, bool qfmt, unsigned s, int64_t lo, int64_t hi, int64_t& v) {
  bool is_q;
  FixedValue q;
  q_literal(t, s, lo, hi, is_q, q);
  double r;
  if (!is_q && qfmt && parse_real(t.text, r)) {
    is_q = true;
    q = to_fixed(r, s, lo, hi);
  }
  if (is_q) {
    if (!q.ok) {
      error(t.col, "value '" + t.text + "' out of range (raw " + std::to_string(lo) + ".." +
                       std::to_string(hi) + " at " + std::to_string(s) + " fractional bits)");
      return false;
    }
    v = q.raw;
    return true;
  }
  return eval_range(t, lo, hi, v, "value");
}

bool Assembler::eval_imm(const Tok& t, uint16_t& v) {
  int64_t x;
  bool is_q;
  FixedValue q;
  q_literal(t, g_.frac_bits, -32768, 32767, is_q, q);
  if (is_q) {
    if (!q.ok) {
      error(t.col, "fixed-point literal '" + t.text + "' out of range at " +
                       std::to_string(g_.frac_bits) + " fractional bits");
      return false;
    }
    v = uint16_t(int16_t(q.raw));
    return true;
  }
  if (!eval_range(t, -32768, 65535, x, "immediate")) return false;
  v = uint16_t(x);
  return true;
}

bool Assembler::addr(const Tok& t, const char* what, int64_t& v) {
  if (!eval(t, v, what)) return false;
  if (v >= 0 && v < int64_t(g_.operand_space())) return true;
  error(t.col, std::string(what) + " " + std::to_string(v) + " outside the operand space (0.." +
                   std::to_string(g_.operand_space() - 1) + ")");
  return false;
}

bool Assembler::sub_op(SubOp s, const std::string& base, const std::string& sub, unsigned mcol,
                       unsigned& op) {
  bool cond = s == SubOp::Brn;  // conditions: named "condition", listed when unknown
  std::string names;
  int code = -1;
  for (unsigned c = 0; sub_op_name(s, c); ++c) {
    names += (c ? ", " : "") + std::string(sub_op_name(s, c));
    if (sub == sub_op_name(s, c)) code = int(c);
  }
  const char* noun = cond ? "condition" : "operation";
  if (code < 0) {
    error(mcol, sub.empty() ? "'" + base + "' needs " + (cond ? "a " : "an ") + noun +
                                  " suffix, e.g. " + base + "." + sub_op_name(s, 0)
                            : "unknown " + base + " " + noun + " '" + sub + "'" +
                                  (cond ? " (" + names + ")" : ""));
    return false;
  }
  if (s == SubOp::AluImm && !alui_allowed(unsigned(code))) {
    error(mcol, base + " does not allow '" + sub + "' (only binary operations)");
    return false;
  }
  op = unsigned(code);
  return true;
}

bool Assembler::len_alias(const Tok& t, const Ops& ops, int64_t wmax, int64_t vmax, int64_t& w,
                          int64_t& n) {
  if (ops.kv.count("width") || ops.kv.count("vec")) {
    error(t.col, "len= cannot be combined with width= or vec=");
    return false;
  }
  if (!eval_range(t, 1, wmax * vmax, n, "len")) return false;
  for (w = wmax; n % w;) --w;
  if (n / w > vmax) {
    error(t.col, "len=" + std::to_string(n) + " needs vec=" + std::to_string(n / w) + " (width " +
                     std::to_string(w) + "), more than " + std::to_string(vmax));
    return false;
  }
  n /= w;
  return true;
}

bool Assembler::mcu_flags(const std::string& mnem, unsigned mcol, const Ops& ops,
                          uint8_t (&flags)[kMaxMcus]) {
  bool any = false;
  for (unsigned k = 0; k < kMaxMcus; ++k) {
    auto it = ops.kv.find("u" + std::to_string(k));
    if (it == ops.kv.end()) continue;
    any = true;
    std::string f = lower(it->second.text);
    for (size_t i = 0; i <= f.size();) {
      size_t j = std::min(f.find('+', i), f.size());
      std::string part = f.substr(i, j - i);
      uint8_t bit = part == "mvm" ? kMcuMvm : part == "mtvm" ? kMcuMtvm : part == "opa" ? kMcuOpa : 0;
      if (!bit || (flags[k] & bit)) {
        error(it->second.col + unsigned(i), "bad MCU operation '" + part + "' (mvm, mtvm, opa joined by +)");
        return false;
      }
      flags[k] |= bit;
      i = j + 1;
    }
  }
  if (!any) error(mcol, mnem + " needs at least one uM=FLAGS operand");
  return any;
}

template <class Instr>
bool Assembler::operands(const OpcodeInfo& row, const std::string& base, const std::string& sub,
                         unsigned mcol, const std::vector<Tok>& toks, Instr& in, Pending& p) {
  using K = OperandKind;
  std::string mnem = sub.empty() ? base : base + "." + sub;
  unsigned op = 0;
  if (row.sub == SubOp::None && !sub.empty()) {
    error(mcol, "'" + base + "' takes no '." + sub + "' suffix");
    return false;
  }
  if (row.sub != SubOp::None && !sub_op(row.sub, base, sub, mcol, op)) return false;
  set_field(in, Field::Op, 0, op);
  // The syntax for this op: the operands present, how many are positional, the keys (in row
  // order, then len= if the row has width= and vec=, then the operation-dependent ones).
  std::vector<const Operand*> list;
  std::vector<std::string> keys, late;
  size_t npos = 0;
  int sizes = 0;
  for (const Operand& o : row.operands) {
    if (o.kind == K::End) break;
    if (!operand_present(row, o, op)) continue;
    list.push_back(&o);
    if (positional(o.kind)) ++npos;
    else if (o.kind == K::McuFlags)
      for (unsigned k = 0; k < kMaxMcus; ++k) keys.push_back("u" + std::to_string(k));
    else (o.kind == K::AluSrc3 ? late : keys).push_back(operand_key(o, op));
    sizes += o.kind == K::Key && (o.field == Field::Width || o.field == Field::Vec);
  }
  if (sizes == 2) keys.push_back("len");
  keys.insert(keys.end(), late.begin(), late.end());
  Ops ops;
  if (!parse_ops(mnem, mcol, toks, npos, npos, keys, ops)) return false;
  auto key = [&](const char* k) -> const Tok* {
    if (!k) return nullptr;  // McuFlags: keys u0..u5
    auto it = ops.kv.find(k);
    return it == ops.kv.end() ? nullptr : &it->second;
  };
  const Tok* len = sizes == 2 ? key("len") : nullptr;
  size_t pos = 0;
  // One pass over the operands in row order; the first bad one ends the instruction.
  for (const Operand* o : list) {
    int64_t v = o->dflt, lo = 0, hi = 0;
    field_range(row, o->field, lo, hi);
    const Tok* t = positional(o->kind) ? &ops.pos[pos++] : key(operand_key(*o, op));
    switch (o->kind) {
      case K::Addr:
        if (!addr(*t, o->name, v)) return false;
        break;
      case K::Imm: {
        uint16_t x;
        if (!eval_imm(*t, x)) return false;
        v = x;
        break;
      }
      case K::Branch: p.target = *t; continue;  // integer or label: resolved in finish()
      case K::FifoZero:
        if (lower(t->text) == "zero") {
          v = kFifoZero;
          break;
        }
        [[fallthrough]];
      case K::Num:
      case K::TileId:
        if (!eval_range(*t, lo, hi, v, o->name)) return false;
        if (o->kind == K::TileId) use_tile(unsigned(v), kSendUse, t->col);
        break;
      case K::McuFlags: {
        uint8_t f[kMaxMcus] = {};
        if (!mcu_flags(mnem, mcol, ops, f)) return false;
        for (unsigned k = 0; k < kMaxMcus; ++k) set_field(in, Field::Mcu, k, f[k]);
        continue;
      }
      case K::Key:
        if (len && (o->field == Field::Width || o->field == Field::Vec)) {  // len= sets both
          if (o->field != Field::Width) continue;
          int64_t wlo, wmax, vlo, vmax, w, n;
          if (!field_range(row, Field::Width, wlo, wmax) || !field_range(row, Field::Vec, vlo, vmax) ||
              !len_alias(*len, ops, wmax, vmax, w, n))
            return false;
          set_field(in, Field::Vec, 0, uint64_t(n));
          v = w;
          break;
        }
        [[fallthrough]];
      case K::KeyPair:
      case K::Mask:
      case K::AluSrc3:
        if (o->kind == K::Mask && !t) {
          error(mcol, base + " needs " + o->name + "=");
          return false;
        }
        if (o->kind == K::KeyPair)
          for (const Operand* q : list)
            if (q > o && q->kind == K::KeyPair && !t != !key(q->name)) {
              error(mcol, mnem + " needs both " + o->name + "= and " + q->name + "= (or neither)");
              return false;
            }
        if (t && !eval_range(*t, std::max<int64_t>(lo, o->lo), hi, v, operand_key(*o, op))) return false;
        break;
      case K::End: break;
    }
    set_field(in, o->field, 0, uint64_t(v));
  }
  return true;
}

void Assembler::instr(bool tile, const std::string& base, const std::string& sub, unsigned mcol,
                      const std::vector<Tok>& toks, Pending& p) {
  const OpcodeInfo* row = find_mnemonic(base, tile ? Stream::Tile : Stream::Core);
  if (!row) {
    std::string mnem = sub.empty() ? base : base + "." + sub;
    if (!find_mnemonic(base, tile ? Stream::Core : Stream::Tile))
      error(mcol, "unknown mnemonic '" + mnem + "'");
    else if (tile)
      error(mcol, "'" + mnem + "' is a core instruction, not allowed in a .tile section");
    else
      error(mcol, "'" + base + "' is a tile instruction, not allowed in a .core section");
    p.bad = true;
    return;
  }
  (tile ? p.ti.opcode : p.ci.opcode) = row->opcode;
  if (!(tile ? operands(*row, base, sub, mcol, toks, p.ti, p)
             : operands(*row, base, sub, mcol, toks, p.ci, p)))
    p.bad = true;
}

void Assembler::dir_config(unsigned mcol, const std::vector<Tok>& toks) {
  if (config_seen_) {
    error(mcol, ".config given twice");
    return;
  }
  config_seen_ = true;
  if (any_statement_) {
    error(mcol, ".config must be the first statement of the file");
    return;
  }
  Ops ops;
  if (!parse_ops(".config", mcol, toks, 0, 0,
                 {"frac_bits", "xbar_size", "num_mvmu", "cores", "tiles", "panther",
                  "bits_per_cell", "slices"},
                 ops))
    return;
  int64_t v = 0;
  bool ok = true;
  auto get = [&](const char* k, int64_t lo, int64_t hi, unsigned& dst) {
    auto it = ops.kv.find(k);
    if (it == ops.kv.end() || !ok) return false;
    if (!eval_range(it->second, lo, hi, v, k)) { ok = false; return false; }
    dst = unsigned(v);
    return true;
  };
  auto pit = ops.kv.find("panther");
  if (pit != ops.kv.end()) {
    std::string b = lower(pit->second.text);
    if (b == "true" || b == "1" || b == "yes" || b == "on") g_.panther = true;
    else if (b == "false" || b == "0" || b == "no" || b == "off") g_.panther = false;
    else { error(pit->second.col, "panther must be true or false"); ok = false; }
  }
  get("frac_bits", 0, 14, g_.frac_bits);
  get("xbar_size", 1, 65535, g_.xbar_size);
  get("num_mvmu", 1, 255, g_.num_mvmu);
  tiles_given_ = get("tiles", 1, 256, g_.tiles);
  cores_given_ = get("cores", 1, 255, g_.cores_per_tile);
  bool b_given = get("bits_per_cell", 1, 6, g_.bits_per_cell);
  if (!get("slices", 1, 32, g_.slices) && (b_given || pit != ops.kv.end()))
    g_.slices = g_.derived_slices();
  if (!ok) return;
  Geometry t = g_;
  if (!tiles_given_) t.tiles = 1;
  if (!cores_given_) t.cores_per_tile = 1;
  std::string why = t.check();
  if (!why.empty()) error(mcol, "bad .config geometry: " + why);
}

bool Assembler::read_block(std::vector<std::vector<Tok>>& rows, std::vector<unsigned>& row_lines) {
  unsigned start = cur_line_;
  while (next_line_ < lines_.size()) {
    std::string s = lines_[next_line_];
    size_t h = s.find('#');
    if (h != std::string::npos) s.resize(h);
    size_t a = s.find_first_not_of(" \t");
    if (a == std::string::npos) { ++next_line_; continue; }
    if (s[a] == '.') {
      size_t e = s.find_first_of(" \t,", a);
      std::string w = lower(s.substr(a, e == std::string::npos ? std::string::npos : e - a));
      if (w == ".end") {
        cur_line_ = unsigned(++next_line_);
        std::vector<Tok> extra;
        unsigned bad = 0;
        split_operands(s.substr(a + 4), unsigned(a + 5), extra, bad);
        if (!extra.empty()) error(extra[0].col, ".end takes no operands");
        return true;
      }
      if (!(s.size() > a + 1 && std::isdigit(static_cast<unsigned char>(s[a + 1])))) {
        error_at(start, 0, "block has no .end before line " + std::to_string(next_line_ + 1));
        return false;
      }
    }
    cur_line_ = unsigned(++next_line_);
    std::vector<Tok> toks;
    unsigned bad = 0;
    if (!split_operands(s, 1, toks, bad)) {
      error(bad, "empty value");
      continue;
    }
    rows.push_back(std::move(toks));
    row_lines.push_back(cur_line_);
  }
  error_at(start, 0, "block has no .end before the end of the file");
  return false;
}

bool Assembler::read_text_matrix(const std::string& path, bool qfmt, unsigned s, int64_t lo,
                                 int64_t hi, std::vector<std::vector<int64_t>>& m, unsigned col) {
  // Capped like every text input: a directory or an endless file (/dev/zero, a FIFO) is
  // refused at once instead of being read line by line until memory runs out.
  std::string text, rerr;
  if (!read_bounded(path, kMaxYamlBytes, "a weight file", text, rerr)) {
    error(col, "weight file '" + path + "': " + rerr);
    return false;
  }
  std::istringstream f(text);
  std::string line;
  unsigned ln = 0;
  while (std::getline(f, line)) {
    ++ln;
    size_t h = line.find('#');
    if (h != std::string::npos) line.resize(h);
    std::vector<Tok> toks;
    unsigned bad = 0;
    if (!split_operands(line, 1, toks, bad)) {
      error(col, path + ":" + std::to_string(ln) + ": empty value");
      return false;
    }
    if (toks.empty()) continue;
    std::vector<int64_t> row;
    for (const Tok& t : toks) {
      double r;
      int64_t v = 0;
      bool neg;
      uint64_t mag;
      if (qfmt || (t.text.back() == 'q' || t.text.back() == 'Q')) {
        std::string x = t.text;
        if (x.back() == 'q' || x.back() == 'Q') x.pop_back();
        if (!parse_real(x, r)) {
          error(col, path + ":" + std::to_string(ln) + ": bad number '" + t.text + "'");
          return false;
        }
        const FixedValue q = to_fixed(r, s, lo, hi);
        if (!q.ok) {
          error(col, path + ":" + std::to_string(ln) + ": value '" + t.text + "' out of range");
          return false;
        }
        v = q.raw;
      } else {
        if (!parse_int_lit(t.text, neg, mag) || mag > (uint64_t(1) << 40)) {
          error(col, path + ":" + std::to_string(ln) + ": bad integer '" + t.text + "'");
          return false;
        }
        v = neg ? -int64_t(mag) : int64_t(mag);
        if (v < lo || v > hi) {
          error(col, path + ":" + std::to_string(ln) + ": value " + std::to_string(v) + " out of range");
          return false;
        }
      }
      row.push_back(v);
    }
    m.push_back(std::move(row));
    if (m.size() > 4096) {
      error(col, path + ": too many rows");
      return false;
    }
  }
  return true;
}

void Assembler::dir_xbar(unsigned mcol, const std::vector<Tok>& toks) {
  Ops ops;
  bool have_block = true;  // inline unless file=
  for (const Tok& t : toks)
    if (lower(t.text).rfind("file=", 0) == 0) have_block = false;
  unsigned dline = cur_line_;
  auto skip_block = [&] {
    if (have_block) {
      std::vector<std::vector<Tok>> r;
      std::vector<unsigned> l;
      read_block(r, l);
    }
  };
  if (!parse_ops(".xbar", mcol, toks, 3, 3, {"rows", "cols", "format", "file"}, ops, {"transpose"})) {
    skip_block();
    return;
  }
  int64_t t, c, m;
  bool ok = eval_range(ops.pos[0], 0, 255, t, "tile") && eval_range(ops.pos[1], 0, 254, c, "core") &&
            eval_range(ops.pos[2], 0, 255, m, "MVMU");
  if (ok && m >= int64_t(g_.num_mvmu)) {
    error(ops.pos[2].col, "MVMU " + std::to_string(m) + " does not exist (" +
                              std::to_string(g_.num_mvmu) + " per core)");
    ok = false;
  }
  if (ok) {
    use_tile(unsigned(t), int(c), ops.pos[0].col);
    auto key = std::make_tuple(unsigned(t), unsigned(c), unsigned(m));
    if (xbar_line_.count(key)) {
      error(mcol, "second .xbar for MVMU " + std::to_string(t) + "." + std::to_string(c) + "." +
                      std::to_string(m) + " (first at line " + std::to_string(xbar_line_[key]) + ")");
      ok = false;
    } else {
      xbar_line_[key] = dline;
    }
  }
  bool qfmt = false;
  if (ops.kv.count("format")) {
    std::string f = lower(ops.kv["format"].text);
    if (f == "q") qfmt = true;
    else if (f != "raw") { error(ops.kv["format"].col, "format must be q or raw"); ok = false; }
  }
  int64_t R = -1, K = -1, v;
  if (ops.kv.count("rows")) {
    if (eval_range(ops.kv["rows"], 1, g_.xbar_size, v, "rows")) R = v; else ok = false;
  }
  if (ops.kv.count("cols")) {
    if (eval_range(ops.kv["cols"], 1, g_.xbar_size, v, "cols")) K = v; else ok = false;
  }
  unsigned s = g_.weight_frac_bits();
  int64_t lo = g_.panther ? g_.weight_lo() : -32768, hi = g_.panther ? g_.weight_hi() : 32767;
  std::vector<std::vector<int64_t>> mat;
  if (!have_block) {
    const Tok& ft = ops.kv["file"];
    std::string path = ft.text;
    if (!path.empty() && path[0] != '/') path = base_dir_ + "/" + path;
    if (ok) {
      if (path.size() >= 4 && lower(path.substr(path.size() - 4)) == ".npy") {
        NpyArray a;
        std::string e;
        if (!read_npy_file(path, a, e)) {
          error(ft.col, e);
          ok = false;
        } else if (!qfmt && !a.is_integer()) {
          error(ft.col, "format=raw needs an int16 or int32 .npy file ('" + ft.text + "' is float)");
          ok = false;
        } else {
          if (a.shape.size() > 2) {
            error(ft.col, "a weight array must be 1-D or 2-D, not " + std::to_string(a.shape.size()) + "-D");
            ok = false;
          } else if (a.rows() > 4096 || a.cols() > 4096) {
            error(ft.col, "weight array too large");
            ok = false;
          }
          for (size_t r = 0; ok && r < a.rows(); ++r) {
            std::vector<int64_t> row;
            for (size_t k = 0; ok && k < a.cols(); ++k) {
              double x = a.at(r, k);
              // format=q: converted like q literals; raw: the integer as is.
              const FixedValue q = to_fixed(x, qfmt ? s : 0, lo, hi);
              if (!q.ok) {
                error(ft.col, "weight [" + std::to_string(r) + "][" + std::to_string(k) + "] = " +
                                  std::to_string(x) + " out of range");
                ok = false;
              }
              row.push_back(q.raw);
            }
            mat.push_back(std::move(row));
          }
        }
      } else {
        ok = read_text_matrix(path, qfmt, s, lo, hi, mat, ft.col) && ok;
      }
    }
  } else {
    std::vector<std::vector<Tok>> rows;
    std::vector<unsigned> lines;
    if (!read_block(rows, lines)) return;
    unsigned save = cur_line_;
    for (size_t r = 0; r < rows.size(); ++r) {
      cur_line_ = lines[r];
      std::vector<int64_t> row;
      for (const Tok& tk : rows[r]) {
        if (value(tk, qfmt, s, lo, hi, v)) row.push_back(v);
        else { ok = false; row.push_back(0); }
      }
      mat.push_back(std::move(row));
    }
    cur_line_ = save;
  }
  if (!ok) return;
  size_t dr = mat.size(), dc = 0;
  for (auto& r : mat) dc = std::max(dc, r.size());
  for (auto& r : mat) r.resize(dc, 0);
  if (!ops.flags.empty()) {  // transpose
    std::vector<std::vector<int64_t>> tr(dc, std::vector<int64_t>(dr));
    for (size_t i = 0; i < dr; ++i)
      for (size_t j = 0; j < dc; ++j) tr[j][i] = mat[i][j];
    mat.swap(tr);
    std::swap(dr, dc);
  }
  if (dr == 0 || dc == 0) {
    error_at(dline, mcol, ".xbar has no weights");
    return;
  }
  if (R < 0) R = int64_t(dr);
  if (K < 0) K = int64_t(dc);
  if (int64_t(dr) > R || int64_t(dc) > K || R > int64_t(g_.xbar_size) || K > int64_t(g_.xbar_size)) {
    error_at(dline, mcol, "weights of shape " + std::to_string(dr) + "x" + std::to_string(dc) +
                              " do not fit rows=" + std::to_string(R) + " cols=" + std::to_string(K) +
                              " (crossbar " + std::to_string(g_.xbar_size) + "x" +
                              std::to_string(g_.xbar_size) + ")");
    return;
  }
  XbarWeights x;
  x.tile = uint16_t(t);
  x.core = uint8_t(c);
  x.mvmu = uint8_t(m);
  x.rows = uint16_t(R);
  x.cols = uint16_t(K);
  x.w.assign(size_t(R * K), 0);
  for (size_t i = 0; i < dr; ++i)
    for (size_t j = 0; j < dc; ++j) x.w[i * size_t(K) + j] = int32_t(mat[i][j]);
  img_.xbars.push_back(std::move(x));
}

void Assembler::dir_data(unsigned mcol, const std::vector<Tok>& toks) {
  Ops ops;
  unsigned dline = cur_line_;
  bool ok = parse_ops(".data", mcol, toks, 2, 2, {"count", "format"}, ops);
  int64_t t = 0, a = 0, c = 1, v;
  if (ok) ok = eval_range(ops.pos[0], 0, 255, t, "tile") && eval_range(ops.pos[1], 0, 65535, a, "address");
  if (ok && ops.kv.count("count")) ok = eval_range(ops.kv["count"], 1, 65535, c, "count");
  bool qfmt = false;
  if (ok && ops.kv.count("format")) {
    std::string f = lower(ops.kv["format"].text);
    if (f == "q") qfmt = true;
    else if (f != "raw") { error(ops.kv["format"].col, "format must be q or raw"); ok = false; }
  }
  if (ok) use_tile(unsigned(t), -1, ops.pos[0].col);
  std::vector<std::vector<Tok>> rows;
  std::vector<unsigned> lines;
  if (!read_block(rows, lines)) return;
  unsigned save = cur_line_;
  DataBlock d;
  for (size_t r = 0; r < rows.size(); ++r) {
    cur_line_ = lines[r];
    for (const Tok& tk : rows[r]) {
      if (value(tk, qfmt, g_.frac_bits, qfmt ? -32768 : -32768, qfmt ? 32767 : 65535, v))
        d.words.push_back(int16_t(uint16_t(v)));
      else
        ok = false;
    }
  }
  cur_line_ = save;
  if (!ok) return;
  if (d.words.empty()) {
    error_at(dline, mcol, ".data block has no values");
    return;
  }
  if (uint64_t(a) + d.words.size() > g_.shared_mem_words) {
    error_at(dline, ops.pos[1].col, "tile memory range: .data words " + std::to_string(a) + ".." +
                                        std::to_string(a + int64_t(d.words.size()) - 1) +
                                        " beyond the shared memory (" +
                                        std::to_string(g_.shared_mem_words) + " words)");
    return;
  }
  d.tile = uint16_t(t);
  d.addr = uint32_t(a);
  d.count = uint16_t(c);
  img_.data.push_back(std::move(d));
}

void Assembler::dir_tensor(unsigned mcol, const std::vector<Tok>& toks) {
  Ops ops;
  if (!parse_ops(".tensor", mcol, toks, 5, 5, {"count"}, ops)) return;
  Tensor tn;
  tn.name = ops.pos[0].text;
  if (!valid_tensor_name(tn.name)) {
    error(ops.pos[0].col, "bad tensor name '" + tn.name + "' (1..64 printable characters)");
    return;
  }
  if (tensor_line_.count(tn.name)) {
    error(ops.pos[0].col, "tensor '" + tn.name + "' defined twice (first at line " +
                              std::to_string(tensor_line_[tn.name]) + ")");
    return;
  }
  std::string dir = lower(ops.pos[1].text);
  if (dir != "in" && dir != "out") {
    error(ops.pos[1].col, "tensor direction must be 'in' or 'out', not '" + ops.pos[1].text + "'");
    return;
  }
  tn.dir = dir == "in" ? TensorDir::In : TensorDir::Out;
  int64_t t, a, l, c = 1;
  if (!eval_range(ops.pos[2], 0, 255, t, "tile") || !eval_range(ops.pos[3], 0, 65535, a, "address") ||
      !eval_range(ops.pos[4], 1, 65536, l, "length"))
    return;
  if (ops.kv.count("count")) {
    if (tn.dir == TensorDir::Out) {
      error(ops.kv["count"].col, "output tensors take no count");
      return;
    }
    if (!eval_range(ops.kv["count"], 1, 255, c, "count")) return;
  }
  if (a + l > int64_t(g_.shared_mem_words)) {
    error(ops.pos[3].col, "tile memory range: tensor words " + std::to_string(a) + ".." +
                              std::to_string(a + l - 1) + " beyond the shared memory (" +
                              std::to_string(g_.shared_mem_words) + " words)");
    return;
  }
  use_tile(unsigned(t), -1, ops.pos[2].col);
  tensor_line_[tn.name] = cur_line_;
  tn.tile = uint16_t(t);
  tn.addr = uint32_t(a);
  tn.len = uint32_t(l);
  tn.count = tn.dir == TensorDir::In ? uint8_t(c) : 0;
  img_.tensors.push_back(std::move(tn));
}

void Assembler::statement(const std::string& mnem_raw, unsigned mcol, const std::vector<Tok>& toks) {
  std::string mnem = lower(mnem_raw);
  if (mnem == ".config") {
    dir_config(mcol, toks);
    any_statement_ = true;
    return;
  }
  any_statement_ = true;
  if (mnem == ".equ") {
    if (toks.size() != 2) {
      error(mcol, ".equ needs a name and a value");
      return;
    }
    if (!is_ident(toks[0].text)) {
      error(toks[0].col, "bad .equ name '" + toks[0].text + "'");
      return;
    }
    if (equ_.count(toks[0].text)) {
      error(toks[0].col, "'" + toks[0].text + "' is already defined");
      return;
    }
    int64_t v = 0;
    bool is_q;
    FixedValue q;
    q_literal(toks[1], g_.frac_bits, -32768, 32767, is_q, q);
    if (is_q) {
      if (!q.ok) {
        error(toks[1].col, "fixed-point literal out of range");
        return;
      }
      v = q.raw;
    } else if (!eval(toks[1], v, "value")) {
      return;
    }
    equ_[toks[0].text] = v;
    return;
  }
  if (mnem == ".tile" || mnem == ".core") {
    bool tile = mnem == ".tile";
    Ops ops;
    cur_ = -1;
    Section sec;
    sec.line = cur_line_;
    sec.col = mcol;
    sec.dup = true;  // until proven otherwise
    int64_t t = 0, c = 0;
    if (parse_ops(mnem, mcol, toks, tile ? 1 : 2, tile ? 1 : 2, {}, ops) &&
        eval_range(ops.pos[0], 0, 255, t, "tile") && (tile || eval_range(ops.pos[1], 0, 254, c, "core"))) {
      sec.tile = uint16_t(t);
      sec.core = tile ? kTileUnit : uint8_t(c);
      auto key = std::make_pair(unsigned(t), unsigned(sec.core));
      if (section_line_.count(key)) {
        error(mcol, std::string("second section for ") +
                        (tile ? "tile " + std::to_string(t) : "core " + std::to_string(t) + "." + std::to_string(c)) +
                        " (first at line " + std::to_string(section_line_[key]) + ")");
      } else {
        section_line_[key] = cur_line_;
        sec.dup = false;
        use_tile(unsigned(t), tile ? -1 : int(c), ops.pos[0].col);
      }
    } else {
      sec.core = tile ? kTileUnit : 0;
    }
    sections_.push_back(std::move(sec));
    cur_ = int(sections_.size()) - 1;
    return;
  }
  if (mnem == ".xbar") { dir_xbar(mcol, toks); return; }
  if (mnem == ".data") { dir_data(mcol, toks); return; }
  if (mnem == ".tensor") { dir_tensor(mcol, toks); return; }
  if (mnem == ".end") {
    error(mcol, ".end without an open .xbar or .data block");
    return;
  }
  if (mnem == ".word") {
    if (cur_ < 0) {
      error(mcol, ".word outside a .tile or .core section");
      return;
    }
    Pending p;
    p.raw = true;
    p.line = cur_line_;
    p.col = mcol;
    p.tile = sections_[size_t(cur_)].is_tile();
    bool neg;
    uint64_t mag;
    if (toks.size() != 1) {
      error(mcol, ".word takes one value");
      p.bad = true;
    } else if (!parse_int_lit(toks[0].text, neg, mag) || (neg && mag > (uint64_t(1) << 63))) {
      error(toks[0].col, "bad .word value '" + toks[0].text + "'");
      p.bad = true;
    } else {
      p.word = neg ? uint64_t(0) - mag : mag;
    }
    sections_[size_t(cur_)].ins.push_back(p);
    return;
  }
  if (!mnem.empty() && mnem[0] == '.') {
    error(mcol, "unknown directive '" + mnem_raw + "'");
    return;
  }
  if (cur_ < 0) {
    error(mcol, "instruction outside a .tile or .core section");
    return;
  }
  Section& sec = sections_[size_t(cur_)];
  Pending p;
  p.line = cur_line_;
  p.col = mcol;
  p.tile = sec.is_tile();
  size_t dot = mnem.find('.');
  std::string base = mnem.substr(0, dot), sub = dot == std::string::npos ? "" : mnem.substr(dot + 1);
  instr(p.tile, base, sub, mcol, toks, p);
  sec.ins.push_back(std::move(p));
}

std::optional<KernelImage> Assembler::run() {
  while (next_line_ < lines_.size()) {
    cur_line_ = unsigned(++next_line_);
    std::string s = lines_[cur_line_ - 1];
    size_t h = s.find('#');
    if (h != std::string::npos) s.resize(h);
    size_t i = s.find_first_not_of(" \t");
    if (i == std::string::npos) continue;
    // label
    if (is_ident_start(s[i])) {
      size_t j = i;
      while (j < s.size() && is_ident_char(s[j])) ++j;
      size_t k = j;
      while (k < s.size() && (s[k] == ' ' || s[k] == '\t')) ++k;
      if (k < s.size() && s[k] == ':') {
        std::string name = s.substr(i, j - i);
        any_statement_ = true;
        if (cur_ < 0) {
          error(unsigned(i + 1), "label '" + name + "' outside a .tile or .core section");
        } else {
          Section& sec = sections_[size_t(cur_)];
          if (sec.labels.count(name)) {
            error(unsigned(i + 1), "label '" + name + "' defined twice in this section");
          } else {
            sec.labels[name] = uint32_t(sec.ins.size());
            sec.label_order.push_back({name, uint32_t(sec.ins.size())});
          }
        }
        i = s.find_first_not_of(" \t", k + 1);
        if (i == std::string::npos) continue;
      }
    }
    size_t e = s.find_first_of(" \t,", i);
    if (e == std::string::npos) e = s.size();
    std::string mnem = s.substr(i, e - i);
    std::vector<Tok> toks;
    unsigned bad = 0;
    if (!split_operands(s.substr(e), unsigned(e + 1), toks, bad)) {
      error(bad, "empty operand");
      if (lower(mnem) == ".xbar" || lower(mnem) == ".data") {
        std::vector<std::vector<Tok>> r;
        std::vector<unsigned> l;
        bool inline_block = true;
        for (const Tok& t : toks)
          if (lower(t.text).rfind("file=", 0) == 0) inline_block = false;
        if (inline_block) read_block(r, l);
      }
      if (cur_ >= 0 && mnem[0] != '.') {
        Pending p;
        p.bad = true;
        sections_[size_t(cur_)].ins.push_back(p);
      }
      continue;
    }
    statement(mnem, unsigned(i + 1), toks);
  }
  KernelImage img;
  finish(img);
  if (diag_.has_errors()) return std::nullopt;
  return img;
}

void Assembler::finish(KernelImage& img) {
  // Geometry: tiles/cores default to the highest index used + 1.
  unsigned max_t = 0, max_c = 0;
  for (const Use& u : uses_) {
    max_t = std::max(max_t, std::min(u.tile, 255u) + 1);
    if (u.core >= 0) max_c = std::max(max_c, unsigned(u.core) + 1);
  }
  if (!tiles_given_) g_.tiles = std::max(1u, std::min(max_t, 256u));
  if (!cores_given_) g_.cores_per_tile = std::max(1u, std::min(max_c, 255u));
  for (const Use& u : uses_) {
    if (tiles_given_ && u.core != kSendUse && u.tile >= g_.tiles)
      error_at(u.line, u.col, "tile " + std::to_string(u.tile) + " beyond .config tiles=" + std::to_string(g_.tiles));
    else if (cores_given_ && u.core >= 0 && unsigned(u.core) >= g_.cores_per_tile)
      error_at(u.line, u.col, "core " + std::to_string(u.core) + " beyond .config cores=" +
                                  std::to_string(g_.cores_per_tile));
  }
  img.header.tiles = uint16_t(g_.tiles);
  img.header.cores_per_tile = uint8_t(g_.cores_per_tile);
  img.header.num_mvmu = uint8_t(g_.num_mvmu);
  img.header.xbar_size = uint16_t(g_.xbar_size);
  img.header.bits_per_cell = uint8_t(g_.bits_per_cell);
  img.header.slices = uint8_t(g_.slices);
  img.header.frac_bits = uint8_t(g_.frac_bits);
  img.header.panther = g_.panther;

  for (Section& sec : sections_) {
    if (sec.dup) continue;
    std::string unit = sec.is_tile() ? "tile " + std::to_string(sec.tile)
                                     : "core " + std::to_string(sec.tile) + "." + std::to_string(sec.core);
    if (sec.ins.empty()) {
      error_at(sec.line, sec.col, "section for " + unit + " has no instructions");
      continue;
    }
    size_t cap = sec.is_tile() ? g_.tile_imem_words : g_.core_imem_words;
    if (sec.ins.size() > cap)
      error_at(sec.line, sec.col, "program size: " + unit + " has " + std::to_string(sec.ins.size()) +
                                      " instructions, the instruction memory holds " + std::to_string(cap));
    Program prog;
    prog.tile = sec.tile;
    prog.core = sec.core;
    bool last_ends = false;
    for (Pending& p : sec.ins) {
      uint64_t w = 0;
      last_ends = false;
      if (p.bad) {
        prog.words.push_back(0);
        continue;
      }
      if (p.raw) {
        w = p.word;
        unsigned opc = unsigned(w & 0x3f);
        last_ends = sec.is_tile() ? opc == 0x22 : (opc == 0x02 || opc == 0x0D);
        prog.words.push_back(w);
        continue;
      }
      unsigned save = cur_line_;
      cur_line_ = p.line;
      if (!sec.is_tile() && !p.target.text.empty()) {
        auto l = sec.labels.find(p.target.text);
        int64_t tv = -1;
        if (l != sec.labels.end()) {
          tv = l->second;
        } else if (is_ident(p.target.text) && !equ_.count(p.target.text)) {
          error(p.target.col, "undefined label '" + p.target.text + "' in this section");
        } else if (!eval_range(p.target, 0, 16383, tv, "branch target")) {
          tv = -1;
        }
        if (tv >= 0 && uint64_t(tv) >= sec.ins.size()) {
          error(p.target.col, "branch target " + std::to_string(tv) + " beyond the " +
                                  std::to_string(sec.ins.size()) + " instructions of " + unit);
          tv = -1;
        }
        if (tv < 0) {
          cur_line_ = save;
          prog.words.push_back(0);
          continue;
        }
        p.ci.target = uint16_t(tv);
      }
      cur_line_ = save;
      IsaError e;
      if (sec.is_tile()) {
        w = encode(p.ti);
        e = decode_tile(w, g_).error;
        last_ends = p.ti.opcode == Opcode::TileHalt;
      } else {
        w = encode(p.ci);
        e = decode_core(w, g_).error;
        last_ends = p.ci.opcode == Opcode::Halt || p.ci.opcode == Opcode::Jmp;
      }
      if (e) {
        std::string m = e.message;
        size_t k = m.rfind(" [word ");
        if (k != std::string::npos) m.resize(k);
        error_at(p.line, p.col, m);
      }
      prog.words.push_back(w);
    }
    if (!last_ends)
      warning_at(sec.line, sec.col, unit + " section does not end in " +
                                        std::string(sec.is_tile() ? "halt" : "halt or jmp"));
    for (const auto& [name, idx] : sec.label_order) img.symbols.push_back({name, sec.tile, sec.core, idx});
    img.programs.push_back(std::move(prog));
  }
  if (img.programs.empty() && !diag_.has_errors())
    diag_.warning(file_, 0, 0, "the kernel has no .tile or .core section");
  img.tensors = std::move(img_.tensors);
  img.xbars = std::move(img_.xbars);
  img.data = std::move(img_.data);
}

}  // namespace

std::optional<KernelImage> assemble_string(const std::string& text, const std::string& filename,
                                           const std::string& base_dir, const Geometry& platform,
                                           Diagnostics& diag) {
  Assembler a(text, filename, base_dir, platform, diag);
  return a.run();
}

std::optional<KernelImage> assemble_file(const std::string& path, const Geometry& platform,
                                         Diagnostics& diag) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    diag.error(path, 0, 0, "is a directory, not an assembly file");
    return std::nullopt;
  }
  std::string text, err;
  if (!read_bounded(path, kMaxYamlBytes, "an assembly source", text, err)) {
    diag.error(path, 0, 0, err.rfind("cannot open", 0) == 0 ? std::string("cannot open file") : err);
    return std::nullopt;
  }
  return assemble_string(text, path, dirname_of(path), platform, diag);
}

}  // namespace pumavp::isa
