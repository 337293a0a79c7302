#include "node/node.h"

#include <cstdio>
#include <sstream>

#include "isa/encoding.h"
#include "xbar/lut.h"
#include "fabric/mem_extension.h"

namespace pumavp::node {

using namespace sc_core;

Node::Node(sc_module_name name, const PlatformConfig& cfg, Stats& stats)
    : sc_module(name),
      host_socket("host_socket"),
      cfg_(cfg),
      geo_(geometry_from_config(cfg)),
      monitor_("monitor"),
      mem_access_(sc_time(cfg.cycle_ns(), SC_NS) * static_cast<double>(cfg.lat.mem_access)),
      c_runs_(stats.counter("node.runs")),
      c_discarded_(stats.counter("node.discarded_packets")) {
  mesh_ = std::make_unique<noc::Mesh>("noc", cfg_, stats, &monitor_);
  // One set of function tables for the whole node (same numerics everywhere).
  auto luts = std::make_shared<const xbar::LutSet>(cfg_.numerics.frac_bits, cfg_.numerics.lut_bits);
  tiles_.reserve(cfg_.node.tiles);
  host_init_.reserve(cfg_.node.tiles);
  for (unsigned t = 0; t < cfg_.node.tiles; ++t) {
    tiles_.push_back(std::make_unique<tile::Tile>(("tile" + std::to_string(t)).c_str(), cfg_, t,
                                                  stats, monitor_, luts));
    tile::Tile& tl = *tiles_.back();
    tl.noc_out.bind(mesh_->ni(t).tile_in);
    mesh_->ni(t).to_tile.bind(tl.noc_in);
    host_init_.push_back(std::make_unique<HostInit>(("host_to_tile" + std::to_string(t)).c_str()));
    host_init_.back()->bind(tl.memory().socket);
  }
  for (auto& t : tiles_) units_.push_back(t.get());
  units_.push_back(mesh_.get());
  host_socket.register_b_transport(this, &Node::host_b_transport);
  host_socket.register_transport_dbg(this, &Node::host_transport_dbg);

  SC_METHOD(end_method);
  sensitive << monitor_.end_event();
  dont_initialize();
}

Node::~Node() = default;

// ---------------------------------------------------------------- commands

LoadResult Node::load(const isa::KernelImage& img) {
  LoadResult r;
  if (busy()) {
    r.code = 0xFF;
    r.message = "LOAD while a run is in progress: ignored";
    return r;
  }
  const isa::LoadError e = isa::validate_for_platform(img, geo_);
  if (e) {
    r.code = static_cast<unsigned>(e.code);
    r.tile = e.tile;
    r.core = e.core;
    r.pc = e.pc;
    r.message = e.message;
    loaded_ = false;
    return r;
  }
  cleanup_run();  // a previous run's end-of-run processing, if still pending
  loaded_ = false;
  for (auto& t : tiles_) {
    const std::string why = t->load(img);
    if (!why.empty()) {
      // validate_for_platform should have caught it; report as a malformed image.
      r.code = static_cast<unsigned>(isa::ErrorCode::Malformed);
      r.tile = static_cast<int>(t->index());
      r.message = why;
      for (auto& u : tiles_) u->reset();
      return r;
    }
  }
  monitor_.reset();
  loaded_ = true;
  return r;
}

bool Node::start() {
  if (!loaded_ || busy()) return false;
  // The previous run's end-of-run processing, if its method has not run yet (START in the
  // same delta as the end of the previous run).
  cleanup_run();
  cleaned_ = false;
  discarded_ = 0;
  monitor_.start();
  for (fabric::Unit* u : units_) u->start();
  t_start_ = sc_time_stamp();
  t_end_ = SC_ZERO_TIME;
  ++c_runs_;
  return true;
}

void Node::abort(const std::string& why) {
  if (busy()) monitor_.stop(static_cast<unsigned>(isa::ErrorCode::Aborted), why);
}

void Node::reset() {
  const bool was_busy = busy();
  if (was_busy) monitor_.stop(0, "reset");  // end_method flushes the mesh (process context)
  for (auto& t : tiles_) t->reset();
  if (!was_busy) {  // nothing can be stuck in the network: flush it now
    cleanup_run();
    mesh_->reset();
  }
  monitor_.reset();
  loaded_ = false;
  discarded_ = 0;
}

void Node::cleanup_run() {
  // Once per run: release everything still waiting and drop packets.
  if (cleaned_) return;
  cleaned_ = true;
  t_end_ = sc_time_stamp();
  size_t dropped = 0;
  for (fabric::Unit* u : units_) dropped += u->end_run();  // tiles, then the network
  discarded_ = dropped;
  c_discarded_ += dropped;
  if (dropped)
    SC_REPORT_WARNING("pumavp/node",
                      (std::to_string(dropped) + " packet(s) still queued at the end of the run "
                                                 "were discarded")
                          .c_str());
}

void Node::end_method() {
  // A run ended (done or error). If a new run has already started, start() did the clean-up.
  if (busy()) return;
  cleanup_run();
  end_ev_.notify(SC_ZERO_TIME);
  if (pause_on_end_) sc_pause();
}

// ---------------------------------------------------------------- standalone run

fabric::RunStatus Node::run_standalone(const sc_time& limit) {
  if (sc_get_status() == SC_ELABORATION) sc_start(SC_ZERO_TIME);
  if (!start()) return monitor_.status();
  pause_on_end_ = true;
  const sc_time t0 = sc_time_stamp();
  const bool bounded = limit != sc_max_time();
  while (monitor_.status() == fabric::RunStatus::Running) {
    if (bounded) {
      const sc_time elapsed = sc_time_stamp() - t0;
      if (elapsed >= limit) {
        abort("simulated time limit reached");
        break;
      }
      sc_start(limit - elapsed);
    } else {
      sc_start();
    }
    if (monitor_.status() != fabric::RunStatus::Running) break;
    if (!sc_pending_activity()) {
      monitor_.check_starved();  // only units waiting for host input are left
      if (monitor_.status() == fabric::RunStatus::Running) {
        // Nothing can ever happen again and no unit is blocked on anything we track:
        // an internal inconsistency; report it as a deadlock rather than hang.
        monitor_.fail_global(static_cast<unsigned>(isa::ErrorCode::Deadlock),
                             "simulation ran out of events before the run ended");
      }
      break;
    }
  }
  // Let a pending end-of-run processing run (it pauses again).
  if (sc_pending_activity_at_current_time()) sc_start(SC_ZERO_TIME);
  pause_on_end_ = false;
  return monitor_.status();
}

// ---------------------------------------------------------------- reports

static std::string unit_name(unsigned tile, unsigned core) {
  return fabric::UnitId{static_cast<uint16_t>(tile), static_cast<uint8_t>(core)}.describe();
}

std::string Node::describe_unit(const fabric::UnitRecord& u) const {
  return unit_name(u.tile, u.core) + ": " +
         (u.unit ? u.unit->describe_blocked(u.block) : fabric::describe_block(u.block, "?"));
}

std::string Node::report() const {
  std::ostringstream os;
  switch (monitor_.status()) {
    case fabric::RunStatus::Idle: os << "node idle"; break;
    case fabric::RunStatus::Running: os << "node running"; break;
    case fabric::RunStatus::Done: os << "node done"; break;
    case fabric::RunStatus::Error: os << "node error"; break;
  }
  if (monitor_.status() == fabric::RunStatus::Done || monitor_.status() == fabric::RunStatus::Error)
    os << " after " << (t_end_ - t_start_).to_string();
  os << "\n";
  const fabric::RunError& e = monitor_.error();
  if (e.code) {
    os << "error " << e.code << ": " << e.message;
    if (e.has_unit) os << " [" << unit_name(e.tile, e.core) << ", pc " << e.pc << "]";
    os << "\n";
  }
  for (const fabric::UnitRecord& u : monitor_.blocked_units()) os << "  " << describe_unit(u) << "\n";
  if (discarded_) os << "warning: " << discarded_ << " packet(s) discarded at the end of the run\n";
  return os.str();
}

// ---------------------------------------------------------------- host access

bool Node::host_write(unsigned t, unsigned addr, const std::vector<int16_t>& words,
                      uint16_t count) {
  if (t >= tiles_.size()) return false;
  return tiles_[t]->memory().host_write(addr, words, count);
}

bool Node::host_read(unsigned t, unsigned addr, unsigned n, std::vector<int16_t>& out, bool peek) {
  if (t >= tiles_.size()) return false;
  return tiles_[t]->memory().host_read(addr, n, out, peek);
}

bool Node::decode_host(tlm::tlm_generic_payload& gp, unsigned& t, unsigned& word, unsigned& n) {
  const uint64_t a = gp.get_address();
  const unsigned len = gp.get_data_length();
  if (gp.get_byte_enable_ptr() || gp.get_streaming_width() < len) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  if (len < 2 || len > 32 || (len & 1) || (a & 1)) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  t = static_cast<unsigned>(a / kTileWindowBytes);
  const uint64_t off = a % kTileWindowBytes;
  word = static_cast<unsigned>(off / 2);
  n = len / 2;
  if (t >= tiles_.size() || off + len > kTileWindowBytes ||
      uint64_t{word} + n > tiles_[t]->memory().words()) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  return true;
}

void Node::idle_access(tlm::tlm_generic_payload& gp, unsigned t, unsigned word, unsigned n,
                       bool peek) {
  tile::SharedMemory& m = tiles_[t]->memory();
  unsigned char* p = gp.get_data_ptr();
  if (gp.is_write()) {
    std::vector<int16_t> w(n);
    for (unsigned i = 0; i < n; ++i)
      w[i] = static_cast<int16_t>(static_cast<uint16_t>(p[2 * i] | (p[2 * i + 1] << 8)));
    uint16_t count = 1;
    fabric::MemExtension* ext = nullptr;
    gp.get_extension(ext);
    if (ext && ext->count) count = ext->count;
    gp.set_response_status(m.host_write(word, w, count) ? tlm::TLM_OK_RESPONSE
                                                        : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  } else if (gp.is_read()) {
    std::vector<int16_t> w;
    if (peek) {
      // Neither waits nor changes attributes: the data as it is, valid or not.
      w.resize(n);
      for (unsigned i = 0; i < n; ++i) w[i] = m.state().data(word + i);
    } else if (!m.host_read(word, n, w, false)) {
      gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);  // a word is not valid
      return;
    }
    for (unsigned i = 0; i < n; ++i) {
      const uint16_t v = static_cast<uint16_t>(w[i]);
      p[2 * i] = static_cast<unsigned char>(v & 0xFF);
      p[2 * i + 1] = static_cast<unsigned char>(v >> 8);
    }
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  } else {
    gp.set_response_status(tlm::TLM_OK_RESPONSE);  // IGNORE command
  }
}

void Node::host_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  unsigned t, word, n;
  if (!decode_host(gp, t, word, n)) return;
  fabric::MemExtension* ext = nullptr;
  gp.get_extension(ext);
  const bool peek = gp.is_read() && ext && ext->peek;
  if (!busy() || peek) {
    idle_access(gp, t, word, n, peek);
    delay += mem_access_;
    return;
  }
  // A run is in progress: the access obeys the attribute buffer through the tile's memory
  // port (it may wait there; the port is shared round-robin with cores and tile unit).
  const uint64_t addr = gp.get_address();
  gp.set_address(uint64_t{word} * 2);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  (*host_init_[t])->b_transport(gp, delay);
  gp.set_address(addr);
  if (gp.get_response_status() != tlm::TLM_OK_RESPONSE && !busy()) {
    // Released because the run ended: complete or fail by the idle rule.
    idle_access(gp, t, word, n, false);
    delay += mem_access_;
  }
}

unsigned Node::host_transport_dbg(tlm::tlm_generic_payload& gp) {
  unsigned t, word, n;
  if (!decode_host(gp, t, word, n)) return 0;
  idle_access(gp, t, word, n, /*peek=*/true);
  return gp.is_response_ok() ? gp.get_data_length() : 0;
}

void Node::attach_trace(const trace::Sinks& sinks) {
  for (fabric::Unit* u : units_) u->attach_trace(sinks);
}

void Node::add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) {
  if (filter.match("node.status")) sc_core::sc_trace(tf, monitor_.status_ref(), "node.status", 2);
  for (fabric::Unit* u : units_) u->add_vcd(tf, filter);
}

}  // namespace pumavp::node
