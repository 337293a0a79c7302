#include "interp.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <set>
#include <sstream>

#include "isa/encoding.h"
#include "ref_numerics.h"

namespace pumavp::compiler_test {

namespace {

struct Packet {
  unsigned src = 0;
  std::vector<int16_t> words;
};

struct TileState {
  std::vector<int16_t> mem;
  std::vector<uint8_t> valid;
  std::vector<uint32_t> count;
  std::vector<std::deque<Packet>> fifo;
  std::vector<int> fifo_src;     // first source seen, -1 none
  unsigned outstanding = 0;      // packets handed over, not yet accepted
};

struct InFlight {
  unsigned dst, fifo;
  Packet p;
};

struct CoreState {
  unsigned tile = 0, core = 0;
  std::vector<isa::CoreInstr> prog;
  size_t pc = 0;
  unsigned sub = 0;              // access index inside a vec load/store
  bool halted = false;
  std::vector<int32_t> A;        // operand space
  std::vector<std::vector<int32_t>> W;  // [mvmu][i*X + j]
};

struct TileUnitState {
  unsigned tile = 0;
  std::vector<isa::TileInstr> prog;
  size_t pc = 0;
  unsigned sub = 0;
  bool halted = false;
};

uint64_t next_rand(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

}  // namespace

InterpResult interpret(const isa::KernelImage& img, const Geometry& platform,
                       const std::map<std::string, std::vector<int16_t>>& inputs, const InterpOptions& o) {
  InterpResult res;
  const Geometry g = img.geometry(platform);
  const unsigned X = g.xbar_size, f = g.frac_bits, NW = g.shared_mem_words;
  auto fail = [&](const std::string& e) {
    res.ok = false;
    res.error = e;
    return res;
  };
  std::vector<TileState> tiles(g.tiles);
  for (auto& t : tiles) {
    t.mem.assign(NW, 0);
    t.valid.assign(NW, 0);
    t.count.assign(NW, 0);
    t.fifo.resize(g.num_fifos);
    t.fifo_src.assign(g.num_fifos, -1);
  }
  std::vector<std::unique_ptr<CoreState>> cores;
  std::vector<std::unique_ptr<TileUnitState>> tunits;
  std::map<std::pair<unsigned, unsigned>, CoreState*> core_by_id;
  for (const auto& p : img.programs) {
    if (p.is_tile()) {
      auto u = std::make_unique<TileUnitState>();
      u->tile = p.tile;
      for (uint64_t w : p.words) {
        auto d = isa::decode_tile(w, g);
        if (!d.ok()) return fail("tile decode: " + d.error.message);
        u->prog.push_back(d.instr);
      }
      tunits.push_back(std::move(u));
    } else {
      auto c = std::make_unique<CoreState>();
      c->tile = p.tile;
      c->core = p.core;
      c->A.assign(g.operand_space(), 0);
      c->W.assign(g.num_mvmu, std::vector<int32_t>(size_t(X) * X, 0));
      for (uint64_t w : p.words) {
        auto d = isa::decode_core(w, g);
        if (!d.ok()) return fail("core decode: " + d.error.message);
        c->prog.push_back(d.instr);
      }
      core_by_id[{p.tile, p.core}] = c.get();
      cores.push_back(std::move(c));
    }
  }
  for (const auto& xw : img.xbars) {
    auto it = core_by_id.find({xw.tile, xw.core});
    if (it == core_by_id.end()) continue;  // weights of a core without a program: unused
    for (unsigned i = 0; i < xw.rows; ++i)
      for (unsigned j = 0; j < xw.cols; ++j) it->second->W[xw.mvmu][size_t(i) * X + j] = xw.at(i, j);
  }
  // host inputs, then DATA preloads
  for (const auto& t : img.tensors) {
    if (t.dir != isa::TensorDir::In) continue;
    auto it = inputs.find(t.name);
    if (it == inputs.end()) return fail("no input for tensor " + t.name);
    if (it->second.size() != t.len) return fail("input size mismatch for " + t.name);
    for (unsigned i = 0; i < t.len; ++i) {
      auto& ts = tiles.at(t.tile);
      ts.mem[t.addr + i] = it->second[i];
      ts.valid[t.addr + i] = 1;
      ts.count[t.addr + i] = t.count;
    }
  }
  for (const auto& d : img.data)
    for (size_t i = 0; i < d.words.size(); ++i) {
      auto& ts = tiles.at(d.tile);
      ts.mem[d.addr + i] = d.words[i];
      ts.valid[d.addr + i] = 1;
      ts.count[d.addr + i] = d.count;
    }

  const auto sig = make_lut(Fn::Sig, f, o.lut_bits);
  const auto th = make_lut(Fn::Tanh, f, o.lut_bits);
  std::deque<InFlight> net;
  std::string err;

  auto consume = [&](TileState& t, uint32_t a, unsigned w, int32_t* dst) -> bool {
    if (uint64_t(a) + w > NW) { err = "memory range"; return false; }
    for (unsigned j = 0; j < w; ++j)
      if (!t.valid[a + j]) return false;
    for (unsigned j = 0; j < w; ++j) {
      dst[j] = t.mem[a + j];
      if (--t.count[a + j] == 0) t.valid[a + j] = 0;
    }
    return true;
  };
  auto produce = [&](TileState& t, uint32_t a, unsigned w, const int32_t* src, unsigned cnt) -> bool {
    if (uint64_t(a) + w > NW) { err = "memory range"; return false; }
    for (unsigned j = 0; j < w; ++j)
      if (t.valid[a + j]) return false;
    for (unsigned j = 0; j < w; ++j) {
      t.mem[a + j] = int16_t(src[j]);
      t.valid[a + j] = 1;
      t.count[a + j] = cnt;
    }
    return true;
  };

  // One step of a core: returns true on progress.
  auto step_core = [&](CoreState& c) -> bool {
    if (c.halted) return false;
    if (c.pc >= c.prog.size()) { err = "core PC out of range"; return false; }
    const isa::CoreInstr& in = c.prog[c.pc];
    TileState& ts = tiles[c.tile];
    auto& A = c.A;
    switch (in.opcode) {
      case isa::Opcode::Halt: c.halted = true; return true;
      case isa::Opcode::Nop: break;
      case isa::Opcode::Set:
        for (unsigned i = 0; i < in.vec; ++i) A[in.dest + i] = int16_t(in.imm);
        break;
      case isa::Opcode::Copy: {
        std::vector<int32_t> tmp(A.begin() + in.src1, A.begin() + in.src1 + in.vec);
        std::copy(tmp.begin(), tmp.end(), A.begin() + in.dest);
        break;
      }
      case isa::Opcode::Load:
      case isa::Opcode::Store: {
        bool ld = in.opcode == isa::Opcode::Load;
        uint32_t base = uint16_t(A[ld ? in.src1 : in.dest]);
        uint32_t a = base + c.sub * in.width;
        bool okk = ld ? consume(ts, a, in.width, &A[in.dest + c.sub * in.width])
                      : produce(ts, a, in.width, &A[in.src1 + c.sub * in.width], in.count);
        if (!okk) return false;
        if (++c.sub < in.vec) return true;
        c.sub = 0;
        break;
      }
      case isa::Opcode::Alu: {
        std::vector<int32_t> r(in.vec);
        for (unsigned i = 0; i < in.vec; ++i) {
          int32_t a = A[in.src1 + i], b = A[in.src2 + i];
          switch (in.alu_op()) {
            case isa::AluOp::Add: r[i] = sat16(int64_t(a) + b); break;
            case isa::AluOp::Sub: r[i] = sat16(int64_t(a) - b); break;
            case isa::AluOp::Mul: r[i] = sat16(rne(int64_t(a) * b, f)); break;
            case isa::AluOp::Min: r[i] = std::min(a, b); break;
            case isa::AluOp::Max: r[i] = std::max(a, b); break;
            case isa::AluOp::Relu: r[i] = std::max(a, 0); break;
            case isa::AluOp::Sig: r[i] = lut_lookup(sig, o.lut_bits, int16_t(a)); break;
            case isa::AluOp::Tanh: r[i] = lut_lookup(th, o.lut_bits, int16_t(a)); break;
            default: err = "alu op not supported by the test interpreter"; return false;
          }
        }
        std::copy(r.begin(), r.end(), A.begin() + in.dest);
        break;
      }
      case isa::Opcode::Mvm: {
        for (unsigned m = 0; m < g.num_mvmu; ++m) {
          if (!(in.mask >> m & 1)) continue;
          const int32_t* x = &A[g.xbar_in_addr(m, 0, 0)];
          for (unsigned j = 0; j < X; ++j) {
            int64_t acc = 0;
            for (unsigned i = 0; i < X; ++i) acc += int64_t(c.W[m][size_t(i) * X + j]) * x[i];
            A[g.xbar_out_addr(m, 0, j)] = sat16(rne(acc, f));
          }
          if (in.filter > 0) {  // input shuffle (isa.md §4.3)
            int32_t* xi = &A[g.xbar_in_addr(m, 0, 0)];
            std::vector<int32_t> old(xi, xi + X);
            for (unsigned p = 0; p < X; ++p) {
              const unsigned j = p % in.filter;
              xi[p] = (j + in.stride < in.filter && p + in.stride < X) ? old[p + in.stride] : 0;
            }
          }
          ++res.mvms;
        }
        break;
      }
      default:
        err = std::string("instruction not supported by the test interpreter: ") + isa::disassemble(in, g);
        return false;
    }
    ++c.pc;
    return true;
  };

  auto step_tile = [&](TileUnitState& u) -> bool {
    if (u.halted) return false;
    if (u.pc >= u.prog.size()) { err = "tile PC out of range"; return false; }
    const isa::TileInstr& in = u.prog[u.pc];
    TileState& ts = tiles[u.tile];
    if (in.opcode == isa::Opcode::TileHalt) {
      for (const auto& c : cores)
        if (c->tile == u.tile && !c->halted) return false;
      if (ts.outstanding) return false;
      u.halted = true;
      return true;
    }
    if (in.opcode == isa::Opcode::Send) {
      if (ts.outstanding >= o.inject_depth) return false;
      std::vector<int32_t> buf(in.width);
      if (!consume(ts, in.mem + u.sub * in.width, in.width, buf.data())) return false;
      Packet p;
      p.src = u.tile;
      p.words.assign(buf.begin(), buf.end());
      if (in.target >= tiles.size()) { err = "send target out of range"; return false; }
      net.push_back({in.target, in.fifo, std::move(p)});
      ++ts.outstanding;
      ++res.packets;
    } else if (in.opcode == isa::Opcode::Receive) {
      auto& q = ts.fifo.at(in.fifo);
      if (q.empty()) return false;
      if (q.front().words.size() != in.width) { err = "FIFO protocol: width mismatch"; return false; }
      std::vector<int32_t> buf(q.front().words.begin(), q.front().words.end());
      if (!produce(ts, in.mem + u.sub * in.width, in.width, buf.data(), in.count)) return false;
      q.pop_front();
    } else {
      err = "tile instruction not supported";
      return false;
    }
    if (++u.sub < in.vec) return true;
    u.sub = 0;
    ++u.pc;
    return true;
  };

  // Network: deliver in order per (source, destination FIFO); a packet to a full FIFO waits.
  auto step_net = [&]() -> bool {
    bool progress = false;
    std::set<std::pair<unsigned, unsigned>> blocked;  // (src, dst*256+fifo) streams behind a waiting packet
    for (auto it = net.begin(); it != net.end();) {
      auto key = std::make_pair(it->p.src, it->dst * 256 + it->fifo);
      TileState& d = tiles[it->dst];
      if (blocked.count(key) || d.fifo[it->fifo].size() >= o.fifo_depth) {
        blocked.insert(key);
        ++it;
        continue;
      }
      if (d.fifo_src[it->fifo] < 0) d.fifo_src[it->fifo] = int(it->p.src);
      if (d.fifo_src[it->fifo] != int(it->p.src)) res.fifo_shared = true;
      tiles[it->p.src].outstanding--;
      d.fifo[it->fifo].push_back(std::move(it->p));
      it = net.erase(it);
      progress = true;
    }
    return progress;
  };

  uint64_t rs = o.sched_seed * 0x9E3779B97F4A7C15ull + 1;
  std::vector<size_t> order(cores.size() + tunits.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (;;) {
    bool progress = step_net();
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[next_rand(rs) % i]);
    bool all_halted = true;
    for (size_t k : order) {
      // a random number of steps per unit and round, to vary the interleaving
      unsigned n = 1 + unsigned(next_rand(rs) % 4);
      for (unsigned s = 0; s < n; ++s) {
        bool p = k < cores.size() ? step_core(*cores[k]) : step_tile(*tunits[k - cores.size()]);
        if (!err.empty()) return fail(err);
        if (!p) break;
        progress = true;
        if (++res.steps > o.max_steps) return fail("step limit");
      }
      all_halted &= k < cores.size() ? cores[k]->halted : tunits[k - cores.size()]->halted;
    }
    if (all_halted && net.empty()) break;
    if (!progress) {
      std::ostringstream os;
      os << "deadlock:";
      for (const auto& c : cores)
        if (!c->halted) os << " core " << c->tile << "." << c->core << "@" << c->pc;
      for (const auto& u : tunits)
        if (!u->halted) os << " tile " << u->tile << "@" << u->pc;
      return fail(os.str());
    }
  }
  for (const auto& t : img.tensors) {
    if (t.dir != isa::TensorDir::Out) continue;
    std::vector<int16_t> out(t.len);
    std::vector<int32_t> buf(t.len);
    if (!consume(tiles.at(t.tile), t.addr, t.len, buf.data())) return fail("output " + t.name + " not valid at the end");
    for (unsigned i = 0; i < t.len; ++i) out[i] = int16_t(buf[i]);
    res.outputs[t.name] = out;
  }
  for (const auto& t : tiles)
    for (uint8_t v : t.valid) res.leftover_valid += v;
  res.ok = true;
  return res;
}

}  // namespace pumavp::compiler_test
