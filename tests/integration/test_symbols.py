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
    agree = differ = 0
    for q in qs:
        dv, ds = dwarf[q]
        kv, ks = dump[q]
        if q in RUNTIME or q.startswith("symbol:kallsyms_"):
            continue
        if q in ALIASES and dv is None and kv is None:
            continue
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
            t.check(q.startswith("number:") and (dv is None or kv is None),
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
