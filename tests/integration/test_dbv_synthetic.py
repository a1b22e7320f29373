"""Device-backed vmemmap on synthetic dumps: the edge cases of
DEVICE_VMEMMAP.md §6 (issue 3), each made by our generator with the true
ranges in its manifest.

For every case, at -d 31 with one of the codecs: our kept set equals the
manifest's prediction (makedumpfile's upstream rules for RAM; every pfn of
each device-backed vmemmap range kept; the namespace's data pages, where
the dump holds them, excluded by the user-data bit); every kept page reads
back from our output (libkdumpfile) equal to the input; the report counts
the segment pages and the segments; re-filtering our own output at -d 31
keeps the same set and reports the same segments.  At -d 0 the data pages
are kept.
"""

import re

import kdumpout
import synth
import tools
from harness import parametrize
from kdumpout import fmt_pfns, popcount, ranges_to_int

GiB = 1 << 30
CASES = {
    # Several namespaces: two carved, one dumped whole (data pages present), stale LRU slots.
    "multi": ["--ram", "2G", "--pmem", "start=6G,size=256M",
              "--pmem", "start=8G,size=512M,stale=lru",
              "--pmem", "start=0x10000000,size=128M,dump=full"],
    # Not section-aligned: part of its memmap is in RAM (4 KiB pages).
    "unaligned": ["--ram", "1G", "--pmem", "start=0x48200000,size=0x9c00000,dump=full"],
    "align-1G": ["--ram", "1G", "--pmem", "start=4G,size=4G,align=1G"],
    "devdax": ["--profile", "6.12", "--ram", "1G",
               "--pmem", "start=4G,size=512M,mode=devdax,dump=full"],
    # No info block, and garbage shaped like a free buddy block of order 10 and an LRU page.
    "info-missing": ["--ram", "1G", "--pmem", "start=4G,size=256M,info=no,stale=buddy"],
    "stale-buddy": ["--ram", "768M", "--pmem", "start=256M,size=256M,stale=buddy"],
    "stale-compound": ["--ram", "1G", "--pmem", "start=4G,size=256M,stale=compound"],
    "five-level-far": ["--five-level", "--ram", "1G",
                       "--pmem", "start=0x100000000000,size=512M,stale=compound"],
    # 16 TiB up: pfns beyond 2^32; bitmaps must stay windowed, holes free.
    "far": ["--ram", "1G", "--pmem", "start=0x100000000000,size=1G"],
    "sme": ["--sme-mask", "47", "--ram", "1G", "--pmem", "start=4G,size=256M,stale=buddy"],
    # map=mem: the memmap is in RAM, there is no device-backed vmemmap at all.
    "map-mem": ["--ram", "1G", "--pmem", "start=4G,size=256M,map=mem,dump=full"],
}
CODECS = ["zstd", "lzo", "zlib", "snappy", "none"]


def _num(x):
    return int(x, 16) if isinstance(x, str) else int(x)


def _dbv(man, elf):
    """The true segment pfns that the dump holds, and how many segments."""
    held = synth.in_dump(elf)
    x, n = 0, 0
    for d in man.get("device_backed_vmemmap") or []:
        a, b = (_num(v) // 4096 for v in d["range"])
        r = ranges_to_int([(a, b)]) & held
        if r:
            x |= r
            n += 1
    return x, n


def _pmem_data(man, elf):
    """Data pages of map=dev namespaces with a readable info block that the
    dump holds (DEVICE_VMEMMAP.md: file data, user-data bit)."""
    held = synth.in_dump(elf)
    x = 0
    for ns in man.get("pmem") or []:
        if ns.get("map") != "dev" or ns.get("info") in (False, "no"):
            continue
        x |= ranges_to_int([(_num(ns["data_pfn"]), _num(ns["end_pfn"]))]) & held
    return x


def _predicted(man, elf, level):
    kept = synth.predicted_kept(man, elf, level)
    data = _pmem_data(man, elf) & ((1 << int(man["max_mapnr"])) - 1)
    return kept & ~data if level & 8 else kept | data


def _segments_reported(text):
    m = re.search(r"Device-backed vmemmap pages\s*:\s*(0x[0-9a-f]+)\s*\(kept, (\d+) segments?\)",
                  text)
    return (int(m.group(1), 16), int(m.group(2))) if m else (0, 0)


def _check_kept(t, what, kept, want, man):
    extra, missing = kept & ~want, want & ~kept
    t.check(not extra, f"{what}: kept but predicted excluded: {fmt_pfns(extra)}")
    t.check(not missing, f"{what}: predicted kept but excluded: {fmt_pfns(missing)}")


def _params():
    return [(name, {"name": name, "codec": CODECS[i % len(CODECS)]})
            for i, name in enumerate(CASES)]


# The far cases hold bitmaps of 2^32+ pfns as Python ints (several GiB).
@parametrize(_params, weight=1.5, serial={"far", "five-level-far"})
def test_edge_case(t, name, codec):
    kdumpout.require_libkdumpfile()
    vm, man = synth.generate(CASES[name])
    import elfcore

    elf = elfcore.ElfCore(vm)
    dbv, nseg = _dbv(man, elf)
    if name == "map-mem":
        t.check_equal(nseg, 0, "manifest: map=mem has no device-backed vmemmap")
    else:
        t.check(nseg > 0, "manifest: no device-backed vmemmap range in the dump")
    t.log(f"{name}: {popcount(dbv)} segment pfns in {nseg} range(s), codec {codec}")

    out = t.tmp / "dump"
    args = tools.codec_args(codec) + ["-d", "31", "--message-level", "31"]
    s = tools.summary("ours", vm, args, out=out)
    assert s.rc == 0, f"our makedumpfile failed:\n{s.stdout}{s.stderr}"
    assert not s.open_error, f"libkdumpfile cannot open our output: {s.open_error}"
    t.check(dbv & ~s.kept == 0, "segment pfns dropped: " + fmt_pfns(dbv & ~s.kept))
    _check_kept(t, "-d 31", s.kept, _predicted(man, elf, 31), man)
    n, bad = tools.verify_contents(out, vm, s.kept)
    t.check(not bad, "kept pages differ from the input:\n" + tools.describe_bad(bad))
    t.check_equal(_segments_reported(s.stdout + s.stderr), (popcount(dbv), nseg),
                  "report (Device-backed vmemmap pages, segments)")
    data = _pmem_data(man, elf)
    if data:
        m = re.search(r"Pmem data pages\s*:\s*(0x[0-9a-f]+)", s.stdout + s.stderr)
        t.check(m and int(m.group(1), 16) == popcount(data),
                f"report: Pmem data pages should be {popcount(data):#x}")

    # Re-filtering our own output: detection runs again on the kdump input.
    out2 = t.tmp / "refiltered"
    r = tools.run_tool(tools.require_ours(), ["-l", "-d", "31", "--message-level", "31",
                                              out, out2])
    t.check_equal(r.rc, 0, "exit status of the re-filter:\n" + r.describe())
    if r.rc == 0:
        k = kdumpout.open_dump(out2)
        again, _ = kdumpout.pagemap_int(k)
        _check_kept(t, "re-filtered at -d 31", again, s.kept, man)
        t.check_equal(_segments_reported(r.text), (popcount(dbv), nseg),
                      "re-filter report (Device-backed vmemmap pages, segments)")

    if data:
        s0 = tools.summary("ours", vm, ["-l", "-d", "0", "--message-level", "31"])
        assert s0.rc == 0, s0.stdout + s0.stderr
        t.check(data & ~s0.kept == 0, "-d 0 drops pmem data pages: "
                + fmt_pfns(data & ~s0.kept))
