#!/usr/bin/env python3
"""Script tests of `pumavp sweep` on tiny sweeps (each point well under a second).

usage: sweep_test.py CASE PUMAVP SOURCE_DIR FIRMWARE_DIR WORK_DIR
CASE: local | resume | failures | model | invalid
"""
import csv
import os
import shutil
import signal
import subprocess
import sys
import time

CASE, PUMAVP, SRC, FW, WORK = sys.argv[1:6]
NONDET = {"wall_s", "peak_rss_kib"}  # the only columns allowed to differ between runs


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def sweep(spec, out, *args, check=None):
    p = subprocess.run([PUMAVP, "sweep", spec, "-o", out, *args], capture_output=True, text=True, timeout=300)
    if check is not None and p.returncode != check:
        fail(f"sweep {spec} -> exit {p.returncode}, want {check}\nstdout:{p.stdout}\nstderr:{p.stderr}")
    return p


def rows(out):
    with open(os.path.join(out, "results.csv"), newline="") as f:
        return list(csv.DictReader(f))


def deterministic_csv(out):
    r = rows(out)
    return [{k: v for k, v in row.items() if k not in NONDET} for row in r]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def firmware_spec(d, name, beats, buses, extra=""):
    return write(os.path.join(d, name + ".yaml"), f"""name: {name}
base: {SRC}/configs/small.yaml
axes:
  dma.beat_bytes: [{', '.join(map(str, beats))}]
  host.bus_ns: [{', '.join(map(str, buses))}]
workload:
  firmware: {FW}/mlp_demo/mlp_demo.elf
  max_time: 50ms
timeout_s: 60
{extra}""")


def case_local():
    d = fresh("local")
    spec = firmware_spec(d, "fw", [8, 32], [0, 20])
    p = sweep(spec, d + "/a", "-j", "2", check=0)
    if "sweep: [4/4]" not in p.stderr and "4/4" not in p.stderr:
        fail("no progress on stderr:\n" + p.stderr)
    r = rows(d + "/a")
    if [x["point"] for x in r] != ["p0000", "p0001", "p0002", "p0003"]:
        fail(f"points {[x['point'] for x in r]}")
    for x in r:
        if x["status"] != "ok" or x["exit_code"] != "0" or x["error"]:
            fail(f"point {x['point']}: {x['status']} {x['error']}")
        for k in ("latency_ns", "energy_nj", "area_mm2", "power_mw", "wall_s", "peak_rss_kib", "host_ns"):
            if not x[k] or float(x[k]) <= 0:
                fail(f"{x['point']} {k} = {x[k]!r}")
        # The parts of the run add up to at most the run.
        if float(x["accel_ns"]) + float(x["dma_ns"]) + float(x["host_ns"]) > float(x["latency_ns"]) + 1e-6:
            fail(f"{x['point']}: accel+dma+host exceeds latency")
        # Each point's stats JSON is kept beside its result.
        if not os.path.exists(os.path.join(d, "a", "points", x["point"], "stats.json")):
            fail("no stats.json for " + x["point"])
    by = {(x["dma.beat_bytes"], x["host.bus_ns"]): x for x in r}
    # Physical expectations: a slower bus costs time, wider DMA beats save DMA time; neither
    # changes the accelerator's work or energy.
    for beat in ("8", "32"):
        if not float(by[(beat, "20")]["latency_ns"]) > float(by[(beat, "0")]["latency_ns"]):
            fail(f"beat {beat}: bus_ns 20 not slower than 0")
    for bus in ("0", "20"):
        if not float(by[("32", bus)]["dma_ns"]) < float(by[("8", bus)]["dma_ns"]):
            fail(f"bus {bus}: 32-byte beats not faster than 8-byte beats")
    if len({x["energy_crossbar_nj"] for x in r}) != 1 or len({x["accel_cycles"] for x in r}) != 1:
        fail("accelerator work differs between host-side points")
    # The same SPEC again, serially, in another directory: the same CSV (but wall/RSS).
    sweep(spec, d + "/b", "-j", "1", check=0)
    if deterministic_csv(d + "/a") != deterministic_csv(d + "/b"):
        fail("-j2 and -j1 give different results")
    # A rerun into a finished directory runs nothing and rewrites the same CSV.
    before = open(d + "/a/results.csv").read()
    p = sweep(spec, d + "/a", check=0)
    if "4 of 4 points already finished" not in p.stderr:
        fail("rerun did not skip:\n" + p.stderr)
    if open(d + "/a/results.csv").read() != before:
        fail("rerun changed results.csv")
    # A different SPEC into the same directory is refused.
    other = firmware_spec(d, "fw", [8, 16], [0, 20])
    p = sweep(other, d + "/a", check=2)
    if "holds the results of another sweep" not in p.stderr:
        fail(p.stderr)
    print("sweep local: 4 points ok, -j1 == -j2, rerun skipped")


def case_resume():
    d = fresh("resume")
    spec = firmware_spec(d, "fw", [8, 16, 32], [0, 10, 20])  # 9 points
    out = d + "/out"
    proc = subprocess.Popen([PUMAVP, "sweep", spec, "-o", out, "-j", "1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    pts = os.path.join(out, "points")

    def finished():
        if not os.path.isdir(pts):
            return []
        return sorted(p for p in os.listdir(pts) if os.path.exists(os.path.join(pts, p, "result.json")))

    t0 = time.time()
    while len(finished()) < 4:
        if proc.poll() is not None:
            fail("sweep ended before it could be interrupted")
        if time.time() - t0 > 120:
            fail("sweep too slow")
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its running child
    proc.wait()
    done = finished()
    if not 4 <= len(done) < 9:
        fail(f"{len(done)} finished at the kill")
    if os.path.exists(os.path.join(out, "results.csv")):
        fail("results.csv exists after the kill")
    stamp = {p: os.stat(os.path.join(pts, p, "result.json")).st_mtime_ns for p in done}
    p = sweep(spec, out, "-j", "2", check=0)
    if f"{len(done)} of 9 points already finished" not in p.stderr:
        fail("resume did not report the finished points:\n" + p.stderr)
    ran = [l for l in p.stderr.splitlines() if l.startswith("sweep: [")]
    if len(ran) != 9 - len(done):
        fail(f"resume ran {len(ran)} points, want {9 - len(done)}:\n" + p.stderr)
    for q in done:
        if os.stat(os.path.join(pts, q, "result.json")).st_mtime_ns != stamp[q]:
            fail(f"finished point {q} ran again")
        if any(q in l for l in ran):
            fail(f"finished point {q} reported as run")
    r = rows(out)
    if len(r) != 9 or any(x["status"] != "ok" for x in r):
        fail("resumed sweep incomplete")
    # ... and equal to an uninterrupted sweep.
    sweep(spec, d + "/ref", "-j", "2", check=0)
    if deterministic_csv(out) != deterministic_csv(d + "/ref"):
        fail("resumed sweep differs from an uninterrupted one")
    print(f"sweep resume: killed after {len(done)} of 9 points; resume ran the other {9 - len(done)}")


def case_failures():
    d = fresh("failures")
    # A point that times out (the spin app never ends) and points that fail do not stop the
    # sweep; each is recorded with its error.
    spin = write(d + "/spin.yaml", f"""base: {SRC}/configs/small.yaml
axes:
  host.bus_ns: [0, 1]
workload:
  firmware: {FW}/spin/spin.elf
timeout_s: 0.5
""")
    t0 = time.time()
    sweep(spin, d + "/spin", "-j", "2", check=1)
    if time.time() - t0 > 20:
        fail("timeout not enforced")
    for x in rows(d + "/spin"):
        if x["status"] != "timeout" or "killed after timeout_s 0.5 s" not in x["error"]:
            fail(f"{x['point']}: {x['status']} {x['error']!r}")
    # A model that does not fit 32x32 crossbars of a two-core tile: compile fails (exit 1)
    # on that point only; the 128 point runs.
    m = write(d + "/fit.yaml", f"""base: {SRC}/configs/small.yaml
set: {{node.tiles: 1, tile.cores: 2, core.num_mvmu: 4}}
axes:
  xbar.size: [32, 128]
workload:
  model: {SRC}/kernels/models/tiny_mlp.yaml
  inputs: {{x: {d}/x.npy}}
""")
    subprocess.run(["/usr/bin/python3", "-c",
                    f"import numpy as np; np.save('{d}/x.npy', np.linspace(-0.5, 0.5, 200))"], check=True)
    sweep(m, d + "/fit", check=1)
    r = {x["xbar.size"]: x for x in rows(d + "/fit")}
    if r["32"]["status"] != "failed" or r["32"]["exit_code"] != "1" or "compile: exit code 1" not in r["32"]["error"] \
            or "does not fit" not in r["32"]["error"]:
        fail(f"32: {r['32']}")
    if r["128"]["status"] != "ok" or float(r["128"]["latency_ns"]) <= 0:
        fail(f"128: {r['128']}")
    if os.path.exists(os.path.join(d, "fit", "points", "p0000", "model.pkimg")):
        fail("a failed compile left an image")
    # --retry-failed runs the failed point again, and only it.
    p = sweep(m, d + "/fit", "--retry-failed", check=1)
    if "1 of 2 points already finished" not in p.stderr:
        fail(p.stderr)
    print("sweep failures: timeouts and compile failures recorded, the sweep went on")


def case_model():
    d = fresh("model")
    cfg = f"{SRC}/configs/small.yaml"
    subprocess.run(["/usr/bin/python3", "-c",
                    f"import numpy as np; np.save('{d}/x.npy', 0.5 * np.sin(np.arange(200)))"], check=True)
    # The reference: the lossless ADC (an independent run outside the sweep).
    subprocess.run([PUMAVP, "compile", f"{SRC}/kernels/models/tiny_mlp.yaml", "-o", d + "/ref.pkimg", "-c", cfg,
                    "--set", "xbar.model=sliced"], check=True, capture_output=True)
    subprocess.run([PUMAVP, "exec", d + "/ref.pkimg", "-c", cfg, "--set", "xbar.model=sliced", "-q", "-i",
                    f"x={d}/x.npy", "-o", f"y={d}/ref.npy"], check=True)
    label = subprocess.run(["/usr/bin/python3", "-c", f"import numpy as np; print(int(np.argmax(np.load('{d}/ref.npy'))))"],
                           check=True, capture_output=True, text=True).stdout.strip()
    spec = write(d + "/adc.yaml", f"""base: {cfg}
set: {{xbar.model: sliced}}
axes:
  xbar.adc_bits: [4, 6, auto]
  xbar.size: [64, 128]
workload:
  model: {SRC}/kernels/models/tiny_mlp.yaml
  inputs: {{x: x.npy}}
  output: y
  reference: ref.npy
  label: {label}
""")
    sweep(spec, d + "/out", "-j", "2", check=0)
    r = rows(d + "/out")
    if len(r) != 6:
        fail("rows")
    for x in r:
        if x["status"] != "ok":
            fail(str(x))
        if x["xbar.adc_bits"] == "auto":
            # Lossless conversion on the reference's geometry reproduces the reference exactly;
            # 64x64 crossbars split the sums into other blocks, each rounded once: a few LSBs.
            lsb = 2.0 ** -12
            bound = 0 if x["xbar.size"] == "128" else 4 * lsb
            if float(x["out_err_max"]) > bound or x["accuracy"] != "1":
                fail(f"lossless point {x['point']} err {x['out_err_max']} acc {x['accuracy']}")
        if x["host_ns"] or x["host_instructions"]:
            fail("a model workload has no host")
    # An ok point's kernel image is not kept (keep_images: false), its stats are.
    for x in r:
        pd = os.path.join(d, "out", "points", x["point"])
        if os.path.exists(os.path.join(pd, "model.pkimg")) or not os.path.exists(os.path.join(pd, "stats.json")):
            fail(f"{x['point']}: image kept or stats missing")
    lossy = [float(x["out_err_max"]) for x in r if x["xbar.adc_bits"] == "4"]
    if not all(e > 0 for e in lossy):
        fail(f"4-bit ADC output exact: {lossy}")
    # The compiled image follows the geometry: 64x64 crossbars need more of them.
    mv = {x["xbar.size"]: int(x["mvms"]) for x in r if x["xbar.adc_bits"] == "auto"}
    if not mv["64"] > mv["128"]:
        fail(f"MVM counts {mv}")
    print("sweep model: lossless points exact, 4-bit ADC points not, recompiled per geometry")


def case_invalid():
    d = fresh("invalid")
    spec = write(d + "/bad.yaml", f"""axes:
  dma.beat_bytes: [8, 32]
  host.bus_nss: [0, 20]
workload:
  firmware: {FW}/mlp_demo/mlp_demo.elf
""")
    p = sweep(spec, d + "/out", check=2)
    if "bad.yaml:3: axis 'host.bus_nss': unknown configuration key" not in p.stderr:
        fail(p.stderr)
    if os.path.exists(d + "/out"):
        fail("an invalid SPEC created its output directory")
    spec = write(d + "/range.yaml", f"""axes:
  dma.beat_bytes: {{from: 0, to: 8, step: 4}}
workload:
  firmware: {FW}/mlp_demo/mlp_demo.elf
""")
    p = sweep(spec, d + "/out", check=2)
    if "range.yaml:2: axis 'dma.beat_bytes': value '0' rejected" not in p.stderr:
        fail(p.stderr)
    if os.path.exists(d + "/out"):
        fail("an invalid SPEC created its output directory")
    print("sweep invalid: rejected before anything ran")


{"local": case_local, "resume": case_resume, "failures": case_failures, "model": case_model,
 "invalid": case_invalid}[CASE]()
