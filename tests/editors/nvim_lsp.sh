#!/bin/sh
# tests/editors/nvim_lsp.sh RUBRIC BUILD_DIR: rubric lsp under a real
# editor's client, Neovim's own (vim.lsp), set up exactly as docs/editors.md
# tells Neovim 0.7 users (the blocks it marks are run as they are), with no
# user configuration.  tests/editors/nvim_lsp.lua does the editing and the
# checks; this script prepares the folder, runs Neovim with a time limit,
# checks that :qa left no server process behind, and that a server whose
# Neovim is killed outright ends too.  Prints ok / not ok lines, then
# "nvim-lsp: N passed, N failed".  Without nvim it fails.
set -u
rubric=$1 build=$2
here=$(pwd)
dir=$build/nvim
rm -rf "$dir" && mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd)
results=$dir/results
: >"$results"
finish() {
    grep -av '^ended$' "$results"
    echo "nvim-lsp: $(grep -ac '^ok ' "$results") passed, $(grep -ac '^not ok ' "$results") failed"
    ! grep -aq '^not ok ' "$results"
    exit
}
if ! command -v nvim >/dev/null 2>&1; then
    echo "not ok - nvim is installed (Debian's neovim: tools/ensure-test-deps.sh)" >>"$results"
    finish
fi

# The workspace: a folder with .git (the set-up's root), a shipped policy
# with a planted typo and a lint (its pragma taken out), its test file, its
# data, and a copy laid out badly for formatting.
ws=$dir/ws
mkdir -p "$ws/.git" "$ws/rules/gitlab" "$dir/bin"
cp rules/gitlab/use_case_health_test.rules rules/gitlab/accounts.csv "$ws/rules/gitlab/"
awk '/^# rubric: allow few-metrics$/ && !dropped { getline nxt; if (nxt ~ /^group scm =/) { dropped = 1; print nxt; next } print; print nxt; next }
     { sub(/= git_ops_users_l28d/, "= git_ops_userz_l28d"); print }' \
    rules/gitlab/use_case_health.rules >"$ws/rules/gitlab/use_case_health.rules"
sed -e 's/^input \([a-z_0-9]*\): /input \1 :/' -e 's/^\(  [a-z]*\)  *\([<>]\)/\1 \2/' -e 's/^measure  */measure   /' \
    rules/gitlab/use_case_health.rules >"$ws/rules/gitlab/messy.rules"
# The typo'd copy with CRLF line ends, as saved on Windows.
sed 's/$/\r/' "$ws/rules/gitlab/use_case_health.rules" >"$ws/rules/gitlab/crlf.rules"
[ "$(grep -c 'git_ops_userz_l28d\|^group scm' "$ws/rules/gitlab/use_case_health.rules")" = 2 ] &&
    [ "$(grep -c '^# rubric: allow few-metrics' "$ws/rules/gitlab/use_case_health.rules")" = 1 ] ||
    echo "not ok - the planted typo and lint are in the copy" >>"$results"

# The documented set-up, as the page shows it.
awk '/^<!-- tests\/editors\/nvim_lsp.sh runs this block -->$/ { want = 1; next }
     want && /^```text$/ { inside = 1; next }
     inside && /^```$/ { inside = 0; want = 0; n++; next }
     inside { print }
     END { exit n != 2 }' docs/editors.md >"$dir/init.lua" ||
    echo "not ok - docs/editors.md has the two Neovim blocks this test runs" >>"$results"

# rubric on PATH, as the page asks; Neovim started elsewhere than the
# workspace, so that the root comes from .git.
ln -sf "$(cd "$(dirname "$rubric")" && pwd)/$(basename "$rubric")" "$dir/bin/rubric"
(cd "$dir" && PATH=$dir/bin:$PATH WS=$ws RESULTS=$results PIDFILE=$dir/pid \
    timeout 300 nvim --headless --clean --cmd "set rtp^=$here/editors/vim" --cmd "luafile $dir/init.lua" \
    -c "luafile $here/tests/editors/nvim_lsp.lua" </dev/null >"$dir/nvim.out" 2>&1)
status=$?
if [ $status -eq 0 ] && grep -qx ended "$results"; then
    echo "ok - nvim ran the script to its end and quit with status 0" >>"$results"
else
    echo "not ok - nvim ran the script to its end and quit (status $status; 124 is the time limit): $(head -c 600 "$dir/nvim.out")" >>"$results"
fi
grep -q ':qa: shutdown and exit' "$results" ||
    echo "not ok - :qa: Neovim saw the server end" >>"$results"

# No server left: nothing runs in this test's folders (the server, an
# explain child, an orphan of either), looked at as soon as Neovim is gone
# (an orphan may be reaped soon after); and the server's own process is
# gone, neither running nor a zombie (given a moment to be reaped).
left=""
for p in /proc/[0-9]*; do
    case $(readlink "$p/cwd" 2>/dev/null) in
    "$dir" | "$dir"/*) left="$left ${p#/proc/}($(cut -d' ' -f2 "$p/stat" 2>/dev/null))" ;;
    esac
done
pid=$(cat "$dir/pid" 2>/dev/null)
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -n "$pid" ] && [ -e "/proc/$pid" ] || break
    sleep 0.2
done
[ -n "$pid" ] && [ -e "/proc/$pid" ] && left="$left $pid$(cut -d' ' -f2-3 "/proc/$pid/stat" 2>/dev/null)"
if [ -n "$pid" ] && [ -z "$left" ]; then
    echo "ok - after :qa no rubric lsp process is left, running or zombie, nor any child" >>"$results"
else
    echo "not ok - after :qa no rubric lsp process is left (server pid ${pid:-unknown}; left:$left)" >>"$results"
fi
# An editor killed outright (no shutdown, no exit): the server's input
# ends, and so does the server.
(cd "$dir" && PATH=$dir/bin:$PATH exec nvim --headless --clean --cmd "set rtp^=$here/editors/vim" \
    --cmd "luafile $dir/init.lua" -c "lua vim.wait(30000, function() local c = vim.lsp.get_active_clients()[1] \
        if c and c.initialized then local f = io.open('$dir/pid2', 'w') f:write(c.rpc.pid .. '\\n') f:close() return true end \
        end, 20) vim.wait(60000)" -c 'qa!' "$ws/rules/gitlab/use_case_health.rules" </dev/null >"$dir/nvim2.out" 2>&1) &
editor=$!
for _ in $(seq 1 150); do
    [ -s "$dir/pid2" ] && break
    sleep 0.2
done
pid2=$(cat "$dir/pid2" 2>/dev/null)
killed=no
kill -9 $editor && killed=yes
wait $editor 2>/dev/null
for _ in $(seq 1 50); do
    [ -n "$pid2" ] && [ -e "/proc/$pid2" ] || break
    sleep 0.2
done
if [ -n "$pid2" ] && [ $killed = yes ] && ! [ -e "/proc/$pid2" ]; then
    echo "ok - Neovim killed with SIGKILL: the server ends as its input does" >>"$results"
else
    echo "not ok - Neovim killed with SIGKILL: the server ends as its input does (server ${pid2:-not started}, Neovim killed: $killed)" >>"$results"
    [ -n "$pid2" ] && kill "$pid2" 2>/dev/null
fi
finish
