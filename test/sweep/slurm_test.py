#!/usr/bin/env python3
"""`pumavp sweep --executor slurm` on a real Slurm: munged, slurmctld and slurmd started on
this machine from a generated slurm.conf (scripts/slurm_local.sh) in a temporary directory.
The Slurm sweep's results.csv must equal the local executor's byte for byte, but for the
wall-time and peak-RSS columns; a resumed Slurm sweep submits only the missing points.
If Slurm cannot start, the test fails (it never skips).

usage: slurm_test.py PUMAVP SOURCE_DIR FIRMWARE_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

PUMAVP, SRC, FW = sys.argv[1:4]
NONDET = ("wall_s", "peak_rss_kib")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def csv_without_nondet(path):
    lines = open(path).read().splitlines()
    header = lines[0].split(",")
    keep = [i for i, h in enumerate(header) if h not in NONDET]
    # These columns are the last ones and nothing before them is quoted with commas here.
    if keep != list(range(len(keep))):
        fail("wall_s/peak_rss_kib are not the last columns")
    return "\n".join(",".join(l.split(",")[:len(keep)]) for l in lines) + "\n"


tmp = tempfile.mkdtemp(prefix="pumavp-slurm-")
script = os.path.join(SRC, "scripts", "slurm_local.sh")
cluster = os.path.join(tmp, "cluster")
try:
    p = subprocess.run(["bash", script, "start", cluster], capture_output=True, text=True, timeout=90)
    if p.returncode != 0:
        fail("Slurm did not start:\n" + p.stdout + p.stderr)
    env = dict(os.environ, SLURM_CONF=os.path.join(cluster, "slurm.conf"))
    spec = os.path.join(tmp, "fw.yaml")
    with open(spec, "w") as f:
        f.write(f"""name: slurm_demo
base: {SRC}/configs/small.yaml
axes:
  dma.beat_bytes: [8, 32]
  host.bus_ns: [0, 20]
workload:
  firmware: {FW}/mlp_demo/mlp_demo.elf
  max_time: 50ms
timeout_s: 60
""")

    def sweep(out, *args):
        r = subprocess.run([PUMAVP, "sweep", spec, "-o", out, *args], capture_output=True, text=True, env=env,
                           timeout=30)
        if r.returncode != 0:
            fail(f"sweep {' '.join(args)} -> exit {r.returncode}\n{r.stderr}")
        return r

    local, slurm = os.path.join(tmp, "local"), os.path.join(tmp, "slurm")
    sweep(local, "-j", "2")
    r = sweep(slurm, "--executor", "slurm", "--poll", "0.2")
    if "submitted job array" not in r.stderr or "(4 tasks, 4 points)" not in r.stderr:
        fail("no job array submitted:\n" + r.stderr)
    # The points really ran as Slurm tasks: one task log per point.
    logs = [f for f in os.listdir(os.path.join(slurm, "slurm")) if f.startswith("task-")]
    if len(logs) != 4:
        fail(f"task logs: {logs}")
    a, b = csv_without_nondet(os.path.join(local, "results.csv")), csv_without_nondet(os.path.join(slurm, "results.csv"))
    if a != b:
        fail("local and Slurm CSVs differ:\n" + a + "\n---\n" + b)
    if a.count(",ok,") != 4:
        fail("points not ok:\n" + a)
    # Resume: two points lose their results; a second Slurm sweep runs only those two.
    for q in ("p0001", "p0002"):
        os.remove(os.path.join(slurm, "points", q, "result.json"))
    os.remove(os.path.join(slurm, "results.csv"))
    r = sweep(slurm, "--executor", "slurm", "--poll", "0.2", "--chunk", "2")
    if "(1 tasks, 2 points)" not in r.stderr:
        fail("resume did not submit just the two missing points (one chunk of 2):\n" + r.stderr)
    if csv_without_nondet(os.path.join(slurm, "results.csv")) != a:
        fail("resumed Slurm CSV differs from the local one")
    print("sweep slurm: 4 points on a local Slurm cluster, CSV identical to the local executor's; resume ran 2")
finally:
    subprocess.run(["bash", script, "stop", cluster], timeout=30)
    shutil.rmtree(tmp, ignore_errors=True)
