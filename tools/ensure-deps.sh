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
[ -f /usr/include/sqlite3.h ] || missing="$missing libsqlite3-dev"
# libpq: run POLICY postgresql://... (the Makefile asks pg_config where).
[ -f /usr/include/postgresql/libpq-fe.h ] || [ -f "$(pg_config --includedir 2>/dev/null)/libpq-fe.h" ] ||
    missing="$missing libpq-dev"
exec sh "$(dirname "$0")/apt-install.sh" build $missing
