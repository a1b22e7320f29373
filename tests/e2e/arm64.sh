# arm64 scenarios of the e2e test, sourced by run.sh after the x86 ones
# (it uses run.sh's CACHE, WORK, SUMMARY, TIMES, log, now, elapsed, PY, MDF,
# DEB_MDF, ACCEL, TIMEOUT, APT_OPTS).  See tests/e2e/README.md, "arm64".
#
# Debian's own arm64 kernels boot under qemu-system-aarch64 (TCG, virt
# machine), crash, and the capture kernel, loaded with kexec_load by
# kexec-tools of arm64, runs OUR ARM64 BUILD (make cross-arm64) on the real
# /proc/vmcore; verify_arm64.py checks the results on the host.
#
#   arm64-6.1        6.1.0-N-arm64, cortex-a57: 4K pages, 48-bit VA, 4 levels;
#                    kallsyms lacks _text (e2e.ksfix=1 supplies it to kexec)
#   arm64-6.12       6.12.N+deb12-arm64 (VA_BITS=52 build), cortex-a57: runs
#                    48-bit (TCR_EL1_T1SZ 16), PAGE_OFFSET of the 52-bit space
#   arm64-6.12-lpa2  the same kernel on -cpu max: 52-bit VA with LPA2, 5 levels
#   arm64-6.12-16k   6.12.N+deb12-arm64-16k-unsigned on -cpu max: 16 KiB pages,
#                    52-bit LPA2, 4 levels
#
# Environment (beside run.sh's): MDF_E2E_ARM64_KERNEL_6_1,
# MDF_E2E_ARM64_KERNEL_6_12, MDF_E2E_ARM64_KERNEL_16K pin a package's ABI
# name (e.g. 6.1.0-57-arm64, 6.12.118+deb12-arm64,
# 6.12.118+deb12-arm64-16k-unsigned); MDF_ARM64_MAKEDUMPFILE another arm64 build.

A64=$CACHE/arm64
A64_MDF=${MDF_ARM64_MAKEDUMPFILE:-$ROOT/build-arm64/bin/makedumpfile}
A64_ALL="arm64-6.1 arm64-6.12 arm64-6.12-lpa2 arm64-6.12-16k"

a64_skip() { # reason: every selected arm64 scenario is skipped
	local s
	for s in $A64_SCENARIOS; do
		echo "SKIP $s: $1" | tee -a "$SUMMARY"
	done
}

a64_flavour() { # scenario -> kernel flavour (6.1, 6.12, 16k)
	case "$1" in
	arm64-6.1) echo 6.1 ;;
	arm64-6.12 | arm64-6.12-lpa2) echo 6.12 ;;
	arm64-6.12-16k) echo 16k ;;
	esac
}

a64_candidate() { # flavour -> newest package name in the archive
	local re
	case "$1" in
	6.1) re='^linux-image-6\.1\.0-[0-9]+-arm64$' ;;
	6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-arm64$' ;;
	16k) re='^linux-image-6\.12\.[0-9]+\+deb12-arm64-16k-unsigned$' ;;
	esac
	apt-cache search --names-only "$re" 2>/dev/null | awk '{print $1}' | grep -E "$re" | sort -V | tail -1
}

a64_resolve() { # flavour -> package ABI name (linux-image-NAME), or nothing
	local fl=$1 var pkg
	case "$fl" in
	6.1) var=MDF_E2E_ARM64_KERNEL_6_1 ;;
	6.12) var=MDF_E2E_ARM64_KERNEL_6_12 ;;
	16k) var=MDF_E2E_ARM64_KERNEL_16K ;;
	esac
	if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
	pkg=$(a64_candidate "$fl")
	if [ -n "$pkg" ]; then echo "${pkg#linux-image-}"; return; fi
	# Offline: whatever is cached for this flavour.
	ls "$A64/kernels" 2>/dev/null | while read -r k; do
		case "$fl:$k" in
		6.1:6.1.0-*-arm64 | 6.12:6.12.*+deb12-arm64 | 16k:6.12.*+deb12-arm64-16k-unsigned) echo "$k" ;;
		esac
	done | sort -V | tail -1
}

a64_fetch_deb() { # package dest-dir: unpack an arm64 .deb once
	local pkg=$1 dest=$2 deb
	[ -d "$dest" ] && return 0
	(cd "$A64/debs" && apt-get download "${APT_OPTS[@]}" "$pkg:arm64") >/dev/null 2>&1 || return 1
	deb=$(ls "$A64/debs/${pkg}_"*_arm64.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || return 1
	rm -rf "$dest.tmp" && dpkg-deb -x "$deb" "$dest.tmp" && mv "$dest.tmp" "$dest" && rm -f "$deb"
}

a64_release() { # unpacked kernel dir -> its release (modules directory name)
	ls "$1/lib/modules" | head -1
}

a64_main() {
	local name fl pkg kdir rel img sum t grc vpid="" vname=""
	declare -A A64_PKG
	[ -n "$A64_SCENARIOS" ] || return 0
	for name in $A64_SCENARIOS; do
		case " $A64_ALL " in *" $name "*) ;; *)
			echo "FAIL $name: unknown scenario" | tee -a "$SUMMARY"; return 0 ;;
		esac
	done
	local missing=""
	for c in qemu-system-aarch64 aarch64-linux-gnu-gcc aarch64-linux-gnu-readelf mke2fs; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	[ -n "$(ls /usr/share/qemu/efi-virtio.rom /usr/lib/ipxe/qemu/efi-virtio.rom 2>/dev/null)" ] ||
		missing="$missing ipxe-qemu"
	if [ -n "$missing" ]; then
		a64_skip "missing host tools:$missing (scripts/install-deps.sh --e2e)"
		return 0
	fi
	if [ ! -x "$A64_MDF" ]; then
		a64_skip "no arm64 build $A64_MDF (make cross-arm64 failed or was not run)"
		return 0
	fi
	mkdir -p "$A64"/{debs,kernels,pkgs,initramfs}
	local step_t
	step_t=$(now)
	if ! a64_fetch_deb kexec-tools "$A64/pkgs/kexec-tools" ||
		! a64_fetch_deb busybox-static "$A64/pkgs/busybox-static"; then
		a64_skip "cannot download kexec-tools:arm64 / busybox-static:arm64 (dpkg --add-architecture arm64; apt-get update)"
		return 0
	fi
	rm -rf "$A64/pkgs/root" && mkdir -p "$A64/pkgs/root"
	cp -a "$A64/pkgs/kexec-tools/." "$A64/pkgs/busybox-static/." "$A64/pkgs/root/"
	for fl in 6.1 6.12 16k; do
		local want=0
		for name in $A64_SCENARIOS; do [ "$(a64_flavour "$name")" = "$fl" ] && want=1; done
		[ $want = 1 ] || continue
		pkg=$(a64_resolve "$fl")
		if [ -z "$pkg" ]; then
			log "arm64: no linux-image for flavour $fl in the archive or the cache"
			continue
		fi
		if ! a64_fetch_deb "linux-image-$pkg" "$A64/kernels/$pkg"; then
			log "arm64: cannot download linux-image-$pkg:arm64"
			continue
		fi
		for old in "$A64/kernels"/*; do # other kernels of this flavour
			case "$fl:${old##*/}" in
			6.1:6.1.0-*-arm64 | 6.12:6.12.*+deb12-arm64 | 16k:6.12.*+deb12-arm64-16k-unsigned)
				[ "${old##*/}" = "$pkg" ] || { log "removing stale $old"; rm -rf "$old"; } ;;
			esac
		done
		A64_PKG[$fl]=$pkg
		log "arm64 kernel $fl: $pkg"
	done
	TIMES[arm64:kernels]=$(elapsed "$step_t")

	step_t=$(now)
	sum=$(cat "$ROOT/tests/e2e/init" "$ROOT/tests/e2e/memstate.c" "$ROOT/tests/e2e/modules.py" \
		"$ROOT/tests/e2e/mkinitramfs-arm64.sh" "$A64_MDF" "$A64/pkgs/root/bin/busybox" \
		"$A64/pkgs/root/sbin/kexec" | sha256sum | cut -c1-16)
	declare -A A64_INITRD
	for fl in "${!A64_PKG[@]}"; do
		pkg=${A64_PKG[$fl]}
		img=$A64/initramfs/$pkg/$sum.gz
		if [ ! -f "$img" ]; then
			mkdir -p "$A64/initramfs/$pkg" && rm -f "$A64/initramfs/$pkg/"*.gz
			"$ROOT/tests/e2e/mkinitramfs-arm64.sh" "$(a64_release "$A64/kernels/$pkg")" \
				"$A64/kernels/$pkg" "$A64_MDF" "$A64/pkgs/root" "$img" ||
				{ log "arm64: initramfs for $pkg failed"; continue; }
		fi
		A64_INITRD[$fl]=$img
	done
	TIMES[arm64:initramfs]=$(elapsed "$step_t")

	for name in $A64_SCENARIOS; do
		fl=$(a64_flavour "$name")
		if [ -z "${A64_INITRD[$fl]:-}" ]; then
			echo "SKIP $name: no arm64 kernel/initramfs for flavour $fl (see the log above)" |
				tee -a "$SUMMARY"
			continue
		fi
		pkg=${A64_PKG[$fl]}
		log "==== $name: booting $pkg ($ACCEL, qemu-system-aarch64), crash, capture"
		t=$(now)
		a64_run_guest "$name" "$A64/kernels/$pkg" "${A64_INITRD[$fl]}"
		grc=$?
		TIMES[guest:$name]=$(elapsed "$t")
		log "$name: guest ran ${TIMES[guest:$name]}s (exit $grc)"
		[ $grc = 0 ] || tail -25 "$WORK/$name/serial.log" | sed 's/^/  serial: /'
		finish_verify verify_arm64.py
		a64_verify "$name" "$(a64_release "$A64/kernels/$pkg")" &
		vpid=$! vname=$name
	done
	finish_verify verify_arm64.py
}

a64_run_guest() { # name kernel-dir initrd -> 0 if the capture kernel finished
	local name=$1 kdir=$2 initrd=$3 dir=$WORK/$1 cpu=cortex-a57 extra="" pid i=0 rc=0
	rm -rf "$dir" && mkdir -p "$dir/share/in" "$dir/share/out"
	ln -f "$kdir"/boot/vmlinuz-* "$dir/share/in/vmlinuz" 2>/dev/null ||
		cp "$kdir"/boot/vmlinuz-* "$dir/share/in/vmlinuz"
	ln -f "$initrd" "$dir/share/in/initrd.gz" 2>/dev/null || cp "$initrd" "$dir/share/in/initrd.gz"
	# ext4 made here: the arm64 image carries no mke2fs.
	truncate -s 128M "$dir/scratch.img"
	mke2fs -q -F -t ext4 "$dir/scratch.img" || return 1
	# /proc/vmcore is copied to a second virtio disk (vdb): 9p is 5-10x
	# slower under TCG.  Sparse; cut to the copied size below.
	truncate -s 1G "$dir/raw.img"
	case "$name" in
	arm64-6.1) extra="e2e.ksfix=1" ;;
	# LPA2 and the 16K granule need -cpu max.  Under TCG, pauth-impdef makes
	# PAC cheap, and without SVE glibc's string functions do not run the
	# (slowly emulated) SVE code: kexec and our tool run 5-10x faster.
	arm64-6.12-lpa2 | arm64-6.12-16k) cpu=max,pauth-impdef=on,sve=off ;;
	esac
	# Debian arm64 reserves a 64 MiB CMA area: cma=0 lets the 128M capture
	# kernel unpack its initramfs.
	# Purgatory's SHA-256 check of the capture kernel takes ~30 s under TCG:
	# kexec -i (e2e.nocheck) skips it.
	local append="console=ttyAMA0 crashkernel=128M init_on_free=1 panic=5 e2e.scen=ram e2e.kexec=load e2e.console=ttyAMA0 e2e.capextra=cma=0 e2e.prefmt=1 e2e.nocheck=1 e2e.rawdev=vdb $extra"
	local argv=(qemu-system-aarch64 -accel "$ACCEL" -M virt -cpu "$cpu" -m 512 -smp 2
		-display none -no-reboot -serial "file:$dir/serial.log" -monitor none -device vmcoreinfo
		-virtfs "local,path=$dir/share,mount_tag=host0,security_model=none,id=host0"
		-kernel "$dir/share/in/vmlinuz" -initrd "$dir/share/in/initrd.gz" -append "$append"
		-drive "file=$dir/scratch.img,if=virtio,format=raw,cache=unsafe"
		-drive "file=$dir/raw.img,if=virtio,format=raw,cache=unsafe")
	printf '%q ' "${argv[@]}" > "$dir/qemu-argv.txt"
	"${argv[@]}" > "$dir/qemu.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ $i -ge $((TIMEOUT * 2)) ]; then
			echo "timeout after ${TIMEOUT}s" >> "$dir/share/out/FAILED"
			kill "$pid"
			rc=1
		fi
		sleep 0.5
		i=$((i + 1))
	done
	wait "$pid" || rc=1
	[ -f "$dir/share/out/capture-done" ] || rc=1
	rm -f "$dir/scratch.img"
	local size
	size=$(cat "$dir/share/out/vmcore.raw-size" 2>/dev/null)
	if [ -n "$size" ]; then
		truncate -s "$size" "$dir/raw.img" && mv "$dir/raw.img" "$dir/share/out/vmcore.raw"
	fi
	rm -f "$dir/raw.img"
	return $rc
}

a64_verify() { # name release
	local name=$1 dir=$WORK/$1
	local args=(--dir "$dir" --name "$name" --kver "$2" --mdf "$MDF" --mdf-arm64 "$A64_MDF")
	[ -n "$DEB_MDF" ] && args+=(--deb "$DEB_MDF")
	[ "${MDF_E2E_KEEP:-0}" = 1 ] && args+=(--keep)
	$PY "$ROOT/tests/e2e/verify_arm64.py" "${args[@]}" > "$dir/verify.log" 2>&1
}

a64_main
