#!/usr/bin/env python3
"""instance_gen.py: accounts made of several GitLab instances, for
rules/gitlab/instance_health.rules (issue: records and lists; seed 003's
instance choice on seed 000's measures).

  instance_gen.py [--count N] [--seed S] [--instances mixed|typical]
                  [--as-of D]... [--ndjson FILE] [--accounts FILE]
                  [--table FILE] [--table-order account|shuffled]
                  [--orphans N]
  instance_gen.py --from-ndjson FILE --accounts FILE --table FILE

One seed gives one population, written in either form or both:
  --ndjson FILE    one account object a line, its instances in the
                   "instances" key (an array of objects; also null, [] or
                   the key left out for an account with none);
  --accounts FILE  CSV: account_id,tier,license_start,licenses_sold,
                   billable_users;
  --table FILE     CSV: account_id and the instance fields, one row an
                   instance.  --table-order account (default): the
                   accounts' order, which is account-id order (ids are
                   A + seven digits, whatever follows them); shuffled:
                   the accounts' rows interleaved at random, each
                   account's own rows kept in their list order (the order
                   of a list is its rows' order in the file, and ties go
                   to the first).  --orphans N appends N rows naming
                   accounts that are not in the accounts file.

--instances mixed (default): 0 to 6 instances an account, spread out;
typical: about 1.3 an account (most have one), as real exports.

The messy cases a real export has are drawn on purpose: instance types
`Production`, ` production `, `PRODUCTION`, `STAGING`, a no-break space
or a tab around a word; `Opt-Out`/`opt-out`/` OPT-OUT `/`included`/empty/
null/`NULL`; missing updated_at and ties in it; zero, `0.000`, `-0` and
missing licences; `NA`/null/absent counts and counts exactly on each
threshold; instances with no candidate and accounts with no instance;
licence starts on each side of `as_of - 1 month` for every --as-of
(default 2026-11-01 and 2026-03-31) and on month ends; ids and instance
ids holding a comma, a quote, a semicolon, UTF-8, or starting with `-`,
`=`, `@`.  Numbers are written as digits, sometimes with decimals, an
exponent (`1e2`), a JSON string (`"12"`) or spaces around them in CSV.
Never a percentage (a column keeps one style, and these are counts).

--from-ndjson FILE writes an NDJSON file's accounts in the CSV form (null
and an absent key are empty cells, numbers keep their text), for the
hand-made accounts of instance_edge.ndjson.

Python 3 standard library only; output depends on nothing but the
options (random.Random(seed), no clock, no hash order).
"""
import argparse
import datetime
import json
import random
import sys

INSTANCE_FIELDS = ["instance_id", "instance_type", "included_in_health", "deployment",
                   "updated_at", "active_users_l28d", "git_ops_users_l28d",
                   "ci_pipeline_users_l28d", "deployments_l28d", "deployment_users_l28d",
                   "secure_scanner_users_l28d", "container_scanning_users_l28d",
                   "secret_detection_users_l28d"]
COUNTS = INSTANCE_FIELDS[5:]
ACCOUNT_FIELDS = ["account_id", "tier", "license_start", "licenses_sold", "billable_users"]

# The thresholds of seed 000's measures, in percent of the denominator:
# values drawn exactly on them (and one unit either side) catch a `<`
# written for a `<=`.
EDGES = {
    "active_users_l28d": (50, 80),
    "git_ops_users_l28d": (25, 50),
    "ci_pipeline_users_l28d": (25, 50),
    "deployments_l28d": (3, 8),
    "deployment_users_l28d": (5, 10, 12),
    "secure_scanner_users_l28d": (5, 20),
    "container_scanning_users_l28d": (3, 10),
    "secret_detection_users_l28d": (6, 20),
}

# A na cell: how it is written.  JSON: null, the key left out, or a
# missing-value spelling as a string; CSV: an empty cell or the spelling.
NULL, ABSENT = object(), object()
NA_SPELLINGS = ["NA", "NULL", "null", "N/A", "#N/A", "n/a", "na", " NA "]


class Num:
    """A number cell: its text, written as a JSON number (or, with
    as_string, a JSON string) and as the CSV cell `csv` (spaces around it
    sometimes)."""
    __slots__ = ("text", "as_string", "csv")

    def __init__(self, text, as_string=False, csv=None):
        self.text, self.as_string = text, as_string
        self.csv = text if csv is None else csv


class Spelt:
    """A na cell written as a missing-value spelling."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def pick(rng, table):
    """One value from [(weight, value), ...]."""
    total = sum(w for w, _ in table)
    x = rng.random() * total
    for w, v in table:
        x -= w
        if x < 0:
            return v
    return table[-1][1]


TYPES = [(50, "production"), (8, "Production"), (5, " production "), (3, "PRODUCTION"),
         (2, "production\t"), (1, "\u00a0Production"), (10, "staging"), (3, "STAGING"),
         (2, "Staging "), (5, "development"), (2, "prod"), (1, "production-2"), (4, ""),
         (4, NULL), (1, ABSENT), (1, Spelt("NA"))]
INCLUDED = [(30, "included"), (3, "Included"), (2, " INCLUDED "), (20, ""), (18, NULL),
            (4, ABSENT), (8, "Opt-Out"), (8, "opt-out"), (3, " OPT-OUT "), (1, "\u00a0opt-out"),
            (1, "opt-out\t"), (2, Spelt("NULL")), (2, "opt out"), (1, "optout")]
DEPLOYMENTS = [(45, "self-managed"), (8, "Self-Managed"), (4, " self-managed "),
               (1, "\u00a0SELF-MANAGED"), (20, "saas"), (5, "SaaS"), (5, "dedicated"),
               (5, ""), (4, NULL), (1, ABSENT), (3, "self managed")]
TIERS = [(40, "premium"), (30, "ultimate"), (5, "Premium"), (5, "free"), (5, ""), (2, NULL)]
TYPICAL = [(8, 0), (65, 1), (18, 2), (6, 3), (2, 4), (0.6, 5), (0.4, 6)]
MIXED = [(10, 0), (28, 1), (20, 2), (14, 3), (11, 4), (9, 5), (8, 6)]

DAY0 = datetime.date(2018, 1, 1).toordinal()
DATES = [datetime.date.fromordinal(DAY0 + i).isoformat() for i in range(365 * 10)]


def date_text(d):
    return d.isoformat()


def minus_month(d):
    """d - 1 month, the day clamped to the end of the month."""
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(d.day, last))


def month_ends():
    out = []
    for y in (2024, 2025, 2026):
        for m in range(1, 13):
            nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
            out.append((nxt - datetime.timedelta(days=1)).isoformat())
    return out


class Gen:
    def __init__(self, seed, as_ofs, profile):
        self.rng = random.Random(seed)
        self.profile = profile
        # license starts next to the onboarding edge of every as-of date,
        # and the as-of dates themselves and the day after
        near = set()
        for a in as_ofs:
            for base in (minus_month(a), a):
                for k in (-2, -1, 0, 1, 2):
                    near.add((base + datetime.timedelta(days=k)).isoformat())
        self.near_edges = sorted(near)
        self.month_ends = month_ends()

    # --- cells ---------------------------------------------------------------

    def na(self):
        r = self.rng.random()
        if r < 0.6:
            return NULL
        if r < 0.85:
            return ABSENT
        return Spelt(self.rng.choice(NA_SPELLINGS))

    def num(self, text):
        """A number cell, now and then written another way."""
        r = self.rng.random()
        if r < 0.02:
            return Num(text, as_string=True)
        if r < 0.03:
            return Num(text, csv=" %s " % text)
        return Num(text)

    def date(self):
        r = self.rng.random()
        if r < 0.15:
            return self.rng.choice(self.month_ends)
        return DATES[self.rng.randrange(365 * 2, len(DATES) - 365)]

    def license_start(self):
        r = self.rng.random()
        if r < 0.04:
            return self.na()
        if r < 0.25:
            return self.rng.choice(self.near_edges)
        if r < 0.32:
            return self.rng.choice(self.month_ends)
        return DATES[self.rng.randrange(0, len(DATES) - 365)]

    def denominator(self):
        """licenses_sold or billable_users: (cell, value or None)."""
        rng = self.rng
        r = rng.random()
        if r < 0.03:
            return self.na(), None
        if r < 0.05:
            return self.num(rng.choice(["0", "0", "0.000", "-0"])), 0
        if r < 0.07:
            n = rng.choice([7, 100, 300, 1000])
            return self.num(rng.choice(["%d" % n, "%d.0" % n, "%de0" % n])), n
        if r < 0.08:
            return self.num("2.5"), 2.5
        n = int(10 ** (rng.random() * 4.5)) + 1
        return self.num(str(n)), n

    def count(self, field, den):
        """A usage count against the denominator den (a number or None)."""
        rng = self.rng
        r = rng.random()
        if r < 0.05:
            return self.na()
        if r < 0.08:
            return self.num("0")
        if den is None or den == 0 or r < 0.15:
            return self.num(str(int(10 ** (rng.random() * 4))))
        if r < 0.40:
            # exactly on an edge, or one unit either side
            edge = rng.choice(EDGES[field])
            exact = den * edge / 100
            if den == 2.5 or den == 7:
                # decimals: 0.35 of 7 is exactly 5%
                x = round(den * edge) / 100
                text = ("%.2f" % x).rstrip("0").rstrip(".") if x else "0"
                return self.num(text)
            if exact == int(exact):
                v = int(exact) + rng.choice([-1, 0, 0, 1])
                return self.num(str(max(v, 0)))
            return self.num(str(int(exact) + rng.choice([0, 1])))
        if r < 0.42:
            return self.num(str(int(den * (1 + rng.random()))))   # above 100%
        if r < 0.43:
            return self.num("%de1" % int(den * rng.random() / 10))
        return self.num(str(int(den * rng.random() * rng.choice([1, 0.5, 0.3, 0.15]))))

    # --- records -------------------------------------------------------------

    def instance_id(self, acct, k):
        rng = self.rng
        r = rng.random()
        base = "%s-i%d" % (acct, k)
        if r < 0.01:
            return NULL
        if r < 0.015:
            return "-" + base
        if r < 0.02:
            return "=" + base
        if r < 0.025:
            return "@" + base
        if r < 0.03:
            return base + ",b"
        if r < 0.035:
            return 'in "%s"' % base
        if r < 0.04:
            return base + ";x"
        if r < 0.045:
            return base + "\u00e9"
        if r < 0.06 and k > 0:
            return "%s-i%d" % (acct, k - 1)   # the same id twice in an account
        return base

    def instance(self, acct, k, lic, billable, dates):
        rng = self.rng
        inst = {}
        inst["instance_id"] = self.instance_id(acct, k)
        inst["instance_type"] = pick(rng, TYPES)
        inst["included_in_health"] = pick(rng, INCLUDED)
        inst["deployment"] = pick(rng, DEPLOYMENTS)
        r = rng.random()
        if r < 0.08:
            inst["updated_at"] = self.na()
        elif r < 0.25 and dates:
            inst["updated_at"] = rng.choice(dates)      # a tie with a sibling
        else:
            inst["updated_at"] = self.date()
        if isinstance(inst["updated_at"], str):
            dates.append(inst["updated_at"])
        for f in COUNTS:
            inst[f] = self.count(f, billable if f == "active_users_l28d" else lic)
        return inst

    def account(self, i):
        rng = self.rng
        acct = "A%07d" % i
        r = rng.random()
        # suffixes keep the id order: the seven digits decide it
        if r < 0.003:
            acct += ",x"
        elif r < 0.006:
            acct += ' "q"'
        elif r < 0.009:
            acct += ";s"
        elif r < 0.012:
            acct += "\u00e9"
        a = {"account_id": acct, "tier": pick(rng, TIERS),
             "license_start": self.license_start()}
        a["licenses_sold"], lic = self.denominator()
        if rng.random() < 0.7 and lic is not None and lic != 0:
            # billable users near the licences, as real accounts have
            b = max(int(lic * (0.5 + rng.random() * 0.7)), 1)
            a["billable_users"], bill = self.num(str(b)), b
        else:
            a["billable_users"], bill = self.denominator()
        n = pick(rng, MIXED if self.profile == "mixed" else TYPICAL)
        dates = []
        insts = [self.instance(acct, k, lic, bill, dates) for k in range(n)]
        # how an account with no instance says so in JSON
        empty = rng.choice(["[]", "[]", "null", "absent"]) if n == 0 else None
        return a, insts, empty


# --- writing ------------------------------------------------------------------

def json_value(v):
    if v is NULL:
        return "null"
    if isinstance(v, Spelt):
        return json.dumps(v.text)
    if isinstance(v, Num):
        return json.dumps(v.text) if v.as_string else v.text
    return json.dumps(v)   # ASCII only: \u00a0, \u00e9, \t escaped


def json_object(fields, rec):
    parts = []
    for f in fields:
        v = rec[f]
        if v is ABSENT:
            continue
        parts.append('"%s":%s' % (f, json_value(v)))
    return "{" + ",".join(parts) + "}"


def csv_cell(v):
    if v is NULL or v is ABSENT:
        s = ""
    elif isinstance(v, Spelt):
        s = v.text
    elif isinstance(v, Num):
        s = v.csv
    else:
        s = v
    if any(c in s for c in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def csv_row(fields, rec):
    return ",".join(csv_cell(rec[f]) for f in fields) + "\n"


def from_ndjson(path, accounts, table):
    """The CSV form of an NDJSON file of accounts."""
    with open(path, encoding="utf-8") as f, \
            open(accounts, "w", encoding="utf-8", newline="") as fa, \
            open(table, "w", encoding="utf-8", newline="") as ft:
        fa.write(",".join(ACCOUNT_FIELDS) + "\n")
        ft.write(",".join(["account_id"] + INSTANCE_FIELDS) + "\n")
        for line in f:
            rec = json.loads(line, parse_int=str, parse_float=str)
            cells = lambda obj, fields: {k: NULL if obj.get(k) is None else obj[k] for k in fields}
            fa.write(csv_row(ACCOUNT_FIELDS, cells(rec, ACCOUNT_FIELDS)))
            for x in rec.get("instances") or []:
                ft.write(csv_cell(rec["account_id"]) + "," + csv_row(INSTANCE_FIELDS, cells(x, INSTANCE_FIELDS)))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--instances", choices=["mixed", "typical"], default="mixed")
    ap.add_argument("--as-of", action="append", dest="as_of", default=None)
    ap.add_argument("--ndjson")
    ap.add_argument("--accounts")
    ap.add_argument("--table")
    ap.add_argument("--table-order", choices=["account", "shuffled"], default="account")
    ap.add_argument("--orphans", type=int, default=0)
    ap.add_argument("--from-ndjson", dest="from_ndjson")
    args = ap.parse_args()
    if args.from_ndjson:
        if not (args.accounts and args.table):
            ap.error("--from-ndjson needs --accounts and --table")
        return from_ndjson(args.from_ndjson, args.accounts, args.table)
    as_ofs = [datetime.date.fromisoformat(d) for d in (args.as_of or ["2026-11-01", "2026-03-31"])]
    if not (args.ndjson or args.accounts or args.table):
        ap.error("give --ndjson, --accounts or --table")
    gen = Gen(args.seed, as_ofs, args.instances)
    out_nd = open(args.ndjson, "w", encoding="utf-8", newline="") if args.ndjson else None
    out_ac = open(args.accounts, "w", encoding="utf-8", newline="") if args.accounts else None
    out_tb = open(args.table, "w", encoding="utf-8", newline="") if args.table else None
    shuffled = args.table_order == "shuffled"
    rows = []          # shuffled: (account number, row text)
    if out_ac:
        out_ac.write(",".join(ACCOUNT_FIELDS) + "\n")
    if out_tb:
        out_tb.write(",".join(["account_id"] + INSTANCE_FIELDS) + "\n")
    buf_nd, buf_ac, buf_tb = [], [], []
    for i in range(1, args.count + 1):
        a, insts, empty = gen.account(i)
        if out_nd:
            line = json_object(ACCOUNT_FIELDS, a)[:-1]
            if empty == "absent":
                pass
            elif empty == "null":
                line += ',"instances":null'
            else:
                line += ',"instances":[' + ",".join(json_object(INSTANCE_FIELDS, x)
                                                    for x in insts) + "]"
            buf_nd.append(line + "}\n")
        if out_ac:
            buf_ac.append(csv_row(ACCOUNT_FIELDS, a))
        if out_tb:
            idcell = csv_cell(a["account_id"])
            for x in insts:
                row = idcell + "," + csv_row(INSTANCE_FIELDS, x)
                if shuffled:
                    rows.append((i, row))
                else:
                    buf_tb.append(row)
        if len(buf_nd) + len(buf_ac) >= 4096 or len(buf_tb) >= 4096:
            for f, b in ((out_nd, buf_nd), (out_ac, buf_ac), (out_tb, buf_tb)):
                if f:
                    f.write("".join(b))
                b.clear()
    for f, b in ((out_nd, buf_nd), (out_ac, buf_ac), (out_tb, buf_tb)):
        if f:
            f.write("".join(b))
    if out_tb:
        if shuffled:
            # random positions for all rows, then each account's rows put
            # back in their own order at the positions its rows drew
            rng = random.Random(args.seed * 7919 + 1)
            order = list(range(len(rows)))
            rng.shuffle(order)
            slots = {}
            for pos, idx in enumerate(order):
                slots.setdefault(rows[idx][0], []).append(pos)
            placed = [None] * len(rows)
            k = 0
            while k < len(rows):
                acct = rows[k][0]
                j = k
                while j < len(rows) and rows[j][0] == acct:
                    j += 1
                for pos, (_, row) in zip(sorted(slots[acct]), rows[k:j]):
                    placed[pos] = row
                k = j
            out_tb.write("".join(placed))
        for n in range(args.orphans):
            out_tb.write("Z%07d-orphan,orph-%d,production,,self-managed,2026-01-01,1,1,1,1,1,1,1,1\n"
                         % (n + 1, n + 1))
    for f in (out_nd, out_ac, out_tb):
        if f:
            f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
