/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pfn bitmaps in the kdump-compressed on-disk order: bit (pfn % 8) of byte
 * (pfn / 8), least significant bit first, relative to a window start.
 */
#ifndef MDF_LIB_BITMAP_H
#define MDF_LIB_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool bm_test(const uint8_t *bm, uint64_t bit)
{
	return bm[bit >> 3] & (1u << (bit & 7));
}

static inline void bm_set(uint8_t *bm, uint64_t bit)
{
	bm[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

static inline void bm_clear(uint8_t *bm, uint64_t bit)
{
	bm[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
}

/* Set or clear bits [from, to). */
void bm_set_range(uint8_t *bm, uint64_t from, uint64_t to);
void bm_clear_range(uint8_t *bm, uint64_t from, uint64_t to);

/* Number of set bits in [from, to). */
uint64_t bm_count(const uint8_t *bm, uint64_t from, uint64_t to);

/* First set bit at or after @from and before @to; @to if none. */
uint64_t bm_next_set(const uint8_t *bm, uint64_t from, uint64_t to);

/* First clear bit at or after @from and before @to; @to if none. */
uint64_t bm_next_clear(const uint8_t *bm, uint64_t from, uint64_t to);

#endif
