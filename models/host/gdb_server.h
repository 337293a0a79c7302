// pumavp::host::GdbServer — GDB remote serial protocol (RSP) server for the RV32 host ISS.
//
// Pure C++ (POSIX sockets), no SystemC and no threads: the CPU model drives it from its own
// thread of control.
//
//   GdbServer gdb(target);                 // target: a GdbTarget over the ISS
//   gdb.listen(port);                      // 127.0.0.1:port (0 = any free port, see port())
//   gdb.accept_client();                   // blocks until gdb-multiarch connects
//   action = gdb.on_stop(StopReason::Start);   // serve commands while halted
//   loop {
//     Continue: run; every so often `if (gdb.poll_interrupt()) halt;`
//               at a breakpoint / after the halt: action = gdb.on_stop(Breakpoint|Interrupt)
//     Step:     execute exactly one instruction, then action = gdb.on_stop(StopReason::Step)
//     Kill:     end the simulation
//     Detach:   run freely, never call the server again (except on_exit, which is a no-op)
//   }
//   gdb.on_exit(code);                     // program finished: "W<code>" to the debugger
//
// Supported packets: ? g G p P m M X c s vCont? vCont;c/C/s/S Z0/z0 (and Z1/z1, mapped to
// the same software breakpoints) k D vKill H qSupported qXfer:features:read (RV32 target.xml
// with the riscv cpu feature and a csr feature) qAttached qC qfThreadInfo qsThreadInfo
// QStartNoAckMode, Ctrl-C (0x03). Anything else gets the empty "not supported" reply.
//
// Register numbers (gdb's riscv numbering): 0..31 = x0..x31, 32 = pc, 65 + n = CSR n.
// The `g` packet carries x0..x31 and pc; CSRs are read and written one by one with p/P.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/rsp_framer.h"

namespace pumavp::host {

// What the server needs from the CPU. All calls happen while the CPU is stopped.
class GdbTarget {
 public:
  virtual ~GdbTarget() = default;
  virtual uint32_t read_gpr(unsigned n) = 0;  // n < 32; x0 reads 0
  virtual void write_gpr(unsigned n, uint32_t value) = 0;
  virtual uint32_t read_pc() = 0;
  virtual void write_pc(uint32_t value) = 0;
  // false when the CSR does not exist.
  virtual bool read_csr(unsigned n, uint32_t& value) = 0;
  virtual bool write_csr(unsigned n, uint32_t value) = 0;
  // Debug (side-effect-free where possible) memory access; false on an unmapped address.
  virtual bool read_memory(uint32_t addr, uint8_t* data, size_t len) = 0;
  virtual bool write_memory(uint32_t addr, const uint8_t* data, size_t len) = 0;
  virtual void set_breakpoint(uint32_t addr) = 0;
  virtual void clear_breakpoint(uint32_t addr) = 0;
};

class GdbServer {
 public:
  enum class StopReason { Start, Breakpoint, Step, Interrupt };
  enum class Action { Continue, Step, Kill, Detach };

  explicit GdbServer(GdbTarget& target);
  ~GdbServer();
  GdbServer(const GdbServer&) = delete;
  GdbServer& operator=(const GdbServer&) = delete;

  // Binds 127.0.0.1:port and listens (port 0 picks a free port). false + error on failure.
  bool listen(uint16_t port, std::string* error = nullptr);
  uint16_t port() const { return port_; }
  // Waits for the debugger to connect (timeout_ms < 0: forever). false on timeout/error.
  bool accept_client(int timeout_ms = -1, std::string* error = nullptr);
  bool connected() const { return client_ >= 0; }

  // The CPU has stopped: report `reason` (unless the stop was requested by a pending `?`
  // round trip at Start) and serve packets until the debugger resumes, kills or detaches.
  // A lost connection counts as Detach.
  Action on_stop(StopReason reason);
  // While running: true when the debugger sent Ctrl-C (the CPU should halt and then call
  // on_stop(StopReason::Interrupt)). Never blocks.
  bool poll_interrupt();
  // The program ended with `code` (finisher): tells the debugger ("W<code>") and closes.
  void on_exit(int code);

  // Protocol helpers, public for unit tests.
  static uint8_t checksum(const std::string& payload);
  static std::string target_xml();

  // One packet payload (without the "$...#xx" framing) through the command handler, as
  // on_stop() does, for unit tests and fuzzing (test/fuzz/fuzz_gdb.cpp): returns the reply
  // payload ("" = not supported, or a resuming packet). `resume` (optional) is set to whether
  // the packet resumes the CPU, with `action` the resulting action. Needs no connection: the
  // few packets answered directly (D, vKill, QStartNoAckMode) send nothing when none is open.
  std::string handle_packet(const std::string& packet, bool* resume = nullptr,
                            Action* action = nullptr);

 private:
  enum class ReadResult { Packet, Interrupt, Closed };
  ReadResult read_packet(std::string& payload, int timeout_ms);
  bool send_packet(const std::string& payload);
  bool send_raw(const std::string& bytes);
  int read_byte(int timeout_ms);  // -1 timeout, -2 closed/error
  void close_client();

  // Packet handlers: return true and set `action` when the CPU should resume.
  bool handle(const std::string& packet, Action& action, std::string& reply);
  std::string stop_reply(StopReason reason) const;
  std::string read_register(unsigned n, bool& ok);
  bool write_register(unsigned n, uint32_t value);
  std::string handle_query(const std::string& packet);
  bool handle_vcont(const std::string& packet, Action& action, std::string& reply);

  GdbTarget& target_;
  int listen_fd_ = -1;
  int client_ = -1;
  uint16_t port_ = 0;
  bool no_ack_ = false;
  StopReason last_reason_ = StopReason::Start;
  std::vector<uint8_t> rx_;  // bytes received but not yet consumed
  RspFramer framer_;
};

}  // namespace pumavp::host
