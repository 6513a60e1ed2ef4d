#!/usr/bin/env python3
"""backtest_check.py RUBRIC_BINARY WORK_DIR

`rubric backtest` against backtest_reference.py (exact fractions, written
from the issue) on data no other test uses: three months of accounts from
monthly_gen.py (seed 1616) recorded in a score history by `rubric run
rules/gitlab/use_case_health.rules`, and an outcomes file generated here
(CRLF, a UTF-8 BOM, quoted cells; churn on the horizon's edges, P and P + 1
day, P + 90 and P + 91 days; other events; accounts never scored; an
account churning twice, rows repeated exactly).  The reference's scores come from uch_reference.c
(the project's independent scorer of the policy): a measure scores red 0,
yellow 50, green 100, a use case the mean of its members with a value.

Checks: `--output scm --format json` (per-band counts, rates, lift, AUC,
precision, recall, deciles, periods, na, outcomes of unscored accounts);
every banded output without --output; --event contraction; a horizon
that leaves month 3 out; --rescore on the same months named by date gives
the same JSON as the history; outcomes files with errors are located by
file:line and write nothing.  Prints "ok - NAME" / "not ok - NAME", then
"N passed, N failed"; exits 1 if any failed.  BACKTEST_CHECK_COUNT sets
the accounts a month (default 3000).
"""
import csv
import datetime
import io
import json
import os
import random
import shutil
import subprocess
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import backtest_reference  # noqa: E402
import checks  # noqa: E402
import monthly_gen  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLICY = os.path.join(ROOT, "rules", "gitlab", "use_case_health.rules")
AS_OF = [datetime.date.fromisoformat(d) for d in monthly_gen.AS_OF]
COUNT = int(os.environ.get("BACKTEST_CHECK_COUNT", "3000"))
MEMBERS = {"scm": ["scm_git_ops"],
           "ci": ["ci_pipelines", "ci_deployments_per_user", "ci_deployment_users"],
           "devsecops": ["devsecops_scanners", "devsecops_container_scanning", "devsecops_secret_detection"],
           "cd": ["cd_deployment_users"]}
MEASURE_SCORE = {"red": Fraction(0), "yellow": Fraction(50), "green": Fraction(100)}
BANDS = ["red", "yellow", "green"]
LAST = datetime.date(2027, 3, 15)


def use_case(cells, members):
    """(band, score) of a use case from its members' bands, as the SPEC says."""
    scores = [MEASURE_SCORE[cells[m]] for m in members if cells[m]]
    if not scores:
        return None, None
    s = sum(scores) / len(scores)
    return ("green" if s >= 75 else "yellow" if s >= 40 else "red"), s


def reference_periods(uch, months):
    """{output: [(as_of, {account: (band, score)})]} for every measure and use case."""
    out = {}
    for m, path in enumerate(months):
        p = subprocess.run([uch, "--as-of", AS_OF[m].isoformat()], stdin=open(path, "rb"), capture_output=True)
        if p.returncode != 0:
            raise SystemExit("uch_reference: " + p.stderr.decode())
        rows = list(csv.DictReader(io.StringIO(p.stdout.decode())))
        per = {}
        for r in rows:
            for uc, members in MEMBERS.items():
                band, score = use_case(r, members)
                if band != (r[uc] or None):
                    raise SystemExit("use case %s of %s: %s here, %r from uch_reference" % (uc, r["account_id"], band, r[uc]))
                per.setdefault(uc, {})[r["account_id"]] = (band, score)
            for name in [m for ms in MEMBERS.values() for m in ms] + ["user_engagement"]:
                band = r[name] or None
                per.setdefault(name, {})[r["account_id"]] = (band, MEASURE_SCORE[band] if band else None)
        for name, accounts in per.items():
            out.setdefault(name, []).append((AS_OF[m], accounts))
    return out


def make_outcomes(periods, rng):
    """Outcome rows: churn likelier for red scm, on and off the horizon's edges."""
    rows = []
    scm = periods["scm"]
    everyone = sorted({a for _, accs in scm for a in accs})
    edges = [0, 1, 89, 90, 91, 92]
    for acc in everyone:
        bands = [accs[acc][0] for _, accs in scm if acc in accs]
        risk = 0.35 if "red" in bands else 0.15 if "yellow" in bands else 0.06
        if rng.random() < risk:
            p = rng.choice(AS_OF)
            day = p + datetime.timedelta(days=rng.choice(edges)) if rng.random() < 0.5 else \
                AS_OF[0] + datetime.timedelta(days=rng.randrange(0, 160))
            rows.append((acc, "churn", day))
            if rng.random() < 0.05:
                rows.append((acc, "churn", day + datetime.timedelta(days=rng.randrange(1, 60))))
        if rng.random() < 0.2:
            rows.append((acc, rng.choice(["renewal", "expansion", "contraction"]),
                         AS_OF[0] + datetime.timedelta(days=rng.randrange(0, 190))))
    for i in range(7):
        rows.append(("NEVER-%03d" % i, "churn", AS_OF[1] + datetime.timedelta(days=i)))
    # Rows repeated exactly: the same event, once (NEVER-000 counted once).
    rows += [r for r in rows if r[1] == "churn"][:5] + [("NEVER-000", "churn", AS_OF[1])]
    rows.append(("NEVER-LAST", "renewal", LAST))
    rng.shuffle(rows)
    return rows


def write_outcomes(path, rows, bom=True, crlf=True):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    w.writerow(["date", "account_id", "event", "note"])
    for acc, ev, d in rows:
        cells = [d.isoformat(), acc, ev, "x, \"quoted\""]
        w.writerow(cells)
    text = buf.getvalue()
    # Quote some ids and events although they need no quotes.
    text = text.replace(",ACC-0000", ",\"ACC-0000").replace("\"ACC-0000", "\"ACC-0000", 1)
    checks.write(path, ("\ufeff" if bom else "") + fix_quotes(text))


def fix_quotes(text):
    """Every line opened with ,"ACC-0000 gets its quote closed after the id."""
    out = []
    for line in text.split("\n"):
        i = line.find(",\"ACC-")
        if i >= 0:
            j = line.find(",", i + 1)
            line = line[:j] + "\"" + line[j:]
        out.append(line)
    return "\n".join(out)


def as_number(v):
    return None if v is None else Fraction(v) if isinstance(v, int) else v


def same(got, want):
    """rubric's JSON number (the double it printed) against an exact value."""
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, bool) or isinstance(got, bool):
        return got == want
    if isinstance(want, (int, Fraction)):
        return float(got) == float(Fraction(want))
    return got == want


def compare(got, want, output):
    bad = []

    def eq(path, g, w):
        if not same(g, w):
            bad.append("%s %s: rubric %r, reference %s" % (output, path, g,
                                                           w if not isinstance(w, Fraction) else "%s (%r)" % (w, float(w))))
    if got.get("output") != output:
        bad.append("output %r" % got.get("output"))
    for k in ("accounts", "events", "rate", "precision", "recall", "auc", "periods_left_out", "outcomes_unscored",
              "worst_band"):
        eq(k, got.get(k), want[k])
    for b, w in want["bands"].items():
        g = got["bands"].get(b, {})
        for k in ("accounts", "events", "rate", "lift"):
            eq("bands.%s.%s" % (b, k), g.get(k), w[k])
    if list(got["bands"]) != list(want["bands"]):
        bad.append("bands %r" % list(got["bands"]))
    for k in ("accounts", "events"):
        eq("na." + k, got["na"][k], want["na"][k])
    for g, w in zip(got["deciles"], want["deciles"]):
        for k in ("decile", "accounts", "events", "rate", "min_score", "max_score"):
            eq("decile %d %s" % (w["decile"], k), g.get(k), w[k])
    if len(got["deciles"]) != 10:
        bad.append("%d deciles" % len(got["deciles"]))
    gp = [(p["as_of"], p["accounts"], p["left_out"] is not None) for p in got["periods"]]
    wp = [(p["as_of"], p["accounts"], p["left_out"]) for p in want["periods"]]
    if gp != wp:
        bad.append("periods %r, reference %r" % (gp, wp))
    return bad


def backtest(env, extra):
    return checks.run([env["rubric"], "backtest", POLICY, "--outcomes", env["outcomes"], "--format", "json"] + extra,
                      cwd=env["work"])


def check_json(env, name, extra, outputs, event="churn", horizon=90):
    rc, out, err = backtest(env, extra)
    if rc != 0:
        checks.report(name, False, ["exit %d" % rc, err])
        return None
    try:
        got = [json.loads(line) for line in out.splitlines()]
    except ValueError as e:
        checks.report(name, False, ["not JSON lines: %s" % e, out[:300]])
        return None
    bad = []
    if [g["output"] for g in got] != outputs:
        bad.append("outputs %r, expected %r" % ([g["output"] for g in got], outputs))
    for g, o in zip(got, outputs):
        want = backtest_reference.backtest(env["periods"][o], env["rows"], event, horizon, BANDS)
        bad += compare(g, want, o)
    checks.report("%s (%s)" % (name, ", ".join("%s AUC %.4f" % (g["output"], g["auc"] or 0) for g in got[:4])), not bad,
                  bad)
    return out


def check_errors(env):
    """Broken outcomes files: exit 2, FILE: record N (line L) named, nothing written."""
    cases = [
        ("a bad date", "account_id,event,date\nACC-000001,churn,2026-02-30\n", "record 1 (line 2)", "2026-02-30"),
        ("an event that is not a word",
         "account_id,event,date\r\nACC-000001,churn,2026-10-01\r\nACC-000002,churn rate,2026-10-01\r\n",
         "record 2 (line 3)", "is not a word"),
        ("a missing column", "account_id,date\nACC-000001,2026-10-01\n", "event", "event"),
        ("an empty id", "account_id,event,date\n,churn,2026-10-01\n", "record 1 (line 2)", "no account id"),
        ("a quoted cell left open", "account_id,event,date\nACC-1,\"churn,2026-10-01\n", "line 2", ""),
    ]
    for name, text, where, what in cases:
        path = checks.write(os.path.join(env["work"], "bad-outcomes.csv"), text)
        target = os.path.join(env["work"], "bad-out.json")
        if os.path.exists(target):
            os.remove(target)
        rc, out, err = checks.run([env["rubric"], "backtest", POLICY, "--history", env["history"], "--outcomes", path,
                                   "--horizon", "90d", "-o", target], cwd=env["work"])
        good = rc == 2 and "bad-outcomes.csv" in err and where in err and what in err and not os.path.exists(target)
        checks.report("outcomes file with %s: exit 2, located, nothing written" % name, good,
                      ["exit %d" % rc, err, "written" if os.path.exists(target) else ""])


def check_report(env, data):
    """report --history --outcomes: the section, one chart per use case, each
    caption's AUC and worst band as backtest's table says them."""
    page = os.path.join(env["work"], "report.html")
    rc, _, err = checks.run([env["rubric"], "report", POLICY, data, "--as-of", "2026-12-31", "--history",
                             env["history"], "--outcomes", env["outcomes"], "--horizon", "90d", "-o", page],
                            cwd=env["work"])
    if rc != 0:
        checks.report("report --outcomes", False, ["exit %d" % rc, err])
        return
    text = open(page, encoding="utf-8").read()
    section = text[text.find("What the scores said before the outcomes"):]
    section = section[:section.find("</section>")]
    bad = []
    for uc in MEMBERS:
        rc, out, err = checks.run([env["rubric"], "backtest", POLICY, "--history", env["history"], "--outcomes",
                                   env["outcomes"], "--horizon", "90d", "--output", uc], cwd=env["work"])
        auc = [line.strip() for line in out.splitlines() if line.strip().startswith("AUC ")]
        worst = [line.strip() for line in out.splitlines() if line.strip().startswith("worst band ")]
        caption = [c for c in section.split("<figcaption>")[1:] if c.startswith(uc + ":")]
        if not caption or not auc or not worst:
            bad.append("%s: no caption or no table (%r)" % (uc, out[:200]))
            continue
        if auc[0] not in caption[0] or worst[0] not in caption[0]:
            bad.append("%s: caption %r; table %r, %r" % (uc, caption[0][:300], auc[0], worst[0]))
    checks.report("report --history --outcomes: a chart per use case, with backtest's AUC and worst band",
                  section.count('<figure class="chart">') == 4 and not bad, bad)


def main():
    rubric, work = checks.start("backtest_check.py", "backtest")
    for f in os.listdir(work):
        if f != "rubric-under-test":
            p = os.path.join(work, f)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    uch = os.path.join(work, "uch_reference")
    gen = os.path.join(work, "gen_accounts")
    for tool, src in ((uch, "tests/reference/uch_reference.c"), (gen, "tools/gen_accounts.c")):
        rc, _, err = checks.run([os.environ.get("CC", "cc"), "-std=c11", "-O2", "-o", tool, os.path.join(ROOT, src)])
        if rc != 0:
            checks.report("compile " + src, False, [err])
            checks.finish()
    months_rows = monthly_gen.generate(COUNT, 1616, gen)
    months, dated = [], os.path.join(work, "exports")
    os.makedirs(dated)
    for m, rows in enumerate(months_rows):
        path = os.path.join(work, "month%d.csv" % (m + 1))
        monthly_gen.write_csv(path, rows, monthly_gen.COLUMNS)
        shutil.copy(path, os.path.join(dated, AS_OF[m].isoformat() + ".csv"))
        months.append(path)
    history = os.path.join(work, "scores.db")
    for m, path in enumerate(months):
        rc, _, err = checks.run([rubric, "run", POLICY, path, "--as-of", AS_OF[m].isoformat(), "--history", history,
                                 "-o", os.path.join(work, "scores%d.csv" % (m + 1))], cwd=work)
        if rc != 0:
            checks.report("rubric run month %d" % (m + 1), False, [err])
            checks.finish()
    periods = reference_periods(uch, months)
    rows = make_outcomes(periods, random.Random(1616))
    outcomes = os.path.join(work, "outcomes.csv")
    write_outcomes(outcomes, rows)
    env = {"rubric": rubric, "work": work, "history": history, "outcomes": outcomes, "periods": periods,
           "rows": rows}
    hist = ["--history", history, "--horizon", "90d"]
    scm = check_json(env, "backtest --output scm --format json equals the reference", hist + ["--output", "scm"],
                     ["scm"])
    every = ["user_engagement"] + [m for ms in MEMBERS.values() for m in ms] + list(MEMBERS)
    order = ["user_engagement", "scm_git_ops", "ci_pipelines", "ci_deployments_per_user", "ci_deployment_users",
             "devsecops_scanners", "devsecops_container_scanning", "devsecops_secret_detection",
             "cd_deployment_users", "scm", "ci", "devsecops", "cd"]
    assert sorted(every) == sorted(order)
    full = check_json(env, "every banded output without --output", hist, order)
    check_json(env, "--event contraction", hist + ["--output", "ci", "--event", "contraction"], ["ci"],
               event="contraction")
    check_json(env, "a horizon past the last outcome leaves month 3 out", ["--history", history, "--horizon", "120d",
                                                                             "--output", "devsecops"],
               ["devsecops"], horizon=120)
    rc, out, err = backtest(env, ["--rescore", dated, "--horizon", "90d"])
    checks.report("--rescore on the months named by date gives what the history gives", rc == 0 and out == full,
                  ["exit %d" % rc, err, out[:200], (full or "")[:200]])
    rc, out, err = backtest(env, hist + ["--output", "scm"])
    checks.report("outcomes of accounts never scored are said on stderr",
                  rc == 0 and "7 churn rows" in err and "NEVER-000" in err, [err])
    checks.report("repeated outcome rows are said on stderr, each event counted once",
                  rc == 0 and "6 rows repeat an earlier row" in err, [err])
    table = checks.run([rubric, "backtest", POLICY, "--outcomes", outcomes] + hist + ["--output", "scm"], cwd=work)
    checks.report("the table says the same AUC", table[0] == 0 and scm is not None and
                  ("AUC %.3g" % json.loads(scm)["auc"]) in table[1], [table[1], table[2]])
    check_report(env, months[2])
    check_errors(env)
    checks.finish()


if __name__ == "__main__":
    main()
