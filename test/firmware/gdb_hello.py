#!/usr/bin/env python3
"""End-to-end debugger test: gdb-multiarch drives `pumavp run --gdb PORT hello.elf`.

Breaks at greet(), reads registers and variables (pc, the `times` argument, the global
`greeting_count`, the `who` string), single-steps (stepi, next over printf, finish), continues to the end and checks that the
firmware exits normally with its UART output intact. Every process has a timeout; the test
never waits for a debugger or a simulator forever.
"""
import argparse
import re
import socket
import subprocess
import sys


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pumavp", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--gdb", required=True)
    ap.add_argument("--elf", required=True)
    a = ap.parse_args()

    port = free_port()
    sim = subprocess.Popen([a.pumavp, "run", "--config", a.config, "--gdb", str(port), a.elf],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    gdb_cmds = [
        "set confirm off",
        "set pagination off",
        "set tcp connect-timeout 20",
        f"target remote 127.0.0.1:{port}",
        "p/x $pc",
        "break greet",
        "continue",
        "p/x $pc == greet",
        "p times",
        "p greeting_count",
        "p who",
        "p/x $sp",
        "stepi",
        "p/x $pc != greet",
        "stepi",
        "next",
        "next",
        "p greeting_count",
        "finish",
        "continue",
    ]
    args = [a.gdb, "--batch", "-nx", a.elf]
    for c in gdb_cmds:
        args += ["-ex", c]
    fail = []
    try:
        g = subprocess.run(args, capture_output=True, text=True, timeout=40)
        gout = g.stdout + g.stderr
    except subprocess.TimeoutExpired as e:
        gout = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        fail.append("gdb-multiarch timed out")
    try:
        sout, serr = sim.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        sim.kill()
        sout, serr = sim.communicate()
        fail.append("pumavp did not finish after the debugger session")

    print("=== gdb ===\n" + gout)
    print("=== pumavp stdout ===\n" + sout)
    print("=== pumavp stderr ===\n" + serr)

    expect = [
        (r"\$1 = 0x80000000", "stopped at the entry point"),
        (r"Breakpoint 1 at 0x[0-9a-f]+: file .*hello/main\.c", "breakpoint on greet"),
        (r"Breakpoint 1, greet \(who=(who@entry=)?0x[0-9a-f]+ \"pumavp\", times=(times@entry=)?2\)",
         "hit greet with its arguments"),
        (r"\$2 = 0x1", "pc == greet"),
        (r"\$3 = 2", "argument times"),
        (r"\$4 = 0", "global greeting_count before the loop"),
        (r"\$5 = 0x[0-9a-f]+ \"pumavp\"", "string argument who"),
        (r"\$6 = 0x80ff[0-9a-f]{4}", "stack pointer near the top of 16 MiB"),
        (r"\$7 = 0x1", "stepi moved the pc"),
        (r"\$8 = 1", "greeting_count after one loop iteration (next over printf)"),
        (r"in main \(\) at .*main\.c.*\n.*\nValue returned is \$9 = 2", "finish out of greet"),
        (r"exited normally", "program ran to the end"),
    ]
    for pat, what in expect:
        if not re.search(pat, gout):
            fail.append(f"gdb output lacks {what} (/{pat}/)")
    if sim.returncode != 0:
        fail.append(f"pumavp exit code {sim.returncode}")
    if "Hello, pumavp! (2)" not in sout:
        fail.append("UART output missing")
    for f in fail:
        print("FAIL:", f)
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
