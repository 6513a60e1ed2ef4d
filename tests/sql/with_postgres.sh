#!/bin/bash
# with_postgres.sh CMD... - runs CMD against a throw-away PostgreSQL server.
#
# The server (Debian's postgresql package) is initialised in a fresh temp
# folder, listens only on a Unix socket in that folder (no TCP port, so
# nothing clashes with another server on the machine), and is stopped and
# the folder removed by a trap whatever CMD does.  CMD finds it through
# PGHOST, PGPORT, PGUSER and PGDATABASE, so `psql` needs no options.
# PostgreSQL refuses to run as root: started as root, the server runs as
# the postgres user (or nobody), which owns the temp folder.
# Exit: CMD's status; 2 when the server cannot be started (said why).
set -u
if [ $# -eq 0 ]; then
    echo "usage: with_postgres.sh CMD..." >&2
    exit 2
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "with_postgres.sh: PostgreSQL's server is not installed (Debian: apt-get install postgresql)" >&2
    exit 2
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/rubric-pg.XXXXXX") || exit 2
chmod 755 "$dir"
as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
    as_user() { runuser -u "$user" -- "$@"; }
else
    user=$(id -un)
fi
cleanup() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_user "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Any number serves: the socket's name carries it, and the folder is ours.
port=$((20000 + $$ % 20000))
if ! as_user "$bindir/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
    echo "with_postgres.sh: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 2
fi
if ! as_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -p $port -c listen_addresses= -c fsync=off" start >/dev/null 2>&1; then
    echo "with_postgres.sh: the server did not start:" >&2
    cat "$dir/server.log" >&2
    exit 2
fi
export PGHOST="$dir" PGPORT="$port" PGUSER="$user" PGDATABASE=postgres
"$@"
