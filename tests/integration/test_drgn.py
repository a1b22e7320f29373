"""drgn as a third independent reader of our kdump-compressed outputs (next
to libkdumpfile and Debian's makedumpfile): python3-drgn opens the dump of
every codec and reads the crashed kernel's memory through it.

Debian's drgn 0.0.22 is built with libkdumpfile (drgn._with_libkdumpfile),
which is what opens kdump-compressed files.  Without debuginfo drgn still
reads physical memory (prog.read(..., physical=True)); with the vmlinux the
e2e test caches (~/.cache/mdf-e2e/dbg, linux-image-*-dbg) it reads kernel
variables and walks the task list, compared with drgn on the raw vmcore.
drgn 0.0.22 cannot unwind 6.12 stacks ("unknown ORC entry type 3", on the
raw vmcore as well), so no stack trace is compared.
"""

import os
import random
from pathlib import Path

import elfcore
import fixtures
import kdumpout
import tools
from harness import parametrize, skip

try:
    import drgn
    from drgn.helpers.linux.pid import for_each_task
except ImportError:  # checked in _require_drgn
    drgn = None

PAGE = 4096
FIXTURES = ("ram-6.1-kdump-kexec_file", "ram-6.12-kdump-kexec_file")
CODECS = ("zlib", "lzo", "snappy", "zstd", "none")


def _require_drgn():
    if drgn is None:
        skip("python3-drgn is not importable with this interpreter (apt-get install python3-drgn)")
    if not getattr(drgn, "_with_libkdumpfile", False):
        skip(f"drgn {drgn.__version__} is built without libkdumpfile: it cannot open"
             " kdump-compressed files")


def _vmlinux(release):
    """The e2e's cached vmlinux with debuginfo for RELEASE, if any."""
    cache = Path(os.environ.get("MDF_E2E_CACHE") or Path.home() / ".cache" / "mdf-e2e")
    p = cache / "dbg" / f"vmlinux-{release.replace('+', '_')}"
    return p if p.is_file() else None


def _params():
    return [(f"{fixtures.short(n)}-{c}", {"name": n, "codec": c})
            for n in FIXTURES for c in CODECS]


def _program(path, vmlinux=None):
    p = drgn.Program()
    p.set_core_dump(str(path))
    if vmlinux:
        p.load_debug_info([str(vmlinux)])
    return p


def _kernel_view(p):
    """What drgn reads through the kernel's own data structures."""
    tasks = sorted((int(t.pid), t.comm.string_().decode("utf-8", "replace"))
                   for t in for_each_task(p))
    return {"release": p["init_uts_ns"].name.release.string_().decode(),
            "jiffies_64": int(p["jiffies_64"]),
            "nr_cpu_ids": int(p["nr_cpu_ids"]),
            "tasks": tasks}


@parametrize(_params, heavy=True, weight=1.5)
def test_drgn_reads(t, name, codec):
    """drgn opens our -d 31 dump; kept pages read through it equal the
    input, excluded ones fault; with debuginfo, init_uts_ns, jiffies_64 and
    the task list are what drgn reads from the raw vmcore."""
    _require_drgn()
    kdumpout.require_libkdumpfile()
    vm = fixtures.vmcore_path(name)
    out = t.tmp / "dump"
    args = tools.codec_args(codec)
    r = tools.run_tool(tools.require_ours(), args + ["-d", "31", vm, out])
    if r.rc != 0:
        raise AssertionError(r.describe())
    hdr = kdumpout.KdumpHeader(out)
    t.check_equal(hdr.status & 0x27, tools.CODEC_STATUS[codec], "header compression flags")
    p = _program(out)
    t.check(p.flags & drgn.ProgramFlags.IS_LINUX_KERNEL, f"drgn does not see a Linux kernel: {p.flags}")

    kept, maxpfn = kdumpout.pagemap_int(kdumpout.open_dump(out))
    kept_pfns = list(kdumpout.iter_pfns(kept))
    src = elfcore.ElfCore(vm)
    rnd = random.Random(12)
    sample = sorted(rnd.sample(kept_pfns, min(400, len(kept_pfns))))
    bad = []
    for pfn in sample:
        got = p.read(pfn * PAGE, PAGE, True)
        if got != src.read_phys(pfn * PAGE, PAGE):
            bad.append(pfn)
    t.check(not bad, f"{len(bad)} of {len(sample)} kept pages read through drgn differ from the"
            f" input, first {[hex(x) for x in bad[:8]]}")
    excluded = [pfn for pfn in range(0, maxpfn, 7)
                if not (kept >> pfn) & 1 and src.pfn_has_data(pfn)][:200]
    leaked = []
    for pfn in excluded:
        try:
            p.read(pfn * PAGE, 8, True)
            leaked.append(pfn)
        except drgn.FaultError:
            pass
    t.check(not leaked, f"{len(leaked)} excluded pages readable through drgn: "
            f"{[hex(x) for x in leaked[:8]]}")
    t.log(f"{len(sample)} kept pages compared, {len(excluded)} excluded pages fault")

    release = src.osrelease()
    vmlinux = _vmlinux(release)
    if vmlinux is None:
        t.log(f"no vmlinux with debuginfo cached for {release} (make check-e2e caches it):"
              " kernel variables not read")
        return
    ours = _kernel_view(_program(out, vmlinux))
    raw = _kernel_view(_program(vm, vmlinux))
    t.check_equal(ours["release"], release, "init_uts_ns.name.release through our dump")
    for key in ("jiffies_64", "nr_cpu_ids", "tasks"):
        t.check_equal(ours[key], raw[key], f"{key} through our dump vs the raw vmcore")
    t.check(len(ours["tasks"]) > 20, f"task list too short: {ours['tasks']}")
    t.log(f"{release}: jiffies_64 {ours['jiffies_64']}, {len(ours['tasks'])} tasks")
