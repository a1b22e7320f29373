// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/bitmap: the on-disk bit order (LSB first) and the range operations
 * the filter and writer rely on, with ranges that start and end inside
 * bytes and 64-bit words, checked against a naive bit-by-bit model.
 */
#include "unit.h"

#include "lib/bitmap.h"
#include "lib/util.h"

#define NBITS 1000	/* not a multiple of 8 or 64 on purpose */
#define NBYTES ((NBITS + 7) / 8)

/* Reference model: one byte per bit. */
static uint8_t model[NBITS];

static void model_apply(uint64_t from, uint64_t to, int v)
{
	for (uint64_t i = from; i < to; i++)
		model[i] = (uint8_t)v;
}

static void check_against_model(const uint8_t *bm, const char *what)
{
	for (uint64_t i = 0; i < NBITS; i++)
		if (bm_test(bm, i) != (bool)model[i]) {
			unit_fail(__FILE__, __LINE__, "%s: bit %" PRIu64 " is %d, model says %d",
				  what, i, bm_test(bm, i), model[i]);
			return;
		}
}

static uint64_t model_count(uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	for (uint64_t i = from; i < to; i++)
		n += model[i];
	return n;
}

static uint64_t model_next(uint64_t from, uint64_t to, int v)
{
	for (uint64_t i = from; i < to; i++)
		if (model[i] == v)
			return i;
	return to;
}

/* xorshift: deterministic pseudo-random numbers */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

TEST(bit_order_lsb_first)
{
	uint8_t bm[4] = { 0 };

	bm_set(bm, 0);
	bm_set(bm, 9);
	bm_set(bm, 31);
	CHECK_EQ(bm[0], 0x01);
	CHECK_EQ(bm[1], 0x02);
	CHECK_EQ(bm[2], 0x00);
	CHECK_EQ(bm[3], 0x80);
	CHECK(bm_test(bm, 9));
	CHECK(!bm_test(bm, 8));
	bm_clear(bm, 9);
	CHECK_EQ(bm[1], 0);
	/* FORMATS.md B.4: pfn 0x100 is bit 0 of byte 0x20 */
	uint8_t big[0x40] = { 0 };
	bm_set(big, 0x100);
	CHECK_EQ(big[0x20], 1);
}

TEST(set_clear_ranges_across_words)
{
	static const uint64_t edges[][2] = {
		{ 0, 0 }, { 3, 5 }, { 0, 8 }, { 7, 9 }, { 60, 70 }, { 63, 64 },
		{ 64, 128 }, { 1, 127 }, { 5, 300 }, { 128, 129 }, { 200, 1000 },
		{ 0, 1000 }, { 999, 1000 }, { 511, 513 }, { 8, 72 },
	};
	uint8_t bm[NBYTES + 8];

	for (size_t e = 0; e < sizeof(edges) / sizeof(edges[0]); e++) {
		uint64_t a = edges[e][0], b = edges[e][1];

		memset(bm, 0, sizeof(bm));
		memset(model, 0, sizeof(model));
		bm_set_range(bm, a, b);
		model_apply(a, b, 1);
		check_against_model(bm, "set_range on zeros");
		CHECK_EQ(bm_count(bm, 0, NBITS), b - a);

		memset(bm, 0xff, NBYTES);
		memset(model, 1, sizeof(model));
		bm_clear_range(bm, a, b);
		model_apply(a, b, 0);
		check_against_model(bm, "clear_range on ones");
		CHECK_EQ(bm_count(bm, 0, NBITS), NBITS - (b - a));
		/* Bytes past the bitmap are untouched. */
		CHECK_EQ(bm[NBYTES], 0);
	}
}

TEST(random_ops_match_model)
{
	uint8_t bm[NBYTES + 8];

	memset(bm, 0, sizeof(bm));
	memset(model, 0, sizeof(model));
	for (int round = 0; round < 3000; round++) {
		uint64_t a = rnd(NBITS + 1), b = rnd(NBITS + 1);

		if (a > b) {
			uint64_t t = a;
			a = b;
			b = t;
		}
		if (rnd(2)) {
			bm_set_range(bm, a, b);
			model_apply(a, b, 1);
		} else {
			bm_clear_range(bm, a, b);
			model_apply(a, b, 0);
		}
		/* queries on another random window */
		uint64_t f = rnd(NBITS + 1), t = rnd(NBITS + 1);

		if (f > t) {
			uint64_t x = f;
			f = t;
			t = x;
		}
		if (bm_count(bm, f, t) != model_count(f, t)) {
			unit_fail(__FILE__, __LINE__, "round %d: count [%" PRIu64 ",%" PRIu64 ") = %" PRIu64
				  ", model %" PRIu64, round, f, t, bm_count(bm, f, t), model_count(f, t));
			return;
		}
		if (bm_next_set(bm, f, t) != model_next(f, t, 1)) {
			unit_fail(__FILE__, __LINE__, "round %d: next_set [%" PRIu64 ",%" PRIu64 ") = %" PRIu64
				  ", model %" PRIu64, round, f, t, bm_next_set(bm, f, t), model_next(f, t, 1));
			return;
		}
		if (bm_next_clear(bm, f, t) != model_next(f, t, 0)) {
			unit_fail(__FILE__, __LINE__, "round %d: next_clear [%" PRIu64 ",%" PRIu64 ") = %" PRIu64
				  ", model %" PRIu64, round, f, t, bm_next_clear(bm, f, t), model_next(f, t, 0));
			return;
		}
	}
	check_against_model(bm, "after random ops");
}

TEST(next_set_word_boundaries)
{
	uint8_t bm[64] = { 0 };

	CHECK_EQ(bm_next_set(bm, 0, 512), 512);	/* none: returns @to */
	bm_set(bm, 63);
	CHECK_EQ(bm_next_set(bm, 0, 512), 63);
	CHECK_EQ(bm_next_set(bm, 63, 512), 63);
	CHECK_EQ(bm_next_set(bm, 64, 512), 512);
	CHECK_EQ(bm_next_set(bm, 0, 63), 63);	/* bit at @to is outside */
	bm_set(bm, 64);
	CHECK_EQ(bm_next_set(bm, 64, 512), 64);
	bm_set(bm, 511);
	CHECK_EQ(bm_next_set(bm, 65, 512), 511);
	CHECK_EQ(bm_next_set(bm, 65, 511), 511);
	CHECK_EQ(bm_next_set(bm, 500, 500), 500);	/* empty window */
	CHECK_EQ(bm_count(bm, 0, 512), 3);
	CHECK_EQ(bm_count(bm, 63, 65), 2);
	CHECK_EQ(bm_count(bm, 64, 64), 0);
}

TEST(next_clear_word_boundaries)
{
	uint8_t bm[64];

	memset(bm, 0xff, sizeof(bm));
	CHECK_EQ(bm_next_clear(bm, 0, 512), 512);
	bm_clear(bm, 128);
	CHECK_EQ(bm_next_clear(bm, 0, 512), 128);
	CHECK_EQ(bm_next_clear(bm, 127, 512), 128);
	CHECK_EQ(bm_next_clear(bm, 129, 512), 512);
	CHECK_EQ(bm_next_clear(bm, 0, 128), 128);
	bm_clear(bm, 5);
	CHECK_EQ(bm_next_clear(bm, 0, 512), 5);
	CHECK_EQ(bm_next_clear(bm, 6, 512), 128);
}

TEST(mem_is_zero)
{
	uint8_t page[4096] = { 0 };

	CHECK(mem_is_zero(page, sizeof(page)));
	page[4095] = 1;
	CHECK(!mem_is_zero(page, sizeof(page)));
	page[4095] = 0;
	page[0] = 0x80;
	CHECK(!mem_is_zero(page, sizeof(page)));
	page[0] = 0;
	page[2049] = 0x10;
	CHECK(!mem_is_zero(page, sizeof(page)));
	CHECK(mem_is_zero(page, 2048));
}
