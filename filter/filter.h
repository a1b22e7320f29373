/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The filter builds, window by window, the two bitmaps of the output: the
 * 1st says which pfns exist in the dump, the 2nd which of them are written.
 * It applies the dump level through the page classifier and keeps every
 * pfn of a device-backed vmemmap segment whatever its struct page says.
 */
#ifndef MDF_FILTER_FILTER_H
#define MDF_FILTER_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "../classify/page_class.h"

struct dbv_set;
struct dump_stats;
struct error;
struct kernel;
struct page_reader;
struct printer;
struct source;
struct vmemmap_excl;

struct filter_options {
	unsigned int dump_level;
	/* ELF output and --mem-usage: clear all-zero pages from the bitmap. */
	bool zero_in_bitmap;
};

struct filter;

struct error *filter_create(struct kernel *k, const struct dbv_set *dbv,
			    const struct filter_options *opt,
			    struct filter **out);
void filter_destroy(struct filter *f);

/* Start a new pass over the windows (forgets carried-over exclusions). */
void filter_rewind(struct filter *f);

/*
 * Fill @bm1 and @bm2 for pfns [start, end) (bit 0 = @start).  Windows of
 * a pass must come in ascending order.  Counters go to @st when non-NULL.
 */
struct error *filter_window(struct filter *f, uint64_t start, uint64_t end,
			    uint8_t *bm1, uint8_t *bm2, struct dump_stats *st);

/*
 * The two bitmaps of one window, @win pfns each: a multiple of 64, and no
 * more than the dump needs, so that a small dump costs a small window.
 */
struct filter_bitmaps {
	uint64_t win;
	uint8_t *bm1, *bm2;
};

struct error *filter_bitmaps_init(struct filter_bitmaps *b, uint64_t window_pfns,
				  uint64_t max_mapnr);
void filter_bitmaps_fini(struct filter_bitmaps *b);

/* -e: leave these vmemmap frames out of every window from now on (NULL: none). */
void filter_set_vmemmap_excl(struct filter *f, const struct vmemmap_excl *x);

/* Is the struct-page scan needed at all for this dump level? */
bool filter_scans(const struct filter *f);

#endif
