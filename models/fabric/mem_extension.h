// pumavp::fabric::MemExtension — TLM extension for shared-memory accesses (isa.md §6).
//
// Part of the accelerator contracts (models/fabric): initiators in core, tile and node and the
// target (tile::SharedMemory) agree on it without including each other.
//
// Generic payload conventions for every initiator of a tile's SharedMemory:
//   address     = 2 * word address (byte address, word a at byte offset 2a, little endian)
//   data_length = 2 * w, 1 <= w <= 16 words (one access)
//   TLM_READ_COMMAND  = consumer access (core load, tile send, host read)
//   TLM_WRITE_COMMAND = producer access (core store, tile receive, host write)
// The extension (optional) carries what the base protocol has not:
//   count : consumer count of a producer access (1..65535; 0 acts as 1; default 1)
//   peek  : a read that neither waits nor consumes (debugger, DMA_CTRL.PEEK)
//   force : a write that neither waits nor checks (host write while the node is idle:
//           replaces the words, valid with `count`, and marks them host-written)
//   hook  : optional listener told when the access starts waiting on attributes (with the
//           first blocking word and its state) and when it is granted; units use it to
//           report Blocked / Running to the RunMonitor (fabric/run_monitor.h).
// A blocked access waits inside b_transport on an event (the calling SC_THREAD costs no host
// time) until its condition holds; the port is not held meanwhile. The grant wakes it at
// SC_ZERO_TIME and annotates the remaining access time in `delay`.
#pragma once

#include <cstdint>
#include <tlm>

namespace pumavp::fabric {

class MemBlockHook {
 public:
  virtual ~MemBlockHook() = default;
  virtual void on_block(bool produce, unsigned first_blocking_addr, bool valid,
                        uint16_t count) = 0;
  virtual void on_unblock() = 0;
};

struct MemExtension : tlm::tlm_extension<MemExtension> {
  uint16_t count = 1;
  bool peek = false;
  bool force = false;
  MemBlockHook* hook = nullptr;

  tlm::tlm_extension_base* clone() const override { return new MemExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const MemExtension&>(other);
  }
};

}  // namespace pumavp::fabric
