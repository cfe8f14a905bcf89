#!/usr/bin/env python3
"""genius_reference.py -- GENIUS's utility of given bids, computed on its own.

An evaluator independent of parley (python3 standard library only: XML through
xml.etree), written from GENIUS 10.4's Java (genius/core/utility/:
NonlinearUtilitySpace, UtilityFunction, Inclusive/ExclusiveHyperRectangle,
ConstraintUtilitySpace, Rank, the *Constraint classes, AdditiveUtilitySpace,
EvaluatorDiscrete/Integer/Real) and old GENIUS's EvaluatorPrice, operation by
operation in doubles (Python floats are IEEE doubles, as Java's).  Nothing here
knows about parley's interaction terms.

Usage: genius_reference.py FOLDER BIDS
  FOLDER  a GENIUS folder (one domain, profiles named PARTY.xml)
  BIDS    lines "PARTY<TAB>k1<TAB>k2...<TAB>UTILITY_HEX": a party, the value
          index of each domain issue (document order: item order for discrete
          issues, lb + k for integer ones, the k-th of 21 grid points for real
          ones) and parley's utility as float.hex().
Prints "checked N" and exits 0 when every utility is the same double;
otherwise prints each difference and exits 1.
"""
import os
import sys
import xml.etree.ElementTree as ET


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    return ET.fromstring(data)


# ------------------------------------------------------------------ domain


class Issue:
    def __init__(self, el):
        self.index = int(el.get("index"))
        self.name = el.get("name")
        t = (el.get("type") or "discrete").lower()
        self.kind = t if t in ("discrete", "integer", "real") else "discrete"
        if self.kind == "discrete":
            self.values = [it.get("value") for it in el.findall("item")]
        elif self.kind == "integer":
            lo, hi = int(el.get("lowerbound")), int(el.get("upperbound"))
            self.values = list(range(lo, hi + 1))
        else:
            r = el.find("range")
            lo, hi = float(r.get("lowerbound")), float(r.get("upperbound"))
            self.values = [lo + k * ((hi - lo) / 20.0) for k in range(21)]


def read_domain(root):
    issues = []

    def walk(el):
        for ch in el:
            if ch.tag == "issue":
                issues.append(Issue(ch))
            elif ch.tag == "objective":
                walk(ch)

    walk(root.find("utility_space"))
    return issues


class Bid:
    """Issue index -> value (str for discrete, int, float)."""

    def __init__(self, issues, ks):
        self.v = {}
        for iss, k in zip(issues, ks):
            self.v[iss.index] = iss.values[k]

    def s(self, idx):  # Value.toString()
        x = self.v[idx]
        return x if isinstance(x, str) else str(x)


# --------------------------------------------------------------- nonlinear


def rect_value(r, bid):
    inc, exc = r.findall("INCLUDES"), r.findall("EXCLUDES")
    u = float(r.get("utility"))
    w = float(r.get("weight")) if r.get("weight") is not None else 1.0
    if exc:  # an EXCLUDES list replaces the INCLUDES one
        for b in exc:
            x = bid.v[int(b.get("index"))]
            if int(b.get("min")) > x or x > int(b.get("max")):
                return u * w
        return 0.0
    for b in inc:
        x = bid.v[int(b.get("index"))]
        if int(b.get("min")) > x or x > int(b.get("max")):
            return 0.0
    return u * w


def ufun_value(u, bid):
    agg = (u.get("aggregation") or "sum").lower()
    if agg not in ("sum", "min", "max"):
        agg = "sum"
    acc = {"sum": 0.0, "min": float(2**31 - 1), "max": -float(2**31 - 1)}[agg]

    def fold(acc, cur):
        if agg == "sum":
            return acc + cur
        if agg == "max":
            return cur if acc < cur else acc
        return cur if acc > cur else acc

    for r in u.findall("hyperRectangle"):
        acc = fold(acc, rect_value(r, bid))
    for sub in u.findall("ufun"):
        w = float(sub.get("weight")) if sub.get("weight") is not None else 1.0
        acc = fold(acc, ufun_value(sub, bid) * w)
    return acc


def nonlinear(root, bid):
    util = list(root)[0].find("utility")
    m = float(util.get("maxutility"))
    r = ufun_value(util.find("ufun"), bid) / m
    return 1.0 if r > 1 else r


# -------------------------------------------------------------- constraint


def java_hash_order(keys):
    """Java HashMap<Integer,...> iteration order for a map of < 13 keys."""
    def bucket(k):
        h = k & 0xFFFFFFFF
        return (h ^ (h >> 16)) & 15
    return sorted(keys, key=lambda k: (bucket(k), keys.index(k)))


def ordered_map(pairs):
    keys, val = [], {}
    for k, v in pairs:
        if k not in val:
            keys.append(k)
        val[k] = v
    return [(k, val[k]) for k in java_hash_order(keys)]


def constraint(root, bid):
    rules = list(root)[0].find("rules")
    ranks, indices = {}, []
    for iss in rules.find("ranks").findall("issue"):
        idx = int(iss.get("index"))
        indices.append(idx)
        table, mx = {}, 0
        for it in iss.findall("item"):
            rk = int(it.get("rank"))
            table[it.get("value")] = rk
            if rk > mx:
                mx = rk
        ranks[idx] = (table, mx)
    zero_outcome, per_issue = [], {}
    for c in rules.find("constraints").findall("constraint"):
        t = c.get("type")
        if t in ("inclusiveZeroOutcomeConstraint", "conditionalZeroOutcomeConstraint"):
            checks = ordered_map((int(a.get("index")), a.get("condition"))
                                 for a in c.findall("checkassignment"))
            zero_outcome.append((t, checks))
        elif t in ("zeroConstraint", "conditionalZeroConstraint", "sumZeroConstraint",
                   "sumZeroNotConstraint", "sumZeroConstraintList"):
            per_issue.setdefault(int(c.get("index")), []).append((t, c))

    def fires(t, checks):
        if t == "inclusiveZeroOutcomeConstraint":
            for idx, cond in checks:
                if "numeric" in cond:
                    if "positive" in cond and int(bid.s(idx)) < 0:
                        return False
                    elif "negative" in cond and int(bid.s(idx)) > 0:
                        return False
                elif cond not in bid.s(idx):
                    return False
            return True
        (i0, c0), (i1, c1) = checks[0], checks[1]
        if c0 == "numeric=positive" and int(bid.s(i0)) > 0:
            return c1 not in bid.s(i1)
        if c0 == "numeric=negative" and int(bid.s(i0)) < 0:
            return c1 not in bid.s(i1)
        return False

    def zeroes(t, c):
        idx = int(c.get("index"))
        if t == "zeroConstraint":
            for i, v in ordered_map((int(a.get("index")), a.get("value"))
                                    for a in c.findall("valueassignment")):
                if bid.s(i) != v:
                    return False
            return True
        if t == "conditionalZeroConstraint":
            ok = all(v == bid.s(i) for i, v in ordered_map(
                (int(a.get("index")), a.get("value")) for a in c.findall("valueassignment")))
            return ok and c.get("value") not in bid.s(idx)
        total = sum(int(bid.s(int(it.get("index")))) for it in c.findall("item"))
        if not (int(c.get("min")) <= total <= int(c.get("max"))):
            return False
        if t == "sumZeroConstraint":
            return c.get("value") in bid.s(idx)
        if t == "sumZeroNotConstraint":
            return c.get("value") not in bid.s(idx)
        return any(cd.get("value") in bid.s(idx) for cd in c.findall("condition"))

    for t, checks in zero_outcome:
        if fires(t, checks):
            return 0.0
    u = 0.0
    for idx in indices:
        if any(zeroes(t, c) for t, c in per_issue.get(idx, [])):
            continue
        table, mx = ranks[idx]
        u += float(table[bid.s(idx)]) / mx
    return u / len(indices)


# ---------------------------------------------------------------- additive


def additive(root, issues, bid):
    """AdditiveUtilitySpace with the evaluators the shipped files use, and
    old GENIUS's price evaluator."""
    evals = {}  # index -> (weight, element)

    def walk(el):
        ws = {int(w.get("index")): float(w.get("value")) for w in el.findall("weight")}
        for iss in el.findall("issue"):
            idx = int(iss.get("index"))
            if idx in ws:
                evals[idx] = (ws[idx], iss)
        for ch in el:
            walk(ch)

    walk(root)
    costs = {}
    for idx, (w, el) in evals.items():
        if (el.get("type") or "").lower() in ("discrete", ""):
            costs[idx] = {it.get("value"): float(it.get("cost")) for it in el.findall("item")
                          if it.get("cost") is not None}
    u = 0.0
    for iss in issues:
        if iss.index not in evals:
            continue
        w, el = evals[iss.index]
        t = (el.get("type") or iss.kind).lower()
        x = bid.v[iss.index]
        if t == "price":
            r = el.find("range")
            lb, ub = float(r.get("lowerbound")), float(r.get("upperbound"))
            cs, maxc = 0.0, 0.0
            for j in issues:
                if j.index in costs:
                    cs += costs[j.index][bid.s(j.index)]
                    maxc += max(costs[j.index].values())
            profit = x - cs - lb
            margin = (ub - lb - maxc) / lb
            e = profit / (margin * lb)
            e = 0.0 if e < 0 else (1.0 if e > 1 else e)
        elif t == "discrete":
            table = {}
            for it in el.findall("item"):
                if it.get("evaluation") is not None:
                    table[it.get("value")] = float(it.get("evaluation"))
            mx = max(table.values())
            e = 0.0 if mx < 0.00001 else table[x] / mx
        elif t == "real":
            ev = el.find("evaluator")
            ft = ev.get("ftype").lower()
            p0 = float(ev.get("parameter0"))
            if ft == "linear":
                e = p0 + float(ev.get("parameter1")) * x
                e = 0.0 if e < 0 else (1.0 if e > 1 else e)
            elif ft == "constant":
                e = p0
            else:
                raise SystemExit("real ftype %s not handled here" % ft)
        else:
            ev = el.find("evaluator")
            e = float(ev.get("slope")) * (x - int(el.get("lowerbound"))) + float(ev.get("offset"))
            e = 0.0 if e < 0 else (1.0 if e > 1 else e)
        u += w * e
    return 1.0 if u > 1 else u


# -------------------------------------------------------------------- main


def main():
    folder, bids = sys.argv[1], sys.argv[2]
    domain, issues = None, None
    for f in sorted(os.listdir(folder)):
        if f.endswith(".xml"):
            try:
                r = parse(os.path.join(folder, f))
            except ET.ParseError:
                continue
            if r.tag == "negotiation_template":
                domain = r
    issues = read_domain(domain)
    profiles, bad, n = {}, 0, 0
    with open(bids) as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            party, ks, got = cols[0], [int(k) for k in cols[1:-1]], float.fromhex(cols[-1])
            if party not in profiles:
                profiles[party] = parse(os.path.join(folder, party + ".xml"))
            root = profiles[party]
            bid = Bid(issues, ks)
            t = (root.get("type") or "").lower()
            if t == "nonlinear":
                want = nonlinear(root, bid)
            elif t == "constraint":
                want = constraint(root, bid)
            else:
                want = additive(root, issues, bid)
            n += 1
            if want != got:
                bad += 1
                if bad <= 20:
                    print("DIFF %s %s: GENIUS %r (%s), parley %r (%s)"
                          % (party, ks, want, float.hex(want), got, cols[-1]))
    print("checked %d" % n)
    sys.exit(1 if bad or n == 0 else 0)


if __name__ == "__main__":
    main()
