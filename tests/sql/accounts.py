#!/usr/bin/env python3
"""The accounts rubric sql's test loads, and the comparison of the outputs.

  accounts.py columns SCHEMA.sql
      the table's columns and types, one "name type" a line
  accounts.py project SCHEMA.sql DATA.csv OUT.csv
      DATA's cells in the table's columns (absent ones empty), a cell that
      is one of run's default na texts made empty: the database's NULL
  accounts.py generate SCHEMA.sql N SEED OUT.csv
      N accounts of exact-edge values for the table's columns: thresholds
      hit exactly (0.35 of 7 is 5%), empty cells, zero denominators,
      month-end dates, large and negative numbers, text with spaces
  accounts.py compare EXPECTED.csv ACTUAL.csv LABEL
      the same header and, account by account, the same cells; a number
      is compared as run prints it (see normalise)
"""
import csv
import json
import random
import re
import sys
from decimal import Decimal, InvalidOperation

CHOICES = {}  # a `one of` column's values, from the schema's CHECK
NA_TEXTS = {"NA", "N/A", "n/a", "na", "#N/A", "NULL", "null"}


def columns(schema_path):
    cols = []
    inside = False
    for line in open(schema_path, encoding="utf-8"):
        if line.startswith("CREATE TABLE"):
            inside = True
            continue
        if inside and line.startswith(")"):
            break
        if inside:
            m = re.match(r'\s*("(?:[^"]|"")*"|\S+)\s+(\w+)', line)
            name = m.group(1)
            if name.startswith('"'):
                name = name[1:-1].replace('""', '"')
            cols.append((name, m.group(2).lower()))
            check = re.search(r"CHECK \(.* IN \((.*)\)\)", line)
            if check:
                CHOICES[name] = [v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", check.group(1))]
    return cols


def write_rows(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def project(schema_path, data_path, out_path):
    cols = [c for c, _ in columns(schema_path)]
    with open(data_path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    out = [["" if (r.get(c) or "") in NA_TEXTS else (r.get(c) or "") for c in cols] for r in rows]
    write_rows(out_path, cols, out)


RATIO_BASES = [7, 300, 100, 3, 20]
THRESHOLDS = ["0.03", "0.05", "0.06", "0.08", "0.1", "0.12", "0.2", "0.25", "0.4", "0.5", "0.75", "0.8"]
# Up to a million with up to 3 decimals: every product the queries form
# stays within 2^53, where all three engines and rubric are exact, and
# doubles print alike (docs/sql.md says what happens beyond).
NUMBERS = ["", "", "0", "1", "2", "5", "7", "10", "40", "75", "100", "300", "-3", "-0.5", "0.001",
           "999999", "-999999", "1000000", "2.5", "33.333"]
for b in RATIO_BASES:
    for t in THRESHOLDS:
        v = Decimal(b) * Decimal(t)
        NUMBERS.append(format(v.normalize(), "f"))
DATES = ["", "2026-11-01", "2026-10-31", "2026-11-02", "2026-12-01", "2026-02-28", "2024-02-29",
         "2026-01-31", "2026-12-31", "2027-02-28", "2027-03-31", "2025-03-31", "1999-12-31", "2026-09-30"]
TEXTS = ["", "self-managed", " Self-Managed ", "SELF-MANAGED", "self managed", "gitlab.com", "saas",
         "Premium", "ultimate", "Ultimate", "\u00a0self-managed\t", "é", "a,b", 'say "hi"', "-x", "free"]
BOOLS = ["", "true", "false", "yes", "no", "1", "0", "TRUE", "No"]


def generate(schema_path, n, seed, out_path):
    rnd = random.Random(seed)
    cols = columns(schema_path)
    rows = []
    for i in range(n):
        row = []
        for k, (name, typ) in enumerate(cols):
            if k == 0:
                row.append("g%06d" % i)
            elif name in CHOICES:
                row.append(rnd.choice(CHOICES[name] + [c.upper() for c in CHOICES[name]] + ["", " " + CHOICES[name][0] + "\t"]))
            elif typ == "numeric":
                r = rnd.random()
                if r < 0.7:
                    row.append(rnd.choice(NUMBERS))
                elif r < 0.85:
                    row.append(str(rnd.randint(0, 500)))
                else:
                    row.append("%d.%02d" % (rnd.randint(0, 99), rnd.randint(0, 99)))
            elif typ == "date":
                row.append(rnd.choice(DATES))
            elif typ == "boolean":
                row.append(rnd.choice(BOOLS))
            else:
                row.append(rnd.choice(TEXTS))
        rows.append(row)
    write_rows(out_path, [c for c, _ in cols], rows)


NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def normalise(cell):
    """A number as run prints it (src/base/num.c num_format): an integer in
    full, else the shortest of 15, 16, 17 significant digits that reads back
    as the same double.  The databases print the exact decimal (PostgreSQL's
    numeric), or 17 digits (SQLite), so both sides go through this."""
    if not NUMBER.match(cell):
        return cell
    try:
        d = Decimal(cell)
    except InvalidOperation:
        return cell
    if d == d.to_integral_value() and abs(d) < 2**63 and "e" not in cell.lower():
        return str(int(d))
    f = float(d)
    if f == int(f) and abs(f) < 1e15:
        return "%.0f" % f
    for p in (15, 16, 17):
        s = "%.*g" % (p, f)
        if float(s) == f:
            return s
    return s


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], {r[0]: r for r in rows[1:]}, len(rows) - 1


def compare(expected, actual, label):
    eh, erows, en = read(expected)
    ah, arows, an = read(actual)
    if eh != ah:
        print("%s: columns differ:\n  run: %s\n  sql: %s" % (label, eh, ah))
        return 1
    bad = 0
    if en != an or set(erows) != set(arows):
        print("%s: %d accounts from run, %d from the query" % (label, en, an))
        bad += 1
    for k, er in erows.items():
        ar = arows.get(k)
        if ar is None:
            continue
        for c, (x, y) in enumerate(zip(er, ar)):
            if normalise(x) != normalise(y):
                bad += 1
                if bad <= 10:
                    print("%s: account %s, %s: run '%s', sql '%s'" % (label, k, eh[c], x, y))
    if bad:
        print("%s: %d differences" % (label, bad))
    return 1 if bad else 0


# default NULL: a parameter the query computes from the others when it is
# left NULL, as run does when it is not given.
PLACEHOLDER = re.compile(r"^--   (\S+)  (\w+) ([\w.]+), default (?:'((?:[^']|'')*)'$|NULL: )")


def bind(query_path, dialect, as_of, out_path, settings):
    """The values to bind to a `rubric sql --bind` query's placeholders, in
    the form each engine's test takes them: as_of and the --param texts as
    given (NAME=VALUE), every other parameter its default as the query's
    header lists it (NULL for one computed from others).  Returns 1 when the header lists no as_of."""
    given = dict(s.split("=", 1) for s in settings)
    given["as_of"] = as_of
    slots = []
    with open(query_path, encoding="utf-8") as f:
        for line in f:
            m = PLACEHOLDER.match(line.rstrip("\n"))
            if m:
                ph, _type, name, default = m.groups()
                slots.append((ph, name, given.pop(name, None if default is None else default.replace("''", "'"))))
    if given or not any(n == "as_of" for _, n, _ in slots):
        print("bind: %s: the header lists no placeholder for %s" % (query_path, sorted(given) or "as_of"))
        return 1
    quote = lambda v: "NULL" if v is None else "'" + v.replace("'", "''") + "'"
    with open(out_path, "w", encoding="utf-8") as out:
        if dialect == "postgres":
            out.write("EXECUTE q(%s);\n" % ", ".join(quote(v) for _, _, v in slots))
        elif dialect == "sqlite":
            for ph, _, v in slots:
                out.write('.parameter set %s "%s"\n' % (ph, quote(v)))
        else:
            json.dump({ph.lstrip("$"): v for ph, _, v in slots}, out)
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "columns":
        for c, t in columns(argv[2]):
            print(c, t)
    elif cmd == "project":
        project(argv[2], argv[3], argv[4])
    elif cmd == "generate":
        generate(argv[2], int(argv[3]), int(argv[4]), argv[5])
    elif cmd == "compare":
        return compare(argv[2], argv[3], argv[4])
    elif cmd == "bind":
        return bind(argv[2], argv[3], argv[4], argv[5], argv[6:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
