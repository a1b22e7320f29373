// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64: 4- and 5-level paging, KASLR (phys_base and randomised region
 * bases), and the AMD SME/SEV encryption bit in page-table entries.
 */
#include "arch.h"
#include "../kernel/kernel.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../reader/source.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define PTRS_PER_TABLE 512
#define ENTRY_PRESENT 0x1ull
#define ENTRY_PSE 0x80ull
#define ENTRY_ADDR_MASK 0x000ffffffffff000ull

#define SZ_4K (1ull << 12)
#define SZ_2M (1ull << 21)
#define SZ_1G (1ull << 30)

/* Page-table pages are re-read constantly during walks: keep a few. */
#define PT_CACHE_ENTRIES 32

struct pt_cache_entry {
	uint64_t pa;
	bool valid;
	uint64_t e[PTRS_PER_TABLE];
};

struct x86_64_data {
	uint64_t pgd_pa;
	unsigned int levels;
	uint64_t addr_mask;	/* next-table address bits, C-bit removed */
	uint64_t sme_mask;
	uint64_t page_offset;
	struct pt_cache_entry cache[PT_CACHE_ENTRIES];
	unsigned int next_victim;
};

static struct x86_64_data *xd(struct kernel *k)
{
	return k->arch_data;
}

static struct error *read_table(struct kernel *k, uint64_t pa,
				const uint64_t **table)
{
	struct x86_64_data *d = xd(k);
	struct pt_cache_entry *c;
	struct error *err;
	unsigned int i;

	for (i = 0; i < PT_CACHE_ENTRIES; i++) {
		if (d->cache[i].valid && d->cache[i].pa == pa) {
			*table = d->cache[i].e;
			return NULL;
		}
	}
	c = &d->cache[d->next_victim];
	d->next_victim = (d->next_victim + 1) % PT_CACHE_ENTRIES;
	c->valid = false;
	err = source_read_phys(k->src, pa, c->e, sizeof(c->e));
	if (err)
		return error_wrap(err, "page table at 0x%llx", (unsigned long long)pa);
	c->pa = pa;
	c->valid = true;
	*table = c->e;
	return NULL;
}

/* Bits of @va that index the table at @level (0 = PTE ... 4 = PGD of 5-level). */
static unsigned int table_index(uint64_t va, unsigned int level)
{
	return (unsigned int)(va >> (12 + 9 * level)) & (PTRS_PER_TABLE - 1);
}

static bool canonical(const struct x86_64_data *d, uint64_t va)
{
	unsigned int bits = d->levels == 5 ? 57 : 48;
	int64_t s = (int64_t)(va << (64 - bits)) >> (64 - bits);

	return (uint64_t)s == va;
}

static struct error *x86_64_vtop(struct kernel *k, uint64_t va, uint64_t *pa,
				 uint64_t *leaf)
{
	struct x86_64_data *d = xd(k);
	uint64_t table = d->pgd_pa;
	int level;

	if (!canonical(d, va))
		return ERR(ERR_NOTFOUND, "0x%llx is not a canonical address",
			   (unsigned long long)va);
	for (level = (int)d->levels - 1; level >= 0; level--) {
		const uint64_t *t;
		uint64_t e;
		struct error *err = read_table(k, table, &t);

		if (err)
			return err;
		e = t[table_index(va, (unsigned int)level)];
		if (!(e & ENTRY_PRESENT))
			return ERR(ERR_NOTFOUND, "0x%llx is not mapped (level %d)",
				   (unsigned long long)va, level + 1);
		if ((level == 2 || level == 1) && (e & ENTRY_PSE)) {
			uint64_t size = level == 2 ? SZ_1G : SZ_2M;

			*pa = ((e & d->addr_mask) & ~(size - 1)) | (va & (size - 1));
			*leaf = size;
			return NULL;
		}
		table = e & d->addr_mask;
		if (level == 0) {
			*pa = table | (va & (SZ_4K - 1));
			*leaf = SZ_4K;
			return NULL;
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
};

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
			i = (size_t)((s->slot[j] >> 12) * 0x9e3779b97f4a7c15ull) & (cap - 1);
			while (slot[i])
				i = (i + 1) & (cap - 1);
			slot[i] = s->slot[j];
		}
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	i = (size_t)(((pa + 1) >> 12) * 0x9e3779b97f4a7c15ull) & (s->cap - 1);
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
	struct kernel *k;
	uint64_t start, end;
	leaf_fn fn;
	void *arg;
	int stop;
	struct table_set seen;
};

static uint64_t sign_extend(const struct x86_64_data *d, uint64_t va)
{
	unsigned int bits = d->levels == 5 ? 57 : 48;

	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

static struct error *walk_level(struct walk_state *ws, uint64_t table_pa,
				int level, uint64_t base)
{
	struct x86_64_data *d = xd(ws->k);
	uint64_t span = 1ull << (12 + 9 * level);
	unsigned int i;

	for (i = 0; i < PTRS_PER_TABLE && !ws->stop; i++) {
		uint64_t va = sign_extend(d, base + (uint64_t)i * span);
		const uint64_t *t;
		uint64_t e;
		struct error *err;

		if (va + span - 1 < ws->start || va >= ws->end)
			continue;
		/* The cache may have evicted the table during recursion. */
		err = read_table(ws->k, table_pa, &t);
		if (err)
			return err;
		e = t[i];
		if (!(e & ENTRY_PRESENT))
			continue;
		if (level == 0 || ((level == 2 || level == 1) && (e & ENTRY_PSE))) {
			uint64_t pa = (e & d->addr_mask) & ~(span - 1);

			ws->stop = ws->fn(ws->arg, va, pa, span);
			continue;
		}
		switch (table_seen(&ws->seen, e & d->addr_mask)) {
		case 1:
			msg_debug(ws->k->pr, "page-table walk: table at 0x%llx is referenced "
				  "again (a loop?); walked once\n",
				  (unsigned long long)(e & d->addr_mask));
			continue;
		case -1:
			return ERR_OOM();
		}
		err = walk_level(ws, e & d->addr_mask, level - 1,
				 base + (uint64_t)i * span);
		if (err) {
			/* A damaged lower table loses that part, not the walk. */
			msg_debug(ws->k->pr, "page-table walk: %s\n", err->msg);
			error_free(err);
		}
	}
	return NULL;
}

static struct error *x86_64_walk(struct kernel *k, uint64_t start,
				 uint64_t end, leaf_fn fn, void *arg)
{
	struct x86_64_data *d = xd(k);
	struct walk_state ws = { k, start, end, fn, arg, 0, { NULL, 0, 0 } };
	struct error *err = NULL;

	if (table_seen(&ws.seen, d->pgd_pa) < 0)
		return ERR_OOM();
	err = walk_level(&ws, d->pgd_pa, (int)d->levels - 1, 0);
	free(ws.seen.slot);
	return err;
}

static void x86_64_print_vtop(struct kernel *k, uint64_t va)
{
	struct x86_64_data *d = xd(k);
	static const char *const names[] = { "PTE", "PMD", "PUD", "P4D", "PGD" };
	uint64_t table = d->pgd_pa;
	int level;

	msg_common(k->pr, "Translating virtual address %llx\n",
		   (unsigned long long)va);
	for (level = (int)d->levels - 1; level >= 0; level--) {
		const uint64_t *t;
		unsigned int idx = table_index(va, (unsigned int)level);
		struct error *err = read_table(k, table, &t);
		uint64_t e;

		if (err) {
			msg_common(k->pr, "  %s: %s\n", names[level], err->msg);
			error_free(err);
			return;
		}
		e = t[idx];
		msg_common(k->pr, "  %s : %16llx => %16llx\n",
			   level == (int)d->levels - 1 ? "PGD" : names[level],
			   (unsigned long long)(table + idx * 8),
			   (unsigned long long)e);
		if (!(e & ENTRY_PRESENT)) {
			msg_common(k->pr, "  not present\n");
			return;
		}
		if ((level == 2 || level == 1) && (e & ENTRY_PSE)) {
			uint64_t size = level == 2 ? SZ_1G : SZ_2M;

			msg_common(k->pr, "  PAGE: %16llx  (%s)\n",
				   (unsigned long long)(((e & d->addr_mask) & ~(size - 1)) |
							(va & (size - 1))),
				   level == 2 ? "1GB" : "2MB");
			return;
		}
		table = e & d->addr_mask;
	}
	msg_common(k->pr, "  PAGE: %16llx\n",
		   (unsigned long long)(table | (va & (SZ_4K - 1))));
}

static struct error *x86_64_init(struct kernel *k)
{
	const struct vmcoreinfo *vi = k->vi;
	struct x86_64_data *d;
	struct source *src = k->src;
	uint64_t root;
	int64_t n;
	size_t i;

	/* Anything else is a damaged VMCOREINFO: every pfn would be misread. */
	if (k->page_size != SZ_4K)
		return ERR(ERR_FORMAT, "VMCOREINFO PAGESIZE=%u: x86_64 pages are 4096 bytes",
			   k->page_size);
	d = calloc(1, sizeof(*d));
	if (!d)
		return ERR_OOM();
	k->arch_data = d;

	/* phys_base: VMCOREINFO, else from the kernel-text PT_LOAD. */
	if (vi_number(vi, "phys_base", &n)) {
		k->phys_base = (uint64_t)n;
	} else if (src->format == SOURCE_KDUMP && src->kdump) {
		k->phys_base = src->kdump->phys_base;
	} else {
		k->phys_base = 0;
		for (i = 0; i < src->nr_segs; i++) {
			if (src->segs[i].vaddr >= X86_64_START_KERNEL_MAP) {
				k->phys_base = src->segs[i].paddr -
					       (src->segs[i].vaddr - X86_64_START_KERNEL_MAP);
				break;
			}
		}
	}
	/* page_offset: the last direct-map PT_LOAD; informational only. */
	for (i = 0; i < src->nr_segs; i++) {
		const struct source_segment *s = &src->segs[i];

		if (s->vaddr && s->vaddr < X86_64_START_KERNEL_MAP &&
		    s->vaddr != s->paddr)
			d->page_offset = s->vaddr - s->paddr;
	}
	d->levels = vi_number(vi, "pgtable_l5_enabled", &n) && n ? 5 : 4;
	d->sme_mask = vi_number(vi, "sme_mask", &n) ? (uint64_t)n : 0;
	d->addr_mask = ENTRY_ADDR_MASK & ~d->sme_mask;
	if (!vi_symbol(vi, "init_level4_pgt", &root) &&
	    !vi_symbol(vi, "init_top_pgt", &root))
		return ERR(ERR_FORMAT,
			   "VMCOREINFO has neither SYMBOL(init_top_pgt) nor SYMBOL(init_level4_pgt)");
	if (root < X86_64_START_KERNEL_MAP)
		return ERR(ERR_FORMAT, "SYMBOL(init_top_pgt)=%llx is not a kernel-image address",
			   (unsigned long long)root);
	d->pgd_pa = root - X86_64_START_KERNEL_MAP + k->phys_base;
	msg_debug(k->pr, "phys_base    : %llx\n", (unsigned long long)k->phys_base);
	if (d->page_offset)
		msg_debug(k->pr, "page_offset  : %llx (pt_load)\n",
			  (unsigned long long)d->page_offset);
	msg_debug(k->pr, "paging       : %u-level, pgd at 0x%llx, sme_mask 0x%llx\n",
		  d->levels, (unsigned long long)d->pgd_pa,
		  (unsigned long long)d->sme_mask);
	return NULL;
}

static void x86_64_cleanup(struct kernel *k)
{
	free(k->arch_data);
	k->arch_data = NULL;
}

const struct arch_ops arch_x86_64 = {
	.name = "x86_64",
	.e_machine = EM_X86_64,
	.uts_machine = "x86_64",
	.init = x86_64_init,
	.cleanup = x86_64_cleanup,
	.vtop = x86_64_vtop,
	.walk = x86_64_walk,
	.print_vtop = x86_64_print_vtop,
};

const struct arch_ops *arch_by_machine(uint16_t e_machine)
{
	return e_machine == EM_X86_64 ? &arch_x86_64 : NULL;
}

const struct arch_ops *arch_by_uts(const char *machine)
{
	return strcmp(machine, "x86_64") == 0 ? &arch_x86_64 : NULL;
}
