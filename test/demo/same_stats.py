#!/usr/bin/env python3
"""same_stats.py A.json B.json: the two runs' counters and energy are identical."""
import json
import sys

a, b = (json.load(open(f))["stats"] for f in sys.argv[1:3])
diff = [k for k in set(a["counters"]) | set(b["counters"]) if a["counters"].get(k) != b["counters"].get(k)]
assert not diff, "counters differ: %s" % sorted(diff)[:10]
assert a["energy_pj"] == b["energy_pj"], "energy differs"
print("same stats")
