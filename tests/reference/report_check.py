#!/usr/bin/env python3
"""Checks what `rubric report` draws against what `rubric run` scores.

    python3 tests/reference/report_check.py RUBRIC WORK_DIR

For every page, read back from its SVG text and tooltips only:
  - each stacked bar's count per band (and no band, na) equals the run's;
  - each count chart's columns equal the run's counts of the metric;
  - each histogram accounts for every value of the measure exactly once:
    taken band by band, the run's values sorted and cut into the sizes of
    that band's bar parts (left tail, bars left to right, right tail) give
    each part the least and greatest value its tooltip prints;
  - no bar crosses a threshold line drawn, a bar stands in the region of
    its band (so a value on a threshold is on its band's side), and one
    band has one color.
Policies: the shipped ones on their accounts and on generated ones, and
small ones written here for what generated data rarely reaches: values on
`<` and `<=` thresholds, thresholds close together, thresholds that depend
on the account, outliers, a single value, many bands."""
import html
import json
import os
import re
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import finish, gen_accounts, report, run, start, write  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AS_OF = "2026-11-01"

TITLE = re.compile(r"<title>([^<]*)</title>")
RECT = re.compile(r'<rect x="([-\d.]+)" y="[-\d.]+" width="([\d.]+)" height="[\d.]+" fill="(#[0-9a-f]{6})"><title>([^<]*)</title>')
SHADE = re.compile(r'<rect x="([-\d.]+)" y="\d+" width="([\d.]+)" height="\d+" fill="(#[0-9a-f]{6})" fill-opacity="0.13"/>')
LINE = re.compile(r'<line x1="([-\d.]+)" y1="\d+" x2="[-\d.]+" y2="\d+" stroke="#1f2933"[^>]*><title>threshold ([^<]*)</title>')
PIECE = re.compile(r"^(\d+) accounts?, (.+?)( \((?:left|right) of the chart\))?: (?:value|all|values from) (\S+)(?: to (\S+))?$")


def g6(v, pct):
    """A value as the report's tooltips print it."""
    if pct and abs(v) < 1.7976931348623157e308 / 100:
        return "%.6g%%" % (v * 100)
    return "%.6g" % v


def run_rows(rubric, policy, data, opts):
    rc, out, err = run([rubric, "run", policy, data, "--as-of", AS_OF, "--format", "json", *opts])
    if rc not in (0, 1):
        raise RuntimeError("run failed: " + err)
    return json.loads(out)


def make_page(rubric, work, name, policy, data, opts):
    page = os.path.join(work, name + ".html")
    rc, out, err = run([rubric, "report", policy, data, "--as-of", AS_OF, "-o", page, *opts])
    if rc not in (0, 1):
        raise RuntimeError("report failed: " + err)
    with open(page, encoding="utf-8") as f:
        return f.read()


def band_of(cell):
    if cell.get("band") is not None:
        return cell["band"]
    return "na" if cell.get("value") is None else "no band"


def check_stacked(name, page, rows):
    """Stacked bar tooltips read "OUTPUT: N BAND (P%)"."""
    drawn = defaultdict(Counter)
    for t in TITLE.findall(page):
        m = re.match(r"^(\w+): (\d+) (.+) \([\d.]+%\)$", html.unescape(t))
        if m:
            drawn[m.group(1)][m.group(3)] += int(m.group(2))
    scored = defaultdict(Counter)
    for r in rows:
        for k, v in r.items():
            if isinstance(v, dict) and "band" in v and k in drawn:
                scored[k][band_of(v)] += 1
    bad = ["%s: drawn %s, run %s" % (k, dict(drawn[k]), dict(scored[k])) for k in drawn if drawn[k] != scored[k]]
    report("%s: stacked bars equal run's band counts (%d outputs)" % (name, len(drawn)), drawn and not bad, bad)


def check_counts(name, page, rows):
    """Count chart tooltips read "N accounts with K of M BAND" or "N
    accounts with no data"."""
    for fig in re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S):
        cap = re.search(r"<figcaption>(\w+): how many accounts", fig)
        if not cap:
            continue
        metric = cap.group(1)
        drawn = Counter()
        for t in TITLE.findall(fig):
            t = html.unescape(t)
            m = re.match(r"^(\d+) accounts? with (\d+) of \d+ ", t)
            if m:
                drawn[int(m.group(2))] += int(m.group(1))
            m = re.match(r"^(\d+) accounts? with no data", t)
            if m:
                drawn["na"] += int(m.group(1))
        scored = Counter()
        for r in rows:
            v = r[metric]["value"] if isinstance(r[metric], dict) else r[metric]
            scored["na" if v is None else int(v)] += 1
        drawn = +drawn
        report("%s: count chart %s equals run" % (name, metric), drawn == scored,
               ["drawn %s" % dict(drawn), "run   %s" % dict(scored)])


def check_histograms(name, page, rows):
    figs = 0
    for fig in re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S):
        m = re.search(r'aria-label="Histogram of (\w+)"', fig)
        if not m:
            continue
        figs += 1
        measure = m.group(1)
        pct = bool(re.search(r"<figcaption>[^<]*%", fig)) and "%" in "".join(re.findall(r">([^<]*)</text>", fig))
        lines = [float(x) for x, _ in LINE.findall(fig)]
        # The band regions, shaded in their band's color where every
        # threshold is a constant; grey where thresholds depend on the account.
        shades = [(float(x), float(x) + float(w), fill) for x, w, fill in SHADE.findall(fig)]
        constant = "depend on the account" not in fig
        pieces, colors, problems = [], defaultdict(set), []
        for x, w, fill, title in RECT.findall(fig):
            pm = PIECE.match(html.unescape(title))
            if not pm:
                continue
            n, band, tail, lo = int(pm.group(1)), pm.group(2), pm.group(3), pm.group(4)
            hi = pm.group(5) or lo
            pieces.append((0 if tail and "left" in tail else 2 if tail else 1, float(x), band, n, lo, hi))
            colors[band].add(fill)
            # A bar narrower than the 1.5 px every bar is given at least
            # (a span between thresholds 0.01 apart, say) may overlap them.
            if not tail and float(w) > 1.51:
                a, b = float(x), float(x) + float(w)
                mid = (a + b) / 2
                region = [f for sa, sb, f in shades if sa <= mid <= sb]
                if constant and region and region[0] != fill:
                    problems.append("a %s bar at %.2f..%.2f stands in another band's region" % (band, a, b))
                for lx in lines:
                    if a < lx - 0.01 and b > lx + 0.01:
                        problems.append("a %s bar spans %.2f..%.2f across the threshold line at %.2f" % (band, a, b, lx))
        # The run's finite values of this measure, band by band, in order.
        values = defaultdict(list)
        for r in rows:
            c = r[measure]
            if c.get("value") is not None:
                values[band_of(c)].append(c["value"])
        # Tails first and last; within the bars, left to right.  Parts of one
        # band in one bar are one piece, so the order is total.
        pieces.sort(key=lambda p: (p[0], p[1]))
        taken = defaultdict(int)
        for _, _, band, n, lo, hi in pieces:
            vs = sorted(values[band])
            part = vs[taken[band]:taken[band] + n]
            taken[band] += n
            if len(part) != n:
                problems.append("%s: a part of %d accounts, but run has only %d values left" % (band, n, len(part)))
                continue
            if g6(part[0], pct) != lo or g6(part[-1], pct) != hi:
                problems.append("%s: a part of %d says %s to %s; run's values there are %s to %s"
                                % (band, n, lo, hi, g6(part[0], pct), g6(part[-1], pct)))
        for band, vs in values.items():
            if taken[band] != len(vs):
                problems.append("%s: %d values drawn, run has %d" % (band, taken[band], len(vs)))
        for band, fills in colors.items():
            if len(fills) != 1:
                problems.append("%s drawn in %d colors" % (band, len(fills)))
        if len(set(min(f) for f in colors.values())) != len(colors):
            problems.append("two bands share a color: %s" % dict(colors))
        report("%s: histogram of %s holds run's values, exactly once each (%d parts)" % (name, measure, len(pieces)),
               not problems, problems)
    return figs


def check_page(rubric, work, name, policy, data, opts=()):
    rows = run_rows(rubric, policy, data, list(opts))
    page = make_page(rubric, work, name, policy, data, list(opts))
    check_stacked(name, page, rows)
    check_counts(name, page, rows)
    figs = check_histograms(name, page, rows)
    report("%s: has histograms" % name, figs > 0)
    return page


SCHEME = """scheme rag
  red    scores 0   when < 50
  yellow scores 50  when < 100
  green  scores 100 when >= 100
"""


def small_cases(work):
    """(name, policy, data) for cases written here."""
    cases = []
    # Values exactly on `<` and `<=` thresholds, and next to them.
    pol = write(os.path.join(work, "edges.rules"), 'policy "Edges"\ninput v: number\n' + SCHEME +
                "measure lt = v\n  red < 10\n  yellow < 20\n  green otherwise\n"
                "measure le = v\n  red <= 10\n  yellow <= 20\n  green otherwise\n"
                "measure close = v\n  red < 10\n  yellow < 10.01\n  green otherwise\n")
    vals = [5, 9.999, 10, 10, 10.005, 10.01, 10.01, 15, 19.99, 20, 20, 20.0001, 25, 30]
    data = write(os.path.join(work, "edges.csv"), "account_id,v\n" + "".join("a%d,%s\n" % (i, v) for i, v in enumerate(vals)))
    cases.append(("edges", pol, data))
    # A threshold that depends on the account, an outlier far below.
    pol = write(os.path.join(work, "dyn.rules"), 'policy "Dyn"\ninput users: number\ninput goal: number\n' + SCHEME +
                "measure usage = users\n  red < goal / 2\n  yellow < goal\n  green otherwise\n")
    rows = ["low,-1000000,50"] + ["d%d,%d,%d" % (i, (i * 37) % 101, 40 + i % 21) for i in range(300)]
    data = write(os.path.join(work, "dyn.csv"), "account_id,users,goal\n" + "\n".join(rows) + "\n")
    cases.append(("dyn", pol, data))
    # One value many times, tiny; and a spread over many magnitudes.
    pol = write(os.path.join(work, "spread.rules"), 'policy "Spread"\ninput v: number\ninput w: number\n' + SCHEME +
                "measure tiny = v\n  red < 0\n  yellow < 1e-9\n  green otherwise\n"
                "measure wide = w\n  red < 1\n  yellow < 1000\n  green otherwise\n")
    rows = ["s%d,1.5e-11,%s" % (i, "%.3e" % (1.7 ** (i % 97 - 40) * (1 + i % 7))) for i in range(400)]
    data = write(os.path.join(work, "spread.csv"), "account_id,v,w\n" + "\n".join(rows) + "\n")
    cases.append(("spread", pol, data))
    # Names that stand for a measure and for a count: charted as what they name.
    pol = write(os.path.join(work, "names.rules"), 'policy "Names"\ninput d: date\ninput n: number\n' + SCHEME +
                "measure renewal = d - as_of\n  red < 0\n  yellow < 90\n  green otherwise\n"
                "measure usage = n\n  red < 10\n  yellow < 20\n  green otherwise\n"
                "metric alias_of_usage = usage\n"
                "let hidden_count = count green of (usage, renewal)\n"
                "metric count_via_let = hidden_count\n")
    rows = ["n%d,%s,%s" % (i, "" if i % 11 == 0 else "2026-%02d-%02d" % (1 + i % 12, 1 + i % 28), "" if i % 13 == 0 else i % 37)
            for i in range(200)]
    data = write(os.path.join(work, "names.csv"), "account_id,d,n\n" + "\n".join(rows) + "\n")
    cases.append(("names", pol, data))
    # Twelve bands named for no color: each its own shade.
    bands = ["b%02d" % i for i in range(12)]
    sch = "scheme many\n" + "".join("  %s scores %d when < %d\n" % (b, i, i + 1) for i, b in enumerate(bands[:-1])) + \
        "  %s scores 11 otherwise\n" % bands[-1]
    lines = "".join("  %s < %d\n" % (b, (i + 1) * 10) for i, b in enumerate(bands[:-1])) + "  %s otherwise\n" % bands[-1]
    pol = write(os.path.join(work, "many.rules"), 'policy "Many"\ninput v: number\n' + sch + "measure m = v\n" + lines)
    data = write(os.path.join(work, "many.csv"), "account_id,v\n" + "".join("m%d,%d\n" % (i, (i * 7) % 130) for i in range(500)))
    cases.append(("many", pol, data))
    return cases


def main():
    rubric, work = start("report_check.py", "report")
    gitlab = os.path.join(ROOT, "rules", "gitlab")
    shipped = [
        ("use_case_health", "use_case_health.rules", "accounts.csv"),
        ("use_case_adoption_v1", "use_case_adoption_v1.rules", "use_case_adoption_v1_accounts.csv"),
        ("account_health", "account_health.rules", "account_health_accounts.csv"),
    ]
    for name, pol, data in shipped:
        check_page(rubric, work, name, os.path.join(gitlab, pol), os.path.join(gitlab, data))
    for seed in (4101, 4102):
        rc, out, err = run([gen_accounts(), "--count", "20000", "--seed", str(seed), "--format", "csv", "--as-of", AS_OF])
        if rc != 0:
            raise RuntimeError("gen_accounts failed: " + err)
        data = write(os.path.join(work, "gen-%d.csv" % seed), out)
        check_page(rubric, work, "generated-%d" % seed, os.path.join(gitlab, "use_case_health.rules"), data)
    check_page(rubric, work, "what-if", os.path.join(gitlab, "use_case_health.rules"), os.path.join(gitlab, "accounts.csv"),
               ["--param", "onboarding_period=3 months"])
    for name, pol, data in small_cases(work):
        page = check_page(rubric, work, name, pol, data)
        if name == "names":
            report("names: a count through a name has its chart, an alias its thresholds",
                   "count_via_let: how many accounts" in page
                   and re.search(r'Histogram of alias_of_usage".*?threshold 10<', page, re.S) is not None)
    finish()


if __name__ == "__main__":
    main()
