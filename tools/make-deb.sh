#!/bin/sh
# make-deb.sh STAGE BUILD [LOADED...]: makes BUILD/rubric_VERSION_ARCH.deb
# of STAGE, a `make install DESTDIR=STAGE PREFIX=/usr` (`make deb` runs
# both).  What `make install` put there is the package's file list; this
# adds what a Debian package has besides: the binary stripped, the manual
# page gzipped, /usr/share/doc/rubric, and DEBIAN/control with the Depends
# of the libraries the binary really links (dpkg-shlibdeps), so a new
# library needs no edit here.  A library the binary loads itself (dlopen)
# is in no link dpkg-shlibdeps can see: each LOADED is a program linked
# with the functions loaded, whose libraries are depended on too.  Every
# mtime is the last commit's (SOURCE_DATE_EPOCH), so building the same
# tree twice gives the same file.
set -eu
LC_ALL=C
export LC_ALL
stage=$1 build=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "make-deb: $*" >&2; exit 1; }

# dpkg-shlibdeps is in dpkg-dev, strip in binutils: a Debian machine
# with only gcc may lack either.
need=
command -v dpkg-shlibdeps >/dev/null 2>&1 || need="$need dpkg-dev"
command -v strip >/dev/null 2>&1 || need="$need binutils"
sh "$here/tools/apt-install.sh" packaging $need

bin=$stage/usr/bin/rubric
[ -x "$bin" ] || fail "$bin: not installed (run by \`make deb\`)"
version=$("$bin" --version | sed -n 's/^rubric \([0-9][0-9A-Za-z.+~]*\)$/\1/p')
[ -n "$version" ] || fail "$bin --version: no version in \"$("$bin" --version)\""
arch=$(dpkg --print-architecture)
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$here" log -1 --format=%ct 2>/dev/null) ||
        fail "not a git checkout: set SOURCE_DATE_EPOCH to the release's time (seconds since 1970)"
fi
export SOURCE_DATE_EPOCH
# The package's maintainer is whoever made the last commit, unless named.
maintainer=${MAINTAINER:-$(git -C "$here" log -1 --format='%an <%ae>' 2>/dev/null)} ||
    fail "not a git checkout: set MAINTAINER='Name <address>'"

# The build keeps -g for debugging in the tree; an installed program needs
# none of it (three quarters of its size).  dh_strip's options for a
# program.
strip --remove-section=.comment --remove-section=.note "$bin"
# Debian keeps manual pages gzipped, without a name or a time in the
# header (-n), so the bytes depend only on the page.
gzip -9nf "$stage/usr/share/man/man1/rubric.1"

doc=$stage/usr/share/doc/rubric
install -d "$doc"
install -m 644 "$here/tools/deb-copyright" "$doc/copyright"
# A native package's changelog (the project's history is its git log).
date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
commit=$(git -C "$here" log -1 --format=%h 2>/dev/null || echo unknown)
printf 'rubric (%s) unstable; urgency=medium\n\n  * rubric %s, built from commit %s.\n\n -- %s  %s\n' \
    "$version" "$version" "$commit" "$maintainer" "$date" | gzip -9n >"$doc/changelog.gz"

# The libraries the binary links, as package names with their minimum
# versions, from the symbols and shlibs files of the packages that ship
# them.  dpkg-shlibdeps wants a debian/control, a minimal one aside, and
# finds the package's root by its DEBIAN folder.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian" "$stage/DEBIAN"
printf 'Source: rubric\n\nPackage: rubric\nArchitecture: any\n' >"$work/debian/control"
abs_bin=$(cd "$stage" && pwd)/usr/bin/rubric
# The LOADED programs are copied under a DEBIAN folder of their own, as
# dpkg-shlibdeps wants every program it reads inside a package's root.
mkdir "$work/loaded" "$work/loaded/DEBIAN"
for exe; do
    shift
    [ -x "$exe" ] || fail "$exe: no such program"
    cp "$exe" "$work/loaded/"
    set -- "$@" -e"$work/loaded/$(basename "$exe")"
done
set -- -e"$abs_bin" "$@"
depends=$(cd "$work" && dpkg-shlibdeps -O "$@" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || fail "dpkg-shlibdeps found no library for $bin"

# Modes as Debian wants them whatever the umask, then the fixed times.
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -exec chmod 644 {} +
chmod 755 "$bin"
(cd "$stage" && find usr -type f | sort | xargs md5sum) >"$work/md5sums"
# Installed-Size as dpkg-gencontrol counts it: KiB per file rounded up,
# one per directory or link.
size=$(find "$stage/usr" -printf '%y %s\n' | awk '$1 == "f" { n += int(($2 + 1023) / 1024); next } { n += 1 } END { print n }')

mv "$work/md5sums" "$stage/DEBIAN/md5sums"
cat >"$stage/DEBIAN/control" <<EOF
Package: rubric
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Description: rules language for customer health scoring
 Analysts write the metrics, ratios, red/yellow/green thresholds, weights
 and roll-ups of a customer health scorecard as plain-text .rules files
 that are readable, diffable, testable and versioned in git.  rubric
 checks, lints, formats and tests a policy, and scores an account export
 (CSV, JSON or NDJSON) with it.
EOF
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

out=$build/rubric_${version}_${arch}.deb
# One package in build/, so `apt install ./build/rubric_*.deb` names one.
rm -f "$build"/rubric_*.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out.tmp" >/dev/null
mv "$out.tmp" "$out"
echo "$out"
