#!/usr/bin/env python3
"""actions_reference.py --uch UCH_REFERENCE [--as-of D1,D2,...] MONTH1.csv MONTH2.csv ...
   actions_reference.py --pairs-of ACTIONS.csv

The calls to action of issue 11 (rules/gitlab/use_case_alerts.rules) for
the last month given, the months given in time order, written from the
issue's words and not from the policy: prints `account_id,action` then the
sorted set of pairs that fire.  --counts prints on stderr each action's count ("action NAME N") and how
many accounts of the last month are in each situation that a policy may get
wrong ("case WHAT: N": utilization exactly 75%, no license_start, ...).

  - An account's previous period is the latest earlier month whose export
    lists it (a run records every account it scores).
  - adopting_X (X = scm, ci, devsecops, cd): use case X green now and yellow
    or red at the previous period; no previous period, or X na then: no.
  - declining_X: X green at the previous period and yellow or red now.
  - seat_reduction_risk: billable_users / licenses_sold < 75%, and not
    onboarding as rules/gitlab/use_case_health.rules defines it:
    license_start after as_of - 1 month (the day clamped to the month's
    end); an account without a license_start is not onboarding.
  - seat_expansion: billable_users / licenses_sold >= 90%, or the value of
    user_engagement (active_users_l28d / billable_users where it applies)
    > 80%.  Either side with no value (an empty cell, a zero denominator,
    engagement not applying) does not count; the other side still can.

The use cases' bands and whether user_engagement has a value come from the
project's reference for use_case_health, uch_reference.c (compiled by the
caller, --uch); the ratios above are exact fractions of the CSV cells.

--self-test checks the reference on three hand-made months whose actions
were worked out by hand.

--pairs-of prints the same `account_id,action` lines for a rubric actions
CSV (header account_id,as_of,action,...), sorted and without repeats, so
that the two can be compared byte for byte.

Python 3 standard library only.
"""
import argparse
import calendar
import collections
import csv
import datetime
import io
import subprocess
import sys
import tempfile
from fractions import Fraction

AS_OF = ["2026-09-30", "2026-10-31", "2026-11-30"]   # as monthly_gen.py's months
USE_CASES = ["scm", "ci", "devsecops", "cd"]
ACTIONS = (["adopting_" + u for u in USE_CASES] + ["declining_" + u for u in USE_CASES]
           + ["seat_reduction_risk", "seat_expansion"])
NOT_GREEN = ("yellow", "red")


def month_before(day):
    y, m = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return datetime.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def number(cell):
    return None if cell == "" else Fraction(cell)


def ratio(num, den):
    num, den = number(num), number(den)
    return None if num is None or den is None or den == 0 else num / den


def read_csv(text):
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return {r["account_id"]: r for r in rows}


def month(uch, path, as_of):
    """(the export's rows, uch_reference's scores), each by account id."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    p = subprocess.run([uch, "--as-of", as_of], input=text.encode("utf-8"), capture_output=True)
    if p.returncode != 0:
        sys.exit("actions_reference.py: %s on %s failed: %s" % (uch, path, p.stderr.decode()))
    inputs, scores = read_csv(text), read_csv(p.stdout.decode("utf-8"))
    if inputs.keys() != scores.keys():
        sys.exit("actions_reference.py: %s: uch_reference scored other accounts" % path)
    return inputs, scores


def actions(cells, now, prev, as_of):
    """The actions that fire for one account: its CSV cells and scores now,
    its scores at its previous period (None: there is none)."""
    fired = []
    for u in USE_CASES:
        before = prev[u] if prev is not None else ""
        if now[u] == "green" and before in NOT_GREEN:
            fired.append("adopting_" + u)
        if before == "green" and now[u] in NOT_GREEN:
            fired.append("declining_" + u)
    utilization = ratio(cells["billable_users"], cells["licenses_sold"])
    start = cells["license_start"]
    onboarding = start != "" and datetime.date.fromisoformat(start) > month_before(as_of)
    if utilization is not None and utilization < Fraction(3, 4) and not onboarding:
        fired.append("seat_reduction_risk")
    # uch_reference prints user_engagement empty exactly when it has no value
    # (not self-managed, or a cell empty, or no billable users).
    engagement = None
    if now["user_engagement"] != "":
        engagement = ratio(cells["active_users_l28d"], cells["billable_users"])
    if ((utilization is not None and utilization >= Fraction(9, 10))
            or (engagement is not None and engagement > Fraction(4, 5))):
        fired.append("seat_expansion")
    return fired


def cases(cells, now, prev, prev_is_latest, as_of):
    """The situations of one account that a policy may get wrong, by name."""
    found = []
    utilization = ratio(cells["billable_users"], cells["licenses_sold"])
    found += ["utilization exactly 75%"] if utilization == Fraction(3, 4) else []
    found += ["utilization exactly 90%"] if utilization == Fraction(9, 10) else []
    found += ["utilization na"] if utilization is None else []
    if now["user_engagement"] != "" and ratio(cells["active_users_l28d"], cells["billable_users"]) == Fraction(4, 5):
        found.append("user_engagement exactly 80%")
    low = utilization is not None and utilization < Fraction(3, 4)
    start = cells["license_start"]
    if low and start == "":
        found.append("no license_start, utilization under 75%")
    if low and start != "" and datetime.date.fromisoformat(start) > month_before(as_of):
        found.append("onboarding, utilization under 75%")
    if low and start != "" and datetime.date.fromisoformat(start) == month_before(as_of):
        found.append("license_start on the onboarding edge, utilization under 75%")
    if prev is None:
        found.append("no previous period")
        return found
    for u in USE_CASES:
        if prev[u] == "" and now[u] == "green":
            found.append("a use case na at the previous period, green now")
        if not prev_is_latest and (prev[u] == "green") != (now[u] == "green") and prev[u] and now[u]:
            found.append("a use case changes since a period before the last month")
    return found


def reference(uch, paths, dates, seen=None, last_period_only=False):
    """The sorted pairs; `seen` (a Counter), if given, counts cases().
    last_period_only: the other reading of "previous period", for a
    diagnosis only: the month before the last, an account not in it having
    none (even if an older month lists it)."""
    months = [month(uch, p, d) for p, d in zip(paths, dates)]
    inputs, scores = months[-1]
    as_of = datetime.date.fromisoformat(dates[-1])
    pairs = set()
    for acc, cells in inputs.items():
        earlier = [s for _, s in (months[-2:-1] if last_period_only else months[:-1]) if acc in s]
        prev = earlier[-1][acc] if earlier else None
        for a in actions(cells, scores[acc], prev, as_of):
            pairs.add((acc, a))
        if seen is not None:
            prev_is_latest = len(months) < 2 or acc in months[-2][1]
            seen.update(set(cases(cells, scores[acc], prev, prev_is_latest, as_of)))
    return sorted(pairs)


def pairs_of(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return sorted({(r["account_id"], r["action"]) for r in rows})


def self_test(uch):
    """Three tiny months whose actions were worked out by hand from the
    definitions at the top; returns the differences ([] when none)."""
    def row(acc, lic="100", bill="80", active="", deployment="saas", start="2020-01-01", git="",
            pipes="", deploys="", dep_users="", scanners="", containers="", secrets=""):
        return [acc, "premium", deployment, start, lic, bill, active, git, pipes, deploys, dep_users,
                scanners, containers, secrets]
    months = [
        [row("A1", git="30"), row("A3", git="10"), row("A16", scanners="20", containers="10")],
        [row("A2", git="60"), row("A3"), row("A15", pipes="49", dep_users="5"),
         row("A16", scanners="20", containers="10")],
        [row("A1", git="60"),                      # yellow in month 1, absent in 2, green now
         row("A2"),                                # green before, na now: nothing
         row("A3", git="60"),                      # na in month 2 (red in 1), green now: nothing
         row("A4", git="60"),                      # new and green: nothing
         row("A5", bill="75"),                     # exactly 75%: nothing
         row("A6", bill="74"),
         row("A7", bill="74", start="2026-10-31"),  # onboarding (the edge is 2026-10-30)
         row("A8", bill="74", start="2026-10-30"),
         row("A9", bill="74", start=""),            # no license_start: not onboarding
         row("A10", bill="90"),
         row("A11", bill="89", active="72", deployment=" Self-Managed "),  # 72/89 > 80%
         row("A12", lic="6", bill="5", active="4", deployment="self-managed"),  # exactly 80%
         row("A13", bill="89", active="89"),        # saas: engagement does not apply
         row("A14", lic="0", bill="10", active="9", deployment="self-managed"),  # 90%, seats na
         row("A15", pipes="50", dep_users="5"),     # ci (green, na, yellow) = 75: green; cd yellow
         row("A16", scanners="5", containers="10")],  # devsecops (red, green, na) = 50: yellow
    ]
    want = [("A1", "adopting_scm"), ("A10", "seat_expansion"), ("A11", "seat_expansion"),
            ("A14", "seat_expansion"), ("A15", "adopting_ci"), ("A16", "declining_devsecops"),
            ("A6", "seat_reduction_risk"), ("A8", "seat_reduction_risk"), ("A9", "seat_reduction_risk")]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for m, rows in enumerate(months):
            paths.append("%s/month%d.csv" % (tmp, m + 1))
            with open(paths[-1], "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(["account_id", "tier", "deployment", "license_start", "licenses_sold", "billable_users",
                            "active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployments_l28d",
                            "deployment_users_l28d", "secure_scanner_users_l28d",
                            "container_scanning_users_l28d", "secret_detection_users_l28d"])
                w.writerows(rows)
        got = reference(uch, paths, AS_OF)
    want = sorted(want)
    return [] if got == want else ["got " + repr(got), "want " + repr(want)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uch", help="the compiled tests/reference/uch_reference.c")
    ap.add_argument("--as-of", default=",".join(AS_OF), help="the months' dates, comma-separated")
    ap.add_argument("--counts", action="store_true", help="each action's count on stderr")
    ap.add_argument("--pairs-of", metavar="ACTIONS_CSV")
    ap.add_argument("--self-test", action="store_true", help="hand-made months against hand-worked actions")
    ap.add_argument("months", nargs="*")
    a = ap.parse_args()
    if a.self_test:
        problems = self_test(a.uch)
        print("\n".join(problems) if problems else "actions_reference.py: self-test ok")
        sys.exit(1 if problems else 0)
    if a.pairs_of:
        pairs = pairs_of(a.pairs_of)
    else:
        dates = a.as_of.split(",")
        if not a.uch or not a.months or len(dates) != len(a.months):
            ap.error("give --uch and one month file per --as-of date")
        seen = collections.Counter()
        pairs = reference(a.uch, a.months, dates, seen)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["account_id", "action"])
    w.writerows(pairs)
    sys.stdout.write(out.getvalue())
    if a.counts:
        n = collections.Counter(action for _, action in pairs)
        for action in ACTIONS if not a.pairs_of else sorted(n):
            print("action %s %d" % (action, n[action]), file=sys.stderr)
        for case in sorted(seen if not a.pairs_of else ()):
            print("case %s: %d" % (case, seen[case]), file=sys.stderr)


if __name__ == "__main__":
    main()
