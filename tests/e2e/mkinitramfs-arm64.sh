#!/bin/bash
# Build the arm64 e2e initramfs for one kernel.
#   mkinitramfs-arm64.sh KVER MODROOT MAKEDUMPFILE PKGROOT OUT.gz
# Contents: busybox-static and kexec (kexec-tools) of arm64, unpacked in
# PKGROOT by arm64.sh; our arm64 makedumpfile (make cross-arm64); the static
# memstate helper cross-compiled; their shared libraries, resolved from the
# binaries' DT_NEEDED in PKGROOT and the multiarch arm64 library directories;
# the virtio/9p/ext4 modules of KVER (modules.py); tests/e2e/init as /init.
# The ext4 scratch disk is formatted on the host (no mke2fs in here).
set -euo pipefail
KVER=$1 MODROOT=$2 MDF=$3 PKGROOT=$4 OUT=$5
HERE=$(cd "$(dirname "$0")" && pwd)
CROSS=${ARM64_CROSS:-aarch64-linux-gnu-}
LIBDIRS="$PKGROOT/lib/aarch64-linux-gnu $PKGROOT/usr/lib/aarch64-linux-gnu
	/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib"

stage=$(mktemp -d "${OUT%/*}/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib/aarch64-linux-gnu,etc,dev,proc,sys,tmp,host,mnt,lib/modules/e2e}
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null &&
	mknod -m 666 "$stage/dev/null" c 1 3 ||
	echo "mkinitramfs-arm64: not root: no device nodes in the image (/init uses devtmpfs)" >&2

is_arm64() { "${CROSS}readelf" -h "$1" 2>/dev/null | grep -q 'Machine:.*AArch64'; }

add_lib() { # NAME: into /lib/aarch64-linux-gnu, with what it needs
	local name=$1 d
	[ -e "$stage/lib/aarch64-linux-gnu/$name" ] && return 0
	for d in $LIBDIRS; do
		if [ -e "$d/$name" ] && is_arm64 "$d/$name"; then
			cp -L "$d/$name" "$stage/lib/aarch64-linux-gnu/$name"
			add_needed "$d/$name"
			return 0
		fi
	done
	echo "mkinitramfs-arm64: no arm64 $name in $LIBDIRS" >&2
	exit 1
}
add_needed() { # ELF: its DT_NEEDED libraries
	local lib
	for lib in $("${CROSS}readelf" -d "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		add_lib "$lib"
	done
}
add_bin() { # SRC NAME: /usr/sbin/NAME, with its libraries
	[ -x "$1" ] || { echo "mkinitramfs-arm64: missing binary $1" >&2; exit 1; }
	is_arm64 "$1" || { echo "mkinitramfs-arm64: $1 is not an arm64 binary" >&2; exit 1; }
	install -m 755 "$1" "$stage/usr/sbin/$2"
	add_needed "$1"
}

install -m 755 "$PKGROOT/bin/busybox" "$stage/bin/busybox"
is_arm64 "$stage/bin/busybox" && ! "${CROSS}readelf" -d "$stage/bin/busybox" 2>/dev/null | grep -q NEEDED ||
	{ echo "mkinitramfs-arm64: $PKGROOT/bin/busybox is not a static arm64 busybox" >&2; exit 1; }
install -m 755 "$HERE/init" "$stage/init"
add_bin "$PKGROOT/sbin/kexec" kexec
add_bin "$MDF" makedumpfile
# PT_INTERP of every dynamic binary above.
ln -s aarch64-linux-gnu/ld-linux-aarch64.so.1 "$stage/lib/ld-linux-aarch64.so.1"
[ -e "$stage/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1" ] || add_lib ld-linux-aarch64.so.1
"${CROSS}gcc" -static -O2 -Wall -o "$stage/usr/sbin/memstate" "$HERE/memstate.c"

/usr/bin/python3 "$HERE/modules.py" "$MODROOT" "$KVER" "$stage/lib/modules/e2e" \
	base=virtio_pci,virtio_blk,9pnet_virtio,9p,crc32c_generic,ext4

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs-arm64: $OUT ($(du -h "$OUT" | cut -f1))"
