# Worked example of isa.md §10: a two-layer MLP slice.
# Layer 1 (4 -> 3, ReLU) on core 0 of tile 0, layer 2 (3 -> 2) on core 1 of tile 0;
# tile 0 sends the result to tile 1, where the host reads it.
# For x = [1.0, 0.5, -1.0, 2.0] the host reads y = [1.375, -0.3125].
.config frac_bits=12 xbar_size=128 num_mvmu=2
.tensor x in  0 0 4                   # tile 0, words 0..3, count 1
.tensor y out 1 0 2                   # tile 1, words 0..1
.xbar 0 0 0 rows=4 cols=3 format=q    # W1 (row = input, column = output)
   0.5  -0.25   1.0
   1.0   0.5    0.0
   0.25  0.25  -0.5
  -0.5   0.25   0.125
.end
.xbar 0 1 0 rows=3 cols=2 format=q    # W2
   1.0  -1.0
   2.0   0.5
   0.5  -0.25
.end
.core 0 0                             # layer 1
        set      rf.0, 0              # address of x
        set      rf.1, 16             # address of h
        load     in0.0, rf.0, width=4
        mvm      mask=0b01
        alu.relu rf.8, out0.0, vec=3
        store    rf.1, rf.8, count=1, width=3
        halt
.core 0 1                             # layer 2
        set      rf.0, 16
        set      rf.1, 32
        load     in0.0, rf.0, width=3
        mvm      mask=0b01
        store    rf.1, out0.0, count=1, width=2
        halt
.tile 0
        send     32, 0, 1, width=2    # FIFO 0 of tile 1
        halt
.tile 1
        receive  0, 0, count=1, width=2
        halt
