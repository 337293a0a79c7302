# Two tiles each waiting to receive from the other before sending: deadlock (ERROR_CODE 8).
.config frac_bits=12 xbar_size=128 num_mvmu=2
.tensor y out 0 0 1
.tile 0
        receive  0, 0, width=1
        send     0, 0, 1, width=1
        halt
.tile 1
        receive  0, 0, width=1
        send     0, 0, 0, width=1
        halt
