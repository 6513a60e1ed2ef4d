#!/bin/sh
# devops_crosscheck.sh RUBRIC BUILD_DIR
#
# rules/gitlab/devops_score.rules against the exact reference
# devops_reference.py (Python fractions, written from the issue's text):
# on 30,000 accounts from devops_gen.py for two seeds, `rubric run --format
# csv` must print what the reference prints, every output of every account,
# cell for cell (both print a number as the shortest text of the double
# nearest its exact value: devops_reference.py says how).  Also once with the
# accounts on standard input through a pipe (spooled to a temporary file:
# the same scores), and the generator's own promises (ties, na cells, zero
# billable users, a feature whose top level is 0).  Work files stay in
# BUILD_DIR/devops/.
set -eu
export LC_ALL=C
if [ $# -ne 2 ]; then
    echo "usage: $0 RUBRIC BUILD_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case $1 in /*) rubric=$1 ;; *) rubric=$PWD/$1 ;; esac
work=$2/devops
rm -rf "$work"
mkdir -p "$work"
. "$root/tests/tap.sh"
policy=$root/rules/gitlab/devops_score.rules

same() { # NAME EXPECTED ACTUAL
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        nok "$1"
        diff "$2" "$3" | head -6 | sed 's/^/#   /'
    fi
}

for seed in 20261203 7; do
    data=$work/accounts-$seed.csv
    python3 "$here/devops_gen.py" 30000 "$seed" > "$data"
    python3 "$here/devops_reference.py" "$data" > "$work/reference-$seed.csv"
    if "$rubric" run "$policy" "$data" --format csv -o "$work/rubric-$seed.csv"; then
        same "30,000 accounts (seed $seed): every output as the exact reference" \
            "$work/reference-$seed.csv" "$work/rubric-$seed.csv"
    else
        nok "30,000 accounts (seed $seed): rubric run failed"
    fi
done

data=$work/accounts-7.csv
if cat "$data" | "$rubric" run "$policy" - --input-format csv --format csv > "$work/stdin.csv"; then
    same "standard input through a pipe: the same scores" "$work/reference-7.csv" "$work/stdin.csv"
else
    nok "standard input through a pipe: rubric run failed"
fi

# The data exercises what it claims to.
check "data: empty cells, zero billable users, empty tiers" \
    python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert any(r["billable_users"] == "0" for r in rows)
assert any(r["tier"] == "" for r in rows)
assert any(r["git_ops_users_l28d"] == "" for r in rows)' "$data"
check "data: ties in the ranks, a top level of 0, clamped values" \
    python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
scores = [r["devops_score"] for r in rows if r["devops_score"]]
assert len(set(scores)) < len(scores) - 1000
assert all(r["secret_detection_users_l28d_vs_top"] == "" for r in rows)
assert sum(r["active_users_l28d_vs_top"] == "1" for r in rows) > 100' "$work/rubric-7.csv"

echo "devops_score: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
