#!/usr/bin/env bash
# make bench: time `rubric run` on the GitLab use-case health policy over 1,000,000 generated
# accounts, as CSV and as NDJSON, with one thread and with -j 2, against bench/baseline.c, a
# hand-written C program doing the same scoring.  The bars: one thread at most 1.5x the
# baseline, -j 2 at most 1.0x it, NDJSON at most 2.0x CSV, peak memory under 32 MiB in every
# mode.  Then the other verbs, run --history, and the monthly run of use_case_alerts.rules
# (prev() read from a history holding the month before, actions written): at most 3x the run,
# under 64 MiB.  Ends with one summary table of every mode, its ratios and bars (also kept in
# BUILD_DIR/bench-summary.txt).
#
#   bench/run.sh BUILD_DIR RUBRIC_BINARY
#
# Environment: BENCH_COUNT (accounts, default 1000000), BENCH_ROUNDS (rounds of the five run
# modes, interleaved, medians kept; default 7: one busy moment of a shared machine moved a
# median of 3 from 0.81x to 1.14x), BENCH_RUNS (runs of each other verb, best kept; default 3), CC,
# BENCH_SUMMARY_LATER (set: the summary is only written to its file, for make bench to print
# last).
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
rounds=${BENCH_ROUNDS:-7}
as_of=2026-11-01
seed=1
policy=rules/gitlab/use_case_health.rules
cc=${CC:-cc}
cflags="-std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror"
status=0

mkdir -p "$build"
rm -f "$build/bench-summary.txt" # never last run's table for this one's

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
echo "rubric bench: $count accounts, as-of $as_of; run modes: median of $rounds interleaved rounds, other verbs: best of $runs runs; ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores"
printf "%-9s %-7s %9s %9s %9s %12s %9s %13s\n" \
    program input accounts MB seconds accounts/s MB/s "peak RSS MiB"

csv_in="$build/bench-$count.csv"

case $rubric in
    */*) [ -x "$rubric" ] && [ -f "$rubric" ] ;;
    *) command -v "$rubric" > /dev/null 2>&1 ;;
esac || {
    echo "bench: rubric binary '$rubric' not found or not executable; build it first (make)." >&2
    exit 1
}
if [ ! -f "$policy" ]; then
    echo "bench: policy $policy not found." >&2
    exit 1
fi

# The five modes the bars are about, interleaved: each round runs every mode
# once, so that a busy moment of a shared machine falls on all of them
# alike, and each mode's median is kept.
modes="baseline csv j2-csv ndjson j2-ndjson"
output_of() { if [ "$1" = baseline ]; then echo "$build/baseline-out.csv"; elif [ "$1" = csv ]; then echo "$build/out.csv"; else echo "$build/out-$1.csv"; fi; }
run_mode() {     # MODE: one run of it under peakrss
    local in jobs=
    case $1 in
        baseline) measure_once "$build/baseline" --as-of "$as_of" -o "$(output_of baseline)" "$csv_in"; return ;;
        j2-*) jobs="-j 2" in="$build/bench-$count.${1#j2-}" ;;
        *) in="$build/bench-$count.$1" ;;
    esac
    # shellcheck disable=SC2086 # $jobs is two words or none
    measure_once "$rubric" run $jobs "$policy" "$in" --as-of "$as_of" --format csv -o "$(output_of "$1")"
}
declare -A times peak failed
for m in $modes; do times[$m]= peak[$m]=0 failed[$m]=; done
for i in $(seq "$rounds"); do
    for m in $modes; do
        [ -z "${failed[$m]}" ] || continue
        if run_mode "$m"; then
            times[$m]="${times[$m]} $once_s"
            [ "$once_kib" -le "${peak[$m]}" ] || peak[$m]=$once_kib
        else
            failed[$m]=1
            status=1
        fi
    done
done
declare -A med
for m in $modes; do
    [ -z "${failed[$m]}" ] || continue
    # shellcheck disable=SC2086 # one word per time
    med[$m]=$(median ${times[$m]})
    best_s=${med[$m]} peak_kib=${peak[$m]}
    case $m in
        baseline) report baseline csv "$csv_in" ;;
        j2-*) report rubric-j2 "${m#j2-}" "$build/bench-$count.${m#j2-}" ;;
        *) report rubric "$m" "$build/bench-$count.$m" ;;
    esac
done
[ -n "${med[baseline]:-}" ] || { echo "bench: the baseline failed" >&2; exit 1; }
rubric_csv_s=${med[csv]:-}
agreed=yes
for m in csv j2-csv ndjson j2-ndjson; do
    [ -z "${failed[$m]}" ] || continue
    agree "$m" "$(output_of "$m")" || { status=1; agreed=NO; }
done

# The summary: one row a mode, its ratio, the bar it is held to (SPEC and
# the speed issue) and whether it met it; printed at the end of make bench.
summary="$build/bench-summary.txt"
{
    echo "summary: $count accounts, $policy, as-of $as_of; ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
    echo "run modes: median of $rounds interleaved rounds; other verbs: best of $runs; outputs equal to the baseline's: $agreed"
    printf '%-26s %8s %10s %8s  %-22s %4s %9s\n' mode seconds "x baseline" ratio "bar" met "peak MiB"
} > "$summary"
row() {          # LABEL SECONDS PEAK_KIB RATIO BAR_TEXT BAR_LIMIT MEM_LIMIT_MIB
    awk -v l="$1" -v s="$2" -v k="$3" -v r="$4" -v t="$5" -v lim="$6" -v mem="$7" -v b="${med[baseline]}" 'BEGIN {
        met = ((lim == "" || r + 0 <= lim + 0) && (mem == "" || k / 1024 < mem + 0)) ? "yes" : "NO"
        if (lim == "" && mem == "") met = "-"
        x = (b > 0) ? s / b : 0
        rr = (r == "") ? "" : sprintf("%.2f", r)
        printf "%-26s %8.3f %10.2f %8s  %-22s %4s %9.1f\n", l, s, x, rr, t, met, k / 1024
    }' >> "$summary"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b }'; }
row "baseline, csv" "${med[baseline]}" "${peak[baseline]}" "" "" "" ""
[ -z "${med[csv]:-}" ] || row "run, csv" "${med[csv]}" "${peak[csv]}" "$(ratio "${med[csv]}" "${med[baseline]}")" "<= 1.5x baseline" 1.5 32
[ -z "${med[j2-csv]:-}" ] || row "run -j 2, csv" "${med[j2-csv]}" "${peak[j2-csv]}" "$(ratio "${med[j2-csv]}" "${med[baseline]}")" "<= 1.0x baseline" 1.0 32
[ -z "${med[ndjson]:-}" ] || [ -z "${med[csv]:-}" ] || row "run, ndjson" "${med[ndjson]}" "${peak[ndjson]}" "$(ratio "${med[ndjson]}" "${med[csv]}")" "<= 2.0x run, csv" 2.0 32
[ -z "${med[j2-ndjson]:-}" ] || [ -z "${med[j2-csv]:-}" ] || row "run -j 2, ndjson" "${med[j2-ndjson]}" "${peak[j2-ndjson]}" "$(ratio "${med[j2-ndjson]}" "${med[j2-csv]}")" "<= 2.0x run -j 2, csv" 2.0 32

# The other verbs on the same CSV.  diff scores every record with two
# policies (here the same file, NEW with a what-if parameter); its target
# is less than twice one run.  calibrate keeps one number per account;
# report keeps only counts and histograms.
if measure "$rubric" diff "$policy" "$policy" "$csv_in" --as-of "$as_of" --param onboarding_period=2months -q -o "$build/diff.txt"; then
    report diff csv "$csv_in"
    [ -z "$rubric_csv_s" ] || row "diff, csv" "$best_s" "$peak_kib" "$(ratio "$best_s" "$rubric_csv_s")" "< 2.0x run, csv" 1.9999 ""
else
    status=1
fi
if measure "$rubric" calibrate "$policy" "$csv_in" --measure scm_git_ops --as-of "$as_of" -q -o "$build/calibrate.txt"; then
    report calibrate csv "$csv_in"
    [ -z "$rubric_csv_s" ] || row "calibrate, csv" "$best_s" "$peak_kib" "$(ratio "$best_s" "$rubric_csv_s")" "(x run, csv)" "" ""
else
    status=1
fi
if measure "$rubric" report "$policy" "$csv_in" --as-of "$as_of" -q -o "$build/report.html"; then
    report report csv "$csv_in"
    [ -z "$rubric_csv_s" ] || row "report, csv" "$best_s" "$peak_kib" "$(ratio "$best_s" "$rubric_csv_s")" "(x run, csv)" "" ""
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
    row "run --history, csv" "$history_s" "$history_kib" "$(ratio "$history_s" "$rubric_csv_s")" "<= 3x run, < 64 MiB" 3 64
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
        row "alerts, prev(), --history" "$best_s" "$peak_kib" "$(ratio "$best_s" "$rubric_csv_s")" "<= 3x run, < 64 MiB" 3 64
    else
        echo "bench: the monthly run of $alerts failed" >&2
        tail -n 5 "$build/bench.stderr" >&2
        status=1
    fi
fi

# make bench prints the summary after the other scripts' figures
# (BENCH_SUMMARY_LATER=1); alone, this script prints it here.
[ -n "${BENCH_SUMMARY_LATER:-}" ] || { echo; cat "$summary"; }
exit $status
