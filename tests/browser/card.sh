#!/bin/sh
# The customer's scorecard (`rubric report --account`) of accounts of the
# shipped policies, each checked in headless Chromium against `rubric
# explain --format json` of the same account, and printed (check_card.mjs):
#   sh tests/browser/card.sh RUBRIC WORK_DIR
# One "ok - card: NAME" or "not ok - card: NAME" line per page; exit 0 all
# passed, 1 one failed, 2 the checks could not run.
set -u
rubric=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$work"
status=0
passed=0
failed=0

sh "$here/../../tools/ensure-test-deps.sh" || exit 2
if [ ! -d "$here/node_modules/playwright-core" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
        echo "card: npm ci failed in $here" >&2
        exit 2
    }
fi

# card NAME POLICY DATA ACCOUNT [OPTION...]
card() {
    name=$1 policy=$2 data=$3 account=$4
    shift 4
    html=$work/$name.html json=$work/$name.json
    rm -f "$html"
    if ! (cd "$root" && "$rubric" report "$policy" "$data" --account "$account" --as-of 2026-11-01 -o "$html" "$@") \
        2>"$work/$name.err"; then
        echo "not ok - card: $name: rubric report --account failed"
        sed 's/^/    /' "$work/$name.err"
        failed=$((failed + 1))
        status=1
        return
    fi
    if ! (cd "$root" && "$rubric" explain "$policy" "$data" --account "$account" --as-of 2026-11-01 --format json "$@") \
        >"$json" 2>"$work/$name.err"; then
        echo "not ok - card: $name: rubric explain failed"
        sed 's/^/    /' "$work/$name.err"
        failed=$((failed + 1))
        status=1
        return
    fi
    node "$here/check_card.mjs" "$html" "$json" >"$work/$name.out" 2>&1
    rc=$?
    if [ $rc = 2 ]; then
        cat "$work/$name.out"
        echo "not ok - card: $name: the browser checks could not run"
        exit 2
    fi
    if [ $rc = 0 ]; then
        echo "ok - card: $name ($(grep -c "^ok" "$work/$name.out") checks)"
        passed=$((passed + 1))
    else
        echo "not ok - card: $name"
        grep '^not ok' "$work/$name.out" | sed 's/^/    /'
        failed=$((failed + 1))
        status=1
    fi
}

# check NAME CONDITION...: one ok/not ok line for a shell condition.
check() {
    name=$1
    shift
    if "$@"; then
        echo "ok - card: $name"
        passed=$((passed + 1))
    else
        echo "not ok - card: $name"
        failed=$((failed + 1))
        status=1
    fi
}

uch=rules/gitlab/use_case_health.rules
# No page for an account the data does not have, or one it gives twice; a
# page already there is left as it was.
rm -f "$work/none.html"
(cd "$root" && "$rubric" report $uch rules/gitlab/accounts.csv --account NO-SUCH --as-of 2026-11-01 -o "$work/none.html") \
    2>"$work/none.err"
check "unknown account: exit 2, its id said, no page" \
    test $? = 2 -a ! -e "$work/none.html" -a -n "$(grep -F 'no account "NO-SUCH"' "$work/none.err")"
echo kept >"$work/kept.html"
(cd "$root" && "$rubric" report tests/golden/fixtures/versions/new.rules tests/golden/fixtures/versions/dup-ids.csv \
    --account A1 --as-of 2026-11-01 -o "$work/kept.html") 2>"$work/dup.err"
check "account given twice: exit 1, the page there untouched" test $? = 1 -a "$(cat "$work/kept.html")" = kept

accounts=rules/gitlab/accounts.csv
# Every measure with a value, most with a next band.
card uch-typical "$uch" "$accounts" ACC-000002
# The checker itself: a card that disagrees with explain, one that prints
# on two pages, and one with a band as a color alone must each fail.
# expect_fail NAME WANT_LINE SED_SCRIPT
expect_fail() {
    sed "$3" "$work/uch-typical.html" >"$work/bad-$1.html"
    node "$here/check_card.mjs" "$work/bad-$1.html" "$work/uch-typical.json" >"$work/bad-$1.out" 2>&1
    check "the checker catches $1" grep -q -F "not ok - $2" "$work/bad-$1.out"
}
if [ -s "$work/uch-typical.json" ]; then
    expect_fail "a wrong next band" "card says what explain says" 's/data-value="\([0-9]*\)"/data-value="1\1"/'
    expect_fail "two printed pages" "print A4: one page" 's|</style>|@media print{footer{margin-top:300mm}}</style>|'
    expect_fail "a band by color alone" "tables have headers and captions; bands are words" 's|</span>green</td>|</span></td>|'
fi
# Measures na (onboarding or no licenses): no next band, na as a word.
card uch-na "$uch" "$accounts" ACC-000003
card uch-na-2 "$uch" "$accounts" ACC-000018
# The earlier policy, DevSecOps for Ultimate only.
card v1 rules/gitlab/use_case_adoption_v1.rules rules/gitlab/use_case_adoption_v1_accounts.csv \
    "$(sed -n 2p "$root/rules/gitlab/use_case_adoption_v1_accounts.csv" | cut -d, -f1)"
# PROVE account health: categories of measures, weights.
card account-health rules/gitlab/account_health.rules rules/gitlab/account_health_accounts.csv AH-0001
# Accounts of several instances, NDJSON.
card instances rules/gitlab/instance_health.rules rules/gitlab/instance_accounts.ndjson IH-01
# Population values: where the account sits among its peers (seed 003's
# DevOps Score against top performers, ranked in its tier), and a fixture
# whose thresholds read a population value.
card devops-score rules/gitlab/devops_score.rules rules/gitlab/devops_score_accounts.csv DS-01
card peers tests/golden/fixtures/next_band/peers.rules tests/golden/fixtures/next_band/peers.csv p2
# The edge fixture: lower is better, clamps, thresholds per tier, a
# threshold that reads its numerator.
card next-band-edges tests/golden/fixtures/next_band/next_band.rules tests/golden/fixtures/next_band/accounts.csv low

echo "card: $passed passed, $failed failed"
exit $status
