#!/bin/sh
# Build the Debian package (debian/) with dpkg-buildpackage in a fresh copy
# of the tree, so that no object of an unhardened `make` is reused and the
# source tree stays as it is.  Usage: build-deb.sh OUTDIR
# Leaves OUTDIR/makedumpfile_<version>_<arch>.deb (+ .buildinfo, .changes)
# and OUTDIR/lintian.txt; prints the .deb's path last.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-deb.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
case "$out/" in "$top"/*) echo "error: $out is inside the source tree" >&2; exit 1 ;; esac

src=$out/src
rm -rf "$src"
mkdir -p "$src"
# The tree as it is (uncommitted edits included), without build products.
tar -C "$top" --exclude=./.git --exclude=./build --exclude=./makedumpfile \
	--exclude=./debian/makedumpfile --exclude=./debian/.debhelper \
	--exclude=./debian/files --exclude='./debian/*.substvars' \
	--exclude='./debian/*.log' --exclude=./debian/debhelper-build-stamp \
	-cf - . | tar -C "$src" -xf -
rm -f "$out"/makedumpfile_*.deb "$out"/makedumpfile_*.buildinfo \
	"$out"/makedumpfile_*.changes "$out"/makedumpfile-dbgsym_*.deb
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 || {
	tail -40 "$out/build.log" >&2
	echo "error: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
deb=$(ls "$out"/makedumpfile_*.deb)
if command -v lintian >/dev/null 2>&1; then
	# Exit status 0 = no error or warning beyond the overrides.
	if lintian --fail-on error,warning --info "$out"/makedumpfile_*.changes \
		> "$out/lintian.txt" 2>&1; then
		echo "lintian: clean ($(grep -c . "$out/lintian.txt") lines, $out/lintian.txt)"
	else
		cat "$out/lintian.txt" >&2
		echo "error: lintian found problems" >&2
		exit 1
	fi
fi
rm -rf "$src"
echo "$deb"
