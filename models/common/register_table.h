// pumavp::RegisterTable — the one register layer of every memory-mapped device (host
// peripherals and the accelerator CSR block). Pure C++; the TLM target that serves a bus from
// a table is host::MmioDevice (models/host/mmio_device.h).
//
// A device declares each register once (offset, width 1/2/4 bytes, name, access, reset value)
// and optionally binds callbacks; nothing else decodes offsets:
//
//   RegisterTable regs("accel.csr");
//   regs.add(0x000, 4, "ID", Access::RO, 0x50554D41);
//   regs.add(0x018, 4, "IRQ_EN", Access::RW).fields(0x7).on_write([&](uint32_t) { update_irq(); });
//   regs.add(0x01C, 4, "IRQ_STATUS", Access::W1C);
//   regs.add(0x200004, 4, "CLAIM", Access::RW).on_read([&] { return claim(); }).read_side_effects();
//
// Storage: every register has a stored value (reset() restores the reset values). A read
// returns on_read() if bound, else the stored value. A write stores into the register's
// writable bits (fields(): by default all bits for RW/WO, none for RO/W1C), clears the
// write-1-to-clear bits written as 1 (all bits for W1C), then calls on_write(value written).
// Writes to RO registers are ignored (no callback); WO registers read 0.
//
// Access rules (read()/write() with a byte range): the bytes must lie inside one register,
// else Status::Unmapped (an address error on the bus). Reads narrower than the register
// return the addressed bytes; writes must cover the whole register (else Status::Partial).
// Debug accesses have no side effects: a debug read of a register marked
// read_side_effects() returns 0 without calling on_read; debug writes are refused
// (Status::Refused) and change nothing.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace pumavp {

enum class Access {
  RO,   // writes ignored
  WO,   // reads return 0
  RW,
  W1C,  // writing 1 clears that bit
};

struct Register {
  uint32_t offset = 0;
  unsigned width = 4;  // bytes: 1, 2 or 4
  std::string name;
  Access access = Access::RW;
  uint32_t reset = 0;
  uint32_t writable = 0;  // bits a write stores
  uint32_t w1c = 0;       // bits a write of 1 clears
  bool side_effects = false;
  std::function<uint32_t()> read_fn;       // null: the stored value
  std::function<void(uint32_t)> write_fn;  // null: storage only
  uint32_t value = 0;                      // stored value

  uint32_t width_mask() const { return width >= 4 ? 0xFFFFFFFFu : (1u << (8 * width)) - 1u; }
  // Field masks: bits a write stores and bits a write of 1 clears; the others are read-only.
  Register& fields(uint32_t writable_bits, uint32_t w1c_bits = 0) {
    writable = writable_bits & width_mask();
    w1c = w1c_bits & width_mask();
    return *this;
  }
  Register& on_read(std::function<uint32_t()> f) {
    read_fn = std::move(f);
    return *this;
  }
  Register& on_write(std::function<void(uint32_t)> f) {
    write_fn = std::move(f);
    return *this;
  }
  // Reading changes device state (FIFO pop, claim): debug reads do not call on_read.
  Register& read_side_effects() {
    side_effects = true;
    return *this;
  }
};

class RegisterTable {
 public:
  enum class Status {
    Ok,        // done (a write to a RO register is done: it is ignored)
    Unmapped,  // no register holds these bytes
    Partial,   // a write that does not cover its whole register
    Refused,   // a debug write (debug accesses have no side effects)
  };

  explicit RegisterTable(std::string device) : device_(std::move(device)) {}

  // Declares a register; throws std::logic_error on a bad width, misalignment or overlap.
  Register& add(uint32_t offset, unsigned width, std::string name, Access access, uint32_t reset = 0) {
    if (width != 1 && width != 2 && width != 4) throw std::logic_error(device_ + ": register width must be 1, 2 or 4");
    if (offset % width) throw std::logic_error(device_ + ": register " + name + " is misaligned");
    const auto next = regs_.lower_bound(offset);
    const bool hits_next = next != regs_.end() && next->first < uint64_t(offset) + width;
    const bool hits_prev = next != regs_.begin() && std::prev(next)->first + std::prev(next)->second.width > offset;
    if (hits_next || hits_prev)
      throw std::logic_error(device_ + ": register " + name + " overlaps another");
    Register r;
    r.offset = offset;
    r.width = width;
    r.name = std::move(name);
    r.access = access;
    r.reset = reset & r.width_mask();
    r.value = r.reset;
    if (access == Access::RW || access == Access::WO) r.writable = r.width_mask();
    if (access == Access::W1C) r.w1c = r.width_mask();
    return regs_.emplace(offset, std::move(r)).first->second;
  }

  // The register holding byte `offset`, or null.
  const Register* find(uint64_t offset) const {
    auto it = regs_.upper_bound(offset > 0xFFFFFFFFull ? 0xFFFFFFFFu : static_cast<uint32_t>(offset));
    if (it == regs_.begin()) return nullptr;
    --it;
    return offset < uint64_t(it->second.offset) + it->second.width ? &it->second : nullptr;
  }

  // Byte-range access (little endian), as a bus target serves it.
  Status read(uint64_t offset, void* data, unsigned len, bool debug = false) {
    Register* r = holding(offset, len);
    if (!r) return Status::Unmapped;
    uint32_t v = 0;
    if (r->access != Access::WO && !(debug && r->side_effects)) v = r->read_fn ? r->read_fn() : r->value;
    v >>= 8 * static_cast<unsigned>(offset - r->offset);
    std::memcpy(data, &v, len);
    return Status::Ok;
  }
  Status write(uint64_t offset, const void* data, unsigned len, bool debug = false) {
    Register* r = holding(offset, len);
    if (!r) return Status::Unmapped;
    if (len != r->width || offset != r->offset) return Status::Partial;
    if (debug) return Status::Refused;
    uint32_t v = 0;
    std::memcpy(&v, data, len);
    store(*r, v);
    return Status::Ok;
  }
  // Whole-register access (device code, tests).
  Status read(uint32_t offset, uint32_t& out) {
    out = 0;
    auto it = regs_.find(offset);
    return it == regs_.end() ? Status::Unmapped : read(offset, &out, it->second.width);
  }
  Status write(uint32_t offset, uint32_t v) {
    auto it = regs_.find(offset);
    if (it == regs_.end()) return Status::Unmapped;
    store(it->second, v & it->second.width_mask());
    return Status::Ok;
  }

  Register& at(uint32_t offset) { return regs_.at(offset); }
  // The stored value (device-side updates such as raising an interrupt-status bit).
  uint32_t& value(uint32_t offset) { return regs_.at(offset).value; }
  void reset() {
    for (auto& [off, r] : regs_) r.value = r.reset;
  }
  const std::map<uint32_t, Register>& registers() const { return regs_; }
  const std::string& device() const { return device_; }

 private:
  Register* holding(uint64_t offset, unsigned len) {
    const Register* r = find(offset);
    if (!r || len == 0 || offset + len > uint64_t(r->offset) + r->width) return nullptr;
    return const_cast<Register*>(r);
  }
  static void store(Register& r, uint32_t v) {
    if (r.access == Access::RO) return;
    r.value = ((r.value & ~r.writable) | (v & r.writable)) & ~(v & r.w1c);
    if (r.write_fn) r.write_fn(v);
  }

  std::string device_;
  std::map<uint32_t, Register> regs_;
};

}  // namespace pumavp
