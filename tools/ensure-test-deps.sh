#!/bin/sh
# Makes sure what the browser test of `rubric report` needs is present:
# Debian's Chromium, Node.js with npm (also for the VS Code extension's
# tests and make vsix), python3 for the other test scripts,
# the sqlite3 tool for the score history's and rubric sql's, PostgreSQL for
# rubric sql's, man-db and zsh for the install
# test's, lintian for the package's, Python's YAML module for the
# pre-commit hooks' and the docs' YAML, xmllint for the JUnit XSD, Vim
# for the editor files', and Neovim for the language server under a real
# editor's client.  On a fresh Debian machine as root it installs them with
# apt-get; otherwise it names exactly what to install.
set -u
missing=""
# Playwright drives this exact path: a browser it downloads itself cannot be
# fetched on a machine that reaches only the package registries.
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
# The score history's tests read the file back as any SQLite client would.
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
# rubric sql's test runs its queries on a throw-away PostgreSQL server
# (initdb, pg_ctl) through psql.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v psql >/dev/null 2>&1 || missing="$missing postgresql"
# The install test renders the manual page with man -l and loads the zsh
# completion.
command -v man >/dev/null 2>&1 || missing="$missing man-db"
command -v zsh >/dev/null 2>&1 || missing="$missing zsh"
# The package test checks the .deb with Debian's lintian.
command -v lintian >/dev/null 2>&1 || missing="$missing lintian"
# The pre-commit hooks' test reads YAML; the Vim files' test runs Vim with
# its runtime files (vim-tiny has none).
python3 -c 'import yaml' >/dev/null 2>&1 || missing="$missing python3-yaml"
# The CI outputs' schema test validates JUnit XML against an XSD.
command -v xmllint >/dev/null 2>&1 || missing="$missing libxml2-utils"
[ -d /usr/share/vim ] && command -v vim >/dev/null 2>&1 && vim --version 2>/dev/null | grep -q '+syntax' || missing="$missing vim"
# The language server's test in an editor runs Neovim's own LSP client.
command -v nvim >/dev/null 2>&1 || missing="$missing neovim"
exec sh "$(dirname "$0")/apt-install.sh" test $missing
