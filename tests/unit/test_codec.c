// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * writer/codec: every codec round-trips a page; pages that do not shrink
 * are stored raw (codec_compress returns 0); the compressed forms are the
 * ones makedumpfile's readers take (zlib: one zlib stream per page that
 * zlib's uncompress() reads back, no larger than compress2(Z_BEST_SPEED),
 * byte-identical to it when built without libdeflate; LZO1X-1 identical to
 * lzo1x_1_compress; zstd frames with the magic); decompression insists on
 * exactly one page.
 */
#include "unit.h"

#include "lib/error.h"
#include "writer/codec.h"

#include <lzo/lzo1x.h>
#include <zlib.h>

#define PAGE 4096

static const unsigned int methods[] = {
	DUMP_DH_COMPRESSED_ZLIB, DUMP_DH_COMPRESSED_LZO,
	DUMP_DH_COMPRESSED_SNAPPY, DUMP_DH_COMPRESSED_ZSTD,
};

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void text_page(uint8_t *p)
{
	static const char words[] = "struct page mapping lru private slab buddy kernel ";

	for (int i = 0; i < PAGE; i++)
		p[i] = (uint8_t)words[(i * 7 + i / 13) % (sizeof(words) - 1)];
}

static void random_page(uint8_t *p)
{
	for (int i = 0; i < PAGE; i += 8) {
		uint64_t v = rnd();
		memcpy(p + i, &v, 8);
	}
}

static struct codec *make(unsigned int m)
{
	struct codec *c = NULL;
	struct error *err = codec_create(m, PAGE, &c);

	if (err) {
		unit_fail(__FILE__, __LINE__, "codec_create(%s): %s", codec_name(m), err->msg);
		error_free(err);
		return NULL;
	}
	return c;
}

static void round_trip(unsigned int m, const uint8_t *page, const char *what)
{
	struct codec *c = make(m);
	uint8_t *out = malloc(codec_bound(PAGE)), back[PAGE];
	size_t len = 0;
	unsigned int got;
	struct error *err;

	if (!c || !out) {
		free(out);
		codec_destroy(c);
		return;
	}
	got = codec_compress(c, page, out, &len);
	CHECK_MSG(got == m, "%s/%s: compress returned %#x, expected %#x", codec_name(m), what, got, m);
	if (got == m) {
		CHECK_MSG(len > 0 && len < PAGE, "%s/%s: length %zu", codec_name(m), what, len);
		err = codec_decompress(m, out, len, back, PAGE);
		CHECK_MSG(!err, "%s/%s: decompress: %s", codec_name(m), what, err ? err->msg : "");
		error_free(err);
		CHECK_MSG(!memcmp(back, page, PAGE), "%s/%s: round trip changed the page",
			  codec_name(m), what);
	}
	free(out);
	codec_destroy(c);
}

TEST(round_trip_every_codec)
{
	uint8_t page[PAGE];

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		text_page(page);
		round_trip(methods[i], page, "text");
		memset(page, 0, PAGE);
		round_trip(methods[i], page, "zero");
		memset(page, 0xa5, PAGE);
		page[100] = 1;
		round_trip(methods[i], page, "almost-constant");
	}
}

TEST(codec_is_reusable_across_pages)
{
	uint8_t a[PAGE], b[PAGE], back[PAGE];
	uint8_t *o1 = malloc(codec_bound(PAGE)), *o2 = malloc(codec_bound(PAGE));

	text_page(a);
	memset(b, 0x11, PAGE);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct codec *c = make(methods[i]);
		size_t l1 = 0, l2 = 0, l3 = 0;

		if (!c)
			continue;
		/* the same page compressed before and after another gives the same bytes */
		CHECK(codec_compress(c, a, o1, &l1) == methods[i]);
		CHECK(codec_compress(c, b, o2, &l2) == methods[i]);
		CHECK(codec_compress(c, a, o2, &l3) == methods[i]);
		CHECK_MSG(l1 == l3 && !memcmp(o1, o2, l1),
			  "%s: output depends on the previous page", codec_name(methods[i]));
		struct error *err = codec_decompress(methods[i], o2, l3, back, PAGE);
		CHECK(!err && !memcmp(back, a, PAGE));
		error_free(err);
		codec_destroy(c);
	}
	free(o1);
	free(o2);
}

TEST(incompressible_page_is_stored_raw)
{
	uint8_t page[PAGE];
	uint8_t *out = malloc(codec_bound(PAGE));

	random_page(page);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct codec *c = make(methods[i]);
		size_t len = 12345;

		if (!c)
			continue;
		CHECK_MSG(codec_compress(c, page, out, &len) == 0,
			  "%s: random page not reported as raw", codec_name(methods[i]));
		codec_destroy(c);
	}
	free(out);
}

TEST(no_compression_method)
{
	struct codec *c = make(0);
	uint8_t page[PAGE] = { 0 }, out[PAGE * 2];
	size_t len = 0;

	if (!c)
		return;
	CHECK_EQ(codec_compress(c, page, out, &len), 0);
	CHECK_STR(codec_name(0), "none");
	codec_destroy(c);
}

/*
 * The zlib stream of @page must read back with zlib and not exceed
 * compress2(1); with @runs (a page mostly of repeated words, which goes to
 * zlib even with libdeflate) it must be compress2's own output.
 */
static void check_zlib_page(const uint8_t *page, const char *what, bool runs)
{
	uint8_t *out = malloc(codec_bound(PAGE));
	uint8_t ref[PAGE * 2], back[PAGE];
	uLongf rl = sizeof(ref), bl = sizeof(back);
	struct codec *c = make(DUMP_DH_COMPRESSED_ZLIB);
	size_t len = 0;

	if (!c || !out) {
		free(out);
		codec_destroy(c);
		return;
	}
	CHECK(compress2(ref, &rl, page, PAGE, Z_BEST_SPEED) == Z_OK);
	if (codec_compress(c, page, out, &len) != DUMP_DH_COMPRESSED_ZLIB) {
		/* Stored raw: only right when zlib itself does not shrink it. */
		CHECK_MSG(rl >= PAGE, "%s: raw although compress2 gives %lu bytes",
			  what, (unsigned long)rl);
		goto out;
	}
	/* zlib header: deflate, 32 KiB window, check bits (RFC 1950). */
	CHECK_EQ(out[0], 0x78);
	CHECK_EQ(((unsigned)out[0] << 8 | out[1]) % 31, 0);
	CHECK_MSG(uncompress(back, &bl, out, len) == Z_OK && bl == PAGE &&
		  !memcmp(back, page, PAGE), "%s: zlib's uncompress() does not read it back", what);
	CHECK_MSG(len <= rl, "%s: %zu bytes, compress2(level 1) %lu", what, len,
		  (unsigned long)rl);
#ifdef HAVE_LIBDEFLATE
	if (runs)
#endif
		CHECK_MSG(len == rl && !memcmp(out, ref, len),
			  "%s: zlib output differs from compress2(level 1)", what);
out:
	codec_destroy(c);
	free(out);
}

TEST(zlib_stream_no_larger_than_compress2_level1)
{
	uint8_t page[PAGE];

	text_page(page);
	check_zlib_page(page, "text", false);
	random_page(page);
	check_zlib_page(page, "random", false);
	memset(page, 0, PAGE);
	page[17] = 1;
	check_zlib_page(page, "sparse", true);
	/* A fill with one word in 16 different is still runs. */
	memset(page, 0xa5, PAGE);
	for (int i = 0; i < PAGE; i += 128)
		page[i + 3] = (uint8_t)i;
	check_zlib_page(page, "fill", true);
}

TEST(lzo_matches_lzo1x_1)
{
	uint8_t page[PAGE];
	uint8_t *out = malloc(codec_bound(PAGE));
	uint8_t ref[PAGE * 2];
	static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
	lzo_uint rl = 0;
	struct codec *c = make(DUMP_DH_COMPRESSED_LZO);
	size_t len = 0;

	text_page(page);
	if (!c)
		return;
	CHECK(codec_compress(c, page, out, &len) == DUMP_DH_COMPRESSED_LZO);
	CHECK(lzo_init() == LZO_E_OK);
	CHECK(lzo1x_1_compress(page, PAGE, ref, &rl, wrk) == LZO_E_OK);
	CHECK_MSG(len == rl && !memcmp(out, ref, len), "lzo output differs from lzo1x_1_compress");
	codec_destroy(c);
	free(out);
}

TEST(zstd_frame_magic)
{
	uint8_t page[PAGE];
	uint8_t *out = malloc(codec_bound(PAGE));
	struct codec *c = make(DUMP_DH_COMPRESSED_ZSTD);
	size_t len = 0;
	static const uint8_t magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

	text_page(page);
	if (!c)
		return;
	CHECK(codec_compress(c, page, out, &len) == DUMP_DH_COMPRESSED_ZSTD);
	CHECK(!memcmp(out, magic, 4));
	codec_destroy(c);
	free(out);
}

TEST(decompress_rejects_wrong_size_and_garbage)
{
	uint8_t page[PAGE], big[2 * PAGE];
	uint8_t *out = malloc(codec_bound(PAGE));
	uint8_t junk[64];

	text_page(page);
	memset(junk, 0xee, sizeof(junk));
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct codec *c = make(methods[i]);
		size_t len = 0;
		struct error *err;

		if (!c)
			continue;
		CHECK(codec_compress(c, page, out, &len) == methods[i]);
		/* a 4 KiB page read back as an 8 KiB block is an error */
		err = codec_decompress(methods[i], out, len, big, sizeof(big));
		CHECK_MSG(err != NULL, "%s: short page accepted", codec_name(methods[i]));
		error_free(err);
		err = codec_decompress(methods[i], junk, sizeof(junk), page, PAGE);
		CHECK_MSG(err != NULL, "%s: garbage accepted", codec_name(methods[i]));
		if (err)
			CHECK_EQ(err->code, ERR_FORMAT);
		error_free(err);
		text_page(page);
		codec_destroy(c);
	}
	struct error *err = codec_decompress(0x40, junk, sizeof(junk), page, PAGE);
	CHECK(err != NULL);
	error_free(err);
	free(out);
}

TEST(unknown_method_is_refused)
{
	struct codec *c = NULL;
	struct error *err = codec_create(0x8, PAGE, &c);

	CHECK(err != NULL);
	if (err)
		CHECK_EQ(err->code, ERR_USAGE);
	error_free(err);
	err = codec_create(DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO, PAGE, &c);
	CHECK(err != NULL);
	error_free(err);
}

TEST(names_and_bound)
{
	CHECK_STR(codec_name(DUMP_DH_COMPRESSED_ZLIB), "zlib");
	CHECK_STR(codec_name(DUMP_DH_COMPRESSED_LZO), "lzo");
	CHECK_STR(codec_name(DUMP_DH_COMPRESSED_SNAPPY), "snappy");
	CHECK_STR(codec_name(DUMP_DH_COMPRESSED_ZSTD), "zstd");
	CHECK(codec_bound(PAGE) >= PAGE + PAGE / 16 + 64 + 3);
	CHECK(codec_bound(PAGE) >= compressBound(PAGE));
}
