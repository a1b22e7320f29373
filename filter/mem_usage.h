/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --mem-usage: how many pages each class holds, on a dump or on the
 * running system's /proc/kcore (CLI.md §4.2).
 */
#ifndef MDF_FILTER_MEM_USAGE_H
#define MDF_FILTER_MEM_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dump_stats;
struct error;
struct filter;
struct printer;
struct source;
struct vmcoreinfo;

/* Is @src the running kernel's /proc/kcore (a file on procfs)? */
bool mem_usage_is_live(const struct source *src);

/*
 * VMCOREINFO of the running kernel: the kcore note (4.19+), else the note
 * /sys/kernel/vmcoreinfo points at, read through @src.
 */
struct error *mem_usage_live_vmcoreinfo(struct source *src,
					struct vmcoreinfo **out);

/* "Crash kernel" ranges of /proc/iomem, as pfn pairs [start, end). */
struct error *mem_usage_crashkernel(const char *iomem, uint32_t page_size,
				    uint64_t (**ranges)[2], size_t *nr);

/*
 * A view of @inner without the pfn ranges given: they are neither present
 * nor counted.  Takes ownership of @inner and @ranges; closing the view
 * closes both.  @inner's page size must already be set.
 */
struct error *mem_usage_mask(struct source *inner, uint64_t (*ranges)[2],
			     size_t nr, struct source **out);

/* Classify every pfn (window by window) into @st. */
struct error *mem_usage_scan(struct filter *f, uint64_t max_mapnr,
			     uint64_t window_pfns, struct printer *pr,
			     struct dump_stats *st);

/* Pages counted as kernel data: what the table's KERN_DATA row shows. */
uint64_t mem_usage_kern_data(const struct dump_stats *st);

/* The table, on common messages. */
void mem_usage_print(struct printer *pr, const struct dump_stats *st,
		     uint32_t page_size);

#endif
