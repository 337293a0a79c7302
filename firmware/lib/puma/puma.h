/* libpuma — bare-metal driver for the pumavp accelerator (architecture.md §2.3–§2.5).
 *
 *   puma_dev_t dev;
 *   puma_probe(&dev);                         // ID, version, geometry
 *   puma_load(&dev, image, image_size);       // LOAD over DMA, waits (WFI + IRQ)
 *   puma_tensor_t x, y;
 *   puma_find_tensor(image, image_size, "x", &x);
 *   puma_write_tensor(&dev, &x, input);       // DMA DRAM -> tile memory, count from TENSOR
 *   puma_run(&dev);                           // START, waits (WFI + IRQ)
 *   puma_read_tensor(&dev, &y, output);       // DMA tile memory -> DRAM (consumes)
 *
 * Every call returns PUMA_OK (0) or a negative driver error, or a positive accelerator
 * ERROR_CODE (1..11, §2.5); puma_strerror() names both. Waiting is WFI on machine external
 * interrupts (PLIC source 1) — the driver never spins on the bus.
 */
#ifndef PUMA_H
#define PUMA_H

#include <stddef.h>
#include <stdint.h>

#include "hal/platform.h"
#include "hal/plic.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the accelerator sits: the HAL's memory map (hal/platform.h, hal/plic.h). */
#define PUMA_CSR_BASE ACCEL_CSR_BASE
#define PUMA_WINDOW_BASE ACCEL_WINDOW_BASE
#define PUMA_PLIC_BASE PLIC_BASE
#define PUMA_PLIC_SOURCE PLIC_SOURCE_ACCEL

/* CSR offsets */
#define PUMA_ID 0x000u
#define PUMA_VERSION 0x004u
#define PUMA_GEOMETRY0 0x008u
#define PUMA_GEOMETRY1 0x00Cu
#define PUMA_CTRL 0x010u
#define PUMA_STATUS 0x014u
#define PUMA_IRQ_EN 0x018u
#define PUMA_IRQ_STATUS 0x01Cu
#define PUMA_ERROR_CODE 0x020u
#define PUMA_ERROR_INFO 0x024u
#define PUMA_ERROR_PC 0x028u
#define PUMA_KADDR 0x030u
#define PUMA_KSIZE 0x034u
#define PUMA_DMA_SRC 0x040u
#define PUMA_DMA_DST 0x044u
#define PUMA_DMA_LEN 0x048u
#define PUMA_DMA_CTRL 0x04Cu
#define PUMA_DMA_STATUS 0x050u
#define PUMA_PERF_CYCLES 0x080u
#define PUMA_PERF_INSTRS 0x088u
#define PUMA_PERF_MVMS 0x090u
#define PUMA_PERF_FLITS 0x098u
#define PUMA_PERF_ENERGY_PJ 0x0A0u

#define PUMA_ID_VALUE 0x50554D41u
#define PUMA_CTRL_LOAD 1u
#define PUMA_CTRL_START 2u
#define PUMA_CTRL_ABORT 4u
#define PUMA_CTRL_RESET 8u
#define PUMA_STATUS_BUSY 1u
#define PUMA_STATUS_LOADED 2u
#define PUMA_STATUS_DONE 4u
#define PUMA_STATUS_ERROR 8u
#define PUMA_IRQ_DONE 1u
#define PUMA_IRQ_ERROR 2u
#define PUMA_IRQ_DMA 4u
#define PUMA_DMA_GO 1u
#define PUMA_DMA_PEEK 2u
#define PUMA_DMA_BUSY 1u
#define PUMA_DMA_DONE 2u
#define PUMA_DMA_ERROR 4u

/* Driver errors (negative); accelerator error codes are positive (architecture.md §2.5). */
enum {
  PUMA_OK = 0,
  PUMA_ERR_NO_DEVICE = -1,      /* ID register does not read "PUMA" */
  PUMA_ERR_VERSION = -2,        /* unsupported major version */
  PUMA_ERR_IMAGE = -3,          /* kernel image unreadable by the driver (header/sections) */
  PUMA_ERR_NO_TENSOR = -4,      /* no TENSOR section of that name */
  PUMA_ERR_DIRECTION = -5,      /* writing an output or reading an input tensor */
  PUMA_ERR_ARG = -6,            /* bad argument (NULL, misaligned buffer, ...) */
  PUMA_ERR_NOT_LOADED = -7,     /* START without a loaded kernel */
  PUMA_ERR_DMA = -8,            /* DMA transfer failed */
};

typedef struct {
  uint32_t version;
  uint32_t tiles;
  uint32_t cores_per_tile;
  uint32_t mvmus_per_core;
  uint32_t xbar_rows;
  uint32_t frac_bits;
  uint32_t panther;
} puma_geometry_t;

typedef struct {
  puma_geometry_t geo;
  uint32_t last_error;      /* ERROR_CODE of the last failed LOAD/run */
  uint32_t last_error_info; /* ERROR_INFO */
  uint32_t last_error_pc;   /* ERROR_PC */
} puma_dev_t;

typedef struct {
  char name[65];
  uint32_t tile;
  uint32_t addr;    /* shared-memory word address */
  uint32_t length;  /* words */
  uint32_t output;  /* 0 input, 1 output */
  uint32_t count;   /* consumer count of an input */
} puma_tensor_t;

int puma_probe(puma_dev_t* dev);
int puma_load(puma_dev_t* dev, const void* image, uint32_t size);
int puma_find_tensor(const void* image, uint32_t size, const char* name, puma_tensor_t* out);
int puma_write_tensor(puma_dev_t* dev, const puma_tensor_t* t, const int16_t* data);
int puma_read_tensor(puma_dev_t* dev, const puma_tensor_t* t, int16_t* data);
int puma_start(puma_dev_t* dev);          /* START without waiting */
int puma_wait(puma_dev_t* dev);           /* WFI until DONE or ERROR */
int puma_run(puma_dev_t* dev);            /* START + wait */
int puma_abort(puma_dev_t* dev);          /* ABORT, then wait for the ERROR (code 10) */
void puma_reset(puma_dev_t* dev);         /* RESET to the power-on state */
/* DMA between host memory and the accelerator window; `count` = consumer count for writes
 * into tile memory (0 acts as 1); `peek` = host reads neither wait nor consume. */
int puma_dma(puma_dev_t* dev, uint32_t src, uint32_t dst, uint32_t len, uint32_t count, int peek);
uint64_t puma_perf(uint32_t offset);      /* 64-bit PERF counter, torn-read safe */
const char* puma_strerror(int code);
/* The shared-memory word address of tile `tile`, word `word` in the host window. */
static inline uint32_t puma_window_addr(uint32_t tile, uint32_t word) {
  return PUMA_WINDOW_BASE + tile * 0x10000u + word * 2u;
}

#ifdef __cplusplus
}
#endif

#endif /* PUMA_H */
