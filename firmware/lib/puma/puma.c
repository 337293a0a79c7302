/* libpuma — see puma.h. Register access, PLIC and CSR plumbing come from the HAL
 * (hal/platform.h, hal/plic.h, hal/csr.h); this file only knows the accelerator's CSR block. */
#include "puma.h"

#include "hal/csr.h"
#include "hal/platform.h"
#include "hal/plic.h"

#define REG(off) MMIO32(PUMA_CSR_BASE + (off))

/* Route accelerator interrupts to this hart: PLIC source 1, priority 1, threshold 0, MEIE. */
static void irq_setup(void) {
  plic_set_priority(PLIC_SOURCE_ACCEL, 1);
  plic_enable(PLIC_SOURCE_ACCEL);
  plic_set_threshold(0);
  csr_set(mie, MIE_MEIE);
}

/* Acknowledge: clear the device's IRQ_STATUS bits, then claim/complete at the PLIC once.
 * The accelerator's line is level-triggered: while another IRQ_STATUS bit stays set (say DONE
 * of a run that ended during a DMA wait, which only DMA|ERROR acknowledges), the source is
 * pending again the moment it is completed, so claiming until the PLIC returns 0 would never
 * end (issue 15: a driver hang that looked like a DMA that never finished). */
static void irq_ack(uint32_t bits) {
  REG(PUMA_IRQ_STATUS) = bits;
  const uint32_t id = plic_claim();
  if (id != 0) plic_complete(id);
}

/* Sleep (WFI) until (REG(reg) & mask) == 0. Global interrupts are masked meanwhile: WFI wakes
 * on a pending enabled interrupt whatever mstatus.MIE says, and the level-triggered line
 * cannot be lost between the test and the WFI. */
static void sleep_while(uint32_t reg, uint32_t mask) {
  const uint32_t saved = irq_save();
  while (REG(reg) & mask) wfi();
  irq_restore(saved);
}

static void record_error(puma_dev_t* dev) {
  dev->last_error = REG(PUMA_ERROR_CODE);
  dev->last_error_info = REG(PUMA_ERROR_INFO);
  dev->last_error_pc = REG(PUMA_ERROR_PC);
}

int puma_probe(puma_dev_t* dev) {
  if (!dev) return PUMA_ERR_ARG;
  if (REG(PUMA_ID) != PUMA_ID_VALUE) return PUMA_ERR_NO_DEVICE;
  const uint32_t v = REG(PUMA_VERSION);
  if ((v >> 16) != 1) return PUMA_ERR_VERSION;
  const uint32_t g0 = REG(PUMA_GEOMETRY0), g1 = REG(PUMA_GEOMETRY1);
  dev->geo.version = v;
  dev->geo.tiles = g0 & 0xFFFFu;
  dev->geo.cores_per_tile = (g0 >> 16) & 0xFFu;
  dev->geo.mvmus_per_core = g0 >> 24;
  dev->geo.xbar_rows = g1 & 0xFFFFu;
  dev->geo.frac_bits = (g1 >> 16) & 0xFFu;
  dev->geo.panther = (g1 >> 24) & 1u;
  dev->last_error = dev->last_error_info = dev->last_error_pc = 0;
  REG(PUMA_IRQ_EN) = PUMA_IRQ_DONE | PUMA_IRQ_ERROR | PUMA_IRQ_DMA;
  irq_setup();
  return PUMA_OK;
}

int puma_wait(puma_dev_t* dev) {
  sleep_while(PUMA_STATUS, PUMA_STATUS_BUSY);
  const uint32_t st = REG(PUMA_STATUS);
  irq_ack(PUMA_IRQ_DONE | PUMA_IRQ_ERROR);
  if (st & PUMA_STATUS_ERROR) {
    record_error(dev);
    return (int)dev->last_error;
  }
  return PUMA_OK;
}

int puma_load(puma_dev_t* dev, const void* image, uint32_t size) {
  if (!dev || !image || size == 0) return PUMA_ERR_ARG;
  REG(PUMA_KADDR) = (uint32_t)(uintptr_t)image;
  REG(PUMA_KSIZE) = size;
  REG(PUMA_CTRL) = PUMA_CTRL_LOAD;
  return puma_wait(dev);
}

int puma_start(puma_dev_t* dev) {
  if (!dev) return PUMA_ERR_ARG;
  if (!(REG(PUMA_STATUS) & PUMA_STATUS_LOADED)) return PUMA_ERR_NOT_LOADED;
  REG(PUMA_CTRL) = PUMA_CTRL_START;
  return PUMA_OK;
}

int puma_run(puma_dev_t* dev) {
  int rc = puma_start(dev);
  return rc != PUMA_OK ? rc : puma_wait(dev);
}

int puma_abort(puma_dev_t* dev) {
  if (!dev) return PUMA_ERR_ARG;
  if (!(REG(PUMA_STATUS) & PUMA_STATUS_BUSY)) return PUMA_OK;
  REG(PUMA_CTRL) = PUMA_CTRL_ABORT;
  return puma_wait(dev);
}

void puma_reset(puma_dev_t* dev) {
  REG(PUMA_CTRL) = PUMA_CTRL_RESET;
  irq_ack(PUMA_IRQ_DONE | PUMA_IRQ_ERROR | PUMA_IRQ_DMA);
  if (dev) {
    dev->last_error = dev->last_error_info = dev->last_error_pc = 0;
    REG(PUMA_IRQ_EN) = PUMA_IRQ_DONE | PUMA_IRQ_ERROR | PUMA_IRQ_DMA;
  }
}

int puma_dma(puma_dev_t* dev, uint32_t src, uint32_t dst, uint32_t len, uint32_t count, int peek) {
  if (!dev || (src & 1u) || (dst & 1u) || (len & 1u) || count > 255) return PUMA_ERR_ARG;
  if (len == 0) return PUMA_OK;
  REG(PUMA_DMA_SRC) = src;
  REG(PUMA_DMA_DST) = dst;
  REG(PUMA_DMA_LEN) = len;
  REG(PUMA_DMA_CTRL) = PUMA_DMA_GO | (peek ? PUMA_DMA_PEEK : 0u) | (count << 8);
  sleep_while(PUMA_DMA_STATUS, PUMA_DMA_BUSY);
  const uint32_t st = REG(PUMA_DMA_STATUS);
  irq_ack(PUMA_IRQ_DMA | PUMA_IRQ_ERROR);
  if (st & PUMA_DMA_ERROR) {
    record_error(dev);
    return PUMA_ERR_DMA;
  }
  return PUMA_OK;
}

int puma_write_tensor(puma_dev_t* dev, const puma_tensor_t* t, const int16_t* data) {
  if (!t || !data) return PUMA_ERR_ARG;
  if (t->output) return PUMA_ERR_DIRECTION;
  return puma_dma(dev, (uint32_t)(uintptr_t)data, puma_window_addr(t->tile, t->addr), t->length * 2u, t->count, 0);
}

int puma_read_tensor(puma_dev_t* dev, const puma_tensor_t* t, int16_t* data) {
  if (!t || !data) return PUMA_ERR_ARG;
  if (!t->output) return PUMA_ERR_DIRECTION;
  return puma_dma(dev, puma_window_addr(t->tile, t->addr), (uint32_t)(uintptr_t)data, t->length * 2u, 0, 0);
}

uint64_t puma_perf(uint32_t offset) { return mmio_read64(PUMA_CSR_BASE + offset); }

/* --- kernel image parsing (architecture.md §2.4): only what the driver needs --- */
static uint32_t rd16(const uint8_t* p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8); }
static uint32_t rd32(const uint8_t* p) { return rd16(p) | (rd16(p + 2) << 16); }

int puma_find_tensor(const void* image, uint32_t size, const char* name, puma_tensor_t* out) {
  static const char magic[8] = {'P', 'U', 'M', 'A', 'K', 'I', 'M', 'G'};
  const uint8_t* img = (const uint8_t*)image;
  if (!img || !name || !out) return PUMA_ERR_ARG;
  if (size < 64) return PUMA_ERR_IMAGE;
  for (int i = 0; i < 8; ++i)
    if (img[i] != (uint8_t)magic[i]) return PUMA_ERR_IMAGE;
  const uint32_t nsec = rd32(img + 24);
  if (nsec > (size - 64) / 16) return PUMA_ERR_IMAGE;
  for (uint32_t s = 0; s < nsec; ++s) {
    const uint8_t* e = img + 64 + 16 * s;
    if (rd16(e) != 4) continue; /* TENSOR */
    const uint32_t off = rd32(e + 8), len = rd32(e + 12);
    if (off > size || len > size - off || len < 12) return PUMA_ERR_IMAGE;
    const uint8_t* p = img + off;
    const uint32_t nlen = rd16(p + 10);
    if (nlen < 1 || nlen > 64 || 12 + nlen > len) return PUMA_ERR_IMAGE;
    uint32_t i = 0;
    while (i < nlen && name[i] == (char)p[12 + i]) ++i;
    if (i != nlen || name[i] != '\0') continue;
    for (i = 0; i < nlen; ++i) out->name[i] = (char)p[12 + i];
    out->name[nlen] = '\0';
    out->tile = rd16(e + 2);
    out->addr = rd32(p);
    out->length = rd32(p + 4);
    out->output = p[8];
    out->count = p[9] ? p[9] : 1u;
    return PUMA_OK;
  }
  return PUMA_ERR_NO_TENSOR;
}

const char* puma_strerror(int code) {
  switch (code) {
    case PUMA_OK: return "ok";
    case PUMA_ERR_NO_DEVICE: return "no accelerator (ID mismatch)";
    case PUMA_ERR_VERSION: return "unsupported accelerator version";
    case PUMA_ERR_IMAGE: return "kernel image unreadable";
    case PUMA_ERR_NO_TENSOR: return "no tensor of that name";
    case PUMA_ERR_DIRECTION: return "wrong tensor direction";
    case PUMA_ERR_ARG: return "bad argument";
    case PUMA_ERR_NOT_LOADED: return "no kernel loaded";
    case PUMA_ERR_DMA: return "DMA transfer failed";
    case 1: return "bad image magic or version";
    case 2: return "image CRC mismatch";
    case 3: return "geometry mismatch";
    case 4: return "malformed section";
    case 5: return "illegal instruction";
    case 6: return "address out of range";
    case 7: return "FIFO error";
    case 8: return "deadlock";
    case 9: return "DMA bus error";
    case 10: return "aborted";
    case 11: return "fatal arithmetic flag";
    default: return "unknown error";
  }
}
