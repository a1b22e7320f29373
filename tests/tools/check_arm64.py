#!/usr/bin/python3
"""Independent checks of an arm64 dump written by mkvmcore (run with
/usr/bin/python3: libkdumpfile's bindings live there).

usage: check_arm64.py VMCORE MANIFEST

For every translation sample in the manifest (kernel image, linear map,
vmemmap, page tables), the page at the sample's virtual address must hold
the same bytes as the page at the manifest's physical address
  * read by libkdumpfile through its own arm64 translation (KDUMP_KVADDR),
    where libkdumpfile 0.5.1 can walk the layout (not: a 52-bit 64K kernel
    on 48-bit hardware, whose TTBR1 points into its top table), and
  * translated by tests/lib/a64walk.py, a walk written from the
    architecture's rules (LPA2 and FEAT_LPA descriptors, the TTBR1 offset).
Also: the VMCOREINFO arithmetic (__va, __pa_symbol, vmemmap) gives the same
addresses, and init_uts_ns reads "Linux ... aarch64".
Prints one PASS/FAIL line per check; exits 1 on any failure."""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import a64walk  # noqa: E402

try:
    import kdumpfile
except ImportError:
    print("SKIP: libkdumpfile (python3-libkdumpfile) is not installed")
    sys.exit(0)

M64 = (1 << 64) - 1


def main():
    vm, manpath = sys.argv[1], sys.argv[2]
    man = json.load(open(manpath))
    a = man["aarch64"]
    ps = man["page_size"]
    k = kdumpfile.kdumpfile(vm)
    k.attr["addrxlat.ostype"] = "linux"
    vi = a64walk.vmcoreinfo_dict(bytes(k.attr["linux.vmcoreinfo.raw"]).decode("ascii", "replace"))
    fails = 0

    def check(ok, what):
        nonlocal fails
        print(("PASS: " if ok else "FAIL: ") + what)
        fails += not ok

    def phys(pa, n):
        return bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pa, n))

    check(k.attr["arch.name"] == "aarch64" and k.attr["arch.page_size"] == ps,
          f"libkdumpfile: arch {k.attr['arch.name']}, page size {k.attr['arch.page_size']}")
    walk = a64walk.A64Walk(phys, vi)
    check(walk.levels == a["levels"], f"walk levels {walk.levels} == manifest {a['levels']}")
    kdf_walks = not (a["va48_on52"] and ps == 65536)
    po = int(a["page_offset"], 16)
    ms = int(vi["NUMBER(PHYS_OFFSET)"], 16)
    voff = int(vi["NUMBER(kimage_voffset)"], 16)
    bad_kdf = bad_walk = bad_formula = weak = absent = 0
    for s in a["samples"]:
        va, pa = int(s["va"], 16), int(s["pa"], 16)
        off = va % ps
        try:
            want = phys(pa - off, ps)
        except kdumpfile.exceptions.NoDataException:
            absent += 1     # mapped by the kernel, not in the dump (pmem)
            continue
        weak += not any(want)
        try:
            got, _ = walk.vtop(va)
        except a64walk.WalkError as e:
            got = str(e)
        if got != pa:
            bad_walk += 1
            print(f"  walk: {s['what']} {va:#x}: {got} != {pa:#x}")
        if kdf_walks:
            try:
                kv = bytes(k.read(kdumpfile.KDUMP_KVADDR, va - off, ps))
            except Exception as e:  # noqa: BLE001 - report whatever libkdumpfile says
                kv = str(e)
            if kv != want:
                bad_kdf += 1
                print(f"  libkdumpfile: {s['what']} {va:#x} -> not the bytes at {pa:#x}"
                      + (f" ({kv})" if isinstance(kv, str) else ""))
        # the kernel's own arithmetic for the linear map and the image
        if s["what"].startswith("linear") or s["what"] in ("mem_section", "pglist_data"):
            if ((pa - ms) & M64) | po != va:
                bad_formula += 1
        elif s["what"] in ("init_uts_ns", "_text", "_stext", "image_end-8", "swapper_pg_dir"):
            if not a["hostile_text"] and (va - voff) & M64 != pa:
                bad_formula += 1
    n = len(a["samples"]) - absent
    check(bad_walk == 0, f"a64walk translates {n - bad_walk}/{n} samples as the manifest says")
    if kdf_walks:
        check(bad_kdf == 0, f"libkdumpfile reads the manifest's bytes at {n - bad_kdf}/{n} samples")
    else:
        print("SKIP: libkdumpfile 0.5.1 has no TTBR1 offset for 52-bit 64K kernels on 48-bit CPUs")
    check(bad_formula == 0, f"__va()/__pa_symbol() from VMCOREINFO agree ({bad_formula} off)")
    check(weak < n // 2, f"{n - weak} of {n} sample pages hold data")
    vmemmap = (int(vi["NUMBER(VMEMMAP_START)"], 16)
               - ((ms - (1 << 64) if ms >> 63 else ms) >> walk.shift) * 64) & M64
    check(vmemmap == int(a["vmemmap"], 16),
          f"vmemmap = VMEMMAP_START - (PHYS_OFFSET >> PAGE_SHIFT) * 64 = {vmemmap:#x}")
    if "SYMBOL(vmemmap)" in vi:
        check(int(vi["SYMBOL(vmemmap)"], 16) == vmemmap, "SYMBOL(vmemmap) agrees")
    uts_va = int(vi["SYMBOL(init_uts_ns)"], 16)
    pa, _ = walk.vtop(uts_va)
    uts = phys(pa, 6 * 65)
    check(uts[:5] == b"Linux" and uts[4 * 65:4 * 65 + 7] == b"aarch64",
          "init_uts_ns via the page tables: Linux ... aarch64")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
