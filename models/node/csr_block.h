// pumavp::node::CsrBlock — the accelerator's CSR block (architecture.md §2.3): one
// host::MmioDevice whose register table is the whole block, plus the interrupt line
// (IRQ_STATUS & IRQ_EN). Offsets and bit fields are the `csr` constants below (the firmware
// headers are checked against them and against registers(), test_firmware_headers).
//
// The block holds the stored registers (IRQ_EN, IRQ_STATUS, ERROR_*, KADDR, KSIZE, DMA_*);
// the live ones are bound to their sources: STATUS and DMA_STATUS to getters, the 64-bit
// PERF counters (a _LO/_HI pair each) to the counters themselves (bind_counter()). Writes to
// CTRL and DMA_CTRL.GO are handed to the host interface (on_ctrl, on_dma_go). Access rules
// are MmioDevice's, as for every device: an offset with no register is an address error
// (TLM_ADDRESS_ERROR_RESPONSE), a read of 1 or 2 bytes inside a register returns those bytes,
// a write narrower than 4 bytes is an error (TLM_GENERIC_ERROR_RESPONSE), debug reads have
// no side effects and debug writes are refused. The block adds no latency (the bus does).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>

#include "common/geometry.h"
#include "host/mmio_device.h"

namespace pumavp::node {

// CSR offsets (architecture.md §2.3).
namespace csr {
constexpr uint32_t ID = 0x000, VERSION = 0x004, GEOMETRY0 = 0x008, GEOMETRY1 = 0x00C, CTRL = 0x010,
                   STATUS = 0x014, IRQ_EN = 0x018, IRQ_STATUS = 0x01C, ERROR_CODE = 0x020,
                   ERROR_INFO = 0x024, ERROR_PC = 0x028, KADDR = 0x030, KSIZE = 0x034, DMA_SRC = 0x040,
                   DMA_DST = 0x044, DMA_LEN = 0x048, DMA_CTRL = 0x04C, DMA_STATUS = 0x050,
                   PERF_CYCLES = 0x080, PERF_INSTRS = 0x088, PERF_MVMS = 0x090, PERF_FLITS = 0x098,
                   PERF_ENERGY = 0x0A0;
constexpr uint32_t kIdValue = 0x50554D41, kVersion = 0x00010000;
constexpr uint32_t CTRL_LOAD = 1, CTRL_START = 2, CTRL_ABORT = 4, CTRL_RESET = 8;
constexpr uint32_t ST_BUSY = 1, ST_LOADED = 2, ST_DONE = 4, ST_ERROR = 8;
constexpr uint32_t IRQ_DONE = 1, IRQ_ERROR = 2, IRQ_DMA = 4;
constexpr uint32_t DMA_GO = 1, DMA_PEEK = 2;
constexpr uint32_t DMA_BUSY = 1, DMA_DONE = 2, DMA_ERROR = 4;
constexpr uint64_t kCsrBytes = 0x1000, kWindowBytes = 0x1000000, kTileWindowBytes = 0x10000;
constexpr uint64_t kCsrBase = 0x40000000, kWindowBase = 0x50000000;
}  // namespace csr

class CsrBlock : public host::MmioDevice {
 public:
  // GEOMETRY0/1 are the geometry's CSR words (Geometry::csr_geometry0/1).
  CsrBlock(sc_core::sc_module_name name, const Geometry& geo);

  // ---- bindings (set by the host interface before the simulation starts) ----
  std::function<void(uint32_t ctrl)> on_ctrl;               // a write to CTRL
  std::function<void(const sc_core::sc_time& at)> on_dma_go;  // DMA_CTRL.GO written at `at`
  std::function<uint32_t()> status;                         // STATUS
  std::function<uint32_t()> dma_status;                     // DMA_STATUS
  // A 64-bit PERF counter at `offset` (`name`_LO, `name`_HI) reading `value()` minus its
  // value at the last reset().
  void bind_counter(uint32_t offset, const std::string& name, std::function<uint64_t()> value);

  // ---- device side ----
  uint32_t value(uint32_t offset) { return regs_.value(offset); }
  void raise(uint32_t irq_bits);
  // tile < 0: not about one unit (ERROR_INFO/ERROR_PC read 0xFFFFFFFF); core < 0: tile unit.
  void set_error(unsigned code, int tile, int core, int64_t pc);
  void clear_error_code() { regs_.value(csr::ERROR_CODE) = 0; }
  // Every register to its reset value, PERF counters restart from 0, interrupt re-evaluated.
  void reset();
  // The simulated time of the access being served.
  sc_core::sc_time now() const { return access_time(); }

 private:
  void update_irq();
  struct Counter {
    std::function<uint64_t()> value;
    uint64_t base = 0;
  };
  std::vector<Counter> counters_;
};

}  // namespace pumavp::node
