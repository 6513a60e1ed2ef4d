#!/bin/sh
# The language cases: tests/lang/*.test (the format: README.md), each a
# policy with accounts and the values it gives them, or the diagnostics it
# must draw.
# Usage: run.sh RUBRIC WORKDIR [FILE.test...]
exec python3 "$(dirname "$0")/lang.py" "$@"
