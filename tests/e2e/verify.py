#!/usr/bin/python3
"""Host-side checks of one e2e scenario (run with /usr/bin/python3: only
Debian's interpreter has libkdumpfile's binding).

usage: verify.py --dir RUNDIR --scen ram|pmem --kexec load|file --kver KVER
                 --mdf OUR_MAKEDUMPFILE [--deb DEBIAN_MAKEDUMPFILE]
                 [--vmlinux VMLINUX] [--keep]

RUNDIR/share/out holds what the guest handed over (see init); RUNDIR/pmem.bin
the pmem range saved with QMP pmemsave (pmem scenario).  Prints one line per
check, "PASS|FAIL|SKIP|INFO name: detail", writes RUNDIR/results.json and
exits 1 when a check failed.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import time

import kdumpfile

PAGE = 4096
KERNEL_MAP = 0xffffffff80000000

results = []


def report(status, name, detail=""):
    results.append({"status": status, "check": name, "detail": detail})
    print(f"{status} {name}: {detail}", flush=True)


def check(cond, name, ok_detail, bad_detail=None):
    report("PASS" if cond else "FAIL", name, ok_detail if cond else (bad_detail or ok_detail))
    return cond


def run(cmd, **kw):
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", **kw)
    return p.returncode, p.stdout, p.stderr, time.time() - t0


def open_dump(path):
    k = kdumpfile.kdumpfile(path)
    k.attr["addrxlat.ostype"] = "linux"
    return k


def read_page(k, pfn):
    try:
        return k.read(kdumpfile.KDUMP_KPHYSADDR, pfn * PAGE, PAGE)
    except Exception:
        return None


def pagemap_pfns(k):
    """Yield every pfn set in the dump's page map."""
    pm = k.attr["file.pagemap"]
    maxpfn = k.attr["max_pfn"]
    pfn = 0
    while pfn < maxpfn:
        s = pm.find_set(pfn)
        if s >= maxpfn:
            break
        e = min(pm.find_clear(s), maxpfn)
        yield from range(s, e)
        pfn = e


def u64(b, off=0):
    return struct.unpack_from("<Q", b, off)[0]


def elf_loads(path):
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        f.seek(phoff)
        out = []
        for _ in range(phnum):
            t, fl, off, va, pa, fs, ms, al = struct.unpack("<IIQQQQQQ", f.read(56))
            if t == 1:
                out.append((pa, pa + ms, va, fs))
        return out


def vtop(k, va, pgd):
    """4-level x86_64 page-table walk through the dump's physical memory."""
    table = pgd
    for shift in (39, 30, 21, 12):
        e = u64(k.read(kdumpfile.KDUMP_KPHYSADDR, table + ((va >> shift) & 511) * 8, 8))
        if not e & 1:
            return None
        base = e & 0x000ffffffffff000
        if shift in (30, 21) and e & 0x80:
            return (base & ~((1 << shift) - 1)) | (va & ((1 << shift) - 1))
        table = base
    return table | (va & 0xfff)


def vmcoreinfo_num(vi, kind, name):
    """libkdumpfile gives SYMBOL() values as numbers, others as text."""
    v = vi[kind][name]
    if isinstance(v, int):
        return v
    return int(str(v), 16 if kind == "SYMBOL" else 0)


def vmemmap_base(k):
    """Decode mem_section: for SPARSEMEM_VMEMMAP the coded mem_map of any
    present section is the vmemmap base (mem_map - section start pfn)."""
    vi = k.attr["linux.vmcoreinfo"]
    # SPARSEMEM_EXTREME: SYMBOL(mem_section) is the root array; its first
    # root holds section 0, whose first word is section_mem_map.
    roots = vmcoreinfo_num(vi, "SYMBOL", "mem_section")
    root0 = u64(k.read(kdumpfile.KDUMP_KVADDR, roots, 8))
    coded = u64(k.read(kdumpfile.KDUMP_KVADDR, root0, 8))
    return coded & ~0xfff


def load_pfn_records(out):
    recs = {}
    path = os.path.join(out, "pfns.txt")
    if os.path.exists(path):
        for line in open(path):
            tag, pfn = line.split()
            recs.setdefault(tag, []).append(int(pfn, 16))
    return recs


# --------------------------------------------------------------------------
def guest_checks(a, out):
    ok = True
    failed = os.path.join(out, "FAILED")
    if os.path.exists(failed):
        report("FAIL", "guest", open(failed).read().strip())
        return False
    ok &= check(os.path.exists(os.path.join(out, "capture-done")), "guest",
                "capture kernel finished", "capture kernel did not finish (see serial.log)")
    if not ok:
        return False
    steps = {}
    for line in open(os.path.join(out, "capture-steps.txt")):
        f = line.split()
        d = dict(x.split("=") for x in f[1:])
        steps[f[0]] = d
    first_t = dict(l.split() for l in open(os.path.join(out, "first-times.txt")))
    cap_t = dict(l.split() for l in open(os.path.join(out, "capture-times.txt")))
    timing = {"first_kernel_init": float(first_t.get("init", 0)),
              "first_kernel_crash": float(first_t.get("crash", 0)),
              "capture_kernel_init": float(cap_t.get("init", 0)),
              "capture_done": float(cap_t.get("done", 0))}
    for name, d in steps.items():
        timing[f"capture_{name}_s"] = round(float(d["end"]) - float(d["start"]), 2)
    report("INFO", "guest-timing", json.dumps(timing))
    speed_report(out)
    kexec = open(os.path.join(out, "first-kexec.txt")).read().strip()
    want = "kexec -p -s" if a.kexec == "file" else "kexec -p;"
    ok &= check(kexec.startswith(want) and "kexec_crash_loaded=1" in kexec, "kexec-loaded", kexec)
    uname = open(os.path.join(out, "capture-uname.txt")).read()
    ok &= check(a.kver in uname, "capture-kernel", uname.strip())
    direct = steps.get("direct", {}).get("rc")
    log = open(os.path.join(out, "mdf-direct.log")).read()
    ok &= check(direct == "0", "mdf-direct",
                "makedumpfile -l --message-level 7 -d 31 /proc/vmcore /host/vmcore: exit 0",
                f"exit {direct}: {log[-2000:]}")
    fl = steps.get("flat_save", {}).get("rc")
    ok &= check(fl == "0", "mdf-flat",
                "makedumpfile -F -l -d 31 /proc/vmcore > vmcore.flat: exit 0",
                f"exit {fl}: {open(os.path.join(out, 'mdf-flat.log')).read()[-2000:]}")
    return ok


def speed_report(out):
    """Our wall time against Debian's on the same /proc/vmcore (TCG: a
    ratio to read, not a threshold)."""
    path = os.path.join(out, "capture-speed.txt")
    if not os.path.exists(path):
        return
    runs = {}
    for line in open(path):
        f = line.split()
        d = dict(x.split("=") for x in f[2:])
        runs[(f[0], f[1])] = d
    for opt in ("-c", "-l"):
        o, d = runs.get(("makedumpfile", opt)), runs.get(("makedumpfile-debian", opt))
        if not o or not d or o["rc"] != "0" or d["rc"] != "0":
            report("INFO", "capture-speed", f"{opt} -d 31: not measured ({o}, {d})")
            continue
        to = float(o["end"]) - float(o["start"])
        td = float(d["end"]) - float(d["start"])
        report("INFO", "capture-speed",
               f"{opt} -d 31 on /proc/vmcore: ours {to:.2f} s, Debian {td:.2f} s, "
               f"ratio {to / td if td else float('nan'):.2f}; size ours {o['size']}, "
               f"Debian {d['size']}")


def parse_mem_usage(text):
    rows = {k: int(v) for k, v in re.findall(r"^([A-Z_]+)\t+(\d+)\s", text, re.M)}
    m = re.search(r"Total pages on system:\s*(\d+)", text)
    return rows, (int(m.group(1)) if m else -1)


def mem_usage_check(out):
    """--mem-usage /proc/kcore in the first kernel: exit 0, rows that add up
    to the total, the same total as Debian's makedumpfile on the same
    system, FREE near MemFree and near Debian's (taken moments apart)."""
    rcf = os.path.join(out, "mem-usage.rc")
    if not os.path.exists(rcf):
        report("SKIP", "mem-usage-live", "the guest did not run --mem-usage")
        return
    text = open(os.path.join(out, "mem-usage.txt"), errors="replace").read()
    rc = open(rcf).read().strip()
    if not check(rc == "0", "mem-usage-live", "makedumpfile --mem-usage /proc/kcore: exit 0",
                 f"exit {rc}: {text[-1500:]}"):
        return
    rows, total = parse_mem_usage(text)
    meminfo = dict(re.findall(r"^(\w+):\s+(\d+) kB",
                              open(os.path.join(out, "first-meminfo.txt")).read(), re.M))
    m = re.search(r"^page size:\s*(\d+)", text, re.M)
    kib = (int(m.group(1)) if m else 4096) // 1024  # KiB per page (arm64: 4, 16, 64)
    memtotal, memfree = int(meminfo["MemTotal"]) // kib, int(meminfo["MemFree"]) // kib
    check(sum(rows.values()) == total and total >= memtotal, "mem-usage-rows",
          f"{len(rows)} rows add up to {total} pages (MemTotal {memtotal})",
          f"rows {rows} vs total {total} (MemTotal {memtotal})")
    free = rows.get("FREE", -1)
    check(abs(free - memfree) <= max(memfree // 5, 2048), "mem-usage-free",
          f"FREE {free} pages, MemFree {memfree} pages",
          f"FREE {free} pages far from MemFree {memfree} pages")
    drc = os.path.join(out, "mem-usage-debian.rc")
    if not os.path.exists(drc):
        report("SKIP", "mem-usage-vs-debian", "Debian's makedumpfile is not in the initramfs")
        return
    dtext = open(os.path.join(out, "mem-usage-debian.txt"), errors="replace").read()
    drows, dtotal = parse_mem_usage(dtext)
    if open(drc).read().strip() != "0" or dtotal < 0:
        report("SKIP", "mem-usage-vs-debian", "Debian's --mem-usage failed: " + dtext[-300:])
        return
    report("INFO", "mem-usage-debian", json.dumps({"ours": rows, "debian": drows}))
    check(total == dtotal, "mem-usage-vs-debian",
          f"total {total} pages, as Debian's (crashkernel and holes left out alike)",
          f"total {total} pages, Debian's {dtotal}")


def layout_check(a, raw):
    loads = elf_loads(raw)
    low = [l for l in loads if l[0] < 0x100000]
    if a.kexec == "file":
        check(not low, "vmcore-layout",
              "kexec_file_load layout: no PT_LOAD below 1 MiB",
              f"unexpected PT_LOAD below 1 MiB: {[(hex(x[0]), hex(x[1])) for x in low]}")
    else:
        check(bool(low), "vmcore-layout",
              f"kexec_load layout: PT_LOAD {[(hex(x[0]), hex(x[1])) for x in low]} below 1 MiB"
              " (kexec-tools backup region)",
              "no PT_LOAD below 1 MiB: the capture kernel was not loaded by kexec-tools' path")
    report("INFO", "vmcore-ptloads",
           " ".join(f"[{lo:#x},{hi:#x})" for lo, hi, _, _ in loads))


def dump_checks(a, name, path, raw_k, src_label="/proc/vmcore's"):
    """Open PATH in libkdumpfile, read every page of its page map and compare
    it with the source vmcore.  Returns the set of pfns in the page map."""
    try:
        k = open_dump(path)
    except Exception as e:
        report("FAIL", f"{name}-open", f"libkdumpfile cannot open {path}: {e}")
        return None, None
    fmt = k.attr["file.format"]
    check(fmt == "diskdump", f"{name}-open", f"libkdumpfile opens it (format {fmt})",
          f"unexpected format {fmt}")
    pfns = set()
    unreadable = []
    differ = []
    partial = 0
    for pfn in pagemap_pfns(k):
        pfns.add(pfn)
        data = read_page(k, pfn)
        if data is None:
            unreadable.append(pfn)
            continue
        if raw_k is not None:
            src = read_page(raw_k, pfn)
            if src is None:
                partial += 1  # e.g. kexec_load's [0x1000, 0x9fc00): last page partial
            elif src != data:
                differ.append(pfn)
    check(not unreadable, f"{name}-readable",
          f"all {len(pfns)} pages of the page map readable",
          f"{len(unreadable)} of {len(pfns)} pages unreadable, first pfns "
          f"{[hex(p) for p in unreadable[:8]]}")
    if raw_k is not None:
        check(not differ, f"{name}-matches-vmcore",
              f"every page equals {src_label} ({len(pfns) - partial} compared,"
              f" {partial} partial in the source)",
              f"{len(differ)} pages differ from {src_label}, first {[hex(p) for p in differ[:8]]}")
    return k, pfns


def class_checks(recs, raw_k, pfns, name):
    """Pages recorded by the guest workload (/proc/self/pagemap) hold the
    workload's bytes in /proc/vmcore and are excluded at -d 31."""
    for tag in ("ANON-HOG", "EXT4-MAPPED"):
        lst = recs.get(tag, [])
        if not lst:
            report("FAIL", f"{name}-class-{tag}", "no pfns recorded by the guest")
            continue
        tagged = 0
        for pfn in lst:
            d = read_page(raw_k, pfn) if raw_k is not None else None
            if d is not None and d.startswith(tag.encode() + b" "):
                tagged += 1
        kept = [p for p in lst if p in pfns]
        check(not kept, f"{name}-class-{tag}",
              f"{len(lst)} recorded pfns ({tagged} carry the workload's bytes in /proc/vmcore)"
              " excluded at -d 31",
              f"{len(kept)} of {len(lst)} recorded pfns kept at -d 31, first "
              f"{[hex(p) for p in kept[:8]]}")


def cmp_files(x, y):
    return subprocess.run(["cmp", "-s", x, y]).returncode == 0


def flat_checks(a, out, rundir):
    direct = os.path.join(out, "vmcore")
    flat = os.path.join(out, "vmcore.flat")
    # Debian's -R (reference implementation) on our stream.
    if a.deb:
        reb = os.path.join(rundir, "flat.deb-R")
        with open(flat, "rb") as f:
            rc, so, se, _ = run([a.deb, "-R", reb], stdin=f)
        check(rc == 0 and cmp_files(reb, direct), "flat-deb-R",
              "Debian's makedumpfile -R < vmcore.flat is byte-identical to the direct dump",
              f"Debian's -R exit {rc}, identical={rc == 0 and cmp_files(reb, direct)}: {se[-500:]}")
        if os.path.exists(reb):
            os.unlink(reb)
    # The guest's pipeline  makedumpfile -F ... | makedumpfile -R FILE.
    rlog = open(os.path.join(out, "mdf-R.log")).read()
    rrc = open(os.path.join(out, "mdf-R.rc")).read().strip()
    frc = open(os.path.join(out, "mdf-F.rc")).read().strip()
    if "not available" in rlog:
        report("SKIP", "flat-pipe-guest",
               "our makedumpfile -R is not implemented yet in this build "
               f"(\"{rlog.strip().splitlines()[0]}\"); -F|-R comparison skipped")
    else:
        reb = os.path.join(out, "vmcore.flat-rebuilt")
        check(rrc == "0" and frc == "0" and cmp_files(reb, direct), "flat-pipe-guest",
              "makedumpfile -F -l -d 31 /proc/vmcore | makedumpfile -R: byte-identical to the direct dump",
              f"-F exit {frc}, -R exit {rrc}, identical="
              f"{os.path.exists(reb) and cmp_files(reb, direct)}: {rlog[-500:]}")
        if os.path.exists(reb):
            try:
                k = open_dump(reb)
                check(k.attr["file.format"] == "diskdump", "flat-pipe-guest-open",
                      "libkdumpfile opens the rebuilt dump")
            except Exception as e:
                report("FAIL", "flat-pipe-guest-open", str(e))
    # Our -R on the host, from the saved stream.
    reb = os.path.join(rundir, "flat.our-R")
    with open(flat, "rb") as f:
        rc, so, se, _ = run([a.mdf, "-R", reb], stdin=f)
    if rc != 0 and "not available" in so + se:
        report("SKIP", "flat-our-R", "our makedumpfile -R is not implemented yet in this build")
    else:
        check(rc == 0 and cmp_files(reb, direct), "flat-our-R",
              "our makedumpfile -R < vmcore.flat is byte-identical to the direct dump",
              f"exit {rc}: {(so + se)[-500:]}")
    if os.path.exists(reb):
        os.unlink(reb)


def debian_compare(a, rundir, src, ours_path, ours_k, ours_pfns, name, args=("-l", "-d", "31")):
    """Record what Debian's makedumpfile 1.7.2 makes of the same input: the
    pages it keeps must be a subset of ours with equal contents (its known
    defects only drop pages); byte identity is reported."""
    if not a.deb:
        report("SKIP", f"{name}-debian", "Debian's makedumpfile not installed")
        return None
    outp = os.path.join(rundir, f"{name}.debian")
    if os.path.exists(outp):
        os.unlink(outp)
    rc, so, se, secs = run([a.deb, *args, "--message-level", "31", src, outp])
    stats = {}
    for line in (so + se).splitlines():
        m = re.match(r"\s*([A-Za-z -]+?)\s*: 0x([0-9a-f]+)", line)
        if m:
            stats[m.group(1)] = int(m.group(2), 16)
    if rc != 0:
        report("INFO", f"{name}-debian", f"Debian's makedumpfile exit {rc}: {(so + se)[-300:]}")
        return {"rc": rc}
    identical = cmp_files(outp, ours_path)
    ndiff = 0
    if not identical:
        p = subprocess.run(f"cmp -l '{outp}' '{ours_path}' | head -100000 | wc -l", shell=True,
                           capture_output=True, text=True)
        ndiff = int(p.stdout.strip() or 0)
    dk = open_dump(outp)
    dpfns = set(pagemap_pfns(dk))
    only_deb = sorted(dpfns - ours_pfns)
    only_ours = sorted(ours_pfns - dpfns)
    differ = [p for p in sorted(dpfns & ours_pfns) if read_page(dk, p) != read_page(ours_k, p)]
    info = {"rc": rc, "seconds": round(secs, 2), "identical": identical,
            "bytes_differing": ndiff,
            "pages": len(dpfns), "only_in_debian": len(only_deb), "only_in_ours": len(only_ours),
            "first_only_in_ours": [hex(p) for p in only_ours[:6]], "stats": stats}
    if only_ours:
        info["only_in_ours_kinds"] = explain_pages(ours_k, only_ours)
    report("INFO", f"{name}-debian", json.dumps(info))
    check(not only_deb and not differ, f"{name}-vs-debian",
          "every page Debian's makedumpfile 1.7.2 keeps is in ours with the same bytes"
          + (" (outputs byte-identical)" if identical else
             f" (ours keeps {len(only_ours)} more pages)"),
          f"{len(only_deb)} pages only in Debian's output (first {[hex(p) for p in only_deb[:8]]}),"
          f" {len(differ)} with different bytes")
    info["pfns"] = dpfns
    info["k"] = dk
    info["path"] = outp
    return info


def explain_pages(k, pfns):
    """What the struct pages of PFNS say (for pages only our tool keeps):
    on 6.10+ Debian's 1.7.2 drops slab pages whose mapping has the low bit
    set, taking them for anonymous memory (FIXTURES README)."""
    vi = k.attr["linux.vmcoreinfo"]
    try:
        base = vmemmap_base(k)
        spage = vmcoreinfo_num(vi, "SIZE", "page")
        off_map = vmcoreinfo_num(vi, "OFFSET", "page.mapping")
        off_cnt = vmcoreinfo_num(vi, "OFFSET", "page._mapcount")
    except Exception as e:
        return {"error": str(e)}
    slab_val = None
    if "PAGE_SLAB_MAPCOUNT_VALUE" in vi["NUMBER"]:
        slab_val = vmcoreinfo_num(vi, "NUMBER", "PAGE_SLAB_MAPCOUNT_VALUE") & 0xffffffff
    kinds = {}
    for pfn in pfns:
        try:
            sp = k.read(kdumpfile.KDUMP_KVADDR, base + pfn * spage, spage)
        except Exception:
            kinds["struct page unreadable"] = kinds.get("struct page unreadable", 0) + 1
            continue
        ptype = struct.unpack_from("<I", sp, off_cnt)[0]
        mapping = u64(sp, off_map)
        if slab_val is not None and ptype >> 24 == slab_val >> 24:
            kind = "slab (page type)" + (", mapping low bit set" if mapping & 1 else "")
        else:
            kind = f"flags {u64(sp):#x} type {ptype:#x}"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


# --------------------------------------------------------------------------
CRASH_CMDS = ["sys", "log", "ps", "bt -a", "kmem -i"]
ERROR_RE = re.compile(r"(error|invalid|cannot|can't|not found|failed|unable|"
                      r"page excluded|seek error|read error|no debugging data|WARNING|"
                      r"incomplete|mismatch|do not match|not a supported)", re.I)


def crash_run(vmlinux, dump, log, cmds=CRASH_CMDS):
    script = "".join(f"!echo '=== {c}'\n{c}\n" for c in cmds) + "exit\n"
    rc, so, se, secs = run(["crash", "-s", "--no_scroll", vmlinux, dump], input=script,
                           timeout=600)
    with open(log, "w") as f:
        f.write(so + se)
    sections = {"init": []}
    cur = "init"
    for line in (so + se).splitlines():
        m = re.match(r"=== (.*)$", line)
        if m:
            cur = m.group(1)
            sections[cur] = []
        else:
            sections[cur].append(line)
    return rc, sections, secs


def crash_errors(sections):
    errs = []
    for sec, lines in sections.items():
        for line in lines:
            if sec == "log" and re.match(r"\s*\[", line):
                continue  # the kernel's own messages
            if ERROR_RE.search(line):
                errs.append(f"{sec}: {line.strip()}")
    return errs


def crash_checks(a, rundir, name, dump, baseline, baseline_sections=None, extra=()):
    """crash opens DUMP with the kernel's vmlinux; every command must give
    the same output as on BASELINE (the unfiltered /proc/vmcore copy), and no
    error may appear that the baseline does not show."""
    if not a.vmlinux:
        report("SKIP", f"{name}-crash", "no vmlinux with debuginfo (linux-image-*-dbg) for "
               f"{a.kver}; crash checks skipped")
        return None
    if baseline_sections is None:
        brc, baseline_sections, bsecs = crash_run(a.vmlinux, baseline,
                                                  os.path.join(rundir, f"{name}.crash-baseline.log"),
                                                  CRASH_CMDS + [c for c, _ in extra])
        berr = crash_errors(baseline_sections)
        report("INFO", f"{name}-crash-baseline",
               f"crash on the unfiltered vmcore: exit {brc}, {bsecs:.0f}s; "
               f"its own warnings (crash {crash_version()} vs this kernel): {berr[:5]}")
        btext = "\n".join(baseline_sections.get("sys", []))
        if brc != 0 or "PANIC:" not in btext:
            # crash itself cannot read this kernel (bookworm's 8.0.2 predates
            # the 6.4 module layout): no verdict on our dump is possible.
            tail = [l.strip() for ls in baseline_sections.values() for l in ls if l.strip()][:4]
            if not tail:  # crash often exits silently here: -d 1 tells why
                _, so, se, _ = run(["crash", "-d", "1", a.vmlinux, baseline], input="exit\n",
                                   timeout=600)
                tail = [l.strip() for l in (so + se).splitlines()
                        if l.strip().startswith("crash:")
                        and re.search(r"error|match|cannot|invalid", l)][-2:] or ["no message"]
            report("SKIP", f"{name}-crash",
                   f"crash {crash_version()} cannot open even the unfiltered /proc/vmcore of"
                   f" {a.kver} (exit {brc}: {' | '.join(tail)}); needs a crash that supports"
                   " this kernel")
            return None
    cmds = CRASH_CMDS + [c for c, _ in extra]
    rc, sec, secs = crash_run(a.vmlinux, dump, os.path.join(rundir, f"{name}.crash.log"), cmds)
    errs = [e for e in crash_errors(sec) if e not in crash_errors(baseline_sections)]
    ok = check(rc == 0 and not errs, f"{name}-crash",
               f"crash {' / '.join(cmds)}: exit 0, no error beyond the baseline's ({secs:.0f}s)",
               f"exit {rc}, new errors: {errs[:10]}")
    # Positive content.
    text = {k: "\n".join(v) for k, v in sec.items()}
    want = [("sys", "sysrq triggered crash"), ("sys", f"RELEASE: {a.kver}"),
            ("sys", "PARTIAL DUMP"), ("log", "sysrq: Trigger a crash"),
            ("bt -a", "sysrq_handle_crash"), ("ps", "[swapper/0]"), ("kmem -i", "TOTAL MEM")]
    want += list(extra)
    missing = [f"{c}: {w!r}" for c, w in want if w not in text.get(c, "")]
    ok &= check(not missing, f"{name}-crash-content",
                "sys shows the sysrq panic and RELEASE, log the sysrq line, bt -a sysrq_handle_crash,"
                " ps the tasks, kmem -i the totals", f"missing: {missing}")
    # Same view as on the unfiltered vmcore.
    diffs = []
    for c in cmds:
        x = [l for l in sec.get(c, []) if "DUMPFILE:" not in l]
        y = [l for l in baseline_sections.get(c, []) if "DUMPFILE:" not in l]
        if x != y:
            diffs.append(c)
    ok &= check(not diffs, f"{name}-crash-same-as-vmcore",
                f"output of every command identical to crash on the unfiltered {os.path.basename(baseline)}",
                f"commands whose output differs from the unfiltered vmcore's: {diffs}"
                f" (see {name}.crash.log / {name}.crash-baseline.log)")
    return baseline_sections


_crash_version = None


def crash_version():
    global _crash_version
    if _crash_version is None:
        rc, so, se, _ = run(["crash", "--version"])
        m = re.search(r"crash (\S+)", so)
        _crash_version = m.group(1) if m else "?"
    return _crash_version


# --------------------------------------------------------------------------
def fletcher64(buf):
    lo, hi = 0, 0
    for (w,) in struct.iter_unpack("<I", buf):
        lo = (lo + w) & 0xffffffff
        hi = (hi + lo) & 0xffffffffffffffff
    return ((hi << 32) | lo) & 0xffffffffffffffff


def pmem_checks(a, rundir, out, raw, recs):
    sysfs = dict(l.strip().split("=", 1) for l in open(os.path.join(out, "pmem-sysfs.txt")))
    ns_start = int(sysfs["namespace0.0/resource"], 16)
    ns_size = int(sysfs["namespace0.0/size"])
    pfn_dev = sysfs["pfn_dev"]
    data_start = int(sysfs[f"{pfn_dev}/resource"], 16)
    img = os.path.join(rundir, "pmem.bin")
    if not check(os.path.exists(img) and os.path.getsize(img) == ns_size, "pmem-saved",
                 f"QMP pmemsave of [{ns_start:#x}, {ns_start + ns_size:#x}) after the capture",
                 "pmem.bin missing or short"):
        return
    with open(img, "rb") as f:
        f.seek(PAGE)
        sb = bytearray(f.read(PAGE))
    sig = bytes(sb[:16]).rstrip(b"\0").decode("ascii", "replace")
    csum = u64(sb, PAGE - 8)
    sb[PAGE - 8:] = b"\0" * 8
    dataoff = u64(sb, 56)
    npfns = u64(sb, 64)
    mode, start_pad = struct.unpack_from("<II", sb, 72)
    ok = check(sig == "NVDIMM_PFN_INFO" and fletcher64(bytes(sb)) == csum and mode == 2
               and ns_start + start_pad + dataoff == data_start, "pmem-info-block",
               f"{sig} at +4K, checksum ok, mode 2 (map=dev), dataoff {dataoff:#x}, npfns {npfns};"
               f" sysfs {pfn_dev}/resource {data_start:#x} = namespace start + dataoff",
               f"sig {sig!r} csum ok={fletcher64(bytes(sb)) == csum} mode {mode} dataoff {dataoff:#x}"
               f" start_pad {start_pad:#x} sysfs data start {data_start:#x}")
    if not ok:
        return
    seg = (ns_start + start_pad, ns_start + start_pad + dataoff)
    carved = os.path.join(rundir, "carved.vmcore")
    rc, so, se, secs = run(["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "carve.py"),
                            raw, carved, "--vmemmap",
                            f"{seg[0]:x}-{seg[1]:x}@{img}:{ns_start:x}"])
    if not check(rc == 0, "pmem-carve",
                 f"carved vmcore: RAM PT_LOADs + PT_LOAD [{seg[0]:#x}, {seg[1]:#x})"
                 f" p_vaddr = page_offset + p_paddr ({secs:.1f}s)", se[-500:]):
        return
    with open(os.path.join(rundir, "carve.json"), "w") as f:
        f.write(so)

    ours = os.path.join(rundir, "carved.ours")
    if os.path.exists(ours):
        os.unlink(ours)
    rc, so, se, secs = run([a.mdf, "-l", "--message-level", "31", "-d", "31", carved, ours])
    with open(os.path.join(rundir, "carved.ours.log"), "w") as f:
        f.write(so + se)
    if not check(rc == 0, "pmem-ours",
                 f"our makedumpfile -l -d 31 on the carved vmcore: exit 0 ({secs:.1f}s)",
                 f"exit {rc}: {(so + se)[-1500:]}"):
        return
    m = re.search(r"Device-backed vmemmap\[0\]: (0x[0-9a-f]+)-(0x[0-9a-f]+)", so + se)
    found = (int(m.group(1), 16), int(m.group(2), 16)) if m else None
    check(found == seg, "pmem-ours-detects",
          f"our tool reports device-backed vmemmap {found[0]:#x}-{found[1]:#x}" if found else "",
          f"reported {found and tuple(map(hex, found))}, expected {tuple(map(hex, seg))}")
    m = re.search(r"Device-backed vmemmap pages : 0x([0-9a-f]+)", so + se)
    report("INFO", "pmem-ours-report",
           f"device-backed vmemmap pages kept: {int(m.group(1), 16) if m else '?'}")

    ck = open_dump(carved)
    ok_k, ok_pfns = dump_checks(a, "pmem-ours", ours, ck, "the carved vmcore's")
    if ok_k is None:
        return
    deb = debian_compare(a, rundir, carved, ours, ok_k, ok_pfns, "pmem-carved")

    def segment_check(k, pfns, who, strict):
        """Every frame of the segment readable and equal to the carved input."""
        st = {"readable": 0, "zero": 0, "missing": 0, "differ": 0}
        for pfn in range(seg[0] // PAGE, seg[1] // PAGE):
            d = read_page(k, pfn)
            if d is None or pfn not in pfns:
                st["missing"] += 1
                continue
            st["readable"] += 1
            st["zero"] += d == bytes(PAGE)
            st["differ"] += d != read_page(ck, pfn)
        n = (seg[1] - seg[0]) // PAGE
        if strict:
            check(st["readable"] == n and not st["differ"], f"pmem-{who}-segment",
                  f"all {n} frames of [{seg[0]:#x}, {seg[1]:#x}) readable and equal to the carved input"
                  f" ({st['zero']} all-zero)", json.dumps(st))
        else:
            report("INFO", f"pmem-{who}-segment", f"{n} frames: " + json.dumps(st))

    segment_check(ok_k, ok_pfns, "ours", True)
    if deb and "k" in deb:
        segment_check(deb["k"], deb["pfns"], "debian", False)

    # struct pages of the namespace's pfns, through the vmemmap mapping.
    vmemmap = vmemmap_base(ok_k)
    vi = ok_k.attr["linux.vmcoreinfo"]
    pgd_va = vmcoreinfo_num(vi, "SYMBOL", "init_top_pgt")
    pgd = pgd_va - KERNEL_MAP + (ok_k.attr["linux.phys_base"] & 0xffffffffffffffff)
    pgd &= 0xffffffffffffffff
    spage = vmcoreinfo_num(vi, "SIZE", "page")
    first_pfn, end_pfn = ns_start // PAGE, (ns_start + ns_size) // PAGE
    va0, va1 = vmemmap + first_pfn * spage, vmemmap + end_pfn * spage

    def struct_page_check(k, who, strict):
        st = {"chunks": 0, "unreadable": 0, "differ": 0, "pa_outside_segment": 0,
              "nonzero_struct_pages": 0}
        for va in range(va0, va1, PAGE):
            st["chunks"] += 1
            pa = vtop(ck, va, pgd)
            if pa is None or not seg[0] <= pa < seg[1]:
                st["pa_outside_segment"] += 1
            try:
                d = k.read(kdumpfile.KDUMP_KVADDR, va, PAGE)
            except Exception:
                st["unreadable"] += 1
                continue
            src = ck.read(kdumpfile.KDUMP_KVADDR, va, PAGE)
            if pa is not None and seg[0] <= pa < seg[1]:
                with open(img, "rb") as f:
                    f.seek(pa - ns_start)
                    if f.read(PAGE) != src:
                        st["differ"] += 1
            st["differ"] += d != src
            st["nonzero_struct_pages"] += sum(1 for i in range(0, PAGE, spage)
                                              if d[i:i + spage] != bytes(spage))
        desc = (f"struct pages of pfns {first_pfn:#x}-{end_pfn:#x} (VA {va0:#x}-{va1:#x},"
                f" vmemmap base {vmemmap:#x})")
        if strict:
            check(not st["unreadable"] and not st["differ"] and not st["pa_outside_segment"],
                  f"pmem-{who}-struct-pages",
                  f"{desc}: mapped into the device-backed segment, all readable from our dump and"
                  f" equal to the carved input and pmem ({st['nonzero_struct_pages']} initialised)",
                  f"{desc}: " + json.dumps(st))
        else:
            report("INFO", f"pmem-{who}-struct-pages", f"{desc}: " + json.dumps(st))
        return st

    struct_page_check(ok_k, "ours", True)
    if deb and "k" in deb:
        struct_page_check(deb["k"], "debian", False)

    # DAX data pages are not in any dump (not System RAM, not the memmap area).
    dax = recs.get("PMEM-DAXMAP", [])
    inside = [p for p in dax if ns_start // PAGE <= p < (ns_start + ns_size) // PAGE]
    kept = [p for p in dax if p in ok_pfns]
    check(dax and len(inside) == len(dax) and not kept, "pmem-dax-pages",
          f"{len(dax)} DAX-mapped pfns recorded, all in the namespace, none in our dump",
          f"{len(dax)} recorded, {len(inside)} in the namespace, {len(kept)} in our dump")

    # crash reads the struct pages of pmem frames (the namespace's first pfn
    # and a DAX-mapped one) from our dump as from the carved vmcore.
    extra = [(f"kmem -p {ns_start:#x}", f"{ns_start:x}")]
    if dax:
        extra.append((f"kmem -p {dax[0] * PAGE:#x}", f"{dax[0] * PAGE:x}"))
    crash_checks(a, rundir, "pmem-carved", ours, carved, extra=extra)
    if not a.keep:
        for p in (carved, ours, deb.get("path") if deb else None):
            if p and os.path.exists(p):
                os.unlink(p)


# --------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--scen", required=True, choices=["ram", "pmem"])
    ap.add_argument("--kexec", required=True, choices=["load", "file"])
    ap.add_argument("--kver", required=True)
    ap.add_argument("--mdf", required=True)
    ap.add_argument("--deb")
    ap.add_argument("--vmlinux")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    t0 = time.time()
    rundir = a.dir
    out = os.path.join(rundir, "share", "out")
    try:
        body(a, rundir, out)
    except Exception:
        import traceback
        report("FAIL", "verify", "exception in verify.py: " + traceback.format_exc()[-1500:])
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("PASS", "FAIL", "SKIP")}
    with open(os.path.join(rundir, "results.json"), "w") as f:
        json.dump({"results": results, "counts": counts, "verify_seconds": round(time.time() - t0, 1)},
                  f, indent=1)
    print(f"verify: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped"
          f" ({time.time() - t0:.0f}s)")
    sys.exit(1 if counts["FAIL"] else 0)


def body(a, rundir, out):
    if guest_checks(a, out):
        mem_usage_check(out)
        raw = os.path.join(out, "vmcore.raw")
        raw_k = None
        if os.path.exists(raw):
            layout_check(a, raw)
            raw_k = open_dump(raw)
        else:
            report("SKIP", "vmcore-raw", "no copy of /proc/vmcore (e2e.raw=0)")
        direct = os.path.join(out, "vmcore")
        k, pfns = dump_checks(a, "direct", direct, raw_k)
        if k is not None:
            recs = load_pfn_records(out)
            class_checks(recs, raw_k, pfns, "direct")
            flat_checks(a, out, rundir)
            if raw_k is not None:
                deb = debian_compare(a, rundir, raw, direct, k, pfns, "direct")
                if deb and deb.get("path") and not a.keep:
                    os.unlink(deb["path"])
                crash_checks(a, rundir, "direct", direct, raw)
            if a.scen == "pmem":
                pmem_checks(a, rundir, out, raw, recs)
        if not a.keep:
            for p in (os.path.join(out, "vmcore.raw"), os.path.join(rundir, "pmem.bin")):
                if os.path.exists(p):
                    os.unlink(p)


if __name__ == "__main__":
    main()
