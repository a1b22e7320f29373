// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * aarch64: the kernel half (TTBR1) of the VMSAv8-64 translation regime.
 * Granules of 4, 16 and 64 KiB; 2 to 5 levels following the VA size in
 * use (64 - TCR_EL1.T1SZ, which is 48 on a VA_BITS=52 kernel running on a
 * CPU without 52-bit VA); 52-bit output addresses in the two encodings
 * (LPA2 for 4K/16K: OA[51:50] in descriptor bits [9:8]; FEAT_LPA for 64K:
 * OA[51:48] in bits [15:12]); block mappings at every level the
 * architecture allows for the granule.  The linear map and the kernel
 * image are placed by PHYS_OFFSET (memstart_addr, "negative" when the
 * linear map is randomised) and kimage_voffset (KASLR).
 */
#include "arch.h"
#include "../kernel/kernel.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <elf.h>
#include <stdlib.h>

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

/* Descriptor bits [1:0]. */
#define DESC_VALID 0x1ull
#define DESC_TABLE 0x2ull	/* table (or page, at the last level); clear: block */

/* The kernel's VA layout flipped in 5.4: the linear map became the lower half. */
#define KERNEL_VERSION_FLIPPED_VA KERNEL_VERSION(5, 4, 0)
/* 5.11: vmemmap is the projection of the linear map, no section alignment. */
#define KERNEL_VERSION_VMEMMAP_PROJECTION KERNEL_VERSION(5, 11, 0)
/* 5.12: SECTION_SIZE_BITS went from 30 to 27 (4K, 16K) / 29 (64K). */
#define KERNEL_VERSION_SMALL_SECTIONS KERNEL_VERSION(5, 12, 0)

enum oa_format {
	OA_48,		/* OA[47:PAGE_SHIFT] in place */
	OA_LPA2,	/* 4K/16K: OA[49:PAGE_SHIFT] in place, OA[51:50] in [9:8] */
	OA_LPA,		/* 64K: OA[47:16] in place, OA[51:48] in [15:12] */
};

struct aarch64_data {
	struct pgtable pt;
	unsigned int page_shift;
	enum oa_format oa;
	unsigned int block_levels;	/* bit n: level n entries may be blocks */
	unsigned int va_bits;		/* NUMBER(VA_BITS), the build's */
	unsigned int va_bits_actual;	/* translated at run time */
	uint64_t page_offset;		/* start of the linear map */
	uint64_t phys_offset;		/* memstart_addr */
	uint64_t kimage_voffset;	/* kernel image virtual - physical */
	uint64_t pac_mask;		/* KERNELPACMASK */
	unsigned int phys_bits;		/* output address bits the build has */
};

/* The output (or next-table) address held in descriptor @e. */
static uint64_t desc_addr(const struct aarch64_data *d, uint64_t e)
{
	uint64_t low = ~((1ull << d->page_shift) - 1);

	switch (d->oa) {
	case OA_LPA2:
		return (e & ((1ull << 50) - 1) & low) | ((e >> 8) & 0x3) << 50;
	case OA_LPA:
		return (e & ((1ull << 48) - 1) & low) | ((e >> 12) & 0xf) << 48;
	case OA_48:
		break;
	}
	return e & ((1ull << 48) - 1) & low;
}

static enum pt_kind aarch64_decode(const void *arg, uint64_t e,
				   unsigned int level, uint64_t *addr)
{
	const struct aarch64_data *d = arg;

	if (!(e & DESC_VALID))
		return PT_INVALID;
	*addr = desc_addr(d, e);
	if (level == 0)
		/* At the last level bits [1:0] = 01 is reserved. */
		return e & DESC_TABLE ? PT_LEAF : PT_INVALID;
	if (e & DESC_TABLE)
		return PT_TABLE;
	return d->block_levels & (1u << level) ? PT_LEAF : PT_INVALID;
}

/*
 * Levels that may hold block descriptors, counted from the last level:
 * 4K: 2 MiB, 1 GiB (and 512 GiB with LPA2); 16K: 32 MiB (64 GiB with
 * LPA2); 64K: 512 MiB (4 TiB with 52-bit output addresses).
 */
static unsigned int block_levels(unsigned int page_shift, enum oa_format oa)
{
	switch (page_shift) {
	case 12:
		return oa == OA_LPA2 ? 0xe : 0x6;
	case 14:
		return oa == OA_LPA2 ? 0x6 : 0x2;
	default:
		return oa == OA_LPA ? 0x6 : 0x2;
	}
}

/* Pointer-auth codes and tags out of a kernel pointer (bit 55 set). */
static uint64_t aarch64_canonical_va(const struct kernel *k, uint64_t va)
{
	const struct aarch64_data *d = k->arch_data;

	if (d && (va & (1ull << 55)))
		va |= d->pac_mask | 0xff00000000000000ull;
	return va;
}

/* Before 5.4 the linear map was the upper half. */
static bool old_layout(const struct kernel *k)
{
	return k->version && k->version < KERNEL_VERSION_FLIPPED_VA;
}

static bool vi_u64(const struct vmcoreinfo *vi, const char *name, uint64_t *v)
{
	int64_t n;

	if (!vi_number(vi, name, &n))
		return false;
	*v = (uint64_t)n;
	return true;
}

/*
 * PHYS_OFFSET (memstart_addr): VMCOREINFO, else the kdump header (where
 * makedumpfile and crash keep it on arm64), else a linear-map PT_LOAD.
 */
static struct error *find_phys_offset(struct kernel *k, struct aarch64_data *d)
{
	const struct kernel_input *in = &k->in;
	uint64_t va, pa, size;
	size_t i;

	if (vi_u64(k->vi, "PHYS_OFFSET", &d->phys_offset))
		return NULL;
	if (in->phys_base(in->ctx, &d->phys_offset))
		return NULL;
	for (i = 0; in->segment(in->ctx, i, &va, &pa, &size); i++) {
		/* 5.4+: the linear map is the lower half of the kernel's. */
		if (va < d->page_offset ||
		    (!old_layout(k) && va - d->page_offset >= 1ull << (d->va_bits - 1)))
			continue;
		d->phys_offset = pa - (va - d->page_offset);
		return NULL;
	}
	return ERR(ERR_FORMAT, "VMCOREINFO lacks NUMBER(PHYS_OFFSET) and no "
		   "linear-map PT_LOAD gives it");
}

/* kimage_voffset: VMCOREINFO, else the kernel-image PT_LOAD holding _stext. */
static struct error *find_kimage_voffset(struct kernel *k, struct aarch64_data *d)
{
	const struct kernel_input *in = &k->in;
	uint64_t va, pa, size, stext;
	size_t i;

	if (vi_u64(k->vi, "kimage_voffset", &d->kimage_voffset))
		return NULL;
	if (vi_symbol(k->vi, "_stext", &stext)) {
		for (i = 0; in->segment(in->ctx, i, &va, &pa, &size); i++) {
			if (va <= stext && stext - va < size) {
				d->kimage_voffset = va - pa;
				return NULL;
			}
		}
	}
	return ERR(ERR_FORMAT, "VMCOREINFO lacks NUMBER(kimage_voffset) and no "
		   "PT_LOAD holds the kernel image");
}

/* The page tables under swapper_pg_dir for the VA size in use. */
static struct error *setup_tables(struct kernel *k, struct aarch64_data *d,
				  uint64_t swapper)
{
	unsigned int bpl = d->page_shift - 3;
	struct pt_format f = { 0 };
	uint64_t root = swapper - d->kimage_voffset;	/* __pa_symbol() */
	struct error *err;

	if (d->page_shift == 16)
		d->oa = d->phys_bits == 52 ? OA_LPA : OA_48;
	else
		/* 4K and 16K have 52-bit addresses only with 52-bit VA (TCR.DS). */
		d->oa = d->va_bits_actual == 52 ? OA_LPA2 : OA_48;
	d->block_levels = block_levels(d->page_shift, d->oa);
	f.page_shift = d->page_shift;
	f.va_bits = d->va_bits_actual;
	f.levels = DIV_ROUND_UP(f.va_bits - d->page_shift, bpl);
	f.upper_half = true;
	f.decode = aarch64_decode;
	f.decode_arg = d;
	/*
	 * A 52-bit build without LPA2 (64K) running 48-bit keeps its
	 * 52-bit-sized PGD and points TTBR1 at the part 48 bits index.
	 */
	if (d->oa != OA_LPA2 && d->va_bits == 52 && f.va_bits < 52 &&
	    d->page_shift == 16) {
		unsigned int top_shift = d->page_shift + bpl * (f.levels - 1);

		root += ((1ull << (52 - top_shift)) - (1ull << (f.va_bits - top_shift))) * 8;
	}
	err = pgtable_init(&d->pt, &f, root, k->in.read_phys, k->in.ctx, k->pr);
	if (err)
		return err;
	k->pt = &d->pt;
	return NULL;
}

static struct error *aarch64_init(struct kernel *k)
{
	const struct vmcoreinfo *vi = k->vi;
	struct aarch64_data *d;
	uint64_t v, swapper;
	struct error *err;
	int64_t n;

	if (k->page_size != 4096 && k->page_size != 16384 && k->page_size != 65536)
		return ERR(ERR_FORMAT, "VMCOREINFO PAGESIZE=%u: arm64 granules are 4, 16 "
			   "or 64 KiB", k->page_size);
	d = calloc(1, sizeof(*d));
	if (!d)
		return ERR_OOM();
	k->arch_data = d;
	d->page_shift = k->page_shift;

	if (!vi_number(vi, "VA_BITS", &n) || n < 36 || n > 52)
		return ERR(ERR_FORMAT, "VMCOREINFO lacks a plausible NUMBER(VA_BITS)");
	d->va_bits = (unsigned int)n;
	d->va_bits_actual = d->va_bits;
	/* 5.12+: the size in use, smaller than VA_BITS without 52-bit support. */
	if (vi_number(vi, "TCR_EL1_T1SZ", &n)) {
		if (n < 12 || n > 64 - 25 || 64 - n > d->va_bits)
			return ERR(ERR_FORMAT, "NUMBER(TCR_EL1_T1SZ)=%lld does not fit "
				   "VA_BITS=%u", (long long)n, d->va_bits);
		d->va_bits_actual = (unsigned int)(64 - n);
	}
	if (old_layout(k))
		d->page_offset = ~0ull << (d->va_bits - 1);
	else
		d->page_offset = ~0ull << d->va_bits;
	err = find_phys_offset(k, d);
	if (!err)
		err = find_kimage_voffset(k, d);
	if (err)
		return err;
	k->phys_base = d->phys_offset;
	if (!vi_u64(vi, "KERNELPACMASK", &d->pac_mask))
		d->pac_mask = 0;
	d->phys_bits = vi_u64(vi, "MAX_PHYSMEM_BITS", &v) && v == 52 ? 52 :
		       d->va_bits == 52 ? 52 : 48;

	if (!vi_symbol(vi, "swapper_pg_dir", &swapper))
		return ERR(ERR_FORMAT, "VMCOREINFO lacks SYMBOL(swapper_pg_dir)");
	/*
	 * Without TCR_EL1_T1SZ (before 5.12) a VA_BITS=52 kernel may still
	 * run 48-bit; only 64K has 52-bit VA there, and its PGD is indexed
	 * with 52-bit indices either way (TTBR1 points into it), so the
	 * 52-bit walk translates every address in use.
	 */
	err = setup_tables(k, d, swapper);
	if (err)
		return err;
	/* Only bits above the VA in use can carry a code. */
	d->pac_mask &= ~((1ull << d->va_bits_actual) - 1);
	if (vi_hex(vi, "KERNELOFFSET", &v))
		msg_debug(k->pr, "kaslr offset : %llx\n", (unsigned long long)v);
	msg_debug(k->pr, "va_bits      : %u (%u in use)\n", d->va_bits, d->va_bits_actual);
	msg_debug(k->pr, "page_offset  : %llx\n", (unsigned long long)d->page_offset);
	msg_debug(k->pr, "phys_offset  : %llx\n", (unsigned long long)d->phys_offset);
	msg_debug(k->pr, "kimage_voffset: %llx\n", (unsigned long long)d->kimage_voffset);
	msg_debug(k->pr, "paging       : %u-level, %u KiB granule, %s output addresses, "
		  "pgd at 0x%llx\n", d->pt.f.levels, k->page_size / 1024,
		  d->oa == OA_LPA2 ? "52-bit LPA2" : d->oa == OA_LPA ? "52-bit LPA" : "48-bit",
		  (unsigned long long)d->pt.root);
	return NULL;
}

static void aarch64_cleanup(struct kernel *k)
{
	struct aarch64_data *d = k->arch_data;

	if (d)
		pgtable_cleanup(&d->pt);
	free(d);
	k->arch_data = NULL;
	k->pt = NULL;
}

static unsigned int aarch64_section_size_bits(const struct kernel *k)
{
	if (k->version && k->version < KERNEL_VERSION_SMALL_SECTIONS)
		return 30;
	return k->page_shift == 16 ? 29 : 27;
}

static unsigned int aarch64_max_physmem_bits(const struct kernel *k)
{
	const struct aarch64_data *d = k->arch_data;

	return d && d->va_bits == 52 ? 52 : 48;
}

/* __va(pa) = (pa - PHYS_OFFSET) | PAGE_OFFSET: an offset, modulo 2^64. */
static uint64_t aarch64_direct_map_offset(struct kernel *k)
{
	const struct aarch64_data *d = k->arch_data;

	return d->page_offset - d->phys_offset;
}

/*
 * struct page of pfn 0: VMEMMAP_START minus memstart_addr's pfn (section
 * aligned before 5.11).  memstart_addr is signed: arithmetic shift.
 */
static uint64_t aarch64_vmemmap_base(const struct kernel *k)
{
	const struct aarch64_data *d = k->arch_data;
	uint64_t start;
	int64_t pfn;

	if (!vi_u64(k->vi, "VMEMMAP_START", &start))
		return 0;
	pfn = (int64_t)d->phys_offset >> d->page_shift;
	if (k->version && k->version < KERNEL_VERSION_VMEMMAP_PROJECTION) {
		unsigned int bits = kernel_section_bits(k);

		if (bits > k->page_shift && bits <= 40)
			pfn &= ~(((int64_t)1 << (bits - k->page_shift)) - 1);
	}
	return start - (uint64_t)pfn * k->struct_page_size;
}

const struct arch_ops arch_aarch64 = {
	.name = "aarch64",
	.e_machine = EM_AARCH64,
	.uts_machine = "aarch64",
	.init = aarch64_init,
	.cleanup = aarch64_cleanup,
	.canonical_va = aarch64_canonical_va,
	.section_size_bits = aarch64_section_size_bits,
	.max_physmem_bits = aarch64_max_physmem_bits,
	.direct_map_offset = aarch64_direct_map_offset,
	.vmemmap_base = aarch64_vmemmap_base,
};
