#!/usr/bin/env python3
"""backtest_reference.py - what `rubric backtest` must say, computed with
exact fractions from the definitions in the issue and docs/backtest.md,
sharing nothing with the C source.  Python 3 standard library only.

  backtest(periods, outcomes, event, horizon_days, bands) -> dict

periods: [(as_of date, {account_id: (band or None, score Fraction or None)})]
  (band None: na, or a value in no band; such accounts are in no figure but
  the "na" count).
outcomes: [(account_id, event, date)]; a row repeating another is one event.
bands: the scheme's bands as declared, worst first.

Definitions (the issue, item 1): for each period P and account scored at
P, the outcome is whether `event` happened in (P, P + horizon].  A period
whose P + horizon is after the last date of the outcomes file (any event)
is left out.  Per band: accounts, events, rate = events / accounts; lift =
rate / base rate (all banded accounts); precision of the worst band = its
rate, recall = its events / all events; AUC = Mann-Whitney over every pair
(event, no event): the event's score lower counts 1, equal 1/2, over the
number of pairs (lower score = more risk).  Deciles: with N banded
observations, one with score s is in decile floor(10 * #(score < s) / N) + 1.
Every ratio with a zero denominator is None.
"""
import datetime
from fractions import Fraction


def ratio(p, q):
    return None if q == 0 else Fraction(p, q)


def backtest(periods, outcomes, event, horizon_days, bands):
    last = max(d for _, _, d in outcomes)
    horizon = datetime.timedelta(days=horizon_days)
    dates = {}
    for acc, ev, d in set(outcomes):    # a repeated row is the same event
        if ev == event:
            dates.setdefault(acc, []).append(d)
    scored = set()
    obs = []           # (band, score, event)
    na = [0, 0]
    per_out = []
    for as_of, accounts in periods:
        left = as_of + horizon > last
        per_out.append({"as_of": as_of.isoformat(), "accounts": len(accounts),
                        "left_out": left})
        for acc, (band, score) in accounts.items():
            scored.add(acc)
            if left:
                continue
            happened = any(as_of < d <= as_of + horizon for d in dates.get(acc, []))
            if band is None:
                na[0] += 1
                na[1] += happened
            else:
                obs.append((band, score, happened))
    n = len(obs)
    k = sum(1 for o in obs if o[2])
    out = {"periods": per_out, "periods_left_out": sum(1 for p in per_out if p["left_out"]),
           "accounts": n, "events": k, "rate": ratio(k, n), "bands": {},
           "na": {"accounts": na[0], "events": na[1]}, "worst_band": bands[0]}
    for b in bands:
        nb = sum(1 for o in obs if o[0] == b)
        kb = sum(1 for o in obs if o[0] == b and o[2])
        rate = ratio(kb, nb)
        base = ratio(k, n)
        lift = None if rate is None or not base else rate / base
        out["bands"][b] = {"accounts": nb, "events": kb, "rate": rate, "lift": lift}
    worst = out["bands"][bands[0]]
    out["precision"] = worst["rate"]
    out["recall"] = ratio(worst["events"], k)
    # Mann-Whitney by counting, per distinct score, events and non-events.
    ev_at, quiet_at = {}, {}
    for _, s, e in obs:
        (ev_at if e else quiet_at)[s] = (ev_at if e else quiet_at).get(s, 0) + 1
    pairs = k * (n - k)
    if pairs == 0:
        out["auc"] = None
    else:
        wins = Fraction(0)
        for s, ne in ev_at.items():
            higher = sum(c for t, c in quiet_at.items() if t > s)
            wins += ne * (higher + Fraction(quiet_at.get(s, 0), 2))
        out["auc"] = wins / pairs
    deciles = [{"decile": d + 1, "accounts": 0, "events": 0, "scores": []} for d in range(10)]
    scores = sorted(o[1] for o in obs)
    below = {}
    for i, s in enumerate(scores):
        below.setdefault(s, i)
    for _, s, e in obs:
        dc = deciles[10 * below[s] // n]
        dc["accounts"] += 1
        dc["events"] += e
        dc["scores"].append(s)
    for dc in deciles:
        dc["rate"] = ratio(dc["events"], dc["accounts"])
        dc["min_score"] = min(dc["scores"]) if dc["scores"] else None
        dc["max_score"] = max(dc["scores"]) if dc["scores"] else None
        del dc["scores"]
    out["deciles"] = deciles
    out["outcomes_unscored"] = sum(len(ds) for acc, ds in dates.items() if acc not in scored)
    return out
