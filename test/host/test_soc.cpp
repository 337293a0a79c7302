// The assembled SoC running hand-assembled programs: UART, finisher, CLINT/PLIC interrupts,
// access faults, run limits, DMI on/off, the accelerator hook and the debug API.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include <tlm_utils/simple_target_socket.h>

#include "elf_writer.h"
#include "rv_asm.h"
#include "soc.h"

using namespace rvasm;
using pumavp::Soc;

namespace {

constexpr uint32_t kDram = 0x80000000u;
constexpr uint32_t kHandler = kDram + 0x800;

pumavp::PlatformConfig small_cfg() {
  pumavp::PlatformConfig c = pumavp::default_config();
  c.host.dram_mib = 1;
  return c;
}

void load(Soc& soc, const Program& p) {
  std::memcpy(soc.dram().data() + (p.base - kDram), p.bytes.data(), p.bytes.size());
  soc.cpu().reset(kDram);
}

// Finisher write of `value`.
void finish(Program& p, uint32_t value) {
  p.w(LI(t5, 0x00100000u)).w(LI(t6, value)).w(SW(t6, t5, 0));
}

// A handler at kHandler that saves mcause/mepc/mtval in s9/s10/s11 and finishes with pass.
void handler(Program& p) {
  p.pad_to(kHandler - kDram);
  p.w(CSRR(s9, MCAUSE)).w(CSRR(s10, MEPC)).w(CSRR(s11, MTVAL));
  finish(p, 0x5555);
}

std::vector<uint32_t> set_mtvec(uint32_t addr) {
  auto v = LI(t0, addr);
  v.push_back(CSRW(MTVEC, t0));
  return v;
}

}  // namespace

TEST(Soc, UartOutputAndFinisherPass) {
  Soc soc("soc", small_cfg());
  std::string out;
  soc.uart().on_tx = [&](char c) { out.push_back(c); };
  Program p;
  p.w(LI(a0, 0x10000000u));
  for (char c : std::string("Hi\n")) p.w(ADDI(a1, zero, c)).w(SB(a1, a0, 0));
  p.w(LBU(a2, a0, 5));  // LSR
  finish(p, 0x5555);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(out, "Hi\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.exit_reason, "finisher");
  EXPECT_EQ(soc.cpu().reg(a2), 0x60u);  // THRE | TEMT, no data ready
  EXPECT_EQ(r.host_instructions, 2u + 6u + 1u + 5u);
  EXPECT_GT(r.sim_time_ns, 0.0);
  EXPECT_LT(r.sim_time_ns, 1000.0);
}

TEST(Soc, FinisherFailCodes) {
  Soc soc("soc", small_cfg());
  Program p;
  finish(p, (42u << 16) | 0x3333);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 42);
  EXPECT_EQ(r.exit_reason, "finisher");
  bool fin = false;
  EXPECT_EQ(pumavp::host::TestFinisher::decode(0x3333, fin), 1);  // fail with code 0
  EXPECT_TRUE(fin);
  EXPECT_EQ(pumavp::host::TestFinisher::decode(0x1000u << 16 | 0x3333, fin), 1);  // > 255
  pumavp::host::TestFinisher::decode(0x7777, fin);
  EXPECT_FALSE(fin);
}

TEST(Soc, TimerInterruptWakesWfiWithoutSpinning) {
  Soc soc("soc", small_cfg());  // mtime 10 MHz, CPU 100 MHz
  Program p;
  p.w(set_mtvec(kHandler))
      .w(LI(t0, 0x02004000u))           // mtimecmp
      .w(ADDI(t1, zero, 100))           // 100 ticks = 10 us
      .w(SW(t1, t0, 0)).w(SW(zero, t0, 4))
      .w(ADDI(t1, zero, 0x80)).w(CSRW(MIE, t1))
      .w(CSRRSI(zero, MSTATUS, 8))
      .w(WFI())
      .w(JAL(zero, 0));
  handler(p);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(soc.cpu().reg(s9), 0x80000007u);
  EXPECT_EQ(soc.cpu().reg(s10), kDram + 4 * 12);  // the instruction after wfi
  EXPECT_GE(r.sim_time_ns, 10000.0);
  EXPECT_LT(r.sim_time_ns, 10300.0);
  EXPECT_LT(r.host_instructions, 30u);  // slept: no instructions while waiting
  // mcycle counted the sleep: about 10 us at 100 MHz.
  EXPECT_GE(soc.cpu().hart().cycles(), 1000u);
}

TEST(Soc, SoftwareInterruptIsTakenAtTheNextInstruction) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(set_mtvec(kHandler)).w(ADDI(t1, zero, 8)).w(CSRW(MIE, t1)).w(CSRRSI(zero, MSTATUS, 8));
  p.w(LI(t0, 0x02000000u)).w(ADDI(t1, zero, 1));
  const uint32_t store_at = p.here();
  p.w(SW(t1, t0, 0)).w(ADDI(a0, zero, 1)).w(JAL(zero, 0));
  handler(p);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(soc.cpu().reg(s9), 0x80000003u);
  EXPECT_EQ(soc.cpu().reg(s10), store_at + 4);
  EXPECT_EQ(soc.cpu().reg(a0), 0u);  // not executed before the trap
}

TEST(Soc, UartReceiveInterruptThroughPlic) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(set_mtvec(kHandler + 0x100));
  p.w(LI(t0, 0x0C000000u + 4 * 10)).w(ADDI(t1, zero, 2)).w(SW(t1, t0, 0));  // priority 2
  p.w(LI(t0, 0x0C002000u)).w(ADDI(t1, zero, 1 << 10)).w(SW(t1, t0, 0));     // enable src 10
  p.w(LI(t0, 0x0C200000u)).w(ADDI(t1, zero, 1)).w(SW(t1, t0, 0));           // threshold 1
  p.w(LI(t0, 0x10000000u)).w(ADDI(t1, zero, 1)).w(SB(t1, t0, 1));           // IER.ERBFI
  p.w(LI(t1, 0x800)).w(CSRW(MIE, t1)).w(CSRRSI(zero, MSTATUS, 8)).w(WFI()).w(JAL(zero, 0));
  p.pad_to(kHandler + 0x100 - kDram);
  p.w(CSRR(s9, MCAUSE)).w(CSRR(s8, MIP));
  p.w(LI(t0, 0x0C200004u)).w(LW(a0, t0, 0));             // claim
  p.w(LI(t1, 0x10000000u)).w(LBU(a1, t1, 0));            // RBR
  p.w(SW(a0, t0, 0));                                    // complete
  p.w(LI(t2, 0x0C001000u)).w(LW(a2, t2, 0));             // pending word after
  p.w(CSRR(a3, MIP));
  finish(p, 0x5555);
  load(soc, p);
  soc.uart().push_rx("x");
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(soc.cpu().reg(s9), 0x8000000bu);
  EXPECT_EQ(soc.cpu().reg(s8) & 0x800u, 0x800u);
  EXPECT_EQ(soc.cpu().reg(a0), 10u);
  EXPECT_EQ(soc.cpu().reg(a1), static_cast<uint32_t>('x'));
  EXPECT_EQ(soc.cpu().reg(a2), 0u);
  EXPECT_EQ(soc.cpu().reg(a3) & 0x800u, 0u);  // MEIP gone after claim + data read
}

TEST(Soc, BusErrorsAreAccessFaults) {
  {
    const uint32_t addr = 0x30000000u;
    Soc soc("soc", small_cfg());
    Program p;
    p.w(set_mtvec(kHandler)).w(LI(a5, addr)).w(LW(a0, a5, 8)).w(JAL(zero, 0));
    handler(p);
    load(soc, p);
    const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(soc.cpu().reg(s9), 5u);
    EXPECT_EQ(soc.cpu().reg(s11), addr + 8);
    EXPECT_EQ(soc.bus().decode(0x40000000u), nullptr);
    EXPECT_EQ(soc.bus().decode(0x50000000u), nullptr);
    EXPECT_NE(soc.bus().decode(0x10000005u), nullptr);
  }
}

TEST(Soc, StoreToUnmappedIsStoreAccessFault) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(set_mtvec(kHandler)).w(LI(a5, 0x50000010u)).w(SW(a0, a5, 0)).w(JAL(zero, 0));
  handler(p);
  load(soc, p);
  soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(soc.cpu().reg(s9), 7u);
  EXPECT_EQ(soc.cpu().reg(s11), 0x50000010u);
}

TEST(Soc, JumpToUnmappedIsInstructionAccessFault) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(set_mtvec(kHandler)).w(LI(a5, 0x20000000u)).w(JALR(ra, a5, 0x10));
  handler(p);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(soc.cpu().reg(s9), 1u);
  EXPECT_EQ(soc.cpu().reg(s10), 0x20000010u);
  EXPECT_EQ(soc.cpu().reg(s11), 0x20000010u);
}

TEST(Soc, MaxTimeEndsAnEndlessLoop) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(ADDI(a0, a0, 1)).w(JAL(zero, -4));
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(100, sc_core::SC_US));
  EXPECT_EQ(r.exit_code, Soc::kExitMaxTime);
  EXPECT_EQ(r.exit_reason, "max-time");
  EXPECT_NEAR(r.sim_time_ns, 100000.0, 1.0);
  // 100 us at 100 MHz = 10000 instructions (within one quantum).
  EXPECT_NEAR(static_cast<double>(r.host_instructions), 10000.0, 200.0);
}

// Limits that are not multiples of the quantum (host.quantum_ns, 1 us) nor of the CPU cycle
// (10 ns) end as a time limit, not as starvation (issue 15, item 3); each run continues the
// previous one.
TEST(Soc, MaxTimeNotAMultipleOfTheQuantumIsATimeLimit) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(ADDI(a0, a0, 1)).w(JAL(zero, -4));
  load(soc, p);
  double total_ns = 0;
  for (double ns : {5005.0, 123456.0, 50000.0, 999.0, 7.0}) {
    total_ns += ns;
    const auto r = soc.run(sc_core::sc_time(ns, sc_core::SC_NS));
    EXPECT_EQ(r.exit_code, Soc::kExitMaxTime) << "--max-time " << ns << " ns";
    EXPECT_EQ(r.exit_reason, "max-time") << ns;
    EXPECT_NEAR(r.sim_time_ns, total_ns, 0.5) << ns;
  }
}

TEST(Soc, WfiWithNothingArmedIsADeadlock) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(WFI()).w(JAL(zero, -4));
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_EQ(r.exit_code, Soc::kExitDeadlock);
  EXPECT_EQ(r.exit_reason, "deadlock");
  EXPECT_EQ(r.host_instructions, 1u);
}

namespace {
// sum_{i<n} (i*i) ^ (i<<3) with a store per step; returns the expected value.
uint32_t compute_program(Program& p, uint32_t n) {
  p.w(LI(s0, kDram + 0x8000)).w(ADDI(t0, zero, 0)).w(ADDI(a0, zero, 0)).w(LI(t2, n));
  const uint32_t loop = static_cast<uint32_t>(p.bytes.size());
  p.w(MUL(t1, t0, t0)).w(SLLI(a1, t0, 3)).w(XOR(t1, t1, a1)).w(ADD(a0, a0, t1)).w(SW(a0, s0, 0))
      .w(LW(a2, s0, 0)).w(ADDI(t0, t0, 1));
  p.w(BNE(t0, t2, static_cast<int32_t>(loop) - static_cast<int32_t>(p.bytes.size())));
  finish(p, 0x5555);
  uint32_t e = 0;
  for (uint32_t i = 0; i < n; ++i) e += (i * i) ^ (i << 3);
  return e;
}
}  // namespace

TEST(Soc, ComputeWithDmi) {
  Soc soc("soc", small_cfg());
  Program p;
  const uint32_t expect = compute_program(p, 5000);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(soc.cpu().reg(a0), expect);
  EXPECT_EQ(r.host_instructions, 6u + 8u * 5000u + 5u);
  EXPECT_GE(soc.cpu().dmi_grants(), 1u);
  // One cycle per instruction: 10 ns each at 100 MHz (plus the finisher's bus latency).
  EXPECT_NEAR(r.sim_time_ns, 10.0 * r.host_instructions, 50.0);
}

TEST(Soc, ComputeWithoutDmi) {
  auto cfg = small_cfg();
  cfg.host.dmi = false;
  Soc soc("soc", cfg);
  Program p;
  const uint32_t expect = compute_program(p, 5000);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(soc.cpu().reg(a0), expect);
  EXPECT_EQ(r.host_instructions, 6u + 8u * 5000u + 5u);
  EXPECT_EQ(soc.cpu().dmi_grants(), 0u);
  // Every fetch and data access pays bus + DRAM latency: much slower in simulated time.
  EXPECT_GT(r.sim_time_ns, 20.0 * r.host_instructions);
}

TEST(Soc, TimeCsrFollowsClint) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(LI(t0, 3000)).w(ADDI(t0, t0, -1)).w(BNE(t0, zero, -4));  // ~6000 instructions = 60 us
  p.w(CSRR(a0, TIME)).w(LI(t1, 0x0200BFF8u)).w(LW(a1, t1, 0)).w(CSRR(a2, 0xC81));
  finish(p, 0x5555);
  load(soc, p);
  soc.run(sc_core::sc_time(1, sc_core::SC_SEC));
  const uint32_t t = soc.cpu().reg(a0), m = soc.cpu().reg(a1);
  EXPECT_NEAR(static_cast<double>(t), 600.0, 3.0);  // 6000 instr * 10 ns / 100 ns
  EXPECT_GE(m, t);
  EXPECT_LE(m - t, 1u);
  EXPECT_EQ(soc.cpu().reg(a2), 0u);
}

TEST(Soc, LoadsElfAndRuns) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(LI(a0, 0x10000000u)).w(ADDI(a1, zero, 'E')).w(SB(a1, a0, 0));
  finish(p, (9u << 16) | 0x3333);
  std::string out;
  soc.uart().on_tx = [&](char c) { out.push_back(c); };
  soc.load_elf(pumavp::host::ElfFile::parse(elfw::make_elf(kDram, {{kDram, p.bytes, 0x1000}},
                                                           {{"_start", kDram, 4, 2}}),
                                            "t.elf"));
  ASSERT_NE(soc.elf(), nullptr);
  EXPECT_EQ(*soc.elf()->symbol("_start"), kDram);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 9);
  EXPECT_EQ(out, "E");
  // A segment beyond the 1 MiB of DRAM is rejected.
  EXPECT_THROW(soc.load_elf(pumavp::host::ElfFile::parse(
                   elfw::make_elf(kDram + 0x100000, {{kDram + 0x100000, {0x13, 0, 0, 0}, 4}}), "big.elf")),
               pumavp::host::ElfError);
}

namespace {
// A stand-in accelerator: a 4 KiB register file and a 16 MiB window of plain memory.
struct FakeAccel : sc_core::sc_module {
  tlm_utils::simple_target_socket<FakeAccel> csr{"csr"}, window{"window"};
  sc_core::sc_signal<bool> irq{"irq"};
  std::vector<uint8_t> mem = std::vector<uint8_t>(1 << 16, 0);
  uint64_t last_csr_addr = ~0ull;
  explicit FakeAccel(sc_core::sc_module_name n) : sc_module(n) {
    csr.register_b_transport(this, &FakeAccel::csr_access);
    window.register_b_transport(this, &FakeAccel::win_access);
  }
  void csr_access(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
    last_csr_addr = p.get_address();
    if (p.is_read()) {
      const uint32_t id = 0x50554D41u;
      std::memcpy(p.get_data_ptr(), &id, 4);
    } else {
      uint32_t v;
      std::memcpy(&v, p.get_data_ptr(), 4);
      irq.write(v & 1);
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void win_access(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
    const uint64_t a = p.get_address();
    if (a + p.get_data_length() > mem.size()) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (p.is_read()) std::memcpy(p.get_data_ptr(), &mem[a], p.get_data_length());
    else std::memcpy(&mem[a], p.get_data_ptr(), p.get_data_length());
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};
}  // namespace

TEST(Soc, AcceleratorHookMapsRegionsAndIrq) {
  Soc soc("soc", small_cfg());
  FakeAccel acc("acc");
  soc.attach_accelerator(acc.csr, acc.window, nullptr, &acc.irq);
  Program p;
  p.w(set_mtvec(kHandler));
  p.w(LI(t0, 0x0C000004u)).w(ADDI(t1, zero, 1)).w(SW(t1, t0, 0));  // priority(1) = 1
  p.w(LI(t0, 0x0C002000u)).w(ADDI(t1, zero, 2)).w(SW(t1, t0, 0));  // enable source 1
  p.w(LI(t1, 0x800)).w(CSRW(MIE, t1)).w(CSRRSI(zero, MSTATUS, 8));
  p.w(LI(a5, 0x40000000u)).w(LW(a0, a5, 0x10));                   // ID-like read
  p.w(LI(a6, 0x50000000u)).w(LI(t1, 0xcafe)).w(SW(t1, a6, 0x20)).w(LW(a1, a6, 0x20));
  p.w(ADDI(t1, zero, 1)).w(SW(t1, a5, 0x18));                     // raise the irq
  p.w(WFI()).w(JAL(zero, 0));
  p.pad_to(kHandler - kDram);
  p.w(CSRR(s9, MCAUSE)).w(LI(t0, 0x0C200004u)).w(LW(a2, t0, 0));
  finish(p, 0x5555);
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(soc.cpu().reg(a0), 0x50554D41u);
  EXPECT_EQ(acc.last_csr_addr, 0x18u);  // device-relative offsets
  EXPECT_EQ(soc.cpu().reg(a1), 0xcafeu);
  EXPECT_EQ(acc.mem[0x20], 0xfe);
  EXPECT_EQ(soc.cpu().reg(s9), 0x8000000bu);
  EXPECT_EQ(soc.cpu().reg(a2), 1u);  // claimed source 1
}

TEST(Soc, DebugBreakpointsAndSingleStep) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(ADDI(a0, zero, 1)).w(ADDI(a0, a0, 1)).w(ADDI(a0, a0, 1)).w(ADDI(a0, a0, 1));
  finish(p, 0x5555);
  load(soc, p);
  auto& cpu = soc.cpu();
  cpu.set_breakpoint(kDram + 8);
  std::vector<std::pair<pumavp::host::StopReason, uint32_t>> stops;
  int steps = 0;
  cpu.on_stop = [&](pumavp::host::StopReason why) {
    stops.emplace_back(why, cpu.reg(32));
    if (why == pumavp::host::StopReason::Breakpoint) {
      uint8_t buf[4] = {};
      EXPECT_EQ(cpu.debug_read(kDram + 8, buf, 4), 4u);
      uint32_t w;
      std::memcpy(&w, buf, 4);
      EXPECT_EQ(w, ADDI(a0, a0, 1));
      EXPECT_EQ(cpu.reg(a0), 2u);
      cpu.step();
    } else if (why == pumavp::host::StopReason::Step && ++steps < 2) {
      cpu.step();
    } else {
      cpu.set_reg(a0, 100);
      cpu.resume();
    }
  };
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(stops.size(), 3u);
  EXPECT_EQ(stops[0].first, pumavp::host::StopReason::Breakpoint);
  EXPECT_EQ(stops[0].second, kDram + 8);
  EXPECT_EQ(stops[1].first, pumavp::host::StopReason::Step);
  EXPECT_EQ(stops[1].second, kDram + 12);
  EXPECT_EQ(stops[2].second, kDram + 16);
  EXPECT_EQ(cpu.reg(a0), 100u);  // written while halted, not touched afterwards
}

TEST(Soc, StartHaltedThenHaltRequest) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(ADDI(a0, a0, 1)).w(JAL(zero, -4));
  load(soc, p);
  auto& cpu = soc.cpu();
  cpu.set_start_halted(true);
  int stops = 0;
  cpu.on_stop = [&](pumavp::host::StopReason why) {
    ++stops;
    if (stops == 1) {
      EXPECT_EQ(why, pumavp::host::StopReason::Halt);
      EXPECT_EQ(cpu.reg(32), kDram);
      cpu.resume();
    }
    // second stop (the halt request below): stay halted
  };
  cpu.on_poll = [&] { if (cpu.reg(a0) > 1000) cpu.halt(); };
  cpu.poll_batches = 1;
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_EQ(stops, 2);
  EXPECT_TRUE(cpu.halted());
  EXPECT_EQ(r.exit_reason, "halted");  // nothing else to simulate while the core is halted
  EXPECT_GT(cpu.reg(a0), 1000u);
}

// Issue 15, item 2: a trap storm ends the run at once with exit 126 and names the trap.
TEST(Soc, TrapStormWithResetMtvecEndsAsNoProgress) {
  Soc soc("soc", small_cfg());
  Program p;
  p.w(LI(t0, 0x20000000u)).w(JALR(zero, t0, 0));  // mtvec = 0 (reset value): unmapped too
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_SEC));
  EXPECT_EQ(r.exit_code, 126);
  EXPECT_EQ(r.exit_code, pumavp::exit_code::kNoProgress);
  EXPECT_EQ(r.exit_reason, "no-progress");
  EXPECT_EQ(r.cpu_state, "no progress");
  EXPECT_TRUE(r.no_progress);
  EXPECT_EQ(r.trap_cause, 1u);  // instruction access fault
  EXPECT_EQ(r.trap_pc, 0u);
  EXPECT_EQ(r.trap_tval, 0u);
  EXPECT_EQ(r.trap_mtvec, 0u);
  EXPECT_EQ(r.host_instructions, 3u);  // lui, addi, jalr: nothing retires in the storm
  EXPECT_LT(r.sim_time_ns, 1000.0);    // ended at once, not at the 1 s limit
}

// What the CPU was doing at the end of the run: asleep in WFI, stalled in a device access.
TEST(Soc, RunSummaryNamesWhatTheCpuIsDoing) {
  {
    Soc soc("soc_wfi", small_cfg());
    Program p;
    p.w(WFI()).w(JAL(zero, -4));
    load(soc, p);
    const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
    EXPECT_EQ(r.exit_reason, "deadlock");
    EXPECT_EQ(r.cpu_state, "asleep in WFI");
  }
}

namespace {
// A window whose reads never answer (a target that waits for an event nobody notifies).
struct StuckAccel : sc_core::sc_module {
  tlm_utils::simple_target_socket<StuckAccel> csr{"csr"}, window{"window"};
  sc_core::sc_event never;
  explicit StuckAccel(sc_core::sc_module_name n) : sc_module(n) {
    csr.register_b_transport(this, &StuckAccel::access);
    window.register_b_transport(this, &StuckAccel::access);
  }
  void access(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
    sc_core::wait(never);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};
}  // namespace

TEST(Soc, RunSummarySaysTheCpuIsStalledInABusAccess) {
  Soc soc("soc", small_cfg());
  StuckAccel acc("stuck");
  soc.attach_accelerator(acc.csr, acc.window, nullptr, nullptr);
  Program p;
  p.w(LI(a6, 0x50000000u)).w(LW(a1, a6, 0x24)).w(JAL(zero, 0));
  load(soc, p);
  const auto r = soc.run(sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(r.exit_reason, "deadlock");
  EXPECT_EQ(r.cpu_state, "stalled in a bus access at 0x50000024");
}
