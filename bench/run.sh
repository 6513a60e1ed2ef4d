#!/usr/bin/env bash
# make bench: time `rubric run` on the GitLab use-case health policy over 1,000,000 generated
# accounts, as CSV and as NDJSON, against bench/baseline.c, a hand-written C program doing the
# same scoring. SPEC's bars: within 2x of the baseline, peak memory under 32 MiB. Then the
# other verbs, run --history, and the monthly run of use_case_alerts.rules (prev() read from a
# history holding the month before, actions written): at most 3x the run, under 64 MiB.
#
#   bench/run.sh BUILD_DIR RUBRIC_BINARY
#
# Environment: BENCH_COUNT (accounts, default 1000000), BENCH_RUNS (runs per program, best
# time kept, default 3), CC.
# Exit status: 0 when every run succeeded and rubric's output equals the baseline's, else 1.
set -eu
export LC_ALL=C

if [ $# -ne 2 ]; then
    echo "usage: bench/run.sh BUILD_DIR RUBRIC_BINARY" >&2
    exit 2
fi

# Absolute paths first, so the script works from any directory.
. "$(dirname "$0")/measure.sh"
build=$(abs "$1")
case $2 in */*) rubric=$(abs "$2") ;; *) rubric=$2 ;; esac
cd "$(dirname "$0")/.."
bench_err="$build/bench.stderr"

count=${BENCH_COUNT:-1000000}
runs=${BENCH_RUNS:-3}
as_of=2026-11-01
seed=1
policy=rules/gitlab/use_case_health.rules
cc=${CC:-cc}
cflags="-std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror"
status=0

mkdir -p "$build"

build_tool() {   # NAME SOURCE
    if [ ! -x "$build/$1" ] || [ "$2" -nt "$build/$1" ]; then
        $cc $cflags -o "$build/$1" "$2"
    fi
}
build_tool gen_accounts tools/gen_accounts.c
build_tool peakrss tools/peakrss.c
build_tool baseline bench/baseline.c

# Generating 1M accounts is cheap but not free; a stamp beside the data records what made it
# (count, seed, as-of, generator source checksum) and its size, and a match skips the work.
generate() {     # FORMAT
    local file="$build/bench-$count.$1"
    local want="count=$count seed=$seed as_of=$as_of gen=$(cksum < tools/gen_accounts.c | cut -d' ' -f1)"
    if [ -f "$file" ] && [ -f "$file.stamp" ] &&
       [ "$(cat "$file.stamp")" = "$want size=$(wc -c < "$file")" ]; then
        return
    fi
    echo "generating $count accounts as $1 ..." >&2
    "$build/gen_accounts" --count "$count" --seed "$seed" --as-of "$as_of" --format "$1" > "$file.tmp"
    mv "$file.tmp" "$file"
    echo "$want size=$(wc -c < "$file")" > "$file.stamp"
}
generate csv
generate ndjson


report() {       # PROGRAM FORMAT INPUT_FILE
    awk -v prog="$1" -v fmt="$2" -v n="$count" -v bytes="$(wc -c < "$3")" \
        -v s="$best_s" -v kib="$peak_kib" 'BEGIN {
        t = s > 0 ? s : 1e-6
        printf "%-9s %-7s %9d %9.1f %9.3f %12.0f %9.1f %13.1f\n",
               prog, fmt, n, bytes / 1e6, s, n / t, bytes / 1e6 / t, kib / 1024
    }'
}

# Compares rubric's output with the baseline's; on a difference shows the first differing line.
agree() {        # LABEL RUBRIC_OUTPUT
    local line
    if cmp -s "$build/baseline-out.csv" "$2"; then
        echo "outputs agree ($1): yes"
        return 0
    fi
    echo "outputs agree ($1): NO"
    line=$(cmp "$build/baseline-out.csv" "$2" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p' | head -n 1)
    if [ -n "$line" ]; then
        echo "  first difference, line $line:"
        echo "  baseline: $(sed -n "${line}p" "$build/baseline-out.csv")"
        echo "  rubric:   $(sed -n "${line}p" "$2")"
    else
        cmp "$build/baseline-out.csv" "$2" 2>&1 | sed 's/^/  /' || true
    fi
    return 1
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "rubric bench: $count accounts, as-of $as_of, best of $runs runs; ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores"
printf "%-9s %-7s %9s %9s %9s %12s %9s %13s\n" \
    program input accounts MB seconds accounts/s MB/s "peak RSS MiB"

csv_in="$build/bench-$count.csv"

measure "$build/baseline" --as-of "$as_of" -o "$build/baseline-out.csv" "$csv_in"
report baseline csv "$csv_in"
baseline_s=$best_s

case $rubric in
    */*) [ -x "$rubric" ] && [ -f "$rubric" ] ;;
    *) command -v "$rubric" > /dev/null 2>&1 ;;
esac || {
    echo "bench: rubric binary '$rubric' not found or not executable; build it first (make)." >&2
    echo "bench: only the baseline was measured." >&2
    exit 1
}
if [ ! -f "$policy" ]; then
    echo "bench: policy $policy not found; only the baseline was measured." >&2
    exit 1
fi

output_of() { if [ "$1" = csv ]; then echo "$build/out.csv"; else echo "$build/out-$1.csv"; fi; }
measured=
for fmt in csv ndjson; do
    in="$build/bench-$count.$fmt"
    if measure "$rubric" run "$policy" "$in" --as-of "$as_of" --format csv -o "$(output_of "$fmt")"; then
        report rubric "$fmt" "$in"
        measured="$measured $fmt"
        [ "$fmt" != csv ] || rubric_csv_s=$best_s
    else
        status=1
    fi
done

# The same runs on two threads (run -j 2): the bar is the baseline's time.
for fmt in csv ndjson; do
    in="$build/bench-$count.$fmt"
    if measure "$rubric" run -j 2 "$policy" "$in" --as-of "$as_of" --format csv -o "$build/out-j2-$fmt.csv"; then
        report "rubric-j2" "$fmt" "$in"
        measured="$measured j2-$fmt"
        [ "$fmt" != csv ] || rubric_j2_s=$best_s
    else
        status=1
    fi
done

for fmt in $measured; do
    case $fmt in j2-*) out="$build/out-$fmt.csv" ;; *) out=$(output_of "$fmt") ;; esac
    agree "$fmt" "$out" || status=1
done
if [ -n "${rubric_csv_s:-}" ]; then
    awk -v r="$rubric_csv_s" -v b="$baseline_s" 'BEGIN {
        if (b > 0) printf "rubric/baseline time on csv: %.2fx (target: at most 2x)\n", r / b
    }'
fi
if [ -n "${rubric_j2_s:-}" ]; then
    awk -v r="$rubric_j2_s" -v b="$baseline_s" 'BEGIN {
        if (b > 0) printf "rubric -j 2/baseline time on csv: %.2fx (target: at most 1.0x)\n", r / b
    }'
fi

# The other verbs on the same CSV.  diff scores every record with two
# policies (here the same file, NEW with a what-if parameter); its target
# is less than twice one run.  calibrate keeps one number per account;
# report keeps only counts and histograms.
diff_s= calibrate_s= report_s=
if measure "$rubric" diff "$policy" "$policy" "$csv_in" --as-of "$as_of" --param onboarding_period=2months -q -o "$build/diff.txt"; then
    report diff csv "$csv_in"
    diff_s=$best_s
else
    status=1
fi
if measure "$rubric" calibrate "$policy" "$csv_in" --measure scm_git_ops --as-of "$as_of" -q -o "$build/calibrate.txt"; then
    report calibrate csv "$csv_in"
else
    status=1
fi
if measure "$rubric" report "$policy" "$csv_in" --as-of "$as_of" -q -o "$build/report.html"; then
    report report csv "$csv_in"
else
    status=1
fi
# The score history: the same run with --history into a new file, side by
# side with the run without it (rubric_csv_s).  Targets: at most 3x the
# time, peak memory under 64 MiB.
history_s= history_kib=
rm -f "$build/bench-history.db" "$build/bench-history.db-journal"
if measure sh -c 'rm -f "$1"; exec "$2" run "$3" "$4" --as-of "$5" --format csv -o "$6" --history "$1" -q' sh \
        "$build/bench-history.db" "$rubric" "$policy" "$csv_in" "$as_of" "$build/out-history.csv"; then
    report history csv "$csv_in"
    history_s=$best_s history_kib=$peak_kib
    cmp -s "$build/out.csv" "$build/out-history.csv" || { echo "bench: run --history printed other scores than run"; status=1; }
else
    status=1
fi
if [ -n "$history_s" ] && [ -n "${rubric_csv_s:-}" ]; then
    awk -v h="$history_s" -v r="$rubric_csv_s" -v k="$history_kib" 'BEGIN {
        if (r > 0) printf "run --history/run time on csv: %.2fx (target: at most 3x); peak %.1f MiB (target: under 64)\n", h / r, k / 1024
    }'
fi

# The monthly run itself: use_case_alerts.rules on a second month of the
# same million accounts (another seed, a month later) into a history that
# holds the first, so every account's prev() is read from the history and
# the actions written, against the same scoring without a history.
alerts=rules/gitlab/use_case_alerts.rules
month2_as_of=2026-12-01
if [ -f "$alerts" ] && [ -n "${rubric_csv_s:-}" ]; then
    month2="$build/bench-$count-month2.csv"
    if [ ! -f "$month2" ] || [ "$month2" -ot tools/gen_accounts.c ]; then
        "$build/gen_accounts" --count "$count" --seed 2 --as-of "$month2_as_of" --format csv > "$month2.tmp"
        mv "$month2.tmp" "$month2"
    fi
    alerts_db="$build/bench-alerts.db"
    rm -f "$alerts_db" "$alerts_db-journal"
    if "$rubric" run "$alerts" "$csv_in" --as-of "$as_of" --history "$alerts_db" -q -o /dev/null 2> "$build/bench.stderr" &&
        measure "$rubric" run "$alerts" "$month2" --as-of "$month2_as_of" --history "$alerts_db" -q \
            --format csv -o "$build/out-alerts.csv" --actions "$build/actions-alerts.csv"; then
        report alerts csv "$month2"
        awk -v h="$best_s" -v r="$rubric_csv_s" -v k="$peak_kib" 'BEGIN {
            if (r > 0) printf "alerts with prev() and --history/run time on csv: %.2fx (target: at most 3x); peak %.1f MiB (target: under 64)\n", h / r, k / 1024
        }'
    else
        echo "bench: the monthly run of $alerts failed" >&2
        tail -n 5 "$build/bench.stderr" >&2
        status=1
    fi
fi

if [ -n "$diff_s" ] && [ -n "${rubric_csv_s:-}" ]; then
    awk -v d="$diff_s" -v r="$rubric_csv_s" 'BEGIN {
        if (r > 0) printf "diff/run time on csv: %.2fx (target: less than 2x)\n", d / r
    }'
fi
exit $status
