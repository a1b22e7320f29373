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
struct printer;
struct source;
struct sparsemem;

#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))

#define UTS_FIELD_LEN 65
#define UTSNAME_SIZE (6 * UTS_FIELD_LEN)

struct kernel {
	struct source *src;
	struct printer *pr;
	const struct vmcoreinfo *vi;

	const struct arch_ops *arch;
	void *arch_data;

	uint32_t page_size;
	unsigned int page_shift;
	uint32_t version;		/* KERNEL_VERSION() of OSRELEASE */
	char release[UTS_FIELD_LEN];
	uint8_t utsname[UTSNAME_SIZE];	/* struct new_utsname as in memory */
	uint64_t phys_base;
	uint64_t crashtime;
	uint64_t max_mapnr;		/* pfns covered by the dump's bitmaps */
	uint64_t struct_page_size;	/* SIZE(page) */

	struct sparsemem *mm;		/* NULL when struct pages can't be found */
};

/* Physical address bits of the dumped kernel (MAX_PHYSMEM_BITS or its paging default). */
unsigned int kernel_phys_bits(const struct kernel *k);

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

/* The kernel image mapping: __START_KERNEL_map on x86_64. */
#define X86_64_START_KERNEL_MAP 0xffffffff80000000ull

#endif
