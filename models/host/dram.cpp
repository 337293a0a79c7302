#include "host/dram.h"

#include <cstring>

namespace pumavp::host {

Dram::Dram(sc_core::sc_module_name name, uint64_t size_bytes, sc_core::sc_time latency, bool allow_dmi)
    : sc_core::sc_module(name), socket("socket"), mem_(size_bytes), latency_(latency), allow_dmi_(allow_dmi) {
  socket.register_b_transport(this, &Dram::b_transport);
  socket.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Dram::transport_dbg);
}

unsigned Dram::copy(tlm::tlm_generic_payload& p) {
  const uint64_t a = p.get_address();
  const unsigned len = p.get_data_length();
  if (a >= mem_.size() || len > mem_.size() - a) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  if (p.get_streaming_width() != 0 && p.get_streaming_width() < len) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return 0;
  }
  uint8_t* m = mem_.data() + a;
  uint8_t* d = p.get_data_ptr();
  const unsigned char* be = p.get_byte_enable_ptr();
  const unsigned be_len = p.get_byte_enable_length();
  if (p.is_read()) {
    if (!be) {
      std::memcpy(d, m, len);
    } else {
      for (unsigned i = 0; i < len; ++i)
        if (be[i % be_len] == TLM_BYTE_ENABLED) d[i] = m[i];
    }
  } else if (p.is_write()) {
    if (!be) {
      std::memcpy(m, d, len);
    } else {
      for (unsigned i = 0; i < len; ++i)
        if (be[i % be_len] == TLM_BYTE_ENABLED) m[i] = d[i];
    }
    if (on_write) on_write(a, len);
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

void Dram::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  copy(p);
  delay += latency_;
  p.set_dmi_allowed(allow_dmi_);
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_start_address(0);
  dmi.set_end_address(mem_.size() - 1);
  if (!allow_dmi_) {
    dmi.allow_none();
    return false;
  }
  dmi.set_dmi_ptr(mem_.data());
  dmi.allow_read_write();
  dmi.set_read_latency(latency_);
  dmi.set_write_latency(latency_);
  return true;
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& p) { return copy(p); }

}  // namespace pumavp::host
