"""Real crash-dump fixtures: where they are, decompressing them once, and
what their manifests say.

* fixture folder: ``$MDF_FIXTURES``, default ``$REPO/../shared/fixtures``;
* decompressed copies: ``$MDF_FIXTURE_CACHE``, default
  ``$HOME/.cache/mdf-fixtures`` (outside the repository), made with
  ``zstd -d --long=31`` the first time a test needs them.  Several test
  processes may ask at once: a lock file serialises the work and the file
  appears under its final name only when complete.

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


def fixture_names():
    """Names (without .vmcore.zst) of the fixtures that have a manifest;
    empty when the folder is absent."""
    d = fixture_dir()
    if not d.is_dir():
        return []
    out = []
    for z in sorted(d.glob("*.vmcore.zst")):
        name = z.name[: -len(".vmcore.zst")]
        if (d / (name + ".json")).is_file():
            out.append(name)
    return out


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
    d = require_fixture_dir()
    src = d / (name + ".vmcore.zst")
    if not src.is_file():
        skip(f"fixture {src} is absent")
    cache = cache_dir()
    dst = cache / (name + ".vmcore")
    if dst.is_file() and dst.stat().st_size > 0:
        return dst
    if shutil.which("zstd") is None:
        skip("zstd is not installed: cannot decompress the fixtures (scripts/install-deps.sh installs it)")
    with locked(cache / (".lock-" + name)):
        if dst.is_file() and dst.stat().st_size > 0:
            return dst
        tmp = cache / (name + ".vmcore.part")
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
    cache = cache_dir()
    dst = cache / f"{name}.{suffix}"
    if dst.is_file():
        return dst
    with locked(cache / f".lock-{name}.{suffix}"):
        if dst.is_file():
            return dst
        tmp = cache / f"{name}.{suffix}.part"
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


def short(name):
    """A compact fixture label for test ids."""
    return name.replace("-kdump-kexec_file", "").replace("pmem-fsdax-devmap", "pmem")
