// pumavp::host::MmioDevice — the one TLM memory-mapped target base: an sc_module whose target
// socket is served by one RegisterTable (models/common/register_table.h). Every host
// peripheral (UART, CLINT, PLIC, test finisher) and the accelerator CSR block derive from it
// and declare their registers once, in the constructor:
//
//   regs_.add(0x00, 4, "MSIP", Access::RW).on_read([&] { return msip_; }).on_write([&](uint32_t v) { ... });
//
// Bus responses: bytes outside every register (unmapped offsets, an access crossing a
// register's end) -> TLM_ADDRESS_ERROR_RESPONSE; a write narrower than its register ->
// TLM_GENERIC_ERROR_RESPONSE; byte enables or a short streaming width ->
// TLM_BYTE_ENABLE_ERROR_RESPONSE (the ISS turns every error into an access fault). Debug
// accesses (transport_dbg) set the response status too: reads have no side effects, writes
// are refused (0 bytes, TLM_COMMAND_ERROR_RESPONSE). The device adds no latency: the bus does.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "common/register_table.h"
#include "host/irq.h"

namespace pumavp::host {

// Serves one TLM access from `regs`; returns the bytes transferred (for transport_dbg).
inline unsigned serve_registers(RegisterTable& regs, tlm::tlm_generic_payload& p, bool debug) {
  const unsigned len = p.get_data_length();
  if (p.get_byte_enable_ptr() || p.get_streaming_width() < len) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return 0;
  }
  RegisterTable::Status s = RegisterTable::Status::Refused;
  if (p.is_read()) s = regs.read(p.get_address(), p.get_data_ptr(), len, debug);
  else if (p.is_write()) s = regs.write(p.get_address(), p.get_data_ptr(), len, debug);
  switch (s) {
    case RegisterTable::Status::Ok: p.set_response_status(tlm::TLM_OK_RESPONSE); return len;
    case RegisterTable::Status::Unmapped: p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); return 0;
    case RegisterTable::Status::Partial: p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE); return 0;
    case RegisterTable::Status::Refused: break;
  }
  p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  return 0;
}

class MmioDevice : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<MmioDevice> socket;

  // `table_name` names the register table (default: the module's hierarchical name).
  explicit MmioDevice(sc_core::sc_module_name name, const std::string& table_name = "")
      : sc_core::sc_module(name), socket("socket"), regs_(table_name.empty() ? std::string(this->name()) : table_name) {
    socket.register_b_transport(this, &MmioDevice::b_transport);
    socket.register_transport_dbg(this, &MmioDevice::transport_dbg);
  }
  const RegisterTable& registers() const { return regs_; }
  // The device's interrupt request line (level). The Soc wires it to the PLIC source its
  // row in platform/memory_map.def names; devices without an interrupt leave it unset.
  IrqLine irq;

 protected:
  // Simulated time of the access being served (sc_time_stamp() + the initiator's offset).
  sc_core::sc_time access_time() const { return sc_core::sc_time_stamp() + access_delay_; }
  RegisterTable regs_;

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    access_delay_ = delay;
    serve_registers(regs_, p, false);
    access_delay_ = sc_core::SC_ZERO_TIME;
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) { return serve_registers(regs_, p, true); }
  sc_core::sc_time access_delay_;
};

}  // namespace pumavp::host
