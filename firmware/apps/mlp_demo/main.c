/* mlp_demo: the platform's main job, end to end. Boot, probe the accelerator, load the
 * embedded kernel image of a 256-128-10 MLP, write its input by DMA, run it (WFI until the
 * interrupt), read the output by DMA, compute the same MLP on the CPU in the same
 * fixed-point arithmetic (isa.md §2.8: exact products, one round-to-nearest-even per
 * crossbar, saturation; saturating add of the partial sums; ReLU), compare bit for bit, and
 * exit 0 only if everything matched. Weights and input come from mlp_demo_data.h, generated
 * with the kernel by scripts/gen_mlp_demo.py. */
#include <stdint.h>
#include <stdio.h>

#include "mlp_demo_data.h"
#include "puma.h"

extern const uint8_t mlp_demo_image[];
extern const uint8_t mlp_demo_image_end[];

static int16_t sat16(int64_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }

/* v / 2^f rounded to nearest, ties to even (isa.md §2.2), then saturated. */
static int16_t rne_sat(int64_t v) {
  int64_t q = v >> MLP_FRAC_BITS; /* floor */
  const int64_t r = v - q * ((int64_t)1 << MLP_FRAC_BITS), h = (int64_t)1 << (MLP_FRAC_BITS - 1);
  if (r > h || (r == h && (q & 1))) ++q;
  return sat16(q);
}

static void cpu_mlp(int16_t y[MLP_N_OUT]) {
  static int16_t h[MLP_N_HID];
  for (int j = 0; j < MLP_N_HID; ++j) {
    int64_t lo = 0, hi = 0; /* rows 0..127 and 128..255 sit on two crossbars */
    for (int i = 0; i < 128; ++i) lo += (int64_t)mlp_w1[i][j] * mlp_x[i];
    for (int i = 128; i < MLP_N_IN; ++i) hi += (int64_t)mlp_w1[i][j] * mlp_x[i];
    const int16_t s = sat16((int64_t)rne_sat(lo) + rne_sat(hi));
    h[j] = s > 0 ? s : 0;
  }
  for (int j = 0; j < MLP_N_OUT; ++j) {
    int64_t acc = 0;
    for (int i = 0; i < MLP_N_HID; ++i) acc += (int64_t)mlp_w2[i][j] * h[i];
    y[j] = rne_sat(acc);
  }
}

static int fail(const char* what, int rc) {
  printf("mlp_demo: %s failed: %d (%s)\n", what, rc, puma_strerror(rc));
  return 1;
}

int main(void) {
  puma_dev_t dev;
  int rc = puma_probe(&dev);
  if (rc) return fail("probe", rc);
  printf("mlp_demo: accelerator v%lu.%lu, %lu tiles x %lu cores x %lu MVMUs of %lux%lu, Q%lu\n",
         (unsigned long)(dev.geo.version >> 16), (unsigned long)(dev.geo.version & 0xFFFF),
         (unsigned long)dev.geo.tiles, (unsigned long)dev.geo.cores_per_tile, (unsigned long)dev.geo.mvmus_per_core,
         (unsigned long)dev.geo.xbar_rows, (unsigned long)dev.geo.xbar_rows, (unsigned long)dev.geo.frac_bits);

  const uint32_t size = (uint32_t)(mlp_demo_image_end - mlp_demo_image);
  if ((rc = puma_load(&dev, mlp_demo_image, size))) return fail("load", rc);
  puma_tensor_t x, y;
  if ((rc = puma_find_tensor(mlp_demo_image, size, "x", &x))) return fail("find tensor x", rc);
  if ((rc = puma_find_tensor(mlp_demo_image, size, "y", &y))) return fail("find tensor y", rc);
  if (x.length != MLP_N_IN || y.length != MLP_N_OUT) return fail("tensor shapes", PUMA_ERR_IMAGE);

  static int16_t out[MLP_N_OUT];
  if ((rc = puma_write_tensor(&dev, &x, mlp_x))) return fail("write x", rc);
  if ((rc = puma_run(&dev))) return fail("run", rc);
  if ((rc = puma_read_tensor(&dev, &y, out))) return fail("read y", rc);

  int16_t ref[MLP_N_OUT];
  cpu_mlp(ref);
  int mismatches = 0, best = 0;
  printf("mlp_demo:  j  accelerator (raw, value)   cpu (raw)\n");
  for (int j = 0; j < MLP_N_OUT; ++j) {
    const long milli = (long)out[j] * 1000 / (1L << MLP_FRAC_BITS); /* truncated toward zero */
    const long mag = milli < 0 ? -milli : milli;
    printf("mlp_demo: %2d  %6d  %s%ld.%03ld   %6d%s\n", j, out[j], out[j] < 0 ? "-" : " ", mag / 1000, mag % 1000,
           ref[j], out[j] == ref[j] ? "" : "  MISMATCH");
    if (out[j] != ref[j]) ++mismatches;
    if (out[j] > out[best]) best = j;
  }
  const uint64_t cycles = puma_perf(PUMA_PERF_CYCLES), mvms = puma_perf(PUMA_PERF_MVMS);
  const uint64_t energy = puma_perf(PUMA_PERF_ENERGY_PJ);
  printf("mlp_demo: class %d; accelerator %lu cycles, %lu MVMs, %lu.%03lu nJ\n", best, (unsigned long)cycles,
         (unsigned long)mvms, (unsigned long)(energy / 1000), (unsigned long)(energy % 1000));
  if (mismatches) {
    printf("mlp_demo: FAIL: %d of %d outputs differ from the CPU reference\n", mismatches, MLP_N_OUT);
    return 2;
  }
  printf("mlp_demo: PASS: all %d outputs bit-exact\n", MLP_N_OUT);
  return 0;
}
