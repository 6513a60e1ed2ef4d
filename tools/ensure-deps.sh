#!/bin/sh
# Makes sure the build tools rubric needs are present: on a fresh Debian
# machine as root it installs them with apt-get; otherwise it names exactly
# what to install.  Called by make before the first compile.
set -u
missing=""
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v flex >/dev/null 2>&1 || missing="$missing flex"
command -v bison >/dev/null 2>&1 || missing="$missing bison"
[ -f /usr/include/cjson/cJSON.h ] || missing="$missing libcjson-dev"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "rubric: installing build packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # An old package index makes installs fail on a fresh machine.
    apt-get update -qq >&2 && apt-get install -y -qq $missing >&2 && exit 0
    echo "rubric: apt-get could not install:$missing" >&2
    exit 1
fi
echo "rubric: missing build packages:$missing" >&2
echo "rubric: install them with:  sudo apt-get install$missing" >&2
exit 1
