/* fault_suite: the guest hammers the accelerator's CSRs and DMA (issue 15, "Guest fault
 * suite") and checks that every case ends in a documented guest-visible outcome
 * (architecture.md §2.3 commands/DMA, §2.5 error codes), never a host crash or hang.
 * One "fault_suite: PASS|FAIL <case>" line per case, then a summary; exit code 0 only if
 * every case passed (else 1). Seeded: FAULT_SUITE_SEED (printed). Waiting polls STATUS /
 * DMA_STATUS with a bound, so a missing completion is a FAIL line, not a hang.
 * Expects configs/small.yaml (4 tiles, 64 MiB DRAM, the isa.md §10 worked example). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hal/hal.h"
#include "puma.h"

#ifndef FAULT_SUITE_SEED
#define FAULT_SUITE_SEED 0x15u
#endif
#define STORM_WRITES 3000
#define DRAM_BYTES (64u << 20) /* configs/small.yaml host.dram_mib */
#define UNMAPPED 0x30000000u
#define POLL_LIMIT 20000u

#define KERNEL(sym)           \
  extern const uint8_t sym[]; \
  extern const uint8_t sym##_end[];
KERNEL(k_mlp2)
KERNEL(k_spin)
#define KSZ(sym) ((uint32_t)(sym##_end - sym))

#define REG(off) MMIO32(PUMA_CSR_BASE + (off))

static volatile uint32_t n_faults; /* access faults taken (writes to read-only CSRs) */
static void on_exception(trap_frame_t* f) {
  if (f->mcause == 5u || f->mcause == 7u) {
    n_faults++;
    f->mepc += trap_insn_length(f->mepc);
    return;
  }
  printf("fault_suite: unexpected exception mcause %lu at 0x%08lx\n", (unsigned long)f->mcause,
         (unsigned long)f->mepc);
  finisher_exit(2);
}

static uint32_t rng = FAULT_SUITE_SEED;
static uint32_t rnd(void) { /* xorshift32 */
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static int n_pass, n_fail;
static int case_ok; /* cleared by a failed EXPECT inside the current case */
#define EXPECT(cond)                                                              \
  do {                                                                            \
    if (!(cond)) {                                                                \
      printf("fault_suite:   expected %s (line %d)\n", #cond, __LINE__);          \
      case_ok = 0;                                                                \
    }                                                                             \
  } while (0)
#define EXPECT_EQ(a, b)                                                             \
  do {                                                                              \
    unsigned long _a = (unsigned long)(a), _b = (unsigned long)(b);                 \
    if (_a != _b) {                                                                 \
      printf("fault_suite:   expected %s == %s: got 0x%lx, want 0x%lx (line %d)\n", #a, #b, \
             _a, _b, __LINE__);                                                     \
      case_ok = 0;                                                                  \
    }                                                                               \
  } while (0)
static void begin(void) { case_ok = 1; }
static void end(const char* name) {
  printf("fault_suite: %s %s\n", case_ok ? "PASS" : "FAIL", name);
  if (case_ok) n_pass++;
  else n_fail++;
}

/* Bounded polls: 1 when the condition went away, 0 on time-out. */
static int wait_clear(uint32_t off, uint32_t mask) {
  for (uint32_t i = 0; i < POLL_LIMIT; ++i)
    if (!(REG(off) & mask)) return 1;
  return 0;
}
static int wait_idle(void) { return wait_clear(PUMA_STATUS, PUMA_STATUS_BUSY); }

static uint32_t g0, g1, id, ver; /* read-only values at boot */
static uint32_t tiles;

/* RESET, then IRQ_EN = all (so the PLIC line follows IRQ_STATUS). */
static void reset_node(void) {
  REG(PUMA_CTRL) = PUMA_CTRL_RESET;
  REG(PUMA_IRQ_EN) = PUMA_IRQ_DONE | PUMA_IRQ_ERROR | PUMA_IRQ_DMA;
}
static void clear_irq(void) { REG(PUMA_IRQ_STATUS) = 7u; }

/* The power-on state after RESET (IRQ_EN checked by the caller: reset_node sets it). */
static void expect_power_on(void) {
  EXPECT_EQ(REG(PUMA_STATUS), 0);
  EXPECT_EQ(REG(PUMA_IRQ_STATUS), 0);
  EXPECT_EQ(REG(PUMA_ERROR_CODE), 0);
  EXPECT_EQ(REG(PUMA_ERROR_INFO), 0);
  EXPECT_EQ(REG(PUMA_ERROR_PC), 0);
  EXPECT_EQ(REG(PUMA_KADDR), 0);
  EXPECT_EQ(REG(PUMA_KSIZE), 0);
  EXPECT_EQ(REG(PUMA_DMA_SRC), 0);
  EXPECT_EQ(REG(PUMA_DMA_DST), 0);
  EXPECT_EQ(REG(PUMA_DMA_LEN), 0);
  EXPECT_EQ(REG(PUMA_DMA_CTRL), 0);
  EXPECT_EQ(REG(PUMA_DMA_STATUS), 0);
  EXPECT_EQ(REG(PUMA_ID), id);
}

static void load_start(const void* img, uint32_t size) {
  REG(PUMA_KADDR) = (uint32_t)(uintptr_t)img;
  REG(PUMA_KSIZE) = size;
  REG(PUMA_CTRL) = PUMA_CTRL_LOAD;
}
/* LOAD and wait; returns STATUS at the end. */
static uint32_t load_wait(const void* img, uint32_t size) {
  load_start(img, size);
  EXPECT(wait_idle());
  return REG(PUMA_STATUS);
}

/* DMA with raw CSR writes; returns DMA_STATUS at the end. */
static uint32_t dma(uint32_t src, uint32_t dst, uint32_t len, uint32_t ctrl_extra) {
  REG(PUMA_DMA_SRC) = src;
  REG(PUMA_DMA_DST) = dst;
  REG(PUMA_DMA_LEN) = len;
  REG(PUMA_DMA_CTRL) = PUMA_DMA_GO | ctrl_extra;
  EXPECT(wait_clear(PUMA_DMA_STATUS, PUMA_DMA_BUSY));
  return REG(PUMA_DMA_STATUS);
}

static int16_t xin[4] __attribute__((aligned(8))) = {4096, 2048, -4096, 8192};
static int16_t yout[4] __attribute__((aligned(8)));
static uint8_t scratch[64] __attribute__((aligned(8)));

/* The isa.md §10 worked example through libpuma: y = [1.375, -0.3125] (5632, -1280). */
static void mlp2_works(const char* name) {
  begin();
  puma_dev_t dev;
  puma_tensor_t x, y;
  EXPECT_EQ(puma_probe(&dev), PUMA_OK);
  EXPECT_EQ(puma_find_tensor(k_mlp2, KSZ(k_mlp2), "x", &x), PUMA_OK);
  EXPECT_EQ(puma_find_tensor(k_mlp2, KSZ(k_mlp2), "y", &y), PUMA_OK);
  EXPECT_EQ(puma_load(&dev, k_mlp2, KSZ(k_mlp2)), PUMA_OK);
  EXPECT_EQ(puma_write_tensor(&dev, &x, xin), PUMA_OK);
  EXPECT_EQ(puma_run(&dev), PUMA_OK);
  yout[0] = yout[1] = 0;
  EXPECT_EQ(puma_read_tensor(&dev, &y, yout), PUMA_OK);
  EXPECT_EQ((uint16_t)yout[0], (uint16_t)5632);
  EXPECT_EQ((uint16_t)yout[1], (uint16_t)-1280);
  end(name);
}

/* ---------------------------------------------------------------- CSR storm */
static const uint32_t csr_offsets[] = {
    PUMA_ID, PUMA_VERSION, PUMA_GEOMETRY0, PUMA_GEOMETRY1, PUMA_CTRL, PUMA_STATUS, PUMA_IRQ_EN,
    PUMA_IRQ_STATUS, PUMA_ERROR_CODE, PUMA_ERROR_INFO, PUMA_ERROR_PC, PUMA_KADDR, PUMA_KSIZE,
    PUMA_DMA_SRC, PUMA_DMA_DST, PUMA_DMA_LEN, PUMA_DMA_CTRL, PUMA_DMA_STATUS,
    0x080, 0x084, 0x088, 0x08C, 0x090, 0x094, 0x098, 0x09C, 0x0A0, 0x0A4};
#define N_CSR (sizeof csr_offsets / sizeof csr_offsets[0])

/* Random values, with two guards so the DMA engine cannot scribble over this program or
 * the finisher/UART/CSRs: DMA_DST is kept in the window or the unmapped hole at 0x3xxxxxxx,
 * and DMA_LEN below 1 MiB (bounded run time). Everything else is raw. */
static uint32_t storm_value(uint32_t off) {
  uint32_t v = rnd();
  if (off == PUMA_DMA_DST) v = (v & 1u) ? (PUMA_WINDOW_BASE | (v & 0x00FFFFFFu)) : (UNMAPPED | (v & 0x0FFFFFFFu));
  if (off == PUMA_DMA_LEN) v &= 0x000FFFFFu;
  return v;
}

static void case_storm(void) {
  begin();
  n_faults = 0;
  uint32_t ro_writes = 0;
  for (int i = 0; i < STORM_WRITES; ++i) {
    const uint32_t off = csr_offsets[rnd() % N_CSR];
    const uint32_t v = storm_value(off);
    REG(off) = v;
    if (off == PUMA_STATUS || off == PUMA_ERROR_CODE || off == PUMA_ERROR_INFO || off == PUMA_ERROR_PC ||
        off == PUMA_DMA_STATUS || off <= PUMA_GEOMETRY1 || off >= 0x080)
      ro_writes++;
    if (off <= PUMA_GEOMETRY1) {
      if (REG(PUMA_ID) != id || REG(PUMA_VERSION) != ver || REG(PUMA_GEOMETRY0) != g0 ||
          REG(PUMA_GEOMETRY1) != g1) {
        printf("fault_suite:   write %d: 0x%08lx to RO 0x%03lx changed ID/VERSION/GEOMETRY\n", i,
               (unsigned long)v, (unsigned long)off);
        case_ok = 0;
      }
    }
    if (off == PUMA_IRQ_EN) EXPECT_EQ(REG(PUMA_IRQ_EN), v & 7u); /* RW, bits 0..2 */
    if (off == PUMA_KADDR) EXPECT_EQ(REG(PUMA_KADDR), v);
    if (off == PUMA_KSIZE) EXPECT_EQ(REG(PUMA_KSIZE), v);
  }
  /* Let whatever the storm started finish or fail; then RESET must give the power-on state. */
  EXPECT(wait_idle());
  EXPECT(wait_clear(PUMA_DMA_STATUS, PUMA_DMA_BUSY));
  EXPECT_EQ(REG(PUMA_ID), id);
  EXPECT_EQ(REG(PUMA_VERSION), ver);
  EXPECT_EQ(REG(PUMA_GEOMETRY0), g0);
  EXPECT_EQ(REG(PUMA_GEOMETRY1), g1);
  REG(PUMA_CTRL) = PUMA_CTRL_RESET;
  EXPECT_EQ(REG(PUMA_IRQ_EN), 0);
  expect_power_on();
  printf("fault_suite:   storm: %d writes, %lu to read-only registers, %lu access faults\n", STORM_WRITES,
         (unsigned long)ro_writes, (unsigned long)n_faults);
  end("csr_storm");
  mlp2_works("csr_storm_then_kernel_runs");
}

/* ---------------------------------------------------------------- DMA faults */
/* A failed DMA: DMA_STATUS.ERROR (not BUSY), ERROR_CODE 9, IRQ_STATUS.ERROR, ERROR_INFO and
 * ERROR_PC 0xFFFFFFFF (the error concerns no single unit). (§2.3's DMA_STATUS row names no
 * STATUS.ERROR for a DMA failure; §2.5's general sentence would: not checked, ambiguous.) */
static void dma_fault(const char* name, uint32_t src, uint32_t dst, uint32_t len, uint32_t extra) {
  reset_node();
  begin();
  const uint32_t ds = dma(src, dst, len, extra);
  EXPECT(ds & PUMA_DMA_ERROR);
  EXPECT(!(ds & PUMA_DMA_BUSY));
  EXPECT_EQ(REG(PUMA_ERROR_CODE), 9);
  EXPECT(REG(PUMA_IRQ_STATUS) & PUMA_IRQ_ERROR);
  EXPECT_EQ(REG(PUMA_ERROR_INFO), 0xFFFFFFFFu);
  EXPECT(!(REG(PUMA_STATUS) & PUMA_STATUS_BUSY));
  /* The engine still works: a good transfer DRAM -> tile 0 completes. */
  clear_irq();
  const uint32_t ok = dma((uint32_t)(uintptr_t)xin, puma_window_addr(0, 0), 8, 1u << 8);
  EXPECT(ok & PUMA_DMA_DONE);
  EXPECT(!(ok & PUMA_DMA_ERROR));
  EXPECT(REG(PUMA_IRQ_STATUS) & PUMA_IRQ_DMA);
  end(name);
}

static void case_dma(void) {
  const uint32_t buf = (uint32_t)(uintptr_t)scratch;
  const uint32_t w0 = puma_window_addr(0, 0);
  const uint32_t no_tile = puma_window_addr(tiles, 0); /* inside the window, no tile there */
  dma_fault("dma_unmapped_src_to_window", UNMAPPED, w0, 16, 1u << 8);
  dma_fault("dma_window_to_unmapped_dst", w0, UNMAPPED, 16, PUMA_DMA_PEEK);
  dma_fault("dma_dram_to_unmapped_dst", buf, UNMAPPED + 0x100, 16, 0);
  dma_fault("dma_unmapped_src_to_dram", UNMAPPED, buf, 16, 0);
  dma_fault("dma_dram_to_window_no_tile", buf, no_tile, 16, 1u << 8);
  dma_fault("dma_window_no_tile_to_dram", no_tile, buf, 16, PUMA_DMA_PEEK);
  dma_fault("dma_dram_to_window_last_tile_id", buf, PUMA_WINDOW_BASE + 0x00FF0000u, 16, 1u << 8);
  dma_fault("dma_read_unwritten_tile_word", puma_window_addr(1, 100), buf, 16, 0);
  dma_fault("dma_misaligned_src", buf + 1, w0, 16, 1u << 8);
  dma_fault("dma_misaligned_dst", buf, w0 + 1, 16, 1u << 8);
  dma_fault("dma_huge_len_unmapped_src", UNMAPPED, w0, 0xFFFFFFFEu, 1u << 8);
  dma_fault("dma_dram_past_end", 0x80000000u + DRAM_BYTES - 8, w0, 64, 1u << 8);
}

/* ---------------------------------------------------------------- LOAD faults */
/* A failed LOAD: STATUS = ERROR (not BUSY, not LOADED, not DONE), IRQ_STATUS.ERROR, the code;
 * ERROR_INFO 0xFFFFFFFF (image/DMA errors concern no single unit). want2 = 0: only want. */
static void load_fault(const char* name, uint32_t kaddr, uint32_t ksize, uint32_t want, uint32_t want2) {
  reset_node();
  begin();
  const uint32_t st = load_wait((const void*)(uintptr_t)kaddr, ksize);
  EXPECT_EQ(st, PUMA_STATUS_ERROR);
  const uint32_t code = REG(PUMA_ERROR_CODE);
  EXPECT(code == want || (want2 && code == want2));
  EXPECT(REG(PUMA_IRQ_STATUS) & PUMA_IRQ_ERROR);
  EXPECT(!(REG(PUMA_IRQ_STATUS) & PUMA_IRQ_DONE));
  EXPECT_EQ(REG(PUMA_ERROR_INFO), 0xFFFFFFFFu);
  /* START after the failed LOAD is ignored (nothing loaded). */
  clear_irq();
  REG(PUMA_CTRL) = PUMA_CTRL_START;
  EXPECT_EQ(REG(PUMA_STATUS), PUMA_STATUS_ERROR);
  EXPECT_EQ(REG(PUMA_IRQ_STATUS), 0);
  printf("fault_suite:   %s: ERROR_CODE %lu\n", name, (unsigned long)code);
  end(name);
}

static void case_load(void) {
  const uint32_t k = (uint32_t)(uintptr_t)k_mlp2, n = KSZ(k_mlp2);
  /* A size no image can have (more than host DRAM): an image error (1 bad image / 4 malformed). */
  load_fault("load_huge_ksize", k, 0xFFFFFFF0u, 1, 4);
  load_fault("load_ksize_zero", k, 0, 1, 4);
  /* The image cannot be read over the DMA port: 9 DMA bus error. */
  load_fault("load_kaddr_unmapped", UNMAPPED, n, 9, 0);
  load_fault("load_kaddr_past_dram_end", 0x80000000u + DRAM_BYTES - 32, n, 9, 0);
  load_fault("load_kaddr_in_window", PUMA_WINDOW_BASE, n, 9, 0);
  load_fault("load_kaddr_csr_block", PUMA_CSR_BASE, 256, 9, 1);
}

/* ---------------------------------------------------------------- commands */
static void case_commands(void) {
  /* START without LOAD: ignored, nothing changes. */
  reset_node();
  begin();
  REG(PUMA_CTRL) = PUMA_CTRL_START;
  for (volatile int i = 0; i < 200; ++i) {
  }
  EXPECT_EQ(REG(PUMA_STATUS), 0);
  EXPECT_EQ(REG(PUMA_IRQ_STATUS), 0);
  EXPECT_EQ(REG(PUMA_ERROR_CODE), 0);
  end("start_without_load");

  /* START twice: the second START (while BUSY) is ignored: one run, DONE, right output. */
  reset_node();
  begin();
  {
    puma_tensor_t x, y;
    puma_find_tensor(k_mlp2, KSZ(k_mlp2), "x", &x);
    puma_find_tensor(k_mlp2, KSZ(k_mlp2), "y", &y);
    EXPECT_EQ(load_wait(k_mlp2, KSZ(k_mlp2)), PUMA_STATUS_LOADED | PUMA_STATUS_DONE);
    EXPECT_EQ(dma((uint32_t)(uintptr_t)xin, puma_window_addr(x.tile, x.addr), 8, x.count << 8), PUMA_DMA_DONE);
    clear_irq();
    REG(PUMA_CTRL) = PUMA_CTRL_START;
    REG(PUMA_CTRL) = PUMA_CTRL_START;
    EXPECT(wait_idle());
    for (volatile int i = 0; i < 2000; ++i) {
    }
    EXPECT_EQ(REG(PUMA_STATUS), PUMA_STATUS_LOADED | PUMA_STATUS_DONE);
    EXPECT_EQ(REG(PUMA_ERROR_CODE), 0);
    EXPECT_EQ(REG(PUMA_IRQ_STATUS), PUMA_IRQ_DONE);
    yout[0] = yout[1] = 0;
    EXPECT_EQ(dma(puma_window_addr(y.tile, y.addr), (uint32_t)(uintptr_t)yout, 4, 0), PUMA_DMA_DONE);
    EXPECT_EQ((uint16_t)yout[0], (uint16_t)5632);
    EXPECT_EQ((uint16_t)yout[1], (uint16_t)-1280);
  }
  end("start_twice");

  /* LOAD while running: ignored (the run goes on, LOADED stays); ABORT then ends it. */
  reset_node();
  begin();
  EXPECT_EQ(load_wait(k_spin, KSZ(k_spin)), PUMA_STATUS_LOADED | PUMA_STATUS_DONE);
  clear_irq();
  REG(PUMA_CTRL) = PUMA_CTRL_START;
  load_start((const void*)UNMAPPED, 64);
  EXPECT_EQ(REG(PUMA_STATUS), PUMA_STATUS_BUSY | PUMA_STATUS_LOADED);
  REG(PUMA_CTRL) = PUMA_CTRL_ABORT;
  EXPECT(wait_idle());
  EXPECT_EQ(REG(PUMA_ERROR_CODE), 10);
  EXPECT(REG(PUMA_STATUS) & PUMA_STATUS_ERROR);
  end("load_while_running");

  /* LOAD while loading: the second LOAD (bad address) is ignored, the first one succeeds. */
  reset_node();
  begin();
  load_start(k_mlp2, KSZ(k_mlp2));
  EXPECT(REG(PUMA_STATUS) & PUMA_STATUS_BUSY);
  load_start((const void*)UNMAPPED, 64);
  EXPECT(wait_idle());
  EXPECT_EQ(REG(PUMA_STATUS), PUMA_STATUS_LOADED | PUMA_STATUS_DONE);
  EXPECT_EQ(REG(PUMA_ERROR_CODE), 0);
  end("load_while_loading");
}

/* ---------------------------------------------------------------- ABORT / RESET per state */
enum { S_IDLE, S_LOADING, S_RUNNING, S_DONE, S_ERROR, S_DMA_ERROR, S_COUNT };
static const char* const state_name[S_COUNT] = {"idle", "loading", "running", "done", "error", "dma_error"};

/* Puts the node in `s`; returns 1 if it is observably there. */
static int enter(int s) {
  reset_node();
  switch (s) {
    case S_IDLE: return REG(PUMA_STATUS) == 0;
    case S_LOADING: /* mlp2: its crossbar programming makes the LOAD last */
      load_start(k_mlp2, KSZ(k_mlp2));
      return REG(PUMA_STATUS) == PUMA_STATUS_BUSY;
    case S_RUNNING:
      if (load_wait(k_spin, KSZ(k_spin)) != (PUMA_STATUS_LOADED | PUMA_STATUS_DONE)) return 0;
      REG(PUMA_CTRL) = PUMA_CTRL_START;
      return REG(PUMA_STATUS) == (PUMA_STATUS_BUSY | PUMA_STATUS_LOADED);
    case S_DONE:
      if (load_wait(k_spin, KSZ(k_spin)) != (PUMA_STATUS_LOADED | PUMA_STATUS_DONE)) return 0;
      REG(PUMA_CTRL) = PUMA_CTRL_START;
      return wait_idle() && REG(PUMA_STATUS) == (PUMA_STATUS_LOADED | PUMA_STATUS_DONE);
    case S_ERROR: return load_wait((const void*)UNMAPPED, 256) == PUMA_STATUS_ERROR;
    case S_DMA_ERROR: return (dma(UNMAPPED, puma_window_addr(0, 0), 16, 0) & PUMA_DMA_ERROR) != 0;
  }
  return 0;
}

static void case_abort_reset(void) {
  char name[48];
  for (int s = 0; s < S_COUNT; ++s) {
    begin();
    EXPECT(enter(s));
    const uint32_t st0 = REG(PUMA_STATUS), code0 = REG(PUMA_ERROR_CODE), irq0 = REG(PUMA_IRQ_STATUS);
    REG(PUMA_CTRL) = PUMA_CTRL_ABORT;
    EXPECT(wait_idle());
    if (s == S_LOADING || s == S_RUNNING) {
      /* ABORT ends the LOAD or the run: ERROR, code 10, the ERROR interrupt; an aborted LOAD
       * is a failed LOAD (LOADED clear), an aborted run keeps the kernel (LOADED). */
      EXPECT_EQ(REG(PUMA_STATUS), PUMA_STATUS_ERROR | (s == S_RUNNING ? PUMA_STATUS_LOADED : 0u));
      EXPECT_EQ(REG(PUMA_ERROR_CODE), 10);
      EXPECT_EQ(REG(PUMA_ERROR_INFO), 0xFFFFFFFFu);
      EXPECT(REG(PUMA_IRQ_STATUS) & PUMA_IRQ_ERROR);
    } else {
      /* Not busy: ABORT is ignored. */
      EXPECT_EQ(REG(PUMA_STATUS), st0);
      EXPECT_EQ(REG(PUMA_ERROR_CODE), code0);
      EXPECT_EQ(REG(PUMA_IRQ_STATUS), irq0);
    }
    snprintf(name, sizeof name, "abort_in_%s", state_name[s]);
    end(name);

    begin();
    EXPECT(enter(s));
    REG(PUMA_CTRL) = PUMA_CTRL_RESET;
    EXPECT_EQ(REG(PUMA_IRQ_EN), 0);
    expect_power_on();
    /* Nothing the RESET stopped comes back later, and nothing is loaded. */
    for (volatile int i = 0; i < 5000; ++i) {
    }
    REG(PUMA_CTRL) = PUMA_CTRL_START;
    expect_power_on();
    snprintf(name, sizeof name, "reset_in_%s", state_name[s]);
    end(name);
  }
  mlp2_works("after_abort_reset_kernel_runs");
}

/* ---------------------------------------------------------------- stale interrupts */
/* libpuma with an IRQ_STATUS bit pending that the current wait does not acknowledge, so the
 * level-triggered PLIC line stays high throughout: WFI returns at once (sleep_while polls as
 * fast as the hart runs) and, after a completion, the PLIC source is pending again the moment
 * it is completed. The driver used to claim/complete until the PLIC returned 0 and so looped
 * for ever after a DMA during which a run ended (DONE pending, DMA|ERROR acknowledged). */
static void case_stale_irq(void) {
  puma_dev_t dev;
  reset_node();
  begin();
  EXPECT_EQ(puma_probe(&dev), PUMA_OK);
  const uint32_t ds = dma(UNMAPPED, puma_window_addr(0, 0), 16, 1u << 8);
  EXPECT(ds & PUMA_DMA_ERROR);
  EXPECT(REG(PUMA_IRQ_STATUS) & PUMA_IRQ_ERROR); /* left pending on purpose */
  EXPECT_EQ(puma_dma(&dev, (uint32_t)(uintptr_t)xin, puma_window_addr(0, 0), 8, 1, 0), PUMA_OK);
  EXPECT(REG(PUMA_DMA_STATUS) & PUMA_DMA_DONE);
  end("libpuma_dma_with_stale_irq_pending");

  /* A run in flight: START, then read the output by DMA at once (the DMA waits until the
   * kernel writes the words); the run ends during the DMA, so DONE is still pending when
   * puma_read_tensor acknowledges DMA|ERROR. A stale DMA bit is pending from the start. */
  begin();
  puma_tensor_t x, y;
  EXPECT_EQ(puma_find_tensor(k_mlp2, KSZ(k_mlp2), "x", &x), PUMA_OK);
  EXPECT_EQ(puma_find_tensor(k_mlp2, KSZ(k_mlp2), "y", &y), PUMA_OK);
  EXPECT_EQ(puma_load(&dev, k_mlp2, KSZ(k_mlp2)), PUMA_OK);
  EXPECT_EQ(puma_write_tensor(&dev, &x, xin), PUMA_OK);
  (void)dma((uint32_t)(uintptr_t)xin, (uint32_t)(uintptr_t)scratch, 8, 0); /* IRQ_DMA stale */
  EXPECT(REG(PUMA_IRQ_STATUS) & PUMA_IRQ_DMA);
  EXPECT_EQ(puma_start(&dev), PUMA_OK);
  yout[0] = yout[1] = 0;
  EXPECT_EQ(puma_read_tensor(&dev, &y, yout), PUMA_OK);
  EXPECT_EQ(puma_wait(&dev), PUMA_OK);
  EXPECT_EQ((uint16_t)yout[0], (uint16_t)5632);
  EXPECT_EQ((uint16_t)yout[1], (uint16_t)-1280);
  end("libpuma_read_during_run_with_stale_irq_pending");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* every line out before a possible hang */
  trap_set_exception_handler(on_exception);
  printf("fault_suite: seed 0x%08lx\n", (unsigned long)FAULT_SUITE_SEED);
  id = REG(PUMA_ID);
  ver = REG(PUMA_VERSION);
  g0 = REG(PUMA_GEOMETRY0);
  g1 = REG(PUMA_GEOMETRY1);
  tiles = g0 & 0xFFFFu;
  begin();
  EXPECT_EQ(id, PUMA_ID_VALUE);
  EXPECT_EQ(ver, 0x00010000u);
  EXPECT_EQ(tiles, 4);
  end("probe");
  case_storm();
  case_dma();
  case_load();
  case_commands();
  case_abort_reset();
  case_stale_irq();
  printf("fault_suite: %d passed, %d failed\n", n_pass, n_fail);
  if (n_fail == 0) printf("fault_suite: PASS\n");
  return n_fail == 0 ? 0 : 1;
}
