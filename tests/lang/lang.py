#!/usr/bin/env python3
"""lang.py - the language cases of tests/lang/*.test (the format is in
README.md): a policy, accounts and the values it must give them, or the
exact diagnostics `rubric check` must print for it.

    lang.py RUBRIC WORKDIR [FILE.test...]     UPDATE=1 rewrites the expect
                                              and error sections that differ"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
AS_OF = "2026-11-01"
NO_NEWLINE = " (no newline at end)"
SECTIONS = ("policy", "accounts", "accounts.ndjson", "options", "expect", "error")


class FormatError(Exception):
    pass


class Case:
    def __init__(self, name, path, line):
        self.name, self.path, self.line = name, path, line
        self.sections = {}  # policy, accounts, expect, error -> text
        self.outputs = None  # the outputs `expect` names
        self.span = None  # where the expect or error lines are: (first, count)


def parse(path):
    """Returns (prelude, cases): blank lines that end a section are not
    part of it, so cases may be set apart by any number of them."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    prelude, cases = None, []
    case, section, body, start = None, None, None, 0

    def close():
        nonlocal prelude
        if section is None:
            return
        while body and body[-1] == "":
            body.pop()
        text = "".join(l + "\n" for l in body)
        kind, no_nl = section
        if no_nl:
            text = text[:-1]
        if kind == "prelude":
            prelude = text
        else:
            case.sections[kind] = text
            if kind in ("expect", "error"):
                case.span = (start, len(body))

    for n, line in enumerate(lines, 1):
        if line.startswith("### "):
            close()
            section, body = None, None
            case = Case(line[4:].strip(), path, n)
            cases.append(case)
            continue
        if line.startswith("--- "):
            close()
            head = line[4:]
            no_nl = head.endswith(NO_NEWLINE)
            if no_nl:
                head = head[: -len(NO_NEWLINE)]
            m = re.fullmatch(r"expect (\S+)", head)
            if m and case is not None:
                case.outputs = m.group(1)
                head = "expect"
            # `--- file NAME`: another file beside t.rules, for it to import.
            if case is not None and re.fullmatch(r"file [A-Za-z0-9_./-]+", head) and ".." not in head:
                pass
            elif case is None and head != "prelude" or case is not None and head not in SECTIONS:
                raise FormatError("%s:%d: unknown section %r (prelude before the cases; policy, accounts or accounts.ndjson, "
                                  "options, expect OUTPUTS or error in one)" % (path, n, line))
            if case is not None and head in case.sections:
                raise FormatError("%s:%d: two %s sections" % (path, n, head))
            section, body, start = (head, no_nl), [], n
            continue
        if section is None:
            # Words about the case, before its first section; comments
            # before the first case.
            if line.strip() and not line.startswith("#"):
                raise FormatError("%s:%d: a line outside any section" % (path, n))
            continue
        body.append(line)
    close()
    for c in cases:
        s = c.sections
        data = ("accounts" in s) + ("accounts.ndjson" in s)
        if "policy" not in s or ("expect" in s) == ("error" in s) or ("expect" in s) != (data == 1) or data > 1:
            raise FormatError("%s:%d: case %s needs a policy, and accounts (CSV or NDJSON) with expect, or an error" % (path, c.line, c.name))
        if "options" in s and "expect" not in s:
            raise FormatError("%s:%d: case %s: options are for the run of its accounts" % (path, c.line, c.name))
    return prelude or "", cases


def render(v):
    """One value as the unit tests wrote it: band/score, 'no band', 'na',
    or the value itself (numbers exactly as printed)."""
    if isinstance(v, dict):
        if v.get("no_band"):
            return "no band"
        if "band" in v:
            return "na" if v["band"] is None else "%s/%s" % (v["band"], v["score"])
        v = v.get("value")
    if v is None:
        return "na"
    return v if isinstance(v, str) else json.dumps(v)


def run_case(c, prelude, rubric, work):
    out = os.path.join(work, "%s-%d" % (os.path.basename(c.path), c.line))
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with open(os.path.join(out, "t.rules"), "w", encoding="utf-8") as f:
        f.write(prelude + c.sections["policy"])
    for head, text in c.sections.items():
        if head.startswith("file "):
            path = os.path.join(out, head[5:])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1")
    if "error" in c.sections:
        p = subprocess.run([rubric, "check", "t.rules"], cwd=out, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        got, want = p.stderr.decode("utf-8", "replace"), c.sections["error"]
        if p.returncode == 0:
            return ["the policy is accepted; it should fail with:"] + want.splitlines(), None
        return ([], None) if got == want else (diff_lines(want, got), got)
    if "accounts.ndjson" in c.sections:
        data = "accounts.ndjson"
        rows = ndjson_rows(c.sections[data])
    else:
        data = "accounts.csv"
        rows = c.sections["accounts"].splitlines()
        if not rows or "account_id" not in rows[0].split(","):
            rows = ["account_id," + rows[0]] + ["%d,%s" % (i, r) for i, r in enumerate(rows[1:], 1)]
    with open(os.path.join(out, data), "w", encoding="utf-8") as f:
        f.write("".join(r + "\n" for r in rows))
    options = shlex.split(c.sections.get("options", ""))
    p = subprocess.run([rubric, "run", "t.rules", data, "-f", "ndjson", "--as-of", AS_OF, "--select", c.outputs] + options,
                       cwd=out, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return ["rubric run exits %d:" % p.returncode] + p.stderr.decode("utf-8", "replace").splitlines(), None
    names = c.outputs.split(",")
    got = ""
    for line in p.stdout.decode("utf-8").splitlines():
        rec = json.loads(line, parse_float=str, parse_int=str)
        got += ", ".join(render(rec[n]) for n in names) + "\n"
    want = c.sections["expect"]
    return ([], None) if got == want else (diff_lines(want, got), got)


def ndjson_rows(text):
    """The accounts, one JSON object a line, each given an "account_id"
    numbering it when it has none.  The line itself is kept as written
    (after the id), so that a case can hold what a parser would change:
    a key twice, numbers as spelled."""
    rows = []
    for i, line in enumerate(text.splitlines(), 1):
        body = line.strip()
        if body.startswith("{") and '"account_id"' not in body:
            rest = body[1:].lstrip()
            body = '{"account_id":"%d"' % i + ("" if rest.startswith("}") else ",") + rest
        rows.append(body)
    return rows


def diff_lines(want, got):
    msgs = ["  want:"] + ["    " + l for l in want.splitlines()]
    return msgs + ["  got:"] + ["    " + l for l in got.splitlines()]


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: run.sh RUBRIC WORKDIR [FILE.test...]\n")
        return 2
    rubric, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    paths = argv[3:] or sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".test"))
    os.makedirs(work, exist_ok=True)
    update = os.environ.get("UPDATE") == "1"
    passed = failed = 0
    for path in paths:
        rel = os.path.relpath(path)
        try:
            prelude, cases = parse(rel)
        except (FormatError, OSError, UnicodeDecodeError) as e:
            print("not ok - %s: %s" % (rel, e))
            failed += 1
            continue
        fixes = []
        for c in cases:
            msgs, got = run_case(c, prelude, rubric, work)
            if got is not None and update:
                fixes.append((c.span, got))
            head = "%s:%d: %s" % (rel, c.line, c.name)
            if msgs:
                print("not ok - " + head)
                print("\n".join(m if m.startswith("  ") else "  " + m for m in msgs))
                failed += 1
            else:
                print("ok - " + head)
                passed += 1
        if fixes:
            with open(rel, encoding="utf-8") as f:
                lines = f.read().split("\n")
            for (first, count), got in sorted(fixes, reverse=True):
                lines[first:first + count] = got.splitlines()
            with open(rel, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
    print("lang: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
