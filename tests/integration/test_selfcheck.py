"""The classification self-check (selfcheck/): on every real fixture our
counts agree with the kernel's own counters, whose values are checked
against drgn reading the same dump with the vmlinux; on a copy of a fixture
whose free pages were deliberately mis-typed it warns, naming the class."""

import json
import os
import re
import shutil

import elfcore
import symfx
import tools
from harness import parametrize, skip

_DRGN_SCRIPT = r'''
import json, sys, drgn
from drgn.helpers.linux.list import list_for_each_entry
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]], default=False, main=True)
def ns(n): return prog["vm_node_stat"][prog[n].value_()].counter.value_()
out = {"free_area": 0, "blocks": []}
def main():
  nodes = prog["node_data"]
  for nid in range(len(nodes)):
      pg = nodes[nid]
      if not pg.value_():
          continue
      for z in range(len(pg.node_zones)):
          zone = pg.node_zones[z]
          for o in range(len(zone.free_area)):
              fa = zone.free_area[o]
              out["free_area"] += fa.nr_free.value_() << o
              if o >= 9 and len(out["blocks"]) < 4:
                  try:
                      for mt in range(len(fa.free_list)):
                          for p in list_for_each_entry("struct page", fa.free_list[mt].address_of_(), "lru"):
                              if len(out["blocks"]) < 4:
                                  out["blocks"].append([p.value_(), o])
                  except drgn.FaultError:
                      pass    # drgn cannot follow these lists on every dump
  out["file"] = ns("NR_FILE_PAGES") - ns("NR_SWAPCACHE")
  out["anon"] = ns("NR_ANON_MAPPED")
  out["slab"] = ns("NR_SLAB_RECLAIMABLE_B") + ns("NR_SLAB_UNRECLAIMABLE_B")
  out["nr_free_pages"] = prog["vm_zone_stat"][prog["NR_FREE_PAGES"].value_()].counter.value_()
  out["mapcount_off"] = drgn.offsetof(prog.type("struct page"), "_mapcount")
try:
    main()
except drgn.FaultError as e:
    out = {"error": str(e)}
print(json.dumps(out))
'''


def _drgn(t, core, vmlinux):
    py = "/usr/bin/python3"
    script = os.path.join(t.tmp, "counters.py")
    with open(script, "w") as f:
        f.write(_DRGN_SCRIPT)
    import subprocess
    r = subprocess.run([py, script, str(core), str(vmlinux)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        if "No module named 'drgn'" in r.stderr:
            skip("python3-drgn is not installed")
        raise AssertionError("drgn: " + r.stderr[-2000:])
    return json.loads(r.stdout)


def _run_json(t, args):
    js = os.path.join(t.tmp, "run.json")
    r = tools.run_tool(tools.require_ours(), ["--json", js] + args)
    if r.rc != 0 and "dumps are handled by this build" in r.text:
        skip([x for x in r.text.splitlines() if "dumps are handled" in x][0])
    assert r.rc == 0, r.describe()
    with open(js) as f:
        return r, json.load(f)["self_check"]


def _rows(sc):
    return {row["class"]: row for row in sc["classes"]}


@parametrize(symfx.all_fixtures, heavy=True, weight=2.0)
def test_selfcheck_agrees_on_fixture(t, name):
    """-d 31 on the fixture: the self-check ran from the dump alone
    (VMCOREINFO+kallsyms+BTF), every class agrees, no warning; the kernel's
    numbers it read equal drgn's; with -x the same answers come from the
    vmlinux."""
    core = symfx.vmcore(name)
    out = os.path.join(t.tmp, "out")
    note = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(note["OSRELEASE"])
    r, sc = _run_json(t, ["-d", "31", "-l", "--message-level", "31", str(core), out])
    t.check(sc["available"], f"self-check not available: {sc.get('reason')}")
    if not sc["available"]:
        return
    rows = _rows(sc)
    if symfx.kallsyms_without_data(name):
        # kallsyms lists no data symbols (no CONFIG_KALLSYMS_ALL): the
        # counters cannot be found without -x, and the check says so
        t.check(all(not x["compared"] and "could not be read" in x["not_compared_because"]
                    for x in rows.values()), f"{rows}")
        os.unlink(out)
        r, sc = _run_json(t, ["-d", "31", "-l", "--message-level", "31", "-x", str(vmlinux),
                              str(core), out])
        rows = _rows(sc)
        t.check_equal(sc["source"], "VMCOREINFO+vmlinux", "source with -x")
    else:
        t.check_equal(sc["source"], "VMCOREINFO+kallsyms+BTF", "source")
    for cls in ("free", "cache", "user", "slab"):
        t.check(rows[cls]["compared"] and rows[cls]["agrees"], f"{cls}: {rows[cls]}")
    t.check("WARNING: self-check" not in r.text, r.text[-800:])
    t.check(re.search(r"Self-check \(ours vs the kernel's counters", r.text), "report table")
    t.log("; ".join(f"{c} ours {rows[c]['ours']} kernel {rows[c]['kernel']}"
                    for c in ("free", "cache", "user", "slab")) + f" (from {sc['source']})")
    d = _drgn(t, core, vmlinux)
    if "error" in d:
        t.log("drgn cannot read this dump: " + d["error"])
    else:
        _check_vs_drgn(t, rows, sc, d)
    os.unlink(out)
    r, scx = _run_json(t, ["-d", "31", "-l", "-x", str(vmlinux), str(core), out])
    t.check(scx["source"].startswith("VMCOREINFO") and "vmlinux" in scx["source"]
            and "BTF" not in scx["source"], f"source with -x: {scx['source']}")
    t.check_equal([(x["class"], x["kernel"]) for x in scx["classes"]],
                  [(x["class"], x["kernel"]) for x in sc["classes"]], "kernel counters with -x")


def _check_vs_drgn(t, rows, sc, d):
    t.check_equal(rows["free"]["kernel"], d["free_area"], "free_area sum vs drgn")
    t.check_equal(rows["cache"]["kernel"], d["file"], "NR_FILE_PAGES-NR_SWAPCACHE vs drgn")
    t.check_equal(rows["user"]["kernel"], d["anon"], "NR_ANON_MAPPED (+ no hugetlb) vs drgn")
    t.check_equal(rows["slab"]["kernel"], d["slab"], "NR_SLAB_* vs drgn")
    t.check_equal(sc["kernel_nr_free_pages"], d["nr_free_pages"], "NR_FREE_PAGES vs drgn")


def test_selfcheck_levels_and_unavailable(t):
    """Classes a dump level does not classify are not compared (and say
    why); a dump without kallsyms or BTF (the generator's) reports the
    self-check unavailable with the reason, and the run still succeeds."""
    import faults
    import synth
    core, _ = synth.generate(faults.SMALL)
    out = os.path.join(t.tmp, "out")
    r, sc = _run_json(t, ["-d", "31", "-D", str(core), out])
    t.check(not sc["available"] and "kallsyms" in sc["reason"], f"{sc}")
    t.check("Self-check (classification vs the kernel's counters): not available" in r.text,
            "the -D line saying why")


@parametrize(lambda: [p for p in symfx.all_fixtures() if p[0] == "ram-6.12"], heavy=True,
             weight=2.0)
def test_selfcheck_fires_on_mistyped_free_pages(t, name):
    """A copy of the fixture in which four high-order free blocks lost their
    buddy page type (as when a kernel changes how it marks free pages):
    the self-check warns about free pages, names the class, exit stays 0;
    at -d 1 (free pages not classified) it says free was not compared."""
    core = symfx.vmcore(name)
    note = symfx.vmcoreinfo(core)
    vmlinux = symfx.vmlinux(note["OSRELEASE"])
    d = _drgn(t, core, vmlinux)
    assert "error" not in d, d
    blocks = d["blocks"]
    if len(blocks) < 4:
        skip("the fixture has fewer than four free blocks of order >= 9")
    # struct page addresses -> physical via our --vtop, -> file offsets
    ec = elfcore.ElfCore(core)
    patches = []
    for va, order in blocks:
        r = tools.run_tool(tools.require_ours(), ["--vtop", hex(va), "-d", "31", "-f",
                                                  str(core), os.path.join(t.tmp, "vt")])
        m = re.search(r"PAGE:\s+([0-9a-f]+)", r.text)
        assert m, r.describe()
        pa = int(m.group(1), 16)
        seg = ec.covering(pa)
        assert seg is not None, hex(pa)
        patches.append((seg.offset + pa - seg.paddr + d["mapcount_off"], order))
    ec.close()
    bad = os.path.join(t.tmp, "mistyped.vmcore")
    shutil.copyfile(core, bad)
    with open(bad, "r+b") as f:
        for off, _ in patches:
            f.seek(off)
            f.write(b"\xff\xff\xff\xff")   # _mapcount -1: no page type
    lost = sum(1 << o for _, o in patches)
    out = os.path.join(t.tmp, "out")
    r, sc = _run_json(t, ["-d", "31", "-l", bad, out])
    rows = _rows(sc)
    t.check(rows["free"]["compared"] and not rows["free"]["agrees"], f"{rows['free']}")
    t.check_equal(rows["free"]["kernel"] - rows["free"]["ours"], lost, "pages lost from free")
    t.check("WARNING: self-check: free pages" in r.text and "classification of free pages" in r.text,
            r.text[-1000:])
    t.check(rows["cache"]["agrees"] and rows["user"]["agrees"], "only free differs")
    os.unlink(out)
    r, sc = _run_json(t, ["-d", "1", bad, out])
    rows = _rows(sc)
    t.check(not rows["free"]["compared"] and "dump level" in rows["free"]["not_compared_because"],
            f"{rows['free']}")
    t.check("WARNING: self-check" not in r.text, r.text[-500:])
    os.unlink(out)
    os.unlink(bad)
