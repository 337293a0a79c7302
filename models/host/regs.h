// pumavp::host::RegisterTable — one declarative table of a device's registers (offset, width,
// name, access, read/write callbacks), and MmioDevice, an sc_module with a TLM target socket
// that serves every access from that table. Peripherals declare their registers once in the
// constructor; nothing else decodes offsets.
//
//   regs.add(0x00, 4, "MSIP", RegAccess::RW, [&] { return msip_; }, [&](uint32_t v) { ... });
//
// Access rules: an access must lie inside one register. Reads narrower than the register
// return the addressed bytes; writes must cover the whole register (else
// TLM_GENERIC_ERROR_RESPONSE). Writes to RO registers are ignored, reads of WO registers
// return 0. An offset with no register answers TLM_ADDRESS_ERROR_RESPONSE (the ISS turns both
// errors into access faults). Debug (transport_dbg) reads skip registers marked
// `read_has_side_effects` (they read 0) and debug writes are ignored.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace pumavp::host {

enum class RegAccess { RO, WO, RW };

struct RegDef {
  uint32_t offset = 0;
  unsigned width = 4;  // bytes: 1, 2 or 4
  std::string name;
  RegAccess access = RegAccess::RW;
  std::function<uint32_t()> read;         // null: reads 0
  std::function<void(uint32_t)> write;    // null: writes ignored
  bool read_has_side_effects = false;
};

class RegisterTable {
 public:
  explicit RegisterTable(std::string device) : device_(std::move(device)) {}

  RegDef& add(uint32_t offset, unsigned width, std::string name, RegAccess access,
              std::function<uint32_t()> read, std::function<void(uint32_t)> write = nullptr) {
    RegDef r;
    r.offset = offset;
    r.width = width;
    r.name = std::move(name);
    r.access = access;
    r.read = std::move(read);
    r.write = std::move(write);
    auto it = std::lower_bound(regs_.begin(), regs_.end(), offset,
                               [](const RegDef& a, uint32_t o) { return a.offset < o; });
    return *regs_.insert(it, std::move(r));
  }

  // The register containing byte `offset`, or null.
  const RegDef* find(uint32_t offset) const {
    auto it = std::upper_bound(regs_.begin(), regs_.end(), offset,
                               [](uint32_t o, const RegDef& a) { return o < a.offset; });
    if (it == regs_.begin()) return nullptr;
    --it;
    return offset < it->offset + it->width ? &*it : nullptr;
  }

  // Serve one access; `debug` selects transport_dbg semantics. Returns bytes transferred.
  unsigned access(tlm::tlm_generic_payload& p, bool debug = false) {
    const uint64_t addr = p.get_address();
    const unsigned len = p.get_data_length();
    const RegDef* r = addr <= 0xffffffffull ? find(static_cast<uint32_t>(addr)) : nullptr;
    if (!r || len == 0 || addr + len > static_cast<uint64_t>(r->offset) + r->width) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return 0;
    }
    if (p.get_byte_enable_ptr() || p.get_streaming_width() < len) {
      p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
      return 0;
    }
    const unsigned shift = static_cast<unsigned>(addr - r->offset) * 8;
    if (p.is_read()) {
      uint32_t v = 0;
      if (r->access != RegAccess::WO && r->read && !(debug && r->read_has_side_effects)) v = r->read();
      v >>= shift;
      std::memcpy(p.get_data_ptr(), &v, len);  // little-endian host
    } else if (p.is_write()) {
      if (len != r->width || shift != 0) {
        p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return 0;
      }
      uint32_t v = 0;
      std::memcpy(&v, p.get_data_ptr(), len);
      if (!debug && r->access != RegAccess::RO && r->write) r->write(v);
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return len;
  }

  const std::vector<RegDef>& registers() const { return regs_; }
  const std::string& device() const { return device_; }

 private:
  std::string device_;
  std::vector<RegDef> regs_;  // sorted by offset
};

// A memory-mapped device whose target socket is served by one RegisterTable. The bus adds the
// access latency; the device itself adds none.
class MmioDevice : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<MmioDevice> socket;

  explicit MmioDevice(sc_core::sc_module_name name)
      : sc_core::sc_module(name), socket("socket"), regs_(std::string(this->name())) {
    socket.register_b_transport(this, &MmioDevice::b_transport);
    socket.register_transport_dbg(this, &MmioDevice::transport_dbg);
  }
  const RegisterTable& registers() const { return regs_; }

 protected:
  // Simulated time of the access being served (sc_time_stamp() + the initiator's offset).
  sc_core::sc_time access_time() const { return sc_core::sc_time_stamp() + access_delay_; }
  RegisterTable regs_;

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    access_delay_ = delay;
    regs_.access(p, false);
    access_delay_ = sc_core::SC_ZERO_TIME;
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) { return regs_.access(p, true); }
  sc_core::sc_time access_delay_;
};

}  // namespace pumavp::host
