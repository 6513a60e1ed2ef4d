#!/bin/sh
# Checks a page written by `rubric report` in headless Chromium:
#   sh tests/browser/run.sh PAGE.html [CHARTS]
# or proves the checks catch what they claim to, on the fixtures:
#   sh tests/browser/run.sh --self-test
# Exit 0 all passed, 1 a check failed, 2 the checks could not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)

usage() {
    echo "usage: sh tests/browser/run.sh PAGE.html [CHARTS]" >&2
    echo "       sh tests/browser/run.sh --self-test" >&2
    exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi

sh "$here/../../tools/ensure-test-deps.sh" || exit 2
if [ ! -d "$here/node_modules/playwright-core" ]; then
    # npm ci installs exactly the committed lock, so every machine checks
    # with the same playwright-core.
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
        echo "browser: npm ci failed in $here" >&2
        exit 2
    }
fi

if [ "$1" != --self-test ]; then
    if [ $# = 2 ]; then
        exec node "$here/check_report.mjs" "$1" --charts "$2"
    fi
    exec node "$here/check_report.mjs" "$1"
fi
[ $# = 1 ] || usage

passed=0
failed=0
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT

as_wanted() {
    if [ -z "$want" ]; then
        [ "$status" = 0 ] && ! grep -q '^not ok' "$out"
    else
        [ "$status" = 1 ] && grep -q -F -e "$want" "$out"
    fi
}

# expect NAME WANT_LINE CHECKER_ARGS...: run on a fixture, the checker must
# print WANT_LINE and exit 1; with WANT_LINE empty, pass every check.
expect() {
    name=$1 want=$2
    shift 2
    node "$here/check_report.mjs" "$@" >"$out" 2>&1
    status=$?
    if [ $status = 2 ]; then
        cat "$out"
        echo "not ok - self-test: $name: the checker could not run"
        exit 2
    fi
    if as_wanted; then
        passed=$((passed + 1))
        echo "ok - self-test: $name"
    else
        failed=$((failed + 1))
        echo "not ok - self-test: $name: exit $status, want ${want:-exit 0 and no failure}"
        sed 's/^/    /' "$out"
    fi
}

fx=$here/fixtures
expect "good page passes" "" "$fx/good.html" --charts 2
expect "wrong chart count fails" "not ok - page has 3 charts" "$fx/good.html" --charts 3
expect "bad-external fails" "not ok - no request other than the page itself" "$fx/bad-external.html"
expect "bad-csp fails" "not ok - no console error or CSP violation" "$fx/bad-csp.html"
expect "bad-hidden fails" "not ok - screen: every chart is visible" "$fx/bad-hidden.html"
expect "bad-print fails" "not ok - print: every chart is visible" "$fx/bad-print.html"
expect "bad-wide fails" "not ok - no horizontal overflow at 1280px" "$fx/bad-wide.html"

echo "self-test: $passed passed, $failed failed"
[ $failed = 0 ]
