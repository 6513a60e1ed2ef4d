#!/usr/bin/env python3
"""next_band_check.py RUBRIC_BINARY WORK_DIR

`rubric explain --format json`'s next_band for scm_git_ops and
devsecops_scanners against next_band_reference.py, account by account:

- every account of edge_accounts.csv (hand-made: each threshold exactly,
  one unit and 0.01 either side, decimals of 7 seats, 10^15 seats,
  negative and zero seats, onboarding on each side of its edge);
- accounts made by gen_accounts with seeds no other check uses: every one
  whose numerator is exactly a threshold times its seats, about 120 more
  within one of it, and every 25th of the rest, at two dates (2026-11-01; 2026-03-31, where
  as_of - 1 month clamps to 2026-02-28).

A measure explain leaves without next_band must be one the reference
gives none for, and the other way round; band, input and value must be
equal.  The current band explain shows is checked against the reference's
too, so that a disagreement on the band itself is told as such."""
import csv
import datetime
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402
import next_band_reference as ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLICY = os.path.join(ROOT, "rules", "gitlab", "use_case_health.rules")
EDGE = os.path.join(ROOT, "tests", "reference", "edge_accounts.csv")


def explained(rubric, data, account, as_of):
    """{measure: (band, next) } from explain's JSON, or an error text."""
    rc, out, err = checks.run([rubric, "explain", POLICY, data, "--account", account, "--as-of", as_of,
                               "--format", "json"])
    if rc != 0:
        return "explain exit %d: %s" % (rc, err.strip().splitlines()[:1])
    got = {}
    for step in json.loads(out)["steps"]:
        if step["name"] in ref.MEASURES:
            nb = step.get("next_band")
            got[step["name"]] = (step.get("band"),
                                 None if nb is None else (nb["band"], nb["input"], nb["value"]))
    return got


def reference_band(row, name, as_of):
    column, bands = ref.MEASURES[name]
    start = row.get("license_start", "").strip()
    if start and datetime.date.fromisoformat(start) > ref.minus_one_month(as_of):
        return None
    num, den = ref.number(row[column]), ref.number(row[ref.DENOMINATOR])
    if num is None or den is None or den == 0:
        return None
    return ref.band_of(num / den, bands)


def near_threshold(row):
    """Whether a measure's numerator is within one of a threshold x seats."""
    den = ref.number(row[ref.DENOMINATOR])
    if den is None:
        return False
    for column, bands in ref.MEASURES.values():
        num = ref.number(row[column])
        if num is None:
            continue
        for _, edge, _ in bands[1:]:
            if abs(num - edge * den) <= 1:
                return True
    return False


def on_threshold(row):
    """Whether a measure's numerator is exactly a threshold x seats."""
    den = ref.number(row[ref.DENOMINATOR])
    return den is not None and any(
        ref.number(row[column]) == edge * den for column, bands in ref.MEASURES.values() for _, edge, _ in bands[1:])


def compare(rubric, label, data, rows, as_of_text):
    as_of = datetime.date.fromisoformat(as_of_text)
    ids = [r["account_id"] for r in rows]
    counts = {}
    for i in ids:
        counts[i] = counts.get(i, 0) + 1
    rows = [r for r in rows if counts[r["account_id"]] == 1]
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda r: explained(rubric, data, r["account_id"], as_of_text), rows))
    problems, given, omitted = [], 0, 0
    for row, got in zip(rows, answers):
        aid = row["account_id"]
        if isinstance(got, str):
            problems.append("%r: %s" % (aid, got))
            continue
        want = ref.account_next_bands(row, as_of)
        for name in ref.MEASURES:
            band, nb = got.get(name, ("missing", None))
            rband = reference_band(row, name, as_of)
            if band != rband:
                problems.append("%r %s: explain's band %s, the reference's %s" % (aid, name, band, rband))
            elif nb != want[name]:
                problems.append("%r %s: explain %s, reference %s" % (aid, name, nb, want[name]))
            given += nb is not None
            omitted += nb is None
    checks.report("%s: next_band of %d accounts (%d given, %d left out) equals the reference" %
                  (label, len(rows), given, omitted), not problems and given > 0, problems)
    return given


def main():
    rubric, work = checks.start(sys.argv[0], "explain")
    edge_rows = ref.read_accounts(EDGE)
    compare(rubric, "edge_accounts.csv", EDGE, edge_rows, "2026-11-01")

    gen = checks.gen_accounts()
    if not os.path.exists(gen):
        checks.report("gen_accounts is built (make build/gen_accounts)", False, [gen])
        checks.finish()
    for seed, as_of, count in ((15015, "2026-11-01", 3000), (770077, "2026-03-31", 1500)):
        path = os.path.join(work, "accounts-%d.csv" % seed)
        rc, out, err = checks.run([gen, "--count", str(count), "--seed", str(seed), "--as-of", as_of])
        if rc != 0:
            checks.report("gen_accounts seed %d" % seed, False, [err])
            continue
        checks.write(path, out)
        rows = ref.read_accounts(path)
        near = [r for r in rows if near_threshold(r)]
        exact = [r for r in near if on_threshold(r)]
        edge = exact + [r for r in near if not on_threshold(r)][::max(1, len(near) // 120)]
        rest = [r for r in rows if not near_threshold(r)][::25]
        checks.report("seed %d: %d accounts near a threshold to check" % (seed, len(edge)), len(edge) >= 50)
        compare(rubric, "seed %d as of %s, near a threshold" % (seed, as_of), path, edge, as_of)
        compare(rubric, "seed %d as of %s, every 25th other" % (seed, as_of), path, rest, as_of)

    # Made here: exact edges of the two measures over seats the generator
    # does not use, a negative seat count, and onboarding on its last day.
    lines = ["account_id,tier,deployment,license_start,licenses_sold,billable_users,active_users_l28d,"
             "git_ops_users_l28d,ci_pipeline_users_l28d,deployments_l28d,deployment_users_l28d,"
             "secure_scanner_users_l28d,container_scanning_users_l28d,secret_detection_users_l28d"]
    k = 0
    for seats in ("1", "3", "7", "19", "40", "201", "0.5", "12.5", "-40", "1e3"):
        s = Fraction(ref.number(seats))
        for t in (Fraction(5, 100), Fraction(20, 100), Fraction(25, 100), Fraction(50, 100)):
            for d in (-1, 0, 1):
                at = t * s + d
                num = str(at.numerator) if at.denominator == 1 else "%.4f" % float(at)
                k += 1
                start = "2026-10-01" if k % 5 else "2026-10-02"
                lines.append("made-%d,ultimate,saas,%s,%s,%s,0,%s,0,0,0,%s,0,0" % (k, start, seats, seats, num, num))
    made = checks.write(os.path.join(work, "made.csv"), "\n".join(lines) + "\n")
    compare(rubric, "made edges", made, ref.read_accounts(made), "2026-11-01")
    checks.finish()


if __name__ == "__main__":
    main()
