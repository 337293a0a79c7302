#!/usr/bin/python3
"""Trains the small digits CNN of the graph back end's accuracy test and exports it.

    scripts/train_digits_cnn.py [--out kernels/models] [--epochs 60] [--seed 0]

Needs python3-torch and python3-sklearn (`scripts/setup.sh --train`); the tests do not: they
read the committed files.

Data: scikit-learn's load_digits (1797 images, 8x8, values 0..16) scaled to [0, 1]; a fixed
stratified split keeps 360 images for the test (train_test_split, random_state = seed).
Network (every weight and activation stays well inside the Q3.12 range of +-8):

    Conv(1->8, 3x3, pad 1) + BatchNorm + ReLU, MaxPool 2     8x8 -> 8x4x4
    Conv(8->16, 3x3, pad 1) + BatchNorm + ReLU, MaxPool 2    -> 16x2x2
    Flatten, Gemm(64 -> 10)                                  -> logits

torch.onnx.export in eval mode already folds each BatchNorm into its Conv, so the file holds
Conv/Relu/MaxPool/Flatten/Gemm only (the compiler would fold a BatchNormalization too).
After training, positive rescalings (exact through ReLU and MaxPool) bring the peak activation
of each conv stage on the training set to at most ACT_LIMIT and the largest |logit| to at most
LOGIT_LIMIT: the argmax (hence the accuracy) is unchanged and nothing saturates in Q3.12.

Writes (in --out):
    digits_cnn.onnx       opset 13, input "image" 1x1x8x8 float, output "logits" 1x10
    digits_test_x.npy     float32, N x 1 x 8 x 8 (the test images, values k/16)
    digits_test_y.npy     int64, N (labels)
    digits_cnn.json       float test accuracy and the ranges seen

Deterministic: a fixed seed, one thread and torch.use_deterministic_algorithms; rerunning on
the same torch build rewrites identical files (checked with Debian's torch 1.13). Another
torch version or CPU may train to slightly different weights (floating-point summation
order); the committed files are then still the reference.
"""
import argparse
import json
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ACT_LIMIT = 4.0
LOGIT_LIMIT = 6.0
N_TEST = 360


class DigitsCNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = torch.nn.BatchNorm2d(16)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(64, 10)

    def features(self, x):
        a1 = torch.relu(self.bn1(self.conv1(x)))
        p1 = self.pool(a1)
        a2 = torch.relu(self.bn2(self.conv2(p1)))
        p2 = self.pool(a2)
        return [a1, p1, a2, p2]

    def forward(self, x):
        f = self.features(x)[-1]
        return self.fc(torch.flatten(f, 1))


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernels", "models"))
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=N_TEST, stratify=y, random_state=args.seed)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    xe, ye = torch.from_numpy(x_te), torch.from_numpy(y_te)

    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.3)
    gen = torch.Generator().manual_seed(args.seed)
    batch = 64
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        sched.step()
    model.eval()

    # Positive rescaling (ReLU and MaxPool commute with it; the argmax is unchanged): each
    # conv stage's peak activation on the training set to at most ACT_LIMIT (its BatchNorm
    # scale and shift times s, the next layer's weights divided by s), then the logits.
    with torch.no_grad():
        s1 = min(1.0, ACT_LIMIT / float(model.features(xt)[0].abs().max()))
        model.bn1.weight.mul_(s1)
        model.bn1.bias.mul_(s1)
        model.conv2.weight.div_(s1)
        s2 = min(1.0, ACT_LIMIT / float(model.features(xt)[2].abs().max()))
        model.bn2.weight.mul_(s2)
        model.bn2.bias.mul_(s2)
        model.fc.weight.div_(s2)
        s3 = min(1.0, LOGIT_LIMIT / float(model(xt).abs().max()))
        model.fc.weight.mul_(s3)
        model.fc.bias.mul_(s3)
        feats = model.features(torch.cat([xt, xe]))
        act_peak = max(float(f.abs().max()) for f in feats)
        logit_peak = float(model(torch.cat([xt, xe])).abs().max())

    # Folded weights (what the compiler quantises): conv weight * gamma / sqrt(var + eps).
    def folded(conv, bn):
        s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        return conv.weight * s[:, None, None, None], (conv.bias - bn.running_mean) * s + bn.bias

    with torch.no_grad():
        w1, b1 = folded(model.conv1, model.bn1)
        w2, b2 = folded(model.conv2, model.bn2)
        weight_peak = max(float(t.abs().max()) for t in [w1, b1, w2, b2, model.fc.weight, model.fc.bias])

    acc_tr = accuracy(model, xt, yt)
    acc_te = accuracy(model, xe, ye)
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "digits_cnn.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), onnx_path, input_names=["image"], output_names=["logits"],
                      opset_version=13, do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
    np.save(os.path.join(args.out, "digits_test_x.npy"), x_te.astype(np.float32))
    np.save(os.path.join(args.out, "digits_test_y.npy"), y_te.astype(np.int64))
    info = {
        "model": "digits_cnn.onnx",
        "dataset": "sklearn load_digits, values / 16, stratified test split",
        "seed": args.seed,
        "epochs": args.epochs,
        "n_train": int(len(xt)),
        "n_test": int(len(xe)),
        "float_train_accuracy": round(acc_tr, 6),
        "float_test_accuracy": round(acc_te, 6),
        "max_abs_folded_weight": round(weight_peak, 4),
        "max_abs_activation": round(act_peak, 4),
        "max_abs_logit": round(logit_peak, 4),
        "torch": torch.__version__,
    }
    with open(os.path.join(args.out, "digits_cnn.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
