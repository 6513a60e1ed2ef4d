#!/bin/sh
# make deb, then the package: its file list, owners, control fields (the
# Depends of every library the binary links, named by the package that
# ships it), the stripped binary, the gzipped manual page, lintian, and a
# second build giving the same bytes.  As root, apt-get installs it (so
# apt resolves its Depends), the installed rubric runs the shipped policy,
# man rubric renders and the completions are where bash and zsh look;
# apt-get remove takes it all away again, even when a check failed.
#   tests/install/deb.sh BUILD_DIR
set -u
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
cd "$here" || exit 1
mkdir -p "$build"
work=$(cd "$build" && pwd)/deb-test
rm -rf "$work"
mkdir -p "$work"
. "$here/tests/tap.sh"
finish() {
    echo "deb: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if ! make -s deb BUILD="$build" >"$work/make.log" 2>&1; then
    nok "make deb"
    cat "$work/make.log"
    finish
fi
ok "make deb"
arch=$(dpkg --print-architecture)
version=$(./rubric --version | cut -d' ' -f2)
deb=$build/rubric_${version}_${arch}.deb
check "make deb made $deb, and no other package" \
    test "$(ls "$build"/rubric_*.deb)" = "$deb"
[ -f "$deb" ] || finish

# The files, all root's, as Debian lays them out.
dpkg-deb -c "$deb" >"$work/contents"
awk '$1 !~ /^d/ { print $6 }' "$work/contents" | sort >"$work/files"
cat >"$work/files.expected" <<'EOF'
./usr/bin/rubric
./usr/share/bash-completion/completions/rubric
./usr/share/doc/rubric/changelog.gz
./usr/share/doc/rubric/copyright
./usr/share/man/man1/rubric.1.gz
./usr/share/zsh/vendor-completions/_rubric
EOF
check "the package's files" cmp -s "$work/files" "$work/files.expected"
cmp -s "$work/files" "$work/files.expected" || diff "$work/files.expected" "$work/files"
check "every entry belongs to root/root" test -z "$(awk '$2 != "root/root"' "$work/contents")"
check "the program is mode 755" grep -q '^-rwxr-xr-x .* \./usr/bin/rubric$' "$work/contents"

# The control fields.
field() { dpkg-deb -f "$deb" "$1"; }
check "Package: rubric" test "$(field Package)" = rubric
check "Version: $version, rubric --version's" test "$(field Version)" = "$version"
check "Architecture: $arch" test "$(field Architecture)" = "$arch"
check "Maintainer is set" test -n "$(field Maintainer)"
check "Description is set" test -n "$(field Description)"
depends=$(field Depends)
# libpq5: rubric loads libpq itself, when a run connects (tools/pq_needs.c).
for p in libc6 libcjson1 libsqlite3-0 libpq5; do
    check "Depends names $p with a minimum version" sh -c 'echo "$1" | grep -q "\(^\|, \)$2 (>= [0-9]"' sh "$depends" "$p"
done
# Each library the binary needs, found as the loader finds it, belongs to
# a package Depends names: a library linked later is picked up by itself.
dpkg-deb -x "$deb" "$work/root"
pbin=$work/root/usr/bin/rubric
missing=
for lib in $(readelf -d "$pbin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
    path=$(ldd "$pbin" | awk -v l="$lib" '$1 == l { print $3 }')
    pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null)
    pkg=${pkg%%:*}
    case ", $depends" in
        *", $pkg "* | *", $pkg,"*) ;;
        *) missing="$missing $lib(${pkg:-no package})" ;;
    esac
done
check "Depends names the package of every library the binary needs${missing:+ (missing:$missing)}" test -z "$missing"
size=$(field Installed-Size)
# dpkg counts a KiB for each directory and rounds each file up.
set -- $(find "$work/root/usr" -printf '%y %s\n' | awk '$1 == "f" { b += $2 } { n++ } END { print int((b + 1023) / 1024), n }')
check "Installed-Size ($size) is the files' size in KiB ($1), give or take one an entry ($2)" \
    test "$size" -ge "$1" -a "$size" -le $(($1 + $2))

# The binary, stripped, runs; the page is gzipped as Debian wants.
check "the packaged binary runs" test "$("$pbin" --version)" = "rubric $version"
check "the packaged binary is stripped" sh -c '! readelf -S "$1" | grep -q "\.debug_\|\.symtab"' sh "$pbin"
page=$work/root/usr/share/man/man1/rubric.1.gz
check "the manual page is gzip -9n (no name, no time)" \
    test "$(od -An -tx1 -N8 "$page" | tr -d ' \n')" = 1f8b080000000000
MANWIDTH=80 man --warnings -l "$page" >"$work/page" 2>"$work/page.err"
check "man -l renders the packaged page without a warning" \
    sh -c 'grep -q "^RUBRIC(1)" "$1" && test ! -s "$2"' sh "$work/page" "$work/page.err"
check "the completions are those of the tree" sh -c \
    'cmp -s completions/rubric.bash "$1/usr/share/bash-completion/completions/rubric" && cmp -s completions/_rubric "$1/usr/share/zsh/vendor-completions/_rubric"' sh "$work/root"

# Debian's own checker: no error and no warning (its informational notes
# about hardening flags the build does not use are not failures).
if command -v lintian >/dev/null 2>&1; then
    lintian --fail-on error,warning "$deb" >"$work/lintian" 2>"$work/lintian.err"
    check "lintian: no error, no warning" test $? -eq 0
    cat "$work/lintian"
else
    nok "lintian is not installed (tools/ensure-test-deps.sh installs it)"
fi

# The same tree, packaged again, gives the same bytes.
cp "$deb" "$work/first.deb"
make -s deb BUILD="$build" >"$work/make.log" 2>&1
check "a second make deb gives the same file" cmp -s "$deb" "$work/first.deb"

# Installed for real, as root.
if [ "$(id -u)" != 0 ]; then
    echo "deb: apt-get install was not tried: it needs root (id -u is $(id -u)); CI runs as root"
    finish
fi
status=$(dpkg-query -W -f='${Status}' rubric 2>/dev/null)
case $status in
    "" | *not-installed) ;;
    *)
        nok "a rubric package is already installed ($status): not replacing it; remove it first (apt-get remove rubric)"
        finish
        ;;
esac
if [ -e /usr/bin/rubric ]; then
    nok "/usr/bin/rubric exists outside any package: not overwriting it"
    finish
fi
apt_get() { apt-get -q -y -o DPkg::Lock::Timeout=300 "$@"; }
installed=no
remove() {
    [ "$installed" = yes ] || return 0
    installed=no
    DEBIAN_FRONTEND=noninteractive apt_get remove rubric >"$work/remove.log" 2>&1
}
trap 'remove' EXIT
trap 'remove; exit 1' INT TERM
export DEBIAN_FRONTEND=noninteractive
installed=yes
# apt-get takes a path as a package only from ./ or /.  An old package
# index can make resolving the Depends fail: once more after an update.
abs_deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
if apt_get install "$abs_deb" >"$work/install.log" 2>&1 ||
    { apt-get update -qq >>"$work/install.log" 2>&1 && apt_get install "$abs_deb" >>"$work/install.log" 2>&1; }; then
    ok "apt-get install $abs_deb"
else
    nok "apt-get install $abs_deb"
    cat "$work/install.log"
fi
check "dpkg has rubric $version installed" \
    test "$(dpkg-query -W -f='${Status} ${Version}' rubric 2>/dev/null)" = "install ok installed $version"
check "/usr/bin/rubric --version" test "$(/usr/bin/rubric --version 2>&1)" = "rubric $version"
./rubric run rules/gitlab/use_case_health.rules rules/gitlab/accounts.csv --as-of 2026-11-01 >"$work/run.tree" 2>&1
/usr/bin/rubric run rules/gitlab/use_case_health.rules rules/gitlab/accounts.csv --as-of 2026-11-01 >"$work/run.installed" 2>&1
check "the installed rubric scores the shipped policy" test $? -eq 0
check "... exactly as ./rubric does" cmp -s "$work/run.installed" "$work/run.tree"
check "man rubric finds the installed page" test "$(man -w rubric 2>/dev/null)" = /usr/share/man/man1/rubric.1.gz
check "man rubric renders it" sh -c 'MANWIDTH=80 man rubric 2>/dev/null | grep -q "^RUBRIC(1)"'
check "the bash completion is installed" test -s /usr/share/bash-completion/completions/rubric
check "... and completes with the installed rubric" test "$(bash -c '
    . /usr/share/bash-completion/completions/rubric
    COMP_WORDS=(rubric ru); COMP_CWORD=1; _rubric; echo "${COMPREPLY[*]}"')" = run
check "the zsh completion is installed" test -s /usr/share/zsh/vendor-completions/_rubric
if command -v zsh >/dev/null 2>&1; then
    check "... in a folder of zsh's own fpath" sh -c 'zsh -fc "print -l \$fpath" | grep -qx /usr/share/zsh/vendor-completions'
fi

remove
if dpkg-query -W -f='${Status}' rubric 2>/dev/null | grep -q ' installed$'; then
    nok "apt-get remove rubric"
    cat "$work/remove.log"
else
    ok "apt-get remove rubric"
fi
for f in /usr/bin/rubric /usr/share/man/man1/rubric.1.gz /usr/share/bash-completion/completions/rubric \
    /usr/share/zsh/vendor-completions/_rubric /usr/share/doc/rubric; do
    check "$f is gone" test ! -e "$f"
done
finish
