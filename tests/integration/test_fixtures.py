"""Our makedumpfile on the real crash dumps, for every fixture x dump level
{0, 1, 31} x codec {-c, -l, -p, -z, none}, checked against the input
(read independently) and against Debian's makedumpfile 1.7.2.  The
contents and flattened-stream tests cover the arm64 fixtures too; their
kept sets are checked in test_arm64_fixtures.py (Debian's x86_64 build
cannot read them).
"""

import os

import fixtures
import kdumpout
import realfx
import tools
from explain import explain
from harness import parametrize, skip
from kdumpout import fmt_pfns, popcount

LEVELS = (0, 1, 31)
CODECS = list(tools.CODECS)  # zlib lzo snappy zstd none


def _matrix(codecs=CODECS, keep=lambda info, level, codec: True, archs=("x86_64",)):
    names = [n for a in archs for n in fixtures.fixture_names(a)]
    if not names:
        return [("no-fixtures", {"name": None, "level": 0, "codec": "lzo"})]
    out = []
    for name in names:
        info = realfx.Info(name)
        for level in LEVELS:
            for codec in codecs:
                if keep(info, level, codec):
                    out.append((f"{fixtures.short(name)}/d{level}/{codec}",
                                {"name": name, "level": level, "codec": codec}))
    return out


def _fixture(name):
    if name is None:
        fixtures.require_fixture_dir()
        skip("no fixtures with a manifest in " + str(fixtures.fixture_dir()))
    kdumpout.require_libkdumpfile()
    return realfx.Fixture(name)


def _args(level, codec):
    return tools.codec_args(codec) + ["-d", str(level)]


def _ours(fx, level, codec):
    s = tools.summary("ours", fx.path, _args(level, codec) + ["--message-level", "31"])
    assert s.rc == 0, f"our makedumpfile failed:\n{s.stdout}{s.stderr}"
    assert not s.open_error, f"libkdumpfile cannot open our output: {s.open_error}"
    return s


def _debian(fx, level, codec):
    """Debian's run for the comparison: same codec when 1.7.2 has it, else
    its -l run (1.7.2 has no snappy/zstd)."""
    tools.require_debian()
    dcodec = codec if codec in tools.DEBIAN_HAS else "lzo"
    s = tools.summary("debian", fx.debian_input(), _args(level, dcodec) + ["--message-level", "31"])
    assert s.rc == 0, f"Debian's makedumpfile failed:\n{s.stdout}{s.stderr}"
    return s, dcodec


@parametrize(lambda: _matrix(archs=("x86_64", "arm64")), heavy=True, weight=3.0)
def test_content(t, name, level, codec):
    """Our output opens in libkdumpfile, carries the codec's status flag,
    and every pfn in its page map reads byte-for-byte what the input vmcore
    (read by our own ELF reader, not by the tool) holds at that pfn."""
    fx = _fixture(name)
    out = t.tmp / "dump"
    s = tools.summary("ours", fx.path, _args(level, codec) + ["--message-level", "31"], out=out)
    assert s.rc == 0, f"our makedumpfile failed:\n{s.stdout}{s.stderr}"
    assert not s.open_error, f"libkdumpfile cannot open our output: {s.open_error}"
    t.check_equal(s.status, tools.CODEC_STATUS[codec], "header status")
    t.check_equal(s.dump_level, level, "sub header dump_level")
    k = kdumpout.open_dump(out)
    t.check_equal(k.attr["file.format"], "diskdump", "libkdumpfile file.format")
    del k
    kept = s.kept
    t.check(kept, "the output keeps no page at all")
    n, bad = tools.verify_contents(out, fx.path, kept)
    t.log(f"{n} kept pages compared with the input")
    t.check_equal(n, popcount(kept), "pages compared")
    t.check(not bad, f"{len(bad)} kept pages differ from the input:\n{tools.describe_bad(bad)}")


@parametrize(_matrix, heavy=True, weight=1.5)
def test_kept_vs_debian(t, name, level, codec):
    """Our kept-pfn set equals Debian 1.7.2's on the same input and level
    (its -l run where it lacks the codec; for the QEMU 7.2 dump, which it
    rejects, its run on a copy with the program headers at offset 64);
    every difference must be explained by independent evidence (slab page
    types decoded from the input's struct pages, the manifest's
    device-backed vmemmap and pmem data ranges), else the test fails."""
    fx = _fixture(name)
    ours = _ours(fx, level, codec)
    deb, dcodec = _debian(fx, level, codec)
    t.check_equal(ours.max_pfn, deb.max_pfn, "max_pfn (max_mapnr) of the two outputs")
    _check_first_bitmap(t, ours, deb)
    ex = explain(fx.elf, level, ours.kept, deb.kept, dbv=fx.dbv_all, pmem_data=fx.pmem_data)
    t.log(f"ours {popcount(ours.kept)} pfns, Debian ({dcodec}) {popcount(deb.kept)} pfns")
    if ex.explained:
        t.log(ex.summary())
    t.check(ex.ok, "kept sets differ without explanation:\n" + ex.summary())
    expected = fx.info.expected_differences(level)
    if not expected:
        t.check(ours.kept == deb.kept,
                "no difference is expected here but the sets differ:\n" + ex.summary())


def _check_first_bitmap(t, ours, deb):
    """The 1st bitmaps (pfns the input holds) must be equal: no dump level
    or feature changes what the input holds."""
    a, b = int(ours.bitmap1, 16), int(deb.bitmap1, 16)
    t.check(a == b, "1st bitmaps differ: ours only " + fmt_pfns(a & ~b) +
            "; Debian only " + fmt_pfns(b & ~a))


def _identical_applies(info, level, codec):
    return not info.expected_differences(level)


@parametrize(lambda: _matrix(["zlib", "lzo", "none"], _identical_applies), heavy=True, weight=1.0)
def test_identical_to_debian(t, name, level, codec):
    """Where no kept-set difference is expected, our -l and uncompressed
    output files are byte-identical to Debian 1.7.2's (regression test of
    format compatibility).  -c pages are compressed with libdeflate where
    the build has it, so their bytes differ from zlib's: there everything
    before the page descriptors (headers, notes, both bitmaps) must be
    identical, every page descriptor of ours must decompress (Python's zlib)
    to the page its counterpart in Debian's does, and our file must be no
    larger."""
    fx = _fixture(name)
    if codec == "zlib":
        return _same_dump_as_debian(t, fx, level, codec)
    ours = _ours(fx, level, codec)
    deb, _ = _debian(fx, level, codec)
    if ours.sha256 == deb.sha256:
        t.log(f"identical, {ours.size} bytes")
        return
    # Locate the first difference: rerun both into files (only on failure).
    a, b = t.tmp / "ours", t.tmp / "debian"
    tools.run_tool(tools.OURS, _args(level, codec) + [fx.path, a])
    tools.run_tool(tools.DEBIAN, _args(level, codec) + [fx.debian_input(), b])
    off = _first_difference(a, b)
    raise AssertionError(
        f"outputs differ: ours {ours.size} bytes, Debian {deb.size} bytes, first difference "
        f"at byte {off} ({_region(off, a)}); kept pfns ours {popcount(ours.kept)}, "
        f"Debian {popcount(deb.kept)}")


def _same_dump_as_debian(t, fx, level, codec):
    a, b = t.tmp / "ours", t.tmp / "debian"
    ours = tools.summary("ours", fx.path, _args(level, codec) + ["--message-level", "31"], out=a)
    assert ours.rc == 0, f"our makedumpfile failed:\n{ours.stdout}{ours.stderr}"
    assert not ours.open_error, f"libkdumpfile cannot open our output: {ours.open_error}"
    tools.require_debian()
    deb = tools.summary("debian", fx.debian_input(),
                        _args(level, codec) + ["--message-level", "31"], out=b)
    assert deb.rc == 0, f"Debian's makedumpfile failed:\n{deb.stdout}{deb.stderr}"
    h = kdumpout.KdumpHeader(a)
    table = (1 + h.sub_hdr_size + h.bitmap_blocks) * h.block_size
    with open(a, "rb") as fa, open(b, "rb") as fb:
        pa, pb = fa.read(table), fb.read(table)
    if pa != pb:
        off = _first_difference(a, b)
        t.fail_soft(f"headers/notes/bitmaps differ at byte {off} ({_region(off, a)})")
    t.check(ours.kept == deb.kept, "kept sets differ: ours only "
            f"{fmt_pfns(ours.kept & ~deb.kept)}; Debian only {fmt_pfns(deb.kept & ~ours.kept)}")
    t.check(ours.size <= deb.size, f"our -c output is larger: {ours.size} > {deb.size} bytes")
    if pa != pb:
        return
    n, bad = tools.compare_dumps(a, b)
    t.check(not bad, f"{len(bad)} page descriptors read differently:\n" +
            "\n".join(f"  descriptor {i}: {why}" for i, why in bad[:10]))
    t.log(f"same pages as Debian's ({n}); {ours.size} bytes vs {deb.size} "
          f"({100.0 * ours.size / deb.size:.1f}%)")


def _first_difference(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        off = 0
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                for i in range(min(len(x), len(y))):
                    if x[i] != y[i]:
                        return off + i
                return off + min(len(x), len(y))
            if not x:
                return None
            off += len(x)


def _region(off, path):
    try:
        h = kdumpout.KdumpHeader(path)
    except ValueError:
        return "?"
    bs = h.block_size
    bm = (1 + h.sub_hdr_size) * bs
    if off is None:
        return "none"
    if off < 464:
        return "disk_dump_header"
    if off < bs:
        return "header block padding"
    if off < bs + 104:
        return "kdump_sub_header"
    if off < bm:
        return "notes"
    if off < bm + h.bitmap_blocks * bs // 2:
        return "1st bitmap"
    if off < bm + h.bitmap_blocks * bs:
        return "2nd bitmap"
    return "page descriptors or data"


REPORT_ALWAYS = ["Original pages", "Memory Hole", "Total pages"]


@parametrize(_matrix, heavy=True, weight=1.0)
def test_report_vs_debian(t, name, level, codec):
    """The statistics report (--message-level 31) equals Debian's: Original
    pages, Memory Hole and Total pages always; where the kept sets are
    equal also every per-class counter, Excluded/Remaining pages and, with a
    codec 1.7.2 has, Write bytes (for -c, where our pages are compressed
    with libdeflate: no more than Debian's)."""
    fx = _fixture(name)
    ours = _ours(fx, level, codec)
    deb, dcodec = _debian(fx, level, codec)
    ro, rd = ours.report, deb.report
    for key in tools.REPORT_KEYS:
        t.check(key in ro, f"our report lacks '{key}'")
    keys = list(REPORT_ALWAYS)
    if ours.kept == deb.kept:
        keys = [k for k in tools.REPORT_KEYS if k != "Write bytes" or dcodec == codec]
        if codec == "zlib" and "Write bytes" in keys:
            keys.remove("Write bytes")
            w_o, w_d = ro.get("Write bytes"), rd.get("Write bytes")
            t.check(w_o is not None and w_d is not None and w_o <= w_d,
                    f"Write bytes: ours {w_o}, Debian {w_d} (must be no more)")
    else:
        t.log("kept sets differ (see test_kept_vs_debian): only " + ", ".join(keys) + " compared")
    for key in keys:
        if key in ro and key in rd:
            t.check(ro[key] == rd[key], f"{key}: ours {ro[key]:#x}, Debian {rd[key]:#x}")
        elif key in rd:
            t.fail_soft(f"{key}: missing from our report")


@parametrize(lambda: [(p, k) for p, k in _matrix(["lzo"], archs=("x86_64", "arm64"))
                      if k["level"] == 31], heavy=True)
def test_flattened_stream(t, name, level, codec):
    """-F writes a flattened stream (Debian saves dumps this way) that
    Debian's own `makedumpfile -R` rebuilds into a file byte-identical to
    our normal output, which libkdumpfile opens."""
    import subprocess

    fx = _fixture(name)
    tools.require_debian()
    flat, rebuilt, normal = t.tmp / "dump.flat", t.tmp / "rebuilt", t.tmp / "normal"
    argv = [str(tools.require_ours())] + _args(level, codec) + ["-F", str(fx.path)]
    with open(flat, "wb") as f:
        p = subprocess.run(argv, stdout=f, stderr=subprocess.PIPE, timeout=600)
    assert p.returncode == 0, p.stderr.decode()
    with open(flat, "rb") as f:
        head = f.read(32)
    t.check(head[:16] == b"makedumpfile\0\0\0\0", "flattened signature")
    with open(flat, "rb") as f:
        p = subprocess.run([str(tools.DEBIAN), "-R", str(rebuilt)], stdin=f,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert p.returncode == 0, "Debian's -R rejects our stream:\n" + p.stdout.decode()
    r = tools.run_tool(tools.OURS, _args(level, codec) + [fx.path, normal])
    assert r.rc == 0, r.describe()
    off = _first_difference(rebuilt, normal)
    t.check(off is None, f"the rebuilt stream differs from the normal output at byte {off}")
    k = kdumpout.open_dump(rebuilt)
    kept, _ = kdumpout.pagemap_int(k)
    t.check(kept, "rebuilt dump keeps no page")


def _displaced_phdrs():
    names = fixtures.fixture_names()
    if not names:
        return [("no-fixtures", {"name": None})]
    return [(fixtures.short(n), {"name": n}) for n in names if realfx.Info(n).qemu]


@parametrize(_displaced_phdrs, heavy=True, weight=2.0)
def test_qemu_layout(t, name):
    """QEMU 7.2 writes the program headers after a section table
    (e_phoff != 64, e_ehsize 8): Debian's 1.7.2 rejects the file with
    "Can't get the number of PT_LOAD." (exit 1), which is why the other
    tests compare with its run on a copy whose program headers were moved
    to offset 64; we accept the original, and our output for it is
    byte-identical to our output for that copy."""
    fx = _fixture(name)
    t.check(fx.phdrs_displaced, f"e_phoff is {fx.elf.e_phoff}: not the QEMU 7.2 layout")
    tools.require_debian()
    r = tools.run_tool(tools.DEBIAN, ["-l", "-d", "31", fx.path, t.tmp / "deb"])
    t.check_equal(r.rc, 1, "Debian's exit status on the QEMU 7.2 file")
    t.check("Can't get the number of PT_LOAD" in r.text,
            "Debian's message:\n" + r.describe())
    a = tools.summary("ours", fx.path, _args(31, "lzo") + ["--message-level", "31"])
    b = tools.summary("ours", fx.debian_input(), _args(31, "lzo") + ["--message-level", "31"])
    t.check_equal(a.rc, 0, "our exit status on the original")
    t.check(a.sha256 == b.sha256,
            "our output differs between the original and the phdr-normalised copy")
