#!/usr/bin/python3
"""Accuracy studies of the analog crossbar model (docs/analog.md) on an MLP-L4-shaped random
model, one command each:

  studies/analog/study.py adc   [--inputs N] [--build DIR] [-o OUTDIR]
  studies/analog/study.py drift [--inputs N] [--build DIR] [-o OUTDIR]

`adc`: ADC bits 4..9 (9 = lossless at X=128, b=2, d=1), clip and scale policies, every
other stage off. `drift`: drift time 1 s .. 1 year, without and with global compensation,
every other stage off. Each point runs build/studies/pumavp_analog_study (top-1 agreement
with the ideal network over N random inputs, output RMSE and max error, saturated output
fraction, clamped ADC conversions). Writes OUTDIR/<study>.csv and a markdown table
(OUTDIR/<study>.md, also printed); with python3-matplotlib also OUTDIR/<study>.png.
Deterministic: same build, inputs and seeds give the same tables.
"""
import argparse
import csv
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLS = ["top1_agreement", "rmse_out", "max_abs_out", "saturated_frac", "adc_clipped_frac"]


def run_point(exe, inputs, sets):
    cmd = [exe, "--inputs", str(inputs), "--set", "xbar.model=analog"]
    for s in sets:
        cmd += ["--set", s]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
    return dict(zip(COLS, (float(v) for v in out.split(","))))


def points(study):
    if study == "adc":
        for mode in ("clip", "scale"):
            for bits in range(4, 10):
                yield {"adc_bits": bits, "adc_mode": mode}, [f"xbar.adc_bits={bits}", f"xbar.adc_mode={mode}"]
    else:
        times = [("1 s", 1), ("10 s", 10), ("1 min", 60), ("10 min", 600), ("1 h", 3600),
                 ("1 day", 86400), ("1 month", 2.592e6), ("1 year", 3.1536e7)]
        for comp in ("none", "global"):
            for label, t in times:
                yield ({"drift_time": label, "drift_time_s": t, "compensation": comp},
                       ["analog.drift=true", f"analog.drift_time_s={t}", f"analog.drift_compensation={comp}"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("study", choices=["adc", "drift"])
    ap.add_argument("--inputs", type=int, default=50)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("-o", "--out", default=os.path.join(HERE, "results"))
    a = ap.parse_args()
    exe = os.path.join(a.build, "studies", "pumavp_analog_study")
    if not os.access(exe, os.X_OK):
        sys.exit(f"{exe} not found: build the project first (cmake --build --preset default)")
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for keys, sets in points(a.study):
        r = run_point(exe, a.inputs, sets)
        rows.append({**keys, **r})
        print(f"  {keys} -> {r}", file=sys.stderr)
    keys = list(rows[0].keys())
    with open(os.path.join(a.out, a.study + ".csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    show = [k for k in keys if k != "drift_time_s"]
    md = ["| " + " | ".join(show) + " |", "|" + "---|" * len(show)]
    for r in rows:
        md.append("| " + " | ".join(f"{r[k]:.4g}" if isinstance(r[k], float) else str(r[k]) for k in show) + " |")
    text = "\n".join(md) + "\n"
    with open(os.path.join(a.out, a.study + ".md"), "w") as f:
        f.write(text)
    print(text)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(python3-matplotlib not installed: no plot)", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    if a.study == "adc":
        for mode in ("clip", "scale"):
            rs = [r for r in rows if r["adc_mode"] == mode]
            ax.plot([r["adc_bits"] for r in rs], [r["top1_agreement"] for r in rs], "o-", label=mode)
        ax.set_xlabel("ADC bits")
    else:
        for comp in ("none", "global"):
            rs = [r for r in rows if r["compensation"] == comp]
            ax.semilogx([r["drift_time_s"] for r in rs], [r["top1_agreement"] for r in rs], "o-",
                        label=f"compensation {comp}")
        ax.set_xlabel("time after programming (s)")
    ax.set_ylabel("top-1 agreement with the ideal model")
    ax.set_ylim(-0.05, 1.05)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, a.study + ".png"), dpi=120)
    print(os.path.join(a.out, a.study + ".png"), file=sys.stderr)


if __name__ == "__main__":
    main()
