"""The modes beyond a plain dump: ELF output (-E), flattened streams (-F, -R),
--split / --reassemble, --num-threads, re-filtering, --dump-dmesg,
--mem-usage, --dry-run, --check-params and --json.

Round trips on every fixture (heavy), checked byte for byte or page by page
(libkdumpfile against the input read by our own test ELF reader), and
against Debian's makedumpfile 1.7.2 where it accepts the same job.  The
arm64 fixtures go through the same round trips (-F/-R, -E, --split,
re-filtering, --mem-usage) and through --dump-dmesg and --json checked
against readers other than Debian's x86_64 build, which cannot read them.
Error paths run on a small synthetic vmcore from tests/tools/mkvmcore.
"""

import json
import os
import re
import shutil
import struct
import subprocess

import fixtures
import kdumpout
import realfx
import tools
from harness import heavy, parametrize, skip

PAGE = 4096


def _fixture_params(kinds=(None,), archs=("x86_64",)):
    names = [n for a in archs for n in fixtures.fixture_names(a)]
    if not names:
        return [("no-fixtures", {"name": None, "kind": kinds[0]})]
    out = []
    for name in names:
        for kind in kinds:
            pid = fixtures.short(name) + (f"/{kind}" if kind else "")
            out.append((pid, {"name": name, "kind": kind}))
    return out


def _fx(name):
    if name is None:
        fixtures.require_fixture_dir()
        skip("no fixtures with a manifest")
    return realfx.Fixture(name)


def _ours(args, **kw):
    return tools.run_tool(tools.require_ours(), args, **kw)


def _ok(r):
    assert r.rc == 0, r.describe()
    return r


def _same(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def _fmt_args(kind):
    return ["-E", "-d", "31"] if kind == "elf" else ["-l", "-d", "31"]


def _check_pages(t, out, vmcore, what):
    """Every page libkdumpfile finds in @out equals the input's page."""
    k = kdumpout.open_dump(out)
    kept, _ = kdumpout.pagemap_int(k)
    del k
    t.check(kept, f"{what}: no page at all")
    n, bad = tools.verify_contents(out, vmcore, kept)
    t.check(not bad, f"{what}: pages differ from the input:\n" + tools.describe_bad(bad))
    t.log(f"{what}: {n} pages compared")
    return kept


def _flatten_to_file(args, dst):
    """Run ours with -F and capture the stream in @dst."""
    with open(dst, "wb") as f:
        p = subprocess.run([str(tools.require_ours())] + [str(a) for a in args],
                           stdout=f, stderr=subprocess.PIPE, timeout=600)
    assert p.returncode == 0, p.stderr.decode(errors="replace")


def _rearrange(src, dst, extra=()):
    with open(src, "rb") as f:
        p = subprocess.run([str(tools.require_ours()), "-R", *extra, str(dst)], stdin=f,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


# ---- round trips on the fixtures ---------------------------------------------


@parametrize(lambda: _fixture_params(("kdump", "elf"), archs=("x86_64", "arm64")), heavy=True, weight=2.0)
def test_flatten_rearrange(t, name, kind):
    """`-F | -R` rebuilds the very file a direct run writes, and the
    stream is the same for any --num-threads."""
    fx = _fx(name)
    direct, s0, s2, back = (t.tmp / x for x in ("direct", "s0", "s2", "back"))
    _ok(_ours(_fmt_args(kind) + [fx.path, direct]))
    _flatten_to_file(_fmt_args(kind) + ["-F", fx.path], s0)
    _flatten_to_file(_fmt_args(kind) + ["-F", "--num-threads", "2", fx.path], s2)
    t.check(_same(s0, s2), "the -F stream differs between 0 and 2 threads")
    rc, text = _rearrange(s0, back)
    assert rc == 0, text
    t.check(_same(direct, back), "-F | -R differs from the direct output")
    t.check_equal(oct(os.stat(back).st_mode & 0o777), "0o600", "mode of the -R output")


@parametrize(lambda: _fixture_params(("kdump", "elf")), heavy=True, weight=2.0)
def test_threads_identical(t, name, kind):
    """--num-threads 1 and 2 write the same bytes as the single-threaded run."""
    fx = _fx(name)
    ref = t.tmp / "t0"
    _ok(_ours(_fmt_args(kind) + [fx.path, ref]))
    for n in (1, 2):
        out = t.tmp / f"t{n}"
        _ok(_ours(_fmt_args(kind) + ["--num-threads", str(n), fx.path, out]))
        t.check(_same(ref, out), f"--num-threads {n} output differs")


@parametrize(lambda: _fixture_params(archs=("x86_64", "arm64")), heavy=True, weight=3.0)
def test_elf_content(t, name, kind):
    """-E output opens in libkdumpfile, every page in it equals the input,
    every device-backed vmemmap page is in it, and the report has both
    "in ELF format" lines; the same with a small --cyclic-buffer."""
    fx = _fx(name)
    kdumpout.require_libkdumpfile()
    out, small = t.tmp / "dump.elf", t.tmp / "small.elf"
    r = _ok(_ours(["-E", "-d", "31", "--message-level", "31", fx.path, out]))
    t.check_equal(len(re.findall(r"in ELF format : 0x", r.stdout)), 2, "'in ELF format' lines")
    kept = _check_pages(t, out, fx.path, "-E -d 31")
    for a, b in fx.dbv:
        missing = [p for p in range(a, b) if not (kept >> p) & 1]
        t.check(not missing, f"device-backed vmemmap pfns missing from the ELF dump: "
                f"{kdumpout.fmt_pfns(sum(1 << p for p in missing))}")
    _ok(_ours(["-E", "-d", "31", "--cyclic-buffer", "1", fx.path, small]))
    t.check(_same(out, small), "--cyclic-buffer 1 changes the ELF output")


@parametrize(_fixture_params, heavy=True, weight=2.0)
def test_elf_vs_debian(t, name, kind):
    """Where Debian's 1.7.2 keeps the same pages, our -E -d 31 file is
    byte-identical to its file (program headers, notes, data)."""
    fx = _fx(name)
    tools.require_debian()
    ours, deb = t.tmp / "ours.elf", t.tmp / "deb.elf"
    r = tools.run_tool(tools.DEBIAN, ["-E", "-d", "31", fx.debian_input(), deb])
    assert r.rc == 0, r.describe()
    _ok(_ours(["-E", "-d", "31", fx.debian_input(), ours]))
    why = fx.info.expected_differences(31)
    if fx.info.dbv_in_file:
        why.append("device-backed vmemmap pages (zero ones included) kept by us")
    if why:
        t.log("identity not expected: " + "; ".join(why))
        return
    t.check(_same(ours, deb), "our -E output differs from Debian's")


@parametrize(lambda: _fixture_params(archs=("x86_64", "arm64")), heavy=True, weight=3.0)
def test_split_reassemble(t, name, kind):
    """--split writes parts that each open in libkdumpfile and hold the
    input's pages of their range; together they cover every pfn; the
    reassembled file equals the unsplit output byte for byte, whatever the
    order of the parts; the parts equal Debian's when its kept set agrees."""
    fx = _fx(name)
    direct = t.tmp / "direct"
    _ok(_ours(["-l", "-d", "31", fx.path, direct]))
    parts = [t.tmp / f"part{i}" for i in range(3)]
    r = _ok(_ours(["--split", "-l", "-d", "31", "--splitblock-size", "65536",
                   "--num-threads", "2", fx.path, *parts]))
    t.check(f"The dumpfiles are saved to {parts[0]}, {parts[1]}, and {parts[2]}." in r.stdout,
            "final message of --split")
    end = 0
    for p in parts:
        with open(p, "rb") as f:
            f.seek(PAGE)
            sub = f.read(104)
        split, = struct.unpack_from("<i", sub, 12)
        start, stop = struct.unpack_from("<QQ", sub, 80)
        t.check_equal(split, 1, f"{p.name}: split flag")
        t.check_equal(start, end, f"{p.name}: start_pfn")
        end = stop
        if stop > start:
            k = kdumpout.open_dump(p)
            kept, _ = kdumpout.pagemap_int(k)
            del k
            kept &= ((1 << stop) - 1) & ~((1 << start) - 1)
            n, bad = tools.verify_contents(p, fx.path, kept)
            t.check(not bad, f"{p.name}: " + tools.describe_bad(bad))
    joined = t.tmp / "joined"
    _ok(_ours(["--reassemble", parts[2], parts[0], parts[1], joined]))
    t.check(_same(direct, joined), "reassembled file differs from the unsplit output")
    if fx.info.expected_differences(31) or fx.phdrs_displaced or fx.info.dbv_in_file:
        return
    if not tools.DEBIAN.is_file() or fx.info.arch != "x86_64":
        return
    dparts = [t.tmp / f"deb{i}" for i in range(3)]
    r = tools.run_tool(tools.DEBIAN, ["--split", "-l", "-d", "31", "--splitblock-size", "65536",
                                      fx.path, *dparts])
    if r.rc == 0:
        for a, b in zip(parts, dparts):
            t.check(_same(a, b), f"{a.name} differs from Debian's {b.name}")


@parametrize(lambda: _fixture_params(archs=("x86_64", "arm64")), heavy=True, weight=2.0)
def test_refilter(t, name, kind):
    """A -d 0 dump re-filtered to -d 31 keeps exactly the pages of a direct
    -d 31 dump (same 2nd bitmap, same contents); re-filtered to ELF it
    holds the input's pages (zero-filled where the kdump input has none)."""
    fx = _fx(name)
    d0, d31, re31, relf = (t.tmp / x for x in ("d0", "d31", "re31", "re.elf"))
    _ok(_ours(["-l", "-d", "0", fx.path, d0]))
    _ok(_ours(["-l", "-d", "31", fx.path, d31]))
    _ok(_ours(["-l", "-d", "31", d0, re31]))
    a, b = kdumpout.open_dump(d31), kdumpout.open_dump(re31)
    ka, _ = kdumpout.pagemap_int(a)
    kb, _ = kdumpout.pagemap_int(b)
    del a, b
    t.check(ka == kb, "kept pages differ: direct-only "
            f"{kdumpout.fmt_pfns(ka & ~kb)}, re-filtered-only {kdumpout.fmt_pfns(kb & ~ka)}")
    _check_pages(t, re31, fx.path, "re-filtered -d 31")
    _ok(_ours(["-E", "-d", "31", d31, relf]))
    k = kdumpout.open_dump(relf)
    kept, _ = kdumpout.pagemap_int(k)
    del k
    n, bad = tools.verify_contents(relf, fx.path, kept & ka)
    t.check(not bad, "kdump -> ELF: " + tools.describe_bad(bad))


@parametrize(_fixture_params, heavy=True)
def test_dmesg_vs_debian(t, name, kind):
    """--dump-dmesg writes Debian's log plus the caller-id column (1.7.5+
    format): equal once the column is removed; the first line is the
    kernel banner; --partial-dmesg matches too."""
    fx = _fx(name)
    tools.require_debian()
    for extra in ([], ["--partial-dmesg"]):
        ours, deb = t.tmp / "ours.log", t.tmp / "deb.log"
        for f in (ours, deb):
            if f.exists():
                f.unlink()
        r = _ok(_ours(["--dump-dmesg", *extra, fx.path, ours]))
        t.check(f"The dmesg log is saved to {ours}." in r.stdout, "final message")
        text = ours.read_bytes().decode("latin-1")
        t.check(re.match(r"\[    0\.000000\] \[ +T0\] Linux version ", text),
                f"first line: {text[:80]!r}")
        r = tools.run_tool(tools.DEBIAN, ["--dump-dmesg", *extra, fx.debian_input(), deb])
        if r.rc != 0:
            continue
        stripped = []
        for line in text.splitlines(keepends=True):
            m = re.match(r"(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] (.*)", line, re.S)
            stripped.append(m.group(1) + m.group(2) if m else
                            line[11:] if line.startswith(" " * 26) else line)
        t.check("".join(stripped) == deb.read_bytes().decode("latin-1"),
                f"log {' '.join(extra)} differs from Debian's after removing the caller id")


@parametrize(lambda: _fixture_params(archs=("x86_64", "arm64")), heavy=True)
def test_mem_usage(t, name, kind):
    """--mem-usage on a dump: ZERO, cache, USER and FREE equal the -d 31
    report's counters; the rows add up to the total; no final line."""
    fx = _fx(name)
    r = _ok(_ours(["--mem-usage", "--message-level", "6", fx.path]))
    rows = dict(re.findall(r"^([A-Z_]+)\t+(\d+)\s", r.stdout, re.M))
    total = int(re.search(r"Total pages on system:\t(\d+)", r.stdout).group(1))
    t.check("makedumpfile Completed." not in r.stdout, "--mem-usage prints no final line")
    t.check_equal(sum(int(v) for v in rows.values()), total, "sum of the rows")
    rep = tools.parse_report(_ok(_ours(["-l", "-d", "31", "--dry-run", "--message-level", "16",
                                        fx.path, t.tmp / "x"])).stdout)
    for row, key in (("NON_PRI_CACHE", "Non-private cache pages"),
                     ("PRI_CACHE", "Private cache pages"), ("USER", "User process data pages"),
                     ("FREE", "Free pages")):
        t.check_equal(int(rows[row]), rep[key], row)
    if not fx.info.dbv_in_file:
        t.check_equal(int(rows["ZERO"]), rep["Pages filled with zero"], "ZERO")
    t.check_equal(total, rep["Original pages"], "total pages")


def _arm64_params():
    names = fixtures.fixture_names("arm64")
    if not names:
        return [("no-arm64-fixtures", {"name": None})]
    return [(fixtures.short(n), {"name": n}) for n in names]


@parametrize(_arm64_params, heavy=True)
def test_dmesg_arm64(t, name):
    """--dump-dmesg on an arm64 dump equals kexec-tools' vmcore-dmesg (an
    independent reader of the printk ring buffer that handles any ELF
    vmcore) once our caller-id column is removed; it starts with arm64's
    boot banner, names the release and holds the sysrq crash; the same log
    comes out of the reference output of the arm64 makedumpfile build."""
    fx = _fx(name)
    release = fx.man["kernel"]["release"]
    ours, fromref = t.tmp / "ours.log", t.tmp / "ref.log"
    _ok(_ours(["--dump-dmesg", fx.path, ours]))
    text = ours.read_bytes().decode("latin-1")
    t.check(re.match(r"\[    0\.000000\] \[ +T0\] Booting Linux on physical CPU", text),
            f"first line: {text[:80]!r}")
    t.check(f"Linux version {release} " in text, f"no 'Linux version {release}' line")
    t.check("sysrq: Trigger a crash" in text, "no sysrq crash line")
    stripped = re.sub(r"(?m)^(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] ", r"\1", text)
    vd = shutil.which("vmcore-dmesg")
    if vd:
        r = tools.run_tool(vd, [fx.path])
        t.check(r.rc == 0, f"vmcore-dmesg: {r.describe()}")
        t.check(stripped == r.stdout, "log differs from vmcore-dmesg's once the caller id is removed")
    else:
        t.log("vmcore-dmesg (kexec-tools) not installed: not compared")
    ref, _ = fx.reference()
    _ok(_ours(["--dump-dmesg", ref, fromref]))
    t.check(fromref.read_bytes() == ours.read_bytes(),
            "the log read from the reference output differs from the one read from the vmcore")


@parametrize(_arm64_params, heavy=True)
def test_json_arm64(t, name):
    """--json on an arm64 dump: the counters of the report, the page size
    and dump level, and the reference build's report (manifest) where the
    kept sets agree."""
    fx = _fx(name)
    out, js = t.tmp / "dump", t.tmp / "r.json"
    r = _ok(_ours(["-l", "-d", "31", "--message-level", "31", "--json", js, fx.path, out]))
    j = json.loads(js.read_text())
    rep = tools.parse_report(r.stdout + r.stderr)
    t.check_equal(j["status"], "completed", "JSON status")
    t.check_equal(j["page_size"], 4096, "JSON page_size")
    t.check_equal(j["dump_level"], 31, "JSON dump_level")
    t.check_equal(j["write_bytes"], rep["Write bytes"], "JSON write_bytes vs the report")
    pages = j["pages"]
    for key, label in (("total", "Total pages"), ("original", "Original pages"),
                       ("memory_hole", "Memory Hole"), ("excluded", "Excluded pages"),
                       ("zero", "Pages filled with zero"), ("cache", "Non-private cache pages"),
                       ("cache_private", "Private cache pages"), ("user", "User process data pages"),
                       ("free", "Free pages"), ("remaining", "Remaining pages")):
        t.check_equal(pages[key], rep[label], f"JSON pages.{key} vs the report")
    _, rec = fx.reference()
    k = kdumpout.open_dump(out)
    kept, _ = kdumpout.pagemap_int(k)
    del k
    t.check_equal(pages["written"], kept.bit_count(), "JSON pages.written vs the page map")
    ref = rec.get("report") or {}
    if ref and ref.get("Remaining pages") == pages["remaining"]:
        t.check_equal(j["write_bytes"], ref["Write bytes"], "JSON write_bytes vs the reference's")


# ---- modes on a small synthetic vmcore -----------------------------------------


def _synthetic(t, *args):
    if not tools.MKVMCORE.is_file():
        r = subprocess.run(["make", "-C", str(tools.REPO), "tests/tools/mkvmcore"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode:
            skip("tests/tools/mkvmcore can't be built")
    v = t.tmp / "syn.vmcore"
    r = tools.run_tool(tools.MKVMCORE, ["--quiet", "--ram", "256M", *args, v])
    assert r.rc == 0, r.describe()
    return v


def test_rearrange_errors(t):
    """-R fails at once on a stream cut short (keeping and flagging what
    arrived), refuses input that is not flattened (leaving no file), an
    existing file without -f, and an empty stdin."""
    v = _synthetic(t)
    stream, full = t.tmp / "s.flat", t.tmp / "full"
    _flatten_to_file(["-l", "-d", "31", "-F", v], stream)
    rc, text = _rearrange(stream, full)
    assert rc == 0, text
    cut = t.tmp / "cut.flat"
    cut.write_bytes(stream.read_bytes()[:60000])
    out = t.tmp / "cut"
    rc, text = _rearrange(cut, out)
    t.check_equal(rc, 1, "exit status for a cut stream")
    t.check("before its end marker" in text and "incomplete" in text, f"message: {text}")
    t.check(out.is_file() and out.stat().st_size > 0, "what arrived is kept")
    if out.is_file():
        status, = struct.unpack_from("<I", out.read_bytes()[:464], 424)
        t.check(status & 0x8, "cut dump flagged incomplete in its header")
    bad = t.tmp / "bad"
    rc, text = _rearrange(v, bad)
    t.check_equal(rc, 1, "exit status for non-flattened input")
    t.check("Can't get signature of flattened format." in text, f"message: {text}")
    t.check(not bad.exists(), "no file left for non-flattened input")
    rc, text = _rearrange(stream, full)
    t.check(rc == 1 and "File exists" in text, f"existing file without -f: {text}")
    rc, text = _rearrange(stream, full, ["-f"])
    t.check_equal(rc, 0, "-R -f over an existing file")
    empty = t.tmp / "empty.flat"
    empty.write_bytes(b"")
    rc, text = _rearrange(empty, t.tmp / "e")
    t.check(rc == 1 and "empty" in text, f"empty stdin: {text}")


def test_reassemble_errors(t):
    """--reassemble refuses an incomplete set, a non-split file, a file
    given twice, and a flattened part."""
    v = _synthetic(t)
    parts = [t.tmp / f"p{i}" for i in range(3)]
    _ok(_ours(["--split", "-l", "-d", "31", "--splitblock-size", "32768", v, *parts]))
    whole = t.tmp / "whole"
    _ok(_ours(["-l", "-d", "31", v, whole]))
    for args, want in (([parts[0], parts[2]], "There is not dumpfile corresponding"),
                       ([parts[0], whole, parts[2]], "not part of a split dump"),
                       ([parts[0], parts[0], parts[1], parts[2]], "overlaps")):
        out = t.tmp / "out"
        r = _ours(["--reassemble", *args, out])
        t.check(r.rc == 1 and want in r.text, f"{want}: {r.describe()}")
    out = t.tmp / "ok"
    _ok(_ours(["--reassemble", *parts, out]))
    t.check(_same(out, whole), "reassembled != whole")


def test_check_params(t):
    """--check-params: silent exit 0 for valid lines (never touching the
    files), exit 1 with the reason otherwise, no final line."""
    for args in (["-l", "--message-level", "7", "-d", "31", "vmcore", "dumpfile"],
                 ["-F", "-c", "-d", "31", "vmcore"], ["-E", "--num-threads", "2", "vmcore", "x"],
                 ["--split", "-l", "--num-threads", "2", "vmcore", "a", "b"], ["-R", "x"],
                 ["--reassemble", "a", "b", "c"], ["--dump-dmesg", "vmcore", "log"],
                 ["--mem-usage", "/proc/kcore"]):
        r = _ours(["--check-params", *args], cwd=t.tmp)
        t.check(r.rc == 0 and not r.text, f"valid: {r.describe()}")
    for args, want in ((["-l", "-E", "v", "x"], "Commandline parameter is invalid."),
                       (["-F", "v", "x"], "Commandline parameter is invalid."),
                       (["-F", "--split", "v", "a", "b"], "Commandline parameter is invalid."),
                       (["--dry-run", "--dump-dmesg", "v", "l"], "--dry-run cannot be used"),
                       (["--split", "-E", "v", "a", "b"], "cannot be used with Elf format")):
        r = _ours(["--check-params", *args], cwd=t.tmp)
        t.check(r.rc == 1 and want in r.text and "makedumpfile Failed" not in r.text,
                f"invalid: {r.describe()}")
    t.check_equal(sorted(os.listdir(t.tmp)), [], "files created by --check-params")


def test_dry_run_and_json(t):
    """--dry-run writes nothing but reports the Write bytes of a real run;
    --json gives the same counters as the report, for kdump, ELF and split."""
    v = _synthetic(t)
    for mode in (["-l", "-d", "31"], ["-E", "-d", "31"]):
        real, dry = t.tmp / "real", t.tmp / "dry"
        if real.exists():
            real.unlink()
        rr = _ok(_ours(mode + ["--message-level", "23", "--json", t.tmp / "r.json", v, real]))
        rd = _ok(_ours(mode + ["--dry-run", "--message-level", "23", v, dry]))
        t.check(not dry.exists(), "--dry-run created the file")
        t.check(f"The dumpfile is saved to {dry}." in rd.stdout, "dry-run final message")
        wr = tools.parse_report(rr.stdout)["Write bytes"]
        t.check_equal(tools.parse_report(rd.stdout)["Write bytes"], wr, f"{mode} dry-run Write bytes")
        j = json.loads((t.tmp / "r.json").read_text())
        t.check_equal(j["write_bytes"], wr, "JSON write_bytes")
        t.check_equal(j["status"], "completed", "JSON status")
        t.check_equal(j["format"], "elf" if "-E" in mode else "kdump-compressed", "JSON format")
        t.check_equal(oct((t.tmp / "r.json").stat().st_mode & 0o777), "0o600", "JSON file mode")
    r = _ours(["-l", "-d", "31", "--json", "-", "-F", v], timeout=600)
    line = [x for x in r.stderr.splitlines() if x.startswith("{")]
    t.check(line and json.loads(line[0])["flattened"], "--json - with -F goes to stderr")
    r = _ours(["-l", "--json", "-", t.tmp / "missing.vmcore", t.tmp / "o"])
    j = json.loads([x for x in r.stdout.splitlines() if x.startswith("{")][0])
    t.check(r.rc == 1 and j["status"] == "failed" and j["error"], f"JSON on failure: {j}")


@heavy(2.0)
def test_legacy_dmesg(t):
    """--dump-dmesg on the log_buf generations (4.4: no caller id; 5.4:
    caller id) and the lockless ring buffer, against Debian's output."""
    tools.require_debian()
    for prof in ("4.4", "5.4", "6.1"):
        v = _synthetic(t, "--profile", prof)
        ours, deb = t.tmp / f"o{prof}", t.tmp / f"d{prof}"
        _ok(_ours(["--dump-dmesg", v, ours]))
        r = tools.run_tool(tools.DEBIAN, ["--dump-dmesg", v, deb])
        assert r.rc == 0, r.describe()
        a = re.sub(rb"(?m)^(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] ", rb"\1", ours.read_bytes())
        t.check(a == deb.read_bytes(), f"profile {prof}: log differs from Debian's")
        v.unlink()


def test_dmesg_vs_generator(t):
    """--dump-dmesg against the log the generator wrote into the dump (its
    manifest has each line as makedumpfile prints it): log_buf without and
    with caller id (4.4, 5.4) and the printk ringbuffer (6.1, 6.12)."""
    import synth

    for prof in ("4.4", "5.4", "6.1", "6.12"):
        vm, man = synth.generate(["--profile", prof, "--ram", "256M"])
        want = "".join(l["makedumpfile"] + "\n" for l in man["dmesg"]["lines"])
        out = t.tmp / f"log{prof}"
        _ok(_ours(["--dump-dmesg", vm, out]))
        got = re.sub(r"(?m)^(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] ", r"\1",
                     out.read_bytes().decode("latin-1"))
        t.check(got == want, f"profile {prof} ({man['dmesg']['kind']}): log differs from the "
                f"generator's:\nours: {got[:300]!r}\nwant: {want[:300]!r}")
