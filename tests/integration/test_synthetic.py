"""Our makedumpfile on synthetic vmcores from tests/tools/mkvmcore, across
kernel profiles, dump layouts, 5-level paging, the SME mask, KASLR seeds
and a pmem namespace, checked against the generator's manifest (its
independent emulation of upstream makedumpfile's rules) and, for kernels
whose classification Debian's 1.7.2 still gets right (<= 6.2), against
Debian's binary.  Skipped when the generator is not built.
"""

import kdumpout
import synth
import tools
from explain import explain
from harness import parametrize
from kdumpout import fmt_pfns, popcount

LEVELS = (0, 1, 2, 4, 8, 16, 31)
# Page contents are compared at the extremes (every page kept / most
# excluded); the levels between change which pfns are kept, not how pages
# are stored, and the kept sets are checked at every level.
CONTENT_LEVELS = (0, 31)


# id -> (mkvmcore arguments, Debian 1.7.2 classifies this kernel correctly)
SCENARIOS = {
    # 4.4 has no OFFSET(page.compound_head): makedumpfile evaluates tail
    # pages on their own, and a first tail's compound_mapcount (-1, in the
    # mapping slot) looks anonymous, so those tails go at -d 8.  The
    # generator's emulation (and so its report counters) has that, but its
    # class list labels the tails "kernel": the kept set is not predicted
    # from classes for this profile (see KEPT_FROM_CLASSES).
    "4.4": (["--profile", "4.4", "--ram", "256M"], True),
    "4.19": (["--profile", "4.19", "--ram", "256M"], True),
    "5.4": (["--profile", "5.4", "--ram", "256M", "--kaslr", "off"], True),
    "6.1": (["--profile", "6.1", "--ram", "256M"], True),
    "6.1-kexec_load": (["--profile", "6.1", "--layout", "kexec_load", "--ram", "256M",
                        "--fill", "mixed", "--seed", "7"], True),
    "6.1-qemu": (["--profile", "6.1", "--layout", "qemu", "--ram", "256M"], True),
    "6.1-5level": (["--profile", "6.1", "--ram", "256M", "--five-level", "--kaslr", "4242"], True),
    "6.1-sme": (["--profile", "6.1", "--ram", "256M", "--sme-mask", "47", "--kaslr", "99"], True),
    "6.1-pmem-stale": (["--profile", "6.1", "--ram", "512M",
                        "--pmem", "start=0x10000000,size=0x8000000,stale=buddy"], True),
    "6.4": (["--profile", "6.4", "--ram", "256M"], False),
    "6.6": (["--profile", "6.6", "--ram", "256M", "--kaslr", "31337"], False),
    "6.9": (["--profile", "6.9", "--ram", "256M"], False),
    "6.10": (["--profile", "6.10", "--ram", "256M"], False),
    "6.11": (["--profile", "6.11", "--ram", "256M"], False),
    "6.12": (["--profile", "6.12", "--ram", "256M", "--seed", "3"], False),
    "6.12-kexec_load": (["--profile", "6.12", "--layout", "kexec_load", "--ram", "256M"], False),
    "6.12-qemu-5level-sme": (["--profile", "6.12", "--layout", "qemu", "--ram", "256M",
                              "--five-level", "--sme-mask", "51"], False),
    "6.12-pmem-clean": (["--profile", "6.12", "--ram", "512M",
                         "--pmem", "start=0x8000000,size=0x8000000,mode=devdax"], False),
    "6.16": (["--profile", "6.16", "--ram", "256M", "--mix",
              "kernel=20,cache=10,anon=10,unaccepted=10,slab_mapping_odd=2,hugetlb=2"], False),
}


KEPT_FROM_CLASSES = {sid for sid in SCENARIOS if sid != "4.4"}


def _params(debian_only=False):
    out = []
    for sid, (args, deb) in SCENARIOS.items():
        if debian_only and not deb:
            continue
        for level in LEVELS:
            out.append((f"{sid}/d{level}", {"sid": sid, "level": level}))
    return out


def _input(sid):
    kdumpout.require_libkdumpfile()
    vm, man = synth.generate(SCENARIOS[sid][0])
    import elfcore

    return vm, man, elfcore.ElfCore(vm)


@parametrize(_params, weight=0.8)
def test_kept_matches_manifest(t, sid, level):
    """Our kept-pfn set at this dump level equals the generator's prediction
    (upstream rules; device-backed vmemmap kept whole), at -d 0 and -d 31
    every kept page is byte-equal to the input (libkdumpfile vs our ELF
    reader), and the report's counters equal the manifest's (scenarios
    without pmem)."""
    vm, man, elf = _input(sid)
    out = t.tmp / "dump"
    s = tools.summary("ours", vm, ["-l", "-d", str(level), "--message-level", "31"], out=out)
    assert s.rc == 0, f"our makedumpfile failed on {sid}:\n{s.stdout}{s.stderr}"
    assert not s.open_error, f"libkdumpfile cannot open our output: {s.open_error}"
    if sid in KEPT_FROM_CLASSES:
        want = synth.predicted_kept(man, elf, level)
        extra, missing = s.kept & ~want, want & ~s.kept
        t.check(not extra, "kept but predicted excluded: " + synth.describe_pfns(man, extra))
        t.check(not missing, "predicted kept but excluded: " + synth.describe_pfns(man, missing))
    else:
        t.log("kept set not predicted from the manifest's classes for this profile")
    if level in CONTENT_LEVELS:
        n, bad = tools.verify_contents(out, vm, s.kept)
        t.check(not bad, "kept pages differ from the input:\n" + tools.describe_bad(bad))
        t.log(f"{popcount(s.kept)} pfns kept, {n} compared with the input")
    if not man.get("pmem"):
        rep, exp = s.report, synth.predicted_report(man, level)
        for key, v in exp.items():
            if key not in rep:
                t.fail_soft(f"report lacks '{key}'")
            elif rep[key] != v:
                t.fail_soft(f"report {key}: ours {rep[key]:#x}, manifest {v:#x}")


@parametrize(lambda: _params(debian_only=True), weight=0.5)
def test_kept_vs_debian(t, sid, level):
    """For kernels Debian's 1.7.2 classifies correctly, our kept set equals
    its kept set (run on a phdr-normalised copy for the QEMU layout); the
    only allowed differences are 1.7.2's partial-last-page rounding
    (kexec_load's [0x1000, 0x9fc00) segment) and the device-backed vmemmap
    range of the manifest, both checked from the input.  The 1st bitmaps
    (pfns the input holds) and the Original pages / Memory Hole / Total
    pages report lines must be equal."""
    vm, man, elf = _input(sid)
    args = ["-l", "-d", str(level), "--message-level", "31"]  # as above: shares its run
    ours = tools.summary("ours", vm, args)
    assert ours.rc == 0, ours.stdout + ours.stderr
    dvm = synth.normalized(vm) if elf.e_phoff != 64 else vm
    deb = tools.summary("debian", dvm, args)  # same flags: --message-level 31
    assert deb.rc == 0, f"Debian failed on {sid}:\n{deb.stdout}{deb.stderr}"
    dbv = []
    for d in man.get("device_backed_vmemmap") or []:
        a, b = (int(x, 16) if isinstance(x, str) else x for x in d["range"])
        dbv.append((a // 4096, b // 4096))
    ex = explain(elf, level, ours.kept, deb.kept, dbv=dbv)
    if ex.explained:
        t.log(ex.summary())
    t.check(ex.ok, "kept sets differ without explanation:\n" + ex.summary())
    a, b = int(ours.bitmap1, 16), int(deb.bitmap1, 16)
    t.check(a == b, "1st bitmaps (pfns the input holds) differ: ours only " + fmt_pfns(a & ~b)
            + "; Debian only " + fmt_pfns(b & ~a))
    ro, rd = ours.report, deb.report
    for key in ("Original pages", "Memory Hole", "Total pages"):
        if key in ro and key in rd:
            t.check(ro[key] == rd[key], f"report {key}: ours {ro[key]:#x}, Debian {rd[key]:#x}")
        else:
            t.fail_soft(f"report line {key} missing")


@parametrize(lambda: [(sid, {"sid": sid}) for sid, (args, _) in SCENARIOS.items()
                      if "--pmem" not in args], weight=0.3)
def test_no_false_segment(t, sid):
    """On RAM-only dumps (every profile, including pre-4.13 kernels whose
    sections have no ONLINE bit) no device-backed vmemmap segment is
    reported: the RAM-backed vmemmap is ordinary kernel memory."""
    import re

    vm, man, elf = _input(sid)
    s = tools.summary("ours", vm, ["-l", "-d", "31", "--message-level", "31"])
    assert s.rc == 0, s.stdout + s.stderr
    lines = [l for l in (s.stdout + s.stderr).splitlines()
             if re.search(r"device.backed vmemmap", l, re.I)]
    t.check(not lines, f"a segment is reported on a RAM-only {sid} dump "
            f"(section flags {man['sections']}):\n" + "\n".join(lines))
