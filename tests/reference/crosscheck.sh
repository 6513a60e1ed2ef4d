#!/usr/bin/env bash
# crosscheck.sh RUBRIC_BINARY BUILD_DIR
#
# Cross-checks rubric's rules/gitlab/use_case_health.rules against the
# independent reference implementation tests/reference/uch_reference.c:
#   - the reference on edge_accounts.csv must still give edge_accounts.expected.csv;
#   - rubric and the reference must agree on edge_accounts.csv (as-of 2026-11-01,
#     a CRLF + BOM copy of it, and more --as-of dates around month ends);
#   - if BUILD_DIR/gen_accounts exists: on 20,000 generated accounts for two
#     seeds, rubric (CSV input) must agree with the reference, and rubric on the
#     NDJSON and JSON forms of the same accounts must print the same as on CSV.
# Prints "ok - NAME" or "not ok - NAME" (with the first differing lines) per
# comparison; exits 1 if any comparison failed, 2 on usage errors.
#
# Environment: CC (default cc), REF_CFLAGS (default: the project's strict set),
# CROSSCHECK_SELECT=0 to run rubric without --select (then rubric's own column
# order must be the reference's).  Work files stay in BUILD_DIR/crosscheck/.
set -eu
export LC_ALL=C

if [ $# -ne 2 ]; then
    echo "usage: $0 RUBRIC_BINARY BUILD_DIR" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case $1 in /*) rubric=$1 ;; *) rubric=$PWD/$1 ;; esac
mkdir -p "$2"
build=$(cd "$2" && pwd)
work=$build/crosscheck
rm -rf "$work"
mkdir -p "$work"

policy=rules/gitlab/use_case_health.rules
as_of=2026-11-01
count=20000
seeds="42 20261101"
outputs=user_engagement,scm_git_ops,ci_pipelines,ci_deployments_per_user,ci_deployment_users,devsecops_scanners,devsecops_container_scanning,devsecops_secret_detection,cd_deployment_users,scm,ci,devsecops,cd,use_case_adoption_count
select_opt="--select $outputs"
if [ "${CROSSCHECK_SELECT:-1}" = 0 ]; then
    select_opt=
fi

failures=0
rubric_ran=0   # set by check_pair: 1 when rubric ran successfully

ok() { echo "ok - $1"; }

not_ok() { # NAME [FILE with details]
    echo "not ok - $1"
    if [ $# -gt 1 ] && [ -s "$2" ]; then
        head -n 12 "$2" | sed 's/^/#   /'
    fi
    failures=$((failures + 1))
}

# compare NAME EXPECTED ACTUAL: files must be byte-identical.
compare() {
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        diff -- "$2" "$3" > "$work/diff.out" || true
        not_ok "$1" "$work/diff.out"
    fi
}

# run_rubric INPUT OUTPUT AS_OF: rubric's scores, or 1 with its stderr in OUTPUT.err.
# --raw: a program compares the cells, so no spreadsheet escaping.
run_rubric() {
    # shellcheck disable=SC2086  # select_opt is deliberately split
    (cd "$root" && "$rubric" run "$policy" "$1" --as-of "$3" --format csv --raw $select_opt) \
        > "$2" 2> "$2.err"
}

# run_reference INPUT OUTPUT AS_OF
run_reference() {
    "$build/uch_reference" --as-of "$3" < "$1" > "$2" 2> "$2.err"
}

# check_pair NAME INPUT AS_OF OUTBASE: rubric vs reference on one CSV file;
# leaves OUTBASE.ref and OUTBASE.rubric (and their .err).
check_pair() {
    local name=$1 input=$2 date=$3 base=$4
    rubric_ran=0
    if ! run_reference "$input" "$base.ref" "$date"; then
        not_ok "$name (reference failed)" "$base.ref.err"
        return 0
    fi
    if ! run_rubric "$input" "$base.rubric" "$date"; then
        not_ok "$name (rubric failed)" "$base.rubric.err"
        return 0
    fi
    rubric_ran=1
    compare "$name" "$base.ref" "$base.rubric"
}

# --- the reference itself --------------------------------------------------
cc=${CC:-cc}
cflags=${REF_CFLAGS:--std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror}
# shellcheck disable=SC2086  # cflags is a list of flags
if ! $cc $cflags -o "$build/uch_reference" "$here/uch_reference.c" 2> "$work/cc.err"; then
    not_ok "compile uch_reference.c" "$work/cc.err"
    exit 1
fi
ok "compile uch_reference.c"

edge=$here/edge_accounts.csv
if run_reference "$edge" "$work/edge.ref" "$as_of"; then
    compare "reference: edge_accounts.csv gives edge_accounts.expected.csv" \
        "$here/edge_accounts.expected.csv" "$work/edge.ref"
else
    not_ok "reference: edge_accounts.csv (reference failed)" "$work/edge.ref.err"
fi

# --- rubric vs the reference on the edge accounts ---------------------------
if [ ! -x "$rubric" ]; then
    not_ok "rubric binary '$rubric' not found or not executable"
    exit 1
fi

check_pair "edge_accounts.csv --as-of $as_of" "$edge" "$as_of" "$work/edge-$as_of"

{ printf '\357\273\277'; sed 's/$/\r/' "$edge"; } > "$work/edge_crlf_bom.csv"
check_pair "edge_accounts.csv as CRLF with BOM --as-of $as_of" "$work/edge_crlf_bom.csv" \
    "$as_of" "$work/edge_crlf_bom"

# as_of - 1 month clamps to month end: 03-31 -> 02-28 (02-29 in 2024), 05-31 -> 04-30 ...
for d in 2026-03-31 2026-03-29 2026-03-28 2024-03-31 2024-03-30 2026-05-31 2026-01-31 \
    2026-01-01 2026-10-02 2000-03-31; do
    check_pair "edge_accounts.csv --as-of $d" "$edge" "$d" "$work/edge-$d"
done

# --- generated accounts -----------------------------------------------------
gen=$build/gen_accounts
if [ -x "$gen" ]; then
    for seed in $seeds; do
        base=$work/gen-$seed
        gen_ok=1
        for fmt in csv ndjson json; do
            if ! "$gen" --count "$count" --seed "$seed" --format "$fmt" --as-of "$as_of" \
                > "$base.$fmt" 2> "$base.$fmt.err"; then
                not_ok "gen_accounts --seed $seed --format $fmt failed" "$base.$fmt.err"
                gen_ok=0
            fi
        done
        [ "$gen_ok" = 1 ] || continue
        check_pair "generated $count accounts seed $seed (csv)" "$base.csv" "$as_of" "$base.csv"
        for fmt in ndjson json; do
            name="generated $count accounts seed $seed: rubric on $fmt = rubric on csv"
            if [ "$rubric_ran" != 1 ]; then
                not_ok "$name (no rubric output on csv to compare with)"
            elif ! run_rubric "$base.$fmt" "$base.$fmt.rubric" "$as_of"; then
                not_ok "$name (rubric failed)" "$base.$fmt.rubric.err"
            else
                compare "$name" "$base.csv.rubric" "$base.$fmt.rubric"
            fi
        done
    done
else
    echo "ok - generated accounts # SKIP $gen not built"
fi

if [ "$failures" -gt 0 ]; then
    echo "crosscheck: $failures comparison(s) failed; work files in $work" >&2
    exit 1
fi
exit 0
