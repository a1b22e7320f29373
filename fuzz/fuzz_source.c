// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_exercise_source(): kept apart so that mkseeds needs no library. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../reader/source.h"

#define EX_WINDOW 4096u

static void consume(struct error *err)
{
	error_free(err);
}

static void window(struct source *src, uint64_t start, uint64_t max)
{
	uint8_t present[EX_WINDOW / 8 + 8], readable[EX_WINDOW / 8 + 8];
	uint64_t end;

	start &= ~7ull;
	if (start >= max)
		return;
	end = max - start > EX_WINDOW ? start + EX_WINDOW : max;
	source_fill_bitmaps(src, start, end, present, readable);
	source_fill_bitmaps(src, start, end, NULL, readable);
	source_fill_bitmaps(src, start, end, present, NULL);
}

static void read_pages(struct source *src, struct page_reader *r, uint64_t pfn,
		       unsigned int n, uint8_t *buf)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const uint8_t *p;
		struct error *err = page_reader_read(r, pfn + i, &p);
		volatile uint8_t sink;

		if (!err)
			sink = p[src->page_size - 1];
		(void)sink;
		consume(err);
		consume(page_reader_read_into(r, pfn + i, buf));
	}
}

void fuzz_exercise_source(struct source *src)
{
	struct page_reader *r = NULL;
	struct vmcoreinfo *vi = NULL;
	const char *text;
	uint64_t max, ps;
	uint8_t *buf;
	size_t len, i;

	text = source_vmcoreinfo(src, &len);
	if (text && !vmcoreinfo_parse(text, len, &vi)) {
		uint64_t v;

		if (!src->page_size && vi_decimal(vi, "PAGESIZE", &v) && v <= UINT32_MAX)
			consume(source_set_page_size(src, (uint32_t)v));
		vmcoreinfo_free(vi);
	}
	if (!src->page_size)
		consume(source_set_page_size(src, 4096));
	ps = src->page_size;
	max = src->kdump ? src->kdump->max_mapnr : (src->max_paddr + ps - 1) / ps;

	window(src, 0, max);
	window(src, max > EX_WINDOW ? max - EX_WINDOW : 0, max);
	for (i = 0; i < src->nr_segs && i < 8; i++)
		window(src, src->segs[i].paddr / ps, max);
	(void)src->ops->original_pages(src, max);

	buf = malloc(ps * 2);
	if (!buf || page_reader_open(src, &r)) {
		free(buf);
		return;
	}
	read_pages(src, r, 0, 8, buf);
	read_pages(src, r, max > 4 ? max - 4 : 0, 4, buf);
	for (i = 0; i < src->nr_segs && i < 8; i++) {
		const struct source_segment *s = &src->segs[i];
		uint64_t first = s->paddr / ps, last = (s->paddr + s->memsz - 1) / ps;

		read_pages(src, r, first, 2, buf);
		read_pages(src, r, last, 2, buf);
		/* Across the end of the segment's file data. */
		consume(source_read_phys(src, s->paddr + s->filesz - ps / 2, buf, ps));
		consume(page_reader_copy(r, s->paddr + s->filesz - ps / 2, buf, ps));
		consume(page_reader_copy(r, s->paddr, buf, 2 * ps));
	}
	consume(source_read_phys(src, 0, buf, 2 * ps));
	page_reader_close(r);
	free(buf);
}
