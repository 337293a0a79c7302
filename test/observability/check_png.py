#!/usr/bin/env python3
"""Each argument must be a PNG that matplotlib reads back, of a sensible size, not blank."""
import sys

import matplotlib.image as im

for p in sys.argv[1:]:
    with open(p, "rb") as f:
        head = f.read(8)
    assert head == bytes([137, 80, 78, 71, 13, 10, 26, 10]), p + ": not a PNG"
    a = im.imread(p)
    assert a.shape[0] >= 200 and a.shape[1] >= 300, p + ": too small " + str(a.shape)
    assert a.std() > 0.01, p + ": blank picture"
    print(p, a.shape, "ok")
print("all pictures ok")
