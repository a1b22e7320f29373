"""Real crash-dump fixtures: where they are, decompressing them once, and
what their manifests say.

* fixture folder: ``$MDF_FIXTURES``, default ``$REPO/../shared/fixtures``;
* decompressed copies: ``$MDF_FIXTURE_CACHE``, default
  ``$HOME/.cache/mdf-fixtures`` (outside the repository), made with
  ``zstd -d --long=31`` the first time a test needs them.  Several test
  processes may ask at once: a lock file serialises the work and the file
  appears under its final name only when complete.

Fixtures are named by their path below the folder without the suffix:
``ram-6.1-kdump-kexec_file`` (x86_64, the top level) or
``arm64/ram-6.1-arm64-kdump-kexec_load`` (the ``arm64/`` subfolder, mirrored
in the cache).  ``fixture_names()`` lists the x86_64 ones, as the tests
comparing with Debian's x86_64 build need; ``fixture_names("arm64")`` the
arm64 ones.

Collection-time helpers (``fixture_names``) only look at file names.
"""

import fcntl
import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from harness import skip

REPO = Path(__file__).resolve().parents[2]


def fixture_dir():
    return Path(os.environ.get("MDF_FIXTURES") or (REPO.parent / "shared" / "fixtures"))


def cache_dir():
    d = os.environ.get("MDF_FIXTURE_CACHE") or os.path.join(
        os.environ.get("HOME") or "/root", ".cache", "mdf-fixtures"
    )
    return Path(d)


# Subfolder of each architecture's fixtures ("" = the top level).
ARCH_DIRS = {"x86_64": "", "arm64": "arm64"}


def fixture_names(arch="x86_64"):
    """Names (without .vmcore.zst) of the @arch fixtures that have a
    manifest; empty when the folder is absent."""
    sub = ARCH_DIRS[arch]
    d = fixture_dir() / sub if sub else fixture_dir()
    if not d.is_dir():
        return []
    out = []
    for z in sorted(d.glob("*.vmcore.zst")):
        name = z.name[: -len(".vmcore.zst")]
        if (d / (name + ".json")).is_file():
            out.append(f"{sub}/{name}" if sub else name)
    return out


def arch_of(name):
    """The architecture of fixture @name, from its folder."""
    sub = name.split("/", 1)[0] if "/" in name else ""
    return next(a for a, s in ARCH_DIRS.items() if s == sub)


def require_fixture_dir():
    d = fixture_dir()
    if not d.is_dir():
        skip(f"fixture folder {d} is absent (set MDF_FIXTURES to the folder holding *.vmcore.zst)")
    return d


@contextmanager
def locked(path):
    """An exclusive lock held on @path (created if needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def vmcore_path(name):
    """The decompressed vmcore of fixture @name, decompressing it if needed.
    Skips when the fixture folder or the fixture is absent."""
    return decompressed(name + ".vmcore")


def decompressed(rel):
    """The decompressed copy of ``@rel.zst`` (a path below the fixture
    folder) in the cache, at the same relative path; made if needed.
    Skips when the fixture folder or the file is absent."""
    d = require_fixture_dir()
    src = d / (rel + ".zst")
    if not src.is_file():
        skip(f"fixture {src} is absent")
    dst = cache_dir() / rel
    if dst.is_file() and dst.stat().st_size > 0:
        return dst
    if shutil.which("zstd") is None:
        skip("zstd is not installed: cannot decompress the fixtures (scripts/install-deps.sh installs it)")
    # The lock name other checkouts use for a vmcore too: ".lock-NAME".
    lock = dst.name[: -len(".vmcore")] if dst.name.endswith(".vmcore") else dst.name
    with locked(dst.parent / (".lock-" + lock)):
        if dst.is_file() and dst.stat().st_size > 0:
            return dst
        tmp = dst.parent / (dst.name + ".part")
        if tmp.exists():
            tmp.unlink()
        r = subprocess.run(
            ["zstd", "-q", "-d", "--long=31", str(src), "-o", str(tmp)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        if r.returncode != 0:
            raise RuntimeError(f"zstd -d --long=31 {src} failed: {r.stderr.strip()}")
        os.replace(tmp, dst)
    return dst


def manifest(name):
    d = require_fixture_dir()
    with open(d / (name + ".json")) as f:
        return json.load(f)


def derived_path(name, suffix, make):
    """A file derived from fixture @name, made once by ``make(dst_tmp)`` and
    kept in the cache directory beside the decompressed fixture."""
    dst = cache_dir() / f"{name}.{suffix}"
    if dst.is_file():
        return dst
    with locked(dst.parent / f".lock-{dst.name}"):
        if dst.is_file():
            return dst
        tmp = dst.parent / f"{dst.name}.part"
        if tmp.exists():
            tmp.unlink()
        make(tmp)
        os.replace(tmp, dst)
    return dst


def hexint(v):
    return int(v, 16) if isinstance(v, str) else int(v)


def dbv_ranges(man):
    """Manifest device_backed_vmemmap ranges as [start_pfn, end_pfn) pairs."""
    out = []
    for r in man.get("device_backed_vmemmap") or []:
        out.append((hexint(r["start"]) >> 12, hexint(r["end"]) >> 12))
    return out


def pmem_data_ranges(man):
    """The namespace's data pages as [start_pfn, end_pfn) pairs: the
    ``pmem_data`` classification entry of the manifest, else the ``data``
    part of its device_backed_vmemmap records."""
    out = []
    stock = man.get("makedumpfile_stock") or {}
    for run in [stock.get("d31"), (stock.get("normalized_copy") or {}).get("d31")]:
        for c in (run or {}).get("classification") or []:
            if c.get("name") == "pmem_data":
                for a, b in c["ranges"]:
                    out.append((hexint(a) >> 12, hexint(b) >> 12))
        if out:
            return sorted(set(out))
    for r in man.get("device_backed_vmemmap") or []:
        d = r.get("data")
        if d:
            out.append((hexint(d["start"]) >> 12, hexint(d["end"]) >> 12))
    return out


def pfn_in(ranges, pfn):
    return any(a <= pfn < b for a, b in ranges)


def reference_dumps(name):
    """Reference outputs shipped beside fixture @name (the arm64 folder's
    ``NAME.<build>-makedumpfile-d31.kdump.zst``, made by makedumpfile builds
    that read arm64 dumps): {build label: path relative to the folder}."""
    d = fixture_dir()
    out = {}
    for z in sorted(d.glob(name + ".*makedumpfile-d*.kdump.zst")):
        label = z.name[len(name.rsplit("/", 1)[-1]) + 1: -len(".kdump.zst")]
        out[label] = str(z.relative_to(d))[: -len(".zst")]
    return out


def short(name):
    """A compact fixture label for test ids."""
    name = name.rsplit("/", 1)[-1]
    return (name.replace("-kdump-kexec_file", "").replace("-kdump-kexec_load", "")
            .replace("pmem-fsdax-devmap", "pmem"))
