#!/usr/bin/env bash
# instance_crosscheck.sh RUBRIC_BINARY BUILD_DIR
#
# Cross-checks rules/gitlab/instance_health.rules (accounts made of several
# instances) against the independent reference instance_reference.py, on
# 30,000 accounts that instance_gen.py draws with a fixed seed (0 to 6
# instances each, with the messy cells of real exports):
#   - the reference itself: the NDJSON form and the CSV accounts + instances
#     table (in account order, and shuffled) give it the same scores; and the
#     measures it computes on the chosen instances equal what rubric's
#     rules/gitlab/use_case_health.rules prints for the same cells written as
#     flat accounts (the part of the reference that is not the choice);
#   - rubric vs the reference, byte for byte, at two --as-of dates
#     (2026-11-01, and 2026-03-31 whose month before clamps to 02-28): the
#     NDJSON form as `rubric run POLICY DATA --format csv --as-of D` prints it
#     (every column, in the reference's order: see OUTPUTS in
#     instance_reference.py), and with --select the reference's outputs for
#     the NDJSON form, the CSV form with --table in account order, and a
#     shuffled table with rows naming accounts that are not in the data (the
#     warning must count them); --raw once;
#   - malformed data (wrong types inside elements, an element that is not an
#     object, a list where a record belongs, the instances key holding no
#     array, bad table rows, 100,000 elements in one account): rubric, and
#     BUILD_DIR/rubric-asan when it exists, must exit with a located error
#     (exit 1, the record, the list position and the field named) or a result
#     equal to the reference's, never a crash, a sanitizer report or a hang.
# Without the instance policy (INSTANCE_POLICY, default
# rules/gitlab/instance_health.rules) only the reference's own checks run;
# the rest print "ok - ... # SKIP".
#
# Prints "ok - NAME" / "not ok - NAME" (with the first differing lines);
# exits 1 if any failed, 2 on usage errors.  Work files stay in
# BUILD_DIR/instance-crosscheck/.  Python 3 (standard library) is needed.
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
work=$build/instance-crosscheck
rm -rf "$work"
mkdir -p "$work"

policy=${INSTANCE_POLICY:-rules/gitlab/instance_health.rules}
case $policy in /*) ;; *) policy=$root/$policy ;; esac
count=30000
seed=20261203
dates="2026-11-01 2026-03-31"
orphans=3
gen="python3 $here/instance_gen.py"
ref="python3 $here/instance_reference.py"
outputs=$(cd "$here" && python3 -c 'import instance_reference as r; print(",".join(r.OUTPUTS))')
uch_outputs=$(cd "$here" && python3 -c 'import instance_reference as r; print(",".join(r.UCH_OUTPUTS))')

failures=0
ok() { echo "ok - $1"; }
skip() { echo "ok - $1 # SKIP $2"; }
not_ok() { # NAME [FILE with details]
    echo "not ok - $1"
    if [ $# -gt 1 ] && [ -s "$2" ]; then
        head -n 12 "$2" | sed 's/^/#   /'
    fi
    failures=$((failures + 1))
}

# compare NAME EXPECTED ACTUAL: byte-identical files.
compare() {
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        diff -- "$2" "$3" > "$work/diff.out" || true
        not_ok "$1" "$work/diff.out"
    fi
}

# rubric_run OUT ARGS...: rubric run from the repository root, stderr in OUT.err.
rubric_run() {
    local out=$1
    shift
    (cd "$root" && NO_COLOR=1 timeout 300 "$rubric" run "$@") > "$out" 2> "$out.err"
}

# --- data ---------------------------------------------------------------------
d=$work/gen
if ! $gen --count "$count" --seed "$seed" --ndjson "$d.ndjson" --accounts "$d.csv" \
        --table "$d.instances.csv" 2> "$work/gen.err" ||
   ! $gen --count "$count" --seed "$seed" --table "$d.shuffled.csv" --table-order shuffled \
        --orphans "$orphans" 2>> "$work/gen.err"; then
    not_ok "instance_gen.py --count $count --seed $seed" "$work/gen.err"
    exit 1
fi
ok "instance_gen.py: $count accounts, seed $seed, NDJSON and CSV + table"

# --- the reference on its own -----------------------------------------------------
ref_ok=1
for date in $dates; do
    r=$work/ref-$date
    if ! $ref --as-of "$date" "$d.ndjson" --flat "$r.flat.csv" > "$r.csv" 2> "$r.err" ||
       ! $ref --as-of "$date" --raw "$d.ndjson" > "$r.raw.csv" 2>> "$r.err" ||
       ! $ref --as-of "$date" "$d.csv" --table "instances=$d.instances.csv" > "$r.table.csv" 2>> "$r.err" ||
       ! $ref --as-of "$date" "$d.csv" --table "instances=$d.shuffled.csv" > "$r.shuffled.csv" 2>> "$r.err" ||
       ! $ref --as-of "$date" --columns "$uch_outputs" "$d.ndjson" > "$r.uch.csv" 2>> "$r.err"; then
        not_ok "reference --as-of $date failed" "$r.err"
        ref_ok=0
        continue
    fi
    compare "reference --as-of $date: CSV + table = NDJSON" "$r.csv" "$r.table.csv"
    compare "reference --as-of $date: CSV + shuffled table = NDJSON" "$r.csv" "$r.shuffled.csv"
    # The scoring half of the reference against rubric's own policy.
    if rubric_run "$r.flat.rubric.csv" rules/gitlab/use_case_health.rules "$r.flat.csv" \
            --format csv --as-of "$date"; then
        compare "reference --as-of $date: the chosen instances as flat accounts = use_case_health.rules" \
            "$r.uch.csv" "$r.flat.rubric.csv"
    else
        not_ok "rubric on the flat accounts --as-of $date failed" "$r.flat.rubric.csv.err"
    fi
done
[ "$ref_ok" = 1 ] || exit 1

# The hand-checked accounts: each id says what it tests; the expected file
# was written by hand (see README.md), not by running anything.
edge=$here/instance_edge.ndjson
edge_date=2026-11-01
if $ref --as-of "$edge_date" "$edge" > "$work/edge.ref" 2> "$work/edge.ref.err"; then
    compare "reference: instance_edge.ndjson gives instance_edge.expected.csv" \
        "$here/instance_edge.expected.csv" "$work/edge.ref"
else
    not_ok "reference on instance_edge.ndjson failed" "$work/edge.ref.err"
fi
if $gen --from-ndjson "$edge" --accounts "$work/edge.csv" --table "$work/edge.instances.csv" \
        2> "$work/edge.gen.err"; then
    if $ref --as-of "$edge_date" "$work/edge.csv" --table "instances=$work/edge.instances.csv" \
            > "$work/edge.table.ref" 2> "$work/edge.table.ref.err"; then
        compare "reference: instance_edge as CSV + table gives instance_edge.expected.csv" \
            "$here/instance_edge.expected.csv" "$work/edge.table.ref"
    else
        not_ok "reference on instance_edge as CSV + table failed" "$work/edge.table.ref.err"
    fi
else
    not_ok "instance_gen.py --from-ndjson instance_edge.ndjson failed" "$work/edge.gen.err"
fi

if [ ! -f "$policy" ]; then
    skip "rubric vs the reference on $count accounts" "$policy not found"
    skip "malformed instances" "$policy not found"
    [ "$failures" -eq 0 ] || exit 1
    exit 0
fi

# --- rubric vs the reference -----------------------------------------------------
if rubric_run "$work/edge.rubric" "$policy" "$edge" --format csv --as-of "$edge_date"; then
    compare "instance_edge.ndjson, every column = instance_edge.expected.csv" \
        "$here/instance_edge.expected.csv" "$work/edge.rubric"
else
    not_ok "rubric on instance_edge.ndjson failed" "$work/edge.rubric.err"
fi
if rubric_run "$work/edge.table.rubric" "$policy" "$work/edge.csv" \
        --table "instances=$work/edge.instances.csv" --format csv --as-of "$edge_date" --select "$outputs"; then
    compare "instance_edge as CSV + --table = instance_edge.expected.csv" \
        "$here/instance_edge.expected.csv" "$work/edge.table.rubric"
else
    not_ok "rubric on instance_edge as CSV + --table failed" "$work/edge.table.rubric.err"
fi
for date in $dates; do
    r=$work/ref-$date
    o=$work/rubric-$date
    if rubric_run "$o.all.csv" "$policy" "$d.ndjson" --format csv --as-of "$date"; then
        compare "NDJSON --as-of $date, every column (order assumed: OUTPUTS in instance_reference.py)" \
            "$r.csv" "$o.all.csv"
    else
        not_ok "rubric on NDJSON --as-of $date failed" "$o.all.csv.err"
    fi
    if rubric_run "$o.nd.csv" "$policy" "$d.ndjson" --format csv --as-of "$date" --select "$outputs"; then
        compare "NDJSON --as-of $date --select the reference's outputs" "$r.csv" "$o.nd.csv"
    else
        not_ok "rubric on NDJSON --select --as-of $date failed" "$o.nd.csv.err"
    fi
    if rubric_run "$o.table.csv" "$policy" "$d.csv" --table "instances=$d.instances.csv" \
            --format csv --as-of "$date" --select "$outputs"; then
        compare "CSV + --table in account order --as-of $date" "$r.csv" "$o.table.csv"
    else
        not_ok "rubric on CSV + --table --as-of $date failed" "$o.table.csv.err"
    fi
    if rubric_run "$o.shuffled.csv" "$policy" "$d.csv" --table "instances=$d.shuffled.csv" \
            --format csv --as-of "$date" --select "$outputs"; then
        compare "CSV + shuffled --table with $orphans orphan rows --as-of $date" "$r.csv" "$o.shuffled.csv"
        if grep -q "$orphans rows name accounts not in" "$o.shuffled.csv.err" &&
           grep -q "Z0000001-orphan" "$o.shuffled.csv.err"; then
            ok "the $orphans orphan rows are reported on stderr --as-of $date"
        else
            not_ok "the $orphans orphan rows are reported on stderr --as-of $date" "$o.shuffled.csv.err"
        fi
    else
        not_ok "rubric on CSV + shuffled --table --as-of $date failed" "$o.shuffled.csv.err"
    fi
done
date=${dates%% *}
if rubric_run "$work/rubric-raw.csv" "$policy" "$d.ndjson" --format csv --raw --as-of "$date" \
        --select "$outputs"; then
    compare "NDJSON --raw --as-of $date" "$work/ref-$date.raw.csv" "$work/rubric-raw.csv"
else
    not_ok "rubric --raw on NDJSON failed" "$work/rubric-raw.csv.err"
fi

# --- malformed data ---------------------------------------------------------------
m=$work/malformed
mkdir -p "$m"
python3 - "$m" <<'EOF'
import json, os, random, sys
m = sys.argv[1]
def inst(i, **kw):
    x = {"instance_id": "i%d" % i, "instance_type": "production", "included_in_health": "included",
         "deployment": "self-managed", "updated_at": "2026-01-%02d" % (i % 28 + 1),
         "active_users_l28d": 40, "git_ops_users_l28d": 30, "ci_pipeline_users_l28d": 20,
         "deployments_l28d": 5, "deployment_users_l28d": 8, "secure_scanner_users_l28d": 4,
         "container_scanning_users_l28d": 3, "secret_detection_users_l28d": 2}
    x.update(kw)
    return x
def acct(n, insts, key=True):
    a = {"account_id": "M%d" % n, "tier": "premium", "license_start": "2025-01-15",
         "licenses_sold": 100, "billable_users": 80}
    if key:
        a["instances"] = insts
    return a
def write(name, second):
    with open(os.path.join(m, name + ".ndjson"), "w") as f:
        f.write(json.dumps(acct(1, [inst(1), inst(2)])) + "\n")
        f.write(second + "\n")
        f.write(json.dumps(acct(3, [inst(1)])) + "\n")
good = [inst(1), inst(2)]
cases = {
    "date": acct(2, [inst(1), inst(2), inst(3, updated_at="yesterday")]),
    "number": acct(2, [inst(1), inst(2), inst(3, git_ops_users_l28d="lots")]),
    "bool": acct(2, [inst(1), inst(2), inst(3, active_users_l28d=True)]),
    "object_field": acct(2, [inst(1), inst(2), inst(3, deployment={"kind": "self-managed"})]),
    "list_field": acct(2, [inst(1), inst(2), inst(3, instance_type=["production"])]),
    "number_element": acct(2, [inst(1), 5, inst(3)]),
    "text_element": acct(2, [inst(1), "i2", inst(3)]),
    "null_element": acct(2, [inst(1), None, inst(3)]),
    "list_element": acct(2, [inst(1), [inst(2)], inst(3)]),
}
# (expected position, field or None) per case, for the check of the message
where = {"date": (3, "updated_at"), "number": (3, "git_ops_users_l28d"),
         "bool": (3, "active_users_l28d"), "object_field": (3, "deployment"),
         "list_field": (3, "instance_type"), "number_element": (2, None),
         "text_element": (2, None), "null_element": (2, None), "list_element": (2, None)}
with open(os.path.join(m, "cases.txt"), "w") as f:
    for name, rec in cases.items():
        write(name, json.dumps(rec))
        pos, field = where[name]
        f.write("%s %d %s\n" % (name, pos, field or "-"))
    # the instances key holding something else than an array of objects
    for name, val in (("key_object", inst(1)), ("key_text", "i1"), ("key_number", 3)):
        a = acct(2, None)
        a["instances"] = val
        write(name, json.dumps(a))
        f.write("%s 0 -\n" % name)
# a list where the account's record belongs
write("record_list", json.dumps([acct(2, good)]))
# 100,000 elements in one account, dates and types drawn so that one is chosen
rng = random.Random(5)
big = []
for i in range(100000):
    kw = {"updated_at": "20%02d-%02d-%02d" % (rng.randrange(10, 27), rng.randrange(1, 13), rng.randrange(1, 29)),
          "instance_type": rng.choice(["production", "staging", " Production "]),
          "included_in_health": rng.choice(["", "opt-out", None, "Opt-Out"]),
          "git_ops_users_l28d": rng.randrange(0, 100)}
    big.append(inst(i, **kw))
with open(os.path.join(m, "big.ndjson"), "w") as f:
    f.write(json.dumps(acct(1, good)) + "\n")
    f.write(json.dumps(acct(2, big)) + "\n")
# the CSV form: accounts, and tables with a bad cell, a short row, a missing column
fields = list(inst(0))
with open(os.path.join(m, "accounts.csv"), "w") as f:
    f.write("account_id,tier,license_start,licenses_sold,billable_users\n")
    for n in (1, 2, 3):
        f.write("M%d,premium,2025-01-15,100,80\n" % n)
def row(n, x):
    return ",".join(["M%d" % n] + [str(x[k]) for k in fields]) + "\n"
head = ",".join(["account_id"] + fields) + "\n"
with open(os.path.join(m, "table_date.csv"), "w") as f:
    f.write(head + row(1, inst(1)) + row(2, inst(1)) + row(2, inst(2, updated_at="yesterday")) + row(3, inst(1)))
with open(os.path.join(m, "table_short.csv"), "w") as f:
    f.write(head + row(1, inst(1)) + row(2, inst(1)) + "M2,i2,production\n" + row(3, inst(1)))
with open(os.path.join(m, "table_nocolumn.csv"), "w") as f:
    f.write(head.replace(",updated_at", "") +
            "".join(row(n, inst(1)).replace(",2026-01-02", "") for n in (1, 2, 3)))
with open(os.path.join(m, "big_accounts.csv"), "w") as f:
    f.write("account_id,tier,license_start,licenses_sold,billable_users\n")
    f.write("M1,premium,2025-01-15,100,80\nM2,premium,2025-01-15,100,80\n")
with open(os.path.join(m, "big_table.csv"), "w") as f:
    f.write(head + "".join(row(1, x) for x in good) +
            "".join(row(2, {k: ("" if v is None else v) for k, v in x.items()}) for x in big))
EOF

binaries=$rubric
[ ! -x "$build/rubric-asan" ] || binaries="$binaries $build/rubric-asan"

# survived NAME OUT RC: no crash, no hang, no sanitizer report.
survived() {
    if [ "$3" -ge 124 ]; then
        not_ok "$1: exit $3 (a crash or a hang)" "$2.err"
        return 1
    fi
    if grep -q -e 'Sanitizer' -e 'runtime error' "$2.err"; then
        not_ok "$1: sanitizer report" "$2.err"
        return 1
    fi
    return 0
}

# located NAME OUT RC PATTERN...: exit 1 and stderr matching every pattern.
located() {
    local name=$1 out=$2 rc=$3 p
    shift 3
    survived "$name" "$out" "$rc" || return 0
    if [ "$rc" -ne 1 ]; then
        not_ok "$name: exit $rc, not 1" "$out.err"
        return 0
    fi
    for p in "$@"; do
        if ! grep -q -e "$p" "$out.err"; then
            echo "(stderr does not match: $p)" >> "$out.err"
            not_ok "$name: the error is located" "$out.err"
            return 0
        fi
    done
    ok "$name: exit 1, located"
}

date=${dates%% *}
for bin in $binaries; do
    tag=$(basename "$bin")
    while read -r name pos field; do
        out=$m/$name.$tag
        rc=0
        (cd "$root" && timeout 120 "$bin" run "$policy" "$m/$name.ndjson" --format csv --as-of "$date") \
            > "$out" 2> "$out.err" || rc=$?
        if [ "$field" != - ]; then
            located "$tag: $name inside an element" "$out" "$rc" 'record 2' "instances\[$pos\]\.$field"
        elif [ "$pos" != 0 ]; then
            located "$tag: $name" "$out" "$rc" 'record 2' 'instances' "\[$pos\]"
        else
            located "$tag: $name" "$out" "$rc" 'record 2' 'instances'
        fi
        # --on-error skip: the bad account reported, the other two scored
        rc=0
        (cd "$root" && timeout 120 "$bin" run "$policy" "$m/$name.ndjson" --format csv --as-of "$date" \
            --on-error skip) > "$out.skip" 2> "$out.skip.err" || rc=$?
        if survived "$tag: $name --on-error skip" "$out.skip" "$rc"; then
            if [ "$rc" -eq 1 ] && [ "$(cut -d, -f1 "$out.skip" | tr '\n' ' ')" = "account_id M1 M3 " ] &&
               grep -q 'record 2' "$out.skip.err"; then
                ok "$tag: $name --on-error skip: reported, the others scored"
            else
                echo "(exit $rc; ids: $(cut -d, -f1 "$out.skip" | tr '\n' ' '))" >> "$out.skip.err"
                not_ok "$tag: $name --on-error skip: reported, the others scored" "$out.skip.err"
            fi
        fi
    done < "$m/cases.txt"

    out=$m/record_list.$tag
    rc=0
    (cd "$root" && timeout 120 "$bin" run "$policy" "$m/record_list.ndjson" --format csv --as-of "$date") \
        > "$out" 2> "$out.err" || rc=$?
    located "$tag: a list where the account's record belongs" "$out" "$rc" 'record 2'

    for t in date short nocolumn; do
        out=$m/table_$t.$tag
        rc=0
        (cd "$root" && timeout 120 "$bin" run "$policy" "$m/accounts.csv" --table "instances=$m/table_$t.csv" \
            --format csv --as-of "$date") > "$out" 2> "$out.err" || rc=$?
        case $t in
            date) located "$tag: a table row with a bad date" "$out" "$rc" 'table_date.csv' 'updated_at' 'yesterday' ;;
            short) located "$tag: a table row with too few fields" "$out" "$rc" 'table_short.csv' 'line 4' ;;
            nocolumn) survived "$tag: a table without updated_at" "$out" "$rc" &&
                if [ "$rc" -ne 0 ] && grep -q 'updated_at' "$out.err"; then
                    ok "$tag: a table without updated_at: refused, naming the column"
                else
                    not_ok "$tag: a table without updated_at: refused, naming the column (exit $rc)" "$out.err"
                fi ;;
        esac
        [ "$t" != nocolumn ] || continue
        # --on-error skip: a bad value is a bad record of its account (skipped,
        # the others scored); a malformed row belongs to no account and stops
        # the run before any account is scored (docs/cli.md).
        rc=0
        (cd "$root" && timeout 120 "$bin" run "$policy" "$m/accounts.csv" --table "instances=$m/table_$t.csv" \
            --format csv --as-of "$date" --on-error skip) > "$out.skip" 2> "$out.skip.err" || rc=$?
        if [ "$t" = date ]; then want="account_id M1 M3 " what="M2 reported, M1 and M3 scored"
        else want="" what="the run stops, nothing scored"; fi
        if survived "$tag: table_$t --on-error skip" "$out.skip" "$rc"; then
            if [ "$rc" -eq 1 ] && [ "$(cut -d, -f1 "$out.skip" | tr '\n' ' ')" = "$want" ] &&
               grep -q "table_$t.csv" "$out.skip.err"; then
                ok "$tag: table_$t --on-error skip: $what"
            else
                echo "(exit $rc; ids: $(cut -d, -f1 "$out.skip" | tr '\n' ' '))" >> "$out.skip.err"
                not_ok "$tag: table_$t --on-error skip: $what" "$out.skip.err"
            fi
        fi
    done

    # 100,000 elements in one account: a result, the reference's
    $ref --as-of "$date" --columns "$outputs" "$m/big.ndjson" > "$m/big.ref" 2> "$m/big.ref.err" ||
        not_ok "reference on 100,000 elements failed" "$m/big.ref.err"
    for form in ndjson csv; do
        out=$m/big.$form.$tag
        rc=0
        if [ "$form" = ndjson ]; then
            (cd "$root" && timeout 300 "$bin" run "$policy" "$m/big.ndjson" --format csv --as-of "$date" \
                --select "$outputs") > "$out" 2> "$out.err" || rc=$?
        else
            (cd "$root" && timeout 300 "$bin" run "$policy" "$m/big_accounts.csv" \
                --table "instances=$m/big_table.csv" --format csv --as-of "$date" \
                --select "$outputs") > "$out" 2> "$out.err" || rc=$?
        fi
        if survived "$tag: 100,000 elements in one account ($form)" "$out" "$rc"; then
            if [ "$rc" -eq 0 ]; then
                compare "$tag: 100,000 elements in one account ($form) = the reference" "$m/big.ref" "$out"
            else
                not_ok "$tag: 100,000 elements in one account ($form): exit $rc" "$out.err"
            fi
        fi
    done
done

# Usage errors: the list's rows must come from the right place.
out=$m/no_table
rc=0
(cd "$root" && "$rubric" run "$policy" "$d.csv" --format csv --as-of "$date") > "$out" 2> "$out.err" || rc=$?
if [ "$rc" -eq 2 ] && grep -q -- '--table instances=' "$out.err" && [ ! -s "$out" ]; then
    ok "CSV data without --table: a usage error naming --table instances=FILE"
else
    not_ok "CSV data without --table: a usage error naming --table instances=FILE (exit $rc)" "$out.err"
fi

if [ "$failures" -gt 0 ]; then
    echo "instance_crosscheck: $failures check(s) failed; work files in $work" >&2
    exit 1
fi
exit 0
