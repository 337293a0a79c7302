#!/usr/bin/env python3
"""Debugger interrupt test with a raw RSP client: `pumavp run --gdb PORT spin.elf`.

Continue, Ctrl-C (0x03) -> stop reply with SIGINT (T02), read the pc and the spin counter,
continue again, interrupt again: the counter must have advanced; then kill (k) must end
the simulation. Every wait is bounded.
"""
import argparse
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Rsp:
    def __init__(self, port, timeout=20.0):
        deadline = time.time() + timeout
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.s.settimeout(10)
        self.buf = b""

    def _byte(self):
        if not self.buf:
            self.buf = self.s.recv(4096)
            if not self.buf:
                raise EOFError("connection closed")
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def send(self, payload):
        cs = sum(payload.encode()) & 0xFF
        self.s.sendall(f"${payload}#{cs:02x}".encode())
        ack = self._byte()
        if ack != b"+":
            raise RuntimeError(f"no ack for {payload!r}: {ack!r}")

    def recv(self):
        while self._byte() != b"$":
            pass
        p = b""
        while True:
            c = self._byte()
            if c == b"#":
                break
            p += c
        self._byte()
        self._byte()
        self.s.sendall(b"+")
        return p.decode()

    def cmd(self, payload):
        self.send(payload)
        return self.recv()


def le32(hexstr):
    return int.from_bytes(bytes.fromhex(hexstr), "little")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pumavp", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--nm", required=True)
    a = ap.parse_args()

    syms = {}
    for line in subprocess.run([a.nm, a.elf], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    counter = syms["spin_counter"]
    main_addr = syms["main"]

    port = free_port()
    sim = subprocess.Popen([a.pumavp, "run", "--config", a.config, "--max-time", "100s",
                            "--gdb", str(port), a.elf],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fail = []
    try:
        r = Rsp(port)
        stop = r.cmd("?")
        if not stop.startswith("T05"):
            fail.append(f"initial stop reply {stop!r}")
        values = []
        for _ in range(2):
            r.send("c")
            time.sleep(0.3)
            r.s.sendall(b"\x03")
            stop = r.recv()
            if not stop.startswith("T02"):
                fail.append(f"stop reply after Ctrl-C {stop!r}, expected T02 (SIGINT)")
            pc = le32(r.cmd("p20"))
            if not main_addr <= pc < main_addr + 64:
                fail.append(f"pc 0x{pc:08x} not in the spin loop (main at 0x{main_addr:08x})")
            values.append(le32(r.cmd(f"m{counter:x},4")))
        print(f"spin_counter at the two interrupts: {values}")
        if not (0 < values[0] < values[1]):
            fail.append(f"counter did not advance: {values}")
        r.send("k")
    except Exception as e:  # noqa: BLE001 - report any protocol failure as a test failure
        fail.append(f"RSP session: {e!r}")
    try:
        out, err = sim.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        sim.kill()
        out, err = sim.communicate()
        fail.append("pumavp did not end after kill")
    print("=== pumavp stdout ===\n" + out + "=== pumavp stderr ===\n" + err)
    if "spin: counting" not in out:
        fail.append("UART output missing")
    for f in fail:
        print("FAIL:", f)
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
