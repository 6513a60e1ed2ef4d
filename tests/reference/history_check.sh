#!/bin/sh
# history_check.sh RUBRIC_BINARY BUILD_DIR
#
# The monthly run against issue 11's bars, on three generated months of
# 30,000 accounts that no test has seen (tests/reference/monthly_gen.py):
# month 3's calls to action of rules/gitlab/use_case_alerts.rules against an
# independent reference (actions_reference.py), `rubric history` against
# what each run printed, months re-run and recorded out of order, a run
# killed with SIGKILL mid-write, and two runs writing one history at once.
# The checks are history_check.py; work files stay in BUILD_DIR/historycheck/.
# Prints "ok - NAME" / "not ok - NAME" lines and "N passed, N failed";
# exits 1 if any check failed, 2 on usage errors.
set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ]; then
    echo "usage: $0 RUBRIC_BINARY BUILD_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

exec python3 "$here/history_check.py" "$1" "$2/historycheck"
