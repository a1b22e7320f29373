"""Why our kept-pfn set may differ from Debian makedumpfile 1.7.2's, each
reason checked from independent evidence, never from our tool's output:

* ``slab``: on kernels where slab is a page type (6.10+), 1.7.2 takes slab
  pages whose ``mapping`` word is odd for anonymous pages and drops them at
  -d 8 (FILTERING.md §3.4/3.6).  Evidence: the pfn's struct page, read from
  the INPUT with libkdumpfile at ``SYMBOL(vmemmap) + pfn * SIZE(page)``, has
  ``_mapcount == PAGE_SLAB_MAPCOUNT_VALUE`` and ``mapping & 1`` (or the pfn
  is a tail of such a head).
* ``device-backed vmemmap``: pfns inside the manifest's
  ``device_backed_vmemmap`` ranges, which we keep whatever their struct
  pages say (DEVICE_VMEMMAP.md §5).
* ``pmem data``: at -d 8+ we exclude the namespace's data pages (the
  manifest's ``pmem_data`` range); 1.7.2 keeps them.
* ``partial last page``: 1.7.2 drops the partial last page of a PT_LOAD
  whose end is not page aligned (FORMATS.md A.1; fixed in 1.7.6).  Evidence:
  the input's program headers.
"""

import struct

import elfcore
import kdumpout
from kdumpout import fmt_pfns, iter_pfns, popcount, ranges_to_int

PAGE = 4096


def slab_type_kernel(elf):
    """True when slab is marked by a page type and not by PG_slab (6.10+)."""
    return elf.vi_number("PAGE_SLAB_MAPCOUNT_VALUE") is not None and elf.vi_number("PG_slab") is None


class StructPages:
    """Struct pages of the INPUT, read through libkdumpfile (KVADDR)."""

    def __init__(self, elf):
        self.elf = elf
        self.vmemmap = elf.vi_symbol("vmemmap")
        self.size = elf.vi_size("page") or 64
        self.off_mapping = elf.vi_offset("page.mapping")
        self.off_mapcount = elf.vi_offset("page._mapcount")
        self.off_head = elf.vi_offset("page.compound_head")
        self.slab = elf.vi_number("PAGE_SLAB_MAPCOUNT_VALUE")
        self.k = kdumpout.open_dump(elf.path)

    def read(self, pfn):
        return self.k.read(kdumpout.kdumpfile.KDUMP_KVADDR, self.vmemmap + pfn * self.size, self.size)

    def is_odd_slab(self, pfn):
        """(verdict, description) for @pfn's struct page."""
        sp = self.read(pfn)
        mapping = struct.unpack_from("<Q", sp, self.off_mapping)[0]
        mapcount = struct.unpack_from("<I", sp, self.off_mapcount)[0]
        if mapcount == (self.slab & 0xFFFFFFFF) and mapping & 1:
            return True, f"slab head, mapping {mapping:#x}"
        head = struct.unpack_from("<Q", sp, self.off_head)[0] if self.off_head is not None else 0
        if head & 1:
            hpfn = ((head - 1) - self.vmemmap) // self.size
            if 0 <= pfn - hpfn < 1 << 18:
                ok, why = self.is_odd_slab(hpfn)
                if ok:
                    return True, f"tail of {hpfn:#x} ({why})"
        return False, f"not slab with odd mapping: _mapcount {mapcount:#x}, mapping {mapping:#x}"


def partial_last_pages(elf):
    """Pfns holding the partial last page of a PT_LOAD whose data end is not
    page aligned."""
    out = 0
    for s in elf.loads:
        end = s.paddr + s.filesz
        if end % PAGE:
            out |= 1 << (end // PAGE)
    return out


class Explanation:
    def __init__(self):
        self.explained = {}      # reason -> int bitset
        self.unexplained_ours = 0    # we keep, Debian drops, no reason
        self.unexplained_debian = 0  # Debian keeps, we drop, no reason
        self.samples = []

    def add(self, reason, bits):
        if bits:
            self.explained[reason] = self.explained.get(reason, 0) | bits

    @property
    def ok(self):
        return not self.unexplained_ours and not self.unexplained_debian

    def summary(self):
        lines = [f"explained, {r}: {fmt_pfns(b, 6)}" for r, b in sorted(self.explained.items())]
        if self.unexplained_ours:
            lines.append("UNEXPLAINED, kept by us but dropped by Debian: " + fmt_pfns(self.unexplained_ours))
        if self.unexplained_debian:
            lines.append("UNEXPLAINED, kept by Debian but dropped by us: " + fmt_pfns(self.unexplained_debian))
        lines += self.samples[:12]
        return "\n".join(lines)


def explain(elf, level, ours, debian, dbv=(), pmem_data=(), debian_partial_page_bug=True):
    """Classify every pfn of the symmetric difference of the two kept sets.
    @elf is the input vmcore (ElfCore); @dbv and @pmem_data are pfn ranges
    from the manifest."""
    ex = Explanation()
    ours_only = ours & ~debian
    deb_only = debian & ~ours

    dbv_mask = ranges_to_int(dbv)
    ex.add("device-backed vmemmap (manifest range)", ours_only & dbv_mask)
    rest = ours_only & ~dbv_mask

    if rest and debian_partial_page_bug:
        pl = rest & partial_last_pages(elf)
        ex.add("partial last page of a PT_LOAD (1.7.2 rounding)", pl)
        rest &= ~pl

    if rest and level & 8 and slab_type_kernel(elf):
        sp = StructPages(elf)
        slab = 0
        for p in iter_pfns(rest):
            ok, why = sp.is_odd_slab(p)
            if ok:
                slab |= 1 << p
            else:
                ex.samples.append(f"  pfn {p:#x}: {why}")
        ex.add("slab page with odd mapping (1.7.2 takes it for anon)", slab)
        rest &= ~slab
    ex.unexplained_ours = rest

    drest = deb_only
    if level & 8:
        pm = drest & ranges_to_int(pmem_data)
        ex.add("pmem data page excluded at -d 8+", pm)
        drest &= ~pm
    ex.unexplained_debian = drest
    return ex
