// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frames of the vmemmap are found by walking the dumped kernel's page
 * tables over each section's struct pages: a leaf mapping (4 KiB or a
 * 2 MiB PMD page) intersected with one section's struct pages is a
 * "chunk".  Whole frames inside a chunk describe a known pfn interval;
 * one bit per frame says whether any of those pfns is kept.  Windows of
 * the filter come in ascending pfn order, so do the chunks' intervals:
 * one sweep decides every frame.
 */
#include "exclude_vmemmap.h"
#include "devmap.h"
#include "filter.h"
#include "../kernel/kernel.h"
#include "../kernel/sparsemem.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <stdlib.h>
#include <string.h>

/* A bound on chunks (a 16 TiB machine has 128 Ki sections). */
#define MAX_CHUNKS (1u << 24)

struct chunk {
	uint64_t va, len;	/* whole frames only: va page aligned */
	uint64_t pa;
	uint64_t pfn0, va0;	/* the section: pfn0's struct page is at va0 */
	uint64_t pfn_end;	/* the section's last pfn + 1 (clipped) */
	uint64_t lo, hi;	/* pfns its frames describe */
	uint64_t bit0;		/* first frame's bit in the kept bitmap */
};

struct builder {
	struct kernel *k;
	const struct dbv_set *dbv;
	struct chunk *c;
	size_t nr, cap;
	uint64_t bits;
	/* the section being walked */
	uint64_t sec_va, sec_end, pfn0, pfn_end;
	struct error *err;
};

/* The pfns frame @f of chunk @c describes: [*lo, *hi). */
static void described(const struct kernel *k, const struct chunk *c,
		      uint64_t f, uint64_t *lo, uint64_t *hi)
{
	uint64_t a = c->va + f * k->page_size - c->va0;
	uint64_t z = a + k->page_size - 1;

	*lo = c->pfn0 + a / k->struct_page_size;
	*hi = MIN(c->pfn0 + z / k->struct_page_size + 1, c->pfn_end);
}

static int add_leaf(void *arg, uint64_t va, uint64_t pa, uint64_t size)
{
	struct builder *b = arg;
	uint64_t ps = b->k->page_size;
	uint64_t lo = MAX(va, b->sec_va), hi = MIN(va + size, b->sec_end);
	uint64_t dummy;
	struct chunk *c;

	/* Frames shared with another section's struct pages stay. */
	lo = ROUND_UP(lo, ps);
	hi = ROUND_DOWN(hi, ps);
	if (lo >= hi)
		return 0;
	if (b->nr == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 256;
		struct chunk *n;

		if (b->nr >= MAX_CHUNKS) {
			b->err = ERR(ERR_FORMAT, "-e: more than %u vmemmap mappings",
				     MAX_CHUNKS);
			return 1;
		}
		n = realloc(b->c, cap * sizeof(*n));
		if (!n) {
			b->err = ERR_OOM();
			return 1;
		}
		b->c = n;
		b->cap = cap;
	}
	c = &b->c[b->nr++];
	c->va = lo;
	c->len = hi - lo;
	c->pa = pa + (lo - va);
	c->pfn0 = b->pfn0;
	c->va0 = b->sec_va;
	c->pfn_end = b->pfn_end;
	c->bit0 = b->bits;
	b->bits += c->len / ps;
	described(b->k, c, 0, &c->lo, &dummy);
	described(b->k, c, c->len / ps - 1, &dummy, &c->hi);
	return 0;
}

/* Walk the struct pages of pfns [pfn0, pfn_end), at @va. */
static struct error *walk_section(struct builder *b, uint64_t va,
				  uint64_t pfn0, uint64_t pfn_end)
{
	struct kernel *k = b->k;
	struct error *err;

	b->sec_va = va;
	b->sec_end = va + (pfn_end - pfn0) * k->struct_page_size;
	b->pfn0 = pfn0;
	b->pfn_end = pfn_end;
	err = kernel_walk(k, b->sec_va, b->sec_end, add_leaf, b);
	if (b->err) {
		error_free(err);
		err = b->err;
		b->err = NULL;
	}
	return err;
}

static int cmp_chunk(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static struct error *collect(struct builder *b)
{
	struct kernel *k = b->k;
	const struct sparsemem *mm = k->mm;
	struct error *err = NULL;
	size_t i;

	if (!mm || !k->struct_page_size)
		return ERR(ERR_UNSUPPORTED, "-e: the dump's struct pages can't be found");
	if (mm->linear) {
		err = walk_section(b, mm->vmemmap_base, 0, k->max_mapnr);
		if (!err && b->nr)
			qsort(b->c, b->nr, sizeof(*b->c), cmp_chunk);
		return err;
	}
	for (i = 0; i < mm->nr && !err; i++) {
		const struct mem_section_info *s = &mm->sec[i];
		uint64_t pfn0 = s->nr << mm->section_shift;
		uint64_t end = MIN(pfn0 + mm->pages_per_section, k->max_mapnr);

		if (!s->mem_map || pfn0 >= end)
			continue;
		err = walk_section(b, s->mem_map, pfn0, end);
	}
	/* The sweep needs ascending pfn intervals (they do not overlap). */
	if (!err && b->nr)
		qsort(b->c, b->nr, sizeof(*b->c), cmp_chunk);
	return err;
}

/* Mark kept every frame describing a pfn this window keeps. */
static void sweep_window(const struct kernel *k, const struct builder *b,
			 size_t *cursor, uint64_t ws, uint64_t we,
			 const uint8_t *bm2, uint8_t *kept)
{
	size_t i;

	while (*cursor < b->nr && b->c[*cursor].hi <= ws)
		(*cursor)++;
	for (i = *cursor; i < b->nr && b->c[i].lo < we; i++) {
		const struct chunk *c = &b->c[i];
		uint64_t f, nf = c->len / k->page_size;

		for (f = 0; f < nf; f++) {
			uint64_t lo, hi;

			if (bm_test(kept, c->bit0 + f))
				continue;
			described(k, c, f, &lo, &hi);
			if (hi <= ws)
				continue;
			if (lo >= we)
				break;
			lo = MAX(lo, ws);
			hi = MIN(hi, we);
			if (bm_next_set(bm2, lo - ws, hi - ws) < hi - ws)
				bm_set(kept, c->bit0 + f);
		}
	}
}

static struct error *add_range(struct vmemmap_excl *x, uint64_t pfn)
{
	if (x->nr && x->range[x->nr - 1][1] == pfn) {
		x->range[x->nr - 1][1]++;
		return NULL;
	}
	if (x->nr == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		uint64_t (*r)[2] = realloc(x->range, cap * sizeof(*r));

		if (!r)
			return ERR_OOM();
		x->range = r;
		x->cap = cap;
	}
	x->range[x->nr][0] = pfn;
	x->range[x->nr][1] = pfn + 1;
	x->nr++;
	return NULL;
}

static int cmp_range(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void merge_ranges(struct vmemmap_excl *x)
{
	size_t i, n = 0;

	qsort(x->range, x->nr, sizeof(*x->range), cmp_range);
	x->pages = 0;
	for (i = 0; i < x->nr; i++) {
		if (n && x->range[i][0] <= x->range[n - 1][1]) {
			x->range[n - 1][1] = MAX(x->range[n - 1][1], x->range[i][1]);
			continue;
		}
		x->range[n][0] = x->range[i][0];
		x->range[n][1] = x->range[i][1];
		n++;
	}
	x->nr = n;
	for (i = 0; i < n; i++)
		x->pages += x->range[i][1] - x->range[i][0];
}

static struct error *decide(const struct builder *b, const uint8_t *kept,
			    struct vmemmap_excl *x)
{
	const struct kernel *k = b->k;
	struct error *err = NULL;
	size_t i;

	for (i = 0; i < b->nr && !err; i++) {
		const struct chunk *c = &b->c[i];
		uint64_t f, nf = c->len / k->page_size;

		for (f = 0; f < nf && !err; f++) {
			uint64_t pfn = (c->pa >> k->page_shift) + f;

			x->frames_seen++;
			if (b->dbv && dbv_is_meta(b->dbv, pfn)) {
				x->dbv_frames++;
				continue;
			}
			if (!bm_test(kept, c->bit0 + f) && pfn < k->max_mapnr)
				err = add_range(x, pfn);
		}
	}
	merge_ranges(x);
	return err;
}

struct error *vmemmap_excl_build(struct kernel *k, struct filter *f,
				 const struct dbv_set *dbv, uint64_t window_pfns,
				 struct printer *pr, struct vmemmap_excl **out)
{
	struct builder b = { .k = k, .dbv = dbv };
	struct filter_bitmaps bm = { 0 };
	struct vmemmap_excl *x;
	uint8_t *kept = NULL;
	uint64_t start;
	size_t cursor = 0;
	struct error *err;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return ERR_OOM();
	err = collect(&b);
	if (!err) {
		kept = calloc(1, DIV_ROUND_UP(b.bits, 8) + 8);
		if (!kept)
			err = ERR_OOM();
	}
	if (!err)
		err = filter_bitmaps_init(&bm, window_pfns, k->max_mapnr);
	if (!err)
		filter_rewind(f);
	for (start = 0; !err && start < k->max_mapnr; start += bm.win) {
		uint64_t end = MIN(start + bm.win, k->max_mapnr);

		progress_update(pr, "Finding unused vmemmap pages", start, k->max_mapnr, false);
		err = filter_window(f, start, end, bm.bm1, bm.bm2, NULL);
		if (!err)
			sweep_window(k, &b, &cursor, start, end, bm.bm2, kept);
	}
	if (!err) {
		progress_done(pr, "Finding unused vmemmap pages");
		err = decide(&b, kept, x);
	}
	filter_rewind(f);
	filter_bitmaps_fini(&bm);
	free(kept);
	free(b.c);
	if (err) {
		vmemmap_excl_free(x);
		return err;
	}
	msg_debug(pr, "-e: %llu vmemmap frames, %llu of them device-backed (kept), "
		  "%llu left out in %zu ranges\n",
		  (unsigned long long)x->frames_seen, (unsigned long long)x->dbv_frames,
		  (unsigned long long)x->pages, x->nr);
	*out = x;
	return NULL;
}

void vmemmap_excl_free(struct vmemmap_excl *x)
{
	if (!x)
		return;
	free(x->range);
	free(x);
}

uint64_t vmemmap_excl_apply(const struct vmemmap_excl *x, uint64_t start,
			    uint64_t end, uint8_t *bm2)
{
	size_t lo = 0, hi = x->nr;
	uint64_t cleared = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->range[mid][1] <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->nr && x->range[lo][0] < end; lo++) {
		uint64_t a = MAX(x->range[lo][0], start) - start;
		uint64_t b = MIN(x->range[lo][1], end) - start;

		cleared += bm_count(bm2, a, b);
		bm_clear_range(bm2, a, b);
	}
	return cleared;
}
