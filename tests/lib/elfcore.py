"""A minimal, independent reader of ELF64 little-endian vmcores.

Used by the tests as the reference for the *input* side: physical memory
by PT_LOAD, notes, VMCOREINFO.  It honours ``e_phoff`` (QEMU 7.2 puts the
program headers after a section header table) and extended numbering.
It shares no code with the tool under test.
"""

import mmap
import struct

PT_LOAD = 1
PT_NOTE = 4
PN_XNUM = 0xFFFF
PAGE = 4096


class ElfError(Exception):
    pass


class Segment:
    __slots__ = ("paddr", "vaddr", "offset", "filesz", "memsz")

    def __init__(self, paddr, vaddr, offset, filesz, memsz):
        self.paddr, self.vaddr, self.offset = paddr, vaddr, offset
        self.filesz, self.memsz = filesz, memsz

    def __repr__(self):
        return (f"Segment(paddr={self.paddr:#x}, vaddr={self.vaddr:#x}, off={self.offset:#x}, "
                f"filesz={self.filesz:#x}, memsz={self.memsz:#x})")


class ElfCore:
    def __init__(self, path):
        self.path = str(path)
        self._f = open(self.path, "rb")
        self.size = self._f.seek(0, 2)
        self.mm = mmap.mmap(self._f.fileno(), 0, access=mmap.ACCESS_READ) if self.size else b""
        h = self.mm[:64]
        if len(h) < 64 or h[:4] != b"\x7fELF":
            raise ElfError(f"{path}: not an ELF file")
        if h[4] != 2 or h[5] != 1:
            raise ElfError(f"{path}: only ELF64 little endian is supported")
        (self.e_type, self.e_machine, _, _, self.e_phoff, self.e_shoff, self.e_flags,
         self.e_ehsize, self.e_phentsize, phnum, self.e_shentsize, self.e_shnum,
         self.e_shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", h, 16)
        if phnum == PN_XNUM:
            if not self.e_shoff:
                raise ElfError("PN_XNUM without section headers")
            phnum = struct.unpack_from("<I", self.mm, self.e_shoff + 44)[0]
        self.phnum = phnum
        self.loads = []
        self.note_segments = []
        for i in range(phnum):
            off = self.e_phoff + i * 56
            p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align = \
                struct.unpack_from("<IIQQQQQQ", self.mm, off)
            if p_type == PT_LOAD and p_paddr != 0xFFFFFFFFFFFFFFFF:
                # A truncated file holds no data past its end.
                filesz = max(0, min(p_filesz, self.size - p_offset))
                self.truncated = getattr(self, "truncated", False) or filesz < p_filesz
                self.loads.append(Segment(p_paddr, p_vaddr, p_offset, filesz, p_memsz))
            elif p_type == PT_NOTE:
                self.note_segments.append((p_offset, p_filesz))
        self._by_paddr = sorted(self.loads, key=lambda s: s.paddr)
        self.notes = list(self._parse_notes())
        self.vmcoreinfo_text = ""
        for name, ntype, desc in self.notes:
            if name == b"VMCOREINFO":
                self.vmcoreinfo_text = desc.rstrip(b"\0").decode("ascii", "replace")
                break
        self.vmcoreinfo = {}
        for line in self.vmcoreinfo_text.splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                self.vmcoreinfo.setdefault(k, v)

    def close(self):
        if isinstance(self.mm, mmap.mmap):
            self.mm.close()
        self._f.close()

    # -- notes and VMCOREINFO ------------------------------------------------

    def _parse_notes(self):
        for off, size in self.note_segments:
            buf = self.mm[off:off + size]
            pos = 0
            while pos + 12 <= len(buf):
                namesz, descsz, ntype = struct.unpack_from("<III", buf, pos)
                if namesz == 0 and descsz == 0 and ntype == 0:
                    break
                name_end = pos + 12 + ((namesz + 3) & ~3)
                desc_end = name_end + ((descsz + 3) & ~3)
                if name_end > len(buf) or name_end + descsz > len(buf):
                    break
                name = bytes(buf[pos + 12:pos + 12 + namesz]).rstrip(b"\0")
                yield name, ntype, bytes(buf[name_end:name_end + descsz])
                pos = desc_end

    def vi_symbol(self, name):
        v = self.vmcoreinfo.get(f"SYMBOL({name})")
        return int(v, 16) if v is not None else None

    def vi_number(self, name):
        v = self.vmcoreinfo.get(f"NUMBER({name})")
        if v is None:
            return None
        return int(v, 16) if v.lower().startswith("0x") else int(v)

    def vi_offset(self, name):
        v = self.vmcoreinfo.get(f"OFFSET({name})")
        return int(v) if v is not None else None

    def vi_size(self, name):
        v = self.vmcoreinfo.get(f"SIZE({name})")
        return int(v) if v is not None else None

    def osrelease(self):
        return self.vmcoreinfo.get("OSRELEASE", "")

    def kernel_version(self):
        """(major, minor) from OSRELEASE, (0, 0) if unknown."""
        import re

        m = re.match(r"(\d+)\.(\d+)", self.osrelease())
        return (int(m.group(1)), int(m.group(2))) if m else (0, 0)

    # -- physical memory -----------------------------------------------------

    def covering(self, pa):
        """The first PT_LOAD (in file order) whose memsz covers @pa."""
        for s in self.loads:
            if s.paddr <= pa < s.paddr + s.memsz:
                return s
        return None

    def pfn_has_data(self, pfn):
        pa = pfn * PAGE
        s = self.covering(pa)
        return s is not None and pa - s.paddr < s.filesz

    def read_phys(self, pa, length):
        """Bytes [pa, pa+length) of physical memory.  Within a page that some
        PT_LOAD holds data for, bytes no PT_LOAD holds read as zero (partial
        first/last pages, as makedumpfile reads them); a page without any
        data makes the whole read return None."""
        out = bytearray(length)
        end = pa + length
        page = pa - pa % PAGE
        while page < end:
            lo, hi = max(page, pa), min(page + PAGE, end)
            got = False
            for s in self.loads:
                if s.filesz and s.paddr < page + PAGE and page < s.paddr + s.filesz:
                    got = True
                a, b = max(lo, s.paddr), min(hi, s.paddr + s.filesz)
                if a < b:
                    out[a - pa:b - pa] = self.mm[s.offset + a - s.paddr:s.offset + b - s.paddr]
            if not got:
                return None
            page += PAGE
        return bytes(out)

    def read_run(self, pfn, count):
        """Fast path for whole pages: a list of (pfn, count, bytes-or-None)
        chunks covering [pfn, pfn+count), each chunk inside one PT_LOAD."""
        out = []
        p, end = pfn, pfn + count
        while p < end:
            pa = p * PAGE
            s = self.covering(pa)
            if s is not None and pa % PAGE == 0 and s.paddr % PAGE == 0:
                data_end = (s.paddr + s.filesz) // PAGE  # whole pages with data
                if p < data_end:
                    n = min(end, data_end) - p
                    foff = s.offset + (pa - s.paddr)
                    out.append((p, n, self.mm[foff:foff + n * PAGE]))
                    p += n
                    continue
            out.append((p, 1, self.read_phys(pa, PAGE)))
            p += 1
        return out

    def first_bitmap_ranges(self):
        """Pfn ranges makedumpfile's cyclic 1st bitmap sets: for each
        PT_LOAD, floor(paddr/page) .. floor((paddr+memsz)/page)."""
        return [(s.paddr // PAGE, (s.paddr + s.memsz) // PAGE) for s in self.loads]


def normalize_phdrs(src, dst):
    """Copy ELF vmcore @src to @dst with its program headers moved right
    after the ELF header (e_phoff = 64, e_ehsize = 64) and the section header
    table dropped: the shape makedumpfile assumes (FORMATS.md A.1).  The
    payload bytes keep their offsets."""
    with open(src, "rb") as f:
        hdr = bytearray(f.read(1 << 16))
    e_phoff, e_shoff = struct.unpack_from("<QQ", hdr, 32)
    phnum = struct.unpack_from("<H", hdr, 56)[0]
    if phnum == PN_XNUM:
        raise ElfError("extended numbering not supported by normalize_phdrs")
    ph = bytes(hdr[e_phoff:e_phoff + phnum * 56])
    first_data = min(
        struct.unpack_from("<Q", ph, i * 56 + 8)[0] for i in range(phnum)
    )
    if 64 + len(ph) > first_data:
        raise ElfError("no room for the program headers at offset 64")
    new = bytearray(hdr[:first_data])
    new[64:first_data] = bytes(first_data - 64)
    new[64:64 + len(ph)] = ph
    struct.pack_into("<Q", new, 32, 64)        # e_phoff
    struct.pack_into("<Q", new, 40, 0)         # e_shoff
    struct.pack_into("<H", new, 52, 64)        # e_ehsize
    struct.pack_into("<H", new, 58, 0)         # e_shentsize
    struct.pack_into("<H", new, 60, 0)         # e_shnum
    struct.pack_into("<H", new, 62, 0)         # e_shstrndx
    import shutil

    with open(src, "rb") as fi, open(dst, "wb") as fo:
        shutil.copyfileobj(fi, fo, 16 << 20)
        fo.seek(0)
        fo.write(new)
