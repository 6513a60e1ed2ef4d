#!/usr/bin/env python3
"""next_band_reference.py --as-of YYYY-MM-DD ACCOUNTS.csv

The exact `next_band` of two measures of rules/gitlab/use_case_health.rules
for every account of a CSV file, written from the issue's words and the
SPEC's table, not from rubric's C:

  "V is the smallest whole number for the numerator that puts the measure
  in a better band than it has now (by the scheme's scores), the other
  inputs held, and B is the band it then gets; omitted when the measure is
  na, already in the best band, or no value of the numerator can do it."

The measures, as the SPEC's table states them (scores red 0, yellow 50,
green 100):

  scm_git_ops        = git_ops_users_l28d / licenses_sold
                       red < 25%, yellow >= 25% and < 50%, green >= 50%
  devsecops_scanners = secure_scanner_users_l28d / licenses_sold
                       red <= 5%, yellow > 5% and < 20%, green >= 20%

both na while onboarding (license_start later than as_of minus one month,
the month clamped to its end; no license_start is not onboarding), when a
cell is empty, or when licenses_sold is 0.

The method is not rubric's (which scores candidates again): every number
is a Fraction, and the smallest numerator that reaches a band's lower edge
is worked out in closed form, ceil(t * d) for `>= t` and floor(t * d) + 1
for `> t`, for every band that scores more than the current one; the
least of those is V.  With d < 0 no numerator >= 0 gives a ratio above 0,
so the answer is the band of 0/d if that is better, else none.  A value
past 2^53 is not given (rubric's stated limit: JSON's exact whole numbers).

Prints `account_id,measure,band,input,value` (band, input and value empty
when omitted); the id is printed as read, a measure per line."""
import csv
import datetime
import decimal
import math
import sys
from fractions import Fraction

SCORES = {"red": 0, "yellow": 50, "green": 100}

# name: (numerator column, [(band, lower edge, edge included)] from the
# lowest band up; red has no lower edge).
MEASURES = {
    "scm_git_ops": ("git_ops_users_l28d",
                    [("red", None, None), ("yellow", Fraction(25, 100), True), ("green", Fraction(50, 100), True)]),
    "devsecops_scanners": ("secure_scanner_users_l28d",
                           [("red", None, None), ("yellow", Fraction(5, 100), False), ("green", Fraction(20, 100), True)]),
}
DENOMINATOR = "licenses_sold"


def number(cell):
    """A cell as an exact Fraction; None when empty."""
    cell = cell.strip()
    if cell == "":
        return None
    return Fraction(decimal.Decimal(cell))


def minus_one_month(d):
    """d one calendar month earlier, the day clamped to the month's end."""
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(d.day, last))


def band_of(ratio, bands):
    """The band of a ratio: the highest band whose lower edge it reaches."""
    got = bands[0][0]
    for name, edge, included in bands[1:]:
        if ratio > edge or (included and ratio == edge):
            got = name
    return got


def next_band(num, den, bands):
    """(band, value) or None for numerator num over den (both Fractions)."""
    now = band_of(num / den, bands)
    best = None
    if den < 0:
        # Every numerator >= 0 gives a ratio <= 0, the largest at 0.
        b = band_of(Fraction(0), bands)
        return (b, 0) if SCORES[b] > SCORES[now] else None
    for name, edge, included in bands[1:]:
        if SCORES[name] <= SCORES[now]:
            continue
        at = edge * den
        v = math.ceil(at) if included else math.floor(at) + 1
        v = max(v, 0)
        if best is None or v < best:
            best = v
    # rubric gives no numerator past 2^53 (JSON's last exact whole number).
    if best is None or best > 2 ** 53:
        return None
    return (band_of(Fraction(best) / den, bands), best)


def account_next_bands(row, as_of):
    """{measure: (band, input, value) or None} for one CSV row (a dict)."""
    start = row.get("license_start", "").strip()
    onboarding = bool(start) and datetime.date.fromisoformat(start) > minus_one_month(as_of)
    den = number(row[DENOMINATOR])
    out = {}
    for name, (column, bands) in MEASURES.items():
        num = number(row[column])
        if onboarding or num is None or den is None or den == 0:
            out[name] = None
            continue
        nb = next_band(num, den, bands)
        out[name] = None if nb is None else (nb[0], column, nb[1])
    return out


def read_accounts(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "--as-of":
        sys.exit(__doc__.splitlines()[0])
    as_of = datetime.date.fromisoformat(sys.argv[2])
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["account_id", "measure", "band", "input", "value"])
    for row in read_accounts(sys.argv[3]):
        for name, nb in account_next_bands(row, as_of).items():
            w.writerow([row["account_id"], name] + (list(nb) if nb else ["", "", ""]))


if __name__ == "__main__":
    main()
