/* compute_bench: CRC-32 and an integer matrix multiply; prints checksums and cycle counts.
 *
 * Each result is checked twice: against a second algorithm in this program (table-driven vs
 * bitwise CRC; row-major product vs a transposed-B product) and against golden values that
 * gen_expected.py computed at build time with zlib and Python integers.
 */
#include <stdint.h>
#include <string.h>

#include "../common.h"
#include "compute_bench_expected.h"
#include "hal/hal.h"

static uint8_t data[CRC_BYTES];
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_bt[MAT_N][MAT_N];
static int32_t mat_c[MAT_N][MAT_N];
static uint32_t crc_table[256];

static uint32_t lcg_state;
static uint32_t lcg_next(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state;
}

static uint32_t crc32_bitwise(const uint8_t* p, uint32_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void crc32_make_table(void) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int b = 0; b < 8; ++b) c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32_table(const uint8_t* p, uint32_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; ++i) crc = crc_table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

static uint32_t matmul_checksum(void) {
  uint32_t sum = 0;
  for (int i = 0; i < MAT_N; ++i)
    for (int j = 0; j < MAT_N; ++j) sum += (uint32_t)mat_c[i][j] * (uint32_t)(i * MAT_N + j + 1);
  return sum;
}

static void matmul_ikj(void) {
  memset(mat_c, 0, sizeof mat_c);
  for (int i = 0; i < MAT_N; ++i)
    for (int k = 0; k < MAT_N; ++k) {
      const int32_t a = mat_a[i][k];
      for (int j = 0; j < MAT_N; ++j) mat_c[i][j] += a * mat_b[k][j];
    }
}

static void matmul_transposed(void) {
  for (int i = 0; i < MAT_N; ++i)
    for (int j = 0; j < MAT_N; ++j) mat_bt[j][i] = mat_b[i][j];
  for (int i = 0; i < MAT_N; ++i)
    for (int j = 0; j < MAT_N; ++j) {
      int32_t acc = 0;
      for (int k = 0; k < MAT_N; ++k) acc += mat_a[i][k] * mat_bt[j][k];
      mat_c[i][j] = acc;
    }
}

int main(void) {
  lcg_state = 0x12345678u;
  for (uint32_t i = 0; i < CRC_BYTES; ++i) data[i] = (uint8_t)(lcg_next() >> 24);
  lcg_state = 0xCAFEF00Du;
  for (int i = 0; i < MAT_N; ++i)
    for (int j = 0; j < MAT_N; ++j) mat_a[i][j] = (int32_t)((lcg_next() >> 16) & 0xFFu) - 128;
  for (int i = 0; i < MAT_N; ++i)
    for (int j = 0; j < MAT_N; ++j) mat_b[i][j] = (int32_t)((lcg_next() >> 16) & 0xFFu) - 128;

  uint64_t c0 = rdcycle64(), i0 = rdinstret64();
  const uint32_t crc_bits = crc32_bitwise(data, CRC_BYTES);
  uint64_t c1 = rdcycle64(), i1 = rdinstret64();
  crc32_make_table();
  const uint32_t crc_tab = crc32_table(data, CRC_BYTES);
  uint64_t i2 = rdinstret64();
  matmul_ikj();
  const uint32_t mm1 = matmul_checksum();
  uint64_t i3 = rdinstret64();
  matmul_transposed();
  const uint32_t mm2 = matmul_checksum();

  printf("crc32 bitwise  0x%08lx  (%lu instructions, %lu cycles)\n", (unsigned long)crc_bits,
         (unsigned long)(i1 - i0), (unsigned long)(c1 - c0));
  printf("crc32 table    0x%08lx  (%lu instructions)\n", (unsigned long)crc_tab,
         (unsigned long)(i2 - i1));
  printf("crc32 expected 0x%08lx\n", (unsigned long)EXPECTED_CRC32);
  printf("matmul %dx%d checksum 0x%08lx / 0x%08lx (%lu instructions), expected 0x%08lx\n", MAT_N,
         MAT_N, (unsigned long)mm1, (unsigned long)mm2, (unsigned long)(i3 - i2),
         (unsigned long)EXPECTED_MAT_CHECKSUM);

  CHECK_EQ(1, crc_bits, crc_tab);
  CHECK_EQ(2, crc_bits, EXPECTED_CRC32);
  CHECK_EQ(3, mm1, mm2);
  CHECK_EQ(4, mm1, EXPECTED_MAT_CHECKSUM);
  CHECK(5, i1 > i0 && c1 > c0);
  printf("compute_bench: PASS\n");
  return 0;
}
