#!/bin/bash
# db_run.sh RUBRIC RUBRIC_ASAN WORKDIR - `rubric run POLICY postgresql://...`
# and `rubric run POLICY sqlite:FILE` against a run over the same accounts
# in a CSV file, and their errors.  Run under tests/sql/with_postgres.sh
# (PGHOST, PGPORT, PGUSER, PGDATABASE name its server); the SQLite files
# are made with Python's sqlite3 module.
#
# For every shipped policy `rubric sql` compiles: its sample accounts (and
# generated exact-edge accounts, tests/sql/accounts.py), sorted by id (a
# database run writes its rows in the id's byte order), loaded with the
# schema `rubric sql --schema` prints, must give byte for byte the output
# of the run over the CSV file, at two as-of dates, in csv and table
# format and with -o, in json and ndjson (a measure's value and score
# beside its band), with the same closing count of values no band line
# catches (a policy with a gap between its bands).  Then the
# errors: each said with the database's message, exit 2 (1 for a refused
# row, as run), and no -o file left; under ASan+UBSan too.
set -u
rubric=$1 asan=$2
rm -rf "$3"
mkdir -p "$3"
# Absolute: a socket folder in a URI must be one.
work=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; shift; [ $# -gt 0 ] && printf '  %s\n' "$@"; failed=$((failed + 1)); }

if [ -z "${PGHOST:-}" ]; then
    not_ok "a PostgreSQL server" "run me under tests/sql/with_postgres.sh"
    echo "db-run: $passed passed, $failed failed"
    exit 1
fi
# A query that runs away fails after two minutes rather than hold the suite.
pg="postgresql:///$PGDATABASE?host=$PGHOST&port=$PGPORT&user=$PGUSER&options=-c%20statement_timeout%3D120000"
# No NOTICE for a DROP TABLE IF EXISTS of a table not there yet.
psql_q() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# The CSV's rows sorted by the id column's bytes, the header first.
sort_by_id() { # IN OUT ID
    python3 - "$1" "$2" "$3" <<'EOF'
import csv, sys
src, dst, key = sys.argv[1:]
with open(src, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
i = rows[0].index(key)
body = sorted(rows[1:], key=lambda r: r[i].encode())
with open(dst, "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows([rows[0]] + body)
EOF
}

# Loads a CSV in the schema's columns (accounts.py project's) into TABLE
# of an SQLite file, empty cells as NULL.
load_sqlite() { # DB SCHEMA CSV TABLE
    python3 - "$@" <<'EOF'
import csv, sqlite3, sys
db, schema, data, table = sys.argv[1:]
con = sqlite3.connect(db)
con.execute('DROP TABLE IF EXISTS "%s"' % table)
con.executescript(open(schema, encoding="utf-8").read())
with open(data, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
marks = ",".join("?" * len(rows[0]))
cols = ",".join('"%s"' % c for c in rows[0])
con.executemany('INSERT INTO "%s" (%s) VALUES (%s)' % (table, cols, marks),
                [[None if c == "" else c for c in r] for r in rows[1:]])
con.commit()
EOF
}

load_pg() { # SCHEMA CSV TABLE
    psql_q -c "DROP TABLE IF EXISTS \"$3\"" >/dev/null &&
        psql_q -f "$1" >/dev/null &&
        psql_q -c "\\copy \"$3\" FROM '$2' WITH (FORMAT csv, HEADER true)" >/dev/null
}

# The schema for TABLE: rubric sql's, with its table renamed.
schema() { # POLICY DIALECT OUT
    "$rubric" sql "$1" --schema --dialect "$2" --as-of 2026-11-01 >"$3" 2>"$3.err"
}

# One comparison: the file run's output and the two databases', byte for
# byte, each with its exit status.
compare() { # NAME POLICY CSV ARGS...
    local name=$1 policy=$2 data=$3
    shift 3
    "$rubric" run "$policy" "$data" "$@" >"$work/want" 2>"$work/want.err"
    local want_rc=$?
    for db in "$pg" "sqlite:$work/accounts.db"; do
        local kind=${db%%:*}
        "$rubric" run "$policy" "$db" "$@" >"$work/got" 2>"$work/got.err"
        local rc=$?
        # The count of values in no band, said at the end, is the same too.
        if [ $rc -eq "$want_rc" ] && cmp -s "$work/want" "$work/got" &&
            [ "$(grep 'in no band' "$work/want.err")" = "$(grep 'in no band' "$work/got.err")" ]; then
            ok "$name ($kind)"
        else
            not_ok "$name ($kind)" "exit $rc, file run's $want_rc" "$(diff "$work/want" "$work/got" | head -5)" \
                "$(diff <(grep 'in no band' "$work/want.err") <(grep 'in no band' "$work/got.err"))" \
                "$(head -3 "$work/got.err")"
        fi
    done
}

# use_case_alerts.rules reads prev(), which needs --history: refused with a
# database source (and by golden cases).
policies="use_case_health.rules:accounts.csv
account_health.rules:account_health_accounts.csv
use_case_adoption_v1.rules:use_case_adoption_v1_accounts.csv
instance_health.rules:instance_accounts.csv"
compiled=0
for entry in $policies; do
    policy=rules/gitlab/${entry%%:*}
    data=rules/gitlab/${entry#*:}
    name=$(basename "$policy" .rules)
    if ! schema "$policy" postgres "$work/schema-pg.sql"; then
        # Refused at its place, naming the construct: run refuses it too.
        "$rubric" run "$policy" "$pg" --as-of 2026-11-01 >/dev/null 2>"$work/refused"
        if [ $? -eq 2 ] && [ -s "$work/refused" ]; then
            ok "$name: not compiled (rubric sql refuses it), and run over a database says so"
        else
            not_ok "$name: refused by rubric sql but not by run over a database"
        fi
        continue
    fi
    schema "$policy" sqlite "$work/schema-sqlite.sql" || { not_ok "$name: sqlite schema" "$(cat "$work/schema-sqlite.sql.err")"; continue; }
    compiled=$((compiled + 1))
    id=$(sed -n 's/^id \([A-Za-z_0-9]*\).*/\1/p' "$policy")
    [ -n "$id" ] || id=account_id
    # The compiler's own stage (tests/sql/run.sh) holds the queries to run
    # on many generated accounts; here they check the way from the
    # database to the writer: the sample accounts of each policy, and
    # generated exact-edge ones for use_case_health.
    sets=sample
    [ "$name" = use_case_health ] && sets="sample generated"
    for set in $sets; do
        if [ $set = sample ]; then
            python3 "$here/accounts.py" project "$work/schema-pg.sql" "$data" "$work/projected.csv"
        else
            python3 "$here/accounts.py" generate "$work/schema-pg.sql" 500 13 "$work/projected.csv"
        fi
        sort_by_id "$work/projected.csv" "$work/accounts.csv" "$id"
        load_pg "$work/schema-pg.sql" "$work/accounts.csv" accounts || { not_ok "$name $set: load into PostgreSQL"; continue; }
        rm -f "$work/accounts.db"
        load_sqlite "$work/accounts.db" "$work/schema-sqlite.sql" "$work/accounts.csv" accounts ||
            { not_ok "$name $set: load into SQLite"; continue; }
        # SQLite takes seconds to plan the larger policies' queries: the
        # other formats and dates on the sample accounts only.
        compare "$name $set 2026-11-01 csv" "$policy" "$work/accounts.csv" --as-of 2026-11-01 -f csv --on-error skip
        [ $set = sample ] || continue
        if grep -q '^param onboarding_period' "$policy"; then
            compare "$name $set --param onboarding_period=3 months" "$policy" "$work/accounts.csv" --as-of 2026-11-01 \
                --param 'onboarding_period=3 months' --on-error skip
        fi
        compare "$name $set 2026-02-28 csv" "$policy" "$work/accounts.csv" --as-of 2026-02-28 --on-error skip
        compare "$name $set 2026-11-01 table" "$policy" "$work/accounts.csv" --as-of 2026-11-01 -f table --on-error skip
        # JSON: each measure's value and score, beside its band.
        compare "$name $set 2026-11-01 json" "$policy" "$work/accounts.csv" --as-of 2026-11-01 -f json --on-error skip
        compare "$name $set 2026-02-28 ndjson" "$policy" "$work/accounts.csv" --as-of 2026-02-28 -f ndjson --on-error skip
    done
done

# A value no band line catches (a gap between red and green, for a measure
# and for a group): the same cells, the same "no_band" in JSON, and the
# same count at the end.
gap=$work/gap.rules
printf 'input seats: number\ninput users: number\n\nscheme rag\n  red scores 0 when < 50\n  green scores 100 when >= 60\n\nmeasure use = users / seats\n  red < 50%%\n  green >= 60%%\n\nmeasure per_seat = users / 3\n  red < 50%%\n  green >= 60%%\n\ngroup health = mean(use, per_seat)  # rubric: allow few-metrics\n' >"$gap"
printf 'account_id,seats,users\nA1,10,4\nA2,20,11\nA3,,\nA4,3,2\nA5,7,0.35\n' >"$work/gap.csv"
schema "$gap" postgres "$work/schema-pg.sql"
schema "$gap" sqlite "$work/schema-sqlite.sql"
load_pg "$work/schema-pg.sql" "$work/gap.csv" accounts
rm -f "$work/accounts.db"
load_sqlite "$work/accounts.db" "$work/schema-sqlite.sql" "$work/gap.csv" accounts
for f in csv table json ndjson; do
    compare "values in no band, $f" "$gap" "$work/gap.csv" --as-of 2026-11-01 -f $f
done
compare "values in no band, --select of another output" "$gap" "$work/gap.csv" --as-of 2026-11-01 -f ndjson --select per_seat
if grep -q "use: 1 account in no band, a value none of its band lines catches ('A2')" "$work/got.err" &&
    grep -q "health: 1 account in no band, a value none of its band lines catches ('A1')" "$work/got.err"; then
    ok "values in no band are counted at the end"
else
    not_ok "values in no band are counted at the end" "$(cat "$work/got.err")"
fi
[ "$compiled" -gt 0 ] && ok "rubric sql compiles $compiled shipped policies" ||
    not_ok "rubric sql compiles no shipped policy"

# --history: the same period recorded as from the file.
history_dump() { sqlite3 "$1" .dump | sed 's/[0-9-]*T[0-9:]*Z//'; }
for db in "$pg" "sqlite:$work/accounts.db"; do
    rm -f "$work/h-want.db" "$work/h-got.db"
    "$rubric" run "$gap" "$work/gap.csv" --as-of 2026-11-01 --history "$work/h-want.db" --select use >/dev/null 2>&1
    "$rubric" run "$gap" "$db" --as-of 2026-11-01 --history "$work/h-got.db" --select use >/dev/null 2>"$work/err.txt"
    rc=$?
    # Every output (run records them all, whatever --select writes); the
    # time of recording aside.
    if [ $rc -eq 0 ] && [ "$(history_dump "$work/h-want.db")" = "$(history_dump "$work/h-got.db")" ]; then
        ok "--history records the period as a run over the file (${db%%:*})"
    else
        not_ok "--history records the period as a run over the file (${db%%:*})" "exit $rc" "$(head -3 "$work/err.txt")"
    fi
done

# ---- errors -------------------------------------------------------------------
# A small policy, whose query SQLite plans at once (the error paths are
# the same whatever the policy), in both databases, with tables that have
# faults: a NULL id, an id twice, none at all, a column missing, a number
# column holding a word.
policy=$work/small.rules
printf 'input tier: text\ninput seats: number\ninput users: number\n\nscheme rag\n  red scores 0 when < 50\n  green scores 100 when >= 50\n\nmeasure use = users / seats\n  red < 50%%\n  green >= 50%%\n\nmetric paid = tier = "premium"\n' >"$policy"
printf 'account_id,tier,seats,users\nA1,premium,10,4\nA2,free,7,0.35\nA3,,,\nA4,premium,20,15\n' >"$work/small.csv"
schema "$policy" postgres "$work/schema-pg.sql"
schema "$policy" sqlite "$work/schema-sqlite.sql"
load_pg "$work/schema-pg.sql" "$work/small.csv" accounts
rm -f "$work/accounts.db"
load_sqlite "$work/accounts.db" "$work/schema-sqlite.sql" "$work/small.csv" accounts
lite="sqlite:$work/accounts.db"
compare "a small policy, the table of the error cases" "$policy" "$work/small.csv" --as-of 2026-11-01
psql_q -c "CREATE TABLE null_id AS SELECT * FROM accounts; UPDATE null_id SET account_id = NULL WHERE account_id = 'A2';
CREATE TABLE twice AS SELECT * FROM accounts; INSERT INTO twice SELECT * FROM accounts WHERE account_id = 'A3';
CREATE TABLE empty AS SELECT * FROM accounts WHERE false;
CREATE TABLE no_tier AS SELECT * FROM accounts; ALTER TABLE no_tier DROP COLUMN tier;
CREATE TABLE word_seats AS SELECT * FROM accounts; ALTER TABLE word_seats ALTER COLUMN seats TYPE text;
UPDATE word_seats SET seats = 'many' WHERE account_id = 'A2';" >/dev/null
sqlite3 "$work/accounts.db" "CREATE TABLE null_id AS SELECT * FROM accounts; UPDATE null_id SET account_id = NULL WHERE account_id = 'A2';
CREATE TABLE twice AS SELECT * FROM accounts; INSERT INTO twice SELECT * FROM accounts WHERE account_id = 'A3';
CREATE TABLE empty AS SELECT * FROM accounts WHERE 0;
CREATE TABLE no_tier AS SELECT account_id, seats, users FROM accounts;"

# One error case: exit status, a message on standard error that matches,
# and nothing left in the output's folder.
err_case() { # NAME RUBRIC WANT_RC PATTERN ARGS...
    local name=$1 bin=$2 want=$3 pattern=$4
    shift 4
    rm -rf "$work/out"
    mkdir -p "$work/out"
    "$bin" run "$@" -o "$work/out/scores.csv" >"$work/err.out" 2>"$work/err.txt"
    local rc=$?
    local left
    left=$(ls -A "$work/out")
    if [ $rc -eq "$want" ] && grep -q -- "$pattern" "$work/err.txt" && [ -z "$left" ] && [ ! -s "$work/err.out" ]; then
        ok "$name"
    else
        not_ok "$name" "exit $rc (want $want), left: '$left'" "$(head -3 "$work/err.txt")"
    fi
}
sock=$work/no-server
mkdir -p "$sock"
# libpq is loaded only when a run connects: a machine without it (here a
# folder first on the loader's path holding an empty file of its name),
# or with one that lacks a function rubric calls, is told which package
# to install, and a run over a file does not notice.
nolib=$work/no-libpq oldlib=$work/old-libpq
mkdir -p "$nolib" "$oldlib"
: >"$nolib/libpq.so.5"
printf 'void *PQconnectdb(const char *c) { (void)c; return 0; }\n' >"$oldlib/pq.c"
cc -shared -fPIC -o "$oldlib/libpq.so.5" "$oldlib/pq.c" || not_ok "a shared library of PQconnectdb alone"
for bin in "$rubric" "$asan"; do
    tag=$([ "$bin" = "$asan" ] && echo " (asan+ubsan)")
    p=$policy a="--as-of 2026-11-01"
    err_case "bad URI$tag" "$bin" 2 'cannot connect: invalid' "$p" 'postgresql://%zz/db' $a
    err_case "server down$tag" "$bin" 2 "cannot connect: connection to server on socket \"$sock/.s.PGSQL" "$p" \
        "postgresql:///x?host=$sock" $a
    err_case "unknown user, password not shown$tag" "$bin" 2 'role "nobody_here" does not exist' "$p" \
        "postgresql://nobody_here:s3cret@/$PGDATABASE?host=$PGHOST&port=$PGPORT" $a
    if grep -q s3cret "$work/err.txt"; then not_ok "the password is never printed$tag"; else ok "the password is never printed$tag"; fi
    err_case "unknown database$tag" "$bin" 2 'database "no_such_db" does not exist' "$p" \
        "postgresql:///no_such_db?host=$PGHOST&port=$PGPORT&user=$PGUSER" $a
    err_case "missing table, PostgreSQL$tag" "$bin" 2 'relation "nope" does not exist (--db-table' "$p" "$pg" --db-table nope $a
    err_case "missing table, SQLite$tag" "$bin" 2 'no such table: nope (--db-table' "$p" "$lite" --db-table nope $a
    err_case "missing column, PostgreSQL$tag" "$bin" 2 'column .*tier.* does not exist' "$p" "$pg" --db-table no_tier $a
    err_case "missing column, SQLite$tag" "$bin" 2 'no such column' "$p" "$lite" --db-table no_tier $a
    err_case "a number column holding a word, PostgreSQL$tag" "$bin" 2 'the query failed: invalid input syntax for type numeric: "many"' "$p" "$pg" --db-table word_seats $a
    err_case "missing SQLite file$tag" "$bin" 2 'cannot open: unable to open database file' "$p" "sqlite:$work/none.db" $a
    err_case "not an SQLite file$tag" "$bin" 2 'file is not a database' "$p" "sqlite:$policy" $a
    err_case "NULL id, PostgreSQL (last in its order)$tag" "$bin" 1 "row 4: no account id" "$p" "$pg" --db-table null_id $a
    err_case "NULL id, SQLite (first in its order)$tag" "$bin" 1 "row 1: no account id" "$p" "$lite" --db-table null_id $a
    err_case "an id twice, PostgreSQL$tag" "$bin" 1 "account id 'A3' was already given at row 3" "$p" "$pg" --db-table twice $a
    err_case "an id twice, SQLite$tag" "$bin" 1 "account id 'A3' was already given at row 3" "$p" "$lite" --db-table twice $a
    err_case "an empty table, PostgreSQL$tag" "$bin" 1 "table empty in postgresql:.* holds no accounts" "$p" "$pg" --db-table empty $a
    err_case "an empty table, SQLite$tag" "$bin" 1 "table empty in sqlite:.* holds no accounts" "$p" "$lite" --db-table empty $a
    err_case "--table refused$tag" "$bin" 2 "--table with a database source" "$p" "$lite" --table x=y.csv $a
    LD_LIBRARY_PATH=$nolib err_case "libpq not installed$tag" "$bin" 2 \
        "$PGHOST.*: cannot load libpq.so.5, PostgreSQL's client library (Debian: apt-get install libpq5): .*libpq.so.5" "$p" "$pg" $a
    LD_LIBRARY_PATH=$oldlib err_case "a libpq without a function rubric calls$tag" "$bin" 2 \
        "cannot load libpq.so.5.*undefined symbol: PQ" "$p" "$pg" $a
    if LD_LIBRARY_PATH=$nolib "$bin" run "$p" "$work/small.csv" $a >"$work/got.csv" 2>"$work/err.txt" &&
        "$bin" run "$p" "$work/small.csv" $a | cmp -s - "$work/got.csv"; then
        ok "a run over a file needs no libpq$tag"
    else
        not_ok "a run over a file needs no libpq$tag" "$(head -3 "$work/err.txt")"
    fi
done
cp "$work/accounts.db" "$work/kept.db"
"$rubric" run "$policy" "$lite" --as-of 2026-11-01 -o "$work/accounts.db" 2>"$work/err.txt"
rc=$?
if [ $rc -eq 2 ] && grep -q "is the database read" "$work/err.txt" && cmp -s "$work/accounts.db" "$work/kept.db"; then
    ok "-o over the SQLite file read is refused"
else
    not_ok "-o over the SQLite file read is refused" "exit $rc" "$(cat "$work/err.txt")"
fi
# -o: the same file.
"$rubric" run "$policy" "$work/small.csv" --as-of 2026-11-01 -o "$work/want-o.csv" 2>/dev/null
for db in "$pg" "$lite"; do
    rm -f "$work/got-o.csv"
    "$rubric" run "$policy" "$db" --as-of 2026-11-01 -o "$work/got-o.csv" 2>/dev/null
    rc=$?
    if [ $rc -eq 0 ] && cmp -s "$work/want-o.csv" "$work/got-o.csv"; then ok "-o (${db%%:*})"; else not_ok "-o (${db%%:*})" "exit $rc"; fi
done
# --on-error skip scores the other rows, as run does.
"$rubric" run "$policy" "$pg" --db-table twice --as-of 2026-11-01 --on-error skip >"$work/skip.csv" 2>/dev/null
rc=$?
"$rubric" run "$policy" "$pg" --as-of 2026-11-01 >"$work/all.csv" 2>/dev/null
if [ $rc -eq 1 ] && cmp -s "$work/skip.csv" "$work/all.csv"; then ok "--on-error skip passes over the second row of an id"; else not_ok "--on-error skip passes over the second row of an id" "exit $rc"; fi

echo "db-run: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
