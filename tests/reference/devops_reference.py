#!/usr/bin/env python3
"""devops_reference.py ACCOUNTS.csv: rules/gitlab/devops_score.rules worked out
exactly, for the comparison in devops_crosscheck.sh.

Written from the issue's text (item 4), not from rubric's source, in exact
fractions (Python's fractions.Fraction) from the cells to the end:
- utilization = feature users / billable_users; None (na) when either cell is
  empty or billable_users is 0;
- the top level of a feature: the 90th percentile of its utilization over
  every account that has one, R's type 7: with the n values sorted,
  h = (n - 1) * 9/10, Q = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]);
- <feature>_vs_top = min(utilization / Q, 1); None when either is None or Q is 0;
- devops_score = 100 * the mean of the account's _vs_top values that are not
  None; None when all are;
- devops_rank_in_tier = 100 * (accounts of the same tier whose devops_score is
  below this account's) / (accounts of that tier with a devops_score); None
  when the score or the tier is None (an empty cell).

Printing: rubric writes a number as the double nearest its exact value, in the
shortest text that reads back as that double (integers without a point).
Python's float(Fraction) is that nearest double, and repr() of a float is that
shortest text, so a value prints as: an integer as int; a float that is a
whole number below 1e15 as "%.0f"; else repr(float).  None prints as an empty
cell.  So rubric and this script agree to the last printed digit, or differ.
"""
import bisect
import csv
import sys
from fractions import Fraction

FEATURES = ["active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployment_users_l28d",
            "secure_scanner_users_l28d", "container_scanning_users_l28d", "secret_detection_users_l28d"]


def num(cell):
    return Fraction(cell) if cell != "" else None


def r7(values, p):
    xs = sorted(values)
    if not xs:
        return None
    h = (len(xs) - 1) * p
    j = h.numerator // h.denominator
    if j + 1 >= len(xs):
        return xs[-1]
    return xs[j] + (h - j) * (xs[j + 1] - xs[j])


def show(v):
    if v is None:
        return ""
    if v.denominator == 1:
        return str(v.numerator)
    d = float(v)
    if d == int(d) and abs(d) < 1e15:
        return "%.0f" % d
    return repr(d)


def main():
    with open(sys.argv[1], newline="") as f:
        rows = list(csv.DictReader(f))
    util = []
    for r in rows:
        b = num(r["billable_users"])
        u = {}
        for ft in FEATURES:
            a = num(r[ft])
            u[ft] = None if a is None or b is None or b == 0 else a / b
        util.append(u)
    top = {ft: r7([u[ft] for u in util if u[ft] is not None], Fraction(9, 10)) for ft in FEATURES}
    vs, score = [], []
    for u in util:
        v = {}
        for ft in FEATURES:
            q = top[ft]
            v[ft] = None if u[ft] is None or q is None or q == 0 else min(u[ft] / q, Fraction(1))
        have = [x for x in v.values() if x is not None]
        vs.append(v)
        score.append(100 * sum(have) / len(have) if have else None)
    by_tier = {}
    for r, s in zip(rows, score):
        if r["tier"] != "" and s is not None:
            by_tier.setdefault(r["tier"], []).append(s)
    for peers in by_tier.values():
        peers.sort()  # bisect_left: how many are below
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["account_id"] + [ft + "_vs_top" for ft in FEATURES] + ["devops_score", "devops_rank_in_tier"])
    for r, v, s in zip(rows, vs, score):
        rank = None
        if s is not None and r["tier"] != "":
            peers = by_tier[r["tier"]]
            rank = Fraction(100 * bisect.bisect_left(peers, s), len(peers))
        w.writerow([r["account_id"]] + [show(v[ft]) for ft in FEATURES] + [show(s), show(rank)])


if __name__ == "__main__":
    main()
