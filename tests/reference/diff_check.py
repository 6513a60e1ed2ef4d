#!/usr/bin/env python3
"""diff_check.py RUBRIC_BINARY WORK_DIR

An independent cross-check of `rubric diff`.  It never reads rubric's source:
the oracle is two plain `rubric run --format csv` runs (the OLD policy, and
the NEW one with its --param), joined on the account id in Python.  From the
join it derives what `rubric diff` must print:

  - --format csv: `ID,output,old,new`, one row per account and common output
    whose cell changed, in data order, outputs in NEW's order;
  - --format json: per common output the transition matrix tallied from the
    join, `changed`, `banded`, the value lists; only_in_old / only_in_new;
    accounts.

In both, a value no band line catches ("no band") is an empty cell, as
`rubric run --format csv` prints it, so it is tallied under "na" and the
value lists never hold "no band".  An output is banded (compared by band
name) when both versions give it a scheme; a side with a scheme lists all
its bands in declared order, then "na"; a side without lists the distinct
values seen (numbers ascending by value, then text in byte order, then "na"
if any account is na).  A side without a scheme that would list more than
10 values makes matrix, old_values and new_values null.

Policy pairs: use_case_adoption_v1 vs use_case_health, use_case_health vs
itself with --param onboarding_period on NEW, use_case_health vs copies with
moved thresholds and with a band gap, outputs that change kind (band <->
number) and scheme, and git revisions (`REV:path`) of a policy that imports a
file, from the repository root and from subdirectories.  Data: 20,000
generated accounts per seed (seeds never used by the other reference checks)
plus small hand-written edge files.

Prints "ok - NAME" / "not ok - NAME" (with the first differences) per
comparison and, last, "N passed, N failed"; exits 1 if any failed.  Python 3
standard library only.
"""
import csv
import difflib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
from fractions import Fraction

from checks import finish, gen_accounts, report, run, start, write

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEALTH = os.path.join(ROOT, "rules", "gitlab", "use_case_health.rules")
V1 = os.path.join(ROOT, "rules", "gitlab", "use_case_adoption_v1.rules")
AS_OF = "2026-11-01"
COUNT = 20000
# Fresh seeds: crosscheck.sh uses 42 and 20261101, the golden tests others.
SEEDS = {"v1": 7, "param": 101, "moved": 4242}   # "moved" also serves git
V1_COLUMNS = ["merge_request_users_l28d", "smau_verify_l28d",
              "smau_secure_l28d", "smau_release_l28d"]
# Thresholds of use_case_adoption_v1 per column, so that some generated
# values sit exactly on an edge (where < and <= differ).
V1_EDGES = {"merge_request_users_l28d": [20, 25], "smau_verify_l28d": [20, 25],
            "smau_secure_l28d": [15, 20], "smau_release_l28d": [5, 10]}

def parse_csv(text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0] if rows else [], rows[1:]


def first_diffs(expected, actual):
    """A few unified-diff lines between two lists of CSV rows."""
    e = [",".join(r) for r in expected]
    a = [",".join(r) for r in actual]
    out = list(difflib.unified_diff(e, a, "expected", "rubric", lineterm="", n=0))
    return out[:14] or ["(no line differs; lengths %d vs %d)" % (len(e), len(a))]


# --- the oracle: two runs, joined ------------------------------------------

def rubric_run(rubric, policy, data, opts, cwd=None):
    """(header, rows) of `rubric run --format csv`, or raises with stderr."""
    rc, out, err = run([rubric, "run", policy, data, "--format", "csv"] + opts, cwd)
    if rc not in (0, 1) or not out:
        raise RuntimeError("rubric run %s failed (%d): %s" % (policy, rc, err.strip()[:300]))
    return parse_csv(out)


def join(old, new):
    """What `diff --format csv` must print, from two runs' (header, rows).
    Returns (expected rows, joined list of (id, old dict, new dict), common)."""
    (oh, orows), (nh, nrows) = old, new
    common = [o for o in nh[1:] if o in oh[1:]]
    old_by_id = {r[0]: dict(zip(oh, r)) for r in orows}
    assert len(old_by_id) == len(orows), "test data must have unique ids"
    rows, pairs = [], []
    for r in nrows:                      # NEW's rows are in data order
        if r[0] not in old_by_id:
            continue                      # rejected by OLD only
        o, n = old_by_id[r[0]], dict(zip(nh, r))
        pairs.append((r[0], o, n))
        rows += [[r[0], out, o[out], n[out]] for out in common if o[out] != n[out]]
    return rows, pairs, common


def first_record(data):
    """DATA cut to its header and first record, as DATA.head.csv (a record
    of empty cells, all na, when DATA has none)."""
    head = data + ".head.csv"
    with open(data, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        keep = [header, next(rows, None) or ["x"] + [""] * (len(header) - 1)]
    with open(head, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(keep)
    return head


def banded_outputs(rubric, policy, data, opts, cwd):
    """Outputs that carry a band: in `run --format json` their object has a
    "band" key.  Scored on the first record only: the shape is per output."""
    rc, out, err = run([rubric, "run", policy, first_record(data), "--format", "json"]
                       + opts, cwd)
    first = json.loads(out)[0]
    return {k for k, v in first.items() if isinstance(v, dict) and "band" in v}


def scheme_bands(policy_path):
    """Band names of the policy's one scheme in declared order, read from the
    text (following imports): `BAND scores N ...` lines."""
    seen, bands, todo = set(), [], [policy_path]
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        bands += re.findall(r"^\s*(\w+)\s+scores\b", text, re.M)
        for imp in re.findall(r'^\s*import\s+"([^"]+)"', text, re.M):
            todo.append(os.path.join(os.path.dirname(path), imp))
    return bands


# --- checking one `rubric diff` against the oracle ---------------------------

def check_diff(name, rubric, old, new, data, old_opts=(), new_opts=(), cwd=None,
               old_file=None, new_file=None, expect_rc=0, extra=()):
    """Runs `rubric diff OLD NEW DATA` in csv and json and checks both.
    old_file/new_file: plain files holding the two versions (for git
    revisions, extracted with git show); default OLD and NEW themselves.
    old_opts/new_opts: options for the oracle runs; the diff gets new_opts
    (the --param) plus `extra` (--as-of, --id, --on-error)."""
    old_file = old_file or old
    new_file = new_file or new
    try:
        o = rubric_run(rubric, old_file, data, list(old_opts) + list(extra), cwd)
        n = rubric_run(rubric, new_file, data, list(new_opts) + list(extra), cwd)
    except RuntimeError as e:
        report(name + ": oracle runs", False, [str(e)])
        return
    want, pairs, common = join(o, n)
    diff_cmd = [rubric, "diff", old, new, data] + list(new_opts) + list(extra)

    rc, out, err = run(diff_cmd + ["--format", "csv"], cwd)
    if rc != expect_rc:
        report(name + ": csv", False, ["exit status %d, expected %d" % (rc, expect_rc)]
               + err.splitlines()[:6])
    else:
        header, got = parse_csv(out)
        want_header = [n[0][0], "output", "old", "new"]
        if header != want_header:
            report(name + ": csv", False, ["header %r, expected %r" % (header, want_header)])
        else:
            report(name + ": csv rows = join of two runs (%d rows)" % len(want),
                   got == want, first_diffs(want, got))

    rc, out, err = run(diff_cmd + ["--format", "json"], cwd)
    if rc != expect_rc:
        report(name + ": json", False, ["exit status %d, expected %d" % (rc, expect_rc)]
               + err.splitlines()[:6])
        return
    try:
        doc = json.loads(out)
    except ValueError as e:
        report(name + ": json parses", False, [str(e), out[:200]])
        return
    banded_old = banded_outputs(rubric, old_file, data, list(old_opts) + list(extra), cwd)
    banded_new = banded_outputs(rubric, new_file, data, list(new_opts) + list(extra), cwd)
    check_json(name, doc, old, new, o, n, pairs, common, want,
               (banded_old, scheme_bands(os.path.join(cwd or "", old_file))),
               (banded_new, scheme_bands(os.path.join(cwd or "", new_file))))


def is_number(cell):
    try:
        Fraction(cell)
        return True
    except ValueError:
        return False


def value_list(cells, bands):
    """The value list of one side: with a scheme (bands, declared order) all
    its bands then "na", seen or not; without (bands None) the distinct
    printed values seen, numbers ascending by value, then text in byte
    order, then "na" if any cell is empty (na or no band)."""
    if bands is not None:
        return bands + ["na"]
    seen = {c for c in cells if c != ""}
    nums = sorted((c for c in seen if is_number(c)), key=Fraction)
    texts = sorted((c for c in seen if not is_number(c)), key=lambda c: c.encode("utf-8"))
    return nums + texts + (["na"] if "" in cells else [])


def check_json(name, doc, old, new, o, n, pairs, common, want_rows, old_info, new_info):
    (oh, orows), (nh, nrows) = o, n
    problems = []
    if doc.get("old") != old or doc.get("new") != new:
        problems.append("old/new are %r/%r, expected %r/%r"
                        % (doc.get("old"), doc.get("new"), old, new))
    if doc.get("accounts") != len(pairs):
        problems.append("accounts %r, expected %d (accounts both policies scored)"
                        % (doc.get("accounts"), len(pairs)))
    report(name + ": json old/new/accounts", not problems, problems)

    only_old = [x for x in oh[1:] if x not in nh[1:]]
    only_new = [x for x in nh[1:] if x not in oh[1:]]
    good = (sorted(doc.get("only_in_old") or []) == sorted(only_old)
            and sorted(doc.get("only_in_new") or []) == sorted(only_new))
    report(name + ": json only_in_old/only_in_new = set differences", good,
           ["only_in_old %r, expected %r" % (doc.get("only_in_old"), only_old),
            "only_in_new %r, expected %r" % (doc.get("only_in_new"), only_new)])

    outputs = doc.get("outputs") or []
    names = [x.get("output") for x in outputs]
    report(name + ": json outputs = the common outputs, in NEW's order", names == common,
           ["got %r" % names, "expected %r" % common])

    changed_rows = {}
    for r in want_rows:
        changed_rows[r[1]] = changed_rows.get(r[1], 0) + 1
    problems = []
    for entry in outputs:
        out = entry.get("output")
        if out not in common:
            continue
        olds = [p[1][out] for p in pairs]
        news = [p[2][out] for p in pairs]
        if entry.get("changed") != changed_rows.get(out, 0):
            problems.append("%s: changed %r, expected %d (rows of the csv join)"
                            % (out, entry.get("changed"), changed_rows.get(out, 0)))
        schemes = [info[1] if out in info[0] else None for info in (old_info, new_info)]
        banded = None not in schemes
        if entry.get("banded") is not banded:
            problems.append("%s: banded %r, expected %r (%s)"
                            % (out, entry.get("banded"), banded,
                               " and ".join(("banded" if sc else "not banded") + " in " + side
                                            for sc, side in zip(schemes, ("OLD", "NEW")))))
        ov, nv = value_list(olds, schemes[0]), value_list(news, schemes[1])
        if (len(ov) > 10 and not schemes[0]) or (len(nv) > 10 and not schemes[1]):
            # Too many values on an unbanded side: no matrix and no value
            # lists.  A side with a scheme has a row per band, however many.
            for key in ("matrix", "old_values", "new_values"):
                if entry.get(key, 0) is not None:
                    problems.append("%s: %s %s, expected null (%d old and %d new values)"
                                    % (out, key, str(entry.get(key, "absent"))[:80],
                                       len(ov), len(nv)))
            continue
        for side, vals, want in (("old", entry.get("old_values"), ov),
                                 ("new", entry.get("new_values"), nv)):
            if vals != want:
                problems.append("%s: %s_values %r, expected %r" % (out, side, vals, want))
        tally = [[0] * len(nv) for _ in ov]
        for a, b in zip(olds, news):
            tally[ov.index(a or "na")][nv.index(b or "na")] += 1
        if entry.get("matrix") != tally:
            problems.append("%s: matrix %r, tallied from the runs %r"
                            % (out, entry.get("matrix"), tally))
    report(name + ": json changed counts, banded, value lists and matrices (%d outputs)"
           % len(outputs), not problems, problems)


# --- data -------------------------------------------------------------------

def decimal_text(x):
    """Exact decimal text of a Fraction whose denominator divides 10**k."""
    k = 0
    while (x * 10 ** k).denominator != 1:
        k += 1
    s = str(abs(x.numerator * 10 ** k // x.denominator)).rjust(k + 1, "0")
    s = s[:-k] + "." + s[-k:] if k else s
    return ("-" if x < 0 else "") + s


def v1_value(rng, col, lic):
    """One random cell for a v1 column: some empty, some exactly on an edge
    of the v1 policy, else a whole or two-decimal count up to ~60% of lic."""
    roll = rng.random()
    if roll < 0.08:
        return ""
    if lic is None or lic <= 0:
        return str(rng.randint(0, 50))
    if roll < 0.25:
        return decimal_text(lic * Fraction(rng.choice(V1_EDGES[col]), 100))
    if roll < 0.35:
        return decimal_text(Fraction(rng.randint(0, int(lic * 60)), 100))
    return str(rng.randint(0, max(1, int(lic * 0.6))))


def generated(rubric, work, seed):
    """gen_accounts' 20,000 accounts for seed, with the four v1 columns
    added (seeded), written to WORK/gen-SEED.csv."""
    path = os.path.join(work, "gen-%d.csv" % seed)
    rc, out, err = run([gen_accounts(), "--count", str(COUNT), "--seed", str(seed),
                        "--format", "csv", "--as-of", AS_OF])
    if rc != 0:
        raise RuntimeError("gen_accounts failed: " + err)
    header, rows = parse_csv(out)
    rng = random.Random(seed)
    lic_at = header.index("licenses_sold")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header + V1_COLUMNS)
        for r in rows:
            lic = Fraction(r[lic_at]) if r[lic_at] else None
            w.writerow(r + [v1_value(rng, c, lic) for c in V1_COLUMNS])
    return path


EDGE_HEADER = ("account_id,tier,deployment,license_start,licenses_sold,billable_users,"
               "active_users_l28d,git_ops_users_l28d,ci_pipeline_users_l28d,deployments_l28d,"
               "deployment_users_l28d,secure_scanner_users_l28d,container_scanning_users_l28d,"
               "secret_detection_users_l28d,merge_request_users_l28d,smau_verify_l28d,"
               "smau_secure_l28d,smau_release_l28d")
# Hand-written accounts: each id says what it is for.  Written with CRLF and
# a UTF-8 BOM.  Onboarding edges: as_of 2026-11-01 - 1 month = 2026-10-01,
# - 3 months = 2026-08-01; as_of 2026-03-31 - 1 month = 2026-02-28.
EDGE_ROWS = """\
on-edge-25-50-of-100,ultimate,self-managed,2024-01-01,100,100,80,25,50,8,12,5,3,6,20,25,15,5
below-edges,ultimate,self-managed,2024-01-01,100,100,79,24,49,7,11,4,2,5,19,24,14,4
scm-47-of-100,premium,saas,2024-01-01,100,100,79,47,45,10,10,10,10,10,45,45,45,45
exact-0.35-of-7,ultimate,self-managed,2024-01-01,7,7,5.6,1.75,3.5,0.56,0.84,0.35,0.21,0.42,1.4,1.75,1.05,0.35
zero-licenses,premium,saas,2024-01-01,0,0,0,0,0,0,0,0,0,0,0,0,0,0
zero-licenses-decimal,ultimate,self-managed,2024-01-01,0.000,5,5,1,1,1,1,1,1,1,1,1,1,1
empty-licenses,ultimate,self-managed,2024-01-01,,10,5,1,1,1,1,1,1,1,1,1,1,1
empty-numerators,premium,self-managed,2024-01-01,100,,,,,,,,,,,,,
empty-tier-deployment,,,2024-01-01,100,100,90,60,60,10,20,30,15,25,30,30,30,30
"quoted, id with comma",premium,dedicated,2024-01-01,300,300,240,75,150,24,36,15,9,18,60,75,45,15
onb-2026-10-01,ultimate,saas,2026-10-01,100,100,80,60,60,10,20,30,15,25,30,30,30,30
onb-2026-10-02,ultimate,saas,2026-10-02,100,100,80,60,60,10,20,30,15,25,30,30,30,30
onb-2026-08-01,ultimate,saas,2026-08-01,100,100,80,60,60,10,20,30,15,25,30,30,30,30
onb-2026-08-02,ultimate,saas,2026-08-02,100,100,80,60,60,10,20,30,15,25,30,30,30,30
onb-2026-02-28,premium,self-managed,2026-02-28,50,50,40,30,30,5,6,15,5,10,15,15,15,15
onb-2026-03-01,premium,self-managed,2026-03-01,50,50,40,30,30,5,6,15,5,10,15,15,15,15
no-license-start,free,saas,,100,100,1,60,1,1,1,1,1,1,1,1,1,1
negative-counts,ultimate,self-managed,2024-01-01,100,100,-5,-25,-50,-8,-12,-5,-3,-6,-20,-25,-15,-5
above-100pct,ultimate,self-managed,2024-01-01,10,10,20,20,20,20,20,20,20,20,20,20,20,20
"""


def write_edge(work, id_name="account_id"):
    path = os.path.join(work, "edge-%s.csv" % id_name)
    text = EDGE_HEADER.replace("account_id", id_name, 1) + "\n" + EDGE_ROWS
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return path


MOVED = [("measure scm_git_ops", "yellow <  50%", "yellow <  45%"),
         ("measure scm_git_ops", "green  >= 50%", "green  >= 45%"),
         ("measure ci_deployment_users", "green  >= 12%", "green  >= 10%"),
         ("measure ci_deployment_users", "yellow <  12%", "yellow <  10%"),
         ("measure devsecops_scanners", "red    <= 5%", "red    <  5%"),
         ("measure cd_deployment_users", "red    <  5%", "red    <  6%"),
         ("scheme rag", "when < 75", "when < 70")]
# A band gap: 45% <= scm_git_ops < 50% falls in no band.  `rubric run`
# prints such a value as an empty cell, like na.
GAP = [("measure scm_git_ops", "yellow <  50%", "yellow <  45%")]


def edited_copy(work, name, edits):
    """use_case_health with the edits (block, old text, new text) made in
    the block named, written to WORK/NAME."""
    with open(HEALTH, encoding="utf-8") as f:
        text = f.read()
    for block, old, new in edits:
        start = text.index(block)
        at = text.index(old, start)
        if text.find("\n\n", start) < at:
            raise ValueError("'%s' not found in block '%s'" % (old, block))
        text = text[:at] + new + text[at + len(old):]
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


# Outputs that change kind: banded in OLD and a plain number (or text) in
# NEW, or the other way, and NEW with another scheme (other band names).
KINDS_OLD = """\
policy "diff check: kinds, old"
input licenses_sold: number
input git_ops_users_l28d: number
input ci_pipeline_users_l28d: number

scheme rag
  red    scores 0   when < 40
  yellow scores 50  when < 75
  green  scores 100 otherwise

measure usage = git_ops_users_l28d / licenses_sold
  red    < 25%
  yellow < 50%
  green  otherwise

measure ci = ci_pipeline_users_l28d / licenses_sold
  red    < 25%
  yellow < 50%
  green  otherwise

metric seats = licenses_sold
metric old_only = 1

measure dep = ci_pipeline_users_l28d / licenses_sold
  red    < 25%
  yellow < 50%
  green  otherwise
"""
KINDS_NEW = """\
policy "diff check: kinds, new"
input licenses_sold: number
input git_ops_users_l28d: number
input ci_pipeline_users_l28d: number
input deployment: text

scheme tiers
  low  scores 0   when < 50
  mid  scores 50  when < 100
  high scores 100 otherwise

metric new_only = 2
measure seats = licenses_sold
  low  < 100
  mid  < 1000
  high otherwise

measure ci = ci_pipeline_users_l28d / licenses_sold
  low  < 30%
  mid  < 60%
  high otherwise

metric usage = git_ops_users_l28d / licenses_sold
metric dep = deployment
"""

# For the kinds pair: on one side `seats` (licenses_sold) and `usage`
# (1 / licenses_sold) take exactly 10 distinct values, ordered by value
# (not as text: 10 < 100 < 1e3, -3 first), and `dep` text values in byte
# order (SaaS < Self-Managed < d\u00e9di\u00e9 < saas).  ROWS10 alone: 10 values,
# tabulated; with NA_ROW: 10 values and "na", over 10, no matrix; the
# first 9 with NA_ROW: 9 and "na", tabulated.
KINDS_HEADER = "account_id,licenses_sold,git_ops_users_l28d,ci_pipeline_users_l28d,deployment"
ROWS10 = ["k-10,10,1,1,saas", "k-100,100,1,60,SaaS", "k-2,2,1,1,Self-Managed",
          "k-1e3,1e3,1,300,saas", "k-minus-3,-3,1,-1,d\u00e9di\u00e9", "k-0.5,0.5,1,0.2,",
          "k-7,7,1,3,zeta", "k-2.5,2.5,1,1,self-managed", "k-1,1,1,1,saas", "k-9,9,1,9,SaaS"]
NA_ROW = "k-none,,1,1,saas"


def kinds_file(work, name, rows):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join([KINDS_HEADER] + rows) + "\n")
    return path


# --- git revisions -----------------------------------------------------------

P_RULES = """\
policy "diff check: git revisions" version "1"
import "common.rules"

input licenses_sold: number
input git_ops_users_l28d: number

measure scm = git_ops_users_l28d / licenses_sold
  red    < 25%
  yellow < 50%
  green  otherwise

group delivery = mean(scm, ci, deploy)
metric greens = count green of (scm, ci, deploy)
"""

COMMON_RULES = """\
# shared scheme and measures; version %(v)s
input ci_pipeline_users_l28d: number
input deployment_users_l28d: number

scheme rag
  red    scores 0   when < 40
  yellow scores 50  when < %(edge)s
  green  scores 100 otherwise

measure ci = ci_pipeline_users_l28d / licenses_sold
  red    < %(ci1)s
  yellow < %(ci2)s
  green  otherwise

measure deploy = deployment_users_l28d / licenses_sold
  red    < %(d1)s
  yellow < 12%%
  green  otherwise
"""
COMMON_V = [dict(v=1, edge=75, ci1="25%", ci2="50%", d1="5%"),
            dict(v=2, edge=70, ci1="20%", ci2="45%", d1="6%"),
            dict(v=3, edge=80, ci1="30%", ci2="50%", d1="4%")]  # never committed


def git(repo, *args):
    rc, out, err = run(["git"] + list(args), repo)
    if rc != 0:
        raise RuntimeError("git %s: %s" % (" ".join(args), err.strip()))
    return out


def check_git(rubric, work, data):
    repo = os.path.join(work, "repo")
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "diff check")
    git(repo, "config", "user.email", "diff-check@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    # p.rules at the top imports common.rules; team/t.rules is the same
    # policy one level down, importing lib/common.rules (relative to itself).
    t_rules = P_RULES.replace('import "common.rules"', 'import "lib/common.rules"')
    # q.rules imports later.rules, which only the second commit adds: at
    # HEAD~1 the import must fail, not be read from the working tree.
    for v in COMMON_V[:2]:
        write(os.path.join(repo, "q.rules"), P_RULES.replace("common.rules", "later.rules"))
        if v["v"] == 2:
            write(os.path.join(repo, "later.rules"), COMMON_RULES % v)
        write(os.path.join(repo, "p.rules"), P_RULES)
        write(os.path.join(repo, "common.rules"), COMMON_RULES % v)
        write(os.path.join(repo, "team", "t.rules"), t_rules)
        write(os.path.join(repo, "team", "lib", "common.rules"), COMMON_RULES % v)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "version %d" % v["v"])

    # Each revision extracted with git show, imports beside it.
    extracted = {}
    for rev in ("HEAD~1", "HEAD"):
        d = os.path.join(work, "git-" + rev.replace("~", "-"))
        shutil.rmtree(d, ignore_errors=True)
        for f in ("p.rules", "common.rules", "team/t.rules", "team/lib/common.rules"):
            write(os.path.join(d, f), git(repo, "show", "%s:%s" % (rev, f)))
        extracted[rev] = d
    old_p = os.path.join(extracted["HEAD~1"], "p.rules")
    new_p = os.path.join(extracted["HEAD"], "p.rules")
    old_t = os.path.join(extracted["HEAD~1"], "team", "t.rules")
    asof = ["--as-of", AS_OF]
    team = os.path.join(repo, "team")
    cases = [("git HEAD~1:p.rules vs p.rules", repo, "HEAD~1:p.rules", "p.rules", old_p),
             ("git from team/: HEAD~1:../p.rules vs ../p.rules", team,
              "HEAD~1:../p.rules", "../p.rules", old_p),
             ("git from team/: HEAD~1:t.rules vs t.rules (imports lib/)", team,
              "HEAD~1:t.rules", "t.rules", old_t)]
    for name, cwd, old, new, old_file in cases:
        check_diff(name, rubric, old, new, data, cwd=cwd, old_file=old_file,
                   new_file=os.path.join(cwd, new), extra=asof)
    check_diff("git HEAD~1:p.rules vs HEAD:p.rules", rubric, "HEAD~1:p.rules",
               "HEAD:p.rules", data, cwd=repo, old_file=old_p, new_file=new_p, extra=asof)

    # An uncommitted edit of the imported file: HEAD still has version 2.
    write(os.path.join(repo, "common.rules"), COMMON_RULES % COMMON_V[2])
    check_diff("git HEAD:p.rules vs p.rules with common.rules edited, not committed",
               rubric, "HEAD:p.rules", "p.rules", data, cwd=repo, old_file=new_p,
               new_file=os.path.join(repo, "p.rules"), extra=asof)

    # Errors: exit 2 and a message that names what was not found.
    sha = git(repo, "rev-parse", "HEAD~1").strip()
    check_diff("git SHA:p.rules vs p.rules", rubric, sha + ":p.rules", "p.rules", data,
               cwd=repo, old_file=old_p, new_file=os.path.join(repo, "p.rules"), extra=asof)
    check_diff("git from team/: HEAD~1:./t.rules vs ./t.rules", rubric, "HEAD~1:./t.rules",
               "./t.rules", data, cwd=team, old_file=old_t,
               new_file=os.path.join(team, "t.rules"), extra=asof)
    for old, named in (("HEAD~1:q.rules", "later.rules"),
                       ("nosuchrev:p.rules", "nosuchrev"),
                       ("HEAD~9:p.rules", "HEAD~9"),
                       ("HEAD~1:nosuch.rules", "nosuch.rules"),
                       ("HEAD~1:team/nosuch.rules", "nosuch.rules"),
                       ("nosuch-file.rules", "nosuch-file.rules")):
        rc, out, err = run([rubric, "diff", old, "p.rules", data, "--format", "csv"], repo)
        report("git: %s gives exit 2 and names '%s'" % (old, named),
               rc == 2 and named in err and out == "",
               ["exit status %d, stdout %d bytes, stderr:" % (rc, len(out))]
               + err.splitlines()[:4])


def main():
    rubric, work = start("diff_check.py", "diff")
    asof = ["--as-of", AS_OF]

    edge = write_edge(work)
    edge_cust = write_edge(work, "customer")
    try:
        moved = edited_copy(work, "moved.rules", MOVED)
        gap = edited_copy(work, "gap.rules", GAP)
    except ValueError as e:      # use_case_health.rules was edited
        report("write moved.rules from use_case_health.rules", False, [str(e)])
        sys.exit(1)
    param = ["--param", "onboarding_period=3 months"]
    # The edge file with every pair, at two dates and with --id.
    for d in (AS_OF, "2026-03-31"):
        a = ["--as-of", d]
        check_diff("edge (CRLF, BOM) v1 -> health --as-of " + d, rubric, V1, HEALTH, edge, extra=a)
        check_diff("edge health -> health --param onboarding_period=3 months --as-of " + d,
                   rubric, HEALTH, HEALTH, edge, new_opts=param, extra=a)
        check_diff("edge health -> moved thresholds --as-of " + d, rubric, HEALTH, moved,
                   edge, extra=a)
    check_diff("edge --id customer, moved -> health", rubric, moved, HEALTH, edge_cust,
               extra=asof + ["--id", "customer"])
    check_diff("edge health -> a band gap in scm_git_ops (45%..50%)", rubric, HEALTH, gap,
               edge, extra=asof)

    empty = os.path.join(work, "header-only.csv")
    with open(empty, "w") as f:
        f.write(EDGE_HEADER + "\n")
    # No accounts is an error in every format (docs/cli.md): diff says so,
    # exits 1 and prints nothing, like run.
    for fmt in ("csv", "json", "table"):
        rc, out, err = run([rubric, "diff", V1, HEALTH, empty, "--format", fmt] + asof, None)
        report("a header and no accounts, v1 -> health, %s: exit 1, nothing written, said" % fmt,
               rc == 1 and out == "" and "holds no accounts" in err,
               ["exit %d" % rc, out[:200]] + err.splitlines()[:4])

    kinds = []
    for name, text in (("kinds_old.rules", KINDS_OLD), ("kinds_new.rules", KINDS_NEW)):
        kinds.append(os.path.join(work, name))
        write(kinds[-1], text)
    check_diff("edge: outputs change kind (banded <-> number) and scheme", rubric, kinds[0],
               kinds[1], edge, extra=asof)
    for label, rows in (("10 values", ROWS10), ("10 values and na", ROWS10 + [NA_ROW]),
                        ("9 values and na", ROWS10[:9] + [NA_ROW])):
        check_diff("kinds: one side with %s" % label, rubric, kinds[0], kinds[1],
                   kinds_file(work, "kinds-%s.csv" % label.replace(" ", "-"), rows), extra=asof)

    # A record only OLD rejects (v1's tier is an enumeration) and one both
    # reject: skipped, neither is in both runs' output, so not in the join;
    # exit status 1, and 2 records rejected.
    bad = os.path.join(work, "rejected.csv")
    with open(bad, "w", newline="") as f:
        f.write(EDGE_HEADER + "\n" + EDGE_ROWS.splitlines()[0] + "\n"
                + "bad-tier,platinum,saas,2024-01-01,100,100,1,1,1,1,1,1,1,1,1,1,1,1\n"
                + EDGE_ROWS.splitlines()[1] + "\n"
                + "bad-number,free,saas,2024-01-01,lots,100,1,1,1,1,1,1,1,1,1,1,1,1\n"
                + EDGE_ROWS.splitlines()[2] + "\n")
    check_diff("records rejected by OLD only and by both, --on-error skip", rubric, V1,
               HEALTH, bad, extra=asof + ["--on-error", "skip"], expect_rc=1)
    rc, out, err = run([rubric, "diff", V1, HEALTH, bad, "--format", "json"] + asof
                       + ["--on-error", "skip"])
    rejected = json.loads(out).get("rejected") if out.startswith("{") else None
    report("--on-error skip: json rejected = 2 records", rejected == 2, ["rejected %r" % rejected])
    rc, out, err = run([rubric, "diff", V1, HEALTH, bad, "--format", "csv"] + asof)
    report("--on-error fail (default): exit 1 and names record 2", rc == 1 and "record 2" in err,
           ["exit status %d" % rc] + err.splitlines()[:3])

    # 20,000 generated accounts per pair.
    try:
        d7 = generated(rubric, work, SEEDS["v1"])
        d101 = generated(rubric, work, SEEDS["param"])
        d4242 = generated(rubric, work, SEEDS["moved"])
    except RuntimeError as e:
        report("generate accounts", False, [str(e)])
        sys.exit(1)
    check_diff("seed 7: use_case_adoption_v1 -> use_case_health", rubric, V1, HEALTH, d7,
               extra=asof)
    check_diff("seed 101: health -> health --param onboarding_period=3 months", rubric,
               HEALTH, HEALTH, d101, new_opts=param, extra=asof)
    check_diff("seed 4242: health -> moved thresholds", rubric, HEALTH, moved, d4242,
               extra=asof)
    check_diff("seed 4242: kinds_old -> kinds_new (many distinct numbers)", rubric, kinds[0],
               kinds[1], d4242, extra=asof)
    # The same accounts as NDJSON: the same diff as from the CSV.
    nd = os.path.join(work, "gen-4242.ndjson")
    with open(nd, "wb") as f:
        subprocess.run([gen_accounts(), "--count", str(COUNT), "--seed", "4242", "--format",
                        "ndjson", "--as-of", AS_OF], stdout=f, timeout=60)
    outs = [run([rubric, "diff", HEALTH, moved, d, "--format", "csv"] + asof)
            for d in (d4242, nd)]
    report("seed 4242 as NDJSON: the same csv diff as from CSV",
           outs[0][0] == 0 and outs[0] == outs[1],
           first_diffs(parse_csv(outs[0][1])[1], parse_csv(outs[1][1])[1]) + outs[1][2].splitlines()[:3])
    rc, out, err = run([rubric, "diff", V1, HEALTH, d7, "--format", "table"] + asof)
    report("seed 7: --format table exits 0 and prints", rc == 0 and len(out) > 0,
           ["exit status %d" % rc] + err.splitlines()[:3])
    try:
        check_git(rubric, work, d4242)
    except (RuntimeError, OSError) as e:
        report("git revisions: setup", False, [str(e)])
    finish()


if __name__ == "__main__":
    main()
