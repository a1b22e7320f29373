#!/bin/sh
# `make demo`: generate a sample vmcore of a machine with a reused pmem
# device (fsdax, map=dev, stale struct pages in the never-initialised
# slots), filter it the way kdump does, and show the report — next to
# what Debian's makedumpfile does with the same file when it is installed.
set -eu
cd "$(dirname "$0")/.."

dir=${MDF_DEMO_DIR:-${TMPDIR:-/tmp}/mdf-demo}
mkdir -p "$dir"
vmcore=$dir/sample.vmcore
dump=$dir/sample.kdump

# 1 GiB guest, Debian 6.1-style kernel, a 256 MiB namespace at 1 GiB whose
# device-backed vmemmap is in the dump as the proposed kernel would add it.
pmem="start=0x40000000,size=256M,mode=fsdax,map=dev,dump=carved,stale=buddy"
if [ ! -s "$vmcore" ]; then
	echo "Generating $vmcore (1 GiB guest, pmem namespace with stale struct pages)..."
	tests/tools/mkvmcore --quiet --ram 1G --profile 6.1 --pmem "$pmem" \
		--manifest "$dir/sample.json" "$vmcore"
fi

echo
echo "== ours: makedumpfile -l -d 31 --show-stats $vmcore $dump"
./makedumpfile -f -l -d 31 --message-level 22 "$vmcore" "$dump"

echo
echo "== what it recognised (-D):"
./makedumpfile -f -l -d 31 -D --dry-run --message-level 8 "$vmcore" "$dump" 2>/dev/null |
	grep -A1 '^Device-backed vmemmap\[' || true

if [ -x /usr/bin/makedumpfile ] && [ -x /usr/bin/python3 ]; then
	ref=$dir/sample.debian.kdump
	/usr/bin/makedumpfile -f -l -d 31 --message-level 0 "$vmcore" "$ref" >/dev/null 2>&1 || true
	echo
	echo "== device-backed vmemmap pages kept (0x40000000-0x40600000, 1536 pages):"
	for f in "$dump" "$ref"; do
		[ -s "$f" ] || continue
		/usr/bin/python3 - "$f" <<'EOF' || true
import sys
try:
    import kdumpfile
except ImportError:
    sys.exit(0)
k = kdumpfile.kdumpfile(sys.argv[1])
kept = 0
for pfn in range(0x40000, 0x40600):
    try:
        k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn << 12, 1)
        kept += 1
    except Exception:
        pass
who = "Debian makedumpfile" if "debian" in sys.argv[1] else "ours"
print(f"  {who:20} {kept:5} of 1536 (read back with libkdumpfile)")
EOF
	done
fi
