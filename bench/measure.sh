# bench/measure.sh - what the bench scripts share, sourced by them: absolute
# paths, and timing one command BENCH_RUNS times under tools/peakrss.

abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

# measure COMMAND...: runs it $runs times under $build/peakrss; sets best_s
# (fastest wall time) and peak_kib (largest peak RSS of any run).  Returns
# non-zero, after showing its stderr, if a run fails.  $bench_err names the
# file its stderr goes to.
best_s= peak_kib=
measure() {
    local i
    best_s= peak_kib=0
    for i in $(seq "$runs"); do
        measure_once "$@" || return 1
        if [ -z "$best_s" ] || awk -v a="$once_s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
            best_s=$once_s
        fi
        [ "$once_kib" -le "$peak_kib" ] || peak_kib=$once_kib
    done
}

# measure_once COMMAND...: one run under $build/peakrss; sets once_s (wall
# time) and once_kib (peak RSS).  Non-zero, after showing its stderr, if
# the run fails.
once_s= once_kib=
measure_once() {
    local figures
    if ! "$build/peakrss" "$@" 2> "$bench_err"; then
        echo "bench: run failed: $*" >&2
        grep -v '^peakrss: ' "$bench_err" | tail -n 20 >&2
        return 1
    fi
    figures=$(sed -n 's/^peakrss: elapsed_s=\([0-9.]*\) maxrss_kib=\([0-9]*\)$/\1 \2/p' "$bench_err" | tail -n 1)
    once_s=${figures% *} once_kib=${figures#* }
}

# median NUMBER...: the middle one (the mean of the two middle ones).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
