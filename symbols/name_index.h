/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A string-keyed hash of 64-bit values for the providers' name lookups.
 * Keys are borrowed (they live in the provider's data); the first value
 * stored for a name stays unless the caller replaces it.
 */
#ifndef MDF_SYMBOLS_NAME_INDEX_H
#define MDF_SYMBOLS_NAME_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

struct name_slot {
	const char *key;
	uint64_t val;
};

struct name_index {
	struct name_slot *slot;
	size_t cap, nr;
};

/* Find @key; NULL if absent.  The slot may be updated in place. */
struct name_slot *name_index_find(const struct name_index *ix, const char *key);

/* Add @key unless present; *@slot points at its (new or old) slot. */
struct error *name_index_add(struct name_index *ix, const char *key,
			     uint64_t val, struct name_slot **slot, bool *added);

/* Make room for @n keys in all, so that adding them never rehashes. */
struct error *name_index_reserve(struct name_index *ix, size_t n);

void name_index_free(struct name_index *ix);

#endif
