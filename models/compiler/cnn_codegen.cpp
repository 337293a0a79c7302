// The graph back end: places a Net (compiler/net.h) on tiles, cores and MVMUs and generates
// the unit programs (docs/decisions-compiler.md, "Convolutional networks: the mapping").
//
//  * Every operator runs on copies ("replicas"), each on its own cores of one tile and each
//    computing a contiguous range of output pixels in raster order. A Conv copy holds all of
//    the operator's weight blocks (row blocks × output-column blocks, one MVMU each); pools,
//    elementwise operators and activations run in the VFU of one core per copy. The number of
//    copies is the smallest that lets every program fit the instruction memory.
//  * A Conv copy slides its window along an output row with the mvm input shuffle (isa.md
//    §4.3): after each MVM the XbarIn words shift by the stride's worth of columns and only
//    the new columns are loaded; positions in the padding are never loaded (the shift leaves
//    zeros; a full window load zeroes the crossbar input first).
//  * Maps live row by row in shared memory: a row is allocated on a tile when the tile first
//    produces, receives or reads it. Every word's consumer count is the number of loads of it
//    on that tile (counted by a first pass over the same generator), plus one if it is sent on.
//    A row part produced on a tile travels forward (relay) to every later tile that reads it
//    once the part is complete.
#include "compiler/cnn.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/fixed_convert.h"
#include "compiler/emitter.h"

namespace pumavp::compiler {

using net::Act;
using net::Kind;
using net::Layout;
using net::Net;
using net::Op;

namespace {

int16_t q16(double v, unsigned f, uint64_t* sat = nullptr, double* err = nullptr) {
  const FixedValue q = to_fixed(v, f, -32768, 32767, FixedOverflow::Saturate);
  if (!q.ok) throw CompileError(fmt::format("value {} is not a number", v));
  if (q.saturated && sat) ++*sat;
  if (!q.saturated && err) *err = std::max(*err, std::fabs(double(q.raw) / std::ldexp(1.0, int(f)) - v));
  return int16_t(q.raw);
}

struct Replica {
  unsigned tile = 0;
  std::vector<unsigned> cores;
  unsigned p0 = 0, p1 = 0;  // output pixels [p0, p1) in raster order
};

struct OpPlan {
  unsigned replicas = 1;
  std::vector<Replica> reps;
  net::RowBlocking rb;  // Conv
  unsigned ncb = 0;     // Conv: output column blocks
  unsigned cores_per_rep = 1;
};

class CnnGenerator {
 public:
  CnnGenerator(const Net& n, const Target& t, const CompileOptions& o, const std::vector<unsigned>& replicas)
      : n_(n), t_(t), opt_(o), g_(t.geometry), e_(t.geometry, t.fifo_depth), X_(t.geometry.xbar_size) {
    plans_.resize(n.ops.size());
    for (size_t i = 0; i < n.ops.size(); ++i) plans_[i].replicas = replicas[i];
  }
  Compiled run();
  void set_sizing(bool s) { e_.set_unbounded(s); }
  // Largest core program of each op (after run()).
  std::vector<size_t> op_program_sizes() const;

 private:
  // ---- addresses of map words
  unsigned rows_of(const net::Tensor& t) const { return t.layout == Layout::HWC ? t.h : t.c * t.h; }
  unsigned row_len(const net::Tensor& t) const { return t.layout == Layout::HWC ? t.w * t.c : t.w; }
  unsigned row_of(const net::Tensor& t, unsigned c, unsigned y) const { return t.layout == Layout::HWC ? y : c * t.h + y; }
  unsigned off_in_row(const net::Tensor& t, unsigned c, unsigned x) const {
    return t.layout == Layout::HWC ? x * t.c + c : x;
  }
  uint32_t word_index(const net::Tensor& t, unsigned c, unsigned y, unsigned x) const {
    return (uint32_t(c) * t.h + y) * t.w + x;
  }
  uint32_t row_addr(unsigned tile, unsigned ti, unsigned row);
  uint32_t addr(unsigned tile, unsigned ti, unsigned c, unsigned y, unsigned x) {
    const net::Tensor& t = n_.tensors[ti];
    return row_addr(tile, ti, row_of(t, c, y)) + off_in_row(t, c, x);
  }

  // ---- loads and stores of map words (counted in the first pass, emitted in the second)
  struct Word {
    uint16_t opnd;
    unsigned c, y, x;
  };
  void load_words(unsigned tile, unsigned core, unsigned ti, const std::vector<Word>& ws, const std::string& cm);
  void store_words(unsigned tile, unsigned core, unsigned ti, const std::vector<Word>& ws, const std::string& cm);
  unsigned count_on(unsigned ti, unsigned tile, uint32_t w) const {
    auto it = loads_.find({ti, tile});
    return it == loads_.end() ? 0 : it->second[w];
  }
  // Sends the words of `row` of tensor `ti` produced on `tile` to the later tiles that read them.
  void forward_row(unsigned ti, unsigned row, unsigned tile);
  void forward_words(unsigned ti, unsigned src_tile, const std::vector<uint32_t>& words, bool from_region);
  void inputs();
  // A buffer on `tile` for words that only pass through (received, then sent on): a ring per
  // tile, reused freely, since the tile unit is the only reader of these words and its own
  // earlier send has consumed a word before its later receive rewrites it. No other word is
  // reused within a run: the attribute protocol has no generations, so a reused word read by
  // two units could be read stale (docs/decisions-compiler.md).
  uint32_t relay_slot(unsigned tile, unsigned len);
  struct RelayRing {
    uint32_t base = 0, size = 0, next = 0;
  };
  std::map<unsigned, RelayRing> relay_rings_;

  // ---- operators
  void place();
  // Shared-memory words a copy computing output pixels [p0, p1) of `op` holds on its tile
  // (the input rows its windows read and its output rows; an estimate for the placement,
  // which moves to a new tile before a tile's memory runs out).
  uint64_t copy_words(const Op& op, unsigned p0, unsigned p1) const;
  uint64_t mem_budget() const { return uint64_t(g_.shared_mem_words) * 3 / 4; }
  std::map<unsigned, uint64_t> mem_;
  void conv(size_t oi);
  void vfu(size_t oi);
  void apply_act(unsigned tile, unsigned core, const Op& op, uint16_t acc, unsigned len);
  uint32_t data_block(unsigned tile, const std::vector<int16_t>& words, unsigned count, const std::string& what);

  // Every word read was computed (or is a graph input) on the reading tile or an earlier one.
  void check_dataflow() const;
  void build_image(Compiled& out);
  std::string build_report(const Compiled& out) const;

  const Net& n_;
  const Target& t_;
  const CompileOptions opt_;  // a copy: sizing runs pass a temporary
  Geometry g_;
  Emitter e_;
  unsigned X_;
  bool counting_ = true;
  std::vector<OpPlan> plans_;
  // per (tensor, tile): loads of every word (ONNX word index), the host read counted as one
  std::map<std::pair<unsigned, unsigned>, std::vector<uint16_t>> loads_;
  // per tensor: the tile that stores each word (-1: not stored yet / graph input)
  std::map<unsigned, std::vector<int>> producer_tile_;
  // per (tensor, row, tile): words stored there (planned in the first pass, done in the second)
  std::map<std::tuple<unsigned, unsigned, unsigned>, unsigned> row_planned_, row_done_;
  // per (tensor, tile): row base addresses (-1: not allocated)
  std::map<std::pair<unsigned, unsigned>, std::vector<int64_t>> rows_;
  std::map<unsigned, uint32_t> region_;  // graph input/output tensor -> its tensor address
  std::map<unsigned, unsigned> region_tile_;
  std::map<unsigned, unsigned> input_count_;  // graph input -> TENSOR count (direct use) or 1
  std::set<unsigned> direct_inputs_;
  uint64_t overcounted_ = 0;
  std::vector<isa::DataBlock> data_;
  std::vector<BlockPlacement> blocks_;
  std::vector<isa::XbarWeights> xbars_;
  std::vector<LayerQuant> quant_;
  std::vector<std::string> warnings_;
  std::map<std::pair<unsigned, unsigned>, size_t> core_op_;  // (tile, core) -> op
};

uint32_t CnnGenerator::row_addr(unsigned tile, unsigned ti, unsigned row) {
  const net::Tensor& t = n_.tensors[ti];
  auto rit = region_.find(ti);
  if (rit != region_.end() && region_tile_.at(ti) == tile && (t.graph_output || direct_inputs_.count(ti)))
    return rit->second + row * row_len(t);
  auto& v = rows_[{ti, tile}];
  if (v.empty()) v.assign(rows_of(t), -1);
  if (t.graph_input && v[0] < 0) {
    // copies of a graph input: the whole tensor in ONNX order, so runs may span rows
    const uint32_t base = e_.alloc(tile, unsigned(t.words()), fmt::format("{} copy", t.name));
    for (unsigned r = 0; r < rows_of(t); ++r) v[r] = base + int64_t(r) * row_len(t);
  }
  if (v[row] < 0) v[row] = e_.alloc(tile, row_len(t), fmt::format("{} row {}", t.name, row));
  return uint32_t(v[row]);
}

void CnnGenerator::load_words(unsigned tile, unsigned core, unsigned ti, const std::vector<Word>& ws,
                              const std::string& cm) {
  const net::Tensor& t = n_.tensors[ti];
  if (counting_) {
    auto& v = loads_[{ti, tile}];
    if (v.empty()) v.assign(t.words(), 0);
    for (const Word& w : ws) {
      uint16_t& k = v[word_index(t, w.c, w.y, w.x)];
      if (k == 0xFFFF) throw CompileError(n_.error_prefix() + ": a word of " + t.name + " is read too often on one tile");
      ++k;
    }
    return;
  }
  size_t i = 0;
  bool first = true;
  while (i < ws.size()) {
    const uint32_t a0 = addr(tile, ti, ws[i].c, ws[i].y, ws[i].x);
    size_t j = i + 1;
    while (j < ws.size() && ws[j].opnd == ws[i].opnd + (j - i) &&
           addr(tile, ti, ws[j].c, ws[j].y, ws[j].x) == a0 + (j - i))
      ++j;
    e_.mem(false, tile, core, ws[i].opnd, a0, unsigned(j - i), 0, first ? cm : "");
    first = false;
    i = j;
  }
}

void CnnGenerator::store_words(unsigned tile, unsigned core, unsigned ti, const std::vector<Word>& ws,
                               const std::string& cm) {
  const net::Tensor& t = n_.tensors[ti];
  auto& prod = producer_tile_[ti];
  if (prod.empty()) prod.assign(t.words(), -1);
  if (counting_) {
    for (const Word& w : ws) {
      int& p = prod[word_index(t, w.c, w.y, w.x)];
      if (p >= 0) throw CompileError("internal: a word of " + t.name + " is stored twice");
      p = int(tile);
      ++row_planned_[{ti, row_of(t, w.c, w.y), tile}];
    }
    return;
  }
  // count of a word = its loads here + 1 if a later tile reads it
  auto count = [&](const Word& w) {
    const uint32_t wi = word_index(t, w.c, w.y, w.x);
    unsigned c = count_on(ti, tile, wi);
    for (auto it = loads_.lower_bound({ti, tile + 1}); it != loads_.end() && it->first.first == ti; ++it)
      if (it->second[wi]) {
        ++c;
        break;
      }
    return c;
  };
  size_t i = 0;
  bool first = true;
  std::set<unsigned> rows;
  while (i < ws.size()) {
    const uint32_t a0 = addr(tile, ti, ws[i].c, ws[i].y, ws[i].x);
    const unsigned c0 = count(ws[i]);
    size_t j = i + 1;
    while (j < ws.size() && ws[j].opnd == ws[i].opnd + (j - i) &&
           addr(tile, ti, ws[j].c, ws[j].y, ws[j].x) == a0 + (j - i) && count(ws[j]) == c0)
      ++j;
    if (c0 > 0) e_.mem(true, tile, core, ws[i].opnd, a0, unsigned(j - i), c0, first ? cm : "");
    // A word nobody reads is not stored (its store could never be overwritten anyway).
    first = false;
    for (size_t k = i; k < j; ++k) {
      const unsigned row = row_of(t, ws[k].c, ws[k].y);
      ++row_done_[{ti, row, tile}];
      rows.insert(row);
    }
    i = j;
  }
  for (unsigned row : rows)
    if (row_done_[{ti, row, tile}] == row_planned_[{ti, row, tile}]) forward_row(ti, row, tile);
}

uint32_t CnnGenerator::relay_slot(unsigned tile, unsigned len) {
  constexpr unsigned kRelayRingWords = 2048;
  if (len > kRelayRingWords) return e_.alloc(tile, len, "relay buffer");
  RelayRing& r = relay_rings_[tile];
  if (!r.size) {
    r.size = kRelayRingWords;
    r.base = e_.alloc(tile, r.size, "relay ring");
  }
  if (r.next + len > r.size) r.next = 0;
  const uint32_t a = r.base + r.next;
  r.next += len;
  return a;
}

void CnnGenerator::forward_row(unsigned ti, unsigned row, unsigned tile) {
  const net::Tensor& t = n_.tensors[ti];
  const auto& prod = producer_tile_.at(ti);
  std::vector<uint32_t> words;
  for (unsigned k = 0; k < row_len(t); ++k) {
    unsigned c, y, x;
    if (t.layout == Layout::HWC) y = row, x = k / t.c, c = k % t.c;
    else c = row / t.h, y = row % t.h, x = k;
    const uint32_t wi = word_index(t, c, y, x);
    if (prod[wi] == int(tile)) words.push_back(wi);
  }
  forward_words(ti, tile, words, false);
}

// Words (ONNX indices, in storage order within one row) on `src`: runs with the same counts
// on every later tile travel forward hop by hop.
void CnnGenerator::forward_words(unsigned ti, unsigned src, const std::vector<uint32_t>& words, bool from_region) {
  const net::Tensor& t = n_.tensors[ti];
  auto coords = [&](uint32_t wi, unsigned& c, unsigned& y, unsigned& x) {
    x = wi % t.w;
    y = (wi / t.w) % t.h;
    c = wi / (t.w * t.h);
  };
  auto vec = [&](uint32_t wi) {
    std::vector<unsigned> v;
    for (auto it = loads_.lower_bound({ti, src + 1}); it != loads_.end() && it->first.first == ti; ++it)
      v.push_back(it->second[wi] ? (it->first.second << 16) | it->second[wi] : 0);
    return v;
  };
  auto src_addr = [&](uint32_t wi) {
    unsigned c, y, x;
    coords(wi, c, y, x);
    if (from_region) return region_.at(ti) + wi;
    return addr(src, ti, c, y, x);
  };
  size_t i = 0;
  while (i < words.size()) {
    const auto v0 = vec(words[i]);
    const uint32_t a0 = src_addr(words[i]);
    size_t j = i + 1;
    while (j < words.size() && src_addr(words[j]) == a0 + (j - i) && vec(words[j]) == v0) ++j;
    unsigned last = src;
    for (unsigned e : v0)
      if (e) last = std::max(last, e >> 16);
    if (last > src) {
      unsigned c, y, x;
      coords(words[i], c, y, x);
      const unsigned row = row_of(t, c, y), off = off_in_row(t, c, x);
      e_.hop_chain(src, a0, last, unsigned(j - i), fmt::format("{} row {} [{}:{}]", t.name, row, off, off + (j - i)),
                   [&](unsigned k) -> std::pair<uint32_t, unsigned> {
                     const unsigned n = count_on(ti, k, words[i]);
                     if (n == 0 && k < last) return {relay_slot(k, unsigned(j - i)), 1};
                     return {row_addr(k, ti, row) + off, n + (k < last ? 1 : 0)};
                   });
    }
    i = j;
  }
}

// Graph inputs: the host writes each on tile 0. Used as is when only tile 0 reads it, every
// word equally often (the TENSOR count); else each word is copied once (count 1) to where it
// is read.
// Graph inputs: the host writes each on tile 0 with one count. The whole tensor travels as one
// run to the last tile that reads it; every tile that reads it keeps one copy whose words all
// carry the largest count any of its words needs (a word read fewer times stays valid after
// the run: these copies are never rewritten within a run and START invalidates them; the
// number of such words is Compiled::overcounted_words). This keeps the tile programs short:
// exact counts would split the tensor into a run per change of count.
void CnnGenerator::inputs() {
  for (unsigned ti : n_.inputs) {
    const net::Tensor& t = n_.tensors[ti];
    std::map<unsigned, unsigned> cnt;  // tile -> largest count
    for (auto it = loads_.lower_bound({ti, 0u}); it != loads_.end() && it->first.first == ti; ++it) {
      unsigned m = 0, under = 0;
      for (uint16_t k : it->second) m = std::max<unsigned>(m, k);
      for (uint16_t k : it->second) under += k < m;
      if (m) cnt[it->first.second] = m, overcounted_ += under;
    }
    if (cnt.empty()) continue;
    const unsigned last = cnt.rbegin()->first;
    if (direct_inputs_.count(ti)) continue;  // the tensor itself, with TENSOR count cnt[0]
    uint32_t from = region_.at(ti);
    if (cnt.count(0)) {
      from = row_addr(0, ti, 0);
      e_.transfer(0, region_.at(ti), 0, from, unsigned(t.words()), cnt[0] + (last > 0 ? 1 : 0),
                  t.name + " (copy for tile 0)");
    }
    e_.hop_chain(0, from, last, unsigned(t.words()), t.name, [&](unsigned k) -> std::pair<uint32_t, unsigned> {
      auto it = cnt.find(k);
      const unsigned here = it == cnt.end() ? 0 : it->second;
      return {here ? row_addr(k, ti, 0) : relay_slot(k, unsigned(t.words())), here + (k < last ? 1 : 0)};
    });
  }
}

// Copies of every op, placed in op order on consecutive cores and tiles (a copy within one
// tile); output pixels split evenly between the copies.
void CnnGenerator::place() {
  const unsigned M = g_.num_mvmu, C = g_.cores_per_tile;
  unsigned tile = 0, core = 0;
  for (size_t oi = 0; oi < n_.ops.size(); ++oi) {
    const Op& op = n_.ops[oi];
    OpPlan& p = plans_[oi];
    const net::Tensor& out = n_.tensors[op.out];
    if (op.kind == Kind::Conv) {
      if (op.kw > X_) throw CompileError(n_.error_prefix() + ": " + op.where + ": a kernel wider than the crossbar is not supported");
      p.rb = net::row_blocks(op.cin, op.kh, op.kw, X_);
      p.ncb = (op.cout + X_ - 1) / X_;
      const size_t nb = p.rb.blocks.size() * p.ncb;
      if (nb > size_t(M) * C)
        throw CompileError(fmt::format("{}: {}: needs {} crossbars per copy ({} row x {} column blocks); a copy must fit "
                                       "one tile's {} MVMUs in this version of the graph back end",
                                       n_.error_prefix(), op.where, nb, p.rb.blocks.size(), p.ncb, M * C));
      p.cores_per_rep = unsigned((nb + M - 1) / M);
    } else {
      p.cores_per_rep = 1;
    }
    const unsigned npix = out.h * out.w;
    p.replicas = std::max(1u, std::min(p.replicas, npix));
    p.reps.clear();
    for (unsigned r = 0; r < p.replicas; ++r) {
      const unsigned p0 = unsigned(uint64_t(npix) * r / p.replicas), p1 = unsigned(uint64_t(npix) * (r + 1) / p.replicas);
      const uint64_t words = copy_words(op, p0, p1);
      if (core + p.cores_per_rep > C || (core > 0 && mem_[tile] + words > mem_budget())) ++tile, core = 0;
      mem_[tile] += words;
      if (tile >= g_.tiles)
        throw CompileError(fmt::format("{}: the network does not fit: {} ({} copies of {} cores) needs more than the "
                                       "platform's {} tiles of {} cores",
                                       n_.error_prefix(), op.where, p.replicas, p.cores_per_rep, g_.tiles, C));
      Replica rep;
      rep.tile = tile;
      for (unsigned k = 0; k < p.cores_per_rep; ++k) {
        rep.cores.push_back(core + k);
        core_op_[{tile, core + k}] = oi;
      }
      core += p.cores_per_rep;
      rep.p0 = p0;
      rep.p1 = p1;
      p.reps.push_back(rep);
    }
  }
}

uint64_t CnnGenerator::copy_words(const Op& op, unsigned p0, unsigned p1) const {
  const net::Tensor& out = n_.tensors[op.out];
  const unsigned y0 = p0 / out.w, y1 = (p1 - 1) / out.w;
  uint64_t words = uint64_t(y1 - y0 + 1) * out.w * out.c;
  for (unsigned ti : op.in) {
    const net::Tensor& in = n_.tensors[ti];
    unsigned rows = y1 - y0 + 1;
    if (op.kind == Kind::Conv || op.kind == Kind::MaxPool || op.kind == Kind::AvgPool) {
      const int lo = std::max(0, int(y0 * op.sh) - int(op.pt));
      const int hi = std::min(int(in.h) - 1, int(y1 * op.sh) - int(op.pt) + int((op.kh - 1) * op.dh));
      rows = hi >= lo ? unsigned(hi - lo + 1) : 0;
    }
    words += uint64_t(rows) * in.w * in.c;
  }
  return words;
}

uint32_t CnnGenerator::data_block(unsigned tile, const std::vector<int16_t>& words, unsigned count, const std::string& what) {
  if (count < 1 || count > 65535) throw CompileError(what + ": constant read too often");
  isa::DataBlock d;
  d.tile = uint16_t(tile);
  d.count = uint16_t(count);
  d.words = words;
  d.addr = e_.alloc(tile, unsigned(words.size()), what);
  data_.push_back(d);
  return d.addr;
}

void CnnGenerator::apply_act(unsigned tile, unsigned core, const Op& op, uint16_t acc, unsigned len) {
  const uint16_t ACC = e_.rf(4), TMP = e_.rf(4 + X_);
  switch (op.act) {
    case Act::None: break;
    case Act::Relu: e_.alu(tile, core, isa::AluOp::Relu, ACC, acc, 0, len, "relu"); break;
    case Act::Sigmoid: e_.alu(tile, core, isa::AluOp::Sig, ACC, acc, 0, len, "sigmoid"); break;
    case Act::Tanh: e_.alu(tile, core, isa::AluOp::Tanh, ACC, acc, 0, len, "tanh"); break;
    case Act::Leaky:
      e_.set(tile, core, TMP, uint16_t(q16(op.alpha, g_.frac_bits)), len, fmt::format("leakyrelu alpha {}", op.alpha));
      e_.alu(tile, core, isa::AluOp::Mul, TMP, acc, TMP, len);
      e_.alu(tile, core, isa::AluOp::Max, ACC, acc, TMP, len, "leakyrelu");
      break;
  }
}

// ------------------------------------------------------------------------------ Conv
void CnnGenerator::conv(size_t oi) {
  const Op& op = n_.ops[oi];
  const OpPlan& p = plans_[oi];
  const net::Tensor& in = n_.tensors[op.in[0]];
  const net::Tensor& out = n_.tensors[op.out];
  const unsigned M = g_.num_mvmu, f = g_.frac_bits;
  const unsigned G = p.rb.group, NKY = p.rb.nky, R = unsigned(p.rb.blocks.size());
  const bool hwc = in.layout == Layout::HWC;
  auto idx = [&](unsigned cc, unsigned kyy, unsigned kx) -> unsigned {
    return hwc ? kx * (NKY * G) + kyy * G + cc : (cc * NKY + kyy) * op.kw + kx;
  };
  // input shuffle: one group of the whole window (HWC) or one group per kernel row (CHW)
  const bool can_shuffle = opt_.input_shuffle && op.dw == 1 && op.sw < op.kw;
  const unsigned F = can_shuffle ? (hwc ? op.kw * NKY * G : op.kw) : 0;
  const unsigned S = can_shuffle ? (hwc ? op.sw * NKY * G : op.sw) : 0;
  const uint16_t ACC = e_.rf(4), TMP = e_.rf(4 + X_);
  const unsigned bias_base = 4 + 2 * X_;
  const unsigned bias_slots = g_.n_rf() > bias_base ? (g_.n_rf() - bias_base) / X_ : 0;
  if (g_.n_rf() < bias_base) throw CompileError("the core register file is too small for the graph back end");
  constexpr unsigned kRing = 2;  // slots per partial-sum hop

  for (size_t ri = 0; ri < p.reps.size(); ++ri) {
    const Replica& rep = p.reps[ri];
    const unsigned tile = rep.tile;
    auto slot_core = [&](unsigned s) { return rep.cores[s / M]; };
    auto slot_mvmu = [&](unsigned s) { return s % M; };
    // weights (second pass only)
    if (!counting_) {
      for (unsigned cb = 0; cb < p.ncb; ++cb)
        for (unsigned r = 0; r < R; ++r) {
          const unsigned s = cb * R + r;
          const net::RowBlock& b = p.rb.blocks[r];
          const unsigned cols = std::min(X_, op.cout - cb * X_);
          unsigned rows = 0;
          for (unsigned c = b.c0; c < b.c1; ++c)
            for (unsigned ky = b.k0; ky < b.k1; ++ky)
              for (unsigned kx = 0; kx < op.kw; ++kx) rows = std::max(rows, idx(c - b.c0, ky - b.k0, kx) + 1);
          isa::XbarWeights w;
          w.tile = uint16_t(tile);
          w.core = uint8_t(slot_core(s));
          w.mvmu = uint8_t(slot_mvmu(s));
          w.rows = uint16_t(rows);
          w.cols = uint16_t(cols);
          w.w.assign(size_t(rows) * cols, 0);
          LayerQuant& lq = quant_[oi];
          for (unsigned c = b.c0; c < b.c1; ++c)
            for (unsigned ky = b.k0; ky < b.k1; ++ky)
              for (unsigned kx = 0; kx < op.kw; ++kx)
                for (unsigned j = 0; j < cols; ++j) {
                  const unsigned co = cb * X_ + j;
                  const double v = op.w[((size_t(co) * op.cin + c) * op.kh + ky) * op.kw + kx];
                  w.w[size_t(idx(c - b.c0, ky - b.k0, kx)) * cols + j] =
                      q16(v, f, ri == 0 ? &lq.w_saturated : nullptr, ri == 0 ? &lq.w_max_err : nullptr);
                  if (ri == 0) lq.w_max_abs = std::max(lq.w_max_abs, std::fabs(v));
                }
          xbars_.push_back(std::move(w));
          BlockPlacement bp;
          bp.layer = unsigned(oi);
          bp.row_block = r;
          bp.col_block = cb;
          bp.rows = rows;
          bp.cols = cols;
          bp.tile = tile;
          bp.core = slot_core(s);
          bp.mvmu = slot_mvmu(s);
          blocks_.push_back(bp);
        }
    }
    // chain ends per core: bias in the RF when it fits
    std::map<unsigned, std::vector<unsigned>> ends;  // core -> column blocks whose chain ends there
    for (unsigned cb = 0; cb < p.ncb; ++cb) ends[slot_core(cb * R + R - 1)].push_back(cb);
    std::map<unsigned, uint16_t> bias_rf;      // cb -> RF operand of its bias
    std::map<unsigned, uint32_t> bias_mem;     // cb -> data block (loaded per pixel)
    const unsigned npix = rep.p1 - rep.p0;
    if (!op.b.empty() && !counting_) {
      for (auto& [core, cbs] : ends)
        for (size_t k = 0; k < cbs.size(); ++k) {
          const unsigned cb = cbs[k], cols = std::min(X_, op.cout - cb * X_);
          std::vector<int16_t> bw(cols);
          LayerQuant& lq = quant_[oi];
          for (unsigned j = 0; j < cols; ++j)
            bw[j] = q16(op.b[cb * X_ + j], f, ri == 0 ? &lq.b_saturated : nullptr, ri == 0 ? &lq.b_max_err : nullptr);
          if (ri == 0) lq.b.insert(lq.b.end(), bw.begin(), bw.end());
          const std::string what = fmt::format("{} bias[{}:{}]", op.name, cb * X_, cb * X_ + cols);
          if (k < bias_slots) {
            const uint32_t a = data_block(tile, bw, 1, what);
            const uint16_t o = e_.rf(bias_base + unsigned(k) * X_);
            e_.mem(false, tile, core, o, a, cols, 0, what);
            bias_rf[cb] = o;
          } else {
            bias_mem[cb] = data_block(tile, bw, npix, what);
          }
        }
    }
    // partial-sum rings between the cores of a column chain
    std::map<std::pair<unsigned, unsigned>, uint32_t> ring;  // (cb, first slot of the next segment) -> address
    if (!counting_)
      for (unsigned cb = 0; cb < p.ncb; ++cb)
        for (unsigned r = 1; r < R; ++r)
          if (slot_core(cb * R + r) != slot_core(cb * R + r - 1))
            ring[{cb, r}] = e_.alloc(tile, kRing * X_, fmt::format("{} col {} partial sums", op.name, cb));

    unsigned pix_index = 0;
    for (unsigned pix = rep.p0; pix < rep.p1; ++pix, ++pix_index) {
      const unsigned yo = pix / out.w, xo = pix % out.w;
      const bool cont = can_shuffle && pix > rep.p0 && xo > 0;                      // shifted from the last pixel
      const bool next = can_shuffle && pix + 1 < rep.p1 && xo + 1 < out.w;          // shift for the next one
      const int y_base = int(yo * op.sh) - int(op.pt), x_base = int(xo * op.sw) - int(op.pl);
      auto inside = [&](unsigned ky, unsigned kx, int& yi, int& xi) {
        yi = y_base + int(ky * op.dh);
        xi = x_base + int(kx * op.dw);
        return yi >= 0 && xi >= 0 && yi < int(in.h) && xi < int(in.w);
      };
      for (unsigned ci = 0; ci < rep.cores.size(); ++ci) {
        const unsigned core = rep.cores[ci];
        unsigned mask = 0;
        for (unsigned s = ci * M; s < std::min<unsigned>((ci + 1) * M, p.ncb * R); ++s) {
          const unsigned r = s % R, m = slot_mvmu(s);
          const net::RowBlock& b = p.rb.blocks[r];
          const uint16_t xin = uint16_t(g_.xbar_in_addr(m, 0, 0));
          mask |= 1u << m;
          std::vector<Word> ws;
          bool padded = false;
          const unsigned kx_from = cont ? op.kw - op.sw : 0;
          // in the operand layout's order, so that runs merge
          if (hwc) {
            for (unsigned kx = kx_from; kx < op.kw; ++kx)
              for (unsigned ky = b.k0; ky < b.k1; ++ky) {
                int yi, xi;
                if (!inside(ky, kx, yi, xi)) { padded = true; continue; }
                for (unsigned c = b.c0; c < b.c1; ++c)
                  ws.push_back({uint16_t(xin + idx(c - b.c0, ky - b.k0, kx)), c, unsigned(yi), unsigned(xi)});
              }
          } else {
            for (unsigned c = b.c0; c < b.c1; ++c)
              for (unsigned ky = b.k0; ky < b.k1; ++ky)
                for (unsigned kx = kx_from; kx < op.kw; ++kx) {
                  int yi, xi;
                  if (!inside(ky, kx, yi, xi)) { padded = true; continue; }
                  ws.push_back({uint16_t(xin + idx(c - b.c0, ky - b.k0, kx)), c, unsigned(yi), unsigned(xi)});
                }
          }
          if (padded && !cont && !counting_)
            e_.alu(tile, core, isa::AluOp::Sub, xin, xin, xin, X_, fmt::format("mvmu {}: zero (padding)", m));
          load_words(tile, core, op.in[0], ws,
                     fmt::format("{} ({},{}) block r{} -> mvmu {}{}", op.name, yo, xo, r, m, cont ? " (new columns)" : ""));
        }
        if (!counting_) {
          if (opt_.coalesce_mvm) {
            e_.mvm(tile, core, mask, next ? F : 0, next ? S : 0, fmt::format("{} pixel ({},{})", op.name, yo, xo));
          } else {
            for (unsigned m = 0; m < M; ++m)
              if (mask >> m & 1)
                e_.mvm(tile, core, 1u << m, next ? F : 0, next ? S : 0, fmt::format("{} pixel ({},{}) mvmu {}", op.name, yo, xo, m));
          }
        }
        // chain segments on this core
        for (unsigned cb = 0; cb < p.ncb; ++cb) {
          const unsigned cols = std::min(X_, op.cout - cb * X_);
          unsigned r0 = R, r1 = 0;
          for (unsigned r = 0; r < R; ++r)
            if (slot_core(cb * R + r) == core) r0 = std::min(r0, r), r1 = r + 1;
          if (r0 == R) continue;
          if (counting_) {
            if (r1 == R) {
              std::vector<Word> ws;
              for (unsigned j = 0; j < cols; ++j) ws.push_back({uint16_t(ACC + j), cb * X_ + j, yo, xo});
              store_words(tile, core, op.out, ws, "");
            }
            continue;
          }
          int acc = -1;
          if (r0 > 0) {
            const uint32_t a = ring.at({cb, r0}) + (pix_index % kRing) * X_;
            e_.mem(false, tile, core, TMP, a, cols, 0, "partial sum in");
            acc = TMP;
          }
          for (unsigned r = r0; r < r1; ++r) {
            const uint16_t o = uint16_t(g_.xbar_out_addr(slot_mvmu(cb * R + r), 0, 0));
            if (acc < 0) {
              acc = o;
            } else {
              e_.alu(tile, core, isa::AluOp::Add, ACC, uint16_t(acc), o, cols, fmt::format("+ block r{}", r));
              acc = ACC;
            }
          }
          if (r1 < R) {
            const uint32_t a = ring.at({cb, r1}) + (pix_index % kRing) * X_;
            e_.mem(true, tile, core, uint16_t(acc), a, cols, 1, "partial sum out");
            continue;
          }
          if (!op.b.empty()) {
            if (bias_rf.count(cb)) {
              e_.alu(tile, core, isa::AluOp::Add, ACC, uint16_t(acc), bias_rf[cb], cols, "+ bias");
            } else {
              e_.mem(false, tile, core, TMP, bias_mem.at(cb), cols, 0, "bias");
              e_.alu(tile, core, isa::AluOp::Add, ACC, uint16_t(acc), TMP, cols, "+ bias");
            }
            acc = ACC;
          }
          if (op.act != Act::None) {
            apply_act(tile, core, op, uint16_t(acc), cols);
            acc = ACC;
          }
          std::vector<Word> ws;
          for (unsigned j = 0; j < cols; ++j) ws.push_back({uint16_t(acc + j), cb * X_ + j, yo, xo});
          store_words(tile, core, op.out, ws, fmt::format("{} out ({},{})[{}:{}]", op.name, yo, xo, cb * X_, cb * X_ + cols));
        }
      }
    }
  }
}

// ------------------------------------------------------------------------------ VFU ops
void CnnGenerator::vfu(size_t oi) {
  const Op& op = n_.ops[oi];
  const OpPlan& p = plans_[oi];
  const net::Tensor& in = n_.tensors[op.in[0]];
  const net::Tensor& out = n_.tensors[op.out];
  const unsigned f = g_.frac_bits;
  const uint16_t ACC = e_.rf(4), TMP = e_.rf(4 + X_);
  const uint16_t CONST = e_.rf(4 + 2 * X_);  // set writes the RF only
  if (g_.n_rf() < 4 + 3 * X_) throw CompileError("the core register file is too small for the graph back end's VFU operators");
  for (const Replica& rep : p.reps) {
    const unsigned tile = rep.tile, core = rep.cores[0];
    const unsigned npix = rep.p1 - rep.p0;
    std::vector<uint32_t> kaddr;  // Eltwise constant chunks
    if (op.kind == Kind::Eltwise && op.in.size() == 1 && !counting_)
      for (unsigned c0 = 0; c0 < out.c; c0 += X_) {
        std::vector<int16_t> k;
        for (unsigned c = c0; c < std::min(out.c, c0 + X_); ++c) k.push_back(q16(op.konst[c], f));
        kaddr.push_back(data_block(tile, k, npix, fmt::format("{} constant[{}:]", op.name, c0)));
      }
    int last_n = -1;
    for (unsigned pix = rep.p0; pix < rep.p1; ++pix) {
      const unsigned yo = pix / out.w, xo = pix % out.w;
      for (unsigned c0 = 0; c0 < out.c; c0 += X_) {
        const unsigned len = std::min(X_, out.c - c0);
        auto words = [&](uint16_t opnd, unsigned y, unsigned x) {
          std::vector<Word> ws;
          for (unsigned j = 0; j < len; ++j) ws.push_back({uint16_t(opnd + j), c0 + j, y, x});
          return ws;
        };
        const std::string at = fmt::format("{} ({},{})[{}:{}]", op.name, yo, xo, c0, c0 + len);
        if (op.kind == Kind::MaxPool || op.kind == Kind::AvgPool) {
          std::vector<std::pair<unsigned, unsigned>> pos;
          bool padded = false;
          for (unsigned ky = 0; ky < op.kh; ++ky)
            for (unsigned kx = 0; kx < op.kw; ++kx) {
              const int yi = int(yo * op.sh + ky * op.dh) - int(op.pt), xi = int(xo * op.sw + kx * op.dw) - int(op.pl);
              if (yi < 0 || xi < 0 || yi >= int(in.h) || xi >= int(in.w)) padded = true;
              else pos.push_back({unsigned(yi), unsigned(xi)});
            }
          if (op.kind == Kind::AvgPool) {
            const unsigned nwin = op.count_include_pad ? op.kh * op.kw : unsigned(pos.size());
            if (!counting_ && int(nwin) != last_n) {
              e_.set(tile, core, CONST, uint16_t(q16(1.0 / nwin, f)), X_, fmt::format("1/{}", nwin));
              // (the VFU reads CONST[0:len] only)
              last_n = int(nwin);
            }
          }
          for (size_t k = 0; k < pos.size(); ++k) {
            const uint16_t dst = k == 0 ? ACC : TMP;
            load_words(tile, core, op.in[0], words(dst, pos[k].first, pos[k].second), k == 0 ? at : "");
            if (counting_) continue;
            if (op.kind == Kind::MaxPool) {
              if (k) e_.alu(tile, core, isa::AluOp::Max, ACC, ACC, TMP, len);
            } else {
              e_.alu(tile, core, isa::AluOp::Mul, dst, dst, CONST, len);
              if (k) e_.alu(tile, core, isa::AluOp::Add, ACC, ACC, TMP, len);
            }
          }
          if (!counting_ && op.kind == Kind::MaxPool && op.pad_is_value && padded)
            e_.alu(tile, core, isa::AluOp::Relu, ACC, ACC, 0, len, "max with the padding's 0");
        } else {
          load_words(tile, core, op.in[0], words(ACC, yo, xo), at);
          if (op.kind == Kind::Eltwise) {
            if (op.in.size() == 2) load_words(tile, core, op.in[1], words(TMP, yo, xo), "");
            else if (!counting_) e_.mem(false, tile, core, TMP, kaddr[c0 / X_], len, 0, "constant");
            if (!counting_) {
              const isa::AluOp a = op.elt == net::Elt::Add ? isa::AluOp::Add
                                   : op.elt == net::Elt::Sub ? isa::AluOp::Sub
                                                             : isa::AluOp::Mul;
              e_.alu(tile, core, a, ACC, ACC, TMP, len);
            }
          }
        }
        if (!counting_ && op.act != Act::None) apply_act(tile, core, op, ACC, len);
        store_words(tile, core, op.out, words(ACC, yo, xo), at + " out");
      }
    }
  }
}

void CnnGenerator::check_dataflow() const {
  for (const auto& [key, v] : loads_) {
    const auto [ti, tile] = key;
    const net::Tensor& t = n_.tensors[ti];
    auto pit = producer_tile_.find(ti);
    for (uint32_t w = 0; w < v.size(); ++w) {
      if (!v[w]) continue;
      const int p = t.graph_input ? 0 : (pit == producer_tile_.end() ? -1 : pit->second[w]);
      if (p < 0) throw CompileError(fmt::format("internal: word {} of {} is read but never computed", w, t.name));
      if (unsigned(p) > tile)
        throw CompileError(fmt::format("internal: {} flows backwards from tile {} to tile {}", t.name, p, tile));
    }
  }
}

void CnnGenerator::build_image(Compiled& out) {
  isa::KernelImage& img = out.image;
  unsigned max_tile = 0, max_core = 0;
  for (auto& [key, u] : e_.units()) {
    max_tile = std::max(max_tile, key.first);
    if (key.second != isa::kTileUnit) max_core = std::max(max_core, key.second);
  }
  img.header = Emitter::image_header(g_, max_tile + 1, max_core + 1);
  for (unsigned ti : n_.inputs)
    img.tensors.push_back(Emitter::tensor(n_.tensors[ti].name, 0, region_.at(ti), uint32_t(n_.tensors[ti].words()),
                                          isa::TensorDir::In, input_count_.at(ti)));
  for (unsigned ti : n_.outputs)
    img.tensors.push_back(Emitter::tensor(n_.tensors[ti].name, region_tile_.at(ti), region_.at(ti),
                                          uint32_t(n_.tensors[ti].words()), isa::TensorDir::Out, 0));
  img.xbars = xbars_;
  img.data = data_;
  e_.build_programs(img);
}

std::string CnnGenerator::build_report(const Compiled& out) const {
  std::string s;
  uint64_t params = 0;
  for (const Op& op : n_.ops) params += op.w.size() + op.b.size();
  s += fmt::format("model '{}': {} operators, {} parameters (graph back end)\n", n_.name, n_.ops.size(), params);
  s += fmt::format("target: {} tiles x {} cores x {} MVMUs of {}x{} = {} crossbars, Q{}.{}\n", g_.tiles,
                   g_.cores_per_tile, g_.num_mvmu, X_, X_, out.crossbars_available, 15 - g_.frac_bits, g_.frac_bits);
  for (const std::string& n : n_.notes) s += "note: " + n + "\n";
  s += "\noperators:\n";
  for (size_t oi = 0; oi < n_.ops.size(); ++oi) {
    const Op& op = n_.ops[oi];
    const OpPlan& p = plans_[oi];
    const net::Tensor& in = n_.tensors[op.in[0]];
    const net::Tensor& o = n_.tensors[op.out];
    s += fmt::format("  {:>2} {:<8} {:<16} {}x{}x{} -> {}x{}x{}", oi, op.gemm ? "gemm" : net::kind_name(op.kind), op.name,
                     in.c, in.h, in.w, o.c, o.h, o.w);
    if (op.kind == Kind::Conv || op.kind == Kind::MaxPool || op.kind == Kind::AvgPool)
      s += fmt::format(" k{}x{} s{}x{} p{},{},{},{}", op.kh, op.kw, op.sh, op.sw, op.pt, op.pl, op.pb, op.pr);
    if (op.act != Act::None) s += fmt::format(" +{}", net::act_name(op.act));
    s += fmt::format("; {} cop{} on tile{} {}", p.reps.size(), p.reps.size() == 1 ? "y" : "ies",
                     p.reps.front().tile == p.reps.back().tile ? "" : "s",
                     p.reps.front().tile == p.reps.back().tile ? fmt::format("{}", p.reps.front().tile)
                                                               : fmt::format("{}-{}", p.reps.front().tile, p.reps.back().tile));
    std::map<unsigned, std::vector<unsigned>> cores;  // tile -> cores of the op's copies
    for (const Replica& r : p.reps) cores[r.tile].insert(cores[r.tile].end(), r.cores.begin(), r.cores.end());
    std::string where;
    for (const auto& [tile, cs] : cores)
      where += fmt::format("{}t{}c{}-{}", where.empty() ? "" : " ", tile, cs.front(), cs.back());
    if (op.kind == Kind::Conv) {
      s += fmt::format(", {} row x {} column blocks = {} crossbars per copy\n", p.rb.blocks.size(), p.ncb,
                       p.rb.blocks.size() * p.ncb);
      const LayerQuant& q = quant_[oi];
      s += fmt::format("     quantisation: weights max|w| {:.4g}, {} saturated, worst error {:.3g}", q.w_max_abs,
                       q.w_saturated, q.w_max_err);
      if (!op.b.empty()) s += fmt::format("; bias {} saturated, worst error {:.3g}", q.b_saturated, q.b_max_err);
      s += "\n";
    } else {
      s += "\n";
    }
    s += "     cores: " + where + "\n";
  }
  const auto [max_core, max_tile] = e_.largest_programs();
  s += fmt::format("\ncrossbars: {} used of {} ({:.1f}%), {} tiles used; weight cells used in the used crossbars: {:.1f}%\n",
                   out.crossbars_used, out.crossbars_available,
                   100.0 * out.crossbars_used / std::max(1u, out.crossbars_available), out.tiles_used, 100.0 * out.utilisation);
  s += fmt::format("programs: largest core program {} of {} instructions, largest tile program {} of {}\n", max_core,
                   g_.core_imem_words, max_tile, g_.tile_imem_words);
  s += fmt::format("shared memory: at most {} of {} words per tile; receive FIFOs: at most {} of {} per tile\n",
                   e_.max_mem_top(), g_.shared_mem_words, e_.max_fifos_used(), g_.num_fifos);
  for (const auto& t : out.image.tensors)
    s += fmt::format("tensor {} {} tile {} @{} len {}{}\n", t.name, t.dir == isa::TensorDir::In ? "in " : "out", t.tile,
                     t.addr, t.len, t.dir == isa::TensorDir::In ? fmt::format(" count {}", unsigned(t.count)) : "");
  return s;
}

std::vector<size_t> CnnGenerator::op_program_sizes() const {
  std::vector<size_t> v(n_.ops.size(), 0);
  for (const auto& [key, u] : e_.units()) {
    if (key.second == isa::kTileUnit) continue;
    auto it = core_op_.find(key);
    if (it != core_op_.end()) v[it->second] = std::max(v[it->second], u.evs.size());
  }
  return v;
}

Compiled CnnGenerator::run() {
  if (g_.panther) throw CompileError("PANTHER targets are not supported by the compiler (compile for a PUMA config)");
  const std::string gerr = g_.check();
  if (!gerr.empty()) throw CompileError("bad target geometry: " + gerr);
  place();
  quant_.assign(n_.ops.size(), LayerQuant{});
  // graph outputs live on the last tile of their producer's copies (in ONNX order); the host
  // read counts as one load there
  for (unsigned ti : n_.outputs) {
    const net::Tensor& t = n_.tensors[ti];
    unsigned tile = 0;
    for (const Replica& r : plans_[size_t(t.producer)].reps) tile = std::max(tile, r.tile);
    region_tile_[ti] = tile;
    auto& v = loads_[{ti, tile}];
    v.assign(t.words(), 1);
  }
  // pass 1: count every load; pass 2: emit
  for (int pass = 0; pass < 2; ++pass) {
    counting_ = pass == 0;
    if (!counting_) {
      // Graph inputs at the bottom of tile 0; direct use when possible.
      for (unsigned ti : n_.inputs) {
        const net::Tensor& t = n_.tensors[ti];
        region_[ti] = e_.alloc(0, unsigned(t.words()), "input tensor " + t.name);
        region_tile_[ti] = 0;
        unsigned m0 = 0;
        bool only0 = true;
        for (auto it = loads_.lower_bound({ti, 0u}); it != loads_.end() && it->first.first == ti; ++it)
          for (uint16_t k : it->second) {
            if (it->first.second != 0 && k) only0 = false;
            if (it->first.second == 0) m0 = std::max<unsigned>(m0, k);
          }
        const bool direct = only0 && m0 >= 1 && m0 <= 255;
        if (direct) direct_inputs_.insert(ti);
        input_count_[ti] = direct ? m0 : 1;
      }
      for (unsigned ti : n_.outputs)
        region_[ti] = e_.alloc(region_tile_[ti], unsigned(n_.tensors[ti].words()), "output tensor " + n_.tensors[ti].name);
      inputs();
    }
    for (size_t oi = 0; oi < n_.ops.size(); ++oi) {
      if (n_.ops[oi].kind == Kind::Conv) conv(oi);
      else vfu(oi);
    }
    if (counting_) check_dataflow();
  }
  e_.halt_all();
  Compiled out;
  build_image(out);
  out.quant = quant_;
  out.blocks = blocks_;
  out.overcounted_words = overcounted_;
  out.crossbars_used = unsigned(blocks_.size());
  out.crossbars_available = unsigned(g_.crossbars());
  for (const auto& pr : out.image.programs) out.tiles_used = std::max(out.tiles_used, unsigned(pr.tile) + 1);
  double cells = 0;
  for (const auto& b : blocks_) cells += double(b.rows) * b.cols;
  out.utilisation = blocks_.empty() ? 0 : cells / (double(blocks_.size()) * X_ * X_);
  const double lo = -std::ldexp(1.0, 15 - int(g_.frac_bits)), hi = std::ldexp(32767.0, -int(g_.frac_bits));
  for (size_t oi = 0; oi < n_.ops.size(); ++oi) {
    const LayerQuant& q = quant_[oi];
    if (!q.w_saturated && !q.b_saturated) continue;
    out.warnings.push_back(fmt::format("{} ({}): {} weights and {} bias values saturated to the Q format's range [{:g}, {:g}] "
                                       "(largest |w| {:.4g})",
                                       oi, n_.ops[oi].name, q.w_saturated, q.b_saturated, lo, hi, q.w_max_abs));
  }
  if (opt_.emit_asm) {
    std::string s = fmt::format("# model '{}' compiled by pumavp compile (graph back end)\n", n_.name);
    s += fmt::format(".config frac_bits={} xbar_size={} num_mvmu={} cores={} tiles={}\n", g_.frac_bits, X_, g_.num_mvmu,
                     unsigned(out.image.header.cores_per_tile), unsigned(out.image.header.tiles));
    for (const auto& t : out.image.tensors) {
      if (t.dir == isa::TensorDir::In)
        s += fmt::format(".tensor {} in {} {} {} count={}\n", t.name, t.tile, t.addr, t.len, unsigned(t.count));
      else
        s += fmt::format(".tensor {} out {} {} {}\n", t.name, t.tile, t.addr, t.len);
    }
    for (const auto& w : out.image.xbars) {
      s += fmt::format(".xbar {} {} {} rows={} cols={} format=raw\n", w.tile, unsigned(w.core), unsigned(w.mvmu), w.rows, w.cols);
      if (opt_.asm_weights)
        for (unsigned r = 0; r < w.rows; ++r) {
          std::string line;
          for (unsigned c = 0; c < w.cols; ++c) line += fmt::format(c ? " {}" : "{}", w.at(r, c));
          s += "  " + line + "\n";
        }
      s += ".end\n";
    }
    for (const auto& d : out.image.data) {
      s += fmt::format(".data {} {} count={} format=raw\n ", d.tile, d.addr, d.count);
      for (int16_t v : d.words) s += fmt::format(" {}", v);
      s += "\n.end\n";
    }
    s += e_.programs_asm();
    out.asm_text = std::move(s);
  }
  out.report = build_report(out);
  return out;
}

}  // namespace

unsigned net_crossbars(const Net& n, unsigned xbar) {
  unsigned total = 0;
  for (const Op& op : n.ops)
    if (op.kind == Kind::Conv)
      total += unsigned(net::row_blocks(op.cin, op.kh, op.kw, xbar).blocks.size() * ((op.cout + xbar - 1) / xbar));
  return total;
}

std::string net_mapping_report(const Net& n, const Target& t) {
  const Geometry& g = t.geometry;
  const unsigned X = g.xbar_size;
  std::string s = fmt::format("model '{}': {} operators (shapes only)\n", n.name, n.ops.size());
  uint64_t total = 0, params = 0;
  for (size_t oi = 0; oi < n.ops.size(); ++oi) {
    const Op& op = n.ops[oi];
    const net::Tensor& in = n.tensors[op.in[0]];
    const net::Tensor& o = n.tensors[op.out];
    s += fmt::format("  {:>2} {:<8} {:<12} {}x{}x{} -> {}x{}x{}", oi, op.gemm ? "gemm" : net::kind_name(op.kind), op.name, in.c,
                     in.h, in.w, o.c, o.h, o.w);
    if (op.kind == Kind::Conv) {
      const auto rb = net::row_blocks(op.cin, op.kh, op.kw, X);
      const uint64_t cb = (op.cout + X - 1) / X, xb = rb.blocks.size() * cb;
      const uint64_t w = uint64_t(op.cout) * op.cin * op.kh * op.kw;
      total += xb;
      params += w;
      s += fmt::format("  k{}x{}  {} weights, {} row x {} column blocks = {} crossbars", op.kh, op.kw, w, rb.blocks.size(), cb, xb);
    }
    s += "\n";
  }
  const uint64_t cap = g.crossbars();
  s += fmt::format("total: {} weights, {} crossbars of {}x{} ({} MB of 16-bit weights); one node ({} tiles x {} cores x {} "
                   "MVMUs) has {}: {:.2f}x a node, at least {} node{}\n",
                   params, total, X, X, params * 2 / 1000000, g.tiles, g.cores_per_tile, g.num_mvmu, cap,
                   double(total) / double(cap), (total + cap - 1) / cap, (total + cap - 1) / cap == 1 ? "" : "s");
  return s;
}

Compiled compile_net(const Net& n, const Target& t, const CompileOptions& opt) {
  const unsigned need = net_crossbars(n, t.geometry.xbar_size);
  if (need > t.geometry.crossbars())
    throw CompileError(fmt::format("model '{}' does not fit: it needs {} crossbars of {}x{}, the platform has {} ({} tiles x "
                                   "{} cores x {} MVMUs)",
                                   n.name, need, t.geometry.xbar_size, t.geometry.xbar_size, t.geometry.crossbars(),
                                   t.geometry.tiles, t.geometry.cores_per_tile, t.geometry.num_mvmu));
  std::vector<unsigned> replicas(n.ops.size(), 1);
  const size_t limit = t.geometry.core_imem_words;
  // Sizing runs (memory unchecked): copies until every program fits the instruction memory.
  for (int attempt = 0;; ++attempt) {
    CompileOptions sizing = opt;
    sizing.emit_asm = sizing.asm_weights = false;
    CnnGenerator gen(n, t, sizing, replicas);
    gen.set_sizing(true);
    gen.run();
    const std::vector<size_t> sizes = gen.op_program_sizes();
    bool grew = false, over = false;
    for (size_t i = 0; i < n.ops.size(); ++i) {
      if (sizes[i] <= limit) continue;
      over = true;
      const net::Tensor& o = n.tensors[n.ops[i].out];
      const unsigned npix = o.h * o.w;
      const unsigned want =
          std::min<unsigned>(npix, unsigned(std::ceil(double(replicas[i]) * double(sizes[i]) / (0.9 * double(limit)))));
      if (want > replicas[i]) replicas[i] = want, grew = true;
    }
    if (!over || !grew || attempt >= 8) break;  // the real run reports what still does not fit
  }
  CnnGenerator gen(n, t, opt, replicas);
  return gen.run();
}

}  // namespace pumavp::compiler
