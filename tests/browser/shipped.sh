#!/bin/sh
# Renders `rubric report` of every shipped policy on its sample accounts in
# headless Chromium, with the checks of check_report.mjs and the number of
# charts each page must have:
#   sh tests/browser/shipped.sh RUBRIC WORK_DIR
# One "ok - report: NAME" or "not ok - report: NAME" line per page.
set -u
rubric=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$work"
status=0

# Captions name the policy file as given, and a CI checkout's path can hold
# one long word (a hash, say).  The policies are read from such a folder so
# every machine checks a caption no layout can break at a slash.
long=$work/checkout-0f3a9c2e7b5d41e8a6c0b9d2f4e7a1c3b5d7e9f0a2c4e6b8d0f1a3c5e7b9d1f3
rm -rf "$long"
mkdir -p "$long"
cp -R "$root/rules" "$long/rules" || exit 2

# page NAME POLICY DATA CHARTS [REPORT_OPTION...]
page() {
    name=$1 policy=$2 data=$3 charts=$4
    shift 4
    html=$work/$name.html
    if ! "$rubric" report "$long/$policy" "$long/$data" --as-of 2026-11-01 -o "$html" "$@" 2>"$work/$name.err"; then
        echo "not ok - report: $name: rubric report failed"
        sed 's/^/    /' "$work/$name.err"
        status=1
        return
    fi
    sh "$here/run.sh" "$html" "$charts" >"$work/$name.out" 2>&1
    rc=$?
    if [ $rc = 2 ]; then
        cat "$work/$name.out"
        echo "not ok - report: $name: the browser checks could not run"
        exit 2
    fi
    if [ $rc = 0 ]; then
        echo "ok - report: $name ($(grep -c "^ok" "$work/$name.out") checks)"
    else
        echo "not ok - report: $name"
        grep '^not ok' "$work/$name.out" | sed 's/^/    /'
        status=1
    fi
}

# Charts: roll-ups, the adoption count (where the policy counts greens),
# measures, then one histogram per measure.
page use_case_health rules/gitlab/use_case_health.rules rules/gitlab/accounts.csv 12
page use_case_adoption_v1 rules/gitlab/use_case_adoption_v1.rules rules/gitlab/use_case_adoption_v1_accounts.csv 7
page account_health rules/gitlab/account_health.rules rules/gitlab/account_health_accounts.csv 19
page instance_health rules/gitlab/instance_health.rules rules/gitlab/instance_accounts.ndjson 12

# With a score history of three earlier months: one more chart per use
# case, its bands period by period, the report's own data the last bar.
hist=$work/scores.db
rm -f "$hist"
for m in 08 09 10; do
    if ! "$rubric" run "$long/rules/gitlab/use_case_health.rules" "$long/rules/gitlab/accounts.csv" --as-of 2026-$m-01 \
        --history "$hist" -o "$work/run-$m.csv" 2>"$work/run-$m.err"; then
        echo "not ok - report: use_case_health_history: recording 2026-$m-01 failed"
        sed 's/^/    /' "$work/run-$m.err"
        exit 1
    fi
done
page use_case_health_history rules/gitlab/use_case_health.rules rules/gitlab/accounts.csv 16 --history "$hist"
# With an outcomes file as well: the backtest section, one more chart per
# use case (its churn rate per band over those months).
page use_case_health_backtest rules/gitlab/use_case_health.rules rules/gitlab/accounts.csv 20 --history "$hist" \
    --outcomes "$here/fixtures/outcomes.csv" --horizon 90d
exit $status
