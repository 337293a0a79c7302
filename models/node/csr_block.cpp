#include "node/csr_block.h"

namespace pumavp::node {

CsrBlock::CsrBlock(sc_core::sc_module_name name, const Geometry& geo) : host::MmioDevice(name, "accel.csr") {
  regs_.add(csr::ID, 4, "ID", Access::RO, csr::kIdValue);
  regs_.add(csr::VERSION, 4, "VERSION", Access::RO, csr::kVersion);
  regs_.add(csr::GEOMETRY0, 4, "GEOMETRY0", Access::RO, geo.csr_geometry0());
  regs_.add(csr::GEOMETRY1, 4, "GEOMETRY1", Access::RO, geo.csr_geometry1());
  regs_.add(csr::CTRL, 4, "CTRL", Access::WO).on_write([this](uint32_t v) {
    if (on_ctrl) on_ctrl(v);
  });
  regs_.add(csr::STATUS, 4, "STATUS", Access::RO).on_read([this] { return status ? status() : 0u; });
  regs_.add(csr::IRQ_EN, 4, "IRQ_EN", Access::RW).fields(csr::IRQ_DONE | csr::IRQ_ERROR | csr::IRQ_DMA).on_write([this](uint32_t) {
    update_irq();
  });
  regs_.add(csr::IRQ_STATUS, 4, "IRQ_STATUS", Access::W1C).on_write([this](uint32_t) { update_irq(); });
  regs_.add(csr::ERROR_CODE, 4, "ERROR_CODE", Access::RO);
  regs_.add(csr::ERROR_INFO, 4, "ERROR_INFO", Access::RO);
  regs_.add(csr::ERROR_PC, 4, "ERROR_PC", Access::RO);
  regs_.add(csr::KADDR, 4, "KADDR", Access::RW);
  regs_.add(csr::KSIZE, 4, "KSIZE", Access::RW);
  regs_.add(csr::DMA_SRC, 4, "DMA_SRC", Access::RW);
  regs_.add(csr::DMA_DST, 4, "DMA_DST", Access::RW);
  regs_.add(csr::DMA_LEN, 4, "DMA_LEN", Access::RW);
  // GO is a trigger: it reads back as 0; PEEK and the count field are stored.
  regs_.add(csr::DMA_CTRL, 4, "DMA_CTRL", Access::RW).fields(0xFF00u | csr::DMA_PEEK).on_write([this](uint32_t v) {
    if ((v & csr::DMA_GO) && on_dma_go) on_dma_go(access_time());
  });
  regs_.add(csr::DMA_STATUS, 4, "DMA_STATUS", Access::RO).on_read([this] { return dma_status ? dma_status() : 0u; });
}

void CsrBlock::bind_counter(uint32_t offset, const std::string& name, std::function<uint64_t()> value) {
  const size_t i = counters_.size();
  counters_.push_back({std::move(value), 0});
  auto current = [this, i] { return counters_[i].value() - counters_[i].base; };
  regs_.add(offset, 4, name + "_LO", Access::RO).on_read([current] { return static_cast<uint32_t>(current()); });
  regs_.add(offset + 4, 4, name + "_HI", Access::RO).on_read([current] { return static_cast<uint32_t>(current() >> 32); });
}

void CsrBlock::update_irq() {
  const bool level = (regs_.value(csr::IRQ_STATUS) & regs_.value(csr::IRQ_EN)) != 0;
  if (irq) irq(level);
}

void CsrBlock::raise(uint32_t bits) {
  regs_.value(csr::IRQ_STATUS) |= bits;
  update_irq();
}

void CsrBlock::set_error(unsigned code, int tile, int core, int64_t pc) {
  regs_.value(csr::ERROR_CODE) = code;
  if (tile >= 0) {
    regs_.value(csr::ERROR_INFO) = uint32_t(tile & 0xFFFF) | (uint32_t(core < 0 ? 0xFF : core & 0xFF) << 16);
    regs_.value(csr::ERROR_PC) = pc < 0 ? 0xFFFFFFFFu : static_cast<uint32_t>(pc);
  } else {
    regs_.value(csr::ERROR_INFO) = 0xFFFFFFFFu;
    regs_.value(csr::ERROR_PC) = 0xFFFFFFFFu;
  }
}

void CsrBlock::reset() {
  regs_.reset();
  for (Counter& c : counters_) c.base = c.value();
  update_irq();
}

}  // namespace pumavp::node
