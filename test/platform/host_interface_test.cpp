// The accelerator host interface (architecture.md §2.3–§2.5) driven through the bus like
// the firmware driver does: CSRs, kernel loader with every image error, DMA with its error
// paths, window semantics, run, abort, reset, deadlock, PERF counters.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include <zlib.h>

#include "common/config.h"
#include "exec_system.h"
#include "fabric/mem_extension.h"
#include "isa/assembler.h"
#include "isa/kimage.h"

using namespace pumavp;
using namespace sc_core;
namespace csr = node::csr;

namespace {

PlatformConfig small_cfg() { return load_config(std::string(PUMAVP_SOURCE_DIR) + "/configs/small.yaml"); }

std::vector<uint8_t> assemble(const std::string& text, const PlatformConfig& cfg) {
  isa::Diagnostics diag;
  auto img = isa::assemble_string(text, "test.pasm", ".", geometry_from_config(cfg), diag);
  EXPECT_TRUE(img.has_value()) << diag.str();
  return img ? isa::write_image(*img) : std::vector<uint8_t>{};
}

// The worked example of isa.md §10, as shipped in kernels/examples/.
std::string mlp2_text() {
  std::ifstream in(std::string(PUMAVP_SOURCE_DIR) + "/kernels/examples/mlp2.pasm");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty());
  return ss.str();
}
const std::string kMlp2 = mlp2_text();

// Independent reference of the worked example: exact integer MVM, one round-to-nearest-even
// by 2^12, saturation (isa.md §2.8).
int16_t rne_sat(int64_t acc) {
  int64_t q = acc >> 12;  // floor
  const int64_t r = acc - (q << 12);
  if (r > 2048 || (r == 2048 && (q & 1))) ++q;
  return static_cast<int16_t>(std::min<int64_t>(32767, std::max<int64_t>(-32768, q)));
}
std::vector<int16_t> mlp2_reference(const std::vector<int16_t>& x) {
  const int W1[4][3] = {{2048, -1024, 4096}, {4096, 2048, 0}, {1024, 1024, -2048}, {-2048, 1024, 512}};
  const int W2[3][2] = {{4096, -4096}, {8192, 2048}, {2048, -1024}};
  int16_t h[3];
  for (int j = 0; j < 3; ++j) {
    int64_t acc = 0;
    for (int i = 0; i < 4; ++i) acc += int64_t(W1[i][j]) * x[i];
    h[j] = std::max<int16_t>(0, rne_sat(acc));
  }
  std::vector<int16_t> y(2);
  for (int j = 0; j < 2; ++j) {
    int64_t acc = 0;
    for (int i = 0; i < 3; ++i) acc += int64_t(W2[i][j]) * h[i];
    y[j] = rne_sat(acc);
  }
  return y;
}

// A fresh payload of `len` bytes at `addr` (data at `data`), response INCOMPLETE.
void prepare(tlm::tlm_generic_payload& gp, tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len) {
  gp.set_command(cmd);
  gp.set_address(addr);
  gp.set_data_ptr(static_cast<unsigned char*>(data));
  gp.set_data_length(len);
  gp.set_streaming_width(len);
  gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

// A 60000-cycle counting loop on core 0 of tile 0 that never writes its output tensor.
const char* const kSpin = R"(
.tensor y out 0 0 1
.core 0 0
        set rf.0, 0
        set rf.1, 1
        set rf.2, 30000
loop:   aluint.add rf.0, rf.0, rf.1
        brn.lt rf.0, rf.2, loop
        halt
)";

constexpr uint64_t kImg = ExecSystem::kDramBase, kIn = kImg + 0x10000, kOut = kImg + 0x20000;

struct Fixture {
  PlatformConfig cfg = small_cfg();
  ExecSystem sys{"sys", cfg};
  AccelDriver& d = sys.driver;
  void put(uint64_t addr, const void* p, size_t n) { std::memcpy(sys.host_mem(addr), p, n); }
  void put_image(const std::vector<uint8_t>& img) { put(kImg, img.data(), img.size()); }
  bool run(std::function<void(ExecSystem&)> f) {
    sys.script = std::move(f);
    return sys.run(sc_time(1, SC_SEC));
  }
};

}  // namespace

TEST(HostInterface, IdentityAndGeometryRegisters) {
  Fixture f;
  uint32_t id = 0, ver = 0, g0 = 0, g1 = 0, st = 0;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    id = s.driver.read_csr(csr::ID);
    ver = s.driver.read_csr(csr::VERSION);
    g0 = s.driver.read_csr(csr::GEOMETRY0);
    g1 = s.driver.read_csr(csr::GEOMETRY1);
    st = s.driver.read_csr(csr::STATUS);
    s.driver.write_csr(csr::ID, 0);  // read-only: ignored
  }));
  EXPECT_EQ(id, 0x50554D41u);
  EXPECT_EQ(ver, 0x00010000u);
  EXPECT_EQ(g0, 4u | (8u << 16) | (2u << 24));   // small.yaml: 4 tiles, 8 cores, 2 MVMUs
  EXPECT_EQ(g1, 128u | (12u << 16));             // 128 rows, 12 frac bits, no PANTHER
  EXPECT_EQ(st, 0u);
}

TEST(HostInterface, WorkedExampleEndToEnd) {
  Fixture f;
  const auto img = assemble(kMlp2, f.cfg);
  f.put_image(img);
  const std::vector<int16_t> x = {4096, 2048, -4096, 8192};  // 1.0, 0.5, -1.0, 2.0
  f.put(kIn, x.data(), 8);
  unsigned load = 99, dma_in = 99, run = 99, dma_out = 99;
  uint32_t status_after = 0, irq_status = 0;
  uint64_t mvms = 0, cycles = 0, mvms_after_reset = 1, cycles_after_reset = 1;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    load = s.driver.load(kImg, static_cast<uint32_t>(img.size()));
    dma_in = s.driver.dma(kIn, s.driver.window_addr(0, 0), 8, 1);
    s.driver.start();
    run = s.driver.wait_done();
    status_after = s.driver.read_csr(csr::STATUS);
    irq_status = s.driver.read_csr(csr::IRQ_STATUS);
    dma_out = s.driver.dma(s.driver.window_addr(1, 0), kOut, 4);
    mvms = s.driver.perf(csr::PERF_MVMS);
    cycles = s.driver.perf(csr::PERF_CYCLES);
    s.driver.reset();  // PERF counters back to 0
    wait(10, SC_NS);
    mvms_after_reset = s.driver.perf(csr::PERF_MVMS);
    cycles_after_reset = s.driver.perf(csr::PERF_CYCLES);
  }));
  EXPECT_EQ(mvms_after_reset, 0u);
  EXPECT_EQ(cycles_after_reset, 0u);
  EXPECT_EQ(load, 0u);
  EXPECT_EQ(dma_in, 0u);
  EXPECT_EQ(run, 0u);
  EXPECT_EQ(dma_out, 0u);
  EXPECT_EQ(status_after, csr::ST_LOADED | csr::ST_DONE);
  EXPECT_EQ(irq_status, 0u);  // acknowledged by wait_done
  std::vector<int16_t> y(2);
  std::memcpy(y.data(), f.sys.host_mem(kOut), 4);
  EXPECT_EQ(y, mlp2_reference(x));
  EXPECT_EQ(y, (std::vector<int16_t>{5632, -1280}));  // isa.md §10: 1.375, -0.3125
  EXPECT_EQ(mvms, 2u);
  // Two dependent MVMs of 2304 cycles each bound the run from below (isa.md §10: ≈ 4.64 µs).
  EXPECT_GE(cycles, 2u * 2304u);
  EXPECT_LT(cycles, 2u * 2304u + 200u);
}

// One simulation per process: each corruption is its own test instance.
class ImageError : public ::testing::TestWithParam<unsigned> {};

TEST_P(ImageError, GivesItsCode) {
  const unsigned want = GetParam();
  Fixture f;
  const auto good = assemble(kMlp2, f.cfg);
  std::vector<uint8_t> img;
  switch (want) {
    case 1:  // bad magic
      img = good;
      img[0] = 'X';
      break;
    case 2:  // a payload byte flipped: CRC mismatch
      img = good;
      img.back() ^= 0x01;
      break;
    case 3: {  // built for 8 tiles: does not fit the 4-tile platform
      std::string big = kMlp2;
      big.insert(big.find(".config") + 7, " tiles=8");
      img = assemble(big, f.cfg);
      break;
    }
    case 4: {  // truncated: the last section runs past the end of the file (CRC made right)
      img = good;
      img.resize(good.size() - 8);
      const uint32_t crc = static_cast<uint32_t>(::crc32(0L, img.data() + 64, static_cast<uInt>(img.size() - 64)));
      for (int i = 0; i < 4; ++i) img[28 + i] = static_cast<uint8_t>(crc >> (8 * i));
      break;
    }
    case 5:  // an illegal instruction word at tile 0, core 0, PC 1
      img = assemble(".tensor y out 0 0 1\n.core 0 0\n nop\n .word 0x3f\n halt\n", f.cfg);
      break;
  }
  ASSERT_FALSE(img.empty());
  f.put_image(img);
  uint32_t code = 99, st = 0, irq = 0, info = 0, pc = 0;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    s.driver.write_csr(csr::IRQ_EN, csr::IRQ_DONE | csr::IRQ_ERROR);
    s.driver.write_csr(csr::KADDR, static_cast<uint32_t>(kImg));
    s.driver.write_csr(csr::KSIZE, static_cast<uint32_t>(img.size()));
    s.driver.write_csr(csr::CTRL, csr::CTRL_LOAD);
    wait(s.accel.irq.posedge_event());
    st = s.driver.read_csr(csr::STATUS);
    irq = s.driver.read_csr(csr::IRQ_STATUS);
    code = s.driver.read_csr(csr::ERROR_CODE);
    info = s.driver.read_csr(csr::ERROR_INFO);
    pc = s.driver.read_csr(csr::ERROR_PC);
  }));
  EXPECT_EQ(code, want);
  EXPECT_EQ(st, csr::ST_ERROR);  // not BUSY, not LOADED, not DONE
  EXPECT_EQ(irq, csr::IRQ_ERROR);
  if (want == 5) {
    EXPECT_EQ(info, 0u);  // tile 0, core 0
    EXPECT_EQ(pc, 1u);
  } else if (want <= 2) {
    EXPECT_EQ(info, 0xFFFFFFFFu);
    EXPECT_EQ(pc, 0xFFFFFFFFu);
  }
  EXPECT_FALSE(f.sys.accel.host_interface.last_error_message().empty());
}

INSTANTIATE_TEST_SUITE_P(HostInterface, ImageError, ::testing::Values(1u, 2u, 3u, 4u, 5u));

TEST(HostInterface, StartWithoutLoadIsIgnoredAndResetForgetsTheKernel) {
  Fixture f;
  const auto img = assemble(kMlp2, f.cfg);
  f.put_image(img);
  uint32_t st0 = 1, st1 = 0, st2 = 1;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    s.driver.start();
    wait(100, SC_NS);
    st0 = s.driver.read_csr(csr::STATUS);
    EXPECT_EQ(s.driver.load(kImg, static_cast<uint32_t>(img.size())), 0u);
    st1 = s.driver.read_csr(csr::STATUS);
    s.driver.reset();
    wait(10, SC_NS);
    st2 = s.driver.read_csr(csr::STATUS);
  }));
  EXPECT_EQ(st0, 0u);
  EXPECT_EQ(st1, csr::ST_LOADED | csr::ST_DONE);
  EXPECT_EQ(st2, 0u);
}

TEST(HostInterface, DmaErrorsAreReported) {
  Fixture f;
  unsigned misaligned = 0, unmapped = 0, not_valid = 0;
  uint32_t dst = 0;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    misaligned = s.driver.dma(kIn + 1, s.driver.window_addr(0, 0), 4);
    dst = s.driver.read_csr(csr::DMA_STATUS);
    unmapped = s.driver.dma(0x30000000, s.driver.window_addr(0, 0), 4);
    // Idle node, words never written: a consuming read fails at once.
    not_valid = s.driver.dma(s.driver.window_addr(0, 0), kOut, 4);
  }));
  EXPECT_EQ(misaligned, 9u);
  EXPECT_EQ(dst, csr::DMA_ERROR);
  EXPECT_EQ(unmapped, 9u);
  EXPECT_EQ(not_valid, 9u);
}

TEST(HostInterface, IrqStatusWriteOneClearsOnlyTheBitsWritten) {
  // A misaligned DMA fails at once and raises ERROR and DMA together (architecture.md §2:
  // IRQ_STATUS DONE = bit 0, ERROR = bit 1, DMA = bit 2, W1C). Acknowledging DMA alone must
  // leave ERROR pending (6 & ~4 = 2), and the line stays high since IRQ_EN enables ERROR.
  Fixture f;
  uint32_t both = 0, after_dma = 0, after_err = 0;
  bool line_both = false, line_after_dma = false, line_after_err = true;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    s.driver.write_csr(csr::IRQ_EN, csr::IRQ_DONE | csr::IRQ_ERROR | csr::IRQ_DMA);
    s.driver.write_csr(csr::DMA_SRC, static_cast<uint32_t>(kIn + 1));
    s.driver.write_csr(csr::DMA_DST, static_cast<uint32_t>(s.driver.window_addr(0, 0)));
    s.driver.write_csr(csr::DMA_LEN, 4);
    s.driver.write_csr(csr::DMA_CTRL, csr::DMA_GO);
    if (!s.accel.irq.read()) wait(s.accel.irq.posedge_event());
    wait(10, SC_NS);
    both = s.driver.read_csr(csr::IRQ_STATUS);
    line_both = s.accel.irq.read();
    s.driver.write_csr(csr::IRQ_STATUS, csr::IRQ_DMA);
    wait(10, SC_NS);
    after_dma = s.driver.read_csr(csr::IRQ_STATUS);
    line_after_dma = s.accel.irq.read();
    s.driver.write_csr(csr::IRQ_STATUS, csr::IRQ_ERROR);
    wait(10, SC_NS);
    after_err = s.driver.read_csr(csr::IRQ_STATUS);
    line_after_err = s.accel.irq.read();
  }));
  EXPECT_EQ(both, csr::IRQ_ERROR | csr::IRQ_DMA);
  EXPECT_TRUE(line_both);
  EXPECT_EQ(after_dma, csr::IRQ_ERROR);
  EXPECT_TRUE(line_after_dma);
  EXPECT_EQ(after_err, 0u);
  EXPECT_FALSE(line_after_err);
}

TEST(HostInterface, IdleWindowWritesThenConsumingReads) {
  Fixture f;
  bool w_ok = false, r1_ok = false, r2_ok = true, peek_ok = false, byte_ok = true;
  int16_t r1[2] = {0, 0}, r2[2], peek[2] = {0, 0};
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    const int16_t v[2] = {123, -456};
    s.driver.write_csr(csr::DMA_CTRL, 2u << 8);  // consumer count 2 for host writes
    w_ok = s.driver.write(s.driver.window_addr(2, 100), v, 4);
    s.driver.write_csr(csr::DMA_CTRL, csr::DMA_PEEK);
    peek_ok = s.driver.read(s.driver.window_addr(2, 100), peek, 4);  // no consumption
    s.driver.write_csr(csr::DMA_CTRL, 0);
    r1_ok = s.driver.read(s.driver.window_addr(2, 100), r1, 4);      // count 2 -> 1
    r1_ok = r1_ok && s.driver.read(s.driver.window_addr(2, 100), r1, 4);  // 1 -> 0, invalid
    r2_ok = s.driver.read(s.driver.window_addr(2, 100), r2, 4);      // bus error now
    uint8_t b = 0;
    byte_ok = s.driver.read(s.driver.window_addr(2, 100), &b, 1);    // 1-byte access: bus error
  }));
  EXPECT_TRUE(w_ok);
  EXPECT_TRUE(peek_ok);
  EXPECT_EQ(peek[0], 123);
  EXPECT_TRUE(r1_ok);
  EXPECT_EQ(r1[0], 123);
  EXPECT_EQ(r1[1], -456);
  EXPECT_FALSE(r2_ok);
  EXPECT_FALSE(byte_ok);
}

TEST(HostInterface, DeadlockIsErrorEight) {
  // Two tiles each waiting to receive from the other first: deadlock (code 8).
  const char* dead = R"(
.tensor y out 0 0 1
.tile 0
        receive 0, 0, width=1
        send 0, 0, 1, width=1
        halt
.tile 1
        receive 0, 0, width=1
        send 0, 0, 0, width=1
        halt
)";
  {
    Fixture f;
    const auto img = assemble(dead, f.cfg);
    f.put_image(img);
    unsigned code = 0;
    ASSERT_TRUE(f.run([&](ExecSystem& s) {
      ASSERT_EQ(s.driver.load(kImg, static_cast<uint32_t>(img.size())), 0u);
      code = s.driver.run();
    }));
    EXPECT_EQ(code, 8u);
    const std::string rep = f.sys.accel.node.report();
    EXPECT_NE(rep.find("tile 0"), std::string::npos) << rep;
    EXPECT_NE(rep.find("tile 1"), std::string::npos) << rep;
  }
}

TEST(HostInterface, AbortStopsARun) {
  // A long loop aborted by the host: code 10, well before it would have finished.
  {
    Fixture f;
    const auto img = assemble(kSpin, f.cfg);
    f.put_image(img);
    unsigned code = 0;
    sc_time t_abort, t_end;
    ASSERT_TRUE(f.run([&](ExecSystem& s) {
      ASSERT_EQ(s.driver.load(kImg, static_cast<uint32_t>(img.size())), 0u);
      s.driver.start();
      wait(5, SC_US);
      t_abort = sc_time_stamp();
      s.driver.abort();
      code = s.driver.wait_done();
      t_end = sc_time_stamp();
    }));
    EXPECT_EQ(code, 10u);
    EXPECT_LT(t_end - t_abort, sc_time(5, SC_US));
  }
}

// Right after the CTRL write that starts a run, STATUS reads BUSY; a window read of a word the
// run has not produced yet must then stall until the run writes it, exactly as it does later
// in the run (it used to fault at once while the command thread had not yet started the node:
// issue 15, item 5). The read is issued in the same delta as START.
TEST(HostInterface, WindowReadRightAfterStartStallsUntilTheWordIsWritten) {
  Fixture f;
  const auto img = assemble(kMlp2, f.cfg);
  f.put_image(img);
  const std::vector<int16_t> x = {4096, 2048, -4096, 8192};
  f.put(kIn, x.data(), 8);
  uint32_t status = 0;
  bool ok = false;
  int16_t y[2] = {0, 0};
  sc_time t_start, t_read;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    ASSERT_EQ(s.driver.load(kImg, static_cast<uint32_t>(img.size())), 0u);
    ASSERT_EQ(s.driver.dma(kIn, s.driver.window_addr(0, 0), 8, 1), 0u);
    // As a temporally decoupled CPU does: START, STATUS and the window read back to back,
    // the bus delays accumulated locally, no wait in between.
    t_start = sc_time_stamp();
    sc_time d = SC_ZERO_TIME;
    tlm::tlm_generic_payload gp;
    uint32_t ctrl = csr::CTRL_START;
    prepare(gp, tlm::TLM_WRITE_COMMAND, csr::kCsrBase + csr::CTRL, &ctrl, 4);
    s.driver.socket->b_transport(gp, d);
    prepare(gp, tlm::TLM_READ_COMMAND, csr::kCsrBase + csr::STATUS, &status, 4);
    s.driver.socket->b_transport(gp, d);
    prepare(gp, tlm::TLM_READ_COMMAND, s.driver.window_addr(1, 0), y, 4);
    s.driver.socket->b_transport(gp, d);  // y is written at the end of the run
    ok = gp.is_response_ok();
    t_read = sc_time_stamp() + d;
    wait(d);
    s.driver.wait_done();
  }));
  EXPECT_TRUE(status & csr::ST_BUSY);
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::vector<int16_t>(y, y + 2), mlp2_reference(x));
  EXPECT_GE(t_read - t_start, sc_time(2 * 2304 * f.cfg.cycle_ns(), SC_NS));  // two MVMs later
}

// An ABORT written right after START (same delta, before the command thread has run) must end
// the run with code 10; the command thread used to clear the request when it took up START.
TEST(HostInterface, AbortInTheSameDeltaAsStartEndsTheRun) {
  Fixture f;
  const auto img = assemble(kSpin, f.cfg);
  f.put_image(img);
  unsigned code = 0;
  sc_time t0, t_end;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    ASSERT_EQ(s.driver.load(kImg, static_cast<uint32_t>(img.size())), 0u);
    t0 = sc_time_stamp();
    sc_time d = SC_ZERO_TIME;  // START and ABORT back to back, as a decoupled CPU writes them
    tlm::tlm_generic_payload gp;
    uint32_t start = csr::CTRL_START, abort = csr::CTRL_ABORT;
    prepare(gp, tlm::TLM_WRITE_COMMAND, csr::kCsrBase + csr::CTRL, &start, 4);
    s.driver.socket->b_transport(gp, d);
    prepare(gp, tlm::TLM_WRITE_COMMAND, csr::kCsrBase + csr::CTRL, &abort, 4);
    s.driver.socket->b_transport(gp, d);
    wait(d);
    code = s.driver.wait_done();
    t_end = sc_time_stamp();
  }));
  EXPECT_EQ(code, 10u);
  EXPECT_LT(t_end - t0, sc_time(1, SC_US));  // the spin alone runs for 60000+ cycles
}

// A window read stalled on a not-yet-valid word when the simulation ends (time limit) must
// leave no extension on the initiator's payload: the CPU's payload lives as long as the CPU
// and deletes the extensions it holds (issue 15, item 1: free(): invalid size at exit).
TEST(HostInterface, StalledWindowReadLeavesNoExtensionOnTheInitiatorPayload) {
  tlm::tlm_generic_payload gp;  // outlives the simulation, like the CPU's
  bool stalled = false;
  {
    Fixture f;
    const auto img = assemble(kSpin, f.cfg);
    f.put_image(img);
    uint16_t w = 0;
    f.sys.script = [&](ExecSystem& s) {
      ASSERT_EQ(s.driver.load(kImg, static_cast<uint32_t>(img.size())), 0u);
      s.driver.start();
      prepare(gp, tlm::TLM_READ_COMMAND, s.driver.window_addr(0, 0), &w, 2);
      sc_time d = SC_ZERO_TIME;
      stalled = true;
      s.driver.socket->b_transport(gp, d);  // word 0 is never written: waits for the run
      stalled = false;
    };
    EXPECT_FALSE(f.sys.run(sc_time(20, SC_US)));  // the limit ends the run mid-access
    EXPECT_TRUE(stalled);
  }
  fabric::MemExtension* ext = gp.get_extension<fabric::MemExtension>();
  EXPECT_EQ(ext, nullptr);
  if (ext) gp.clear_extension(ext);  // (before the fix: a dangling pointer; do not free it)
}

// A LOAD whose image lies in the accelerator window used to wait for itself for ever (host
// window accesses wait while a LOAD runs): it must fail at once with ERROR_CODE 9 and the
// ERROR interrupt (the driver waits for it), and leave the accelerator idle (issue 15, item 4).
TEST(HostInterface, LoadFromTheWindowFailsWithABusError) {
  Fixture f;
  unsigned code = 0;
  uint32_t status = 0;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    code = s.driver.load(s.driver.window_addr(1, 0), 4096);  // waits for the IRQ
    status = s.driver.read_csr(csr::STATUS);
  }));
  EXPECT_EQ(code, 9u);
  EXPECT_EQ(status & (csr::ST_BUSY | csr::ST_ERROR), csr::ST_ERROR);
}

// The bus charges host.bus_ns once per access; the host interface adds nothing of its own.
// An idle window read additionally pays the node's shared-memory access (lat.mem_access cycles).
TEST(HostInterface, BusLatencyIsChargedOnce) {
  PlatformConfig cfg = small_cfg();
  cfg.host.bus_ns = 7;
  ExecSystem sys("sys", cfg);
  sc_time csr_delay = sc_max_time(), win_delay = sc_max_time();
  uint32_t id = 0;
  bool csr_ok = false, win_ok = false;
  sys.script = [&](ExecSystem& s) {
    tlm::tlm_generic_payload gp;
    uint32_t v = 0;
    prepare(gp, tlm::TLM_READ_COMMAND, csr::kCsrBase + csr::ID, &v, 4);
    sc_time d = SC_ZERO_TIME;
    s.driver.socket->b_transport(gp, d);
    csr_ok = gp.is_response_ok();
    csr_delay = d;
    id = v;
    wait(d);

    s.driver.write_csr(csr::DMA_CTRL, csr::DMA_PEEK);  // window reads peek (no consume)
    uint16_t w = 0;
    prepare(gp, tlm::TLM_READ_COMMAND, s.driver.window_addr(0, 0), &w, 2);
    d = SC_ZERO_TIME;
    s.driver.socket->b_transport(gp, d);
    win_ok = gp.is_response_ok();
    win_delay = d;
  };
  ASSERT_TRUE(sys.run(sc_time(1, SC_SEC)));
  ASSERT_TRUE(csr_ok);
  EXPECT_EQ(id, 0x50554D41u);
  EXPECT_EQ(csr_delay, sc_time(cfg.host.bus_ns, SC_NS));
  ASSERT_TRUE(win_ok);
  EXPECT_EQ(win_delay, sc_time(cfg.host.bus_ns, SC_NS) +
                           sc_time(cfg.cycle_ns(), SC_NS) * static_cast<double>(cfg.lat.mem_access));
}

// The CSR block is a register table: an offset with no register (inside the 4 KiB block, or
// a hole between registers) is an address error on the bus, for reads and writes, and the
// debug transport sets a response status too (and refuses writes).
TEST(HostInterface, UnmappedCsrOffsetsAreAddressErrors) {
  Fixture f;
  struct Result {
    uint32_t offset;
    tlm::tlm_response_status read, write;
  };
  std::vector<Result> got;
  tlm::tlm_response_status id_dbg = tlm::TLM_INCOMPLETE_RESPONSE, hole_dbg = tlm::TLM_INCOMPLETE_RESPONSE,
                           write_dbg = tlm::TLM_INCOMPLETE_RESPONSE;
  unsigned id_dbg_bytes = 0, hole_dbg_bytes = 1, write_dbg_bytes = 1;
  uint32_t id = 0, kaddr_after = 1;
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    auto access = [&](tlm::tlm_command cmd, uint32_t off) {
      uint32_t v = 0;
      tlm::tlm_generic_payload gp;
      prepare(gp, cmd, csr::kCsrBase + off, &v, 4);
      sc_time d = SC_ZERO_TIME;
      s.driver.socket->b_transport(gp, d);
      wait(d);
      return gp.get_response_status();
    };
    for (uint32_t off : {0x02Cu, 0x038u, 0x054u, 0x07Cu, 0x0A8u, 0xFFCu})
      got.push_back({off, access(tlm::TLM_READ_COMMAND, off), access(tlm::TLM_WRITE_COMMAND, off)});
    auto dbg = [&](tlm::tlm_command cmd, uint32_t off, uint32_t& v, tlm::tlm_response_status& st) {
      tlm::tlm_generic_payload gp;
      prepare(gp, cmd, off, &v, 4);  // offset within the block
      const unsigned n = s.accel.host_interface.csr.get_base_export()->transport_dbg(gp);
      st = gp.get_response_status();
      return n;
    };
    uint32_t v = 0;
    id_dbg_bytes = dbg(tlm::TLM_READ_COMMAND, csr::ID, id, id_dbg);
    hole_dbg_bytes = dbg(tlm::TLM_READ_COMMAND, 0x02C, v, hole_dbg);
    v = 0x1234;
    write_dbg_bytes = dbg(tlm::TLM_WRITE_COMMAND, csr::KADDR, v, write_dbg);
    kaddr_after = s.driver.read_csr(csr::KADDR);
  }));
  ASSERT_EQ(got.size(), 6u);
  for (const Result& r : got) {
    EXPECT_EQ(r.read, tlm::TLM_ADDRESS_ERROR_RESPONSE) << "read at 0x" << std::hex << r.offset;
    EXPECT_EQ(r.write, tlm::TLM_ADDRESS_ERROR_RESPONSE) << "write at 0x" << std::hex << r.offset;
  }
  EXPECT_EQ(id_dbg_bytes, 4u);
  EXPECT_EQ(id_dbg, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(id, csr::kIdValue);
  EXPECT_EQ(hole_dbg_bytes, 0u);
  EXPECT_EQ(hole_dbg, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(write_dbg_bytes, 0u);  // debug accesses have no side effects
  EXPECT_EQ(write_dbg, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(kaddr_after, 0u);
}

// The PERF registers read the node's own counters: after a run they equal the stats figures
// they stand for (instructions of cores and tile units, core MVMs, NoC flits injected and
// per link, energy of the node and the host interface), and accelerator cycles.
TEST(HostInterface, PerfRegistersReadTheCounters) {
  Fixture f;
  const auto img = assemble(kMlp2, f.cfg);
  f.put_image(img);
  const std::vector<int16_t> x = {4096, 2048, -4096, 8192};
  f.put(kIn, x.data(), 8);
  uint64_t perf[5] = {0, 0, 0, 0, 0};
  ASSERT_TRUE(f.run([&](ExecSystem& s) {
    ASSERT_EQ(s.driver.load(kImg, static_cast<uint32_t>(img.size())), 0u);
    ASSERT_EQ(s.driver.dma(kIn, s.driver.window_addr(0, 0), 8, 1), 0u);
    s.driver.start();
    ASSERT_EQ(s.driver.wait_done(), 0u);
    const uint32_t offs[5] = {csr::PERF_CYCLES, csr::PERF_INSTRS, csr::PERF_MVMS, csr::PERF_FLITS, csr::PERF_ENERGY};
    for (unsigned i = 0; i < 5; ++i) perf[i] = s.driver.perf(offs[i]);
  }));
  const Stats& st = f.sys.stats;
  EXPECT_GT(perf[0], 0u);
  EXPECT_EQ(perf[0], st.counter_value("accel.cycles"));
  EXPECT_GT(perf[1], 0u);
  EXPECT_EQ(perf[1], st.sum_counters("instructions"));
  EXPECT_EQ(perf[2], 2u);
  EXPECT_EQ(perf[2], st.sum_counters("mvm"));
  EXPECT_GT(perf[3], 0u);
  EXPECT_EQ(perf[3], st.sum_counters("flits"));
  const double pj = st.energy_under("node").total() + st.energy_under("accel").total();
  EXPECT_GT(perf[4], 0u);
  EXPECT_EQ(perf[4], static_cast<uint64_t>(pj + 0.5));
}
