// pumavp::AccelDriver — a host-side driver of the accelerator inside the simulation: a TLM
// initiator on the SoC bus that programs the CSRs as the firmware driver (libpuma) does and
// sleeps on the interrupt line. Used by `pumavp exec` (kernels without firmware) and by the
// host-interface tests. Every method must be called from an SC_THREAD.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "node/host_interface.h"

namespace pumavp {

class AccelDriver : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<AccelDriver> socket;
  sc_core::sc_in<bool> irq;

  AccelDriver(sc_core::sc_module_name name, uint64_t csr_base = node::csr::kCsrBase,
              uint64_t window_base = node::csr::kWindowBase);

  uint32_t read_csr(uint32_t off);
  void write_csr(uint32_t off, uint32_t v);
  // Bus accesses of 1..32 bytes; false on a bus error.
  bool read(uint64_t addr, void* data, unsigned len);
  bool write(uint64_t addr, const void* data, unsigned len);

  // LOAD the image at `kaddr` (host memory); returns ERROR_CODE (0 = loaded).
  unsigned load(uint64_t kaddr, uint32_t ksize);
  // START and wait; returns ERROR_CODE (0 = done).
  unsigned run();
  void start();
  unsigned wait_done();
  // DMA; returns 0 or ERROR_CODE (9).
  unsigned dma(uint64_t src, uint64_t dst, uint32_t len, unsigned count = 1, bool peek = false);
  void abort();
  void reset();
  uint64_t perf(uint32_t off);
  uint64_t window_addr(unsigned tile, unsigned word) const {
    return window_base_ + uint64_t(tile) * node::csr::kTileWindowBytes + 2ull * word;
  }

 private:
  // Sleep until (CSR `off` & mask) == 0: WFI-style, woken by the interrupt line.
  void sleep_while(uint32_t off, uint32_t mask);
  void ack(uint32_t bits) { write_csr(node::csr::IRQ_STATUS, bits); }
  uint64_t csr_base_, window_base_;
};

}  // namespace pumavp
