.xbar 0 0 0 file=w.npy
.xbar 0 0 1 file=w.npy transpose rows=4 cols=4
.xbar 0 1 0 file=wf.npy format=q
.xbar 0 1 1 file=w.csv
.xbar 1 0 0 file=nope.npy
.core 0 0
 halt
