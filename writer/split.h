/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --split: one dump spread over N kdump-compressed files, each holding the
 * pages of one pfn range (FORMATS.md §B.10).
 */
#ifndef MDF_WRITER_SPLIT_H
#define MDF_WRITER_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct filter;
struct output;
struct printer;
struct write_params;

/* makedumpfile's default --splitblock-size: 1 GiB of memory. */
#define DEFAULT_SPLITBLOCK_BYTES (1ull << 30)

struct split_range {
	uint64_t start, end;	/* pfns [start, end) */
};

/*
 * Choose the ranges of @n files as makedumpfile does: every file but the
 * last takes whole blocks of @block_pfns pfns until it holds at least
 * 1/n of the dumpable pages; the last takes the rest.  Costs two passes
 * of the filter over the windows, and no memory per block.
 */
struct error *split_plan(struct filter *f, uint64_t max_mapnr,
			 uint64_t window_pfns, uint64_t block_pfns,
			 unsigned int n, struct printer *pr,
			 struct split_range *out);

/*
 * Write the files one after another (each may use the codec pool's
 * threads).  @wp describes the whole dump; its stats end up as the whole
 * dump's.  On failure the file being written is finished as an incomplete
 * dump, the later ones are left empty.
 */
struct error *split_write(const struct write_params *wp,
			  struct output *const *outs,
			  const struct split_range *r, unsigned int n,
			  bool *incomplete);

#endif
