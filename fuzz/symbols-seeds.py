#!/usr/bin/python3
"""Seeds for fuzz_btf, fuzz_kallsyms and fuzz_dwarf: small well-formed
inputs (and a few near misses) written to DIR/btf, DIR/kallsyms and
DIR/dwarf (tests/integration/data/symtypes.c built with cc -g in DWARF 4
and 5, optimised, and cut short).  The committed fuzz/regress/{btf,
kallsyms,dwarf} were made with it:
    fuzz/symbols-seeds.py fuzz/regress"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile


class Btf:
    def __init__(self):
        self.types = []
        self.strs = bytearray(b"\0")

    def s(self, name):
        if not name:
            return 0
        off = len(self.strs)
        self.strs += name.encode() + b"\0"
        return off

    def add(self, name, kind, vlen, st, extra=b"", kflag=0):
        info = (kflag << 31) | (kind << 24) | vlen
        self.types.append(struct.pack("<III", self.s(name), info, st) + extra)
        return len(self.types)

    def blob(self):
        t = b"".join(self.types)
        hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(t), len(t), len(self.strs))
        return hdr + t + bytes(self.strs)


def btf_seed(variant):
    b = Btf()
    ulong = b.add("unsigned long", 1, 0, 8, struct.pack("<I", 64))
    int_ = b.add("int", 1, 0, 4, struct.pack("<I", (1 << 24) | 32))
    lh = len(b.types) + 1
    ptr_lh = lh + 1
    b.add("list_head", 4, 2, 16, struct.pack("<III", b.s("next"), ptr_lh, 0)
          + struct.pack("<III", b.s("prev"), ptr_lh, 64))
    b.add("", 2, 0, lh)                                   # struct list_head *
    arr = b.add("", 3, 0, 0, struct.pack("<III", ulong, int_, 11))
    anon = len(b.types) + 1
    b.add("", 5, 2, 8, struct.pack("<III", b.s("a"), int_, 0)
          + struct.pack("<III", b.s("b"), ulong, 0))      # union { int a; unsigned long b; }
    b.add("page", 4, 5, 64, struct.pack("<III", b.s("flags"), ulong, 0)
          + struct.pack("<III", b.s("lru"), lh, 64)
          + struct.pack("<III", 0, anon, 192)
          + struct.pack("<III", b.s("bits"), int_, (3 << 24) | 256)
          + struct.pack("<III", b.s("counts"), arr, 320), kflag=1)
    b.add("pageflags", 6, 2, 4, struct.pack("<Ii", b.s("PG_lru"), 5)
          + struct.pack("<Ii", b.s("PG_slab"), -3))
    b.add("stat64", 19, 1, 8, struct.pack("<III", b.s("NR_FREE_PAGES"), 0, 1))
    td = b.add("atomic_long_t", 8, 0, ulong)
    b.add("zone", 7, 0, 0)                                 # forward declaration
    cv = b.add("", 10, 0, td)
    b.add("vm_zone_stat", 14, 0, cv, struct.pack("<I", 1))
    b.add("f", 13, 1, int_, struct.pack("<II", b.s("x"), ulong))
    if variant == 1:   # a loop of typedefs
        n = len(b.types)
        b.add("loop1", 8, 0, n + 2)
        b.add("loop2", 8, 0, n + 1)
    data = b.blob()
    if variant == 2:   # cut short
        data = data[: len(data) // 2]
    if variant == 3:   # a reference past the last type
        data = bytearray(data)
        struct.pack_into("<I", data, 24 + 8, 9999)
        data = bytes(data)
    return data


def kallsyms_seed(variant):
    names = ["T_stext", "Dinit_uts_ns", "tlocal_fn", "Ba", "Dlonger_symbol_name_here"]
    # tokens: byte b expands to chr(b) for printable bytes, 0x80.. to pairs
    table = bytearray()
    index = [0] * 256
    for tok in range(256):
        index[tok] = len(table)
        if 32 <= tok < 127:
            table += bytes([tok]) + b"\0"
        else:
            table += b"_x\0"
    enc = bytearray()
    for n in names:
        body = n.encode()
        if variant == 1 and n == names[-1]:
            enc += bytes([0x80 | (len(body) & 0x7f), len(body) >> 7]) + body
        else:
            enc += bytes([len(body)]) + body
    offs = b"".join(struct.pack("<i", v) for v in (0, 0x1000, 0x2000, -5, 0x7fffffff))
    if variant == 2:
        enc = enc[:-3]
    head = struct.pack("<IBIII", len(names), variant & 1, len(enc), len(table), len(offs))
    return head + bytes(enc) + bytes(table) + offs + b"".join(struct.pack("<H", i) for i in index)


def dwarf_seeds(d):
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                       "integration", "data", "symtypes.c")
    if not shutil.which("cc"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        for i, flags in enumerate((["-gdwarf-5", "-O0"], ["-gdwarf-4", "-O2"],
                                   ["-gdwarf-5", "-O0", "-DPRINT_TRUTH"])):
            exe = os.path.join(tmp, "x")
            subprocess.run(["cc"] + flags + ["-o", exe, src], check=True)
            with open(exe, "rb") as f:
                data = f.read()
            with open(os.path.join(d, f"seed-{i}"), "wb") as f:
                f.write(data)
            if i == 0:
                with open(os.path.join(d, "seed-cut"), "wb") as f:
                    f.write(data[: len(data) * 2 // 3])


def main():
    out = sys.argv[1]
    for sub, fn, n in (("btf", btf_seed, 4), ("kallsyms", kallsyms_seed, 3)):
        d = os.path.join(out, sub)
        os.makedirs(d, exist_ok=True)
        for v in range(n):
            with open(os.path.join(d, f"seed-{v}"), "wb") as f:
                f.write(fn(v))
    os.makedirs(os.path.join(out, "dwarf"), exist_ok=True)
    dwarf_seeds(os.path.join(out, "dwarf"))


main()
