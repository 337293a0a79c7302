// pumavp::host::Uart16550 — 16550-compatible subset (placed by platform/memory_map.def), byte registers (stride 1):
//   0 RBR (read) / THR (write) / DLL (LCR.DLAB=1)   1 IER / DLM (DLAB)   2 IIR (read) / FCR
//   3 LCR   4 MCR   5 LSR (RO: DR, THRE, TEMT)   6 MSR (RO, 0)   7 SCR
// Transmission is instantaneous (THRE always set). Output goes to `out` (stdout by default,
// or the file host.uart_file), buffered per line and flushed at the end. Received bytes come
// from push_rx(). The interrupt line is high when IER.ERBFI and data is ready, or when
// IER.ETBEI and a THR-empty interrupt is pending (set by enabling ETBEI or writing THR,
// cleared by reading IIR while it is the reported cause or by writing THR).
#pragma once

#include <cstdio>
#include <deque>
#include <functional>
#include <string>

#include "common/config.h"
#include "host/irq.h"
#include "host/mmio_device.h"

namespace pumavp::host {

class Uart16550 : public MmioDevice {
 public:
  // `path` empty = stdout. Throws std::runtime_error if the file cannot be opened.
  Uart16550(sc_core::sc_module_name name, const std::string& path = "");
  // From the host config: output to host.uart_file.
  Uart16550(sc_core::sc_module_name name, const HostConfig& host) : Uart16550(name, host.uart_file) {}
  ~Uart16550() override;

  // Optional: sees every transmitted byte (tests, traces).
  std::function<void(char)> on_tx;
  void push_rx(const std::string& bytes);
  void flush();
  uint64_t tx_count() const { return tx_count_; }

 private:
  void update_irq();
  void tx(uint8_t c);

  std::FILE* out_ = nullptr;
  bool own_file_ = false;
  std::string line_;
  std::deque<uint8_t> rx_;
  uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0, fcr_ = 0;
  bool thre_pending_ = false;
  bool irq_level_ = false;
  uint64_t tx_count_ = 0;
};

}  // namespace pumavp::host
