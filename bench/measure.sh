# bench/measure.sh - what the bench scripts share, sourced by them: absolute
# paths, and timing one command BENCH_RUNS times under tools/peakrss.

abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }

# measure COMMAND...: runs it $runs times under $build/peakrss; sets best_s
# (fastest wall time) and peak_kib (largest peak RSS of any run).  Returns
# non-zero, after showing its stderr, if a run fails.  $bench_err names the
# file its stderr goes to.
best_s= peak_kib=
measure() {
    local i figures s kib
    best_s= peak_kib=0
    for i in $(seq "$runs"); do
        if ! "$build/peakrss" "$@" 2> "$bench_err"; then
            echo "bench: run $i failed: $*" >&2
            grep -v '^peakrss: ' "$bench_err" | tail -n 20 >&2
            return 1
        fi
        figures=$(sed -n 's/^peakrss: elapsed_s=\([0-9.]*\) maxrss_kib=\([0-9]*\)$/\1 \2/p' "$bench_err" | tail -n 1)
        s=${figures% *} kib=${figures#* }
        if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
            best_s=$s
        fi
        [ "$kib" -le "$peak_kib" ] || peak_kib=$kib
    done
}
