/* soft_irq: machine software interrupts through CLINT msip.
 *
 * Checks: mip.MSIP follows msip; setting msip with MSIE and MIE enabled traps at once with
 * mcause 0x80000003 (direct and vectored: slot 3); the handler's msip clear ends it; mret
 * restores mstatus.MIE from MPIE; with MSIP and MTIP both pending, MSIP is taken first
 * (priority MEI > MSI > MTI); WFI wakes on MSIP.
 */
#include "../common.h"
#include "hal/hal.h"

static volatile uint32_t order[8];
static volatile uint32_t n_irqs;
static volatile int32_t last_vector;
static volatile uint32_t mstatus_in_handler;

static void record(trap_frame_t* f) {
  if (n_irqs < 8) order[n_irqs] = f->mcause;
  n_irqs++;
  last_vector = f->vector;
  mstatus_in_handler = csr_read(mstatus);
}

static void on_soft(trap_frame_t* f) {
  record(f);
  clint_msip_clear();
}

static void on_timer(trap_frame_t* f) {
  record(f);
  clint_set_timecmp(UINT64_MAX);
}

/* An enabled pending interrupt must be taken within a few instructions; give the ISS a short
 * bounded window (it may check for interrupts at block or MMIO boundaries). */
static void settle(uint32_t want) {
  for (volatile int i = 0; i < 100 && n_irqs < want; ++i) {
  }
}

static void fire_once(int vectored, int code) {
  trap_use_vectored(vectored);
  n_irqs = 0;
  last_vector = -2;
  csr_set(mie, MIE_MSIE);
  irq_global_enable();
  clint_msip_set();
  settle(1);
  CHECK_EQ(code + 1, n_irqs, 1);
  CHECK_EQ(code + 2, order[0], MCAUSE_INTERRUPT | IRQ_M_SOFT);
  CHECK_EQ(code + 3, last_vector, vectored ? (int32_t)IRQ_M_SOFT : -1);
  CHECK_EQ(code + 4, clint_msip(), 0);
  /* Inside the handler MIE was 0 and MPIE 1; after mret MIE is back on. */
  CHECK_EQ(code + 5, mstatus_in_handler & (MSTATUS_MIE_BIT | MSTATUS_MPIE_BIT), MSTATUS_MPIE_BIT);
  CHECK(code + 6, (csr_read(mstatus) & MSTATUS_MIE_BIT) != 0);
  irq_global_disable();
  csr_clear(mie, MIE_MSIE);
  trap_use_vectored(0);
}

int main(void) {
  trap_set_interrupt_handler(IRQ_M_SOFT, on_soft);
  trap_set_interrupt_handler(IRQ_M_TIMER, on_timer);
  irq_global_disable();

  /* msip register and mip.MSIP. */
  clint_msip_clear();
  CHECK_EQ(1, clint_msip(), 0);
  CHECK_EQ(2, csr_read(mip) & MIP_MSIP, 0);
  clint_msip_set();
  CHECK_EQ(3, clint_msip(), 1);
  CHECK(4, (csr_read(mip) & MIP_MSIP) != 0);
  clint_msip_clear();
  CHECK_EQ(5, csr_read(mip) & MIP_MSIP, 0);

  fire_once(0, 10);
  fire_once(1, 20);

  /* Priority: both pending while MIE = 0, then enable: MSIP first, then MTIP. */
  n_irqs = 0;
  csr_set(mie, MIE_MSIE | MIE_MTIE);
  clint_set_timecmp(0);
  clint_msip_set();
  CHECK(30, (csr_read(mip) & (MIP_MSIP | MIP_MTIP)) == (MIP_MSIP | MIP_MTIP));
  irq_global_enable();
  settle(2);
  irq_global_disable();
  CHECK_EQ(31, n_irqs, 2);
  CHECK_EQ(32, order[0], MCAUSE_INTERRUPT | IRQ_M_SOFT);
  CHECK_EQ(33, order[1], MCAUSE_INTERRUPT | IRQ_M_TIMER);

  /* WFI with MSIP already pending and enabled in mie returns at once even though MIE = 0
   * (no trap); enabling MIE then takes it. */
  n_irqs = 0;
  csr_clear(mie, MIE_MTIE);
  clint_msip_set();
  wfi();
  CHECK_EQ(40, n_irqs, 0); /* MIE = 0: no trap, but WFI returned */
  irq_global_enable();
  settle(1);
  irq_global_disable();
  CHECK_EQ(41, n_irqs, 1);
  csr_clear(mie, MIE_MSIE);

  printf("soft_irq: PASS\n");
  return 0;
}
