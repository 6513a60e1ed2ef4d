#!/usr/bin/env python3
"""calibrate_check.py RUBRIC_BINARY WORK_DIR

An independent cross-check of `rubric calibrate` on
rules/gitlab/use_case_health.rules.  It never reads rubric's source: each
measure's value is computed here from the CSV cells, as the policy text and
SPEC.md say, with exact fractions (fractions.Fraction):

  - a measure is numerator / denominator; na when a cell is empty, the
    denominator is 0, the account is onboarding (license_start > as_of -
    onboarding_period, months clamped to the month end), or, for
    user_engagement, deployment is not "self-managed" once the spaces around
    it are taken off and A-Z made small (lower(trim(deployment)));
  - a group's value is its score: the mean of its members' scores (red 0,
    yellow 50, green 100) over the members that are not na;
  - use_case_adoption_count is the number of green use cases, na if all na.

From those values: count, na, min, q1, median, q3, max (R type 7 / numpy
"linear" quantiles), the exact mean, band counts under the policy's own
thresholds (also tallied from `rubric run`'s band column; "no band" for a
value no band line catches, in a copy of the policy with a gap), and with
--target the cuts at the quantiles of the cumulative shares, each cut's op
chosen by the tie rule (see check_target).  Numbers are compared as the
double nearest the exact value (what repr(float(Fraction)) prints), except
the mean: the exact mean's double printed to 12 significant digits ('%.12g').
Also: a policy whose best band holds the lowest values (`green <= 25%`), a
policy that defines `calibrate_cohort` itself, and --where errors (a newline
or CR in it; a syntax error located within the user's text).

Prints "ok - NAME" / "not ok - NAME" (with the differing fields) and, last,
"N passed, N failed"; exits 1 if any comparison failed.  Python 3 standard
library only.
"""
import bisect
import math
import calendar
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
from fractions import Fraction

from checks import finish, gen_accounts, report, run, start, write

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
POLICY = os.path.join(ROOT, "rules", "gitlab", "use_case_health.rules")
AS_OF = "2026-11-01"
COUNT = 20000
SEEDS = (7, 101, 4242)   # not the seeds crosscheck.sh or the golden tests use

P = lambda n: Fraction(n, 100)   # a percent, exactly
def words(text):
    """lower(trim(text)) as the policy computes it: ASCII white space and the
    no-break space off both ends, only A-Z made small."""
    text = text.strip(" \t\n\v\f\r\u00a0")
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


# measure: (numerator, denominator, band lines in order: first match wins).
# Every measure but user_engagement is na while onboarding; user_engagement
# applies only when deployment is "self-managed" whatever its case and the
# spaces around it.
MEASURES = {
    "user_engagement": ("active_users_l28d", "billable_users",
                        [("red", "<", P(50)), ("yellow", "<", P(80)), ("green", ">=", P(80))]),
    "scm_git_ops": ("git_ops_users_l28d", "licenses_sold",
                    [("red", "<", P(25)), ("yellow", "<", P(50)), ("green", ">=", P(50))]),
    "ci_pipelines": ("ci_pipeline_users_l28d", "licenses_sold",
                     [("red", "<", P(25)), ("yellow", "<", P(50)), ("green", ">=", P(50))]),
    "ci_deployments_per_user": ("deployments_l28d", "licenses_sold",
                                [("red", "<", P(3)), ("yellow", "<", P(8)), ("green", ">=", P(8))]),
    "ci_deployment_users": ("deployment_users_l28d", "licenses_sold",
                            [("red", "<", P(5)), ("yellow", "<", P(12)), ("green", ">=", P(12))]),
    "devsecops_scanners": ("secure_scanner_users_l28d", "licenses_sold",
                           [("red", "<=", P(5)), ("yellow", "<", P(20)), ("green", ">=", P(20))]),
    "devsecops_container_scanning": ("container_scanning_users_l28d", "licenses_sold",
                                     [("red", "<=", P(3)), ("yellow", "<", P(10)),
                                      ("green", ">=", P(10))]),
    "devsecops_secret_detection": ("secret_detection_users_l28d", "licenses_sold",
                                   [("red", "<=", P(6)), ("yellow", "<", P(20)),
                                    ("green", ">=", P(20))]),
    "cd_deployment_users": ("deployment_users_l28d", "licenses_sold",
                            [("red", "<", P(5)), ("yellow", "<", P(10)), ("green", ">=", P(10))]),
}
GROUPS = {"scm": ["scm_git_ops"],
          "ci": ["ci_pipelines", "ci_deployments_per_user", "ci_deployment_users"],
          "devsecops": ["devsecops_scanners", "devsecops_container_scanning",
                        "devsecops_secret_detection"],
          "cd": ["cd_deployment_users"]}
SCORE = {"red": 0, "yellow": 50, "green": 100}
GROUP_LINES = [("red", "<", Fraction(40)), ("yellow", "<", Fraction(75)),
               ("green", ">=", Fraction(75))]
BANDS = ["red", "yellow", "green"]
OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
       ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}

# --- values, computed from the cells -----------------------------------------

_numbers = {}


def number(cell):
    """A number cell as an exact Fraction, None when empty (memoised: the
    same few thousand cells recur across 20,000 rows)."""
    x = _numbers.get(cell, False)
    if x is False:
        t = cell.strip()
        if t == "":
            x = None
        elif t.endswith("%"):
            x = Fraction(t[:-1]) / 100
        else:
            x = Fraction(t)
        _numbers[cell] = x
    return x


def minus_months(d, months):
    """d - months, the day clamped to the end of the target month."""
    m = d.year * 12 + (d.month - 1) - months
    y, m = divmod(m, 12)
    return datetime.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def band_of(value, lines):
    """The first band line whose edge test holds.  Compared as integers
    (denominators are positive): the same answer as comparing the
    Fractions, several times faster."""
    for band, *edges in lines:       # (band, op, edge[, op, edge])
        if all(OPS[op](value.numerator * edge.denominator, edge.numerator * value.denominator)
               for op, edge in zip(edges[::2], edges[1::2])):
            return band
    return None


def score_account(row, as_of, months, measures=MEASURES, groups=GROUPS, gates=True):
    """{output: (value or None, band or None)} for one account; a value with
    band None is a value no band line catches.  gates: the measures have
    use_case_health's `na when onboarding` / `applies when` lines."""
    start = row["license_start"].strip()
    # An empty license_start makes the condition na: not onboarding.
    onboarding = bool(start) and datetime.date.fromisoformat(start) > minus_months(as_of, months)
    out = {}
    for name, (num, den, lines) in measures.items():
        a, b = number(row[num]), number(row[den])
        if not gates:
            skip = False
        elif name == "user_engagement":
            skip = words(row["deployment"]) != "self-managed"  # applies when
        else:
            skip = onboarding                               # na when
        if skip or a is None or b is None or not b:         # x / 0 is na
            out[name] = (None, None)
        else:
            v = a / b
            out[name] = (v, band_of(v, lines))
    if not groups:
        return out
    for g, members in groups.items():
        scores = [SCORE[out[m][1]] for m in members if out[m][1] is not None]
        if scores:
            v = Fraction(sum(scores), len(scores))
            out[g] = (v, band_of(v, GROUP_LINES))
        else:
            out[g] = (None, None)
    greens = [out[g][1] == "green" for g in GROUPS if out[g][1] is not None]
    out["use_case_adoption_count"] = (Fraction(sum(greens)) if greens else None, None)
    return out


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return [dict(zip(rows[0], r)) for r in rows[1:] if r]


# --- the statistics ------------------------------------------------------------

def quantile(xs, p):
    """Type 7: h = (n-1)p; x[floor h] + frac(h) (x[floor h + 1] - x[floor h])."""
    h = (len(xs) - 1) * p
    lo = h.numerator // h.denominator
    if lo + 1 >= len(xs):
        return xs[lo]
    return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def exact_sum(xs):
    """Sum of Fractions, adding numerators per denominator first (far
    faster than one Fraction addition per value)."""
    per_den = {}
    for x in xs:
        per_den[x.denominator] = per_den.get(x.denominator, 0) + x.numerator
    return sum((Fraction(n, d) for d, n in per_den.items()), Fraction(0))


def expected(values, bands, is_banded):
    """The calibrate document for these (value, band) pairs (the cohort).
    "bands": the scheme's bands in declared order, "no band" only when some
    value falls in no band line, then "na"."""
    # (float, exact) sorts exactly as the exact values do, and fast.
    xs = sorted((v for v, _ in values if v is not None), key=lambda v: (float(v), v))
    doc = {"accounts": len(values), "count": len(xs), "na": len(values) - len(xs)}
    stats = {"min": 0, "q1": Fraction(1, 4), "median": Fraction(1, 2),
             "q3": Fraction(3, 4), "max": 1}
    for k, p in stats.items():
        doc[k] = quantile(xs, Fraction(p)) if xs else None
    doc["mean"] = exact_sum(xs) / len(xs) if xs else None
    if is_banded:
        doc["bands"] = {b: sum(1 for _, band in values if band == b) for b in bands}
        no_band = sum(1 for v, band in values if v is not None and band is None)
        if no_band:
            doc["bands"]["no band"] = no_band
        doc["bands"]["na"] = len(values) - len(xs)
    doc["xs"] = xs
    return doc


def same_number(text, exact):
    """rubric's number text against the exact value: the same double, and no
    more significant digits than Python's shortest repr."""
    if exact is None or text is None:
        return text is None and exact is None
    want = float(exact)
    if float(text) != want:
        return False
    digits = lambda s: len(re.sub(r"e.*$", "", s.lower().lstrip("-")).replace(".", "").strip("0"))
    return digits(text) <= max(1, digits(repr(want)))


def mean_text(exact):
    """The mean as calibrate prints it: the exact mean's double to 12
    significant digits (Python's '%.12g' is C's)."""
    return None if exact is None else format(float(exact), ".12g")


def show(x):
    return "null" if x is None else repr(float(x))


# --- one calibrate run -----------------------------------------------------------

class Data:
    """A data file with every account's values under given options, scored
    with a policy (default use_case_health; measures/groups/gates describe
    it to score_account)."""

    def __init__(self, rubric, path, as_of=AS_OF, months=1, opts=(), policy=POLICY,
                 measures=MEASURES, groups=GROUPS, gates=True):
        self.path, self.as_of, self.opts, self.policy = path, as_of, list(opts), policy
        self.measures, self.groups = measures, groups
        self.rows = read_csv(path)
        d = datetime.date.fromisoformat(as_of)
        self.scores = [score_account(r, d, months, measures, groups, gates) for r in self.rows]
        rc, out, err = run([rubric, "run", policy, path, "--format", "csv",
                            "--as-of", as_of] + self.opts)
        if rc != 0:
            raise RuntimeError("rubric run failed: " + err.strip()[:300])
        got = list(csv.reader(io.StringIO(out, newline="")))
        self.run_rows = [dict(zip(got[0], r)) for r in got[1:]]

    def value_order(self, measure):
        """The bands from the lowest values up: the order of the band lines,
        which every policy here writes from the lowest values up."""
        lines = self.measures[measure][2] if measure in self.measures else GROUP_LINES
        return [line[0] for line in lines]


def check(rubric, name, data, measure, where=None, pred=None, target=None, path=None,
          extra=(), expect_rc=0):
    """Runs calibrate for MEASURE on data (or on PATH, a file that holds
    data's accounts and more that rubric rejects) and compares its JSON with
    the values computed here.  pred(row, scores) mirrors --where."""
    cohort = [i for i, (r, s) in enumerate(zip(data.rows, data.scores))
              if pred is None or pred(r, s)]
    values = [data.scores[i][measure] for i in cohort]
    is_banded = measure in data.measures or measure in data.groups
    want = expected(values, BANDS, is_banded)
    argv = [rubric, "calibrate", data.policy, path or data.path, "--measure", measure,
            "--format", "json", "--as-of", data.as_of] + data.opts + list(extra)
    if where:
        argv += ["--where", where]
    if target:
        argv += ["--target", target]
    shown = where.replace("\t", "\\t") if where else None
    label = "calibrate %s%s%s on %s" % (measure, " --where '%s'" % shown if where else "",
                                          " --target " + target if target else "", name)
    rc, out, err = run(argv)
    if rc != expect_rc:
        report(label, False, ["exit status %d, expected %d" % (rc, expect_rc)]
               + err.splitlines()[:5])
        return
    try:
        doc = json.loads(out, parse_float=str, parse_int=str)
    except ValueError as e:
        report(label, False, ["not JSON: %s" % e, out[:200]])
        return
    problems = []
    if doc.get("measure") != measure:
        problems.append("measure %r" % doc.get("measure"))
    if where and doc.get("where") != where:
        problems.append("where %r, expected %r" % (doc.get("where"), where))
    for k in ("accounts", "count", "na"):
        if doc.get(k) is None or int(doc[k]) != want[k]:
            problems.append("%s: %r, expected %d" % (k, doc.get(k), want[k]))
    for k in ("min", "q1", "median", "q3", "max"):
        if not same_number(doc.get(k), want[k]):
            problems.append("%s: %s, expected %s" % (k, doc.get(k), show(want[k])))
    # The mean: exactly the text '%.12g' makes of the exact mean's double.
    if doc.get("mean") != mean_text(want["mean"]):
        problems.append("mean: %s, expected %s ('%%.12g' of %s)"
                        % (doc.get("mean"), mean_text(want["mean"]), show(want["mean"])))
    if is_banded:
        got = doc.get("bands") or {}
        got = {b: int(n) for b, n in got.items()}
        if list(got.items()) != list(want["bands"].items()):
            problems.append("bands %r, expected %r" % (got, want["bands"]))
        # The same counts from rubric run's band column, for the same cohort:
        # an empty cell is "no band" when this script found a value.
        tally = {b: 0 for b in want["bands"]}
        for i in cohort:
            cell = data.run_rows[i][measure]
            key = cell or ("na" if data.scores[i][measure][0] is None else "no band")
            tally[key] = tally.get(key, 0) + 1
        if tally != want["bands"]:
            problems.append("rubric run's %s column gives %r, this script %r"
                            % (measure, tally, want["bands"]))
    if target:
        problems += check_target(doc.get("suggested"), want["xs"], target,
                                 data.value_order(measure))
    elif doc.get("suggested") is not None:
        problems.append("suggested %r without --target" % doc.get("suggested"))
    report(label, not problems, problems)


def target_cuts(xs, target, order):
    """The suggested lines [(band, op, value)] from the lowest values up.
    Cuts at the type-7 quantiles of the cumulative shares (in value order);
    at each cut, with lt = #values < cut, le = #values <= cut and want =
    n * cumulative share, the lower band's line is `<= cut` if |le - want| <
    |lt - want| strictly, else `< cut`; the last band's line is `>= cut`
    after a `<` line, `> cut` after a `<=`."""
    shares = {b: Fraction(s.rstrip("%")) / 100 for b, s in
              (t.split("=") for t in target.split(","))}
    rest = [b for b in order if b not in shares]     # at most one: takes the rest
    if rest:
        shares[rest[0]] = 1 - sum(shares.values())
    n, cum, lines = len(xs), Fraction(0), []
    for b in order[:-1]:
        cum += shares[b]
        cut = quantile(xs, cum)
        lt, le, want = bisect.bisect_left(xs, cut), bisect.bisect_right(xs, cut), n * cum
        take_le = abs(le - want) < abs(lt - want)
        lines.append((b,) + pasteable(xs, "<=" if take_le else "<", cut, le if take_le else lt))
    lines.append((order[-1], ">=" if lines[-1][1] == "<" else ">", lines[-1][2]))
    return lines


def prints_exactly(x):
    """Whether x's shortest double text reads back as x itself (1/3 does not),
    also as a percentage."""
    return Fraction(repr(float(x))) == x and Fraction(repr(float(x * 100))) / 100 == x


def shortest_decimal(lo, hi):
    """The decimal with the fewest digits after the point in (lo, hi]."""
    for k in range(19):
        c = Fraction(math.floor(lo * 10 ** k) + 1, 10 ** k)
        if c <= hi:
            return c
    return None


def pasteable(xs, op, cut, upto):
    """(op, cut) as a policy can hold it: a cut that is not a decimal printed
    in full becomes `<` at the shortest decimal within a tenth of the way from
    the cut to the values either side, which cuts the same accounts."""
    if prints_exactly(cut):
        return op, cut
    lo = xs[upto - 1] if upto > 0 else cut - 1
    hi = xs[upto] if upto < len(xs) else cut + 1
    c = shortest_decimal(cut - (cut - lo) / 10, cut + (hi - cut) / 10)
    if c is not None and lo < c <= hi and prints_exactly(c):
        return "<", c
    return op, cut


def check_target(got, xs, target, order):
    """rubric's suggested lines against target_cuts; each line's accounts
    counted under those lines (first match wins, as band lines do)."""
    if not xs:
        return []          # no value: the contract does not say
    want = target_cuts(xs, target, order)
    if not isinstance(got, list) or len(got) != len(want):
        return ["suggested %r, expected %d entries" % (got, len(want))]
    problems = []
    if [g.get("band") for g in got] != order:
        problems.append("suggested bands %r, expected %r (from the lowest values up)"
                        % ([g.get("band") for g in got], order))
    ops = [g.get("op") for g in got]
    if ops != [op for _, op, _ in want]:
        problems.append("ops %r, expected %r" % (ops, [op for _, op, _ in want]))
    for g, (_, _, v) in zip(got, want):
        if not same_number(g.get("value"), v):
            problems.append("%s: value %s, expected %s" % (g.get("band"), g.get("value"), show(v)))
    # The accounts each line gets when the lines are pasted as printed: the
    # printed text read as the exact decimal a policy reads it as.
    try:
        pasted = [(g.get("op"), Fraction(g.get("value"))) for g in got]
    except (TypeError, ValueError):
        return problems + ["suggested values are not numbers: %r" % got]
    counts = [0] * len(want)
    for x in xs:
        for i, (op, v) in enumerate(pasted):
            if op in OPS and OPS[op](x, v):
                counts[i] += 1
                break
    got_counts = [int(g.get("accounts", -1)) for g in got]
    if got_counts != counts:
        problems.append("accounts %r, but pasting the lines %r gives %r"
                        % (got_counts, [(op, show(v)) for op, v in pasted], counts))
    return problems


# --- data ------------------------------------------------------------------------

HEADER = ("account_id,tier,deployment,license_start,licenses_sold,billable_users,"
          "active_users_l28d,git_ops_users_l28d,ci_pipeline_users_l28d,deployments_l28d,"
          "deployment_users_l28d,secure_scanner_users_l28d,container_scanning_users_l28d,"
          "secret_detection_users_l28d")
# Hand-written accounts, written with CRLF and a BOM: values exactly on
# edges, thirds and sevenths (quantiles and means that are not decimals),
# empty cells, zero denominators, onboarding edges for as_of 2026-11-01
# (2026-10-01 is not onboarding, 2026-10-02 is) and 2026-03-31 (2026-02-28).
EDGE = """\
edge-25-of-100,premium,self-managed,2024-01-01,100,100,80,25,50,8,12,5,3,6
edge-below,premium,self-managed,2024-01-01,100,100,79,24,49,7,11,4,2,5
exact-0.35-of-7,ultimate,self-managed,2024-01-01,7,7,5.6,1.75,3.5,0.56,0.84,0.35,0.21,0.42
third,ultimate,self-managed,2024-01-01,3,3,1,1,2,1,1,1,2,1
seventh,ultimate,saas,2024-01-01,7,7,1,1,3,1,5,6,2,1
decimal-den,free,self-managed,2024-01-01,2.5,2.5,2,0.625,1.25,0.2,0.3,0.125,0.25,0.5
zero-den,premium,self-managed,2024-01-01,0,0,0,0,0,0,0,0,0,0
zero-den-decimal,premium,self-managed,2024-01-01,0.000,-0,1,1,1,1,1,1,1,1
empty-den,premium,self-managed,2024-01-01,,,5,1,1,1,1,1,1,1
empty-num,premium,self-managed,2024-01-01,100,100,,,,,,,,
"quoted, id",ultimate,dedicated,2024-01-01,300,300,240,75,150,24,36,15,9,18
empty-deployment,ultimate,,2024-01-01,100,100,90,60,60,10,20,30,15,25
Self-Managed-case,ultimate,Self-Managed,2024-01-01,100,100,90,60,60,10,20,30,15,25
spaced-self-managed,premium, self-managed ,2024-01-01,100,100,45,60,60,10,20,30,15,25
self-managed-no-hyphen,premium,self managed,2024-01-01,100,100,45,60,60,10,20,30,15,25
onb-2026-10-01,ultimate,saas,2026-10-01,100,100,80,60,60,10,20,30,15,25
onb-2026-10-02,ultimate,self-managed,2026-10-02,100,100,80,60,60,10,20,30,15,25
onb-2026-02-28,premium,self-managed,2026-02-28,50,50,40,30,30,5,6,15,5,10
onb-2026-03-01,premium,self-managed,2026-03-01,50,50,40,30,30,5,6,15,5,10
no-license-start,free,self-managed,,100,100,1,60,1,1,1,1,1,1
negative,ultimate,self-managed,2024-01-01,100,100,-5,-25,-50,-8,-12,-5,-3,-6
above-100pct,ultimate,self-managed,2024-01-01,10,10,20,20,20,20,20,20,20,20
"""


def write_edge(work, id_name="account_id"):
    path = os.path.join(work, "cal-edge-%s.csv" % id_name)
    text = HEADER.replace("account_id", id_name, 1) + "\n" + EDGE
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return path


def generated(rubric, work, seed):
    gen = gen_accounts()
    path = os.path.join(work, "cal-gen-%d.csv" % seed)
    with open(path, "wb") as f:
        p = subprocess.run([gen, "--count", str(COUNT), "--seed", str(seed), "--format", "csv",
                            "--as-of", AS_OF], stdout=f, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("gen_accounts failed")
    return path


# Policies beside use_case_health.  A band gap: 45% <= scm_git_ops < 50%
# falls in no band ("no band" in calibrate's bands, an empty cell in run).
GAP_MEASURES = dict(MEASURES, scm_git_ops=(
    "git_ops_users_l28d", "licenses_sold",
    [("red", "<", P(25)), ("yellow", "<", P(45)), ("green", ">=", P(50))]))
# Measures whose best band (green, scores 100) holds the lowest values: the
# suggested lines run from the lowest values up, green first.
DESCENDING = """\
policy "calibrate check: the best band holds the lowest values"
input licenses_sold: number
input git_ops_users_l28d: number
input deployments_l28d: number
input secure_scanner_users_l28d: number

scheme rag
  red    scores 0    when < 40
  yellow scores 50   when < 75
  green  scores 100  when >= 75

measure idle = git_ops_users_l28d / licenses_sold
  green  <= 25%
  yellow <  50%
  red    >= 50%

measure churn = deployments_l28d / licenses_sold
  green  <  3%
  yellow <= 8%
  red    >  8%

# Every line with two edges: the direction is read from where they sit.
measure spread = secure_scanner_users_l28d / licenses_sold
  green  >= 0% and <  5%
  yellow >= 5% and <= 20%
  red    >  20% and <= 1000%
"""
DESCENDING_MEASURES = {
    "idle": ("git_ops_users_l28d", "licenses_sold",
             [("green", "<=", P(25)), ("yellow", "<", P(50)), ("red", ">=", P(50))]),
    "churn": ("deployments_l28d", "licenses_sold",
              [("green", "<", P(3)), ("yellow", "<=", P(8)), ("red", ">", P(8))]),
    "spread": ("secure_scanner_users_l28d", "licenses_sold",
               [("green", ">=", P(0), "<", P(5)), ("yellow", ">=", P(5), "<=", P(20)),
                ("red", ">", P(20), "<=", P(1000))])}
# A policy that defines calibrate_cohort itself: --where must still work,
# and may use the name.
COHORT_LET = """
# calibrate --where must not clash with a name the policy defines.
let calibrate_cohort = licenses_sold >= 100
metric in_cohort = calibrate_cohort
"""


def policy_copy(work, name, block_edits=(), append=""):
    """use_case_health with (block, old text, new text) edits made in the
    block named, and text appended, written to WORK/NAME."""
    with open(POLICY, encoding="utf-8") as f:
        text = f.read()
    for block, old, new in block_edits:
        start = text.index(block)
        at = text.index(old, start)
        if text.find("\n\n", start) < at:
            raise ValueError("'%s' not found in block '%s'" % (old, block))
        text = text[:at] + new + text[at + len(old):]
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + append)
    return path


def check_where_errors(rubric, data):
    """--where with a newline or CR: usage error.  A syntax error: located
    by the byte column within the user's text, shown with that text alone
    and a caret under the offending token."""
    base = [rubric, "calibrate", data.policy, data.path, "--measure", "scm_git_ops",
            "--as-of", data.as_of, "--format", "json"]
    for where in ("licenses_sold >= 100\n", "licenses_sold\n>= 100", "licenses_sold >= 100\r",
                  "licenses_sold\r\n>= 100"):
        rc, out, err = run(base + ["--where", where])
        report("calibrate --where %r: exit 2 (one condition on one line)" % where,
               rc == 2 and out == "", ["exit status %d, stdout %d bytes" % (rc, len(out))]
               + err.splitlines()[:3])
    for where, col in (("licenses_sold >= >= 100", 18),
                       ("  licenses_sold >= >= 100", 20),
                       ('deployment = "\u00e9t\u00e9" and >= 1', 26)):
        rc, out, err = run(base + ["--where", where])
        lines = err.splitlines()
        problems = [] if rc == 2 and out == "" else ["exit status %d, stdout %d bytes"
                                                    % (rc, len(out))]
        head = "--where:1:%d: error: " % col
        if not lines or not lines[0].startswith(head):
            problems.append("first line should start with %r" % head)
        src = re.match(r"( *1 \| )(.*)$", lines[1]) if len(lines) > 1 else None
        if not src or src.group(2) != where:
            problems.append("second line should be the expression alone after '1 | '")
        else:
            # Under the token: counted in characters, or in bytes as
            # rubric's policy diagnostics do (the contract does not say).
            gutter = len(src.group(1))
            at = {gutter + len(where.encode()[:col - 1].decode()), gutter + col - 1}
            caret = lines[2] if len(lines) > 2 else ""
            if caret.find("^") not in at or caret[:gutter].strip() != "|":
                problems.append("third line should have its caret under %r"
                                % where.encode()[col - 1:].decode())
        report("calibrate --where %r: a syntax error at byte %d of the expression" % (where, col),
               not problems, problems + ["stderr:"] + lines[:4])


def num_pred(col, op, x):
    """A --where comparison of a number column; an empty cell is na, and an
    na condition does not select the account."""
    test = (lambda a, b: a == b) if op == "=" else OPS[op]
    return lambda r, s: number(r[col]) is not None and test(number(r[col]), x)


def main():
    rubric, work = start("calibrate_check.py", "calibrate")
    try:
        gen = {s: generated(rubric, work, s) for s in SEEDS}
        d7 = Data(rubric, gen[7])
        d101 = Data(rubric, gen[101], months=3, opts=["--param", "onboarding_period=3 months"])
        d4242 = Data(rubric, gen[4242], as_of="2026-03-31", opts=[])
        edge = write_edge(work)
        edges = [Data(rubric, edge), Data(rubric, edge, as_of="2026-03-31")]
        edge_c = Data(rubric, write_edge(work, "customer"), opts=["--id", "customer"])
    except (RuntimeError, OSError, ValueError) as e:
        report("set up data", False, [str(e)])
        sys.exit(1)
    sm = lambda r, s: r["deployment"] == "self-managed"

    # Every measure, group and the count, on seed 7.
    for m in list(MEASURES) + list(GROUPS) + ["use_case_adoption_count"]:
        check(rubric, "seed 7", d7, m)
    check(rubric, "seed 7", d7, "scm_git_ops", "licenses_sold >= 100",
          num_pred("licenses_sold", ">=", 100))
    check(rubric, "seed 7", d7, "ci", "licenses_sold >= 100",
          num_pred("licenses_sold", ">=", 100))
    for m in ("user_engagement", "devsecops_secret_detection", "devsecops"):
        check(rubric, "seed 7", d7, m, 'deployment = "self-managed"', sm)

    # A cohort of exactly one account (a licenses_sold seen once, whose
    # scm_git_ops has a value), and one of none.
    seen = {}
    for r, s in zip(d7.rows, d7.scores):
        seen.setdefault(r["licenses_sold"], []).append(s["scm_git_ops"][0])
    once = sorted((Fraction(k), k) for k, v in seen.items()
                  if k and len(v) == 1 and v[0] is not None)[-1][1]
    for m in ("scm_git_ops", "ci"):
        check(rubric, "seed 7 (one account)", d7, m, "licenses_sold = " + once,
              num_pred("licenses_sold", "=", Fraction(once)))
        check(rubric, "seed 7 (one account)", d7, m, "licenses_sold = " + once,
              num_pred("licenses_sold", "=", Fraction(once)), target="green=30%,yellow=40%")
        check(rubric, "seed 7 (no account)", d7, m, "licenses_sold < -1",
              num_pred("licenses_sold", "<", -1))

    # --target: the contract's own example, then other measures and a group
    # (ops whatever rubric chose, counts and cuts consistent with them).
    check(rubric, "seed 7", d7, "scm_git_ops", target="green=30%,yellow=40%")
    check(rubric, "seed 7", d7, "scm_git_ops", "licenses_sold >= 100",
          num_pred("licenses_sold", ">=", 100), target="green=30%,yellow=40%")
    check(rubric, "seed 7", d7, "devsecops_scanners", target="green=25%,red=50%")
    check(rubric, "seed 7", d7, "ci", target="green=20%,yellow=30%")
    check(rubric, "seed 7", d7, "user_engagement", 'deployment = "self-managed"', sm,
          target="yellow=30%,green=50%")

    # Other seeds: the onboarding period moved with --param; as_of at a month end.
    for m in ("scm_git_ops", "ci_deployment_users", "ci", "user_engagement"):
        check(rubric, "seed 101 --param onboarding_period=3 months", d101, m)
    for m in ("ci_pipelines", "devsecops_container_scanning", "cd", "use_case_adoption_count"):
        check(rubric, "seed 4242 --as-of 2026-03-31", d4242, m)

    # The hand-written edge file, at two dates, and with --id.
    for d in edges:
        for m in list(MEASURES) + list(GROUPS) + ["use_case_adoption_count"]:
            check(rubric, "edge (CRLF, BOM) --as-of " + d.as_of, d, m)
    check(rubric, "edge", edges[0], "scm_git_ops", target="green=30%,yellow=40%")
    for m in ("user_engagement", "devsecops"):
        check(rubric, "edge --id customer", edge_c, m)
    check(rubric, "edge (one account)", edges[0], "scm_git_ops", "licenses_sold = 3",
          num_pred("licenses_sold", "=", 3))

    # Targets at the extremes: cuts at the minimum or the maximum.
    for t in ("green=100%,yellow=0%", "green=0%,yellow=0%"):
        check(rubric, "seed 7", d7, "scm_git_ops", target=t)
    # --where on a group's band and a let; a na condition selects nothing
    # (no license_start: onboarding is na, so is `not onboarding`).
    edge_date = minus_months(datetime.date.fromisoformat(AS_OF), 1)
    check(rubric, "seed 7", d7, "devsecops", "ci is green and not onboarding",
          lambda r, s: s["ci"][1] == "green" and r["license_start"] != ""
          and datetime.date.fromisoformat(r["license_start"]) <= edge_date)
    # A tab inside --where: still valid JSON, the text kept as written.
    check(rubric, "seed 7", d7, "scm_git_ops", "licenses_sold\t>= 100",
          num_pred("licenses_sold", ">=", 100))
    # A value in no band (a gap in scm_git_ops): counted, and under "no band".
    try:
        gap = Data(rubric, gen[7], policy=policy_copy(
            work, "cal-gap.rules", [("measure scm_git_ops", "yellow <  50%", "yellow <  45%")]),
            measures=GAP_MEASURES)
        desc = Data(rubric, gen[7], policy=os.path.join(work, "cal-descending.rules"),
                    measures=DESCENDING_MEASURES, groups={}, gates=False) \
            if write(os.path.join(work, "cal-descending.rules"), DESCENDING) else None
        cohort = Data(rubric, gen[7], policy=policy_copy(work, "cal-cohort.rules",
                                                         append=COHORT_LET))
    except (RuntimeError, OSError, ValueError) as e:
        report("set up the gap, descending and calibrate_cohort policies", False, [str(e)])
    else:
        check(rubric, "seed 7, a gap 45%..50%", gap, "scm_git_ops")
        check(rubric, "seed 7, a gap 45%..50%", gap, "scm_git_ops", "licenses_sold >= 100",
              num_pred("licenses_sold", ">=", 100), target="green=30%,yellow=40%")
        check(rubric, "seed 7, a gap 45%..50%", gap, "scm")
        for m, t in (("idle", "green=30%,yellow=40%"), ("churn", "red=20%,yellow=30%"),
                     ("churn", "green=50%,red=10%"), ("spread", "green=20%,red=30%")):
            check(rubric, "seed 7, green lowest", desc, m)
            check(rubric, "seed 7, green lowest", desc, m, target=t)
        check(rubric, "seed 7, green lowest", desc, "idle", "licenses_sold >= 100",
              num_pred("licenses_sold", ">=", 100), target="green=30%,yellow=40%")
        cohort_pred = num_pred("licenses_sold", ">=", 100)
        for w in ("licenses_sold >= 100", "calibrate_cohort", "in_cohort"):
            check(rubric, "seed 7, the policy defines calibrate_cohort", cohort, "ci", w,
                  cohort_pred)
        check(rubric, "seed 7, the policy defines calibrate_cohort", cohort, "scm_git_ops",
              "calibrate_cohort", cohort_pred, target="green=30%,yellow=40%")
    check_where_errors(rubric, d7)

    # The same accounts as NDJSON give the same document.
    nd = os.path.join(work, "cal-gen-7.ndjson")
    with open(nd, "wb") as f:
        subprocess.run([gen_accounts(), "--count", str(COUNT),
                        "--seed", "7", "--format", "ndjson", "--as-of", AS_OF], stdout=f,
                       timeout=60)
    for m in ("scm_git_ops", "ci"):
        docs = [run([rubric, "calibrate", POLICY, p, "--measure", m, "--format", "json",
                     "--as-of", AS_OF, "--target", "green=30%,yellow=40%"]) for p in (gen[7], nd)]
        report("calibrate %s: seed 7 as NDJSON gives the same as CSV" % m,
               docs[0][0] == 0 and docs[0] == docs[1],
               (docs[1][1] or docs[1][2]).splitlines()[:12])
    # A record rubric rejects, skipped: the others as without it, exit 1.
    bad = os.path.join(work, "cal-edge-rejected.csv")
    lines = EDGE.splitlines()
    with open(bad, "wb") as f:
        f.write("\r\n".join([HEADER] + lines[:3] + [
            "bad-number,premium,saas,2024-01-01,lots,1,1,1,1,1,1,1,1,1"] + lines[3:]).encode()
            + b"\r\n")
    for m in ("scm_git_ops", "ci"):
        check(rubric, "edge + a bad record, --on-error skip", edges[0], m, path=bad,
              extra=["--on-error", "skip"], expect_rc=1)

    # Usage errors: exit 2 and a message naming the culprit.
    base = [rubric, "calibrate", POLICY, edge, "--as-of", AS_OF, "--format", "json"]
    for args, named in ((["--measure", "scm_git_op"], "scm_git_op"),
                        (["--measure", "scm_git_ops", "--target", "purple=10%"], "purple"),
                        (["--measure", "scm_git_ops", "--target", "green=80%,yellow=40%"],
                         "--target")):
        rc, out, err = run(base + args)
        report("calibrate %s: exit 2 naming '%s'" % (" ".join(args), named),
               rc == 2 and named in err, ["exit status %d" % rc] + err.splitlines()[:3])
    rc, out, err = run(base[:-2] + ["--measure", "ci", "--format", "table"])
    report("calibrate --format table exits 0 and prints", rc == 0 and out != "",
           ["exit status %d" % rc] + err.splitlines()[:3])
    finish()


if __name__ == "__main__":
    main()
