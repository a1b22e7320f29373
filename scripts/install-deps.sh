#!/bin/sh
# Install the Debian packages needed to build makedumpfile and run its
# tests.  Does nothing when everything is present, so `make demo` and
# `make check` can call it every time.  Usage: install-deps.sh [--e2e|--fuzz]
set -eu

BUILD_PKGS="build-essential pkg-config zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev libdw-dev libelf-dev"
# Independent readers and the reference implementation for the tests.
TEST_PKGS="python3 python3-libkdumpfile makedumpfile zstd"
E2E_PKGS="qemu-system-x86 busybox-static kexec-tools cpio ndctl crash e2fsprogs"
FUZZ_PKGS="clang libclang-rt-14-dev"

pkgs="$BUILD_PKGS $TEST_PKGS"
for arg in "$@"; do
	case "$arg" in
	--e2e) pkgs="$pkgs $E2E_PKGS" ;;
	--fuzz) pkgs="$pkgs $FUZZ_PKGS" ;;
	*) echo "usage: $0 [--e2e] [--fuzz]" >&2; exit 2 ;;
	esac
done

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
$SUDO apt-get update -q
# Recommends would pull kdump-tools and a kernel; only what is named is needed.
$SUDO apt-get install -y -q --no-install-recommends $missing
