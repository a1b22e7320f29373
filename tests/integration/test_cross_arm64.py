"""The tool built for arm64 (make cross-arm64: gcc-aarch64-linux-gnu against
the arm64 -dev packages) and run under qemu-user: its unit tests pass, and
it writes the same files as this x86_64 build, from x86_64 dumps as from
arm64 ones (the arch is a property of the dump, not of the build).

Skips, saying why, where the cross toolchain, the arm64 -dev packages or
qemu-aarch64 are missing (scripts/install-deps.sh --cross installs them).
"""

import filecmp
import os
import shutil
import subprocess

import fixtures
import tools
from harness import heavy, parametrize, skip

REPO = tools.REPO
ARM64_BUILD = REPO / "build-arm64"
ARM64_MDF = ARM64_BUILD / "bin" / "makedumpfile"
LIBDIR = "/usr/lib/aarch64-linux-gnu"
QEMU = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu",
        "-E", f"LD_LIBRARY_PATH={LIBDIR}:/lib/aarch64-linux-gnu"]


def _require_cross():
    missing = [c for c in ("aarch64-linux-gnu-gcc", "qemu-aarch64") if shutil.which(c) is None]
    if missing:
        skip(f"{' and '.join(missing)} not installed (scripts/install-deps.sh --cross)")
    env = dict(os.environ, PKG_CONFIG_LIBDIR=f"{LIBDIR}/pkgconfig:/usr/share/pkgconfig")
    p = subprocess.run(["pkg-config", "--exists", "zlib", "lzo2", "snappy", "libzstd", "libdw",
                        "libelf"], env=env)
    if p.returncode:
        skip("the arm64 -dev packages are not installed (scripts/install-deps.sh --cross)")


def _build():
    """make cross-arm64 (serialised: several tests need the build)."""
    _require_cross()
    with fixtures.locked(REPO / "build-arm64.lock"):
        p = subprocess.run(["make", "-C", str(REPO), "--no-print-directory", "-j2", "cross-arm64"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, "make cross-arm64 failed:\n" + p.stdout[-3000:]
    assert ARM64_MDF.is_file(), f"{ARM64_MDF} not built"


def _arm64(args, **kw):
    return tools.run_tool(QEMU[0], QEMU[1:] + [str(ARM64_MDF)] + [str(a) for a in args], **kw)


def test_arm64_unit(t):
    """Every case of every C unit test, built for arm64, passes under
    qemu-aarch64 (exit 0, or 77 for a case that skips itself)."""
    _build()
    ran = 0
    for src in sorted((REPO / "tests" / "unit").glob("*.c")):
        exe = ARM64_BUILD / "tests" / "unit" / src.stem
        t.check(exe.is_file(), f"{exe} not built")
        if not exe.is_file():
            continue
        r = tools.run_tool(QEMU[0], QEMU[1:] + [str(exe), "--list"], timeout=120)
        cases = r.stdout.split() if r.rc == 0 else []
        t.check(cases, f"{src.stem} --list under qemu-aarch64: {r.describe()}")
        for c in cases:
            r = tools.run_tool(QEMU[0], QEMU[1:] + [str(exe), c], timeout=300)
            t.check(r.rc in (0, 77), f"unit/{src.stem}::{c} on arm64: {r.describe()}")
            ran += 1
    t.log(f"{ran} unit test cases run as arm64 binaries")


def _same_output(t, vmcore, args, what):
    x86, a64 = t.tmp / "x86", t.tmp / "arm64"
    for p in (x86, a64):
        if p.exists():
            p.unlink()
    r = tools.run_tool(tools.require_ours(), list(args) + [vmcore, x86])
    assert r.rc == 0, r.describe()
    r = _arm64(list(args) + [vmcore, a64], timeout=900)
    t.check(r.rc == 0, f"{what}: the arm64 build failed: {r.describe()}")
    if r.rc == 0:
        t.check(filecmp.cmp(x86, a64, shallow=False),
                f"{what}: the arm64 build's {' '.join(args)} output differs from the x86_64 build's")


@heavy(2.0)
def test_arm64_build_synthetic(t):
    """On a generated x86_64 vmcore the arm64 build writes byte for byte the
    files the x86_64 build writes: -l -d 31, -c -d 1, -z -d 31, -E -d 31."""
    _build()
    if not tools.MKVMCORE.is_file():
        skip("tests/tools/mkvmcore is not built")
    v = t.tmp / "syn.vmcore"
    r = tools.run_tool(tools.MKVMCORE, ["--quiet", "--ram", "256M", v])
    assert r.rc == 0, r.describe()
    for args in (["-l", "-d", "31"], ["-c", "-d", "1"], ["-z", "-d", "31"], ["-E", "-d", "31"]):
        _same_output(t, v, args, "synthetic vmcore")


def _fixtures():
    names = fixtures.fixture_names()[-1:] + fixtures.fixture_names("arm64")
    if not names:
        return [("no-fixtures", {"name": None})]
    return [(fixtures.short(n), {"name": n}) for n in names]


@parametrize(_fixtures, heavy=True, weight=3.0)
def test_arm64_build_fixture(t, name):
    """On a real x86_64 dump and on the real arm64 dumps the arm64 build
    (under qemu-aarch64) writes the same -l -d 31 file as the x86_64 build."""
    if name is None:
        fixtures.require_fixture_dir()
        skip("no fixtures with a manifest")
    _build()
    _same_output(t, fixtures.vmcore_path(name), ["-l", "-d", "31"], fixtures.short(name))
