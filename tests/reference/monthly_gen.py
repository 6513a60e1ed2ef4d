#!/usr/bin/env python3
"""monthly_gen.py [--count N] [--seed S] [--gen GEN_ACCOUNTS] OUT_DIR

Three monthly exports of the same customer base, in the columns of
rules/gitlab/use_case_health.rules, for the month ends in AS_OF:
OUT_DIR/month1.csv, month2.csv, month3.csv.  Deterministic: the same count
and seed give the same files, byte for byte.

Each month's rows start from build/gen_accounts (the project's generator of
these columns, with its threshold, onboarding, zero, sparse and over-100%
accounts), run with its own seed and that month's as-of date.  On top:

  - about N accounts a month out of a larger base: most are in all three
    months; others leave, join, or skip month 2 and come back in month 3
    (their previous period is then month 1);
  - from one month to the next an account keeps its row, drifts (usage
    counts scaled, so bands move across their edges), or is drawn anew;
  - some accounts hold a role every month, redrawn each month so that they
    cross the edges the actions read: license utilization exactly 75% and
    90% and one seat (or 0.01 seat) either side; user engagement exactly
    80% and next to it (self-managed spelled in several ways); every usage
    count on a threshold of its measure, or empty, so that use cases land
    on the 75 and 40 score edges; license starts on month's onboarding edge
    (or empty) with low utilization; empty or zero seat counts;
  - every month lists its rows in a shuffled order, and month 2 its columns
    in another order.

Python 3 standard library only.
"""
import argparse
import calendar
import csv
import datetime
import io
import os
import random
import subprocess
import sys

AS_OF = ["2026-09-30", "2026-10-31", "2026-11-30"]
COLUMNS = ["account_id", "tier", "deployment", "license_start", "licenses_sold", "billable_users",
           "active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployments_l28d",
           "deployment_users_l28d", "secure_scanner_users_l28d", "container_scanning_users_l28d",
           "secret_detection_users_l28d"]
USAGE = COLUMNS[7:]          # the counts over licenses_sold
# Thresholds (percent of licenses_sold) of the measures each usage count feeds.
EDGES = {
    "git_ops_users_l28d": [25, 50],
    "ci_pipeline_users_l28d": [25, 50],
    "deployments_l28d": [3, 8],
    "deployment_users_l28d": [5, 10, 12],
    "secure_scanner_users_l28d": [5, 20],
    "container_scanning_users_l28d": [3, 10],
    "secret_detection_users_l28d": [6, 20],
}
# Which months an account is in, and how often.
PRESENCE = [((1, 1, 1), 80), ((1, 1, 0), 4), ((0, 1, 1), 4), ((1, 0, 1), 4),
            ((1, 0, 0), 2), ((0, 1, 0), 2), ((0, 0, 1), 4)]
# Roles (per cent of accounts): redrawn every month on the edges above.
ROLES = [("utilization", 8), ("engagement", 5), ("usage_edges", 8), ("onboarding", 4),
         ("missing", 4), (None, 71)]
SELF_MANAGED = ["self-managed", "self-managed", "Self-Managed", " self-managed ", "SELF-MANAGED"]


def month_before(day):
    """day - 1 month, the day clamped to the month's end."""
    y, m = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return datetime.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def pick(rng, weighted):
    r = rng.randrange(sum(w for _, w in weighted))
    for value, w in weighted:
        if r < w:
            return value
        r -= w
    raise AssertionError("unreachable")


def gen_month(gen, count, seed, as_of):
    """gen_accounts' rows as dicts, by account id."""
    out = subprocess.run([gen, "--count", str(count), "--seed", str(seed), "--as-of", as_of],
                         check=True, capture_output=True).stdout.decode("ascii")
    return {r["account_id"]: r for r in csv.DictReader(io.StringIO(out))}


def scaled(cell, lo, hi, rng):
    """An integer count times a factor drawn in [lo, hi]; an empty cell stays empty."""
    if cell == "":
        return cell
    value = float(cell) * rng.uniform(lo, hi)
    return str(max(0, round(value))) if "." not in cell else "%.2f" % max(0.0, value)


def drift(row, rng):
    row = dict(row)
    for c in USAGE + ["active_users_l28d"]:
        row[c] = scaled(row[c], 0.6, 1.5, rng)
    row["billable_users"] = scaled(row["billable_users"], 0.85, 1.15, rng)
    if rng.random() < 0.1:
        row["licenses_sold"] = scaled(row["licenses_sold"], 0.8, 1.3, rng)
    return row


def seats(rng):
    """A seat count that 75%, 80% and 90% of are whole numbers, 100 of which
    every usage threshold is a whole number of too."""
    return 100 * rng.randint(1, 60)


def percent_of(total, pct, step):
    """total * pct / 100, then `step` (-1, 0, 1) units of 1 (or of 0.01 for a
    decimal total) either side, as text."""
    if isinstance(total, int):
        return str(total * pct // 100 + step)
    return "%.2f" % (total * pct / 100 + step / 100)


def apply_role(role, row, rng, as_of):
    if role == "utilization":
        # billable_users / licenses_sold on 75% or 90%, or one seat either side.
        pct, step = rng.choice([75, 90]), rng.choice([-1, 0, 0, 1])
        if rng.random() < 0.1:
            # 7 seats: 5.25 and 6.3 of 7 are exactly 75% and 90% in decimal,
            # not in binary floating point.
            row["licenses_sold"] = "7"
            row["billable_users"] = {75: ["5.24", "5.25", "5.25", "5.26"],
                                     90: ["6.29", "6.3", "6.3", "6.31"]}[pct][step + 1 + (step == 1)]
        else:
            lic = seats(rng)
            row["licenses_sold"] = str(lic)
            row["billable_users"] = percent_of(lic, pct, step)
    elif role == "engagement":
        # active_users_l28d / billable_users on 80%, where it applies or not.
        row["deployment"] = rng.choice(SELF_MANAGED + ["saas", "dedicated", ""])
        step = rng.choice([-1, 0, 0, 1])
        if rng.random() < 0.1:
            row["billable_users"] = "7"
            row["active_users_l28d"] = ["5.59", "5.6", "5.61"][step + 1]
        else:
            bill = 5 * rng.randint(1, 400)
            row["billable_users"] = str(bill)
            row["active_users_l28d"] = str(bill * 80 // 100 + step)
        if rng.random() < 0.3:
            # And license utilization on 90% too, at times.
            lic = seats(rng)
            row["licenses_sold"] = str(lic)
            row["billable_users"] = percent_of(lic, 90, rng.choice([-1, 0, 1]))
            bill = int(row["billable_users"])
            row["active_users_l28d"] = str(bill * 4 // 5 + rng.choice([0, 1]))
    elif role == "usage_edges":
        # Every usage count on one of its thresholds, one unit either side,
        # or empty: use cases then score exactly 75 (green, yellow, na), 66.7,
        # 50, 40 (never: the means are of 0, 50 and 100) and so on.
        lic = seats(rng)
        row["licenses_sold"] = str(lic)
        for c, edges in EDGES.items():
            if rng.random() < 0.15:
                row[c] = ""
            else:
                row[c] = percent_of(lic, rng.choice(edges), rng.choice([-1, 0, 0, 1]))
    elif role == "onboarding":
        # A license start on this month's onboarding edge (not onboarding),
        # the day after (onboarding), the as-of day, or none (not onboarding),
        # with utilization under 75%.
        day = datetime.date.fromisoformat(as_of)
        edge = month_before(day)
        row["license_start"] = rng.choice([edge.isoformat(), (edge + datetime.timedelta(1)).isoformat(),
                                           (edge - datetime.timedelta(1)).isoformat(),
                                           as_of, "", ""])
        lic = seats(rng)
        row["licenses_sold"] = str(lic)
        row["billable_users"] = str(lic * rng.choice([50, 60, 74, 75, 89, 90]) // 100)
    elif role == "missing":
        c = rng.choice(["licenses_sold", "billable_users", "active_users_l28d", "deployment",
                        "licenses_zero", "billable_zero"])
        if c == "licenses_zero":
            row["licenses_sold"] = "0"
        elif c == "billable_zero":
            row["billable_users"] = "0"
        else:
            row[c] = ""
    return row


def generate(count, seed, gen):
    rng = random.Random(seed)
    universe = count * 10 // 9 + 1
    base = [gen_month(gen, universe, seed * 10 + m, AS_OF[m]) for m in range(3)]
    months = [[], [], []]
    for i in range(1, universe + 1):
        acc = "ACC-%06d" % i
        present = pick(rng, PRESENCE)
        role = pick(rng, ROLES)
        last = None
        for m in range(3):
            if not present[m]:
                continue
            fresh = base[m][acc]
            if last is None:
                row = dict(fresh)
            else:
                mode = pick(rng, [("keep", 40), ("drift", 35), ("new", 25)])
                row = dict(last) if mode == "keep" else drift(last, rng) if mode == "drift" else dict(fresh)
            if role is not None and rng.random() < 0.9:
                row = apply_role(role, row, rng, AS_OF[m])
            months[m].append(row)
            last = row
    for rows in months:
        rng.shuffle(rows)
    return months


def write_csv(path, rows, columns):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r[c] for c in columns])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[2])
    ap.add_argument("--count", type=int, default=30000, help="accounts a month, about (default 30000)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--gen", default=None, help="gen_accounts (default: build/gen_accounts)")
    ap.add_argument("out_dir")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    gen = a.gen or os.path.join(root, "build", "gen_accounts")
    if not os.access(gen, os.X_OK):
        sys.exit("monthly_gen.py: %s not found; build it (make build/gen_accounts) or pass --gen" % gen)
    os.makedirs(a.out_dir, exist_ok=True)
    months = generate(a.count, a.seed, gen)
    # Month 2 lists its columns in another order: exports change layout.
    month2_columns = COLUMNS[:1] + list(reversed(COLUMNS[1:]))
    for m, rows in enumerate(months):
        write_csv(os.path.join(a.out_dir, "month%d.csv" % (m + 1)), rows,
                  month2_columns if m == 1 else COLUMNS)


if __name__ == "__main__":
    main()
