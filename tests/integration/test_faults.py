"""Faults while dumping (issue 6: a dump tool runs once, at the worst
moment): the output device full (a small tmpfs) or limited (-L) at every
part of the file, write errors (EIO) and read errors on the input (an
LD_PRELOAD shim, tests/faults/failio.c: there is no device-mapper here),
an input truncated while mapped, and inputs cut short at many offsets.

What every case must show: no crash or hang (timeouts; sanitizer exits
under make check-asan), a message naming the problem, exit status 1
(CLI.md §3, also for an incomplete dump), and where a dump was being
written, a kdump file flagged incomplete (status 0x8, FORMATS.md B.12)
whose pages libkdumpfile reads back equal to the input or as errors,
never garbage.  Nothing but the named output appears in its directory,
and the output is mode 0600.  The input is a small synthetic vmcore
(tests/tools/mkvmcore, 256 MiB RAM).
"""

import os
import signal
import subprocess

import elfcore
import faults
import kdumpout
import tools
from harness import parametrize

ARGS = ["-l", "-d", "31"]
LIMIT_MSG = "Size limit("
INCOMPLETE_MSG = "This is an incomplete dumpfile, but might analyzable."


def _ref():
    vm = faults.small_vmcore()
    return vm, faults.reference_dump(vm, ARGS)


def _mode_0600(t, out, what):
    if out.exists():
        t.check_equal(oct(kdumpout.file_mode(out)), oct(0o600), f"{what}: output mode")


# --- -L size limits at every part of the file --------------------------------

# (id, where): where the limit falls, from the layout of the complete dump.
LIMIT_POINTS = [
    ("header-300", lambda l: 300),                       # inside the 464-byte header
    ("header-block", lambda l: 1000),                    # header written, notes not
    ("notes", lambda l: l.sub_header + 600),             # inside the notes
    ("bitmap1", lambda l: l.bitmap1 + 100),
    ("bitmap2", lambda l: l.bitmap2 + 3000),
    ("table", lambda l: l.table + 24 * 10 + 5),          # inside the descriptors
    ("data-start", lambda l: l.data + 3 * 4096 + 17),
    ("data-mid", lambda l: l.data + (l.size - l.data) // 2 + 1),
    ("data-end", lambda l: l.size - 1),
]


def _limit_params():
    return [(pid, {"where": pid}) for pid, _ in LIMIT_POINTS]


@parametrize(_limit_params, weight=2.0)
def test_size_limit(t, where):
    """-L N cutting the dump at one of its parts: exit 1 with "Size
    limit(N) reached" and the incomplete-dump line, a file flagged
    incomplete that uses no more than N bytes of disk (the header is always
    written whole to carry the flag; a file cut before the end of its
    descriptor table is extended there with a hole so that readers do not
    fault), structurally sound, whose pages libkdumpfile reads back equal
    to the input or as errors.  Cut inside the page data, the file is
    exactly N bytes and holds readable pages."""
    vm, ref = _ref()
    lay = faults.kdump_layout(ref)
    limit = dict(LIMIT_POINTS)[where](lay)
    d = t.tmp / "out"
    d.mkdir()
    out = d / "dump"
    r = tools.run_tool(tools.require_ours(), ARGS + ["-L", str(limit), vm, out], timeout=120)
    faults.check_exit(t, r, f"-L {limit}", [f"Size limit({limit}) reached", INCOMPLETE_MSG])
    faults.only_files(t, d, ["dump"], "after the run")
    if not out.exists():
        t.fail_soft("no output file")
        return
    st = out.stat()
    used = st.st_blocks * 512
    t.check(used <= (max(limit, 464) + 4095) // 4096 * 4096,
            f"output uses {used} bytes of disk, over the limit {limit}")
    if limit >= lay.data:
        t.check_equal(st.st_size, limit, "size of a dump cut inside its data")
    else:
        t.check(st.st_size <= max(limit, lay.data), f"output of {st.st_size} bytes")
    _mode_0600(t, out, "-L")
    if faults.check_incomplete(t, out, f"-L {limit}") and limit >= 464:
        n, ok = faults.check_pages(t, out, vm, f"-L {limit}",
                                   need_some=limit > lay.data + 4 * 4096)
        t.log(f"limit {limit:#x}: {n} pfns in the page map, {ok} read back equal")


def test_size_limit_elf(t):
    """-E with -L in the middle of the data: exit 1, the ELF header says
    incomplete (e_flags bit 0, FORMATS.md B.12), the file respects the
    limit and its program headers are complete."""
    vm = faults.small_vmcore()
    full = faults.reference_dump(vm, ["-E", "-d", "31"])
    limit = os.path.getsize(full) // 2
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(), ["-E", "-d", "31", "-L", str(limit), vm, out],
                       timeout=120)
    faults.check_exit(t, r, "-E -L", [f"Size limit({limit}) reached"])
    t.check(out.stat().st_size <= limit, f"ELF output {out.stat().st_size} > limit {limit}")
    e = elfcore.ElfCore(str(out))
    t.check(e.e_flags & 1, f"ELF e_flags {e.e_flags:#x} lacks the incomplete bit")
    t.check_equal(e.phnum, elfcore.ElfCore(str(full)).phnum, "program headers")
    _mode_0600(t, out, "-E -L")


def test_size_limit_stream(t):
    """-F with -L: the stream stops at the limit (exit 1, the limit named,
    no retry for a stream); rebuilt with -R, it gives a dump flagged
    incomplete whose pages read back equal to the input or as errors."""
    vm = faults.small_vmcore()
    stream = t.tmp / "stream"
    limit = 3 << 20
    with open(stream, "wb") as f:
        p = subprocess.run([str(tools.require_ours()), "-F", "-d", "31,1", "-L", str(limit)]
                           + ARGS[:1] + [str(vm)], stdout=f, stderr=subprocess.PIPE,
                           timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    t.check_equal(p.returncode, 1, "exit status of -F -L")
    t.check(f"Size limit({limit}) reached" in err, "no size-limit message:\n" + err[-2000:])
    t.check("Retry" not in err, "a stream was retried:\n" + err[-2000:])
    # The last descriptors and the flagged header follow the cut (at most
    # the 64 KiB descriptor buffer and one header record past the limit).
    t.check(stream.stat().st_size <= limit + (64 << 10) + 1024,
            f"stream of {stream.stat().st_size} bytes, far over the limit {limit}")
    out = t.tmp / "rebuilt"
    with open(stream, "rb") as f:
        q = subprocess.run([str(tools.OURS), "-R", str(out)], stdin=f, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
    t.check_equal(q.returncode, 1, "exit status of -R on the cut stream")
    faults.check_incomplete(t, out, "-R of a cut stream")
    faults.check_pages(t, out, vm, "-R of a cut stream", need_some=True)


# --- a full disk (tmpfs) --------------------------------------------------------

FULL_POINTS = [
    ("header", lambda l: 4096),
    ("bitmaps", lambda l: l.bitmap2 + 4096),
    ("table", lambda l: l.table + 4096),
    ("data-mid", lambda l: l.data + (l.size - l.data) // 2),
]


def _full_params():
    return [(pid, {"where": pid}) for pid, _ in FULL_POINTS]


@parametrize(_full_params, weight=2.0)
def test_disk_full(t, where):
    """The output filesystem (a tmpfs of a chosen size) fills up at one
    part of the dump: exit 1, "No space left on device", the incomplete
    line, the file flagged incomplete when its header fits, pages read back
    equal or as errors; nothing else on the filesystem."""
    vm, ref = _ref()
    lay = faults.kdump_layout(ref)
    size = (dict(FULL_POINTS)[where](lay) + 4095) // 4096 * 4096
    with faults.tmpfs(t.tmp / "mnt", size) as mnt:
        out = mnt / "dump"
        r = tools.run_tool(tools.require_ours(), ARGS + [vm, out], timeout=120)
        faults.check_exit(t, r, f"tmpfs of {size}", ["No space left on device"])
        faults.only_files(t, mnt, ["dump"], "on the full filesystem")
        _mode_0600(t, out, "disk full")
        t.check(INCOMPLETE_MSG in r.text, "no incomplete-dump line:\n" + r.describe())
        if faults.check_incomplete(t, out, f"tmpfs of {size}"):
            # Read a copy: on a full tmpfs, even reading a hole through a
            # mapping needs a page, and libkdumpfile maps the file (SIGBUS).
            cp = faults.cut_copy(out, t.tmp / "copy", out.stat().st_size)
            n, ok = faults.check_pages(t, cp, vm, f"tmpfs of {size}",
                                       need_some=where == "data-mid")
            t.log(f"tmpfs {size:#x}: {n} pfns in the page map, {ok} equal")


# --- the -d retry list -------------------------------------------------------------

def test_retry_list_limit(t):
    """-d 1,31 with a limit between the two dumps' sizes: level 1 runs out,
    "Retry to create a dumpfile by dump_level(31)." and a complete level-31
    dump (exit 0).  -d 31,11 with a limit below both: both run out, exit 1,
    an incomplete dump of level 11."""
    vm = faults.small_vmcore()
    s31 = os.path.getsize(faults.reference_dump(vm, ["-l", "-d", "31"]))
    s1 = os.path.getsize(faults.reference_dump(vm, ["-l", "-d", "1"]))
    t.check(s31 < s1, f"level 31 ({s31}) is not smaller than level 1 ({s1})")
    limit = (s31 + s1) // 2
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(), ["-l", "-d", "1,31", "-L", str(limit), vm, out],
                       timeout=120)
    t.check_equal(r.rc, 0, "exit status of -d 1,31 within the limit:\n" + r.describe())
    t.check("Retry to create a dumpfile by dump_level(31)." in r.text,
            "no retry message:\n" + r.describe())
    h = kdumpout.KdumpHeader(out)
    t.check_equal(h.dump_level, 31, "dump level of the retried dump")
    t.check(not h.status & kdumpout.DUMP_DH_COMPRESSED_INCOMPLETE, "retried dump flagged incomplete")
    faults.check_pages(t, out, vm, "-d 1,31", need_some=True)

    out2 = t.tmp / "dump2"
    limit2 = s31 // 2
    r = tools.run_tool(tools.OURS, ["-l", "-d", "31,11", "-L", str(limit2), vm, out2],
                       timeout=120)
    faults.check_exit(t, r, "-d 31,11 over the limit",
                      ["Retry to create a dumpfile by dump_level(11).", INCOMPLETE_MSG])
    h = faults.check_incomplete(t, out2, "-d 31,11")
    if h:
        t.check_equal(h.dump_level, 11, "dump level of the last try")
    faults.check_pages(t, out2, vm, "-d 31,11", need_some=True)
    faults.only_files(t, t.tmp, ["dump", "dump2"], "after the retries")


def test_retry_list_disk_full(t):
    """-d 1,31 on a filesystem too small for level 1 but big enough for 31:
    the first try's file is deleted (its space freed) and the retry
    succeeds: exit 0, a complete level-31 dump, nothing else left."""
    vm = faults.small_vmcore()
    s31 = os.path.getsize(faults.reference_dump(vm, ["-l", "-d", "31"]))
    s1 = os.path.getsize(faults.reference_dump(vm, ["-l", "-d", "1"]))
    size = ((s31 + s1) // 2 + 4095) // 4096 * 4096
    with faults.tmpfs(t.tmp / "mnt", size) as mnt:
        out = mnt / "dump"
        r = tools.run_tool(tools.require_ours(), ["-l", "-d", "1,31", vm, out], timeout=120)
        t.check_equal(r.rc, 0, "exit status:\n" + r.describe())
        t.check("No space left on device" in r.text, "no ENOSPC message:\n" + r.describe())
        t.check("Retry to create a dumpfile by dump_level(31)." in r.text,
                "no retry message:\n" + r.describe())
        faults.only_files(t, mnt, ["dump"], "after the retry")
        h = kdumpout.KdumpHeader(out)
        t.check_equal(h.dump_level, 31, "dump level")
        t.check(not h.status & kdumpout.DUMP_DH_COMPRESSED_INCOMPLETE, "flagged incomplete")
        faults.check_pages(t, out, vm, "retried on a full disk", need_some=True)


@parametrize(lambda: [("EDQUOT", {"err": "EDQUOT", "retry": True}),
                      ("EFBIG", {"err": "EFBIG", "retry": True}),
                      ("EIO", {"err": "EIO", "retry": False})])
def test_retry_list_errno(t, err, retry):
    """Quota and file-size errors count as "no space" and walk the -d list
    (exit 0 with the smaller level); an I/O error does not: the dump ends
    there, incomplete, exit 1."""
    vm = faults.small_vmcore()
    s31 = os.path.getsize(faults.reference_dump(vm, ["-l", "-d", "31"]))
    s1 = os.path.getsize(faults.reference_dump(vm, ["-l", "-d", "1"]))
    out = t.tmp / "dump"
    log = t.tmp / "failio.log"
    r = faults.run_faulty(["-l", "-d", "1,31", vm, out],
                          {"FAILIO_OUT": out, "FAILIO_OUT_OFF": (s31 + s1) // 2,
                           "FAILIO_ERRNO": err, "FAILIO_LOG": log})
    t.check(faults.log_lines(log), "the shim injected no failure")
    if retry:
        t.check_equal(r.rc, 0, "exit status:\n" + r.describe())
        t.check("Retry to create a dumpfile by dump_level(31)." in r.text,
                "no retry:\n" + r.describe())
        h = kdumpout.KdumpHeader(out)
        t.check_equal(h.dump_level, 31, "dump level")
        faults.check_pages(t, out, vm, err, need_some=True)
    else:
        faults.check_exit(t, r, err, ["Input/output error", INCOMPLETE_MSG])
        t.check("Retry" not in r.text, "an I/O error was retried:\n" + r.describe())
        faults.check_incomplete(t, out, err)
        faults.check_pages(t, out, vm, err, need_some=True)
    faults.only_files(t, t.tmp, ["dump", "failio.log"], "after the run")


# --- write errors -------------------------------------------------------------------

def test_write_eio_region(t):
    """The output device fails with EIO from the middle of the data on (a
    bad region): exit 1, the error named, the header (below the bad region)
    rewritten with the incomplete flag, pages equal or errors."""
    vm, ref = _ref()
    lay = faults.kdump_layout(ref)
    out = t.tmp / "dump"
    log = t.tmp / "failio.log"
    r = faults.run_faulty(ARGS + [vm, out],
                          {"FAILIO_OUT": out, "FAILIO_OUT_OFF": (lay.data + lay.size) // 2,
                           "FAILIO_LOG": log})
    t.check(faults.log_lines(log), "the shim injected no failure")
    faults.check_exit(t, r, "EIO region", ["Input/output error", INCOMPLETE_MSG])
    faults.check_incomplete(t, out, "EIO region")
    n, ok = faults.check_pages(t, out, vm, "EIO region", need_some=True)
    t.log(f"{n} pfns in the page map, {ok} equal")


@parametrize(lambda: [("bitmaps", {"where": "bitmaps"}), ("data", {"where": "data"})])
def test_write_eio_dead_device(t, where):
    """Every write fails with EIO after some point (the device died), even
    the header rewrite that would flag the dump: exit 1, the error named, no
    crash or hang; what is on disk still reads as the input or as errors
    (descriptors never written are zero: "missing")."""
    vm, ref = _ref()
    lay = faults.kdump_layout(ref)
    after = lay.bitmap2 + 100 if where == "bitmaps" else (lay.data + lay.size) // 2
    out = t.tmp / "dump"
    log = t.tmp / "failio.log"
    r = faults.run_faulty(ARGS + [vm, out],
                          {"FAILIO_OUT": out, "FAILIO_OUT_AFTER": after, "FAILIO_LOG": log})
    t.check(faults.log_lines(log), "the shim injected no failure")
    faults.check_exit(t, r, "dead device", ["Input/output error"])
    if where == "data":
        faults.check_pages(t, out, vm, "dead device")


def test_write_eio_stream(t):
    """-F into a file whose writes fail with EIO after 1 MiB: exit 1 with
    the error, no crash or hang."""
    vm = faults.small_vmcore()
    stream = t.tmp / "stream"
    log = t.tmp / "failio.log"
    env = dict(os.environ, LD_PRELOAD=str(faults.shim()), FAILIO_OUT=str(stream),
               FAILIO_OUT_AFTER=str(1 << 20), FAILIO_LOG=str(log),
               ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
    with open(stream, "wb") as f:
        p = subprocess.run([str(tools.require_ours()), "-F"] + ARGS + [str(vm)], stdout=f,
                           stderr=subprocess.PIPE, env=env, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    t.check(faults.log_lines(log), "the shim injected no failure")
    t.check_equal(p.returncode, 1, "exit status")
    t.check("Input/output error" in err, "no EIO message:\n" + err[-2000:])
    t.check("makedumpfile Failed." in err, "no failure line:\n" + err[-2000:])


def test_stream_reader_gone(t):
    """-F into a pipe whose reader goes away after 256 KiB (ssh dropped):
    a message and exit 1, not a silent death by SIGPIPE or a hang."""
    vm = faults.small_vmcore()
    p = subprocess.Popen([str(tools.require_ours()), "-F"] + ARGS + [str(vm)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = p.stdout.read(256 << 10)
    p.stdout.close()
    try:
        _, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise AssertionError("the tool hung after its reader went away")
    err = err.decode("utf-8", "replace")
    t.check(len(got) == 256 << 10, f"only {len(got)} bytes came through the pipe")
    t.check(p.returncode != -signal.SIGPIPE, "killed by SIGPIPE without a message")
    t.check_equal(p.returncode, 1, "exit status")
    t.check("Broken pipe" in err, "no EPIPE message:\n" + err[-2000:])


# --- read errors on the input ---------------------------------------------------------

def _ram_load(vm):
    e = elfcore.ElfCore(str(vm))
    try:
        loads = [s for s in e.loads if s.filesz >= (64 << 20)]
        return loads[0] if loads else max(e.loads, key=lambda s: s.filesz)
    finally:
        e.close()


def test_read_eio_nonmmap(t):
    """--non-mmap, the input's disk fails (EIO) over 1 MiB in the middle of
    a RAM PT_LOAD: exit 1, warnings naming unreadable pages, a dump flagged
    incomplete in which those pages are errors and every other page equals
    the input."""
    vm = faults.small_vmcore()
    seg = _ram_load(vm)
    a = seg.offset + (seg.filesz // 2) // 4096 * 4096 + 100
    b = a + (1 << 20)
    out = t.tmp / "dump"
    log = t.tmp / "failio.log"
    r = faults.run_faulty(["--non-mmap", "-l", "-d", "0", vm, out],
                          {"FAILIO_IN": vm, "FAILIO_IN_BAD": f"{a}-{b}", "FAILIO_LOG": log})
    t.check(faults.log_lines(log), "the shim injected no read failure")
    faults.check_exit(t, r, "input EIO", ["WARNING: can't read pfn", "Input/output error",
                                          INCOMPLETE_MSG])
    faults.check_incomplete(t, out, "input EIO")
    k = kdumpout.open_dump(out)
    kept, _ = kdumpout.pagemap_int(k)
    bad_pfns = range((seg.paddr + a - seg.offset) // 4096, (seg.paddr + b - seg.offset) // 4096 + 1)
    for p in (bad_pfns[0], bad_pfns[len(bad_pfns) // 2], bad_pfns[-1]):
        if kept >> p & 1:
            try:
                kdumpout.read_out_pages(k, p, 1)
                t.fail_soft(f"pfn {p:#x} in the bad region reads back without an error")
            except Exception:  # noqa: BLE001 - an error is what we want
                pass
    del k
    n, ok = faults.check_pages(t, out, vm, "input EIO", need_some=True)
    t.check(n - ok <= len(bad_pfns),
            f"{n - ok} pages unreadable, more than the {len(bad_pfns)} of the bad region")


def test_read_eio_notes(t):
    """The input's note segment is unreadable (EIO): a clear error naming
    the input, exit 1, and no output file created."""
    vm = faults.small_vmcore()
    e = elfcore.ElfCore(str(vm))
    note = e.note_segments[0] if e.note_segments else None
    e.close()
    off = note[0] if isinstance(note, tuple) else getattr(note, "offset", 4096)
    out = t.tmp / "dump"
    r = faults.run_faulty(["--non-mmap"] + ARGS + [vm, out],
                          {"FAILIO_IN": vm, "FAILIO_IN_BAD": f"{off}-{off + 64}"})
    faults.check_exit(t, r, "notes EIO", ["Input/output error", str(vm)])
    t.check(not out.exists(), "an output file was created for an unreadable input")


@parametrize(lambda: [("mmap", {"mmap": True}), ("non-mmap", {"mmap": False}),
                      ("mmap-uncompressed", {"mmap": True, "codec": []})])
def test_input_truncated_while_mapped(t, mmap, codec=("-l",)):
    """The input file shrinks to half its data while the tool copies it
    (the shim truncates it once 4 MiB of output are written).  With mmap
    the lost pages raise SIGBUS inside the guarded copy; uncompressed, the
    pages go from the mapping straight to write(), which gave EFAULT and
    stopped the dump as an output error ("Bad address"): they are now
    touched under the guard first.  Either way: exit 1, warnings naming the
    pages, a dump flagged incomplete, pages equal to the input or errors."""
    vm = faults.small_vmcore()
    seg = _ram_load(vm)
    cp = faults.cut_copy(vm, t.tmp / "input.vmcore", os.path.getsize(vm))
    cut = seg.offset + seg.filesz // 2
    out = t.tmp / "dump"
    log = t.tmp / "failio.log"
    args = ([] if mmap else ["--non-mmap"]) + list(codec) + ["-d", "0", cp, out]
    r = faults.run_faulty(args, {"FAILIO_OUT": out, "FAILIO_IN": cp, "FAILIO_TRUNC_IN": cut,
                                 "FAILIO_TRUNC_AT": 4 << 20, "FAILIO_LOG": log})
    t.check(any("truncated-input" in l for l in faults.log_lines(log)),
            "the input was not truncated during the run")
    faults.check_exit(t, r, "input truncated", ["WARNING: can't read pfn", INCOMPLETE_MSG])
    faults.check_incomplete(t, out, "input truncated")
    n, ok = faults.check_pages(t, out, vm, "input truncated", need_some=True)
    t.log(f"{n} pfns in the page map, {ok} equal to the input")


# --- inputs cut short --------------------------------------------------------------------

def _elf_points():
    return [(p, {"where": p}) for p in
            ("ehdr-10", "ehdr-63", "phdrs", "notes", "data-page1", "after-text", "data-mid",
             "data-midpage", "data-end")]


def _nonzero_page(vm, seg):
    """File offset of a page of @seg, from its middle on, whose second half
    is not all zero (a cut at its middle loses data)."""
    e = elfcore.ElfCore(str(vm))
    try:
        off = seg.offset + (seg.filesz // 2) // 4096 * 4096
        while off + 4096 <= seg.offset + seg.filesz:
            if e.mm[off + 2048:off + 4096].count(0) != 2048:
                return off
            off += 4096
    finally:
        e.close()
    raise AssertionError(f"no non-zero page in the second half of {seg}")


@parametrize(_elf_points, weight=1.5)
def test_truncated_elf(t, where):
    """An ELF vmcore cut inside its ELF header, program headers or notes: a
    clear error naming the file, exit 1, no output file.  Cut inside the
    page data: exit 1, a warning that data is missing, a dump flagged
    incomplete whose pages equal the (uncut) input or read as errors: a
    page cut in its middle is missing, not half zeros; and pages the
    kernel-text PT_LOAD holds stay readable when the RAM PT_LOAD that
    overlaps it is cut off ("after-text")."""
    vm = faults.small_vmcore()
    e = elfcore.ElfCore(str(vm))
    loads = sorted(e.loads, key=lambda s: s.offset)
    size = os.path.getsize(vm)
    e.close()
    first, last = loads[0], loads[-1]
    cut = {
        "ehdr-10": lambda: 10, "ehdr-63": lambda: 63, "phdrs": lambda: 64 + 56 + 20,
        "notes": lambda: 4096 + 300, "data-page1": lambda: first.offset + 4096,
        "after-text": lambda: first.offset + first.filesz,
        "data-mid": lambda: last.offset + (last.filesz // 2) // 4096 * 4096,
        "data-midpage": lambda: _nonzero_page(vm, last) + 2048,
        "data-end": lambda: size - 1,
    }[where]()
    cp = faults.cut_copy(vm, t.tmp / "cut.vmcore", cut)
    d = t.tmp / "out"
    d.mkdir()
    out = d / "dump"
    args = ["-l", "-d", "0"] if where == "data-midpage" else ARGS
    r = tools.run_tool(tools.require_ours(), args + [cp, out], timeout=120)
    if not where.startswith(("data", "after")):
        faults.check_exit(t, r, f"cut at {cut}", [str(cp)])
        t.check(any(w in r.text for w in ("cut short", "too short", "beyond the end")),
                "the message does not say the file is cut short:\n" + r.describe())
        faults.only_files(t, d, [], "after the failed run")
        return
    faults.check_exit(t, r, f"cut at {cut}", ["is truncated", INCOMPLETE_MSG])
    faults.only_files(t, d, ["dump"], "after the run")
    faults.check_incomplete(t, out, f"cut at {cut}")
    n, ok = faults.check_pages(t, out, vm, f"cut at {cut}", need_some=where != "data-page1")
    t.log(f"cut {cut:#x}: {n} pfns in the page map, {ok} equal")
    if where == "after-text":
        text_pages = first.filesz // 4096
        full = faults.reference_dump(vm, ARGS)
        k = kdumpout.open_dump(full)
        kept, _ = kdumpout.pagemap_int(k)
        del k
        lo = first.paddr // 4096
        want = kdumpout.popcount(kept >> lo & ((1 << text_pages) - 1))
        t.check(ok >= want, f"only {ok} pages readable; the kernel-text PT_LOAD holds {want} "
                "pages the complete dump keeps")


def _kdump_points():
    return [(p, {"where": p}) for p in
            ("header", "subheader", "bitmap1", "bitmap2", "table", "data-start", "data-mid")]


@parametrize(_kdump_points, weight=1.5)
def test_truncated_kdump(t, where):
    """A kdump-compressed input (re-filtering) cut inside its header or sub
    header: a clear "cut short" error, exit 1, no output.  Cut inside the
    bitmaps, the descriptors or the data: a warning that it is cut short,
    exit 1, an output flagged incomplete whose pages equal the original or
    read as errors (never the zeros past the end of the file)."""
    vm, ref = _ref()
    lay = faults.kdump_layout(ref)
    cut = {
        "header": 300, "subheader": lay.sub_header + 50, "bitmap1": lay.bitmap1 + 700,
        "bitmap2": lay.bitmap2 + 700, "table": lay.table + 24 * 100 + 7,
        "data-start": lay.data + 5000, "data-mid": (lay.data + lay.size) // 2,
    }[where]
    cp = faults.cut_copy(ref, t.tmp / "cut.kdump", cut)
    d = t.tmp / "out"
    d.mkdir()
    out = d / "dump"
    r = tools.run_tool(tools.require_ours(), ARGS + [cp, out], timeout=120)
    if where in ("header", "subheader"):
        faults.check_exit(t, r, f"cut at {cut}", [str(cp), "cut short"])
        faults.only_files(t, d, [], "after the failed run")
        return
    faults.check_exit(t, r, f"cut at {cut}", ["cut short", INCOMPLETE_MSG])
    faults.only_files(t, d, ["dump"], "after the run")
    faults.check_incomplete(t, out, f"cut at {cut}")
    n, ok = faults.check_pages(t, out, vm, f"cut at {cut}",
                               need_some=where in ("data-mid",))
    t.log(f"cut {cut:#x}: {n} pfns in the page map, {ok} equal")


def test_truncated_flat_stream(t):
    """A flattened stream cut short (the receiving end lost the rest), read
    directly as input: a warning that it has no end marker, exit 1, an
    output flagged incomplete, pages equal or errors."""
    vm = faults.small_vmcore()
    stream = t.tmp / "stream"
    with open(stream, "wb") as f:
        p = subprocess.run([str(tools.require_ours()), "-F"] + ARGS + [str(vm)], stdout=f,
                           stderr=subprocess.PIPE, timeout=120)
    t.check_equal(p.returncode, 0, "exit status of -F")
    os.truncate(stream, stream.stat().st_size * 2 // 3 + 11)
    out = t.tmp / "dump"
    r = tools.run_tool(tools.OURS, ARGS + [stream, out], timeout=120)
    faults.check_exit(t, r, "cut stream", ["no end marker", INCOMPLETE_MSG])
    faults.check_incomplete(t, out, "cut stream")
    faults.check_pages(t, out, vm, "cut stream", need_some=True)


def test_failed_run_keeps_existing_output(t):
    """With -f and an input that can't be read (not a dump), the existing
    output is left as it was (the input is checked before the output is
    opened), exit 1."""
    bogus = t.tmp / "bogus"
    bogus.write_bytes(b"\x7fELF" + b"\0" * 200)
    out = t.tmp / "dump"
    out.write_bytes(b"precious")
    r = tools.run_tool(tools.require_ours(), ["-f"] + ARGS + [bogus, out])
    faults.check_exit(t, r, "bogus input with -f", [str(bogus)])
    t.check_equal(out.read_bytes(), b"precious", "existing output after a failed run")
    faults.only_files(t, t.tmp, ["bogus", "dump"], "after the failed run")


def test_rearrange_disk_full(t):
    """-R rebuilding a complete stream onto a filesystem too small for it:
    exit 1, "No space left on device", the rebuilt file flagged incomplete,
    its pages equal to the input or errors, nothing else on the filesystem."""
    vm = faults.small_vmcore()
    stream = t.tmp / "stream"
    with open(stream, "wb") as f:
        p = subprocess.run([str(tools.require_ours()), "-F"] + ARGS + [str(vm)], stdout=f,
                           stderr=subprocess.PIPE, timeout=120)
    t.check_equal(p.returncode, 0, "exit status of -F")
    size = (stream.stat().st_size // 2) // 4096 * 4096
    with faults.tmpfs(t.tmp / "mnt", size) as mnt:
        out = mnt / "dump"
        with open(stream, "rb") as f:
            q = subprocess.run([str(tools.OURS), "-R", str(out)], stdin=f,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        text = q.stdout.decode("utf-8", "replace")
        t.check_equal(q.returncode, 1, "exit status of -R on a full disk")
        t.check("No space left on device" in text, "no ENOSPC message:\n" + text[-2000:])
        faults.only_files(t, mnt, ["dump"], "on the full filesystem")
        _mode_0600(t, out, "-R on a full disk")
        if faults.check_incomplete(t, out, "-R on a full disk"):
            cp = faults.cut_copy(out, t.tmp / "copy", out.stat().st_size)
            faults.check_pages(t, cp, vm, "-R on a full disk")
