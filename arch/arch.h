/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Architecture support: what differs between the kernels of two CPU
 * families, in one table per architecture.  The generic page-table walker
 * (pgtable.h) does the translation; an arch's init describes its tables
 * and decodes their entries, and answers the few layout questions the rest
 * of the pipeline asks (see struct arch_ops).  Nothing outside arch/
 * knows which architecture a dump is from.
 */
#ifndef MDF_ARCH_ARCH_H
#define MDF_ARCH_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "pgtable.h"

struct error;
struct kernel;

struct arch_ops {
	const char *name;
	uint16_t e_machine;		/* ELF e_machine of its vmcores */
	const char *uts_machine;	/* utsname.machine of its kernels */
	/*
	 * Read the layout facts (k->vi, k->in), set k->phys_base, and set
	 * k->pt to the kernel's page tables.  On failure cleanup is still
	 * called.
	 */
	struct error *(*init)(struct kernel *k);
	void (*cleanup)(struct kernel *k);
	/*
	 * A kernel pointer as found in memory, made translatable (pointer
	 * authentication codes, tags).  NULL: pointers are used as they are.
	 */
	uint64_t (*canonical_va)(const struct kernel *k, uint64_t va);
	/* Defaults for VMCOREINFO that lacks NUMBER(SECTION_SIZE_BITS) ... */
	unsigned int (*section_size_bits)(const struct kernel *k);
	/* ... and NUMBER(MAX_PHYSMEM_BITS), for the paging mode in use. */
	unsigned int (*max_physmem_bits)(const struct kernel *k);
	/* Virtual minus physical address of the direct map; 0 if unknown. */
	uint64_t (*direct_map_offset)(struct kernel *k);
	/*
	 * Address of pfn 0's struct page when VMCOREINFO lacks
	 * SYMBOL(vmemmap); NULL or 0: derived from mem_section.
	 */
	uint64_t (*vmemmap_base)(const struct kernel *k);
};

const struct arch_ops *arch_by_machine(uint16_t e_machine);
const struct arch_ops *arch_by_uts(const char *machine);

extern const struct arch_ops arch_x86_64;
extern const struct arch_ops arch_aarch64;

#endif
