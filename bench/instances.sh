#!/usr/bin/env bash
# The instance policy (rules/gitlab/instance_health.rules) on BENCH_COUNT accounts (default
# 1,000,000) with about 1.3 instances each: as NDJSON (an "instances" array per account) and
# as CSV accounts plus an instances table (--table) in account-id order, the order that
# streams. Bar: peak memory under 32 MiB in both forms. The two forms must score alike.
# make bench runs it after bench/run.sh's figures; alone:
#
#   bench/instances.sh BUILD_DIR RUBRIC_BINARY
#
# Environment: BENCH_COUNT, BENCH_RUNS (runs per form, best time kept, default 3),
# BENCH_INSTANCE_POLICY (default rules/gitlab/instance_health.rules).
# Exit status: 0 when every run succeeded and the two forms' outputs are equal, else 1.
set -eu
export LC_ALL=C

if [ $# -ne 2 ]; then
    echo "usage: bench/instances.sh BUILD_DIR RUBRIC_BINARY" >&2
    exit 2
fi
. "$(dirname "$0")/measure.sh"
build=$(abs "$1")
case $2 in */*) rubric=$(abs "$2") ;; *) rubric=$2 ;; esac
cd "$(dirname "$0")/.."
bench_err="$build/bench-instances.stderr"

count=${BENCH_COUNT:-1000000}
runs=${BENCH_RUNS:-3}
as_of=2026-11-01
seed=1
policy=${BENCH_INSTANCE_POLICY:-rules/gitlab/instance_health.rules}
gen=tests/reference/instance_gen.py
base=$build/bench-instances-$count
status=0

mkdir -p "$build"
if [ ! -x "$build/peakrss" ] || [ tools/peakrss.c -nt "$build/peakrss" ]; then
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -o "$build/peakrss" tools/peakrss.c
fi

# A stamp beside the data records what made it; a match skips the work (about 40 s a million).
files="$base.ndjson $base.csv $base.instances.csv"
want="count=$count seed=$seed gen=$(cksum < "$gen" | cut -d' ' -f1)"
# shellcheck disable=SC2086  # files is a list of paths without spaces
if [ ! -f "$base.stamp" ] || [ "$(cat "$base.stamp")" != "$want size=$(cat $files 2>/dev/null | wc -c)" ]; then
    echo "generating $count accounts with instances as ndjson and csv + table ..." >&2
    python3 "$gen" --count "$count" --seed "$seed" --instances typical \
        --ndjson "$base.ndjson" --accounts "$base.csv" --table "$base.instances.csv"
    # shellcheck disable=SC2086
    echo "$want size=$(cat $files | wc -c)" > "$base.stamp"
fi
instances=$(($(wc -l < "$base.instances.csv") - 1))


# report FORM FILE...: one line of figures, and the memory bar.
report() {
    local form=$1 bytes
    shift
    bytes=$(cat "$@" | wc -c)
    awk -v form="$form" -v n="$count" -v bytes="$bytes" -v s="$best_s" -v kib="$peak_kib" 'BEGIN {
        t = s > 0 ? s : 1e-6
        printf "%-9s %-9s %9d %9.1f %9.3f %12.0f %9.1f %13.1f  %s\n",
               "instances", form, n, bytes / 1e6, s, n / t, bytes / 1e6 / t, kib / 1024,
               kib < 32 * 1024 ? "under 32 MiB: yes" : "under 32 MiB: NO"
    }'
}

echo "instance bench: $policy, $count accounts with $instances instances, as-of $as_of, best of $runs runs"
printf "%-9s %-9s %9s %9s %9s %12s %9s %13s\n" \
    program input accounts MB seconds accounts/s MB/s "peak RSS MiB"
measured=0
if measure "$rubric" run "$policy" "$base.ndjson" --as-of "$as_of" --format csv \
        -o "$build/out-instances-ndjson.csv"; then
    report ndjson "$base.ndjson"
    measured=$((measured + 1))
else
    status=1
fi
if measure "$rubric" run "$policy" "$base.csv" --table "instances=$base.instances.csv" \
        --as-of "$as_of" --format csv -o "$build/out-instances-csv.csv"; then
    report csv+table "$base.csv" "$base.instances.csv"
    measured=$((measured + 1))
else
    status=1
fi
if [ "$measured" = 2 ]; then
    if cmp -s "$build/out-instances-ndjson.csv" "$build/out-instances-csv.csv"; then
        echo "outputs agree (instances: ndjson, csv + table): yes"
    else
        echo "outputs agree (instances: ndjson, csv + table): NO"
        cmp "$build/out-instances-ndjson.csv" "$build/out-instances-csv.csv" 2>&1 | sed 's/^/  /' || true
        status=1
    fi
fi
exit $status
