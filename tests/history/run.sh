#!/bin/sh
# The score history when things go wrong: a run killed with SIGKILL in the
# middle of writing a period, and two runs writing one history at once.
# Reads the file back with Debian's sqlite3 tool, as any other client would.
#   sh tests/history/run.sh RUBRIC BUILD_DIR     (BUILD_DIR has gen_accounts)
# Prints ok / not ok lines and "history: N passed, N failed".
set -u
LC_ALL=C
export LC_ALL
rubric=$1 build=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")/../.." && pwd)
case $rubric in /*) ;; */*) rubric=$PWD/$rubric ;; esac
work=$build/history-test
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
policy=$here/rules/gitlab/use_case_health.rules
small=$here/rules/gitlab/accounts.csv
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
finish() { echo "history: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

if ! command -v sqlite3 >/dev/null 2>&1; then
    not_ok "the sqlite3 command-line tool is missing (apt-get install sqlite3)"
    finish
fi
# Big enough that a period takes a good part of a second to write.
"$build/gen_accounts" --count 300000 --seed 11 --as-of 2026-11-01 --format csv >big.csv || exit 1

record() { # HISTORY DATA AS_OF
    "$rubric" run "$policy" "$2" --as-of "$3" --history "$1" -q -o /dev/null
}
# Everything a reader can see, as one checksum.
contents() { sqlite3 "$1" .dump | cksum; }
integrity() { sqlite3 "$1" 'PRAGMA integrity_check'; }

# --- A run killed mid-write leaves the history as it was -----------------
record h.db "$small" 2026-09-01 2>/dev/null
record h.db "$small" 2026-10-01 2>/dev/null
before=$(contents h.db)
before_acc=$("$rubric" history h.db --account ACC-000002 -f csv)
for target in 2026-10-01 2026-11-01; do # replacing a period, adding one
    "$rubric" run "$policy" big.csv --as-of $target --history h.db -q -o /dev/null 2>/dev/null &
    pid=$!
    # The journal appears when the period's transaction writes its first
    # page; let the inserts run a little, then kill.
    i=0
    while [ ! -e h.db-journal ] && [ $i -lt 400 ]; do sleep 0.01; i=$((i + 1)); done
    sleep 0.3
    if kill -9 $pid 2>/dev/null; then
        wait $pid 2>/dev/null
        if [ -e h.db-journal ]; then
            ok "killed while writing $target: a hot journal was left"
        else
            not_ok "killed while writing $target: no journal left, the kill was not mid-write"
        fi
        [ "$(integrity h.db)" = ok ] && ok "after the kill ($target): PRAGMA integrity_check says ok" ||
            not_ok "after the kill ($target): integrity_check: $(integrity h.db)"
        [ "$(contents h.db)" = "$before" ] && ok "after the kill ($target): the history is as it was" ||
            not_ok "after the kill ($target): the history changed"
        [ "$("$rubric" history h.db --account ACC-000002 -f csv)" = "$before_acc" ] &&
            ok "after the kill ($target): rubric history shows what it showed before" ||
            not_ok "after the kill ($target): rubric history changed"
    else
        wait $pid
        not_ok "the run writing $target ended before it could be killed: make big.csv bigger"
    fi
done

# --- Two runs writing one history at once ---------------------------------
# Different periods, then the same one: each run either succeeds or fails
# with the message that another run is writing; nothing is corrupted, and
# every period recorded is whole.
for pair in "2026-11-01 2026-12-01" "2026-12-01 2026-12-01"; do
    set -- $pair
    rm -f two.db two.db-journal
    record two.db big.csv "$1" 2>a.err &
    a=$!
    record two.db big.csv "$2" 2>b.err &
    b=$!
    wait $a
    ra=$?
    wait $b
    rb=$?
    both="$1 and $2 at once"
    good=true
    for r in "$ra a.err" "$rb b.err"; do
        set -- $r
        if [ "$1" -ne 0 ] && ! grep -q 'is being written by another run; try again' "$2"; then
            good=false
            not_ok "$both: a run failed without saying another run was writing: $(cat "$2")"
        fi
    done
    $good && ok "$both: each run succeeded or said another run was writing (exits $ra, $rb)"
    [ "$(integrity two.db)" = ok ] && ok "$both: PRAGMA integrity_check says ok" ||
        not_ok "$both: integrity_check: $(integrity two.db)"
    whole=true
    for t in $(sqlite3 two.db 'SELECT scores_table FROM periods'); do
        n=$(sqlite3 two.db "SELECT count(*) FROM $t")
        want=$(sqlite3 two.db "SELECT accounts FROM periods WHERE scores_table = '$t'")
        [ "$n" = 300000 ] && [ "$want" = 300000 ] || whole=false
    done
    periods=$(sqlite3 two.db 'SELECT count(*) FROM periods')
    expected=$( [ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] && [ "$pair" = "2026-11-01 2026-12-01" ] && echo 2 || echo 1)
    $whole && [ "$periods" = "$expected" ] && ok "$both: $periods period(s), each with all 300000 accounts" ||
        not_ok "$both: $periods periods (expected $expected), whole: $whole"
done
finish
