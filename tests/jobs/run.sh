#!/bin/sh
# -j N (run, diff, calibrate, report): the output, the messages and the
# exit status are those of one thread, byte for byte, wherever the chunks
# are cut.  RUBRIC_CHUNK_BYTES
# (a knob for the tests alone) makes the chunks small, so that their
# boundaries fall inside these small files: between a record's lines, a
# quoted newline's two halves, a CRLF's two bytes.
#   tests/jobs/run.sh RUBRIC GEN_ACCOUNTS WORKDIR [quick]
# GEN_ACCOUNTS (tools/gen_accounts.c, built) makes the large file.  quick:
# fewer chunk sizes and a smaller large file, for the sanitizer builds
# (a ThreadSanitizer report fails the run: exit 66).
set -u
LC_ALL=C
NO_COLOR=1
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1 exitcode=66}
export LC_ALL NO_COLOR TSAN_OPTIONS
quick=${4:-}
rubric=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
gen=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$3"
mkdir -p "$3"
work=$(cd "$3" && pwd)
cd "$work" || exit 1
. "$here/tests/tap.sh"
asof="--as-of 2026-11-01"

# same NAME CHUNKS JOBS ARGS...: `rubric $verb ARGS` with one thread, then
# with each of JOBS threads at each of CHUNKS bytes a chunk ("-": the
# default), standard input read from $stdin.
verb=run
stdin=/dev/null
same() {
    name=$1 chunks=$2 jobs=$3
    shift 3
    "$rubric" $verb "$@" <"$stdin" >one.out 2>one.err
    rc1=$?
    for cb in $chunks; do
        for j in $jobs; do
            if [ "$cb" = - ]; then
                "$rubric" $verb -j "$j" "$@" <"$stdin" >many.out 2>many.err
            else
                RUBRIC_CHUNK_BYTES=$cb "$rubric" $verb -j "$j" "$@" <"$stdin" >many.out 2>many.err
            fi
            rc2=$?
            if [ $rc1 != $rc2 ] || ! cmp -s one.out many.out || ! cmp -s one.err many.err; then
                nok "$name: -j $j, $cb bytes a chunk (exit $rc1 vs $rc2)"
                diff one.err many.err | sed -n 1,6p
                diff one.out many.out | sed -n 1,6p
                return
            fi
        done
    done
    ok "$name (exit $rc1)"
}

# Every shipped policy on every sample, in every output format.
g=$here/rules/gitlab
for p in "$g"/*.rules; do
    case $p in *_test.rules) continue ;; esac
    # Population values are gathered by passes in input order: -j is
    # refused before anything is read or written.
    if grep -q 'quantile(\|median_of(\|mean_of(\|count_of(\|count_below(\|share_below(' "$p"; then
        rm -f pop.out
        st=0
        "$rubric" run -j 2 "$p" "$g/accounts.csv" $asof -o pop.out 2>pop.err || st=$?
        check "$(basename "$p"): -j 2 refused, nothing written" \
            test $st = 2 -a ! -e pop.out -a -n "$(grep 'population values is not supported' pop.err)"
        continue
    fi
    for d in "$g"/*.csv "$g"/*.ndjson; do
        for f in csv json ndjson table; do
            [ -z "$quick" ] || [ $f = json ] || continue
            same "$(basename "$p") $(basename "$d") -f $f" "- 97" "2 4" "$p" "$d" $asof -f $f --on-error skip
        done
    done
done

# Bad records, at every chunk size from one byte up: their record numbers
# and lines, what --on-error skip counts, where --on-error fail stops.
fx=$here/tests/golden/fixtures
uch=$g/use_case_health.rules
sizes=$(seq 1 3 160)
[ -z "$quick" ] || sizes="1 2 5 13 40 111"
same "bad records, skipped" "$sizes" "2 3" "$uch" "$fx/bad-data.csv" $asof --on-error skip
same "bad records, the first stops" "$sizes" "2" "$uch" "$fx/bad-data.csv" $asof
same "CRLF and a byte order mark" "$sizes" "2" "$uch" "$fx/crlf-bom.csv" $asof --on-error skip
for d in percent.csv percent-first.csv percent-rejected-first.csv; do
    same "number styles: $d" "$sizes" "2 3" "$fx/data/percent.rules" "$fx/data/$d" $asof --on-error skip
done
same "--delimiter ';'" "$sizes" "2" "$fx/data/percent.rules" "$fx/data/semicolon.csv" --delimiter ';' $asof --on-error skip
same "--delimiter '|'" "$sizes" "2" "$fx/data/percent.rules" "$fx/data/pipe.csv" --delimiter '|' $asof --on-error skip
same "NDJSON exports" "$sizes" "2 3" "$fx/data/exports.rules" "$fx/data/exports.ndjson" $asof --on-error skip
# List inputs from the account's key: their fields' number styles too.
for d in elements-bad.ndjson elements-percent.ndjson elements-wrong-type.ndjson; do
    same "list elements: $d" "$sizes" "2 3" "$fx/elements.rules" "$fx/$d" $asof --on-error skip
done
same "list elements: the first bad one stops" "$sizes" "2" "$fx/elements.rules" "$fx/elements-percent.ndjson" $asof

# Quoted newlines, "" escapes, CRLF, a byte order mark, blank lines, a
# duplicate id in a later chunk, a bad record, no newline at the end.
head -n 1 "$g/accounts.csv" | sed 's/$/\r/' | sed '1s/^/\xef\xbb\xbf/' > tricky.csv
sed -n '2,40p' "$g/accounts.csv" | sed 's/$/\r/' >> tricky.csv
cols=$(head -n 1 "$g/accounts.csv" | tr ',' '\n' | wc -l)
printf 'Q-1,"premium\r\n",saas,2025-01-15,100%s\r\n' "$(printf ',%.0s' $(seq 6 "$cols"))" >> tricky.csv
printf '"Q-""2""\nsecond line",premium,saas,2025-01-15,100%s\r\n\r\n\n' "$(printf ',%.0s' $(seq 6 "$cols"))" >> tricky.csv
sed -n '41,60p' "$g/accounts.csv" >> tricky.csv
sed -n '3,4p' "$g/accounts.csv" >> tricky.csv
printf 'too,few,fields\n' >> tricky.csv
sed -n '61,70p' "$g/accounts.csv" | head -c -1 >> tricky.csv
same "quoted newlines, CRLF, BOM, a duplicate id, skipped" "$sizes" "2 3" "$uch" tricky.csv $asof --on-error skip
same "quoted newlines, CRLF, BOM, a duplicate id, stopped" "$sizes" "2" "$uch" tricky.csv $asof
same "a duplicate id, skipped, JSON out" "7 50" "2" "$uch" tricky.csv $asof --on-error skip -f json

# A duplicate id far from its first: the first occurrence wins.
{ cat "$g/accounts.csv"; sed -n '2,3p' "$g/accounts.csv"; } > dup.csv
same "duplicate ids in other chunks" "64 500 -" "2 4" "$uch" dup.csv $asof --on-error skip

# --actions: the rows of the actions that fire, in input order, in every
# format, with the scores; none for a duplicate id; the first JSON row
# without its comma wherever its chunk starts.
cat > act.rules <<'RULES'
input licenses_sold: number
metric sold = licenses_sold
action big when licenses_sold > 150
  priority 3
  reason "sold {licenses_sold}"
action small when licenses_sold < 40
  priority 1
  reason "only {sold}"
RULES
for a in act.csv act.json act.ndjson; do
    for d in dup.csv tricky.csv; do
        rm -f one.act many.act
        "$rubric" run act.rules "$d" $asof --on-error skip -o one.out --actions "$a" 2>one.err
        rc1=$?
        mv "$a" one.act 2>/dev/null
        bad=
        for cb in 1 40 333 -; do
            if [ "$cb" = - ]; then
                "$rubric" run -j 3 act.rules "$d" $asof --on-error skip -o many.out --actions "$a" 2>many.err
            else
                RUBRIC_CHUNK_BYTES=$cb "$rubric" run -j 2 act.rules "$d" $asof --on-error skip -o many.out --actions "$a" 2>many.err
            fi
            rc2=$?
            mv "$a" many.act 2>/dev/null
            if [ $rc1 != $rc2 ] || ! cmp -s one.act many.act || ! cmp -s one.out many.out || ! cmp -s one.err many.err; then
                bad="$cb bytes a chunk"
                diff one.act many.act | sed -n 1,6p
                break
            fi
        done
        if [ -z "$bad" ] && [ -s one.act ]; then ok "--actions $a on $d"; else nok "--actions $a on $d: $bad"; fi
    done
done
rm -f act.csv
RUBRIC_CHUNK_BYTES=50 "$rubric" run -j 2 act.rules dup.csv $asof -o out.csv --actions act.csv 2>err
rc=$?
if [ $rc = 1 ] && [ ! -e out.csv ] && [ ! -e act.csv ]; then ok "--actions: a failed run writes neither file"; else nok "--actions: a failed run writes neither file (exit $rc)"; fi

# --on-error fail: nothing written, whatever the threads had done.
rm -f out.csv
RUBRIC_CHUNK_BYTES=100 "$rubric" run -j 3 "$uch" dup.csv $asof -o out.csv 2>err
rc=$?
if [ $rc = 1 ] && [ ! -e out.csv ] && grep -q "no output written" err; then ok "--on-error fail writes nothing"; else nok "--on-error fail writes nothing (exit $rc)"; fi

# A full disk: said, exit 1, as with one thread.
if [ -w /dev/full ]; then
    "$rubric" run "$uch" "$g/accounts.csv" $asof -f csv >/dev/full 2>full.one
    rc1=$?
    RUBRIC_CHUNK_BYTES=500 "$rubric" run -j 2 "$uch" "$g/accounts.csv" $asof -f csv >/dev/full 2>full.many
    rc2=$?
    if [ $rc1 = 1 ] && [ $rc2 = 1 ] && cmp -s full.one full.many; then ok "a full disk"; else nok "a full disk (exit $rc1, $rc2)"; fi
fi

# Standard input.
"$rubric" run "$uch" "$g/accounts.csv" $asof -f csv > stdin.one
RUBRIC_CHUNK_BYTES=300 "$rubric" run -j 2 "$uch" - $asof -f csv < "$g/accounts.csv" > stdin.many
if cmp -s stdin.one stdin.many; then ok "standard input"; else nok "standard input"; fi

# diff, calibrate and report: the same pass on N threads, the values each
# reads of an account kept and read in input order.
v=$fx/versions
sed 's/50%/40%/; s/< 25%/< 30%/' "$uch" > uch2.rules
verb=diff
for d in "$g/accounts.csv" "$g/accounts.ndjson"; do
    for f in table csv json; do
        same "diff $(basename "$d") -f $f" "- 97" "2 4" "$uch" uch2.rules "$d" $asof -f $f --on-error skip
    done
done
same "diff, bad records, skipped" "$sizes" "2 3" "$uch" uch2.rules "$fx/bad-data.csv" $asof --on-error skip -f csv
same "diff, bad records, the first stops" "$sizes" "2" "$uch" "$uch" "$fx/bad-data.csv" $asof
same "diff, versions" "$sizes" "2 4" "$v/old.rules" "$v/new.rules" "$v/many.csv" -f csv
same "diff, a duplicate id" "$sizes" "2" "$v/old.rules" "$v/new.rules" "$v/dup-ids.csv" -f csv --on-error skip
same "diff, texts (kept by their bytes)" "$sizes" "2 3" "$v/text-old.rules" "$v/text-new.rules" "$v/texts.csv" -f csv
same "diff, a tricky CSV" "$sizes" "2 3" "$uch" uch2.rules tricky.csv $asof --on-error skip -f json
same "diff, empty texts and na" "$sizes" "2" "$v/empty-old.rules" "$v/empty-new.rules" "$v/empty.csv" --na-values ''
printf 'input licenses_sold: number\nmetric a = licenses_sold\n' > only-a.rules
printf 'input licenses_sold: number\nmetric b = licenses_sold\n' > only-b.rules
same "diff, no output in common (nothing kept)" "$sizes" "2" only-a.rules only-b.rules dup.csv --on-error skip
same "diff, values in no band" "$sizes" "2" "$fx/no-band/no-band.rules" "$fx/no-band/no-band.rules" "$fx/no-band/accounts.csv"
verb=calibrate
for d in "$g/accounts.csv" "$g/accounts.ndjson"; do
    same "calibrate $(basename "$d")" "- 97" "2 4" "$uch" "$d" $asof --measure scm_git_ops --target green=30%,yellow=40% --on-error skip
done
c=$fx/calibrate
same "calibrate, a cohort" "$sizes" "2 3" "$c/scores.rules" "$c/values.csv" --measure level --where 'segment = "ent"' -f json
same "calibrate, a group" "$sizes" "2" "$c/scores.rules" "$c/values.csv" --measure overall -f json
same "calibrate, bad records, skipped" "$sizes" "2 3" "$uch" "$fx/bad-data.csv" $asof --measure ci --on-error skip
same "calibrate, bad records, the first stops" "$sizes" "2" "$uch" "$fx/bad-data.csv" $asof --measure ci
same "calibrate, a tricky CSV" "$sizes" "2 3" "$uch" tricky.csv $asof --measure scm_git_ops --on-error skip
verb=report
for d in "$g/accounts.csv" "$g/accounts.ndjson"; do
    same "report $(basename "$d")" "- 97" "2 4" "$uch" "$d" $asof --on-error skip
done
same "report, bad records, skipped" "$sizes" "2 3" "$uch" "$fx/bad-data.csv" $asof --on-error skip
same "report, bad records, the first stops" "$sizes" "2" "$uch" "$fx/bad-data.csv" $asof
same "report, values in no band" "$sizes" "2" "$fx/no-band/no-band.rules" "$fx/no-band/accounts.csv"
# Standard input, for every verb.
stdin=$g/accounts.csv
for verb in run diff calibrate report; do
    case $verb in
    diff) set -- "$uch" uch2.rules ;;
    calibrate) set -- "$uch" --measure ci ;;
    *) set -- "$uch" ;;
    esac
    same "$verb: standard input" "300 -" "2" "$@" - $asof
done
stdin=/dev/null
# --on-error fail writes nothing, whatever the threads had done.
for verb in diff calibrate report; do
    case $verb in
    diff) set -- "$uch" uch2.rules ;;
    calibrate) set -- "$uch" --measure ci ;;
    *) set -- "$uch" ;;
    esac
    rm -f out.txt
    RUBRIC_CHUNK_BYTES=100 "$rubric" $verb -j 3 "$@" dup.csv $asof -o out.txt 2>err
    rc=$?
    if [ $rc = 1 ] && [ ! -e out.txt ] && grep -q "no output written" err; then ok "$verb: --on-error fail writes nothing"; else nok "$verb: --on-error fail writes nothing (exit $rc)"; fi
done

# A top-level JSON array, cut between its elements; its closing ']', and
# whatever is not a ',' and another element, read in order by one thread.
{ printf '[\n'; sed '$!s/$/,/' "$g/accounts.ndjson"; printf ']\n'; } > array.json
{ printf '{"as_of": "2026-11-01",\n "accounts": [ '; sed '$!s/$/ ,/' "$g/accounts.ndjson" | tr '\n' ' '; printf '],\n "total": 3}'; } > wrapped.json
# bad elements: a broken one, one that is no object, one without an id, a duplicate id
{ printf '[\n'; sed -n '1,9p' "$g/accounts.ndjson" | sed 's/$/,/'; printf '{"account_id": "broken", \n'
  printf '42,\n{"tier": "premium"},\n'; sed -n '10,30p' "$g/accounts.ndjson" | sed 's/$/,/'; sed -n '2p' "$g/accounts.ndjson"; printf ']'; } > bad-elements.json
{ printf '['; sed -n '1,12p' "$g/accounts.ndjson" | sed '$!s/$/,/'; printf ',]\n'; } > trailing-comma.json
{ printf '['; sed -n '1,12p' "$g/accounts.ndjson" | sed '$!s/$/,/' | sed '6s/,$//'; printf ']\n'; } > missing-comma.json
{ printf '[ '; sed -n '1,12p' "$g/accounts.ndjson" | sed 's/$/,/'; } > unfinished.json
{ printf '[ '; sed -n '1,12p' "$g/accounts.ndjson" | sed '$!s/$/,/'; printf '] x\n'; } > after-end.json
printf '[]\n' > empty-array.json
verb=run
for d in array.json wrapped.json bad-elements.json trailing-comma.json missing-comma.json unfinished.json after-end.json \
    empty-array.json "$fx/json-bad-after.json" "$fx/json-after-array.json" "$fx/trailing-comma.json"; do
    same "a JSON array: $(basename "$d")" "$sizes" "2 3" "$uch" "$d" $asof --on-error skip -f csv
done
same "a JSON array, the first bad element stops" "$sizes" "2" "$uch" bad-elements.json $asof -f csv
stdin=array.json
same "a JSON array on standard input" "1 40 300 -" "2" "$uch" - --input-format json $asof -f csv
stdin=/dev/null
verb=diff
same "diff, a JSON array" "$sizes" "2" "$uch" uch2.rules bad-elements.json $asof --on-error skip -f csv
verb=calibrate
same "calibrate, a JSON array" "$sizes" "2" "$uch" wrapped.json $asof --measure ci
verb=report
same "report, a JSON array" "$sizes" "2" "$uch" array.json $asof

# More than 64 banded outputs, some values in no band: the masks' 64 bits
# and then the chunk read again in order.
{
    printf 'policy "wide"\nscheme rg\n  red scores 0 when < 50\n  green scores 100 otherwise\ninput x: number\n'
    i=1
    while [ $i -le 70 ]; do
        printf 'measure m%d = x + %d\n  red < 10\n  # rubric: allow band-gap\n  green >= 20\n' $i $((i % 5))
        i=$((i + 1))
    done
} > wide.rules
# x from 0 to 28: from 6 to 19 some outputs fall in the gap, all 70 of them at 10 to 15
{ echo account_id,x; i=1; while [ $i -le 60 ]; do echo "a$i,$((i * 7 % 29))"; i=$((i + 1)); done; } > wide.csv
verb=run
same "70 banded outputs, values in no band" "$sizes" "2 3" wide.rules wide.csv -f csv
verb=report
same "report: 70 banded outputs, values in no band" "7 50 -" "2" wide.rules wide.csv
verb=run

# run --history: the period recorded is the same (all of the file, as
# Debian's sqlite3 tool dumps it), and the messages.
for cb in 1 37 200 -; do
    rm -f h1.db h2.db
    "$rubric" run "$uch" dup.csv $asof --on-error skip --history h1.db >one.out 2>one.err
    rc1=$?
    if [ "$cb" = - ]; then
        "$rubric" run -j 3 "$uch" dup.csv $asof --on-error skip --history h2.db >many.out 2>many.err
    else
        RUBRIC_CHUNK_BYTES=$cb "$rubric" run -j 2 "$uch" dup.csv $asof --on-error skip --history h2.db >many.out 2>many.err
    fi
    rc2=$?
    sed 's/h2\.db/h1.db/' many.err > many.err2
    # but the time each was recorded
    sqlite3 h1.db .dump | sed "s/'[-0-9]*T[:0-9]*Z'/TIME/" >h1.txt 2>&1
    sqlite3 h2.db .dump | sed "s/'[-0-9]*T[:0-9]*Z'/TIME/" >h2.txt 2>&1
    if [ $rc1 = $rc2 ] && cmp -s one.out many.out && cmp -s one.err many.err2 && cmp -s h1.txt h2.txt && [ -s h1.txt ]; then
        ok "run --history, $cb bytes a chunk"
    else
        nok "run --history, $cb bytes a chunk (exit $rc1 vs $rc2)"
        diff h1.txt h2.txt | sed -n 1,6p
    fi
done

# What is refused, said, and nothing read.
refused() { # NAME WANTED ARGS...
    name=$1 want=$2
    shift 2
    "$rubric" run "$@" >r.out 2>r.err
    rc=$?
    if [ $rc = 2 ] && grep -q -- "$want" r.err && [ ! -s r.out ]; then ok "refused: $name"; else nok "refused: $name (exit $rc)"; cat r.err; fi
}
refused "-j 0" "from 1 to 64" -j 0 "$uch" "$g/accounts.csv" $asof
printf 'account_id,x\n' > t.csv
refused "--table" "with --table is not supported" -j 2 "$fx/elements.rules" "$g/accounts.csv" $asof --table x=t.csv
"$rubric" run "$fx/prev/alerts.rules" "$fx/prev/2026-09.csv" --as-of 2026-09-30 --history prev.db >/dev/null 2>&1
refused "prev()" "with prev() is not supported" -j 2 "$fx/prev/alerts.rules" "$fx/prev/2026-10.csv" --as-of 2026-10-31 --history prev.db

# A large file, generated here: a few hundred thousand accounts, -j 1 vs -j 4.
big=300000
[ -z "$quick" ] || big=20000
"$gen" --count $big --seed 7 --as-of 2026-11-01 --format csv > big.csv
"$gen" --count $((big / 3)) --seed 8 --as-of 2026-11-01 --format ndjson > big.ndjson
same "$big accounts, CSV" "-" "4" "$uch" big.csv $asof -f csv
same "$((big / 3)) accounts, NDJSON" "-" "3" "$uch" big.ndjson $asof -f ndjson

echo "jobs: $passed passed, $failed failed"
[ $failed = 0 ]
