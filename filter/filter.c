// SPDX-License-Identifier: GPL-2.0-or-later
#include "filter.h"
#include "devmap.h"
#include "exclude_vmemmap.h"
#include "../kernel/kernel.h"
#include "../kernel/sparsemem.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/sigbus.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../reader/source.h"

#include <stdlib.h>
#include <string.h>

/* Struct pages are read this many at a time (aligned, like the kernel's 512). */
#define SP_BATCH 512
#define SP_ALIGN 512
/* Complaints about one kind of bad struct page stop after this many. */
#define MAX_WARNINGS 8

struct filter {
	struct kernel *k;
	struct source *src;
	struct printer *pr;
	const struct dbv_set *dbv;
	struct page_classifier cls;
	struct filter_options opt;
	bool scan;

	/* An exclusion that ran past the end of the previous window. */
	uint64_t pending_end;
	enum page_class pending_cls;

	uint8_t *sp_buf;
	struct page_reader *sp_reader;	/* struct pages */
	struct page_reader *zero_reader;

	unsigned int warn_order, warn_unreadable;
	const struct vmemmap_excl *vmemmap_excl;	/* -e */
};

/* The part of the work one window needs. */
struct window {
	uint64_t start, end;
	uint8_t *bm1, *bm2;
	struct dump_stats *st;
	/* device-vmemmap segments overlapping the window */
	const struct dbv_segment *dbv_first;
	size_t dbv_count;
};

static uint64_t *class_counter(struct dump_stats *st, enum page_class cls)
{
	switch (cls) {
	case PC_FREE:
		return &st->free;
	case PC_CACHE:
		return &st->cache;
	case PC_CACHE_PRIVATE:
		return &st->cache_private;
	case PC_USER:
		return &st->user;
	case PC_HWPOISON:
		return &st->hwpoison;
	case PC_OFFLINE:
		return &st->offline;
	case PC_PMEM_DATA:
		return &st->pmem_data;
	default:
		return NULL;
	}
}

bool filter_scans(const struct filter *f)
{
	return f->scan;
}

struct error *filter_create(struct kernel *k, const struct dbv_set *dbv,
			    const struct filter_options *opt,
			    struct filter **out)
{
	struct filter *f = calloc(1, sizeof(*f));
	struct error *err;
	unsigned int dl = opt->dump_level;

	if (!f)
		return ERR_OOM();
	f->k = k;
	f->src = k->src;
	f->pr = k->pr;
	f->dbv = dbv;
	f->opt = *opt;
	err = classifier_init(&f->cls, k->vi, k->version, k->pr);
	if (err) {
		free(f);
		return err;
	}
	/* The same condition under which makedumpfile walks the mem_map. */
	f->scan = k->mm && ((dl & (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI |
			 DL_EXCLUDE_USER_DATA)) ||
		  f->cls.have_hwpoison ||
		  ((dl & DL_EXCLUDE_FREE) && f->cls.buddy_usable));
	if (f->scan) {
		f->sp_buf = malloc((size_t)SP_BATCH * f->cls.sz_page);
		if (!f->sp_buf) {
			free(f);
			return ERR_OOM();
		}
		err = page_reader_open(f->src, &f->sp_reader);
		if (err) {
			free(f->sp_buf);
			free(f);
			return err;
		}
	}
	if (opt->zero_in_bitmap && (dl & DL_EXCLUDE_ZERO)) {
		err = page_reader_open(f->src, &f->zero_reader);
		if (err) {
			page_reader_close(f->sp_reader);
			free(f->sp_buf);
			free(f);
			return err;
		}
	}
	*out = f;
	return NULL;
}

void filter_destroy(struct filter *f)
{
	if (!f)
		return;
	page_reader_close(f->zero_reader);
	page_reader_close(f->sp_reader);
	free(f->sp_buf);
	free(f);
}

void filter_rewind(struct filter *f)
{
	f->pending_end = 0;
	f->pending_cls = PC_KEEP;
}

/* Is @pfn in a device-backed vmemmap metadata area? */
static bool protected_pfn(const struct window *w, uint64_t pfn)
{
	size_t i;

	for (i = 0; i < w->dbv_count; i++) {
		const struct dbv_segment *s = &w->dbv_first[i];

		if (pfn >= s->start_pfn && pfn < s->end_pfn)
			return true;
	}
	return false;
}

static bool pmem_data_pfn(const struct window *w, uint64_t pfn)
{
	size_t i;

	for (i = 0; i < w->dbv_count; i++) {
		const struct dbv_segment *s = &w->dbv_first[i];

		if (pfn >= s->data_start_pfn && pfn < s->data_end_pfn)
			return true;
	}
	return false;
}

/* Clear [from, to) ∩ window, sparing device-vmemmap areas; count what is cleared. */
static void clear_counted(struct window *w, uint64_t from, uint64_t to,
			  enum page_class cls)
{
	uint64_t *ctr = w->st ? class_counter(w->st, cls) : NULL;
	size_t i;

	from = MAX(from, w->start);
	to = MIN(to, w->end);
	while (from < to) {
		uint64_t stop = to, resume = to;

		/* Find the first protected area starting inside [from, to). */
		for (i = 0; i < w->dbv_count; i++) {
			const struct dbv_segment *s = &w->dbv_first[i];

			if (s->end_pfn <= from || s->start_pfn >= to)
				continue;
			if (s->start_pfn <= from) {
				stop = from;
				resume = MIN(s->end_pfn, to);
				break;
			}
			if (s->start_pfn < stop) {
				stop = s->start_pfn;
				resume = MIN(s->end_pfn, to);
			}
		}
		if (stop > from) {
			bm_clear_range(w->bm2, from - w->start, stop - w->start);
			if (ctr)
				*ctr += stop - from;
		}
		from = resume;
	}
}

/* Exclude [pfn, pfn + n); what runs past the window is carried over. */
static void exclude(struct filter *f, struct window *w, uint64_t pfn,
		    uint64_t n, enum page_class cls)
{
	uint64_t end = pfn + n;

	/* The common case, one page and nothing to protect, stays cheap. */
	if (n == 1 && !w->dbv_count && pfn >= w->start && pfn < w->end) {
		uint64_t *ctr = w->st ? class_counter(w->st, cls) : NULL;

		bm_clear(w->bm2, pfn - w->start);
		if (ctr)
			(*ctr)++;
		return;
	}
	if (end < pfn)
		end = UINT64_MAX;
	if (end > w->end) {
		f->pending_end = end;
		f->pending_cls = cls;
	}
	clear_counted(w, pfn, end, cls);
}

static struct error *read_struct_pages(struct filter *f, uint64_t mem_map,
				       uint64_t n)
{
	return kernel_read_via(f->k, f->sp_reader, mem_map, f->sp_buf,
			       n * f->cls.sz_page);
}

/* Handle one pfn whose struct page is at @sp; returns pfns consumed. */
static uint64_t visit(struct filter *f, struct window *w, uint64_t pfn,
		      const uint8_t *sp, const uint8_t *next)
{
	struct page_verdict v;
	unsigned int dl = f->opt.dump_level;

	if (w->dbv_count && pmem_data_pfn(w, pfn)) {
		uint64_t flags = load_le64(sp + f->cls.off_flags);

		/* Device data pages: only poison and the user-data bit apply. */
		if (f->cls.have_hwpoison && (flags & f->cls.m_hwpoison))
			exclude(f, w, pfn, 1, PC_HWPOISON);
		else if (dl & DL_EXCLUDE_USER_DATA)
			exclude(f, w, pfn, 1, PC_PMEM_DATA);
		return 1;
	}
	classify_page(&f->cls, dl, sp, next, pfn, &v);
	if (v.bad_order) {
		if (f->warn_order++ < MAX_WARNINGS)
			msg_common(f->pr,
				   "WARNING: Invalid free page order: pfn=%llx, order=%llu, max order=%llu\n",
				   (unsigned long long)pfn,
				   (unsigned long long)load_le64(sp + f->cls.off_private),
				   (unsigned long long)(f->cls.free_area_len - 1));
		return 1;
	}
	if (v.cls == PC_KEEP || v.cls == PC_TAIL)
		return 1;
	exclude(f, w, pfn, v.nr_pages, v.cls);
	return v.nr_pages;
}

/* One batch of struct pages, for visit_batch() under a SIGBUS guard. */
struct sp_batch {
	struct filter *f;
	struct window *w;
	const uint8_t *sp;	/* struct page of @start */
	uint64_t start, end;
	uint64_t p;		/* next pfn to look at; progress survives a fault */
};

static void visit_batch(void *arg)
{
	struct sp_batch *b = arg;
	struct window *w = b->w;
	uint32_t sz = b->f->cls.sz_page;

	while (b->p < b->end) {
		uint64_t p = b->p;
		const uint8_t *sp = b->sp + (p - b->start) * sz;
		const uint8_t *next = p + 1 < b->end ? sp + sz : NULL;

		if (!bm_test(w->bm2, p - w->start) ||
		    (w->dbv_count && protected_pfn(w, p))) {
			b->p = p + 1;
			continue;
		}
		b->p = p + visit(b->f, w, p, sp, next);
	}
}

/* Scan the pfns [b, e) of one mem_map chunk whose first pfn's struct page is at @mem_map_b. */
static struct error *scan_chunk(struct filter *f, struct window *w, uint64_t b,
				uint64_t e, uint64_t mem_map_b)
{
	uint32_t sz = f->cls.sz_page;
	struct sp_batch batch;
	uint64_t pfn = b;

	if (pfn < f->pending_end)
		pfn = MIN(f->pending_end, e);
	while (pfn < e) {
		uint64_t bstart, bend, sp_va;
		struct error *err;

		pfn = w->start + bm_next_set(w->bm2, pfn - w->start, e - w->start);
		if (pfn >= e)
			break;
		/* Read from pfn to an aligned batch end, as makedumpfile reads its cache. */
		bstart = pfn;
		bend = MIN(ROUND_DOWN(pfn, SP_ALIGN) + SP_BATCH, e);
		sp_va = mem_map_b + (bstart - b) * sz;
		batch = (struct sp_batch){ .f = f, .w = w, .start = bstart, .p = bstart,
					   .end = bend };
		/* In place when the input is mapped: no copy of the struct pages. */
		err = kernel_map_via(f->k, f->sp_reader, sp_va, (bend - bstart) * sz, &batch.sp);
		if (!err) {
			if (guarded_call(visit_batch, &batch)) {
				pfn = batch.p;
				continue;
			}
			err = ERR(ERR_IO, "I/O error in the mapping");
		} else {
			/* Not mappable (pread input, split extents): copy them. */
			error_free(err);
			err = read_struct_pages(f, sp_va, bend - bstart);
			if (!err) {
				batch.sp = f->sp_buf;
				visit_batch(&batch);
				pfn = batch.p;
				continue;
			}
		}
		/* Without struct pages nothing can be said: keep the pages. */
		if (f->warn_unreadable++ < MAX_WARNINGS)
			msg_common(f->pr,
				   "WARNING: struct pages of pfns 0x%llx-0x%llx are unreadable (%s); "
				   "those pages are kept.\n",
				   (unsigned long long)bstart,
				   (unsigned long long)bend, err->msg);
		error_free(err);
		pfn = MAX(bend, batch.p);
	}
	return NULL;
}

static struct error *scan_window(struct filter *f, struct window *w)
{
	struct kernel *k = f->k;
	const struct sparsemem *mm = k->mm;
	uint64_t end = MIN(w->end, k->max_mapnr);
	struct error *err;
	size_t i;

	if (mm->linear) {
		uint64_t b;

		uint64_t chunk = mm->pages_per_section;

		for (b = w->start; b < end; b = ROUND_DOWN(b, chunk) + chunk) {
			uint64_t e = MIN(ROUND_DOWN(b, chunk) + chunk, end);

			err = scan_chunk(f, w, b, e,
					 mm->vmemmap_base + b * k->struct_page_size);
			if (err)
				return err;
		}
		return NULL;
	}
	for (i = 0; i < mm->nr; i++) {
		uint64_t sb = mm->sec[i].nr << mm->section_shift;
		uint64_t se = sb + mm->pages_per_section;
		uint64_t b = MAX(sb, w->start), e = MIN(se, end);

		if (b >= e)
			continue;
		err = scan_chunk(f, w, b, e,
				 mm->sec[i].mem_map + (b - sb) * k->struct_page_size);
		if (err)
			return err;
	}
	return NULL;
}

static struct error *exclude_zero(struct filter *f, struct window *w)
{
	uint64_t pfn = w->start;

	for (;;) {
		const uint8_t *page;
		struct error *err;

		pfn = w->start + bm_next_set(w->bm2, pfn - w->start, w->end - w->start);
		if (pfn >= w->end)
			break;
		if (w->dbv_count && protected_pfn(w, pfn)) {
			pfn++;
			continue;
		}
		err = page_reader_read(f->zero_reader, pfn, &page);
		if (err)
			return err;
		if (mem_is_zero(page, f->k->page_size)) {
			bm_clear(w->bm2, pfn - w->start);
			if (w->st)
				w->st->zero++;
		}
		pfn++;
	}
	return NULL;
}

struct error *filter_window(struct filter *f, uint64_t start, uint64_t end,
			    uint8_t *bm1, uint8_t *bm2, struct dump_stats *st)
{
	struct window w = { start, end, bm1, bm2, st, NULL, 0 };
	struct error *err;

	source_fill_bitmaps(f->src, start, end, bm1, bm2);
	/* An empty set has seg == NULL: no arithmetic on it (UB). */
	if (f->dbv && f->dbv->nr) {
		const struct dbv_segment *s = dbv_first_after(f->dbv, start);
		const struct dbv_segment *last = f->dbv->seg + f->dbv->nr;

		w.dbv_first = s;
		while (s && s < last && MIN(s->start_pfn, s->data_start_pfn) < end) {
			w.dbv_count++;
			s++;
		}
	}
	if (f->pending_end > start) {
		uint64_t pe = f->pending_end;

		f->pending_end = 0;
		exclude(f, &w, start, pe - start, f->pending_cls);
		if (f->pending_end == 0)
			f->pending_end = pe;	/* still skip it in the scan */
	}
	if (f->scan) {
		err = scan_window(f, &w);
		if (err)
			return err;
	}
	if (f->zero_reader) {
		err = exclude_zero(f, &w);
		if (err)
			return err;
	}
	if (f->vmemmap_excl) {
		uint64_t n = vmemmap_excl_apply(f->vmemmap_excl, start, end, bm2);

		if (st)
			st->vmemmap += n;
	}
	return NULL;
}

void filter_set_vmemmap_excl(struct filter *f, const struct vmemmap_excl *x)
{
	f->vmemmap_excl = x;
}

struct error *filter_bitmaps_init(struct filter_bitmaps *b, uint64_t window_pfns,
				  uint64_t max_mapnr)
{
	b->win = MAX(ROUND_DOWN(window_pfns, 64), 64);
	if (b->win >= max_mapnr)
		b->win = ROUND_UP(MAX(max_mapnr, 1), 64);
	/* A spare word: bitmap helpers may touch the word past the end. */
	b->bm1 = calloc(1, b->win / 8 + 8);
	b->bm2 = calloc(1, b->win / 8 + 8);
	if (!b->bm1 || !b->bm2) {
		filter_bitmaps_fini(b);
		return ERR_OOM();
	}
	return NULL;
}

void filter_bitmaps_fini(struct filter_bitmaps *b)
{
	free(b->bm1);
	free(b->bm2);
	b->bm1 = b->bm2 = NULL;
}
