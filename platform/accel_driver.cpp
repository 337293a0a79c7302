#include "accel_driver.h"

namespace pumavp {

using namespace sc_core;
namespace csr = node::csr;

AccelDriver::AccelDriver(sc_module_name name, uint64_t csr_base, uint64_t window_base)
    : sc_module(name), socket("socket"), irq("irq"), csr_base_(csr_base), window_base_(window_base) {}

bool AccelDriver::read(uint64_t addr, void* data, unsigned len) {
  tlm::tlm_generic_payload gp;
  sc_time delay = SC_ZERO_TIME;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(data));
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(gp, delay);
  wait(delay);
  return gp.is_response_ok();
}

bool AccelDriver::write(uint64_t addr, const void* data, unsigned len) {
  tlm::tlm_generic_payload gp;
  sc_time delay = SC_ZERO_TIME;
  gp.set_command(tlm::TLM_WRITE_COMMAND);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(const_cast<void*>(data)));
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(gp, delay);
  wait(delay);
  return gp.is_response_ok();
}

uint32_t AccelDriver::read_csr(uint32_t off) {
  uint32_t v = 0;
  if (!read(csr_base_ + off, &v, 4)) SC_REPORT_ERROR("pumavp/driver", "CSR read failed");
  return v;
}

void AccelDriver::write_csr(uint32_t off, uint32_t v) {
  if (!write(csr_base_ + off, &v, 4)) SC_REPORT_ERROR("pumavp/driver", "CSR write failed");
}

void AccelDriver::sleep_while(uint32_t off, uint32_t mask) {
  while (read_csr(off) & mask) {
    if (!irq.read()) wait(irq.posedge_event());
    else wait(sc_time(1, SC_US), irq.value_changed_event());  // level still high: re-poll
  }
}

unsigned AccelDriver::wait_done() {
  sleep_while(csr::STATUS, csr::ST_BUSY);
  const uint32_t st = read_csr(csr::STATUS);
  ack(csr::IRQ_DONE | csr::IRQ_ERROR);
  return (st & csr::ST_ERROR) ? read_csr(csr::ERROR_CODE) : 0;
}

unsigned AccelDriver::load(uint64_t kaddr, uint32_t ksize) {
  write_csr(csr::IRQ_EN, csr::IRQ_DONE | csr::IRQ_ERROR | csr::IRQ_DMA);
  write_csr(csr::KADDR, static_cast<uint32_t>(kaddr));
  write_csr(csr::KSIZE, ksize);
  write_csr(csr::CTRL, csr::CTRL_LOAD);
  return wait_done();
}

void AccelDriver::start() { write_csr(csr::CTRL, csr::CTRL_START); }

unsigned AccelDriver::run() {
  start();
  return wait_done();
}

unsigned AccelDriver::dma(uint64_t src, uint64_t dst, uint32_t len, unsigned count, bool peek) {
  write_csr(csr::IRQ_EN, csr::IRQ_DONE | csr::IRQ_ERROR | csr::IRQ_DMA);
  write_csr(csr::DMA_SRC, static_cast<uint32_t>(src));
  write_csr(csr::DMA_DST, static_cast<uint32_t>(dst));
  write_csr(csr::DMA_LEN, len);
  write_csr(csr::DMA_CTRL, csr::DMA_GO | (peek ? csr::DMA_PEEK : 0u) | ((count & 0xFFu) << 8));
  sleep_while(csr::DMA_STATUS, csr::DMA_BUSY);
  const uint32_t st = read_csr(csr::DMA_STATUS);
  ack(csr::IRQ_DMA | csr::IRQ_ERROR);
  return (st & csr::DMA_ERROR) ? read_csr(csr::ERROR_CODE) : 0;
}

void AccelDriver::abort() { write_csr(csr::CTRL, csr::CTRL_ABORT); }

void AccelDriver::reset() { write_csr(csr::CTRL, csr::CTRL_RESET); }

uint64_t AccelDriver::perf(uint32_t off) {
  for (;;) {
    const uint32_t hi = read_csr(off + 4), lo = read_csr(off), hi2 = read_csr(off + 4);
    if (hi == hi2) return (uint64_t(hi) << 32) | lo;
  }
}

}  // namespace pumavp
