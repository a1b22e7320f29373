"""The symbols module (symbols/): DWARF answers on a program the test builds
itself (checked against the compiler's own sizeof/offsetof), and on the
fixture kernels DWARF (-x vmlinux) vs BTF and kallsyms found in the dump vs
the dump's VMCOREINFO and the fixture's captured /proc/kallsyms."""

import os
import re
import shutil
import subprocess

import fixtures
import symfx
from harness import parametrize, skip

DATA = fixtures.REPO / "tests" / "integration" / "data"


def _build_symtypes(t):
    cc = shutil.which("cc")
    if not cc:
        skip("no C compiler")
    exe = os.path.join(t.tmp, "symtypes")
    subprocess.run([cc, "-g", "-O0", "-no-pie", "-DPRINT_TRUTH", "-o", exe,
                    str(DATA / "symtypes.c")], check=True)
    truth = subprocess.run([exe], stdout=subprocess.PIPE, text=True, check=True).stdout
    want = dict(line.split("=", 1) for line in truth.splitlines())
    return exe, want


def test_symbols_dwarf_selfbuilt(t):
    """Every sizeof/offsetof/array length/enum value/address the compiler
    printed equals the DWARF answer; bit fields, qualifiers, typedefs."""
    exe, want = _build_symtypes(t)
    extra = ["member:secret.flag2", "member:secret.flag1", "var:global_holder",
             "var:list_nodes", "kind:csecret_t", "member:holder.ptr",
             "kind:colour", "number:NO_SUCH_CONSTANT", "size:no_such_type",
             "offset:secret.no_such_member", "member:secret.head.next"]
    got = symfx.query(["-x", exe], list(want) + extra)
    for q, v in want.items():
        t.check_equal(got[q][0], v, q)
        t.check_equal(got[q][1], "vmlinux", q + " source")
    # flag1:3 at bit 0, flag2:7 right after, both in the unsigned int at 64
    t.check_equal(got["member:secret.flag1"][0], "64,4,0:3,base", "flag1")
    t.check_equal(got["member:secret.flag2"][0], "64,4,3:7,base", "flag2")
    t.check_equal(got["var:global_holder"][0], want["symbol:global_holder"] + ",struct,"
                  + want["size:holder"], "global_holder")
    t.check_equal(got["var:list_nodes"][0].split(",")[1:], ["array", str(8 * 24)], "list_nodes")
    t.check_equal(got["kind:csecret_t"][0], "struct,200,10", "typedef to const struct")
    t.check_equal(got["member:holder.ptr"][0], "0,8,0:0,pointer", "holder.ptr")
    t.check_equal(got["kind:colour"][0], "enum,4,0", "enum colour")
    t.check_equal(got["member:secret.head.next"][0], "72,8,0:0,pointer", "nested path")
    for q in ("number:NO_SUCH_CONSTANT", "size:no_such_type", "offset:secret.no_such_member"):
        t.check(got[q][0] is None and "not found" in got[q][1] or "no member" in got[q][1],
                f"{q}: {got[q]}")


def test_symbols_bad_vmlinux(t):
    """A file that is not ELF, or ELF without DWARF, is refused clearly."""
    symfx.require_symquery()
    junk = os.path.join(t.tmp, "junk")
    with open(junk, "wb") as f:
        f.write(b"\x7fELF" + b"\xff" * 200)
    r = subprocess.run([str(symfx.SYMQUERY), "-x", junk, "size:page"],
                       stderr=subprocess.PIPE, text=True)
    t.check(r.returncode == 1 and "not an ELF file" in r.stderr, r.stderr)
    stripped = os.path.join(t.tmp, "stripped")
    subprocess.run(["cc", "-O0", "-o", stripped, str(DATA / "symtypes.c")], check=True)
    subprocess.run(["strip", "-g", stripped], check=True)
    r = subprocess.run([str(symfx.SYMQUERY), "-x", stripped, "size:secret"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t.check(r.returncode == 1 and "no DWARF" in r.stderr or "not found" in r.stdout,
            r.stderr + r.stdout)


# Questions beyond VMCOREINFO's keys that erase configs and the self-check ask.
EXTRA = [
    "size:task_struct", "offset:task_struct.comm", "offset:task_struct.tasks",
    "length:task_struct.comm", "size:zone", "offset:zone.managed_pages",
    "length:zone.vm_stat", "offset:pglist_data.node_zones", "size:per_cpu_pages",
    "offset:per_cpu_pages.count", "size:hstate", "offset:hstate.nr_huge_pages",
    "offset:hstate.free_huge_pages", "number:NR_FREE_PAGES", "number:NR_ZONE_LRU_BASE",
    "number:NR_SLAB_RECLAIMABLE_B", "number:NR_SLAB_UNRECLAIMABLE_B",
    "number:NR_FILE_PAGES", "number:PG_head", "number:PG_lru", "number:PG_reserved",
    "member:page.lru", "member:page.flags", "member:free_area.nr_free",
    "member:list_head.prev", "kind:pg_data_t", "kind:atomic_long_t",
    "size:uts_namespace", "offset:new_utsname.release",
]


# Values of the running kernel, not addresses or layout: no provider knows them.
RUNTIME = {"symbol:mem_section", "symbol:vmemmap"}
# VMCOREINFO names that are C macros over other symbols or members
# (node_states[N_ONLINE], x86 init_top_pgt, sizeof(dev_printk_info.x)).
ALIASES = {"symbol:node_online_map", "symbol:swapper_pg_dir",
           "length:printk_info_subsystem", "length:printk_info_device"}
# BTF describes per-cpu variables only: the types of other globals need -x.
NO_BTF = {"length:node_data", "length:mem_section"}


@parametrize(symfx.all_fixtures, heavy=True, weight=2.0)
def test_symbols_providers_agree(t, name):
    """DWARF (-x vmlinux) = BTF from the dump = VMCOREINFO for every type key
    the kernel exported and the extra questions; kallsyms from the dump =
    the vmlinux's symbols moved by KERNELOFFSET = VMCOREINFO SYMBOL()s =
    the fixture's captured /proc/kallsyms."""
    core = symfx.vmcore(name)
    vi = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(vi["OSRELEASE"])
    want = symfx.vmcoreinfo_queries(vi)
    qs = list(want) + EXTRA
    dwarf = symfx.query(["-d", core, "-x", vmlinux], qs)
    dump = symfx.query(["-d", core, "-k"], qs)
    no_data = symfx.kallsyms_without_data(name)
    agree = differ = 0
    for q in qs:
        dv, ds = dwarf[q]
        kv, ks = dump[q]
        if q in RUNTIME or q.startswith("symbol:kallsyms_"):
            continue
        if q in ALIASES and dv is None and kv is None:
            continue
        if q.startswith("symbol:") and kv is None and no_data and dv is not None:
            continue    # a data symbol: this kallsyms lists text only
        if q.startswith("symbol:"):
            t.check_equal(ks, "kallsyms", q + " source")
        elif kv is not None:
            t.check_equal(ks, "BTF", q + " source")
        elif q in NO_BTF:
            t.check(kv is None, f"{q}: {dump[q]}")
            continue
        if q in want:
            # what VMCOREINFO has is the truth for both providers, except
            # NUMBER()s that are macros (no DWARF/BTF): then both must agree
            # they do not know it, or know it right
            for src, v in (("vmlinux", dv), ("dump", kv)):
                if v is not None or q.startswith("number:"):
                    if v is not None:
                        t.check_equal(v, want[q], f"{q} from {src}")
                else:
                    t.fail_soft(f"{q} unknown to {src}: {dwarf[q] if src == 'vmlinux' else dump[q]}")
        if dv == kv:
            agree += 1
        else:
            differ += 1
            t.check(q.startswith("number:") and (dv is None or kv is None)
                    or (no_data and q.startswith("symbol:") and kv is None),
                    f"{q}: vmlinux {dwarf[q]} vs dump {dump[q]}")
    t.log(f"{agree} answers equal, {differ} differ (macro NUMBER()s and runtime values)")
    # the whole captured /proc/kallsyms (vmlinux part) against our decoder
    ks_file = fixtures.fixture_dir() / (name + ".kallsyms.zst")
    if ks_file.is_file():
        text = subprocess.run(["zstd", "-dc", str(ks_file)], stdout=subprocess.PIPE,
                              text=True, check=True).stdout
        syms = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2] not in syms:
                syms[parts[2]] = parts[0].lstrip("0") or "0"
        sample = sorted(syms)[:: max(1, len(syms) // 3000)]
        got = symfx.query(["-d", core, "-k"], ["symbol:" + s for s in sample])
        bad = [s for s in sample if got["symbol:" + s][0] != syms[s]]
        missing = [s for s in sample if got["symbol:" + s][0] is None]
        t.check(not bad, f"{len(bad)} of {len(sample)} kallsyms addresses differ: "
                + ", ".join(f"{s} {got['symbol:' + s]} vs {syms[s]}" for s in bad[:5]))
        t.check(not missing, f"{len(missing)} symbols missing: {missing[:5]}")
        t.log(f"{len(sample)} of {len(syms)} /proc/kallsyms names checked")


# ---- -g / -i / -x on the fixture kernels ------------------------------------

# Keys of the running kernel that -g cannot know (vmcoreinfo_gen.c): left
# out, or (SYMBOL(mem_section)) the variable's address instead of its value.
GEN_RUNTIME = {
    "KERNELOFFSET", "CRASHTIME", "SYMBOL(mem_section)", "SYMBOL(vmemmap)",
    "NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)", "NUMBER(sme_mask)",
    "NUMBER(VMALLOC_START)", "NUMBER(kimage_voffset)", "NUMBER(PHYS_OFFSET)",
    "NUMBER(TCR_EL1_T1SZ)", "NUMBER(KERNELPACMASK)",
    # arm64 layout macros of CONFIG_ARM64_VA_BITS: no trace in DWARF
    "NUMBER(VA_BITS)", "NUMBER(VMALLOC_END)", "NUMBER(VMEMMAP_START)",
    "NUMBER(VMEMMAP_END)", "NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)",
}


def _read_vi(path):
    out = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def _ours(args):
    import tools
    return tools.run_tool(tools.require_ours(), args)


@parametrize(symfx.all_fixtures, heavy=True)
def test_generate_vmcoreinfo_round_trip(t, name):
    """-g from the fixture kernel's vmlinux gives the dump's own VMCOREINFO
    value for every key both have (SYMBOL()s moved by the dump's
    KERNELOFFSET), and leaves out only values of the running kernel."""
    core = symfx.vmcore(name)
    note = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(note["OSRELEASE"])
    out = os.path.join(t.tmp, "gen.vmcoreinfo")
    r = _ours(["-g", out, "-x", str(vmlinux)])
    assert r.rc == 0, r.describe()
    t.check_equal(oct(os.stat(out).st_mode & 0o777), "0o600", "file mode")
    gen = _read_vi(out)
    koff = int(note.get("KERNELOFFSET", "0"), 16)
    same = 0
    for k, v in gen.items():
        if k not in note:
            t.fail_soft(f"-g wrote {k}={v}, which the kernel did not export")
            continue
        if k == "SYMBOL(mem_section)":
            continue
        if k.startswith("SYMBOL("):
            v = format((int(v, 16) + koff) % (1 << 64), "x")
        t.check_equal(v, note[k], k)
        same += v == note[k]
    missing = [k for k in note if k not in gen]
    t.check(not [k for k in missing if k not in GEN_RUNTIME],
            f"-g left out build keys: {[k for k in missing if k not in GEN_RUNTIME]}")
    t.log(f"{same} keys equal to the dump's, {len(missing)} runtime keys left out: "
          + " ".join(missing))


@parametrize(lambda: [p for p in symfx.all_fixtures() if p[0] in ("ram-6.1", "ram-6.12")],
             heavy=True, weight=2.0)
def test_vmcoreinfo_file_and_vmlinux_dumps(t, name):
    """-i with the -g file and -x with the vmlinux write the same dump as the
    dump's own VMCOREINFO (runtime values taken from the note, SYMBOL()s
    moved by KERNELOFFSET)."""
    core = symfx.vmcore(name)
    note = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(note["OSRELEASE"])
    gen = os.path.join(t.tmp, "gen.vmcoreinfo")
    assert _ours(["-g", gen, "-x", str(vmlinux)]).rc == 0
    outs = {}
    for tag, extra in (("note", []), ("i", ["-i", gen]), ("x", ["-x", str(vmlinux)])):
        outs[tag] = os.path.join(t.tmp, tag + ".kdump")
        r = _ours(["-d", "31", "-l"] + extra + [str(core), outs[tag]])
        assert r.rc == 0, r.describe()
        t.check("WARNING" not in r.text, f"{tag}: {r.text[-500:]}")
    for tag in ("i", "x"):
        with open(outs["note"], "rb") as a, open(outs[tag], "rb") as b:
            t.check(a.read() == b.read(), f"-{tag} output differs from the plain run")
        os.unlink(outs[tag])


def _patched_copy(core, dst, edits):
    """Copy @core to @dst replacing, inside its VMCOREINFO note, each key
    line's bytes (same length) by another."""
    with open(core, "rb") as f:
        head = bytearray(f.read(4 << 20))
    i = head.find(b"VMCOREINFO\0")
    for old, new in edits:
        assert len(old) == len(new)
        j = head.find(old, i)
        assert j > 0, old
        head[j:j + len(old)] = new
    with open(core, "rb") as f, open(dst, "wb") as o:
        o.write(head)
        f.seek(len(head))
        while True:
            b = f.read(8 << 20)
            if not b:
                break
            o.write(b)


@parametrize(lambda: [p for p in symfx.all_fixtures() if p[0] == "ram-6.12"], heavy=True,
             weight=2.0)
def test_vmlinux_completes_and_checks_vmcoreinfo(t, name):
    """-x fills keys the dump's VMCOREINFO lacks (SIZE(page), OFFSET(page.lru)
    renamed away: the run fails without -x and gives the plain output with
    it), warns naming a key whose value disagrees, and a vmlinux of another
    kernel is refused with exit 2 (by build ID, and by release when the
    dump carries no BUILD-ID)."""
    core = symfx.vmcore(name)
    note = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(note["OSRELEASE"])
    plain = os.path.join(t.tmp, "plain")
    assert _ours(["-d", "31", "-l", str(core), plain]).rc == 0
    lacking = os.path.join(t.tmp, "lacking.vmcore")
    _patched_copy(core, lacking, [(b"SIZE(page)=", b"SIZE(pagX)="),
                                  (b"OFFSET(page.lru)=", b"OFFSET(pagX.lru)="),
                                  (b"OFFSET(latched_seq.val)=8", b"OFFSET(latched_seq.val)=9")])
    r = _ours(["-d", "31", "-l", lacking, os.path.join(t.tmp, "fails")])
    t.check(r.rc == 1, "without -x the lacking dump must fail: " + r.describe())
    out = os.path.join(t.tmp, "filled")
    r = _ours(["-d", "31", "-l", "-x", str(vmlinux), lacking, out])
    assert r.rc == 0, r.describe()
    t.check("OFFSET(latched_seq.val)=9, the vmlinux gives 8" in r.text,
            "mismatch warning: " + r.text[-600:])
    # the output carries the input's (changed) note: compare the reports
    import tools
    s1 = tools.parse_report(_ours(["-d", "31", "-l", "--message-level", "31", "-f", str(core), plain]).stdout)
    s2 = tools.parse_report(_ours(["-d", "31", "-l", "--message-level", "31", "-f", "-x", str(vmlinux), lacking, out]).stdout)
    t.check_equal(s2, s1, "report with the filled VMCOREINFO")
    os.unlink(out)
    # another kernel's vmlinux
    other = "6.1.0-56-amd64" if "6.12" in note["OSRELEASE"] else "6.12.117+deb12-amd64"
    wrong = symfx.vmlinux(other)
    r = _ours(["-d", "31", "-x", str(wrong), str(core), os.path.join(t.tmp, "w1")])
    t.check(r.rc == 2 and "build ID" in r.text, "build-id mismatch: " + r.describe())
    noid = os.path.join(t.tmp, "noid.vmcore")
    os.unlink(lacking)
    _patched_copy(core, noid, [(b"BUILD-ID=", b"BUILD-XX=")])
    r = _ours(["-d", "31", "-x", str(wrong), noid, os.path.join(t.tmp, "w2")])
    t.check(r.rc == 2 and "doesn't match the vmlinux" in r.text, "release mismatch: " + r.describe())
    os.unlink(noid)


@parametrize(symfx.all_fixtures, heavy=True)
def test_kallsyms_decoder_on_vmlinux(t, name):
    """The kallsyms decoder on the tables inside the fixture kernel's
    vmlinux (link-time; x86_64 and arm64, whatever the dump reader handles):
    the address of every 50th symbol of the captured /proc/kallsyms equals
    the vmlinux's ELF symbol table."""
    core = symfx.vmcore(name)
    note = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(note["OSRELEASE"])
    import fixtures
    ks_file = fixtures.fixture_dir() / (name + ".kallsyms.zst")
    if not ks_file.is_file():
        skip(f"{ks_file} is absent")
    text = subprocess.run(["zstd", "-dc", str(ks_file)], stdout=subprocess.PIPE,
                          text=True, check=True).stdout
    count = {}
    for p in (line.split() for line in text.splitlines()):
        if len(p) == 3 and p[1] in "TtDdRrBb":
            count[p[2]] = count.get(p[2], 0) + 1
    # static names that occur more than once need not pick the same one
    names = sorted(n for n, c in count.items() if c == 1)[::50]
    qs = ["symbol:" + n for n in names]
    dec = symfx.query(["-K", vmlinux], qs)
    elf = symfx.query(["-x", vmlinux], qs)
    both = [q for q in qs if elf[q][0] is not None]
    bad = [q for q in both if dec[q][0] != elf[q][0]]
    t.check(len(both) > len(qs) * 0.9, f"only {len(both)} of {len(qs)} in the symbol table")
    t.check(not bad, f"{len(bad)} differ: " + ", ".join(f"{q} {dec[q]} vs {elf[q]}" for q in bad[:5]))
    t.log(f"{len(both)} symbols compared")


@parametrize(symfx.all_fixtures, heavy=True)
def test_btf_section_equals_dwarf(t, name):
    """The BTF parser on the vmlinux's own .BTF section (the blob the dump
    holds between __start_BTF and __stop_BTF) answers every type question of
    the dump's VMCOREINFO and EXTRA exactly as DWARF does (x86_64 and
    arm64)."""
    core = symfx.vmcore(name)
    note = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(note["OSRELEASE"])
    qs = [q for q in list(symfx.vmcoreinfo_queries(note)) + EXTRA
          if not q.startswith("symbol:") and q not in ALIASES and q not in NO_BTF]
    btf = symfx.query(["-b", vmlinux], qs)
    dwarf = symfx.query(["-x", vmlinux], qs)
    same = 0
    for q in qs:
        if q.startswith("number:") and (btf[q][0] is None) and (dwarf[q][0] is None):
            continue    # a macro: neither knows it
        t.check_equal(btf[q][0], dwarf[q][0], q)
        same += btf[q][0] == dwarf[q][0]
    t.log(f"{same} answers equal")
