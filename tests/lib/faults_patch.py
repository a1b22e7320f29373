"""Hostile inputs for tests/integration/test_badinput.py, made by patching
copies of small generator outputs (tests/tools/mkvmcore) with struct: no
binary is committed.

* ``Vmcore``: a private sparse copy of an ELF vmcore with its program
  headers, notes and VMCOREINFO editable, and physical memory writable
  through its PT_LOADs (page tables, mem_section, ...).
* ``patch_kdump``: fields of a kdump-compressed header.
"""

import os
import struct
import subprocess

PHDR = struct.Struct("<IIQQQQQQ")  # p_type p_flags p_offset p_vaddr p_paddr p_filesz p_memsz p_align
PT_LOAD, PT_NOTE = 1, 4


def _align4(n):
    return (n + 3) & ~3


class Vmcore:
    def __init__(self, src, dst):
        subprocess.run(["cp", "--sparse=always", str(src), str(dst)], check=True)
        os.chmod(dst, 0o600)
        self.path = dst
        with open(dst, "rb") as f:
            self.ehdr = bytearray(f.read(64))
        (self.e_phoff,) = struct.unpack_from("<Q", self.ehdr, 32)
        (self.e_phnum,) = struct.unpack_from("<H", self.ehdr, 56)

    # --- raw bytes ---
    def read(self, off, n):
        with open(self.path, "rb") as f:
            f.seek(off)
            return f.read(n)

    def write(self, off, data):
        with open(self.path, "r+b") as f:
            f.seek(off)
            f.write(data)

    # --- ELF header and program headers ---
    def set_ehdr(self, fmt, off, *vals):
        struct.pack_into(fmt, self.ehdr, off, *vals)
        self.write(0, bytes(self.ehdr))

    def phdrs(self):
        raw = self.read(self.e_phoff, PHDR.size * self.e_phnum)
        return [list(PHDR.unpack_from(raw, i * PHDR.size)) for i in range(self.e_phnum)]

    def set_phdr(self, i, **kw):
        names = ["p_type", "p_flags", "p_offset", "p_vaddr", "p_paddr", "p_filesz", "p_memsz",
                 "p_align"]
        ph = self.phdrs()[i]
        for k, v in kw.items():
            ph[names.index(k)] = v & 0xFFFFFFFFFFFFFFFF if k != "p_type" else v
        self.write(self.e_phoff + i * PHDR.size, PHDR.pack(*ph))

    def loads(self):
        """(index, phdr) of the PT_LOADs, in file order."""
        return [(i, p) for i, p in enumerate(self.phdrs()) if p[0] == PT_LOAD]

    def ram_loads(self):
        """PT_LOADs that are not the kernel-text one (vaddr in the kernel map)."""
        return [(i, p) for i, p in self.loads() if p[3] < 0xffffffff80000000]

    def text_load(self):
        for i, p in self.loads():
            if p[3] >= 0xffffffff80000000:
                return i, p
        raise AssertionError("no kernel-text PT_LOAD")

    # --- physical memory ---
    def phys_offset(self, pa):
        for _, p in self.ram_loads():
            if p[4] <= pa < p[4] + p[5]:
                return p[2] + pa - p[4]
        raise AssertionError(f"physical {pa:#x} is not in the file")

    def read_phys(self, pa, n):
        return self.read(self.phys_offset(pa), n)

    def write_phys(self, pa, data):
        self.write(self.phys_offset(pa), data)

    def read_u64(self, pa):
        return struct.unpack("<Q", self.read_phys(pa, 8))[0]

    def write_u64(self, pa, v):
        self.write_phys(pa, struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF))

    # --- notes and VMCOREINFO ---
    def _note_phdr(self):
        for i, p in enumerate(self.phdrs()):
            if p[0] == PT_NOTE:
                return i, p
        raise AssertionError("no PT_NOTE")

    def notes(self):
        """[(name bytes incl. NUL, type, desc bytes)] of the note segment."""
        _, p = self._note_phdr()
        buf, pos, out = self.read(p[2], p[5]), 0, []
        while pos + 12 <= len(buf):
            namesz, descsz, typ = struct.unpack_from("<III", buf, pos)
            if namesz == 0 and descsz == 0 and typ == 0:
                break
            name = buf[pos + 12:pos + 12 + namesz]
            d = pos + 12 + _align4(namesz)
            out.append((name, typ, buf[d:d + descsz]))
            pos = d + _align4(descsz)
        return out

    def set_notes(self, notes):
        """Rewrite the note segment in place (it may grow into the padding
        before the first PT_LOAD's data)."""
        i, p = self._note_phdr()
        buf = b""
        for name, typ, desc in notes:
            buf += struct.pack("<III", len(name), len(desc), typ)
            buf += name + b"\0" * (_align4(len(name)) - len(name))
            buf += desc + b"\0" * (_align4(len(desc)) - len(desc))
        room = min(q[2] for _, q in self.loads() if q[2] > p[2]) - p[2]
        if len(buf) > room:
            raise AssertionError(f"notes of {len(buf)} bytes do not fit in {room}")
        self.write(p[2], buf + b"\0" * (p[5] - len(buf) if p[5] > len(buf) else 0))
        self.set_phdr(i, p_filesz=len(buf), p_memsz=len(buf))

    def vmcoreinfo(self):
        for name, typ, desc in self.notes():
            if name.rstrip(b"\0") == b"VMCOREINFO":
                return desc.rstrip(b"\0").decode("ascii", "replace")
        return None

    def set_vmcoreinfo(self, text):
        """Replace the VMCOREINFO text (str or bytes; None removes the note).
        The note segment has about 60 bytes to spare before the first
        PT_LOAD's data: for longer texts, keys the tool never reads
        (BUILD-ID, kallsyms) are left out to make room."""
        data = text.encode() if isinstance(text, str) else text
        if data is not None and len(data) > len(self.vmcoreinfo()) + 40:
            data = b"\n".join(l for l in data.split(b"\n")
                              if not l.startswith((b"BUILD-ID=", b"SYMBOL(kallsyms_")))
        out = []
        for name, typ, desc in self.notes():
            if name.rstrip(b"\0") == b"VMCOREINFO":
                if data is not None:
                    out.append((name, typ, data))
            else:
                out.append((name, typ, desc))
        self.set_notes(out)

    def edit_vmcoreinfo(self, fn):
        """fn(list of lines) -> list of lines."""
        lines = self.vmcoreinfo().split("\n")
        self.set_vmcoreinfo("\n".join(fn(lines)) + "\n")

    def vi_value(self, key):
        for line in self.vmcoreinfo().split("\n"):
            if line.startswith(key + "="):
                return line[len(key) + 1:]
        return None


def drop_key(key):
    return lambda lines: [l for l in lines if not l.startswith(key + "=")]


def set_key(key, value):
    """Set KEY=value where KEY is (in place), else at the end."""
    def fn(lines):
        out = [f"{key}={value}" if l.startswith(key + "=") else l for l in lines]
        return out if out != lines or f"{key}={value}" in lines else out + [f"{key}={value}"]
    return fn


def patch_kdump(path, fmt, off, *vals):
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(struct.pack(fmt, *vals))
