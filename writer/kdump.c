// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kdump-compressed format (FORMATS.md §B): header block, sub header
 * with the notes, both bitmaps, page descriptors, then page data.
 *
 * Bitmaps are built window by window (bounded memory).  When one window
 * covers the dump, its 2nd bitmap is kept for the page pass: one scan of
 * the struct pages instead of two.  Otherwise the page pass reads the
 * bitmap back from the output file, or rebuilds it for a stream.
 */
#include "writer.h"
#include "codec.h"
#include "output.h"
#include "pipeline.h"
#include "../filter/filter.h"
#include "../kernel/kernel.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/kdump_format.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../reader/source.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEADER_VERSION 6
#define DESC_CACHE (64u << 10)
/* Stop complaining about unreadable pages after this many. */
#define MAX_READ_WARNINGS 8
/*
 * All-zero bitmap stretches this long are left as holes: memory far above
 * the rest (a pmem namespace at 16 TiB) then costs no disk and no writes.
 * Shorter ones are written, as makedumpfile does, so "Write bytes" agrees.
 */
#define BITMAP_HOLE_MIN (1u << 20)
/* Zeros are written, and zero stretches found, this many bytes at a time. */
#define ZERO_CHUNK 4096

struct layout {
	uint32_t bs;
	uint32_t sub_hdr_size;		/* blocks */
	uint64_t bitmap_half;		/* bytes per bitmap, whole blocks */
	uint64_t off_bitmap1, off_bitmap2;
	uint64_t off_table;
	uint64_t num_dumpable;
	uint64_t off_data;
	uint64_t max_mapnr;
};

struct kdump_writer {
	const struct write_params *wp;
	struct layout l;
	uint32_t status;

	struct filter_bitmaps bm;	/* one window */
	bool bm2_whole;			/* bm.bm2 holds the whole dump */
	uint64_t *win_dumpable;		/* pages to write, per window */

	/* Page data is written straight from the pipeline's batch buffers. */
	const uint8_t *blk;		/* unwritten data of the current batch */
	size_t blk_len;
	uint64_t blk_off;		/* file offset of blk[0] */
	uint8_t *pbuf;			/* descriptors not yet written */
	size_t plen;
	uint64_t data_pos;		/* offset of the next data byte */
	uint64_t data_done;		/* data before this offset is written */
	uint64_t desc_pos;		/* offset of pbuf[0] */
	uint8_t zero_desc[PAGE_DESC_SIZE];

	uint64_t num_dumped;
	uint64_t unreadable;
	struct timespec copy_start;
};

static void put_desc(uint8_t *p, uint64_t off, uint32_t size, uint32_t flags)
{
	store_le64(p, off);
	store_le32(p + 8, size);
	store_le32(p + 12, flags);
	store_le64(p + 16, 0);
}

static void build_header(const struct kdump_writer *w, uint8_t *h)
{
	const struct write_params *wp = w->wp;

	memset(h, 0, DISK_DUMP_HEADER_SIZE);
	memcpy(h, "KDUMP   ", 8);
	store_le32(h + 8, HEADER_VERSION);
	memcpy(h + 12, wp->k->utsname, UTSNAME_SIZE);
	store_le64(h + 408, (uint64_t)wp->timestamp_sec);
	store_le64(h + 416, (uint64_t)wp->timestamp_usec);
	store_le32(h + KDUMP_STATUS_OFF, w->status);
	store_le32(h + KDUMP_BLOCK_SIZE_OFF, w->l.bs);
	store_le32(h + KDUMP_SUB_HDR_SIZE_OFF, w->l.sub_hdr_size);
	store_le32(h + KDUMP_BITMAP_BLOCKS_OFF, (uint32_t)(2 * w->l.bitmap_half / w->l.bs));
	store_le32(h + 440, (uint32_t)MIN(w->l.max_mapnr, 0xffffffffull));
	store_le32(h + 460, (uint32_t)wp->nr_cpus);
}

static void build_sub_header(const struct kdump_writer *w, uint8_t *s,
			     uint64_t off_eraseinfo)
{
	const struct write_params *wp = w->wp;
	uint64_t bs = w->l.bs;

	memset(s, 0, SUB_HEADER_SIZE);
	store_le64(s + 0, wp->k->phys_base);
	store_le32(s + 8, wp->dump_level);
	if (wp->split) {
		store_le32(s + 12, 1);
		store_le64(s + 16, MIN(wp->split_start, 0xffffffffull));
		store_le64(s + 24, MIN(wp->split_end, 0xffffffffull));
		store_le64(s + 80, wp->split_start);
		store_le64(s + 88, wp->split_end);
	}
	if (wp->notes_size) {
		if (wp->vmcoreinfo_size) {
			store_le64(s + 32, bs + SUB_HEADER_SIZE + wp->vmcoreinfo_off);
			store_le64(s + 40, wp->vmcoreinfo_size);
		}
		store_le64(s + 48, bs + SUB_HEADER_SIZE);
		store_le64(s + 56, wp->notes_size);
	}
	if (wp->eraseinfo_size && off_eraseinfo) {
		store_le64(s + 64, off_eraseinfo);
		store_le64(s + 72, wp->eraseinfo_size);
	}
	store_le64(s + 96, w->l.max_mapnr);
}

static struct error *write_headers(struct kdump_writer *w, uint64_t off_eraseinfo)
{
	const struct write_params *wp = w->wp;
	uint8_t h[DISK_DUMP_HEADER_SIZE], s[SUB_HEADER_SIZE];
	struct error *err;

	build_header(w, h);
	err = output_write(wp->out, 0, h, sizeof(h));
	if (err)
		return err;
	if (wp->notes_size) {
		err = output_write(wp->out, w->l.bs + SUB_HEADER_SIZE, wp->notes,
				   wp->notes_size);
		if (err)
			return err;
	}
	build_sub_header(w, s, off_eraseinfo);
	return output_write(wp->out, w->l.bs, s, sizeof(s));
}

static void compute_layout(struct kdump_writer *w)
{
	const struct write_params *wp = w->wp;
	struct layout *l = &w->l;

	l->bs = wp->k->page_size;
	l->max_mapnr = wp->k->max_mapnr;
	l->sub_hdr_size = (uint32_t)DIV_ROUND_UP(SUB_HEADER_SIZE + wp->notes_size, l->bs);
	l->bitmap_half = ROUND_UP(DIV_ROUND_UP(l->max_mapnr, 8), (uint64_t)l->bs);
	if (!l->bitmap_half)
		l->bitmap_half = l->bs;
	l->off_bitmap1 = (uint64_t)(1 + l->sub_hdr_size) * l->bs;
	l->off_bitmap2 = l->off_bitmap1 + l->bitmap_half;
	l->off_table = l->off_bitmap2 + l->bitmap_half;
}

/* Both bitmaps beyond max_mapnr: zero, written so streams carry them too. */
static struct error *write_bitmap_tails(struct kdump_writer *w)
{
	const struct layout *l = &w->l;
	uint64_t used = DIV_ROUND_UP(l->max_mapnr, 8);
	uint64_t pos;
	static const uint8_t zeros[ZERO_CHUNK];
	struct error *err = NULL;
	int half;

	for (half = 0; half < 2 && !err; half++) {
		uint64_t base = half ? l->off_bitmap2 : l->off_bitmap1;

		for (pos = used; pos < l->bitmap_half && !err;) {
			uint64_t n = MIN((uint64_t)sizeof(zeros), l->bitmap_half - pos);

			err = output_write(w->wp->out, base + pos, zeros, n);
			pos += n;
		}
	}
	return err;
}

/* Write one window's bitmap bytes, leaving long zero stretches as holes. */
static struct error *write_bitmap(struct output *out, uint64_t off,
				  const uint8_t *bm, uint64_t len)
{
	uint64_t pos = 0, chunk = 0;
	struct error *err;

	while (pos < len) {
		uint64_t z = pos;

		while (z < len && mem_is_zero(bm + z, MIN((uint64_t)ZERO_CHUNK, len - z)))
			z = MIN(z + ZERO_CHUNK, len);
		if (z - pos < BITMAP_HOLE_MIN) {
			pos = z == pos ? MIN(pos + ZERO_CHUNK, len) : z;
			continue;
		}
		if (pos > chunk) {
			err = output_write(out, off + chunk, bm + chunk, pos - chunk);
			if (err)
				return err;
		}
		chunk = pos = z;
	}
	return pos > chunk ? output_write(out, off + chunk, bm + chunk, pos - chunk)
			   : NULL;
}

static struct error *bitmap_pass(struct kdump_writer *w)
{
	const struct write_params *wp = w->wp;
	struct timespec t0;
	uint64_t start, i = 0;
	struct error *err = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	filter_rewind(wp->filter);
	for (start = 0; start < w->l.max_mapnr && !err; start += w->bm.win, i++) {
		uint64_t end = MIN(start + w->bm.win, w->l.max_mapnr);
		uint64_t bytes = DIV_ROUND_UP(end - start, 8);

		progress_update(wp->pr, "Excluding unnecessary pages", start,
				w->l.max_mapnr, false);
		err = filter_window(wp->filter, start, end, w->bm.bm1, w->bm.bm2, wp->stats);
		if (err)
			break;
		w->win_dumpable[i] = bm_count(w->bm.bm2, 0, end - start);
		w->l.num_dumpable += w->win_dumpable[i];
		err = write_bitmap(wp->out, w->l.off_bitmap1 + start / 8, w->bm.bm1, bytes);
		if (!err)
			err = write_bitmap(wp->out, w->l.off_bitmap2 + start / 8, w->bm.bm2, bytes);
	}
	if (!err)
		err = write_bitmap_tails(w);
	progress_done(wp->pr, "Excluding unnecessary pages");
	print_step_time(wp->pr, "Excluding unnecessary pages", &t0);
	w->bm2_whole = w->bm.win >= w->l.max_mapnr;
	return err;
}

/* The 2nd bitmap of one window for the page pass. */
static struct error *load_bm2(struct kdump_writer *w, uint64_t start, uint64_t end)
{
	const struct write_params *wp = w->wp;

	if (w->bm2_whole)
		return NULL;
	if (output_can_read(wp->out))
		return output_read(wp->out, w->l.off_bitmap2 + start / 8, w->bm.bm2,
				   DIV_ROUND_UP(end - start, 8));
	/* A stream can't be read back: the filter is deterministic, rebuild. */
	return filter_window(wp->filter, start, end, w->bm.bm1, w->bm.bm2, NULL);
}

/* Write the pending data, then the descriptors (never the other way round). */
static struct error *flush_data(struct kdump_writer *w)
{
	struct error *err;

	if (!w->blk_len)
		return NULL;
	err = output_write(w->wp->out, w->blk_off, w->blk, w->blk_len);
	if (!err)
		w->data_done = w->blk_off + w->blk_len;
	w->blk_len = 0;
	return err;
}

static struct error *flush(struct kdump_writer *w)
{
	struct error *err = flush_data(w);

	/* Data first: a descriptor on disk must never point at unwritten data. */
	if (err)
		return err;
	err = output_write(w->wp->out, w->desc_pos, w->pbuf, w->plen);
	if (err)
		return err;
	w->desc_pos += w->plen;
	w->plen = 0;
	return NULL;
}

static struct error *batch_end(void *arg)
{
	struct kdump_writer *w = arg;

	/* The batch buffer is reused after this: its data must be out. */
	if (w->plen + 64 * PAGE_DESC_SIZE > DESC_CACHE)
		return flush(w);
	return flush_data(w);
}

static struct error *emit_page(void *arg, const struct page_result *r)
{
	struct kdump_writer *w = arg;
	const struct write_params *wp = w->wp;
	struct error *err;

	if (w->plen + PAGE_DESC_SIZE > DESC_CACHE) {
		err = flush(w);
		if (err)
			return err;
	}
	if (r->unreadable) {
		/* offset 0 marks a page missing from an incomplete dump. */
		if (w->unreadable++ < MAX_READ_WARNINGS)
			msg_common(wp->pr, "WARNING: can't read pfn 0x%llx: %s\n",
				   (unsigned long long)r->pfn, r->read_err->msg);
		memset(w->pbuf + w->plen, 0, PAGE_DESC_SIZE);
	} else if (r->zero) {
		memcpy(w->pbuf + w->plen, w->zero_desc, PAGE_DESC_SIZE);
		wp->stats->zero++;
	} else {
		put_desc(w->pbuf + w->plen, w->data_pos, r->size, r->flags);
		/* A batch's stored bytes are contiguous: extend the pending block. */
		if (w->blk_len && w->blk + w->blk_len != r->data) {
			err = flush_data(w);
			if (err)
				return err;
		}
		if (!w->blk_len) {
			w->blk = r->data;
			w->blk_off = w->data_pos;
		}
		w->blk_len += r->size;
		w->data_pos += r->size;
	}
	w->plen += PAGE_DESC_SIZE;
	w->num_dumped++;
	if (!(w->num_dumped & 1023))
		progress_update(wp->pr, "Copying data", w->num_dumped,
				w->l.num_dumpable, false);
	return NULL;
}

static struct error *page_pass(struct kdump_writer *w)
{
	const struct write_params *wp = w->wp;
	struct pipeline_options po = {
		.method = wp->method,
		.zero_check = wp->dump_level & DL_EXCLUDE_ZERO,
		.threads = wp->threads,
		.batch_end = batch_end,
		.patch = wp->patch,
	};
	struct pipeline *p = NULL;
	uint64_t lo = wp->split ? wp->split_start : 0;
	uint64_t hi = wp->split ? MIN(wp->split_end, w->l.max_mapnr) : w->l.max_mapnr;
	uint64_t start;
	struct error *err;

	w->desc_pos = w->l.off_table;
	w->data_pos = w->data_done = w->l.off_data;
	if (wp->dump_level & DL_EXCLUDE_ZERO) {
		/* One shared all-zero page opens the data area. */
		uint8_t *zero = calloc(1, w->l.bs);

		if (!zero)
			return ERR_OOM();
		err = output_write(wp->out, w->l.off_data, zero, w->l.bs);
		free(zero);
		if (err)
			return err;
		put_desc(w->zero_desc, w->l.off_data, w->l.bs, 0);
		w->data_pos += w->l.bs;
		w->data_done = w->data_pos;
	}
	clock_gettime(CLOCK_MONOTONIC, &w->copy_start);
	progress_begin(wp->pr);
	err = pipeline_create(wp->src, &po, emit_page, w, &p);
	if (err)
		return err;
	if (!w->bm2_whole)
		filter_rewind(wp->filter);
	for (start = ROUND_DOWN(lo, w->bm.win); start < hi && !err; start += w->bm.win) {
		uint64_t end = MIN(start + w->bm.win, w->l.max_mapnr);
		uint64_t pfn = MAX(start, lo), stop = MIN(end, hi);

		if (!w->win_dumpable[start / w->bm.win])
			continue;
		err = load_bm2(w, start, end);
		while (!err) {
			pfn = start + bm_next_set(w->bm.bm2, pfn - start, stop - start);
			if (pfn >= stop)
				break;
			err = pipeline_push(p, pfn);
			pfn++;
		}
	}
	if (!err)
		err = pipeline_drain(p);
	pipeline_destroy(p);
	if (!err)
		err = flush(w);
	progress_done(wp->pr, "Copying data");
	print_step_time(wp->pr, "Copying data", &w->copy_start);
	return err;
}

/* Re-filtering carries the input's eraseinfo; it goes after the page data. */
static struct error *write_eraseinfo(struct kdump_writer *w)
{
	const struct write_params *wp = w->wp;
	struct error *err;
	uint64_t off = w->data_pos;

	if (!wp->eraseinfo_size)
		return NULL;
	err = output_write(wp->out, off, wp->eraseinfo, wp->eraseinfo_size);
	if (err)
		return err;
	w->data_pos += wp->eraseinfo_size;
	return write_headers(w, off);
}

/*
 * After a failure: descriptors still buffered whose page data is out
 * (written before the failure) are written too, so that those pages stay
 * readable: up to DESC_CACHE worth of pages would be lost otherwise, all
 * of them for a stream cut early.  None points past data_done.
 */
static void flush_written_descs(struct kdump_writer *w)
{
	struct output *out = w->wp->out;
	uint64_t saved = out->limit;
	struct error *err;
	size_t n = 0;

	while (n + PAGE_DESC_SIZE <= w->plen) {
		uint64_t off = load_le64(w->pbuf + n);
		uint32_t size = load_le32(w->pbuf + n + 8);

		/* off 0: a page marked missing, nothing to wait for. */
		if (off && off + size > w->data_done)
			break;
		n += PAGE_DESC_SIZE;
	}
	if (!n)
		return;
	/* In a file they go to the table, below any limit; a stream has no room left. */
	if (out->kind != OUTPUT_FILE)
		out->limit = 0;
	err = output_write(out, w->desc_pos, w->pbuf, n);
	out->limit = saved;
	if (err) {
		msg_error(w->wp->pr, "%s\n", err->msg);
		error_free(err);
		return;
	}
	w->desc_pos += n;
	w->plen -= n;
	memmove(w->pbuf, w->pbuf + n, w->plen);
}

/* After a failure mid-way: flag the header so readers know, keep the rest. */
static void mark_incomplete(struct kdump_writer *w)
{
	uint8_t h[DISK_DUMP_HEADER_SIZE];
	struct output *out = w->wp->out;
	struct error *err;
	uint64_t saved = out->limit;
	uint64_t table_end = w->l.off_table + PAGE_DESC_SIZE * w->l.num_dumpable;

	w->status |= DUMP_DH_COMPRESSED_INCOMPLETE;
	build_header(w, h);
	/* The header block was written first: rewriting it needs no new space. */
	out->limit = 0;
	err = output_write(out, 0, h, sizeof(h));
	out->limit = saved;
	if (err) {
		msg_error(w->wp->pr, "%s\n", err->msg);
		error_free(err);
	}
	/*
	 * Readers map the file and find descriptors by rank in the 2nd
	 * bitmap: a file cut before the end of its descriptor table makes
	 * them fault (libkdumpfile dies of SIGBUS).  Extend it there with a
	 * hole, which takes no disk space: unwritten bitmap bytes then read
	 * as "not dumped", unwritten descriptors as "missing".
	 */
	output_extend(out, table_end);
}

struct error *kdump_write(const struct write_params *wp, bool *incomplete)
{
	struct kdump_writer w = { .wp = wp };
	struct error *err;

	*incomplete = false;
	compute_layout(&w);
	w.status = wp->method | wp->extra_status;
	err = filter_bitmaps_init(&w.bm, wp->window_pfns, w.l.max_mapnr);
	if (err)
		goto out;
	w.win_dumpable = calloc(DIV_ROUND_UP(MAX(w.l.max_mapnr, 1), w.bm.win),
				sizeof(*w.win_dumpable));
	w.pbuf = malloc(DESC_CACHE);
	if (!w.pbuf || !w.win_dumpable) {
		err = ERR_OOM();
		goto out;
	}
	err = write_headers(&w, 0);
	if (err)
		goto fail;
	err = bitmap_pass(&w);
	if (err)
		goto fail;
	w.l.off_data = w.l.off_table + PAGE_DESC_SIZE * w.l.num_dumpable;
	/* The descriptor table: written last, it must never run out of space. */
	output_reserve(wp->out, w.l.off_table, w.l.off_data - w.l.off_table);
	err = page_pass(&w);
	if (err)
		goto fail;
	err = write_eraseinfo(&w);
	if (err)
		goto fail;
	if (warn_missing_pages(wp->pr, wp->src->path, w.unreadable,
			       wp->src->incomplete, "marked missing")) {
		*incomplete = true;
		mark_incomplete(&w);
	}
	goto out;
fail:
	if (err->code == ERR_NOSPC || err->code == ERR_IO) {
		*incomplete = true;
		flush_written_descs(&w);
		mark_incomplete(&w);
	}
out:
	wp->stats->num_dumped = w.num_dumped;
	free(w.win_dumpable);
	filter_bitmaps_fini(&w.bm);
	free(w.pbuf);
	return err;
}
