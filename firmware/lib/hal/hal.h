/* Everything of the pumavp firmware HAL in one include. */
#ifndef PUMAVP_HAL_HAL_H
#define PUMAVP_HAL_HAL_H

#include "hal/clint.h"
#include "hal/csr.h"
#include "hal/finisher.h"
#include "hal/platform.h"
#include "hal/plic.h"
#include "hal/uart.h"
#include "rt/trap.h"

#endif
