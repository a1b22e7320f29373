"""Device-backed vmemmap on the real fixtures (DEVICE_VMEMMAP.md): the
segment's pages are all kept and intact at -d 31 with every codec, the
report and -D output say so, no false segment is reported on dumps without
one, and --no-device-vmemmap restores stock behaviour.
"""

import re

import fixtures
import kdumpout
import realfx
import tools
from harness import parametrize, skip
from kdumpout import fmt_pfns, popcount, ranges_to_int

CODECS = list(tools.CODECS)


def _fixtures(with_segment):
    names = fixtures.fixture_names()
    if not names:
        return [("no-fixtures", {"name": None})]
    return [(fixtures.short(n), {"name": n}) for n in names
            if realfx.Info(n).dbv_in_file == with_segment]


def _with_codecs():
    out = []
    for pid, kw in _fixtures(True):
        if kw["name"] is None:
            return [(pid, dict(kw, codec="lzo"))]
        for c in CODECS:
            out.append((f"{pid}/{c}", dict(kw, codec=c)))
    return out


def _fixture(name):
    if name is None:
        fixtures.require_fixture_dir()
        skip("no fixtures with a manifest in " + str(fixtures.fixture_dir()))
    kdumpout.require_libkdumpfile()
    return realfx.Fixture(name)


def _segment_lines(text):
    return [l for l in text.splitlines() if re.search(r"device.backed vmemmap", l, re.I)]


def _names_range(lines, start, end):
    """Does some line mention both physical addresses of the range?"""
    pat_s = re.compile(r"0x0*%x\b" % start, re.I)
    pat_e = re.compile(r"0x0*(%x|%x)\b" % (end, end - 1), re.I)
    return any(pat_s.search(l) and pat_e.search(l) for l in lines)


@parametrize(_with_codecs, heavy=True, weight=2.0)
def test_segment_kept_whole(t, name, codec):
    """At -d 31, 100% of the manifest's device_backed_vmemmap pfns are in
    our output's page map and byte-equal to the input; the report has a
    `Device-backed vmemmap pages` line counting them; the -D output names
    the segment's physical range."""
    fx = _fixture(name)
    dbv = fx.dbv
    assert dbv, "the manifest's device_backed_vmemmap range is not in this file"
    mask = ranges_to_int(dbv)
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(), tools.codec_args(codec) +
                       ["-d", "31", "--message-level", "31", fx.path, out])
    assert r.rc == 0, r.describe()
    k = kdumpout.open_dump(out)
    kept, _ = kdumpout.pagemap_int(k)
    del k
    missing = mask & ~kept
    t.check(not missing, "device-backed vmemmap pfns dropped: " + fmt_pfns(missing))
    n, bad = tools.verify_contents(out, fx.path, mask & kept)
    t.check_equal(n, popcount(mask), "segment pages compared")
    t.check(not bad, "segment pages differ from the input:\n" + tools.describe_bad(bad))

    lines = _segment_lines(r.stdout + r.stderr)
    rep = [l for l in lines if re.match(r"\s*Device-backed vmemmap pages\s*:", l)]
    if t.check(rep, "the report has no 'Device-backed vmemmap pages' line:\n" + r.describe()):
        m = re.search(r":\s*(0x[0-9a-f]+|\d+)", rep[0])
        t.check(m and int(m.group(1), 0) == popcount(mask),
                f"report line '{rep[0].strip()}' does not count the segment's {popcount(mask)} pages")
    for a, b in dbv:
        t.check(_names_range(lines, a << 12, b << 12),
                f"-D output does not name the segment {a << 12:#x}-{b << 12:#x}:\n" + "\n".join(lines))


@parametrize(lambda: _fixtures(False), heavy=True)
def test_no_false_segment(t, name):
    """On dumps that hold no device-backed vmemmap (RAM-only dumps, and the
    pmem dump whose namespace is absent from the PT_LOADs) neither the
    report nor the -D output mention a segment."""
    fx = _fixture(name)
    r = tools.run_tool(tools.require_ours(), ["-l", "-d", "31", "--message-level", "31",
                                              fx.path, t.tmp / "dump"])
    assert r.rc == 0, r.describe()
    lines = _segment_lines(r.stdout + r.stderr)
    t.check(not lines, "a device-backed vmemmap segment is reported:\n" + "\n".join(lines))


@parametrize(lambda: _fixtures(True), heavy=True, weight=1.5)
def test_disabled_is_stock_behaviour(t, name):
    """With --no-device-vmemmap our kept set at -l -d 31 equals Debian
    1.7.2's (stock behaviour, on the phdr-normalised copy for the QEMU
    dump) and the output is byte-identical to it.  Records how many of the
    segment's pages the stock rules drop (the stale fixture: 1024 of 1536,
    the free buddy head planted in the first reserve slot)."""
    fx = _fixture(name)
    args = ["-l", "-d", "31", "--message-level", "31"]
    ours = tools.summary("ours", fx.path, args + ["--no-device-vmemmap"])
    assert ours.rc == 0, ours.stdout + ours.stderr
    deb = tools.summary("debian", fx.debian_input(), args)
    assert deb.rc == 0, deb.stdout + deb.stderr
    t.check(ours.kept == deb.kept,
            f"kept sets differ: ours only {fmt_pfns(ours.kept & ~deb.kept)}; "
            f"Debian only {fmt_pfns(deb.kept & ~ours.kept)}")
    t.check(ours.sha256 == deb.sha256, "output is not byte-identical to Debian's")
    lines = _segment_lines(ours.stdout + ours.stderr)
    t.check(not lines, "segment reported although disabled:\n" + "\n".join(lines))

    mask = ranges_to_int(fx.dbv)
    lost = mask & ~deb.kept
    t.log(f"Debian 1.7.2 drops {popcount(lost)} of the segment's {popcount(mask)} pages"
          + (f": {fmt_pfns(lost)}" if lost else ""))
    expected = None
    for rec in fx.man.get("makedumpfile_on_vmemmap_segment") or []:
        if rec.get("tool") == "debian":
            expected = rec.get("lost_pages")
    if expected is None and not fx.info.stale:
        expected = 0   # clean segments: the manifests say every page is kept
    if expected is not None:
        t.check_equal(popcount(lost), expected, "segment pages Debian drops (manifest)")
