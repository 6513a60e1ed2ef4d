"""What the cross-check scripts share: the command line and the copy of
the binary under test, one "ok - / not ok -" line per check, a count at the
end, running rubric with its output as text, the account generator, and
writing test files."""
import os
import shutil
import subprocess
import sys

_counts = {"passed": 0, "failed": 0}


def report(name, good, details=()):
    """Prints the check's line; on a failure, the first lines of details."""
    print(("ok - " if good else "not ok - ") + name)
    _counts["passed" if good else "failed"] += 1
    if not good:
        lines = [l for d in details for l in str(d).splitlines()]
        for line in lines[:14]:
            print("#   " + line)


def run(argv, cwd=None):
    """Runs a command; returns (exit status, stdout, stderr) as text.  No
    GIT_ variable of the caller leaks into a git repository made here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["NO_COLOR"] = "1"
    p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=120)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def finish():
    """The last line the test runner adds up, and the exit status."""
    print("%d passed, %d failed" % (_counts["passed"], _counts["failed"]))
    sys.exit(1 if _counts["failed"] else 0)


def start(script, verb):
    """RUBRIC_BINARY and WORK_DIR from the command line: the work folder
    made, and a copy of the binary in it, so that a rebuild while a check
    runs does not change (or remove) the program under test halfway; exits
    when `rubric VERB --help` fails.  Returns (the copy, the folder)."""
    if len(sys.argv) != 3:
        sys.exit("usage: %s RUBRIC_BINARY WORK_DIR" % script)
    work = os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    rubric = os.path.join(work, "rubric-under-test")
    shutil.copy2(os.path.abspath(sys.argv[1]), rubric)
    rc, out, err = run([rubric, verb, "--help"])
    if rc != 0:
        report("rubric %s --help" % verb, False, err.splitlines()[:3])
        sys.exit(1)
    return rubric, work


def gen_accounts():
    """build/gen_accounts beside the binary given on the command line
    (rubric or build/rubric), else in this repository."""
    here = os.path.dirname(os.path.abspath(sys.argv[1]))
    for gen in (os.path.join(here, "build", "gen_accounts"), os.path.join(here, "gen_accounts")):
        if os.path.exists(gen):
            return gen
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "build", "gen_accounts")


def write(path, text):
    """text to path as UTF-8, as written (no newline translation), the
    folder made if needed; returns path."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path
