#!/bin/sh
# Golden tests of the command line: tests/golden/cases/NAME/ holds
#   cmd     the arguments after `rubric`, shell-quoted, run in a scratch copy
#           of the case directory (fixtures are ../../fixtures/..., the
#           shipped policies ../../rules/...)
#   stdin   optional standard input
#   setup   optional: a shell script run first in the scratch copy (a case
#           that needs a git repository makes one there)
#   stdout, stderr, code   what must come out, exactly
#   files   optional: names of files the command must leave (one per line);
#           each is compared with the case's file of the same name + .expected
# Usage: run.sh RUBRIC WORKDIR [CASE...]; UPDATE=1 rewrites the expectations.
set -u
LC_ALL=C
NO_COLOR=1
export LC_ALL NO_COLOR
rubric=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
work=$(cd "$2" && pwd)
shift 2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
# Cases refer to ../../fixtures/... and ../../rules/...: both are copied
# beside them, so a case may write anywhere without touching the tree.
cp -R "$here/fixtures" "$work/fixtures"
cp -R "$here/../../rules" "$work/rules"
passed=0 failed=0
# A case whose expected output holds today's date passes only today: every
# case must pin its date (--as-of), so one that does not is a failure.
today_utc=$(date -u +%Y-%m-%d)
today_local=$(date +%Y-%m-%d)
if [ $# -gt 0 ]; then cases=$*; else cases=$(ls "$here/cases"); fi
for name in $cases; do
    dir=$here/cases/$name
    [ -f "$dir/cmd" ] || continue
    out=$work/$name
    mkdir -p "$out"
    # Each case runs in a scratch copy so files it writes stay out of the tree.
    cp -R "$dir/." "$out/run"
    if [ -f "$dir/setup" ] && ! (cd "$out/run" && sh setup >"$out/setup.log" 2>&1); then
        echo "not ok - $name"
        echo "  setup failed:"
        sed 's/^/    /' "$out/setup.log"
        failed=$((failed + 1))
        continue
    fi
    input=/dev/null
    [ -f "$dir/stdin" ] && input=$dir/stdin
    (cd "$out/run" && eval "set -- $(cat cmd)" && "$rubric" "$@" <"$input" >"$out/stdout" 2>"$out/stderr"; echo $? >"$out/code")
    if [ "${UPDATE:-}" = 1 ]; then
        cp "$out/stdout" "$out/stderr" "$out/code" "$dir/"
        if [ -f "$dir/files" ]; then
            while read -r f; do cp "$out/run/$f" "$dir/$f.expected" 2>/dev/null || true; done <"$dir/files"
        fi
    fi
    ok=1
    for f in "$dir"/stdout "$dir"/stderr "$dir"/*.expected; do
        [ -f "$f" ] || continue
        if grep -q -e "$today_utc" -e "$today_local" "$f"; then
            [ $ok = 1 ] && echo "not ok - $name"
            ok=0
            echo "  $(basename "$f") holds today's date ($today_utc): pin the date with --as-of"
        fi
    done
    for part in code stdout stderr; do
        if ! cmp -s "$dir/$part" "$out/$part"; then
            [ $ok = 1 ] && echo "not ok - $name"
            ok=0
            echo "  $part differs:"
            diff "$dir/$part" "$out/$part" | sed -n '1,15p' | sed 's/^/    /'
        fi
    done
    if [ -f "$dir/files" ]; then
        while read -r f; do
            if [ ! -f "$out/run/$f" ] || ! cmp -s "$dir/$f.expected" "$out/run/$f"; then
                [ $ok = 1 ] && echo "not ok - $name"
                ok=0
                echo "  file $f is missing or differs"
            fi
        done <"$dir/files"
    fi
    if [ $ok = 1 ]; then
        echo "ok - $name"
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "golden: $passed passed, $failed failed"
[ $failed -eq 0 ]
