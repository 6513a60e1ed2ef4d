#!/bin/sh
# Makes sure what the browser test of `rubric report` needs is present:
# Debian's Chromium, Node.js with npm, and python3 for the other test
# scripts.  On a fresh Debian machine as root it installs them with apt-get;
# otherwise it names exactly what to install.
set -u
missing=""
# Playwright drives this exact path: a browser it downloads itself cannot be
# fetched on a machine that reaches only the package registries.
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "rubric: installing test packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # An old package index makes installs fail on a fresh machine.
    apt-get update -qq >&2 && apt-get install -y -qq $missing >&2 && exit 0
    echo "rubric: apt-get could not install:$missing" >&2
    exit 1
fi
echo "rubric: missing test packages:$missing" >&2
echo "rubric: install them with:  sudo apt-get install$missing" >&2
exit 1
