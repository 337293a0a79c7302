#!/usr/bin/env python3
"""Cross-checks the hand-written expected values of the register-register and
register-immediate tests (TEST_RR_* / TEST_IMM_* in firmware/tests/isa/*.S) against a
separately written Python model of the RV32IM integer operations.

This validates the test *data* (a typo in an expected value would otherwise show up as an ISS
bug); it does not run any RISC-V code. Exit status 0 = all consistent.
Usage: check_expectations.py FILE.S...
"""
import re
import sys

M = 0xFFFFFFFF


def s32(x):
    x &= M
    return x - (1 << 32) if x & 0x80000000 else x


def div_s(a, b):
    a, b = s32(a), s32(b)
    if b == 0:
        return M
    if a == -(1 << 31) and b == -1:
        return a & M
    q = abs(a) // abs(b)
    return (q if (a < 0) == (b < 0) else -q) & M


def rem_s(a, b):
    a, b = s32(a), s32(b)
    if b == 0:
        return a & M
    if a == -(1 << 31) and b == -1:
        return 0
    r = abs(a) % abs(b)
    return (r if a >= 0 else -r) & M


OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "sll": lambda a, b: a << (b & 31),
    "srl": lambda a, b: (a & M) >> (b & 31),
    "sra": lambda a, b: s32(a) >> (b & 31),
    "slt": lambda a, b: int(s32(a) < s32(b)),
    "sltu": lambda a, b: int((a & M) < (b & M)),
    "mul": lambda a, b: a * b,
    "mulh": lambda a, b: (s32(a) * s32(b)) >> 32,
    "mulhsu": lambda a, b: (s32(a) * (b & M)) >> 32,
    "mulhu": lambda a, b: ((a & M) * (b & M)) >> 32,
    "div": div_s,
    "divu": lambda a, b: M if b & M == 0 else (a & M) // (b & M),
    "rem": rem_s,
    "remu": lambda a, b: a & M if b & M == 0 else (a & M) % (b & M),
}


def imm_op(name):
    base = {"addi": "add", "andi": "and", "ori": "or", "xori": "xor", "slti": "slt",
            "sltiu": "sltu", "slli": "sll", "srli": "srl", "srai": "sra"}.get(name)
    return OPS[base] if base else None


def val(expr):
    return eval(expr, {"__builtins__": {}}) & M  # numbers and + - only


def main():
    pat = re.compile(r"^\s*(TEST_(?:RR|IMM)_[A-Z0-9_]+)\((.*)\)\s*(?:/\*.*)?$")
    bad = checked = 0
    for path in sys.argv[1:]:
        for lineno, line in enumerate(open(path), 1):
            m = pat.match(line)
            if not m:
                continue
            macro, args = m.group(1), [a.strip() for a in m.group(2).split(",")]
            if macro.endswith("ZERODEST"):
                continue  # expected value is 0 by construction
            n, inst = args[0], args[1]
            if macro.startswith("TEST_RR"):
                op = OPS[inst]
                if macro == "TEST_RR_SRC12_EQ_DEST":
                    exp, a, b = val(args[2]), val(args[3]), val(args[3])
                elif macro == "TEST_RR_ZEROSRC1":
                    exp, a, b = val(args[2]), 0, val(args[3])
                else:
                    exp, a, b = val(args[2]), val(args[3]), val(args[4])
            else:
                op = imm_op(inst)
                imm = eval(args[4], {"__builtins__": {}})
                if inst in ("slli", "srli", "srai"):
                    assert 0 <= imm < 32, line
                else:
                    assert -2048 <= imm <= 2047, line
                exp, a, b = val(args[2]), val(args[3]), imm & M
            got = op(a, b) & M
            checked += 1
            if got != exp:
                bad += 1
                print(f"{path}:{lineno}: test {n} {inst} 0x{a:08x}, 0x{b:08x}: "
                      f"file expects 0x{exp:08x}, model gives 0x{got:08x}")
    print(f"check_expectations: {checked} cases, {bad} mismatches")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
