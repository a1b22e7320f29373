// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump-compressed input, for re-filtering saved dumps: files written by
 * makedumpfile (any header version), by QEMU, split parts, incomplete
 * dumps, and the same in flattened form (read through a record index,
 * as crash and libkdumpfile do, without rebuilding the file first).
 */
#include "source.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/kdump_format.h"
#include "../lib/io.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../writer/codec.h"

#include <stdlib.h>
#include <string.h>

/* Bitmap bytes counted at a time. */
#define BITMAP_CHUNK 4096
/* Bits per rank block: one cumulative count per 4096 pfns. */
#define RANK_BITS 4096
#define MAX_NOTES_SIZE (64u << 20)
#define MAX_ERASEINFO_SIZE (64u << 20)

/* One record of a flattened stream: bytes [off, off+size) of the dump. */
struct flat_rec {
	uint64_t off, size;
	uint64_t pos;		/* where the payload starts in the stream */
};

struct kdump_source {
	struct source base;
	struct kdump_input_info info;

	/* flattened input: disjoint records sorted by offset */
	struct flat_rec *rec;
	size_t nr_rec;
	bool flat;

	uint64_t dump_size;	/* size of the (rebuilt) dump */
	uint64_t off_bitmap1, off_bitmap2;
	uint64_t bitmap_bytes;	/* bytes per bitmap */
	bool has_bitmap2;
	uint64_t off_table;
	uint64_t start_pfn, end_pfn;	/* pfns this file holds data for */
	uint64_t *rank;		/* set bits of bitmap 2 before each block */
	uint64_t nr_desc;	/* descriptors this file holds */
};

static struct kdump_source *to_kd(struct source *src)
{
	return (struct kdump_source *)src;
}

static struct flat_rec *find_rec(const struct kdump_source *ks, uint64_t off)
{
	size_t lo = 0, hi = ks->nr_rec;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct flat_rec *r = &ks->rec[mid];

		if (off < r->off)
			hi = mid;
		else if (off >= r->off + r->size)
			lo = mid + 1;
		else
			return &ks->rec[mid];
	}
	return lo < ks->nr_rec ? &ks->rec[lo] : NULL;	/* next one after off */
}

/* Read bytes of the dump as if it were a plain file; never-written bytes are zero. */
static struct error *dump_read(struct kdump_source *ks, uint64_t off, void *buf,
			       size_t len)
{
	struct source *src = &ks->base;
	uint8_t *out = buf;

	if (!ks->flat) {
		/* A dump cut short reads as zeros past its end: missing pages. */
		uint64_t avail = off < src->file_size ? src->file_size - off : 0;

		if (avail < len)
			memset(out + avail, 0, len - avail);
		return avail ? pread_full(src->fd, buf, MIN(avail, (uint64_t)len), off,
					  src->path) : NULL;
	}
	while (len) {
		struct flat_rec *r = find_rec(ks, off);
		uint64_t n;

		if (!r) {
			memset(out, 0, len);
			return NULL;
		}
		if (off < r->off) {
			n = MIN((uint64_t)len, r->off - off);
			memset(out, 0, n);
		} else {
			struct error *err;

			n = MIN((uint64_t)len, r->off + r->size - off);
			err = pread_full(src->fd, out, n, r->pos + (off - r->off), src->path);
			if (err)
				return err;
		}
		out += n;
		off += n;
		len -= n;
	}
	return NULL;
}

static int cmp_rec_off(const void *a, const void *b)
{
	const struct flat_rec *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Max-heap of records by stream position: the newest write wins. */
struct heap {
	const struct flat_rec **a;
	size_t n;
};

static void heap_push(struct heap *h, const struct flat_rec *r)
{
	size_t i = h->n++;

	h->a[i] = r;
	while (i && h->a[(i - 1) / 2]->pos < h->a[i]->pos) {
		const struct flat_rec *t = h->a[i];

		h->a[i] = h->a[(i - 1) / 2];
		h->a[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct heap *h)
{
	size_t i = 0;

	h->a[0] = h->a[--h->n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct flat_rec *t;

		if (l < h->n && h->a[l]->pos > h->a[m]->pos)
			m = l;
		if (r < h->n && h->a[r]->pos > h->a[m]->pos)
			m = r;
		if (m == i)
			break;
		t = h->a[i];
		h->a[i] = h->a[m];
		h->a[m] = t;
		i = m;
	}
}

/*
 * Records may overlap (a later record overwrites an earlier one).  Cut
 * the offset space at every record boundary and give each piece to the
 * newest record covering it.
 */
static struct error *make_disjoint(struct flat_rec **recp, size_t *np)
{
	struct flat_rec *rec = *recp, *out;
	size_t n = *np, nb = 0, m = 0, i, j = 0;
	uint64_t *bnd;
	struct heap h;
	bool overlap = false;

	qsort(rec, n, sizeof(*rec), cmp_rec_off);
	for (i = 1; i < n; i++)
		if (rec[i].off < rec[i - 1].off + rec[i - 1].size)
			overlap = true;
	if (!overlap)
		return NULL;
	bnd = malloc(2 * n * sizeof(*bnd));
	out = malloc(2 * n * sizeof(*out));
	h.a = malloc(n * sizeof(*h.a));
	h.n = 0;
	if (!bnd || !out || !h.a) {
		free(bnd);
		free(out);
		free(h.a);
		return ERR_OOM();
	}
	for (i = 0; i < n; i++) {
		bnd[nb++] = rec[i].off;
		bnd[nb++] = rec[i].off + rec[i].size;
	}
	qsort(bnd, nb, sizeof(*bnd), cmp_u64);
	for (i = 0; i + 1 < nb; i++) {
		uint64_t b = bnd[i], e = bnd[i + 1];
		const struct flat_rec *top;

		if (b == e)
			continue;
		while (j < n && rec[j].off <= b)
			heap_push(&h, &rec[j++]);
		while (h.n && h.a[0]->off + h.a[0]->size <= b)
			heap_pop(&h);
		if (!h.n)
			continue;
		top = h.a[0];
		if (m && out[m - 1].off + out[m - 1].size == b &&
		    out[m - 1].pos + out[m - 1].size == top->pos + (b - top->off)) {
			out[m - 1].size += e - b;
		} else {
			out[m].off = b;
			out[m].size = e - b;
			out[m].pos = top->pos + (b - top->off);
			m++;
		}
	}
	free(bnd);
	free(h.a);
	free(rec);
	*recp = out;
	*np = m;
	return NULL;
}

/* Build the record index of a flattened stream. */
static struct error *index_flat(struct kdump_source *ks)
{
	struct source *src = &ks->base;
	uint64_t pos = FLAT_HEADER_SIZE;
	size_t cap = 1024, n = 0;
	struct flat_rec *rec = malloc(cap * sizeof(*rec));
	uint8_t hdr[32];
	struct error *err;
	bool ended = false;

	if (!rec)
		return ERR_OOM();
	err = pread_full(src->fd, hdr, sizeof(hdr), 0, src->path);
	if (err)
		goto fail;
	if (load_be64(hdr + 16) != 1 || load_be64(hdr + 24) != 1) {
		err = ERR(ERR_FORMAT, "%s: unknown flattened format type/version", src->path);
		goto fail;
	}
	while (pos + 16 <= src->file_size) {
		uint8_t rh[16];
		uint64_t off, size;

		err = pread_full(src->fd, rh, 16, pos, src->path);
		if (err)
			goto fail;
		off = load_be64(rh);
		size = load_be64(rh + 8);
		if (off == UINT64_MAX && size == UINT64_MAX) {
			ended = true;
			break;
		}
		if ((int64_t)off < 0 || (int64_t)size <= 0 ||
		    size > src->file_size - pos - 16) {
			msg_common(src->pr, "WARNING: %s: the flattened stream is damaged at "
				   "offset 0x%llx; using the records before it.\n",
				   src->path, (unsigned long long)pos);
			break;
		}
		if (n == cap) {
			struct flat_rec *p = realloc(rec, 2 * cap * sizeof(*rec));

			if (!p) {
				err = ERR_OOM();
				goto fail;
			}
			rec = p;
			cap *= 2;
		}
		rec[n].off = off;
		rec[n].size = size;
		rec[n].pos = pos + 16;
		n++;
		pos += 16 + size;
	}
	if (!ended) {
		src->incomplete = true;
		msg_common(src->pr, "WARNING: %s: the flattened stream has no end marker "
			   "(it was cut short).\n", src->path);
	}
	err = make_disjoint(&rec, &n);
	if (err)
		goto fail;
	ks->rec = rec;
	ks->nr_rec = n;
	ks->flat = true;
	ks->dump_size = n ? rec[n - 1].off + rec[n - 1].size : 0;
	return NULL;
fail:
	free(rec);
	return err;
}

static void kd_destroy(struct source *src)
{
	struct kdump_source *ks = to_kd(src);

	free(ks->rec);
	free(ks->rank);
	free(ks->info.eraseinfo);
	free(src->notes);
	free(ks);
}

/* Bytes of bitmap 1 or 2 for pfns [start, end) (start a multiple of 8). */
static struct error *read_bitmap(struct kdump_source *ks, int which,
				 uint64_t start, uint64_t end, uint8_t *out)
{
	uint64_t base = which == 1 || !ks->has_bitmap2 ? ks->off_bitmap1 : ks->off_bitmap2;
	uint64_t bytes = DIV_ROUND_UP(end - start, 8);
	uint64_t avail;

	memset(out, 0, bytes);
	if (start >= ks->info.max_mapnr)
		return NULL;
	avail = MIN(bytes, ks->bitmap_bytes - start / 8);
	return dump_read(ks, base + start / 8, out, avail);
}

static void kd_fill_bitmaps(struct source *src, uint64_t start, uint64_t end,
			    uint8_t *present, uint8_t *readable)
{
	struct kdump_source *ks = to_kd(src);
	uint64_t max = ks->info.max_mapnr;
	struct error *err;

	if (present) {
		err = read_bitmap(ks, 1, start, end, present);
		if (err) {
			msg_error(src->pr, "%s\n", err->msg);
			error_free(err);
			memset(present, 0, DIV_ROUND_UP(end - start, 8));
		}
		if (end > max)
			bm_clear_range(present, MAX(max, start) - start, end - start);
	}
	if (readable) {
		err = read_bitmap(ks, 2, start, end, readable);
		if (err) {
			msg_error(src->pr, "%s\n", err->msg);
			error_free(err);
			memset(readable, 0, DIV_ROUND_UP(end - start, 8));
		}
		/* A split part holds data for its own pfn range only. */
		if (ks->start_pfn > start)
			bm_clear_range(readable, 0, MIN(ks->start_pfn, end) - start);
		if (ks->end_pfn < end)
			bm_clear_range(readable, MAX(ks->end_pfn, start) - start, end - start);
	}
}

static uint64_t kd_original_pages(struct source *src, uint64_t max_mapnr)
{
	uint8_t buf[BITMAP_CHUNK];
	uint64_t n = 0, pfn;

	for (pfn = 0; pfn < max_mapnr; pfn += sizeof(buf) * 8) {
		uint64_t e = MIN(pfn + sizeof(buf) * 8, max_mapnr);

		kd_fill_bitmaps(src, pfn, e, buf, NULL);
		n += bm_count(buf, 0, e - pfn);
	}
	return n;
}

/* Per-thread reader: a cached block of bitmap 2 for ranking, and buffers. */
struct kd_reader {
	struct page_reader base;
	struct kdump_source *ks;
	uint64_t block;		/* rank block held in bm, UINT64_MAX if none */
	uint8_t bm[RANK_BITS / 8 + 8];
	uint8_t *page;
	uint8_t *cbuf;
};

/* Count set bits of bitmap 2 from start_pfn, per RANK_BITS block. */
static struct error *build_rank(struct kdump_source *ks)
{
	uint64_t first = ROUND_DOWN(ks->start_pfn, RANK_BITS);
	uint64_t nblocks = DIV_ROUND_UP(ks->end_pfn - first, RANK_BITS) + 1;
	uint8_t bm[RANK_BITS / 8 + 8];
	uint64_t total = 0, b;
	struct error *err;

	ks->rank = malloc(nblocks * sizeof(*ks->rank));
	if (!ks->rank)
		return ERR_OOM();
	for (b = 0; b < nblocks; b++) {
		uint64_t s = first + b * RANK_BITS;
		uint64_t lo = MAX(s, ks->start_pfn), hi = MIN(s + RANK_BITS, ks->end_pfn);

		ks->rank[b] = total;
		if (lo >= hi)
			continue;
		err = read_bitmap(ks, 2, s, s + RANK_BITS, bm);
		if (err)
			return err;
		total += bm_count(bm, lo - s, hi - s);
	}
	ks->nr_desc = total;
	return NULL;
}

static struct error *kd_read_page(struct kd_reader *r, uint64_t pfn,
				  const uint8_t **page)
{
	struct kdump_source *ks = r->ks;
	struct source *src = &ks->base;
	uint64_t first = ROUND_DOWN(ks->start_pfn, RANK_BITS);
	uint64_t blk, idx, off;
	uint32_t size, flags;
	uint8_t d[PAGE_DESC_SIZE];
	struct error *err;

	if (pfn < ks->start_pfn || pfn >= ks->end_pfn)
		return ERR(ERR_NOTFOUND, "pfn 0x%llx is not in %s",
			   (unsigned long long)pfn, src->path);
	blk = (pfn - first) / RANK_BITS;
	if (r->block != blk) {
		err = read_bitmap(ks, 2, first + blk * RANK_BITS,
				  first + (blk + 1) * RANK_BITS, r->bm);
		if (err)
			return err;
		r->block = blk;
	}
	if (!bm_test(r->bm, pfn - first - blk * RANK_BITS))
		return ERR(ERR_NOTFOUND, "pfn 0x%llx was excluded from %s",
			   (unsigned long long)pfn, src->path);
	idx = ks->rank[blk] +
	      bm_count(r->bm, MAX(ks->start_pfn, first + blk * RANK_BITS) - first - blk * RANK_BITS,
		       pfn - first - blk * RANK_BITS);
	err = dump_read(ks, ks->off_table + idx * PAGE_DESC_SIZE, d, sizeof(d));
	if (err)
		return err;
	off = load_le64(d);
	size = load_le32(d + 8);
	flags = load_le32(d + 12);
	if (off == 0 && size == 0)
		return ERR(ERR_NOTFOUND, "pfn 0x%llx is missing from the incomplete dump %s",
			   (unsigned long long)pfn, src->path);
	if (size == 0 || size > src->page_size || off < ks->off_table)
		return ERR(ERR_FORMAT, "%s: corrupt page descriptor for pfn 0x%llx",
			   src->path, (unsigned long long)pfn);
	/*
	 * dump_read() gives zeros past the end: right for descriptors (zero
	 * means missing), wrong for page data, which would come back as a
	 * page of zeros instead of an error.
	 */
	if (off > ks->dump_size || size > ks->dump_size - off)
		return ERR(ERR_NOTFOUND, "pfn 0x%llx lies past the end of %s (the file is cut short)",
			   (unsigned long long)pfn, src->path);
	flags &= DUMP_DH_COMPRESSED_MASK;
	if (!flags) {
		if (size != src->page_size)
			return ERR(ERR_FORMAT, "%s: raw page of pfn 0x%llx has size %u",
				   src->path, (unsigned long long)pfn, size);
		err = dump_read(ks, off, r->page, size);
	} else {
		err = dump_read(ks, off, r->cbuf, size);
		if (!err)
			err = codec_decompress(flags, r->cbuf, size, r->page, src->page_size);
		if (err)
			err = error_wrap(err, "%s: pfn 0x%llx", src->path,
					 (unsigned long long)pfn);
	}
	if (err)
		return err;
	*page = r->page;
	return NULL;
}

static struct error *kd_reader_read(struct page_reader *pr, uint64_t pfn,
				    const uint8_t **page)
{
	return kd_read_page((struct kd_reader *)pr, pfn, page);
}

static struct error *kd_reader_read_into(struct page_reader *pr, uint64_t pfn,
					 uint8_t *buf)
{
	const uint8_t *page;
	struct error *err = kd_read_page((struct kd_reader *)pr, pfn, &page);

	if (!err)
		memcpy(buf, page, pr->src->page_size);
	return err;
}

static void kd_reader_close(struct page_reader *pr)
{
	struct kd_reader *r = (struct kd_reader *)pr;

	free(r->page);
	free(r->cbuf);
	free(r);
}

static const struct page_reader_ops kd_reader_ops = {
	.read = kd_reader_read,
	.read_into = kd_reader_read_into,
	.close = kd_reader_close,
};

static struct error *kd_reader_open(struct source *src, struct page_reader **out)
{
	struct kd_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return ERR_OOM();
	r->base.ops = &kd_reader_ops;
	r->base.src = src;
	r->ks = to_kd(src);
	r->block = UINT64_MAX;
	r->page = malloc(src->page_size);
	r->cbuf = malloc(src->page_size);
	if (!r->page || !r->cbuf) {
		kd_reader_close(&r->base);
		return ERR_OOM();
	}
	*out = &r->base;
	return NULL;
}

/* Physical reads for the kernel model go through a private reader. */
static struct error *kd_read_phys(struct source *src, uint64_t paddr, void *buf,
				  size_t len)
{
	struct page_reader *pr;
	uint8_t *out = buf;
	struct error *err = kd_reader_open(src, &pr);

	while (!err && len) {
		uint64_t pfn = paddr >> src->page_shift;
		uint64_t in = paddr & (src->page_size - 1);
		uint64_t n = MIN((uint64_t)len, src->page_size - in);
		const uint8_t *page;

		err = kd_read_page((struct kd_reader *)pr, pfn, &page);
		if (err)
			break;
		memcpy(out, page + in, n);
		out += n;
		paddr += n;
		len -= n;
	}
	if (pr)
		kd_reader_close(pr);
	return err;
}

static const struct source_ops kd_ops = {
	.destroy = kd_destroy,
	.read_phys = kd_read_phys,
	.fill_bitmaps = kd_fill_bitmaps,
	.original_pages = kd_original_pages,
	.reader_open = kd_reader_open,
};

/* The sub header, in the 64-bit layout, per header version. */
static struct error *read_sub_header(struct kdump_source *ks, uint64_t bs,
				     uint32_t sub_hdr_size, uint64_t *off_vmcoreinfo,
				     uint64_t *size_vmcoreinfo, uint64_t *off_note,
				     uint64_t *size_note, uint64_t *off_erase,
				     uint64_t *size_erase)
{
	struct kdump_input_info *in = &ks->info;
	uint8_t s[SUB_HEADER_SIZE];
	struct error *err;
	int v = in->header_version;

	if (v < 1 || sub_hdr_size == 0)
		return NULL;
	err = dump_read(ks, bs, s, sizeof(s));
	if (err)
		return err;
	in->phys_base = load_le64(s);
	in->dump_level = (int)load_le32(s + 8);
	if (v >= 2 && load_le32(s + 12)) {
		in->split = true;
		ks->start_pfn = load_le64(s + 16);
		ks->end_pfn = load_le64(s + 24);
		if (v >= 6) {
			ks->start_pfn = load_le64(s + 80);
			ks->end_pfn = load_le64(s + 88);
		}
	}
	if (v >= 3) {
		*off_vmcoreinfo = load_le64(s + 32);
		*size_vmcoreinfo = load_le64(s + 40);
	}
	if (v >= 4) {
		*off_note = load_le64(s + 48);
		*size_note = load_le64(s + 56);
	}
	if (v >= 5) {
		*off_erase = load_le64(s + 64);
		*size_erase = load_le64(s + 72);
	}
	if (v >= 6 && load_le64(s + 96))
		in->max_mapnr = load_le64(s + 96);
	return NULL;
}

/* Notes (v4) or, for v3 files, just VMCOREINFO wrapped as a note. */
static struct error *read_notes(struct kdump_source *ks, uint64_t off_vi,
				uint64_t size_vi, uint64_t off_note,
				uint64_t size_note)
{
	struct source *src = &ks->base;
	struct error *err;

	/* VMCOREINFO read as zeros would be reported as a missing key. */
	if ((size_note && size_note <= MAX_NOTES_SIZE &&
	     !range_in(off_note, size_note, ks->dump_size)) ||
	    (size_vi && size_vi <= MAX_NOTES_SIZE &&
	     !range_in(off_vi, size_vi, ks->dump_size)))
		return ERR(ERR_FORMAT, "%s is cut short (%llu bytes): its notes lie past the end",
			   src->path, (unsigned long long)ks->dump_size);
	if (size_note && size_note <= MAX_NOTES_SIZE) {
		src->notes = malloc(size_note);
		if (!src->notes)
			return ERR_OOM();
		err = dump_read(ks, off_note, src->notes, size_note);
		if (err)
			return err;
		src->notes_size = size_note;
		notes_summarize(src->notes, size_note, &src->note_info);
		if (src->note_info.has_vmcoreinfo || !size_vi)
			return NULL;
	}
	if (size_vi && size_vi <= MAX_NOTES_SIZE) {
		size_t name = ROUND_UP(sizeof("VMCOREINFO"), 4);
		size_t total = 12 + name + ROUND_UP(size_vi, 4);
		uint8_t *p = calloc(1, total);

		if (!p)
			return ERR_OOM();
		store_le32(p, sizeof("VMCOREINFO"));
		store_le32(p + 4, (uint32_t)size_vi);
		memcpy(p + 12, "VMCOREINFO", sizeof("VMCOREINFO"));
		err = dump_read(ks, off_vi, p + 12 + name, size_vi);
		if (err) {
			free(p);
			return err;
		}
		free(src->notes);
		src->notes = p;
		src->notes_size = total;
		notes_summarize(p, total, &src->note_info);
	}
	return NULL;
}

static struct error *parse(struct kdump_source *ks)
{
	struct source *src = &ks->base;
	struct kdump_input_info *in = &ks->info;
	uint8_t h[DISK_DUMP_HEADER_SIZE];
	uint64_t bs, off_vi = 0, size_vi = 0, off_note = 0, size_note = 0;
	uint64_t off_erase = 0, size_erase = 0, bitmap_blocks, need;
	uint32_t sub_hdr_size;
	struct error *err;

	/* Zeros read past the end would make a cut header look merely odd. */
	if (ks->dump_size < sizeof(h))
		return ERR(ERR_FORMAT, "%s is cut short (%llu bytes): too short for a kdump header",
			   src->path, (unsigned long long)ks->dump_size);
	err = dump_read(ks, 0, h, sizeof(h));
	if (err)
		return err;
	if (memcmp(h, "KDUMP   ", 8))
		return ERR(ERR_FORMAT, "%s: no KDUMP signature", src->path);
	in->header_version = (int32_t)load_le32(h + 8);
	memcpy(in->utsname, h + 12, sizeof(in->utsname));
	in->timestamp_sec = (int64_t)load_le64(h + 408);
	in->timestamp_usec = (int64_t)load_le64(h + 416);
	in->status = load_le32(h + KDUMP_STATUS_OFF);
	bs = load_le32(h + KDUMP_BLOCK_SIZE_OFF);
	sub_hdr_size = load_le32(h + KDUMP_SUB_HDR_SIZE_OFF);
	bitmap_blocks = load_le32(h + KDUMP_BITMAP_BLOCKS_OFF);
	in->max_mapnr = load_le32(h + 440);
	if (in->header_version < 0)
		return ERR(ERR_FORMAT, "%s: negative header version", src->path);
	if (!is_power_of_2(bs) || bs < DUMP_PAGE_SIZE_MIN || bs > DUMP_PAGE_SIZE_MAX)
		return ERR(ERR_FORMAT, "%s: implausible block size %llu", src->path,
			   (unsigned long long)bs);
	err = source_set_page_size(src, (uint32_t)bs);
	if (err)
		return err;
	if (sub_hdr_size > (1u << 16))
		return ERR(ERR_FORMAT, "%s: implausible sub header size", src->path);
	if (in->header_version >= 1 && sub_hdr_size &&
	    ks->dump_size < bs + SUB_HEADER_SIZE)
		return ERR(ERR_FORMAT, "%s is cut short (%llu bytes) inside its sub header",
			   src->path, (unsigned long long)ks->dump_size);
	err = read_sub_header(ks, bs, sub_hdr_size, &off_vi, &size_vi, &off_note,
			      &size_note, &off_erase, &size_erase);
	if (err)
		return err;
	if (!in->max_mapnr || in->max_mapnr > (1ull << 40))
		return ERR(ERR_FORMAT, "%s: implausible max_mapnr %llu", src->path,
			   (unsigned long long)in->max_mapnr);
	if (!in->split) {
		ks->start_pfn = 0;
		ks->end_pfn = in->max_mapnr;
	}
	if (ks->start_pfn > ks->end_pfn || ks->end_pfn > in->max_mapnr)
		return ERR(ERR_FORMAT, "%s: split range is outside the dump", src->path);
	/* Two bitmaps when there is room for both, as crash decides. */
	need = DIV_ROUND_UP(DIV_ROUND_UP(in->max_mapnr, 8), bs);
	if (bitmap_blocks < need)
		return ERR(ERR_FORMAT, "%s: bitmap too small for %llu pages", src->path,
			   (unsigned long long)in->max_mapnr);
	ks->has_bitmap2 = bitmap_blocks >= 2 * need;
	ks->bitmap_bytes = ks->has_bitmap2 ? bitmap_blocks * bs / 2 : bitmap_blocks * bs;
	ks->off_bitmap1 = (1 + (uint64_t)sub_hdr_size) * bs;
	ks->off_bitmap2 = ks->off_bitmap1 + ks->bitmap_bytes;
	ks->off_table = ks->off_bitmap1 + bitmap_blocks * bs;
	/*
	 * A file cut inside its 1st bitmap (or claiming bitmaps far past its
	 * end) knows nothing of the pfns past the cut: don't carry them.  A
	 * header claiming 2^40 pfns would otherwise cost a 2 GiB rank table
	 * and minutes of bitmap work for a file of a few kilobytes.
	 */
	if (ks->dump_size < ks->off_bitmap1 + ks->bitmap_bytes) {
		uint64_t known;

		if (ks->dump_size <= ks->off_bitmap1)
			return ERR(ERR_FORMAT, "%s is cut short (%llu bytes) before its bitmaps: "
				   "no page can be read", src->path,
				   (unsigned long long)ks->dump_size);
		known = (ks->dump_size - ks->off_bitmap1) * 8;
		if (known < in->max_mapnr) {
			in->max_mapnr = known;
			ks->end_pfn = MIN(ks->end_pfn, known);
			ks->start_pfn = MIN(ks->start_pfn, ks->end_pfn);
		}
	}
	in->incomplete = in->status & DUMP_DH_COMPRESSED_INCOMPLETE;
	if (in->incomplete) {
		src->incomplete = true;
		msg_common(src->pr, "WARNING: %s is an incomplete dump; pages it lacks "
			   "stay missing.\n", src->path);
	}
	err = read_notes(ks, off_vi, size_vi, off_note, size_note);
	if (err)
		return err;
	if (size_erase && size_erase <= MAX_ERASEINFO_SIZE &&
	    !range_in(off_erase, size_erase, ks->dump_size)) {
		msg_common(src->pr, "WARNING: %s is cut short: its eraseinfo is lost.\n",
			   src->path);
		src->incomplete = true;
		size_erase = 0;
	}
	if (size_erase && size_erase <= MAX_ERASEINFO_SIZE) {
		in->eraseinfo = malloc(size_erase);
		if (!in->eraseinfo)
			return ERR_OOM();
		err = dump_read(ks, off_erase, in->eraseinfo, size_erase);
		if (err)
			return err;
		in->eraseinfo_size = size_erase;
	}
	src->max_paddr = in->max_mapnr * bs;
	err = build_rank(ks);
	if (err)
		return err;
	/*
	 * Bitmaps and descriptors past the end read as zeros: their pages
	 * would silently vanish (a cut bitmap says "not dumped").  Say so and
	 * make the result incomplete.
	 */
	if (ks->dump_size < ks->off_table + ks->nr_desc * PAGE_DESC_SIZE) {
		src->incomplete = true;
		msg_common(src->pr, "WARNING: %s is cut short inside its %s (%llu bytes); "
			   "the pages described past the cut are lost.\n", src->path,
			   ks->dump_size < ks->off_table ? "bitmaps" : "page descriptors",
			   (unsigned long long)ks->dump_size);
	}
	return NULL;
}

struct error *kdump_source_open(int fd, const char *path, struct printer *pr,
				struct source **out)
{
	struct kdump_source *ks = calloc(1, sizeof(*ks));
	struct source *src;
	uint8_t magic[16];
	struct error *err;

	if (!ks)
		return ERR_OOM();
	src = &ks->base;
	src->ops = &kd_ops;
	src->format = SOURCE_KDUMP;
	src->fd = fd;
	src->path = path;
	src->pr = pr;
	src->kdump = &ks->info;
	err = file_size_of(fd, path, &src->file_size);
	if (!err)
		err = pread_full(fd, magic, sizeof(magic), 0, path);
	if (!err && !memcmp(magic, "makedumpfile\0\0\0\0", 16))
		err = index_flat(ks);
	else
		ks->dump_size = src->file_size;
	if (!err)
		err = parse(ks);
	if (err) {
		kd_destroy(src);
		return err;
	}
	*out = src;
	return NULL;
}
