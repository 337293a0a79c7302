#!/usr/bin/env python3
"""scripts/plot_sweep.py: its Pareto front against a brute-force dominance check over many
random point sets; the pictures of a hand-made results.csv; errors.

usage: plot_test.py SOURCE_DIR WORK_DIR
"""
import csv
import importlib.util
import os
import random
import shutil
import subprocess
import sys

SRC, WORK = sys.argv[1:3]
script = os.path.join(SRC, "scripts", "plot_sweep.py")
spec = importlib.util.spec_from_file_location("plot_sweep", script)
ps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ps)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def brute_front(pts):
    def dominated(p):
        return any(q[0] <= p[0] and q[1] <= p[1] and (q[0] < p[0] or q[1] < p[1]) for q in pts)
    return {p for p in pts if not dominated(p)}


rng = random.Random(21)
for trial in range(500):
    n = rng.randint(1, 40)
    pts = [(rng.randint(0, 12), rng.randint(0, 12)) for _ in range(n)]  # many ties
    got = [pts[i] for i in ps.pareto_front(pts)]
    if set(got) != brute_front(pts) or len(got) != len(set(got)):
        fail(f"trial {trial}: {pts} -> {got}, want {sorted(brute_front(pts))}")
    if got != sorted(got):
        fail("front not sorted by x")

shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
csv_path = os.path.join(WORK, "results.csv")
cols = ["point", "a", "b", "seed", "status", "latency_ns", "energy_nj", "error"]
pts = {}
with open(csv_path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(cols)
    k = 0
    for a in (1, 2, 4):
        for b in ("x", "y"):
            lat, en = 10.0 / a + (b == "y"), a * 3.0 + (b == "x")
            pts[f"p{k:04d}"] = (lat, en)
            w.writerow([f"p{k:04d}", a, b, 1, "ok", lat, en, ""])
            k += 1
    w.writerow([f"p{k:04d}", 8, "x", 1, "failed", "", "", "run: exit code 3"])  # not plotted
out = os.path.join(WORK, "png")
p = subprocess.run(["/usr/bin/python3", script, csv_path, "-o", out, "--pareto", "latency_ns", "energy_nj",
                    "--color", "b", "--heatmap", "a", "b", "energy_nj"], capture_output=True, text=True)
if p.returncode != 0:
    fail(p.stderr)
for f in ("sweep_pareto_energy_nj_vs_latency_ns.png", "sweep_heat_energy_nj_b_a.png"):
    path = os.path.join(out, f)
    if not os.path.exists(path) or open(path, "rb").read(8) != b"\x89PNG\r\n\x1a\n":
        fail(f"{f} missing or not a PNG")
printed = {l.split()[1] for l in p.stdout.splitlines() if l.strip().startswith("front:")}
want = brute_front(list(pts.values()))
if printed != {k for k, v in pts.items() if v in want}:
    fail(f"printed front {printed}")
p = subprocess.run(["/usr/bin/python3", script, csv_path, "-o", out, "--pareto", "latency_ns", "power"],
                   capture_output=True, text=True)
if p.returncode != 2 or "no column 'power'" not in p.stderr:
    fail(f"unknown column: {p.returncode} {p.stderr}")
p = subprocess.run(["/usr/bin/python3", script, csv_path, "-o", csv_path], capture_output=True, text=True)
if p.returncode != 1 or "error" not in p.stderr:
    fail(f"unwritable output: {p.returncode} {p.stderr}")
print("plot_sweep: Pareto fronts match brute force over 500 random sets; pictures written")
