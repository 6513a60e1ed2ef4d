#!/bin/sh
# The edit loop's tests, as `make check` runs them, in seconds: the layers,
# the unit tests, the golden cases of every verb, the language cases, the
# shipped policies' own tests and the language server's conversation.
# `make test` (tests/run.sh) is the whole suite.
#   tests/check.sh RUBRIC BUILD_DIR LAYER...
set -u
LC_ALL=C
export LC_ALL
rubric=$1 build=$2
shift 2
. tests/stage.sh

stage layers python3 tests/layers.py "$build/obj" "$@"
stage unit "$build/unit_tests"
stage golden sh tests/golden/run.sh "$rubric" "$build/golden"
stage lang sh tests/lang/run.sh "$rubric" "$build/lang"
stage "shipped policies: rubric test rules/" "$rubric" test rules/
stage "shipped policies: check --strict" "$rubric" check --strict rules/
stage "shipped policies: fmt --check" "$rubric" fmt --check rules/
stage "language server: a scripted editor conversation" python3 tests/editors/lsp_conversation.py "$build" "$rubric"
stage "CI outputs: JUnit and SARIF parse" python3 tests/ci/formats_check.py "$rubric" "$build/ci-formats"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
