"""Synthetic vmcores from tests/tools/mkvmcore (another engineer's
generator; see tests/tools/README.md) and what their manifests predict.

Generated files are cached per test session (several tests use the same
scenario) under a lock, like tools.summary().
"""

import hashlib
import json
import os
import subprocess

import elfcore
import fixtures
import tools
from harness import skip
from kdumpout import fmt_pfns, iter_pfns, ranges_to_int

PAGE = 4096


def require_mkvmcore():
    if not tools.MKVMCORE.is_file() or not os.access(tools.MKVMCORE, os.X_OK):
        skip(f"{tools.MKVMCORE} is not built (make tests/tools/mkvmcore)")
    return tools.MKVMCORE


def generate(args):
    """(vmcore path, manifest dict) for mkvmcore @args, made once per session."""
    exe = require_mkvmcore()
    key = hashlib.sha1(json.dumps(list(args)).encode()).hexdigest()[:16]
    d = tools._session_dir() / "gen"
    d.mkdir(parents=True, exist_ok=True)
    vm, man = d / f"{key}.vmcore", d / f"{key}.json"
    with fixtures.locked(d / f".lock-{key}"):
        if not (vm.is_file() and man.is_file()):
            p = subprocess.run([str(exe), "--quiet", "--manifest", str(man) + ".part"] + list(args)
                               + [str(vm) + ".part"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=300)
            if p.returncode != 0:
                raise AssertionError(f"mkvmcore {' '.join(args)} failed:\n{p.stdout}")
            os.replace(str(vm) + ".part", vm)
            os.replace(str(man) + ".part", man)
    with open(man) as f:
        return vm, json.load(f)


def normalized(vm):
    """A copy of a QEMU-layout file with its program headers at offset 64,
    which Debian's 1.7.2 accepts (FORMATS.md A.1)."""
    dst = vm.with_suffix(".phoff64.vmcore")
    with fixtures.locked(str(dst) + ".lock"):
        if not dst.is_file():
            elfcore.normalize_phdrs(vm, str(dst) + ".part")
            os.replace(str(dst) + ".part", dst)
    return dst


def in_dump(elf, page=PAGE):
    """Pfns (of @page bytes) the input holds any data byte for (a partial
    first or last page counts, as upstream makedumpfile >= 1.7.6 keeps it).
    A PT_LOAD beyond 2^52 (arm64 kexec-tools' garbage image header) holds
    nothing."""
    x = 0
    for s in elf.loads:
        if s.filesz and s.paddr + s.memsz <= 1 << 52:
            a = s.paddr // page
            b = (s.paddr + s.filesz + page - 1) // page
            x |= ranges_to_int([(a, b)])
    return x


def class_bits(man, name):
    for c in man["classes"]:
        if c["class"] == name:
            return ranges_to_int(c["runs"])
    return 0


def class_of(man, pfn):
    """The manifest class holding @pfn."""
    for c in man["classes"]:
        for a, b in c["runs"]:
            if a <= pfn < b:
                return c["class"]
    return "no class"


def describe_pfns(man, bits, limit=8):
    """A pfn set for a failure message: count, ranges and a few classes."""
    parts = [f"{p:#x} ({class_of(man, p)})" for p in iter_pfns(bits, limit)]
    return f"{fmt_pfns(bits, 8)}; e.g. " + ", ".join(parts)


def predicted_kept(man, elf, level, rules="upstream"):
    """The 2nd-bitmap pfn set the manifest predicts for a kdump-format dump
    at @level under makedumpfile's @rules (pfns with data below max_mapnr,
    minus the classes the level excludes), with our tool's one intended
    departure: device-backed vmemmap (class dbv_meta) is always kept.
    Zero pages keep their bit in kdump format, so class "zero" (bit 1) never
    removes a pfn here."""
    kept = in_dump(elf, man.get("page_size", PAGE)) & ((1 << int(man["max_mapnr"])) - 1)
    # value 4 excludes the cache pages of value 2 too (FILTERING.md §1.2)
    eff = level | (2 if level & 4 else 0)
    for c in man["classes"]:
        bit = c["excluded_by"][rules]["dump_level_bit"]
        if c["class"] == "dbv_meta":
            continue
        if bit == "always" or (isinstance(bit, int) and bit != 1 and bit & eff):
            kept &= ~ranges_to_int(c["runs"])
    return kept


def predicted_report(man, level, rules="upstream"):
    """Report counters predicted by the manifest, by report label."""
    e = man["expected"][rules]
    lv = e["levels"][str(level)]
    names = man.get("counter_names") or {}
    label = {"zero": "Pages filled with zero", "cache": "Non-private cache pages",
             "cache_private": "Private cache pages", "user": "User process data pages",
             "free": "Free pages", "hwpoison": "Hwpoison pages", "offline": "Offline pages",
             "excluded": "Excluded pages", "remaining": "Remaining pages"}
    out = {label.get(k, names.get(k, k)): v for k, v in lv.items() if k in label}
    out["Original pages"] = e["original_pages"]
    out["Memory Hole"] = e["memory_hole"]
    out["Total pages"] = e["max_mapnr"]
    return out
