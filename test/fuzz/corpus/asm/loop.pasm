# A counted loop on one core: scale 64 words of tile memory by 0.5 in chunks of 16,
# using aluint/brn for the loop and a .data preload as input (isa.md §4, §9).
.config frac_bits=12 xbar_size=128 num_mvmu=2
.equ N      4                         # chunks
.equ SRC    0                         # tile-memory address of the input
.equ DST    256                       # tile-memory address of the output
.equ areg   rf.0                      # input pointer
.equ breg   rf.1                      # output pointer
.equ step   rf.2                      # 16
.equ cnt    rf.3                      # loop counter
.equ lim    rf.4                      # N
.tensor out out 0 DST 64
.data 0 SRC count=1 format=q
  0.5 1.0 1.5 2.0 -0.5 -1.0 -1.5 -2.0 0.25 0.75 1.25 1.75 -0.25 -0.75 -1.25 -1.75
  0.5 1.0 1.5 2.0 -0.5 -1.0 -1.5 -2.0 0.25 0.75 1.25 1.75 -0.25 -0.75 -1.25 -1.75
  0.5 1.0 1.5 2.0 -0.5 -1.0 -1.5 -2.0 0.25 0.75 1.25 1.75 -0.25 -0.75 -1.25 -1.75
  0.5 1.0 1.5 2.0 -0.5 -1.0 -1.5 -2.0 0.25 0.75 1.25 1.75 -0.25 -0.75 -1.25 -1.75
.end
.core 0 0
        set      areg, SRC
        set      breg, DST
        set      step, 16
        set      cnt, 0
        set      lim, N
loop:   load     rf.16, areg, len=16
        alui.mul rf.16, rf.16, 0.5q, vec=16
        store    breg, rf.16, len=16
        aluint.add areg, areg, step
        aluint.add breg, breg, step
        alui.add cnt, cnt, 1
        brn.lt   cnt, lim, loop
        halt
