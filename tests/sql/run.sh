#!/bin/bash
# tests/sql/run.sh [RUBRIC] [BUILD] - rubric sql's queries on real engines.
#
# For each policy below and each of its account files (its shipped sample
# accounts, and accounts generated with exact-edge values), at each as-of
# date: `rubric run --format csv` is the expected output, and the query of
# `rubric sql` must give the same cells on PostgreSQL (a throw-away server,
# with_postgres.sh), SQLite (the sqlite3 tool) and DuckDB (its npm package).
# The accounts are loaded through each dialect's `rubric sql --schema` and
# its CSV import, an empty cell as NULL.  Numbers are compared as run
# prints them (accounts.py normalise, docs/sql.md).  An engine that is not
# installed fails the test: it is never skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rubric=$(cd "$(dirname "${1:-./rubric}")" && pwd)/$(basename "${1:-./rubric}")
mkdir -p "${2:-build}"
build=$(cd "${2:-build}" && pwd)
work=$build/sql-test
root=$(cd "$here/../.." && pwd)

missing=""
command -v psql >/dev/null 2>&1 || missing="$missing psql(postgresql)"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing initdb(postgresql)"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
command -v node >/dev/null 2>&1 || missing="$missing node"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
if [ -n "$missing" ]; then
    echo "tests/sql: FAIL: not installed:$missing (sh tools/ensure-test-deps.sh installs them)" >&2
    exit 1
fi
if ! (cd "$here" && npm ci --silent --no-audit --no-fund >/dev/null 2>"$build/sql-npm.log"); then
    echo "tests/sql: FAIL: npm ci could not install DuckDB's package:" >&2
    cat "$build/sql-npm.log" >&2
    exit 1
fi

if [ -z "${PGHOST:-}" ]; then
    exec bash "$here/with_postgres.sh" bash "$0" "$rubric" "$build"
fi

rm -rf "$work"
mkdir -p "$work"
cd "$root" || exit 1

# POLICY | sample accounts (or -) | generated accounts | as-of dates | --param settings
# [| the dialects, when not all three: docs/sql.md says why]
# (SQL_TEST_CASES=FILE: that file's cases instead, in the same form.)
cases() {
    if [ -n "${SQL_TEST_CASES:-}" ]; then
        cat "$SQL_TEST_CASES"
        return
    fi
    cat <<'CASES'
rules/gitlab/use_case_health.rules|rules/gitlab/accounts.csv|3000|2026-12-01 2027-03-31|
rules/gitlab/use_case_health.rules|-|500|2026-12-01|--param 'onboarding_period=3 months'
rules/gitlab/account_health.rules|rules/gitlab/account_health_accounts.csv|2000|2026-12-01 2027-03-31|
rules/gitlab/use_case_adoption_v1.rules|rules/gitlab/use_case_adoption_v1_accounts.csv|2000|2026-12-01 2027-03-31|
CASES
    cat "$here/cases.txt"
}

# POLICY | sample accounts (or -) | generated accounts | as-of dates | --param settings
# for rubric sql --bind: the shipped policies, the edge accounts, and
# tests/golden/fixtures/sql/bound.rules (a parameter of every kind), each parameter set to
# two values or more, one of them on a threshold the accounts hit exactly;
# a parameter computed from others (red_below = green_at / 2) left to its
# default with the others bound, and bound itself.
# (SQL_TEST_BIND_CASES=FILE: that file's cases instead; with only
# SQL_TEST_CASES, none.)
bind_cases() {
    if [ -n "${SQL_TEST_BIND_CASES:-}" ]; then
        cat "$SQL_TEST_BIND_CASES"
        return
    fi
    if [ -n "${SQL_TEST_CASES:-}" ]; then
        return
    fi
    cat <<'CASES'
rules/gitlab/use_case_health.rules|rules/gitlab/accounts.csv|1000|2026-12-01 2027-03-31|
rules/gitlab/use_case_health.rules|tests/golden/fixtures/edges.csv|0|2026-11-01 2026-12-01|--param 'onboarding_period=3 months'
rules/gitlab/account_health.rules|rules/gitlab/account_health_accounts.csv|500|2026-12-01 2027-03-31|--param risk_weight=50%
rules/gitlab/use_case_adoption_v1.rules|rules/gitlab/use_case_adoption_v1_accounts.csv|500|2026-12-01 2027-03-31|--param 'onboarding_period=2 Weeks'
tests/sql/constructs.rules|-|1000|2026-12-01 2027-03-31|
tests/sql/constructs.rules|-|1000|2026-12-01|--param green_at=0.4 --param 'grace=30 days'
tests/golden/fixtures/sql/small.rules|-|500|2026-11-01 2026-12-01|--param green_at=60%
tests/golden/fixtures/sql/bound.rules|-|1000|2026-12-01 2027-03-31|
tests/golden/fixtures/sql/bound.rules|-|1000|2026-12-01 2027-03-31|--param green_at=40% --param 'grace=3 months'
tests/golden/fixtures/sql/bound.rules|-|1000|2026-12-01|--param green_at=40% --param red_below=0.25 --param trial_counts=No --param plan_wanted=Premium --param cutoff=2026-11-01 --param 'grace=1 year' --param order=5
tests/golden/fixtures/sql/bound.rules|-|1000|2027-03-31|--param green_at=60% --param red_below=35% --param yellow_floor=0.5 --param review_from=2026-10-15
CASES
}

fails=0 n=0
run_engine() { # dialect schema data query out [values to bind: accounts.py bind]
    case $1 in
    postgres)
        {
            echo 'DROP TABLE IF EXISTS accounts;'
            cat "$2"
            echo "\\copy accounts FROM '$3' WITH (FORMAT csv, HEADER true)"
            if [ -n "${6:-}" ]; then
                echo 'PREPARE q AS'
                cat "$4"
                cat "$6"
            else
                echo 'COPY ('
                sed '$ s/;$//' "$4"
                echo ') TO STDOUT WITH (FORMAT csv, HEADER true);'
            fi
        } >"$5.psql"
        psql -X -q --csv -v ON_ERROR_STOP=1 -f "$5.psql" >"$5" 2>"$5.err"
        ;;
    sqlite)
        rm -f "$5.db"
        {
            cat "$2"
            echo ".import --csv --skip 1 '$3' accounts"
            if [ -n "${6:-}" ]; then
                echo '.parameter init'
                cat "$6"
            fi
            echo '.headers on'
            echo '.mode csv'
            echo ".read '$4'"
        } >"$5.sqlite"
        sqlite3 -bail "$5.db" <"$5.sqlite" >"$5" 2>"$5.err" && ! [ -s "$5.err" ]
        ;;
    duckdb)
        node "$here/duckdb.mjs" "$2" "$3" "$4" ${6:+"$6"} >"$5" 2>"$5.err"
        ;;
    esac
}

# The cases of one mode: literal (the values written into the query) or
# bind (the query written once without them, then run with each case's
# values bound).
check_cases() { # mode
    local mode=$1 policy sample ngen dates params dialects base files d f data expected label out q
    while IFS='|' read -r policy sample ngen dates params dialects; do
        [ -n "$policy" ] || continue
        case $policy in \#*) continue ;; esac
        k=$((k + 1))
        base="$work/$k-$(basename "$policy" .rules)"
        eval "pargs=($params)" # the settings as the shell would split them
        "$rubric" sql "$policy" --dialect postgres --schema >"$base.pg-schema.sql" || { echo "tests/sql: $policy: --schema failed"; fails=$((fails + 1)); continue; }
        files=""
        if [ "$sample" != "-" ]; then
            python3 "$here/accounts.py" project "$base.pg-schema.sql" "$sample" "$base.sample.csv"
            files="sample"
        fi
        if [ "$ngen" -gt 0 ]; then
            python3 "$here/accounts.py" generate "$base.pg-schema.sql" "$ngen" "$k" "$base.gen.csv"
            files="$files gen"
        fi
        for d in $dates; do
            for f in $files; do
                data="$base.$f.csv"
                expected="$base.$f.$d.run.csv"
                "$rubric" run "$policy" "$data" --format csv --raw --as-of "$d" "${pargs[@]}" >"$expected" 2>"$expected.err"
                rc=$?
                if [ $rc -ne 0 ]; then
                    echo "tests/sql: $policy on $f: rubric run exited $rc:"; head -5 "$expected.err"; fails=$((fails + 1)); continue
                fi
                for dialect in ${dialects:-postgres sqlite duckdb}; do
                    n=$((n + 1))
                    label="$policy ($f accounts, as of $d${params:+, $params}$([ "$mode" = bind ] && echo ', bound')) on $dialect"
                    q="$base.$d.$dialect.sql"
                    "$rubric" sql "$policy" --dialect "$dialect" --schema >"$base.$dialect.schema.sql" &&
                        if [ "$mode" = bind ]; then
                            "$rubric" sql "$policy" --dialect "$dialect" --bind >"$base.$dialect.bound.sql" &&
                                "$rubric" sql "$policy" --dialect "$dialect" --bind --as-of "$d" "${pargs[@]}" >"$q"
                        else
                            "$rubric" sql "$policy" --dialect "$dialect" --as-of "$d" "${pargs[@]}" >"$q"
                        fi
                    if [ $? -ne 0 ]; then
                        echo "tests/sql: $label: rubric sql failed"; fails=$((fails + 1)); continue
                    fi
                    out="$base.$f.$d.$dialect.csv"
                    if [ "$mode" = bind ]; then
                        # Only the header's defaults may differ: no value is in the query.
                        if ! diff <(grep -v '^-- ' "$base.$dialect.bound.sql") <(grep -v '^-- ' "$q") >"$out.diff"; then
                            echo "tests/sql: $label: --param or --as-of changed the bound query:"; head -5 "$out.diff"; fails=$((fails + 1)); continue
                        fi
                        local settings=()
                        for ((i = 1; i < ${#pargs[@]}; i += 2)); do settings+=("${pargs[$i]}"); done
                        # The defaults of the query as written once, as one runs it: a
                        # parameter computed from others is computed from what is bound.
                        python3 "$here/accounts.py" bind "$base.$dialect.bound.sql" "$dialect" "$d" "$out.bind" "${settings[@]}" || { fails=$((fails + 1)); continue; }
                        run_engine "$dialect" "$base.$dialect.schema.sql" "$data" "$base.$dialect.bound.sql" "$out" "$out.bind"
                    else
                        run_engine "$dialect" "$base.$dialect.schema.sql" "$data" "$q" "$out"
                    fi
                    if [ $? -ne 0 ]; then
                        echo "tests/sql: $label: the engine failed:"; head -5 "$out.err"; fails=$((fails + 1)); continue
                    fi
                    python3 "$here/accounts.py" compare "$expected" "$out" "$label" || fails=$((fails + 1))
                done
            done
        done
    done
}

k=0
check_cases literal < <(cases)
check_cases bind < <(bind_cases)

[ "$fails" -eq 0 ] || echo "tests/sql: the files are in $work"
echo "sql: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
