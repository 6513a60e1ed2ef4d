"""What `make vsix` packaged: python3 tests/editors/vsix_check.py VSIX VERSION OUT_DIR

Reads the .vsix (a zip) as VS Code would: the manifest and every file it
names must be in it, with the language, grammar, settings and command of
the extension, and the language client among its node_modules.  Extracts
it into OUT_DIR for the load check that follows.  Prints ok / not ok lines.
"""
import json
import sys
import zipfile

vsix, version, out = sys.argv[1:4]
failed = False


def report(ok, what):
    global failed
    failed |= not ok
    print(("ok - " if ok else "not ok - ") + what)


try:
    z = zipfile.ZipFile(vsix)
    names = set(z.namelist())
except (OSError, zipfile.BadZipFile) as e:
    report(False, f"{vsix} is a zip: {e}")
    sys.exit(1)

for f in ["extension.vsixmanifest", "extension/package.json", "extension/extension.js",
          "extension/language-configuration.json", "extension/syntaxes/rubric.tmLanguage.json",
          "extension/README.md", "extension/node_modules/vscode-languageclient/package.json",
          "extension/node_modules/vscode-languageclient/node.js"]:
    report(f in names, f"the .vsix holds {f}")
report(not any(n.endswith(".vsix") or "/build/" in n for n in names), "the .vsix holds no build output")

pkg = json.loads(z.read("extension/package.json")) if "extension/package.json" in names else {}
c = pkg.get("contributes", {})
report(pkg.get("name") == "rubric" and pkg.get("version") == version,
       f"its package.json is rubric {version}, the version of src/base/status.h (got {pkg.get('name')} {pkg.get('version')})")
report("extension/" + pkg.get("main", "").lstrip("./") in names, f"main {pkg.get('main')} is in it")
report("onLanguage:rubric" in pkg.get("activationEvents", []), "it activates on the rubric language")
langs = c.get("languages", [])
report(any(lang.get("id") == "rubric" and ".rules" in lang.get("extensions", [])
           and "extension/" + lang.get("configuration", "").lstrip("./") in names for lang in langs),
       "language rubric: .rules files, with its language configuration in the .vsix")
grammars = c.get("grammars", [])
report(any(g.get("scopeName") == "source.rubric" and g.get("language") == "rubric"
           and "extension/" + g.get("path", "").lstrip("./") in names for g in grammars),
       "grammar source.rubric, its file in the .vsix")
props = c.get("configuration", {}).get("properties", {})
report(props.get("rubric.path", {}).get("default") == "rubric" and "rubric.explainData" in props and "rubric.asOf" in props,
       "settings rubric.path (default rubric), rubric.explainData, rubric.asOf")
report(any(cmd.get("command") == "rubric.explainAccount" for cmd in c.get("commands", [])),
       "command rubric.explainAccount")
try:
    json.loads(z.read("extension/syntaxes/rubric.tmLanguage.json"))
    json.loads(z.read("extension/language-configuration.json"))
    report(True, "the grammar and the language configuration are JSON")
except (KeyError, ValueError) as e:
    report(False, f"the grammar and the language configuration are JSON: {e}")

z.extractall(out)
sys.exit(1 if failed else 0)
