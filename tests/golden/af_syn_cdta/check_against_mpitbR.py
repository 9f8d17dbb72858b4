#!/usr/bin/env python3
"""Compare the national rows of reference_levels.csv / reference_changes.csv (this folder)
with mpitbR 1.0.1's published national output.

Usage: python3 check_against_mpitbR.py [/path/to/shared/data/syn_cdta]
Tolerances: estimates 1e-8 absolute; SE and CI bounds 1e-6 relative. Exit status 1 on failure.
Standard library only.
"""

import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = (
    sys.argv[1]
    if len(sys.argv) > 1
    else os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "syn_cdta")
)
EST_ABS, REL = 1e-8, 1e-6


def num(x):
    return None if x in ("", "NA") else float(x)


def kkey(x):
    return "" if x in ("", "NA") else str(int(float(x)))


def ikey(x):
    return "" if x in ("", "NA") else x


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def rel(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(b), 1e-300)


def compare(name, ours, theirs, keyfun_ours, keyfun_theirs):
    mine = {}
    for r in ours:
        if r["over"] != "national":
            continue
        k = keyfun_ours(r)
        assert k not in mine, ("duplicate", k)
        mine[k] = r
    stats = {"est": 0.0, "se": 0.0, "ci": 0.0}
    bad, seen = [], set()
    for r in theirs:
        k = keyfun_theirs(r)
        if k not in mine:
            bad.append(("missing in reference", k))
            continue
        seen.add(k)
        m = mine[k]
        d = abs(float(m["estimate"]) - float(r["b"]))
        stats["est"] = max(stats["est"], d)
        if d > EST_ABS:
            bad.append(("estimate", k, m["estimate"], r["b"], d))
        for mine_col, their_col, s in (
            ("se", "se", "se"),
            ("ci_low", "ll", "ci"),
            ("ci_high", "ul", "ci"),
        ):
            a, b = num(m[mine_col]), num(r[their_col])
            if (a is None) != (b is None):
                bad.append((mine_col, k, m[mine_col], r[their_col]))
                continue
            if a is None:
                continue
            e = rel(a, b)
            stats[s] = max(stats[s], e)
            if e > REL:
                bad.append((mine_col, k, a, b, e))
    extra = set(mine) - seen
    print(
        f"{name}: {len(theirs)} mpitbR rows, {len(mine)} national reference rows, "
        f"{len(extra)} reference rows without an mpitbR counterpart"
    )
    print(
        f"  max |estimate diff| = {stats['est']:.3g}; max rel SE diff = {stats['se']:.3g}; "
        f"max rel CI-bound diff = {stats['ci']:.3g}"
    )
    for b in bad[:20]:
        print("  MISMATCH", b)
    return not bad and not extra


lev_ok = compare(
    "levels",
    read(os.path.join(HERE, "reference_levels.csv")),
    read(os.path.join(SRC, "mpitbR_national_levels.csv")),
    lambda r: (r["measure"], kkey(r["k"]), ikey(r["indicator"]), str(int(r["time"]))),
    lambda r: (r["measure"], kkey(r["k"]), ikey(r["indicator"]), str(int(float(r["t"])))),
)
CT = {("abs", "0"): "abs", ("rel", "0"): "rel", ("abs", "1"): "abs_ann", ("rel", "1"): "rel_ann"}
chg_ok = compare(
    "changes",
    read(os.path.join(HERE, "reference_changes.csv")),
    read(os.path.join(SRC, "mpitbR_national_changes.csv")),
    lambda r: (r["measure"], kkey(r["k"]), ikey(r["indicator"]), r["change"]),
    lambda r: (
        r["measure"],
        kkey(r["k"]),
        ikey(r["indicator"]),
        CT[(r["ctype"], str(int(float(r["ann"]))))],
    ),
)
print("PASS" if lev_ok and chg_ok else "FAIL")
sys.exit(0 if lev_ok and chg_ok else 1)
