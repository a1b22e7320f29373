"""Running our makedumpfile and Debian's, and what the tests derive from
their outputs.

* ``run_tool`` runs one binary and returns rc/stdout/stderr/seconds.
* ``Summary`` is what a comparison needs from one run: exit status,
  messages, the statistics report, the kept-pfn set (libkdumpfile page map
  of the output), the output's sha256 and header status.  ``summary()``
  caches it per test session (``$MDF_TEST_SESSION``, set by tests/run),
  so that several tests comparing against the same Debian run share it;
  the (possibly large) output file itself is not kept.
* ``verify_contents`` checks every kept page of an output against the
  input vmcore (read with tests/lib/elfcore.py), in large reads, optionally
  in a process pool.
* ``compare_dumps`` checks that two kdump outputs with the same bitmaps
  decompress to the same pages, descriptor by descriptor: what "the same
  dump" means where the compressed bytes may differ (-c).
"""

import hashlib
import json
import os
import re
import struct
import subprocess
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import elfcore
import fixtures
import kdumpout
from harness import skip

REPO = fixtures.REPO
# $MDF_MAKEDUMPFILE runs the tests against another build (make check-asan).
OURS = Path(os.environ.get("MDF_MAKEDUMPFILE") or REPO / "makedumpfile")
DEBIAN = Path("/usr/bin/makedumpfile")
MKVMCORE = REPO / "tests" / "tools" / "mkvmcore"

# codec id -> command-line flag
CODECS = {"zlib": "-c", "lzo": "-l", "snappy": "-p", "zstd": "-z", "none": None}
CODEC_STATUS = {"zlib": 0x1, "lzo": 0x2, "snappy": 0x4, "zstd": 0x20, "none": 0}
# Debian's 1.7.2 lacks snappy and zstd: it writes those uncompressed.
DEBIAN_HAS = {"zlib", "lzo", "none"}


def require_ours():
    if not OURS.is_file():
        raise AssertionError(f"{OURS} is not built (run `make` in {REPO})")
    return OURS


def require_debian():
    if not DEBIAN.is_file():
        skip(f"Debian's makedumpfile ({DEBIAN}) is not installed")
    return DEBIAN


class Run:
    def __init__(self, argv, rc, out, err, seconds):
        self.argv, self.rc, self.stdout, self.stderr, self.seconds = argv, rc, out, err, seconds

    @property
    def text(self):
        return self.stdout + self.stderr

    def describe(self, limit=3000):
        msg = f"$ {' '.join(map(str, self.argv))}\nexit {self.rc}\n{self.text}"
        return msg if len(msg) <= limit else msg[:limit] + "\n[... output cut ...]"


def run_tool(binary, args, timeout=600, cwd=None, env=None, umask=None):
    argv = [str(binary)] + [str(a) for a in args]
    t0 = time.monotonic()
    pre = (lambda: os.umask(umask)) if umask is not None else None
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       cwd=cwd, env=env, preexec_fn=pre)
    return Run(argv, p.returncode,
               p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
               time.monotonic() - t0)


def codec_args(codec):
    f = CODECS[codec]
    return [f] if f else []


# --- the statistics report ----------------------------------------------------

REPORT_KEYS = [
    "Original pages", "Excluded pages", "Pages filled with zero", "Non-private cache pages",
    "Private cache pages", "User process data pages", "Free pages", "Hwpoison pages",
    "Offline pages", "Remaining pages", "Memory Hole", "Total pages", "Write bytes",
]


def parse_report(text):
    """``label -> int`` for the report lines (hex counters, decimal Write
    bytes); other lines are ignored."""
    rep = {}
    for line in text.splitlines():
        m = re.match(r"^\s*([A-Za-z][A-Za-z \-]*?)\s*:\s*(0x[0-9a-fA-F]+|\d+)\b", line)
        if not m:
            continue
        label, val = m.group(1).strip(), m.group(2)
        if label not in rep:
            rep[label] = int(val, 0)
    return rep


# --- run summaries, cached per session ---------------------------------------

class Summary:
    def __init__(self, d, bits):
        self.__dict__.update(d)
        self.kept = bits

    @property
    def report(self):
        return parse_report(self.stdout + self.stderr)


def _session_dir():
    d = os.environ.get("MDF_TEST_SESSION")
    if not d:
        d = tempfile.mkdtemp(prefix="mdf-session-")
        os.environ["MDF_TEST_SESSION"] = d
    return Path(d)


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for blk in iter(lambda: f.read(1 << 22), b""):
            h.update(blk)
    return h.hexdigest()


def make_summary(binary, args, vmcore, out):
    """Run @binary with @args on @vmcore writing @out; summarise it.  @out
    is left in place for the caller."""
    r = run_tool(binary, list(args) + [vmcore, out])
    d = {"argv": r.argv, "rc": r.rc, "stdout": r.stdout, "stderr": r.stderr,
         "seconds": r.seconds, "exists": os.path.exists(out)}
    bits, nbits = 0, 0
    if d["exists"] and r.rc == 0:
        d["sha256"] = _sha256(out)
        d["size"] = os.path.getsize(out)
        try:
            hdr = kdumpout.KdumpHeader(out)
            d["status"] = hdr.status
            d["dump_level"] = hdr.dump_level
            d["bitmap1"] = kdumpout.first_bitmap(out, hdr)
        except ValueError as e:
            d["status"] = None
            d["header_error"] = str(e)
        try:
            k = kdumpout.open_dump(out)
            bits, nbits = kdumpout.pagemap_int(k)
            d["open_error"] = None
        except Exception as e:  # noqa: BLE001 - recorded for the test to report
            d["open_error"] = f"{type(e).__name__}: {e}"
    d["max_pfn"] = nbits
    return Summary(d, bits)


def summary(tool, vmcore, args, out=None):
    """Cached ``make_summary`` for tool 'ours' or 'debian'.  With @out the
    run always happens (writing @out for the caller) and refreshes nothing
    but a missing cache entry, so a test that needs the file itself also
    spares the other tests a run."""
    binary = require_ours() if tool == "ours" else require_debian()
    key = hashlib.sha1(json.dumps([tool, str(vmcore), list(args)]).encode()).hexdigest()[:16]
    sd = _session_dir() / "runs"
    sd.mkdir(parents=True, exist_ok=True)
    meta, bitsf = sd / f"{key}.json", sd / f"{key}.bits"
    with fixtures.locked(sd / f".lock-{key}"):
        if out is None and meta.is_file():
            d = json.loads(meta.read_text())
            bits = int.from_bytes(bitsf.read_bytes(), "little")
            return Summary(d, bits)
        if out is None:
            with tempfile.TemporaryDirectory(dir=sd) as td:
                s = make_summary(binary, args, vmcore, os.path.join(td, "dump"))
        else:
            s = make_summary(binary, args, vmcore, str(out))
        if not meta.is_file():
            d = {k: v for k, v in s.__dict__.items() if k != "kept"}
            bitsf.write_bytes(s.kept.to_bytes((s.kept.bit_length() + 7) // 8, "little"))
            meta.write_text(json.dumps(d))
        return s


# --- page contents ------------------------------------------------------------

_W = {}


def _worker_init(out_path, in_path):
    _W["k"] = kdumpout.open_dump(out_path)
    _W["elf"] = elfcore.ElfCore(in_path)


def _compare_chunks(chunks):
    """Compare [pfn, pfn+n) chunks; returns (pages, [(pfn, why)...])."""
    k, elf = _W["k"], _W["elf"]
    bad, pages = [], 0
    for pfn, n in chunks:
        try:
            got = kdumpout.read_out_pages(k, pfn, n)
        except Exception:  # noqa: BLE001 - find the page that fails
            got = None
        for p0, m, want in elf.read_run(pfn, n):
            for i in range(m):
                p = p0 + i
                w = want[i * 4096:(i + 1) * 4096] if want is not None else None
                if got is not None:
                    g = got[(p - pfn) * 4096:(p - pfn + 1) * 4096]
                else:
                    try:
                        g = kdumpout.read_out_pages(k, p, 1)
                    except Exception as e:  # noqa: BLE001
                        bad.append((p, f"output unreadable: {e}"))
                        continue
                if w is None:
                    bad.append((p, "kept in the output but the input has no data for it"))
                elif g != w:
                    bad.append((p, "content differs from the input"))
                if len(bad) > 50:
                    return pages, bad
            pages += m
    return pages, bad


def inner_jobs():
    try:
        return max(1, int(os.environ.get("MDF_TEST_INNER_JOBS", "0")) or os.cpu_count() or 1)
    except ValueError:
        return 1


def verify_contents(out_path, in_path, kept, chunk_pages=2048, jobs=None):
    """Every pfn of @kept (int bitset) must read the same from the output
    (libkdumpfile) as from the input (own ELF reader).  Returns
    (pages_compared, [(pfn, why), ...])."""
    chunks = []
    for a, b in kdumpout.runs(kept):
        for c in range(a, b, chunk_pages):
            chunks.append((c, min(b, c + chunk_pages)- c))
    jobs = jobs or inner_jobs()
    if jobs <= 1 or len(chunks) < 4:
        _worker_init(out_path, in_path)
        try:
            return _compare_chunks(chunks)
        finally:
            _W["elf"].close()
            _W.clear()
    groups = [chunks[i::jobs * 4] for i in range(jobs * 4)]
    total, bad = 0, []
    with ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(str(out_path), str(in_path))) as ex:
        for n, b in ex.map(_compare_chunks, groups):
            total += n
            bad.extend(b)
    bad.sort()
    return total, bad


def _kdump_pages(path):
    """(header, file bytes, descriptors) of a kdump file; descriptors are
    (offset, size, flags) in 2nd-bitmap order."""
    h = kdumpout.KdumpHeader(path)
    with open(path, "rb") as f:
        raw = f.read()
    bs = h.block_size
    half = h.bitmap_blocks * bs // 2
    bm2 = (1 + h.sub_hdr_size) * bs + half
    n = int.from_bytes(raw[bm2:bm2 + half], "little").bit_count()
    table = bm2 + half
    descs = [struct.unpack_from("<qII", raw, table + 24 * i) for i in range(n)]
    return h, raw, descs


def _page_of(raw, desc, page_size):
    off, size, flags = desc
    data = raw[off:off + size]
    if len(data) != size:
        raise ValueError(f"descriptor points past the end ({off}+{size})")
    if flags == 0:
        return data
    if flags == CODEC_STATUS["zlib"]:
        return zlib.decompress(data, bufsize=page_size)
    raise ValueError(f"page flags {flags:#x} (only zlib or raw compared)")


def compare_dumps(a_path, b_path):
    """Two kdump files with the same 2nd bitmap hold the same pages: each
    descriptor of one decompresses (Python's zlib) to the page its
    counterpart in the other does.  zlib or raw pages only.  Returns
    (pages_compared, [(descriptor index, why), ...])."""
    ha, ra, da = _kdump_pages(a_path)
    _, rb, db = _kdump_pages(b_path)
    ps = ha.block_size
    if len(da) != len(db):
        return 0, [(0, f"{len(da)} descriptors against {len(db)}")]
    bad = []
    for i, (x, y) in enumerate(zip(da, db)):
        try:
            pa, pb = _page_of(ra, x, ps), _page_of(rb, y, ps)
        except (ValueError, zlib.error) as e:
            bad.append((i, f"unreadable: {e}"))
            continue
        if len(pa) != ps or pa != pb:
            bad.append((i, f"pages differ ({len(pa)} and {len(pb)} bytes)"))
        if len(bad) > 50:
            break
    return len(da), bad


def describe_bad(bad, limit=10):
    lines = [f"  pfn {p:#x}: {why}" for p, why in bad[:limit]]
    if len(bad) > limit:
        lines.append(f"  ... and {len(bad) - limit} more")
    return "\n".join(lines)
