/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The physical byte ranges to erase, sorted and merged once built, and
 * the page hook that zeroes them in the data path: every output format
 * (kdump-compressed, ELF, flattened, split) gets its pages through it.
 */
#ifndef MDF_ERASE_RANGES_H
#define MDF_ERASE_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

/* A bound on what a config (or a hostile dump's lists) may produce. */
#define ERASE_MAX_RANGES (1u << 22)

struct erase_range {
	uint64_t paddr;
	uint64_t len;
};

struct erase_set {
	struct erase_range *r;
	size_t nr, cap;
	uint64_t bytes;		/* after merging */
	bool merged;
};

struct error *erase_set_add(struct erase_set *s, uint64_t paddr, uint64_t len);
/* Sort and merge; call once before the queries below. */
void erase_set_finish(struct erase_set *s);
void erase_set_release(struct erase_set *s);

/* Does [@paddr, @paddr + @len) hold erased bytes? Thread safe after finish. */
bool erase_set_touches(const struct erase_set *s, uint64_t paddr, uint64_t len);
/* Zero the erased bytes of @buf, which holds [@paddr, @paddr + @len). */
void erase_set_apply(const struct erase_set *s, uint64_t paddr, uint8_t *buf,
		     size_t len);

#endif
