// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64: 4- and 5-level paging, KASLR (phys_base and randomised region
 * bases), and the AMD SME/SEV encryption bit in page-table entries.
 */
#include "arch.h"
#include "../kernel/kernel.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <elf.h>
#include <stdlib.h>

#define ENTRY_PRESENT 0x1ull
#define ENTRY_PSE 0x80ull
#define ENTRY_ADDR_MASK 0x000ffffffffff000ull

#define SZ_4K (1ull << 12)

/* The kernel image mapping, __START_KERNEL_map. */
#define START_KERNEL_MAP 0xffffffff80000000ull
/* Below this no randomised direct map starts (4- and 5-level). */
#define DIRECT_MAP_LOW 0xff00000000000000ull

/* Defaults for VMCOREINFO that predates the NUMBER() exports. */
#define SECTION_SIZE_BITS 27
#define MAX_PHYSMEM_BITS_L4 46
#define MAX_PHYSMEM_BITS_L5 52

struct x86_64_data {
	struct pgtable pt;
	uint64_t addr_mask;	/* next-table address bits, C-bit removed */
	uint64_t sme_mask;
	uint64_t page_offset;
};

static enum pt_kind x86_64_decode(const void *arg, uint64_t e,
				  unsigned int level, uint64_t *addr)
{
	const struct x86_64_data *d = arg;

	if (!(e & ENTRY_PRESENT))
		return PT_INVALID;
	*addr = e & d->addr_mask;
	/* PSE makes a 2 MiB or 1 GiB page; it means nothing higher up. */
	if (level == 0 || ((level == 1 || level == 2) && (e & ENTRY_PSE)))
		return PT_LEAF;
	return PT_TABLE;
}

static bool l5_enabled(const struct kernel *k)
{
	int64_t n;

	return vi_number(k->vi, "pgtable_l5_enabled", &n) && n;
}

static struct error *x86_64_init(struct kernel *k)
{
	const struct vmcoreinfo *vi = k->vi;
	const struct kernel_input *in = &k->in;
	struct pt_format f = { 0 };
	struct x86_64_data *d;
	uint64_t root, va, pa, size, pb;
	int64_t n;
	size_t i;

	/* Anything else is a damaged VMCOREINFO: every pfn would be misread. */
	if (k->page_size != SZ_4K)
		return ERR(ERR_FORMAT, "VMCOREINFO PAGESIZE=%u: x86_64 pages are 4096 bytes",
			   k->page_size);
	d = calloc(1, sizeof(*d));
	if (!d)
		return ERR_OOM();
	k->arch_data = d;

	/* phys_base: VMCOREINFO, else the kdump header, else the kernel-text PT_LOAD. */
	if (vi_number(vi, "phys_base", &n)) {
		k->phys_base = (uint64_t)n;
	} else if (in->phys_base(in->ctx, &pb)) {
		k->phys_base = pb;
	} else {
		k->phys_base = 0;
		for (i = 0; in->segment(in->ctx, i, &va, &pa, &size); i++) {
			if (va >= START_KERNEL_MAP) {
				k->phys_base = pa - (va - START_KERNEL_MAP);
				break;
			}
		}
	}
	/* page_offset: the last direct-map PT_LOAD; informational only. */
	for (i = 0; in->segment(in->ctx, i, &va, &pa, &size); i++) {
		if (va && va < START_KERNEL_MAP && va != pa)
			d->page_offset = va - pa;
	}
	d->sme_mask = vi_number(vi, "sme_mask", &n) ? (uint64_t)n : 0;
	d->addr_mask = ENTRY_ADDR_MASK & ~d->sme_mask;
	if (!vi_symbol(vi, "init_level4_pgt", &root) &&
	    !vi_symbol(vi, "init_top_pgt", &root))
		return ERR(ERR_FORMAT,
			   "VMCOREINFO has neither SYMBOL(init_top_pgt) nor SYMBOL(init_level4_pgt)");
	if (root < START_KERNEL_MAP)
		return ERR(ERR_FORMAT, "SYMBOL(init_top_pgt)=%llx is not a kernel-image address",
			   (unsigned long long)root);
	f.page_shift = 12;
	f.levels = l5_enabled(k) ? 5 : 4;
	f.va_bits = f.levels == 5 ? 57 : 48;
	f.upper_half = false;
	f.decode = x86_64_decode;
	f.decode_arg = d;
	{
		struct error *err = pgtable_init(&d->pt, &f,
						 root - START_KERNEL_MAP + k->phys_base,
						 in->read_phys, in->ctx, k->pr);

		if (err)
			return err;
	}
	k->pt = &d->pt;
	msg_debug(k->pr, "phys_base    : %llx\n", (unsigned long long)k->phys_base);
	if (d->page_offset)
		msg_debug(k->pr, "page_offset  : %llx (pt_load)\n",
			  (unsigned long long)d->page_offset);
	msg_debug(k->pr, "paging       : %u-level, pgd at 0x%llx, sme_mask 0x%llx\n",
		  f.levels, (unsigned long long)d->pt.root,
		  (unsigned long long)d->sme_mask);
	return NULL;
}

static void x86_64_cleanup(struct kernel *k)
{
	struct x86_64_data *d = k->arch_data;

	if (d)
		pgtable_cleanup(&d->pt);
	free(d);
	k->arch_data = NULL;
	k->pt = NULL;
}

static unsigned int x86_64_section_size_bits(const struct kernel *k)
{
	return SECTION_SIZE_BITS;
}

static unsigned int x86_64_max_physmem_bits(const struct kernel *k)
{
	return l5_enabled(k) ? MAX_PHYSMEM_BITS_L5 : MAX_PHYSMEM_BITS_L4;
}

/*
 * mem_section lives in the direct map on SPARSEMEM_EXTREME kernels, so
 * its virtual minus physical address is the direct map's offset.
 */
static uint64_t x86_64_direct_map_offset(struct kernel *k)
{
	uint64_t va, pa, leaf;
	struct error *err;

	if (!vi_symbol(k->vi, "mem_section", &va) || va < DIRECT_MAP_LOW ||
	    va >= START_KERNEL_MAP)
		return 0;
	err = kernel_vtop(k, va, &pa, &leaf);
	if (err) {
		error_free(err);
		return 0;
	}
	return va - pa;
}

const struct arch_ops arch_x86_64 = {
	.name = "x86_64",
	.e_machine = EM_X86_64,
	.uts_machine = "x86_64",
	.init = x86_64_init,
	.cleanup = x86_64_cleanup,
	.section_size_bits = x86_64_section_size_bits,
	.max_physmem_bits = x86_64_max_physmem_bits,
	.direct_map_offset = x86_64_direct_map_offset,
};
