#!/bin/sh
# Install the Debian packages needed to build makedumpfile and run its
# tests.  Does nothing when everything is present, so `make demo` and
# `make check` can call it every time.
# Usage: install-deps.sh [--e2e] [--fuzz] [--cross] [--deb]
#   --cross  the arm64 cross build (make cross-arm64) and qemu-user to run it;
#            adds dpkg's arm64 architecture for the arm64 -dev packages
#   --e2e    the end-to-end test (implies --cross: arm64 guests run the
#            arm64 build)
#   --deb    the Debian package build (make deb)
set -eu

BUILD_PKGS="build-essential pkg-config zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev libdw-dev libelf-dev libdeflate-dev"
# Independent readers and the reference implementation for the tests.
# kexec-tools: vmcore-dmesg, an independent reader of the kernel log.
TEST_PKGS="python3 python3-libkdumpfile makedumpfile zstd kexec-tools"
E2E_PKGS="qemu-system-x86 busybox-static kexec-tools cpio ndctl crash e2fsprogs mmdebstrap"
FUZZ_PKGS="clang libclang-rt-14-dev"
# Multiarch: the arm64 -dev packages install beside the amd64 ones.
CROSS_PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user zlib1g-dev:arm64 liblzo2-dev:arm64
 libsnappy-dev:arm64 libzstd-dev:arm64 libdw-dev:arm64 libelf-dev:arm64
 libdeflate-dev:arm64"
# arm64 guests: QEMU, its virtio ROMs, and the arm64 libraries that
# kexec-tools:arm64 (unpacked into the e2e cache, not installed) needs.
E2E_ARM64_PKGS="qemu-system-arm ipxe-qemu libxenmisc4.17:arm64 liblzma5:arm64"
# `make deb` (debian/); mmdebstrap and e2fsprogs build the kdump-tools
# guest of `make check-e2e`.
DEB_PKGS="dpkg-dev debhelper fakeroot lintian"

pkgs="$BUILD_PKGS $TEST_PKGS"
cross=0
for arg in "$@"; do
	case "$arg" in
	--e2e) pkgs="$pkgs $E2E_PKGS $E2E_ARM64_PKGS $DEB_PKGS"; cross=1 ;;
	--fuzz) pkgs="$pkgs $FUZZ_PKGS" ;;
	--cross) cross=1 ;;
	--deb) pkgs="$pkgs $DEB_PKGS" ;;
	*) echo "usage: $0 [--e2e] [--fuzz] [--cross] [--deb]" >&2; exit 2 ;;
	esac
done
if [ "$cross" = 1 ]; then pkgs="$pkgs $CROSS_PKGS"; fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "Installing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "error: need root (or sudo) to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ "$cross" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -q
# Recommends would pull kdump-tools and a kernel; only what is named is needed.
$SUDO apt-get install -y -q --no-install-recommends $missing
