#!/usr/bin/python3
"""Host-side checks of the kdump-tools scenario (kdump_tools.sh).

usage: verify_kdump_tools.py --dir RUNDIR --kver KVER --mdf OUR_MAKEDUMPFILE
                             [--deb DEBIAN_MAKEDUMPFILE] [--vmlinux VMLINUX] [--keep]

RUNDIR holds the guest's serial log, its second disk (vmcore.img: the raw
/proc/vmcore copy) and disk/ (crash, crash-l, crash-fail-*, e2e: the guest's
/var/crash* and /var/lib/e2e read back with debugfs).  One line per check, as
verify.py; RUNDIR/results.json; exit 1 when a check failed.
"""
import argparse
import glob
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import verify  # noqa: E402
from verify import check, report, run, cmp_files, open_dump  # noqa: E402

STAMP_RE = re.compile(r"\b\d{12}\b")
OUR_VERSION = "1:1.7.2+mdf"


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


CALLER_RE = re.compile(rb"^(\[ *\d+\.\d{6}\] )\[ *[TC]\d+\] ", re.M)


def dmesg_text(path):
    """A --dump-dmesg log without the caller-id column, continuation lines
    unindented."""
    with open(path, "rb") as f:
        lines = CALLER_RE.sub(rb"\1", f.read()).split(b"\n")
    return b"\n".join(l if l.startswith(b"[") else l.lstrip() for l in lines)


def elf_size(path):
    """End of the last segment of the ELF vmcore at the start of PATH."""
    end = 0
    with open(path, "rb") as f:
        eh = f.read(64)
        if eh[:4] != b"\x7fELF":
            return None
        phoff = verify.u64(eh, 32)
        phnum = int.from_bytes(eh[56:58], "little")
        f.seek(phoff)
        for _ in range(phnum):
            ph = f.read(56)
            end = max(end, verify.u64(ph, 8) + verify.u64(ph, 32))
        end = max(end, phoff + phnum * 56)
    return end


def stamp_dir(base):
    """The one <stamp> directory kdump-config made under BASE."""
    dirs = sorted(d for d in glob.glob(os.path.join(base, "*")) if os.path.isdir(d))
    return dirs[-1] if dirs else None


def guest_checks(a, d):
    e2e = os.path.join(d, "disk", "e2e")
    pk = read(os.path.join(d, "packages.txt")) or ""
    check(re.search(rf"^makedumpfile {re.escape(OUR_VERSION)}\S* install ok installed", pk, re.M)
          and re.search(r"^kdump-tools \S+ install ok installed", pk, re.M),
          "kt-packages", "our makedumpfile package and Debian's kdump-tools installed: "
          + "; ".join(pk.strip().splitlines()), f"dpkg-query: {pk.strip()}")
    fb = read(os.path.join(e2e, "first-boot.txt"))
    if fb is None:
        report("FAIL", "kt-first-boot", "no first-boot.txt: the first boot never ran e2e-crash")
        return False
    ok = ("kexec_crash_loaded: 1" in fb and "ready to kdump" in fb
          and re.search(rf"package: makedumpfile {re.escape(OUR_VERSION)}", fb)
          and "makedumpfile: version" in fb and "/usr/bin/makedumpfile" in fb)
    check(ok, "kt-first-boot", "kdump-tools.service loaded the capture kernel (kdump-config show:"
          " ready to kdump) with our makedumpfile installed", fb[-1500:])
    cap = read(os.path.join(e2e, "capture.txt"))
    serial = read(os.path.join(d, "serial.log")) or ""
    if cap is None:
        report("FAIL", "kt-capture", "no capture.txt: the capture kernel never ran"
               " kdump-tools-dump.service")
        return False
    check("systemd.unit=kdump-tools-dump.service" in cap and "pre-done" in cap,
          "kt-capture", "the capture kernel booted with kdump-tools' command line"
          " (systemd.unit=kdump-tools-dump.service) and ran the test hook", cap[-800:])
    qrc = (read(os.path.join(d, "qemu-rc")) or "?").strip()
    check(qrc == "0" and "saved vmcore in /var/crash" in serial
          and re.search(r"reboot: Restarting system", serial),
          "kt-reboot", "kdump-tools saved the vmcore and rebooted the machine (QEMU -no-reboot"
          " exited by itself)", f"qemu exit {qrc}; serial tail: {serial[-600:]}")
    return True


def rebuild(a, d, flat, name):
    """kdump-tools writes the -F stream to dump.<stamp>: rebuild it with our
    -R and with Debian's; both must give the same file."""
    ours = os.path.join(d, f"{name}.dump")
    with open(flat, "rb") as f:
        rc, so, se, _ = run([a.mdf, "-R", ours], stdin=f)
    if not check(rc == 0, f"{name}-R", "our makedumpfile -R rebuilds kdump-tools' dump.<stamp>"
                 " (a flattened stream: kdump-config always adds -F)", f"exit {rc}: {se[-400:]}"):
        return None
    if a.deb:
        theirs = os.path.join(d, f"{name}.dump-debR")
        with open(flat, "rb") as f:
            rc, so, se, _ = run([a.deb, "-R", theirs], stdin=f)
        check(rc == 0 and cmp_files(ours, theirs), f"{name}-deb-R",
              "Debian's makedumpfile -R gives a byte-identical file",
              f"Debian's -R exit {rc}, identical={rc == 0 and cmp_files(ours, theirs)}")
        if os.path.exists(theirs):
            os.unlink(theirs)
    return ours


def save_checks(a, d, name, base, raw, raw_k, args, with_crash):
    sd = stamp_dir(base)
    if sd is None:
        report("FAIL", f"{name}-saved", f"no <stamp> directory in {base}")
        return
    stamp = os.path.basename(sd)
    flat = os.path.join(sd, f"dump.{stamp}")
    dmesg = os.path.join(sd, f"dmesg.{stamp}")
    files = sorted(os.listdir(sd))
    if not check(os.path.isfile(flat) and os.path.getsize(flat) > 0, f"{name}-saved",
                 f"kdump-tools saved {os.path.relpath(sd, os.path.join(d, 'disk'))}: {files}",
                 f"no dump.{stamp}: {files}"):
        return
    text = read(dmesg)
    check(text is not None and "Kernel panic - not syncing: sysrq triggered crash" in text
          and "sysrq: Trigger a crash" in text, f"{name}-dmesg",
          f"dmesg.{stamp} ({len(text or '')} bytes, from our --dump-dmesg) holds the sysrq"
          " crash and the panic", f"dmesg.{stamp}: {'missing' if text is None else text[-300:]}")
    if text is not None and a.deb:
        ref = os.path.join(d, f"{name}.dmesg-debian")
        rc, so, se, _ = run([a.deb, "--dump-dmesg", raw, ref])
        same = rc == 0 and dmesg_text(dmesg) == dmesg_text(ref)
        check(same, f"{name}-dmesg-vs-debian",
              "the same log as Debian's makedumpfile --dump-dmesg of the raw /proc/vmcore"
              " (apart from the caller-id column of makedumpfile >= 1.7.5, CLI.md 4.3)",
              f"Debian's exit {rc}; same={same}")
        if os.path.exists(ref):
            os.unlink(ref)
    dump = rebuild(a, d, flat, name)
    if dump is None:
        return
    k, pfns = verify.dump_checks(a, name, dump, raw_k)
    if k is not None:
        deb = verify.debian_compare(a, d, raw, dump, k, pfns, name, args=args)
        if deb and deb.get("path") and os.path.exists(deb["path"]):
            os.unlink(deb["path"])
        if with_crash:  # crash runs take 20-90 s each: the default save only
            verify.crash_checks(a, d, name, dump, raw)
    if not a.keep:
        os.unlink(dump)


def kdump_lines(text):
    """What kdump-config itself says, stamps masked."""
    out = []
    for line in text.splitlines():
        if line.startswith(("kdump-config:", "running makedumpfile", "sending")):
            out.append(STAMP_RE.sub("STAMP", line.strip()))
    return out


def failure_checks(a, d):
    """The save path on an unreadable /proc/vmcore (its first 64 KiB), once
    with ours, once with Debian's 1.7.2: kdump-tools must take the same path."""
    e2e = os.path.join(d, "disk", "e2e")
    res = {}
    for who in ("ours", "debian"):
        text = read(os.path.join(e2e, f"savecore-fail-{who}.txt"))
        sd = stamp_dir(os.path.join(d, "disk", f"crash-fail-{who}"))
        files = {}
        if sd:
            st = os.path.basename(sd)
            for f in os.listdir(sd):
                files[f.replace(st, "STAMP")] = os.path.getsize(os.path.join(sd, f))
        res[who] = {"text": text or "", "files": files, "dir": sd}
    o, g = res["ours"], res["debian"]
    if not o["text"] or not g["text"]:
        report("FAIL", "kt-fail", "the failure runs left no kdump-config output")
        return
    vers = {w: (re.search(r"^e2e: makedumpfile: version (\S+)", r["text"], re.M) or [None, None])[1]
            for w, r in res.items()}
    check(vers["debian"] == "1.7.2" and vers["ours"] not in (None, "1.7.2"), "kt-fail-binaries",
          f"the failure runs used ours (version {vers['ours']}) and Debian's ({vers['debian']})",
          f"/usr/bin/makedumpfile -v in the runs: {vers}")
    for who, r in res.items():
        t = r["text"]
        check("makedumpfile Failed." in t and "makedumpfile --dump-dmesg failed" in t,
              f"kt-fail-{who}", f"{who}: makedumpfile fails on the unreadable input and"
              " kdump-tools sees the --dump-dmesg failure (\"dmesg content will be unavailable\")",
              t[-800:])
    ol, gl = kdump_lines(o["text"]), kdump_lines(g["text"])
    check(ol == gl, "kt-fail-same-path",
          f"kdump-config's messages are the same with ours and Debian's ({len(ol)} lines: "
          f"{ol})", f"ours: {ol}\ndebian: {gl}")
    check(sorted(o["files"]) == sorted(g["files"]) and "dmesg.STAMP" not in o["files"],
          "kt-fail-same-files", f"the same files are left: {o['files']} (ours) vs {g['files']}"
          " (Debian's); no empty dmesg file", f"ours {o['files']} vs Debian's {g['files']}")
    # kdump-config pipes makedumpfile into `cat` without pipefail, so the
    # failure exit never reaches its 'cp' fallback (with either makedumpfile).
    fell_back = [w for w, r in res.items() if "falling back to 'cp'" in r["text"]]
    report("INFO", "kt-fail-fallback",
           f"fallback to cp taken by: {fell_back or 'neither'} (kdump-config 1.8.1 runs"
           " 'makedumpfile ... | compress' in dash without pipefail: the exit status it tests"
           " is compress's)")
    flat = os.path.join(o["dir"], f"dump.{os.path.basename(o['dir'])}") if o["dir"] else None
    if flat and os.path.getsize(flat) > 0:
        dump = os.path.join(d, "kt-fail-ours.dump")
        with open(flat, "rb") as f:
            rc, so, se, _ = run([a.mdf, "-R", dump], stdin=f)
        opened = ""
        if rc == 0:
            try:
                k = open_dump(dump)
                try:
                    n = sum(1 for _ in verify.pagemap_pfns(k))
                except Exception:  # libkdumpfile: "No such bit found" on an empty map
                    n = 0
                opened = f"libkdumpfile opens it ({k.attr['file.format']}, {n} pages)"
            except Exception as e:
                opened = f"libkdumpfile: {e}"
        report("INFO", "kt-fail-ours-dump",
               f"ours left a {os.path.getsize(flat)}-byte stream (what could be read: headers,"
               f" VMCOREINFO); -R exit {rc}; {opened}; Debian's left {g['files']}")
        if os.path.exists(dump):
            os.unlink(dump)


def body(a, d):
    if not guest_checks(a, d):
        return
    raw = os.path.join(d, "vmcore.img")
    size = elf_size(raw) if os.path.exists(raw) else None
    if not check(size is not None, "kt-raw-vmcore", f"raw /proc/vmcore copy on the second disk"
                 f" ({size} bytes)", "no ELF vmcore on the second disk"):
        return
    os.truncate(raw, size)
    raw_k = open_dump(raw)
    save_checks(a, d, "kt-default", os.path.join(d, "disk", "crash"), raw, raw_k,
                ("-c", "-d", "31"), True)
    save_checks(a, d, "kt-l", os.path.join(d, "disk", "crash-l"), raw, raw_k,
                ("-l", "-d", "31"), False)
    failure_checks(a, d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--kver", required=True)
    ap.add_argument("--mdf", required=True)
    ap.add_argument("--deb")
    ap.add_argument("--vmlinux")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    t0 = time.time()
    try:
        body(a, a.dir)
    except Exception:
        import traceback
        report("FAIL", "verify", "exception in verify_kdump_tools.py: "
               + traceback.format_exc()[-1500:])
    res = verify.results
    counts = {s: sum(1 for r in res if r["status"] == s) for s in ("PASS", "FAIL", "SKIP")}
    with open(os.path.join(a.dir, "results.json"), "w") as f:
        json.dump({"results": res, "counts": counts,
                   "verify_seconds": round(time.time() - t0, 1)}, f, indent=1)
    if not a.keep:
        for p in ("vmcore.img",):
            if os.path.exists(os.path.join(a.dir, p)):
                os.unlink(os.path.join(a.dir, p))
    print(f"verify: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped"
          f" ({time.time() - t0:.0f}s)")
    sys.exit(1 if counts["FAIL"] else 0)


if __name__ == "__main__":
    main()
