#!/usr/bin/env bash
# make bench: `rubric run POLICY postgresql://...` and `sqlite:FILE` on
# generated accounts, against `rubric run POLICY FILE.csv` on the same
# accounts: time and peak memory, at a tenth of the accounts and at all of
# them, so that memory that grew with the rows would show.  The outputs
# must be equal.  Run under tests/sql/with_postgres.sh, which gives the
# server (PGHOST, PGPORT, PGUSER, PGDATABASE).
#
#   tests/sql/with_postgres.sh bench/db.sh BUILD_DIR RUBRIC_BINARY
#
# Environment: BENCH_COUNT (accounts, default 1000000), BENCH_RUNS (runs
# per program, best time kept, default 3).
# Exit status: 0 when every run succeeded and the outputs agree, else 1.
set -eu
export LC_ALL=C
if [ $# -ne 2 ] || [ -z "${PGHOST:-}" ]; then
    echo "usage: tests/sql/with_postgres.sh bench/db.sh BUILD_DIR RUBRIC_BINARY" >&2
    exit 2
fi
. "$(dirname "$0")/measure.sh"
build=$(abs "$1")
case $2 in */*) rubric=$(abs "$2") ;; *) rubric=$2 ;; esac
cd "$(dirname "$0")/.."
bench_err="$build/bench-db.stderr"
count=${BENCH_COUNT:-1000000}
runs=${BENCH_RUNS:-3}
as_of=2026-11-01
policy=rules/gitlab/use_case_health.rules
mkdir -p "$build"
cc -std=c11 -O2 -o "$build/gen_accounts" tools/gen_accounts.c
cc -std=c11 -O2 -o "$build/peakrss" tools/peakrss.c
pg="postgresql:///$PGDATABASE?host=$PGHOST&port=$PGPORT&user=$PGUSER"
status=0

printf '%-10s %9s %9s %13s\n' source accounts seconds "peak RSS MiB"
for n in $((count / 10)) "$count"; do
    csv=$build/bench-db-$n.csv
    # Sorted by id, as a database run writes its rows.
    "$build/gen_accounts" --count "$n" --seed 1 --as-of "$as_of" --format csv |
        { IFS= read -r header; printf '%s\n' "$header"; sort; } >"$csv"
    "$rubric" sql "$policy" --schema --dialect postgres >"$build/bench-db-schema-pg.sql"
    "$rubric" sql "$policy" --schema --dialect sqlite >"$build/bench-db-schema-sqlite.sql"
    python3 tests/sql/accounts.py project "$build/bench-db-schema-pg.sql" "$csv" "$build/bench-db-projected.csv"
    PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -c 'DROP TABLE IF EXISTS accounts' -f "$build/bench-db-schema-pg.sql" \
        -c "\\copy accounts FROM '$build/bench-db-projected.csv' WITH (FORMAT csv, HEADER true)" >/dev/null
    rm -f "$build/bench-db.db"
    python3 - "$build/bench-db.db" "$build/bench-db-schema-sqlite.sql" "$build/bench-db-projected.csv" <<'EOF'
import csv, sqlite3, sys
db, schema, data = sys.argv[1:]
con = sqlite3.connect(db)
con.executescript(open(schema).read())
with open(data, newline="") as f:
    rows = csv.reader(f)
    header = next(rows)
    con.executemany('INSERT INTO accounts (%s) VALUES (%s)' % (",".join('"%s"' % c for c in header), ",".join("?" * len(header))),
                    ([None if c == "" else c for c in r] for r in rows))
con.commit()
EOF
    for source in file postgresql sqlite; do
        case $source in
        file) data=$csv ;;
        postgresql) data=$pg ;;
        sqlite) data=sqlite:$build/bench-db.db ;;
        esac
        if ! measure "$rubric" run "$policy" "$data" --as-of "$as_of" -q -o "$build/bench-db-$source.csv"; then
            status=1
            continue
        fi
        printf '%-10s %9d %9.2f %13.1f\n' "$source" "$n" "$best_s" "$(awk -v k="$peak_kib" 'BEGIN { print k / 1024 }')"
    done
    for source in postgresql sqlite; do
        if ! cmp -s "$build/bench-db-file.csv" "$build/bench-db-$source.csv"; then
            echo "outputs agree ($source, $n accounts): NO"
            status=1
        fi
    done
done
exit $status
