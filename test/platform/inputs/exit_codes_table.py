"""The README "Exit codes" table lists exactly the codes of platform/exit_codes.h (same
names, same values). argv: README.md exit_codes.h"""
import re
import sys

readme, header = open(sys.argv[1]).read(), open(sys.argv[2]).read()
codes = {name: int(v) for name, v in re.findall(r"constexpr int (k\w+) = (\d+);", header)}
m = re.search(r"^## Exit codes\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
if not m:
    sys.exit("README.md has no '## Exit codes' section")
rows = {}
for line in m.group(1).splitlines():
    r = re.match(r"\|\s*(\d+)\s*\|\s*`(k\w+)`\s*\|", line)
    if r:
        if r.group(2) in rows:
            sys.exit(f"README lists {r.group(2)} twice")
        rows[r.group(2)] = int(r.group(1))
if not codes:
    sys.exit("no codes found in exit_codes.h")
if rows != codes:
    sys.exit(f"README table {sorted(rows.items())} != exit_codes.h {sorted(codes.items())}")
print(f"exit codes table matches ({len(codes)} codes)")
