// SPDX-License-Identifier: GPL-2.0-or-later
#include "ranges.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <stdlib.h>
#include <string.h>

struct error *erase_set_add(struct erase_set *s, uint64_t paddr, uint64_t len)
{
	if (!len)
		return NULL;
	if (paddr + len < paddr)
		len = UINT64_MAX - paddr;
	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct erase_range *r;

		if (s->nr >= ERASE_MAX_RANGES)
			return ERR(ERR_FORMAT, "more than %u ranges to erase",
				   ERASE_MAX_RANGES);
		r = realloc(s->r, cap * sizeof(*r));
		if (!r)
			return ERR_OOM();
		s->r = r;
		s->cap = cap;
	}
	s->r[s->nr].paddr = paddr;
	s->r[s->nr].len = len;
	s->nr++;
	s->merged = false;
	return NULL;
}

static int cmp_range(const void *a, const void *b)
{
	const struct erase_range *x = a, *y = b;

	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

void erase_set_finish(struct erase_set *s)
{
	size_t i, n = 0;

	qsort(s->r, s->nr, sizeof(*s->r), cmp_range);
	s->bytes = 0;
	for (i = 0; i < s->nr; i++) {
		struct erase_range *last = n ? &s->r[n - 1] : NULL;
		uint64_t end = s->r[i].paddr + s->r[i].len;

		if (last && s->r[i].paddr <= last->paddr + last->len) {
			if (end > last->paddr + last->len)
				last->len = end - last->paddr;
			continue;
		}
		s->r[n++] = s->r[i];
	}
	s->nr = n;
	for (i = 0; i < n; i++)
		s->bytes += s->r[i].len;
	s->merged = true;
}

void erase_set_release(struct erase_set *s)
{
	free(s->r);
	memset(s, 0, sizeof(*s));
}

/* Index of the first range that ends after @paddr. */
static size_t first_after(const struct erase_set *s, uint64_t paddr)
{
	size_t lo = 0, hi = s->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].paddr + s->r[mid].len <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool erase_set_touches(const struct erase_set *s, uint64_t paddr, uint64_t len)
{
	size_t i;

	if (!s || !s->nr || !len)
		return false;
	i = first_after(s, paddr);
	return i < s->nr && s->r[i].paddr < paddr + len;
}

void erase_set_apply(const struct erase_set *s, uint64_t paddr, uint8_t *buf,
		     size_t len)
{
	uint64_t end = paddr + len;
	size_t i;

	if (!s || !s->nr)
		return;
	for (i = first_after(s, paddr); i < s->nr && s->r[i].paddr < end; i++) {
		uint64_t a = MAX(s->r[i].paddr, paddr);
		uint64_t b = MIN(s->r[i].paddr + s->r[i].len, end);

		memset(buf + (a - paddr), 0, (size_t)(b - a));
	}
}
