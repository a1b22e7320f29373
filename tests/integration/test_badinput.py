"""Hostile and damaged inputs (issue 6): wrong magic, absurd program
headers, missing or garbage VMCOREINFO keys, page tables that loop or
point outside the dump, a mem_section pointing at itself, a huge
max_mapnr, damaged kdump headers and descriptors.

Each input is a copy of a small mkvmcore output (or of our dump of it)
patched with struct (tests/lib/faults_patch.py); nothing binary is
committed.  Each case has one of these expected outcomes:

* ERR      a clear error naming the problem, exit 1, no output file;
* DEGRADED exit 0 and a complete dump, with the documented warning: for a
           kernel model without struct pages, "no page is excluded by its
           class" (everything is saved unfiltered);
* OK       exit 0, a complete dump (a key the tool can do without);
* PARTIAL  exit 1, a dump flagged incomplete (data of the input missing);

and never a crash, a hang (every run has a time limit far below what the
bug would take) or pages that read back different from the input.
"""

import json
import os

import faults
import faults_patch as fp
import kdumpout
import synth
import tools
from harness import parametrize

ARGS = ["-l", "-d", "31"]
NO_CLASS = "no page is excluded by its class"
KMAP = 0xFFFFFFFF80000000
PRESENT_RW = 0x63
PSE = 0x80
ADDR = 0x000FFFFFFFFFF000


def _run(t, vm, expect, message=None, args=ARGS, timeout=120, verify_every=50, source=None):
    """Run our tool on @vm and check the @expect outcome; pages of the dump
    are compared with @source (default @vm; False: not compared)."""
    d = t.tmp / "out"
    d.mkdir(exist_ok=True)
    out = d / "dump"
    r = tools.run_tool(tools.require_ours(), list(args) + [vm, out], timeout=timeout)
    t.log(r.describe(1500))
    t.check(r.rc in (0, 1), f"crash or sanitizer report (exit {r.rc}):\n" + r.describe())
    if message:
        t.check(message in r.text, f"no message containing {message!r}:\n" + r.describe())
    if expect == "ERR":
        t.check_equal(r.rc, 1, "exit status")
        t.check("makedumpfile Failed." in r.text, "no failure line:\n" + r.describe())
        faults.only_files(t, d, [], "after the failed run")
        return r
    faults.only_files(t, d, ["dump"], "after the run")
    if not out.exists():
        t.fail_soft("no output file:\n" + r.describe())
        return r
    t.check_equal(oct(kdumpout.file_mode(out)), oct(0o600), "output mode")
    if expect == "PARTIAL":
        t.check_equal(r.rc, 1, "exit status of an incomplete dump")
        faults.check_incomplete(t, out, "incomplete dump")
    else:
        t.check_equal(r.rc, 0, "exit status:\n" + r.describe())
        h = kdumpout.KdumpHeader(out)
        t.check(not h.status & kdumpout.DUMP_DH_COMPRESSED_INCOMPLETE, "flagged incomplete")
    if expect == "DEGRADED":
        t.check(NO_CLASS in r.text, f"no {NO_CLASS!r} warning:\n" + r.describe())
    if source is False:
        faults.check_structure(t, out, expect)
    else:
        faults.check_pages(t, out, source or vm, expect, every=verify_every)
    return r


def _small():
    vm, man = synth.generate(faults.SMALL)
    return vm, man


def _copy(t, vm, name="input.vmcore"):
    return fp.Vmcore(vm, t.tmp / name)


# --- not a dump at all ---------------------------------------------------------------

@parametrize(lambda: [(n, {"kind": n}) for n in
                      ("empty", "zeros", "text", "elf-magic-only", "kdump-magic-only",
                       "flat-magic-only", "diskdump", "directory")])
def test_not_a_dump(t, kind):
    """Files that are no dump at all: a clear error naming the input."""
    p = t.tmp / "input"
    data = {
        "empty": b"", "zeros": b"\0" * 65536, "text": b"hello, world\n" * 100,
        "elf-magic-only": b"\x7fELF", "kdump-magic-only": b"KDUMP   ",
        "flat-magic-only": b"makedumpfile\0\0\0\0", "diskdump": b"DISKDUMP" + b"\0" * 4096,
    }
    if kind == "directory":
        p.mkdir()
    else:
        p.write_bytes(data[kind])
    r = _run(t, p, "ERR", str(p))


# --- program headers -------------------------------------------------------------------

def _phdr_cases():
    return [(n, {"case": n}) for n in (
        "offset-beyond-file", "offset-2^63", "filesz-2^63", "filesz-over-memsz", "zero-size",
        "paddr-overflow", "kexec-tools-arm64-garbage-text", "every-load-outside", "paddr-2^51", "paddr-2^51-no-sections", "memsz-2^45",
        "overlap-other-data", "all-same-paddr", "phnum-0", "phoff-beyond-file", "phnum-xnum",
        "elf32", "big-endian", "aarch64", "s390x", "not-core", "note-size-2^62", "note-namesz-garbage")]


@parametrize(_phdr_cases, weight=1.2)
def test_program_headers(t, case):
    """Absurd, overlapping or out-of-file PT_LOADs and ELF headers.  Data
    that lies outside the file makes an incomplete dump (PARTIAL); a
    PT_LOAD whose end overflows is an error; memory above the kernel's
    physical address space is left out with a warning (without it, a
    PT_LOAD at 2^51 cost bitmaps of 2^39 pfns: minutes and a 137 GB
    sparse file); memory above the last memory section is not dumped, as
    makedumpfile does (sparsemem clips max_mapnr)."""
    vm, _ = _small()
    v = _copy(t, vm)
    ti, tp = v.text_load()
    ri, rp = v.ram_loads()[-1]
    note = [i for i, p in enumerate(v.phdrs()) if p[0] == fp.PT_NOTE][0]
    expect, msg = "OK", None
    if case == "offset-beyond-file":
        v.set_phdr(ri, p_offset=1 << 40)
        expect, msg = "PARTIAL", "is truncated"
    elif case == "offset-2^63":
        v.set_phdr(ri, p_offset=1 << 63)
        expect, msg = "PARTIAL", "is truncated"
    elif case == "filesz-2^63":
        v.set_phdr(ri, p_filesz=1 << 63)
    elif case == "filesz-over-memsz":
        v.set_phdr(ri, p_filesz=rp[6] * 2)
    elif case == "zero-size":
        v.set_phdr(ti, p_filesz=0, p_memsz=0)
    elif case == "paddr-overflow":
        # Ignored with a warning; the RAM PT_LOADs still make the dump.
        v.set_phdr(ti, p_paddr=(1 << 64) - 4096, p_memsz=8192)
        expect, msg = "OK", "outside the physical address space; ignored"
    elif case == "kexec-tools-arm64-garbage-text":
        # kexec-tools 2.0.25, arm64 kallsyms without _text: p_vaddr all
        # ones and a size near 2^64 (ARM64.md).
        v.set_phdr(ti, p_vaddr=(1 << 64) - 1, p_memsz=(1 << 64) - 0x1000,
                   p_filesz=(1 << 64) - 0x1000)
        expect, msg = "OK", "outside the physical address space; ignored"
    elif case == "every-load-outside":
        for i, _ in v.loads():
            v.set_phdr(i, p_paddr=(1 << 64) - 4096, p_memsz=8192)
        expect, msg = "ERR", "every PT_LOAD lies outside"
    elif case == "paddr-2^51":
        v.set_phdr(ti, p_paddr=1 << 51, p_filesz=4096, p_memsz=4096)
    elif case == "paddr-2^51-no-sections":
        v.set_phdr(ti, p_paddr=1 << 51, p_filesz=4096, p_memsz=4096)
        v.edit_vmcoreinfo(fp.drop_key("SYMBOL(mem_section)"))
        expect, msg = "DEGRADED", "above the kernel's 46-bit physical address space"
    elif case == "memsz-2^45":
        v.set_phdr(ti, p_paddr=1 << 40, p_filesz=4096, p_memsz=1 << 45)
    elif case == "overlap-other-data":
        n = min(tp[5], rp[5])
        v.set_phdr(ti, p_offset=rp[2], p_filesz=n, p_memsz=n)
    elif case == "all-same-paddr":
        for i, _ in v.loads():
            v.set_phdr(i, p_paddr=0x100000)
        expect = "DEGRADED"
    elif case == "phnum-0":
        v.set_ehdr("<H", 56, 0)
        expect, msg = "ERR", "no program headers"
    elif case == "phoff-beyond-file":
        v.set_ehdr("<Q", 32, 1 << 40)
        expect, msg = "ERR", "cut short"
    elif case == "phnum-xnum":
        v.set_ehdr("<H", 56, 0xFFFF)
        expect = None
    elif case == "elf32":
        v.set_ehdr("<B", 4, 1)
        expect, msg = "ERR", "only ELF64"
    elif case == "big-endian":
        v.set_ehdr("<B", 5, 2)
        expect, msg = "ERR", "big-endian"
    elif case == "aarch64":
        # An x86_64 VMCOREINFO read as arm64: no arm64 layout facts.
        v.set_ehdr("<H", 18, 183)
        expect, msg = "ERR", "NUMBER(VA_BITS)"
    elif case == "s390x":
        v.set_ehdr("<H", 18, 22)
        expect, msg = "ERR", "not a supported architecture"
    elif case == "not-core":
        v.set_ehdr("<H", 16, 2)
        expect, msg = "ERR", "not a core file"
    elif case == "note-size-2^62":
        v.set_phdr(note, p_filesz=1 << 62)
        expect, msg = "ERR", "beyond the end of the file"
    elif case == "note-namesz-garbage":
        v.write(v.phdrs()[note][2], (0xFFFFFFF0).to_bytes(4, "little"))
        expect, msg = "ERR", "damaged"
    if expect is None:
        # libelf decides what PN_XNUM without section 0 means: either way
        # a clear error or a good dump, no crash.
        r = tools.run_tool(tools.require_ours(), ARGS + [v.path, t.tmp / "x"], timeout=120)
        t.check(r.rc in (0, 1), f"exit {r.rc}:\n" + r.describe())
        return
    # Two PT_LOADs giving different data for the same memory: the input
    # contradicts itself, either copy is right; the structure is checked.
    # An ignored impossible PT_LOAD: the unpatched input is the truth (a
    # reader taking the patched header at its word reads garbage there).
    _run(t, v.path, expect, msg, timeout=60,
         source=False if case == "overlap-other-data" else
         vm if case in ("paddr-overflow", "kexec-tools-arm64-garbage-text") else None)


# --- VMCOREINFO ------------------------------------------------------------------------

# (key, value or None to remove it, expected outcome, message)
VMCOREINFO_CASES = [
    ("PAGESIZE", None, "ERR", "lacks PAGESIZE"),
    ("PAGESIZE", "zzzz", "ERR", "lacks PAGESIZE"),
    ("PAGESIZE", "12345", "ERR", "implausible page size"),
    ("PAGESIZE", "65536", "ERR", "x86_64 pages are 4096 bytes"),
    ("OSRELEASE", None, "ERR", "lacks OSRELEASE"),
    ("OSRELEASE", "x" * 100, "OK", "can't parse the kernel release"),
    ("SIZE(page)", None, "ERR", "SIZE(page)"),
    ("SIZE(page)", "0", "ERR", "SIZE(page)"),
    ("SIZE(page)", "18446744073709551615", "ERR", "SIZE(page)"),
    ("OFFSET(page.flags)", None, "ERR", "OFFSET(page.flags)"),
    ("OFFSET(page.flags)", "4096", "ERR", "exceed SIZE(page)"),
    ("OFFSET(page.mapping)", None, "ERR", "OFFSET(page.mapping)"),
    ("OFFSET(page._mapcount)", None, "OK", None),
    ("OFFSET(page._mapcount)", "4000000000", "OK", None),
    ("OFFSET(page.compound_order)", "65535", "OK", None),
    ("SYMBOL(mem_section)", None, "DEGRADED", "neither SYMBOL(mem_section) nor SYMBOL(vmemmap)"),
    ("SYMBOL(mem_section)", "0", "DEGRADED", None),
    ("SYMBOL(mem_section)", "ffffffffffffffff", "DEGRADED", None),
    ("SYMBOL(mem_section)", "garbage", "DEGRADED", None),
    ("SYMBOL(init_top_pgt)", None, "ERR", "SYMBOL(init_top_pgt)"),
    ("SYMBOL(init_top_pgt)", "0", "ERR", "not a kernel-image address"),
    ("SYMBOL(init_top_pgt)", "ffffffffffffffff", "DEGRADED", "can't read init_uts_ns"),
    ("NUMBER(phys_base)", None, "OK", None),
    ("NUMBER(phys_base)", "0", "DEGRADED", None),
    ("NUMBER(phys_base)", "-1", "DEGRADED", None),
    ("NUMBER(phys_base)", "zz", "OK", None),
    ("LENGTH(mem_section)", None, "OK", None),
    ("LENGTH(mem_section)", "1", "DEGRADED", None),
    ("LENGTH(mem_section)", "18446744073709551615", "DEGRADED", None),
    ("NUMBER(SECTION_SIZE_BITS)", None, "OK", None),
    ("NUMBER(SECTION_SIZE_BITS)", "0", "DEGRADED", "implausible SECTION_SIZE_BITS"),
    ("NUMBER(SECTION_SIZE_BITS)", "13", "DEGRADED", None),
    ("NUMBER(SECTION_SIZE_BITS)", "-5", "DEGRADED", "implausible SECTION_SIZE_BITS"),
    ("NUMBER(MAX_PHYSMEM_BITS)", None, "OK", None),
    ("NUMBER(MAX_PHYSMEM_BITS)", "64", "DEGRADED", "implausible"),
    ("NUMBER(MAX_PHYSMEM_BITS)", "1", "DEGRADED", "implausible"),
    ("NUMBER(MAX_PHYSMEM_BITS)", "8", "DEGRADED", "implausible"),
    ("SIZE(mem_section)", None, "DEGRADED", "SIZE(mem_section)"),
    ("SIZE(mem_section)", "4096", "DEGRADED", None),
    ("OFFSET(mem_section.section_mem_map)", "4090", "DEGRADED", "out of range"),
    ("NUMBER(pgtable_l5_enabled)", "1", "DEGRADED", None),
    ("NUMBER(sme_mask)", "18446744073709551615", "DEGRADED", None),
    ("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", "0", "OK", None),
    ("NUMBER(PG_lru)", "-1", "OK", None),
    ("LENGTH(zone.free_area)", "4000000000", "OK", None),
    ("SYMBOL(init_uts_ns)", "0", "OK", "can't read init_uts_ns"),
    ("OFFSET(uts_namespace.name)", "18446744073709551615", "OK", None),
]


def _vi_id(key, value):
    v = "removed" if value is None else ("long" if len(value) > 24 else value)
    return f"{key}={v}"


@parametrize(lambda: [(_vi_id(k, v), {"key": k, "value": v, "expect": e, "message": m})
                      for k, v, e, m in VMCOREINFO_CASES])
def test_vmcoreinfo_key(t, key, value, expect, message):
    """An important VMCOREINFO key removed or set to garbage: a clear error
    when the dump can't be read without it, the dump saved unfiltered with
    the "no page is excluded by its class" warning when only the struct
    pages are lost, a normal dump when the tool can do without."""
    vm, _ = _small()
    v = _copy(t, vm)
    v.edit_vmcoreinfo(fp.drop_key(key) if value is None else fp.set_key(key, value))
    _run(t, v.path, expect, message, timeout=60)


@parametrize(lambda: [(n, {"case": n}) for n in
                      ("no-note", "empty", "crlf", "nul-inside", "duplicate-keys",
                       "no-newline-at-end", "binary-garbage")])
def test_vmcoreinfo_text(t, case):
    """The VMCOREINFO note missing, empty, with CRLF line ends, a NUL in the
    middle, keys given twice (the first one counts), or binary garbage."""
    vm, _ = _small()
    v = _copy(t, vm)
    text = v.vmcoreinfo()
    expect, msg = "OK", None
    if case == "no-note":
        v.set_vmcoreinfo(None)
        expect, msg = "ERR", "no VMCOREINFO"
    elif case == "empty":
        v.set_vmcoreinfo("")
        expect, msg = "ERR", "lacks PAGESIZE"
    elif case == "crlf":
        v.set_vmcoreinfo("\r\n".join(l for l in text.split("\n") if not l.startswith(
            ("BUILD-ID", "SYMBOL(kallsyms"))))
    elif case == "nul-inside":
        v.set_vmcoreinfo(text[:200] + "\0" + text[201:])
    elif case == "duplicate-keys":
        v.edit_vmcoreinfo(lambda l: l + ["PAGESIZE=65536", "SYMBOL(mem_section)=0"])
    elif case == "no-newline-at-end":
        v.set_vmcoreinfo(text.rstrip("\n"))
    elif case == "binary-garbage":
        v.set_vmcoreinfo(bytes(range(256)) * 12)
        expect, msg = "ERR", "lacks PAGESIZE"
    _run(t, v.path, expect, msg, timeout=60)


# --- page tables and mem_section ---------------------------------------------------------

def _idx(va, level):
    return (va >> (12 + 9 * level)) & 511


def _pagetable_cases():
    return [(n, {"case": n}) for n in (
        "vmemmap-pgd-loop", "vmemmap-pud-loop", "pud-all-1g-leaves", "pmd-leaves-outside",
        "direct-map-outside", "mem_section-root-self", "mem_section-roots-same",
        "sections-garbage", "5level-p4d-loop", "5level-pud-loop")]


@parametrize(_pagetable_cases, weight=1.5)
def test_page_tables(t, case):
    """Page tables that loop (an entry pointing at its own table) or point
    outside the dump, and a mem_section that points at itself: every
    translation ends, the walk of the vmemmap visits each table once, the
    dump is written (struct pages that can't be found keep their pages).
    A P4D pointing at itself made the device-vmemmap walk visit 512^4
    entries: more than 10 minutes; the limit here is 60 s."""
    five = case.startswith("5level")
    vm, man = synth.generate(faults.SMALL + (["--five-level"] if five else []))
    v = _copy(t, vm)
    phys_base = int(v.vi_value("NUMBER(phys_base)"))
    pgd = int(v.vi_value("SYMBOL(init_top_pgt)"), 16) - KMAP + phys_base
    page_offset = int(man["kaslr"]["page_offset_base"], 16)
    vmemmap = int(man["kaslr"]["vmemmap_base"], 16)
    ms_va = int(v.vi_value("SYMBOL(mem_section)"), 16)
    ms_pa = ms_va - page_offset
    top = 4 if five else 3

    def table(va, level):
        """Physical address of the table at @level on the way to @va."""
        pa = pgd
        for lvl in range(top, level, -1):
            pa = v.read_u64(pa + 8 * _idx(va, lvl)) & ADDR
        return pa

    if case == "vmemmap-pgd-loop":
        v.write_u64(pgd + 8 * _idx(vmemmap, top), pgd | PRESENT_RW)
    elif case in ("vmemmap-pud-loop", "5level-pud-loop"):
        pud = table(vmemmap, 2)
        for i in range(512):
            v.write_u64(pud + 8 * i, pud | PRESENT_RW)
    elif case == "5level-p4d-loop":
        p4d = table(vmemmap, 3)
        for i in range(512):
            v.write_u64(p4d + 8 * i, p4d | PRESENT_RW)
    elif case == "pud-all-1g-leaves":
        pud = table(vmemmap, 2)
        for i in range(512):
            v.write_u64(pud + 8 * i, (i << 30) | PRESENT_RW | PSE)
    elif case == "pmd-leaves-outside":
        pmd = table(vmemmap, 1)
        for i in range(512):
            v.write_u64(pmd + 8 * i, ((1 << 44) + (i << 21)) | PRESENT_RW | PSE)
    elif case == "direct-map-outside":
        v.write_u64(pgd + 8 * _idx(page_offset, top), (1 << 45) | PRESENT_RW)
    elif case == "mem_section-root-self":
        v.write_u64(ms_pa, ms_va)
    elif case == "mem_section-roots-same":
        r0 = v.read_u64(ms_pa)
        for i in range(1, 512):
            v.write_u64(ms_pa + 8 * i, r0)
    elif case == "sections-garbage":
        sec = v.read_u64(ms_pa) - page_offset
        for i in range(128):
            v.write_u64(sec + 32 * i, 0xFFFF888000000000 | 0x3 | (i << 40))
    d = t.tmp / "out"
    d.mkdir()
    out = d / "dump"
    r = tools.run_tool(tools.require_ours(), ARGS + [v.path, out], timeout=60)
    t.log(r.describe(1500))
    t.check_equal(r.rc, 0, "exit status:\n" + r.describe())
    faults.only_files(t, d, ["dump"], "after the run")
    if out.exists():
        faults.check_pages(t, out, vm, case, every=50)


# --- kdump-compressed inputs ------------------------------------------------------------

def _kdump_cases():
    return [(n, {"case": n}) for n in (
        "magic", "version-negative", "block-size-0", "block-size-3000", "block-size-1M",
        "sub-header-huge", "sub-header-1000", "bitmap-blocks-0", "max-mapnr-0",
        "max-mapnr-2^40", "split-reversed", "split-outside", "notes-past-end",
        "vmcoreinfo-past-end", "eraseinfo-past-end", "descriptors-garbage",
        "descriptors-past-end", "descriptors-into-header", "data-garbage", "status-all-bits")]


@parametrize(_kdump_cases, weight=1.2)
def test_kdump_header(t, case):
    """Re-filtering a kdump-compressed file with damaged header fields or
    descriptors: a clear error for a header that can't be right; per-page
    errors (an incomplete dump, PARTIAL) for damaged descriptors and data;
    a header claiming 2^40 pfns in a 27 MB file is bounded by what the file
    holds (it took a 2 GiB rank table and more than two minutes)."""
    vm, _ = _small()
    ref = faults.reference_dump(vm, ARGS)
    p = faults.cut_copy(ref, t.tmp / "input.kdump", os.path.getsize(ref))
    lay = faults.kdump_layout(ref)
    h = lay.header
    bs, table = h.block_size, lay.table
    K = fp.patch_kdump
    sub = bs  # the sub header
    expect, msg = "PARTIAL", None
    if case == "magic":
        K(p, "8s", 0, b"KDUMPXXX")
        expect, msg = "ERR", "neither an ELF vmcore nor a kdump"
    elif case == "version-negative":
        K(p, "<i", 8, -1)
        expect, msg = "ERR", "negative header version"
    elif case == "block-size-0":
        K(p, "<i", 428, 0)
        expect, msg = "ERR", "implausible block size"
    elif case == "block-size-3000":
        K(p, "<i", 428, 3000)
        expect, msg = "ERR", "implausible block size"
    elif case == "block-size-1M":
        K(p, "<i", 428, 1 << 20)
        expect, msg = "ERR", "implausible block size"
    elif case == "sub-header-huge":
        K(p, "<i", 432, 1 << 20)
        expect, msg = "ERR", "implausible sub header size"
    elif case == "sub-header-1000":
        K(p, "<i", 432, 1000)
        expect = "PARTIAL"
    elif case == "bitmap-blocks-0":
        K(p, "<I", 436, 0)
        expect, msg = "ERR", "bitmap too small"
    elif case == "max-mapnr-0":
        K(p, "<I", 440, 0)
        K(p, "<Q", sub + 96, 0)
        expect, msg = "ERR", "implausible max_mapnr"
    elif case == "max-mapnr-2^40":
        K(p, "<I", 436, 1 << 26)
        K(p, "<Q", sub + 96, 1 << 40)
        expect, msg = "PARTIAL", "cut short inside its bitmaps"
    elif case == "split-reversed":
        K(p, "<I", sub + 12, 1)
        K(p, "<QQ", sub + 80, 100, 50)
        expect, msg = "ERR", "split range is outside the dump"
    elif case == "split-outside":
        K(p, "<I", sub + 12, 1)
        K(p, "<QQ", sub + 80, 0, 1 << 41)
        expect, msg = "ERR", "split range is outside the dump"
    elif case == "notes-past-end":
        K(p, "<QQ", sub + 48, 1 << 62, 4000)
        expect, msg = "ERR", "notes lie past the end"
    elif case == "vmcoreinfo-past-end":
        K(p, "<QQ", sub + 48, 0, 0)
        K(p, "<QQ", sub + 32, 1 << 62, 100)
        expect, msg = "ERR", "notes lie past the end"
    elif case == "eraseinfo-past-end":
        K(p, "<QQ", sub + 64, 1 << 62, 100)
        expect, msg = "PARTIAL", "eraseinfo is lost"
    elif case == "descriptors-garbage":
        for i in range(2000):
            K(p, "<QIIQ", table + 24 * i, (1 << 63) + i, 5000, 0x80, 0)
        expect, msg = "PARTIAL", "corrupt page descriptor"
    elif case == "descriptors-past-end":
        for i in range(2000):
            K(p, "<QIIQ", table + 24 * i, 1 << 40, 100, 2, 0)
        expect, msg = "PARTIAL", "past the end"
    elif case == "descriptors-into-header":
        for i in range(2000):
            K(p, "<QIIQ", table + 24 * i, 0, 4096, 0, 0)
        expect, msg = "PARTIAL", "corrupt page descriptor"
    elif case == "data-garbage":
        K(p, "4096s", lay.data + 4096, b"\xff" * 4096)
        K(p, "65536s", (lay.data + lay.size) // 2, os.urandom(65536))
        expect, msg = "PARTIAL", "can't read pfn"
    elif case == "status-all-bits":
        K(p, "<I", 424, 0xFFFFFFFF)
        expect, msg = "PARTIAL", "is an incomplete dump"
    _run(t, p, expect, msg, timeout=60, source=False if case == "data-garbage" else vm)


def test_device_vmemmap_range_to_the_end(t):
    """--device-vmemmap START-ffffffffffffffff (a range to the end of the
    address space, which the command line accepts): the segment reaches pfn
    2^52; rounding END up used to overflow to pfn 0 and the range was
    silently ignored."""
    vm, _ = _small()
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(),
                       ["-D", "--device-vmemmap", "f000000-ffffffffffffffff"] + ARGS + [vm, out],
                       timeout=60)
    t.check_equal(r.rc, 0, "exit status:\n" + r.describe())
    t.check("(pfn 0xf000-0x10000000000000)" in r.text,
            "the hand-named range does not reach the end:\n" + r.describe(6000))
