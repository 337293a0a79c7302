// pumavp::tile::TileControlUnit — runs a tile's program (isa.md §5): send, receive, halt.
//
//   send     : per packet one consumer access (mem_socket) of w words, then the packet goes
//              out through `noc_out` (blocks while the injection queue is full).
//   receive  : per packet waits for the head of its FIFO (receive buffer owned by the Tile),
//              checks the width (FIFO protocol error 7), one producer access with the count,
//              pops the packet. FIFO 255: w zeros, no FIFO read.
//   halt     : waits until every core of the tile halted and every packet sent was accepted
//              at its destination FIFO (SendTracker), then reports Halted.
// Timing per isa.md §8.1: lat.tile_instr per instruction; per packet lat.mem_access (port
// access, annotated by the SharedMemory) + lat.tile_instr hand-off / write. Energy:
// e.tile_fetch per instruction (Control), e.mem_word per word read for send or written by
// receive (Edram); the network part (e.noc_word) is charged by the network interface.
// Errors (illegal word, PC out of range, FIFO protocol) go to RunMonitor::fail with core 0xFF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/config.h"
#include "common/stats.h"
#include "common/trace.h"
#include "isa/encoding.h"
#include "noc/packet.h"
#include "noc/run_monitor.h"
#include "tile/mem_extension.h"
#include "tile/receive_buffer.h"

namespace pumavp::core {
class Core;
}

namespace pumavp::tile {

class TileControlUnit : public sc_core::sc_module, private MemBlockHook {
 public:
  SC_HAS_PROCESS(TileControlUnit);
  tlm_utils::simple_initiator_socket<TileControlUnit> mem_socket;
  tlm_utils::simple_initiator_socket<TileControlUnit> noc_out;

  struct Links {
    ReceiveBuffer* fifos = nullptr;
    std::vector<sc_core::sc_event>* fifo_pushed = nullptr;  // per FIFO
    sc_core::sc_event* fifo_popped = nullptr;               // any FIFO popped
    std::vector<core::Core*> cores;
    noc::SendTracker* tracker = nullptr;
    const std::vector<uint8_t>* host_input = nullptr;
  };

  TileControlUnit(sc_core::sc_module_name name, const PlatformConfig& cfg, unsigned tile,
                  Stats& stats, noc::RunMonitor& monitor, Links links);
  ~TileControlUnit() override;

  // Program (decoded now; undecodable words fault when reached). False if too large.
  bool load_program(const std::vector<uint64_t>& words, std::string* why = nullptr);
  void clear_program() { prog_.clear(); }
  bool has_program() const { return !prog_.empty(); }

  void start();
  // Wake a unit blocked on a FIFO or on its cores so it sees a stop / restart.
  void kick() { kick_ev_.notify(sc_core::SC_ZERO_TIME); }
  bool halted() const { return halted_; }
  uint32_t pc() const { return pc_; }
  const uint32_t& pc_ref() const { return pc_; }
  const uint64_t& packets_sent() const { return c_sent_; }
  const uint64_t& packets_received() const { return c_received_; }
  uint64_t word_at(uint32_t pc) const { return pc < prog_.size() ? prog_[pc].word : 0; }
  std::string disasm_at(uint32_t pc) const;
  unsigned monitor_handle() const { return handle_; }
  const sc_core::sc_event& halted_event() const { return halted_ev_; }
  // Observability: timeline spans per packet on "tile<t>/unit" (send, receive, halt wait),
  // a flow per packet sent, the tile's FIFO occupancy counter; itrace lines per instruction.
  void attach_trace(const trace::Sinks& sinks, const std::string& path);
  trace::Timeline* timeline() const { return tl_; }
  // The unit's track (created on first use).
  const trace::Track& track() {
    if (!track_.tid) track_ = tl_->track("tile" + std::to_string(tile_), "unit");
    return track_;
  }
  // Report a FIFO error found outside the unit's thread (overflow at noc_in).
  void fail(isa::ErrorCode code, const std::string& msg);

 private:
  struct Slot {
    uint64_t word = 0;
    isa::TileInstr in;
    bool ok = false;
    isa::ErrorCode err = isa::ErrorCode::None;
    std::string why;
  };
  void thread();
  void run();
  bool interrupted() const { return mon_.stopped() || start_pending_; }
  bool mem_access(bool produce, unsigned addr, unsigned w, uint16_t count, int16_t* words,
                  sc_core::sc_time& offset);
  bool exec_send(const isa::TileInstr& in, sc_core::sc_time& offset);
  bool exec_receive(const isa::TileInstr& in, sc_core::sc_time& offset);
  bool exec_halt(sc_core::sc_time& offset);
  void block(noc::BlockReason reason, uint32_t addr, bool valid = false, uint16_t count = 0,
             bool host_input = false);
  void on_block(bool produce, unsigned addr, bool valid, uint16_t count) override;
  void on_unblock() override;
  static double ns(const sc_core::sc_time& t) { return t.to_seconds() * 1e9; }

  const PlatformConfig& cfg_;
  trace::Timeline* tl_ = nullptr;
  trace::InstrTrace* it_ = nullptr;
  trace::Track track_;
  std::string unit_;
  Geometry geo_;
  unsigned tile_;
  noc::RunMonitor& mon_;
  unsigned handle_;
  Links links_;
  std::vector<Slot> prog_;
  uint32_t pc_ = 0;
  bool start_pending_ = false;
  bool halted_ = false;
  sc_core::sc_time cycle_;
  sc_core::sc_event start_ev_, kick_ev_, halted_ev_;
  tlm::tlm_generic_payload mem_gp_;
  MemExtension mem_ext_;
  tlm::tlm_generic_payload noc_gp_;
  noc::NocPacketExt noc_ext_;
  unsigned char buf_[32];
  EnergyLedger& energy_;
  uint64_t& c_instr_;
  uint64_t& c_sent_;
  uint64_t& c_received_;
  uint64_t& c_busy_;
};

}  // namespace pumavp::tile
