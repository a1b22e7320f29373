/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model of the crashed kernel: its layout facts (VMCOREINFO), address
 * translation (arch), and where every pfn's struct page lives (sparsemem).
 */
#ifndef MDF_KERNEL_KERNEL_H
#define MDF_KERNEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcoreinfo.h"

struct arch_ops;
struct error;
struct page_reader;
struct pgtable;
struct printer;
struct source;
struct sparsemem;

#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))

#define UTS_FIELD_LEN 65
#define UTSNAME_SIZE (6 * UTS_FIELD_LEN)

/*
 * What arch code may learn from the input, without knowing the reader:
 * physical memory, the kdump header's phys_base, the PT_LOADs' addresses.
 * Unit tests give arch code a fake one.
 */
struct kernel_input {
	void *ctx;
	struct error *(*read_phys)(void *ctx, uint64_t pa, void *buf,
				   size_t len);
	/* phys_base recorded by a kdump-compressed header; false: none. */
	bool (*phys_base)(void *ctx, uint64_t *v);
	/* The @i-th memory segment (PT_LOAD); false past the last. */
	bool (*segment)(void *ctx, size_t i, uint64_t *vaddr, uint64_t *paddr,
			uint64_t *size);
};

struct kernel {
	struct source *src;
	struct printer *pr;
	const struct vmcoreinfo *vi;
	struct kernel_input in;

	const struct arch_ops *arch;
	void *arch_data;
	struct pgtable *pt;		/* the kernel's page tables (arch init) */

	uint32_t page_size;
	unsigned int page_shift;
	uint32_t version;		/* KERNEL_VERSION() of OSRELEASE */
	char release[UTS_FIELD_LEN];
	uint8_t utsname[UTSNAME_SIZE];	/* struct new_utsname as in memory */
	uint64_t phys_base;		/* what the kdump sub-header records (arch) */
	uint64_t crashtime;
	uint64_t max_mapnr;		/* pfns covered by the dump's bitmaps */
	uint64_t struct_page_size;	/* SIZE(page) */

	struct sparsemem *mm;		/* NULL when struct pages can't be found */
};

/* Physical address bits of the dumped kernel (MAX_PHYSMEM_BITS or its paging default). */
unsigned int kernel_phys_bits(const struct kernel *k);
/* SECTION_SIZE_BITS of the dumped kernel (VMCOREINFO or the arch default). */
unsigned int kernel_section_bits(const struct kernel *k);
/* Virtual minus physical address of the direct map; 0 when unknown. */
uint64_t kernel_direct_map_offset(struct kernel *k);

/*
 * Build the model.  @max_mapnr 0 takes the input's extent (ELF: highest
 * PT_LOAD end; kdump: header); sparsemem may lower it.
 */
struct error *kernel_open(struct source *src, const struct vmcoreinfo *vi,
			  struct printer *pr, uint64_t max_mapnr,
			  struct kernel **out);
void kernel_close(struct kernel *k);

/* Read @len bytes of kernel virtual memory. */
struct error *kernel_read(struct kernel *k, uint64_t va, void *buf,
			  size_t len);
/* Point at kernel memory in a page reader's mapping (see page_reader_map). */
struct error *kernel_map_via(struct kernel *k, struct page_reader *r,
			     uint64_t va, size_t len, const uint8_t **ptr);
/* The same through a page reader's window (bulk reads of one thread). */
struct error *kernel_read_via(struct kernel *k, struct page_reader *r,
			      uint64_t va, void *buf, size_t len);
struct error *kernel_read_u64(struct kernel *k, uint64_t va, uint64_t *v);

/* Translate @va; *@leaf is the size of the mapping that holds it. */
struct error *kernel_vtop(struct kernel *k, uint64_t va, uint64_t *pa,
			  uint64_t *leaf);
/*
 * Visit every mapped leaf of the kernel's page tables overlapping
 * [start, end): fn(arg, va, pa, size), non-zero stops.
 */
struct error *kernel_walk(struct kernel *k, uint64_t start, uint64_t end,
			  int (*fn)(void *arg, uint64_t va, uint64_t pa,
				    uint64_t size),
			  void *arg);
/* Print the translation of @va step by step (--vtop). */
void kernel_print_vtop(struct kernel *k, uint64_t va);

#endif
