#!/usr/bin/env python3
"""formats_check.py RUBRIC_BINARY WORK_DIR

Checks the CI outputs with parsers of their own (Python 3 standard
library only), not by comparing text:

  - `rubric test --format junit` parses as XML: a <testsuites> root, one
    <testsuite> per policy file, one <testcase> per test, as many as the
    "N passed, N failed" tally, a <failure> per failed test and an <error>
    for a file that does not check; exit codes as with the text report;
  - `rubric check --format sarif` on a policy with a band gap planted on a
    known line is SARIF 2.1.0 with a band-gap result on that line, and a
    parse error is an error result on its line;
  - `rubric check --format json` is an array whose entries name the same
    places;
  - `rubric test --coverage --format json` is an object whose coverage
    names the band lines the tests did not reach.

Prints "ok - NAME" / "not ok - NAME: why" per check and, last,
"N passed, N failed"; exits 1 if any failed.
"""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

rubric, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + name)
    else:
        failed += 1
        print("not ok - %s: %s" % (name, why))


def run(*args):
    p = subprocess.run([rubric] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


POLICY = """\
input seats: number
input users: number

scheme rag
  red    scores 0    when < 40
  yellow scores 50   when < 75
  green  scores 100  when >= 75

measure usage = users / seats
  red    <  5%
  yellow >= 5% and <= 9%
  green  >= 10%
"""
GAP_LINE = 12  # `green >= 10%`: values above 9% and below 10% fall in no band

TESTS = """\
import "policy.rules"

test "5 of 100 is yellow"
  given seats = 100, users = 5, as_of = 2026-11-01
  expect usage is yellow

test "deliberately wrong: 20 of 100 & <more> is red"
  given seats = 100, users = 20, as_of = 2026-11-01
  expect usage is red

test "50 of 100 is green"
  given seats = 100, users = 50, as_of = 2026-11-01
  expect usage is green
"""

policy = write("policy.rules", POLICY)
tests = write("policy_test.rules", TESTS)
broken = write("broken.rules", "input x: number\nmeasure m = x +\n")


def junit(name, args, want_exit, want_suites):
    code, out, err = run("test", "--format", "junit", *args)
    check(name + ": exit", code == want_exit, "exit %d, wanted %d (%s)" % (code, want_exit, err.strip()))
    try:
        root = ET.fromstring(out)
    except ET.ParseError as e:
        check(name + ": parses as XML", False, str(e))
        return
    check(name + ": parses as XML", root.tag == "testsuites", "root is <%s>" % root.tag)
    suites = root.findall("testsuite")
    check(name + ": one testsuite per file", [s.get("name") for s in suites] == want_suites,
          [s.get("name") for s in suites])
    tally = re.search(r"(\d+) passed, (\d+) failed", err)
    cases = root.findall("testsuite/testcase")
    ran = [c for c in cases if c.find("error") is None]
    fails = [c for c in ran if c.find("failure") is not None]
    check(name + ": one testcase per test", tally and len(ran) == int(tally.group(1)) + int(tally.group(2)),
          "%d testcases, tally %r" % (len(ran), tally and tally.group(0)))
    check(name + ": a failure per failed test", tally and len(fails) == int(tally.group(2)),
          "%d failures" % len(fails))
    for s in suites:
        n = len(s.findall("testcase"))
        check(name + ": counts of " + s.get("name"),
              int(s.get("tests")) == n and int(s.get("failures")) == len(s.findall("testcase/failure"))
              and int(s.get("errors")) == len(s.findall("testcase/error")), ET.tostring(s)[:200])
    return root


root = junit("junit of a passing and a failing test", [tests], 1, [tests])
if root is not None:
    names = [c.get("name") for c in root.iter("testcase")]
    check("junit: names kept through escaping", "deliberately wrong: 20 of 100 & <more> is red" in names, names)
    f = root.find(".//failure")
    check("junit: the failure gives the expectation's place and the actual value",
          f is not None and ("%s:9: expect usage is red" % tests) in f.get("message")
          and "actual: usage = green" in f.get("message"), f is not None and f.get("message"))
root = junit("junit with a file that does not check", [tests, broken], 2, [tests, broken])
if root is not None:
    e = root.find(".//error")
    check("junit: the broken file's error names its line", e is not None and (broken + ":2:") in e.get("message"),
          e is not None and e.get("message"))
junit("junit of the shipped policies", ["rules/"], 0,
      sorted(os.path.join("rules", d, f) for d in os.listdir("rules") for f in os.listdir(os.path.join("rules", d))
             if f.endswith(".rules")))

junit("junit with --coverage", ["--coverage", tests], 1, [tests])

# --coverage with --format json: the tests reach usage's yellow (5%) and
# green (20%, 50%) lines, never its red line (10) nor its na (the measure's
# line, 9).
code, out, err = run("test", "--format", "json", "--coverage", tests)
try:
    doc = json.loads(out)
except ValueError as e:
    doc = None
    check("test json: parses", False, str(e))
if doc is not None:
    check("test json: exit 1 (a test fails)", code == 1, code)
    check("test json: an entry per test", len(doc["tests"]) == doc["passed"] + doc["failed"] == 3, doc["tests"])
    cov = {c["policy"]: c for c in doc["coverage"]}
    c = cov.get(policy)
    check("test json: the policy's figures", c is not None and (c["covered"], c["total"], c["percent"]) == (2, 4, 50)
          and c["bands"]["covered"] == 2 and c["conditions"]["percent"] is None, c)
    check("test json: the lines never reached",
          c is not None and [(u["file"], u["line"], u["kind"]) for u in c["uncovered"]]
          == [(policy, 9, "band"), (policy, 10, "band")], c and c["uncovered"])
code, out, err = run("test", "--coverage-min", "50.5", tests, "--filter", "5 of")
check("test --coverage-min: exit 1 below it, naming the policy", code == 1 and (policy + ": coverage") in err, (code, err))

code, out, err = run("check", "--format", "sarif", policy, broken)
try:
    log = json.loads(out)
except ValueError as e:
    log = None
    check("sarif: parses as JSON", False, str(e))
if log:
    check("sarif: version 2.1.0", log.get("version") == "2.1.0", log.get("version"))
    run0 = log["runs"][0]
    check("sarif: the tool is rubric", run0["tool"]["driver"]["name"] == "rubric", run0["tool"]["driver"])
    rules = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    results = run0["results"]

    def at(r):
        loc = r["locations"][0]["physicalLocation"]
        return loc["artifactLocation"]["uri"], loc["region"]["startLine"]

    gaps = [r for r in results if r["ruleId"] == "band-gap"]
    check("sarif: the planted band gap is a warning on its line",
          len(gaps) == 1 and at(gaps[0]) == (policy, GAP_LINE) and gaps[0]["level"] == "warning",
          [(r["ruleId"], at(r)) for r in results])
    errors = [r for r in results if r["level"] == "error"]
    check("sarif: the parse error is an error result on its line",
          len(errors) == 1 and at(errors[0]) == (broken, 2), [(r["ruleId"], at(r)) for r in errors])
    check("sarif: every ruleId is a rule of the driver, at its index",
          all(rules[r["ruleIndex"]] == r["ruleId"] for r in results), rules)
    check("sarif: exit 2 for the file with errors", code == 2, code)

code, out, err = run("check", "--format", "json", policy)
try:
    items = json.loads(out)
except ValueError as e:
    items = None
    check("json: parses", False, str(e))
if items is not None:
    check("json: the band gap's entry", any(i["code"] == "band-gap" and i["line"] == GAP_LINE and i["file"] == policy
                                            and i["severity"] == "warning" for i in items), items)
    check("json: exit 0 with warnings only", code == 0, code)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
