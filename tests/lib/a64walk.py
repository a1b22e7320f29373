"""An arm64 kernel page-table walk written from the architecture's rules
(ARM64.md), independent of mkvmcore's C code and of our tool: it checks
the generator's dumps where libkdumpfile cannot (its 0.5.1 walk knows no
LPA2/FEAT_LPA address bits and no TTBR1 offset of 52-bit kernels on 48-bit
hardware).

The input is a reader of physical memory (read(pa, n) -> bytes) and the
dump's VMCOREINFO as a dict."""


class WalkError(Exception):
    pass


def _num(vi, key):
    v = vi[key]
    return int(v, 16) if v.lower().startswith("0x") else int(v, 10)


class A64Walk:
    def __init__(self, read, vi):
        self.read = read
        self.ps = int(vi["PAGESIZE"])
        self.shift = self.ps.bit_length() - 1
        self.va_bits = _num(vi, "NUMBER(VA_BITS)")
        self.va = 64 - _num(vi, "NUMBER(TCR_EL1_T1SZ)") if "NUMBER(TCR_EL1_T1SZ)" in vi \
            else self.va_bits
        per = self.shift - 3
        self.levels = (self.va - self.shift + per - 1) // per
        # 52-bit OA formats: LPA2 (4K/16K, OA[51:50] in [9:8]), FEAT_LPA (64K, OA[51:48] in [15:12])
        self.lpa2 = self.va == 52 and self.ps != 65536
        self.lpa = self.va == 52 and self.ps == 65536
        voff = _num(vi, "NUMBER(kimage_voffset)")
        self.root = int(vi["SYMBOL(swapper_pg_dir)"], 16) - voff
        # A 52-bit kernel on 48-bit hardware with as many levels points TTBR1
        # at the top 48-bit slice of its 52-bit top table.
        top_shift = self.shift + (self.levels - 1) * per
        self.top_bits = self.va - top_shift
        if self.va_bits == 52 and self.va < 52:
            full = (52 - self.shift + per - 1) // per
            if full == self.levels:
                self.root += ((1 << (52 - top_shift)) - (1 << (self.va - top_shift))) * 8

    def _oa(self, d):
        low = d & ~(self.ps - 1)
        if self.lpa2:
            return (low & ((1 << 50) - 1)) | (((d >> 8) & 3) << 50)
        if self.lpa:
            return (low & ((1 << 48) - 1)) | (((d >> 12) & 0xF) << 48)
        return low & ((1 << 48) - 1)

    def vtop(self, va):
        """Physical address of kernel virtual @va, and the leaf size."""
        if va >> self.va != (1 << (64 - self.va)) - 1:
            raise WalkError(f"{va:#x} is not a kernel address for {self.va}-bit VA")
        table = self.root
        per = self.shift - 3
        for lvl in range(self.levels - 1, -1, -1):
            sh = self.shift + lvl * per
            bits = self.top_bits if lvl == self.levels - 1 else per
            idx = (va >> sh) & ((1 << bits) - 1)
            d = int.from_bytes(self.read(table + idx * 8, 8), "little")
            if not d & 1:
                raise WalkError(f"{va:#x}: level {lvl} entry {idx} not valid ({d:#x})")
            if lvl == 0 or d & 3 == 1:
                if lvl == 0 and d & 3 != 3:
                    raise WalkError(f"{va:#x}: reserved level-0 descriptor {d:#x}")
                return self._oa(d) | (va & ((1 << sh) - 1)), 1 << sh
            table = self._oa(d)
        raise WalkError("unreachable")


def vmcoreinfo_dict(text):
    out = {}
    for line in text.splitlines():
        k, sep, v = line.partition("=")
        if sep:
            out[k] = v
    return out
