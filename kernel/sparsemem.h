/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SPARSEMEM / SPARSEMEM_EXTREME: the mem_section table that says, per
 * section of physical memory, whether it exists and where its struct pages
 * are.  Only present sections are kept, so a machine with memory far
 * above the rest costs nothing for the gap.
 */
#ifndef MDF_KERNEL_SPARSEMEM_H
#define MDF_KERNEL_SPARSEMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

enum {
	SECTION_MARKED_PRESENT = 1u << 0,
	SECTION_HAS_MEM_MAP = 1u << 1,
	SECTION_IS_ONLINE = 1u << 2,
	SECTION_IS_EARLY = 1u << 3,
	SECTION_TAINT_ZONE_DEVICE = 1u << 4,
};

struct mem_section_info {
	uint64_t nr;
	uint64_t mem_map;	/* address of the struct page of the first pfn */
	uint32_t flags;		/* low bits of section_mem_map */
};

struct sparsemem {
	unsigned int section_shift;	/* pfns per section, log2 */
	uint64_t pages_per_section;
	bool extreme;
	bool linear;			/* no mem_section: vmemmap + pfn */
	uint64_t vmemmap_base;		/* struct page of pfn 0, 0 if unknown */
	struct mem_section_info *sec;	/* present sections, ascending */
	size_t nr;
};

/*
 * Read the sections that may hold pfns below @max_mapnr.  On return
 * *@max_mapnr is clipped to the end of the last section with a mem_map.
 */
struct error *sparsemem_init(struct kernel *k, uint64_t *max_mapnr,
			     struct sparsemem **out);
void sparsemem_free(struct sparsemem *mm);

/* The section holding @pfn, or NULL (never for a linear map). */
const struct mem_section_info *sparsemem_section(const struct sparsemem *mm,
						 uint64_t pfn);

/* Address of @pfn's struct page, or 0 when the pfn has none. */
uint64_t sparsemem_page_addr(const struct kernel *k, uint64_t pfn);

#endif
