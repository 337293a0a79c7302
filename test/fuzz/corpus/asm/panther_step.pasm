# One PANTHER training step on a single MCU (isa.md §7): forward MVM, then an outer-product
# update W += x * delta^T queued by OPA and committed at halt. The host writes x and delta
# and reads y = W^T x (computed with the weights of kernel start).
.config panther=true num_mvmu=1 xbar_size=32 frac_bits=12
.tensor x     in  0 0  4
.tensor delta in  0 8  3
.tensor y     out 0 16 3
.xbar 0 0 0 rows=4 cols=3 format=q    # weights have 2f = 24 fractional bits
   0.5  -0.25   1.0
   1.0   0.5    0.0
   0.25  0.25  -0.5
  -0.5   0.25   0.125
.end
.core 0 0
        set      rf.0, 0               # address of x
        set      rf.1, 8               # address of delta
        set      rf.2, 16              # address of y
        load     in0.0, rf.0, width=4  # x: MVM input (slot 0)
        copy     in0.2.0, in0.0, vec=4 # x: OPA row vector (slot 2)
        load     out0.2.0, rf.1, width=3   # delta: OPA column vector (XbarOut slot 2)
        mcu      u0=mvm+opa
        store    rf.2, out0.0, width=3
        halt                           # commits the OPA update
