#!/usr/bin/python3
"""Interleaved runs of two pumavp command lines; CPU time (user + sys, from wait4) and wall
time of each, medians, minima and NEW/BASE ratios. For overhead figures measured in one
session, e.g. tracing off against a build from before the observability hooks:

  scripts/bench_compare.py -n 30 --base OLD/pumavp --new build/platform/pumavp -- \\
      run --config configs/puma-node.yaml build/firmware/apps/mlp_demo/mlp_demo.elf
  scripts/bench_compare.py -n 10 --base build/platform/pumavp --new build/platform/pumavp \\
      --new-args "--trace perfetto:/tmp/t.json" -- run --config ... mlp_demo.elf
"""
import argparse
import os
import shlex
import statistics as st
import subprocess
import sys
import time


def run(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime, time.monotonic() - t0, status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("--base", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--new-args", default="", help="extra arguments for NEW only")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    args = a.args[1:] if a.args[:1] == ["--"] else a.args
    cmds = {"base": [a.base] + args, "new": [a.new] + args + shlex.split(a.new_args)}
    res = {k: ([], []) for k in cmds}
    for _ in range(a.n):
        for k, cmd in cmds.items():
            cpu, wall, status = run(cmd)
            if status != 0:
                print("%s exited with status %d: %s" % (k, status, " ".join(cmd)), file=sys.stderr)
                return 1
            res[k][0].append(cpu)
            res[k][1].append(wall)
    for i, what in enumerate(("cpu", "wall")):
        b, n = res["base"][i], res["new"][i]
        print("%-4s median base %.4f s new %.4f s ratio %.4f | min base %.4f s new %.4f s ratio %.4f"
              % (what, st.median(b), st.median(n), st.median(n) / st.median(b), min(b), min(n), min(n) / min(b)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
