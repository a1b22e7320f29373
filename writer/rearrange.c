// SPDX-License-Identifier: GPL-2.0-or-later
#include "rearrange.h"
#include "codec.h"
#include "output.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/kdump_format.h"
#include "../lib/io.h"
#include "../lib/util.h"

#include <elf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)
/* e_flags bit of an ELF dump cut short, as makedumpfile sets it. */
#define DUMP_ELF_INCOMPLETE 0x1

/*
 * Named after makedumpfile's function so that the message reads the same:
 * "read_start_flat_header: Can't get signature of flattened format."
 */
static struct error *read_start_flat_header(int fd, const char *name,
					    struct rearrange_result *res)
{
	uint8_t hdr[FLAT_HEADER_SIZE];
	size_t got = 0;
	struct error *err;

	err = read_full(fd, hdr, sizeof(hdr), &got, name);
	res->stream_bytes += got;
	if (err)
		return err;
	if (!got)
		return ERR(ERR_FORMAT, "Can't get header of flattened format: "
			   "the standard input is empty.");
	if (got < 16 || memcmp(hdr, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)))
		return ERR(ERR_FORMAT, "Can't get signature of flattened format.");
	if (got < sizeof(hdr))
		return ERR(ERR_FORMAT, "Can't get header of flattened format: "
			   "the input ends after %zu bytes.", got);
	if (load_be64(hdr + 16) != 1)
		return ERR(ERR_FORMAT, "Can't get type of flattened format.");
	res->header_ok = true;
	return NULL;
}

/* Say in the rebuilt dump itself that it is not whole. */
static bool flag_incomplete(struct output *out)
{
	uint8_t h[KDUMP_STATUS_OFF + 4];
	struct error *err;

	if (!output_can_read(out))
		return false;
	err = output_read(out, 0, h, sizeof(h));
	if (err) {
		error_free(err);
		return false;
	}
	if (!memcmp(h, "KDUMP   ", 8)) {
		store_le32(h + KDUMP_STATUS_OFF,
			   load_le32(h + KDUMP_STATUS_OFF) | DUMP_DH_COMPRESSED_INCOMPLETE);
		err = output_write(out, KDUMP_STATUS_OFF, h + KDUMP_STATUS_OFF, 4);
	} else if (!memcmp(h, ELFMAG, SELFMAG) && h[EI_CLASS] == ELFCLASS64) {
		uint32_t flags = load_le32(h + offsetof(Elf64_Ehdr, e_flags));

		flags |= DUMP_ELF_INCOMPLETE;
		err = output_write(out, offsetof(Elf64_Ehdr, e_flags), &flags,
				   sizeof(flags));
	} else {
		return false;
	}
	if (err) {
		error_free(err);
		return false;
	}
	return true;
}

/*
 * Readers map a kdump file and find descriptors by rank in the 2nd bitmap:
 * a file that ends inside its descriptor table makes them fault.  Extend
 * it to the table's end with a hole (no disk space needed): descriptors
 * never received then read as zeros, "page missing".
 */
static void extend_to_table(struct output *out)
{
	uint8_t h[DISK_DUMP_HEADER_SIZE], *buf;
	uint64_t bs, off_bm2, half, off, n = 0;
	struct error *err;

	if (out->kind != OUTPUT_FILE || !output_can_read(out))
		return;
	err = output_read(out, 0, h, sizeof(h));
	if (err) {
		error_free(err);
		return;
	}
	bs = load_le32(h + KDUMP_BLOCK_SIZE_OFF);
	if (memcmp(h, "KDUMP   ", 8) || bs < DUMP_PAGE_SIZE_MIN ||
	    bs > DUMP_PAGE_SIZE_MAX || (bs & (bs - 1)))
		return;
	half = (uint64_t)load_le32(h + KDUMP_BITMAP_BLOCKS_OFF) / 2 * bs;
	off_bm2 = (1 + (uint64_t)load_le32(h + KDUMP_SUB_HDR_SIZE_OFF)) * bs + half;
	buf = malloc(CHUNK);
	if (!buf)
		return;
	/* Pfns marked in the 2nd bitmap each own one descriptor. */
	for (off = 0; off < half; off += CHUNK) {
		size_t len = (size_t)MIN((uint64_t)CHUNK, half - off);

		err = output_read(out, off_bm2 + off, buf, len);
		if (err) {
			error_free(err);
			break;
		}
		n += bm_count(buf, 0, (uint64_t)len * 8);
	}
	free(buf);
	output_extend(out, off_bm2 + half + n * PAGE_DESC_SIZE);
}

/* Say in the rebuilt dump, in its header, that it is not whole. */
static bool flag_rebuilt(struct output *out)
{
	bool flagged = flag_incomplete(out);

	if (flagged)
		extend_to_table(out);
	return flagged;
}

/* The stream stopped early: keep what came, mark it, and say so. */
#define CUT_SHORT(out, res)						\
	((res)->flagged = flag_rebuilt(out),				\
	 ERR(ERR_FORMAT,						\
	     "The flattened stream ended after %llu bytes, before its end marker. " \
	     "%s holds the %llu record(s) received, rebuilt, but the dump is incomplete%s.", \
	     (unsigned long long)(res)->stream_bytes, (out)->name,	\
	     (unsigned long long)(res)->records,			\
	     (res)->flagged ? " (flagged so in its header)" : ""))

struct error *rearrange(int fd, const char *fd_name, struct output *out,
			struct rearrange_result *res)
{
	uint8_t rec[16];
	uint8_t *buf;
	struct error *err;
	size_t got;

	memset(res, 0, sizeof(*res));
	err = read_start_flat_header(fd, fd_name, res);
	if (err)
		return err;
	buf = malloc(CHUNK);
	if (!buf)
		return ERR_OOM();
	for (;;) {
		uint64_t off, size, end, pos;

		got = 0;
		err = read_full(fd, rec, sizeof(rec), &got, fd_name);
		res->stream_bytes += got;
		if (err)
			break;
		if (got < sizeof(rec)) {
			err = CUT_SHORT(out, res);
			break;
		}
		off = load_be64(rec);
		size = load_be64(rec + 8);
		if (off == UINT64_MAX && size == UINT64_MAX) {
			res->complete = true;
			break;
		}
		/* Offsets and sizes are signed in the format; the end must fit too. */
		if ((int64_t)off < 0 || (int64_t)size <= 0 ||
		    add_overflows(off, size, &end) || (int64_t)end < 0) {
			err = ERR(ERR_FORMAT,
				  "Can't get valid end header of flattened format "
				  "(record %llu at stream offset %llu: offset 0x%llx, size 0x%llx).",
				  (unsigned long long)res->records,
				  (unsigned long long)(res->stream_bytes - sizeof(rec)),
				  (unsigned long long)off, (unsigned long long)size);
			break;
		}
		for (pos = 0; pos < size && !err;) {
			size_t want = (size_t)MIN((uint64_t)CHUNK, size - pos);

			got = 0;
			err = read_full(fd, buf, want, &got, fd_name);
			res->stream_bytes += got;
			if (!err && got)
				err = output_write(out, off + pos, buf, got);
			pos += got;
			if (!err && got < want) {
				res->records++;
				err = CUT_SHORT(out, res);
			}
		}
		if (err)
			break;
		res->records++;
	}
	free(buf);
	/* The disk filled up or failed: what is written stays readable. */
	if (err && res->header_ok && !res->flagged &&
	    (err->code == ERR_NOSPC || err->code == ERR_IO)) {
		res->flagged = flag_rebuilt(out);
		if (res->flagged)
			err = error_wrap(err, "%s is incomplete (flagged so in its header)",
					 out->name);
	}
	return err;
}
