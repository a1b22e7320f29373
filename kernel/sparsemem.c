// SPDX-License-Identifier: GPL-2.0-or-later
#include "sparsemem.h"
#include "kernel.h"
#include "vmcoreinfo.h"
#include "../arch/arch.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <stdlib.h>
#include <string.h>

/* Flag bits that can sit below a section's mem_map address. */
#define SECTION_FLAG_MASK 0x1full
#define SECTION_FLAG_MASK_PREINIT 0x3full

struct layout {
	uint64_t nr_sections;		/* NR_MEM_SECTIONS */
	uint64_t per_root;		/* sections per root (extreme) */
	uint64_t nr_roots;
	uint64_t sz_section;
	uint64_t off_map;
	uint64_t sz_page;
};

/* Kernel addresses live in the upper half (4- and 5-level paging alike). */
static bool is_kvaddr(uint64_t va)
{
	return (int64_t)va < 0;
}

/* Decode section_mem_map; returns false when the section has no struct pages. */
static bool decode(const struct layout *l, uint64_t nr, uint64_t raw,
		   unsigned int section_shift, uint64_t *mem_map,
		   uint32_t *flags)
{
	uint64_t mask = SECTION_FLAG_MASK;

	/*
	 * A sixth flag (SECTION_IS_VMEMMAP_PREINIT, 6.14+) can appear in bit
	 * 5; struct page arrays are 64-byte aligned, so a set bit 5 there
	 * can only be a flag.
	 */
	if ((raw & 0x20) && l->sz_page % 64 == 0)
		mask = SECTION_FLAG_MASK_PREINIT;
	*flags = (uint32_t)(raw & mask);
	if (!(raw & SECTION_MARKED_PRESENT))
		return false;
	*mem_map = (raw & ~mask) + (nr << section_shift) * l->sz_page;
	return true;
}

struct scan {
	struct kernel *k;
	const struct layout *l;
	unsigned int section_shift;
	uint64_t nr_sections;		/* sections to look at */
	struct mem_section_info *out;
	size_t n, cap;
	bool invalid;			/* a present section decoded to garbage */
};

static struct error *push(struct scan *s, uint64_t nr, uint64_t mem_map,
			  uint32_t flags)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct mem_section_info *p = realloc(s->out, cap * sizeof(*p));

		if (!p)
			return ERR_OOM();
		s->out = p;
		s->cap = cap;
	}
	s->out[s->n].nr = nr;
	s->out[s->n].mem_map = mem_map;
	s->out[s->n].flags = flags;
	s->n++;
	return NULL;
}

/* Decode @count sections starting at number @first from @buf. */
static struct error *scan_block(struct scan *s, const uint8_t *buf,
				uint64_t first, uint64_t count)
{
	uint64_t i;

	for (i = 0; i < count && first + i < s->nr_sections; i++) {
		uint64_t raw = load_le64(buf + i * s->l->sz_section + s->l->off_map);
		uint64_t mem_map;
		uint32_t flags;
		struct error *err;

		if (!decode(s->l, first + i, raw, s->section_shift, &mem_map, &flags))
			continue;
		if (!is_kvaddr(mem_map)) {
			s->invalid = true;
			continue;
		}
		err = push(s, first + i, mem_map, flags);
		if (err)
			return err;
	}
	return NULL;
}

/* Read the table assuming the root array lives at @table. */
static struct error *scan_table(struct scan *s, uint64_t table)
{
	const struct layout *l = s->l;
	struct error *err;
	uint8_t *buf;

	s->n = 0;
	s->invalid = false;
	if (!s->k->vi || !l->per_root) {
		/* Flat SPARSEMEM: an array of struct mem_section. */
		uint64_t bytes = s->nr_sections * l->sz_section;

		buf = malloc(bytes ? bytes : 1);
		if (!buf)
			return ERR_OOM();
		err = kernel_read(s->k, table, buf, bytes);
		if (!err)
			err = scan_block(s, buf, 0, s->nr_sections);
		free(buf);
		return err;
	}
	uint64_t nr_roots = DIV_ROUND_UP(s->nr_sections, l->per_root);
	uint64_t *roots = malloc(nr_roots * sizeof(*roots));
	uint64_t r;

	buf = malloc(l->per_root * l->sz_section);
	if (!roots || !buf) {
		free(roots);
		free(buf);
		return ERR_OOM();
	}
	err = kernel_read(s->k, table, roots, nr_roots * sizeof(*roots));
	for (r = 0; !err && r < nr_roots; r++) {
		if (!roots[r])
			continue;
		if (!is_kvaddr(roots[r])) {
			s->invalid = true;
			continue;
		}
		err = kernel_read(s->k, roots[r], buf, l->per_root * l->sz_section);
		if (err) {
			/* One unreadable root loses its sections, not the dump. */
			msg_common(s->k->pr,
				   "WARNING: mem_section root %llu is unreadable: %s\n",
				   (unsigned long long)r, err->msg);
			error_free(err);
			err = NULL;
			continue;
		}
		err = scan_block(s, buf, r * l->per_root, l->per_root);
	}
	free(roots);
	free(buf);
	return err;
}

static struct error *get_layout(struct kernel *k, struct layout *l,
				unsigned int *section_shift, bool *extreme)
{
	const struct vmcoreinfo *vi = k->vi;
	uint64_t section_bits = kernel_section_bits(k);
	uint64_t phys_bits, len;
	int64_t n;

	/* Taken as given (kernel_phys_bits() would clamp): checked below. */
	if (vi_number(vi, "MAX_PHYSMEM_BITS", &n))
		phys_bits = (uint64_t)n;
	else
		phys_bits = kernel_phys_bits(k);
	if (section_bits <= k->page_shift || section_bits > 40 ||
	    phys_bits < section_bits || phys_bits > 56)
		return ERR(ERR_FORMAT,
			   "implausible SECTION_SIZE_BITS %llu / MAX_PHYSMEM_BITS %llu",
			   (unsigned long long)section_bits,
			   (unsigned long long)phys_bits);
	*section_shift = (unsigned int)(section_bits - k->page_shift);
	l->nr_sections = 1ull << (phys_bits - section_bits);
	l->sz_page = k->struct_page_size;
	if (!vi_size(vi, "mem_section", &l->sz_section) || l->sz_section < 8 ||
	    l->sz_section > 4096)
		return ERR(ERR_FORMAT, "VMCOREINFO lacks a plausible SIZE(mem_section)");
	if (!vi_offset(vi, "mem_section.section_mem_map", &l->off_map))
		l->off_map = 0;
	if (l->off_map + 8 > l->sz_section)
		return ERR(ERR_FORMAT, "OFFSET(mem_section.section_mem_map) is out of range");
	l->per_root = k->page_size / l->sz_section;
	l->nr_roots = DIV_ROUND_UP(l->nr_sections, l->per_root);
	*extreme = !vi_length(vi, "mem_section", &len) || len == l->nr_roots;
	if (!*extreme)
		l->per_root = 0;
	return NULL;
}

static int cmp_section(const void *a, const void *b)
{
	const struct mem_section_info *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

struct error *sparsemem_init(struct kernel *k, uint64_t *max_mapnr,
			     struct sparsemem **out)
{
	struct sparsemem *mm;
	struct layout l;
	struct scan s = { 0 };
	uint64_t table, vmemmap = 0, end = 0;
	struct error *err;
	unsigned int bits;
	size_t i;

	mm = calloc(1, sizeof(*mm));
	if (!mm)
		return ERR_OOM();
	if (!vi_symbol(k->vi, "vmemmap", &vmemmap) && k->arch->vmemmap_base)
		vmemmap = k->arch->vmemmap_base(k);
	if (!vi_symbol(k->vi, "mem_section", &table)) {
		if (!vmemmap) {
			free(mm);
			return ERR(ERR_FORMAT,
				   "VMCOREINFO has neither SYMBOL(mem_section) nor SYMBOL(vmemmap): "
				   "can't find struct pages");
		}
		mm->linear = true;
		mm->vmemmap_base = vmemmap;
		/* Sections still bound the filter's batches of struct pages. */
		bits = kernel_section_bits(k);
		if (bits <= k->page_shift || bits > 40)
			bits = k->arch->section_size_bits(k);
		mm->section_shift = bits - k->page_shift;
		mm->pages_per_section = 1ull << mm->section_shift;
		msg_debug(k->pr, "Memory type  : VMEMMAP (no mem_section)\n");
		*out = mm;
		return NULL;
	}
	err = get_layout(k, &l, &mm->section_shift, &mm->extreme);
	if (err) {
		free(mm);
		return err;
	}
	mm->pages_per_section = 1ull << mm->section_shift;
	s.k = k;
	s.l = &l;
	s.section_shift = mm->section_shift;
	s.nr_sections = MIN(l.nr_sections,
			    DIV_ROUND_UP(*max_mapnr, mm->pages_per_section));
	/*
	 * VMCOREINFO gives the array's address; a vmlinux symbol would give
	 * a pointer to it (4.15+).  Try the array first, then dereference.
	 */
	err = scan_table(&s, table);
	if (!err && (s.invalid || !s.n) && mm->extreme) {
		uint64_t ptr;

		if (!kernel_read_u64(k, table, &ptr) && is_kvaddr(ptr)) {
			struct scan s2 = s;

			s2.out = NULL;
			s2.n = s2.cap = 0;
			err = scan_table(&s2, ptr);
			if (!err && s2.n && !s2.invalid) {
				free(s.out);
				s = s2;
			} else {
				free(s2.out);
			}
		}
	}
	if (err) {
		free(s.out);
		free(mm);
		return error_wrap(err, "Can't get the address of mem_section");
	}
	if (!s.n) {
		free(s.out);
		free(mm);
		return ERR(ERR_FORMAT, "Could not validate mem_section: no present section");
	}
	if (s.invalid)
		msg_common(k->pr, "WARNING: some mem_section entries decode to "
			   "impossible addresses; their pages are kept unfiltered.\n");
	qsort(s.out, s.n, sizeof(*s.out), cmp_section);
	mm->sec = s.out;
	mm->nr = s.n;
	msg_debug(k->pr, "Memory type  : %s\n\n",
		  mm->extreme ? "SPARSEMEM_EX" : "SPARSEMEM");
	msg_debug(k->pr, "                       mem_map        pfn_start          pfn_end\n");
	for (i = 0; i < mm->nr; i++) {
		uint64_t b = mm->sec[i].nr << mm->section_shift;
		uint64_t e = MIN(b + mm->pages_per_section, *max_mapnr);

		msg_debug(k->pr, "mem_map[%4llu] %16llx %16llx %16llx\n",
			  (unsigned long long)mm->sec[i].nr,
			  (unsigned long long)mm->sec[i].mem_map,
			  (unsigned long long)b, (unsigned long long)e);
		if (e > end)
			end = e;
	}
	/* Memory Linux did not manage (mem=) is not worth bitmaps. */
	if (end && end < *max_mapnr)
		*max_mapnr = end;
	mm->vmemmap_base = vmemmap ? vmemmap :
			   mm->sec[0].mem_map -
			   (mm->sec[0].nr << mm->section_shift) * k->struct_page_size;
	*out = mm;
	return NULL;
}

void sparsemem_free(struct sparsemem *mm)
{
	if (!mm)
		return;
	free(mm->sec);
	free(mm);
}

const struct mem_section_info *sparsemem_section(const struct sparsemem *mm,
						 uint64_t pfn)
{
	uint64_t nr;
	size_t lo = 0, hi;

	if (mm->linear)
		return NULL;
	nr = pfn >> mm->section_shift;
	hi = mm->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mm->sec[mid].nr < nr)
			lo = mid + 1;
		else if (mm->sec[mid].nr > nr)
			hi = mid;
		else
			return &mm->sec[mid];
	}
	return NULL;
}

uint64_t sparsemem_page_addr(const struct kernel *k, uint64_t pfn)
{
	const struct sparsemem *mm = k->mm;
	const struct mem_section_info *s;

	if (!mm)
		return 0;
	if (mm->linear)
		return mm->vmemmap_base + pfn * k->struct_page_size;
	s = sparsemem_section(mm, pfn);
	if (!s)
		return 0;
	return s->mem_map + (pfn - (s->nr << mm->section_shift)) * k->struct_page_size;
}
