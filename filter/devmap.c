// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recognising device-backed vmemmap areas (DEVICE_VMEMMAP.md §6):
 *  A. frames that back the vmemmap, found by walking the kernel's page
 *     tables, that lie in memory the kernel did not online (primary);
 *  B. the namespace's pfn info block (nd_pfn_sb), which gives the whole
 *     metadata area [base, base + dataoff) and the data pages after it;
 *  C. section flags as a cross-check (present, not online).
 */
#include "devmap.h"
#include "../arch/arch.h"
#include "../kernel/kernel.h"
#include "../kernel/sparsemem.h"
#include "../lib/bitmap.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../reader/source.h"

#include <stdlib.h>
#include <string.h>

/*
 * nvdimm geometry, the same for every page size: the pfn info block sits
 * 4 KiB into the namespace and is 4 KiB long; namespace starts and dataoff
 * are at least 4 KiB aligned.
 */
#define ND_MIN_ALIGN 4096ull
#define SZ_2M (2ull << 20)
#define INFO_BLOCK_OFFSET 4096
#define INFO_BLOCK_SIZE 4096
#define PFN_MODE_PMEM 2
/* How far below the first vmemmap frame the namespace start is looked for. */
#define INFO_SEARCH_SPAN (4ull << 20)
/* Info-block probes at starts of dumped runs (kdump input), at most. */
#define MAX_RUN_PROBES 4096u

/* Fields of struct nd_pfn_sb (little endian). */
#define SB_SIGNATURE 0
#define SB_DATAOFF 56
#define SB_NPFNS 64
#define SB_MODE 72
#define SB_START_PAD 76
#define SB_END_TRUNC 80
#define SB_ALIGN 84
#define SB_VERSION_MAJOR 52
#define SB_VERSION_MINOR 54
#define SB_CHECKSUM 4088

uint64_t nd_fletcher64(const uint8_t *buf, size_t len)
{
	uint32_t lo = 0;
	uint64_t hi = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		lo += load_le32(buf + i);
		hi += lo;
	}
	return hi << 32 | lo;
}

/* A growing list of pfn ranges. */
struct ranges {
	uint64_t (*r)[2];
	size_t n, cap;
};

static struct error *ranges_add(struct ranges *rs, uint64_t b, uint64_t e)
{
	if (rs->n && rs->r[rs->n - 1][1] == b) {
		rs->r[rs->n - 1][1] = e;
		return NULL;
	}
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		void *p = realloc(rs->r, cap * sizeof(*rs->r));

		if (!p)
			return ERR_OOM();
		rs->r = p;
		rs->cap = cap;
	}
	rs->r[rs->n][0] = b;
	rs->r[rs->n][1] = e;
	rs->n++;
	return NULL;
}

struct detect {
	struct kernel *k;
	struct source *src;
	struct ranges frames;		/* vmemmap frames in non-RAM memory */
	bool sections_tell;		/* section flags mark online RAM */
	struct error *err;
	uint8_t *bm;			/* scratch for presence tests */
	size_t bm_pfns;
};

/* Count pfns of [b, e) that the dump holds readable data for. */
static uint64_t readable_in(struct detect *d, uint64_t b, uint64_t e)
{
	uint64_t n = 0;

	while (b < e) {
		uint64_t c = MIN(e - b, (uint64_t)d->bm_pfns);

		source_fill_bitmaps(d->src, b, b + c, NULL, d->bm);
		n += bm_count(d->bm, 0, c);
		b += c;
	}
	return n;
}

static bool pfn_readable(struct detect *d, uint64_t pfn)
{
	return readable_in(d, pfn, pfn + 1) == 1;
}

enum mem_kind {
	MEM_RAM,	/* the kernel runs it as RAM */
	MEM_DEVICE,	/* present to the kernel but never onlined */
	MEM_UNKNOWN,	/* the section flags can't tell */
};

/*
 * What the section flags say about @pfn.  SECTION_IS_ONLINE exists since
 * 4.13; on older kernels (no section carries it) nothing can be concluded
 * from the flags and the info block has to decide.
 */
static enum mem_kind mem_kind(const struct detect *d, uint64_t pfn)
{
	const struct mem_section_info *s;

	if (!d->sections_tell)
		return MEM_UNKNOWN;
	s = sparsemem_section(d->k->mm, pfn);
	if (!s)
		return MEM_DEVICE;
	return (s->flags & SECTION_IS_ONLINE) &&
	       !(s->flags & SECTION_TAINT_ZONE_DEVICE) ? MEM_RAM : MEM_DEVICE;
}

static bool flags_tell(const struct kernel *k)
{
	size_t i;

	if (!k->mm || k->mm->linear)
		return false;
	for (i = 0; i < k->mm->nr; i++)
		if (k->mm->sec[i].flags & SECTION_IS_ONLINE)
			return true;
	return false;
}

static int frame_cb(void *arg, uint64_t va, uint64_t pa, uint64_t size)
{
	struct detect *d = arg;
	unsigned int sh = d->k->page_shift;
	uint64_t b = pa >> sh, e = (pa + size) >> sh, p, run = UINT64_MAX;

	(void)va;
	/* Past max_mapnr nothing is a candidate: a bogus 1 GiB leaf far up costs nothing. */
	if (b >= d->k->max_mapnr)
		return 0;
	e = MIN(e, d->k->max_mapnr);
	for (p = b; p <= e; p++) {
		bool cand = p < e && p < d->k->max_mapnr && mem_kind(d, p) != MEM_RAM;

		if (cand && run == UINT64_MAX) {
			run = p;
		} else if (!cand && run != UINT64_MAX) {
			if (readable_in(d, run, p)) {
				d->err = ranges_add(&d->frames, run, p);
				if (d->err)
					return 1;
			}
			run = UINT64_MAX;
		}
	}
	return 0;
}

/* The vmemmap virtual range: struct pages for every possible pfn. */
static void vmemmap_range(const struct kernel *k, uint64_t *b, uint64_t *e)
{
	uint64_t span = (1ull << (kernel_phys_bits(k) - k->page_shift)) *
			k->struct_page_size;

	*b = k->mm ? k->mm->vmemmap_base : 0;
	*e = *b + span < *b ? UINT64_MAX : *b + span;
}

static int cmp_range(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Sort and merge the frame ranges; frames of one namespace become one run. */
static void merge_frames(struct ranges *rs)
{
	size_t i, m = 0;

	if (!rs->n)
		return;
	qsort(rs->r, rs->n, sizeof(*rs->r), cmp_range);
	for (i = 1; i < rs->n; i++) {
		if (rs->r[i][0] <= rs->r[m][1])
			rs->r[m][1] = MAX(rs->r[m][1], rs->r[i][1]);
		else
			memcpy(rs->r[++m], rs->r[i], sizeof(*rs->r));
	}
	rs->n = m + 1;
}

/* Validate an info block at physical @base + 4 KiB. */
static bool read_info_block(struct detect *d, uint64_t base,
			    struct dbv_namespace *ns)
{
	uint8_t sb[INFO_BLOCK_SIZE];
	uint64_t sum;
	struct error *err;

	err = source_read_phys(d->src, base + INFO_BLOCK_OFFSET, sb, sizeof(sb));
	if (err) {
		error_free(err);
		return false;
	}
	if (memcmp(sb, "NVDIMM_PFN_INFO\0", 16) && memcmp(sb, "NVDIMM_DAX_INFO\0", 16))
		return false;
	sum = load_le64(sb + SB_CHECKSUM);
	store_le64(sb + SB_CHECKSUM, 0);
	if (nd_fletcher64(sb, sizeof(sb)) != sum) {
		msg_debug(d->k->pr, "device vmemmap: info block at 0x%llx has a bad checksum\n",
			  (unsigned long long)(base + INFO_BLOCK_OFFSET));
		return false;
	}
	memset(ns, 0, sizeof(*ns));
	ns->valid = true;
	ns->devdax = !memcmp(sb, "NVDIMM_DAX_INFO", 15);
	ns->base = base;
	ns->version_major = load_le16(sb + SB_VERSION_MAJOR);
	ns->version_minor = load_le16(sb + SB_VERSION_MINOR);
	ns->dataoff = load_le64(sb + SB_DATAOFF);
	ns->npfns = load_le64(sb + SB_NPFNS);
	ns->mode = load_le32(sb + SB_MODE);
	if (ns->version_minor >= 1) {
		ns->start_pad = load_le32(sb + SB_START_PAD);
		ns->end_trunc = load_le32(sb + SB_END_TRUNC);
	}
	if (ns->version_minor >= 2)
		ns->align = load_le32(sb + SB_ALIGN);
	if (ns->dataoff < 2 * ND_MIN_ALIGN || ns->dataoff % ND_MIN_ALIGN ||
	    ns->dataoff > (1ull << 46) || ns->npfns > (1ull << 40)) {
		msg_debug(d->k->pr, "device vmemmap: info block at 0x%llx has implausible "
			  "dataoff 0x%llx / npfns %llu\n",
			  (unsigned long long)(base + INFO_BLOCK_OFFSET),
			  (unsigned long long)ns->dataoff, (unsigned long long)ns->npfns);
		ns->valid = false;
		return false;
	}
	return true;
}

/* Look for the namespace start below the first frame of a vmemmap run. */
static bool find_info_below(struct detect *d, uint64_t first_pa,
			    struct dbv_namespace *ns)
{
	uint64_t lo = first_pa > INFO_SEARCH_SPAN ? first_pa - INFO_SEARCH_SPAN : 0;
	uint64_t base;

	/* Namespaces start 2 MiB aligned nowadays; older ones carry a start_pad. */
	for (base = ROUND_DOWN(first_pa, ND_MIN_ALIGN);; base -= ND_MIN_ALIGN) {
		if (base + INFO_BLOCK_OFFSET < first_pa &&
		    pfn_readable(d, (base + INFO_BLOCK_OFFSET) >> d->k->page_shift) &&
		    read_info_block(d, base, ns) &&
		    base + ns->start_pad + ns->dataoff > first_pa)
			return true;
		if (base <= lo || base < ND_MIN_ALIGN)
			break;
	}
	return false;
}

struct builder {
	struct dbv_segment *seg;
	size_t n, cap;
};

static struct error *add_segment(struct builder *b, const struct dbv_segment *s)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		void *p = realloc(b->seg, cap * sizeof(*b->seg));

		if (!p)
			return ERR_OOM();
		b->seg = p;
		b->cap = cap;
	}
	b->seg[b->n++] = *s;
	return NULL;
}

static void fill_from_namespace(struct detect *d, struct dbv_segment *s)
{
	unsigned int sh = d->k->page_shift;
	uint64_t start = s->ns.base + s->ns.start_pad;

	s->start_pfn = s->ns.base >> sh;
	s->end_pfn = (start + s->ns.dataoff) >> sh;
	s->data_start_pfn = s->end_pfn;
	s->data_end_pfn = s->data_start_pfn + s->ns.npfns;
}

/* Extend a run of vmemmap frames without an info block (see header). */
static void extend_without_info(struct detect *d, struct dbv_segment *s)
{
	unsigned int sh = d->k->page_shift;
	uint64_t per2m = SZ_2M >> sh;
	uint64_t lo = ROUND_DOWN(s->start_pfn, per2m);
	uint64_t p = s->start_pfn;

	lo = lo >= per2m ? lo - per2m : 0;
	/* The reserve and alignment gap precede the first block, within 2 MiB. */
	while (p > lo && mem_kind(d, p - 1) == MEM_DEVICE && pfn_readable(d, p - 1))
		p--;
	s->start_pfn = p;
	s->data_start_pfn = s->data_end_pfn = s->end_pfn;
}

static bool sections_disagree(struct detect *d, const struct dbv_segment *s)
{
	uint64_t pfn;

	if (!d->sections_tell)
		return false;
	for (pfn = s->start_pfn; pfn < s->end_pfn;
	     pfn = ROUND_DOWN(pfn, d->k->mm->pages_per_section) +
		   d->k->mm->pages_per_section) {
		if (pfn < d->k->max_mapnr && mem_kind(d, pfn) == MEM_RAM)
			return true;
	}
	return false;
}

/* Signal C: the flags confirm the segment, or disagree (a warning). */
static void mark_sections(struct detect *d, struct dbv_segment *s)
{
	if (!d->sections_tell)
		return;
	if (sections_disagree(d, s))
		s->sections_online = true;
	else
		s->signals |= DBV_SIG_SECTIONS;
}

static int cmp_segment(const void *a, const void *b)
{
	const struct dbv_segment *x = a, *y = b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/* Sort; merge overlapping segments (e.g. a manual range and a found one). */
static void normalise(struct builder *b)
{
	size_t i, m = 0;

	if (!b->n)
		return;
	qsort(b->seg, b->n, sizeof(*b->seg), cmp_segment);
	for (i = 1; i < b->n; i++) {
		struct dbv_segment *prev = &b->seg[m], *cur = &b->seg[i];

		if (cur->start_pfn < prev->end_pfn ||
		    (cur->ns.valid && prev->ns.valid && cur->ns.base == prev->ns.base)) {
			prev->end_pfn = MAX(prev->end_pfn, cur->end_pfn);
			prev->signals |= cur->signals;
			prev->vmemmap_frames += cur->vmemmap_frames;
			if (!prev->ns.valid && cur->ns.valid) {
				prev->ns = cur->ns;
				prev->data_start_pfn = cur->data_start_pfn;
				prev->data_end_pfn = cur->data_end_pfn;
			}
			continue;
		}
		b->seg[++m] = *cur;
	}
	b->n = m + 1;
	/* A data range never reaches into the next metadata area. */
	for (i = 0; i + 1 < b->n; i++)
		if (b->seg[i].data_end_pfn > b->seg[i + 1].start_pfn)
			b->seg[i].data_end_pfn = MAX(b->seg[i].data_start_pfn,
						     b->seg[i + 1].start_pfn);
}

static struct error *from_frames(struct detect *d, struct builder *b)
{
	unsigned int sh = d->k->page_shift;
	size_t i;

	for (i = 0; i < d->frames.n; i++) {
		struct dbv_segment s = { 0 };
		uint64_t fb = d->frames.r[i][0], fe = d->frames.r[i][1];
		bool pure = true;
		uint64_t p;
		struct error *err;

		s.start_pfn = fb;
		s.end_pfn = fe;
		s.signals = DBV_SIG_VMEMMAP;
		s.vmemmap_frames = fe - fb;
		/* Without the info block, only flags that clearly say "device" will do. */
		for (p = fb; p < fe && pure; p++)
			if (mem_kind(d, p) != MEM_DEVICE)
				pure = false;
		if (find_info_below(d, fb << sh, &s.ns) && s.ns.mode == PFN_MODE_PMEM) {
			s.signals |= DBV_SIG_INFOBLOCK;
			fill_from_namespace(d, &s);
			s.start_pfn = MIN(s.start_pfn, fb);
			s.end_pfn = MAX(s.end_pfn, fe);
		} else if (pure) {
			s.ns.valid = false;
			extend_without_info(d, &s);
		} else {
			/* Mixed RAM/device sections and no info block: not enough to go on. */
			msg_debug(d->k->pr,
				  "device vmemmap: frames 0x%llx-0x%llx back the vmemmap in memory "
				  "the section flags don't call device memory, and no info block "
				  "was found; ignored\n",
				  (unsigned long long)fb, (unsigned long long)fe);
			continue;
		}
		mark_sections(d, &s);
		err = add_segment(b, &s);
		if (err)
			return err;
	}
	return NULL;
}

/* Info blocks at the start of non-RAM PT_LOADs, in case the walk found nothing. */
static struct error *from_segments(struct detect *d, struct builder *b)
{
	struct source *src = d->src;
	unsigned int sh = d->k->page_shift;
	size_t i;

	for (i = 0; i < src->nr_segs; i++) {
		const struct source_segment *sg = &src->segs[i];
		struct dbv_segment s = { 0 };
		struct error *err;

		if (sg->paddr % ND_MIN_ALIGN || mem_kind(d, sg->paddr >> sh) == MEM_RAM ||
		    sg->filesz < INFO_BLOCK_OFFSET + INFO_BLOCK_SIZE)
			continue;
		if (!read_info_block(d, sg->paddr, &s.ns) || s.ns.mode != PFN_MODE_PMEM)
			continue;
		s.signals = DBV_SIG_INFOBLOCK;
		fill_from_namespace(d, &s);
		mark_sections(d, &s);
		err = add_segment(b, &s);
		if (err)
			return err;
	}
	return NULL;
}

/*
 * Info blocks at the start of runs of dumped pfns in device sections, for
 * inputs without PT_LOADs (a kdump-compressed dump being re-filtered): a
 * segment whose memmap is all in RAM (no vmemmap frame on the device)
 * would otherwise go unrecognised the second time.
 */
static struct error *from_present_runs(struct detect *d, struct builder *b)
{
	const struct sparsemem *mm = d->k->mm;
	unsigned int sh = d->k->page_shift;
	unsigned int probes = 0;
	bool prev_readable = false;
	uint64_t prev_end = 0;
	size_t i;

	if (d->src->nr_segs || !d->sections_tell || !mm)
		return NULL;
	for (i = 0; i < mm->nr; i++) {
		uint64_t sb = mm->sec[i].nr << mm->section_shift, p, n;

		if (mem_kind(d, sb) != MEM_DEVICE || sb >= d->k->max_mapnr) {
			prev_readable = false;
			continue;
		}
		/* A run may carry on from the previous section. */
		if (sb != prev_end)
			prev_readable = false;
		n = MIN((uint64_t)d->bm_pfns, MIN(mm->pages_per_section, d->k->max_mapnr - sb));
		source_fill_bitmaps(d->src, sb, sb + n, NULL, d->bm);
		for (p = 0; p < n; p++) {
			bool r = bm_test(d->bm, p);
			struct dbv_segment seg = { 0 };
			struct error *err;

			if (!r || prev_readable) {
				prev_readable = r;
				continue;
			}
			prev_readable = true;
			/* Hostile dumps: a bounded number of 4 KiB reads. */
			if (++probes > MAX_RUN_PROBES)
				return NULL;
			if (!read_info_block(d, (sb + p) << sh, &seg.ns) ||
			    seg.ns.mode != PFN_MODE_PMEM)
				continue;
			seg.signals = DBV_SIG_INFOBLOCK;
			fill_from_namespace(d, &seg);
			mark_sections(d, &seg);
			err = add_segment(b, &seg);
			if (err)
				return err;
		}
		prev_end = sb + n;
	}
	return NULL;
}

static struct error *from_manual(struct detect *d, struct builder *b,
				 const struct dbv_options *opt)
{
	unsigned int sh = d->k->page_shift;
	size_t i;

	for (i = 0; i < opt->nr_manual; i++) {
		struct dbv_segment s = { 0 };
		struct error *err;

		s.start_pfn = opt->manual[i][0] >> sh;
		/* Rounded up without overflow: END may be 0xffffffffffffffff. */
		s.end_pfn = (opt->manual[i][1] >> sh) +
			    !!(opt->manual[i][1] & ((1ull << sh) - 1));
		s.signals = DBV_SIG_MANUAL;
		if (read_info_block(d, s.start_pfn << sh, &s.ns) &&
		    s.ns.mode == PFN_MODE_PMEM) {
			s.signals |= DBV_SIG_INFOBLOCK;
			s.data_start_pfn = s.data_end_pfn = s.end_pfn;
		} else {
			s.ns.valid = false;
			s.data_start_pfn = s.data_end_pfn = s.end_pfn;
		}
		err = add_segment(b, &s);
		if (err)
			return err;
	}
	return NULL;
}

struct error *dbv_detect(struct kernel *k, const struct dbv_options *opt,
			 struct dbv_set **out)
{
	struct detect d = { 0 };
	struct builder b = { 0 };
	struct dbv_set *set;
	struct error *err = NULL;
	uint64_t vb, ve;
	size_t i;

	set = calloc(1, sizeof(*set));
	if (!set)
		return ERR_OOM();
	*out = set;
	if (!opt->enabled)
		return NULL;
	d.k = k;
	d.sections_tell = flags_tell(k);
	d.src = k->src;
	d.bm_pfns = 1u << 15;
	d.bm = malloc(d.bm_pfns / 8 + 8);
	if (!d.bm)
		return ERR_OOM();

	vmemmap_range(k, &vb, &ve);
	if (vb) {
		err = kernel_walk(k, vb, ve, frame_cb, &d);
		if (!err)
			err = d.err;
		if (err) {
			msg_common(k->pr, "WARNING: can't walk the vmemmap page tables (%s); "
				   "device-backed vmemmap is looked for by info blocks only.\n",
				   err->msg);
			error_free(err);
			err = NULL;
		}
	}
	merge_frames(&d.frames);
	err = from_frames(&d, &b);
	if (!err)
		err = from_segments(&d, &b);
	if (!err)
		err = from_present_runs(&d, &b);
	if (!err)
		err = from_manual(&d, &b, opt);
	if (err)
		goto out;
	normalise(&b);
	for (i = 0; i < b.n; i++) {
		b.seg[i].present_pages = readable_in(&d, b.seg[i].start_pfn,
						     MIN(b.seg[i].end_pfn, k->max_mapnr));
		if (b.seg[i].sections_online)
			msg_common(k->pr,
				   "WARNING: device-backed vmemmap 0x%llx-0x%llx lies in online "
				   "memory sections; kept anyway.\n",
				   (unsigned long long)(b.seg[i].start_pfn << k->page_shift),
				   (unsigned long long)(b.seg[i].end_pfn << k->page_shift));
	}
	set->seg = b.seg;
	set->nr = b.n;
	b.seg = NULL;
out:
	free(b.seg);
	free(d.frames.r);
	free(d.bm);
	return err;
}

void dbv_free(struct dbv_set *set)
{
	if (!set)
		return;
	free(set->seg);
	free(set);
}

uint64_t dbv_present_pages(const struct dbv_set *set)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; set && i < set->nr; i++)
		n += set->seg[i].present_pages;
	return n;
}

const struct dbv_segment *dbv_first_after(const struct dbv_set *set,
					  uint64_t pfn)
{
	size_t i;

	for (i = 0; set && i < set->nr; i++)
		if (MAX(set->seg[i].end_pfn, set->seg[i].data_end_pfn) > pfn)
			return &set->seg[i];
	return NULL;
}

bool dbv_is_meta(const struct dbv_set *set, uint64_t pfn)
{
	size_t i;

	for (i = 0; set && i < set->nr; i++)
		if (pfn >= set->seg[i].start_pfn && pfn < set->seg[i].end_pfn)
			return true;
	return false;
}

bool dbv_is_data(const struct dbv_set *set, uint64_t pfn)
{
	size_t i;

	for (i = 0; set && i < set->nr; i++)
		if (pfn >= set->seg[i].data_start_pfn && pfn < set->seg[i].data_end_pfn)
			return true;
	return false;
}

static void signal_names(unsigned int sig, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 sig & DBV_SIG_VMEMMAP ? " vmemmap-frames" : "",
		 sig & DBV_SIG_INFOBLOCK ? " info-block" : "",
		 sig & DBV_SIG_SECTIONS ? " offline-sections" : "",
		 sig & DBV_SIG_MANUAL ? " manual" : "");
}

void dbv_print(const struct dbv_set *set, struct kernel *k)
{
	unsigned int sh = k->page_shift;
	size_t i;

	for (i = 0; set && i < set->nr; i++) {
		const struct dbv_segment *s = &set->seg[i];
		char sig[96];

		signal_names(s->signals, sig, sizeof(sig));
		msg_debug(k->pr, "Device-backed vmemmap[%zu]: 0x%llx-0x%llx (pfn 0x%llx-0x%llx), "
			  "%llu pages in the dump, %llu vmemmap frames; signals:%s\n",
			  i, (unsigned long long)(s->start_pfn << sh),
			  (unsigned long long)(s->end_pfn << sh),
			  (unsigned long long)s->start_pfn, (unsigned long long)s->end_pfn,
			  (unsigned long long)s->present_pages,
			  (unsigned long long)s->vmemmap_frames, sig);
		if (s->ns.valid)
			msg_debug(k->pr, "  namespace: base 0x%llx, %s v%u.%u, dataoff 0x%llx, "
				  "npfns %llu, mode %u (map=dev), align 0x%x, start_pad 0x%x, "
				  "end_trunc 0x%x; data pages 0x%llx-0x%llx\n",
				  (unsigned long long)s->ns.base,
				  s->ns.devdax ? "NVDIMM_DAX_INFO" : "NVDIMM_PFN_INFO",
				  s->ns.version_major, s->ns.version_minor,
				  (unsigned long long)s->ns.dataoff,
				  (unsigned long long)s->ns.npfns, s->ns.mode, s->ns.align,
				  s->ns.start_pad, s->ns.end_trunc,
				  (unsigned long long)(s->data_start_pfn << sh),
				  (unsigned long long)(s->data_end_pfn << sh));
	}
}
