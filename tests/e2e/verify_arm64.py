#!/usr/bin/python3
"""Host-side checks of one arm64 e2e scenario (see arm64.sh; run with
/usr/bin/python3 for libkdumpfile).

usage: verify_arm64.py --dir RUNDIR --name SCENARIO --kver RELEASE
                       --mdf OUR_X86_MAKEDUMPFILE --mdf-arm64 OUR_ARM64_BUILD
                       [--deb DEBIAN_MAKEDUMPFILE] [--keep]

The capture kernel ran our arm64 build (-l --message-level 7 -d 31, -F,
-F | -R) and copied /proc/vmcore; here the dump is read with libkdumpfile
page by page against that copy, the workload's recorded frames must be
excluded, the -F stream must rebuild into the same file (Debian's -R, the
guest's pipeline, our -R), the VMCOREINFO must show the paging the scenario
is about (LPA2: 52-bit VA in use, 5 levels; 16K: PAGESIZE 16384), and our
x86_64 build filtering the copy on this host must give the same file.
Shares the generic checks with verify.py; writes RUNDIR/results.json.
"""
import argparse
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kdumpfile  # noqa: E402
import verify as v  # noqa: E402

# What each scenario is about, from the kernel's own VMCOREINFO:
# (PAGESIZE, VA_BITS of the build, VA bits in use = 64 - TCR_EL1_T1SZ, levels)
EXPECT = {
    "arm64-6.1": (4096, 48, 48, 4),
    "arm64-6.12": (4096, 52, 48, 4),
    "arm64-6.12-lpa2": (4096, 52, 52, 5),
    "arm64-6.12-16k": (16384, 52, 52, 4),
}


def levels(page_size, va_bits):
    """Translation levels of an arm64 granule for a VA size."""
    shift = page_size.bit_length() - 1
    per_level = shift - 3
    return -(-(va_bits - shift) // per_level)


def open_dump(path):
    """libkdumpfile, tolerating an address-translation setup it cannot do
    (physical reads need none)."""
    k = kdumpfile.kdumpfile(path)
    try:
        k.attr["addrxlat.ostype"] = "linux"
    except Exception:  # noqa: BLE001 - reported by the checks that need it
        pass
    return k


def elf_notes_vmcoreinfo(path):
    """VMCOREINFO of an ELF vmcore, read from its PT_NOTEs (no libkdumpfile)."""
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        f.seek(phoff)
        phdrs = [struct.unpack("<IIQQQQQQ", f.read(56)) for _ in range(phnum)]
        for t, _, off, _, _, fs, _, _ in phdrs:
            if t != 4:
                continue
            f.seek(off)
            buf = f.read(fs)
            pos = 0
            while pos + 12 <= len(buf):
                nsz, dsz, _ = struct.unpack_from("<III", buf, pos)
                name = buf[pos + 12:pos + 12 + nsz].rstrip(b"\0")
                d0 = pos + 12 + ((nsz + 3) & ~3)
                if name == b"VMCOREINFO":
                    text = buf[d0:d0 + dsz].decode("ascii", "replace")
                    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)
                pos = d0 + ((dsz + 3) & ~3)
    return {}


def num(vi, key):
    s = vi.get(key)
    if s is None:
        return None
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def paging_check(a, vi):
    want = EXPECT[a.name]
    ps = num(vi, "PAGESIZE")
    va = num(vi, "NUMBER(VA_BITS)")
    t1sz = num(vi, "NUMBER(TCR_EL1_T1SZ)")
    used = 64 - t1sz if t1sz is not None else va
    got = (ps, va, used, levels(ps, used) if ps and used else None)
    v.check(got == want, "vmcoreinfo-paging",
            f"PAGESIZE {ps}, VA_BITS {va}, TCR_EL1_T1SZ {t1sz} ({used}-bit VA in use):"
            f" {got[3]} translation levels, as {a.name} should have",
            f"PAGESIZE {ps}, VA_BITS {va}, T1SZ {t1sz}: {got}, expected {want}")
    return ps


def layout_check(raw, vi):
    """kexec-tools' arm64 layout: the kernel image PT_LOAD at
    __pa_symbol(_text) (p_vaddr - kimage_voffset), the RAM PT_LOADs at
    __va(p_paddr) = (p_paddr - PHYS_OFFSET) | PAGE_OFFSET; nothing like the
    all-ones p_vaddr kexec-tools writes when kallsyms lacks _text."""
    loads = v.elf_loads(raw)
    kvo = num(vi, "NUMBER(kimage_voffset)")
    phys_off = num(vi, "NUMBER(PHYS_OFFSET)")
    va_bits = num(vi, "NUMBER(VA_BITS)")
    page_offset = (-(1 << va_bits)) & (2**64 - 1)
    bad, image = [], 0
    for lo, hi, va, fs in loads:
        if (va - kvo) & (2**64 - 1) == lo:
            image += 1
        elif (((lo - phys_off) & (2**64 - 1)) | page_offset) != va:
            bad.append(f"[{lo:#x},{hi:#x}) p_vaddr {va:#x}")
    v.check(image == 1 and not bad, "vmcore-layout",
            f"{len(loads)} PT_LOADs: the kernel image at __pa_symbol(_text), the others at"
            f" __va(p_paddr) (PAGE_OFFSET {page_offset:#x})",
            f"kernel-image PT_LOADs {image}, PT_LOADs at no sound address: {bad}")
    v.report("INFO", "vmcore-ptloads",
             " ".join(f"[{lo:#x},{hi:#x})@{va:#x}" for lo, hi, va, _ in loads))


def uts_check(k, raw_k, vi, a):
    """libkdumpfile translates init_uts_ns through the page tables in our
    dump (kept at -d 31) as in the raw copy; skipped where it cannot walk
    even the raw copy (its aarch64 support predates LPA2)."""
    va = int(vi["SYMBOL(init_uts_ns)"], 16) + (num(vi, "OFFSET(uts_namespace.name)") or 0)

    def release(kk):
        b = kk.read(kdumpfile.KDUMP_KVADDR, va + 2 * 65, 65)
        return b.split(b"\0")[0].decode("ascii", "replace")
    try:
        base = release(raw_k)
    except Exception as e:  # noqa: BLE001
        v.report("SKIP", "direct-kvaddr", f"libkdumpfile cannot translate init_uts_ns even in "
                 f"the raw /proc/vmcore copy ({type(e).__name__}: {e})")
        return
    try:
        got = release(k)
    except Exception as e:  # noqa: BLE001
        got = f"{type(e).__name__}: {e}"
    v.check(got == base == a.kver, "direct-kvaddr",
            f"init_uts_ns read through the dump's page tables by libkdumpfile: {got}",
            f"ours {got!r}, raw copy {base!r}, expected {a.kver!r}")


def steps_seconds(out):
    steps = {}
    path = os.path.join(out, "capture-steps.txt")
    if os.path.exists(path):
        for line in open(path):
            f = line.split()
            d = dict(x.split("=") for x in f[1:])
            steps[f[0]] = round(float(d["end"]) - float(d["start"]), 2)
    return steps


def refilter_check(a, rundir, raw, direct, pfns):
    """Our x86_64 build on this host filters the raw copy into the file our
    arm64 build wrote inside the capture kernel (same kept set, same bytes)."""
    outp = os.path.join(rundir, "host-x86.kdump")
    if os.path.exists(outp):
        os.unlink(outp)
    rc, so, se, secs = v.run([a.mdf, "-l", "--message-level", "7", "-d", "31", raw, outp])
    if not v.check(rc == 0, "x86-refilter", f"our x86_64 build, -l -d 31 on the copy: exit 0"
                   f" ({secs:.1f}s)", f"exit {rc}: {(so + se)[-1500:]}"):
        return None
    k = open_dump(outp)
    hp = set(v.pagemap_pfns(k))
    v.check(hp == pfns, "x86-refilter-kept",
            f"same {len(hp)} kept pages as our arm64 build in the capture kernel",
            f"kept sets differ: x86-only {sorted(hp - pfns)[:8]} ({len(hp - pfns)}),"
            f" arm64-only {sorted(pfns - hp)[:8]} ({len(pfns - hp)})")
    v.check(v.cmp_files(outp, direct), "x86-refilter-identical",
            "byte-identical to the arm64 build's dump", "the two files differ")
    if not a.keep:
        os.unlink(outp)
    return round(secs, 2)


def body(a, rundir, out, extra):
    if not v.guest_checks(a, out):
        return
    v.mem_usage_check(out)
    raw = os.path.join(out, "vmcore.raw")
    if not v.check(os.path.exists(raw), "vmcore-raw", "copy of /proc/vmcore",
                   "no copy of /proc/vmcore"):
        return
    vi = elf_notes_vmcoreinfo(raw)
    v.PAGE = paging_check(a, vi) or 4096
    layout_check(raw, vi)
    raw_k = open_dump(raw)
    direct = os.path.join(out, "vmcore")
    k, pfns = v.dump_checks(a, "direct", direct, raw_k)
    if k is None:
        return
    ps = int(k.attr["arch.page_size"])
    v.check(ps == v.PAGE, "direct-page-size", f"libkdumpfile reads {ps}-byte pages",
            f"libkdumpfile page size {ps}, VMCOREINFO {v.PAGE}")
    uts_check(k, raw_k, vi, a)
    v.class_checks(v.load_pfn_records(out), raw_k, pfns, "direct")
    v.flat_checks(a, out, rundir)
    extra["x86_refilter_seconds"] = refilter_check(a, rundir, raw, direct, pfns)
    extra["kept_pages"] = len(pfns)
    extra["dump_bytes"] = os.path.getsize(direct)
    extra["raw_bytes"] = os.path.getsize(raw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--name", required=True, choices=sorted(EXPECT))
    ap.add_argument("--kver", required=True)
    ap.add_argument("--mdf", required=True)
    ap.add_argument("--mdf-arm64", required=True)
    ap.add_argument("--deb")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    a.kexec, a.scen = "load", "ram"
    v.open_dump = open_dump
    t0 = time.time()
    out = os.path.join(a.dir, "share", "out")
    extra = {}
    try:
        body(a, a.dir, out, extra)
    except Exception:  # noqa: BLE001
        import traceback
        v.report("FAIL", "verify", "exception in verify_arm64.py: " + traceback.format_exc()[-1500:])
    # Our wall time in the capture kernel (nr_cpus=1, TCG), per step.
    extra["ours_arm64_capture_seconds"] = steps_seconds(out)
    res = v.results
    counts = {s: sum(1 for r in res if r["status"] == s) for s in ("PASS", "FAIL", "SKIP")}
    with open(os.path.join(a.dir, "results.json"), "w") as f:
        json.dump({"scenario": a.name, "results": res, "counts": counts, **extra,
                   "verify_seconds": round(time.time() - t0, 1)}, f, indent=1)
    print(f"verify: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped"
          f" ({time.time() - t0:.0f}s)")
    if not a.keep:  # the direct dump stays (~30 MB); the rest is large or a copy of it
        for f in ("vmcore.raw", "vmcore.flat", "vmcore.flat-rebuilt"):
            p = os.path.join(out, f)
            if os.path.exists(p):
                os.unlink(p)
    sys.exit(1 if counts["FAIL"] else 0)


if __name__ == "__main__":
    main()
