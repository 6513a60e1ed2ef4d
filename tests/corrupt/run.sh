#!/bin/bash
# tests/corrupt/run.sh RUBRIC BUILD_DIR
#
# Robustness: corrupted policies and corrupted account data must give a clear
# error or a result, never a crash, a hang, a sanitizer report, a wrong exit
# code, a partial output file or an uncounted record (SPEC: "Never crashes,
# never lies").  Meant for the AddressSanitizer + UBSan build.
#
# tests/corrupt/mutate.c makes the variants, deterministically (fixed seeds).
# Prints one "ok - ..." / "not ok - ..." line per group, details of the first
# failures, and last "corrupt: N passed, N failed" (one per variant).
# Failing variants are kept in BUILD_DIR/corrupt-failures for reproduction.
set -u
LC_ALL=C
export LC_ALL
export NO_COLOR=1

if [ $# -ne 2 ]; then
    echo "usage: tests/corrupt/run.sh RUBRIC BUILD_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rubric=$1
build=$2
case $rubric in /*) ;; */*) rubric=$PWD/$rubric ;; esac
mkdir -p "$build" || exit 2
build=$(cd "$build" && pwd)

policy=$root/rules/gitlab/use_case_health.rules
csv=$root/rules/gitlab/accounts.csv
ndjson=$root/rules/gitlab/accounts.ndjson
asof=2026-11-01
seed=20261101
limit=10 # seconds per command

tmp=$(mktemp -d "$build/corrupt.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
# Failing variants are collected here, then moved to $saved at the end (a
# concurrent run in the same BUILD_DIR then cannot mix its files with ours).
saved=$build/corrupt-failures
keepdir=$tmp/failures
mkdir -p "$keepdir"

mutate=$tmp/mutate
if ! cc -std=c11 -O2 -Wall -Wextra -Werror -o "$mutate" "$here/mutate.c"; then
    echo "not ok - tests/corrupt/mutate.c does not compile"
    echo "corrupt: 0 passed, 1 failed"
    exit 1
fi
if [ ! -x "$rubric" ]; then
    echo "not ok - no rubric binary at $rubric"
    echo "corrupt: 0 passed, 1 failed"
    exit 1
fi

# A private copy: a rebuild while the test runs must not change the binary.
shown=$rubric
cp "$rubric" "$tmp/rubric" && rubric=$tmp/rubric

workers=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
[ "$workers" -ge 1 ] 2>/dev/null || workers=2
[ "$workers" -gt 4 ] && workers=4

# ---- helpers ----------------------------------------------------------------

# The exit status in words.
status_text() {
    case $1 in
    124) echo "timed out after ${limit}s" ;;
    125) echo "timeout(1) itself failed" ;;
    126) echo "could not be executed" ;;
    127) echo "not found" ;;
    137) echo "killed after the timeout" ;;
    12[89] | 1[3-9][0-9] | 2[0-9][0-9]) echo "killed by signal $(($1 - 128))" ;;
    *) echo "exit $1" ;;
    esac
}

# One line of a file, printable and short, for a failure message.
first_line() { # FILE [PATTERN]
    if [ $# -gt 1 ]; then
        grep -a -m1 -e "$2" "$1" 2>/dev/null
    else
        grep -a -m1 . "$1" 2>/dev/null
    fi | tr -c '[:print:]\n' '?' | cut -c1-200
}

sanitizer_line() { # STDERR: the sanitizer's report, if it spoke
    l=$(first_line "$1" 'ERROR: [A-Za-z]*Sanitizer\|runtime error')
    [ -n "$l" ] || l=$(first_line "$1" 'AddressSanitizer\|LeakSanitizer')
    echo "$l"
}

# Runs COMMAND under the time limit; stdout and stderr to $w/out and $w/err.
run() {
    timeout -k 5 "$limit" "$@" >"$w/out" 2>"$w/err"
}

# Collects the reasons one variant failed.
fail() { reasons="${reasons:+$reasons; }$*"; }

# Common assertions on one command: no sanitizer report, an allowed exit code.
expect_exit() { # WHAT RC ALLOWED...
    what=$1 rc=$2
    shift 2
    s=$(sanitizer_line "$w/err")
    if [ -n "$s" ]; then
        fail "$what: sanitizer: $s"
        return 1
    fi
    for ok in "$@"; do
        [ "$rc" -eq "$ok" ] && return 0
    done
    l=
    [ -z "$s" ] && l=$(first_line "$w/err")
    fail "$what: $(status_text "$rc") (expected $*)${l:+: $l}"
    return 1
}

# No output file and no temporary file left behind.
expect_no_output() { # WHAT FILE
    [ -e "$2" ] && fail "$1: failed but left $2 behind"
    for t in "$2".tmp.*; do
        [ -e "$t" ] && fail "$1: left a temporary file ${t##*/}"
    done
}

expect_no_tmp() { # WHAT FILE
    for t in "$2".tmp.*; do
        [ -e "$t" ] && fail "$1: left a temporary file ${t##*/}"
    done
}

diag_re='^[^:]+:[0-9]+:[0-9]+: error: '

# Saves a failing variant and the streams that show the failure.
keep() { # NAME FILE
    [ -f "$2" ] && cp "$2" "$keepdir/$1"
    for s in "$w"/*.err; do
        [ -e "$s" ] && head -c 20000 "$s" >"$keepdir/$1.${s##*/}"
    done
}

# ---- group 1: policies --------------------------------------------------------

test_policy() { # NAME FILE
    name=$1 f=$2 reasons=
    rm -f "$w"/*.err
    run "$rubric" check "$f"
    crc=$?
    cp "$w/err" "$w/check.err"
    if expect_exit check "$crc" 0 2 && [ "$crc" -eq 2 ]; then
        if ! grep -Eaq "$diag_re" "$w/err" && ! grep -aq 'cannot read' "$w/err" &&
            ! grep -aq 'no .rules file under' "$w/err"; then
            fail "check: exit 2 without a file:line:col error ($(first_line "$w/err"))"
        fi
    fi
    out=$w/scores.csv
    rm -f "$out" "$out".tmp.*
    run "$rubric" run "$f" "$csv" --as-of "$asof" -o "$out"
    rrc=$?
    cp "$w/err" "$w/run.err"
    if expect_exit run "$rrc" 0 1 2; then
        if [ "$rrc" -eq 0 ]; then
            [ -s "$out" ] || fail "run: exit 0 but no output file"
            expect_no_tmp run "$out"
        else
            expect_no_output run "$out"
        fi
        if [ "$rrc" -eq 2 ] && ! grep -Eaq "$diag_re" "$w/err" && ! grep -aq 'cannot read' "$w/err"; then
            fail "run: exit 2 without a file:line:col error ($(first_line "$w/err"))"
        fi
        if [ "$rrc" -eq 1 ] && ! grep -Eaq 'record [0-9]+|line [0-9]+|accounts\.csv: ' "$w/err"; then
            fail "run: exit 1 without naming a record, a line or the data file ($(first_line "$w/err"))"
        fi
        # check and run must agree on whether the policy is valid.
        if [ "$crc" -eq 0 ] && [ "$rrc" -eq 2 ]; then
            fail "check accepts the policy but run rejects it (exit 2)"
        elif [ "$crc" -eq 2 ] && [ "$rrc" -ne 2 ]; then
            fail "check rejects the policy but run exits $rrc"
        fi
    fi
    [ -n "$reasons" ] && keep "$name" "$f"
    rm -f "$out" "$out".tmp.*
}

# ---- group 2: data --------------------------------------------------------------

# Rejected records as stderr reports them: the summary line, else one line each.
rejected_count() { # STDERR
    n=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) records\{0,1\} rejected.*/\1/p' "$1" | tail -n 1)
    [ -n "$n" ] || n=$(grep -ac 'record [0-9][0-9]*' "$1")
    echo "$n"
}

test_data() { # NAME FILE RECORDS BAD
    name=$1 f=$2 records=$3 bad=$4 reasons=
    rm -f "$w"/*.err
    out=$w/fail.csv
    rm -f "$out" "$out".tmp.*
    run "$rubric" run "$policy" "$f" --as-of "$asof" --on-error fail -o "$out"
    frc=$?
    cp "$w/err" "$w/fail.err"
    fsane=0
    if expect_exit "fail" "$frc" 0 1; then
        fsane=1
        if [ "$frc" -eq 0 ]; then
            [ -s "$out" ] || fail "fail: exit 0 but no output file"
            expect_no_tmp "fail" "$out"
        else
            expect_no_output "fail" "$out"
            if ! grep -Eaq "record [0-9]+|line [0-9]+|${f##*/}: [^ ]|${f##*/} holds no accounts" "$w/err"; then
                fail "fail: exit 1 without a record number, a line or what is wrong with the file ($(first_line "$w/err"))"
            fi
        fi
    fi

    out2=$w/skip.ndjson
    rm -f "$out2" "$out2".tmp.*
    run "$rubric" run "$policy" "$f" --as-of "$asof" --on-error skip -f ndjson -o "$out2"
    src=$?
    cp "$w/err" "$w/skip.err"
    ssane=0
    if expect_exit skip "$src" 0 1; then
        ssane=1
        expect_no_tmp skip "$out2"
        rejected=$(rejected_count "$w/err")
        if [ "$src" -eq 1 ] && ! grep -Eaq "record [0-9]+|line [0-9]+|${f##*/}: [^ ]|${f##*/} holds no accounts" "$w/err"; then
            fail "skip: exit 1 without a record number, a line or what is wrong with the file ($(first_line "$w/err"))"
        fi
        if [ "$src" -eq 0 ]; then
            [ -e "$out2" ] || fail "skip: exit 0 but no output file"
            [ "$rejected" -eq 0 ] || fail "skip: exit 0 but $rejected records reported rejected"
        elif [ -e "$out2" ] && [ "$rejected" -eq 0 ]; then
            fail "skip: exit 1 with an output file, but no record reported rejected"
        fi
        if [ "$records" -ge 0 ]; then
            # No account scored at all (no record, or every one rejected)
            # writes no file, as docs/cli.md says; otherwise there must be one.
            if [ ! -e "$out2" ] && [ "$rejected" -ne "$records" ]; then
                fail "skip: no output for a file of $records records, $rejected rejected: $(first_line "$w/err")"
            elif [ ! -e "$out2" ]; then
                :
            else
                rows=$(wc -l <"$out2")
                if [ $((rows + rejected)) -ne "$records" ]; then
                    fail "skip: $rows scored + $rejected rejected, but the file has $records records"
                fi
                if [ "$bad" -ge 0 ] && [ "$rejected" -ne "$bad" ]; then
                    fail "skip: $rejected records rejected, expected $bad"
                fi
            fi
        fi
    fi
    if [ "$fsane" -eq 1 ] && [ "$ssane" -eq 1 ] && [ "$frc" -ne "$src" ]; then
        fail "--on-error fail exits $frc but skip exits $src"
    fi

    # The other verbs read the data through the same pass: the same file
    # must get the same verdict, the same rejected count, and no partial
    # output file.
    out3=$w/report.html
    rm -f "$out3" "$out3".tmp.*
    run "$rubric" report "$policy" "$f" --as-of "$asof" -o "$out3"
    prc=$?
    cp "$w/err" "$w/report.err"
    if expect_exit report "$prc" 0 1; then
        [ "$fsane" -eq 1 ] && [ "$prc" -ne "$frc" ] && fail "report exits $prc but run exits $frc"
        if [ "$prc" -eq 0 ]; then expect_no_tmp report "$out3"; else expect_no_output report "$out3"; fi
    fi
    run "$rubric" diff "$policy" "$policy" "$f" --as-of "$asof" --on-error skip -f csv -o "$w/diff.csv"
    drc=$?
    cp "$w/err" "$w/diff.err"
    if expect_exit diff "$drc" 0 1 && [ "$ssane" -eq 1 ]; then
        [ "$drc" -ne "$src" ] && fail "diff --on-error skip exits $drc but run exits $src"
        [ "$(rejected_count "$w/err")" -ne "$rejected" ] && fail "diff rejects $(rejected_count "$w/err") records, run $rejected"
        [ -e "$w/diff.csv" ] && [ "$(wc -l <"$w/diff.csv")" -ne 1 ] && fail "diff of a policy with itself lists changes"
    fi
    [ -n "$reasons" ] && keep "$name" "$f"
    rm -f "$out" "$out2" "$out3" "$w/diff.csv"
}

# ---- the driver -------------------------------------------------------------------

# Runs one group's manifest over the workers; results in $tmp/GROUP.res.
run_group() { # GROUP DIR MANIFEST TESTFN
    group=$1 dir=$2 manifest=$3 fn=$4
    for ((k = 0; k < workers; k++)); do
        (
            w=$tmp/work.$group.$k
            mkdir -p "$w"
            i=0
            while IFS=$'\t' read -r name records bad desc; do
                if [ $((i++ % workers)) -ne "$k" ]; then
                    continue
                fi
                case $name in
                @missing) f=$dir/no-such-file.rules ;;
                @directory) f=$tmp/a-directory ;;
                *) f=$dir/$name ;;
                esac
                if [ "$fn" = test_policy ]; then
                    test_policy "$name" "$f"
                else
                    test_data "$name" "$f" "$records" "$bad"
                fi
                printf '%s\t%s\t%s\n' "$name" "${reasons:-ok}" "$desc"
                # big variants are not needed once tested
                [ -z "$reasons" ] && [ -f "$f" ] && [ "$(wc -c <"$f")" -gt 1000000 ] && rm -f "$f"
            done <"$manifest" >"$tmp/$group.res.$k"
        ) &
    done
    wait
    sort "$tmp/$group.res".* >"$tmp/$group.res"
}

passed=0
failed=0

report() { # GROUP MANIFEST TITLE HOWTO
    group=$1 manifest=$2 title=$3 howto=$4
    # a variant a worker never reported on counts as failed
    awk -F'\t' 'NR == FNR { seen[$1] = 1; next } !($1 in seen) { print $1 "\tno result (the test itself failed)\t" $4 }' \
        "$tmp/$group.res" "$manifest" >>"$tmp/$group.res"
    total=$(wc -l <"$tmp/$group.res")
    bad=$(awk -F'\t' '$2 != "ok"' "$tmp/$group.res" | wc -l)
    good=$((total - bad))
    passed=$((passed + good))
    failed=$((failed + bad))
    if [ "$bad" -eq 0 ]; then
        echo "ok - $total $title"
    else
        echo "not ok - $total $title: $bad failed"
        awk -F'\t' '$2 != "ok"' "$tmp/$group.res" | head -n 12 | while IFS=$'\t' read -r name why desc; do
            echo "#   $name ($desc): $why"
        done
        [ "$bad" -gt 12 ] && echo "#   ... and $((bad - 12)) more"
        echo "#   reproduce: $howto (variants in $saved)"
    fi
}

mkdir -p "$tmp/p" "$tmp/c" "$tmp/j"
gen() { # KIND SRC DIR COUNT MANIFEST
    if ! "$mutate" "$1" "$2" "$3" "$seed" "$4" >"$5"; then
        echo "not ok - tests/corrupt/mutate.c could not make the $1 variants"
        echo "corrupt: 0 passed, 1 failed"
        exit 1
    fi
}
gen policy "$policy" "$tmp/p" 340 "$tmp/p.tsv"
# Not the variants' own folder: `check DIR` checks every policy under it,
# and that folder holds hundreds, some of a megabyte, which would make the
# case's time depend on how many the other workers have removed yet.
mkdir -p "$tmp/a-directory"
printf '@missing\t-1\t-1\ta policy file that does not exist\n@directory\t-1\t-1\ta directory as the policy\n' >>"$tmp/p.tsv"
gen csv "$csv" "$tmp/c" 150 "$tmp/c.tsv"
gen json "$ndjson" "$tmp/j" 130 "$tmp/j.tsv"

run_group policies "$tmp/p" "$tmp/p.tsv" test_policy
report policies "$tmp/p.tsv" "corrupted policies" "$shown check VARIANT; $shown run VARIANT $csv --as-of $asof -o OUT"
run_group csv "$tmp/c" "$tmp/c.tsv" test_data
report csv "$tmp/c.tsv" "corrupted CSV files" "$shown run $policy VARIANT --as-of $asof --on-error fail -o OUT; the same with --on-error skip -f ndjson -o OUT2"
run_group json "$tmp/j" "$tmp/j.tsv" test_data
report json "$tmp/j.tsv" "corrupted JSON and NDJSON files" "$shown run $policy VARIANT --as-of $asof --on-error fail -o OUT; the same with --on-error skip -f ndjson -o OUT2"

rm -rf "$saved"
if [ "$failed" -gt 0 ]; then
    mv "$keepdir" "$saved"
fi
echo "corrupt: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
