#!/usr/bin/python3
"""Plots a sweep's results (`pumavp sweep SPEC -o DIR`: DIR/results.csv) as PNG pictures.

  plot_sweep.py DIR/results.csv -o OUTDIR [--prefix NAME]
                [--pareto X Y]... [--color COLUMN]
                [--heatmap AXIS_X AXIS_Y METRIC]... [--reduce min|mean|max]
                [--where COLUMN=VALUE]...

Writes
  NAME_pareto_<Y>_vs_<X>.png     every ok point in the X-Y plane (coloured by --color), the
                                 Pareto front (both minimised) drawn and its points listed
  NAME_heat_<METRIC>_<AY>_<AX>.png  METRIC over two axes; points that share a cell (the other
                                 axes) are reduced with --reduce (default min)
and prints the paths and each front's points. Only rows with status ok are plotted;
--where keeps rows with COLUMN == VALUE. Needs python3-matplotlib (Debian), Agg backend.
Exit code 2 for a missing or malformed CSV or an unknown column, 1 for an output that
cannot be written.
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


class SweepError(Exception):
    pass


def load(path, where):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise SweepError(f"{path}: {e.strerror}")
    except csv.Error as e:
        raise SweepError(f"{path}: malformed CSV: {e}")
    if not rows or "status" not in rows[0] or "point" not in rows[0]:
        raise SweepError(f"{path}: not a pumavp sweep results.csv (no point/status columns)")
    for w in where:
        k, _, v = w.partition("=")
        if k not in rows[0]:
            raise SweepError(f"--where {w}: no column '{k}' in {path}")
        rows = [r for r in rows if r[k] == v]
    return [r for r in rows if r["status"] == "ok"]


def number(row, col, path):
    if col not in row:
        raise SweepError(f"no column '{col}' in {path}")
    try:
        return float(row[col])
    except ValueError:
        return None  # empty (n/a for this workload) or a symbolic axis value


def pareto_front(points):
    """Indices of the points (x, y) that no other point dominates (<= in both, < in one),
    sorted by x."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1]))
    front, best_y = [], math.inf
    for i in order:
        if points[i][1] < best_y:
            front.append(i)
            best_y = points[i][1]
    return front


def save(fig, path):
    try:
        fig.savefig(path, dpi=110)
    except OSError as e:
        raise OSError(f"cannot write {path}: {e.strerror}")
    finally:
        plt.close(fig)
    print(path)


def plot_pareto(rows, x, y, color, out, path):
    pts, used = [], []
    for r in rows:
        a, b = number(r, x, path), number(r, y, path)
        if a is not None and b is not None:
            pts.append((a, b))
            used.append(r)
    if not pts:
        raise SweepError(f"no ok point has numbers in both {x} and {y}")
    front = pareto_front(pts)
    fig, ax = plt.subplots(figsize=(7, 5))
    if color:
        vals = [r.get(color, "") for r in used]
        if color not in used[0]:
            raise SweepError(f"--color {color}: no such column in {path}")
        cats = sorted(set(vals), key=lambda v: (len(v), v))
        cmap = plt.get_cmap("viridis", max(2, len(cats)))
        for k, c in enumerate(cats):
            sel = [p for p, v in zip(pts, vals) if v == c]
            ax.scatter([p[0] for p in sel], [p[1] for p in sel], s=18, color=cmap(k), label=f"{color}={c}")
        ax.legend(fontsize=7, loc="best")
    else:
        ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=18, color="tab:blue")
    fx, fy = [pts[i][0] for i in front], [pts[i][1] for i in front]
    ax.step(fx, fy, where="post", color="tab:red", lw=1.5)
    ax.scatter(fx, fy, s=40, facecolors="none", edgecolors="tab:red", label="Pareto front")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"{y} against {x}: {len(pts)} points, {len(front)} on the front")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save(fig, os.path.join(out, f"{args.prefix}_pareto_{y}_vs_{x}.png"))
    for i in front:
        print(f"  front: {used[i]['point']} {x}={pts[i][0]:.6g} {y}={pts[i][1]:.6g}")


def plot_heat(rows, ax_x, ax_y, metric, reduce, out, path):
    for c in (ax_x, ax_y, metric):
        if c not in rows[0]:
            raise SweepError(f"--heatmap: no column '{c}' in {path}")

    def key(v):
        try:
            return (0, float(v), v)
        except ValueError:
            return (1, 0.0, v)

    xs = sorted({r[ax_x] for r in rows}, key=key)
    ys = sorted({r[ax_y] for r in rows}, key=key)
    cells = {}
    for r in rows:
        v = number(r, metric, path)
        if v is not None:
            cells.setdefault((r[ax_y], r[ax_x]), []).append(v)
    red = {"min": min, "max": max, "mean": lambda v: sum(v) / len(v)}[reduce]
    grid = [[red(cells[(y, x)]) if (y, x) in cells else math.nan for x in xs] for y in ys]
    fig, ax = plt.subplots(figsize=(1.2 + 0.7 * len(xs), 1.2 + 0.5 * len(ys)))
    im = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(xs)), xs)
    ax.set_yticks(range(len(ys)), ys)
    ax.set_xlabel(ax_x)
    ax.set_ylabel(ax_y)
    for j, row in enumerate(grid):
        for i, v in enumerate(row):
            if not math.isnan(v):
                ax.text(i, j, f"{v:.3g}", ha="center", va="center", fontsize=7, color="white")
    fig.colorbar(im, ax=ax, label=f"{metric} ({reduce})")
    ax.set_title(metric)
    fig.tight_layout()
    save(fig, os.path.join(out, f"{args.prefix}_heat_{metric}_{ax_y}_{ax_x}.png"))


def main():
    global args
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("csv")
    p.add_argument("-o", "--outdir", required=True)
    p.add_argument("--prefix", default="sweep")
    p.add_argument("--pareto", nargs=2, action="append", default=[], metavar=("X", "Y"))
    p.add_argument("--color")
    p.add_argument("--heatmap", nargs=3, action="append", default=[], metavar=("AXIS_X", "AXIS_Y", "METRIC"))
    p.add_argument("--reduce", choices=["min", "mean", "max"], default="min")
    p.add_argument("--where", action="append", default=[])
    args = p.parse_args()
    if not args.pareto and not args.heatmap:
        args.pareto = [["latency_ns", "energy_nj"], ["area_mm2", "energy_nj"]]
    try:
        rows = load(args.csv, args.where)
        if not rows:
            raise SweepError(f"{args.csv}: no ok point to plot")
        os.makedirs(args.outdir, exist_ok=True)
        for x, y in args.pareto:
            plot_pareto(rows, x, y, args.color, args.outdir, args.csv)
        for x, y, m in args.heatmap:
            plot_heat(rows, x, y, m, args.reduce, args.outdir, args.csv)
    except SweepError as e:
        print(f"plot_sweep.py: error: {e}", file=sys.stderr)
        sys.exit(2)
    except OSError as e:
        print(f"plot_sweep.py: error: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
