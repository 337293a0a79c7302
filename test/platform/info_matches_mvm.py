#!/usr/bin/env python3
"""`pumavp info` and a simulated MVM agree (issue 14, item 3).

For a config (plus --set overrides) this runs `pumavp info` and reads its "MVM latency"
(cycles) and "MVM energy" (nJ, printed to 0.01) lines, then assembles and executes two tiny
kernels through the host interface and the node (`pumavp exec`): one core running
`mvm mask=0b01; halt`, and the same core running only `halt`. The MVM latency is the
difference of their accel.cycles; the MVM energy is the core's energy outside Control
(fetch/decode) in the MVM run. Both must equal what info reports.

usage: info_matches_mvm.py PUMAVP CONFIG WORKDIR [--set k=v]...
"""
import json
import os
import re
import subprocess
import sys


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: %s exited %d\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r.stdout


def main():
    pumavp, config, work = sys.argv[1], sys.argv[2], sys.argv[3]
    sets = []
    rest = sys.argv[4:]
    while rest:
        if rest[0] != "--set" or len(rest) < 2:
            sys.exit("usage: info_matches_mvm.py PUMAVP CONFIG WORKDIR [--set k=v]...")
        sets += ["--set", rest[1]]
        rest = rest[2:]
    os.makedirs(work, exist_ok=True)
    info = run([pumavp, "info", "--config", config] + sets)
    m_lat = re.search(r"^MVM latency: +(\d+) cycles", info, re.M)
    m_e = re.search(r"^MVM energy: +([0-9.]+) nJ per MVMU", info, re.M)
    if not m_lat or not m_e:
        sys.exit("FAIL: no MVM latency/energy line in `pumavp info`:\n" + info)
    info_cycles, info_nj = int(m_lat.group(1)), float(m_e.group(1))

    def simulate(name, body):
        pasm = os.path.join(work, name + ".pasm")
        img = os.path.join(work, name + ".pkimg")
        stats = os.path.join(work, name + ".json")
        with open(pasm, "w") as f:
            f.write(".core 0 0\n" + body + "  halt\n")
        run([pumavp, "asm", pasm, "-o", img, "--config", config] + sets)
        run([pumavp, "exec", "--config", config, img, "--stats", stats] + sets)
        with open(stats) as f:
            return json.load(f)["stats"]

    with_mvm = simulate("mvm", "  mvm mask=0b01\n")
    without = simulate("halt", "")
    if with_mvm["counters"]["node.tile0.core0.mvm"] != 1:
        sys.exit("FAIL: the kernel did not run exactly one MVM")
    sim_cycles = with_mvm["counters"]["accel.cycles"] - without["counters"]["accel.cycles"]
    core = with_mvm["energy_by_module_pj"]["node.tile0.core0"]
    sim_pj = core["total"] - core["control"]
    print("%s %s: info %d cycles, %.2f nJ; simulated %d cycles, %.4f nJ"
          % (os.path.basename(config), " ".join(sets[1::2]), info_cycles, info_nj, sim_cycles, sim_pj / 1000))
    ok = True
    if sim_cycles != info_cycles:
        print("FAIL: MVM latency: info says %d cycles, the simulation took %d" % (info_cycles, sim_cycles))
        ok = False
    if abs(sim_pj / 1000.0 - info_nj) > 0.005 + 1e-9:  # info prints nJ to 0.01
        print("FAIL: MVM energy: info says %.2f nJ, the simulation charged %.4f nJ" % (info_nj, sim_pj / 1000))
        ok = False
    if not ok:
        sys.exit(1)
    print("info matches the simulated MVM")


if __name__ == "__main__":
    main()
