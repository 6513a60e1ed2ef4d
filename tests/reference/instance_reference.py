#!/usr/bin/env python3
"""instance_reference.py: an independent reference for
rules/gitlab/instance_health.rules.

  instance_reference.py --as-of D [--raw] [--columns A,B,...] DATA.ndjson
  instance_reference.py --as-of D [--raw] [--columns A,B,...] ACCOUNTS.csv --table instances=FILE
  ... [--flat FILE]

Written from the issue's text (item 4) and rules/gitlab/use_case_health.rules,
never from the instance policy or rubric's source.  For each account, in
data order:

  - the candidates are its instances whose instance_type is `production`
    and whose included_in_health is not `opt-out`, both compared as
    lower(trim(x)) (spaces, tabs and the no-break space off the ends, A-Z
    made small); an empty or na included_in_health counts as included, an
    empty or na instance_type is not production;
  - the chosen instance is the candidate with the latest updated_at; one
    without updated_at is older than any dated one; ties (and several
    undated ones when none is dated) go to the first in the list; no
    candidate, nothing chosen;
  - the measures, use cases and use_case_adoption_count are
    use_case_health's, on a flat account made of the account's
    license_start, licenses_sold and billable_users and the chosen
    instance's deployment and usage counts (all na when nothing is chosen).
    That scoring is calibrate_check.py's score_account (exact fractions,
    na for an empty cell or a zero denominator, onboarding when
    license_start > as_of - 1 month with the day clamped to the month's
    end, user_engagement only for a self-managed deployment), shared here
    rather than written a second time;
  - production_instances: the number of candidates; chosen_instance: the
    chosen instance's instance_id (na when nothing is chosen, or when its
    instance_id is na).

A cell is na when it is empty, null, absent, or one of rubric's default
missing-value spellings (NA, N/A, n/a, na, #N/A, NULL, null) once the spaces
and tabs around it are off; for every type, text included.

Output: CSV as `rubric run POLICY DATA --format csv --as-of D` prints it:
the id column then the outputs; a band's name, an empty cell for na, counts
as plain integers; text cells (the id, chosen_instance) quoted when they
hold a comma, a double quote, CR, LF or a semicolon, and given a leading
single quote when they begin with = + - @ tab or CR (the spreadsheet
escaping of docs/cli.md); with --raw, no escaping and no quoting for the
semicolon (rubric's --raw).

THE COLUMN ORDER IS AN ASSUMPTION: use_case_health.rules' outputs in its
order (its nine measures, four groups, then use_case_adoption_count), then
production_instances and chosen_instance.  If the policy declares its
outputs in another order, change OUTPUTS below (or pass --columns, or run
rubric with --select in this order, as instance_crosscheck.sh does).

--flat FILE also writes the flat accounts (use_case_health.rules' columns,
the chosen instance's cells as written) for a run of use_case_health.rules:
its CSV must equal this script's first 15 columns.

Python 3 standard library only.  Exits 2 on data it cannot read (the
reference is for clean data: malformed data is rubric's to reject).
"""
import argparse
import csv
import datetime
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calibrate_check import GROUPS, MEASURES, score_account, words  # noqa: E402

UCH_OUTPUTS = list(MEASURES) + list(GROUPS) + ["use_case_adoption_count"]
OUTPUTS = UCH_OUTPUTS + ["production_instances", "chosen_instance"]

ACCOUNT_FIELDS = ["account_id", "tier", "license_start", "licenses_sold", "billable_users"]
INSTANCE_FIELDS = ["instance_id", "instance_type", "included_in_health", "deployment",
                   "updated_at", "active_users_l28d", "git_ops_users_l28d",
                   "ci_pipeline_users_l28d", "deployments_l28d", "deployment_users_l28d",
                   "secure_scanner_users_l28d", "container_scanning_users_l28d",
                   "secret_detection_users_l28d"]
COUNTS = INSTANCE_FIELDS[5:]
FLAT_FIELDS = ["account_id", "tier", "deployment", "license_start", "licenses_sold",
               "billable_users"] + COUNTS
NA_SPELLINGS = {"NA", "N/A", "n/a", "na", "#N/A", "NULL", "null"}


def cell(v):
    """A value as read: None for na, else its text (JSON numbers keep the
    text they were written with)."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, str):
        raise ValueError("unexpected JSON value %r" % (v,))
    if v == "" or v.strip(" \t") in NA_SPELLINGS:
        return None
    return v


def is_candidate(inst):
    kind = inst.get("instance_type")
    if kind is None or words(kind) != "production":
        return False
    incl = inst.get("included_in_health")
    return incl is None or words(incl) != "opt-out"


def choose(instances):
    """(candidates, the chosen instance or None)."""
    cands = [x for x in instances if is_candidate(x)]
    chosen, best = None, None
    for x in cands:
        d = x.get("updated_at")
        key = datetime.date.fromisoformat(d.strip()) if d is not None else None
        if chosen is None or (key is not None and (best is None or key > best)):
            chosen, best = x, key
    return cands, chosen


def flat_row(acct, chosen):
    row = {f: acct.get(f) or "" for f in ACCOUNT_FIELDS}
    for f in ["deployment"] + COUNTS:
        row[f] = (chosen.get(f) or "") if chosen is not None else ""
    return row


def text_cell(s, raw):
    if s is None:
        return ""
    if not raw and s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        s = "'" + s
    if any(c in s for c in ',"\r\n') or (not raw and ";" in s):
        s = '"' + s.replace('"', '""') + '"'
    return s


def score(acct, instances, as_of, raw):
    cands, chosen = choose(instances)
    out = score_account(flat_row(acct, chosen), as_of, 1)
    cells = {}
    for name in UCH_OUTPUTS:
        value, band = out[name]
        if name == "use_case_adoption_count":
            cells[name] = "" if value is None else str(int(value))
        else:
            cells[name] = band or ""
    cells["production_instances"] = str(len(cands))
    cells["chosen_instance"] = text_cell(chosen.get("instance_id") if chosen else None, raw)
    return cells, chosen


# --- reading ------------------------------------------------------------------

def read_ndjson(path):
    """(account, [instance, ...]) in file order; every value through cell()."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            rec = json.loads(line, parse_int=str, parse_float=str)
            acct = {k: cell(rec.get(k)) for k in ACCOUNT_FIELDS}
            acct["account_id"] = rec["account_id"]
            items = rec.get("instances")
            if items is None:
                items = []
            if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
                raise ValueError("record %d: instances is not a list of objects" % n)
            yield acct, [{k: cell(x.get(k)) for k in INSTANCE_FIELDS} for x in items]


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    return [dict(zip(head, r)) for r in rows[1:] if r]


def read_csv_form(accounts, table):
    grouped = {}
    for r in read_csv(table):
        grouped.setdefault(r["account_id"], []).append(
            {k: cell(r[k]) for k in INSTANCE_FIELDS})
    for r in read_csv(accounts):
        acct = {k: cell(r[k]) for k in ACCOUNT_FIELDS}
        acct["account_id"] = r["account_id"]
        yield acct, grouped.pop(r["account_id"], [])


def main():
    ap = argparse.ArgumentParser(description="instance_health reference")
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--raw", action="store_true")
    ap.add_argument("--columns", help="outputs to print, in this order (default: OUTPUTS)")
    ap.add_argument("--table", help="instances=FILE, with CSV accounts")
    ap.add_argument("--flat", help="also write the flat use_case_health accounts here")
    ap.add_argument("data")
    args = ap.parse_args()
    as_of = datetime.date.fromisoformat(args.as_of)
    cols = args.columns.split(",") if args.columns else OUTPUTS
    for c in cols:
        if c not in OUTPUTS:
            ap.error("unknown output %r" % c)
    if args.table:
        name, _, path = args.table.partition("=")
        if name != "instances" or not path:
            ap.error("--table instances=FILE")
        records = read_csv_form(args.data, path)
    else:
        records = read_ndjson(args.data)
    out = io.StringIO()
    out.write(",".join(["account_id"] + cols) + "\n")
    flat = None
    if args.flat:
        flat = open(args.flat, "w", encoding="utf-8", newline="")
        flat.write(",".join(FLAT_FIELDS) + "\n")
    try:
        for acct, instances in records:
            cells, chosen = score(acct, instances, as_of, args.raw)
            out.write(",".join([text_cell(acct["account_id"], args.raw)]
                               + [cells[c] for c in cols]) + "\n")
            if flat:
                row = flat_row(acct, chosen)
                row["account_id"] = acct["account_id"]
                flat.write(",".join(text_cell(row[f], True) for f in FLAT_FIELDS) + "\n")
    except (ValueError, KeyError) as e:
        sys.stderr.write("instance_reference: %s\n" % e)
        return 2
    sys.stdout.write(out.getvalue())
    if flat:
        flat.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
