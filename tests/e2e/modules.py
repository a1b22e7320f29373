#!/usr/bin/python3
"""Copy kernel modules and their dependencies into the e2e initramfs.

usage: modules.py MODROOT KVER DEST GROUP=mod,mod... [GROUP=...]

MODROOT is an unpacked linux-image package (its lib/modules/KVER).  Debian's
package carries no modules.dep (depmod runs at install time), so the
dependencies are read from each module's .modinfo section ("depends=").
Modules are decompressed (.ko.xz on 6.12) because busybox insmod loads plain
ELF only.  For each GROUP, DEST/GROUP.order lists the files to insmod, in
dependency order.  A requested module that is built in (modules.builtin) is
skipped; one that is neither is an error.
"""
import lzma
import os
import struct
import sys


def modinfo(data):
    """Return the key=value strings of the .modinfo section of an ELF64 module."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError("not an ELF64 module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)

    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        name, _, _, _, off, size = sh(i)[:6]
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            return [s.decode("utf-8", "replace") for s in data[off:off + size].split(b"\0") if s]
    return []


def main():
    modroot, kver, dest = sys.argv[1:4]
    groups = [a.split("=", 1) for a in sys.argv[4:]]
    base = os.path.join(modroot, "lib/modules", kver)
    index = {}
    for dirpath, _, files in os.walk(os.path.join(base, "kernel")):
        for f in files:
            for ext in (".ko", ".ko.xz"):
                if f.endswith(ext):
                    index[f[:-len(ext)].replace("-", "_")] = os.path.join(dirpath, f)
    builtin = set()
    bpath = os.path.join(base, "modules.builtin")
    if os.path.exists(bpath):
        for line in open(bpath):
            builtin.add(os.path.basename(line.strip()).rsplit(".ko", 1)[0].replace("-", "_"))

    os.makedirs(dest, exist_ok=True)
    cache = {}

    def load(name):
        if name not in cache:
            path = index[name]
            raw = open(path, "rb").read()
            if path.endswith(".xz"):
                raw = lzma.decompress(raw)
            deps = []
            for kv in modinfo(raw):
                if kv.startswith("depends="):
                    deps = [d.replace("-", "_") for d in kv[8:].split(",") if d]
            cache[name] = (raw, deps)
        return cache[name]

    done = set()
    for group, mods in groups:
        order = []

        def visit(name, chain):
            if name in done or name in order:
                return
            if name in chain:
                raise SystemExit("modules.py: dependency loop at " + name)
            _, deps = load(name)
            for d in deps:
                visit(d, chain + [name])
            order.append(name)

        for m in [x.replace("-", "_") for x in mods.split(",") if x]:
            if m in index:
                visit(m, [])
            elif m in builtin:
                print(f"modules.py: {m} is built into {kver}")
            else:
                raise SystemExit(f"modules.py: module {m} not found in {base}")
        with open(os.path.join(dest, group + ".order"), "w") as f:
            for name in order:
                raw, _ = load(name)
                with open(os.path.join(dest, name + ".ko"), "wb") as k:
                    k.write(raw)
                f.write(name + ".ko\n")
        done.update(order)
        print(f"modules.py: {group}: {' '.join(order)}")


if __name__ == "__main__":
    main()
