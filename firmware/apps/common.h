/* Small check helpers shared by the apps: CHECK(n, cond) prints the failing line and exits
 * with code n (so a test run names the failed check by its exit code). */
#ifndef PUMAVP_APPS_COMMON_H
#define PUMAVP_APPS_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(code, cond)                                                      \
  do {                                                                         \
    if (!(cond)) {                                                             \
      printf("FAIL %d: %s (%s:%d)\n", (code), #cond, __FILE__, __LINE__);      \
      exit(code);                                                              \
    }                                                                          \
  } while (0)

#define CHECK_EQ(code, a, b)                                                   \
  do {                                                                         \
    unsigned long _a = (unsigned long)(a), _b = (unsigned long)(b);            \
    if (_a != _b) {                                                            \
      printf("FAIL %d: %s == %s: 0x%lx != 0x%lx (%s:%d)\n", (code), #a, #b, _a, \
             _b, __FILE__, __LINE__);                                          \
      exit(code);                                                              \
    }                                                                          \
  } while (0)

#endif
