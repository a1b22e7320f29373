"""Our makedumpfile (this x86_64 build) on the real arm64 crash dumps of
../shared/fixtures/arm64/, for every fixture x dump level {0, 1, 31} x codec
{-c, -l, -p, -z, none}.

No x86_64 makedumpfile reads an arm64 dump, so the usual comparison with
Debian's build on the same input is replaced by independent evidence:

* -d 0 and -d 1: the kept set follows from the input alone (the pfns its
  PT_LOADs hold data for: at -d 1 the all-zero ones stay in the page map,
  written once as the shared zero page), and so does the report's count of
  zero pages, read by the tests' own ELF reader;
* -d 31: the kept set of the reference output shipped beside the fixture
  (Debian's arm64 1.7.2 on 6.1, upstream's arm64 build on 6.12, both
  ``-l -d 31``), every difference explained from the page's own struct
  page (explain_arm64.py), and with -l the file itself byte-identical to
  the reference; the frames the guest's workload recorded (anonymous
  memory, a MAP_SHARED page-cache file) are excluded;
* every kept page byte-equal to the input (test_fixtures.test_content covers
  the arm64 fixtures too).
"""

import fixtures
import kdumpout
import realfx
import tools
from explain_arm64 import explain_vs_reference
from harness import parametrize, skip
from kdumpout import fmt_pfns, popcount, ranges_to_int

LEVELS = (0, 1, 31)
CODECS = list(tools.CODECS)


def _matrix(levels=LEVELS, codecs=CODECS):
    names = fixtures.fixture_names("arm64")
    if not names:
        return [("no-arm64-fixtures", {"name": None, "level": 31, "codec": "lzo"})]
    return [(f"{fixtures.short(n)}/d{lv}/{c}", {"name": n, "level": lv, "codec": c})
            for n in names for lv in levels for c in codecs]


def _fixture(name):
    if name is None:
        d = fixtures.require_fixture_dir()
        skip(f"no arm64 fixtures with a manifest in {d / 'arm64'}")
    kdumpout.require_libkdumpfile()
    return realfx.Fixture(name)


def _ours(fx, level, codec):
    s = tools.summary("ours", fx.path, tools.codec_args(codec) +
                      ["-d", str(level), "--message-level", "31"])
    assert s.rc == 0, f"our makedumpfile failed:\n{s.stdout}{s.stderr}"
    assert not s.open_error, f"libkdumpfile cannot open our output: {s.open_error}"
    return s


def _reference(fx):
    """Kept set, max_pfn and 1st bitmap of the reference output."""
    path, rec = fx.reference()
    k = kdumpout.open_dump(path)
    kept, n = kdumpout.pagemap_int(k)
    del k
    return kept, n, int(kdumpout.first_bitmap(path), 16), rec


def data_pfns(fx):
    """Pfns the input's PT_LOADs hold data for (the whole page)."""
    ranges = []
    for s in fx.elf.loads:
        a = -(-s.paddr // kdumpout.PAGE)
        b = (s.paddr + s.filesz) // kdumpout.PAGE
        ranges.append((a, b))
    return ranges_to_int(ranges)


def zero_pfns(fx, data):
    """Pfns of @data whose page is all zero in the input, computed once per
    fixture and kept in the cache."""
    def make(tmp):
        zero = bytes(kdumpout.PAGE)
        bits = 0
        for a, b in kdumpout.runs(data):
            for p0, n, buf in fx.elf.read_run(a, b - a):
                for i in range(n):
                    page = buf[i * kdumpout.PAGE:(i + 1) * kdumpout.PAGE] if buf is not None else None
                    if page == zero:
                        bits |= 1 << (p0 + i)
        tmp.write_bytes(bits.to_bytes((bits.bit_length() + 7) // 8, "little"))
    path = fixtures.derived_path(fx.name, "zero-pfns.bits", make)
    return int.from_bytes(path.read_bytes(), "little")


def tagged_pfns(fx, tag):
    """Pfns whose page starts with the workload's tag (the lab's memstate
    writes "MEMSTATE", the tag and a NUL at the start of every page it
    fills)."""
    want = b"MEMSTATE" + tag.encode() + b"\0"

    def make(tmp):
        bits = 0
        for a, b in kdumpout.runs(data_pfns(fx)):
            for p0, n, buf in fx.elf.read_run(a, b - a):
                if buf is None:
                    continue
                for i in range(n):
                    if buf[i * kdumpout.PAGE:i * kdumpout.PAGE + len(want)] == want:
                        bits |= 1 << (p0 + i)
        tmp.write_bytes(bits.to_bytes((bits.bit_length() + 7) // 8, "little"))
    path = fixtures.derived_path(fx.name, f"tag-{tag}.bits", make)
    return int.from_bytes(path.read_bytes(), "little")


@parametrize(_matrix, heavy=True, weight=1.5)
def test_arm64_kept(t, name, level, codec):
    """The kept set at -d 0 and -d 1 is every pfn with data in the input,
    and at -d 1 the report counts exactly the input's all-zero pages; at
    -d 31 the kept set equals the reference output's, every difference
    explained from the struct pages of the input.  At every level the 1st
    bitmap and max_pfn equal the reference's."""
    fx = _fixture(name)
    ours = _ours(fx, level, codec)
    ref_kept, ref_n, ref_bm1, rec = _reference(fx)
    t.check_equal(ours.max_pfn, ref_n, "max_pfn (max_mapnr) vs the reference output")
    bm1 = int(ours.bitmap1, 16)
    t.check(bm1 == ref_bm1, "1st bitmaps differ from the reference: ours only " +
            fmt_pfns(bm1 & ~ref_bm1) + "; reference only " + fmt_pfns(ref_bm1 & ~bm1))
    data = data_pfns(fx)
    if level in (0, 1):
        t.check(ours.kept == data, f"-d {level} keeps other than the input's pfns: extra " +
                fmt_pfns(ours.kept & ~data) + "; missing " + fmt_pfns(data & ~ours.kept))
    if level == 1:
        t.check_equal(ours.report.get("Pages filled with zero"), popcount(zero_pfns(fx, data)),
                      "zero pages: the report vs the input's all-zero pages")
    if level != 31:
        return
    t.check(not ours.kept & ~data, "-d 31 keeps pfns without data: " + fmt_pfns(ours.kept & ~data))
    ex = explain_vs_reference(fx, ours.kept, ref_kept)
    t.log(f"ours {popcount(ours.kept)} pfns, reference ({rec.get('label')}) {popcount(ref_kept)}")
    if ex.explained:
        t.log(ex.summary())
    t.check(ex.ok, f"kept sets differ from the reference ({rec.get('label')}) without "
            "explanation:\n" + ex.summary())


@parametrize(lambda: _matrix((31,)), heavy=True)
def test_arm64_recorded_excluded(t, name, level, codec):
    """At -d 31 the frames of the workload's anonymous memory (ANON-HOG) and
    of its MAP_SHARED ext4 file (EXT4-MAPPED) are excluded: the pfn ranges
    the manifest recorded from /proc/PID/pagemap and every page of the
    input carrying the workload's tag."""
    fx = _fixture(name)
    ours = _ours(fx, level, codec)
    recorded = 0
    for m in fx.man.get("recorded_mappings") or []:
        recorded |= ranges_to_int([(int(a, 16), int(b, 16)) for a, b in m["pfn_ranges"]])
    t.check(recorded, "the manifest records no mapping")
    t.check(not ours.kept & recorded, "recorded pfns kept at -d 31: " + fmt_pfns(ours.kept & recorded))
    census = (fx.man.get("page_census") or {}).get("by_content") or {}
    for tag in ("ANON-HOG", "EXT4-MAPPED"):
        tagged = tagged_pfns(fx, tag)
        t.check_equal(popcount(tagged), census.get(tag), f"pages tagged {tag} in the input")
        t.check(not ours.kept & tagged, f"{tag} pages kept at -d 31: " + fmt_pfns(ours.kept & tagged))


REPORT_KEYS = ["Original pages", "Memory Hole", "Total pages"]


@parametrize(lambda: _matrix((31,)), heavy=True)
def test_arm64_report_vs_reference(t, name, level, codec):
    """The statistics report (--message-level 31) agrees with the one the
    reference build printed (manifest): Original pages, Memory Hole and Total
    pages always; where the kept sets are equal also every per-class counter
    and Excluded/Remaining pages."""
    fx = _fixture(name)
    ours = _ours(fx, level, codec)
    ref_kept, _, _, rec = _reference(fx)
    rd = rec.get("report") or {}
    if not rd:
        skip(f"the manifest has no report of {rec.get('label')}")
    ro = ours.report
    keys = list(REPORT_KEYS)
    if ours.kept == ref_kept:
        keys = [k for k in tools.REPORT_KEYS if k != "Write bytes"]
    else:
        t.log("kept sets differ (see test_arm64_kept): only " + ", ".join(keys) + " compared")
    for key in keys:
        if key in rd:
            t.check(ro.get(key) == rd[key], f"{key}: ours {ro.get(key)}, reference {rd[key]}")


@parametrize(lambda: _matrix((31,), ("lzo",)), heavy=True)
def test_arm64_identical_to_reference(t, name, level, codec):
    """Our -l -d 31 file is byte-identical to the reference output of the
    arm64 makedumpfile build shipped beside the fixture, where the kept
    sets agree (test_arm64_kept)."""
    fx = _fixture(name)
    ours = _ours(fx, level, codec)
    ref_kept, _, _, rec = _reference(fx)
    if ours.kept != ref_kept:
        skip("the kept sets differ (explained in test_arm64_kept): identity not expected")
    path, _ = fx.reference()
    digest = tools._sha256(path)
    t.check(ours.sha256 == digest, f"our output ({ours.size} bytes) differs from the reference "
            f"({rec.get('label')}, {path.stat().st_size} bytes)")
