# The stage runner tests/run.sh and tests/check.sh share (sourced):
# stage NAME COMMAND... runs a stage, shows what is not "ok", and adds its
# "N passed, N failed" (or its ok / not ok lines) to $passed and $failed.
passed=0 failed=0

stage() { # NAME COMMAND...: runs a stage and adds its counts
    name=$1
    shift
    echo "== $name"
    out=$("$@" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -v '^ok ' | sed -n '1,200p'
    counts=$(printf '%s\n' "$out" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1 \2/p' | tail -n 1)
    if [ -z "$counts" ]; then
        # A TAP-like stage: count its "ok -" and "not ok -" lines.
        counts="$(printf '%s\n' "$out" | grep -c '^ok ') $(printf '%s\n' "$out" | grep -c '^not ok ')"
    fi
    set -- $counts
    if [ $rc -ne 0 ] && [ "$2" -eq 0 ]; then
        set -- "$1" 1 # it failed without saying which test: count one
    fi
    passed=$((passed + $1))
    failed=$((failed + $2))
}
