// SPDX-License-Identifier: GPL-2.0-or-later
/* Open addressing with linear probing; the table is kept at most half full. */
#include "name_index.h"

#include "../lib/error.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

struct name_slot *name_index_find(const struct name_index *ix, const char *key)
{
	size_t h;

	if (!ix->cap)
		return NULL;
	for (h = hash_str(key) & (ix->cap - 1); ix->slot[h].key;
	     h = (h + 1) & (ix->cap - 1))
		if (!strcmp(ix->slot[h].key, key))
			return &ix->slot[h];
	return NULL;
}

static struct error *resize(struct name_index *ix, size_t cap)
{
	struct name_slot *n = calloc(cap, sizeof(*n));

	if (!n)
		return ERR_OOM();
	for (size_t i = 0; i < ix->cap; i++) {
		size_t h;

		if (!ix->slot[i].key)
			continue;
		for (h = hash_str(ix->slot[i].key) & (cap - 1); n[h].key;
		     h = (h + 1) & (cap - 1))
			;
		n[h] = ix->slot[i];
	}
	free(ix->slot);
	ix->slot = n;
	ix->cap = cap;
	return NULL;
}

struct error *name_index_add(struct name_index *ix, const char *key,
			     uint64_t val, struct name_slot **slot, bool *added)
{
	struct name_slot *s;
	struct error *err;
	size_t h;

	if ((ix->nr + 1) * 2 > ix->cap) {
		err = resize(ix, ix->cap ? ix->cap * 2 : 1024);
		if (err)
			return err;
	}
	for (h = hash_str(key) & (ix->cap - 1); ix->slot[h].key;
	     h = (h + 1) & (ix->cap - 1)) {
		if (!strcmp(ix->slot[h].key, key)) {
			if (slot)
				*slot = &ix->slot[h];
			if (added)
				*added = false;
			return NULL;
		}
	}
	s = &ix->slot[h];
	s->key = key;
	s->val = val;
	ix->nr++;
	if (slot)
		*slot = s;
	if (added)
		*added = true;
	return NULL;
}

struct error *name_index_reserve(struct name_index *ix, size_t n)
{
	size_t cap = ix->cap ? ix->cap : 1024;

	while (cap / 2 < n) {
		if (cap > SIZE_MAX / 2 / sizeof(struct name_slot))
			return ERR_OOM();
		cap *= 2;
	}
	return cap == ix->cap ? NULL : resize(ix, cap);
}

void name_index_free(struct name_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = ix->nr = 0;
}
