"""What the cross-check scripts share: one "ok - / not ok -" line per
check, a count at the end, and running rubric with its output as text."""
import os
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
