// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF output (-E), laid out as makedumpfile lays it out (FORMATS.md §D):
 * ELF header, program headers (PT_NOTE first), the notes, then the data
 * of the PT_LOADs back to back.  Excluded runs of 256 pages or more split
 * a segment; shorter runs keep their original contents; excluded pages at
 * the end of a segment are left out of p_filesz.
 *
 * Where each PT_LOAD's data goes depends on every PT_LOAD before it, so
 * the 2nd bitmap is swept three times:
 *   1. per input segment, count the output PT_LOADs and their data bytes;
 *   2. write the program headers (all of them before any data: a dump cut
 *      short by a full disk still describes all of memory);
 *   3. write the data.
 * Every sweep goes through the bitmap windows in ascending pfn order (the
 * filter's carried exclusions need that), feeding each input segment's
 * own state machine, so memory stays bounded however the segments are
 * ordered in the file.  When one window covers the dump its bitmap is
 * computed once.  Page data goes through the codec pool (raw) so reading
 * runs on --num-threads threads; data is written from the pool's in-order
 * emit callback, which keeps the output (and a flattened stream) the same
 * for any thread count.
 */
#include "writer.h"
#include "output.h"
#include "pipeline.h"
#include "../filter/devmap.h"
#include "../filter/filter.h"
#include "../kernel/kernel.h"
#include "../arch/arch.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/io.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../reader/source.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Excluded runs at least this long are really dropped (PFN_EXCLUDED). */
#define ELF_EXCLUDE_RUN 256
/* e_flags bit makedumpfile sets on a dump cut short. */
#define DUMP_ELF_INCOMPLETE 0x1
#define WRITE_CACHE (1u << 20)
#define PHDR_CACHE (64u << 10)
#define MAX_READ_WARNINGS 8
/* The header area is claimed with zeros this many bytes at a time. */
#define ZERO_CHUNK 4096

/* One input PT_LOAD (or, for a kdump-compressed input, one present run). */
struct seg {
	uint64_t paddr, memsz, vaddr;
	uint32_t flags;
	uint64_t align;
	uint64_t first, end;	/* pfns judged by the bitmap: [first, end) */
	uint64_t head;		/* bytes of a partial first page, always kept */
	uint64_t tail;		/* bytes of a partial last page (pfn end-1) */

	/* pass 1 results, and where they go */
	uint64_t nr_loads, data_bytes;
	uint64_t phdr_base, data_base;

	/* the output PT_LOAD being built */
	uint64_t next;		/* next pfn to judge */
	uint64_t cur_paddr, cur_vaddr, memsz_acc, filesz_acc, nexcl;
	uint64_t phdr_idx;	/* program header slot of the current PT_LOAD */
	uint64_t seg_off;	/* file offset of its data */
	uint64_t wpos;		/* file offset of the next data byte */
};

enum pass { PASS_COUNT, PASS_PHDRS, PASS_DATA };

/* A page slice the emit callback writes, in the order the sweep decided. */
struct action {
	bool dumpable;		/* a 2nd-bitmap page (counted, must be readable) */
	bool needed;		/* data the dump promises (dumpable or head) */
	uint32_t off, len;	/* slice of the page */
	uint64_t pfn;
	uint64_t dst;		/* file offset */
};

/* Contiguous writes are combined before they reach the output. */
struct wcache {
	uint8_t *buf;
	size_t cap, len;
	uint64_t off;
};

struct elf_writer {
	const struct write_params *wp;
	struct output *out;
	uint64_t ps;
	unsigned int shift;
	uint64_t max_mapnr;

	struct seg *segs;
	size_t nr_segs;

	struct filter_bitmaps bm;	/* one window */
	bool bm2_whole;
	enum pass pass;

	Elf64_Phdr in_note;	/* the input's first PT_NOTE, copied */
	uint64_t phnum;		/* PT_NOTE + PT_LOADs */
	uint64_t phdr_off;	/* first PT_LOAD program header */
	uint64_t note_off, note_filesz, load_off;
	bool reserved;		/* the program header area was pre-written */

	uint64_t elf_excluded;
	uint64_t num_dumpable, num_dumped;
	uint64_t unreadable;

	struct action *q;
	size_t q_cap, q_head, q_len;

	struct wcache data, phdrs;
	uint8_t *zero_page;
	struct pipeline *pipe;
};

static struct error *wc_flush(struct output *o, struct wcache *c)
{
	struct error *err;

	if (!c->len)
		return NULL;
	err = output_write(o, c->off, c->buf, c->len);
	c->off += c->len;
	c->len = 0;
	return err;
}

static struct error *wc_put(struct output *o, struct wcache *c, uint64_t off,
			    const void *p, size_t n)
{
	struct error *err;

	if (c->len && (off != c->off + c->len || c->len + n > c->cap)) {
		err = wc_flush(o, c);
		if (err)
			return err;
	}
	if (n > c->cap)
		return output_write(o, off, p, n);
	if (!c->len)
		c->off = off;
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	return NULL;
}

/* ---- the action queue between the sweep and the emit callback ---- */

static struct error *q_push(struct elf_writer *w, const struct action *a)
{
	if (w->q_len == w->q_cap) {
		size_t ncap = w->q_cap ? 2 * w->q_cap : 4096;
		struct action *nq = malloc(ncap * sizeof(*nq));
		size_t i;

		if (!nq)
			return ERR_OOM();
		for (i = 0; i < w->q_len; i++)
			nq[i] = w->q[(w->q_head + i) % w->q_cap];
		free(w->q);
		w->q = nq;
		w->q_cap = ncap;
		w->q_head = 0;
	}
	w->q[(w->q_head + w->q_len) % w->q_cap] = *a;
	w->q_len++;
	return NULL;
}

static struct action *q_front(struct elf_writer *w)
{
	return w->q_len ? &w->q[w->q_head] : NULL;
}

static void q_pop(struct elf_writer *w)
{
	w->q_head = (w->q_head + 1) % w->q_cap;
	w->q_len--;
}

static struct error *emit_page(void *arg, const struct page_result *r)
{
	struct elf_writer *w = arg;
	const struct write_params *wp = w->wp;
	const uint8_t *src;
	struct action *a = q_front(w);
	struct error *err;

	if (!a || a->pfn != r->pfn)
		return ERR(ERR_FORMAT, "internal error: page 0x%llx out of order",
			   (unsigned long long)r->pfn);
	if (r->unreadable) {
		/* Kept filler pages without data read as zero; real data is missing. */
		if (a->needed && w->unreadable++ < MAX_READ_WARNINGS)
			msg_common(wp->pr, "WARNING: can't read pfn 0x%llx: %s\n",
				   (unsigned long long)r->pfn, r->read_err->msg);
		src = w->zero_page;
	} else {
		src = r->data;
	}
	err = wc_put(w->out, &w->data, a->dst, src + a->off, a->len);
	if (err)
		return err;
	if (a->dumpable) {
		w->num_dumped++;
		if (!(w->num_dumped & 1023))
			progress_update(wp->pr, "Copying data", w->num_dumped,
					w->num_dumpable, false);
	}
	q_pop(w);
	return NULL;
}

static struct error *queue_page(struct elf_writer *w, struct seg *s,
				uint64_t pfn, uint64_t off, uint64_t len,
				bool dumpable, bool needed)
{
	struct action a = {
		.dumpable = dumpable,
		.needed = needed,
		.off = (uint32_t)off,
		.len = (uint32_t)len,
		.pfn = pfn,
		.dst = s->wpos,
	};
	struct error *err;

	s->wpos += len;
	if (w->pass != PASS_DATA)
		return NULL;
	/* Queued before the push: the push may emit it at once. */
	err = q_push(w, &a);
	if (!err)
		err = pipeline_push(w->pipe, pfn);
	return err;
}

/* ---- building the output PT_LOADs of one input segment ---- */

static struct error *seg_start(struct elf_writer *w, struct seg *s)
{
	s->next = s->first;
	s->cur_paddr = s->paddr;
	s->cur_vaddr = s->vaddr;
	s->memsz_acc = s->filesz_acc = s->head;
	s->nexcl = 0;
	s->phdr_idx = s->phdr_base;
	s->seg_off = s->wpos = s->data_base;
	/* A partial first page is kept whatever the bitmap says. */
	if (s->head)
		return queue_page(w, s, s->paddr >> w->shift, s->paddr & (w->ps - 1),
				  s->head, false, true);
	return NULL;
}

static struct error *seg_close(struct elf_writer *w, struct seg *s, bool last)
{
	if (w->pass == PASS_COUNT) {
		s->nr_loads++;
		s->data_bytes += s->filesz_acc;
	} else {
		Elf64_Phdr ph = {
			.p_type = PT_LOAD,
			.p_flags = s->flags,
			/*
			 * An empty PT_LOAD inside a segment gets offset 0; the
			 * last one keeps the running offset (as makedumpfile).
			 */
			.p_offset = s->filesz_acc || last ? s->seg_off : 0,
			.p_vaddr = s->cur_vaddr,
			.p_paddr = s->cur_paddr,
			.p_filesz = s->filesz_acc,
			.p_memsz = s->memsz_acc,
			.p_align = s->align,
		};
		uint64_t dst = w->phdr_off + s->phdr_idx * sizeof(Elf64_Phdr);

		s->phdr_idx++;
		s->seg_off += s->filesz_acc;
		if (s->seg_off != s->wpos)
			return ERR(ERR_FORMAT, "internal error: ELF segment data out of step");
		if (w->pass == PASS_PHDRS) {
			struct error *err = wc_put(w->out, &w->phdrs, dst, &ph, sizeof(ph));

			if (err)
				return err;
		}
	}
	s->cur_paddr += s->memsz_acc;
	s->cur_vaddr += s->memsz_acc;
	s->memsz_acc = s->filesz_acc = 0;
	return NULL;
}

static uint64_t page_bytes(const struct seg *s, uint64_t pfn, uint64_t ps)
{
	return pfn + 1 == s->end && s->tail ? s->tail : ps;
}

/* @n excluded pfns starting at @pfn. */
static void seg_excluded(struct elf_writer *w, struct seg *s, uint64_t pfn,
			 uint64_t n)
{
	s->nexcl += n;
	s->memsz_acc += n * w->ps;
	if (s->tail && pfn + n == s->end)
		s->memsz_acc -= w->ps - s->tail;
}

static struct error *seg_dumpable(struct elf_writer *w, struct seg *s,
				  uint64_t pfn)
{
	uint64_t t = page_bytes(s, pfn, w->ps);
	struct error *err = NULL;
	uint64_t j;

	if (s->nexcl >= ELF_EXCLUDE_RUN) {
		/* The run is really dropped: it ends this PT_LOAD. */
		if (w->pass == PASS_COUNT)
			w->elf_excluded += s->nexcl;
		err = seg_close(w, s, false);
		if (err)
			return err;
	} else if (s->nexcl && w->pass != PASS_COUNT) {
		/* A short run is kept, with whatever the pages hold. */
		for (j = pfn - s->nexcl; j < pfn && !err; j++)
			err = queue_page(w, s, j, 0, w->ps, false, false);
		if (err)
			return err;
	}
	if (s->nexcl && s->nexcl < ELF_EXCLUDE_RUN)
		s->filesz_acc += s->nexcl * w->ps;
	s->nexcl = 0;
	s->memsz_acc += t;
	s->filesz_acc += t;
	if (w->pass != PASS_COUNT)
		return queue_page(w, s, pfn, 0, t, true, true);
	return NULL;
}

/* Judge pfns [from, to) of @s; @bm covers pfns from @bm_base, NULL beyond it. */
static struct error *seg_feed(struct elf_writer *w, struct seg *s,
			      uint64_t from, uint64_t to, const uint8_t *bm,
			      uint64_t bm_base)
{
	uint64_t p = MAX(from, s->next);
	struct error *err;

	to = MIN(to, s->end);
	while (p < to) {
		uint64_t q;

		if (bm) {
			q = bm_base + bm_next_set(bm, p - bm_base, to - bm_base);
		} else if (!w->wp->dbv || !w->wp->dbv->nr) {
			q = to;
		} else {
			/* Past the bitmaps only device-backed vmemmap is kept. */
			for (q = p; q < to && !dbv_is_meta(w->wp->dbv, q); q++)
				;
		}
		if (q > p)
			seg_excluded(w, s, p, q - p);
		if (q < to) {
			err = seg_dumpable(w, s, q);
			if (err)
				return err;
			q++;
		}
		p = q;
	}
	s->next = MAX(s->next, to);
	return NULL;
}

static struct error *seg_finish(struct elf_writer *w, struct seg *s)
{
	struct error *err = seg_feed(w, s, s->next, s->end, NULL, 0);

	if (err)
		return err;
	if (w->pass == PASS_COUNT)
		w->elf_excluded += s->nexcl;
	s->nexcl = 0;
	return seg_close(w, s, true);
}

/* ---- input segments ---- */

static struct error *add_seg(struct elf_writer *w, size_t *cap, uint64_t paddr,
			     uint64_t memsz, uint64_t vaddr, uint32_t flags)
{
	uint64_t ps = w->ps, end = paddr + memsz;
	struct seg *s;

	if (w->nr_segs == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct seg *n = realloc(w->segs, ncap * sizeof(*n));

		if (!n)
			return ERR_OOM();
		w->segs = n;
		*cap = ncap;
	}
	s = &w->segs[w->nr_segs++];
	memset(s, 0, sizeof(*s));
	s->paddr = paddr;
	s->memsz = memsz;
	s->vaddr = vaddr;
	s->flags = flags;
	s->first = paddr / ps;
	s->end = end / ps;
	if (paddr % ps) {
		s->head = MIN(ps - paddr % ps, memsz);
		s->first++;
	}
	if (end % ps) {
		s->tail = end % ps;
		s->end++;
	}
	if (s->end < s->first)
		s->end = s->first;
	return NULL;
}

/*
 * The input's program headers, for what the source does not keep: the
 * PT_NOTE header (p_align and friends are copied, as makedumpfile does)
 * and each PT_LOAD's p_align.
 */
static struct error *copy_input_phdrs(struct elf_writer *w)
{
	struct source *src = w->wp->src;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)src->elf_header;
	uint64_t phnum = eh->e_phnum, i;
	size_t seg = 0;
	bool note = false;
	struct error *err;

	if (phnum == PN_XNUM) {
		Elf64_Shdr sh0;

		if (!range_in(eh->e_shoff, sizeof(sh0), src->file_size))
			return NULL;
		err = pread_full(src->fd, &sh0, sizeof(sh0), eh->e_shoff, src->path);
		if (err)
			return err;
		phnum = sh0.sh_info;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !range_in(eh->e_phoff, phnum * sizeof(Elf64_Phdr), src->file_size))
		return NULL;
	for (i = 0; i < phnum; i++) {
		Elf64_Phdr ph;

		err = pread_full(src->fd, &ph, sizeof(ph),
				 eh->e_phoff + i * sizeof(ph), src->path);
		if (err)
			return err;
		if (ph.p_type == PT_NOTE && !note) {
			w->in_note = ph;
			note = true;
		}
		/* The same PT_LOADs the source keeps, in the same order. */
		if (ph.p_type != PT_LOAD || ph.p_paddr == UINT64_MAX || !ph.p_memsz)
			continue;
		/* Ones the source ignored (impossible addresses) match none. */
		if (seg < w->nr_segs && w->segs[seg].paddr == ph.p_paddr &&
		    w->segs[seg].memsz == ph.p_memsz)
			w->segs[seg++].align = ph.p_align;
	}
	return NULL;
}

static struct error *collect_segments(struct elf_writer *w)
{
	struct source *src = w->wp->src;
	size_t cap = 0, i;
	struct error *err = NULL;

	if (src->format == SOURCE_ELF) {
		for (i = 0; i < src->nr_segs && !err; i++) {
			const struct source_segment *s = &src->segs[i];

			err = add_seg(w, &cap, s->paddr, s->memsz, s->vaddr, s->flags);
		}
		return err ? err : copy_input_phdrs(w);
	}
	/*
	 * A kdump-compressed input: every run of present pfns is a segment,
	 * its p_vaddr in the direct map (0 when the arch can't say where).
	 */
	uint64_t po = kernel_direct_map_offset(w->wp->k);
	uint64_t start, run = UINT64_MAX;

	for (start = 0; start < w->max_mapnr && !err; start += w->bm.win) {
		uint64_t e = MIN(start + w->bm.win, w->max_mapnr), p = start;

		source_fill_bitmaps(src, start, e, w->bm.bm1, NULL);
		while (p < e && !err) {
			if (run == UINT64_MAX) {
				p = start + bm_next_set(w->bm.bm1, p - start, e - start);
				if (p < e)
					run = p;
			} else {
				p = start + bm_next_clear(w->bm.bm1, p - start, e - start);
				if (p < e) {
					err = add_seg(w, &cap, run << w->shift,
						      (p - run) << w->shift,
						      po ? po + (run << w->shift) : 0,
						      PF_R | PF_W | PF_X);
					run = UINT64_MAX;
				}
			}
		}
	}
	if (!err && run != UINT64_MAX)
		err = add_seg(w, &cap, run << w->shift, (w->max_mapnr - run) << w->shift,
			      po ? po + (run << w->shift) : 0, PF_R | PF_W | PF_X);
	return err;
}

/* ---- the sweeps ---- */

static struct error *sweep(struct elf_writer *w, enum pass pass)
{
	const struct write_params *wp = w->wp;
	bool count = pass == PASS_COUNT;
	uint64_t start;
	struct error *err = NULL;
	size_t i;

	w->pass = pass;
	for (i = 0; i < w->nr_segs && !err; i++)
		err = seg_start(w, &w->segs[i]);
	if (!w->bm2_whole || count)
		filter_rewind(wp->filter);
	for (start = 0; start < w->max_mapnr && !err; start += w->bm.win) {
		uint64_t end = MIN(start + w->bm.win, w->max_mapnr);

		if (count)
			progress_update(wp->pr, "Excluding unnecessary pages", start,
					w->max_mapnr, false);
		if (count || !w->bm2_whole) {
			err = filter_window(wp->filter, start, end, w->bm.bm1, w->bm.bm2,
					    count ? wp->stats : NULL);
			if (err)
				break;
			if (count)
				w->num_dumpable += bm_count(w->bm.bm2, 0, end - start);
		}
		for (i = 0; i < w->nr_segs && !err; i++) {
			struct seg *s = &w->segs[i];

			if (s->end > start && s->first < end)
				err = seg_feed(w, s, start, end, w->bm.bm2, start);
		}
	}
	for (i = 0; i < w->nr_segs && !err; i++)
		err = seg_finish(w, &w->segs[i]);
	if (count)
		w->bm2_whole = w->bm.win >= w->max_mapnr;
	return err;
}

/* ---- headers ---- */

static void build_ehdr(const struct elf_writer *w, Elf64_Ehdr *eh, bool incomplete)
{
	const struct write_params *wp = w->wp;

	memset(eh, 0, sizeof(*eh));
	if (wp->src->format == SOURCE_ELF) {
		memcpy(eh, wp->src->elf_header, sizeof(*eh));
	} else {
		memcpy(eh->e_ident, ELFMAG, SELFMAG);
		eh->e_ident[EI_CLASS] = ELFCLASS64;
		eh->e_ident[EI_DATA] = ELFDATA2LSB;
		eh->e_ident[EI_VERSION] = EV_CURRENT;
		eh->e_type = ET_CORE;
		eh->e_machine = wp->k->arch->e_machine;
		eh->e_version = EV_CURRENT;
	}
	/* Our layout, whatever the input's (QEMU 7.2 puts shdrs first). */
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_shoff = 0;
	eh->e_shentsize = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = SHN_UNDEF;
	if (w->phnum >= PN_XNUM) {
		eh->e_phnum = PN_XNUM;
		eh->e_shoff = sizeof(Elf64_Ehdr) + w->phnum * sizeof(Elf64_Phdr);
		eh->e_shentsize = sizeof(Elf64_Shdr);
		eh->e_shnum = 1;
	} else {
		eh->e_phnum = (uint16_t)w->phnum;
	}
	if (incomplete)
		eh->e_flags |= DUMP_ELF_INCOMPLETE;
}

/* The notes already carry an ERASEINFO note when they are those of an ELF dump re-filtered as it was. */
static bool eraseinfo_note_needed(const struct write_params *wp)
{
	return wp->eraseinfo_size && !wp->eraseinfo_in_notes;
}

static struct error *write_headers(struct elf_writer *w)
{
	const struct write_params *wp = w->wp;
	struct output *o = w->out;
	static const uint8_t zeros[ZERO_CHUNK];
	uint64_t pos, tab_end = sizeof(Elf64_Ehdr) + w->phnum * sizeof(Elf64_Phdr);
	Elf64_Ehdr eh;
	Elf64_Phdr note = { 0 };
	struct error *err = NULL;

	/*
	 * Claim the program header area first, so that the headers written
	 * later need no new space on a filling disk.  A stream needs no
	 * claim, and a duplicate record would only confuse readers.
	 */
	if (o->kind != OUTPUT_FLAT) {
		for (pos = sizeof(Elf64_Ehdr); pos < tab_end && !err;) {
			uint64_t n = MIN((uint64_t)sizeof(zeros), tab_end - pos);

			n = MIN(n, (uint64_t)w->ps);
			err = output_write(o, pos, zeros, n);
			pos += n;
		}
		if (err)
			return err;
		w->reserved = true;
	}
	if (w->phnum >= PN_XNUM) {
		Elf64_Shdr sh = { 0 };

		sh.sh_type = SHT_NULL;
		sh.sh_size = 1;
		sh.sh_info = (uint32_t)w->phnum;
		err = output_write(o, tab_end, &sh, sizeof(sh));
		if (err)
			return err;
	}
	note = w->in_note;
	note.p_type = PT_NOTE;
	note.p_offset = w->note_off;
	note.p_filesz = w->note_filesz;
	/* -i added a VMCOREINFO note: the segment grew. */
	if (note.p_memsz < wp->notes_size || wp->src->format != SOURCE_ELF)
		note.p_memsz = wp->notes_size;
	err = output_write(o, sizeof(Elf64_Ehdr), &note, sizeof(note));
	if (err)
		return err;
	build_ehdr(w, &eh, false);
	err = output_write(o, 0, &eh, sizeof(eh));
	if (!err && wp->notes_size)
		err = output_write(o, w->note_off, wp->notes, wp->notes_size);
	if (!err && eraseinfo_note_needed(wp)) {
		struct eraseinfo_note {
			Elf64_Nhdr nh;
			char name[12];
		} hdr = { { 10, (uint32_t)wp->eraseinfo_size, 0 }, "ERASEINFO" };
		uint64_t off = w->note_off + ROUND_UP(wp->notes_size, 4);
		size_t pad = ROUND_UP(wp->eraseinfo_size, 4) - wp->eraseinfo_size;

		err = output_write(o, off, &hdr, sizeof(hdr));
		if (!err)
			err = output_write(o, off + sizeof(hdr), wp->eraseinfo,
					   wp->eraseinfo_size);
		if (!err && pad)
			err = output_write(o, off + sizeof(hdr) + wp->eraseinfo_size,
					   zeros, pad);
	}
	return err;
}

static void layout(struct elf_writer *w)
{
	const struct write_params *wp = w->wp;
	uint64_t pos;
	size_t i;

	w->phnum = 1;
	for (i = 0; i < w->nr_segs; i++)
		w->phnum += w->segs[i].nr_loads;
	w->phdr_off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
	w->note_off = sizeof(Elf64_Ehdr) + w->phnum * sizeof(Elf64_Phdr);
	if (w->phnum >= PN_XNUM)
		w->note_off += sizeof(Elf64_Shdr);
	w->note_filesz = wp->notes_size;
	if (eraseinfo_note_needed(wp))
		w->note_filesz = ROUND_UP(wp->notes_size, 4) + sizeof(Elf64_Nhdr) +
				 ROUND_UP(sizeof("ERASEINFO"), 4) +
				 ROUND_UP(wp->eraseinfo_size, 4);
	w->load_off = w->note_off + w->note_filesz;
	/* Data of each input segment follows that of the ones before it. */
	pos = w->load_off;
	uint64_t idx = 0;
	for (i = 0; i < w->nr_segs; i++) {
		w->segs[i].data_base = pos;
		w->segs[i].phdr_base = idx;
		pos += w->segs[i].data_bytes;
		idx += w->segs[i].nr_loads;
	}
}

static struct error *write_pass(struct elf_writer *w)
{
	const struct write_params *wp = w->wp;
	struct pipeline_options po = {
		.raw_only = true,
		.threads = wp->threads,
		.patch = wp->patch,
	};
	struct timespec t0;
	struct error *err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = sweep(w, PASS_PHDRS);
	if (!err)
		err = wc_flush(w->out, &w->phdrs);
	if (err)
		return err;
	progress_begin(wp->pr);
	err = pipeline_create(wp->src, &po, emit_page, w, &w->pipe);
	if (err)
		return err;
	err = sweep(w, PASS_DATA);
	if (!err)
		err = pipeline_drain(w->pipe);
	pipeline_destroy(w->pipe);
	w->pipe = NULL;
	if (!err)
		err = wc_flush(w->out, &w->data);
	progress_done(wp->pr, "Copying data");
	print_step_time(wp->pr, "Copying data", &t0);
	return err;
}

/* After a failure: headers already written stay valid; flag the dump. */
static void mark_incomplete(struct elf_writer *w)
{
	struct output *o = w->out;
	uint64_t saved = o->limit;
	struct error *err;
	Elf64_Ehdr eh;

	/* Whatever data is still cached goes out if it can. */
	error_free(wc_flush(o, &w->data));
	/* The header area was claimed up front: rewriting it needs no space. */
	if (w->reserved)
		o->limit = 0;
	err = wc_flush(o, &w->phdrs);
	if (err) {
		msg_error(w->wp->pr, "%s\n", err->msg);
		error_free(err);
	}
	/*
	 * A stream already carries the header: a second record for the same
	 * bytes would confuse readers that index records (crash).
	 */
	if (o->kind == OUTPUT_FLAT) {
		o->limit = saved;
		return;
	}
	build_ehdr(w, &eh, true);
	err = output_write(o, 0, &eh, sizeof(eh));
	o->limit = saved;
	if (err) {
		msg_error(w->wp->pr, "%s\n", err->msg);
		error_free(err);
	}
}

struct error *elf_write(const struct write_params *wp, bool *incomplete)
{
	struct elf_writer w = { .wp = wp, .out = wp->out };
	struct timespec t0;
	struct error *err;

	*incomplete = false;
	w.ps = wp->k->page_size;
	w.shift = wp->k->page_shift;
	w.max_mapnr = wp->k->max_mapnr;
	err = filter_bitmaps_init(&w.bm, wp->window_pfns, w.max_mapnr);
	if (err)
		goto out;
	w.data.cap = WRITE_CACHE;
	w.data.buf = malloc(WRITE_CACHE);
	w.phdrs.cap = PHDR_CACHE;
	w.phdrs.buf = malloc(PHDR_CACHE);
	w.zero_page = calloc(1, w.ps);
	if (!w.data.buf || !w.phdrs.buf || !w.zero_page) {
		err = ERR_OOM();
		goto out;
	}
	err = collect_segments(&w);
	if (err)
		goto out;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = sweep(&w, PASS_COUNT);
	progress_done(wp->pr, "Excluding unnecessary pages");
	print_step_time(wp->pr, "Excluding unnecessary pages", &t0);
	if (err)
		goto out;
	layout(&w);
	wp->stats->elf_excluded = w.elf_excluded;

	err = write_headers(&w);
	if (!err)
		err = write_pass(&w);
	if (err) {
		if (err->code == ERR_NOSPC || err->code == ERR_IO) {
			*incomplete = true;
			mark_incomplete(&w);
		}
		goto out;
	}
	if (warn_missing_pages(wp->pr, wp->src->path, w.unreadable,
			       wp->src->incomplete, "zero-filled")) {
		*incomplete = true;
		mark_incomplete(&w);
	}
out:
	wp->stats->num_dumped = w.num_dumped;
	free(w.segs);
	free(w.q);
	filter_bitmaps_fini(&w.bm);
	free(w.data.buf);
	free(w.phdrs.buf);
	free(w.zero_page);
	return err;
}
