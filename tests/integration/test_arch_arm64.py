"""The aarch64 kernel model (arch/aarch64.c) on the real arm64 fixtures,
against the ground truth their manifests recorded in the guest: the
layout the model infers (VA bits in use, levels, PAGE_OFFSET), __pa_symbol
of the kernel image, the randomised linear map ("negative" PHYS_OFFSET),
struct pages through vmemmap, all by --vtop through the dump's own page
tables, and init_uts_ns read through them into the kdump header.  The
systematic level x codec matrix against the reference outputs lives with
the fixture tests; this checks the translation itself.
"""

import re
import shutil
import struct

import fixtures
import tools
from harness import parametrize

NAMES = ["arm64/ram-6.1-arm64-kdump-kexec_load", "arm64/ram-6.12-arm64-kdump-kexec_load"]
M64 = (1 << 64) - 1


def _params():
    return [(n.split("/")[1].replace("-kdump-kexec_load", ""), {"name": n}) for n in NAMES]


def _hex(v):
    return int(v, 16) if isinstance(v, str) else int(v)


def _run(t, vm, args, tag):
    out = t.tmp / f"out-{tag}"
    r = tools.run_tool(tools.require_ours(), args + ["-l", "-d", "31", vm, out], timeout=300)
    t.check_equal(r.rc, 0, f"exit status of {' '.join(args)}:\n" + r.describe())
    if out.exists():
        out.unlink()
    return r


def _vtop(t, vm, va):
    r = _run(t, vm, ["--vtop", hex(va)], f"{va:x}")
    m = re.search(r"^\s*PAGE:\s+([0-9a-f]+)", r.text, re.M)
    if not m:
        t.fail_soft(f"--vtop {va:#x}: no PAGE line:\n" + r.describe())
        return None
    return int(m.group(1), 16)


@parametrize(_params, weight=2.0)
def test_translations(t, name):
    vm = fixtures.vmcore_path(name)
    man = fixtures.manifest(name)
    rt, vi = man["kernel_runtime"], man["vmcoreinfo"]
    voff = _hex(rt["kimage_voffset"])
    phys_offset = _hex(rt["phys_offset_memstart_addr"])
    page_offset = _hex(rt["page_offset"])
    want = {
        _hex(rt["swapper_pg_dir"]): _hex(rt["swapper_pg_dir_pa"]),
        # _stext, not _text: the image header before it is not mapped (6.1).
        _hex(vi["SYMBOL(_stext)"]): _hex(rt["__pa_symbol_text"]) +
        _hex(vi["SYMBOL(_stext)"]) - _hex(rt["_text"]),
        _hex(vi["SYMBOL(init_uts_ns)"]): (_hex(vi["SYMBOL(init_uts_ns)"]) - voff) & M64,
    }
    # The linear map: __va(pa) = (pa - PHYS_OFFSET) | PAGE_OFFSET.
    for ph in man["pt_loads"]:
        if ph["type"] == "LOAD" and _hex(ph["vaddr"]) < _hex(rt["_text"]):
            pa = _hex(ph["paddr"]) + 0x1234
            want[((pa - phys_offset) | page_offset) & M64] = pa
    # struct pages of recorded user pages, through vmemmap.
    for m in man["recorded_mappings"]:
        for s in m.get("samples", [])[:2]:
            want[_hex(s["struct_page_va"])] = _hex(s["struct_page_pa"])
    for va, pa in want.items():
        got = _vtop(t, vm, va)
        if got is not None:
            t.check_equal(hex(got), hex(pa), f"--vtop {va:#x}")


@parametrize(_params, weight=1.0)
def test_layout_and_utsname(t, name):
    vm = fixtures.vmcore_path(name)
    man = fixtures.manifest(name)
    rt = man["kernel_runtime"]
    r = _run(t, vm, ["--message-level", "31"], "layout")
    m = re.search(r"va_bits\s*:\s*(\d+) \((\d+) in use\)", r.text)
    t.check(m is not None, "no va_bits line:\n" + r.describe())
    if m:
        t.check_equal(int(m.group(1)), rt["va_bits"], "VA_BITS")
        t.check_equal(int(m.group(2)), rt["va_bits_actual_from_T1SZ"], "VA bits in use")
    m = re.search(r"paging\s*:\s*(\d+)-level", r.text)
    t.check(m is not None and int(m.group(1)) == rt["pgtable_levels"],
            f"levels, want {rt['pgtable_levels']}:\n" + r.describe())
    m = re.search(r"page_offset\s*:\s*([0-9a-f]+)", r.text)
    t.check(m is not None and int(m.group(1), 16) == _hex(rt["page_offset"]),
            f"PAGE_OFFSET, want {rt['page_offset']}")
    # The kdump header's utsname comes from init_uts_ns, read through the
    # page tables; the guest recorded what it holds.
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(), ["-l", "-d", "31", vm, out], timeout=300)
    t.check_equal(r.rc, 0, "exit status:\n" + r.describe())
    with open(out, "rb") as f:
        h = f.read(12 + 6 * 65)
    fields = [h[12 + i * 65:12 + (i + 1) * 65].split(b"\0")[0].decode() for i in range(6)]
    uts = man["init_uts_ns_via_page_tables"]
    for i, key in enumerate(["sysname", "nodename", "release", "version", "machine"]):
        t.check_equal(fields[i], uts[key], f"utsname.{key} in the kdump header")


@parametrize(lambda: [p for p in _params() if p[0].startswith("ram-6.1-")], heavy=True, weight=3.0)
def test_stock_kexec_tools_header(t, name):
    """Debian 12's own kexec-tools on its 6.1 arm64 kernel (no _text in
    kallsyms) writes the kernel-image PT_LOAD with p_vaddr all ones and a
    size near 2^64, and the RAM PT_LOADs' p_vaddr from a page_offset of 0
    (ARM64.md).  The impossible PT_LOAD is ignored with a warning; the dump
    made from the RAM PT_LOADs is the one the sound header gives."""
    vm = fixtures.vmcore_path(name)
    bad = t.tmp / "stock.vmcore"
    shutil.copyfile(vm, bad)
    with open(bad, "r+b") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        for i in range(phnum):
            f.seek(phoff + i * 56)
            ph = list(struct.unpack("<IIQQQQQQ", f.read(56)))
            if ph[0] != 1:
                continue
            if ph[3] >> 63 and ph[3] >= 0xffff800000000000:   # the kernel image
                ph[3] = M64
                ph[5] = ph[6] = (1 << 64) - ph[4]
            else:
                ph[3] = ph[4]
            f.seek(phoff + i * 56)
            f.write(struct.pack("<IIQQQQQQ", *ph))
    outs = []
    for src in (vm, bad):
        out = t.tmp / f"{src.name}.kdump"
        r = tools.run_tool(tools.require_ours(), ["-l", "-d", "31", src, out], timeout=300)
        t.check_equal(r.rc, 0, "exit status:\n" + r.describe())
        outs.append(out)
    t.check("outside the physical address space; ignored" in r.text,
            "no warning about the impossible PT_LOAD:\n" + r.describe())
    t.check(outs[0].read_bytes() == outs[1].read_bytes(),
            "the dump differs from the one the sound header gives")
