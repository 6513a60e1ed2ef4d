"""tests/editors/precommit.py RUBRIC BUILD_DIR: the hooks of
.pre-commit-hooks.yaml, run as pre-commit runs them (entry, args, then the
matching file names unless pass_filenames is false, from the repository's
root, with `rubric` found on PATH) on a copy of rules/gitlab: all pass on
the copy, and each fails once a typo, a bad layout or a failing test is
planted.  Prints ok / not ok.  (docs/ci.md's YAML is parsed by the
documentation examples' test.)"""
import os
import re
import shlex
import shutil
import subprocess
import sys

import yaml

rubric, build = sys.argv[1], sys.argv[2]
work = os.path.abspath(os.path.join(build, "precommit"))
shutil.rmtree(work, ignore_errors=True)
os.makedirs(os.path.join(work, "bin"))
os.symlink(os.path.abspath(rubric), os.path.join(work, "bin", "rubric"))
env = dict(os.environ, PATH=os.path.join(work, "bin") + os.pathsep + os.environ["PATH"])
failures = 0


def report(ok, what):
    global failures
    print(("ok - " if ok else "not ok - ") + what)
    failures += not ok


hooks = yaml.safe_load(open(".pre-commit-hooks.yaml"))
report([h["id"] for h in hooks] == ["rubric-check", "rubric-fmt", "rubric-test"],
       ".pre-commit-hooks.yaml lists rubric-check, rubric-fmt, rubric-test")
for h in hooks:
    report(h.get("language") == "system" and h.get("files") == r"\.rules$"
           and shlex.split(h["entry"])[0] == "rubric",
           h["id"] + ": language system, rubric, on .rules files")


def repo(name, plant=None):
    """A fresh copy of rules/gitlab, with plant(path) applied."""
    root = os.path.join(work, name)
    shutil.copytree("rules/gitlab", root)
    if plant:
        plant(root)
    return root


def run_hook(hook, root):
    files = sorted(os.path.relpath(os.path.join(d, f), root)
                   for d, _, names in os.walk(root) for f in names)
    files = [f for f in files if re.search(hook["files"], f)]
    argv = shlex.split(hook["entry"]) + list(hook.get("args", []))
    if hook.get("pass_filenames", True):
        argv += files
    r = subprocess.run(argv, cwd=root, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout


def edit(rel, old, new):
    def plant(root):
        path = os.path.join(root, rel)
        text = open(path).read()
        assert old in text, (rel, old)
        open(path, "w").write(text.replace(old, new, 1))
    return plant


good = repo("good")
for h in hooks:
    rc, out = run_hook(h, good)
    report(rc == 0, "%s passes on a copy of rules/gitlab (exit %d)%s"
           % (h["id"], rc, "" if rc == 0 else "\n" + out))
rc, out = run_hook(hooks[2], good)
counts = re.search(r"(\d+) passed, (\d+) failed", out)
report(counts is not None and int(counts.group(1)) > 0,
       "rubric-test runs the repository's tests (%s of them pass)"
       % (counts.group(1) if counts else "none"))

plants = {
    "rubric-check": ("typo", edit("account_health.rules",
                                  "= active_users_l28d /", "= active_userz_l28d /")),
    "rubric-fmt": ("bad layout", edit("account_health.rules",
                                      "measure user_engagement =", "measure  user_engagement =")),
    "rubric-test": ("failing test", edit("account_health_test.rules",
                                         "expect license_activation is red",
                                         "expect license_activation is green")),
}
for h in hooks:
    what, plant = plants[h["id"]]
    rc, out = run_hook(h, repo(h["id"] + "-" + what.replace(" ", "-"), plant))
    report(rc != 0, "%s fails on a planted %s (exit %d)" % (h["id"], what, rc))

sys.exit(1 if failures else 0)
