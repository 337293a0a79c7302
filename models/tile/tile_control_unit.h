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
#include "isa/kimage.h"
#include "fabric/packet.h"
#include "fabric/program_memory.h"
#include "fabric/unit.h"
#include "fabric/run_monitor.h"
#include "fabric/mem_extension.h"
#include "tile/receive_buffer.h"

namespace pumavp::core {
class Core;
}

namespace pumavp::tile {

class TileControlUnit : public sc_core::sc_module, public fabric::Unit, private fabric::MemBlockHook {
 public:
  SC_HAS_PROCESS(TileControlUnit);
  tlm_utils::simple_initiator_socket<TileControlUnit> mem_socket;
  tlm_utils::simple_initiator_socket<TileControlUnit> noc_out;

  struct Links {
    ReceiveBuffer* fifos = nullptr;
    std::vector<sc_core::sc_event>* fifo_pushed = nullptr;  // per FIFO
    sc_core::sc_event* fifo_popped = nullptr;               // any FIFO popped
    std::vector<core::Core*> cores;
    fabric::SendTracker* tracker = nullptr;
    const std::vector<uint8_t>* host_input = nullptr;
  };

  TileControlUnit(sc_core::sc_module_name name, const PlatformConfig& cfg, unsigned tile,
                  Stats& stats, fabric::RunMonitor& monitor, Links links);
  ~TileControlUnit() override;

  // Program (decoded now; undecodable words fault when reached). False if too large.
  bool load_program(const std::vector<uint64_t>& words, std::string* why = nullptr);
  void clear_program() { prog_.clear(); }
  const fabric::ProgramMemory<isa::TileInstr>& program() const { return prog_; }
  bool has_program() const { return !prog_.empty(); }

  // ---- unit lifecycle (fabric::Unit); stats prefix and trace path = name() ----
  const char* path() const override { return name(); }
  // The tile program of this tile (tile.imem_words at most).
  std::string load(const isa::KernelImage& img) override;
  void start() override;
  // Wakes the thread so that it sees the end of the run.
  size_t end_run() override;
  // Program cleared; the thread is woken.
  void reset() override;
  std::string describe_instr(uint64_t instr) const override { return prog_.describe_word(instr); }
  // Wake a unit blocked on a FIFO or on its cores so it sees a stop / restart.
  void kick() { kick_ev_.notify(sc_core::SC_ZERO_TIME); }
  bool halted() const { return halted_; }
  uint32_t pc() const { return pc_; }
  const uint32_t& pc_ref() const { return pc_; }
  const uint64_t& packets_sent() const { return c_sent_; }
  const uint64_t& packets_received() const { return c_received_; }
  const uint64_t& instructions() const { return c_instr_; }
  const EnergyLedger& energy() const { return energy_; }
  uint64_t word_at(uint32_t pc) const { return prog_.word_at(pc); }
  std::string disasm_at(uint32_t pc) const { return prog_.disasm_at(pc); }
  unsigned monitor_handle() const { return handle_; }
  const sc_core::sc_event& halted_event() const { return halted_ev_; }
  // Observability, when the filter matches path(): timeline spans per packet on
  // "tile<t>/unit" (send, receive, halt wait), a flow per packet sent, the tile's FIFO
  // occupancy counter; itrace lines per instruction. VCD: "<path>.pc", ".packets_sent",
  // ".packets_received".
  void attach_trace(const trace::Sinks& sinks) override;
  void add_vcd(sc_core::sc_trace_file* tf, const trace::Filter& filter) override;
  trace::Timeline* timeline() const { return tl_; }
  // The unit's track (created on first use).
  const trace::Track& track() {
    if (!track_.tid) track_ = tl_->track("tile" + std::to_string(tile_), "unit");
    return track_;
  }
  // Report a FIFO error found outside the unit's thread (overflow at noc_in).
  void fail(isa::ErrorCode code, const std::string& msg);

 private:
  void thread();
  void run();
  bool interrupted() const { return mon_.stopped() || start_pending_; }
  bool mem_access(bool produce, unsigned addr, unsigned w, uint16_t count, int16_t* words,
                  sc_core::sc_time& offset);
  bool exec_send(const isa::TileInstr& in, sc_core::sc_time& offset);
  bool exec_receive(const isa::TileInstr& in, sc_core::sc_time& offset);
  bool exec_halt(sc_core::sc_time& offset);
  void block(fabric::BlockReason reason, uint32_t addr, bool valid = false, uint16_t count = 0,
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
  fabric::RunMonitor& mon_;
  unsigned handle_;
  Links links_;
  fabric::ProgramMemory<isa::TileInstr> prog_;
  uint32_t pc_ = 0;
  bool start_pending_ = false;
  bool halted_ = false;
  sc_core::sc_time cycle_;
  sc_core::sc_event start_ev_, kick_ev_, halted_ev_;
  tlm::tlm_generic_payload mem_gp_;
  fabric::MemExtension mem_ext_;
  tlm::tlm_generic_payload noc_gp_;
  fabric::NocPacketExt noc_ext_;
  unsigned char buf_[32];
  EnergyLedger& energy_;
  uint64_t& c_instr_;
  uint64_t& c_sent_;
  uint64_t& c_received_;
  uint64_t& c_busy_;
};

}  // namespace pumavp::tile
