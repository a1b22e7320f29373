#!/bin/sh
# kdump-seeds.sh MAKEDUMPFILE DIR: kdump-compressed and flattened seeds for
# the kdump target, written by the tool from the tiny vmcores in DIR/elf.
set -eu
tool=$1
dir=$2
mkdir -p "$dir/kdump"
n=0
for vm in "$dir/elf/tiny.vmcore" "$dir/elf/sme.vmcore" "$dir/elf/ramonly.vmcore"; do
	base=$(basename "$vm" .vmcore)
	for args in "-d 31" "-c -d 31" "-l -d 1" "-p -d 0" "-z -d 31"; do
		n=$((n + 1))
		out="$dir/kdump/$base-$n.kdump"
		# Exit status 1 is fine here (e.g. a dump flagged incomplete).
		"$tool" --message-level 0 $args "$vm" "$out" >/dev/null 2>&1 || true
		[ -s "$out" ] || rm -f "$out"
	done
	n=$((n + 1))
	"$tool" --message-level 0 -F -l -d 31 "$vm" >"$dir/kdump/$base-$n.flat" 2>/dev/null || true
	[ -s "$dir/kdump/$base-$n.flat" ] || rm -f "$dir/kdump/$base-$n.flat"
done
count=$(ls "$dir/kdump" | wc -l)
if [ "$count" -eq 0 ]; then
	echo "kdump-seeds.sh: $tool wrote no kdump seed from $dir/elf" >&2
	exit 1
fi
