#!/usr/bin/env python3
"""Write a random linear-additive scenario (parley's native YAML) to stdout.

usage: random_scenario.py ISSUES VALUES PARTIES SEED [RESERVATION] [--opposed]

Each party has random weights (summing to 1) and scores in [0, 1] with
three decimals.  With --opposed there are two parties and the second's
scores are 1 - the first's (same weights): every outcome lies on or near
u1 + u2 = 1, so most outcomes are Pareto-optimal -- the worst case for a
frontier search.  Deterministic for a seed (Python's own Mersenne Twister).
"""
import random
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
opposed = "--opposed" in sys.argv
m, nv, np_, seed = (int(a) for a in args[:4])
rv = float(args[4]) if len(args) > 4 else 0.0
rnd = random.Random(seed)
out = ["parley: 1", "name: random %d x %d, %d parties, seed %d" % (m, nv, np_, seed), "issues:"]
for i in range(m):
    out.append("  i%d:\n    values: [%s]" % (i, ", ".join("v%d" % k for k in range(nv))))
out.append("parties:")
w = sc = None
for p in range(np_):
    if not opposed or p == 0:
        w = [rnd.random() for _ in range(m)]
        t = sum(w)
        w = [x / t for x in w]
        sc = [[round(rnd.random(), 3) for _ in range(nv)] for _ in range(m)]
    out.append("  P%d:\n    role: negotiator\n    reservation: %s\n    utility:" % (p + 1, rv))
    for i in range(m):
        vals = ", ".join("v%d: %s" % (k, sc[i][k] if not (opposed and p) else round(1 - sc[i][k], 3))
                         for k in range(nv))
        out.append("      i%d: {weight: %.6f, values: {%s}}" % (i, w[i], vals))
print("\n".join(out))
