"""--config FILE (makedumpfile.conf(5) erase commands), the eraseinfo record
and -e.

The fast tests build their own kernel: tests/integration/erase/secrets.c
(structures, arrays, pointer chains, list_head lists, a bit field, a whole
page) compiled with -g and linked at kernel image addresses, loaded into a
synthetic vmcore by mkvmcore --load-elf, and given to the tool as -x.  The
expected erased bytes come from the linker's symbol table (nm) and from a
host program compiled from the same header (offsetof), not from the DWARF
reader under test.  Every page of every output is compared with the input:
exactly the erased bytes differ, and they are zero.

The fixture tests use the fixture kernels' vmlinux debuginfo where the e2e
cache holds it (~/.cache/mdf-e2e/dbg), and the dump's own BTF and kallsyms
without it.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import elfcore
import fixtures
import kdumpout
import symfx
import synth
import tools
from harness import Skip, parametrize, skip

PAGE = 4096
HERE = Path(__file__).resolve().parent / "erase"
KMAP = 0xffffffff80000000
# The test kernel's release: the synthetic dump's utsname and the ELF's
# init_uts_ns, which -x compares.
RELEASE = "6.1.0-erase-test"

CONF = """\
# every form makedumpfile.conf(5) documents, and '->'
[vmlinux]
erase blob_size
erase hello size 5
for s in s_array
	erase s.name
	erase s.blob size s.key_len
endfor
for p in s_ptrs
	erase p.key size 4
	erase p nullify
endfor
for c in chain_head via next
	erase c.key_len
endfor
for c in open1 via next
	erase c.tail
endfor
for e in s_list within secret:link
	erase e.key
endfor
for e in s_list.next within secret:link
	erase e.tail
endfor
for e in empty_list within secret:link
	erase e.key
endfor
erase holder_ptr->inner.key size 8
erase holder.arr
erase null_ptr->key
erase holder.inner.flags
erase holder.sp nullify
erase holder.sp
erase page_secret
"""


def _session_build():
    d = tools._session_dir() / "erase-elf"
    d.mkdir(parents=True, exist_ok=True)
    return d


def secrets():
    """(secrets.elf, symbols {name: (addr, size)}, layout dict), built once."""
    for tool in ("cc", "ld", "nm"):
        if not shutil.which(tool):
            skip(f"{tool} is not installed: can't build the test kernel data")
    d = _session_build()
    elf, lay = d / "secrets.elf", d / "layout.json"
    with fixtures.locked(d / ".lock"):
        if not (elf.is_file() and lay.is_file()):
            obj = d / "secrets.o"
            subprocess.run(["cc", "-g", "-O0", "-fno-pic", "-fno-common", "-mcmodel=large",
                            "-fno-stack-protector", f'-DUTS_RELEASE="{RELEASE}"', "-c",
                            str(HERE / "secrets.c"), "-o", str(obj)], check=True)
            subprocess.run(["ld", "-static", "-nostdlib", "-e", "0", "-T", str(HERE / "secrets.ld"),
                            "-o", str(elf) + ".part", str(obj)], check=True)
            host = d / "layout"
            subprocess.run(["cc", "-o", str(host), str(HERE / "layout.c")], check=True)
            out = subprocess.run([str(host)], check=True, stdout=subprocess.PIPE, text=True).stdout
            lay.write_text(out)
            os.replace(str(elf) + ".part", elf)
    syms = {}
    nm = subprocess.run(["nm", "-S", str(elf)], check=True, stdout=subprocess.PIPE, text=True)
    for line in nm.stdout.splitlines():
        f = line.split()
        if len(f) == 4:
            syms[f[3]] = (int(f[0], 16), int(f[1], 16))
    return elf, syms, json.loads(lay.read_text())


def vmcore():
    elf, syms, lay = secrets()
    vm, man = synth.generate(["--profile", "6.1", "--ram", "256M", "--kaslr", "off",
                              "--osrelease", RELEASE, "--load-elf", str(elf)])
    k = man["kaslr"]
    delta = int(k["text_paddr"], 16) - int(k["text_vaddr"], 16)
    return vm, elf, syms, lay, delta


def expected(syms, lay):
    """The erases CONF makes: ([(vaddr, len)], [eraseinfo line])."""
    S, H = lay["secret"], lay["holder"]
    sz = S["size"]

    def a(name, off=0):
        return syms[name][0] + off

    def f(field):
        return S[field][0]

    r, lines = [], []

    def add(text, va, n, how=None):
        r.append((va, n))
        lines.append(f"erase {text} {how or f'size {n}'}")

    add("blob_size", a("blob_size"), 8)
    add("hello", a("hello"), 5)
    blobs = {0: (0, 11), 1: (64, 12), 3: (128, 14)}
    for i in range(4):
        if i != 2:
            add("s.name", a("hello"), 11)
        if i in blobs:
            add("s.blob", a("blob_data", blobs[i][0]), blobs[i][1])
    for slot, i in ((0, 1), (2, 3)):	# s_ptrs = { &s_array[1], 0, &s_array[3], 0 }
        add("p.key", a("s_array", i * sz + f("key")), 4)
        add("p", a("s_ptrs", 8 * slot), 8, "nullify")
    for c in ("chain1", "chain2", "chain3"):
        add("c.key_len", a(c, f("key_len")), 8)
    for c in ("open1", "open2"):
        add("c.tail", a(c, f("tail")), 4)
    for e in ("l1", "l2"):
        add("e.key", a(e, f("key")), 32)
    for e in ("l1", "l2"):
        add("e.tail", a(e, f("tail")), 4)
    add("holder_ptr->inner.key", a("holder", H["inner"] + f("key")), 8)
    add("holder.arr", a("holder", H["arr"]), 24)
    # the bit fields follow 'name' in the same word
    add("holder.inner.flags", a("holder", H["inner"] + f("name") + 8), 1)
    add("holder.sp", a("holder", H["sp"]), 8, "nullify")
    add("holder.sp", a("s_array"), sz)
    add("page_secret", a("page_secret"), PAGE)
    return r, lines


def erased_bytes(ranges, delta):
    """{pfn: set(offsets)} of the physical bytes @ranges (vaddr, len) cover."""
    out = {}
    for va, n in ranges:
        pa = va + delta
        for b in range(pa, pa + n):
            out.setdefault(b // PAGE, set()).add(b % PAGE)
    return out


def ours(args, **kw):
    return tools.run_tool(tools.require_ours(), args, **kw)


def ok(r):
    assert r.rc == 0, r.describe()
    return r


def write_conf(t, text, name="erase.conf"):
    p = t.tmp / name
    p.write_text(text)
    return p


def check_pages(t, out, vm, er, what, kept=None):
    """Every page of @out (kdump or ELF) against @vm: the same except the
    bytes of @er, which must be zero."""
    k = kdumpout.open_dump(out)
    if kept is None:
        kept, _ = kdumpout.pagemap_int(k)
    others = kept
    for pfn in er:
        others &= ~(1 << pfn)
    n, bad = tools.verify_contents(out, vm, others)
    t.check(not bad, f"{what}: pages without erased bytes differ from the input:\n"
            + tools.describe_bad(bad))
    src = elfcore.ElfCore(vm)
    try:
        for pfn, offs in sorted(er.items()):
            if not (kept >> pfn) & 1:
                t.fail_soft(f"{what}: pfn {pfn:#x} holding erased bytes is not in the output")
                continue
            want = bytearray(src.read_phys(pfn * PAGE, PAGE))
            orig = bytes(want)
            for o in offs:
                want[o] = 0
            got = kdumpout.read_out_pages(k, pfn, 1)
            if got != bytes(want):
                diff = [i for i in range(PAGE) if got[i] != want[i]]
                t.fail_soft(f"{what}: pfn {pfn:#x}: {len(diff)} bytes differ from the expected "
                            f"erasure, first at {diff[:8]}")
            t.check(orig != bytes(want), f"{what}: pfn {pfn:#x}: the test data was zero already")
    finally:
        src.close()
    return n + len(er)


def eraseinfo_of(path):
    h = kdumpout.KdumpHeader(path)
    if not h.size_eraseinfo:
        return ""
    with open(path, "rb") as f:
        f.seek(h.offset_eraseinfo)
        return f.read(h.size_eraseinfo).decode()


def _formats():
    return [(f, {"fmt": f}) for f in ("lzo", "zlib-2threads", "none", "elf", "flat", "split")]


@parametrize(_formats)
def test_erase_exact_bytes(t, fmt):
    """Exactly the named bytes are zero in the output and nothing else
    changed, in every output format; the kept set is the one of the same
    run without --config (a page made all-zero by erasing stays kept)."""
    vm, elf, syms, lay, delta = vmcore()
    ranges, lines = expected(syms, lay)
    er = erased_bytes(ranges, delta)
    conf = write_conf(t, CONF)
    base = ["-d", "31", "-x", elf, "--config", conf]
    plain_out = t.tmp / "plain.kd"
    ok(ours(["-l", "-d", "31", vm, plain_out]))
    plain_kept, _ = kdumpout.pagemap_int(kdumpout.open_dump(plain_out))
    outs = []
    if fmt == "flat":
        out = t.tmp / "out.kd"
        p1 = subprocess.Popen([str(tools.require_ours()), "-F", "-l"] + [str(a) for a in base]
                              + [str(vm)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        r = subprocess.run([str(tools.require_ours()), "-R", str(out)], stdin=p1.stdout,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        p1.stdout.close()
        t.check(p1.wait() == 0 and r.returncode == 0, f"-F | -R failed: {r.stdout[-2000:]}")
        outs = [out]
    elif fmt == "split":
        a, b = t.tmp / "s1.kd", t.tmp / "s2.kd"
        ok(ours(["-l", "--split"] + base + [vm, a, b]))
        whole = t.tmp / "whole.kd"
        ok(ours(["--reassemble", a, b, whole]))
        outs = [whole]
        for part in (a, b):
            t.check(eraseinfo_of(part).splitlines() == lines,
                    f"{part.name}: every split file carries the eraseinfo")
    else:
        out = t.tmp / "out.dump"
        extra = {"lzo": ["-l"], "zlib-2threads": ["-c", "--num-threads", "2"], "none": [],
                 "elf": ["-E"]}[fmt]
        r = ok(ours(extra + base + ["--message-level", "31", vm, out]))
        t.check(re.search(r"Erasing \d+ bytes \(\d+ erase commands\)", r.text),
                "the run says what it erases")
        outs = [out]
    for out in outs:
        kept = None
        if fmt == "elf":
            kept = synth.in_dump(elfcore.ElfCore(out))
        else:
            t.check_equal(eraseinfo_of(out).splitlines(), lines, f"{fmt}: eraseinfo")
            kept, _ = kdumpout.pagemap_int(kdumpout.open_dump(out))
        if fmt != "elf":
            t.check(kept == plain_kept, f"{fmt}: the kept set differs from the run without "
                    f"--config: {kdumpout.fmt_pfns(kept ^ plain_kept)}")
        n = check_pages(t, out, vm, er, fmt, kept)
        t.log(f"{fmt}: {n} pages compared, {len(er)} with erased bytes")
    if fmt == "elf":
        note = _elf_note(outs[0], b"ERASEINFO")
        t.check(note is not None and note.rstrip(b"\0").decode().splitlines() == lines,
                f"ELF output: ERASEINFO note: {note!r:.200}")


def _elf_note(path, name):
    e = elfcore.ElfCore(path)
    try:
        for n_name, _, desc in e._parse_notes():
            if n_name == name:
                return desc
    finally:
        e.close()
    return None


def test_erase_zero_page_stays_kept(t):
    """A page erasing makes all-zero is still a dumped page (-d 31 excludes
    zero pages, but this one was not zero): in the bitmap, counted as kept,
    reading zero."""
    vm, elf, syms, lay, delta = vmcore()
    pfn = (syms["page_secret"][0] + delta) // PAGE
    conf = write_conf(t, "erase page_secret\n")
    out, plain = t.tmp / "out.kd", t.tmp / "plain.kd"
    r = ok(ours(["-l", "-d", "31", "-x", elf, "--config", conf, "--show-stats", vm, out]))
    p = ok(ours(["-l", "-d", "31", "--show-stats", vm, plain]))
    rep, prep = tools.parse_report(r.text), tools.parse_report(p.text)
    t.check_equal(rep.get("Pages filled with zero"), prep.get("Pages filled with zero"),
                  "zero pages counted")
    t.check_equal(rep.get("Remaining pages"), prep.get("Remaining pages"), "remaining pages")
    k = kdumpout.open_dump(out)
    kept, _ = kdumpout.pagemap_int(k)
    t.check((kept >> pfn) & 1, f"pfn {pfn:#x} left the bitmap")
    t.check(kdumpout.read_out_pages(k, pfn, 1) == bytes(PAGE), "the page does not read zero")


def test_eraseinfo_carried(t):
    """eraseinfo survives -d 31 re-filtering and -F | -R; a second --config
    appends to it; -D and --json show it."""
    vm, elf, syms, lay, delta = vmcore()
    _, lines = expected(syms, lay)
    conf = write_conf(t, CONF)
    first = t.tmp / "first.kd"
    ok(ours(["-l", "-d", "1", "-x", elf, "--config", conf, vm, first]))
    refilt = t.tmp / "refilt.kd"
    r = ok(ours(["-c", "-d", "31", "-D", "--json", t.tmp / "r.json", first, refilt]))
    t.check_equal(eraseinfo_of(refilt).splitlines(), lines, "eraseinfo after -d 31 re-filtering")
    t.check("eraseinfo of" in r.text and "erase holder.arr size 24" in r.text,
            "-D shows the input's eraseinfo")
    j = json.loads((t.tmp / "r.json").read_text())
    t.check_equal(j.get("eraseinfo", {}).get("inherited"), lines, "--json eraseinfo.inherited")
    t.check_equal(j.get("eraseinfo", {}).get("added"), [], "--json eraseinfo.added")
    # -F | -R of the erased dump
    flat = t.tmp / "flat.kd"
    p1 = subprocess.Popen([str(tools.require_ours()), "-F", "-d", "31", str(first)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    rr = subprocess.run([str(tools.require_ours()), "-R", str(flat)], stdin=p1.stdout,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    p1.stdout.close()
    t.check(p1.wait() == 0 and rr.returncode == 0, "-F | -R of an erased dump")
    t.check_equal(eraseinfo_of(flat).splitlines(), lines, "eraseinfo after -F | -R")
    # a second config appends
    more = write_conf(t, "erase blob_data size 1K\n", "more.conf")
    again = t.tmp / "again.kd"
    r = ok(ours(["-l", "-d", "31", "-x", elf, "--config", more, "--json", t.tmp / "a.json",
                 refilt, again]))
    t.check_equal(eraseinfo_of(again).splitlines(), lines + ["erase blob_data size 1024"],
                  "eraseinfo appended by a second --config")
    j = json.loads((t.tmp / "a.json").read_text())
    t.check_equal(j["eraseinfo"]["added"], ["erase blob_data size 1024"], "--json added")
    t.check_equal(j["eraseinfo"]["erased_bytes"], 1024, "--json erased_bytes")
    # ELF output of the erased kdump carries the whole record as a note
    eout = t.tmp / "again.elf"
    ok(ours(["-E", "-d", "31", again, eout]))
    note = _elf_note(eout, b"ERASEINFO")
    t.check(note is not None and note.rstrip(b"\0").decode().splitlines()
            == lines + ["erase blob_data size 1024"], "ELF output of an erased dump: its note")


BAD_CONFIGS = [
    ("erase\n", "x.conf:1: expected a symbol after 'erase', got end of file"),
    ("\n\nerase blob_size size\n", "x.conf:3: expected a size or a symbol after 'size', got end of file"),
    ("erase blob_size size 12Q\n", "x.conf:1: expected a size: a decimal number with an optional K or M, got '12Q'"),
    ("erase blob_size size 0\n", "x.conf:1: size must be positive, got '0'"),
    ("for x in s_array\n erase y.key\nendfor\n",
     "x.conf:2: inside the loop, erase works on the loop variable 'x', got 'y.key'"),
    ("for x in s_array\n erase x.key\n", "x.conf:1: 'for' without a matching 'endfor'"),
    ("endfor\n", "x.conf:1: 'endfor' without 'for', got 'endfor'"),
    ("erase a..b\n", "x.conf:1: expected a symbol after 'erase' (names joined by '.' or '->'), got 'a..b'"),
    ("[vmlinux\n", "x.conf:1: section name without ']'"),
    ("erase blob_size [vmlinux]\n", "x.conf:1: a [section] must start a line"),
    ("for x in s_list within secret\n erase x.key\nendfor\n",
     "x.conf:1: expected STRUCT:MEMBER after 'within', got 'secret'"),
    ("bogus\n", "x.conf:1: expected 'erase', 'for' or a [section], got 'bogus'"),
    ("erase no_such_symbol\n", "x.conf:1: can't find symbol 'no_such_symbol'"),
    ("erase holder.nope\n", "x.conf:1: 'holder.nope': struct holder has no member 'nope'"),
    ("erase blob_size nullify\n", "x.conf:1: 'blob_size' is a base type: nullify needs a pointer"),
    ("erase s_array.blob\n", "x.conf:1: 's_array.blob': 's_array' is an array, it has no member 'blob'"),
    ("erase holder.inner.blob\n", "x.conf:1: 'holder.inner.blob' points to void: give 'size N' or 'nullify'"),
    ("for x in blob_size\n erase x\nendfor\n",
     "x.conf:1: 'blob_size' is a base type: without 'via' or 'within' the loop needs an array"),
    ("for x in s_list within secret:key\n erase x.tail\nendfor\n",
     "x.conf:1: 'key' of struct secret is not a struct list_head"),
]


def test_erase_config_errors(t):
    """Bad configs: a clear message naming file, line and token, exit 1,
    and no dump file left behind."""
    vm, elf, *_ = vmcore()
    for i, (text, msg) in enumerate(BAD_CONFIGS):
        conf = t.tmp / "x.conf"
        conf.write_text(text)
        out = t.tmp / f"bad{i}.kd"
        r = ours(["-l", "-d", "31", "-x", elf, "--config", "x.conf", vm, out], cwd=t.tmp)
        t.check(r.rc == 1, f"{text!r}: exit {r.rc}")
        t.check(msg in r.text, f"{text!r}: expected the message {msg!r}, got:\n{r.text[-800:]}")
        t.check(not out.exists(), f"{text!r}: left {out.name} behind")
    r = ours(["-l", "--config", t.tmp / "missing.conf", vm, t.tmp / "m.kd"])
    t.check(r.rc == 1 and "Can't open the config file" in r.text, f"missing file: {r.text[-400:]}")


def test_erase_damaged_list(t):
    """A list that loops without coming back to its head (a damaged dump)
    ends with a warning after its distinct entries; nothing hangs."""
    vm, elf, syms, lay, delta = vmcore()
    conf = write_conf(t, "for e in bad_list within secret:link\n\terase e.key\nendfor\n")
    out = t.tmp / "out.kd"
    r = ok(ours(["-l", "-d", "31", "-x", elf, "--config", conf, vm, out]))
    t.check("the list loops" in r.text, f"no warning about the loop:\n{r.text[-600:]}")
    k = kdumpout.open_dump(out)
    for name in ("d1", "d2", "d3"):
        pa = syms[name][0] + delta
        got = k.read(kdumpout.kdumpfile.KDUMP_KPHYSADDR, pa, 32)
        t.check(got == bytes(32), f"{name}.key not erased")


# --- the fixtures, with and without the vmlinux --------------------------------

FIXTURE_CONF = """\
erase init_uts_ns.name.nodename
erase saved_command_line
erase boot_command_line size 64
for m in modules within module:list
	erase m.name size 8
endfor
for s in super_blocks within super_block:s_list
	erase s.s_id
endfor
"""

def _vmlinux_for(release):
    """The fixture kernel's vmlinux (fetched once into the e2e cache), or None."""
    try:
        return symfx.vmlinux(release)
    except Skip:
        return None


def _ram_fixtures():
    names = [n for n in fixtures.fixture_names() if n.startswith("ram-")]
    if not names:
        return [("no-fixtures", {"name": None})]
    return [(fixtures.short(n), {"name": n}) for n in names]


def _erased_set(vm, out):
    """{pfn: set(offsets)} where the output differs from the input, over
    the output's pages; raises if a differing byte is not zero."""
    k = kdumpout.open_dump(out)
    kept, _ = kdumpout.pagemap_int(k)
    src = elfcore.ElfCore(vm)
    diff = {}
    try:
        for a, b in kdumpout.runs(kept):
            for c in range(a, b, 256):
                n = min(b, c + 256) - c
                got = kdumpout.read_out_pages(k, c, n)
                want = src.read_phys(c * PAGE, n * PAGE)
                if got == want:
                    continue
                for i in range(n):
                    g, w = got[i * PAGE:(i + 1) * PAGE], want[i * PAGE:(i + 1) * PAGE]
                    if g != w:
                        offs = {j for j in range(PAGE) if g[j] != w[j]}
                        assert all(g[j] == 0 for j in offs), f"pfn {c + i:#x}: non-zero change"
                        diff[c + i] = offs
    finally:
        src.close()
    return diff


# What the dump alone can resolve: kallsyms addresses (the dump's BTF has
# types, but of variables only the per-cpu ones).
BOTH_CONF = """\
erase init_uts_ns size 390
erase saved_command_line nullify
erase boot_command_line size 64
"""


@parametrize(_ram_fixtures, heavy=True, weight=3)
def test_erase_fixture_vmlinux_and_btf(t, name):
    """On a real dump: with -x vmlinux the config's bytes are erased (and
    nothing else changes); without it, symbols from the dump's kallsyms
    give the same erased bytes and the same eraseinfo for the commands
    that need no variable type, and commands that need one are refused
    with a message that says to give -x."""
    if name is None:
        fixtures.require_fixture_dir()
        skip("no RAM fixtures")
    vm = fixtures.vmcore_path(name)
    release = elfcore.ElfCore(vm).osrelease()
    vmlinux = _vmlinux_for(release)
    full, both = write_conf(t, FIXTURE_CONF), write_conf(t, BOTH_CONF, "both.conf")
    if vmlinux:
        out = t.tmp / "full.kd"
        ok(ours(["-l", "-d", "31", "-x", vmlinux, "--config", full, vm, out]))
        info, diff = eraseinfo_of(out), _erased_set(vm, out)
        t.check(info.startswith("erase init_uts_ns.name.nodename size 65\n"), f"eraseinfo {info[:200]!r}")
        t.check("erase m.name size 8" in info and "erase s.s_id size 32" in info,
                "loops over modules and super_blocks erased nothing")
        t.log(f"vmlinux: {sum(len(v) for v in diff.values())} bytes erased in {len(diff)} pages")
    else:
        t.log(f"no vmlinux debuginfo for {release}: -x runs skipped")
    r = ours(["-l", "-d", "31", "--config", full, vm, t.tmp / "nox.kd"])
    t.check(r.rc == 1 and "give -x VMLINUX" in r.text
            and "erase.conf:1:" in r.text, f"members without -x: {r.text[-500:]}")
    results = {}
    for how, extra in (("vmlinux", ["-x", vmlinux] if vmlinux else None), ("kallsyms", [])):
        if extra is None:
            continue
        out = t.tmp / f"{how}.kd"
        r = ours(["-l", "-d", "31", "--config", both] + extra + [vm, out])
        if how == "kallsyms" and r.rc != 0 and "kallsyms" in r.text:
            skip(f"the dump's kallsyms can't be read: {r.text.strip().splitlines()[-3:]}")
        ok(r)
        results[how] = (eraseinfo_of(out), _erased_set(vm, out))
    info, diff = results["kallsyms"]
    t.check_equal(info.splitlines(), ["erase init_uts_ns size 390", "erase saved_command_line nullify",
                                      "erase boot_command_line size 64"], "eraseinfo without -x")
    t.check(sum(len(v) for v in diff.values()) > 20, "without -x: too few bytes erased")
    if "vmlinux" in results:
        t.check_equal(results["vmlinux"][0], info, "eraseinfo with the vmlinux vs without")
        t.check(results["vmlinux"][1] == diff, "the erased bytes differ with the vmlinux and without")


@parametrize(_ram_fixtures, heavy=True, weight=6)
def test_erase_crash_sees_zero(t, name):
    """crash opens an erased dump and shows the erased field as zero while
    the field next to it is unchanged."""
    if name is None:
        fixtures.require_fixture_dir()
        skip("no RAM fixtures")
    if not shutil.which("crash"):
        skip("crash is not installed")
    vm = fixtures.vmcore_path(name)
    release = elfcore.ElfCore(vm).osrelease()
    vmlinux = _vmlinux_for(release)
    if not vmlinux:
        skip(f"no vmlinux debuginfo for {release} (linux-image-{release}-dbg)")
    conf = write_conf(t, "erase init_uts_ns.name.nodename\n")
    out = t.tmp / "out.kd"
    ok(ours(["-l", "-d", "31", "-x", vmlinux, "--config", conf, vm, out]))
    script = "p init_uts_ns.name.nodename\np init_uts_ns.name.release\nexit\n"
    p = subprocess.run(["crash", "-s", "--no_scroll", str(vmlinux), str(out)], input=script,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    t.log(p.stdout[-1500:])
    if "$2 =" not in p.stdout:
        # crash 8.0 opens no dump of some newer kernels (6.12), erased or not
        skip(f"crash printed nothing for this kernel's dump (exit {p.returncode})")
    t.check(re.search(r'^\$1 = "(\\000)+"$', p.stdout, re.M) or '$1 = ""' in p.stdout,
            "crash does not show the nodename as zero")
    t.check(re.search(rf'^\$2 = "{re.escape(release)}(\\000)*"$', p.stdout, re.M),
            "crash does not show the release next to it unchanged")


# --- -e ----------------------------------------------------------------------------

def _all_fixtures():
    names = fixtures.fixture_names()
    if not names:
        return [("no-fixtures", {"name": None})]
    return [(fixtures.short(n), {"name": n}) for n in names if "qemu" not in n]


class _PageTables:
    """x86_64 4-level page-table walk over physical reads of a dump (our
    own, libkdumpfile's addrxlat binding fails from Python here)."""

    def __init__(self, k, vm):
        e = elfcore.ElfCore(vm)
        try:
            pgt = e.vi_symbol("init_top_pgt")
            phys_base = e.vi_number("phys_base") or 0
            self.five = bool(e.vi_number("pgtable_l5_enabled"))
        finally:
            e.close()
        self.k, self.root = k, pgt - KMAP + phys_base
        self.cache = {}

    def _entry(self, table, idx):
        raw = self.k.read(kdumpout.kdumpfile.KDUMP_KPHYSADDR, table + idx * 8, 8)
        return int.from_bytes(raw, "little")

    def pfn(self, va):
        page = va >> 12
        if page in self.cache:
            return self.cache[page]
        mask = ((1 << 52) - 1) & ~0xfff
        table, res = self.root, None
        levels = [48, 39, 30, 21, 12] if self.five else [39, 30, 21, 12]
        try:
            for shift in levels:
                e = self._entry(table, (va >> shift) & 511)
                if not e & 1:
                    break
                if shift in (30, 21) and e & 0x80:
                    res = ((e & mask & ~((1 << shift) - 1)) + (va & ((1 << shift) - 1))) >> 12
                    break
                if shift == 12:
                    res = (e & mask) >> 12
                    break
                table = e & mask
        except Exception:  # noqa: BLE001 - a table not in the dump
            res = None
        self.cache[page] = res
        return res


def _struct_page_frames(pt, sections, max_pfn):
    """frame -> [pfns whose struct page it holds], through the dumped
    kernel's page tables (@sections: (mem_map va, first pfn, end pfn) as
    -D lists them)."""
    frames = {}
    for mem_map, lo, hi in sections:
        for pfn in range(lo, min(hi, max_pfn)):
            f = pt.pfn(mem_map + (pfn - lo) * 64)
            if f is not None:
                frames.setdefault(f, []).append(pfn)
    return frames


@parametrize(_all_fixtures, heavy=True, weight=3)
def test_exclude_vmemmap_invariant(t, name):
    """-e leaves out only vmemmap frames every pfn of which is left out, and
    never a frame of a device-backed vmemmap segment; the header says
    DUMP_DH_EXCLUDED_VMEMMAP."""
    if name is None:
        fixtures.require_fixture_dir()
        skip("no fixtures")
    vm = fixtures.vmcore_path(name)
    man = fixtures.manifest(name)
    plain, ex = t.tmp / "plain.kd", t.tmp / "e.kd"
    d = ok(ours(["-l", "-d", "31", "-D", vm, plain]))
    sections = [(int(m.group(1), 16), int(m.group(2), 16), int(m.group(3), 16))
                for m in re.finditer(r"mem_map\[\s*\d+\]\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)",
                                     d.text)]
    t.check(sections, "-D lists no mem_map sections")
    r = ok(ours(["-l", "-d", "31", "-e", "--work-dir", t.tmp, vm, ex]))
    m = re.search(r"Excluded (\d+) unused vmemmap pages", r.text)
    t.check(m, "no 'Excluded N unused vmemmap pages' line")
    t.check(kdumpout.KdumpHeader(ex).status & kdumpout.DUMP_DH_EXCLUDED_VMEMMAP,
            "status lacks DUMP_DH_EXCLUDED_VMEMMAP")
    kp = kdumpout.open_dump(plain)
    ke = kdumpout.open_dump(ex)
    a, n = kdumpout.pagemap_int(kp)
    b, _ = kdumpout.pagemap_int(ke)
    t.check(b & ~a == 0, "-e kept pages the plain run left out")
    dropped = a & ~b
    t.check_equal(kdumpout.popcount(dropped), int(m.group(1)) if m else -1,
                  "dropped pages vs the message")
    frames = _struct_page_frames(_PageTables(kp, vm), sections, n)
    for f in kdumpout.iter_pfns(dropped):
        pfns = frames.get(f)
        if pfns is None:
            t.fail_soft(f"pfn {f:#x} left out by -e holds no struct page")
            continue
        kept = [p for p in pfns if (b >> p) & 1]
        t.check(not kept, f"frame {f:#x} left out, but pfns it describes are kept: {kept[:4]}")
    for lo, hi in fixtures.dbv_ranges(man):
        seg = kdumpout.ranges_to_int([(lo, hi)])
        t.check(dropped & seg == 0, f"-e thinned the device-backed vmemmap {lo:#x}-{hi:#x}")
    t.log(f"{kdumpout.popcount(dropped)} vmemmap frames left out")



@parametrize(_ram_fixtures, heavy=True, weight=2)
def test_erase_module_section(t, name):
    """[module] sections: the module is found on the dumped kernel's module
    list, its symbols in its kallsyms table (addresses and sizes); a module
    that is not loaded is skipped with a message."""
    if name is None:
        fixtures.require_fixture_dir()
        skip("no RAM fixtures")
    vm = fixtures.vmcore_path(name)
    conf = write_conf(t, "[ext4]\nerase ext4_li_mtx\nerase ext4_li_info nullify\n"
                         "[no_such_module]\nerase whatever size 8\n")
    out = t.tmp / "out.kd"
    r = ours(["-l", "-d", "31", "--config", conf, vm, out])
    if r.rc != 0 and "ext4 is not loaded" in r.text:
        skip("ext4 is not a loaded module in this dump")
    ok(r)
    t.check("section [no_such_module]" in r.text and "not loaded" in r.text and "skipped" in r.text,
            f"no message about the missing module:\n{r.text[-600:]}")
    lines = eraseinfo_of(out).splitlines()
    t.check(len(lines) == 2 and re.fullmatch(r"erase ext4_li_mtx size \d+", lines[0])
            and lines[1] == "erase ext4_li_info nullify", f"eraseinfo {lines}")
    diff = _erased_set(vm, out)
    t.check(diff, "nothing of the module's data was erased")
