/* SiFive-style test finisher: ends the simulation with an exit code. exit()/_exit() of
 * picolibc end up here: code 0 -> pass (exit 0), code c != 0 -> fail with exit code c. */
#ifndef PUMAVP_HAL_FINISHER_H
#define PUMAVP_HAL_FINISHER_H

#include <stdint.h>

#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

#ifdef __cplusplus
extern "C" {
#endif

__attribute__((noreturn)) void finisher_exit(int code);

#ifdef __cplusplus
}
#endif

#endif
