#!/usr/bin/env bash
# Population values' cost: rules/gitlab/devops_score.rules (seven quantiles
# and a rank by tier: three passes over the data) against the same policy
# with each top level a constant and no rank ("plain": one pass, the same
# arithmetic), on the same generated accounts, runs interleaved (plain, then
# population, BENCH_RUNS times) so that a busy machine slows both alike.
# Prints each run's seconds (wall and user+sys) and peak RSS, then the best
# of each and their ratio.
#
#   bench/population.sh BUILD_DIR RUBRIC_BINARY
#
# Environment: BENCH_COUNT (accounts, default 1000000), BENCH_RUNS (default 3).
set -eu
export LC_ALL=C
if [ $# -ne 2 ]; then
    echo "usage: bench/population.sh BUILD_DIR RUBRIC_BINARY" >&2
    exit 2
fi
. "$(dirname "$0")/measure.sh"
build=$(abs "$1")
case $2 in */*) rubric=$(abs "$2") ;; *) rubric=$2 ;; esac
cd "$(dirname "$0")/.."
count=${BENCH_COUNT:-1000000}
runs=${BENCH_RUNS:-3}
mkdir -p "$build/popbench"
work=$build/popbench
cc -std=c11 -O2 -o "$build/gen_accounts" tools/gen_accounts.c
"$build/gen_accounts" --count "$count" --seed 1 --as-of 2026-11-01 --format csv >"$work/accounts.csv"
sed -E 's/quantile\(([a-z_0-9]+), top_performer_level\)/top_performer_level/; s/100 \* share_below\(devops_score\) by tier/devops_score/' \
    rules/gitlab/devops_score.rules >"$work/plain.rules"
best_plain= best_pop=
printf '%-11s %8s %8s %9s\n' policy wall user+sys "RSS MiB"
for i in $(seq "$runs"); do
    for kind in plain population; do
        policy=$work/plain.rules
        [ "$kind" = population ] && policy=rules/gitlab/devops_score.rules
        /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
            "$rubric" run "$policy" "$work/accounts.csv" --as-of 2026-11-01 -o "$work/$kind.csv" 2>/dev/null
        read -r wall user sys rss <"$work/time"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        printf '%-11s %8s %8s %9d\n' "$kind" "$wall" "$cpu" $((rss / 1024))
        if [ "$kind" = plain ]; then
            best_plain=$(awk -v a="$cpu" -v b="${best_plain:-$cpu}" 'BEGIN { print (a < b ? a : b) }')
        else
            best_pop=$(awk -v a="$cpu" -v b="${best_pop:-$cpu}" 'BEGIN { print (a < b ? a : b) }')
        fi
    done
done
awk -v p="$best_plain" -v q="$best_pop" -v n="$count" \
    'BEGIN { printf "best user+sys at %d accounts: plain %.2f s, population %.2f s, ratio %.2f\n", n, p, q, q / p }'
