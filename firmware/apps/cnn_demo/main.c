/* cnn_demo: the trained digits CNN (kernels/models/digits_cnn.onnx) classifies a batch of test
 * images on the accelerator through libpuma, and the same network runs on the RISC-V CPU
 * alone in the same fixed point.
 *
 *  - The kernel image was compiled from the ONNX file by `pumavp compile` at build time; it
 *    is loaded once. Per image: DMA the 64 input words in, START, WFI until DONE, DMA the
 *    10 logits out, argmax against the label.
 *  - No overlap of the next image's DMA with the current run: the ISA does not allow it.
 *    A host write into the input tensor during a run waits until the kernel has consumed
 *    the words and then makes them valid, but START discards every word the host did not
 *    write since the previous run *ended* (isa.md §6), so image i+1 written while run i is
 *    busy would be gone when run i+1 starts. (With this kernel such a write in fact waits
 *    for the end of the run, because the input's first and last rows are never consumed
 *    down to count 0, and then lands as an idle write: no overlap either way; see
 *    docs/decisions-firmware.md.) The sequence is therefore write, run, read.
 *  - Figures: accuracy, images per simulated second (CLINT mtime around the loop), the
 *    accelerator's energy per image (PERF energy counter, architecture.md §2.3, difference
 *    over the batch), the CPU's time for the same batch and the speed-up.
 *  - The CPU path implements the quantised semantics of docs/decisions-compiler.md
 *    ("Convolutional networks"): a Conv's (Cin*K*K) x Cout weight matrix is cut into row
 *    blocks of whole input-channel groups of G = floor(X / (K*K)) channels (X = crossbar
 *    size, from the accelerator's GEOMETRY1); each block's exact sum is rounded once
 *    (round half to even, then saturated), the blocks are added with saturation in order,
 *    then the bias, then ReLU. MaxPool is exact. Flatten + Gemm is a Conv whose kernel
 *    covers the whole map, with the same block rule.
 * Exit 0 only if every image's 10 logits equal the CPU's bit for bit and the accuracy is
 * within one percentage point of the float model's on the same images. */
#include <stdint.h>
#include <stdio.h>

#include "cnn_demo_data.h"
#include "hal/clint.h"
#include "puma.h"

extern const uint8_t cnn_demo_image[];
extern const uint8_t cnn_demo_image_end[];

#define H1 CNN_H0 /* conv1 output (pad 1, stride 1) */
#define W1 CNN_W0
#define H2 (CNN_H0 / 2) /* after pool 1, conv2 output */
#define W2 (CNN_W0 / 2)
#define H3 (CNN_H0 / 4) /* after pool 2: the map the Gemm sees */
#define W3 (CNN_W0 / 4)
_Static_assert(H3 == W3, "the Gemm-as-Conv below takes a square map");

static int16_t sat16(int64_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }

/* v / 2^f, round to nearest with ties to even, saturated to int16. */
static int16_t round_sat(int64_t v) {
  const int64_t one = (int64_t)1 << CNN_FRAC_BITS, half = one >> 1;
  int64_t q = v >> CNN_FRAC_BITS; /* arithmetic shift: floor */
  const int64_t rem = v - q * one; /* 0 .. one-1 */
  if (rem > half || (rem == half && (q & 1))) q += 1;
  return sat16(q);
}

/* The exact sum of one crossbar row block (input channels c0..c1-1) for output (y, x):
 * taps outside the input (padding) contribute nothing. ACC is int32_t when the block's
 * weights allow it (see conv_relu), int64_t otherwise. */
#define BLOCK_SUM(ACC, name)                                                                              \
  static ACC name(const int16_t* in, int h, int wd, const int16_t* wco, int k, int pad, int c0, int c1, int y, \
                  int x) {                                                                                \
    const int ky0 = pad > y ? pad - y : 0, ky1 = h + pad - y < k ? h + pad - y : k;                       \
    const int kx0 = pad > x ? pad - x : 0, kx1 = wd + pad - x < k ? wd + pad - x : k;                     \
    ACC sum = 0;                                                                                          \
    for (int ci = c0; ci < c1; ++ci) {                                                                    \
      const int16_t* wk = wco + ci * k * k;                                                               \
      const int16_t* plane = in + ci * h * wd;                                                            \
      for (int ky = ky0; ky < ky1; ++ky) {                                                                \
        const int base = (y - pad + ky) * wd + (x - pad); /* + kx >= 0 for kx >= kx0 */                   \
        for (int kx = kx0; kx < kx1; ++kx) sum += (ACC)((int32_t)wk[ky * k + kx] * plane[base + kx]);     \
      }                                                                                                   \
    }                                                                                                     \
    return sum;                                                                                           \
  }
BLOCK_SUM(int32_t, block_sum32)
BLOCK_SUM(int64_t, block_sum64)

/* One Conv (+ ReLU) with padding `pad`, stride 1, on a C x H x W map in C, H, W order:
 * w is [cout][cin][k][k], out is cout x oh x ow with oh = h + 2*pad - k + 1. `group` =
 * input channels per crossbar row block. Used for the Gemm too (k = h = w, pad 0).
 * A block's sum fits int32 whenever sum|w| * 2^15 < 2^31 (|x| <= 2^15): then it is
 * accumulated in int32 (one multiply-add per tap on RV32), else in int64; both exact. */
static void conv_relu(const int16_t* in, int cin, int h, int wd, const int16_t* w, const int16_t* b, int cout,
                      int k, int pad, int group, int relu, int16_t* out) {
  const int oh = h + 2 * pad - k + 1, ow = wd + 2 * pad - k + 1;
  for (int co = 0; co < cout; ++co) {
    const int16_t* wco = w + co * cin * k * k;
    for (int c0 = 0; c0 < cin; c0 += group) {
      const int c1 = c0 + group < cin ? c0 + group : cin;
      int64_t l1 = 0;
      for (int i = c0 * k * k; i < c1 * k * k; ++i) l1 += wco[i] < 0 ? -wco[i] : wco[i];
      const int narrow = l1 * 32768 < ((int64_t)1 << 31);
      for (int y = 0; y < oh; ++y) {
        for (int x = 0; x < ow; ++x) {
          const int64_t sum = narrow ? block_sum32(in, h, wd, wco, k, pad, c0, c1, y, x)
                                     : block_sum64(in, h, wd, wco, k, pad, c0, c1, y, x);
          const int16_t part = round_sat(sum);
          int16_t* o = &out[(co * oh + y) * ow + x];
          *o = c0 == 0 ? part : sat16((int32_t)*o + part); /* blocks added in order, saturating */
        }
      }
    }
    for (int i = 0; i < oh * ow; ++i) {
      int16_t* o = &out[co * oh * ow + i];
      *o = sat16((int32_t)*o + b[co]);
      if (relu && *o < 0) *o = 0;
    }
  }
}

/* 2x2 max pooling, stride 2, on a C x H x W map. */
static void maxpool2(const int16_t* in, int c, int h, int wd, int16_t* out) {
  for (int ch = 0; ch < c; ++ch)
    for (int y = 0; y < h / 2; ++y)
      for (int x = 0; x < wd / 2; ++x) {
        const int16_t* p = in + (ch * h + 2 * y) * wd + 2 * x;
        int16_t m = p[0];
        if (p[1] > m) m = p[1];
        if (p[wd] > m) m = p[wd];
        if (p[wd + 1] > m) m = p[wd + 1];
        out[(ch * (h / 2) + y) * (wd / 2) + x] = m;
      }
}

static int channel_group(uint32_t xbar, int taps) { return (int)xbar / taps; }

static void cpu_cnn(const int16_t* image, uint32_t xbar, int16_t logits[CNN_N_OUT]) {
  static int16_t a1[CNN_C1 * H1 * W1], p1[CNN_C1 * H2 * W2], a2[CNN_C2 * H2 * W2], p2[CNN_C2 * H3 * W3];
  conv_relu(image, CNN_C0, CNN_H0, CNN_W0, &cnn_w1[0][0][0][0], cnn_b1, CNN_C1, CNN_K, CNN_K / 2,
            channel_group(xbar, CNN_K * CNN_K), 1, a1);
  maxpool2(a1, CNN_C1, H1, W1, p1);
  conv_relu(p1, CNN_C1, H2, W2, &cnn_w2[0][0][0][0], cnn_b2, CNN_C2, CNN_K, CNN_K / 2,
            channel_group(xbar, CNN_K * CNN_K), 1, a2);
  maxpool2(a2, CNN_C2, H2, W2, p2);
  conv_relu(p2, CNN_C2, H3, W3, &cnn_fw[0][0][0][0], cnn_fb, CNN_N_OUT, H3, 0, channel_group(xbar, H3 * W3), 0,
            logits);
}

static int argmax(const int16_t* v, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (v[i] > v[best]) best = i;
  return best;
}

static int fail(const char* what, int rc) {
  printf("cnn_demo: %s failed: %d (%s)\n", what, rc, puma_strerror(rc));
  return 1;
}

/* "12.34" from a value scaled by 100. */
static void print_centi(const char* label, uint64_t centi, const char* unit) {
  printf("cnn_demo: %s %lu.%02lu%s\n", label, (unsigned long)(centi / 100), (unsigned long)(centi % 100), unit);
}

static int16_t acc_logits[CNN_N_IMAGES][CNN_N_OUT];
static int16_t cpu_logits[CNN_N_IMAGES][CNN_N_OUT];

int main(void) {
  puma_dev_t dev;
  int rc = puma_probe(&dev);
  if (rc) return fail("probe", rc);
  const uint32_t size = (uint32_t)(cnn_demo_image_end - cnn_demo_image);
  const uint32_t xbar = dev.geo.xbar_rows;
  printf("cnn_demo: digits CNN, %d test images; accelerator %lu tiles, %lux%lu crossbars, Q%d.%d\n", CNN_N_IMAGES,
         (unsigned long)dev.geo.tiles, (unsigned long)xbar, (unsigned long)xbar, 15 - CNN_FRAC_BITS, CNN_FRAC_BITS);
  /* The image header's crossbar size (u16 at byte 16, architecture.md §2.4) is the X the
   * compiler partitioned the rows with; the CPU path needs the same. */
  const uint32_t image_xbar = (uint32_t)cnn_demo_image[16] | ((uint32_t)cnn_demo_image[17] << 8);
  if (image_xbar != xbar) {
    printf("cnn_demo: kernel compiled for %lux%lu crossbars, the accelerator has %lu\n", (unsigned long)image_xbar,
           (unsigned long)image_xbar, (unsigned long)xbar);
    return 1;
  }

  uint64_t t0 = clint_mtime();
  const uint64_t e_load0 = puma_perf(PUMA_PERF_ENERGY_PJ);
  if ((rc = puma_load(&dev, cnn_demo_image, size))) return fail("load", rc);
  const uint64_t load_ticks = clint_mtime() - t0;
  const uint64_t e_load = puma_perf(PUMA_PERF_ENERGY_PJ) - e_load0;
  puma_tensor_t in, out;
  if ((rc = puma_find_tensor(cnn_demo_image, size, CNN_INPUT_NAME, &in))) return fail("find input tensor", rc);
  if ((rc = puma_find_tensor(cnn_demo_image, size, CNN_OUTPUT_NAME, &out))) return fail("find output tensor", rc);
  if (in.length != CNN_IN_WORDS || out.length != CNN_N_OUT || in.output || !out.output)
    return fail("tensor shapes", PUMA_ERR_IMAGE);

  /* Accelerator: one inference per image, the kernel loaded once. */
  const uint64_t e0 = puma_perf(PUMA_PERF_ENERGY_PJ), c0 = puma_perf(PUMA_PERF_CYCLES),
                 m0 = puma_perf(PUMA_PERF_MVMS);
  t0 = clint_mtime();
  for (int i = 0; i < CNN_N_IMAGES; ++i) {
    if ((rc = puma_write_tensor(&dev, &in, cnn_images[i]))) return fail("write image", rc);
    if ((rc = puma_run(&dev))) return fail("run", rc);
    if ((rc = puma_read_tensor(&dev, &out, acc_logits[i]))) return fail("read logits", rc);
  }
  const uint64_t acc_ticks = clint_mtime() - t0;
  const uint64_t energy = puma_perf(PUMA_PERF_ENERGY_PJ) - e0, cycles = puma_perf(PUMA_PERF_CYCLES) - c0,
                 mvms = puma_perf(PUMA_PERF_MVMS) - m0;

  /* CPU alone, same fixed point. */
  t0 = clint_mtime();
  for (int i = 0; i < CNN_N_IMAGES; ++i) cpu_cnn(cnn_images[i], xbar, cpu_logits[i]);
  const uint64_t cpu_ticks = clint_mtime() - t0;

  int correct = 0, cpu_correct = 0, differ = 0;
  for (int i = 0; i < CNN_N_IMAGES; ++i) {
    const int ca = argmax(acc_logits[i], CNN_N_OUT), cc = argmax(cpu_logits[i], CNN_N_OUT);
    correct += ca == cnn_labels[i];
    cpu_correct += cc == cnn_labels[i];
    int same = 1;
    for (int j = 0; j < CNN_N_OUT; ++j) same &= acc_logits[i][j] == cpu_logits[i][j];
    if (!same) {
      ++differ;
      printf("cnn_demo: image %d MISMATCH: accelerator", i);
      for (int j = 0; j < CNN_N_OUT; ++j) printf(" %d", acc_logits[i][j]);
      printf(" / cpu");
      for (int j = 0; j < CNN_N_OUT; ++j) printf(" %d", cpu_logits[i][j]);
      printf("\n");
    }
  }

  const uint64_t hz = CLINT_MTIME_HZ_DEFAULT; /* host.mtime_hz of the shipped configs */
  const uint64_t n = CNN_N_IMAGES;
  printf("cnn_demo: load: %lu us, %lu.%03lu nJ (crossbar programming, once)\n",
         (unsigned long)(load_ticks * 1000000u / hz), (unsigned long)(e_load / 1000), (unsigned long)(e_load % 1000));
  printf("cnn_demo: accuracy: accelerator %d/%d, CPU %d/%d, float model %d/%d\n", correct, CNN_N_IMAGES, cpu_correct,
         CNN_N_IMAGES, CNN_FLOAT_CORRECT, CNN_N_IMAGES);
  print_centi("accelerator: us per image (DMA in, run, DMA out):", acc_ticks * 100000000u / hz / n, "");
  printf("cnn_demo: accelerator: %lu images per simulated second\n", (unsigned long)(n * hz / acc_ticks));
  printf("cnn_demo: accelerator: %lu.%03lu nJ per image, %lu accelerator cycles and %lu MVMs per image\n",
         (unsigned long)(energy / n / 1000), (unsigned long)(energy / n % 1000), (unsigned long)(cycles / n),
         (unsigned long)(mvms / n));
  print_centi("cpu: us per image:", cpu_ticks * 100000000u / hz / n, "");
  printf("cnn_demo: cpu: %lu images per simulated second\n", (unsigned long)(n * hz / cpu_ticks));
  print_centi("speed-up accelerator over CPU:", cpu_ticks * 100u / acc_ticks, "x");

  /* Accuracy within one percentage point of the float model's on these images. */
  const int gap = correct > CNN_FLOAT_CORRECT ? correct - CNN_FLOAT_CORRECT : CNN_FLOAT_CORRECT - correct;
  if (differ) {
    printf("cnn_demo: FAIL: %d of %d images' logits differ from the CPU's\n", differ, CNN_N_IMAGES);
    return 2;
  }
  if (gap * 100 > CNN_N_IMAGES) {
    printf("cnn_demo: FAIL: accuracy %d/%d, float model %d/%d\n", correct, CNN_N_IMAGES, CNN_FLOAT_CORRECT,
           CNN_N_IMAGES);
    return 3;
  }
  printf("cnn_demo: PASS: %d images, logits bit-exact with the CPU, accuracy %d/%d\n", CNN_N_IMAGES, correct,
         CNN_N_IMAGES);
  return 0;
}
