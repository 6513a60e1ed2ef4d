#!/bin/sh
# Golden tests of the command line: the cases of tests/golden/*.golden, one
# file per verb (the format: README.md), each run in a scratch folder and
# compared byte for byte.
# Usage: run.sh RUBRIC WORKDIR [CASE|VERB...]; UPDATE=1 rewrites the
# expectations of the cases run.
exec python3 "$(dirname "$0")/golden.py" "$@"
