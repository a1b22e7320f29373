// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Page-table walking on hostile tables (arch/x86_64.c): the fuzzed memory
 * image becomes the only PT_LOAD (at physical 0) of a tiny vmcore whose
 * VMCOREINFO puts the kernel's top-level table in it.  Input:
 *
 *   u8  flags   bit 0: 5-level paging; bits 1-2: SME C-bit (none, 47, 51,
 *               34); bits 4-7: page of the image holding init_top_pgt
 *   u64 va[4]   addresses to translate (va[0], va[1] also bound a walk)
 *   ...         the memory image (at most 64 pages)
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

#include <stdio.h>
#include <unistd.h>

#define MAX_IMAGE (64u * 4096)

struct walk_count {
	uint64_t leaves, last_va;
};

static int count_leaf(void *arg, uint64_t va, uint64_t pa, uint64_t size)
{
	struct walk_count *w = arg;

	(void)pa;
	/* Leaves come in ascending address order, never twice. */
	if (w->leaves && va <= w->last_va)
		__builtin_trap();
	if (size != 4096 && size != (2u << 20) && size != (1u << 30))
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
	len = snprintf(text, sizeof(text),
		       "OSRELEASE=6.1.0\nPAGESIZE=4096\nSIZE(page)=64\n"
		       "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=0\n"
		       "NUMBER(pgtable_l5_enabled)=%d\nNUMBER(sme_mask)=%llu\n",
		       (unsigned long long)(FT_KERNEL_MAP + (uint64_t)(flags >> 4) * 4096),
		       flags & 1, (unsigned long long)sme_bits[(flags >> 1) & 3]);
	fuzz_printer(&pr);
	fd = memfd_create("fuzz-pgtable", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	load.paddr = 0;
	load.vaddr = FT_PAGE_OFFSET;
	load.size = c.left;
	load.data = c.p;
	if (!fuzz_build_vmcore(fd, text, (size_t)len, &load, 1))
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
	bases[0] = FT_PAGE_OFFSET;
	bases[1] = FT_KERNEL_MAP;
	bases[2] = FT_VMEMMAP;
	bases[3] = flags & 1 ? 0xff11000000000000ull : 0xffffc90000000000ull;
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
