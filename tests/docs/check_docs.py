#!/usr/bin/env python3
"""The documentation's examples, run against the built rubric.

    python3 tests/docs/check_docs.py RUBRIC SCRATCH [DOC.md...]
    UPDATE=1 python3 tests/docs/check_docs.py RUBRIC SCRATCH   # rewrite shown outputs

Every fenced block of README.md, docs/*.md and rules/*/*.md (the pages of
the shipped policies) says what it is in its info string (the words after
the opening ```), and each kind is checked:

  ```console      `$ COMMAND` lines, each followed by what it prints on a
                  terminal (stdout and stderr, as a reader sees them),
                  compared byte for byte.  A line `...` stands for any
                  number of lines (an output cut short).  A command exits
                  0 unless it ends in a comment `# exit N`.  In a
                  pipeline (`rubric run ... | grep ...`), what goes to
                  stderr is shown first, then the pipeline's output.
  ```sh           commands without their output: each line must exit 0 (or
                  N, with `# exit N`).
  ```rules        a policy: `rubric check` must accept it (exit 0), or exit 2
                  when the block says `error` (the doc then shows the errors
                  in a console block).  `file=PATH` also writes it into the
                  example's folder for the commands below it.
  ```csv/json     data; `file=PATH` writes it for the commands below.
  fragment        (rules) a piece of a policy that does not stand alone.
  fmt             (rules) instead of checking it, `rubric fmt -` must
                  leave it unchanged.
  excerpt-of=CMD  (any kind) each line of the block is a line of what CMD
                  prints now, in the same order (lines may be left out
                  between them).  UPDATE=1 does not rewrite excerpts.
  ```yaml         must parse as YAML (a CI workflow, a pre-commit
                  configuration); not run.
  ```text         not run: a synopsis or an illustration.  `sh skip` and
                  `console skip` are not run either.  Counted, never silent.

A comment `<!-- doc-test: SHELL -->` just before a block runs SHELL first,
in the example's folder (the edit the prose describes, a data file the
text does not show); $DOC_BLOCK holds the block's text.

Each document runs as one shell session, in order, in a scratch HOME that
holds a copy of the repository's rules/ and tests/golden/fixtures/ (a git
repository, so `git diff` works) as ~/rubric, which is also where the
session starts; `rubric` is on PATH and ./rubric is there.  `cd` carries
from one command to the next.  /tmp/ in a command is the scratch folder's
tmp/, and is written back as /tmp/ in outputs.  A command that runs
`rubric run/explain/diff/calibrate/report` must pin the date (--as-of;
`diff --backtest` reads no data as of a date).

Messages quoted in prose (`FILE:LINE:COL: error: ...`) are checked by the
table in tests/docs/quoted.txt: each entry's commands run in a fresh
scratch, and the quote must be a line of what the last one prints.  A
quoted message with no entry fails.

UPDATE=1 rewrites the shown outputs (console blocks and quoted messages)
from what rubric prints now; cut outputs keep their `...` and each kept
piece is re-anchored on the nearest lines.  Review the diff.

Without DOC.md arguments it also runs its own test (tests/docs/selftest/).
The scratch folder is removed when everything passed, kept otherwise.
"""
import difflib
import os
import pty
import re
import select
import shlex
import shutil
import subprocess
import sys
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UPDATE = os.environ.get("UPDATE") == "1"
EXIT_RE = re.compile(r"#\s*exit\s+(\d+)\b")
PINNED_VERBS = re.compile(r"(?:^|[\s;&|(])(?:\./)?rubric\s+(run|explain|diff|calibrate|report)\b")
QUOTE_RE = re.compile(r"`([^`\s]+\.rules:\d+:\d+: (?:error|warning|note): [^`]*)`")


class Block:
    def __init__(self, doc, line, indent, info, body, setup):
        self.doc, self.line, self.indent, self.body, self.setup = doc, line, indent, body, setup
        words = shlex.split(info) if info else []
        self.kind = words[0] if words else ""
        self.flags = set(w for w in words[1:] if "=" not in w)
        self.attrs = dict(w.split("=", 1) for w in words[1:] if "=" in w)

    def where(self):
        return "%s:%d" % (self.doc, self.line)


def parse(doc, text):
    """The fenced blocks of a Markdown file, with the doc-test comment before each."""
    lines = text.split("\n")
    blocks, setup, i = [], None, 0
    while i < len(lines):
        s = lines[i].strip()
        if s.startswith("<!-- doc-test:"):
            chunk = [lines[i]]
            while "-->" not in lines[i]:
                i += 1
                chunk.append(lines[i])
            body = "\n".join(chunk).strip()
            setup = body[len("<!-- doc-test:"):-len("-->")].strip()
        m = re.match(r"^( *)```(.*)$", lines[i])
        if m:
            indent, info, start = m.group(1), m.group(2).strip(), i
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
                i += 1
            blocks.append(Block(doc, start + 1, indent, info, body, setup))
            setup = None
        i += 1
    return blocks


def match(expected, actual):
    """expected lines, with `...` lines standing for any lines, against actual."""
    segs, cur = [], []
    for line in expected:
        if line == "...":
            segs.append(cur)
            cur = []
        else:
            cur.append(line)
    segs.append(cur)
    if len(segs) == 1:
        return expected == actual
    first, last, middle = segs[0], segs[-1], segs[1:-1]
    if actual[:len(first)] != first:
        return False
    pos = len(first)
    for seg in middle:
        found = next((k for k in range(pos, len(actual) - len(seg) + 1) if actual[k:k + len(seg)] == seg), None)
        if found is None:
            return False
        pos = found + len(seg)
    return len(actual) - len(last) >= pos and (not last or actual[len(actual) - len(last):] == last)


def reanchor(expected, actual):
    """New text for a cut output: each kept piece moves to the lines most like it."""
    def best(line, lo):
        scores = [(difflib.SequenceMatcher(None, line, a).ratio(), -k) for k, a in enumerate(actual) if k >= lo]
        return -max(scores)[1] if scores else len(actual)

    segs, cur = [], []
    for line in expected:
        if line == "...":
            segs.append(cur)
            cur = []
        else:
            cur.append(line)
    segs.append(cur)
    if len(segs) == 1:
        return list(actual)
    out, pos = [], 0
    for n, seg in enumerate(segs):
        if n:
            out.append("...")
        if not seg:
            continue
        start = 0 if n == 0 else best(seg[0], pos)
        if n == len(segs) - 1:
            end = len(actual)
        else:
            end = best(seg[-1], start) + 1 if len(seg) > 1 else start + 1
        out.extend(actual[start:end])
        pos = end
    return out


def is_pipeline(command):
    lex = shlex.shlex(command, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    try:
        return "|" in list(lex)
    except ValueError:
        return "|" in command


def on_terminal(argv, env, timeout=120):
    """Runs argv with stdout and stderr on a terminal, as a reader sees it."""
    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # keep "\n" as written, not "\r\n"
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    chunks, deadline = [], time.time() + timeout
    while True:
        ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.time()))
        if not ready:
            os.killpg(p.pid, 9)
            chunks.append(b"(timed out)\n")
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace"), p.wait()


class Session:
    """One document's examples: a private HOME with a copy of the repository."""

    def __init__(self, rubric, scratch):
        self.scratch = scratch
        if os.path.exists(scratch):
            shutil.rmtree(scratch)
        self.home = os.path.join(scratch, "home")
        self.repo = os.path.join(self.home, "rubric")
        for sub in ("tmp", "bin", "snippets", "home"):
            os.makedirs(os.path.join(scratch, sub))
        shutil.copytree(os.path.join(ROOT, "rules"), os.path.join(self.repo, "rules"))
        shutil.copytree(os.path.join(ROOT, "tests/golden/fixtures"), os.path.join(self.repo, "tests/golden/fixtures"))
        os.symlink(rubric, os.path.join(scratch, "bin", "rubric"))
        os.symlink(rubric, os.path.join(self.repo, "rubric"))
        with open(os.path.join(self.home, ".gitconfig"), "w") as f:
            f.write("[user]\n\tname = Docs Example\n\temail = docs@example.com\n"
                    "[init]\n\tdefaultBranch = main\n[color]\n\tui = never\n[core]\n\tpager = cat\n")
        self.env = {
            "HOME": self.home, "TMPDIR": os.path.join(scratch, "tmp"),
            "PATH": os.path.join(scratch, "bin") + ":/usr/local/bin:/usr/bin:/bin",
            "LC_ALL": "C", "TZ": "UTC", "NO_COLOR": "1", "TERM": "dumb", "PAGER": "cat", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_DATE": "2026-11-01T12:00:00Z", "GIT_COMMITTER_DATE": "2026-11-01T12:00:00Z",
        }
        self.cwd = self.repo
        out, code = self.run("git init -q && git add -A && git commit -q -m 'the repository'")
        if code != 0:  # the tutorial's `git diff` and versioning's REV:path need it
            raise SystemExit("docs: cannot make the scratch copy a git repository:\n" + out)

    def run(self, command, cwd=None, block=None, keep_cwd=True):
        # /tmp/ of the doc is the private folder; the scratch folder's own
        # paths (which may lie under /tmp: a clone there) stay as they are.
        held = "\0scratch\0"
        command = command.replace(self.scratch, held)
        command = re.sub(r"(?<![\w.~/-])/tmp/", held + "/tmp/", command).replace(held, self.scratch)
        env = dict(self.env)
        if block is not None:
            env["DOC_BLOCK"] = "\n".join(block.body) + "\n"
        where = os.path.join(self.scratch, "cwd")
        errors = os.path.join(self.scratch, "stderr")
        if is_pipeline(command):
            # On a terminal, rubric's stderr and the output of the command it
            # pipes into interleave by chance: stderr is shown first.
            command = "{ %s\n} 2>\"$3\"" % command
        elif os.path.exists(errors):
            os.unlink(errors)
        script = 'cd "$1" || exit 97\n%s\nst=$?\npwd >"$2"\nexit $st\n' % command
        out, code = on_terminal(["bash", "-c", script, "doc-example", cwd or self.cwd, where, errors], env)
        if os.path.exists(errors):
            with open(errors, encoding="utf-8", errors="replace") as f:
                out = f.read() + out
            os.unlink(errors)
        if keep_cwd and os.path.exists(where):
            with open(where) as f:
                self.cwd = f.read().strip() or self.cwd
        out = out.replace(self.scratch + "/tmp/", "/tmp/").replace(self.home, "~")
        return out, code


class Checker:
    def __init__(self, rubric, scratch):
        self.rubric, self.scratch = rubric, scratch
        self.passed = self.failed = 0
        self.not_run = {}

    def ok(self, good, what, detail=""):
        if good:
            self.passed += 1
            print("ok - " + what)
        else:
            self.failed += 1
            print("not ok - " + what)
            for line in detail.rstrip("\n").split("\n") if detail else []:
                print("#   " + line)

    def skip(self, reason):
        self.not_run[reason] = self.not_run.get(reason, 0) + 1

    def yaml(self, b):
        # Imported here: only pages with YAML (docs/ci.md) need the module.
        import yaml
        try:
            yaml.safe_load("\n".join(b.body) + "\n")
            self.ok(True, "%s: the YAML parses" % b.where())
        except yaml.YAMLError as e:
            self.ok(False, "%s: the YAML does not parse" % b.where(), str(e))

    def pinned(self, command):
        # diff --backtest reads no data as of today: each period is its own date.
        return not PINNED_VERBS.search(command) or "--as-of" in command or "--backtest" in command

    def command_result(self, where, command, expected, out, code):
        want = int(EXIT_RE.search(command).group(1)) if EXIT_RE.search(command) else 0
        actual = out.split("\n")
        if actual and actual[-1] == "":
            actual.pop()
        else:
            actual.append("(no newline at the end)")
        same = expected is None or match(expected, actual)
        detail = ""
        if not self.pinned(command):
            detail += "the date is not pinned: add --as-of\n"
        if code != want:
            detail += "exit status %d, the doc says %d\n" % (code, want)
        if not same and not UPDATE:
            detail += "".join(l + "\n" for l in difflib.unified_diff(expected, actual, "doc", "rubric", lineterm=""))
        self.ok(not detail, "%s: $ %s%s" % (where, command, " (updated)" if not same and UPDATE else ""), detail)
        return same, actual

    def doc(self, path):
        rel = os.path.relpath(path, ROOT)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        blocks = parse(rel, text)
        s = Session(self.rubric, os.path.join(self.scratch, re.sub(r"[^\w]+", "_", rel)))
        edits = []      # (first line index, end index, indent, new lines)
        written = []    # rules blocks written with file=, checked at the end
        for n, b in enumerate(blocks):
            if b.setup is not None:
                out, code = s.run(b.setup, block=b)
                if code != 0:
                    self.ok(False, "%s: doc-test setup" % b.where(), out)
            if "excerpt-of" in b.attrs:
                self.excerpt(s, b)
            if b.kind == "console":
                if "skip" in b.flags:
                    self.skip("console skip")
                    continue
                self.console(s, b, edits)
            elif b.kind == "sh":
                if "skip" in b.flags:
                    self.skip("sh skip")
                    continue
                for command in b.body:
                    if command.strip() and not command.lstrip().startswith("#"):
                        out, code = s.run(command)
                        self.command_result(b.where(), command, None, out, code)
            elif b.kind == "rules":
                if "file" in b.attrs:
                    self.write(s, b)
                    written.append((b, os.path.join(s.cwd, b.attrs["file"])))
                elif "fmt" in b.flags:
                    self.fmt(s, b)
                elif "fragment" in b.flags:
                    self.skip("rules fragment")
                elif "excerpt-of" not in b.attrs:
                    p = os.path.join(s.scratch, "snippets", "%d.rules" % n)
                    with open(p, "w") as f:
                        f.write("\n".join(b.body) + "\n")
                    self.policy(s, b, p)
            elif b.kind == "yaml" and "excerpt-of" not in b.attrs:
                self.yaml(b)
            elif b.kind in ("csv", "json", "ndjson") and "file" in b.attrs:
                self.write(s, b)
            elif b.kind in ("csv", "json", "ndjson", "text") and "excerpt-of" not in b.attrs:
                self.skip(b.kind + " (not run)")
            elif "excerpt-of" not in b.attrs:
                self.ok(False, "%s: a block must say what it is (```console, sh, rules, csv, text...), not '%s'"
                        % (b.where(), b.kind))
        for b, p in written:
            self.policy(s, b, p)
        commands = [l[2:] for b in blocks if b.kind == "console" for l in b.body if l.startswith("$ ")]
        for b in blocks:
            if b.kind == "rules" and "error" in b.flags:
                shown = "file" in b.attrs and any(
                    re.search(r"rubric check \S*%s\b" % re.escape(b.attrs["file"]), c) for c in commands)
                self.ok(shown, "%s: a console block shows the errors of this policy (rubric check %s)"
                        % (b.where(), b.attrs.get("file", "FILE")))
        if edits and UPDATE:
            lines = text.split("\n")
            for first, end, indent, new in sorted(edits, reverse=True):
                lines[first:end] = [(indent + l) if l else l for l in new]
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
        self.quotes_unlisted(rel, text)

    def write(self, s, b):
        p = os.path.join(s.cwd, b.attrs["file"])
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write("\n".join(b.body) + "\n")

    def policy(self, s, b, path):
        want = 2 if "error" in b.flags else 0
        out, code = s.run("rubric check %s" % shlex.quote(path), keep_cwd=False)
        self.ok(code == want, "%s: rubric check accepts the policy%s" % (b.where(), " (with errors, as shown)" if want else ""),
                "exit status %d, expected %d\n%s" % (code, want, out))

    def fmt(self, s, b):
        p = os.path.join(s.scratch, "snippets", "fmt.rules")
        text = "\n".join(b.body) + "\n"
        with open(p, "w") as f:
            f.write(text)
        out, code = s.run("rubric fmt - <%s" % shlex.quote(p), keep_cwd=False)
        self.ok(code == 0 and out == text, "%s: the block is in rubric fmt layout" % b.where(),
                "".join(l + "\n" for l in difflib.unified_diff(text.split("\n"), out.split("\n"), "doc", "fmt", lineterm="")))

    def excerpt(self, s, b):
        command = b.attrs["excerpt-of"]
        out, code = s.run(command, keep_cwd=False)
        actual = out.split("\n")
        pos = 0
        for line in b.body:
            pos = actual.index(line, pos) + 1 if line in actual[pos:] else -1
            if pos < 0:
                break
        good = pos >= 0
        detail = "" if self.pinned(command) else "the date is not pinned: add --as-of\n"
        if not good:
            detail += "not in what '%s' prints now (exit %d):\n%s" % (command, code, out)
        self.ok(not detail, "%s: an excerpt of $ %s" % (b.where(), command), detail)

    def console(self, s, b, edits):
        body = b.body
        if not body or not body[0].startswith("$ "):
            self.ok(False, "%s: a console block starts with a '$ ' command" % b.where())
            return
        i = 0
        while i < len(body):
            command = body[i][2:]
            j = i + 1
            while command.endswith("\\") and j < len(body):
                command = command[:-1] + "\n" + body[j]
                j += 1
            k = j
            while k < len(body) and not body[k].startswith("$ "):
                k += 1
            expected = body[j:k]
            out, code = s.run(command, block=b)
            same, actual = self.command_result(b.where(), command, expected, out, code)
            if not same and UPDATE:
                # Block lines are numbered from 1 at the fence; body[0] is the next line.
                edits.append((b.line + j, b.line + k, b.indent, reanchor(expected, actual)))
            i = k

    def quotes_unlisted(self, rel, text):
        listed = set(q["quote"] for q in self.table if q["doc"] == rel)
        outside = re.sub(r"(?ms)^ *```.*?^ *```", "", text)
        for m in QUOTE_RE.finditer(outside):
            if m.group(1) not in listed:
                self.ok(False, "%s: the quoted message `%s` has an entry in tests/docs/quoted.txt" % (rel, m.group(1)))

    def load_table(self):
        self.table, cur = [], None
        with open(os.path.join(ROOT, "tests/docs/quoted.txt"), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    cur = None
                    continue
                key, _, value = line.strip().partition(": ")
                if key == "doc":
                    cur = {"doc": value, "quote": None, "run": []}
                    self.table.append(cur)
                elif key == "quote":
                    cur["quote"] = value
                elif key == "run":
                    cur["run"].append(value)

    def quotes(self, docs):
        table_path = os.path.join(ROOT, "tests/docs/quoted.txt")
        for n, q in enumerate(self.table):
            if os.path.join(ROOT, q["doc"]) not in docs:
                continue
            s = Session(self.rubric, os.path.join(self.scratch, "quoted%d" % n))
            for command in q["run"][:-1]:
                out, code = s.run(command)
                if code != 0:
                    break
            last = q["run"][-1]
            out, code = s.run(last)
            want = int(EXIT_RE.search(last).group(1)) if EXIT_RE.search(last) else 0
            lines = out.split("\n")
            with open(os.path.join(ROOT, q["doc"]), encoding="utf-8") as f:
                doc_text = f.read()
            detail = ""
            if "`%s`" % q["quote"] not in doc_text:
                detail += "%s no longer quotes it\n" % q["doc"]
            if code != want:
                detail += "exit status %d, the table says %d\n" % (code, want)
            found = q["quote"] in lines
            if not found and UPDATE and lines != [""]:
                best = max(lines, key=lambda l: difflib.SequenceMatcher(None, q["quote"], l).ratio())
                for p in (os.path.join(ROOT, q["doc"]), table_path):
                    with open(p, encoding="utf-8") as f:
                        t = f.read()
                    with open(p, "w", encoding="utf-8") as f:
                        f.write(t.replace(q["quote"], best))
                found = True
            elif not found:
                detail += "rubric prints instead:\n" + out
            self.ok(found and not detail, "%s: the quoted message `%s`" % (q["doc"], q["quote"]), detail)


def self_test(c):
    """The checker's own test: it catches each drift of selftest/drift.md, and
    UPDATE=1 turns selftest/stale.md into selftest/stale.expected.md."""
    here = os.path.join(ROOT, "tests/docs/selftest")
    env = dict(os.environ)
    env.pop("UPDATE", None)

    def child(doc, scratch, update=False):
        e = dict(env, UPDATE="1") if update else env
        p = subprocess.run([sys.executable, os.path.abspath(__file__), c.rubric, scratch, doc],
                           env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    code, out = child(os.path.join(here, "drift.md"), os.path.join(c.scratch, "selftest-drift"))
    got = [l for l in out.split("\n") if l.startswith("not ok - ")]
    with open(os.path.join(here, "drift.expected"), encoding="utf-8") as f:
        want = f.read().rstrip("\n").split("\n")
    c.ok(code == 1 and got == want, "self-test: every drift of tests/docs/selftest/drift.md is caught",
         "".join(l + "\n" for l in difflib.unified_diff(want, got, "drift.expected", "caught", lineterm="")))

    work = os.path.join(c.scratch, "selftest-stale")
    os.makedirs(work, exist_ok=True)
    doc = os.path.join(work, "stale.md")
    shutil.copy(os.path.join(here, "stale.md"), doc)
    child(doc, os.path.join(c.scratch, "selftest-update"), update=True)
    code, out = child(doc, os.path.join(c.scratch, "selftest-update"))
    with open(doc, encoding="utf-8") as f:
        got = f.read()
    with open(os.path.join(here, "stale.expected.md"), encoding="utf-8") as f:
        want = f.read()
    c.ok(code == 0 and got == want, "self-test: UPDATE=1 rewrites the outputs of tests/docs/selftest/stale.md",
         out + "".join(l + "\n" for l in difflib.unified_diff(want.split("\n"), got.split("\n"),
                                                              "stale.expected.md", "updated", lineterm="")))


def policy_pages():
    """The pages beside the shipped policies (rules/*/*.md): their examples
    run from the repository's top, as the pages say."""
    pages, top = [], os.path.join(ROOT, "rules")
    for d in sorted(os.listdir(top)):
        if os.path.isdir(os.path.join(top, d)):
            pages += sorted(os.path.join(top, d, f) for f in os.listdir(os.path.join(top, d)) if f.endswith(".md"))
    return pages


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: check_docs.py RUBRIC SCRATCH [DOC.md...]")
    rubric = os.path.abspath(sys.argv[1])
    scratch = os.path.abspath(sys.argv[2])
    docs = [os.path.abspath(d) for d in sys.argv[3:]] or \
        [os.path.join(ROOT, "README.md")] + sorted(
            os.path.join(ROOT, "docs", d) for d in os.listdir(os.path.join(ROOT, "docs")) if d.endswith(".md")) + \
        policy_pages()
    c = Checker(rubric, scratch)
    c.load_table()
    for d in docs:
        c.doc(d)
    c.quotes(docs)
    if len(sys.argv) == 3:
        self_test(c)
    if c.not_run:
        print("# not run, as marked: " + ", ".join("%d %s" % (v, k) for k, v in sorted(c.not_run.items())))
    print("docs: %d passed, %d failed" % (c.passed, c.failed))
    if not c.failed:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
