#!/usr/bin/env python3
"""golden.py - the golden tests of the command line: reads the cases of
tests/golden/*.golden (one file per verb; the format is in README.md), runs
each in a scratch folder and compares what comes out, byte for byte.

    golden.py RUBRIC WORKDIR [CASE|VERB...]     UPDATE=1 rewrites the
                                                expectations of the cases run
The parser and the writer are also what the converter of old case folders
uses, so that a file written by one reads back the same in the other."""

import datetime
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
# Sections in the order they are written; stdin, stdout and stderr hold
# bytes, "file PATH" the bytes the command must leave in PATH.
STREAMS = ("setup", "stdin", "stdout", "stderr")
NO_NEWLINE = " (no newline at end)"


class FormatError(Exception):
    pass


class Body:
    """A section's bytes: inline text, or a reference to a file kept in the
    case's folder (ref is relative to cases/NAME/) for bytes that are not
    plain text."""

    def __init__(self, data=None, ref=None):
        self.data, self.ref = data, ref

    def read(self, name):
        if self.ref is None:
            return self.data
        # The folder itself may not exist: ../../fixtures/X is read as such.
        with open(os.path.normpath(os.path.join(HERE, "cases", name, self.ref)), "rb") as f:
            return f.read()


class Case:
    def __init__(self, name, path, line):
        self.name, self.path, self.line = name, path, line
        self.cmd = None
        self.bodies = {}  # setup, stdin, stdout, stderr -> Body
        self.files = []  # [(path, Body)]
        self.exit = 0

    def folder(self):
        return os.path.join(HERE, "cases", self.name)


def is_header(line):
    return line.startswith(("### ", "--- ")) or line == "$ rubric" or line.startswith("$ rubric ")


def inline_ok(data):
    """Whether bytes can be written inline and read back the same: UTF-8
    text without NUL, CR or other control characters but tab, and no line
    that would read as a header."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if re.search("[\x00-\x08\x0b-\x1f\x7f]", text):
        return False
    return not any(is_header(line) for line in text.split("\n"))


def parse(path):
    """Returns (preamble, cases) of a .golden file."""
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FormatError("%s: not UTF-8 (%s)" % (path, e))
    lines = text.split("\n")
    # A final newline ends the last line; it does not start an empty one
    # (and a file whose last line has none reads as if it had one).
    if lines[-1] == "":
        lines.pop()
    preamble, cases = [], []
    case = None
    section = None  # (kind, arg, no_newline, [lines], line number)

    def close(before_case):
        nonlocal section
        if section is None:
            return
        kind, arg, no_nl, body, line = section
        section = None
        if before_case:
            if not body or body[-1] != "":
                raise FormatError("%s:%d: a blank line must come before the next case" % (path, line))
            body = body[:-1]
        data = "".join(l + "\n" for l in body).encode("utf-8")
        if no_nl:
            if not data:
                raise FormatError("%s:%d: an empty section has no newline to take off" % (path, line))
            data = data[:-1]
        if kind in ("exit", "$ rubric"):
            if data:
                raise FormatError("%s:%d: %s takes no lines: start a section first" % (path, line, kind))
            return
        target = Body(data=data)
        if arg is not None and arg[0] == "<":
            if data:
                raise FormatError("%s:%d: a section kept in a file takes no lines" % (path, line))
            target = Body(ref=arg[1])
        if kind == "file":
            case.files.append((arg[2], target))
        else:
            case.bodies[kind] = target

    i = 0
    while i < len(lines):
        line = lines[i]
        n = i + 1
        i += 1
        if line.startswith("### "):
            if case is None:
                if preamble and preamble[-1] != "":
                    raise FormatError("%s:%d: a blank line must come before the next case" % (path, n))
            else:
                close(True)
                if case.cmd is None:
                    raise FormatError("%s:%d: case %s has no '$ rubric' line" % (path, case.line, case.name))
            name = line[4:]
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
                raise FormatError("%s:%d: a case name is letters, digits, '.', '_' and '-': %r" % (path, n, name))
            if case is None and preamble and preamble[-1] == "":
                preamble.pop()
            case = Case(name, path, n)
            cases.append(case)
            continue
        if case is None:
            if is_header(line):
                raise FormatError("%s:%d: a section outside a case" % (path, n))
            preamble.append(line)
            continue
        if line == "$ rubric" or line.startswith("$ rubric "):
            close(False)
            if case.cmd is not None:
                raise FormatError("%s:%d: case %s has two commands" % (path, n, case.name))
            cmd = [line[len("$ rubric "):]]
            # A command that spans lines goes on with "> ", as a shell prompts.
            while i < len(lines) and lines[i].startswith("> "):
                cmd.append(lines[i][2:])
                i += 1
            case.cmd = "\n".join(cmd)
            section = ("$ rubric", None, False, [], n)
            continue
        if line.startswith("--- "):
            close(False)
            head = line[4:]
            no_nl = head.endswith(NO_NEWLINE)
            if no_nl:
                head = head[: -len(NO_NEWLINE)]
            m = re.fullmatch(r"exit (\d+)", head)
            if m:
                if no_nl:
                    raise FormatError("%s:%d: 'exit' has no newline to take off" % (path, n))
                case.exit = int(m.group(1))
                section = ("exit", None, False, [], n)
                continue
            ref = None
            m = re.fullmatch(r"(.*?) < (\S+)", head)
            if m:
                head, ref = m.group(1), m.group(2)
            if head in STREAMS:
                kind, fname = head, None
            elif head.startswith("file ") and head[5:].strip() == head[5:] and head[5:]:
                kind, fname = "file", head[5:]
            else:
                raise FormatError("%s:%d: unknown section %r (setup, stdin, stdout, stderr, file PATH, exit N)" % (path, n, line))
            if kind != "file" and kind in case.bodies or kind == "file" and any(p == fname for p, _ in case.files):
                raise FormatError("%s:%d: case %s has two %s sections" % (path, n, case.name, head))
            section = (kind, ("<" if ref else "=", ref, fname), no_nl, [], n)
            continue
        if section is None:
            raise FormatError("%s:%d: a line before the command of case %s" % (path, n, case.name))
        section[3].append(line)
    if case is None:
        raise FormatError("%s: no case" % path)
    close(False)
    if case.cmd is None:
        raise FormatError("%s:%d: case %s has no '$ rubric' line" % (path, case.line, case.name))
    return "\n".join(preamble), cases


def write_body(out, head, body):
    if body.ref is not None:
        out.append("--- %s < %s\n" % (head, body.ref))
        return
    text = body.data.decode("utf-8")
    if text and not text.endswith("\n"):
        out.append("--- %s%s\n%s\n" % (head, NO_NEWLINE, text))
    else:
        out.append("--- %s\n%s" % (head, text))


def serialize(preamble, cases):
    out = []
    if preamble:
        out.append(preamble + "\n\n")
    for k, c in enumerate(cases):
        if k:
            out.append("\n")
        out.append("### %s\n" % c.name)
        if "setup" in c.bodies:
            write_body(out, "setup", c.bodies["setup"])
        lines = c.cmd.split("\n")
        out.append("$ rubric %s\n" % lines[0] if lines[0] else "$ rubric\n")
        for more in lines[1:]:
            out.append("> %s\n" % more)
        for kind in STREAMS[1:]:
            b = c.bodies.get(kind)
            # An empty stdin is kept: a file that is empty is not /dev/null.
            if b is not None and (kind == "stdin" or b.ref is not None or b.data):
                write_body(out, kind, b)
        for path, b in c.files:
            write_body(out, "file " + path, b)
        if c.exit:
            out.append("--- exit %d\n" % c.exit)
    return "".join(out).encode("utf-8")


def load_all():
    """Every case of every .golden file, in file then case order."""
    files, names = [], {}
    for fn in sorted(os.listdir(HERE)):
        if not fn.endswith(".golden"):
            continue
        path = os.path.relpath(os.path.join(HERE, fn))
        preamble, cases = parse(path)
        for c in cases:
            if c.name in names:
                raise FormatError("%s:%d: case %s is also at %s:%d" % (path, c.line, c.name, names[c.name].path, names[c.name].line))
            names[c.name] = c
        files.append((path, preamble, cases))
    return files, names


def run_case(c, rubric, work, update):
    """Runs one case; returns (lines to print, passed)."""
    out = os.path.join(work, c.name)
    run = os.path.join(out, "run")
    shutil.rmtree(out, ignore_errors=True)
    # Each case runs in a scratch copy of its folder, so files it writes stay
    # out of the tree and ../../fixtures, ../../rules are the copies beside.
    if os.path.isdir(c.folder()):
        shutil.copytree(c.folder(), run, symlinks=True)
    else:
        os.makedirs(run)
    env = dict(os.environ, LC_ALL="C", NO_COLOR="1")
    # A setup may run rubric itself (earlier periods of a score history).
    env["GOLDEN_RUBRIC"] = rubric
    if "setup" in c.bodies:
        script = os.path.join(out, "setup.sh")
        with open(script, "wb") as f:
            f.write(c.bodies["setup"].read(c.name))
        with open(os.path.join(out, "setup.log"), "wb") as log:
            rc = subprocess.call(["sh", script], cwd=run, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
        if rc != 0:
            with open(os.path.join(out, "setup.log"), "rb") as log:
                text = log.read().decode("utf-8", "replace")
            return ["not ok - %s" % c.name, "  setup failed:"] + ["    " + l for l in text.splitlines()], False
    stdin_path = os.devnull
    if "stdin" in c.bodies:
        stdin_path = os.path.join(out, "stdin")
        with open(stdin_path, "wb") as f:
            f.write(c.bodies["stdin"].read(c.name))
    # The command line is shell-quoted: the shell reads it as it would.
    env["GOLDEN_RUBRIC"], env["GOLDEN_CMD"] = rubric, c.cmd
    with open(stdin_path, "rb") as fin, open(os.path.join(out, "stdout"), "wb") as fout, open(os.path.join(out, "stderr"), "wb") as ferr:
        rc = subprocess.call(["sh", "-c", 'eval "set -- $GOLDEN_CMD" && exec "$GOLDEN_RUBRIC" "$@"'], cwd=run, stdin=fin, stdout=fout, stderr=ferr, env=env)
    if rc < 0:
        rc = 128 - rc  # killed by a signal: what a shell would say
    with open(os.path.join(out, "code"), "w") as f:
        f.write("%d\n" % rc)
    got = {}
    for part in ("stdout", "stderr"):
        with open(os.path.join(out, part), "rb") as f:
            got[part] = f.read()
    files = []
    for path, body in c.files:
        p = os.path.join(run, path)
        files.append(open(p, "rb").read() if os.path.isfile(p) else None)
    if update:
        store(c, got, rc, files)
    msgs = []
    # A case whose expected output holds today's date passes only today:
    # every case must pin its date (--as-of), so one that does not fails.
    today = {datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"), datetime.date.today().strftime("%Y-%m-%d")}
    want = {part: c.bodies[part].read(c.name) if part in c.bodies else b"" for part in ("stdout", "stderr")}
    wanted_files = [(path, body.read(c.name)) for path, body in c.files]
    for what, data in [("stdout", want["stdout"]), ("stderr", want["stderr"])] + [("file " + p, d) for p, d in wanted_files]:
        for day in sorted(today):
            if day.encode() in data:
                msgs.append("  %s holds today's date (%s): pin the date with --as-of" % (what, day))
                break
    exp = os.path.join(out, "expected")
    os.makedirs(exp, exist_ok=True)
    for part, data in (("code", b"%d\n" % c.exit), ("stdout", want["stdout"]), ("stderr", want["stderr"])):
        actual = os.path.join(out, part)
        with open(actual, "rb") as f:
            if f.read() == data:
                continue
        wanted = os.path.join(exp, part)
        with open(wanted, "wb") as f:
            f.write(data)
        msgs.append("  %s differs:" % ("exit code" if part == "code" else part))
        d = subprocess.run(["diff", wanted, actual], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
        msgs += ["    " + l for l in d.decode("utf-8", "replace").splitlines()[:15]]
    for (path, data), actual in zip(wanted_files, files):
        if actual != data:
            msgs.append("  file %s is missing or differs" % path)
    if msgs:
        return ["not ok - %s" % c.name] + msgs, False
    return ["ok - %s" % c.name], True


def guarded(c, rubric, work, update):
    try:
        return run_case(c, rubric, work, update)
    except OSError as e:  # a file the case names is missing, the disk is full...
        return ["not ok - %s" % c.name, "  %s" % e], False


def set_body(c, key, data, old, fallback):
    """The new expectation: where it was (a file stays a file), inline when
    plain text, else in a file of the case's folder."""
    if old is not None and old.ref is not None:
        with open(os.path.normpath(os.path.join(c.folder(), old.ref)), "wb") as f:
            f.write(data)
        return old
    if inline_ok(data):
        return Body(data=data)
    os.makedirs(c.folder(), exist_ok=True)
    with open(os.path.join(c.folder(), fallback), "wb") as f:
        f.write(data)
    return Body(ref=fallback)


def store(c, got, rc, files):
    for part in ("stdout", "stderr"):
        c.bodies[part] = set_body(c, part, got[part], c.bodies.get(part), part)
    c.exit = rc
    for k, ((path, body), data) in enumerate(zip(c.files, files)):
        if data is not None:  # a file not made keeps its expectation
            c.files[k] = (path, set_body(c, path, data, body, os.path.basename(path) + ".expected"))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: run.sh RUBRIC WORKDIR [CASE|VERB...]\n")
        return 2
    rubric = os.path.abspath(argv[1])
    work = os.path.abspath(argv[2])
    update = os.environ.get("UPDATE") == "1"
    try:
        files, names = load_all()
    except FormatError as e:
        print("not ok - the case files: %s" % e)
        print("golden: 0 passed, 1 failed")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copytree(os.path.join(HERE, "fixtures"), os.path.join(work, "fixtures"), symlinks=True)
    shutil.copytree(os.path.join(HERE, "..", "..", "rules"), os.path.join(work, "rules"), symlinks=True)
    todo, missing = [], []
    if len(argv) > 3:
        for arg in argv[3:]:
            if arg in names:
                todo.append(names[arg])
                continue
            # A verb: every case of its file.
            verb = [c for path, _, cases in files if os.path.basename(path) == arg + ".golden" for c in cases]
            if verb:
                todo += verb
            else:
                missing.append(arg)
    else:
        todo = [c for _, _, cases in files for c in cases]
    jobs = int(os.environ.get("GOLDEN_JOBS") or min(4, os.cpu_count() or 1))
    passed = failed = 0
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = pool.map(lambda c: guarded(c, rubric, work, update), todo)
        for lines, ok in results:
            print("\n".join(lines), flush=True)
            if ok:
                passed += 1
            else:
                failed += 1
    for arg in missing:
        print("not ok - %s\n  no such case or verb" % arg)
        failed += 1
    if update:
        for path, preamble, cases in files:
            data = serialize(preamble, cases)
            with open(path, "rb") as f:
                if f.read() == data:
                    continue
            with open(path, "wb") as f:
                f.write(data)
    print("golden: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
