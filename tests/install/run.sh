#!/bin/bash
# make install into a scratch root, then what was installed: the manual
# page renders with man -l without a warning and names every option of
# every verb, the binary runs, the bash completion completes verbs, options
# and a shipped policy's --select names, and its option lists are each
# verb's --help options; the zsh completion the same where zsh is
# installed; make uninstall removes it all.
#   tests/install/run.sh BUILD_DIR
set -u
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
root=$(mkdir -p "$build" && cd "$build" && pwd)/install-root
rm -rf "$root"
cd "$here" || exit 1
. "$here/tests/tap.sh"

if ! make -s install BUILD="$build" DESTDIR="$root" PREFIX=/usr >"$root.log" 2>&1; then
    nok "make install DESTDIR=... PREFIX=/usr"
    cat "$root.log"
    echo "install: $passed passed, $failed failed"
    exit 1
fi
ok "make install DESTDIR=... PREFIX=/usr"
bin=$root/usr/bin/rubric
page=$root/usr/share/man/man1/rubric.1
bashc=$root/usr/share/bash-completion/completions/rubric
zshc=$root/usr/share/zsh/site-functions/_rubric
for f in "$bin" "$page" "$bashc" "$zshc"; do
    check "installed ${f#"$root"}" test -s "$f"
done
check "the binary is executable and runs" sh -c '"$1" --version | grep -q "^rubric [0-9]"' sh "$bin"

# The manual page.
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man --warnings -l "$page" >"$root.man" 2>"$root.man.err"
    check "man -l renders the page" grep -q "^RUBRIC(1)" "$root.man"
    check "man --warnings -l says nothing" test ! -s "$root.man.err"
    cat "$root.man.err"
else
    nok "man -l: man is not installed (Debian package man-db)"
fi
if command -v groff >/dev/null 2>&1; then
    check "groff -ww -z says nothing" test -z "$(groff -ww -z -man "$page" 2>&1)"
fi
# Every verb has its section and every option its entry, as --help has them.
missing=
for verb in $("$bin" help --verbs); do
    grep -q "^   rubric $verb " "$root.man" || missing="$missing $verb"
    for o in $("$bin" help --options "$verb" | cut -d' ' -f1); do
        grep -q -- "$o" "$root.man" || missing="$missing $verb:$o"
    done
done
check "the page has every verb and option${missing:+ (missing:$missing)}" test -z "$missing"

# The bash completion, driven as bash drives it, with the installed rubric.
complete_bash() { # WORD...: the completions of the last word, one a line
    PATH="$root/usr/bin:$PATH" bash -c '
        . "$0"
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _rubric
        printf "%s\n" "${COMPREPLY[@]}"' "$bashc" rubric "$@"
}
check "bash: rubric ru<TAB> is run" test "$(complete_bash ru)" = run
check "bash: rubric run --sel<TAB> is --select" test "$(complete_bash run --sel)" = --select
policy=rules/gitlab/account_health.rules
expected=$("$bin" help --outputs "$policy")
check "bash: --select lists the outputs of $policy" \
    test "$(complete_bash run "$policy" --select '')" = "$expected"
check "bash: --select completes after a comma" \
    test "$(complete_bash run "$policy" rules/gitlab/accounts.csv --select license_activation,user_)" \
    = license_activation,user_engagement
check "bash: run -f<TAB> lists the formats" \
    test "$(complete_bash run -f '' | tr '\n' ' ')" = "table csv json ndjson "
check "bash: test -f<TAB> lists the formats" \
    test "$(complete_bash test -f '' | tr '\n' ' ')" = "text junit json "
# --format=<TAB>: bash makes the = a word of its own (COMP_WORDBREAKS).
check "bash: test --format=<TAB> lists the formats" \
    test "$(complete_bash test --format = | tr '\n' ' ')" = "text junit json "
check "bash: check --format=s<TAB> is sarif" test "$(complete_bash check --format = s)" = sarif
check "bash: data files after --format=csv and the policy" \
    test "$(complete_bash run --format = csv "$policy" rules/gitlab/account_health_ | tr '\n' ' ')" \
    = "rules/gitlab/account_health_accounts.csv "
check "bash: policies, then data files" \
    test "$(complete_bash run rules/gitlab/account_health | sort | tr '\n' ' ')" \
    = "rules/gitlab/account_health.rules rules/gitlab/account_health_test.rules "
check "bash: data files after the policy" \
    test "$(complete_bash run "$policy" rules/gitlab/account_health_ | tr '\n' ' ')" \
    = "rules/gitlab/account_health_accounts.csv "

# Each verb's options in the completion are exactly those its --help lists.
for verb in $("$bin" help --verbs); do
    # An option's line begins "  -f, --format" or "      --as-of"; a
    # further line of its help is indented to the help's column.
    from_help=$("$bin" "$verb" --help |
        sed -n -e 's/^  \(-[A-Za-z]\), \(--[a-z][a-z-]*\).*/\1 \2/p' -e 's/^      \(--[a-z][a-z-]*\).*/\1/p' |
        tr ' ' '\n' | sort)
    from_completion=$(complete_bash "$verb" - | sort)
    check "bash: $verb's options are those of $verb --help" test "$from_help" = "$from_completion"
    [ "$from_help" = "$from_completion" ] || diff <(echo "$from_help") <(echo "$from_completion")
done

# The zsh completion, with compadd and _files standing in for zsh's
# completion system (which needs a terminal): what it would offer.
if command -v zsh >/dev/null 2>&1; then
    check "zsh: the completion parses" zsh -n "$zshc"
    complete_zsh() {
        PATH="$root/usr/bin:$PATH" zsh -c '
            compadd() { while (( $# )); do case $1 in -a) shift; print -rl -- ${(P)1};; -S) shift;; --) ;; *) print -r -- $1;; esac; shift; done; }
            compset() { }
            _files() { print -r -- "_files $*"; }
            source "$0"
            words=(rubric "$@")
            CURRENT=$#words
            _rubric' "$zshc" "$@"
    }
    check "zsh: the verbs" test "$(complete_zsh '' | head -n "$("$bin" help --verbs | wc -l)")" = "$("$bin" help --verbs)"
    check "zsh: --select lists the outputs of $policy" \
        test "$(complete_zsh run "$policy" --select '')" = "$expected"
    check "zsh: data files after the policy" \
        test "$(complete_zsh run "$policy" '')" = "_files -g *.(csv|json|ndjson)(-.)"
    check "zsh: test --format=<TAB> lists the formats" \
        test "$(complete_zsh test --format= | tr '\n' ' ')" = "text junit json "
    check "zsh: check's options" \
        test "$(complete_zsh check - | sort | tr '\n' ' ')" = "--as-of --format --help --overrides --strict -f -h "
else
    echo "zsh: skipped, zsh is not installed"
fi

make -s uninstall BUILD="$build" DESTDIR="$root" PREFIX=/usr >"$root.log" 2>&1
check "make uninstall removes every installed file" test -z "$(find "$root" -type f)"
echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
