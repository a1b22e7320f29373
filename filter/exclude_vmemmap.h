/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -e: leave out the frames of the vmemmap (the struct page array) whose
 * struct pages all describe pfns the dump does not keep.  On a machine
 * with terabytes of free or user memory that is a gigabyte and more of
 * struct pages nobody can use.
 *
 * A frame is left out only when every pfn whose struct page lies (even in
 * part) in it is left out by the filter; frames that also hold struct
 * pages of another section's boundary are kept.  Frames of a
 * device-backed vmemmap segment are never left out: the tool promises
 * those whole.
 */
#ifndef MDF_FILTER_EXCLUDE_VMEMMAP_H
#define MDF_FILTER_EXCLUDE_VMEMMAP_H

#include <stddef.h>
#include <stdint.h>

struct dbv_set;
struct error;
struct filter;
struct kernel;
struct printer;

struct vmemmap_excl {
	uint64_t (*range)[2];	/* frame pfns [start, end), sorted, disjoint */
	size_t nr, cap;
	uint64_t pages;
	uint64_t frames_seen;	/* vmemmap frames looked at */
	uint64_t dbv_frames;	/* of them in device-backed segments (kept) */
};

/*
 * Run @f over every window (a pass of its own, before the dump is
 * written) and find the frames to leave out.
 */
struct error *vmemmap_excl_build(struct kernel *k, struct filter *f,
				 const struct dbv_set *dbv, uint64_t window_pfns,
				 struct printer *pr, struct vmemmap_excl **out);
void vmemmap_excl_free(struct vmemmap_excl *x);

/* Clear the left-out frames of window [@start, @end) in @bm2; returns how many. */
uint64_t vmemmap_excl_apply(const struct vmemmap_excl *x, uint64_t start,
			    uint64_t end, uint8_t *bm2);

#endif
