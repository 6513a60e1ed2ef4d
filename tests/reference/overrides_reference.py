#!/usr/bin/env python3
"""overrides_reference.py RUBRIC_BINARY WORK_DIR

`rubric run --overrides` against overrides applied by hand, on accounts and
an overrides file generated here (seeds the other checks do not use), for
rules/gitlab/use_case_health.rules.

The reference is written from the words of the feature, not from rubric's
source:

  - a row (account_id, output, value, reason, author, expires) holds while
    as_of <= expires; a row whose output the policy has not, or whose
    account the data has not, changes nothing;
  - what the rules compute before any override comes from the project's
    independent reference for this policy, uch_reference.c (compiled here
    from tests/reference/), never from rubric;
  - an overridden measure takes the band given, or the band of the value
    given by its thresholds (SPEC.md's table, below); its score is its
    band's: red 0, yellow 50, green 100;
  - a use case's score is the mean of its members' scores (members na left
    out, na when none), from the overridden members; an overridden use case
    takes the band given (score 0, 50 or 100) or the value given as its
    score; its band is green at >= 75, yellow at >= 40, else red;
  - use_case_adoption_count counts the green use cases after their
    overrides (na when all four are na), or is the value given.

Every number is a Fraction.  Compared, cell for cell: `rubric run
--overrides FILE --format csv` against the reference; the counts rubric
says on stderr (applied, expired, unknown account, unknown output); and,
with --history, the history's overrides table (the value set and what the
rules computed, which for a use case is the mean of its overridden
members).  Rows expire before, on and after the as-of date.  Last, a
malformed file (bad rows at random lines, a duplicate): every error named
with its line and column, exit 2, no output file, no history period.

Prints "ok - ..." / "not ok - ..." lines, then "N passed, N failed".
Python 3 standard library only (and a C compiler for uch_reference.c).
"""
import csv
import io
import os
import random
import sqlite3
import subprocess
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
POLICY = os.path.join(ROOT, "rules", "gitlab", "use_case_health.rules")
AS_OF = "2026-11-01"

# SPEC.md's table: (name, yellow edge, green edge, red includes its edge).
MEASURES = {
    "user_engagement": (Fraction(50, 100), Fraction(80, 100), False),
    "scm_git_ops": (Fraction(25, 100), Fraction(50, 100), False),
    "ci_pipelines": (Fraction(25, 100), Fraction(50, 100), False),
    "ci_deployments_per_user": (Fraction(3, 100), Fraction(8, 100), False),
    "ci_deployment_users": (Fraction(5, 100), Fraction(12, 100), False),
    "devsecops_scanners": (Fraction(5, 100), Fraction(20, 100), True),
    "devsecops_container_scanning": (Fraction(3, 100), Fraction(10, 100), True),
    "devsecops_secret_detection": (Fraction(6, 100), Fraction(20, 100), True),
    "cd_deployment_users": (Fraction(5, 100), Fraction(10, 100), False),
}
USE_CASES = {
    "scm": ["scm_git_ops"],
    "ci": ["ci_pipelines", "ci_deployments_per_user", "ci_deployment_users"],
    "devsecops": ["devsecops_scanners", "devsecops_container_scanning", "devsecops_secret_detection"],
    "cd": ["cd_deployment_users"],
}
OUTPUTS = list(MEASURES) + list(USE_CASES) + ["use_case_adoption_count"]
SCORE = {"red": Fraction(0), "yellow": Fraction(50), "green": Fraction(100)}
COLUMNS = ["account_id", "tier", "deployment", "license_start", "licenses_sold", "billable_users",
           "active_users_l28d", "git_ops_users_l28d", "ci_pipeline_users_l28d", "deployments_l28d",
           "deployment_users_l28d", "secure_scanner_users_l28d", "container_scanning_users_l28d",
           "secret_detection_users_l28d"]

results = []


def check(name, good, detail=""):
    results.append(good)
    print(("ok - " if good else "not ok - ") + name)
    if not good and detail:
        for line in str(detail).splitlines()[:20]:
            print("    " + line)


def measure_band(name, v):
    yellow, green, red_le = MEASURES[name]
    if v < yellow or (red_le and v == yellow):
        return "red"
    return "yellow" if v < green else "green"


def use_case_band(score):
    return "green" if score >= 75 else "yellow" if score >= 40 else "red"


def number_text(x):
    """A Fraction as rubric prints a number cell: integers bare, decimals short."""
    if x.denominator == 1:
        return str(x.numerator)
    return repr(float(x))


def parse_number(text):
    return Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)


# ---- data -------------------------------------------------------------------

def accounts(rng, n):
    rows = []
    for i in range(n):
        lic = rng.choice([100, 200, 250, 300, 1000, rng.randint(1, 5000)])
        start = rng.choice(["2025-03-04", "2026-01-15", "2026-10-01", "2026-10-02", "2026-10-20", ""])
        def count(edge_pcts):
            r = rng.random()
            if r < 0.08:
                return ""
            if r < 0.35:  # on an edge of the measure, where it is a whole count
                x = Fraction(rng.choice(edge_pcts), 100) * lic
                if x.denominator == 1:
                    return str(x.numerator)
            return str(rng.randint(0, lic))
        billable = rng.randint(1, lic)
        rows.append({
            "account_id": "OV-%05d" % i,
            "tier": rng.choice(["premium", "ultimate"]),
            "deployment": rng.choice(["self-managed", "Self-Managed ", "gitlab.com"]),
            "license_start": start,
            "licenses_sold": str(lic),
            "billable_users": str(billable),
            "active_users_l28d": str(rng.randint(0, billable)),
            "git_ops_users_l28d": count([25, 50]),
            "ci_pipeline_users_l28d": count([25, 50]),
            "deployments_l28d": count([3, 8]),
            "deployment_users_l28d": count([5, 10, 12]),
            "secure_scanner_users_l28d": count([5, 20]),
            "container_scanning_users_l28d": count([3, 10]),
            "secret_detection_users_l28d": count([6, 20]),
        })
    return rows


def overrides(rng, ids):
    """Rows for about a third of the accounts, a few unknown ones, a few
    unknown outputs; each (account, output) once."""
    rows, seen = [], set()
    edges = {"scm_git_ops": ["25%", "0.5", "0.2499"], "devsecops_scanners": ["5%", "0.05", "0.2"],
             "devsecops_container_scanning": ["3%", "0.031"], "ci_deployments_per_user": ["0.03", "8%", "0.0799"]}
    dates = ["2026-10-31", AS_OF, "2026-11-02", "2026-11-15", "2027-01-01", "2025-12-31"]
    targets = rng.sample(ids, len(ids) // 3) + ["ZZ-%03d" % k for k in range(12)]
    for acc in targets:
        for out in rng.sample(OUTPUTS + ["not_an_output"], rng.randint(1, 4)):
            if (acc, out) in seen:
                continue
            seen.add((acc, out))
            if out in MEASURES:
                r = rng.random()
                value = rng.choice(list(SCORE)) if r < 0.5 else rng.choice(
                    edges.get(out, ["0", "0.1", "0.6", "1.5", "12%"]))
            elif out in USE_CASES:
                value = rng.choice(list(SCORE)) if rng.random() < 0.5 else rng.choice(
                    ["40", "39.99", "75", "74.5", "0", "100", "60"])
            elif out == "use_case_adoption_count":
                value = rng.choice(["0", "1", "4", "2.5"])
            else:
                value = "green"
            reason = rng.choice(["CSM: exec sponsor left", "renewal, \"at risk\"", "data gap, see ticket 12"])
            rows.append([acc, out, value, reason, rng.choice(["ana@example.com", "bo"]), rng.choice(dates)])
    rng.shuffle(rows)
    return rows


# ---- the reference ------------------------------------------------------------

def apply(computed, rows, ids):
    """computed: id -> {output: cell} from uch_reference.  Returns the
    expected cells per id, the expected counts, and the expected history
    rows {(id, output): (value cell, computed cell)}."""
    active = {}
    counts = {"applied": 0, "expired": 0, "unknown account": 0, "unknown output": 0}
    for acc, out, value, _reason, _author, expires in rows:
        if out not in OUTPUTS:
            counts["unknown output"] += 1
        elif AS_OF > expires:
            counts["expired"] += 1
        elif acc not in ids:
            counts["unknown account"] += 1
        else:
            counts["applied"] += 1
            active[(acc, out)] = value
    expected, history = {}, {}
    for acc in computed:
        cells, scores = {}, {}

        def set_by_hand(out, cell, score):
            value = active.get((acc, out))
            if value is None:
                return cell, score
            if out == "use_case_adoption_count":
                new = number_text(parse_number(value))
                history[(acc, out)] = (new, cell)
                return new, None
            if value in SCORE:
                band, sc = value, SCORE[value]
            elif out in MEASURES:
                band = measure_band(out, parse_number(value))
                sc = SCORE[band]
            else:
                sc = parse_number(value)
                band = use_case_band(sc)
            history[(acc, out)] = (band, cell)
            return band, sc

        for m in MEASURES:
            band = computed[acc][m]
            cells[m], scores[m] = set_by_hand(m, band, SCORE.get(band))
        for u, members in USE_CASES.items():
            got = [scores[m] for m in members if scores[m] is not None]
            score = sum(got) / len(got) if got else None
            band = use_case_band(score) if got else ""
            cells[u], scores[u] = set_by_hand(u, band, score)
        bands = [cells[u] for u in USE_CASES]
        n = "" if all(b == "" for b in bands) else str(sum(b == "green" for b in bands))
        cells["use_case_adoption_count"], _ = set_by_hand("use_case_adoption_count", n, None)
        expected[acc] = cells
    return expected, counts, history


def main():
    rubric, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(work, exist_ok=True)
    uch = os.path.join(work, "uch_reference")
    cc = subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-O2", "-o", uch,
                         os.path.join(HERE, "uch_reference.c")], capture_output=True, text=True)
    check("compile uch_reference.c", cc.returncode == 0, cc.stderr)
    if cc.returncode:
        return finish()
    for seed in (16001, 16002, 16003):
        rng = random.Random(seed)
        data = accounts(rng, 1500)
        ids = [r["account_id"] for r in data]
        data_path = os.path.join(work, "accounts-%d.csv" % seed)
        with open(data_path, "w", newline="") as f:
            w = csv.DictWriter(f, COLUMNS)
            w.writeheader()
            w.writerows(data)
        rows = overrides(rng, ids)
        ovr_path = os.path.join(work, "overrides-%d.csv" % seed)
        with open(ovr_path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n" if seed % 2 else "\n")
            w.writerow(["account_id", "output", "value", "reason", "author", "expires"])
            w.writerows(rows)
        with open(data_path) as f:
            ref = subprocess.run([uch, "--as-of", AS_OF], stdin=f, capture_output=True, text=True)
        check("seed %d: uch_reference scores the accounts" % seed, ref.returncode == 0, ref.stderr)
        computed = {r["account_id"]: r for r in csv.DictReader(io.StringIO(ref.stdout))}
        expected, counts, history = apply(computed, rows, set(ids))

        db = os.path.join(work, "history-%d.db" % seed)
        if os.path.exists(db):
            os.remove(db)
        out = subprocess.run([rubric, "run", POLICY, data_path, "--as-of", AS_OF, "--overrides", ovr_path,
                              "--format", "csv", "--history", db], capture_output=True, text=True)
        check("seed %d: rubric run --overrides exits 0" % seed, out.returncode == 0, out.stderr)
        got = {r["account_id"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
        diffs = []
        for acc in ids:
            for o in OUTPUTS:
                want, have = expected[acc][o], got.get(acc, {}).get(o)
                if want != have:
                    diffs.append("%s %s: reference %r, rubric %r" % (acc, o, want, have))
        check("seed %d: %d accounts x %d outputs equal the reference (%d overrides applied)"
              % (seed, len(ids), len(OUTPUTS), counts["applied"]), not diffs and len(got) == len(ids),
              "\n".join(diffs))
        said = "rubric: overrides '%s': %d applied, %d expired, %d for an unknown account, %d for an unknown output" % (
            ovr_path, counts["applied"], counts["expired"], counts["unknown account"], counts["unknown output"])
        check("seed %d: the counts on stderr" % seed, said in out.stderr.splitlines(), "want %s\ngot %s" % (said, out.stderr))
        check("seed %d: rows on the as-of date apply, rows the day before do not" % seed,
              any(r[5] == AS_OF and (r[0], r[1]) in history for r in rows)
              and counts["expired"] > 0 and counts["unknown account"] > 0 and counts["unknown output"] > 0)
        con = sqlite3.connect(db)
        recorded = {(a, o): (v or "", c or "") for a, o, v, c in con.execute(
            "SELECT account_id, output, value, computed FROM overrides")}
        scores = {a: (scm, n) for a, scm, n in con.execute("SELECT account_id, scm, use_case_adoption_count FROM scores")}
        con.close()
        hdiff = sorted(set(recorded.items()) ^ set(history.items()))[:20]
        check("seed %d: the history records the value set and what the rules computed" % seed, not hdiff,
              "\n".join("%r" % (d,) for d in hdiff))
        sdiff = [a for a in ids if scores.get(a) != (expected[a]["scm"] or None, expected[a]["use_case_adoption_count"] or None)]
        check("seed %d: the history's scores hold the overridden values" % seed, not sdiff, " ".join(sdiff[:10]))
    malformed(rubric, work, ids, data_path, db)
    return finish()


def malformed(rubric, work, ids, data_path, db):
    """Good rows mixed with bad ones at random lines: every bad one named
    with its line and column, exit 2, no output file, the history's
    periods as they were."""
    rng = random.Random(16099)
    bad_kinds = [("value", lambda a: [a, "scm_git_ops", "greem", "r", "x", "2026-12-31"]),
                 ("value", lambda a: [a, "use_case_adoption_count", "green", "r", "x", "2026-12-31"]),
                 ("expires", lambda a: [a, "ci", "red", "r", "x", "2026-02-30"]),
                 ("reason", lambda a: [a, "cd", "red", "", "x", "2026-12-31"]),
                 ("author", lambda a: [a, "scm", "75", "r", "", "2026-12-31"]),
                 ("account_id", lambda a: ["", "scm", "red", "r", "x", "2026-12-31"])]
    lines, want = [["account_id", "output", "value", "reason", "author", "expires"]], []
    for k, acc in enumerate(rng.sample(ids, 60)):
        if k % 4 == 0:
            col, make = rng.choice(bad_kinds)
            lines.append(make(acc))
            want.append("(line %d): column '%s'" % (len(lines), col))
        else:
            lines.append([acc, rng.choice(OUTPUTS[:9]), rng.choice(list(SCORE)), "fine", "x", "2026-12-31"])
    lines.append(lines[2][:])  # the same account and output as line 3
    want.append("(line %d): column 'output': account '%s', output '%s' is overridden twice: here and at line 3"
                % (len(lines), lines[2][0], lines[2][1]))
    path = os.path.join(work, "malformed.csv")
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(lines)
    out_path = os.path.join(work, "never.csv")
    if os.path.exists(out_path):
        os.remove(out_path)
    con = sqlite3.connect(db)
    before = con.execute("SELECT count(*) FROM periods").fetchone()[0]
    con.close()
    out = subprocess.run([rubric, "run", POLICY, data_path, "--as-of", "2026-12-01", "--overrides", path,
                          "-o", out_path, "--history", db], capture_output=True, text=True)
    missing = [w for w in want if w not in out.stderr]
    check("a malformed file: every one of its %d errors named with its line and column" % len(want),
          not missing and out.stderr.count("column '") == len(want), "\n".join(missing) + "\n" + out.stderr)
    con = sqlite3.connect(db)
    after = con.execute("SELECT count(*) FROM periods").fetchone()[0]
    con.close()
    check("a malformed file: exit 2, no output file, no history period",
          out.returncode == 2 and not os.path.exists(out_path) and after == before,
          "exit %d, output %s, periods %d then %d" % (out.returncode, os.path.exists(out_path), before, after))


def finish():
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
