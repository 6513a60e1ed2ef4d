#!/usr/bin/env bash
# Mutation testing of the shipped policies' test suites.
#
#   tests/mutants/run.sh [RUBRIC]        (RUBRIC defaults to ./rubric)
#
# For each policy rules/gitlab/NAME.rules with a suite NAME_test.rules, makes
# one mutant per small change a careless edit could make:
#   - every threshold after <, <=, >, >= (band lines, scheme lines, and any
#     comparison) moved by one: one percentage point for a percentage, one
#     unit for a plain number (days, tickets, scores);
#   - every edge operator swapped: < with <=, > with >=;
#   - every weight (`weight N`, and a parameter whose default is a plain
#     number or percentage, such as risk_weight) moved by one point;
# and runs the suite against each mutant, in a scratch copy of rules/gitlab.
# A mutant is killed when the suite fails (a pass, here).  A mutant that no
# test kills is run, with the original, over 20,000 random accounts built
# from the policy's input declarations (usage hitting every whole percentage
# of 100 seats, dates on every day from 130 days before as_of to 10 after,
# every enumeration value, empty cells); when every output (value, band and
# score) agrees on all of them it is reported as equivalent (e.g.
# `green >= 49%` below a `yellow < 50%` line catches exactly what
# `green >= 50%` did) and not counted.  A surviving mutant that does change
# some account's result is a failure: a test is missing.  Equivalent
# mutants that `rubric check --strict` rejects (a band-overlap lint, say)
# are marked as such: CI would catch them there.
#
# Prints each policy's kill rate (and the raw rate, counting the equivalent
# mutants as survivors), the surviving mutants, and last
# `mutants: N passed, N failed`.  Exits 1 when a policy's kill rate (killed /
# counted mutants) is below 80%, or on a setup error.
set -u
LC_ALL=C
export LC_ALL

rubric=${1:-./rubric}
case $rubric in
/*) ;;
*) rubric=$PWD/$rubric ;;
esac
root=$(cd "$(dirname "$0")/../.." && pwd)
src=$root/rules/gitlab
policies="use_case_health use_case_adoption_v1 account_health"
as_of=2026-11-01
naccounts=20000
threshold=80

if [ ! -x "$rubric" ]; then
    echo "run.sh: $rubric is not an executable (build it with 'make rubric')" >&2
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rubric-mutants.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Mutation sites of a policy, one per line: LINE START LENGTH REPLACEMENT
# DESCRIPTION (tab-separated; START is 1-based within the line).
sites() {
    awk '
    function code_end(s,   i, c, q) {   # where a # comment starts, outside quotes
        q = 0
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (c == "\"") q = !q
            else if (c == "#" && !q) return i - 1
        }
        return length(s)
    }
    function bump(num, d,   pct, v) {
        pct = num ~ /%$/
        v = pct ? substr(num, 1, length(num) - 1) : num
        v = v + d
        return v (pct ? "%" : "")
    }
    function emit(start, len, repl, what) {
        printf "%d\t%d\t%d\t%s\t%s\n", NR, start, len, repl, what
    }
    {
        line = substr($0, 1, code_end($0))
        head = line
        sub(/^[ \t]+/, "", head)
        if (head ~ /^(test|given|expect|import|policy|input|id)([ \t]|$)/) next
        # Weights and numeric parameter defaults: plus and minus one point.
        if (head ~ /^param[ \t]/ && match(line, /=[ \t]*-?[0-9]+(\.[0-9]+)?%?[ \t]*$/)) {
            s = RSTART; t = substr(line, RSTART, RLENGTH)
            match(t, /-?[0-9]+(\.[0-9]+)?%?/); s += RSTART - 1; num = substr(t, RSTART, RLENGTH)
            emit(s, length(num), bump(num, 1), "param " num " -> " bump(num, 1))
            emit(s, length(num), bump(num, -1), "param " num " -> " bump(num, -1))
        }
        rest = line; off = 0
        while (match(rest, /weight[ \t]+-?[0-9]+(\.[0-9]+)?%?/)) {
            t = substr(rest, RSTART, RLENGTH); s = off + RSTART
            match(t, /-?[0-9]+(\.[0-9]+)?%?/); s += RSTART - 1; num = substr(t, RSTART, RLENGTH)
            emit(s, length(num), bump(num, 1), "weight " num " -> " bump(num, 1))
            emit(s, length(num), bump(num, -1), "weight " num " -> " bump(num, -1))
            off = s + length(num) - 1; rest = substr(line, off + 1)
        }
        # Edge operators, and the number after each.
        rest = line; off = 0
        while (match(rest, /(<=|>=|<|>)/)) {
            op = substr(rest, RSTART, RLENGTH); s = off + RSTART
            swap = op == "<" ? "<=" : op == "<=" ? "<" : op == ">" ? ">=" : ">"
            emit(s, length(op), swap, "\"" op "\" -> \"" swap "\"")
            after = substr(line, s + length(op))
            if (match(after, /^[ \t]*-?[0-9]+(\.[0-9]+)?%?/)) {
                t = substr(after, 1, RLENGTH)
                match(t, /-?[0-9]+(\.[0-9]+)?%?/)
                ns = s + length(op) + RSTART - 1; num = substr(t, RSTART, RLENGTH)
                if (substr(line, ns + length(num), 1) !~ /[A-Za-z_]/) {
                    emit(ns, length(num), bump(num, 1), op " " num " -> " op " " bump(num, 1))
                    emit(ns, length(num), bump(num, -1), op " " num " -> " op " " bump(num, -1))
                }
            }
            off = s + length(op) - 1; rest = substr(line, off + 1)
        }
    }' "$1" $(sed -n 's|^import "\([^"]*\)".*|'"$(dirname "$1")"'/\1|p' "$1")
}

# Applies one site to a policy: writes the mutant to stdout.
mutate() { # FILE LINE START LENGTH REPLACEMENT
    awk -v L="$2" -v S="$3" -v N="$4" -v R="$5" \
        'NR == L { $0 = substr($0, 1, S - 1) R substr($0, S + N) } { print }' "$1"
}

# Random accounts for a policy, from its `input` lines and those of the
# files it imports (see the header).
accounts() { # POLICY
    awk -v n="$naccounts" -v asof="$as_of" '
    function dfc(y, m, d,   era, yoe, doy, doe) {
        y -= m <= 2; era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
        doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
        doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
        return era * 146097 + doe - 719468
    }
    function cfd(z,   era, doe, yoe, y, doy, mp, d, m) {
        z += 719468; era = int((z >= 0 ? z : z - 146096) / 146097); doe = z - era * 146097
        yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
        y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
        mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
        m = mp + (mp < 10 ? 3 : -9); y += m <= 2
        return sprintf("%04d-%02d-%02d", y, m, d)
    }
    $1 == "id" { idcol = $2 }
    $1 == "input" {
        name = $2; sub(/:$/, "", name)
        if (name in seen) next
        seen[name] = 1; k++; col[k] = name
        if ($0 ~ /one of/) {
            type[k] = "enum"; s = $0; sub(/.*one of[ \t]*/, "", s); gsub(/[" \t]/, "", s)
            nch[k] = split(s, tmp, ","); for (j = 1; j <= nch[k]; j++) ch[k, j] = tmp[j]
        } else { type[k] = $3 }
    }
    END {
        srand(42)
        if (idcol == "") idcol = "account_id"
        split(asof, a, "-"); base = dfc(a[1] + 0, a[2] + 0, a[3] + 0)
        hdr = idcol; for (i = 1; i <= k; i++) hdr = hdr "," col[i]; print hdr
        for (r = 1; r <= n; r++) {
            row = "M-" r
            for (i = 1; i <= k; i++) {
                x = rand(); v = ""
                if (x >= 0.08) {
                    if (type[i] == "number") {
                        y = rand(); v = y < 0.3 ? 100 : y < 0.35 ? 300 : y < 0.4 ? 0 : int(rand() * 121)
                    } else if (type[i] == "date") {
                        v = cfd(base - int(rand() * 141) + 10)
                    } else if (type[i] == "enum") {
                        v = ch[i, 1 + int(rand() * nch[i])]
                    } else if (type[i] == "bool") {
                        v = rand() < 0.5 ? "true" : "false"
                    }
                }
                row = row "," v
            }
            print row
        }
    }' "$1" $(sed -n 's|^import "\([^"]*\)".*|'"$(dirname "$1")"'/\1|p' "$1")
}

total_pass=0 total_fail=0 below=0
for p in $policies; do
    policy=$src/$p.rules suite=$src/${p}_test.rules
    if [ ! -f "$policy" ] || [ ! -f "$suite" ]; then
        echo "run.sh: missing $policy or $suite" >&2
        exit 1
    fi
    work=$tmp/$p
    mkdir -p "$work"
    cp -R "$src"/* "$work"/
    if ! "$rubric" test "$work/${p}_test.rules" >"$tmp/out" 2>&1; then
        echo "$p: the suite fails on the unmutated policy:" >&2
        cat "$tmp/out" >&2
        exit 1
    fi
    accounts "$policy" >"$tmp/$p.accounts.csv"
    "$rubric" run "$policy" "$tmp/$p.accounts.csv" --as-of "$as_of" -f json -q -o "$tmp/$p.orig.json" 2>"$tmp/err" ||
        { echo "run.sh: $p: cannot score the random accounts:" >&2; cat "$tmp/err" >&2; exit 1; }

    n=0 killed=0 equivalent=0 linted=0 survived=0 broken=0 report=""
    while IFS="$(printf '\t')" read -r line start len repl what; do
        n=$((n + 1))
        mutate "$policy" "$line" "$start" "$len" "$repl" >"$work/$p.rules"
        "$rubric" test "$work/${p}_test.rules" >/dev/null 2>&1
        rc=$?
        where="$p.rules:$line: $what"
        if [ $rc -eq 1 ]; then
            killed=$((killed + 1))
        elif [ $rc -ne 0 ]; then
            broken=$((broken + 1))
            report="$report    not a valid policy (not counted): $where"$'\n'
        elif "$rubric" run "$work/$p.rules" "$tmp/$p.accounts.csv" --as-of "$as_of" -f json -q \
            -o "$tmp/$p.mut.json" 2>/dev/null && cmp -s "$tmp/$p.orig.json" "$tmp/$p.mut.json"; then
            equivalent=$((equivalent + 1))
            if "$rubric" check --strict "$work/$p.rules" >/dev/null 2>&1; then
                report="$report    equivalent (not counted): $where"$'\n'
            else
                linted=$((linted + 1))
                report="$report    equivalent (not counted; check --strict warns): $where"$'\n'
            fi
        else
            survived=$((survived + 1))
            report="$report    SURVIVED: $where"$'\n'
        fi
    done < <(sites "$policy")
    cp "$policy" "$work/$p.rules"

    counted=$((killed + survived))
    if [ $counted -gt 0 ]; then
        rate=$((killed * 1000 / counted))
    else
        rate=1000
    fi
    raw=1000
    [ $((counted + equivalent)) -gt 0 ] && raw=$((killed * 1000 / (counted + equivalent)))
    printf '%s: %d mutants: %d killed, %d survived, %d equivalent (%d of them warned about by check --strict), %d invalid; kill rate %d.%d%% (%d/%d); raw %d.%d%% (%d/%d)\n' \
        "$p" "$n" "$killed" "$survived" "$equivalent" "$linted" "$broken" $((rate / 10)) $((rate % 10)) "$killed" "$counted" \
        $((raw / 10)) $((raw % 10)) "$killed" $((counted + equivalent))
    printf '%s' "$report"
    [ $rate -lt $((threshold * 10)) ] && below=1
    total_pass=$((total_pass + killed))
    total_fail=$((total_fail + survived))
done
echo "mutants: $total_pass passed, $total_fail failed"
[ $below -eq 0 ]
