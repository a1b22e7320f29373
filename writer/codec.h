/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-page compression as the kdump-compressed format defines it: each
 * page is compressed on its own with the parameters makedumpfile uses, so
 * that our output is byte-identical to its output for the same input.
 * A codec holds per-thread state; use one per thread.
 */
#ifndef MDF_WRITER_CODEC_H
#define MDF_WRITER_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;

/* Values of disk_dump_header.status and page_desc.flags. */
enum {
	DUMP_DH_COMPRESSED_ZLIB = 0x1,
	DUMP_DH_COMPRESSED_LZO = 0x2,
	DUMP_DH_COMPRESSED_SNAPPY = 0x4,
	DUMP_DH_COMPRESSED_INCOMPLETE = 0x8,
	DUMP_DH_EXCLUDED_VMEMMAP = 0x10,
	DUMP_DH_COMPRESSED_ZSTD = 0x20,
};

#define DUMP_DH_COMPRESSED_MASK \
	(DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO | \
	 DUMP_DH_COMPRESSED_SNAPPY | DUMP_DH_COMPRESSED_ZSTD)

struct codec;

/* @method is one DUMP_DH_COMPRESSED_* value, or 0 for none. */
struct error *codec_create(unsigned int method, size_t page_size,
			   struct codec **out);
void codec_destroy(struct codec *c);

/* Worst-case output size for one page, to size buffers. */
size_t codec_bound(size_t page_size);

/*
 * Compress one page into @out (at least codec_bound() bytes).  Returns
 * the method flag when the result is strictly smaller than the page, or 0
 * when the page should be stored raw.
 */
unsigned int codec_compress(struct codec *c, const uint8_t *page,
			    uint8_t *out, size_t *out_len);

/* Decompress a page stored with @method; it must yield exactly @page_size bytes. */
struct error *codec_decompress(unsigned int method, const uint8_t *in,
			       size_t in_len, uint8_t *page, size_t page_size);

const char *codec_name(unsigned int method);

#endif
