// Firmware and simulator agree by construction: every memory-map base, CSR offset and bit
// field that the firmware headers (firmware/lib/hal/*.h, firmware/lib/puma/puma.h) define is
// compared here with the constant the C++ models use, and every CSR offset the driver uses
// is checked live against the host interface's register table (a debug read through the
// bus must hit a register, and ID must read the ID value). A header or model edited alone
// fails this test.
#include <gtest/gtest.h>

#include <cstdint>

#include "common/config.h"
#include "exec_system.h"
#include "accelerator.h"
#include "host/plic.h"
#include "memory_map.h"
#include "soc.h"

// The firmware headers are C; they only declare functions and macros.
#include "hal/platform.h"
#include "hal/plic.h"
#include "puma/puma.h"

using namespace pumavp;
namespace csr = node::csr;

// The firmware's NAME_BASE/NAME_SIZE/NAME_IRQ constants and the SoC are both built from
// platform/memory_map.def. Checked here: the SoC as built maps every row where the table says
// (devices at once, DRAM at its configured size, the accelerator once attached), each device
// with a PLIC source raises that source, and the copies that cannot include the table (libpuma's
// macros, the node's csr:: constants) agree with it.
TEST(FirmwareHeaders, MemoryMapMatchesTheSoc) {
  PlatformConfig cfg = load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/small.yaml");
  Soc soc("soc", cfg);
  Accelerator accel(cfg, soc.stats());
  accel.attach(soc);
  auto mapped = [&](const memory_map::Region& r) -> const host::Bus::Region* {
    for (const auto& m : soc.bus().regions())
      if (m.name == r.name) return &m;
    return nullptr;
  };
  for (const memory_map::Region& r : memory_map::kAll) {
    const host::Bus::Region* m = mapped(r);
    ASSERT_NE(m, nullptr) << r.name << " is not on the bus";
    EXPECT_EQ(m->base, r.base) << r.name;
    if (r.base == memory_map::DRAM.base) {
      EXPECT_EQ(m->size, uint64_t{cfg.host.dram_mib} << 20);
      EXPECT_LE(m->size, r.size);
    } else {
      EXPECT_EQ(m->size, r.size) << r.name;
    }
  }
  EXPECT_EQ(soc.bus().regions().size(), std::size(memory_map::kAll));
  // Peripherals: one per device row, in table order, each raising its PLIC source.
  const char* device_rows[] = {
#define PUMAVP_REGION(ID, name, base, size, irq)
#define PUMAVP_DEVICE(ID, name, base, size, irq, cls) name,
#include "memory_map.def"
#undef PUMAVP_DEVICE
#undef PUMAVP_REGION
  };
  ASSERT_EQ(soc.devices().size(), std::size(device_rows));
  for (size_t i = 0; i < std::size(device_rows); ++i) EXPECT_STREQ(soc.devices()[i]->basename(), device_rows[i]);
  ASSERT_NE(memory_map::UART.irq, 0u);
  EXPECT_FALSE(soc.plic().pending(memory_map::UART.irq));
  soc.uart().irq(true);  // (a PLIC source stays pending until claimed)
  for (unsigned s = 1; s < host::Plic::kSources; ++s)
    EXPECT_EQ(soc.plic().pending(s), s == memory_map::UART.irq) << "source " << s;

  // The firmware constants are the table's rows.
  EXPECT_EQ(FINISHER_BASE, memory_map::FINISHER.base);
  EXPECT_EQ(UART_BASE, memory_map::UART.base);
  EXPECT_EQ(UART_IRQ, memory_map::UART.irq);
  EXPECT_EQ(DRAM_BASE, memory_map::DRAM.base);
  // libpuma's own names and the host interface's view of the map.
  EXPECT_EQ(PUMA_CSR_BASE, memory_map::ACCEL_CSR.base);
  EXPECT_EQ(PUMA_WINDOW_BASE, memory_map::ACCEL_WINDOW.base);
  EXPECT_EQ(PUMA_PLIC_BASE, memory_map::PLIC.base);
  EXPECT_EQ(PUMA_PLIC_SOURCE, memory_map::ACCEL_CSR.irq);
  EXPECT_EQ(PLIC_SOURCE_ACCEL, memory_map::ACCEL_CSR.irq);
  EXPECT_EQ(csr::kCsrBase, memory_map::ACCEL_CSR.base);
  EXPECT_EQ(csr::kWindowBase, memory_map::ACCEL_WINDOW.base);
  EXPECT_EQ(csr::kCsrBytes, memory_map::ACCEL_CSR.size);
  EXPECT_EQ(csr::kWindowBytes, memory_map::ACCEL_WINDOW.size);
}

// Each (firmware macro, model constant) pair of the CSR block.
struct CsrPair {
  const char* name;
  uint32_t firmware, model;
};
const CsrPair kOffsets[] = {
    {"ID", PUMA_ID, csr::ID},
    {"VERSION", PUMA_VERSION, csr::VERSION},
    {"GEOMETRY0", PUMA_GEOMETRY0, csr::GEOMETRY0},
    {"GEOMETRY1", PUMA_GEOMETRY1, csr::GEOMETRY1},
    {"CTRL", PUMA_CTRL, csr::CTRL},
    {"STATUS", PUMA_STATUS, csr::STATUS},
    {"IRQ_EN", PUMA_IRQ_EN, csr::IRQ_EN},
    {"IRQ_STATUS", PUMA_IRQ_STATUS, csr::IRQ_STATUS},
    {"ERROR_CODE", PUMA_ERROR_CODE, csr::ERROR_CODE},
    {"ERROR_INFO", PUMA_ERROR_INFO, csr::ERROR_INFO},
    {"ERROR_PC", PUMA_ERROR_PC, csr::ERROR_PC},
    {"KADDR", PUMA_KADDR, csr::KADDR},
    {"KSIZE", PUMA_KSIZE, csr::KSIZE},
    {"DMA_SRC", PUMA_DMA_SRC, csr::DMA_SRC},
    {"DMA_DST", PUMA_DMA_DST, csr::DMA_DST},
    {"DMA_LEN", PUMA_DMA_LEN, csr::DMA_LEN},
    {"DMA_CTRL", PUMA_DMA_CTRL, csr::DMA_CTRL},
    {"DMA_STATUS", PUMA_DMA_STATUS, csr::DMA_STATUS},
    {"PERF_CYCLES", PUMA_PERF_CYCLES, csr::PERF_CYCLES},
    {"PERF_INSTRS", PUMA_PERF_INSTRS, csr::PERF_INSTRS},
    {"PERF_MVMS", PUMA_PERF_MVMS, csr::PERF_MVMS},
    {"PERF_FLITS", PUMA_PERF_FLITS, csr::PERF_FLITS},
    {"PERF_ENERGY", PUMA_PERF_ENERGY_PJ, csr::PERF_ENERGY},
};
const CsrPair kFields[] = {
    {"ID value", PUMA_ID_VALUE, csr::kIdValue},
    {"CTRL.LOAD", PUMA_CTRL_LOAD, csr::CTRL_LOAD},
    {"CTRL.START", PUMA_CTRL_START, csr::CTRL_START},
    {"CTRL.ABORT", PUMA_CTRL_ABORT, csr::CTRL_ABORT},
    {"CTRL.RESET", PUMA_CTRL_RESET, csr::CTRL_RESET},
    {"STATUS.BUSY", PUMA_STATUS_BUSY, csr::ST_BUSY},
    {"STATUS.LOADED", PUMA_STATUS_LOADED, csr::ST_LOADED},
    {"STATUS.DONE", PUMA_STATUS_DONE, csr::ST_DONE},
    {"STATUS.ERROR", PUMA_STATUS_ERROR, csr::ST_ERROR},
    {"IRQ.DONE", PUMA_IRQ_DONE, csr::IRQ_DONE},
    {"IRQ.ERROR", PUMA_IRQ_ERROR, csr::IRQ_ERROR},
    {"IRQ.DMA", PUMA_IRQ_DMA, csr::IRQ_DMA},
    {"DMA_CTRL.GO", PUMA_DMA_GO, csr::DMA_GO},
    {"DMA_CTRL.PEEK", PUMA_DMA_PEEK, csr::DMA_PEEK},
    {"DMA_STATUS.BUSY", PUMA_DMA_BUSY, csr::DMA_BUSY},
    {"DMA_STATUS.DONE", PUMA_DMA_DONE, csr::DMA_DONE},
    {"DMA_STATUS.ERROR", PUMA_DMA_ERROR, csr::DMA_ERROR},
};

TEST(FirmwareHeaders, CsrOffsetsAndFieldsMatchTheHostInterface) {
  for (const auto& p : kOffsets) EXPECT_EQ(p.firmware, p.model) << "CSR " << p.name;
  for (const auto& p : kFields) EXPECT_EQ(p.firmware, p.model) << p.name;
}

// Live: every offset the firmware uses is a register of the CSR block as built (the 64-bit
// PERF counters as a _LO/_HI pair), under the name the header gives it, and ID reads the value
// the firmware probes for through the block's debug transport.
TEST(FirmwareHeaders, EveryFirmwareCsrOffsetIsARegister) {
  PlatformConfig cfg = load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/small.yaml");
  ExecSystem sys("sys", cfg);
  const auto& table = sys.accel.host_interface.registers().registers();
  for (const auto& p : kOffsets) {
    const std::string name = p.name;
    if (name.rfind("PERF_", 0) == 0) {
      ASSERT_TRUE(table.count(p.firmware) && table.count(p.firmware + 4)) << "CSR " << name;
      EXPECT_EQ(table.at(p.firmware).name, name + "_LO");
      EXPECT_EQ(table.at(p.firmware + 4).name, name + "_HI");
    } else {
      ASSERT_TRUE(table.count(p.firmware)) << "CSR " << name << " at " << p.firmware;
      EXPECT_EQ(table.at(p.firmware).name, name);
    }
  }
  // And the converse: the block has no register the firmware header does not name.
  size_t expected = 0;
  for (const auto& p : kOffsets) expected += std::string(p.name).rfind("PERF_", 0) == 0 ? 2 : 1;
  EXPECT_EQ(table.size(), expected);

  uint32_t id = 0;
  tlm::tlm_generic_payload gp;
  gp.set_command(tlm::TLM_READ_COMMAND);
  gp.set_address(PUMA_ID);  // offset within the block, as the bus forwards it
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(&id));
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  EXPECT_EQ(sys.accel.host_interface.csr.get_base_export()->transport_dbg(gp), 4u);
  EXPECT_EQ(id, PUMA_ID_VALUE);
}
