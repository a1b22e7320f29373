"""Why our kept-pfn set on an arm64 fixture may differ from the reference
output shipped beside it (no x86_64 makedumpfile reads arm64 dumps, so the
reference replaces Debian's run on the same input).  Every reason is checked
from the pfn's own struct page, read from the INPUT with libkdumpfile at
``vmemmap + pfn * SIZE(page)`` (vmemmap: the manifest's ``kernel_runtime``,
measured in the guest), never from our tool's output.

Reasons (FILTERING.md):

* ``slab``: on kernels where slab is a page type (6.10+), makedumpfile
  before 1.7.6 takes slab pages whose ``mapping`` word is odd for anonymous
  pages and drops them at -d 8 (explain.py's check, shared).
"""

import struct

import explain
from kdumpout import fmt_pfns, iter_pfns


class StructPages(explain.StructPages):
    """Struct pages of an arm64 input: SYMBOL(vmemmap) is missing from the
    VMCOREINFO of older kernels, the manifest gives the runtime value."""

    def __init__(self, fx):
        super().__init__(fx.elf)
        rt = fx.man.get("kernel_runtime") or {}
        if rt.get("vmemmap"):
            self.vmemmap = int(rt["vmemmap"], 16)
        self.names = {v: k for k, v in
                      ((fx.man.get("kernel_types") or {}).get("enum_pageflags") or {}).items()
                      if k.startswith("PG_") and not k.startswith("__")}

    def describe(self, pfn):
        try:
            sp = self.read(pfn)
        except Exception as e:  # noqa: BLE001 - reported as the description
            return f"struct page unreadable ({type(e).__name__}: {e})"
        flags = struct.unpack_from("<Q", sp, 0)[0]
        mapping = struct.unpack_from("<Q", sp, self.off_mapping)[0]
        mapcount = struct.unpack_from("<I", sp, self.off_mapcount)[0]
        names = [self.names.get(b, f"bit{b}") for b in range(26) if flags >> b & 1]
        return (f"flags {flags:#x} ({','.join(names)}), mapping {mapping:#x}, "
                f"_mapcount {mapcount:#x}")


class Explanation(explain.Explanation):
    def summary(self):
        lines = [f"explained, {r}: {fmt_pfns(b, 6)}" for r, b in sorted(self.explained.items())]
        if self.unexplained_ours:
            lines.append("UNEXPLAINED, kept by us but dropped by the reference: " +
                         fmt_pfns(self.unexplained_ours))
        if self.unexplained_debian:
            lines.append("UNEXPLAINED, kept by the reference but dropped by us: " +
                         fmt_pfns(self.unexplained_debian))
        lines += self.samples[:16]
        return "\n".join(lines)


def explain_vs_reference(fx, ours, ref, samples=8):
    """Classify every pfn of the symmetric difference of our -d 31 kept set
    and the reference's."""
    ex = Explanation()
    ours_only, ref_only = ours & ~ref, ref & ~ours
    sp = None
    if ours_only or ref_only:
        sp = StructPages(fx)
    rest = ours_only
    if rest and explain.slab_type_kernel(fx.elf) and _reference_before_176(fx):
        slab = 0
        for p in iter_pfns(rest):
            ok, _ = sp.is_odd_slab(p)
            if ok:
                slab |= 1 << p
        ex.add("slab page with odd mapping (makedumpfile < 1.7.6 takes it for anon)", slab)
        rest &= ~slab
    ex.unexplained_ours = rest
    ex.unexplained_debian = ref_only
    for what, bits in (("ours only", rest), ("reference only", ref_only)):
        for p in iter_pfns(bits, samples):
            ex.samples.append(f"  {what} pfn {p:#x}: {sp.describe(p)}")
    return ex


def _reference_before_176(fx):
    """True when the reference build predates the 6.10+ slab fix (1.7.6)."""
    _, rec = fx.reference()
    version = " ".join(rec.get("version") or []) + " " + rec.get("binary", "")
    return "1.7.2" in version or "1.7.3" in version or "1.7.4" in version or "1.7.5" in version

