#!/bin/sh
# The VS Code extension of editors/vscode:
#   sh tests/editors/vscode.sh grammar BUILD_DIR   the TextMate grammar on every
#       shipped policy and documented example, and its self-test
#   sh tests/editors/vscode.sh vsix BUILD_DIR      make vsix, what the .vsix holds,
#       extension.js loading from it, and the client's behaviour
# Prints ok / not ok lines.  Without Node.js and npm it fails: it never skips.
set -u
what=${1:-} build=${2:-}
case $what in grammar | vsix) ;; *)
    echo "usage: sh tests/editors/vscode.sh grammar|vsix BUILD_DIR" >&2
    exit 2
    ;;
esac
[ -n "$build" ] || { echo "usage: sh tests/editors/vscode.sh grammar|vsix BUILD_DIR" >&2; exit 2; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "not ok - Node.js and npm are installed (apt-get install nodejs npm)"
    exit 1
fi

out=$(mktemp) || exit 2
log=$(mktemp) || exit 2
trap 'rm -f "$out" "$log"' EXIT

# run DESCRIPTION COMMAND...: passes on the command's ok / not ok lines (its
# own "N passed, N failed" total left out: the stage counts the lines), and
# one not ok line when it fails without saying which check.
run() {
    desc=$1
    shift
    "$@" >"$out" 2>&1
    rc=$?
    grep -v ' passed, [0-9]* failed$' "$out" | tee -a "$log"
    if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
        echo "not ok - $desc: exit $rc" | tee -a "$log"
    fi
}
# The exit status: 1 when any check failed.
finish() {
    ! grep -q '^not ok' "$log"
    exit $?
}

if [ "$what" = grammar ]; then
    dir=tests/editors/textmate
    if [ ! -d "$dir/node_modules/vscode-textmate" ] || [ ! -d "$dir/node_modules/vscode-oniguruma" ]; then
        # npm ci installs exactly the committed lock.
        if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$out" 2>&1; then
            cat "$out"
            echo "not ok - npm ci in $dir"
            exit 1
        fi
    fi
    grammar=editors/vscode/syntaxes/rubric.tmLanguage.json
    run "the grammar's checks" node "$dir/tokenize.mjs" . "$grammar"
    run "the grammar's self-test" node "$dir/tokenize.mjs" --self-test . "$grammar"
    finish
fi

# The version the .vsix must carry: the program's.
version=$(sed -n 's/^#define RUBRIC_VERSION "\(.*\)"$/\1/p' src/base/status.h)
vsix=$build/rubric-$version.vsix
rm -f "$vsix"
if make -s vsix BUILD="$build" >"$out" 2>&1 && [ -f "$vsix" ]; then
    echo "ok - make vsix writes $vsix"
else
    sed 's/^/    /' "$out"
    echo "not ok - make vsix writes $vsix"
    exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    if git check-ignore -q "$vsix" && [ -z "$(git ls-files '*.vsix' 'editors/vscode/node_modules')" ]; then
        echo "ok - the .vsix and node_modules stay out of git"
    else
        echo "not ok - the .vsix and node_modules stay out of git" | tee -a "$log"
    fi
fi
x=$build/vsix-extracted
rm -rf "$x"
run "what the .vsix holds" python3 tests/editors/vsix_check.py "$vsix" "$version" "$x"
if node --check editors/vscode/extension.js >"$out" 2>&1; then
    echo "ok - node --check editors/vscode/extension.js"
else
    sed 's/^/    /' "$out"
    echo "not ok - node --check editors/vscode/extension.js" | tee -a "$log"
fi
run "the .vsix's extension.js loads" node tests/editors/vscode_load.cjs "$x/extension"
run "the client's behaviour" node tests/editors/vscode_client.cjs
finish
