#include "tile/tile_control_unit.h"

#include <algorithm>
#include <cstdio>

#include "core/core.h"

namespace pumavp::tile {

using namespace sc_core;
using isa::ErrorCode;
using isa::Opcode;

TileControlUnit::TileControlUnit(sc_module_name name, const PlatformConfig& cfg, unsigned tile,
                                 Stats& stats, fabric::RunMonitor& monitor, Links links)
    : sc_module(name),
      mem_socket("mem_socket"),
      noc_out("noc_out"),
      cfg_(cfg),
      geo_(geometry_from_config(cfg)),
      tile_(tile),
      mon_(monitor),
      handle_(monitor.add_unit(tile, fabric::kTileUnit, this)),
      links_(std::move(links)),
      prog_(geo_),
      cycle_(cfg.cycle_ns(), SC_NS),
      energy_(stats.ledger(this->name())),
      c_instr_(stats.counter(std::string(this->name()) + ".instructions")),
      c_sent_(stats.counter(std::string(this->name()) + ".packets_sent")),
      c_received_(stats.counter(std::string(this->name()) + ".packets_received")),
      c_busy_(stats.counter(std::string(this->name()) + ".cycles_busy")) {
  mem_ext_.hook = this;
  mem_gp_.set_extension(&mem_ext_);
  SC_THREAD(thread);
}

TileControlUnit::~TileControlUnit() {
  mem_gp_.clear_extension(&mem_ext_);
  noc_gp_.clear_extension(&noc_ext_);
}

bool TileControlUnit::load_program(const std::vector<uint64_t>& words, std::string* why) {
  return prog_.load(words, cfg_.tile.imem_words, why);
}

std::string TileControlUnit::load(const isa::KernelImage& img) {
  std::string why;
  if (const isa::Program* p = img.find_program(tile_, isa::kTileUnit))
    if (!load_program(p->words, &why)) return why;
  return "";
}

size_t TileControlUnit::end_run() {
  kick();
  return 0;
}

void TileControlUnit::reset() {
  clear_program();
  kick();
}

void TileControlUnit::start() {
  start_pending_ = true;
  halted_ = false;
  start_ev_.notify(SC_ZERO_TIME);
  kick_ev_.notify(SC_ZERO_TIME);
}

void TileControlUnit::thread() {
  for (;;) {
    while (!start_pending_) wait(start_ev_);
    start_pending_ = false;
    run();
  }
}

void TileControlUnit::fail(ErrorCode code, const std::string& msg) {
  mon_.fail(static_cast<unsigned>(code), handle_, pc_, word_at(pc_),
            "tile " + std::to_string(tile_) + " unit pc " + std::to_string(pc_) + " (" +
                disasm_at(pc_) + "): " + msg);
}

void TileControlUnit::block(fabric::BlockReason reason, uint32_t addr, bool valid, uint16_t count,
                            bool host_input) {
  fabric::BlockInfo bi;
  bi.reason = reason;
  bi.pc = pc_;
  bi.instr = word_at(pc_);
  bi.addr = addr;
  bi.attr_valid = valid;
  bi.attr_count = count;
  bi.host_input = host_input;
  mon_.blocked(handle_, bi);
}

void TileControlUnit::on_block(bool produce, unsigned addr, bool valid, uint16_t count) {
  const bool host = !produce && links_.host_input && addr < links_.host_input->size() &&
                    (*links_.host_input)[addr];
  block(produce ? fabric::BlockReason::Produce : fabric::BlockReason::Consume, addr, valid, count, host);
}

void TileControlUnit::on_unblock() { mon_.running(handle_); }

void TileControlUnit::run() {
  pc_ = 0;
  halted_ = false;
  if (prog_.empty()) {  // no program: halted from START (isa.md §5)
    halted_ = true;
    mon_.halted(handle_);
    halted_ev_.notify(SC_ZERO_TIME);
    return;
  }
  sc_time offset = SC_ZERO_TIME;
  for (;;) {
    if (interrupted()) return;
    const auto* slot = prog_.fetch(pc_);
    if (!slot) {
      wait(offset);
      fail(ErrorCode::AddressRange, "PC out of range: end of program reached without halt");
      return;
    }
    const auto& s = *slot;
    if (!s.ok) {
      wait(offset);
      fail(s.err, "illegal instruction: " + s.why);
      return;
    }
    ++c_instr_;
    if (it_) it_->line(ns(sc_time_stamp() + offset), unit_, pc_, s.word, 16, disasm_at(pc_));
    energy_.add(Component::Control, cfg_.e.tile_fetch);
    offset += cycle_ * static_cast<double>(cfg_.lat.tile_instr);
    c_busy_ += cfg_.lat.tile_instr;
    bool ok = false;
    switch (s.in.opcode) {
      case Opcode::Send: ok = exec_send(s.in, offset); break;
      case Opcode::Receive: ok = exec_receive(s.in, offset); break;
      case Opcode::TileHalt:
        exec_halt(offset);
        return;
      default:
        wait(offset);
        fail(ErrorCode::IllegalInstr, "illegal opcode in a tile program");
        return;
    }
    if (!ok) return;
    ++pc_;
    if (offset >= sc_time(cfg_.host.quantum_ns, SC_NS)) {
      wait(offset);
      offset = SC_ZERO_TIME;
    }
  }
}

void TileControlUnit::attach_trace(const trace::Sinks& sinks) {
  // Left out by the filter: empty sinks (which also detaches earlier ones).
  const bool on = sinks.wants(path());
  tl_ = on ? sinks.timeline : nullptr;
  it_ = on ? sinks.itrace : nullptr;
  unit_ = path();
  track_ = trace::Track{};
}

void TileControlUnit::add_vcd(sc_trace_file* tf, const trace::Filter& filter) {
  const std::string p = name();
  if (!filter.match(p)) return;
  sc_trace(tf, pc_ref(), p + ".pc");
  sc_trace(tf, packets_sent(), p + ".packets_sent");
  sc_trace(tf, packets_received(), p + ".packets_received");
}

bool TileControlUnit::mem_access(bool produce, unsigned addr, unsigned w, uint16_t count,
                                 int16_t* words, sc_time& offset) {
  mem_ext_.count = count;
  mem_gp_.set_command(produce ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  mem_gp_.set_address(uint64_t{addr} * 2);
  mem_gp_.set_data_ptr(buf_);
  mem_gp_.set_data_length(2 * w);
  mem_gp_.set_streaming_width(2 * w);
  mem_gp_.set_byte_enable_ptr(nullptr);
  mem_gp_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (produce)
    for (unsigned j = 0; j < w; ++j) {
      const uint16_t u = static_cast<uint16_t>(words[j]);
      buf_[2 * j] = static_cast<unsigned char>(u & 0xFF);
      buf_[2 * j + 1] = static_cast<unsigned char>(u >> 8);
    }
  mem_socket->b_transport(mem_gp_, offset);
  if (mem_gp_.get_response_status() != tlm::TLM_OK_RESPONSE) {
    if (interrupted()) return false;
    wait(offset);
    fail(ErrorCode::AddressRange, "shared-memory access at word " + std::to_string(addr) +
                                      " failed: " + mem_gp_.get_response_string());
    return false;
  }
  if (!produce)
    for (unsigned j = 0; j < w; ++j)
      words[j] = static_cast<int16_t>(static_cast<uint16_t>(buf_[2 * j] | (buf_[2 * j + 1] << 8)));
  energy_.add(Component::Edram, w * cfg_.e.mem_word);
  c_busy_ += cfg_.lat.mem_access;
  return true;
}

bool TileControlUnit::exec_send(const isa::TileInstr& in, sc_time& offset) {
  for (unsigned v = 0; v < in.vec; ++v) {
    fabric::NocPacket& p = noc_ext_.pkt;
    p = fabric::NocPacket{};
    p.src_tile = static_cast<uint16_t>(tile_);
    p.dst_tile = in.target;
    p.fifo = in.fifo;
    p.width = in.width;
    p.tracker = links_.tracker;
    const sc_time t0 = sc_time_stamp() + offset;
    if (!mem_access(false, in.mem + v * in.width, in.width, 1, p.words.data(), offset))
      return false;
    offset += cycle_ * static_cast<double>(cfg_.lat.tile_instr);  // hand-off
    c_busy_ += cfg_.lat.tile_instr;
    if (tl_ && in.target != tile_) p.trace_id = tl_->next_id();  // own-tile packets skip the mesh
    fabric::make_payload(noc_gp_, noc_ext_);
    // The hand-off blocks while the injection queue is full: report it meanwhile.
    block(fabric::BlockReason::InjectQueue, in.target);
    noc_out->b_transport(noc_gp_, offset);
    mon_.running(handle_);
    noc_gp_.clear_extension(&noc_ext_);
    if (noc_gp_.get_response_status() != tlm::TLM_OK_RESPONSE) {
      if (interrupted()) return false;
      wait(offset);
      fail(ErrorCode::Fifo, "packet to tile " + std::to_string(in.target) + " FIFO " +
                                std::to_string(in.fifo) + " refused: " +
                                noc_gp_.get_response_string());
      return false;
    }
    ++c_sent_;
    if (tl_) {
      const double a = ns(t0), b = ns(sc_time_stamp() + offset);
      char args[64];
      std::snprintf(args, sizeof args, "\"dst\":%u,\"fifo\":%u,\"words\":%u", unsigned(in.target),
                    unsigned(in.fifo), unsigned(in.width));
      tl_->span(track(), "send", "noc", a, b - a, args);
      if (p.trace_id) tl_->flow(trace::Timeline::Flow::Start, p.trace_id, "packet", track(), a);
    }
  }
  return true;
}

bool TileControlUnit::exec_receive(const isa::TileInstr& in, sc_time& offset) {
  int16_t words[fabric::kMaxPacketWords];
  for (unsigned v = 0; v < in.vec; ++v) {
    const sc_time t0 = sc_time_stamp() + offset;
    if (in.fifo == isa::kFifoZero) {
      std::fill(words, words + in.width, 0);
    } else {
      ReceiveBuffer& rb = *links_.fifos;
      if (in.fifo >= rb.num_fifos()) {
        wait(offset);
        fail(ErrorCode::Fifo, "FIFO " + std::to_string(in.fifo) + " does not exist");
        return false;
      }
      if (rb.empty(in.fifo)) {
        block(fabric::BlockReason::FifoEmpty, in.fifo);
        while (rb.empty(in.fifo)) {
          wait((*links_.fifo_pushed)[in.fifo] | kick_ev_);
          if (interrupted()) return false;
        }
        mon_.running(handle_);
      }
      const ReceivedPacket& head = rb.head(in.fifo);
      if (head.pkt.width != in.width) {
        wait(offset);
        fail(ErrorCode::Fifo, "FIFO protocol error: receive width " + std::to_string(in.width) +
                                  " but the head packet of FIFO " + std::to_string(in.fifo) +
                                  " carries " + std::to_string(head.pkt.width) + " words");
        return false;
      }
      const sc_time now = sc_time_stamp();
      if (head.visible_at > now + offset) offset = head.visible_at - now;
      std::copy_n(head.pkt.words.data(), in.width, words);
    }
    offset += cycle_ * static_cast<double>(cfg_.lat.tile_instr);
    c_busy_ += cfg_.lat.tile_instr;
    if (!mem_access(true, in.mem + v * in.width, in.width, in.count, words, offset)) return false;
    if (in.fifo != isa::kFifoZero) {
      links_.fifos->pop(in.fifo);
      links_.fifo_popped->notify(SC_ZERO_TIME);
      ++c_received_;
      if (tl_) tl_->counter(track(), "fifo occupancy", ns(sc_time_stamp() + offset), links_.fifos->occupancy());
    }
    if (tl_) {
      const double a = ns(t0), b = ns(sc_time_stamp() + offset);
      char args[48];
      std::snprintf(args, sizeof args, "\"fifo\":%u,\"words\":%u", unsigned(in.fifo), unsigned(in.width));
      tl_->span(track(), "receive", "noc", a, b - a, args);
    }
  }
  return true;
}

bool TileControlUnit::exec_halt(sc_time& offset) {
  wait(offset);
  offset = SC_ZERO_TIME;
  const sc_time t_halt = sc_time_stamp();
  // All cores halted (isa.md §5).
  for (;;) {
    core::Core* waiting = nullptr;
    for (core::Core* c : links_.cores)
      if (!c->halted()) {
        waiting = c;
        break;
      }
    if (!waiting) break;
    block(fabric::BlockReason::WaitCores, 0);
    wait(waiting->done_event() | kick_ev_);
    if (interrupted()) return false;
    mon_.running(handle_);
  }
  // Every packet sent accepted at its destination FIFO.
  if (links_.tracker && links_.tracker->in_flight() > 0) {
    block(fabric::BlockReason::SendDrain, 0);
    while (links_.tracker->in_flight() > 0) {
      wait(links_.tracker->accepted_event() | kick_ev_);
      if (interrupted()) return false;
    }
    mon_.running(handle_);
  }
  if (links_.tracker && links_.tracker->last_accept_time() > sc_time_stamp())
    wait(links_.tracker->last_accept_time() - sc_time_stamp());
  if (interrupted()) return false;
  if (tl_) tl_->span(track(), "halt", "control", ns(t_halt), ns(sc_time_stamp()) - ns(t_halt));
  halted_ = true;
  mon_.halted(handle_);
  halted_ev_.notify(SC_ZERO_TIME);
  return true;
}

}  // namespace pumavp::tile
