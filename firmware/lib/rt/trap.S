/* Trap entry points. Direct mode: mtvec = trap_entry. Vectored mode: mtvec = trap_vector_table|1;
 * slot 0 takes exceptions, slot N interrupt cause N. Every path pushes a trap_frame_t (x1..x31,
 * mepc, mcause, mtval, mstatus; slot 0 = the vector slot taken, -1 in direct mode), calls
 * trap_dispatch(frame) and returns with mret using the (possibly modified) mepc/mstatus. */
#include "rt/trap_frame.h"

  .section .text.trap, "ax", @progbits
  .option push
  .option norvc

  .balign 256
  .globl trap_vector_table
trap_vector_table:
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j trap_vec_\n
  .endr

  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
trap_vec_\n:
  addi sp, sp, -TF_SIZE
  sw t0, TF_REG(5)(sp)
  li t0, \n
  j trap_common
  .endr

  .balign 4
  .globl trap_entry
  .type trap_entry, @function
trap_entry:
  addi sp, sp, -TF_SIZE
  sw t0, TF_REG(5)(sp)
  li t0, -1
trap_common:
  sw t0, TF_REG(0)(sp)
  sw ra, TF_REG(1)(sp)
  addi t0, sp, TF_SIZE
  sw t0, TF_REG(2)(sp)
  sw gp, TF_REG(3)(sp)
  sw tp, TF_REG(4)(sp)
  .irp r, 6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sw x\r, TF_REG(\r)(sp)
  .endr
  csrr t0, mepc
  sw t0, TF_MEPC(sp)
  csrr t0, mcause
  sw t0, TF_MCAUSE(sp)
  csrr t0, mtval
  sw t0, TF_MTVAL(sp)
  csrr t0, mstatus
  sw t0, TF_MSTATUS(sp)

  mv a0, sp
  call trap_dispatch

  lw t0, TF_MEPC(sp)
  csrw mepc, t0
  lw t0, TF_MSTATUS(sp)
  csrw mstatus, t0
  lw ra, TF_REG(1)(sp)
  lw gp, TF_REG(3)(sp)
  lw tp, TF_REG(4)(sp)
  .irp r, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  lw x\r, TF_REG(\r)(sp)
  .endr
  addi sp, sp, TF_SIZE
  mret
  .size trap_entry, . - trap_entry
  .option pop
