"""Our makedumpfile (this x86_64 build) on synthetic arm64 vmcores from
tests/tools/mkvmcore: every granule x VA size (4K 39/48/52-LPA2, 16K
47/48/52-LPA2, 64K 42/48/52-FEAT_LPA), 52-bit kernels on 48-bit CPUs,
KASLR with a "negative" PHYS_OFFSET, block mappings, pointer auth, pmem
with a device-backed vmemmap, and kexec-tools' garbage image header.

Checked against the generator's manifest (its own emulation of upstream
makedumpfile's rules) and libkdumpfile (the output must open in it; every
kept page equals the input): kept sets at every dump level, codecs, -E,
-F | -R, --split / --reassemble, re-filtering our own 16K/64K output.
Skipped when the generator is not built.  97 tests, about 4 minutes with
-j 2 on an idle machine; -d 2/4/8/16 (16 tests, ~25 s) are heavy.
"""

import subprocess

import elfcore
import kdumpout
import synth
import tools
from harness import parametrize
from kdumpout import popcount

# id -> mkvmcore arguments (all --arch aarch64)
SCENARIOS = {
    "4K-39": ["--profile", "6.12", "--va-bits", "39", "--kaslr", "7"],
    "4K-48": ["--profile", "6.1", "--va-bits", "48"],
    "4K-52-lpa2": ["--profile", "6.12", "--va-bits", "52", "--pac"],
    "4K-52on48": ["--profile", "6.12", "--va-bits", "52", "--va48-on-52"],
    "4K-1G-blocks": ["--profile", "6.1", "--ram", "3G", "--va-bits", "39", "--kaslr", "off"],
    "16K-47": ["--profile", "6.12", "--page-size", "16K", "--va-bits", "47"],
    "16K-48": ["--profile", "6.1", "--page-size", "16K", "--va-bits", "48", "--kaslr", "99"],
    "16K-52-lpa2": ["--profile", "6.12", "--page-size", "16K", "--va-bits", "52"],
    "16K-52on47": ["--profile", "6.12", "--page-size", "16K", "--va-bits", "52", "--va48-on-52"],
    "64K-42": ["--profile", "6.12", "--page-size", "64K", "--va-bits", "42"],
    "64K-48": ["--profile", "6.1", "--page-size", "64K", "--va-bits", "48"],
    "64K-52-lpa": ["--profile", "6.1", "--page-size", "64K", "--va-bits", "52"],
    "64K-52on48": ["--profile", "6.12", "--page-size", "64K", "--va-bits", "52", "--va48-on-52"],
    "4K-pmem": ["--profile", "6.12", "--pmem", "start=0x80000000,size=256M,stale=buddy"],
    "16K-pmem": ["--profile", "6.12", "--page-size", "16K", "--pmem", "start=0x80000000,size=256M"],
    "64K-pmem": ["--profile", "6.1", "--page-size", "64K",
                 "--pmem", "start=0x80000000,size=1G,mode=devdax"],
    "hostile-header": ["--profile", "6.1", "--layout", "kexec_load", "--hostile-text"],
}
QUICK_LEVELS = (0, 1, 31)
HEAVY_LEVELS = (2, 4, 8, 16)
PMEM = {sid for sid, a in SCENARIOS.items() if "--pmem" in a}


def _input(sid):
    kdumpout.require_libkdumpfile()
    # 48 MiB in use: the inputs stay small on disk (free pages are holes)
    vm, man = synth.generate(["--arch", "aarch64", "--used", "48M"] + SCENARIOS[sid])
    return vm, man, elfcore.ElfCore(vm)


def _verify_pages(out, elf, kept, ps, limit=None, zero_dropped=False):
    """Every kept pfn reads the same from @out (libkdumpfile) as from the
    input ELF; with @zero_dropped (ELF output, where -d 1 leaves zero pages
    out) a page the output lacks must be zero in the input.  Returns
    (pages compared, [(pfn, why)])."""
    k = kdumpout.open_dump(out)
    bad, n = [], 0
    for a, b in kdumpout.runs(kept):
        for s in range(a, b, 256):
            e = min(b, s + 256)
            want = elf.read_phys(s * ps, (e - s) * ps)
            try:
                got = bytes(k.read(kdumpout.kdumpfile.KDUMP_KPHYSADDR, s * ps, (e - s) * ps))
            except Exception as ex:  # noqa: BLE001 - reported as the failure
                if not zero_dropped:
                    bad.append((s, f"output unreadable: {ex}"))
                    continue
                got = b""
                for p in range(s, e):
                    try:
                        got += bytes(k.read(kdumpout.kdumpfile.KDUMP_KPHYSADDR, p * ps, ps))
                    except Exception:  # noqa: BLE001 - a dropped page
                        w = want[(p - s) * ps:(p - s + 1) * ps] if want else None
                        if w is None or any(w):
                            bad.append((p, f"missing from the output, not zero: {ex}"))
                        got += w or bytes(ps)
            if want is None:
                bad.append((s, "kept, but the input has no data"))
            elif got != want:
                for i in range(e - s):
                    if got[i * ps:(i + 1) * ps] != want[i * ps:(i + 1) * ps]:
                        bad.append((s + i, "content differs from the input"))
                        break
            n += e - s
            if len(bad) > 10 or (limit and n >= limit):
                return n, bad
    return n, bad


def _run(t, vm, args, out):
    r = tools.run_tool(tools.require_ours(), list(args) + [str(vm), str(out)])
    assert r.rc == 0, f"our makedumpfile {' '.join(args)} failed:\n{r.stdout}{r.stderr}"
    return r


def _kept(path):
    k = kdumpout.open_dump(path)
    return kdumpout.pagemap_int(k)[0]


def _check_kept(t, sid, level, heavy=False):
    vm, man, elf = _input(sid)
    out = t.tmp / "dump"
    s = tools.summary("ours", vm, ["-l", "-d", str(level), "--message-level", "31"], out=out)
    assert s.rc == 0, f"our makedumpfile failed on {sid}:\n{s.stdout}{s.stderr}"
    assert not s.open_error, f"libkdumpfile cannot open our output: {s.open_error}"
    ps = man["page_size"]
    k = kdumpout.open_dump(out)
    t.check_equal(int(k.attr["arch.page_size"]), ps, "page size libkdumpfile sees")
    t.check_equal(str(k.attr["arch.name"]), "aarch64", "architecture libkdumpfile sees")
    want = synth.predicted_kept(man, elf, level)
    extra, missing = s.kept & ~want, want & ~s.kept
    t.check(not extra, "kept but predicted excluded: " + synth.describe_pfns(man, extra))
    t.check(not missing, "predicted kept but excluded: " + synth.describe_pfns(man, missing))
    if level in (0, 31):
        n, bad = _verify_pages(out, elf, s.kept, ps)
        t.check(not bad, f"kept pages differ from the input: {bad[:5]}")
        t.log(f"{popcount(s.kept)} pfns of {ps} bytes kept, {n} compared with the input")
    if sid not in PMEM:
        rep, exp = s.report, synth.predicted_report(man, level)
        for key, v in exp.items():
            if key not in rep:
                t.fail_soft(f"report lacks '{key}'")
            elif rep[key] != v:
                t.fail_soft(f"report {key}: ours {rep[key]:#x}, manifest {v:#x}")
    return s


@parametrize(lambda: [(f"{sid}/d{lv}", {"sid": sid, "level": lv})
                      for sid in SCENARIOS for lv in QUICK_LEVELS], weight=0.6)
def test_arm64_kept_matches_manifest(t, sid, level):
    """Our kept set at -d 0/1/31 equals the manifest's prediction (upstream
    rules; device-backed vmemmap kept), the output opens in libkdumpfile
    with the dump's page size and arch, at -d 0 and -d 31 every kept page
    equals the input, and the report counters equal the manifest's."""
    _check_kept(t, sid, level)


@parametrize(lambda: [(f"{sid}/d{lv}", {"sid": sid, "level": lv})
                      for sid in ("4K-52-lpa2", "16K-48", "64K-52-lpa", "16K-pmem")
                      for lv in HEAVY_LEVELS], heavy=True, weight=0.6)
def test_arm64_kept_other_levels(t, sid, level):
    """The same at -d 2, 4, 8 and 16 for one scenario per granule."""
    _check_kept(t, sid, level)


@parametrize(lambda: [(f"{sid}/{c}", {"sid": sid, "codec": c})
                      for sid in ("4K-52-lpa2", "16K-52-lpa2", "64K-52on48")
                      for c in ("zlib", "lzo", "snappy", "zstd", "none")], weight=0.4)
def test_arm64_codecs(t, sid, codec):
    """Every codec at -d 31: libkdumpfile decompresses every kept page of
    our 4K/16K/64K output to the input's bytes; the kept set is the -l one."""
    vm, man, elf = _input(sid)
    flag = tools.codec_args(codec)
    out = t.tmp / "dump"
    _run(t, vm, flag + ["-d", "31"], out)
    ref = tools.summary("ours", vm, ["-l", "-d", "31", "--message-level", "31"])
    kept = _kept(out)
    t.check(kept == ref.kept, "kept set differs from the -l run")
    n, bad = _verify_pages(out, elf, kept, man["page_size"])
    t.check(not bad, f"pages differ: {bad[:5]}")
    t.log(f"{n} pages compared")


@parametrize(lambda: [(sid, {"sid": sid}) for sid in ("4K-48", "16K-47", "64K-42", "64K-pmem")],
             weight=0.5)
def test_arm64_elf_output(t, sid):
    """-E -d 31 writes an arm64 ELF dump: EM_AARCH64, libkdumpfile opens it
    with the right page size, and every page of the -l run's kept set reads
    the input's bytes from it (zero pages, which ELF output leaves out,
    excepted)."""
    vm, man, elf = _input(sid)
    out = t.tmp / "dump.elf"
    _run(t, vm, ["-E", "-d", "31"], out)
    o = elfcore.ElfCore(out)
    t.check_equal(o.e_machine, 183, "e_machine")
    k = kdumpout.open_dump(out)
    t.check_equal(int(k.attr["arch.page_size"]), man["page_size"], "page size")
    ref = tools.summary("ours", vm, ["-l", "-d", "31", "--message-level", "31"])
    n, bad = _verify_pages(out, elf, ref.kept, man["page_size"], zero_dropped=True)
    t.check(not bad, f"pages differ: {bad[:5]}")
    t.log(f"{n} pages compared")


@parametrize(lambda: [(sid, {"sid": sid}) for sid in ("16K-52-lpa2", "64K-48")], weight=0.4)
def test_arm64_flattened(t, sid):
    """-F | -R with 16K/64K pages rebuilds the file the direct run writes."""
    vm, man, elf = _input(sid)
    direct, stream, rebuilt = t.tmp / "direct", t.tmp / "stream", t.tmp / "rebuilt"
    _run(t, vm, ["-l", "-d", "31"], direct)
    with open(stream, "wb") as f:
        p = subprocess.run([str(tools.require_ours()), "-F", "-l", "-d", "31", str(vm)],
                           stdout=f, stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    with open(stream, "rb") as f:
        p = subprocess.run([str(tools.require_ours()), "-R", str(rebuilt)], stdin=f,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    t.check(direct.read_bytes() == rebuilt.read_bytes(), "-R output differs from the direct run")
    t.check(_kept(rebuilt) == _kept(direct), "kept sets differ")


@parametrize(lambda: [(sid, {"sid": sid}) for sid in ("4K-52on48", "16K-48", "64K-52-lpa")],
             weight=0.5)
def test_arm64_split_reassemble(t, sid):
    """--split into three parts (split block = 16 pages) and --reassemble
    give the unsplit file byte for byte; every part opens in libkdumpfile."""
    vm, man, elf = _input(sid)
    ps = man["page_size"]
    parts = [t.tmp / f"part{i}" for i in range(3)]
    direct, joined = t.tmp / "direct", t.tmp / "joined"
    _run(t, vm, ["-l", "-d", "31"], direct)
    r = tools.run_tool(tools.require_ours(), ["--split", "-l", "-d", "31", "--splitblock-size",
                                              str(16 * ps), str(vm)] + [str(p) for p in parts])
    assert r.rc == 0, r.stdout + r.stderr
    for p in parts:
        kdumpout.open_dump(p)
    r = tools.run_tool(tools.require_ours(), ["--reassemble"] + [str(p) for p in parts]
                       + [str(joined)])
    assert r.rc == 0, r.stdout + r.stderr
    t.check(direct.read_bytes() == joined.read_bytes(), "reassembled file differs")


@parametrize(lambda: [(sid, {"sid": sid}) for sid in ("16K-47", "64K-42", "16K-pmem")],
             weight=0.5)
def test_arm64_refilter(t, sid):
    """Re-filtering our own 16K/64K -d 0 output at -d 31 keeps what
    filtering the ELF input at -d 31 keeps, with the same page contents."""
    vm, man, elf = _input(sid)
    d0, re31 = t.tmp / "d0", t.tmp / "re31"
    _run(t, vm, ["-l", "-d", "0"], d0)
    _run(t, d0, ["-l", "-d", "31"], re31)
    ref = tools.summary("ours", vm, ["-l", "-d", "31", "--message-level", "31"])
    kept = _kept(re31)
    extra, missing = kept & ~ref.kept, ref.kept & ~kept
    t.check(not extra and not missing, "re-filtered kept set differs: extra "
            + synth.describe_pfns(man, extra) + "; missing " + synth.describe_pfns(man, missing))
    n, bad = _verify_pages(re31, elf, kept, man["page_size"])
    t.check(not bad, f"pages differ: {bad[:5]}")


@parametrize(lambda: [(sid, {"sid": sid}) for sid in sorted(PMEM)], weight=0.4)
def test_arm64_device_vmemmap(t, sid):
    """The pmem namespace's device-backed vmemmap is recognised on arm64
    (reported as a segment) and its range is kept at -d 31; RAM-only arm64
    dumps report none."""
    import re

    vm, man, elf = _input(sid)
    s = tools.summary("ours", vm, ["-l", "-d", "31", "--message-level", "31"])
    assert s.rc == 0, s.stdout + s.stderr
    text = s.stdout + s.stderr
    t.check(re.search(r"device.backed vmemmap", text, re.I),
            "no device-backed vmemmap segment reported:\n" + text[-2000:])
    dbv = synth.class_bits(man, "dbv_meta")
    t.check(dbv and not dbv & ~s.kept, "device-backed vmemmap pfns excluded: "
            + synth.describe_pfns(man, dbv & ~s.kept))
    vm2, _, _ = _input("16K-48")
    s2 = tools.summary("ours", vm2, ["-l", "-d", "31", "--message-level", "31"])
    t.check(not re.search(r"device.backed vmemmap", s2.stdout + s2.stderr, re.I),
            "a segment is reported on a RAM-only arm64 dump")
