#!/bin/sh
# A full disk: every verb that writes scores must say that writing failed
# and exit 1, never report success.  Standard output goes to /dev/full,
# which the golden runner (capturing output to files) cannot do.
#   sh tests/full/run.sh RUBRIC
set -u
rubric=$1
here=$(cd "$(dirname "$0")/.." && pwd)
v=$here/golden/fixtures/versions c=$here/golden/fixtures/calibrate
failed=0
check() { # NAME ARGS...
    name=$1
    shift
    err=$("$rubric" "$@" 2>&1 >/dev/full)
    rc=$?
    if [ $rc -eq 1 ] && printf '%s\n' "$err" | grep -q 'writing standard output failed'; then
        echo "ok - $name to a full disk"
    else
        echo "not ok - $name to a full disk: exit $rc, $err"
        failed=1
    fi
}
[ -w /dev/full ] || { echo "# full disk: skipped, this machine has no /dev/full"; exit 0; }
check run run "$c/scores.rules" "$c/values.csv" -f csv
check diff diff "$v/old.rules" "$v/new.rules" "$v/accounts.csv" -f csv
check calibrate calibrate "$c/scores.rules" "$c/values.csv" -m level
check report report "$c/scores.rules" "$c/values.csv"
exit $failed
