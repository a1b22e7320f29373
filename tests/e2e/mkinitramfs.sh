#!/bin/bash
# Build the e2e initramfs for one kernel.
#   mkinitramfs.sh KVER MODROOT MAKEDUMPFILE OUT.gz
# Contents: busybox-static (/bin), kexec (kexec-tools), ndctl, mke2fs
# (e2fsprogs), our makedumpfile, Debian's as makedumpfile-debian, the
# static memstate helper, the shared
# libraries they need (found with ldd), the virtio/9p/ext4/nvdimm modules of
# KVER with their dependencies (modules.py), and tests/e2e/init as /init.
set -euo pipefail
KVER=$1 MODROOT=$2 MDF=$3 OUT=$4
HERE=$(cd "$(dirname "$0")" && pwd)

stage=$(mktemp -d "${OUT%/*}/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,dev,proc,sys,tmp,host,mnt,lib/modules/e2e}
# Device nodes need root; without them /init opens the console from devtmpfs.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null &&
	mknod -m 666 "$stage/dev/null" c 1 3 ||
	echo "mkinitramfs: not root: no device nodes in the image (/init uses devtmpfs)" >&2

install -m 755 /bin/busybox "$stage/bin/busybox"
file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' ||
	{ echo "mkinitramfs: /bin/busybox is not static (install busybox-static)" >&2; exit 1; }
install -m 755 "$HERE/init" "$stage/init"

add_bin() { # SRC NAME: /usr/sbin/NAME, with its libraries
	[ -x "$1" ] || { echo "mkinitramfs: missing binary $1" >&2; exit 1; }
	install -m 755 "$1" "$stage/usr/sbin/$2"
	# Libraries, at the path the dynamic loader looks for them.
	ldd "$1" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}' | while read -r lib; do
		mkdir -p "$stage$(dirname "$lib")"
		[ -e "$stage$lib" ] || cp -L "$lib" "$stage$lib"
	done
}
for b in "$(command -v kexec)" "$(command -v ndctl)" "$(command -v mke2fs)" "$MDF"; do
	add_bin "$b" "${b##*/}"
done
# Debian's makedumpfile, for side-by-side runs on the live system.
[ -x /usr/bin/makedumpfile ] && add_bin /usr/bin/makedumpfile makedumpfile-debian
ln -s mke2fs "$stage/usr/sbin/mkfs.ext4"
[ -e /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$stage/etc/"
cc -static -O2 -Wall -o "$stage/usr/sbin/memstate" "$HERE/memstate.c"

/usr/bin/python3 "$HERE/modules.py" "$MODROOT" "$KVER" "$stage/lib/modules/e2e" \
	base=virtio_pci,virtio_blk,9pnet_virtio,9p,crc32c_generic,ext4 \
	pmem=nd_e820,nd_pmem,dax_pmem

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs: $OUT ($(du -h "$OUT" | cut -f1))"
