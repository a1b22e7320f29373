"""Debug information for the symbols tests: the fixture kernels' vmlinux
(from Debian's -dbg packages, cached where the e2e keeps them), the dump's
VMCOREINFO, and the symquery tool."""

import os
import re
import subprocess
from pathlib import Path

import fixtures
from harness import skip

REPO = fixtures.REPO
SYMQUERY = REPO / "build" / "tests" / "symquery"
FETCH = REPO / "tests" / "tools" / "fetch-vmlinux.sh"


def all_fixtures():
    """(id, path-relative name) of every x86_64 and arm64 fixture with a manifest."""
    out = [(fixtures.short(n), {"name": n}) for n in fixtures.fixture_names()]
    d = fixtures.fixture_dir() / "arm64"
    if d.is_dir():
        for z in sorted(d.glob("*.vmcore.zst")):
            n = z.name[: -len(".vmcore.zst")]
            if (d / (n + ".json")).is_file():
                out.append((fixtures.short(n), {"name": "arm64/" + n}))
    return out


def vmcore(name):
    if name.startswith("arm64/"):
        (fixtures.cache_dir() / "arm64").mkdir(parents=True, exist_ok=True)
    return fixtures.vmcore_path(name)


def vmcoreinfo(path):
    """The VMCOREINFO note of an ELF vmcore as a dict (insertion ordered)."""
    with open(path, "rb") as f:
        data = f.read(4 << 20)
    i = data.find(b"VMCOREINFO\0")
    j = data.find(b"OSRELEASE=", i)
    if i < 0 or j < 0:
        raise AssertionError(f"{path}: no VMCOREINFO note")
    end = data.find(b"\0", j)
    out = {}
    for line in data[j:end].decode().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def arch_of(release):
    return "arm64" if release.endswith("-arm64") else "amd64"


def vmlinux(release):
    """Path of the vmlinux of Debian kernel @release, fetched once (about
    1 GB download) unless MDF_NO_DBG=1; skips when it cannot be had."""
    arch = arch_of(release)
    cache = Path(os.environ.get("MDF_E2E_CACHE") or Path.home() / ".cache" / "mdf-e2e")
    name = "vmlinux-" + release.replace("+", "_")
    p = cache / "dbg" / "fixtures" / arch / name
    if p.is_file():
        return p
    if arch == "amd64" and (cache / "dbg" / name).is_file():
        return cache / "dbg" / name        # the e2e's own copy
    if os.environ.get("MDF_NO_DBG") == "1":
        skip(f"{p} absent and MDF_NO_DBG=1 (get it with {FETCH} {release} {arch})")
    with fixtures.locked(cache / "dbg" / ".lock-fetch"):
        r = subprocess.run([str(FETCH), release, arch], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or not p.is_file():
        skip(f"no vmlinux for {release}: {r.stderr.strip() or 'fetch failed'}"
             f" (linux-image-{release}-dbg from the Debian archive)")
    return p


def require_symquery():
    if not SYMQUERY.is_file():
        raise AssertionError(f"{SYMQUERY} is not built (make test-build)")
    return SYMQUERY


def query(args, queries, timeout=600):
    """Run symquery; {query: (value, source)} with value None and source the
    message for failed queries."""
    r = subprocess.run([str(require_symquery())] + list(args) + list(queries),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    if r.returncode != 0 and "dumps are handled by this build" in r.stderr:
        skip(r.stderr.strip())
    if r.returncode != 0:
        raise AssertionError(f"symquery {' '.join(map(str, args))}: rc {r.returncode}: {r.stderr}")
    out = {}
    for line in r.stdout.splitlines():
        q, _, rest = line.partition("=")
        if rest.startswith("!"):
            out[q] = (None, rest[1:])
        else:
            v, _, src = rest.rpartition(" ")
            out[q] = (v, src)
    return out


def vmcoreinfo_queries(vi):
    """symquery queries for every SIZE/OFFSET/LENGTH/NUMBER/SYMBOL key of @vi,
    with the value the dump gives: {query: value}."""
    out = {}
    for k, v in vi.items():
        m = re.fullmatch(r"(SIZE|OFFSET|LENGTH|NUMBER|SYMBOL)\((.+)\)", k)
        if not m:
            continue
        kind, name = m.group(1).lower(), m.group(2)
        if kind == "number":
            v = str(int(v, 16)) if v.lower().startswith("0x") or v.lower().startswith("-0x") else v
        if kind == "symbol":
            v = format(int(v, 16), "x")
        out[f"{kind}:{name}"] = v
    return out


def kallsyms_without_data(name):
    """Does the fixture's captured /proc/kallsyms list no data symbols
    (a kernel without CONFIG_KALLSYMS_ALL, like Debian's arm64 6.1)?"""
    f = fixtures.fixture_dir() / (name + ".kallsyms.zst")
    if not f.is_file():
        return False
    text = subprocess.run(["zstd", "-dc", str(f)], stdout=subprocess.PIPE, text=True,
                          check=True).stdout
    return len(re.findall(r"^[0-9a-f]+ [DdBbRr] ", text, re.M)) < 100
