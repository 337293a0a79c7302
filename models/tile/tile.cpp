#include "tile/tile.h"

namespace pumavp::tile {

using namespace sc_core;

Tile::Tile(sc_module_name name, const PlatformConfig& cfg, unsigned index, Stats& stats,
           fabric::RunMonitor& monitor, std::shared_ptr<const xbar::LutSet> luts)
    : sc_module(name),
      noc_out("noc_out"),
      noc_in("noc_in"),
      cfg_(cfg),
      index_(index),
      mon_(monitor),
      fifos_(cfg.tile.num_fifos, cfg.tile.fifo_depth),
      fifo_pushed_(cfg.tile.num_fifos),
      host_input_(cfg.tile.shared_mem_words(), 0),
      c_overflows_(stats.counter(std::string(this->name()) + ".fifo_overflows")) {
  if (!luts)
    luts = std::make_shared<const xbar::LutSet>(cfg.numerics.frac_bits, cfg.numerics.lut_bits);
  mem_ = std::make_unique<SharedMemory>("mem", cfg, stats);
  for (unsigned c = 0; c < cfg.tile.cores; ++c) {
    cores_.push_back(std::make_unique<core::Core>(("core" + std::to_string(c)).c_str(), cfg,
                                                  index, c, stats, monitor, luts));
    cores_.back()->set_host_input_words(&host_input_);
    cores_.back()->mem_socket.bind(mem_->socket);
  }
  TileControlUnit::Links links;
  links.fifos = &fifos_;
  links.fifo_pushed = &fifo_pushed_;
  links.fifo_popped = &fifo_popped_;
  for (auto& c : cores_) links.cores.push_back(c.get());
  links.tracker = &tracker_;
  links.host_input = &host_input_;
  unit_ = std::make_unique<TileControlUnit>("unit", cfg, index, stats, monitor, links);
  unit_->mem_socket.bind(mem_->socket);
  unit_->noc_out.bind(noc_out);
  noc_in.register_b_transport(this, &Tile::noc_b_transport);
  for (auto& c : cores_) units_.push_back(c.get());
  units_.push_back(unit_.get());

  SC_METHOD(halted_method);
  sensitive << unit_->halted_event();
  for (auto& c : cores_) sensitive << c->done_event();
  dont_initialize();
}

std::string Tile::load(const isa::KernelImage& img) {
  reset();
  for (const isa::XbarWeights& xw : img.xbars)
    if (xw.tile == index_ && xw.core >= cores_.size())
      return "weights for core " + std::to_string(xw.core) + " of tile " +
             std::to_string(index_) + ": no such core";
  for (fabric::Unit* u : units_) {
    const std::string why = u->load(img);
    if (!why.empty()) return why;
  }
  const unsigned words = mem_->words();
  for (const isa::DataBlock& d : img.data) {
    if (d.tile != index_) continue;
    if (uint64_t{d.addr} + d.words.size() > words) return "`.data` block beyond shared memory";
    preloads_.push_back({d.addr, d.count, d.words});
  }
  for (const isa::Tensor& t : img.tensors) {
    if (t.tile != index_ || t.dir != isa::TensorDir::In) continue;
    if (uint64_t{t.addr} + t.len > words) return "tensor `" + t.name + "` beyond shared memory";
    for (uint32_t i = 0; i < t.len; ++i) host_input_[t.addr + i] = 1;
  }
  return "";
}

void Tile::reset() {
  mem_->abort_waiters();
  mem_->clear();
  fifos_.clear();
  tracker_.reset();
  preloads_.clear();
  std::fill(host_input_.begin(), host_input_.end(), 0);
  for (fabric::Unit* u : units_) u->reset();
  ++run_gen_;
  fifo_popped_.notify(SC_ZERO_TIME);  // release deliveries blocked on a full FIFO
}

void Tile::start() {
  ++run_gen_;
  fifo_popped_.notify(SC_ZERO_TIME);
  mem_->abort_waiters();
  mem_->start_run(preloads_);
  fifos_.clear();
  tracker_.reset();
  for (fabric::Unit* u : units_) u->start();
}

size_t Tile::end_run() {
  mem_->abort_waiters();
  mem_->end_run();
  size_t dropped = 0;
  for (fabric::Unit* u : units_) dropped += u->end_run();
  ++run_gen_;
  fifo_popped_.notify(SC_ZERO_TIME);
  return dropped + fifos_.clear();
}

bool Tile::all_halted() const {
  if (!unit_->halted()) return false;
  for (const auto& c : cores_)
    if (!c->halted()) return false;
  return true;
}

void Tile::halted_method() {
  if (all_halted()) all_halted_ev_.notify(SC_ZERO_TIME);
}

void Tile::noc_b_transport(tlm::tlm_generic_payload& gp, sc_time& delay) {
  const fabric::NocPacket* p = fabric::packet_of(gp);
  if (!p || p->width == 0 || p->width > fabric::kMaxPacketWords) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (p->fifo >= fifos_.num_fifos()) {
    unit_->fail(isa::ErrorCode::Fifo, "packet from tile " + std::to_string(p->src_tile) +
                                          " for FIFO " + std::to_string(p->fifo) +
                                          ", which does not exist");
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const sc_time t_arr = sc_time_stamp() + delay;
  if (fifos_.full(p->fifo)) {
    if (cfg_.noc.fifo_full == FifoFull::Error) {
      ++c_overflows_;
      unit_->fail(isa::ErrorCode::Fifo, "FIFO overflow: packet from tile " +
                                            std::to_string(p->src_tile) + " at full FIFO " +
                                            std::to_string(p->fifo));
      gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
      return;
    }
    const uint64_t gen = run_gen_;
    while (fifos_.full(p->fifo)) {  // back-pressure: the packet stays in the network
      wait(fifo_popped_);
      if (run_gen_ != gen || mon_.stopped()) {  // the run ended meanwhile: drop it
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
      }
    }
  }
  const sc_time visible = t_arr > sc_time_stamp() ? t_arr : sc_time_stamp();
  fifos_.push(p->fifo, ReceivedPacket{*p, visible});
  fifo_pushed_[p->fifo].notify(SC_ZERO_TIME);
  if (trace::Timeline* tl = unit_->timeline())
    tl->counter(unit_->track(), "fifo occupancy", visible.to_seconds() * 1e9, fifos_.occupancy());
  delay = visible - sc_time_stamp();
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Tile::attach_trace(const trace::Sinks& sinks) {
  for (fabric::Unit* u : units_) u->attach_trace(sinks);
}

void Tile::add_vcd(sc_trace_file* tf, const trace::Filter& filter) {
  const std::string path = name();
  if (filter.match(path + ".fifo_occupancy")) sc_trace(tf, fifos_.occupancy(), path + ".fifo_occupancy");
  // The tile unit's signals first, then the cores' (the declaration order of the waveform
  // file, which fixes its signal identifiers).
  unit_->add_vcd(tf, filter);
  for (auto& c : cores_) c->add_vcd(tf, filter);
}

}  // namespace pumavp::tile
