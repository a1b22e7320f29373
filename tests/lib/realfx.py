"""The real fixtures as test inputs: what each one is, and where (by
independent evidence) our tool is expected to differ from Debian's 1.7.2.
"""

import re

import elfcore
import fixtures
from fixtures import dbv_ranges, manifest, pmem_data_ranges

PAGE = 4096


def _version(release):
    m = re.match(r"(\d+)\.(\d+)", release or "")
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


class Info:
    """Collection-time facts from the manifest only (no decompression)."""

    def __init__(self, name):
        man = manifest(name)
        self.name = name
        self.kver = _version((man.get("kernel") or {}).get("release") or
                             (man.get("vmcoreinfo") or {}).get("OSRELEASE"))
        self.stale = "stale_reserve_slots" in man
        dbv_pages = sum(b - a for a, b in dbv_ranges(man))
        pmem_pages = int(man.get("pmem_bytes_in_this_file") or 0) // PAGE
        self.dbv_in_file = bool(man.get("device_backed_vmemmap_in_this_file")) or \
            (dbv_pages > 0 and pmem_pages >= dbv_pages)
        self.pmem_data_in_file = pmem_pages > dbv_pages
        self.qemu = "qemu" in name
        self.arch = fixtures.arch_of(name)

    def expected_differences(self, level):
        """Reasons why our kept set may differ from Debian's at @level."""
        why = []
        if self.kver >= (6, 10) and level & 8:
            why.append("slab pages with odd mapping (6.10+ page types) dropped by 1.7.2")
        if self.stale and self.dbv_in_file and level & 16:
            why.append("stale struct pages in the device-backed vmemmap reserve slots")
        if self.pmem_data_in_file and level & 8:
            why.append("pmem data pages excluded by us at -d 8+")
        return why


class Fixture:
    """A decompressed fixture with its manifest and an ELF view of it."""

    def __init__(self, name):
        self.name = name
        self.info = Info(name)
        self.path = fixtures.vmcore_path(name)
        self.man = manifest(name)
        self.elf = elfcore.ElfCore(self.path)

    def _in_file(self, ranges):
        return [(a, b) for a, b in ranges
                if all(self.elf.pfn_has_data(p) for p in (a, b - 1, (a + b) // 2))]

    @property
    def dbv(self):
        """Manifest device-backed vmemmap ranges whose pages this file holds."""
        return self._in_file(dbv_ranges(self.man))

    @property
    def dbv_all(self):
        return dbv_ranges(self.man)

    @property
    def pmem_data(self):
        return self._in_file(pmem_data_ranges(self.man))

    def reference(self):
        """The reference output shipped with an arm64 fixture (no x86_64
        makedumpfile reads arm64 dumps): (decompressed path, manifest
        record of the build that made it); skips when there is none."""
        refs = fixtures.reference_dumps(self.name)
        if not refs:
            from harness import skip

            skip(f"no reference output beside {self.name}")
        label, rel = sorted(refs.items())[0]
        shipped = rel.rsplit("/", 1)[-1] + ".zst"
        rec = next((r for r in (self.man.get("makedumpfile") or {}).values()
                    if isinstance(r, dict) and r.get("shipped_as") == shipped), {})
        return fixtures.decompressed(rel), dict(rec, label=label)

    @property
    def phdrs_displaced(self):
        """QEMU 7.2 layout: program headers not right after the ELF header."""
        return self.elf.e_phoff != 64

    def debian_input(self):
        """What Debian's 1.7.2 can read: the file itself, or for QEMU 7.2
        dumps a copy with the program headers moved to offset 64."""
        if not self.phdrs_displaced:
            return self.path
        return fixtures.derived_path(
            self.name, "phoff64.vmcore",
            lambda tmp: elfcore.normalize_phdrs(self.path, tmp))
