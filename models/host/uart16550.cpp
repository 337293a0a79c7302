#include "host/uart16550.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace pumavp::host {
namespace {
constexpr uint8_t kLcrDlab = 0x80;
constexpr uint8_t kIerRx = 0x01, kIerThre = 0x02;
constexpr uint8_t kLsrDr = 0x01, kLsrThre = 0x20, kLsrTemt = 0x40;
}  // namespace

Uart16550::Uart16550(sc_core::sc_module_name name, const std::string& path) : MmioDevice(name) {
  if (path.empty()) {
    out_ = stdout;
  } else {
    out_ = std::fopen(path.c_str(), "wb");
    if (!out_) throw std::runtime_error("uart: cannot open '" + path + "': " + std::strerror(errno));
    own_file_ = true;
  }
  regs_.add(0, 1, "RBR_THR_DLL", Access::RW)
      .on_read([this]() -> uint32_t {
        if (lcr_ & kLcrDlab) return dll_;
        if (rx_.empty()) return 0;
        const uint8_t c = rx_.front();
        rx_.pop_front();
        update_irq();
        return c;
      })
      .on_write([this](uint32_t v) {
        if (lcr_ & kLcrDlab) {
          dll_ = static_cast<uint8_t>(v);
          return;
        }
        tx(static_cast<uint8_t>(v));
      })
      .read_side_effects();
  regs_.add(1, 1, "IER_DLM", Access::RW)
      .on_read([this]() -> uint32_t { return (lcr_ & kLcrDlab) ? dlm_ : ier_; })
      .on_write([this](uint32_t v) {
        if (lcr_ & kLcrDlab) {
          dlm_ = static_cast<uint8_t>(v);
          return;
        }
        const bool thre_on = !(ier_ & kIerThre) && (v & kIerThre);
        ier_ = static_cast<uint8_t>(v & 0x0f);
        if (thre_on) thre_pending_ = true;
        update_irq();
      });
  regs_.add(2, 1, "IIR_FCR", Access::RW)
      .on_read([this]() -> uint32_t {
        const uint32_t fifo = (fcr_ & 1) ? 0xc0 : 0;
        if ((ier_ & kIerRx) && !rx_.empty()) return fifo | 0x04;
        if ((ier_ & kIerThre) && thre_pending_) {
          thre_pending_ = false;
          update_irq();
          return fifo | 0x02;
        }
        return fifo | 0x01;
      })
      .on_write([this](uint32_t v) {
        fcr_ = static_cast<uint8_t>(v & 0xc9);
        if (v & 0x02) rx_.clear();  // clear receive FIFO
        update_irq();
      })
      .read_side_effects();
  regs_.add(3, 1, "LCR", Access::RW)
      .on_read([this] { return uint32_t{lcr_}; })
      .on_write([this](uint32_t v) { lcr_ = static_cast<uint8_t>(v); });
  regs_.add(4, 1, "MCR", Access::RW)
      .on_read([this] { return uint32_t{mcr_}; })
      .on_write([this](uint32_t v) { mcr_ = static_cast<uint8_t>(v & 0x1f); });
  regs_.add(5, 1, "LSR", Access::RO).on_read([this] {
    return uint32_t{kLsrThre | kLsrTemt} | (rx_.empty() ? 0u : kLsrDr);
  });
  regs_.add(6, 1, "MSR", Access::RO);  // reads 0
  regs_.add(7, 1, "SCR", Access::RW)
      .on_read([this] { return uint32_t{scr_}; })
      .on_write([this](uint32_t v) { scr_ = static_cast<uint8_t>(v); });
}

Uart16550::~Uart16550() {
  flush();
  if (own_file_) std::fclose(out_);
}

void Uart16550::tx(uint8_t c) {
  ++tx_count_;
  line_.push_back(static_cast<char>(c));
  if (c == '\n' || line_.size() >= 4096) flush();
  if (on_tx) on_tx(static_cast<char>(c));
  if (ier_ & kIerThre) thre_pending_ = true;
  update_irq();
}

void Uart16550::flush() {
  if (!line_.empty()) {
    std::fwrite(line_.data(), 1, line_.size(), out_);
    line_.clear();
  }
  std::fflush(out_);
}

void Uart16550::push_rx(const std::string& bytes) {
  for (char c : bytes) rx_.push_back(static_cast<uint8_t>(c));
  update_irq();
}

void Uart16550::update_irq() {
  const bool level = ((ier_ & kIerRx) && !rx_.empty()) || ((ier_ & kIerThre) && thre_pending_);
  if (level != irq_level_) {
    irq_level_ = level;
    if (irq) irq(level);
  }
}

}  // namespace pumavp::host
