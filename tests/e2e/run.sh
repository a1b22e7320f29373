#!/bin/bash
# End-to-end test: our makedumpfile inside a real kdump capture kernel.
# See tests/e2e/README.md.  Run from the top of the repository through
# `make check-e2e` (which builds ./makedumpfile first).
#
# Environment:
#   MDF_E2E_CACHE      downloads, unpacked kernels, vmlinux, initramfs
#                      (default ~/.cache/mdf-e2e; never inside the repo)
#   MDF_E2E_WORK       per-scenario run directories (default $MDF_E2E_CACHE/work)
#   MDF_E2E_SCENARIOS  space-separated subset of the scenarios below and
#                      of arm64.sh's (arm64-6.1 arm64-6.12 arm64-6.12-lpa2
#                      arm64-6.12-16k)
#   MDF_E2E_KERNEL_6_1 / MDF_E2E_KERNEL_6_12
#                      Debian kernel ABI names to use (e.g. 6.1.0-56-amd64,
#                      6.12.117+deb12-amd64); default: newest in the archive
#   MDF_E2E_NO_DBG=1   do not download debuginfo (crash checks then skip)
#   MDF_E2E_ACCEL      QEMU accelerator (default tcg)
#   MDF_E2E_TIMEOUT    seconds allowed for one guest run (default 300)
#   MDF_E2E_KEEP=1     keep raw vmcores and intermediate dumps
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${MDF_E2E_CACHE:-$HOME/.cache/mdf-e2e}
WORK=${MDF_E2E_WORK:-$CACHE/work}
ALL_SCENARIOS="ram-6.1-kexec_load ram-6.1-kexec_file ram-6.12-kexec_load ram-6.12-kexec_file pmem-6.1-kexec_file pmem-6.12-kexec_file kdump-tools-6.1"
SCENARIOS=${MDF_E2E_SCENARIOS:-$ALL_SCENARIOS arm64-6.1 arm64-6.12 arm64-6.12-lpa2 arm64-6.12-16k}
# arm64-* scenarios run after the x86 ones, from tests/e2e/arm64.sh.
A64_SCENARIOS=$(printf '%s\n' $SCENARIOS | grep '^arm64-' | xargs)
SCENARIOS=$(printf '%s\n' $SCENARIOS | grep -v '^arm64-' | xargs)
ACCEL=${MDF_E2E_ACCEL:-tcg}
TIMEOUT=${MDF_E2E_TIMEOUT:-300}
MDF=$ROOT/makedumpfile
PY=/usr/bin/python3
T0=$(date +%s)

log() { echo "e2e: $*"; }
die() { echo "e2e: error: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

case "$CACHE/" in "$ROOT"/*) die "MDF_E2E_CACHE must be outside the repository" ;; esac
[ -x "$MDF" ] || die "$MDF not built (run make)"
mkdir -p "$CACHE"/{debs,kernels,dbg,initramfs} "$WORK"
SUMMARY=$WORK/summary.txt
: > "$SUMMARY"
declare -A TIMES

# ---------------------------------------------------------------- host tools
step_t=$(now)
"$ROOT/scripts/install-deps.sh" --e2e || die "scripts/install-deps.sh --e2e failed"
missing=""
for t in qemu-system-x86_64 kexec ndctl crash cpio gzip cc dpkg-deb apt-get mke2fs cmp timeout; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -x /bin/busybox ] || missing="$missing busybox(busybox-static)"
$PY -c 'import kdumpfile, lzma' 2>/dev/null || missing="$missing python3-libkdumpfile"
[ -z "$missing" ] || die "missing host tools:$missing"
DEB_MDF=$(command -v makedumpfile || true)
TIMES[deps]=$(elapsed "$step_t")

# ------------------------------------------------------------- kernels
APT_OPTS=(-q -o APT::Sandbox::User=root)
apt_updated=0
candidate() { # series -> newest package name
	local re
	case "$1" in
	6.1) re='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	esac
	apt-cache search --names-only "$re" 2>/dev/null | awk '{print $1}' | grep -E "$re" | sort -V | tail -1
}
resolve_kernel() { # series -> KVER (ABI name)
	local series=$1 var pkg cached
	var=MDF_E2E_KERNEL_${series//./_}
	if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
	pkg=$(candidate "$series")
	if [ -z "$pkg" ] && [ $apt_updated = 0 ]; then
		apt-get update -q >/dev/null 2>&1 && apt_updated=1
		pkg=$(candidate "$series")
	fi
	if [ -n "$pkg" ]; then echo "${pkg#linux-image-}"; return; fi
	# Offline: whatever is cached.
	cached=$(ls "$CACHE/kernels" 2>/dev/null | grep -E "^${series//./\\.}[.-]" | sort -V | tail -1)
	echo "$cached"
}
fetch_kernel() { # KVER -> unpacked in $CACHE/kernels/KVER
	local kver=$1 dir=$CACHE/kernels/$1 deb
	[ -f "$dir/boot/vmlinuz-$kver" ] && return 0
	log "downloading linux-image-$kver"
	(cd "$CACHE/debs" && apt-get download "${APT_OPTS[@]}" "linux-image-$kver") || return 1
	deb=$(ls "$CACHE/debs/linux-image-${kver}_"*.deb | head -1)
	rm -rf "$dir.tmp" && dpkg-deb -x "$deb" "$dir.tmp" && mv "$dir.tmp" "$dir" && rm -f "$deb"
}
vmlinux_path() { # crash 8.0.2 mangles a NAMELIST path containing '+'
	echo "$CACHE/dbg/vmlinux-${1//+/_}"
}
fetch_dbg() { # KVER -> $(vmlinux_path KVER), or nothing
	local kver=$1 out deb
	out=$(vmlinux_path "$1")
	[ -f "$out" ] && return 0
	[ "${MDF_E2E_NO_DBG:-0}" = 1 ] && return 1
	log "downloading linux-image-$kver-dbg (~1 GB, once)"
	(cd "$CACHE/debs" && apt-get download "${APT_OPTS[@]}" "linux-image-$kver-dbg") || return 1
	deb=$(ls "$CACHE/debs/linux-image-${kver}-dbg_"*.deb | head -1)
	rm -rf "$CACHE/dbg/x" && mkdir -p "$CACHE/dbg/x"
	# vmlinux is near the start of the archive: stop reading after it.
	dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
		tar -x -C "$CACHE/dbg/x" --occurrence=1 "./usr/lib/debug/boot/vmlinux-$kver"
	mv "$CACHE/dbg/x/usr/lib/debug/boot/vmlinux-$kver" "$out" || return 1
	rm -rf "$CACHE/dbg/x" "$deb"
}

declare -A KVER VMLINUX INITRD
step_t=$(now)
for series in 6.1 6.12; do
	echo " $SCENARIOS " | grep -qE -- "-${series//./\\.}(-| )" || continue
	kver=$(resolve_kernel "$series")
	[ -n "$kver" ] || die "no Debian $series kernel found (apt-cache) and none cached"
	fetch_kernel "$kver" || die "cannot fetch linux-image-$kver"
	KVER[$series]=$kver
	# Drop what older runs cached for other kernels of this series.
	for old in "$CACHE/kernels/$series"[.-]* "$CACHE/dbg/vmlinux-$series"[.-]* \
		"$CACHE/initramfs/$series"[.-]*; do
		[ -e "$old" ] || continue
		case "$old" in
		"$CACHE/kernels/$kver" | "$(vmlinux_path "$kver")" | "$CACHE/initramfs/$kver-"*) ;;
		*) log "removing stale $old"; rm -rf "$old" ;;
		esac
	done
	if fetch_dbg "$kver"; then
		VMLINUX[$series]=$(vmlinux_path "$kver")
	else
		log "no debuginfo for $kver: crash checks will be skipped"
		echo "SKIP crash-$series: linux-image-$kver-dbg not available" >> "$SUMMARY"
	fi
	log "kernel $series: $kver${VMLINUX[$series]:+ (vmlinux cached)}"
done
TIMES[kernels]=$(elapsed "$step_t")

# ------------------------------------------------------------- initramfs
step_t=$(now)
tool_sum() {
	cat "$HERE/init" "$HERE/memstate.c" "$HERE/modules.py" "$HERE/mkinitramfs.sh" "$MDF" \
		/bin/busybox "$(command -v kexec)" "$(command -v ndctl)" "$(command -v mke2fs)" \
		$(ls /usr/bin/makedumpfile 2>/dev/null) |
		sha256sum | cut -c1-16
}
sum=$(tool_sum)
for series in "${!KVER[@]}"; do
	kver=${KVER[$series]}
	img=$CACHE/initramfs/$kver-$sum.gz
	if [ ! -f "$img" ]; then
		rm -f "$CACHE/initramfs/$kver-"*.gz
		"$HERE/mkinitramfs.sh" "$kver" "$CACHE/kernels/$kver" "$MDF" "$img" ||
			die "initramfs for $kver failed"
	fi
	INITRD[$series]=$img
done
TIMES[initramfs]=$(elapsed "$step_t")

# ------------------------------------------------------------- carve self-test
FIXC=${MDF_FIXTURES_CACHE:-$HOME/.cache/mdf-fixtures}
if [ -f "$FIXC/pmem-fsdax-devmap-6.1-kdump-kexec_file.vmcore" ] &&
	[ -f "$FIXC/pmem-fsdax-devmap-6.1-kdump-kexec_file-carved.vmcore" ]; then
	# Rebuild the lab's carved fixture from its stock dump and the vmemmap
	# bytes it carries: carve.py must reproduce it byte for byte.
	c=$FIXC/pmem-fsdax-devmap-6.1-kdump-kexec_file-carved.vmcore
	dd if="$c" of="$WORK/selftest-vmemmap.bin" bs=4096 skip=$((0x1b30e000 / 4096)) \
		count=$((0x600000 / 4096)) status=none
	if $PY "$HERE/carve.py" "$FIXC/pmem-fsdax-devmap-6.1-kdump-kexec_file.vmcore" \
		"$WORK/selftest-carved.vmcore" \
		--vmemmap "10000000-10600000@$WORK/selftest-vmemmap.bin:10000000" >/dev/null &&
		cmp -s "$WORK/selftest-carved.vmcore" "$c"; then
		echo "PASS carve-selftest: carve.py reproduces the lab's pmem-fsdax-devmap-6.1-kdump-kexec_file-carved fixture byte for byte" | tee -a "$SUMMARY"
	else
		echo "FAIL carve-selftest: carve.py output differs from the lab's carved fixture" | tee -a "$SUMMARY"
	fi
	rm -f "$WORK/selftest-carved.vmcore" "$WORK/selftest-vmemmap.bin"
else
	echo "SKIP carve-selftest: decompressed lab fixtures not in $FIXC" | tee -a "$SUMMARY"
fi

# ------------------------------------------------------------- scenarios
run_guest() { # name scen series kexec -> 0 if the guest finished
	local name=$1 scen=$2 series=$3 kexec=$4
	local dir=$WORK/$name kver=${KVER[$series]} append pid i=0 hold=0 rc=0
	rm -rf "$dir" && mkdir -p "$dir/share/in" "$dir/share/out"
	ln -f "$CACHE/kernels/$kver/boot/vmlinuz-$kver" "$dir/share/in/vmlinuz" 2>/dev/null ||
		cp "$CACHE/kernels/$kver/boot/vmlinuz-$kver" "$dir/share/in/vmlinuz"
	ln -f "${INITRD[$series]}" "$dir/share/in/initrd.gz" 2>/dev/null ||
		cp "${INITRD[$series]}" "$dir/share/in/initrd.gz"
	truncate -s 128M "$dir/scratch.img"
	# 768 MiB guests.  With legacy pmem at [256M, 512M) no 256 MiB block of
	# RAM is left for the reservation ("crashkernel reservation failed - No
	# suitable area found"), so the pmem scenarios reserve 128M, as the lab did.
	local ck=256M
	[ "$scen" = pmem ] && ck=128M
	append="console=ttyS0 crashkernel=$ck init_on_free=1 panic=5 e2e.scen=$scen e2e.kexec=${kexec#kexec_}"
	if [ "$scen" = pmem ]; then
		append="$append memmap=256M!256M e2e.hold=1"
		hold=1
	fi
	local argv=(qemu-system-x86_64 -accel "$ACCEL" -M q35 -cpu qemu64 -m 768 -smp 2
		-display none -vga none -no-reboot -serial "file:$dir/serial.log" -monitor none
		-qmp "unix:$dir/qmp.sock,server=on,wait=off" -device vmcoreinfo
		-virtfs "local,path=$dir/share,mount_tag=host0,security_model=none,id=host0"
		-kernel "$dir/share/in/vmlinuz" -initrd "$dir/share/in/initrd.gz" -append "$append"
		-drive "file=$dir/scratch.img,if=virtio,format=raw,cache=unsafe")
	printf '%q ' "${argv[@]}" > "$dir/qemu-argv.txt"
	"${argv[@]}" > "$dir/qemu.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ $hold = 1 ] && [ -f "$dir/share/out/capture-done" ]; then
			# pmem is untouched by the capture kernel: save it as it was at the crash.
			local start size
			start=$(sed -n 's/^namespace0.0\/resource=//p' "$dir/share/out/pmem-sysfs.txt")
			size=$(sed -n 's/^namespace0.0\/size=//p' "$dir/share/out/pmem-sysfs.txt")
			local t=$(now)
			$PY "$HERE/qmp.py" "$dir/qmp.sock" pmemsave "$start" "$size" "$dir/pmem.bin" ||
				rc=1
			echo "pmemsave $(elapsed "$t")s" >> "$dir/host-times.txt"
			$PY "$HERE/qmp.py" "$dir/qmp.sock" quit || kill "$pid"
			hold=0
		fi
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
	return $rc
}

verify_scenario() { # name scen series kexec
	local name=$1 scen=$2 series=$3 kexec=$4 dir=$WORK/$1
	local args=(--dir "$dir" --scen "$scen" --kexec "${kexec#kexec_}" --kver "${KVER[$series]}"
		--mdf "$MDF")
	[ -n "$DEB_MDF" ] && args+=(--deb "$DEB_MDF")
	[ -n "${VMLINUX[$series]:-}" ] && args+=(--vmlinux "${VMLINUX[$series]}")
	[ "${MDF_E2E_KEEP:-0}" = 1 ] && args+=(--keep)
	$PY "$HERE/verify.py" "${args[@]}" > "$dir/verify.log" 2>&1
}

# Boots run one at a time (TCG with -smp 2 uses both cores); the host-side
# checks of one scenario run while the next guest boots.
# The kdump-tools scenario (a whole Debian system): kdump_tools.sh.
source "$HERE/kdump_tools.sh"
vpid="" vname=""
# Collect the host checks of $vname (pid $vpid; the caller's variables);
# $1 names the verifier in the failure line (default verify.py).
finish_verify() {
	[ -n "$vpid" ] || return 0
	wait "$vpid"
	local vrc=$?
	if [ $vrc != 0 ] && ! grep -q '^FAIL ' "$WORK/$vname/verify.log"; then
		echo "FAIL verify: ${1:-verify.py} exited $vrc" >> "$WORK/$vname/verify.log"
	fi
	TIMES[verify:$vname]=$(sed -n 's/.*"verify_seconds": \([0-9.]*\).*/\1/p' "$WORK/$vname/results.json" 2>/dev/null)
	log "---- $vname (host checks)"
	sed "s/^/  /" "$WORK/$vname/verify.log"
	grep -E '^(PASS|FAIL|SKIP) ' "$WORK/$vname/verify.log" | sed "s/^\([A-Z]*\) /\1 $vname\//" >> "$SUMMARY"
	vpid=""
}
for name in $SCENARIOS; do
	case $name in kdump-tools-*)
		series=${name#kdump-tools-}
		if [ -z "${KVER[$series]:-}" ] || ! echo " $ALL_SCENARIOS " | grep -q " $name "; then
			echo "FAIL $name: unknown scenario" | tee -a "$SUMMARY"
			continue
		fi
		kdump_tools_scenario "$name" "$series" || continue
		finish_verify
		verify_kdump_tools "$name" "$series" &
		vpid=$! vname=$name
		continue ;;
	esac
	IFS=- read -r scen series kexec <<< "$name"
	if [ -z "${KVER[$series]:-}" ] || ! echo " $ALL_SCENARIOS " | grep -q " $name "; then
		echo "FAIL $name: unknown scenario" | tee -a "$SUMMARY"
		continue
	fi
	log "==== $name: booting ${KVER[$series]} ($ACCEL), crash, capture"
	t=$(now)
	run_guest "$name" "$scen" "$series" "$kexec"
	grc=$?
	TIMES[guest:$name]=$(elapsed "$t")
	log "$name: guest ran ${TIMES[guest:$name]}s (exit $grc)"
	if [ $grc != 0 ]; then
		tail -25 "$WORK/$name/serial.log" | sed 's/^/  serial: /'
	fi
	finish_verify
	verify_scenario "$name" "$scen" "$series" "$kexec" &
	vpid=$! vname=$name
done
finish_verify

# ------------------------------------------------------------- arm64
. "$HERE/arm64.sh"

# ------------------------------------------------------------- summary
total=$(( $(date +%s) - T0 ))
{
	echo "timings (s):"
	for k in $(printf '%s\n' "${!TIMES[@]}" | sort); do
		printf '  %-34s %s\n' "$k" "${TIMES[$k]}"
	done
	echo "  total                              $total"
} | tee "$WORK/timings.txt"
pass=$(grep -c '^PASS ' "$SUMMARY")
fail=$(grep -c '^FAIL ' "$SUMMARY")
skip=$(grep -c '^SKIP ' "$SUMMARY")
if [ "$fail" -gt 0 ]; then
	log "failed checks:"
	grep '^FAIL ' "$SUMMARY" | sed 's/^/  /'
fi
grep '^SKIP ' "$SUMMARY" | sort -u | sed 's/^/  /'
log "results in $WORK (summary.txt, */results.json, */serial.log)"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
