# kdump-tools scenario of the e2e test (sourced by run.sh; see README.md,
# "kdump-tools scenario").  A Debian 12 guest built with mmdebstrap, with
# linux-image-amd64, systemd, kdump-tools and our .deb (make deb) installed,
# boots under QEMU with crashkernel=; kdump-tools' own units load the capture
# kernel and, after the crash, save the dump; the host then checks
# /var/crash from the guest's disk (verify_kdump_tools.py).
#
# Needs root (chroot/dpkg into the image tree, mke2fs -d keeps ownership)
# and Debian's archive for the first build of the rootfs; skips otherwise.

KT_DIR=$HERE/kdump_tools
# The package set of the cached rootfs; our .deb is installed per run, the
# libraries it depends on are in the rootfs (libdw1: for Debian's binary).
KT_PKGS="systemd-sysv udev kmod initramfs-tools linux-image-amd64 kdump-tools libdw1"

kt_deb_depends() { # DEB -> package names of its Depends
	dpkg-deb -f "$1" Depends | tr ',' '\n' | sed 's/[|(].*//; s/ //g' | grep . | sort -u | tr '\n' ' '
}

kt_skip() { echo "SKIP $1: $2" | tee -a "$SUMMARY"; }

kt_sources() { # mirror argument of mmdebstrap: the host's Debian sources
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		echo /etc/apt/sources.list.d/debian.sources
	else
		echo "deb http://deb.debian.org/debian bookworm main"
	fi
}

kt_rootfs_key() { # KVER EXTRA_PKGS: everything that goes into the rootfs
	local src
	src=$(kt_sources)
	{ echo $KT_PKGS $2 "linux-image-$1"; cat "$KT_DIR/initramfs-hook"; declare -f kt_rootfs;
		[ -f "$src" ] && cat "$src" || echo "$src"; mmdebstrap --version; } |
		sha256sum | cut -c1-16
}

# Cached rootfs tarball for KVER, keyed by everything that goes into it.
kt_rootfs() { # KVER EXTRA_PKGS -> path on stdout, or non-zero
	local kver=$1 extra=$2 tar src
	src=$(kt_sources)
	tar=$CACHE/kdump-tools/rootfs-$kver-$(kt_rootfs_key "$kver" "$extra").tar
	if [ ! -f "$tar" ]; then
		rm -f "$CACHE"/kdump-tools/rootfs-*.tar
		log "kdump-tools: building the Debian 12 rootfs with mmdebstrap (once per package set)" >&2
		local pkgs
		pkgs=$(echo $KT_PKGS $extra "linux-image-$kver" | tr ' ' ,)
		# MODULES=list plus our hook (see initramfs-hook) before the kernel's
		# postinst builds the first initramfs; then kdump-tools' own kernel
		# hook builds its initrd, as a kernel upgrade would, and the sysctl
		# file is recorded as kdump-config load records it after a build
		# (else the first load rebuilds the same initrd: minutes under TCG).
		nice -n 10 mmdebstrap --variant=apt --format=tar --include="$pkgs" \
			--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks" &&
				echo MODULES=list > "$1/etc/initramfs-tools/conf.d/e2e-modules"' \
			--essential-hook="copy-in $KT_DIR/initramfs-hook /etc/initramfs-tools/hooks" \
			--customize-hook="chroot \"\$1\" /etc/kernel/postinst.d/kdump-tools $kver" \
			--customize-hook="test -f \"\$1/var/lib/kdump/initrd.img-$kver\"" \
			--customize-hook="cp \"\$1/etc/kdump/sysctl.conf\" \"\$1/var/lib/kdump/latest_sysctls-$kver\"" \
			bookworm "$tar.tmp" "$src" > "$CACHE/kdump-tools/mmdebstrap.log" 2>&1 || {
			tail -20 "$CACHE/kdump-tools/mmdebstrap.log" >&2
			rm -f "$tar.tmp"
			return 1
		}
		mv "$tar.tmp" "$tar"
	fi
	echo "$tar"
}

# Debian's makedumpfile 1.7.2, unpacked (for the failure comparison).
kt_debian_mdf() {
	local dir=$CACHE/kdump-tools/debian-makedumpfile deb
	[ -x "$dir/usr/bin/makedumpfile" ] && return 0
	rm -rf "$dir" "$CACHE/kdump-tools/dl" && mkdir -p "$CACHE/kdump-tools/dl"
	(cd "$CACHE/kdump-tools/dl" && apt-get download -q -o APT::Sandbox::User=root makedumpfile) ||
		return 1
	deb=$(ls "$CACHE/kdump-tools/dl"/makedumpfile_*.deb | head -1)
	dpkg-deb -x "$deb" "$dir" && rm -rf "$CACHE/kdump-tools/dl"
}

# Root disk image: the cached rootfs + our .deb + the test hooks.
kt_image() { # TAR DEB DIR KVER
	local tar=$1 deb=$2 dir=$3 kver=$4 root=$3/root
	rm -rf "$root" && mkdir -p "$root"
	tar -C "$root" -xf "$tar" || return 1
	cp "$deb" "$root/tmp/" || return 1
	chroot "$root" dpkg -i "/tmp/$(basename "$deb")" > "$dir/dpkg-i.log" 2>&1 || {
		cat "$dir/dpkg-i.log" >&2
		return 1
	}
	rm -f "$root/tmp/$(basename "$deb")"
	chroot "$root" dpkg-query -W -f='${Package} ${Version} ${Status}\n' \
		makedumpfile kdump-tools "linux-image-$kver" > "$dir/packages.txt" 2>&1
	mkdir -p "$root/opt"
	cp -a "$CACHE/kdump-tools/debian-makedumpfile" "$root/opt/debian-makedumpfile"
	install -m 0755 "$KT_DIR/e2e-crash" "$KT_DIR/e2e-capture" "$root/usr/local/sbin/"
	install -m 0644 "$KT_DIR/e2e-crash.service" "$root/etc/systemd/system/"
	mkdir -p "$root/etc/systemd/system/multi-user.target.wants" \
		"$root/etc/systemd/system/kdump-tools-dump.service.d"
	ln -sf /etc/systemd/system/e2e-crash.service \
		"$root/etc/systemd/system/multi-user.target.wants/e2e-crash.service"
	install -m 0644 "$KT_DIR/kdump-tools-dump-e2e.conf" \
		"$root/etc/systemd/system/kdump-tools-dump.service.d/e2e.conf"
	echo "/dev/vda / ext4 rw 0 1" > "$root/etc/fstab"
	echo kdump-e2e > "$root/etc/hostname"
	cp "$root/boot/vmlinuz-$kver" "$dir/vmlinuz" && cp "$root/boot/initrd.img-$kver" "$dir/initrd.img" ||
		return 1
	rm -f "$dir/root.img"
	mke2fs -q -t ext4 -L root -d "$root" "$dir/root.img" 3G > "$dir/mke2fs.log" 2>&1 || return 1
	rm -rf "$root"
}

kdump_tools_scenario() { # NAME SERIES
	local name=$1 series=$2 kver=${KVER[$2]} dir=$WORK/$1 t tar deb
	rm -rf "$dir" && mkdir -p "$dir"
	if [ "$(id -u)" -ne 0 ]; then
		kt_skip "$name" "needs root (chroot and dpkg into the guest's image tree)"
		return 1
	fi
	command -v mmdebstrap >/dev/null || {
		kt_skip "$name" "mmdebstrap not installed (scripts/install-deps.sh --e2e)"
		return 1
	}
	mkdir -p "$CACHE/kdump-tools"
	# Unpacked tree, root image, raw vmcore copy, dumps (QEMU's disks are
	# written with werror=report: a full disk fails the guest, not pauses it).
	local avail
	avail=$(df -Pk "$dir" | awk 'NR == 2 { print int($4 / 1024) }')
	if [ "${avail:-0}" -lt 3000 ]; then
		echo "FAIL $name/disk: ${avail} MiB free in $dir, the scenario needs 3000" | tee -a "$SUMMARY"
		return 1
	fi
	t=$(now)
	deb=$(DEB_BUILD_OPTIONS=nocheck "$ROOT/scripts/build-deb.sh" "$CACHE/kdump-tools/deb" | tail -1) ||
		{ echo "FAIL $name/deb: make deb failed" | tee -a "$SUMMARY"; return 1; }
	TIMES[kt:deb]=$(elapsed "$t")
	t=$(now)
	if ! tar=$(kt_rootfs "$kver" "$(kt_deb_depends "$deb")") || ! kt_debian_mdf; then
		kt_skip "$name" "cannot build the Debian rootfs (is Debian's archive reachable? see $CACHE/kdump-tools/mmdebstrap.log)"
		return 1
	fi
	TIMES[kt:rootfs]=$(elapsed "$t")
	t=$(now)
	kt_image "$tar" "$deb" "$dir" "$kver" ||
		{ echo "FAIL $name/image: building the guest image failed" | tee -a "$SUMMARY"; return 1; }
	TIMES[kt:image]=$(elapsed "$t")
	truncate -s 1G "$dir/vmcore.img"
	local append="console=ttyS0 root=/dev/vda rw crashkernel=256M init_on_free=1 panic=5"
	local argv=(qemu-system-x86_64 -accel "$ACCEL" -M q35 -cpu qemu64 -m 768 -smp 2
		-display none -vga none -no-reboot -serial "file:$dir/serial.log" -monitor none
		-kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" -append "$append"
		-drive "file=$dir/root.img,if=virtio,format=raw,cache=unsafe,werror=report,rerror=report"
		-drive "file=$dir/vmcore.img,if=virtio,format=raw,cache=unsafe,werror=report,rerror=report")
	printf '%q ' "${argv[@]}" > "$dir/qemu-argv.txt"
	log "==== $name: booting Debian 12 ($kver, systemd, kdump-tools, our .deb; $ACCEL)"
	t=$(now)
	local kt_timeout=${MDF_E2E_KT_TIMEOUT:-900} rc=0
	timeout "$kt_timeout" "${argv[@]}" > "$dir/qemu.log" 2>&1 || rc=$?
	TIMES[guest:$name]=$(elapsed "$t")
	log "$name: guest ran ${TIMES[guest:$name]}s (exit $rc)"
	echo "$rc" > "$dir/qemu-rc"
	[ $rc = 0 ] || tail -25 "$dir/serial.log" | sed 's/^/  serial: /'
	# The guest's files, read from its disk without mounting it.
	mkdir -p "$dir/disk"
	for p in /var/crash /var/crash-l /var/crash-fail-ours /var/crash-fail-debian /var/lib/e2e; do
		[ "$(debugfs -R "stat $p" "$dir/root.img" 2>&1 | grep -c 'Inode:')" = 1 ] &&
			debugfs -R "rdump $p $dir/disk" "$dir/root.img" > /dev/null 2>&1
	done
	rm -f "$dir/root.img"
	return 0
}

verify_kdump_tools() { # NAME SERIES
	local name=$1 series=$2 dir=$WORK/$1
	local args=(--dir "$dir" --kver "${KVER[$series]}" --mdf "$MDF")
	[ -n "$DEB_MDF" ] && args+=(--deb "$DEB_MDF")
	[ -n "${VMLINUX[$series]:-}" ] && args+=(--vmlinux "${VMLINUX[$series]}")
	[ "${MDF_E2E_KEEP:-0}" = 1 ] && args+=(--keep)
	$PY "$HERE/verify_kdump_tools.py" "${args[@]}" > "$dir/verify.log" 2>&1
}
