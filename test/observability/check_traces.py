#!/usr/bin/env python3
"""Checks pumavp trace outputs against the run's --stats JSON (the stats are counted by the
models independently of the trace hooks).

  check_traces.py --stats S.json [--perfetto T.json] [--vcd W.vcd] [--itrace I.txt --itrace-kind K]
                  [--expect-signal NAME]... [--only-tiles 1,2] [--expect-flows]
Exit 0 when every check holds; prints each failed check and exits 1 otherwise.
"""
import argparse
import collections
import json
import re
import sys

failures = []


def check(cond, msg):
    print(("ok    " if cond else "FAIL  ") + msg)
    if not cond:
        failures.append(msg)


def counters(stats):
    return stats["stats"]["counters"]


def sum_suffix(c, suffix, prefix=""):
    return sum(v for k, v in c.items() if k.endswith(suffix) and k.startswith(prefix))


def check_perfetto(path, stats, only_tiles, expect_flows):
    with open(path) as f:
        doc = json.load(f)  # must be valid JSON
    ev = doc["traceEvents"]
    c = counters(stats)
    names = {}
    for e in ev:
        if e["ph"] == "M" and e["name"] == "process_name":
            names[e["pid"]] = e["args"]["name"]
    threads = {}
    for e in ev:
        if e["ph"] == "M" and e["name"] == "thread_name":
            threads[(e["pid"], e["tid"])] = names[e["pid"]] + "/" + e["args"]["name"]
    spans = [e for e in ev if e["ph"] == "X"]
    for e in spans:
        if e["dur"] < 0 or e["ts"] < 0:
            check(False, "span with negative time: %r" % e)
            break
    core_spans = [e for e in spans if re.fullmatch(r"tile\d+/core\d+", threads[(e["pid"], e["tid"])])]
    unit_spans = [e for e in spans if re.fullmatch(r"tile\d+/unit", threads[(e["pid"], e["tid"])])]
    # mvm (PUMA) and mcu (PANTHER) spans carry the MVMU operations they performed.
    mvm_units = sum(e.get("args", {}).get("mvmus", 0) for e in core_spans if e["cat"] == "mvm")
    prefix = ""
    if only_tiles is not None:
        tiles = {names[e["pid"]] for e in core_spans + unit_spans}
        check(tiles <= {"tile%d" % t for t in only_tiles},
              "only filtered tiles have tracks: %s" % sorted(tiles))
        mvm_stats = sum(sum_suffix(c, ".mvm", "node.tile%d." % t) for t in only_tiles)
        core_instr = sum(sum(v for k, v in c.items() if re.fullmatch(r"node\.tile%d\.core\d+\.instructions" % t, k))
                         for t in only_tiles)
    else:
        mvm_stats = sum_suffix(c, ".mvm")
        core_instr = sum(v for k, v in c.items() if re.fullmatch(r"node\.tile\d+\.core\d+\.instructions", k))
    check(mvm_stats > 0, "the run did MVMs (%d)" % mvm_stats)
    check(mvm_units == mvm_stats, "MVM spans x MVMUs == MVM count in stats (%d == %d)" % (mvm_units, mvm_stats))
    check(len(core_spans) == core_instr,
          "core instruction spans == core instructions in stats (%d == %d)" % (len(core_spans), core_instr))
    if only_tiles is None:
        by_cat = collections.Counter(e["cat"] for e in core_spans)
        by_class = {k: v for k, v in stats["accel"]["instructions_by_class"].items() if k != "tile unit"}
        check(dict(by_cat) == by_class, "core spans by category == report's instructions by class (%s)" % dict(by_cat))
        unit_instr = sum(v for k, v in c.items() if re.fullmatch(r"node\.tile\d+\.unit\.instructions", k))
        check(stats["accel"]["instructions_by_class"].get("tile unit", 0) == unit_instr,
              "report's tile-unit instructions == unit counters (%d)" % unit_instr)
    dma = [e for e in spans if threads[(e["pid"], e["tid"])] == "accel/dma"]
    if only_tiles is None:
        check(len(dma) > 0, "DMA spans present (%d)" % len(dma))
        runs = [e for e in spans if e["name"] == "START"]
        check(len(runs) == c.get("accel.runs", 0), "START spans == accel.runs (%d)" % len(runs))
    if expect_flows:
        sent = sum_suffix(c, ".unit.packets_sent")
        send_spans = [e for e in unit_spans if e["name"] == "send"]
        check(sent > 0 and len(send_spans) == sent, "send spans == packets sent (%d == %d)" % (len(send_spans), sent))
        flows = collections.Counter((e["ph"], e["id"]) for e in ev if e["ph"] in "stf" and e.get("cat") == "packet")
        starts = {i for (ph, i) in flows if ph == "s"}
        ends = {i for (ph, i) in flows if ph == "f"}
        check(len(starts) > 0 and starts == ends, "every packet flow that starts ends (%d flows)" % len(starts))
        link_flits = sum(e["args"]["flits"] for e in spans if names[e["pid"]] == "noc")
        stats_flits = sum(v for k, v in c.items() if re.fullmatch(r"node\.noc\.r\d+\.\w+\.flits", k))
        check(link_flits == stats_flits, "link spans' flits == link flit counters (%d == %d)" % (link_flits, stats_flits))
        fifo = [e for e in ev if e["ph"] == "C" and e["name"] == "fifo occupancy"]
        check(len(fifo) == 2 * c.get("node.noc.packets", -1),
              "FIFO occupancy samples: one per push and per pop (%d)" % len(fifo))


def check_vcd(path, expect):
    with open(path) as f:
        text = f.read()
    header, _, body = text.partition("$enddefinitions")
    check("$timescale" in header, "VCD has a $timescale")
    check(body != "", "VCD has $enddefinitions")
    # Rebuild hierarchical names from $scope/$var.
    scope, ids = [], {}
    for tok in re.finditer(r"\$scope module (\S+) \$end|\$upscope \$end|\$var \w+\s+(\d+)\s+(\S+)\s+(\S+)", header):
        if tok.group(1):
            scope.append(tok.group(1))
        elif tok.group(0).startswith("$upscope"):
            scope.pop()
        else:
            ids[".".join(scope[1:] + [tok.group(4)])] = tok.group(3)
    changes = collections.Counter()
    times = 0
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("#"):
            times += 1
        elif line.startswith("b"):
            changes[line.split()[-1]] += 1
        elif len(line) >= 2 and line[0] in "01xz":
            changes[line[1:]] += 1
    check(times > 1, "VCD has value changes at %d time steps" % times)
    for name in expect:
        check(name in ids, "VCD declares %s" % name)
        if name in ids:
            check(changes[ids[name]] > 1, "%s changes value (%d changes)" % (name, changes[ids[name]]))
    return ids


def check_itrace(path, kind, stats):
    c = counters(stats)
    host = accel = 0
    pat = re.compile(r"^\s*\d+\.\d{3} ns  (\S+)\s+[0-9a-f]{8}  [0-9a-f]+  \S")
    with open(path) as f:
        for line in f:
            m = pat.match(line)
            if not m:
                continue
            if m.group(1) == "host":
                host += 1
            else:
                accel += 1
    if kind in ("host", "all"):
        check(host == c["host.instret"], "host trace lines == minstret (%d == %d)" % (host, c["host.instret"]))
    else:
        check(host == 0, "no host lines in an accel trace")
    if kind in ("accel", "all"):
        instr = sum(v for k, v in c.items() if re.fullmatch(r"node\.tile\d+\.(core\d+|unit)\.instructions", k))
        check(accel == instr and accel > 0, "accelerator trace lines == executed instructions (%d == %d)" % (accel, instr))
    else:
        check(accel == 0, "no accelerator lines in a host trace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stats", required=True)
    ap.add_argument("--perfetto")
    ap.add_argument("--vcd")
    ap.add_argument("--itrace")
    ap.add_argument("--itrace-kind", default="all")
    ap.add_argument("--expect-signal", action="append", default=[])
    ap.add_argument("--absent-signal", action="append", default=[])
    ap.add_argument("--declared-signal", action="append", default=[])
    ap.add_argument("--only-tiles")
    ap.add_argument("--expect-flows", action="store_true")
    a = ap.parse_args()
    with open(a.stats) as f:
        stats = json.load(f)
    only = [int(t) for t in a.only_tiles.split(",")] if a.only_tiles else None
    if a.perfetto:
        check_perfetto(a.perfetto, stats, only, a.expect_flows)
    if a.vcd:
        ids = check_vcd(a.vcd, a.expect_signal)
        for name in a.declared_signal:
            check(name in ids, "VCD declares %s" % name)
        for name in a.absent_signal:
            check(not any(k.startswith(name) for k in ids), "VCD has no %s* signals (filtered out)" % name)
    if a.itrace:
        check_itrace(a.itrace, a.itrace_kind, stats)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
