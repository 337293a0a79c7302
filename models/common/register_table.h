// pumavp::RegisterTable — a device's 32-bit registers declared in one table (VCML-style
// register objects): offset, name, access, reset value, and optional read/write callbacks.
// The device's TLM target forwards word accesses to read()/write(); nothing else decodes
// offsets.
//
//   RegisterTable regs("accel.csr");
//   regs.add(0x000, "ID", Access::RO, 0x50554D41);
//   regs.add(0x018, "IRQ_EN", Access::RW, 0, nullptr, [&](uint32_t v) { update_irq(); });
//   regs.add(0x01C, "IRQ_STATUS", Access::W1C, 0);
//   uint32_t v; regs.read(0x018, v); regs.write(0x01C, 1);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace pumavp {

enum class Access {
  RO,   // writes ignored (reported as unhandled)
  WO,   // reads return 0
  RW,
  W1C,  // writing 1 clears that bit
};

struct Register {
  uint32_t offset = 0;
  std::string name;
  Access access = Access::RW;
  uint32_t reset = 0;
  // Optional: computes the value on read (RO/RW); otherwise the stored value is returned.
  std::function<uint32_t()> on_read;
  // Optional: called after a write with the value written (after storage for RW/W1C).
  std::function<void(uint32_t)> on_write;
  uint32_t value = 0;  // stored value
};

class RegisterTable {
 public:
  explicit RegisterTable(std::string device) : device_(std::move(device)) {}

  Register& add(uint32_t offset, std::string name, Access access, uint32_t reset = 0,
               std::function<uint32_t()> on_read = nullptr, std::function<void(uint32_t)> on_write = nullptr) {
    Register r;
    r.offset = offset;
    r.name = std::move(name);
    r.access = access;
    r.reset = reset;
    r.on_read = std::move(on_read);
    r.on_write = std::move(on_write);
    r.value = reset;
    return regs_[offset] = std::move(r);
  }
  // Returns false for an offset with no register.
  bool read(uint32_t offset, uint32_t& out) {
    auto it = regs_.find(offset);
    if (it == regs_.end()) return false;
    Register& r = it->second;
    if (r.access == Access::WO) out = 0;
    else out = r.on_read ? r.on_read() : r.value;
    return true;
  }
  // Returns false for an offset with no register or a write to a read-only register.
  bool write(uint32_t offset, uint32_t v) {
    auto it = regs_.find(offset);
    if (it == regs_.end()) return false;
    Register& r = it->second;
    switch (r.access) {
      case Access::RO: return false;
      case Access::RW:
      case Access::WO: r.value = v; break;
      case Access::W1C: r.value &= ~v; break;
    }
    if (r.on_write) r.on_write(v);
    return true;
  }
  Register& at(uint32_t offset) { return regs_.at(offset); }
  uint32_t& value(uint32_t offset) { return regs_.at(offset).value; }
  void reset() {
    for (auto& [off, r] : regs_) r.value = r.reset;
  }
  const std::map<uint32_t, Register>& registers() const { return regs_; }
  const std::string& device() const { return device_; }

 private:
  std::string device_;
  std::map<uint32_t, Register> regs_;
};

}  // namespace pumavp
