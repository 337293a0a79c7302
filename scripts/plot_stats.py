#!/usr/bin/python3
"""Plots a pumavp stats file (`pumavp run|exec ... --stats F.json`) as PNG pictures.

  plot_stats.py STATS.json -o OUTDIR [--prefix NAME] [--top N]

Writes
  NAME_energy.png       energy by component (nJ and share), and the N modules that used most
                        energy, stacked by component
  NAME_utilisation.png  core utilisation (cycles busy / accelerator cycles) over the mesh: one
                        cell per router, split into its tiles; and cores x tiles for the N
                        busiest tiles
  NAME_noc.png          NoC link load: busy cycles / accelerator cycles of every router's
                        outgoing mesh links (arrows) and local ports (router colour)
and prints the paths. Needs python3-matplotlib (Debian); uses the Agg backend (no display).
Exit code 2 with a message for a missing or malformed stats file.
"""
import argparse
import json
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import cm, colors  # noqa: E402
from matplotlib.patches import FancyArrow, Rectangle  # noqa: E402

COMPONENTS = ["crossbar", "dac", "adc", "shift_add", "vfu", "sfu", "rf", "edram", "noc", "dma", "control"]
PORTS = {"N": (0, -1), "E": (1, 0), "S": (0, 1), "W": (-1, 0)}  # row 0 is the north edge


class StatsError(Exception):
    pass


def load(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise StatsError("cannot read %s: %s" % (path, e.strerror))
    except json.JSONDecodeError as e:
        raise StatsError("%s: not valid JSON (line %d column %d: %s)" % (path, e.lineno, e.colno, e.msg))
    for key in ("platform", "stats"):
        if key not in doc:
            raise StatsError("%s: no \"%s\" object; is this a pumavp --stats file?" % (path, key))
    for key in ("counters", "energy_pj"):
        if key not in doc["stats"]:
            raise StatsError("%s: stats has no \"%s\"" % (path, key))
    return doc


def note(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="0.4")


def empty_panel(ax, text):
    ax.set_axis_off()
    note(ax, text)


def save(fig, out):
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    plt.close(fig)


def plot_energy(doc, out, top):
    e = doc["stats"]["energy_pj"]
    total = e.get("total", sum(e.get(c, 0.0) for c in COMPONENTS))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1, 1.2]})
    vals = [e.get(c, 0.0) / 1000.0 for c in COMPONENTS]
    palette = [cm.tab20(i) for i in range(len(COMPONENTS))]
    bars = a1.bar(COMPONENTS, vals, color=palette)
    a1.set_ylabel("energy (nJ)")
    a1.set_title("Energy by component, total %.1f nJ" % (total / 1000.0))
    a1.tick_params(axis="x", rotation=60)
    for b, v in zip(bars, vals):
        if total > 0 and v > 0:
            a1.annotate("%.1f%%" % (100.0 * v * 1000.0 / total), (b.get_x() + b.get_width() / 2, v),
                        ha="center", va="bottom", fontsize=7)
    if total <= 0:
        note(a1, "no energy recorded")
    mods = doc["stats"].get("energy_by_module_pj", {})
    ranked = sorted(((m, v.get("total", 0.0)) for m, v in mods.items()), key=lambda x: -x[1])
    ranked = [(m, t) for m, t in ranked if t > 0][:top]
    if ranked:
        names = [m.replace("node.", "") for m, _ in ranked][::-1]
        left = [0.0] * len(ranked)
        for i, c in enumerate(COMPONENTS):
            w = [mods[m].get(c, 0.0) / 1000.0 for m, _ in ranked][::-1]
            a2.barh(names, w, left=left, color=palette[i], label=c)
            left = [a + b for a, b in zip(left, w)]
        a2.set_xlabel("energy (nJ)")
        a2.set_title("Top %d modules by energy" % len(ranked))
        a2.legend(fontsize=7, ncol=2, loc="lower right")
        a2.tick_params(axis="y", labelsize=7)
    else:
        empty_panel(a2, "no per-module energy")
    save(fig, out)


def core_busy(doc):
    """{tile: {core: cycles_busy}} from node.tile<t>.core<c>.cycles_busy."""
    busy = {}
    pat = re.compile(r"node\.tile(\d+)\.core(\d+)\.cycles_busy$")
    for k, v in doc["stats"]["counters"].items():
        m = pat.match(k)
        if m:
            busy.setdefault(int(m.group(1)), {})[int(m.group(2))] = v
    return busy


def tile_xy(p, t):
    """Top-left corner and size of tile t's sub-cell inside its router's unit cell."""
    conc = p["concentration"]
    r = t // conc
    x, y = r % p["mesh_width"], r // p["mesh_width"]
    k = math.ceil(math.sqrt(conc))
    j = t % conc
    s = 0.9 / k
    return x + 0.05 + (j % k) * s, y + 0.05 + (j // k) * s, s


def plot_utilisation(doc, out, top):
    p = doc["platform"]
    cycles = doc["stats"]["counters"].get("accel.cycles", 0)
    busy = core_busy(doc)
    cores = p["cores_per_tile"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 5), gridspec_kw={"width_ratios": [1.1, 1]})
    norm = colors.Normalize(0.0, 1.0)
    cmap = matplotlib.colormaps["viridis"]
    util = {}
    for t in range(p["tiles"]):
        b = busy.get(t, {})
        util[t] = (sum(b.values()) / (cores * cycles)) if cycles else 0.0
    for r in range(p["mesh_width"] * p["mesh_height"]):
        a1.add_patch(Rectangle((r % p["mesh_width"], r // p["mesh_width"]), 1, 1, fill=False, ec="0.6", lw=0.5))
    for t in range(p["tiles"]):
        x, y, s = tile_xy(p, t)
        a1.add_patch(Rectangle((x, y), s, s, color=cmap(norm(util[t])), ec="white", lw=0.3))
        if p["tiles"] <= 64:
            a1.text(x + s / 2, y + s / 2, str(t), ha="center", va="center", fontsize=6,
                    color="white" if util[t] < 0.6 else "black")
    a1.set_xlim(0, p["mesh_width"])
    a1.set_ylim(p["mesh_height"], 0)
    a1.set_aspect("equal")
    a1.set_xticks([])
    a1.set_yticks([])
    a1.set_title("Mean core utilisation per tile over the %dx%d mesh" % (p["mesh_width"], p["mesh_height"]),
                 fontsize=10)
    fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=a1, fraction=0.046, label="busy / accel cycles")
    if not cycles:
        note(a1, "no accelerator cycles")
    ranked = [t for t in sorted(util, key=lambda t: -util[t]) if util[t] > 0][:top]
    if ranked:
        ranked.sort()
        grid = [[busy.get(t, {}).get(c, 0) / cycles for t in ranked] for c in range(cores)]
        im = a2.imshow(grid, aspect="auto", cmap=cmap, norm=norm)
        a2.set_xticks(range(len(ranked)))
        a2.set_xticklabels([str(t) for t in ranked], fontsize=7, rotation=90 if len(ranked) > 16 else 0)
        a2.set_yticks(range(cores))
        a2.set_xlabel("tile")
        a2.set_ylabel("core")
        a2.set_title("Core utilisation, %d busiest tiles" % len(ranked), fontsize=10)
        fig.colorbar(im, ax=a2, fraction=0.046)
    else:
        empty_panel(a2, "no core was busy")
    save(fig, out)


def plot_noc(doc, out):
    p = doc["platform"]
    c = doc["stats"]["counters"]
    cycles = c.get("accel.cycles", 0)
    W, H = p["mesh_width"], p["mesh_height"]
    load = {}
    local = {}
    pat = re.compile(r"node\.noc\.r(\d+)\.(\w+)\.busy_cycles$")
    for k, v in c.items():
        m = pat.match(k)
        if not m:
            continue
        r, port = int(m.group(1)), m.group(2)
        u = v / cycles if cycles else 0.0
        if port in PORTS:
            load[(r, port)] = u
        else:
            local[r] = max(local.get(r, 0.0), u)
    peak = max(list(load.values()) + list(local.values()) + [0.0])
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    norm = colors.Normalize(0.0, max(peak, 1e-9))
    cmap = matplotlib.colormaps["inferno_r"]
    for r in range(W * H):
        x, y = r % W, r // W
        ax.add_patch(Rectangle((x - 0.18, y - 0.18), 0.36, 0.36, color=cmap(norm(local.get(r, 0.0))), ec="0.3", lw=0.6))
        if W * H <= 64:
            ax.text(x, y, "r%d" % r, ha="center", va="center", fontsize=6, color="0.2")
    for (r, port), u in load.items():
        x, y = r % W, r // W
        dx, dy = PORTS[port]
        # Each direction gets its own lane so that the two directions of a link do not overlap.
        ox, oy = 0.06 * dy, 0.06 * dx
        ax.add_patch(FancyArrow(x + 0.2 * dx + ox, y + 0.2 * dy + oy, 0.6 * dx, 0.6 * dy, width=0.03 + 0.08 * norm(u),
                                head_width=0.1 + 0.08 * norm(u), head_length=0.08, length_includes_head=True,
                                color=cmap(norm(u)) if u > 0 else "0.85", lw=0))
    ax.set_xlim(-0.6, W - 0.4)
    ax.set_ylim(H - 0.4, -0.6)
    ax.set_aspect("equal")
    ax.set_xticks(range(W))
    ax.set_yticks(range(H))
    ax.set_xlabel("mesh column")
    ax.set_ylabel("mesh row")
    flits = c.get("node.noc.flits", 0)
    ax.set_title("NoC link load (busy / accel cycles); %d flits; squares: busiest local port" % flits, fontsize=9)
    fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, fraction=0.046, label="link load")
    if peak == 0:
        note(ax, "no NoC traffic")
    save(fig, out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("stats")
    ap.add_argument("-o", "--outdir", required=True)
    ap.add_argument("--prefix", default=None, help="file name prefix (default: the stats file's name)")
    ap.add_argument("--top", type=int, default=12, help="modules/tiles shown in the detail panels")
    a = ap.parse_args(argv)
    try:
        doc = load(a.stats)
        for key in ("tiles", "cores_per_tile", "concentration", "mesh_width", "mesh_height"):
            if key not in doc["platform"]:
                raise StatsError("%s: platform has no \"%s\"" % (a.stats, key))
    except StatsError as e:
        print("plot_stats.py: error: %s" % e, file=sys.stderr)
        return 2
    prefix = a.prefix or os.path.splitext(os.path.basename(a.stats))[0]
    outs = [os.path.join(a.outdir, "%s_%s.png" % (prefix, n)) for n in ("energy", "utilisation", "noc")]
    where = a.outdir
    try:
        os.makedirs(a.outdir, exist_ok=True)
        where = outs[0]
        plot_energy(doc, outs[0], a.top)
        where = outs[1]
        plot_utilisation(doc, outs[1], a.top)
        where = outs[2]
        plot_noc(doc, outs[2])
    except OSError as e:  # unwritable or full output folder: say which file, no traceback
        where = e.filename or where
        print("plot_stats.py: error: cannot write %s: %s" % (where, e.strerror or e), file=sys.stderr)
        return 1
    for o in outs:
        print(o)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
