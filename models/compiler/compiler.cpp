// Model compiler: quantisation, block mapping and code generation.
//
// Mapping (PUMA-style, see docs/decisions-compiler.md):
//  * Layer l's weight matrix (rows = inputs, cols = outputs) is cut into X×X blocks (l, c, r),
//    c = output column block, r = input row block. Blocks are laid out in the order
//    (layer, c, r) onto MVMU slots (tile, core, mvmu) filled in order, so a column's blocks
//    sit on consecutive MVMUs/cores/tiles and consecutive layers on consecutive tiles.
//  * A core loads the input slice of each of its blocks into that MVMU's XbarIn and runs one
//    `mvm` over all its MVMUs of the layer. The partial sums of one column block are added in
//    the VFU in r order along a chain: within a core directly from XbarOut, between cores
//    through shared memory (same tile) or a send/receive pair (other tile). The chain end
//    adds the bias, applies the activation once and stores the output slice with the number
//    of its consumers (loads on its tile + one send if another tile needs it).
//  * Forward relay: every value moves between tiles only from tile k to tile k+1 (placement
//    puts producers on lower tiles than consumers), so each tile receives from one source, in
//    the order that source sends. A packet waiting at a tile's ejection port is then always
//    the next one that tile's unit receives, which is what rules out head-of-line deadlock
//    at the single ejection port (docs/decisions-noc.md) for any FIFO depth; and one FIFO
//    per tile suffices for any fan-in (docs/decisions-compiler.md).
//  * All unit programs are subsequences of one global topological order of events (each
//    receive directly after its send), and shared-memory words are never reused within a
//    run, so attribute waits cannot deadlock.
#include "compiler/compiler.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "common/config.h"
#include "common/fixed_convert.h"
#include "compiler/emitter.h"
#include "isa/encoding.h"

namespace pumavp::compiler {

using isa::CoreInstr;
using isa::Opcode;
using isa::TileInstr;

Target target_from_config(const PlatformConfig& c) {
  Target t;
  t.geometry = geometry_from_config(c);
  t.fifo_depth = c.tile.fifo_depth;
  return t;
}

// ---------------------------------------------------------------------------------------
// Quantisation
// ---------------------------------------------------------------------------------------

namespace {

struct QStat {
  uint64_t sat = 0;
  double max_err = 0;
};

std::vector<int16_t> quantize(const std::vector<double>& v, bool raw, unsigned f, QStat& st, const std::string& what) {
  std::vector<int16_t> out(v.size());
  const double scale = std::ldexp(1.0, int(f));
  for (size_t i = 0; i < v.size(); ++i) {
    if (raw) {
      double r = v[i];
      if (r != std::floor(r) || r < -32768 || r > 32767)
        throw CompileError(what + ": raw value " + fmt::format("{}", r) + " is not an int16");
      out[i] = int16_t(r);
      continue;
    }
    const FixedValue q = to_fixed(v[i], f, -32768, 32767, FixedOverflow::Saturate);
    if (!q.ok) throw CompileError(what + ": value " + fmt::format("{}", v[i]) + " is not a number");
    if (q.saturated)
      ++st.sat;
    else
      st.max_err = std::max(st.max_err, std::fabs(double(q.raw) / scale - v[i]));
    out[i] = int16_t(q.raw);
  }
  return out;
}

}  // namespace

LayerQuant quantize_layer(const Layer& l, unsigned frac_bits) {
  LayerQuant q;
  QStat ws, bs;
  q.w = quantize(l.weights, l.weights_raw, frac_bits, ws, "layer " + l.name + " weights");
  q.b = quantize(l.bias, l.bias_raw, frac_bits, bs, "layer " + l.name + " bias");
  q.w_saturated = ws.sat;
  q.w_max_err = ws.max_err;
  q.b_saturated = bs.sat;
  q.b_max_err = bs.max_err;
  const double scale = l.weights_raw ? std::ldexp(1.0, -int(frac_bits)) : 1.0;
  for (double v : l.weights) q.w_max_abs = std::max(q.w_max_abs, std::fabs(v) * scale);
  return q;
}

std::vector<std::string> quantisation_warnings(const Model& m, const Compiled& c, unsigned frac_bits) {
  std::vector<std::string> out;
  const double lo = -std::ldexp(1.0, 15 - int(frac_bits)), hi = std::ldexp(32767.0, -int(frac_bits));
  for (size_t l = 0; l < c.quant.size() && l < m.layers.size(); ++l) {
    const LayerQuant& q = c.quant[l];
    if (!q.w_saturated && !q.b_saturated) continue;
    std::string s = fmt::format("layer {} ({}): ", l, m.layers[l].name);
    if (q.w_saturated) s += fmt::format("{} of {} weights", q.w_saturated, q.w.size());
    if (q.w_saturated && q.b_saturated) s += " and ";
    if (q.b_saturated) s += fmt::format("{} of {} bias values", q.b_saturated, q.b.size());
    s += fmt::format(" saturated to the Q format's range [{:g}, {:g}] (largest |w| {:.4g})", lo, hi, q.w_max_abs);
    out.push_back(std::move(s));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Code generation
// ---------------------------------------------------------------------------------------

namespace {

// A vector of `len` words produced once and consumed by core loads on one or more tiles.
struct Value {
  std::string name;
  unsigned len = 0;
  unsigned src_tile = 0;
  std::map<unsigned, unsigned> loads;    // tile -> number of core loads there
  std::map<unsigned, uint32_t> addr;     // tile -> buffer address there
  bool output = false;                   // final output slice (goes to the output tensor)
  unsigned out_offset = 0;
  unsigned remote_count() const {
    unsigned n = 0;
    for (auto& [t, k] : loads)
      if (t != src_tile) ++n;
    return n;
  }
};

class Generator {
 public:
  Generator(const Model& m, const Target& t, const CompileOptions& o)
      : m_(m), t_(t), opt_(o), g_(t.geometry), e_(t.geometry, t.fifo_depth) {}
  Compiled run();

 private:
  // Produce a value on its source tile: its words at `addr` (already written there with the
  // right count), then one relay to the farthest tile that loads it, dropping copies (with
  // their load counts) on the tiles in between that load it.
  void distribute(Value& v);
  unsigned local_count(const Value& v) const {
    auto it = v.loads.find(v.src_tile);
    return (it == v.loads.end() ? 0 : it->second) + (v.remote_count() ? 1 : 0);
  }

  void place();
  void plan_values();
  void generate();
  void build_image(Compiled& out);
  std::string build_asm(const Compiled& out) const;
  std::string build_report(const Compiled& out) const;

  const Model& m_;
  const Target& t_;
  const CompileOptions& opt_;
  Geometry g_;
  Emitter e_;
  unsigned X_ = 0;
  std::vector<LayerQuant> q_;
  std::vector<BlockPlacement> blocks_;
  std::vector<std::vector<std::vector<size_t>>> blk_;  // [l][c][r] -> index in blocks_
  std::vector<std::vector<Value>> in_;                  // [l][r] input slices of layer l
  std::vector<std::vector<std::vector<Value>>> chain_;  // [l][c][seg] partial sums between segments
  std::vector<isa::DataBlock> data_;
  bool input_direct_ = true;
  unsigned input_count_ = 1;
  unsigned out_tile_ = 0;
  uint32_t out_addr_ = 0;
  unsigned max_tile_ = 0;
};

void Generator::distribute(Value& v) {
  unsigned last = v.src_tile;
  for (auto& [tile, n] : v.loads) {
    Emitter::check_forward(v.src_tile, tile, v.name);
    last = std::max(last, tile);
  }
  e_.hop_chain(v.src_tile, v.addr.at(v.src_tile), last, v.len, v.name, [&](unsigned k) -> std::pair<uint32_t, unsigned> {
    auto it = v.loads.find(k);
    const unsigned n = it == v.loads.end() ? 0 : it->second;
    const uint32_t a = e_.alloc(k, v.len, n ? v.name : v.name + " (relay)");
    if (n) v.addr[k] = a;
    return {a, n + (k < last ? 1 : 0)};
  });
}

void Generator::place() {
  X_ = g_.xbar_size;
  const unsigned M = g_.num_mvmu, C = g_.cores_per_tile;
  check_fits(m_, t_);
  uint64_t slot = 0;
  blk_.resize(m_.layers.size());
  for (unsigned l = 0; l < m_.layers.size(); ++l) {
    const Layer& L = m_.layers[l];
    unsigned R = (L.rows + X_ - 1) / X_, Cb = (L.cols + X_ - 1) / X_;
    blk_[l].assign(Cb, std::vector<size_t>(R));
    for (unsigned c = 0; c < Cb; ++c)
      for (unsigned r = 0; r < R; ++r, ++slot) {
        BlockPlacement b;
        b.layer = l;
        b.row_block = r;
        b.col_block = c;
        b.rows = std::min(X_, L.rows - r * X_);
        b.cols = std::min(X_, L.cols - c * X_);
        b.tile = unsigned(slot / (uint64_t(C) * M));
        b.core = unsigned((slot / M) % C);
        b.mvmu = unsigned(slot % M);
        blk_[l][c][r] = blocks_.size();
        blocks_.push_back(b);
        max_tile_ = std::max(max_tile_, b.tile);
      }
  }
}

// Decide every value, who loads it where, and the buffer addresses on the producing tiles.
void Generator::plan_values() {
  const size_t NL = m_.layers.size();
  in_.resize(NL);
  chain_.resize(NL);
  for (unsigned l = 0; l < NL; ++l) {
    const Layer& L = m_.layers[l];
    unsigned R = (L.rows + X_ - 1) / X_, Cb = (L.cols + X_ - 1) / X_;
    in_[l].resize(R);
    for (unsigned r = 0; r < R; ++r) {
      Value& v = in_[l][r];
      v.len = std::min(X_, L.rows - r * X_);
      v.name = fmt::format("L{}.in[{}:{}]", l, r * X_, r * X_ + v.len);
      for (unsigned c = 0; c < Cb; ++c) v.loads[blocks_[blk_[l][c][r]].tile]++;
      if (l > 0) {
        // produced by the chain end of layer l-1, column block r
        const auto& prev = blk_[l - 1][r];
        v.src_tile = blocks_[prev.back()].tile;
      } else {
        v.src_tile = 0;
      }
    }
    chain_[l].resize(Cb);
    for (unsigned c = 0; c < Cb; ++c) {
      // segments: maximal runs of the column's blocks on one core
      const auto& col = blk_[l][c];
      for (unsigned r = 1; r < R; ++r) {
        const auto& a = blocks_[col[r - 1]];
        const auto& b = blocks_[col[r]];
        if (a.tile != b.tile || a.core != b.core) {
          Value v;
          v.len = a.cols;
          v.name = fmt::format("L{}.col{}.partial[0:{}]", l, c, r * X_);
          v.src_tile = a.tile;
          v.loads[b.tile] = 1;
          chain_[l][c].push_back(v);
        }
      }
    }
  }
  // Output tensor: on the tile of the last chain end.
  const size_t last = NL - 1;
  out_tile_ = blocks_[blk_[last].back().back()].tile;
  // Input tensor on tile 0 at address 0.
  e_.alloc(0, m_.input_size, "input tensor");
  // Direct use of the tensor iff all slices are loaded only on tile 0, equally often.
  std::set<unsigned> counts;
  input_direct_ = true;
  for (auto& v : in_[0]) {
    if (v.loads.size() != 1 || v.loads.begin()->first != 0) input_direct_ = false;
    counts.insert(local_count(v));
  }
  if (counts.size() != 1 || *counts.begin() > 255) input_direct_ = false;
  input_count_ = input_direct_ ? *counts.begin() : 1;
  out_addr_ = e_.alloc(out_tile_, m_.output_size(), "output tensor");
}

void Generator::generate() {
  const size_t NL = m_.layers.size();
  const unsigned need_rf = 16 + 2 * X_;
  if (g_.n_rf() < need_rf)
    throw CompileError(fmt::format("the core register file ({} words) is too small: the compiler needs {}", g_.n_rf(),
                                   need_rf));
  const uint16_t ACC = e_.rf(16), TMP = e_.rf(16 + X_);

  // Model input: the host writes the tensor; distribute the slices.
  for (unsigned r = 0; r < in_[0].size(); ++r) {
    Value& v = in_[0][r];
    if (input_direct_) {
      v.addr[0] = r * X_;
      continue;
    }
    uint32_t a = e_.alloc(0, v.len, v.name);
    v.addr[0] = a;
    e_.transfer(0, r * X_, 0, a, v.len, local_count(v), v.name + " (re-count)");
    distribute(v);
  }

  for (unsigned l = 0; l < NL; ++l) {
    const Layer& L = m_.layers[l];
    const LayerQuant& q = q_[l];
    unsigned R = (L.rows + X_ - 1) / X_, Cb = (L.cols + X_ - 1) / X_;
    // 1. every core of the layer loads its blocks' inputs and runs one mvm
    std::map<std::pair<unsigned, unsigned>, std::vector<size_t>> per_core;
    for (unsigned c = 0; c < Cb; ++c)
      for (unsigned r = 0; r < R; ++r) {
        const auto& b = blocks_[blk_[l][c][r]];
        per_core[{b.tile, b.core}].push_back(blk_[l][c][r]);
      }
    for (auto& [tc, list] : per_core) {
      unsigned mask = 0;
      for (size_t bi : list) {
        const auto& b = blocks_[bi];
        const Value& v = in_[l][b.row_block];
        e_.mem(false, tc.first, tc.second, uint16_t(g_.xbar_in_addr(b.mvmu, 0, 0)), v.addr.at(tc.first), v.len, 0,
                 fmt::format("{} -> mvmu {} (block r{} c{})", v.name, b.mvmu, b.row_block, b.col_block));
        mask |= 1u << b.mvmu;
      }
      CoreInstr mv;
      mv.opcode = Opcode::Mvm;
      mv.mask = uint8_t(mask);
      e_.core_ev(tc.first, tc.second, mv, fmt::format("layer {} ({})", l, L.name));
    }
    // 2. reduction chains, bias, activation, output slices
    for (unsigned c = 0; c < Cb; ++c) {
      const auto& col = blk_[l][c];
      const unsigned cols = blocks_[col[0]].cols;
      unsigned seg = 0;
      unsigned r = 0;
      while (r < R) {
        const auto& first = blocks_[col[r]];
        const unsigned tile = first.tile, core = first.core;
        unsigned r_end = r;
        while (r_end + 1 < R && blocks_[col[r_end + 1]].tile == tile && blocks_[col[r_end + 1]].core == core) ++r_end;
        int acc = -1;  // operand address of the running sum
        if (seg > 0) {
          Value& in = chain_[l][c][seg - 1];
          e_.mem(false, tile, core, TMP, in.addr.at(tile), cols, 0, "chain in: " + in.name);
          acc = TMP;
        }
        for (unsigned rr = r; rr <= r_end; ++rr) {
          uint16_t out = uint16_t(g_.xbar_out_addr(blocks_[col[rr]].mvmu, 0, 0));
          if (acc < 0) {
            acc = out;
          } else {
            e_.alu(tile, core, isa::AluOp::Add, ACC, uint16_t(acc), out, cols, fmt::format("+ block r{}", rr));
            acc = ACC;
          }
        }
        const bool end = r_end + 1 == R;
        if (!end) {
          Value& v = chain_[l][c][seg];
          v.addr[tile] = e_.alloc(tile, cols, v.name);
          e_.mem(true, tile, core, uint16_t(acc), v.addr[tile], cols, local_count(v), "chain out: " + v.name);
          distribute(v);
        } else {
          if (!q.b.empty()) {
            isa::DataBlock d;
            d.tile = uint16_t(tile);
            d.count = 1;
            d.words.assign(q.b.begin() + c * X_, q.b.begin() + c * X_ + cols);
            d.addr = e_.alloc(tile, cols, fmt::format("L{} bias", l));
            data_.push_back(d);
            e_.mem(false, tile, core, TMP, d.addr, cols, 0, fmt::format("bias[{}:{}]", c * X_, c * X_ + cols));
            e_.alu(tile, core, isa::AluOp::Add, ACC, uint16_t(acc), TMP, cols, "+ bias");
            acc = ACC;
          }
          if (L.act != Activation::None) {
            auto op = L.act == Activation::Relu ? isa::AluOp::Relu
                      : L.act == Activation::Sigmoid ? isa::AluOp::Sig
                                                     : isa::AluOp::Tanh;
            e_.alu(tile, core, op, ACC, uint16_t(acc), 0, cols, activation_name(L.act));
            acc = ACC;
          }
          std::string oname = fmt::format("L{}.out[{}:{}]", l, c * X_, c * X_ + cols);
          if (l + 1 < NL) {
            Value& v = in_[l + 1][c];
            v.addr[tile] = e_.alloc(tile, cols, v.name);
            e_.mem(true, tile, core, uint16_t(acc), v.addr[tile], cols, local_count(v), "out: " + oname);
            distribute(v);
          } else if (tile == out_tile_) {
            e_.mem(true, tile, core, uint16_t(acc), out_addr_ + c * X_, cols, 1, "model output " + oname);
          } else {
            uint32_t a = e_.alloc(tile, cols, oname);
            e_.mem(true, tile, core, uint16_t(acc), a, cols, 1, "model output " + oname);
            e_.relay(tile, a, out_tile_, out_addr_ + c * X_, cols, 1, "model output " + oname);
          }
        }
        ++seg;
        r = r_end + 1;
      }
    }
  }
  e_.halt_all();
}

void Generator::build_image(Compiled& out) {
  isa::KernelImage& img = out.image;
  unsigned max_core = 0;
  for (auto& b : blocks_) max_core = std::max(max_core, b.core);
  img.header = Emitter::image_header(g_, max_tile_ + 1, max_core + 1);
  img.tensors.push_back(Emitter::tensor(m_.input_name, 0, 0, m_.input_size, isa::TensorDir::In, input_count_));
  img.tensors.push_back(Emitter::tensor(m_.output_name, out_tile_, out_addr_, m_.output_size(), isa::TensorDir::Out, 0));
  for (const auto& b : blocks_) {
    isa::XbarWeights w;
    w.tile = uint16_t(b.tile);
    w.core = uint8_t(b.core);
    w.mvmu = uint8_t(b.mvmu);
    w.rows = uint16_t(b.rows);
    w.cols = uint16_t(b.cols);
    w.w.resize(size_t(b.rows) * b.cols);
    const auto& q = q_[b.layer].w;
    const unsigned C = m_.layers[b.layer].cols;
    for (unsigned i = 0; i < b.rows; ++i)
      for (unsigned j = 0; j < b.cols; ++j)
        w.w[size_t(i) * b.cols + j] = q[size_t(b.row_block * X_ + i) * C + b.col_block * X_ + j];
    img.xbars.push_back(std::move(w));
  }
  img.data = data_;
  e_.build_programs(img);
}

std::string Generator::build_asm(const Compiled& out) const {
  const isa::KernelImage& img = out.image;
  std::string s;
  s += fmt::format("# model '{}' compiled by pumavp compile: {} layers, {} parameters\n", m_.name, m_.layers.size(),
                   m_.parameters());
  s += fmt::format(".config frac_bits={} xbar_size={} num_mvmu={} cores={} tiles={}\n", g_.frac_bits, X_,
                   g_.num_mvmu, unsigned(img.header.cores_per_tile), unsigned(img.header.tiles));
  for (const auto& t : img.tensors) {
    if (t.dir == isa::TensorDir::In)
      s += fmt::format(".tensor {} in {} {} {} count={}\n", t.name, t.tile, t.addr, t.len, unsigned(t.count));
    else
      s += fmt::format(".tensor {} out {} {} {}\n", t.name, t.tile, t.addr, t.len);
  }
  for (size_t i = 0; i < img.xbars.size(); ++i) {
    const auto& w = img.xbars[i];
    const auto& b = blocks_[i];
    s += fmt::format(".xbar {} {} {} rows={} cols={} format=raw   # layer {} W[{}:{}, {}:{}]\n", w.tile,
                     unsigned(w.core), unsigned(w.mvmu), w.rows, w.cols, b.layer, b.row_block * X_,
                     b.row_block * X_ + b.rows, b.col_block * X_, b.col_block * X_ + b.cols);
    if (opt_.asm_weights) {
      for (unsigned r = 0; r < w.rows; ++r) {
        std::string line;
        for (unsigned c = 0; c < w.cols; ++c) line += fmt::format(c ? " {}" : "{}", w.at(r, c));
        s += "  " + line + "\n";
      }
    }
    s += ".end\n";
  }
  for (const auto& d : img.data) {
    s += fmt::format(".data {} {} count={} format=raw\n ", d.tile, d.addr, d.count);
    for (int16_t v : d.words) s += fmt::format(" {}", v);
    s += "\n.end\n";
  }
  s += e_.programs_asm();
  return s;
}

std::string Generator::build_report(const Compiled& out) const {
  std::string s;
  s += fmt::format("model '{}': input {}, output {}, {} layers, {} parameters\n", m_.name, m_.input_size,
                   m_.output_size(), m_.layers.size(), m_.parameters());
  s += fmt::format("target: {} tiles x {} cores x {} MVMUs of {}x{} = {} crossbars, Q{}.{}\n", g_.tiles,
                   g_.cores_per_tile, g_.num_mvmu, X_, X_, out.crossbars_available, 15 - g_.frac_bits, g_.frac_bits);
  for (const std::string& n : m_.notes) s += "note: " + n + "\n";
  s += "\nlayers:\n";
  for (size_t l = 0; l < m_.layers.size(); ++l) {
    const Layer& L = m_.layers[l];
    const LayerQuant& q = q_[l];
    unsigned R = (L.rows + X_ - 1) / X_, Cb = (L.cols + X_ - 1) / X_;
    double util = double(L.rows) * L.cols / (double(R) * Cb * X_ * X_);
    s += fmt::format("  L{} {:<10} {:>6} x {:<6} {:<7} bias={} blocks {}x{} = {:>4} crossbars, utilisation {:5.1f}%\n",
                     l, L.name, L.rows, L.cols, activation_name(L.act), L.bias.empty() ? "no " : "yes", R, Cb, R * Cb,
                     100.0 * util);
    s += fmt::format("     quantisation: weights max|w| {:.4g}, {} saturated, worst error {:.3g}", q.w_max_abs,
                     q.w_saturated, q.w_max_err);
    if (!q.b.empty()) s += fmt::format("; bias {} saturated, worst error {:.3g}", q.b_saturated, q.b_max_err);
    s += L.weights_raw ? " (raw int16 input)\n" : "\n";
  }
  s += fmt::format("\ncrossbars: {} used of {} ({:.1f}%), {} tiles used; weight cells used in the used crossbars: "
                   "{:.1f}%\n",
                   out.crossbars_used, out.crossbars_available,
                   100.0 * out.crossbars_used / std::max(1u, out.crossbars_available), out.tiles_used,
                   100.0 * out.utilisation);
  size_t max_core = 0, max_tile = 0;
  for (const auto& p : out.image.programs)
    (p.is_tile() ? max_tile : max_core) = std::max(p.is_tile() ? max_tile : max_core, p.words.size());
  const uint32_t max_mem = e_.max_mem_top();
  const unsigned max_fifos = e_.max_fifos_used();
  s += fmt::format("programs: largest core program {} of {} instructions, largest tile program {} of {}\n", max_core,
                   g_.core_imem_words, max_tile, g_.tile_imem_words);
  s += fmt::format("shared memory: at most {} of {} words per tile; receive FIFOs: at most {} of {} per tile\n",
                   max_mem, g_.shared_mem_words, max_fifos, g_.num_fifos);
  s += fmt::format("tensors: {} in tile 0 @0 (len {}, count {}), {} out tile {} @{} (len {})\n", m_.input_name,
                   m_.input_size, input_count_, m_.output_name, out_tile_, out_addr_, m_.output_size());
  s += "\nmapping (layer block W[rows, cols] -> tile/core/mvmu):\n";
  if (blocks_.size() <= 512) {
    for (const auto& b : blocks_)
      s += fmt::format("  L{} W[{}:{}, {}:{}] -> tile {} core {} mvmu {}  ({:.1f}% of the crossbar)\n", b.layer,
                       b.row_block * X_, b.row_block * X_ + b.rows, b.col_block * X_, b.col_block * X_ + b.cols, b.tile,
                       b.core, b.mvmu, 100.0 * b.rows * b.cols / (X_ * X_));
  } else {
    for (size_t l = 0; l < m_.layers.size(); ++l) {
      const BlockPlacement* first = nullptr;
      const BlockPlacement* last = nullptr;
      for (const auto& b : blocks_)
        if (b.layer == l) {
          if (!first) first = &b;
          last = &b;
        }
      s += fmt::format("  L{}: tile {} core {} mvmu {} .. tile {} core {} mvmu {} (blocks in column-major order)\n", l,
                       first->tile, first->core, first->mvmu, last->tile, last->core, last->mvmu);
    }
  }
  return s;
}

Compiled Generator::run() {
  if (g_.panther) throw CompileError("PANTHER targets are not supported by the compiler (compile for a PUMA config)");
  std::string gerr = g_.check();
  if (!gerr.empty()) throw CompileError("bad target geometry: " + gerr);
  m_.check();
  for (const auto& l : m_.layers) q_.push_back(quantize_layer(l, g_.frac_bits));
  place();
  plan_values();
  generate();
  Compiled out;
  build_image(out);
  out.quant = q_;
  out.blocks = blocks_;
  out.crossbars_used = unsigned(blocks_.size());
  out.crossbars_available = unsigned(g_.crossbars());
  out.tiles_used = 0;
  for (const auto& p : out.image.programs) out.tiles_used = std::max(out.tiles_used, unsigned(p.tile) + 1);
  double cells = 0;
  for (const auto& b : blocks_) cells += double(b.rows) * b.cols;
  out.utilisation = cells / (double(blocks_.size()) * X_ * X_);
  if (opt_.emit_asm) out.asm_text = build_asm(out);
  out.report = build_report(out);
  return out;
}

}  // namespace

void check_fits(const Model& m, const Target& t) {
  const Geometry& g = t.geometry;
  const uint64_t X = g.xbar_size;
  uint64_t needed = 0, weights = 0;
  for (const Layer& l : m.layers) {
    needed += ((l.rows + X - 1) / X) * ((l.cols + X - 1) / X);
    weights += uint64_t(l.rows) * l.cols;
  }
  const uint64_t avail = g.crossbars();
  if (needed > avail)
    throw CompileError(fmt::format(
        "model '{}' does not fit: it needs {} crossbars of {}x{} ({} weights), the platform has {} "
        "({} tiles x {} cores x {} MVMUs)",
        m.name, needed, X, X, weights, avail, g.tiles, g.cores_per_tile, g.num_mvmu));
}

Compiled compile(const Model& m, const Target& t, const CompileOptions& opt) {
  Generator g(m, t, opt);
  return g.run();
}

}  // namespace pumavp::compiler
