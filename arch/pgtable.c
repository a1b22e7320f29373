// SPDX-License-Identifier: GPL-2.0-or-later
#include "pgtable.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <stdlib.h>
#include <string.h>

/* Page-table pages are re-read constantly during walks: keep a few. */
#define PT_CACHE_ENTRIES 32

struct pt_cache_entry {
	uint64_t pa;
	size_t len;		/* bytes held; 0: empty */
	uint64_t *e;
};

static const char *const level_names[PT_MAX_LEVELS] = {
	"PTE", "PMD", "PUD", "P4D", "PGD", "PGD"
};

struct error *pgtable_init(struct pgtable *pt, const struct pt_format *f,
			   uint64_t root, pt_read_fn read, void *read_ctx,
			   struct printer *pr)
{
	unsigned int bpl, below;
	size_t bytes, i;
	uint64_t *mem;

	memset(pt, 0, sizeof(*pt));
	if (f->page_shift < 12 || f->page_shift > 16 || !f->levels ||
	    f->levels > PT_MAX_LEVELS || !f->decode)
		return ERR(ERR_FORMAT, "page-table format: granule 2^%u, %u levels",
			   f->page_shift, f->levels);
	bpl = f->page_shift - 3;
	below = f->page_shift + bpl * (f->levels - 1);
	if (f->va_bits <= below || f->va_bits > below + bpl || f->va_bits > 60)
		return ERR(ERR_FORMAT,
			   "page-table format: %u VA bits can't be indexed by %u levels of 2^%u",
			   f->va_bits, f->levels, f->page_shift);
	bytes = (size_t)1 << f->page_shift;
	pt->cache = calloc(PT_CACHE_ENTRIES, sizeof(*pt->cache));
	mem = malloc(PT_CACHE_ENTRIES * bytes);
	if (!pt->cache || !mem) {
		free(pt->cache);
		free(mem);
		pt->cache = NULL;
		return ERR_OOM();
	}
	for (i = 0; i < PT_CACHE_ENTRIES; i++)
		pt->cache[i].e = mem + i * (bytes / 8);
	pt->f = *f;
	pt->root = root;
	pt->read = read;
	pt->read_ctx = read_ctx;
	pt->pr = pr;
	pt->bits_per_level = bpl;
	pt->top_bits = f->va_bits - below;
	return NULL;
}

void pgtable_cleanup(struct pgtable *pt)
{
	if (pt->cache)
		free(pt->cache[0].e);
	free(pt->cache);
	pt->cache = NULL;
}

void pgtable_forget(struct pgtable *pt)
{
	unsigned int i;

	for (i = 0; i < PT_CACHE_ENTRIES; i++)
		pt->cache[i].len = 0;
}

static unsigned int level_shift(const struct pgtable *pt, unsigned int level)
{
	return pt->f.page_shift + pt->bits_per_level * level;
}

static unsigned int level_bits(const struct pgtable *pt, unsigned int level)
{
	return level == pt->f.levels - 1 ? pt->top_bits : pt->bits_per_level;
}

static unsigned int table_index(const struct pgtable *pt, uint64_t va,
				unsigned int level)
{
	return (unsigned int)(va >> level_shift(pt, level)) &
	       ((1u << level_bits(pt, level)) - 1);
}

/* @va's place in the address space: upper half or sign-extended. */
static uint64_t canonical(const struct pgtable *pt, uint64_t va)
{
	unsigned int b = pt->f.va_bits;

	if (pt->f.upper_half)
		return va | ~((1ull << b) - 1);
	return (uint64_t)((int64_t)(va << (64 - b)) >> (64 - b));
}

bool pgtable_va_valid(const struct pgtable *pt, uint64_t va)
{
	return canonical(pt, va) == va;
}

static struct error *read_table(struct pgtable *pt, uint64_t pa,
				unsigned int level, const uint64_t **table)
{
	size_t len = (size_t)8 << level_bits(pt, level);
	struct pt_cache_entry *c;
	struct error *err;
	unsigned int i;

	for (i = 0; i < PT_CACHE_ENTRIES; i++) {
		if (pt->cache[i].len >= len && pt->cache[i].pa == pa) {
			*table = pt->cache[i].e;
			return NULL;
		}
	}
	c = &pt->cache[pt->next_victim];
	pt->next_victim = (pt->next_victim + 1) % PT_CACHE_ENTRIES;
	c->len = 0;
	err = pt->read(pt->read_ctx, pa, c->e, len);
	if (err)
		return error_wrap(err, "page table at 0x%llx", (unsigned long long)pa);
	for (i = 0; i < len / 8; i++)
		c->e[i] = load_le64((const uint8_t *)&c->e[i]);
	c->pa = pa;
	c->len = len;
	*table = c->e;
	return NULL;
}

static enum pt_kind decode(const struct pgtable *pt, uint64_t e,
			   unsigned int level, uint64_t *addr)
{
	enum pt_kind kind = pt->f.decode(pt->f.decode_arg, e, level, addr);

	/* A last-level entry can only be a page. */
	if (kind == PT_TABLE && level == 0)
		kind = PT_INVALID;
	return kind;
}

struct error *pgtable_vtop(struct pgtable *pt, uint64_t va, uint64_t *pa,
			   uint64_t *leaf)
{
	uint64_t table = pt->root;
	int level;

	if (!pgtable_va_valid(pt, va))
		return ERR(ERR_NOTFOUND, "0x%llx is not a %s address",
			   (unsigned long long)va,
			   pt->f.upper_half ? "kernel" : "canonical");
	for (level = (int)pt->f.levels - 1; level >= 0; level--) {
		const uint64_t *t;
		uint64_t addr, size;
		struct error *err = read_table(pt, table, (unsigned int)level, &t);

		if (err)
			return err;
		switch (decode(pt, t[table_index(pt, va, (unsigned int)level)],
			       (unsigned int)level, &addr)) {
		case PT_INVALID:
			return ERR(ERR_NOTFOUND, "0x%llx is not mapped (level %d)",
				   (unsigned long long)va, level + 1);
		case PT_LEAF:
			size = 1ull << level_shift(pt, (unsigned int)level);
			*pa = (addr & ~(size - 1)) | (va & (size - 1));
			*leaf = size;
			return NULL;
		case PT_TABLE:
			table = addr;
			break;
		}
	}
	return ERR(ERR_NOTFOUND, "0x%llx: page-table walk failed",
		   (unsigned long long)va);
}

/*
 * Page-table pages met during one walk.  Kernel tables are never shared
 * inside one region, so a second reference to a table is a loop or damage:
 * following it could visit 512^4 entries (a P4D pointing at itself).
 */
struct table_set {
	uint64_t *slot;		/* pa + 1; 0: empty */
	size_t cap, n;
	unsigned int shift;
};

static size_t slot_of(const struct table_set *s, uint64_t key, size_t cap)
{
	return (size_t)((key >> s->shift) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

/* 1 if @pa was met before, 0 if it is new (now recorded), -1 out of memory. */
static int table_seen(struct table_set *s, uint64_t pa)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024, j;
		uint64_t *slot = calloc(cap, sizeof(*slot));

		if (!slot)
			return -1;
		for (j = 0; j < s->cap; j++) {
			if (!s->slot[j])
				continue;
			i = slot_of(s, s->slot[j], cap);
			while (slot[i])
				i = (i + 1) & (cap - 1);
			slot[i] = s->slot[j];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	i = slot_of(s, pa + 1, s->cap);
	while (s->slot[i]) {
		if (s->slot[i] == pa + 1)
			return 1;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = pa + 1;
	s->n++;
	return 0;
}

struct walk_state {
	struct pgtable *pt;
	uint64_t start, end;
	leaf_fn fn;
	void *arg;
	int stop;
	struct table_set seen;
};

static struct error *walk_level(struct walk_state *ws, uint64_t table_pa,
				unsigned int level, uint64_t base)
{
	struct pgtable *pt = ws->pt;
	uint64_t span = 1ull << level_shift(pt, level);
	unsigned int i, n = 1u << level_bits(pt, level);

	for (i = 0; i < n && !ws->stop; i++) {
		uint64_t va = canonical(pt, base + (uint64_t)i * span), addr;
		const uint64_t *t;
		struct error *err;

		if (va + span - 1 < ws->start || va >= ws->end)
			continue;
		/* The cache may have evicted the table during recursion. */
		err = read_table(pt, table_pa, level, &t);
		if (err)
			return err;
		switch (decode(pt, t[i], level, &addr)) {
		case PT_INVALID:
			continue;
		case PT_LEAF:
			ws->stop = ws->fn(ws->arg, va, addr & ~(span - 1), span);
			continue;
		case PT_TABLE:
			break;
		}
		switch (table_seen(&ws->seen, addr)) {
		case 1:
			msg_debug(pt->pr, "page-table walk: table at 0x%llx is referenced "
				  "again (a loop?); walked once\n",
				  (unsigned long long)addr);
			continue;
		case -1:
			return ERR_OOM();
		}
		err = walk_level(ws, addr, level - 1, base + (uint64_t)i * span);
		if (err) {
			/* A damaged lower table loses that part, not the walk. */
			msg_debug(pt->pr, "page-table walk: %s\n", err->msg);
			error_free(err);
		}
	}
	return NULL;
}

struct error *pgtable_walk(struct pgtable *pt, uint64_t start, uint64_t end,
			   leaf_fn fn, void *arg)
{
	struct walk_state ws = { pt, start, end, fn, arg, 0,
				 { NULL, 0, 0, pt->f.page_shift } };
	struct error *err;

	if (table_seen(&ws.seen, pt->root) < 0)
		return ERR_OOM();
	err = walk_level(&ws, pt->root, pt->f.levels - 1, 0);
	free(ws.seen.slot);
	return err;
}

/* "2MB", "1GB", "512MB", "4TB": the size of a block mapping. */
static void size_name(uint64_t size, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
	unsigned int u = 0;

	while (size >= 1024 && !(size % 1024) && u + 1 < ARRAY_SIZE(units)) {
		size /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)size, units[u]);
}

void pgtable_print_vtop(struct pgtable *pt, struct printer *pr, uint64_t va)
{
	uint64_t table = pt->root;
	int level;

	msg_common(pr, "Translating virtual address %llx\n",
		   (unsigned long long)va);
	for (level = (int)pt->f.levels - 1; level >= 0; level--) {
		unsigned int idx = table_index(pt, va, (unsigned int)level);
		const char *name = level == (int)pt->f.levels - 1 ? "PGD" :
				   level_names[level];
		const uint64_t *t;
		struct error *err = read_table(pt, table, (unsigned int)level, &t);
		uint64_t e, addr, size;
		char sz[32];

		if (err) {
			msg_common(pr, "  %s: %s\n", level_names[level], err->msg);
			error_free(err);
			return;
		}
		e = t[idx];
		msg_common(pr, "  %s : %16llx => %16llx\n", name,
			   (unsigned long long)(table + idx * 8),
			   (unsigned long long)e);
		switch (decode(pt, e, (unsigned int)level, &addr)) {
		case PT_INVALID:
			msg_common(pr, "  not present\n");
			return;
		case PT_LEAF:
			size = 1ull << level_shift(pt, (unsigned int)level);
			addr = (addr & ~(size - 1)) | (va & (size - 1));
			if (!level) {
				msg_common(pr, "  PAGE: %16llx\n", (unsigned long long)addr);
				return;
			}
			size_name(size, sz, sizeof(sz));
			msg_common(pr, "  PAGE: %16llx  (%s)\n",
				   (unsigned long long)addr, sz);
			return;
		case PT_TABLE:
			table = addr;
			break;
		}
	}
}
