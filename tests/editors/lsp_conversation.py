#!/usr/bin/env python3
"""tests/editors/lsp_conversation.py BUILD_DIR RUBRIC...: `rubric lsp` as an
editor drives it, through real pipes, for each binary given (the plain
build and the ASan+UBSan one): the lifecycle and its exit codes,
diagnostics where they belong (UTF-16 columns after non-ASCII text; the
lint's name as code; across an import, an open buffer winning over the
disk), hover, definition, references and rename across files, completion,
the outline, formatting exactly as `rubric fmt`, the explain code lens and
command on a shipped policy, and every kind of broken input.  Every read
has a timeout, so a server that hangs fails the test instead of stalling
it.  Prints ok / not ok lines, then `lsp: N passed, N failed`."""
import glob
import json
import os
import select
import shutil
import subprocess
import sys
import time

build, binaries = sys.argv[1], sys.argv[2:]
work = os.path.abspath(os.path.join(build, "lsp"))
TIMEOUT = 60  # seconds for any one answer: generous for ASan on a busy machine
passed = failed = 0


def report(ok, what, detail=""):
    global passed, failed
    print(("ok - " if ok else "not ok - ") + what + ("" if ok or not detail else ": " + str(detail)[:600]))
    if ok:
        passed += 1
    else:
        failed += 1


class Server:
    def __init__(self, rubric):
        self.p = subprocess.Popen([rubric, "lsp", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=work)
        self.buf = b""
        self.next_id = 0
        self.pending = []  # notifications read while waiting for something else

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, msg):
        msg = dict(msg, jsonrpc="2.0")
        body = json.dumps(msg).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer in %d s" % TIMEOUT)
        ready, _, _ = select.select([self.p.stdout], [], [], left)
        if not ready:
            raise TimeoutError("no answer in %d s" % TIMEOUT)
        chunk = os.read(self.p.stdout.fileno(), 1 << 20)
        if not chunk:
            raise EOFError("the server closed its output")
        self.buf += chunk

    def read(self):
        deadline = time.monotonic() + TIMEOUT
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        length = int(head.split(b":")[1])
        self.buf = rest
        while len(self.buf) < length:
            self._fill(deadline)
        body, self.buf = self.buf[:length], self.buf[length:]
        return json.loads(body)

    def notify(self, method, params=None):
        self.send({"method": method, "params": params or {}})

    def request(self, method, params=None):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params if params is not None else {}})
        return self.answer(self.next_id)

    def answer(self, id_):
        while True:
            m = self.read()
            if "method" in m:
                self.pending.append(m)
            elif m.get("id") == id_:
                return m

    def diagnostics(self, uri):
        """The next diagnostics published for uri."""
        for i, m in enumerate(self.pending):
            if m["method"] == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                del self.pending[i]
                return m["params"]["diagnostics"]
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                return m["params"]["diagnostics"]
            if "method" in m:
                self.pending.append(m)

    def settle(self):
        """Reads what the server said so far (a round trip), and forgets
        its notifications: the diagnostics read next are new ones."""
        self.request("rubric/nothing", {})
        self.pending.clear()

    def change(self, uri, version, changes):
        """Sends an edit; the diagnostics read next are those it brings."""
        self.settle()
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": changes})

    def open(self, uri, text, version=1):
        self.settle()
        self.notify("textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": "rubric", "version": version, "text": text}})

    def initialize(self, options=None):
        params = {"processId": None, "rootUri": uri_of(work), "capabilities": {}}
        if options is not None:
            params["initializationOptions"] = options
        r = self.request("initialize", params)
        self.notify("initialized")
        return r

    def finish(self, shutdown=True):
        """shutdown (unless not) and exit; the exit code and standard error."""
        if shutdown:
            self.request("shutdown", None)
        self.notify("exit")
        return self.wait()

    def wait(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            code = self.p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            code = "hung"
        err = self.p.stderr.read().decode(errors="replace")
        self.p.stdout.close()
        self.p.stderr.close()
        return code, err


def uri_of(path):
    return "file://" + os.path.abspath(path)


def write(name, text):
    with open(os.path.join(work, name), "w", encoding="utf-8") as f:
        f.write(text)
    return uri_of(os.path.join(work, name))


def at(text, needle, nth=0, offset=0):
    """The LSP position (UTF-16 columns) of the nth needle in text, + offset."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += offset
    line = text.count("\n", 0, i)
    col = i - (text.rfind("\n", 0, i) + 1)
    prefix = text[i - col:i]
    return {"line": line, "character": len(prefix.encode("utf-16-le")) // 2}


def doc(uri, pos=None):
    p = {"textDocument": {"uri": uri}}
    if pos is not None:
        p["position"] = pos
    return p


def fmt(rubric, text):
    return subprocess.run([rubric, "fmt", "-"], input=text.encode(), capture_output=True, cwd=work).stdout.decode()


SHARED = """\
# Shared colours.
scheme rag
  red    scores 0    when < 40
  yellow scores 50   when < 75
  green  scores 100  otherwise
"""

# A typo (git_userz) on a line with non-ASCII text before it: an accent
# (one UTF-16 unit, two bytes) and an emoji (two units, four bytes).
POLICY = """\
# Seat adoption.
policy "Seats" version "1.0"

import "shared.rules"

input licenses_sold: number
input git_users: number
input ci_users: number
input plan: text

# How many seats use git.
# Over 28 days.
measure git_adoption = if plan = "caf\u00e9 \U0001F600" then git_userz / licenses_sold else git_users / licenses_sold
  red    < 25%
  yellow < 50%
  green  otherwise

measure ci_adoption = ci_users / licenses_sold
  red    < 25%
  yellow < 50%
  green  otherwise

group seats = mean(git_adoption weight 2, ci_adoption) scheme rag
"""

TESTS = """\
import "pol.rules"

test "few git users is red"
  given licenses_sold = 100, git_users = 10, ci_users = 10, plan = "x"
  expect git_adoption is red
"""

UNFORMATTED = """\
policy   "Messy"  version "1"
input a:number
input b :  number
scheme rag
    red scores 0 when <40
    green scores 100 otherwise
measure m = a/b
    red < 50%
    green otherwise
"""


def conversation(rubric):
    tag = " [%s]" % os.path.basename(rubric)
    shared_uri = write("shared.rules", SHARED)
    pol_uri = write("pol.rules", POLICY)
    test_uri = write("pol_test.rules", TESTS)
    s = Server(rubric)

    # Lifecycle: nothing before initialize.
    r = s.request("textDocument/hover", doc(pol_uri, {"line": 0, "character": 0}))
    report(r.get("error", {}).get("code") == -32002, "a request before initialize: ServerNotInitialized" + tag, r)
    r = s.initialize()
    caps = r.get("result", {}).get("capabilities", {})
    report(all(k in caps for k in ("hoverProvider", "definitionProvider", "referencesProvider", "completionProvider",
                                   "documentSymbolProvider", "documentFormattingProvider", "renameProvider",
                                   "codeLensProvider"))
           and caps.get("executeCommandProvider", {}).get("commands") == ["rubric.explain"]
           and caps.get("renameProvider", {}).get("prepareProvider") is True,
           "initialize lists the capabilities" + tag, caps)

    # The typo's diagnostic, on its line and UTF-16 column.
    s.open(pol_uri, POLICY)
    diags = s.diagnostics(pol_uri)
    want = at(POLICY, "git_userz")
    errors = [d for d in diags if d["severity"] == 1]
    report(len(errors) == 1 and errors[0]["range"]["start"] == want
           and errors[0]["range"]["end"] == dict(want, character=want["character"] + len("git_userz"))
           and "git_users" in errors[0]["message"] and errors[0]["source"] == "rubric",
           "a typo after non-ASCII text: the error at its line and UTF-16 column" + tag, (diags, want))

    # Fixed with an incremental edit: the lint remains, its name as code.
    start = at(POLICY, "git_userz")
    s.change(pol_uri, 2, [{"range": {"start": start, "end": dict(start, character=start["character"] + 9)},
                                           "text": "git_users"}])
    diags = s.diagnostics(pol_uri)
    report([(d["severity"], d.get("code")) for d in diags] == [(2, "few-metrics")]
           and diags[0]["range"]["start"] == at(POLICY, "group seats", offset=6),
           "an incremental edit fixes it; the lint stays, code few-metrics" + tag, diags)
    fixed = POLICY.replace("git_userz", "git_users")
    write("pol.rules", fixed)
    check = subprocess.run([rubric, "check", "--format", "json", "pol.rules"], capture_output=True, cwd=work)
    cli = json.loads(check.stdout)
    report([(d["code"], d["line"], d["column"]) for d in cli] == [("few-metrics", 23, 7)],
           "rubric check says the same of the saved file" + tag, cli)

    # Hover on a measure: its thresholds, scheme and comment.
    r = s.request("textDocument/hover", doc(pol_uri, at(fixed, "git_adoption weight", offset=3)))
    value = (r.get("result") or {}).get("contents", {}).get("value", "")
    report("red    < 25%" in value and "yellow < 50%" in value and "scheme rag" in value
           and "How many seats use git." in value and "measure" in value,
           "hover on a measure: thresholds, scheme, comment" + tag, value)
    r = s.request("textDocument/hover", doc(pol_uri, at(fixed, "group seats", offset=6)))
    value = (r.get("result") or {}).get("contents", {}).get("value", "")
    report("git_adoption weight 2" in value and "group" in value, "hover on a group: members and weights" + tag, value)
    r = s.request("textDocument/hover", doc(pol_uri, at(fixed, "yellow <")))
    value = (r.get("result") or {}).get("contents", {}).get("value", "")
    report("scheme `rag`" in value and "yellow scores 50" in value, "hover on a band: its scheme line" + tag, value)
    r = s.request("textDocument/hover", doc(pol_uri, {"line": 2, "character": 0}))
    report(r.get("result", "missing") is None, "hover on nothing: null" + tag, r)

    # Definition: in the file, and across the import.
    r = s.request("textDocument/definition", doc(pol_uri, at(fixed, "git_adoption weight")))
    report(r.get("result") == {"uri": pol_uri, "range": {"start": at(fixed, "git_adoption ="),
                                                         "end": at(fixed, "git_adoption =", offset=12)}},
           "definition of a measure" + tag, r)
    r = s.request("textDocument/definition", doc(pol_uri, at(fixed, "rag\n", offset=1)))
    res = r.get("result") or {}
    report(res.get("uri") == shared_uri and res.get("range", {}).get("start") == at(SHARED, "rag"),
           "definition of a scheme, in the imported file" + tag, r)

    # The test file: definition into the policy it tests.
    s.open(test_uri, TESTS)
    report(s.diagnostics(test_uri) == [], "the test file has no diagnostics" + tag)
    r = s.request("textDocument/definition", doc(test_uri, at(TESTS, "git_adoption")))
    res = r.get("result") or {}
    report(res.get("uri") == pol_uri and res.get("range", {}).get("start") == at(fixed, "git_adoption ="),
           "definition from a test file to its policy" + tag, r)

    # References and rename across the open files.
    r = s.request("textDocument/references", {**doc(pol_uri, at(fixed, "git_adoption =")),
                                              "context": {"includeDeclaration": True}})
    places = sorted((loc["uri"], loc["range"]["start"]["line"]) for loc in r.get("result") or [])
    report(places == sorted([(pol_uri, 12), (pol_uri, 22), (test_uri, 4)]),
           "references of a measure, the test file's too" + tag, places)
    r = s.request("textDocument/prepareRename", doc(pol_uri, at(fixed, "git_adoption =")))
    report((r.get("result") or {}).get("placeholder") == "git_adoption", "prepareRename" + tag, r)
    r = s.request("textDocument/rename", {**doc(pol_uri, at(fixed, "git_adoption =")), "newName": "git_share"})
    changes = (r.get("result") or {}).get("changes", {})
    report(sorted((u, len(e)) for u, e in changes.items()) == sorted([(pol_uri, 2), (test_uri, 1)])
           and all(e["newText"] == "git_share" for es in changes.values() for e in es),
           "rename of a measure edits the policy and its test file" + tag, changes)
    for bad, why in (("ci_adoption", "already declared"), ("if", "keyword"), ("9lives", "not a name"),
                     ("min", "builtin")):
        r = s.request("textDocument/rename", {**doc(pol_uri, at(fixed, "git_adoption =")), "newName": bad})
        report("error" in r and why in r["error"].get("message", ""), "rename to %s refused (%s)" % (bad, why) + tag, r)
    r = s.request("textDocument/rename", {**doc(pol_uri, at(fixed, "rag\n", offset=1)), "newName": "colours"})
    changes = (r.get("result") or {}).get("changes", {})
    report(sorted((u, len(e)) for u, e in changes.items()) == sorted([(pol_uri, 1), (shared_uri, 1)]),
           "rename of a scheme edits the imported file too" + tag, changes)

    # An imported file's unsaved text wins over the disk, and the file
    # that imports it is told.
    s.open(shared_uri, SHARED)
    diags = s.diagnostics(shared_uri)
    report([(d["code"], d["range"]["start"]) for d in diags] == [("unused", at(SHARED, "rag"))],
           "the imported file alone: its own lint, as check gives it" + tag, diags)
    s.change(shared_uri, 2, [{"text": SHARED.replace("green", "gren")}])
    s.diagnostics(shared_uri)
    diags = s.diagnostics(pol_uri)
    report(any(d["severity"] == 1 and "green" in d["message"] and d["range"]["start"] == at(fixed, "green")
               for d in diags),
           "an unsaved edit of the imported file: errors in the importer" + tag, diags)
    s.change(shared_uri, 3, [{"text": SHARED.replace("scheme rag", "scheme rag oops")}])
    s.diagnostics(shared_uri)
    diags = s.diagnostics(pol_uri)
    report(any(d["severity"] == 1 and d["message"].startswith(os.path.join(work, "shared.rules") + ":2:")
               and d["range"]["start"] == at(fixed, '"shared.rules"') for d in diags),
           "a syntax error in the imported file: shown at the import line" + tag, diags)
    s.settle()
    s.notify("textDocument/didClose", doc(shared_uri))
    report(s.diagnostics(shared_uri) == [], "closing clears the closed file's diagnostics" + tag)
    report(all(d["severity"] != 1 for d in s.diagnostics(pol_uri)), "closed: the importer reads the disk again" + tag)

    # Completion: bands of the scheme in play, builtins, names, keywords.
    edited = fixed.replace("  green  otherwise\n\nmeasure ci", "  green  otherwise\n  \nmeasure ci")
    s.change(pol_uri, 4, [{"text": edited}])
    s.diagnostics(pol_uri)
    r = s.request("textDocument/completion", doc(pol_uri, at(edited, "  \nmeasure ci", offset=2)))
    labels = {i["label"]: i for i in (r.get("result") or {}).get("items", [])}
    report(all(x in labels for x in ("red", "yellow", "green", "min", "lower", "max_by", "prev", "git_users",
                                     "ci_adoption", "as_of", "measure", "otherwise"))
           and labels["green"]["kind"] == 20 and labels["min"]["kind"] == 3,
           "completion: bands, builtins, names, keywords" + tag, sorted(labels))

    # The outline.
    r = s.request("textDocument/documentSymbol", doc(pol_uri))
    syms = {x["name"]: x for x in r.get("result") or []}
    group = syms.get("seats", {})
    report(all(x in syms for x in ("git_users", "git_adoption", "ci_adoption", "seats"))
           and [c["name"] for c in group.get("children", [])] == ["git_adoption", "ci_adoption"],
           "document symbols, a group with its members" + tag, list(syms))

    # Formatting: exactly rubric fmt's text; a broken file gets an error.
    messy_uri = write("messy.rules", UNFORMATTED)
    s.open(messy_uri, UNFORMATTED)
    s.diagnostics(messy_uri)
    r = s.request("textDocument/formatting", {**doc(messy_uri), "options": {"tabSize": 2, "insertSpaces": True}})
    edits = r.get("result") or []
    want = fmt(rubric, UNFORMATTED)
    report(len(edits) == 1 and edits[0]["newText"] == want and want != UNFORMATTED
           and edits[0]["range"]["start"] == {"line": 0, "character": 0},
           "formatting gives exactly rubric fmt's text" + tag, edits)
    s.change(messy_uri, 2, [{"text": want}])
    s.diagnostics(messy_uri)
    r = s.request("textDocument/formatting", doc(messy_uri))
    report(r.get("result") == [], "formatting a formatted file: no edits" + tag, r)
    s.change(messy_uri, 3, [{"text": "measure = = (\n"}])
    report(len(s.diagnostics(messy_uri)) > 0, "a file that does not parse: its errors" + tag)
    r = s.request("textDocument/formatting", doc(messy_uri))
    report("error" in r and "error" in r["error"]["message"], "formatting a file that does not parse: an error" + tag, r)
    r = s.request("textDocument/hover", doc(messy_uri, {"line": 0, "character": 3}))
    report("result" in r, "hover on a file that does not parse: an answer" + tag, r)

    # The code lens, and explain on a shipped policy with its data.
    shipped = os.path.abspath("rules/gitlab/use_case_health.rules")
    shipped_uri = uri_of(shipped)
    text = open(shipped, encoding="utf-8").read()
    s.open(shipped_uri, text)
    report(s.diagnostics(shipped_uri) == [], "a shipped policy: no diagnostics, as check --strict" + tag)
    r = s.request("textDocument/codeLens", doc(shipped_uri))
    lens = r.get("result") or []
    first = at(text, "policy ")
    report(len(lens) == 1 and lens[0]["command"]["command"] == "rubric.explainAccount"
           and lens[0]["command"]["arguments"] == [shipped_uri] and lens[0]["command"]["title"].startswith("Explain")
           and lens[0]["range"]["start"]["line"] == first["line"],
           "code lens: Explain an account on the policy's first declaration" + tag, lens)
    r = s.request("textDocument/codeLens", doc(test_uri))
    report(r.get("result") == [], "no explain lens on a file of tests" + tag, r)
    explain = {"command": "rubric.explain", "arguments": [shipped_uri, "ACC-000001"]}
    r = s.request("workspace/executeCommand", explain)
    report("explainData" in r.get("error", {}).get("message", ""), "explain without settings: an error naming them" + tag, r)
    data = os.path.relpath(os.path.abspath("rules/gitlab/accounts.csv"), work)
    s.notify("workspace/didChangeConfiguration", {"settings": {"rubric": {"explainData": data, "asOf": "2026-11-01"}}})
    r = s.request("workspace/executeCommand", explain)
    cli = subprocess.run([rubric, "explain", shipped, "rules/gitlab/accounts.csv", "--account", "ACC-000001",
                          "--as-of", "2026-11-01"], capture_output=True).stdout.decode()
    report(r.get("result") == cli and "ACC-000001" in cli, "rubric.explain is rubric explain's text" + tag, r)
    r = s.request("workspace/executeCommand", {"command": "rubric.explain", "arguments": [shipped_uri, "NOPE-1"]})
    report("NOPE-1" in r.get("error", {}).get("message", ""), "explain of an unknown account: an error" + tag, r)
    r = s.request("workspace/executeCommand", {"command": "rubric.nothing", "arguments": []})
    report(r.get("error", {}).get("code") == -32602, "an unknown command: an error" + tag, r)

    # Shut down: then requests are refused, and exit says 0.
    r = s.request("shutdown", None)
    report("result" in r and r["result"] is None, "shutdown" + tag, r)
    r = s.request("textDocument/hover", doc(pol_uri, {"line": 0, "character": 0}))
    report(r.get("error", {}).get("code") == -32600, "a request after shutdown: InvalidRequest" + tag, r)
    code, err = s.finish(shutdown=False)
    report(code == 0 and "ERROR" not in err and "runtime error" not in err, "exit after shutdown: status 0" + tag,
           (code, err))

    s = Server(rubric)
    s.initialize({"explainData": os.path.abspath("rules/gitlab/accounts.csv"), "asOf": "2026-11-01"})
    s.open(shipped_uri, text)
    s.diagnostics(shipped_uri)
    r = s.request("workspace/executeCommand", explain)
    report(r.get("result") == cli, "explain with the settings in initializationOptions" + tag, r)
    code, err = s.finish(shutdown=False)
    report(code == 1 and "ERROR" not in err, "exit without shutdown: status 1" + tag, (code, err))


def other_names(rubric):
    """Hover and definition on records, fields, builtins and parameters
    of a shipped policy of lists, and its outline."""
    tag = " [%s]" % os.path.basename(rubric)
    path = os.path.abspath("rules/gitlab/instance_health.rules")
    uri, text = uri_of(path), open(path, encoding="utf-8").read()
    s = Server(rubric)
    s.initialize()
    s.open(uri, text)
    report(s.diagnostics(uri) == [], "a policy of lists: no diagnostics" + tag)

    def hover(needle, offset=0, nth=0):
        r = s.request("textDocument/hover", doc(uri, at(text, needle, nth, offset)))
        return ((r.get("result") or {}).get("contents") or {}).get("value", "")

    field = "chosen.git_ops_users_l28d"
    value = hover(field, offset=len("chosen.") + 2)
    report("field of record `instance`" in value and "git_ops_users_l28d: number" in value,
           "hover on a record's field" + tag, value)
    r = s.request("textDocument/definition", doc(uri, at(text, field, offset=len("chosen.") + 2)))
    report((r.get("result") or {}).get("range", {}).get("start") == at(text, "git_ops_users_l28d"),
           "definition of a field: its line in the record" + tag, r)
    value = hover("instance_type))", offset=2)
    report("field of record `instance`" in value, "hover on a field inside where" + tag, value)
    value = hover("max_by", offset=1)
    report("builtin function" in value, "hover on a builtin" + tag, value)
    value = hover("onboarding_period", offset=1)
    report("**parameter** `onboarding_period`" in value and "1 month" in value, "hover on a parameter" + tag, value)
    value = hover("chosen =", offset=1)
    report("**definition** `chosen`" in value and "max_by(candidates, updated_at)" in value,
           "hover on a definition" + tag, value)
    value = hover("record instance", offset=8)
    report("**record** `instance`" in value, "hover on a record" + tag, value)
    r = s.request("textDocument/documentSymbol", doc(uri))
    rec = [x for x in r.get("result") or [] if x["name"] == "instance"]
    report(len(rec) == 1 and rec[0]["kind"] == 23 and "git_ops_users_l28d" in [c["name"] for c in rec[0]["children"]],
           "the outline: a record with its fields" + tag, rec)

    # A note ("defined here") is the related information of its error.
    dup = "input a: number\ninput a: number\nlet b = a\n"
    dup_uri = write("dup.rules", dup)
    s.open(dup_uri, dup)
    diags = s.diagnostics(dup_uri)
    rel = diags[0].get("relatedInformation", []) if len(diags) == 1 else []
    report(len(diags) == 1 and diags[0]["range"]["start"] == {"line": 1, "character": 6} and len(rel) == 1
           and rel[0]["location"] == {"uri": dup_uri, "range": {"start": {"line": 0, "character": 6},
                                                                 "end": {"line": 0, "character": 7}}},
           "an error's note: its related information" + tag, diags)

    # Two schemes: completion offers the bands of the one in play.
    two = """input a: number
scheme rag
  red    scores 0    when < 50
  green  scores 100  otherwise
scheme tiers
  bronze scores 0    when < 50
  gold   scores 100  otherwise
measure m = a scheme tiers
  bronze < 10
  gold   otherwise
let is_gold = m is gold
"""
    two_uri = write("two.rules", two)
    s.open(two_uri, two)
    s.diagnostics(two_uri)
    for where, pos in (("in the measure's lines", at(two, "gold   otherwise")),
                       ("after `m is`", at(two, "m is gold", offset=5))):
        r = s.request("textDocument/completion", doc(two_uri, pos))
        bands = sorted(i["label"] for i in (r.get("result") or {}).get("items", []) if i["kind"] == 20)
        report(bands == ["bronze", "gold"], "completion %s: the bands of its scheme only" % where + tag, bands)
    r = s.request("textDocument/completion", doc(two_uri, at(two, "input a")))
    bands = sorted(i["label"] for i in (r.get("result") or {}).get("items", []) if i["kind"] == 20)
    report(bands == ["bronze", "gold", "green", "red"], "completion with no scheme in play: every band" + tag, bands)

    # A test's `given prev(scm) = ...` names scm after `prev`: a rename
    # edits scm there, and leaves prev alone.
    path = os.path.abspath("rules/gitlab/use_case_alerts_test.rules")
    uri, text = uri_of(path), open(path, encoding="utf-8").read()
    s.open(uri, text)
    report(s.diagnostics(uri) == [], "a test file of prev(): no diagnostics" + tag)
    r = s.request("textDocument/rename", {**doc(uri, at(text, "given prev(scm)", offset=11)), "newName": "scm_uc"})
    edits = (r.get("result") or {}).get("changes", {}).get(uri, [])
    starts = [e["range"]["start"] for e in edits]
    report(at(text, "given prev(scm)", offset=11) in starts
           and all(text.splitlines()[e["range"]["start"]["line"]][e["range"]["start"]["character"]:
                                                                  e["range"]["end"]["character"]] == "scm"
                   for e in edits),
           "rename through given prev(NAME): NAME's place, not prev's" + tag, edits)
    r = s.request("textDocument/documentSymbol", doc(uri))
    tests = [x for x in r.get("result") or [] if x["kind"] == 6]
    report(len(tests) > 10 and tests[0]["name"].startswith("seat reduction"), "the outline of a test file: its tests"
           + tag, tests[:2])
    alerts = os.path.abspath("rules/gitlab/use_case_alerts.rules")
    r = s.request("textDocument/definition", doc(uri, at(text, "expect seat_reduction_risk", offset=8)))
    res = r.get("result") or {}
    report(res.get("uri") == uri_of(alerts), "definition of an action, in the policy a test imports" + tag, r)
    alerts_text = open(alerts, encoding="utf-8").read()
    s.open(uri_of(alerts), alerts_text)
    s.diagnostics(uri_of(alerts))
    r = s.request("textDocument/hover", doc(uri_of(alerts), at(alerts_text, "action seat_reduction_risk", offset=8)))
    value = ((r.get("result") or {}).get("contents") or {}).get("value", "")
    report("**action** `seat_reduction_risk`" in value and "priority 1" in value and "reason" in value,
           "hover on an action: its condition, priority and reason" + tag, value)
    r = s.request("textDocument/hover", doc(uri, at(text, "as_of =")))
    value = ((r.get("result") or {}).get("contents") or {}).get("value", "")
    report("evaluation date" in value, "hover on as_of" + tag, value)
    code, err = s.finish()
    report(code == 0 and "ERROR" not in err, "shutdown, exit: status 0" + tag, (code, err))


def same_as_check(rubric):
    """The editor and rubric check never disagree: every policy of the
    golden fixtures and rules/ opened in the server gets, for itself,
    exactly the errors and lints `rubric check --format json` lists."""
    tag = " [%s]" % os.path.basename(rubric)
    # A NUL byte is \u0000 in JSON, where the server's text ends (see
    # docs/editors.md): that fixture is checked by check alone.
    files = sorted(f for f in glob.glob(os.path.abspath("tests/golden/fixtures/*.rules"))
                   + glob.glob(os.path.abspath("rules/*/*.rules")) if not f.endswith("nul-bytes.rules"))
    s = Server(rubric)
    s.initialize()
    differ = []
    for path in files:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        src = text.encode("utf-8")
        check = subprocess.run([rubric, "check", "--format", "json", path], capture_output=True)
        want = []
        for d in json.loads(check.stdout):
            if d["file"] != path or d["severity"] == "note" or d["line"] is None:
                continue
            # check counts bytes from 1; LSP UTF-16 units from 0.
            line = src.split(b"\n")[d["line"] - 1]
            char = len(line[:d["column"] - 1].decode("utf-8", errors="replace").encode("utf-16-le")) // 2
            want.append((d["line"] - 1, char, {"error": 1, "warning": 2}[d["severity"]],
                         d["code"] if d["code"] not in ("error", "warning") else None, d["message"]))
        s.open(uri_of(path), text)
        got = [(d["range"]["start"]["line"], d["range"]["start"]["character"], d["severity"], d.get("code"),
                d["message"]) for d in s.diagnostics(uri_of(path)) if not d["message"].startswith("/")]
        if got != want:
            differ.append((os.path.relpath(path), sorted(set(got) - set(want)), sorted(set(want) - set(got))))
        s.notify("textDocument/didClose", doc(uri_of(path)))
    report(not differ and len(files) > 40, "%d policies: the server's diagnostics are rubric check's" % len(files) + tag,
           differ[:3])
    code, err = s.finish()
    report(code == 0 and "ERROR" not in err, "shutdown, exit: status 0" + tag, (code, err))


def robustness(rubric):
    tag = " [%s]" % os.path.basename(rubric)
    s = Server(rubric)
    s.initialize()
    uri = write("pol.rules", POLICY.replace("git_userz", "git_users"))

    s.send_raw(b"Content-Lenght: 12\r\n\r\n")
    s.send_raw(b"X-Nothing: 1\r\n\r\n{}")
    r = s.request("textDocument/hover", doc(uri, {"line": 0, "character": 0}))
    report(r.get("error", {}).get("code") == -32602, "a malformed header: skipped, the next message answered" + tag, r)
    body = b'{"jsonrpc": "2.0", "id": 99, "method": '
    s.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    r = s.answer(None)
    report(r.get("error", {}).get("code") == -32700, "bad JSON: a parse error" + tag, r)
    s.send_raw(b"Content-Length: 99999999999999\r\n\r\n")
    r = s.request("shutdown-not", {})
    report(r.get("error", {}).get("code") == -32601, "a length too large: skipped; an unknown method: MethodNotFound"
           + tag, r)
    s.send({"id": 7})
    r = s.answer(7)
    report(r.get("error", {}).get("code") == -32600, "a message without a method: InvalidRequest" + tag, r)
    s.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri}}})
    s.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri}, "contentChanges": [{}]}})
    s.send({"method": "$/nothing", "params": None})
    s.send({"method": "textDocument/didOpen", "params": 5})
    for method in ("textDocument/hover", "textDocument/definition", "textDocument/references",
                   "textDocument/completion", "textDocument/rename", "textDocument/documentSymbol",
                   "textDocument/formatting", "textDocument/codeLens", "workspace/executeCommand"):
        r = s.request(method, {"textDocument": {"uri": 5}, "position": {"line": -1}})
        report("error" in r, method + " with missing fields: an error" + tag, r)
    report(not [m for m in s.pending if m.get("method") != "window/logMessage"],
           "notifications with missing fields or unknown: no answer" + tag, s.pending)

    # 5 MB: a long comment, then a policy.
    huge = "# " + "x" * 98 + "\n"
    big = huge * 52000 + POLICY.replace("git_userz", "git_usrs")
    big_uri = uri_of(os.path.join(work, "big.rules"))
    t = time.monotonic()
    s.open(big_uri, big)
    diags = s.diagnostics(big_uri)
    report(len(big) > 5_000_000 and any(d["range"]["start"] == at(big, "git_usrs") for d in diags),
           "a 5 MB file: its diagnostics (%.1f s)" % (time.monotonic() - t) + tag, diags)
    r = s.request("textDocument/hover", doc(big_uri, at(big, "git_adoption weight")))
    report("red    < 25%" in ((r.get("result") or {}).get("contents") or {}).get("value", ""),
           "a 5 MB file: hover" + tag, r)
    garbage = bytes(range(1, 256)).decode("latin-1") * 20 + "\n\u00e9\u0000(((("
    g_uri = uri_of(os.path.join(work, "garbage.rules"))
    s.open(g_uri, garbage)
    report(len(s.diagnostics(g_uri)) > 0, "a file of garbage: diagnostics" + tag)
    r = s.request("textDocument/documentSymbol", doc(g_uri))
    report("result" in r, "a file of garbage: the outline answers" + tag, r)

    # A buffer never saved: checked all the same.
    s.open("untitled:Untitled-1", "input a: number\nlet b = a + c\n")
    diags = s.diagnostics("untitled:Untitled-1")
    report([(d["severity"], d["range"]["start"]) for d in diags] == [(1, {"line": 1, "character": 12})],
           "a buffer never saved (untitled:): its diagnostics" + tag, diags)

    # The client goes away in the middle of a message.
    s.send_raw(b'Content-Length: 100\r\n\r\n{"jsonrpc": "2.0", "id"')
    code, err = s.wait()
    report(code == 1 and "ERROR" not in err and "runtime error" not in err,
           "the client closes its end mid-message: the server ends, status 1" + tag, (code, err))


def composed(rubric):
    """Hover and definition through `import "..." as usage`: usage.NAME
    names the imported policy's declaration, in its own file."""
    tag = " [%s]" % os.path.basename(rubric)
    shutil.copy("rules/gitlab/use_case_health.rules", os.path.join(work, "use_case_health.rules"))
    text = ('import "use_case_health.rules" as usage\n\ninput licenses_sold: number\n\n'
            'metric adopted = usage.use_case_adoption_count\n')
    uri = write("composed.rules", text)
    s = Server(rubric)
    s.initialize()
    s.open(uri, text)
    report(s.diagnostics(uri) == [], "a composed policy: no diagnostics" + tag)
    r = s.request("textDocument/hover", doc(uri, at(text, "use_case_adoption_count", offset=3)))
    value = ((r.get("result") or {}).get("contents") or {}).get("value", "")
    report("usage.use_case_adoption_count" in value and "count green of" in value,
           "hover on usage.NAME: the imported metric" + tag, value)
    r = s.request("textDocument/definition", doc(uri, at(text, "use_case_adoption_count", offset=3)))
    res = r.get("result") or []
    res = res if isinstance(res, list) else [res]
    report(len(res) == 1 and res[0]["uri"].endswith("/use_case_health.rules")
           and res[0]["range"]["start"]["character"] == 7,
           "definition of usage.NAME: in the imported file" + tag, r)
    s.finish()


def main():
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for rubric in binaries:
        rubric = os.path.abspath(rubric)
        for part in (conversation, other_names, composed, same_as_check, robustness):
            try:
                part(rubric)
            except (TimeoutError, EOFError, OSError, ValueError, KeyError) as e:
                report(False, "%s [%s]" % (part.__name__, os.path.basename(rubric)), repr(e))
    print("lsp: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
