/* plic: SiFive PLIC register semantics, and a real interrupt through it when the accelerator
 * (source 1) is present.
 *
 * Always: priorities of sources 1..31 read back what was written (source 0 does not exist and
 * reads 0), enable bits and the threshold read back, claim returns 0 with nothing pending, and
 * nothing is pending or signalled (mip.MEIP) at reset.
 * With the accelerator: a DMA (DRAM -> tile memory) completion raises source 1; the pending bit sets; MEIP is masked
 * while threshold >= priority and while the source is disabled; claim returns 1 and clears
 * pending; the source stays quiet until complete even though the device line is still high;
 * after the device is acknowledged and the claim completed nothing is pending; the same
 * interrupt taken through the trap path (mcause 0x8000000B, vectored slot 11).
 * No other PLIC source can be raised from software on this SoC; without the accelerator only
 * the register semantics are checked.
 */
#include "../common.h"
#include "hal/hal.h"

#define ACCEL(off) MMIO32(ACCEL_CSR_BASE + (off))
#define ACCEL_ID 0x000u
#define ACCEL_IRQ_EN 0x018u
#define ACCEL_IRQ_STATUS 0x01Cu
#define ACCEL_DMA_SRC 0x040u
#define ACCEL_DMA_DST 0x044u
#define ACCEL_DMA_LEN 0x048u
#define ACCEL_DMA_CTRL 0x04Cu
#define ACCEL_DMA_STATUS 0x050u
#define ACCEL_IRQ_DMA 4u

static volatile uint32_t probe_faulted;
static void on_probe_fault(trap_frame_t* f) {
  probe_faulted = 1;
  f->mepc += trap_insn_length(f->mepc);
}

static int accelerator_present(void) {
  probe_faulted = 0;
  trap_set_exception_handler(on_probe_fault);
  const uint32_t id = ACCEL(ACCEL_ID);
  trap_set_exception_handler(NULL);
  return !probe_faulted && id == 0x50554D41u;
}

static volatile uint32_t ext_irqs, ext_claimed, ext_vector;
static void on_external(trap_frame_t* f) {
  const uint32_t src = plic_claim();
  ext_claimed = src;
  ext_vector = (uint32_t)f->vector;
  if (src == PLIC_SOURCE_ACCEL) ACCEL(ACCEL_IRQ_STATUS) = ACCEL_IRQ_DMA;
  plic_complete(src);
  ext_irqs++;
}

static uint32_t dma_src_buf[4] = {1, 2, 3, 4};
/* DRAM -> tile 0 shared memory (8 words); completion raises the DMA interrupt (IRQ_EN.DMA).
 * With the node idle a host write just replaces the words. */
static void start_dma(void) {
  ACCEL(ACCEL_IRQ_EN) = ACCEL_IRQ_DMA;
  ACCEL(ACCEL_DMA_SRC) = (uint32_t)(uintptr_t)dma_src_buf;
  ACCEL(ACCEL_DMA_DST) = ACCEL_WINDOW_BASE;
  ACCEL(ACCEL_DMA_LEN) = sizeof dma_src_buf;
  ACCEL(ACCEL_DMA_CTRL) = 1; /* GO */
}

static void wait_pending(int code) {
  for (int i = 0; i < 100000 && !plic_pending(PLIC_SOURCE_ACCEL); ++i) {
  }
  CHECK(code, plic_pending(PLIC_SOURCE_ACCEL));
}

static void with_accelerator(void) {
  irq_global_disable();
  csr_set(mie, MIE_MEIE);
  plic_set_priority(PLIC_SOURCE_ACCEL, 3);
  plic_set_threshold(3); /* priority must exceed the threshold */
  plic_enable(PLIC_SOURCE_ACCEL);

  start_dma();
  wait_pending(30);
  CHECK_EQ(31, ACCEL(ACCEL_DMA_STATUS) & 6u, 2u); /* DONE, no ERROR */
  CHECK_EQ(33, csr_read(mip) & MIP_MEIP, 0);  /* masked by the threshold */
  plic_set_threshold(2);
  CHECK(34, (csr_read(mip) & MIP_MEIP) != 0); /* now signalled */
  plic_disable(PLIC_SOURCE_ACCEL);
  CHECK_EQ(35, csr_read(mip) & MIP_MEIP, 0);  /* disabled: not signalled, still pending */
  CHECK(36, plic_pending(PLIC_SOURCE_ACCEL));
  plic_enable(PLIC_SOURCE_ACCEL);
  plic_set_priority(PLIC_SOURCE_ACCEL, 0);   /* priority 0 never interrupts */
  CHECK_EQ(37, csr_read(mip) & MIP_MEIP, 0);
  plic_set_priority(PLIC_SOURCE_ACCEL, 3);
  CHECK(38, (csr_read(mip) & MIP_MEIP) != 0);

  CHECK_EQ(39, plic_claim(), PLIC_SOURCE_ACCEL);
  CHECK(40, !plic_pending(PLIC_SOURCE_ACCEL));  /* claim clears pending */
  CHECK_EQ(41, csr_read(mip) & MIP_MEIP, 0);
  CHECK_EQ(42, plic_claim(), 0);                /* in service: not claimable again */
  ACCEL(ACCEL_IRQ_STATUS) = ACCEL_IRQ_DMA;      /* acknowledge the device (W1C) */
  plic_complete(PLIC_SOURCE_ACCEL);
  CHECK(43, !plic_pending(PLIC_SOURCE_ACCEL));
  CHECK_EQ(44, csr_read(mip) & MIP_MEIP, 0);

  /* Device still asserting at complete: the gateway forwards it again. */
  start_dma();
  wait_pending(45);
  CHECK_EQ(46, plic_claim(), PLIC_SOURCE_ACCEL);
  plic_complete(PLIC_SOURCE_ACCEL);             /* line still high */
  CHECK(47, plic_pending(PLIC_SOURCE_ACCEL));
  CHECK_EQ(48, plic_claim(), PLIC_SOURCE_ACCEL);
  ACCEL(ACCEL_IRQ_STATUS) = ACCEL_IRQ_DMA;
  plic_complete(PLIC_SOURCE_ACCEL);
  CHECK(49, !plic_pending(PLIC_SOURCE_ACCEL));

  /* The trap path, vectored: slot 11, handler claims/acks/completes. WFI sleeps until it. */
  trap_set_interrupt_handler(IRQ_M_EXT, on_external);
  trap_use_vectored(1);
  ext_irqs = 0;
  start_dma();
  irq_global_enable();
  for (int i = 0; i < 100 && ext_irqs == 0; ++i) wfi();
  irq_global_disable();
  trap_use_vectored(0);
  CHECK_EQ(50, ext_irqs, 1);
  CHECK_EQ(51, ext_claimed, PLIC_SOURCE_ACCEL);
  CHECK_EQ(52, ext_vector, IRQ_M_EXT);
  CHECK(53, !plic_pending(PLIC_SOURCE_ACCEL));
  ACCEL(ACCEL_IRQ_EN) = 0;
  csr_clear(mie, MIE_MEIE);
  printf("plic: accelerator interrupt path checked\n");
}

int main(void) {
  irq_global_disable();
  /* Reset state: nothing pending, nothing signalled, nothing claimable. */
  CHECK_EQ(1, MMIO32(PLIC_PENDING(0)), 0);
  CHECK_EQ(2, csr_read(mip) & MIP_MEIP, 0);
  CHECK_EQ(3, plic_claim(), 0);

  /* Priorities: sources 1..31 hold at least 0..7 (we use 3 bits). */
  for (uint32_t s = 1; s < 32; ++s) plic_set_priority(s, (s * 5u) & 7u);
  for (uint32_t s = 1; s < 32; ++s) CHECK_EQ(4, plic_priority(s), (s * 5u) & 7u);
  for (uint32_t s = 1; s < 32; ++s) plic_set_priority(s, 0);
  CHECK_EQ(5, plic_priority(0), 0);

  /* Enables of context 0: bit per source, source 0 hard-wired to 0. */
  MMIO32(PLIC_ENABLE(0)) = 0xA5A5A5A4u;
  CHECK_EQ(6, plic_enabled_word(0), 0xA5A5A5A4u);
  MMIO32(PLIC_ENABLE(0)) = 0;
  CHECK_EQ(7, plic_enabled_word(0), 0);
  plic_enable(7);
  plic_enable(31);
  CHECK_EQ(8, plic_enabled_word(0), (1u << 7) | (1u << 31));
  plic_disable(7);
  plic_disable(31);

  /* Threshold. */
  plic_set_threshold(5);
  CHECK_EQ(9, plic_threshold(), 5);
  plic_set_threshold(0);
  CHECK_EQ(10, plic_threshold(), 0);

  /* Completing an id that was never claimed is ignored. */
  plic_complete(1);
  CHECK_EQ(11, plic_claim(), 0);

  if (accelerator_present()) {
    with_accelerator();
  } else {
    printf("plic: no accelerator on the bus, register semantics only\n");
  }
  printf("plic: PASS\n");
  return 0;
}
