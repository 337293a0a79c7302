/* Layout of the register frame the trap entry code pushes (shared by trap.S and trap.h). */
#ifndef PUMAVP_RT_TRAP_FRAME_H
#define PUMAVP_RT_TRAP_FRAME_H

#define MSTATUS_MIE 0x8
#define MSTATUS_MPIE 0x80

#define TF_REG(n) ((n) * 4) /* x1..x31; slot 0 holds the vector slot (-1: direct mode) */
#define TF_MEPC (32 * 4)
#define TF_MCAUSE (33 * 4)
#define TF_MTVAL (34 * 4)
#define TF_MSTATUS (35 * 4)
#define TF_SIZE (36 * 4) /* multiple of 16: the ABI stack alignment */

#endif
