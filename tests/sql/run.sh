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

fails=0 n=0
run_engine() { # dialect schema data query out
    case $1 in
    postgres)
        {
            echo 'DROP TABLE IF EXISTS accounts;'
            cat "$2"
            echo "\\copy accounts FROM '$3' WITH (FORMAT csv, HEADER true)"
            echo 'COPY ('
            sed '$ s/;$//' "$4"
            echo ') TO STDOUT WITH (FORMAT csv, HEADER true);'
        } >"$5.psql"
        psql -X -q -v ON_ERROR_STOP=1 -f "$5.psql" >"$5" 2>"$5.err"
        ;;
    sqlite)
        rm -f "$5.db"
        {
            cat "$2"
            echo ".import --csv --skip 1 '$3' accounts"
            echo '.headers on'
            echo '.mode csv'
            echo ".read '$4'"
        } >"$5.sqlite"
        sqlite3 -bail "$5.db" <"$5.sqlite" >"$5" 2>"$5.err" && ! [ -s "$5.err" ]
        ;;
    duckdb)
        node "$here/duckdb.mjs" "$2" "$3" "$4" >"$5" 2>"$5.err"
        ;;
    esac
}

k=0
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
                label="$policy ($f accounts, as of $d${params:+, $params}) on $dialect"
                "$rubric" sql "$policy" --dialect "$dialect" --schema >"$base.$dialect.schema.sql" &&
                    "$rubric" sql "$policy" --dialect "$dialect" --as-of "$d" "${pargs[@]}" >"$base.$d.$dialect.sql"
                if [ $? -ne 0 ]; then
                    echo "tests/sql: $label: rubric sql failed"; fails=$((fails + 1)); continue
                fi
                out="$base.$f.$d.$dialect.csv"
                if ! run_engine "$dialect" "$base.$dialect.schema.sql" "$data" "$base.$d.$dialect.sql" "$out"; then
                    echo "tests/sql: $label: the engine failed:"; head -5 "$out.err"; fails=$((fails + 1)); continue
                fi
                python3 "$here/accounts.py" compare "$expected" "$out" "$label" || fails=$((fails + 1))
            done
        done
    done
done < <(cases)

[ "$fails" -eq 0 ] || echo "tests/sql: the files are in $work"
echo "sql: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
