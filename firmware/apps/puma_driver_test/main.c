/* puma_driver_test: every libpuma call against the virtual accelerator, including the error
 * paths: probe, tensor lookup (missing name, wrong direction), LOAD of corrupted images (bad
 * magic 1, bad CRC 2, wrong geometry 3, truncated section 4, illegal instruction 5), a good
 * run of the isa.md §10 worked example, a deadlocking kernel (8), ABORT of a long run (10),
 * DMA errors (9), RESET, START without a kernel, error strings. Exit code = the failed
 * check's number (see CHECK in ../common.h); 0 when everything held.
 * Expects configs/small.yaml (4 tiles x 8 cores x 2 MVMUs of 128, Q3.12). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../common.h"
#include "puma.h"

#define KERNEL(sym)                      \
  extern const uint8_t sym[];            \
  extern const uint8_t sym##_end[];
KERNEL(k_mlp2)
KERNEL(k_spin)
KERNEL(k_deadlock)
#define KSIZE(sym) ((uint32_t)(sym##_end - sym))

/* CRC-32 (IEEE, reflected 0xEDB88320), as zlib's crc32: images carry it over all bytes
 * after the 64-byte header. */
static uint32_t crc32_ieee(const uint8_t* p, uint32_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}
static void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24); }
static void fix_crc(uint8_t* img, uint32_t size) { put32(img + 28, crc32_ieee(img + 64, size - 64)); }

static uint8_t buf[16384] __attribute__((aligned(8)));

/* Copy the good image into RAM for patching. */
static uint32_t copy_mlp2(void) {
  const uint32_t n = KSIZE(k_mlp2);
  memcpy(buf, k_mlp2, n);
  return n;
}

static int load_expect(puma_dev_t* dev, uint32_t size, int want, const char* what) {
  const int rc = puma_load(dev, buf, size);
  printf("puma_driver_test: %-28s -> %d (%s)\n", what, rc, puma_strerror(rc));
  return rc == want;
}

int main(void) {
  puma_dev_t dev;
  /* 1..9: probe and geometry */
  CHECK_EQ(1, puma_probe(&dev), PUMA_OK);
  CHECK_EQ(2, dev.geo.version, 0x00010000u);
  CHECK_EQ(3, dev.geo.tiles, 4);
  CHECK_EQ(4, dev.geo.cores_per_tile, 8);
  CHECK_EQ(5, dev.geo.mvmus_per_core, 2);
  CHECK_EQ(6, dev.geo.xbar_rows, 128);
  CHECK_EQ(7, dev.geo.frac_bits, 12);
  CHECK_EQ(8, dev.geo.panther, 0);

  /* 10..19: START without a kernel; tensor lookup */
  CHECK_EQ(10, puma_start(&dev), PUMA_ERR_NOT_LOADED);
  puma_tensor_t x, y, t;
  CHECK_EQ(11, puma_find_tensor(k_mlp2, KSIZE(k_mlp2), "x", &x), PUMA_OK);
  CHECK_EQ(12, puma_find_tensor(k_mlp2, KSIZE(k_mlp2), "y", &y), PUMA_OK);
  CHECK(13, x.tile == 0 && x.addr == 0 && x.length == 4 && !x.output && x.count == 1);
  CHECK(14, y.tile == 1 && y.addr == 0 && y.length == 2 && y.output);
  CHECK_EQ(15, puma_find_tensor(k_mlp2, KSIZE(k_mlp2), "nope", &t), PUMA_ERR_NO_TENSOR);
  CHECK_EQ(16, puma_find_tensor(k_mlp2, 10, "x", &t), PUMA_ERR_IMAGE);

  /* 20..29: corrupted images, each with its own ERROR_CODE */
  uint32_t n = copy_mlp2();
  buf[0] = 'X';
  CHECK(20, load_expect(&dev, n, 1, "bad magic"));
  n = copy_mlp2();
  buf[n - 1] ^= 0x5A;
  CHECK(21, load_expect(&dev, n, 2, "bad CRC"));
  n = copy_mlp2();
  buf[12] = 200; /* header tiles: built for 200 tiles (the header is outside the CRC) */
  CHECK(22, load_expect(&dev, n, 3, "wrong geometry"));
  n = copy_mlp2() - 8; /* the last section now runs past the end */
  fix_crc(buf, n);
  CHECK(23, load_expect(&dev, n, 4, "truncated section"));
  n = copy_mlp2();
  { /* first CORE_PROGRAM section: its first word becomes an illegal opcode (0x3F) */
    const uint32_t nsec = get32(buf + 24);
    uint32_t s = 0;
    for (; s < nsec; ++s)
      if (buf[64 + 16 * s] == 2) break;
    CHECK(24, s < nsec);
    const uint32_t off = get32(buf + 64 + 16 * s + 8);
    memset(buf + off, 0, 8);
    buf[off] = 0x3F;
    fix_crc(buf, n);
  }
  CHECK(25, load_expect(&dev, n, 5, "illegal instruction"));
  CHECK_EQ(26, dev.last_error_info & 0xFFFFu, 0); /* tile 0 */
  CHECK_EQ(27, dev.last_error_pc, 0);

  /* 30..39: the worked example runs: y = [1.375, -0.3125] for x = [1, 0.5, -1, 2] */
  CHECK_EQ(30, puma_load(&dev, k_mlp2, KSIZE(k_mlp2)), PUMA_OK);
  static const int16_t xin[4] = {4096, 2048, -4096, 8192};
  static int16_t yout[2];
  CHECK_EQ(31, puma_write_tensor(&dev, &y, xin), PUMA_ERR_DIRECTION);
  CHECK_EQ(32, puma_read_tensor(&dev, &x, yout), PUMA_ERR_DIRECTION);
  CHECK_EQ(33, puma_write_tensor(&dev, &x, xin), PUMA_OK);
  CHECK_EQ(34, puma_run(&dev), PUMA_OK);
  CHECK_EQ(35, puma_read_tensor(&dev, &y, yout), PUMA_OK);
  CHECK_EQ(36, (uint16_t)yout[0], (uint16_t)5632);
  CHECK_EQ(37, (uint16_t)yout[1], (uint16_t)-1280);
  CHECK(38, puma_perf(PUMA_PERF_MVMS) >= 2);
  /* Reading the output again: it was consumed; the idle node fails the DMA (code 9). */
  CHECK_EQ(39, puma_read_tensor(&dev, &y, yout), PUMA_ERR_DMA);

  /* 40..49: DMA errors */
  CHECK_EQ(40, puma_dma(&dev, 0x80000001u, puma_window_addr(0, 0), 4, 1, 0), PUMA_ERR_ARG);
  CHECK_EQ(41, puma_dma(&dev, 0x30000000u, puma_window_addr(0, 0), 4, 1, 0), PUMA_ERR_DMA);
  CHECK_EQ(42, dev.last_error, 9);

  /* 50..59: deadlock */
  CHECK_EQ(50, puma_load(&dev, k_deadlock, KSIZE(k_deadlock)), PUMA_OK);
  CHECK_EQ(51, puma_run(&dev), 8);
  printf("puma_driver_test: deadlock -> 8 (%s), ERROR_INFO 0x%08lx\n", puma_strerror(8),
         (unsigned long)dev.last_error_info);

  /* 60..69: ABORT of a long run */
  CHECK_EQ(60, puma_load(&dev, k_spin, KSIZE(k_spin)), PUMA_OK);
  CHECK_EQ(61, puma_start(&dev), PUMA_OK);
  for (volatile int i = 0; i < 200; ++i) {
  }
  CHECK_EQ(62, puma_abort(&dev), 10);
  CHECK(63, puma_perf(PUMA_PERF_CYCLES) < 60000u * 3u);

  /* 70..79: RESET returns to the power-on state */
  puma_reset(&dev);
  CHECK_EQ(70, *(volatile uint32_t*)(uintptr_t)(PUMA_CSR_BASE + PUMA_STATUS), 0);
  CHECK_EQ(71, puma_start(&dev), PUMA_ERR_NOT_LOADED);
  for (int code = -8; code <= 11; ++code) CHECK(72, puma_strerror(code)[0] != '\0');

  printf("puma_driver_test: PASS\n");
  return 0;
}
