/* sdk_app: probes the accelerator through the installed libpuma, prints its geometry over the
 * UART (picolibc printf through the installed HAL) and ends through the test finisher with
 * exit code 0 when the geometry is the one of the config it was run with (argument-free:
 * the expectation is compiled in, see install_test.sh). */
#include <stdio.h>

#include "hal/hal.h"
#include "puma.h"

int main(void) {
  puma_dev_t dev;
  const int rc = puma_probe(&dev);
  if (rc) {
    printf("sdk_app: probe failed: %d\n", rc);
    return 2;
  }
  printf("sdk_app: %lu tiles x %lu cores x %lu MVMUs of %lu rows\n", (unsigned long)dev.geo.tiles,
         (unsigned long)dev.geo.cores_per_tile, (unsigned long)dev.geo.mvmus_per_core, (unsigned long)dev.geo.xbar_rows);
  return dev.geo.tiles == EXPECT_TILES ? 0 : 3;
}
