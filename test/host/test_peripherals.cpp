// Peripherals on their own, driven through a TLM initiator: register tables, PLIC, CLINT,
// UART, bus decoding and DMI translation, DRAM.
#include <gtest/gtest.h>

#include <cstring>

#include <tlm_utils/simple_initiator_socket.h>

#include "host/bus.h"
#include "host/clint.h"
#include "host/dram.h"
#include "host/plic.h"
#include "host/uart16550.h"

using namespace pumavp::host;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  sc_time delay;
  explicit Initiator(sc_core::sc_module_name n) : sc_module(n) {}
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t a, uint8_t* d, unsigned n) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(a);
    p.set_data_ptr(d);
    p.set_data_length(n);
    p.set_streaming_width(n);
    delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(p, delay);
    return p.get_response_status();
  }
  uint32_t rd(uint64_t a, unsigned n = 4) {
    uint32_t v = 0;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, a, reinterpret_cast<uint8_t*>(&v), n), tlm::TLM_OK_RESPONSE) << a;
    return v;
  }
  void wr(uint64_t a, uint32_t v, unsigned n = 4) {
    EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, a, reinterpret_cast<uint8_t*>(&v), n), tlm::TLM_OK_RESPONSE) << a;
  }
};

void elaborate() { sc_core::sc_start(sc_core::SC_ZERO_TIME); }

}  // namespace

// The register table served through TLM (serve_registers, the body of MmioDevice's target).
TEST(RegisterTable, AccessRules) {
  uint32_t a = 0x11223344u, written = 0;
  int reads = 0;
  pumavp::RegisterTable t("dev");
  t.add(0x10, 4, "A", pumavp::Access::RW).on_read([&] { ++reads; return a; }).on_write([&](uint32_t v) { written = v; });
  t.add(0x14, 4, "RO", pumavp::Access::RO).on_read([] { return 7u; }).on_write([&](uint32_t) { written = 0xbad; });
  t.add(0x18, 1, "B", pumavp::Access::WO).on_read([] { return 9u; }).on_write([&](uint32_t v) { written = v; });
  EXPECT_EQ(t.find(0x12)->name, "A");
  EXPECT_EQ(t.find(0x19), nullptr);
  EXPECT_EQ(t.find(0x0), nullptr);
  tlm::tlm_generic_payload p;
  uint32_t v = 0;
  auto go = [&](tlm::tlm_command c, uint64_t addr, unsigned n) {
    p.set_command(c);
    p.set_address(addr);
    p.set_data_ptr(reinterpret_cast<uint8_t*>(&v));
    p.set_data_length(n);
    p.set_streaming_width(n);
    p.set_byte_enable_ptr(nullptr);
    serve_registers(t, p, false);
    return p.get_response_status();
  };
  EXPECT_EQ(go(tlm::TLM_READ_COMMAND, 0x12, 2), tlm::TLM_OK_RESPONSE);  // upper half
  EXPECT_EQ(v & 0xffff, 0x1122u);
  v = 0xabcd;
  EXPECT_EQ(go(tlm::TLM_WRITE_COMMAND, 0x10, 2), tlm::TLM_GENERIC_ERROR_RESPONSE);  // partial write
  EXPECT_EQ(written, 0u);
  v = 0x55;
  EXPECT_EQ(go(tlm::TLM_WRITE_COMMAND, 0x10, 4), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(written, 0x55u);
  EXPECT_EQ(go(tlm::TLM_WRITE_COMMAND, 0x14, 4), tlm::TLM_OK_RESPONSE);  // RO: ignored
  EXPECT_EQ(written, 0x55u);
  v = 1;
  EXPECT_EQ(go(tlm::TLM_READ_COMMAND, 0x18, 1), tlm::TLM_OK_RESPONSE);  // WO reads 0
  EXPECT_EQ(v & 0xff, 0u);
  EXPECT_EQ(go(tlm::TLM_READ_COMMAND, 0x16, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // crosses
  EXPECT_EQ(go(tlm::TLM_READ_COMMAND, 0x40, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // nothing
}

// MmioDevice's debug transport: reads without side effects (the UART's receive FIFO is not
// popped), writes refused, a response status on every access.
TEST(MmioDevice, DebugAccessesHaveNoSideEffects) {
  Uart16550 uart("uart");
  Initiator ini("ini");
  ini.socket.bind(uart.socket);
  std::string out;
  uart.on_tx = [&](char c) { out.push_back(c); };
  elaborate();
  uart.push_rx("x");
  auto dbg = [&](tlm::tlm_command cmd, uint64_t a, uint8_t& v, tlm::tlm_response_status& st) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(a);
    p.set_data_ptr(&v);
    p.set_data_length(1);
    p.set_streaming_width(1);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    const unsigned n = ini.socket->transport_dbg(p);
    st = p.get_response_status();
    return n;
  };
  uint8_t v = 0xff;
  tlm::tlm_response_status st = tlm::TLM_INCOMPLETE_RESPONSE;
  EXPECT_EQ(dbg(tlm::TLM_READ_COMMAND, 0, v, st), 1u);  // RBR: side effects, reads 0
  EXPECT_EQ(st, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(dbg(tlm::TLM_READ_COMMAND, 5, v, st), 1u);  // LSR: data still ready
  EXPECT_EQ(v & 1u, 1u);
  v = 'z';
  EXPECT_EQ(dbg(tlm::TLM_WRITE_COMMAND, 0, v, st), 0u);  // THR: nothing transmitted
  EXPECT_EQ(st, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(out, "");
  EXPECT_EQ(dbg(tlm::TLM_READ_COMMAND, 8, v, st), 0u);
  EXPECT_EQ(st, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(ini.rd(0, 1), static_cast<uint32_t>('x'));  // a bus read pops it
}

TEST(Plic, PriorityThresholdClaimComplete) {
  Plic plic("plic");
  Initiator ini("ini");
  ini.socket.bind(plic.socket);
  std::vector<bool> meip;
  plic.meip_irq = [&](bool l) { meip.push_back(l); };
  elaborate();
  ini.wr(4 * 3, 2);
  ini.wr(4 * 5, 5);
  ini.wr(4 * 40, 9);  // 3-bit field: 9 & 7 = 1
  EXPECT_EQ(ini.rd(4 * 40), 1u);
  EXPECT_EQ(ini.rd(0), 0u);
  ini.wr(0x2000, 0xffffffffu);
  EXPECT_EQ(ini.rd(0x2000), 0xfffffffeu);  // source 0 does not exist
  ini.wr(0x2004, 1u << (40 - 32));
  plic.set_source(3, true);
  plic.set_source(5, true);
  plic.set_source(40, true);
  EXPECT_EQ(ini.rd(0x1000), (1u << 3) | (1u << 5));
  EXPECT_EQ(ini.rd(0x1004), 1u << 8);
  ASSERT_FALSE(meip.empty());
  EXPECT_TRUE(meip.back());
  ini.wr(0x200000, 5);  // threshold 5: nothing above it
  EXPECT_FALSE(plic.meip());
  EXPECT_EQ(ini.rd(0x200004), 0u);  // claim: nothing
  ini.wr(0x200000, 1);
  EXPECT_TRUE(plic.meip());
  EXPECT_EQ(ini.rd(0x200004), 5u);  // highest priority first
  EXPECT_EQ(ini.rd(0x200004), 3u);
  EXPECT_FALSE(plic.meip());       // 40 has priority 1 = threshold
  ini.wr(0x200000, 0);
  EXPECT_EQ(ini.rd(0x200004), 40u);
  EXPECT_EQ(ini.rd(0x1000), 0u);
  // Claimed and still high: not pending again until completed.
  EXPECT_FALSE(plic.pending(5));
  ini.wr(0x200004, 5);
  EXPECT_TRUE(plic.pending(5));
  // Line dropped before completion: complete leaves it idle.
  plic.set_source(3, false);
  ini.wr(0x200004, 3);
  EXPECT_FALSE(plic.pending(3));
  // Equal priorities: lowest id wins.
  plic.complete(40);
  ini.wr(4 * 40, 5);
  EXPECT_EQ(plic.claim(), 5u);
  EXPECT_EQ(plic.claim(), 40u);
}

TEST(Clint, MtimeCompareAndInterruptTiming) {
  Clint clint("clint", 10000000);  // 10 MHz: 100 ns per tick
  Initiator ini("ini");
  ini.socket.bind(clint.socket);
  std::vector<std::pair<double, bool>> mtip;
  bool msip = false;
  clint.mtip_irq = [&](bool l) { mtip.emplace_back(sc_core::sc_time_stamp().to_seconds() * 1e9, l); };
  clint.msip_irq = [&](bool l) { msip = l; };
  elaborate();
  EXPECT_EQ(ini.rd(0x4000), 0xffffffffu);  // reset: no interrupt
  EXPECT_EQ(ini.rd(0x4004), 0xffffffffu);
  ini.wr(0x0, 3);
  EXPECT_TRUE(msip);
  EXPECT_EQ(ini.rd(0x0), 1u);
  ini.wr(0x0, 0);
  EXPECT_FALSE(msip);
  sc_core::sc_start(sc_time(1050, SC_NS));
  EXPECT_EQ(ini.rd(0xBFF8), 10u);  // floor(1050 ns / 100 ns)
  ini.wr(0x4004, 0);
  ini.wr(0x4000, 25);  // fires at 2500 ns
  EXPECT_TRUE(mtip.empty());
  sc_core::sc_start(sc_time(2000, SC_NS));
  ASSERT_EQ(mtip.size(), 1u);
  EXPECT_DOUBLE_EQ(mtip[0].first, 2500.0);
  EXPECT_TRUE(mtip[0].second);
  ini.wr(0x4000, 100);  // clears MTIP
  ASSERT_EQ(mtip.size(), 2u);
  EXPECT_FALSE(mtip[1].second);
  // Writing mtime moves the timeline: mtime = 95 now -> fires 5 ticks later.
  ini.wr(0xBFF8, 95);
  EXPECT_EQ(ini.rd(0xBFF8), 95u);
  const double t_set = sc_core::sc_time_stamp().to_seconds() * 1e9;
  sc_core::sc_start(sc_time(1000, SC_NS));
  ASSERT_EQ(mtip.size(), 3u);
  EXPECT_NEAR(mtip[2].first - t_set, 500.0, 100.0);
  // Annotated delay is part of the access time.
  EXPECT_EQ(clint.mtime_at(sc_core::sc_time_stamp() + sc_time(1000, SC_NS)),
            clint.mtime_at(sc_core::sc_time_stamp()) + 10);
}

TEST(Uart, RegistersAndReceive) {
  Uart16550 uart("uart");
  Initiator ini("ini");
  ini.socket.bind(uart.socket);
  std::string out;
  uart.on_tx = [&](char c) { out.push_back(c); };
  bool irq = false;
  uart.irq = [&](bool l) { irq = l; };
  elaborate();
  EXPECT_EQ(ini.rd(5, 1), 0x60u);  // THRE | TEMT
  ini.wr(0, 'o', 1);
  ini.wr(0, 'k', 1);
  EXPECT_EQ(out, "ok");
  ini.wr(3, 0x83, 1);  // DLAB
  ini.wr(0, 0x12, 1);  // DLL, not transmitted
  ini.wr(1, 0x34, 1);  // DLM
  EXPECT_EQ(ini.rd(0, 1), 0x12u);
  EXPECT_EQ(ini.rd(1, 1), 0x34u);
  ini.wr(3, 0x03, 1);
  EXPECT_EQ(out, "ok");
  EXPECT_EQ(ini.rd(2, 1), 0x01u);  // IIR: no interrupt
  ini.wr(1, 0x01, 1);              // ERBFI
  uart.push_rx("ab");
  EXPECT_TRUE(irq);
  EXPECT_EQ(ini.rd(5, 1) & 1u, 1u);
  EXPECT_EQ(ini.rd(2, 1) & 0x0fu, 0x04u);
  EXPECT_EQ(ini.rd(0, 1), static_cast<uint32_t>('a'));
  EXPECT_EQ(ini.rd(0, 1), static_cast<uint32_t>('b'));
  EXPECT_FALSE(irq);
  EXPECT_EQ(ini.rd(5, 1) & 1u, 0u);
  ini.wr(1, 0x02, 1);  // ETBEI: THR empty interrupt until IIR read
  EXPECT_TRUE(irq);
  EXPECT_EQ(ini.rd(2, 1) & 0x0fu, 0x02u);
  EXPECT_FALSE(irq);
  uint32_t v = 0;
  EXPECT_EQ(ini.access(tlm::TLM_READ_COMMAND, 8, reinterpret_cast<uint8_t*>(&v), 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST(Bus, DecodeTranslateDmiAndErrors) {
  Bus bus("bus", sc_time(1, SC_NS));
  Dram a("a", 0x1000, sc_time(10, SC_NS));
  Dram b("b", 0x1000, sc_time(10, SC_NS), false);
  Initiator ini("ini");
  ini.socket.bind(bus.target);
  bus.map(a.socket, 0x80000000u, 0x1000, "a");
  bus.map(b.socket, 0x1000, 0x1000, "b");
  EXPECT_THROW(bus.map(a.socket, 0x80000800u, 0x1000, "overlap"), std::invalid_argument);
  elaborate();
  ini.wr(0x80000010u, 0xdeadbeefu);
  EXPECT_EQ(ini.delay, sc_time(11, SC_NS));  // bus + DRAM latency
  uint32_t w;
  std::memcpy(&w, a.data() + 0x10, 4);
  EXPECT_EQ(w, 0xdeadbeefu);
  ini.wr(0x1ffc, 7);
  std::memcpy(&w, b.data() + 0xffc, 4);
  EXPECT_EQ(w, 7u);
  uint8_t buf[8];
  EXPECT_EQ(ini.access(tlm::TLM_READ_COMMAND, 0x3000, buf, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(ini.access(tlm::TLM_READ_COMMAND, 0x1ffe, buf, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // crosses end
  EXPECT_EQ(ini.access(tlm::TLM_READ_COMMAND, 0x7fffffffu, buf, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  // DMI: granted with global addresses for a, refused for b.
  tlm::tlm_generic_payload p;
  p.set_address(0x80000100u);
  tlm::tlm_dmi dmi;
  ASSERT_TRUE(ini.socket->get_direct_mem_ptr(p, dmi));
  EXPECT_EQ(dmi.get_start_address(), 0x80000000u);
  EXPECT_EQ(dmi.get_end_address(), 0x80000fffu);
  EXPECT_EQ(dmi.get_dmi_ptr(), a.data());
  p.set_address(0x1100);
  tlm::tlm_dmi dmi2;
  EXPECT_FALSE(ini.socket->get_direct_mem_ptr(p, dmi2));
  // Debug transport translates too.
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(0x80000010u);
  p.set_data_ptr(buf);
  p.set_data_length(4);
  EXPECT_EQ(ini.socket->transport_dbg(p), 4u);
  std::memcpy(&w, buf, 4);
  EXPECT_EQ(w, 0xdeadbeefu);
}

TEST(Dram, ByteEnablesAndWriteObserver) {
  Dram d("d", 64, sc_time(10, SC_NS));
  Initiator ini("ini");
  ini.socket.bind(d.socket);
  std::vector<std::pair<uint64_t, unsigned>> writes;
  d.on_write = [&](uint64_t off, unsigned n) { writes.emplace_back(off, n); };
  elaborate();
  ini.wr(8, 0x11223344u);
  tlm::tlm_generic_payload p;
  uint32_t v = 0xaabbccddu;
  unsigned char be[4] = {TLM_BYTE_ENABLED, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED, TLM_BYTE_DISABLED};
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_address(8);
  p.set_data_ptr(reinterpret_cast<uint8_t*>(&v));
  p.set_data_length(4);
  p.set_streaming_width(4);
  p.set_byte_enable_ptr(be);
  p.set_byte_enable_length(4);
  sc_time t;
  ini.socket->b_transport(p, t);
  EXPECT_EQ(ini.rd(8), 0x11bb33ddu);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[1], std::make_pair(uint64_t{8}, 4u));
  uint8_t buf[4];
  EXPECT_EQ(ini.access(tlm::TLM_READ_COMMAND, 62, buf, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
}
