#!/usr/bin/env python3
"""instance_check.py RUBRIC_BINARY WORK_DIR

An independent cross-check of rules/gitlab/instance_health.rules: accounts
that own several GitLab instances, scored on the one instance seed 003
chooses.  The reference below is written from the issue's words and seed
000's tables, not from the policy file or rubric's source:

  - the candidates are the instances whose instance_type is "production"
    and whose included_in_health is not "opt-out", both compared after
    taking off the spaces around (space, tab, line breaks, no-break space)
    and making A-Z small; a missing setting is included, a missing type is
    not production;
  - the chosen one has the latest updated_at; an undated instance is older
    than any dated one; of equals, the first in the account's list;
  - no candidate: every measure, use case and the adoption count are empty;
  - user_engagement = active / billable users where the chosen instance's
    deployment is self-managed; the other measures = a count / licenses
    sold, na while onboarding (license_start after as_of - 1 month, the day
    clamped to the month's end); bands and use-case means as in seed 000,
    decided in exact fractions.

Data: 20,000 generated accounts per seed (0 to 6 instances each: spelling
variants, opt-outs, missing fields, duplicate and missing dates, counts on
every edge of 100, 300 and 7 seats, 0 and negative seats), in three forms:
NDJSON; CSV accounts with --table instances=FILE, the table in account
order; and the same table with the accounts' rows shuffled together (each
account's rows keep their order, which decides ties).  Each form is run at
two as-of dates (2026-11-01, and 2026-03-31 where the onboarding edge clamps
to 2026-02-28), and rubric's CSV must equal the reference's byte for byte.
The shipped sample rules/gitlab/instance_accounts.ndjson is checked too.

Prints "ok - NAME" / "not ok - NAME" (with the first differences) per
comparison and, last, "N passed, N failed"; exits 1 if any failed.  Python 3
standard library only.
"""
import calendar
import csv
import datetime
import difflib
import io
import json
import os
import random
import subprocess
import sys
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLICY = os.path.join(ROOT, "rules", "gitlab", "instance_health.rules")
SAMPLE = os.path.join(ROOT, "rules", "gitlab", "instance_accounts.ndjson")
ACCOUNT = ["account_id", "tier", "license_start", "licenses_sold", "billable_users"]
FIELDS = ["instance_id", "instance_type", "included_in_health", "deployment", "updated_at",
          "active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployments_l28d",
          "deployment_users_l28d", "secure_scanner_users_l28d", "container_scanning_users_l28d",
          "secret_detection_users_l28d"]
P = lambda n: Fraction(n) / 100
# (output, count, denominator, [(band, operator, threshold)]) from seed 000.
MEASURES = [
    ("user_engagement", "active_users_l28d", "billable_users", [("red", "<", P(50)), ("yellow", "<", P(80)), ("green", ">=", P(80))]),
    ("scm_git_ops", "git_ops_users_l28d", "licenses_sold", [("red", "<", P(25)), ("yellow", "<", P(50)), ("green", ">=", P(50))]),
    ("ci_pipelines", "ci_pipeline_users_l28d", "licenses_sold", [("red", "<", P(25)), ("yellow", "<", P(50)), ("green", ">=", P(50))]),
    ("ci_deployments_per_user", "deployments_l28d", "licenses_sold", [("red", "<", P(3)), ("yellow", "<", P(8)), ("green", ">=", P(8))]),
    ("ci_deployment_users", "deployment_users_l28d", "licenses_sold", [("red", "<", P(5)), ("yellow", "<", P(12)), ("green", ">=", P(12))]),
    ("devsecops_scanners", "secure_scanner_users_l28d", "licenses_sold", [("red", "<=", P(5)), ("yellow", "<", P(20)), ("green", ">=", P(20))]),
    ("devsecops_container_scanning", "container_scanning_users_l28d", "licenses_sold", [("red", "<=", P(3)), ("yellow", "<", P(10)), ("green", ">=", P(10))]),
    ("devsecops_secret_detection", "secret_detection_users_l28d", "licenses_sold", [("red", "<=", P(6)), ("yellow", "<", P(20)), ("green", ">=", P(20))]),
    ("cd_deployment_users", "deployment_users_l28d", "licenses_sold", [("red", "<", P(5)), ("yellow", "<", P(10)), ("green", ">=", P(10))]),
]
USE_CASES = [("scm", ["scm_git_ops"]),
             ("ci", ["ci_pipelines", "ci_deployments_per_user", "ci_deployment_users"]),
             ("devsecops", ["devsecops_scanners", "devsecops_container_scanning", "devsecops_secret_detection"]),
             ("cd", ["cd_deployment_users"])]
SCORE = {"red": 0, "yellow": 50, "green": 100}
HEADER = ["account_id"] + [m[0] for m in MEASURES] + [u[0] for u in USE_CASES] + \
    ["use_case_adoption_count", "production_instances", "chosen_instance"]


def words(text):
    """Text as compared: spaces around taken off, A-Z made small; None stays None."""
    if text is None:
        return None
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text.strip(" \t\r\n\v\f\u00a0"))


def number(v):
    return None if v is None or v == "" else Fraction(str(v))


def month_before(d):
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def band(value, lines):
    if value is None:
        return None
    for name, op, edge in lines:
        if (op == "<" and value < edge) or (op == "<=" and value <= edge) or (op == ">=" and value >= edge):
            return name
    return None


def score(account, instances, as_of):
    """One CSV row of the reference, from an account's fields and its list."""
    candidates = [i for i in instances if words(i.get("instance_type")) == "production"
                  and words(i.get("included_in_health")) != "opt-out"]
    chosen = None
    for i in candidates:
        if chosen is None or (i.get("updated_at") and (not chosen.get("updated_at") or i["updated_at"] > chosen["updated_at"])):
            chosen = i
    start = account.get("license_start")
    onboarding = bool(start) and datetime.date.fromisoformat(start) > month_before(as_of)
    bands = {}
    for name, count, over, lines in MEASURES:
        num = number(chosen.get(count)) if chosen else None
        den = number(account.get(over))
        value = None if num is None or den is None or den == 0 else num / den
        if over == "billable_users":
            if chosen is None or words(chosen.get("deployment")) != "self-managed":
                value = None
        elif onboarding:
            value = None
        bands[name] = band(value, lines)
    cases = []
    for _, measures in USE_CASES:
        scores = [SCORE[bands[m]] for m in measures if bands[m]]
        mean = Fraction(sum(scores), len(scores)) if scores else None
        cases.append(None if mean is None else "red" if mean < 40 else "yellow" if mean < 75 else "green")
    adopted = "" if all(c is None for c in cases) else str(sum(c == "green" for c in cases))
    row = [account["account_id"]] + [bands[m[0]] or "" for m in MEASURES] + [c or "" for c in cases]
    return row + [adopted, str(len(candidates)), (chosen or {}).get("instance_id") or ""]


def generate(seed, n):
    """n accounts: (account fields, list of instance dicts); None/absent = missing."""
    rnd = random.Random(seed)
    pick = rnd.choice
    out = []
    for k in range(n):
        seats = pick([100, 100, 100, 300, 7, 0, None, 1000, -100, "100"])
        account = {"account_id": "IC-%d-%06d" % (seed, k), "tier": pick(["premium", "Ultimate", None]),
                   "license_start": pick(["2025-01-15", "2026-10-01", "2026-10-02", "2026-11-01", "2026-02-28",
                                          "2026-03-01", "2026-03-31", "2026-12-01", None]),
                   "licenses_sold": seats, "billable_users": pick([100, 0, None, 57, 300])}
        instances = []
        for j in range(pick([0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 6])):
            i = {"instance_id": "I%d-%d" % (k, j),
                 "instance_type": pick(["production", "Production", " production ", "PRODUCTION\t", "\u00a0production",
                                        "staging", "prod", "production-eu", "", None]),
                 "included_in_health": pick(["included", "Included", "opt-out", "Opt-Out", " OPT-OUT ", "Opt out",
                                             "optout", "", None, None]),
                 "deployment": pick(["self-managed", "Self-Managed", "\tSELF-MANAGED ", "self managed", "saas", None]),
                 "updated_at": pick(["2026-10-01", "2026-10-15", "2026-10-15", "2026-10-31", "2025-12-31", None])}
            for f in FIELDS[5:]:
                if seats == 7:
                    i[f] = pick([0.21, 0.35, 0.42, 0.56, 0.7, 0.84, 1.4, 3.5, 5.6, 7, None])
                elif seats == 300:
                    i[f] = pick([9, 15, 18, 21, 30, 36, 60, 75, 150, None])
                else:
                    i[f] = pick([rnd.randint(0, 120), rnd.randint(0, 25), None, "40"])
            instances.append({f: v for f, v in i.items() if v is not None or rnd.random() < 0.5})
        out.append((account, instances))
    return out


def write_forms(accounts, work, seed):
    """Writes the NDJSON, the CSV accounts and the two tables; returns their paths."""
    nd = os.path.join(work, "s%d.ndjson" % seed)
    with open(nd, "w", encoding="utf-8") as f:
        for k, (account, instances) in enumerate(accounts):
            o = {f: v for f, v in account.items() if v is not None}
            # No instances: an empty array, null, or no key at all.
            if instances or k % 3 == 0:
                o["instances"] = instances
            elif k % 3 == 1:
                o["instances"] = None
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    cells = lambda d, keys: ["" if d.get(k) is None else d[k] for k in keys]
    acc = os.path.join(work, "s%d_accounts.csv" % seed)
    with open(acc, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ACCOUNT)
        for account, _ in accounts:
            w.writerow(cells(account, ACCOUNT))
    rows = [[a["account_id"]] + cells(i, FIELDS) for a, instances in accounts for i in instances]
    queues = {}
    for r in rows:
        queues.setdefault(r[0], []).append(r)
    rnd, left, shuffled = random.Random(seed), list(queues.values()), []
    while left:
        q = rnd.choice(left)
        shuffled.append(q.pop(0))
        if not q:
            left.remove(q)
    tables = []
    for name, body in (("in account order", rows), ("shuffled", shuffled)):
        path = os.path.join(work, "s%d_instances_%s.csv" % (seed, name.replace(" ", "_")))
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["account_id"] + FIELDS)
            w.writerows(body)
        tables.append((name, path))
    return nd, acc, tables


class Checks:
    def __init__(self, rubric):
        self.rubric, self.passed, self.failed = rubric, 0, 0

    def compare(self, name, args, want):
        p = subprocess.run([self.rubric, "run", POLICY] + args + ["--format", "csv"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got = p.stdout.decode("utf-8", "replace")
        if p.returncode == 0 and got == want:
            self.passed += 1
            print("ok - %s" % name)
            return
        self.failed += 1
        print("not ok - %s (exit %d)" % (name, p.returncode))
        for line in p.stderr.decode("utf-8", "replace").splitlines()[:5]:
            print("#   stderr: " + line)
        diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "reference", "rubric", lineterm="", n=0)
        for line in list(diff)[:12]:
            print("#   " + line)


def reference_csv(accounts, as_of):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for account, instances in accounts:
        w.writerow(score(account, instances, as_of))
    return out.getvalue()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: instance_check.py RUBRIC_BINARY WORK_DIR")
    rubric, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(work, exist_ok=True)
    c = Checks(rubric)
    with open(SAMPLE, encoding="utf-8") as f:
        sample = [(a, a.get("instances") or []) for a in map(json.loads, f)]
    dates = ("2026-11-01", "2026-03-31")
    for d in dates:
        c.compare("sample accounts, as of %s" % d, [SAMPLE, "--as-of", d],
                  reference_csv(sample, datetime.date.fromisoformat(d)))
    for seed in (1003, 1010):
        accounts = generate(seed, 20000)
        nd, acc, tables = write_forms(accounts, work, seed)
        for d in dates:
            want = reference_csv(accounts, datetime.date.fromisoformat(d))
            c.compare("seed %d, NDJSON, as of %s" % (seed, d), [nd, "--as-of", d], want)
            for name, table in tables:
                c.compare("seed %d, CSV with a table %s, as of %s" % (seed, name, d),
                          [acc, "--table", "instances=" + table, "--as-of", d], want)
    print("%d passed, %d failed" % (c.passed, c.failed))
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
