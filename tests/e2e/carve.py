#!/usr/bin/python3
"""Turn a stock /proc/vmcore copy into the layout of the proposed kernel
(RFC "device backed vmemmap crash dump support", v3): all program headers of
the input kept, plus one PT_LOAD per device-backed vmemmap range appended
after them, with p_paddr = range start, p_filesz = p_memsz = range length and
p_vaddr = page_offset + p_paddr (page_offset from the input's direct-map
PT_LOADs) -- exactly like the lab's *-carved fixtures (manifest "carve":
order "append", ram_vaddr "keep").

usage: carve.py IN OUT --vmemmap START-END@IMAGE:IMAGE_BASE [--vmemmap ...]
    START-END   physical range (hex, END exclusive)
    IMAGE       raw guest memory saved with QMP pmemsave, starting at
                physical address IMAGE_BASE
Prints a JSON summary on stdout.
"""
import argparse
import json
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_NOTE = 1, 4
PAGE = 4096
KERNEL_MAP = 0xffffffff80000000


def copy_range(src, soff, dst, doff, size):
    src.seek(soff)
    dst.seek(doff)
    while size:
        chunk = src.read(min(size, 8 << 20))
        if not chunk:
            raise SystemExit("carve.py: short read")
        dst.write(chunk)
        size -= len(chunk)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--vmemmap", action="append", required=True)
    a = ap.parse_args()

    fin = open(a.input, "rb")
    eh = EHDR.unpack(fin.read(EHDR.size))
    ident, e_type, e_machine, e_version, e_entry, e_phoff, e_shoff, e_flags, \
        e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx = eh
    if ident[:4] != b"\x7fELF" or ident[4] != 2 or e_type != 4:
        raise SystemExit("carve.py: input is not an ELF64 core file")
    phdrs = []
    for i in range(e_phnum):
        fin.seek(e_phoff + i * e_phentsize)
        phdrs.append(list(PHDR.unpack(fin.read(PHDR.size))))

    offsets = {p[3] - p[4] for p in phdrs
               if p[0] == PT_LOAD and p[3] < KERNEL_MAP and p[3] >= 1 << 63}
    if len(offsets) != 1:
        raise SystemExit(f"carve.py: cannot derive page_offset: {sorted(map(hex, offsets))}")
    page_offset = offsets.pop()

    extra = []
    for spec in a.vmemmap:
        rng, img = spec.split("@", 1)
        start, end = (int(x, 16) for x in rng.split("-"))
        path, base = img.rsplit(":", 1)
        base = int(base, 16)
        if start < base or end - base > os.path.getsize(path) or start >= end:
            raise SystemExit(f"carve.py: {spec}: range not inside the image")
        for p in phdrs:
            if p[0] == PT_LOAD and p[4] < end and start < p[4] + p[6]:
                raise SystemExit(f"carve.py: {spec} overlaps PT_LOAD {p[4]:#x}+{p[6]:#x}")
        extra.append((start, end, path, start - base))

    n = len(phdrs) + len(extra)
    data = (EHDR.size + n * PHDR.size + PAGE - 1) // PAGE * PAGE
    fout = open(a.output + ".tmp", "w+b")
    out_ph = []
    summary = {"input": a.input, "output": a.output, "page_offset": hex(page_offset),
               "page_offset_how": "p_vaddr - p_paddr of the input direct-map PT_LOADs",
               "order": "append", "phdrs": []}
    for p in phdrs:
        typ, flags, off, vaddr, paddr, filesz, memsz, align = p
        if typ == PT_LOAD:
            data = (data + PAGE - 1) // PAGE * PAGE + (paddr % PAGE)
        copy_range(fin, off, fout, data, filesz)
        out_ph.append((typ, flags, data, vaddr, paddr, filesz, memsz, align))
        summary["phdrs"].append({"type": "LOAD" if typ == PT_LOAD else str(typ),
                                 "offset": hex(data), "vaddr": hex(vaddr), "paddr": hex(paddr),
                                 "filesz": hex(filesz), "data_from": "input"})
        data += filesz
    for start, end, path, ioff in extra:
        data = (data + PAGE - 1) // PAGE * PAGE
        with open(path, "rb") as img:
            copy_range(img, ioff, fout, data, end - start)
        out_ph.append((PT_LOAD, 7, data, page_offset + start, start, end - start, end - start, 0))
        summary["phdrs"].append({"type": "LOAD", "offset": hex(data),
                                 "vaddr": hex(page_offset + start), "paddr": hex(start),
                                 "filesz": hex(end - start), "role": "device-backed-vmemmap",
                                 "data_from": f"{os.path.basename(path)}+{ioff:#x}"})
        data += end - start
    fout.seek(0)
    # e_shentsize = sizeof(Elf64_Shdr) as in the lab's carve.py (the output is then
    # byte-identical to the *-carved fixtures made from the same input).
    fout.write(EHDR.pack(ident, e_type, e_machine, e_version, e_entry, EHDR.size, 0, e_flags,
                         EHDR.size, PHDR.size, n, 64, 0, 0))
    for ph in out_ph:
        fout.write(PHDR.pack(*ph))
    fout.truncate(data)
    fout.close()
    os.rename(a.output + ".tmp", a.output)
    summary["size"] = data
    json.dump(summary, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
