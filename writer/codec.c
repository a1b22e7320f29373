// SPDX-License-Identifier: GPL-2.0-or-later
#include "codec.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <lzo1x.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#ifdef HAVE_LIBDEFLATE
#include <libdeflate.h>

/*
 * zlib pages come from two encoders, both writing one zlib stream per
 * page (bench/RESULTS.md has the measurements behind every number here).
 * libdeflate at level 2: the fastest level never larger than zlib's level
 * 1, what makedumpfile writes (level 1 is up to 1.9% larger on the real
 * dumps, level 2 3-5% smaller).  But libdeflate sets up its tables on
 * every call, which makes it 2x slower than a reused zlib stream on pages
 * that are mostly runs (zeros, fills, sparse structures): those go to
 * zlib, whose output for them is makedumpfile's own.  A page is "mostly
 * runs" when at least 3/4 of its 8-byte words repeat their predecessor.
 */
#define DEFLATE_LEVEL 2
#define RUNS_SHIFT 2	/* a quarter of the words may differ */
#endif

struct codec {
	unsigned int method;
	size_t page_size;
#ifdef HAVE_LIBDEFLATE
	struct libdeflate_compressor *deflater;
#endif
	z_stream zs;
	bool zs_ready;
	void *lzo_wrkmem;
	ZSTD_CCtx *zctx;
};

size_t codec_bound(size_t page_size)
{
	size_t b = compressBound(page_size);

	b = MAX(b, page_size + page_size / 16 + 64 + 3);	/* LZO1X worst case */
	b = MAX(b, snappy_max_compressed_length(page_size));
	b = MAX(b, ZSTD_compressBound(page_size));
	return b;
}

const char *codec_name(unsigned int method)
{
	switch (method) {
	case DUMP_DH_COMPRESSED_ZLIB:
		return "zlib";
	case DUMP_DH_COMPRESSED_LZO:
		return "lzo";
	case DUMP_DH_COMPRESSED_SNAPPY:
		return "snappy";
	case DUMP_DH_COMPRESSED_ZSTD:
		return "zstd";
	default:
		return "none";
	}
}

struct error *codec_create(unsigned int method, size_t page_size,
			   struct codec **out)
{
	struct codec *c = calloc(1, sizeof(*c));

	if (!c)
		return ERR_OOM();
	c->method = method;
	c->page_size = page_size;
	switch (method) {
	case 0:
		break;
	case DUMP_DH_COMPRESSED_ZLIB:
#ifdef HAVE_LIBDEFLATE
		c->deflater = libdeflate_alloc_compressor(DEFLATE_LEVEL);
		if (!c->deflater) {
			free(c);
			return ERR_OOM();
		}
#endif
		/* Level 1, default window and memLevel, zlib wrapper: as makedumpfile. */
		if (deflateInit(&c->zs, Z_BEST_SPEED) != Z_OK) {
			codec_destroy(c);
			return ERR(ERR_NOMEM, "deflateInit failed");
		}
		c->zs_ready = true;
		break;
	case DUMP_DH_COMPRESSED_LZO:
		if (lzo_init() != LZO_E_OK) {
			free(c);
			return ERR(ERR_UNSUPPORTED, "lzo_init failed");
		}
		c->lzo_wrkmem = malloc(LZO1X_1_MEM_COMPRESS);
		if (!c->lzo_wrkmem) {
			free(c);
			return ERR_OOM();
		}
		break;
	case DUMP_DH_COMPRESSED_SNAPPY:
		break;
	case DUMP_DH_COMPRESSED_ZSTD:
		c->zctx = ZSTD_createCCtx();
		if (!c->zctx) {
			free(c);
			return ERR_OOM();
		}
		break;
	default:
		free(c);
		return ERR(ERR_USAGE, "unknown compression method 0x%x", method);
	}
	*out = c;
	return NULL;
}

void codec_destroy(struct codec *c)
{
	if (!c)
		return;
#ifdef HAVE_LIBDEFLATE
	libdeflate_free_compressor(c->deflater);
#endif
	if (c->zs_ready)
		deflateEnd(&c->zs);
	free(c->lzo_wrkmem);
	ZSTD_freeCCtx(c->zctx);
	free(c);
}

#ifdef HAVE_LIBDEFLATE
/* At least 3/4 of the page's 8-byte words equal the word before them. */
static bool mostly_runs(const uint8_t *page, size_t len)
{
	size_t words = len / 8, same = 0, i;
	uint64_t prev, w;

	memcpy(&prev, page, 8);
	for (i = 1; i < words; i++) {
		memcpy(&w, page + 8 * i, 8);
		same += w == prev;
		prev = w;
	}
	return same >= words - (words >> RUNS_SHIFT);
}
#endif

/*
 * One page as one zlib stream (header, deflate data, Adler-32).  @len is
 * the room in @out on entry: less than a page, so that a page that does
 * not shrink gives up early instead of being compressed to the end.
 */
static bool zlib_page(struct codec *c, const uint8_t *in, uint8_t *out,
		      size_t *len)
{
	int rc;

#ifdef HAVE_LIBDEFLATE
	if (!mostly_runs(in, c->page_size)) {
		*len = libdeflate_zlib_compress(c->deflater, in, c->page_size,
						out, *len);
		return *len != 0;
	}
#endif
	c->zs.next_in = (Bytef *)in;
	c->zs.avail_in = (uInt)c->page_size;
	c->zs.next_out = out;
	c->zs.avail_out = (uInt)*len;
	rc = deflate(&c->zs, Z_FINISH);
	*len = c->zs.total_out;
	deflateReset(&c->zs);
	return rc == Z_STREAM_END;
}

unsigned int codec_compress(struct codec *c, const uint8_t *page,
			    uint8_t *out, size_t *out_len)
{
	/* Only a result smaller than the page is kept. */
	size_t cap = c->page_size - 1;
	size_t len = cap;
	bool ok = false;

	switch (c->method) {
	case DUMP_DH_COMPRESSED_ZLIB:
		ok = zlib_page(c, page, out, &len);
		break;
	case DUMP_DH_COMPRESSED_LZO: {
		lzo_uint l = 0;

		ok = lzo1x_1_compress(page, c->page_size, out, &l,
				      c->lzo_wrkmem) == LZO_E_OK;
		len = l;
		break;
	}
	case DUMP_DH_COMPRESSED_SNAPPY:
		/* snappy insists on room for its worst case; LZO assumes it. */
		len = codec_bound(c->page_size);
		ok = snappy_compress((const char *)page, c->page_size,
				     (char *)out, &len) == SNAPPY_OK;
		break;
	case DUMP_DH_COMPRESSED_ZSTD:
		len = ZSTD_compressCCtx(c->zctx, out, cap, page, c->page_size, 1);
		ok = !ZSTD_isError(len);
		break;
	default:
		return 0;
	}
	if (!ok || len >= c->page_size)
		return 0;
	*out_len = len;
	return c->method;
}

struct error *codec_decompress(unsigned int method, const uint8_t *in,
			       size_t in_len, uint8_t *page, size_t page_size)
{
	size_t got = page_size;

	switch (method) {
	case DUMP_DH_COMPRESSED_ZLIB: {
		uLongf l = page_size;

		if (uncompress(page, &l, in, in_len) != Z_OK)
			return ERR(ERR_FORMAT, "zlib page data is corrupt");
		got = l;
		break;
	}
	case DUMP_DH_COMPRESSED_LZO: {
		lzo_uint l = page_size;

		if (lzo1x_decompress_safe(in, in_len, page, &l, NULL) != LZO_E_OK)
			return ERR(ERR_FORMAT, "lzo page data is corrupt");
		got = l;
		break;
	}
	case DUMP_DH_COMPRESSED_SNAPPY: {
		size_t l = page_size;

		if (snappy_uncompressed_length((const char *)in, in_len, &l) != SNAPPY_OK ||
		    l != page_size ||
		    snappy_uncompress((const char *)in, in_len, (char *)page, &l) != SNAPPY_OK)
			return ERR(ERR_FORMAT, "snappy page data is corrupt");
		got = l;
		break;
	}
	case DUMP_DH_COMPRESSED_ZSTD: {
		size_t l = ZSTD_decompress(page, page_size, in, in_len);

		if (ZSTD_isError(l))
			return ERR(ERR_FORMAT, "zstd page data is corrupt: %s",
				   ZSTD_getErrorName(l));
		got = l;
		break;
	}
	default:
		return ERR(ERR_FORMAT, "unknown page compression 0x%x", method);
	}
	if (got != page_size)
		return ERR(ERR_FORMAT, "page decompressed to %zu bytes, not %zu",
			   got, page_size);
	return NULL;
}
