#!/usr/bin/python3
"""The CNN demo's generator (scripts/gen_cnn_demo.py) reads digits_cnn.onnx with its own
protobuf reader and evaluates the float network in numpy. Its float accuracy on the whole
test split must equal the one PyTorch recorded when the model was trained
(kernels/models/digits_cnn.json), which fails if any weight, bias or attribute is misread.

usage: check_cnn_demo_gen.py GEN.py MODELS_DIR OUT.h
"""
import json
import os
import re
import subprocess
import sys

gen, models, out = sys.argv[1:4]
meta = json.load(open(os.path.join(models, "digits_cnn.json")))
r = subprocess.run([sys.executable, gen, os.path.join(models, "digits_cnn.onnx"),
                    os.path.join(models, "digits_test_x.npy"), os.path.join(models, "digits_test_y.npy"), out,
                    "--count", str(meta["n_test"])], capture_output=True, text=True)
if r.returncode:
    sys.exit(f"generator failed: {r.stderr}")
m = re.search(r"float model (\d+)/(\d+) correct", r.stdout)
if not m:
    sys.exit(f"no accuracy line in {r.stdout!r}")
correct, n = int(m.group(1)), int(m.group(2))
if n != meta["n_test"] or round(correct / n, 6) != round(meta["float_test_accuracy"], 6):
    sys.exit(f"generator float accuracy {correct}/{n}, training recorded {meta['float_test_accuracy']} "
             f"on {meta['n_test']}")
hdr = open(out).read()
if f"#define CNN_FLOAT_CORRECT {correct}" not in hdr or f"#define CNN_N_IMAGES {n}" not in hdr:
    sys.exit("header does not carry the counts the generator printed")
print(f"generator float accuracy matches: {correct}/{n} = {meta['float_test_accuracy']}")
