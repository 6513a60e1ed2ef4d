#!/bin/sh
# The documentation's examples, checked against the built rubric:
#   tests/docs/run.sh RUBRIC SCRATCH_DIR [DOC.md...]
#   UPDATE=1 tests/docs/run.sh RUBRIC SCRATCH_DIR   # rewrite the shown outputs, then review the diff
# Without DOC.md it checks README.md, docs/*.md, rules/*/*.md, the prose quotes of
# tests/docs/quoted.txt, and itself (tests/docs/selftest/).  The conventions
# are described at the top of check_docs.py and in tests/docs/README.md.
exec python3 "$(dirname "$0")/check_docs.py" "$@"
