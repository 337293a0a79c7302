/* Instructions that trap, each at a global label so the C side knows the expected mepc.
 * Every probe returns normally once the handler has moved mepc past the faulting
 * instruction. */
  .text
  .option push

  .option norvc
  .globl probe_illegal32, insn_illegal32
probe_illegal32:
insn_illegal32:
  .word 0x0000000b            /* custom-0 opcode: not implemented -> illegal */
  ret

  .globl probe_csr_readonly, insn_csr_readonly
probe_csr_readonly:
insn_csr_readonly:
  csrw mvendorid, a0          /* write to a read-only CSR -> illegal */
  ret

  .globl probe_ecall, insn_ecall
probe_ecall:
  li a0, 0x1234
insn_ecall:
  ecall
  ret

  .globl probe_ebreak, insn_ebreak
probe_ebreak:
insn_ebreak:
  ebreak
  ret

  /* lw/lh/sw/sh at the address in a0 (value a1 for stores); loads return the value. */
  .globl probe_lw, insn_lw
probe_lw:
insn_lw:
  lw a0, 0(a0)
  ret
  .globl probe_lh, insn_lh
probe_lh:
insn_lh:
  lh a0, 0(a0)
  ret
  .globl probe_sw, insn_sw
probe_sw:
insn_sw:
  sw a1, 0(a0)
  ret
  .globl probe_sh, insn_sh
probe_sh:
insn_sh:
  sh a1, 0(a0)
  ret

  .option rvc
  .globl probe_illegal16, insn_illegal16
probe_illegal16:
insn_illegal16:
  .half 0x0000                /* all-zero halfword: defined illegal */
  ret

  .globl probe_cebreak, insn_cebreak
probe_cebreak:
insn_cebreak:
  c.ebreak
  ret

  .option pop
