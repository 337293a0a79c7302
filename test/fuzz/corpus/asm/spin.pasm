# A long counted loop on one core (about 60k instructions): something to ABORT.
.config frac_bits=12 xbar_size=128 num_mvmu=2
.tensor y out 0 0 1
.core 0 0
        set      rf.0, 0
        set      rf.1, 1
        set      rf.2, 30000
loop:   aluint.add rf.0, rf.0, rf.1
        brn.lt   rf.0, rf.2, loop
        halt
