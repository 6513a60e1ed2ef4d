#!/bin/sh
# apt-install.sh KIND PACKAGE...: installs the Debian packages named, with
# apt-get as root; otherwise names exactly what to install and fails.  The
# one place both tools/ensure-deps.sh (KIND build) and
# tools/ensure-test-deps.sh (KIND test) install from.
set -u
kind=$1
shift
[ $# -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "rubric: installing $kind packages: $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    # An old package index makes installs fail on a fresh machine.
    apt-get update -qq >&2 && apt-get install -y -qq "$@" >&2 && exit 0
    echo "rubric: apt-get could not install: $*" >&2
    exit 1
fi
echo "rubric: missing $kind packages: $*" >&2
echo "rubric: install them with:  sudo apt-get install $*" >&2
exit 1
