"""Reading the *output* side: kdump-compressed files through libkdumpfile
(the independent reader the brief names), plus a small header parser for
fields libkdumpfile does not expose (status flags, dump level).

libkdumpfile's Python bindings exist only for the system interpreter
(/usr/bin/python3); the runner uses it.
"""

import os
import re
import struct

try:
    import kdumpfile  # type: ignore
except ImportError:  # pragma: no cover - reported by the tests that need it
    kdumpfile = None

from harness import skip

PAGE = 4096

DUMP_DH_COMPRESSED_ZLIB = 0x1
DUMP_DH_COMPRESSED_LZO = 0x2
DUMP_DH_COMPRESSED_SNAPPY = 0x4
DUMP_DH_COMPRESSED_INCOMPLETE = 0x8
DUMP_DH_EXCLUDED_VMEMMAP = 0x10
DUMP_DH_COMPRESSED_ZSTD = 0x20


def require_libkdumpfile():
    if kdumpfile is None:
        skip("the libkdumpfile Python bindings are not importable (install python3-libkdumpfile "
             "and run the tests with /usr/bin/python3)")


def open_dump(path):
    """Open @path with libkdumpfile (raises on failure)."""
    require_libkdumpfile()
    k = kdumpfile.kdumpfile(str(path))
    try:
        k.attr["addrxlat.ostype"] = "linux"
    except Exception:  # noqa: BLE001 - physical reads work without it
        pass
    return k


def pagemap_int(k):
    """The dump's page map (pfns with data: the 2nd bitmap of a kdump file)
    as a Python int, bit p = pfn p, and max_pfn."""
    n = int(k.attr["max_pfn"])
    if n == 0:
        return 0, 0
    raw = k.attr["file.pagemap"].get_bits(0, n - 1)
    return int.from_bytes(bytes(raw), "little") & ((1 << n) - 1), n


def popcount(x):
    return x.bit_count()


def iter_pfns(x, limit=None):
    """Set bits of int @x in increasing order (at most @limit of them)."""
    n = 0
    while x and (limit is None or n < limit):
        low = x & -x
        yield low.bit_length() - 1
        x ^= low
        n += 1


# Zero bytes, all-ones bytes, or one mixed byte: a sparse set 2^32 pfns wide
# is a few tokens, not a 4 GiB string of its bits.
_BYTE_RUNS = re.compile(rb"\x00+|\xff+|[^\x00\xff]")


def runs(x):
    """Maximal runs [a, b) of set bits of int @x (x >= 0)."""
    out = []
    if x <= 0:
        return out
    data = x.to_bytes((x.bit_length() + 7) // 8, "little")
    start = None
    for m in _BYTE_RUNS.finditer(data):
        tok = m.group()
        pos = m.start() * 8
        if tok[0] == 0:
            if start is not None:
                out.append((start, pos))
                start = None
        elif tok[0] == 0xFF:
            if start is None:
                start = pos
        else:
            v = tok[0]
            for bit in range(8):
                if v >> bit & 1:
                    if start is None:
                        start = pos + bit
                elif start is not None:
                    out.append((start, pos + bit))
                    start = None
    if start is not None:
        out.append((start, len(data) * 8))
    return out


def ranges_to_int(ranges):
    x = 0
    for a, b in ranges:
        if b > a:
            x |= ((1 << (b - a)) - 1) << a
    return x


def fmt_pfns(x, limit=24):
    """Compact description of a pfn set: count and leading ranges."""
    rs = runs(x)
    parts = []
    for a, b in rs[:limit]:
        parts.append(f"{a:#x}" if b == a + 1 else f"{a:#x}-{b - 1:#x}")
    more = f" ... (+{len(rs) - limit} ranges)" if len(rs) > limit else ""
    return f"{popcount(x)} pfns [{', '.join(parts)}{more}]"


class KdumpHeader:
    """disk_dump_header and kdump_sub_header of a 64-bit kdump file."""

    def __init__(self, path):
        with open(path, "rb") as f:
            h = f.read(464)
            if len(h) < 464 or h[:8] != b"KDUMP   ":
                raise ValueError(f"{path}: no KDUMP signature")
            self.header_version = struct.unpack_from("<i", h, 8)[0]
            self.release = h[12 + 2 * 65:12 + 3 * 65].rstrip(b"\0").decode("ascii", "replace")
            self.tv_sec, self.tv_usec = struct.unpack_from("<qq", h, 408)
            (self.status, self.block_size, self.sub_hdr_size, self.bitmap_blocks,
             self.max_mapnr) = struct.unpack_from("<IiiII", h, 424)
            self.nr_cpus = struct.unpack_from("<i", h, 460)[0]
            f.seek(self.block_size)
            s = f.read(104)
            (self.phys_base, self.dump_level, self.split, _, _, self.offset_vmcoreinfo,
             self.size_vmcoreinfo, self.offset_note, self.size_note, self.offset_eraseinfo,
             self.size_eraseinfo, _, _, self.max_mapnr_64) = struct.unpack_from(
                "<QiiQQqQqQqQQQQ", s, 0)


def first_bitmap(path, hdr=None):
    """The 1st bitmap (pfns the input held) of a kdump file, as a hex
    string of the int (bit p = pfn p); read from the file itself, since
    libkdumpfile exposes only the 2nd."""
    hdr = hdr or KdumpHeader(path)
    bs = hdr.block_size
    with open(path, "rb") as f:
        f.seek((1 + hdr.sub_hdr_size) * bs)
        raw = f.read(hdr.bitmap_blocks * bs // 2)
    return hex(int.from_bytes(raw, "little"))


def read_out_pages(k, pfn, count):
    return k.read(kdumpfile.KDUMP_KPHYSADDR, pfn * PAGE, count * PAGE)


def file_mode(path):
    return os.stat(path).st_mode & 0o777
