"""Command line and error handling (CLI.md §1-§3, FORMATS.md B.12): exit
statuses and messages as makedumpfile prints them, output file creation
rules, and what happens with a truncated input.  Where Debian's 1.7.2
behaves the same way it is run too, as a cross-check of the expectation.
"""

import os
import shutil

import fixtures
import kdumpout
import tools
from harness import skip
from kdumpout import popcount

RAM = "ram-6.1-kdump-kexec_file"


def _vmcore():
    kdumpout.require_libkdumpfile()
    return fixtures.vmcore_path(RAM)


def _both(args, **kw):
    """Run ours and, when installed, Debian's with the same arguments."""
    ours = tools.run_tool(tools.require_ours(), args, **kw)
    deb = tools.run_tool(tools.DEBIAN, args, **kw) if tools.DEBIAN.is_file() else None
    return ours, deb


def test_missing_input(t):
    """A vmcore that does not exist: exit 1, the path named in an error
    message, and no output file left behind."""
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(), ["-l", "-d", "31", "/nonexistent/vmcore", out])
    t.check_equal(r.rc, 1, "exit status")
    t.check("/nonexistent/vmcore" in r.text, "the message does not name the input:\n" + r.describe())
    t.check("makedumpfile Failed." in r.stdout, "no 'makedumpfile Failed.' line:\n" + r.describe())
    t.check(not out.exists(), "an output file was created")


def test_existing_output_refused(t):
    """An existing DUMPFILE without -f: exit 1, a message containing
    "File exists", and the file left untouched (as Debian's 1.7.2)."""
    vm = _vmcore()
    for tool in ("ours", "debian"):
        if tool == "debian" and not tools.DEBIAN.is_file():
            continue
        out = t.tmp / f"dump-{tool}"
        out.write_bytes(b"precious")
        r = tools.run_tool(tools.OURS if tool == "ours" else tools.DEBIAN,
                           ["-l", "-d", "31", vm, out])
        t.check_equal(r.rc, 1, f"{tool}: exit status")
        t.check("File exists" in r.text, f"{tool}: no 'File exists' message:\n" + r.describe())
        t.check_equal(out.read_bytes(), b"precious", f"{tool}: existing file content")


def test_force_overwrites(t):
    """-f overwrites an existing (world-readable, larger) file: exit 0, a
    valid dump libkdumpfile opens, no stale bytes, mode 0600."""
    vm = _vmcore()
    out = t.tmp / "dump"
    out.write_bytes(b"\xaa" * (64 << 20))
    os.chmod(out, 0o644)
    r = tools.run_tool(tools.require_ours(), ["-f", "-l", "-d", "31", vm, out])
    t.check_equal(r.rc, 0, "exit status")
    ref = t.tmp / "ref"
    tools.run_tool(tools.OURS, ["-l", "-d", "31", vm, ref])
    t.check_equal(out.stat().st_size, ref.stat().st_size, "size after overwrite (truncated first)")
    t.check(out.read_bytes() == ref.read_bytes(), "overwritten file differs from a fresh output")
    t.check_equal(oct(kdumpout.file_mode(out)), oct(0o600), "mode of the overwritten file")
    kdumpout.open_dump(out)


def test_output_mode_0600(t):
    """Dumps hold kernel memory: the created file is mode 0600 even with
    umask 000."""
    vm = _vmcore()
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(), ["-l", "-d", "31", vm, out], umask=0)
    t.check_equal(r.rc, 0, "exit status")
    t.check_equal(oct(kdumpout.file_mode(out)), oct(0o600), "mode of the created file")


def test_dump_level_32_invalid(t):
    """-d 32: "Dump_level(32) is invalid." and exit 1, no output file (the
    same as Debian's)."""
    out = t.tmp / "dump"
    ours, deb = _both(["-d", "32", "/nonexistent/vmcore", out])
    t.check_equal(ours.rc, 1, "exit status")
    t.check("Dump_level(32) is invalid." in ours.text, "message:\n" + ours.describe())
    t.check(not out.exists(), "an output file was created")
    if deb:
        t.check_equal(ours.rc, deb.rc, "exit status vs Debian")


def test_check_params_valid(t):
    """--check-params with a valid command line: exit 0, nothing printed,
    and neither file named is touched (mkdumprd runs it with placeholder
    names)."""
    out = t.tmp / "dump"
    for args in (["-l", "-d", "31"], ["-c", "--message-level", "7", "-d", "1"],
                 ["-z", "-d", "17", "--num-threads", "2"]):
        r = tools.run_tool(tools.require_ours(), ["--check-params"] + args + ["/nonexistent/vmcore", out])
        t.check_equal(r.rc, 0, f"exit status for {args}")
        t.check(not r.text.strip(), f"output for {args}:\n" + r.describe())
        t.check(not out.exists(), f"output file created for {args}")
    r = tools.run_tool(tools.OURS, ["--check-params", "-l", "-d", "31", "-F", "/nonexistent/vmcore"])
    t.check_equal(r.rc, 0, "exit status for -F with one positional")


def test_invalid_combination(t):
    """-E with -l (compression with ELF output): "Commandline parameter is
    invalid." and exit 1, with and without --check-params (as Debian's)."""
    out = t.tmp / "dump"
    for pre in (["--check-params"], []):
        ours, deb = _both(pre + ["-E", "-l", "-d", "31", "/nonexistent/vmcore", out])
        t.check_equal(ours.rc, 1, f"exit status {pre}")
        t.check("Commandline parameter is invalid." in ours.text, "message:\n" + ours.describe())
        t.check(not out.exists(), "an output file was created")
        if deb:
            t.check_equal(ours.rc, deb.rc, f"exit status vs Debian {pre}")
    # -F with two positionals is an error too (CLI.md §1).
    r = tools.run_tool(tools.OURS, ["--check-params", "-F", "-l", "/nonexistent/vmcore", out])
    t.check_equal(r.rc, 1, "exit status for -F with two positionals")


def test_help_and_version(t):
    """-h and -v print usage/version and exit 0."""
    for arg in ("-h", "--help", "-v"):
        r = tools.run_tool(tools.require_ours(), [arg])
        t.check_equal(r.rc, 0, f"exit status of {arg}")
        t.check("makedumpfile" in r.stdout, f"{arg} output:\n" + r.describe())
    r = tools.run_tool(tools.OURS, ["-v"])
    t.check(r.stdout.startswith("makedumpfile: version "), "-v first line:\n" + r.describe())


def test_truncated_vmcore(t):
    """A vmcore cut short (the first 60% of the RAM fixture, as a copy
    interrupted by a full disk leaves it): our tool still writes a dump,
    flags it incomplete (header status bit 0x8), exits 1, and libkdumpfile
    opens the result."""
    vm = _vmcore()
    cut = t.tmp / "truncated.vmcore"
    size = os.path.getsize(vm) * 60 // 100
    with open(vm, "rb") as src, open(cut, "wb") as dst:
        left = size
        while left:
            b = src.read(min(left, 16 << 20))
            dst.write(b)
            left -= len(b)
    out = t.tmp / "dump"
    r = tools.run_tool(tools.require_ours(), ["-l", "-d", "31", cut, out])
    t.check_equal(r.rc, 1, "exit status")
    if not out.exists():
        raise AssertionError("no dump was written:\n" + r.describe())
    h = kdumpout.KdumpHeader(out)
    t.check(h.status & kdumpout.DUMP_DH_COMPRESSED_INCOMPLETE,
            f"header status {h.status:#x} lacks the incomplete flag 0x8")
    k = kdumpout.open_dump(out)
    kept, _ = kdumpout.pagemap_int(k)
    del k
    # What it holds is right: every page it can give back equals the input.
    n, bad = tools.verify_contents(out, cut, kept)
    wrong = [(p, why) for p, why in bad if "differs" in why]
    t.check(not wrong, "pages of the incomplete dump differ from the input:\n" + tools.describe_bad(wrong))
    t.log(f"{popcount(kept)} pfns in the page map, {n} compared, "
          f"{len(bad) - len(wrong)}+ unreadable or without input data")
