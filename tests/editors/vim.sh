#!/bin/sh
# tests/editors/vim.sh RUBRIC BUILD_DIR: the Vim files of editors/vim.
# The syntax file's groups on every shipped policy, and :make (makeprg and
# errorformat) on a policy with a planted error, in a real Vim run without
# any user configuration.  Prints ok / not ok lines.
set -u
rubric=$1 build=$2
dir=$build/vim
rm -rf "$dir" && mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd)
here=$(pwd)
vim_() { # runs Vim with only editors/vim added to the runtime path
    vim -es -u NONE -i NONE -N --cmd "set rtp^=$here/editors/vim" \
        --cmd 'filetype plugin on' --cmd 'syntax on' "$@" </dev/null
}

# Every shipped policy, in a stable order.
files=$(find rules -name '*.rules' | LC_ALL=C sort)
RESULTS=$dir/syntax.out vim_ -S tests/editors/syntax.vim $files
status=$?
[ -f "$dir/syntax.out" ] || echo "not ok - vim ran the syntax checks (exit $status, no results)"
[ -f "$dir/syntax.out" ] && cat "$dir/syntax.out"

# :make on a copy of a shipped policy with a misspelt name on line 85,
# column 27: the quickfix list must point there, with the message.
bin=$(cd "$(dirname "$rubric")" && pwd)
mkdir -p "$dir/bin" "$dir/policy"
ln -sf "$bin/$(basename "$rubric")" "$dir/bin/rubric"
cp rules/gitlab/account_health.rules rules/gitlab/use_case_health.rules "$dir/policy/"  # it imports the second
sed 's/^measure user_engagement = active_users_l28d/measure user_engagement = active_userz_l28d/' \
    rules/gitlab/account_health.rules >"$dir/policy/account_health.rules"
line=$(grep -n '^measure user_engagement = active_userz_l28d' "$dir/policy/account_health.rules" | cut -d: -f1)
cat >"$dir/make.vim" <<'VIM'
silent make
let s:out = []
let s:qf = filter(getqflist(), 'v:val.valid')
call add(s:out, 'makeprg=' . &makeprg)
call add(s:out, 'entries=' . len(s:qf))
for s:e in s:qf
  call add(s:out, bufname(s:e.bufnr) . ':' . s:e.lnum . ':' . s:e.col . ':' . s:e.type . ':' . s:e.text)
endfor
call writefile(s:out, $RESULTS)
qall!
VIM
(cd "$dir/policy" && PATH=$dir/bin:$PATH RESULTS=$dir/make.out vim_ -S "$dir/make.vim" account_health.rules >/dev/null)
want="account_health.rules:$line:27:e:unknown name 'active_userz_l28d' (did you mean 'active_users_l28d'?)"
if [ -f "$dir/make.out" ] && grep -qx 'entries=1' "$dir/make.out" && grep -qxF "$want" "$dir/make.out"; then
    echo "ok - :make puts the planted error in the quickfix list at its file, line and column"
else
    echo "not ok - :make's quickfix list: expected $want, got:"
    cat "$dir/make.out" 2>/dev/null
fi

# A plugin manager puts editors/vim after Vim's own files, whose detection
# calls *.rules "hog" first: the file must still be rubric, with our settings.
RESULTS=$dir/after.out vim -es -u NONE -i NONE -N --cmd "set rtp+=$here/editors/vim" --cmd 'filetype plugin on' \
    -c 'call writefile([&filetype, &commentstring, &makeprg, &formatprg], $RESULTS)' -c 'qall!' \
    rules/gitlab/account_health.rules </dev/null

printf '%s\n' rubric '# %s' 'rubric check --strict %:S' 'rubric fmt -' >"$dir/after.want"
if cmp -s "$dir/after.want" "$dir/after.out"; then
    echo "ok - with editors/vim after Vim's own files, a .rules file is rubric with its settings"
else
    echo "not ok - with editors/vim after Vim's own files: filetype, commentstring, makeprg, formatprg:"
    cat "$dir/after.out" 2>/dev/null
fi

# gq through formatprg on a badly laid-out policy gives rubric fmt's text.
sed 's/^measure user_engagement = /measure   user_engagement =   /' rules/gitlab/account_health.rules \
    >"$dir/policy/messy.rules"
cmp -s rules/gitlab/account_health.rules "$dir/policy/messy.rules" && echo "not ok - the messy copy differs"
(cd "$dir/policy" && PATH=$dir/bin:$PATH vim_ -c 'silent normal! gggqG' -c 'wq' messy.rules >/dev/null)
if cmp -s rules/gitlab/account_health.rules "$dir/policy/messy.rules"; then
    echo "ok - gggqG formats the file exactly as rubric fmt does"
else
    echo "not ok - gggqG did not give rubric fmt's text:"
    diff rules/gitlab/account_health.rules "$dir/policy/messy.rules" | head -5
fi

# Every spelling of an operator the lexer takes, the Unicode ones too, and
# a band line whose comparison is one of them.
printf 'let x = a ?? 0\nlet y = a <> b\nlet z = a \342\211\240 b\nmeasure m = a == b\n  red \342\211\244 10\n  green \342\211\245 10\n' \
    >"$dir/policy/operators.rules"
RESULTS=$dir/operators.out vim_ --cmd 'set encoding=utf-8' \
    -c 'call writefile(map([[1,11],[2,11],[3,11],[4,15],[5,7],[6,9],[5,3]], {_, p -> synIDattr(synID(p[0], p[1], 1), "name")}), $RESULTS)' \
    -c 'qall!' "$dir/policy/operators.rules"
printf '%s\n' rubricOperator rubricOperator rubricOperator rubricOperator rubricOperator rubricOperator rubricBand >"$dir/operators.want"
if cmp -s "$dir/operators.want" "$dir/operators.out"; then
    echo "ok - ?? <> == and the Unicode comparisons are operators; a band line may use one"
else
    echo "not ok - operators: expected the groups of $dir/operators.want, got:"
    cat "$dir/operators.out" 2>/dev/null
fi
