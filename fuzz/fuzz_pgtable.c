// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Page-table walking on hostile tables (arch/pgtable.c with the x86_64
 * and aarch64 decoders): the fuzzed memory image becomes the only PT_LOAD
 * (at physical 0) of a tiny vmcore whose VMCOREINFO puts the kernel's
 * top-level table in it.  Input:
 *
 *   u8  flags   bit 3 clear (x86_64): bit 0: 5-level paging; bits 1-2:
 *               SME C-bit (none, 47, 51, 34);
 *               bit 3 set (aarch64): bits 0-2: granule and VA size (see
 *               a64_modes: 4K/48, 4K/39, 4K/52 LPA2, 4K 52-on-48, 16K/47,
 *               16K/52 LPA2, 64K/42, 64K/52 FEAT_LPA);
 *               bits 4-7: 4 KiB page of the image holding the top table
 *   u64 va[4]   addresses to translate (va[0], va[1] also bound a walk)
 *   ...         the memory image (at most 64 pages of 4 KiB)
 *
 * vtop and print_vtop run on each address and on the usual kernel bases;
 * walk runs over the vmemmap range (as the device-vmemmap detector walks
 * it) and over [va[0], va[1]).
 */
#include "fuzz_common.h"
#include "../arch/arch.h"
#include "../kernel/kernel.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../reader/source.h"

#include <elf.h>
#include <stdio.h>
#include <unistd.h>

#define MAX_IMAGE (64u * 4096)

struct walk_count {
	uint64_t leaves, last_va;
};

struct a64_mode {
	unsigned int page_size, va_bits, t1sz, physmem_bits;
};

static const struct a64_mode a64_modes[8] = {
	{ 4096, 48, 16, 48 }, { 4096, 39, 25, 48 }, { 4096, 52, 12, 52 },
	{ 4096, 52, 16, 52 }, { 16384, 47, 17, 48 }, { 16384, 52, 12, 52 },
	{ 65536, 42, 22, 48 }, { 65536, 52, 12, 52 },
};

#define A64_KIMAGE_VOFFSET 0xffff800000000000ull

static int count_leaf(void *arg, uint64_t va, uint64_t pa, uint64_t size)
{
	struct walk_count *w = arg;

	(void)pa;
	/* Leaves come in ascending address order, never twice. */
	if (w->leaves && va <= w->last_va)
		__builtin_trap();
	/* Pages and blocks: a power of two, at least a 4 KiB page. */
	if (size < 4096 || (size & (size - 1)))
		__builtin_trap();
	w->last_va = va;
	w->leaves++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sme_bits[4] = { 0, 1ull << 47, 1ull << 51, 1ull << 34 };
	struct fuzz_cursor c = { data, size };
	struct printer pr;
	struct fuzz_load load;
	struct source *src = NULL;
	struct vmcoreinfo *vi = NULL;
	struct kernel *k = NULL;
	uint64_t va[4], bases[4];
	char path[64], text[1024];
	struct error *err;
	uint8_t flags;
	int fd, len, i;

	flags = fuzz_u8(&c);
	for (i = 0; i < 4; i++)
		va[i] = fuzz_u64(&c);
	if (!c.left || c.left > MAX_IMAGE)
		return 0;
	if (flags & 8) {
		const struct a64_mode *m = &a64_modes[flags & 7];

		/* A PHYS_OFFSET of 0: the linear map starts at physical 0. */
		len = snprintf(text, sizeof(text),
			       "OSRELEASE=6.12.0\nPAGESIZE=%u\nSIZE(page)=64\n"
			       "NUMBER(VA_BITS)=%u\nNUMBER(TCR_EL1_T1SZ)=0x%x\n"
			       "NUMBER(MAX_PHYSMEM_BITS)=%u\nNUMBER(PHYS_OFFSET)=0\n"
			       "NUMBER(kimage_voffset)=0x%llx\nNUMBER(KERNELPACMASK)=0x%llx\n"
			       "SYMBOL(swapper_pg_dir)=%llx\n",
			       m->page_size, m->va_bits, m->t1sz, m->physmem_bits,
			       (unsigned long long)A64_KIMAGE_VOFFSET,
			       (unsigned long long)(va[3] & 0xff7f000000000000ull),
			       (unsigned long long)(A64_KIMAGE_VOFFSET +
						    (uint64_t)(flags >> 4) * 4096));
	} else {
		len = snprintf(text, sizeof(text),
			       "OSRELEASE=6.1.0\nPAGESIZE=4096\nSIZE(page)=64\n"
			       "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=0\n"
			       "NUMBER(pgtable_l5_enabled)=%d\nNUMBER(sme_mask)=%llu\n",
			       (unsigned long long)(FT_KERNEL_MAP + (uint64_t)(flags >> 4) * 4096),
			       flags & 1, (unsigned long long)sme_bits[(flags >> 1) & 3]);
	}
	fuzz_printer(&pr);
	fd = memfd_create("fuzz-pgtable", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	load.paddr = 0;
	load.vaddr = flags & 8 ? ~0ull << a64_modes[flags & 7].va_bits : FT_PAGE_OFFSET;
	load.size = c.left;
	load.data = c.p;
	if (!fuzz_build_vmcore_machine(fd, flags & 8 ? EM_AARCH64 : EM_X86_64, text,
				       (size_t)len, &load, 1))
		goto out;
	err = source_open(path, true, &pr, &src);
	if (!err)
		err = vmcoreinfo_parse(text, (size_t)len, &vi);
	if (!err)
		err = kernel_open(src, vi, &pr, 0, &k);
	if (err) {
		error_free(err);
		goto out;
	}
	if (flags & 8) {
		unsigned int b = a64_modes[flags & 7].va_bits;

		bases[0] = ~0ull << b;				/* PAGE_OFFSET */
		bases[1] = A64_KIMAGE_VOFFSET;			/* kernel image */
		bases[2] = ~0ull << (b - 1);			/* vmalloc */
		bases[3] = ~0ull - 0xfff;			/* the last page */
	} else {
		bases[0] = FT_PAGE_OFFSET;
		bases[1] = FT_KERNEL_MAP;
		bases[2] = FT_VMEMMAP;
		bases[3] = flags & 1 ? 0xff11000000000000ull : 0xffffc90000000000ull;
	}
	for (i = 0; i < 8; i++) {
		uint64_t a = i < 4 ? va[i] : bases[i - 4], pa, leaf;
		uint8_t buf[64];

		err = kernel_vtop(k, a, &pa, &leaf);
		if (!err && (leaf & (leaf - 1)))
			__builtin_trap();
		error_free(err);
		error_free(kernel_read(k, a, buf, sizeof(buf)));
		kernel_print_vtop(k, a);
	}
	{
		struct walk_count w = { 0 };
		uint64_t span = 1ull << ((flags & 1 ? 52 : 46) - 12 + 6);

		if (flags & 8)
			/* The whole kernel half: hostile tables bound it, not the range. */
			error_free(kernel_walk(k, bases[0], UINT64_MAX, count_leaf, &w));
		else
			error_free(kernel_walk(k, FT_VMEMMAP, FT_VMEMMAP + span, count_leaf, &w));
		if (va[0] < va[1]) {
			struct walk_count w2 = { 0 };

			error_free(kernel_walk(k, va[0], va[1], count_leaf, &w2));
		}
	}
out:
	kernel_close(k);
	vmcoreinfo_free(vi);
	source_close(src);
	close(fd);
	return 0;
}
