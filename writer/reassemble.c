// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reassembly of split dumps (FORMATS.md §B.10).  The parts share header,
 * notes and full bitmaps; part i holds the descriptors and data of its pfn
 * range, its descriptor table starting at the common table offset and its
 * data area (opened by its own zero page when dump level has value 1) at
 * the common data offset.  The joined file takes the descriptors in pfn
 * order, rebased onto one data area with one shared zero page.
 */
#include "reassemble.h"
#include "output.h"
#include "codec.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/io.h"
#include "../lib/kdump_format.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HDR_SIZE 464
#define SUB_SIZE 104
#define DESC_SIZE 24
#define CHUNK (1u << 20)
#define DESC_CHUNK 2730		/* descriptors per read: 64 KiB */
#define DL_EXCLUDE_ZERO 1

struct part {
	const char *name;
	int fd;
	uint64_t size;
	uint8_t hdr[HDR_SIZE];
	uint8_t sub[SUB_SIZE];
	int32_t version;
	uint32_t status;
	uint32_t bs, sub_hdr_size, bitmap_blocks;
	uint64_t max_mapnr;
	uint64_t start, end;
	uint64_t off_eraseinfo, size_eraseinfo;
};

struct job {
	struct part *p;
	unsigned int n;
	struct output *out;
	struct printer *pr;
	uint64_t bs, max_mapnr, off_bitmap2, bitmap_half, off_table, off_data;
	uint64_t num_dumpable;
	uint32_t dump_level;
	uint8_t *buf, *dbuf, *pbuf, *bm;
	size_t dlen, plen;
	uint64_t data_pos, data_flushed, desc_pos;
	uint64_t done;
};

static struct error *read_part_header(struct part *p)
{
	struct error *err;
	int32_t bs, shs;

	err = file_size_of(p->fd, p->name, &p->size);
	if (err)
		return err;
	if (p->size < HDR_SIZE)
		return ERR(ERR_FORMAT, "%s is too short for a kdump-compressed dump", p->name);
	err = pread_full(p->fd, p->hdr, HDR_SIZE, 0, p->name);
	if (err)
		return err;
	if (!memcmp(p->hdr, "makedumpfile", 12))
		return ERR(ERR_FORMAT,
			   "%s is a flattened stream; rebuild it with `makedumpfile -R' first",
			   p->name);
	if (memcmp(p->hdr, "KDUMP   ", 8))
		return ERR(ERR_FORMAT, "%s is not a kdump-compressed dump", p->name);
	p->version = (int32_t)load_le32(p->hdr + 8);
	p->status = load_le32(p->hdr + KDUMP_STATUS_OFF);
	bs = (int32_t)load_le32(p->hdr + KDUMP_BLOCK_SIZE_OFF);
	shs = (int32_t)load_le32(p->hdr + KDUMP_SUB_HDR_SIZE_OFF);
	p->bitmap_blocks = load_le32(p->hdr + KDUMP_BITMAP_BLOCKS_OFF);
	if (bs < (int32_t)DUMP_PAGE_SIZE_MIN || bs > (int32_t)DUMP_PAGE_SIZE_MAX ||
	    !is_power_of_2((uint64_t)bs))
		return ERR(ERR_FORMAT, "%s: implausible block size %d", p->name, bs);
	p->bs = (uint32_t)bs;
	if (shs < 1 || (uint64_t)shs > (64u << 20) / p->bs)
		return ERR(ERR_FORMAT, "%s: implausible sub header size %d", p->name, shs);
	p->sub_hdr_size = (uint32_t)shs;
	if (p->version < 2)
		return ERR(ERR_FORMAT, "%s: header version %d has no split fields",
			   p->name, p->version);
	if (!range_in(p->bs, SUB_SIZE, p->size))
		return ERR(ERR_FORMAT, "%s is truncated in its sub header", p->name);
	err = pread_full(p->fd, p->sub, SUB_SIZE, p->bs, p->name);
	if (err)
		return err;
	if (load_le32(p->sub + 12) != 1)
		return ERR(ERR_FORMAT, "%s is not part of a split dump", p->name);
	if (p->version >= 6) {
		p->max_mapnr = load_le64(p->sub + 96);
		p->start = load_le64(p->sub + 80);
		p->end = load_le64(p->sub + 88);
	} else {
		p->max_mapnr = load_le32(p->hdr + 440);
		p->start = load_le64(p->sub + 16);
		p->end = load_le64(p->sub + 24);
	}
	if (p->version >= 5) {
		p->off_eraseinfo = load_le64(p->sub + 64);
		p->size_eraseinfo = load_le64(p->sub + 72);
		if (p->size_eraseinfo > (64u << 20) ||
		    !range_in(p->off_eraseinfo, p->size_eraseinfo, p->size))
			return ERR(ERR_FORMAT, "%s: eraseinfo lies outside the file", p->name);
	}
	if (p->start > p->end || p->end > p->max_mapnr)
		return ERR(ERR_FORMAT, "%s: split range 0x%llx-0x%llx is outside the dump",
			   p->name, (unsigned long long)p->start,
			   (unsigned long long)p->end);
	if ((uint64_t)p->bitmap_blocks * p->bs < 2 * DIV_ROUND_UP(p->max_mapnr, 8) ||
	    !range_in((1 + (uint64_t)p->sub_hdr_size) * p->bs,
		      (uint64_t)p->bitmap_blocks * p->bs, p->size))
		return ERR(ERR_FORMAT, "%s: the bitmaps are truncated or too small", p->name);
	return NULL;
}

static int cmp_part(const void *a, const void *b)
{
	const struct part *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* The parts must come from one run and cover pfns 0..max_mapnr exactly. */
static struct error *check_set(struct job *j)
{
	uint8_t a[HDR_SIZE], b[HDR_SIZE];
	uint64_t end = 0;
	unsigned int i;

	for (i = 0; i < j->n; i++) {
		const struct part *p = &j->p[i];

		memcpy(a, j->p[0].hdr, HDR_SIZE);
		memcpy(b, p->hdr, HDR_SIZE);
		/* A part cut short differs only by its incomplete flag. */
		store_le32(a + 424, load_le32(a + 424) & ~DUMP_DH_COMPRESSED_INCOMPLETE);
		store_le32(b + 424, load_le32(b + 424) & ~DUMP_DH_COMPRESSED_INCOMPLETE);
		if (memcmp(a, b, HDR_SIZE) || p->max_mapnr != j->p[0].max_mapnr ||
		    load_le32(p->sub + 8) != load_le32(j->p[0].sub + 8))
			return ERR(ERR_FORMAT, "Invalid dumpfile(%s): it is not part of the same "
				   "split dump as %s.", p->name, j->p[0].name);
		if (i && p->start < end)
			return ERR(ERR_FORMAT, "%s (pfn 0x%llx-0x%llx) overlaps %s: "
				   "a file given twice, or parts of different runs?",
				   p->name, (unsigned long long)p->start,
				   (unsigned long long)p->end, j->p[i - 1].name);
		if (p->start != end)
			return ERR(ERR_FORMAT,
				   "There is not dumpfile corresponding to pfn 0x%llx - 0x%llx.",
				   (unsigned long long)end, (unsigned long long)p->start);
		end = p->end;
	}
	if (end != j->p[0].max_mapnr)
		return ERR(ERR_FORMAT,
			   "There is not dumpfile corresponding to pfn 0x%llx - 0x%llx.",
			   (unsigned long long)end, (unsigned long long)j->p[0].max_mapnr);
	return NULL;
}

/* Copy bytes [off, off+len) of part 0 to the same place, skipping zero chunks. */
static struct error *copy_region(struct job *j, uint64_t off, uint64_t len,
				 bool sparse)
{
	struct error *err;

	while (len) {
		size_t n = (size_t)MIN((uint64_t)CHUNK, len);

		err = pread_full(j->p[0].fd, j->buf, n, off, j->p[0].name);
		if (err)
			return err;
		/* The output is new: an all-zero chunk may stay a hole. */
		if (!sparse || n != CHUNK || !mem_is_zero(j->buf, n)) {
			err = output_write(j->out, off, j->buf, n);
			if (err)
				return err;
		}
		off += n;
		len -= n;
	}
	return NULL;
}

static struct error *count_dumpable(struct job *j)
{
	uint64_t pfn;
	struct error *err;

	for (pfn = 0; pfn < j->max_mapnr; pfn += (uint64_t)CHUNK * 8) {
		uint64_t e = MIN(pfn + (uint64_t)CHUNK * 8, j->max_mapnr);

		err = pread_full(j->p[0].fd, j->bm, DIV_ROUND_UP(e - pfn, 8),
				 j->off_bitmap2 + pfn / 8, j->p[0].name);
		if (err)
			return err;
		j->num_dumpable += bm_count(j->bm, 0, e - pfn);
	}
	return NULL;
}

static struct error *flush(struct job *j)
{
	struct error *err;

	err = output_write(j->out, j->data_flushed, j->dbuf, j->dlen);
	if (err)
		return err;
	j->data_flushed += j->dlen;
	j->dlen = 0;
	err = output_write(j->out, j->desc_pos, j->pbuf, j->plen);
	if (err)
		return err;
	j->desc_pos += j->plen;
	j->plen = 0;
	return NULL;
}

static struct error *put_desc(struct job *j, uint64_t off, uint32_t size,
			      uint32_t flags, uint64_t page_flags)
{
	struct error *err;

	if (j->plen + DESC_SIZE > (size_t)DESC_CHUNK * DESC_SIZE) {
		err = flush(j);
		if (err)
			return err;
	}
	store_le64(j->pbuf + j->plen, off);
	store_le32(j->pbuf + j->plen + 8, size);
	store_le32(j->pbuf + j->plen + 12, flags);
	store_le64(j->pbuf + j->plen + 16, page_flags);
	j->plen += DESC_SIZE;
	return NULL;
}

/* One part's descriptors and data, in pfn order. */
static struct error *copy_pages(struct job *j, struct part *p, bool *incomplete)
{
	uint8_t *descs = j->buf;	/* DESC_CHUNK descriptors */
	uint64_t k = 0, have = 0, first = 0, pfn = p->start;
	struct error *err;

	while (pfn < p->end) {
		uint64_t blk = ROUND_DOWN(pfn, (uint64_t)CHUNK * 8);
		uint64_t e = MIN(blk + (uint64_t)CHUNK * 8, p->end);

		err = pread_full(j->p[0].fd, j->bm, DIV_ROUND_UP(e - blk, 8),
				 j->off_bitmap2 + blk / 8, j->p[0].name);
		if (err)
			return err;
		for (;;) {
			uint64_t off, pfl;
			uint32_t size, flags;
			const uint8_t *d;

			pfn = blk + bm_next_set(j->bm, pfn - blk, e - blk);
			if (pfn >= e)
				break;
			if (k >= first + have) {
				uint64_t want = MIN((uint64_t)DESC_CHUNK, j->num_dumpable - k);
				uint64_t at = j->off_table + k * DESC_SIZE;

				uint64_t avail = at < p->size ? MIN(p->size - at, want * DESC_SIZE) : 0;

				if (!want)
					return ERR(ERR_FORMAT, "%s: more pages than descriptors",
						   p->name);
				/* A part cut short lacks the tail of its table: missing pages. */
				memset(descs, 0, want * DESC_SIZE);
				err = pread_full(p->fd, descs, avail, at, p->name);
				if (err)
					return err;
				first = k;
				have = want;
			}
			d = descs + (k - first) * DESC_SIZE;
			off = load_le64(d);
			size = load_le32(d + 8);
			flags = load_le32(d + 12);
			pfl = load_le64(d + 16);
			k++;
			pfn++;
			j->done++;
			if (!(j->done & 1023))
				progress_update(j->pr, "Copying data", j->done,
						j->num_dumpable, false);
			if ((j->dump_level & DL_EXCLUDE_ZERO) && off == j->off_data) {
				err = put_desc(j, j->off_data, (uint32_t)j->bs, 0, 0);
			} else if (off == 0 || size == 0 || size > j->bs ||
				   !range_in(off, size, p->size)) {
				/* A page the part never got: it stays missing. */
				*incomplete = true;
				err = put_desc(j, 0, 0, 0, 0);
			} else {
				if (j->dlen + size > CHUNK) {
					err = flush(j);
					if (err)
						return err;
				}
				err = pread_full(p->fd, j->dbuf + j->dlen, size, off, p->name);
				if (err)
					return err;
				/* Account for the bytes first: put_desc() may flush. */
				j->dlen += size;
				j->data_pos += size;
				err = put_desc(j, j->data_pos - size, size, flags, pfl);
			}
			if (err)
				return err;
		}
		pfn = e;
	}
	return NULL;
}

/*
 * makedumpfile concatenates the parts' eraseinfo; since every part carries
 * the whole dump's, one copy is what the unsplit dump holds.
 */
static struct error *copy_eraseinfo(struct job *j, uint8_t *sub)
{
	uint64_t off = j->data_pos, total = 0;
	uint8_t *first = NULL;
	bool all_same = true;
	struct error *err = NULL;
	unsigned int i;

	for (i = 0; i < j->n && !err; i++) {
		struct part *p = &j->p[i];
		uint8_t *t;

		if (!p->size_eraseinfo)
			continue;
		t = malloc(p->size_eraseinfo);
		if (!t)
			return ERR_OOM();
		err = pread_full(p->fd, t, p->size_eraseinfo, p->off_eraseinfo, p->name);
		if (!err && !first) {
			first = t;
			total = p->size_eraseinfo;
			continue;
		}
		if (!err && (p->size_eraseinfo != total || memcmp(first, t, total)))
			all_same = false;
		free(t);
	}
	free(first);
	if (err || !total)
		return err;
	for (i = 0; i < j->n && !err; i++) {
		struct part *p = &j->p[i];
		uint64_t len = p->size_eraseinfo;

		if (!len)
			continue;
		err = pread_full(p->fd, j->buf, MIN(len, (uint64_t)CHUNK), p->off_eraseinfo, p->name);
		for (uint64_t pos = 0; !err && pos < len;) {
			uint64_t n = MIN(len - pos, (uint64_t)CHUNK);

			if (pos)
				err = pread_full(p->fd, j->buf, n, p->off_eraseinfo + pos, p->name);
			if (!err)
				err = output_write(j->out, j->data_pos, j->buf, n);
			j->data_pos += n;
			pos += n;
		}
		if (all_same)
			break;
	}
	if (err)
		return err;
	store_le64(sub + 64, off);
	store_le64(sub + 72, j->data_pos - off);
	return output_write(j->out, j->bs, sub, SUB_SIZE);
}

static struct error *join(struct job *j, bool *incomplete)
{
	const struct part *p0 = &j->p[0];
	uint8_t hdr[HDR_SIZE], sub[SUB_SIZE];
	uint64_t off_bitmap1, size_note, off_note;
	struct error *err;
	unsigned int i;

	j->bs = p0->bs;
	j->max_mapnr = p0->max_mapnr;
	j->dump_level = load_le32(p0->sub + 8);
	off_bitmap1 = (1 + (uint64_t)p0->sub_hdr_size) * j->bs;
	j->bitmap_half = (uint64_t)p0->bitmap_blocks * j->bs / 2;
	j->off_bitmap2 = off_bitmap1 + j->bitmap_half;
	j->off_table = off_bitmap1 + 2 * j->bitmap_half;
	err = count_dumpable(j);
	if (err)
		return err;
	j->off_data = j->off_table + DESC_SIZE * j->num_dumpable;

	/* The header of a part cut short, so that the result says so too. */
	memcpy(hdr, p0->hdr, HDR_SIZE);
	for (i = 0; i < j->n; i++)
		if (j->p[i].status & DUMP_DH_COMPRESSED_INCOMPLETE) {
			memcpy(hdr, j->p[i].hdr, HDR_SIZE);
			*incomplete = true;
			break;
		}
	memcpy(sub, p0->sub, SUB_SIZE);
	store_le32(sub + 12, 0);
	store_le64(sub + 16, 0);
	store_le64(sub + 24, 0);
	store_le64(sub + 64, 0);
	store_le64(sub + 72, 0);
	if (p0->version >= 6) {
		store_le64(sub + 80, 0);
		store_le64(sub + 88, 0);
	}
	err = output_write(j->out, 0, hdr, HDR_SIZE);
	if (!err)
		err = output_write(j->out, j->bs, sub, SUB_SIZE);
	if (err)
		return err;
	off_note = p0->version >= 4 ? load_le64(p0->sub + 48) : 0;
	size_note = p0->version >= 4 ? load_le64(p0->sub + 56) : 0;
	if (size_note) {
		if (off_note != j->bs + SUB_SIZE ||
		    !range_in(off_note, size_note, off_bitmap1))
			return ERR(ERR_FORMAT, "%s: the notes lie outside the sub header blocks",
				   p0->name);
		err = copy_region(j, off_note, size_note, false);
	} else if (p0->version >= 3 && load_le64(p0->sub + 40)) {
		uint64_t off = load_le64(p0->sub + 32), len = load_le64(p0->sub + 40);

		if (!range_in(off, len, off_bitmap1) || off < j->bs + SUB_SIZE)
			return ERR(ERR_FORMAT, "%s: VMCOREINFO lies outside the sub header blocks",
				   p0->name);
		err = copy_region(j, off, len, false);
	}
	if (!err)
		err = copy_region(j, off_bitmap1, 2 * j->bitmap_half, true);
	if (err)
		return err;

	j->desc_pos = j->off_table;
	j->data_pos = j->data_flushed = j->off_data;
	if (j->dump_level & DL_EXCLUDE_ZERO) {
		memset(j->dbuf, 0, j->bs);
		j->dlen = j->bs;
		j->data_pos += j->bs;
	}
	progress_begin(j->pr);
	for (i = 0; i < j->n && !err; i++)
		err = copy_pages(j, &j->p[i], incomplete);
	if (!err)
		err = flush(j);
	progress_done(j->pr, "Copying data");
	if (!err)
		err = copy_eraseinfo(j, sub);
	/* Pages missing from a part are missing here too: say so in the header. */
	if (!err && *incomplete) {
		store_le32(hdr + 424, load_le32(hdr + 424) | DUMP_DH_COMPRESSED_INCOMPLETE);
		err = output_write(j->out, 0, hdr, HDR_SIZE);
	}
	return err;
}

struct error *reassemble(const char *const *parts, unsigned int n,
			 struct output *out, struct printer *pr,
			 bool *incomplete)
{
	struct job j = { .n = n, .out = out, .pr = pr };
	struct error *err = NULL;
	unsigned int i;

	*incomplete = false;
	j.p = calloc(n, sizeof(*j.p));
	j.buf = malloc(CHUNK);
	j.dbuf = malloc(CHUNK + (1u << 18));
	j.pbuf = malloc((size_t)DESC_CHUNK * DESC_SIZE);
	j.bm = malloc(CHUNK);
	if (!j.p || !j.buf || !j.dbuf || !j.pbuf || !j.bm) {
		err = ERR_OOM();
		goto out;
	}
	for (i = 0; i < n; i++)
		j.p[i].fd = -1;
	for (i = 0; i < n && !err; i++) {
		j.p[i].name = parts[i];
		j.p[i].fd = open(parts[i], O_RDONLY | O_CLOEXEC);
		if (j.p[i].fd < 0)
			err = ERR_ERRNO(ERR_IO, errno, "Can't open a file(%s). %s",
					parts[i], strerror(errno));
		else
			err = read_part_header(&j.p[i]);
	}
	if (err)
		goto out;
	qsort(j.p, n, sizeof(*j.p), cmp_part);
	for (i = 0; i < n; i++)
		msg_debug(pr, "dumpfile (%s)\n  start_pfn  : %llx\n  end_pfn    : %llx\n",
			  j.p[i].name, (unsigned long long)j.p[i].start,
			  (unsigned long long)j.p[i].end);
	err = check_set(&j);
	if (!err)
		err = join(&j, incomplete);
out:
	for (i = 0; j.p && i < n; i++)
		if (j.p[i].fd >= 0)
			close(j.p[i].fd);
	free(j.p);
	free(j.buf);
	free(j.dbuf);
	free(j.pbuf);
	free(j.bm);
	return err;
}
