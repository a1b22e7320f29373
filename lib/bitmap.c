// SPDX-License-Identifier: GPL-2.0-or-later
#include "bitmap.h"
#include "util.h"

#include <string.h>

static inline uint64_t load_word(const uint8_t *bm, uint64_t byte)
{
	return load_le64(bm + byte);
}

void bm_set_range(uint8_t *bm, uint64_t from, uint64_t to)
{
	while (from < to && (from & 7))
		bm_set(bm, from++);
	if (to - from >= 8 && from < to) {
		uint64_t n = (to - from) >> 3;
		memset(bm + (from >> 3), 0xff, n);
		from += n << 3;
	}
	while (from < to)
		bm_set(bm, from++);
}

void bm_clear_range(uint8_t *bm, uint64_t from, uint64_t to)
{
	while (from < to && (from & 7))
		bm_clear(bm, from++);
	if (from < to && to - from >= 8) {
		uint64_t n = (to - from) >> 3;
		memset(bm + (from >> 3), 0, n);
		from += n << 3;
	}
	while (from < to)
		bm_clear(bm, from++);
}

uint64_t bm_count(const uint8_t *bm, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	while (from < to && (from & 63))
		n += bm_test(bm, from++);
	while (to - from >= 64 && from < to) {
		n += __builtin_popcountll(load_word(bm, from >> 3));
		from += 64;
	}
	while (from < to)
		n += bm_test(bm, from++);
	return n;
}

/*
 * Scanning word by word matters: at -d 31 most of a large dump is
 * excluded, so the writer skips long runs of clear bits.
 */
uint64_t bm_next_set(const uint8_t *bm, uint64_t from, uint64_t to)
{
	while (from < to && (from & 63)) {
		if (bm_test(bm, from))
			return from;
		from++;
	}
	while (from < to && to - from >= 64) {
		uint64_t w = load_word(bm, from >> 3);
		if (w)
			return from + __builtin_ctzll(w);
		from += 64;
	}
	while (from < to) {
		if (bm_test(bm, from))
			return from;
		from++;
	}
	return to;
}

uint64_t bm_next_clear(const uint8_t *bm, uint64_t from, uint64_t to)
{
	while (from < to && (from & 63)) {
		if (!bm_test(bm, from))
			return from;
		from++;
	}
	while (from < to && to - from >= 64) {
		uint64_t w = ~load_word(bm, from >> 3);
		if (w)
			return from + __builtin_ctzll(w);
		from += 64;
	}
	while (from < to) {
		if (!bm_test(bm, from))
			return from;
		from++;
	}
	return to;
}

bool mem_is_zero(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = 0;
	size_t i;

	/* Check the first word early: most non-zero pages fail there. */
	if (len >= 8 && load_le64(p))
		return false;
	for (i = 0; i + 64 <= len; i += 64) {
		acc |= load_le64(p + i) | load_le64(p + i + 8) |
		       load_le64(p + i + 16) | load_le64(p + i + 24) |
		       load_le64(p + i + 32) | load_le64(p + i + 40) |
		       load_le64(p + i + 48) | load_le64(p + i + 56);
		if (acc)
			return false;
	}
	for (; i < len; i++)
		if (p[i])
			return false;
	return true;
}
