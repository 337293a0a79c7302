#!/usr/bin/python3
"""Per-layer figures of a run of a graph-back-end kernel: energy, MVMs, busy and stall cycles of
the cores of every operator, from `pumavp compile --report` (its "cores:" lines) and the run's
`--stats` JSON.

usage: layer_stats.py REPORT.txt STATS.json
"""
import json
import re
import sys


def main():
    report, stats = sys.argv[1:3]
    ops = []  # (label, [(tile, core)])
    label = None
    for line in open(report):
        m = re.match(r"\s+(\d+) (\S+)\s+(\S+)\s+(\S+ -> \S+)", line)
        if m:
            label = f"{m.group(1):>2} {m.group(2):<8} {m.group(3):<16} {m.group(4)}"
            continue
        m = re.match(r"\s+cores: (.*)", line)
        if m and label:
            units = []
            for t, c0, c1 in re.findall(r"t(\d+)c(\d+)-(\d+)", m.group(1)):
                units += [(int(t), c) for c in range(int(c0), int(c1) + 1)]
            ops.append((label, units))
            label = None
    d = json.load(open(stats))["stats"]
    energy, counters = d["energy_by_module_pj"], d["counters"]
    energy = {k: (v["total"] if isinstance(v, dict) else v) for k, v in energy.items()}
    total = sum(energy.values())
    print(f"{'operator':<52} {'cores':>5} {'MVMs':>7} {'busy cyc (max)':>14} {'stall cyc (max)':>15} {'energy nJ':>10} {'share':>6}")
    for label, units in ops:
        keys = [f"node.tile{t}.core{c}" for t, c in units]
        e = sum(energy.get(k, 0) for k in keys) / 1000
        mvm = sum(counters.get(k + ".mvm", 0) for k in keys)
        busy = max(counters.get(k + ".cycles_busy", 0) for k in keys)
        stall = max(counters.get(k + ".stall_cycles", 0) for k in keys)
        print(f"{label:<52} {len(units):>5} {mvm:>7} {busy:>14} {stall:>15} {e:>10.1f} {100 * e * 1000 / total:>5.1f}%")
    rest = total - sum(sum(energy.get(f"node.tile{t}.core{c}", 0) for t, c in u) for _, u in ops)
    print(f"{'tile units, NoC, memories, host interface':<52} {'':>5} {'':>7} {'':>14} {'':>15} {rest / 1000:>10.1f} {100 * rest / total:>5.1f}%")


if __name__ == "__main__":
    main()
