#!/bin/bash
# fetch-vmlinux.sh KVER [ARCH]: put the vmlinux of Debian kernel KVER (e.g.
# 6.12.117+deb12-amd64; ARCH amd64 or arm64) into the e2e cache the way
# tests/e2e/run.sh does (apt-get download linux-image-KVER-dbg, extract only
# usr/lib/debug/boot/vmlinux-KVER), in its own folder: the e2e drops the
# vmlinux of kernels it no longer boots from dbg/ itself.  Prints the path:
#   $MDF_E2E_CACHE/dbg/fixtures/ARCH/vmlinux-KVER
# ('+' becomes '_': crash mangles paths holding '+').
set -euo pipefail
kver=$1 arch=${2:-amd64}
CACHE=${MDF_E2E_CACHE:-$HOME/.cache/mdf-e2e}
dir=$CACHE/dbg/fixtures/$arch
pkg=linux-image-$kver-dbg
if [ "$arch" != amd64 ]; then pkg=$pkg:$arch; fi
out=$dir/vmlinux-${kver//+/_}
if [ -f "$out" ]; then echo "$out"; exit 0; fi
mkdir -p "$dir" "$CACHE/debs"
work=$(mktemp -d "$CACHE/dbg/x.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
	echo "cannot download $pkg" >&2; exit 1; }
deb=$(ls "$work"/*.deb | head -1)
# vmlinux is near the start of the archive: stop reading after it.
dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
	tar -x -C "$work" --occurrence=1 "./usr/lib/debug/boot/vmlinux-$kver" || true
mv "$work/usr/lib/debug/boot/vmlinux-$kver" "$out.part"
mv "$out.part" "$out"
echo "$out"
