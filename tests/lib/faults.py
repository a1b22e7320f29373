"""Fault injection for tests/integration/test_faults.py and test_badinput.py.

* ``shim()``: tests/faults/failio.c built as ``$BUILD/tests/faults/failio.so``
  (an LD_PRELOAD shim that fails reads/writes of chosen files; see its
  header comment); ``run_faulty`` runs our tool under it.
* ``tmpfs(dir, size)``: a small tmpfs mounted for a test (a real full disk);
  skips when mounting is not allowed.
* ``check_incomplete`` / ``check_pages``: what an interrupted dump must
  still be: a kdump file flagged incomplete whose pages read back either
  equal to the input or as errors, never as garbage.
* ``check_exit`` : exit status 1, the messages, no crash.
* ``kdump_layout``: offsets of the parts of a kdump file (to cut inside
  each part).
"""

import contextlib
import hashlib
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import fixtures
import kdumpout
import synth
import tools
from harness import skip

PAGE = 4096
REPO = tools.REPO
# The synthetic input most fault tests use: small, quick to generate.
SMALL = ["--ram", "256M", "--used", "12M", "--seed", "7"]
# Exit statuses the sanitizer build uses (make check-asan): a crash.
SANITIZER_RC = {86, 87}


def small_vmcore():
    vm, _ = synth.generate(SMALL)
    return vm


def build_dir():
    return Path(os.environ.get("BUILD") or (REPO / "build"))


def shim():
    p = build_dir() / "tests" / "faults" / "failio.so"
    if not p.is_file():
        skip(f"{p} is not built (make test-build)")
    return p


def run_faulty(args, fail_env, timeout=300, cwd=None):
    """Run our tool with failio.so preloaded; @fail_env: FAILIO_* values."""
    env = dict(os.environ)
    env["LD_PRELOAD"] = str(shim())
    # ASan wants to come first among the libraries; the shim only wraps
    # libc calls and may come before it.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS", ""),
                                                 "verify_asan_link_order=0"]))
    for k, v in fail_env.items():
        env[k] = str(v)
    return tools.run_tool(tools.require_ours(), args, timeout=timeout, cwd=cwd, env=env)


def log_lines(path):
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


@contextlib.contextmanager
def tmpfs(mountpoint, size):
    """A tmpfs of @size bytes at @mountpoint (created), unmounted after."""
    mountpoint = Path(mountpoint)
    mountpoint.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                        str(mountpoint)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if p.returncode != 0:
        skip(f"can't mount a tmpfs for a full-disk test (not root?): {p.stdout.strip()}")
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", str(mountpoint)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


class Layout:
    """Where the parts of a complete kdump file are (from its headers)."""

    def __init__(self, path):
        h = kdumpout.KdumpHeader(path)
        bs = h.block_size
        self.header = h
        self.size = os.path.getsize(path)
        self.sub_header = bs
        self.bitmap1 = (1 + h.sub_hdr_size) * bs
        self.bitmap2 = self.bitmap1 + h.bitmap_blocks * bs // 2
        self.table = self.bitmap1 + h.bitmap_blocks * bs
        k = kdumpout.open_dump(path)
        kept, _ = kdumpout.pagemap_int(k)
        del k
        self.kept = kept
        self.data = self.table + 24 * kdumpout.popcount(kept)


def kdump_layout(path):
    return Layout(path)


def check_exit(t, r, what, messages=()):
    """No crash or hang, exit 1 with "makedumpfile Failed." and @messages."""
    t.check(r.rc not in SANITIZER_RC and r.rc >= 0,
            f"{what}: crashed or sanitizer report (exit {r.rc}):\n" + r.describe())
    t.check_equal(r.rc, 1, f"{what}: exit status")
    t.check("makedumpfile Failed." in r.text, f"{what}: no 'makedumpfile Failed.' line:\n"
            + r.describe())
    for m in messages:
        t.check(m in r.text, f"{what}: no message containing {m!r}:\n" + r.describe())


_VERIFY = r"""
import json, sys
sys.path[:0] = sys.argv[4:]
import elfcore, kdumpout
out, vm, every = sys.argv[1], sys.argv[2], int(sys.argv[3])
k = kdumpout.open_dump(out)
kept, _ = kdumpout.pagemap_int(k)
e = elfcore.ElfCore(vm)
res = {"kept": kdumpout.popcount(kept), "equal": 0, "errors": 0, "wrong": []}
for i, p in enumerate(kdumpout.iter_pfns(kept)):
    if i % every:
        continue
    try:
        got = kdumpout.read_out_pages(k, p, 1)
    except Exception:  # noqa: BLE001 - a missing page reads as an error
        res["errors"] += 1
        continue
    want = None
    for p0, m, data in e.read_run(p, 1):
        want = data
    if want is None:
        res["wrong"].append([p, "kept in the output but the input has no data for it"])
    elif got != want:
        res["wrong"].append([p, "content differs from the input"])
    else:
        res["equal"] += 1
    if len(res["wrong"]) > 20:
        break
print(json.dumps(res))
"""


def check_structure(t, out, what):
    """Our own reading of @out (no libkdumpfile): the header, both bitmaps
    and, for every page in the 2nd bitmap, a descriptor lie inside the
    file; each descriptor is zero ("missing") or points at data inside the
    file after the table.  Returns the number of non-zero descriptors."""
    size = os.path.getsize(out)
    with open(out, "rb") as f:
        h = f.read(464)
        bs, sub, blocks, max_mapnr = struct.unpack_from("<iiII", h, 428)
        table = (1 + sub) * bs + blocks * bs
        if size < table:
            t.fail_soft(f"{what}: file of {size} bytes ends inside its bitmaps (end {table})")
            return 0
        f.seek((1 + sub) * bs + blocks * bs // 2)
        bm2 = int.from_bytes(f.read(blocks * bs // 2), "little")
        ndesc = bm2.bit_count()
        if size < table + 24 * ndesc:
            t.fail_soft(f"{what}: file of {size} bytes ends inside its descriptor table "
                        f"(end {table + 24 * ndesc}): readers fault on it")
            return 0
        f.seek(table)
        raw = f.read(24 * ndesc)
    bad, written = [], 0
    for i in range(ndesc):
        off, sz, flags, _ = struct.unpack_from("<QIIQ", raw, 24 * i)
        if off == 0 and sz == 0:
            continue
        written += 1
        if off < table + 24 * ndesc or sz == 0 or sz > bs or off + sz > size:
            bad.append(f"descriptor {i}: offset {off:#x} size {sz} flags {flags:#x}")
    t.check(not bad, f"{what}: descriptors pointing outside the data:\n  " + "\n  ".join(bad[:10]))
    return written


def check_pages(t, out, vm, what, need_some=False, every=1):
    """@out is structurally sound (check_structure) and every page
    libkdumpfile lists in it reads back equal to the input @vm or fails with
    an error.  Pages are read one at a time in a child process: libkdumpfile
    (0.5) crashes on reads that follow a failed multi-page read.  With
    @every > 1 only every so many pages are read.  Returns (pages in the
    page map, pages equal)."""
    written = check_structure(t, out, what)
    p = subprocess.run([sys.executable, "-c", _VERIFY, str(out), str(vm), str(every),
                        str(Path(__file__).parent)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=600)
    if p.returncode != 0:
        t.fail_soft(f"{what}: libkdumpfile failed reading the dump (exit {p.returncode}):\n"
                    + p.stderr[-1500:])
        return 0, 0
    res = json.loads(p.stdout)
    t.check(not res["wrong"], f"{what}: pages read back wrong (garbage, not errors):\n"
            + "\n".join(f"  pfn {pfn:#x}: {why}" for pfn, why in res["wrong"][:10]))
    if need_some:
        t.check(res["equal"] > 0, f"{what}: no page of the incomplete dump is readable")
    t.check(res["equal"] <= written or written == 0,
            f"{what}: {res['equal']} pages read back but only {written} descriptors written")
    return res["kept"], res["equal"]


def check_incomplete(t, out, what):
    """@out is a kdump file whose header says "incomplete" (status 0x8)."""
    if not Path(out).exists():
        t.fail_soft(f"{what}: no output file")
        return None
    if os.path.getsize(out) < 464:
        t.fail_soft(f"{what}: output of {os.path.getsize(out)} bytes has no complete header")
        return None
    with open(out, "rb") as f:
        h = f.read(464)
    if h[:8] != b"KDUMP   ":
        t.fail_soft(f"{what}: no KDUMP signature")
        return None
    status = struct.unpack_from("<I", h, 424)[0]
    t.check(status & kdumpout.DUMP_DH_COMPRESSED_INCOMPLETE,
            f"{what}: header status {status:#x} lacks the incomplete flag 0x8")
    try:
        return kdumpout.KdumpHeader(out)
    except (ValueError, struct.error):
        return None


def only_files(t, d, names, what):
    """Directory @d holds exactly @names (nothing else written beside)."""
    got = sorted(p.name for p in Path(d).iterdir())
    t.check_equal(got, sorted(names), f"{what}: files in {d}")


def reference_dump(vmcore, args):
    """A complete dump of @vmcore written by our tool with @args, made once
    per test session (read-only: tests copy or cut it)."""
    key = hashlib.sha1(json.dumps([str(vmcore), list(args)]).encode()).hexdigest()[:16]
    d = tools._session_dir() / "faults"
    d.mkdir(parents=True, exist_ok=True)
    out = d / f"{key}.dump"
    with fixtures.locked(d / f".lock-{key}"):
        if not out.is_file():
            part = d / f"{key}.part"
            if part.exists():
                part.unlink()
            r = tools.run_tool(tools.require_ours(), list(args) + [vmcore, part])
            if r.rc != 0:
                raise AssertionError("reference run failed:\n" + r.describe())
            os.replace(part, out)
    return out


def cut_copy(src, dst, size):
    """The first @size bytes of @src as @dst (sparse where @src is)."""
    subprocess.run(["cp", "--sparse=always", str(src), str(dst)], check=True)
    os.chmod(dst, 0o600)
    os.truncate(dst, size)
    return dst
