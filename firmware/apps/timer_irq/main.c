/* timer_irq: the CLINT timer interrupt wakes WFI.
 *
 * Checks, for direct and for vectored mtvec: TICKS interrupts arrive, each with
 * mcause = 0x80000007, never before its mtimecmp deadline, and in vectored mode through
 * vector slot 7; WFI returns once per interrupt (it sleeps, it does not fall through); the
 * elapsed mtime covers all periods. Also: mip.MTIP follows mtime >= mtimecmp with interrupts
 * globally disabled, WFI wakes on a pending enabled interrupt even with mstatus.MIE = 0, and
 * the time CSR tracks CLINT mtime.
 */
#include "../common.h"
#include "hal/hal.h"

#define TICKS 5
#define PERIOD 2000u /* mtime ticks: 200 us at the default 10 MHz */

static volatile uint32_t ticks;
static volatile uint32_t late_or_early; /* interrupts taken before their deadline */
static volatile int32_t last_vector;
static volatile uint32_t last_mcause;
static volatile uint64_t deadline;

static void on_timer(trap_frame_t* f) {
  const uint64_t now = clint_mtime();
  if (now < deadline) late_or_early++;
  last_vector = f->vector;
  last_mcause = f->mcause;
  ticks++;
  if (ticks < TICKS) {
    deadline += PERIOD;
    clint_set_timecmp(deadline);
  } else {
    clint_set_timecmp(UINT64_MAX); /* quiet */
  }
}

static void run_ticks(int vectored, int base_code) {
  trap_use_vectored(vectored);
  ticks = 0;
  late_or_early = 0;
  last_vector = -2;
  const uint64_t start = clint_mtime();
  deadline = start + PERIOD;
  clint_set_timecmp(deadline);
  csr_set(mie, MIE_MTIE);
  irq_global_enable();
  uint32_t wakeups = 0;
  while (ticks < TICKS) {
    wfi();
    wakeups++;
    CHECK(base_code + 1, wakeups <= TICKS + 2); /* WFI must sleep, not spin */
  }
  irq_global_disable();
  csr_clear(mie, MIE_MTIE);
  const uint64_t elapsed = clint_mtime() - start;
  printf("%s: %lu ticks, %lu wakeups, %lu mtime ticks elapsed, vector %ld\n",
         vectored ? "vectored" : "direct", (unsigned long)ticks, (unsigned long)wakeups,
         (unsigned long)elapsed, (long)last_vector);
  CHECK_EQ(base_code + 2, ticks, TICKS);
  CHECK_EQ(base_code + 3, late_or_early, 0);
  CHECK(base_code + 4, elapsed >= (uint64_t)TICKS * PERIOD);
  CHECK_EQ(base_code + 5, last_mcause, MCAUSE_INTERRUPT | IRQ_M_TIMER);
  CHECK_EQ(base_code + 6, last_vector, vectored ? (int32_t)IRQ_M_TIMER : -1);
  trap_use_vectored(0);
}

int main(void) {
  trap_set_interrupt_handler(IRQ_M_TIMER, on_timer);

  /* mtime advances and the time CSR follows it. */
  const uint64_t t0 = clint_mtime();
  const uint32_t csr_time = csr_read(time);
  const uint64_t t1 = clint_mtime();
  CHECK(1, t1 >= t0);
  CHECK(2, csr_time >= (uint32_t)t0 && csr_time <= (uint32_t)t1);

  /* MTIP is a level: pending while mtime >= mtimecmp, whatever mstatus.MIE says. */
  irq_global_disable();
  clint_set_timecmp(UINT64_MAX);
  CHECK(3, (csr_read(mip) & MIP_MTIP) == 0);
  const uint64_t cmp = clint_mtime() + 100;
  clint_set_timecmp(cmp);
  CHECK(9, (csr_read(mip) & MIP_MTIP) == 0); /* not before the deadline */
  /* It must show up once mtime passes mtimecmp (allow for the model's synchronisation
   * granularity: up to 10 ms of simulated time). */
  uint64_t seen_at = 0;
  while (clint_mtime() < cmp + 100000u) {
    if (csr_read(mip) & MIP_MTIP) {
      seen_at = clint_mtime();
      break;
    }
  }
  CHECK(4, seen_at >= cmp);
  clint_set_timecmp(UINT64_MAX);
  CHECK(5, (csr_read(mip) & MIP_MTIP) == 0);

  /* WFI wakes on an enabled pending interrupt even with mstatus.MIE = 0 (no trap taken). */
  ticks = 0;
  csr_set(mie, MIE_MTIE);
  const uint64_t wake_at = clint_mtime() + PERIOD;
  clint_set_timecmp(wake_at);
  wfi();
  CHECK(6, clint_mtime() >= wake_at);
  CHECK_EQ(7, ticks, 0);
  clint_set_timecmp(UINT64_MAX);
  csr_clear(mie, MIE_MTIE);

  run_ticks(0, 10);
  run_ticks(1, 20);
  printf("timer_irq: PASS\n");
  return 0;
}
