#!/usr/bin/python3
"""The trained digits CNN through the command line, as a user runs it: `pumavp compile` the
committed ONNX file, `pumavp exec` the whole test split as one batch (N x 1 x 8 x 8 floats in,
N x 10 int16 logits out, in the ONNX shapes), and compare the accuracy with the float accuracy
the training script recorded: within 1 point (issue 16).

usage: check_digits_exec.py PUMAVP SOURCE_DIR WORK_DIR CONFIG
"""
import json
import os
import subprocess
import sys

import numpy as np


def main():
    pumavp, src, work, config = sys.argv[1:5]
    models = os.path.join(src, "kernels", "models")
    os.makedirs(work, exist_ok=True)
    kimg = os.path.join(work, "digits_cnn.pkimg")
    logits = os.path.join(work, "digits_logits.npy")
    subprocess.run([pumavp, "compile", os.path.join(models, "digits_cnn.onnx"), "-o", kimg, "--config", config],
                   check=True)
    subprocess.run([pumavp, "exec", "--config", config, kimg, "--input",
                    "image=" + os.path.join(models, "digits_test_x.npy"), "--output", "logits=" + logits,
                    "--max-time", "10s", "-q"], check=True)
    y = np.load(os.path.join(models, "digits_test_y.npy"))
    out = np.load(logits)
    if out.shape != (len(y), 10) or out.dtype != np.int16:
        print(f"FAIL: logits of shape {out.shape} {out.dtype}, expected ({len(y)}, 10) int16")
        return 1
    acc = float((out.argmax(axis=1) == y).mean())
    with open(os.path.join(models, "digits_cnn.json")) as f:
        ref = json.load(f)["float_test_accuracy"]
    print(f"digits CNN on the VP: accuracy {100 * acc:.2f} % on {len(y)} test images, float {100 * ref:.2f} %")
    if abs(acc - ref) > 0.01:
        print("FAIL: more than 1 point from the float accuracy")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
