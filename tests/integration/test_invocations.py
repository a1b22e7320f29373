"""Every makedumpfile command line the kdump tooling of Debian and Fedora/RHEL
runs, as a table: each is run with ours and with Debian's 1.7.2 on the same
fixture, and the exit status, the lines those scripts (or the people reading
their console) get, and the files they keep are compared.

Sources of the table:
* Debian's kdump-tools (the version in the archive): its kdump-config and
  the MAKEDUMP_ARGS defaults are read from the package itself (apt-get
  download, dpkg-deb -x, cached in the fixture cache), so a new invocation
  form shows up as a failure of test_kdump_tools_forms.
* Fedora/RHEL kdump-utils (github.com/rhkdump/kdump-utils at 63f248c9,
  2026-03-23), whose lines are quoted below: the default core_collector
  (gen-kdump-conf.sh, kdump.conf.5), the s390x default, the -F form for
  ssh/raw targets and --num-threads=$(nproc) that dracut/99kdumpbase/kdump.sh
  adds, mkdumprd's `--check-params $params vmcore [dumpfile]`, kdumpctl's
  `makedumpfile -R vmcore < raw_target`, and the `--dump-dmesg` of its
  check_vmcore test.

What the scripts read back: kdump-config only the exit status of
--dump-dmesg (the save runs in a pipe without pipefail, so only compress's
status counts), kdump.sh the exit status of the collector (its console gets
the messages), mkdumprd the exit status of --check-params, kdumpctl the one
of -R.  No script parses stdout; the status lines below are what a person
reading the console sees.
"""

import os
import re
import shutil
import subprocess

import fixtures
import kdumpout
import tools
from harness import parametrize, skip

RAM = "ram-6.1-kdump-kexec_file"
STATUS_RE = re.compile(r"^(makedumpfile (Completed|Failed)\.|The dumpfile is saved to|"
                       r"The dmesg log is saved to|Commandline parameter is invalid\.|"
                       r"Dump_level\(\d+\) is invalid\.|Try `makedumpfile --help')")

# (id, source, arguments, how the output is taken)
#   file:   the last argument is the dump file
#   stdout: the dump is stdout (-F), as kdump-config's `| compress > file`
#           and kdump.sh's `| dd of=`
#   split:  the last two arguments are the dump files
#   none:   nothing is written (--check-params)
#   R:      stdin is a flattened stream (made by Debian's -F), the argument
#           the rebuilt file
ROWS = [
    ("kt-dmesg", "kdump-tools: dump_dmesg", ["--dump-dmesg", "VMCORE", "OUT"], "file"),
    ("kt-default", "kdump-tools: MAKEDUMP_ARGS default of kdump-config",
     ["@KT_DEFAULT", "VMCORE"], "stdout"),
    ("kt-conf", "kdump-tools: MAKEDUMP_ARGS of /etc/default/kdump-tools, -F appended",
     ["@KT_CONF", "VMCORE"], "stdout"),
    ("ku-default", "kdump-utils: default core_collector",
     ["-l", "--message-level", "7", "-d", "31", "VMCORE", "OUT"], "file"),
    ("ku-threads", "kdump-utils: kdump.sh adds --num-threads=$(nproc) (2 here)",
     ["-l", "--message-level", "7", "-d", "31", "--num-threads=2", "VMCORE", "OUT"], "file"),
    ("ku-ssh-raw", "kdump-utils: ssh/raw core_collector",
     ["-F", "-l", "--message-level", "7", "-d", "31", "VMCORE"], "stdout"),
    ("ku-s390x", "kdump-utils: s390x default core_collector",
     ["-c", "--message-level", "7", "-d", "31", "VMCORE", "OUT"], "file"),
    ("ku-snappy", "kdump.conf core_collector with -p",
     ["-p", "--message-level", "7", "-d", "31", "VMCORE", "OUT"], "file"),
    ("ku-zstd", "kdump.conf core_collector with -z",
     ["-z", "--message-level", "7", "-d", "31", "VMCORE", "OUT"], "file"),
    ("ku-elf", "kdump.conf core_collector with -E (kdump.sh adds no threads)",
     ["-E", "--message-level", "7", "-d", "31", "VMCORE", "OUT"], "file"),
    ("ku-split", "kdump.conf core_collector with --split",
     ["--split", "-l", "--message-level", "7", "-d", "31", "VMCORE", "OUT", "OUT2"], "split"),
    ("ku-dmesg", "kdump-utils tests/check_vmcore", ["--dump-dmesg", "VMCORE", "OUT"], "file"),
    ("ku-check", "kdump-utils mkdumprd: --check-params, file target",
     ["--check-params", "-l", "--message-level", "7", "-d", "31", "vmcore", "dumpfile"], "none"),
    ("ku-check-F", "kdump-utils mkdumprd: --check-params, ssh/raw target",
     ["--check-params", "-F", "-l", "--message-level", "7", "-d", "31", "vmcore"], "none"),
    ("ku-check-bad", "mkdumprd: --check-params of a bad core_collector (-d 32)",
     ["--check-params", "-l", "--message-level", "7", "-d", "32", "vmcore", "dumpfile"], "none"),
    ("ku-check-E-l", "mkdumprd: --check-params of -E with -l (refused)",
     ["--check-params", "-E", "-l", "-d", "31", "vmcore", "dumpfile"], "none"),
    ("ku-R", "kdumpctl: recovering a raw target", ["-R", "OUT"], "R"),
    ("ku-R-empty", "kdumpctl: a raw target without a dump (wiped header)", ["-R", "OUT"], "R0"),
]


CALLER_RE = re.compile(rb"^(\[ *\d+\.\d{6}\] )\[ *[TC]\d+\] ", re.M)


def dmesg_text(data):
    """A --dump-dmesg log without the caller-id column and with
    continuation lines unindented (their indent follows that column)."""
    lines = CALLER_RE.sub(rb"\1", data).split(b"\n")
    return "\n".join(l.decode("utf-8", "replace") if l.startswith(b"[")
                     else l.lstrip().decode("utf-8", "replace") for l in lines)


def _kdump_tools_dir():
    """kdump-tools unpacked from Debian's archive, cached."""
    d = fixtures.cache_dir() / "kdump-tools"
    if (d / "usr" / "sbin" / "kdump-config").is_file():
        return d
    dl = fixtures.cache_dir() / "kdump-tools.dl"
    shutil.rmtree(dl, ignore_errors=True)
    dl.mkdir(parents=True)
    p = subprocess.run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root",
                        "kdump-tools"], cwd=dl, capture_output=True, text=True)
    debs = list(dl.glob("kdump-tools_*.deb"))
    if p.returncode != 0 or not debs:
        shutil.rmtree(dl, ignore_errors=True)
        skip("cannot download kdump-tools from Debian's archive: " + p.stderr.strip()[-200:])
    tmp = d.with_name("kdump-tools.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(tmp)], check=True)
    (tmp / "VERSION").write_text(debs[0].name + "\n")
    shutil.rmtree(d, ignore_errors=True)
    tmp.rename(d)
    shutil.rmtree(dl, ignore_errors=True)
    return d


def kdump_tools_args():
    """MAKEDUMP_ARGS as kdump-config uses them: its own default, and the
    (commented) one of the shipped defaults file with -F appended, as
    kdump-config appends it when it is missing."""
    d = _kdump_tools_dir()
    cfg = (d / "usr" / "sbin" / "kdump-config").read_text()
    conf = (d / "usr" / "share" / "kdump-tools" / "kdump-tools.conf").read_text()
    m = re.search(r'^MAKEDUMP_ARGS=\$\{MAKEDUMP_ARGS:="([^"]*)"\}', cfg, re.M)
    c = re.search(r'^#?MAKEDUMP_ARGS="([^"]*)"', conf, re.M)
    if not m or not c:
        raise AssertionError("kdump-config or kdump-tools.conf no longer set MAKEDUMP_ARGS"
                             " the way this table expects")
    appends = re.search(r'\|\| MAKEDUMP_ARGS="\$\{MAKEDUMP_ARGS\} -F"', cfg) is not None
    conf_args = c.group(1) + (" -F" if appends and "-F" not in c.group(1).split() else "")
    return cfg, m.group(1).split(), conf_args.split()


def test_kdump_tools_forms(t):
    """Every makedumpfile command in kdump-config is one of the table's
    forms (so that a new one cannot go untested)."""
    cfg, default, conf = kdump_tools_args()
    t.log(f"kdump-config default MAKEDUMP_ARGS: {default}; defaults file + -F: {conf}")
    known = {
        r'makedumpfile --dump-dmesg "\$vmcore" "\$outfile"',
        r'makedumpfile \$MAKEDUMP_ARGS \$vmcore_file \| compress [>|]',
    }
    lines = [l.strip() for l in cfg.splitlines()
             if re.search(r"(^|[;&|(]|\bif|\bthen)\s*makedumpfile\s", l.strip())
             and not l.strip().startswith("#")]
    t.check(lines, "no makedumpfile command found in kdump-config")
    for l in lines:
        t.check(any(re.search(k, l) for k in known), f"kdump-config runs a form the table"
                f" lacks: {l}")
    t.check("-F" in default, f"kdump-config's default lacks -F: {default}")


def _rows():
    return [(r[0], {"row": r}) for r in ROWS]


def _expand(args, vmcore, out, out2):
    kt = None
    res = []
    for a in args:
        if a.startswith("@KT_"):
            if kt is None:
                _, d, c = kdump_tools_args()
                kt = {"@KT_DEFAULT": d, "@KT_CONF": c}
            res += kt[a]
        else:
            res.append({"VMCORE": str(vmcore), "OUT": str(out), "OUT2": str(out2)}.get(a, a))
    return res


def _status_lines(r, base):
    return [l.strip().replace(str(base), "DIR") for l in r.text.splitlines()
            if STATUS_RE.match(l.strip())]


def _pages(path):
    k = kdumpout.open_dump(path)
    return kdumpout.pagemap_int(k)[0]


def _flat_stream(t, vm):
    """A flattened stream of the fixture made by Debian's makedumpfile."""
    flat = t.tmp / "input.flat"
    with open(flat, "wb") as f:
        p = subprocess.run([str(tools.DEBIAN), "-F", "-l", "-d", "31", str(vm)], stdout=f,
                           stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise AssertionError("Debian's -F failed: " + p.stderr.decode()[-500:])
    return flat


@parametrize(_rows, heavy=True, weight=1.5)
def test_invocation(t, row):
    """One caller's command line: ours and Debian's give the same exit
    status and status lines, and files that hold the same pages."""
    rid, source, args, how = row
    tools.require_ours()
    tools.require_debian()
    kdumpout.require_libkdumpfile()
    vm = fixtures.vmcore_path(RAM)
    t.log(f"{rid}: {source}")
    res = {}
    flat = _flat_stream(t, vm) if how == "R" else None
    for who, binary in (("ours", tools.OURS), ("debian", tools.DEBIAN)):
        base = t.tmp / who
        base.mkdir()
        out, out2 = base / "dump", base / "dump2"
        argv = _expand(args, vm, out, out2)
        if how == "stdout":
            with open(out, "wb") as f:
                p = subprocess.run([str(binary)] + argv, stdout=f, stderr=subprocess.PIPE)
            r = tools.Run([binary] + argv, p.returncode, "", p.stderr.decode("utf-8", "replace"), 0)
        elif how in ("R", "R0"):
            src = flat if how == "R" else base / "wiped"
            if how == "R0":
                src.write_bytes(bytes(1 << 20))
            with open(src, "rb") as f:
                p = subprocess.run([str(binary)] + argv, stdin=f, capture_output=True)
            r = tools.Run([binary] + argv, p.returncode, p.stdout.decode("utf-8", "replace"),
                          p.stderr.decode("utf-8", "replace"), 0)
        else:
            r = tools.run_tool(binary, argv)
        res[who] = (r, base, out, out2)
        t.log(f"{who}: $ {' '.join(map(str, r.argv))} -> exit {r.rc}; "
              f"status lines {_status_lines(r, base)}")
    (ro, bo, oo, oo2), (rd, bd, od, od2) = res["ours"], res["debian"]
    t.check_equal(ro.rc, rd.rc, f"{rid}: exit status (ours vs Debian's)")
    t.check_equal(_status_lines(ro, bo), _status_lines(rd, bd),
                  f"{rid}: status lines (ours vs Debian's)")
    if ro.rc != 0 or rd.rc != 0:
        for who, (_, _, o, _) in res.items():
            if how in ("R0",):
                t.check(not o.exists() or o.stat().st_size == 0,
                        f"{rid}: {who} left a non-empty file after failing")
        return
    if how == "none":
        return
    if args[0] == "--dump-dmesg":
        # CLI.md 4.3: ours writes the caller-id column of mdf >= 1.7.5,
        # which 1.7.2 lacks; without it the logs must be the same.
        a, b = dmesg_text(oo.read_bytes()), dmesg_text(od.read_bytes())
        t.check(a == b, f"{rid}: the dmesg files differ beyond the caller-id column")
        t.check(a.count("\n") > 100, f"{rid}: the log is short: {a[:300]!r}")
        return
    if how == "stdout":
        # Both streams rebuilt by Debian's -R, then compared.
        for o in (oo, od):
            with open(o, "rb") as f:
                p = subprocess.run([str(tools.DEBIAN), "-R", str(o) + ".R"], stdin=f,
                                   capture_output=True)
            t.check(p.returncode == 0, f"{rid}: Debian's -R fails on {o}: {p.stderr[-300:]}")
        oo, od = oo.with_name("dump.R"), od.with_name("dump.R")
    if how == "split":
        po = _pages(oo) | _pages(oo2)
        pd = _pages(od) | _pages(od2)
    else:
        po, pd = _pages(oo), _pages(od)
    t.check(po == pd, f"{rid}: kept pages differ: {kdumpout.popcount(po)} (ours) vs "
            f"{kdumpout.popcount(pd)} (Debian's)")
    same = oo.read_bytes() == od.read_bytes()
    t.log(f"{rid}: {kdumpout.popcount(po)} pages; files byte-identical: {same}")
    if rid in ("ku-default", "ku-threads", "ku-ssh-raw", "ku-R"):
        # README: byte-identical to Debian's on this fixture for -l.
        t.check(same, f"{rid}: output not byte-identical to Debian's")
    elif how != "split" and not same:
        # -c pages are libdeflate's streams (README), -p/-z ones Debian's
        # 1.7.2 writes uncompressed: the pages must still hold the same bytes.
        ko, kd = kdumpout.open_dump(oo), kdumpout.open_dump(od)
        pfns = list(kdumpout.iter_pfns(po))
        sample = pfns[:: max(1, len(pfns) // 500)]
        differ = [p for p in sample if kdumpout.read_out_pages(ko, p, 1)
                  != kdumpout.read_out_pages(kd, p, 1)]
        t.check(not differ, f"{rid}: {len(differ)} of {len(sample)} sampled pages differ from"
                f" Debian's, first {[hex(p) for p in differ[:6]]}")


def test_mem_usage(t):
    """--mem-usage (the kdump estimate of older kexec-tools; kdump-utils'
    `kdumpctl estimate` no longer runs makedumpfile): Debian's 1.7.2 reads
    only a live /proc/kcore with a crashkernel reservation; ours also reads
    a vmcore.  The live comparison of both is the e2e's mem-usage-vs-debian;
    here: ours on the fixture prints the table Debian's prints live."""
    vm = fixtures.vmcore_path(RAM)
    r = tools.run_tool(tools.require_ours(), ["--mem-usage", vm])
    t.check_equal(r.rc, 0, "exit status")
    rows = re.findall(r"^(ZERO|NON_PRI_CACHE|PRI_CACHE|USER|FREE|KERN_DATA)\s+(\d+)", r.stdout,
                      re.M)
    t.check_equal([n for n, _ in rows], ["ZERO", "NON_PRI_CACHE", "PRI_CACHE", "USER", "FREE",
                                         "KERN_DATA"], "table rows")
    tot = re.search(r"^Total pages on system:\s+(\d+)", r.stdout, re.M)
    t.check(tot and sum(int(v) for _, v in rows) == int(tot.group(1)),
            "rows do not add up to the total:\n" + r.describe())
    if tools.DEBIAN.is_file():
        d = tools.run_tool(tools.DEBIAN, ["--mem-usage", vm])
        t.log(f"Debian's on the same vmcore: exit {d.rc}: {d.text.strip()[:200]}")
