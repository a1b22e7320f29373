/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One page-table walker for every architecture.  An arch describes its
 * radix tree (granule, levels, translated VA bits) and decodes one entry;
 * the walker does the indexing, the table cache, range walks with loop
 * detection, and the --vtop printout.  Tables are read through a callback,
 * so a fake physical memory is enough to test an arch.
 *
 * Levels count from the leaf: level 0 is the last table (4 KiB pages on
 * x86_64), level N maps 1 << (page_shift + N * bits_per_level) bytes per
 * entry.
 */
#ifndef MDF_ARCH_PGTABLE_H
#define MDF_ARCH_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct printer;

#define PT_MAX_LEVELS 6

/* Read @len bytes of physical memory at @pa. */
typedef struct error *(*pt_read_fn)(void *ctx, uint64_t pa, void *buf,
				    size_t len);
/* Called for each mapped leaf; return non-zero to stop the walk. */
typedef int (*leaf_fn)(void *arg, uint64_t va, uint64_t pa, uint64_t size);

enum pt_kind {
	PT_INVALID,	/* not mapped (or a reserved encoding) */
	PT_TABLE,	/* *addr: the next-level table */
	PT_LEAF,	/* *addr: the page or block (low bits are dropped) */
};

struct pt_format {
	unsigned int page_shift;	/* tables are one granule of 8-byte entries */
	unsigned int levels;		/* 1 .. PT_MAX_LEVELS */
	unsigned int va_bits;		/* bits translated by the tree */
	/*
	 * true: only the upper half is translated, bits [63:va_bits] all
	 * set (arm64 TTBR1); false: addresses are sign-extended from
	 * va_bits (x86_64 canonical form).
	 */
	bool upper_half;
	/* Decode entry @e of a table at @level. */
	enum pt_kind (*decode)(const void *arg, uint64_t e, unsigned int level,
			       uint64_t *addr);
	const void *decode_arg;
};

struct pt_cache_entry;

struct pgtable {
	struct pt_format f;
	uint64_t root;			/* physical address of the top table */
	pt_read_fn read;
	void *read_ctx;
	struct printer *pr;		/* debug messages of walks; may be NULL */

	unsigned int bits_per_level;
	unsigned int top_bits;		/* index bits of the top table */
	struct pt_cache_entry *cache;
	unsigned int next_victim;
};

/*
 * Check @f and set up @pt; the format is copied.  Fails on a geometry no
 * MMU has (e.g. more VA bits than the levels can index).
 */
struct error *pgtable_init(struct pgtable *pt, const struct pt_format *f,
			   uint64_t root, pt_read_fn read, void *read_ctx,
			   struct printer *pr);
void pgtable_cleanup(struct pgtable *pt);

/* Drop the cached tables: the memory under them changed (a live kernel). */
void pgtable_forget(struct pgtable *pt);

/* Is @va inside the translated address space (canonical)? */
bool pgtable_va_valid(const struct pgtable *pt, uint64_t va);

/* Translate @va; *@leaf is the size of the mapping that holds it. */
struct error *pgtable_vtop(struct pgtable *pt, uint64_t va, uint64_t *pa,
			   uint64_t *leaf);
/*
 * Visit every mapped leaf overlapping [start, end), in address order.  A
 * table met a second time (a loop in damaged tables) is walked once only;
 * an unreadable lower table loses its part, not the walk.
 */
struct error *pgtable_walk(struct pgtable *pt, uint64_t start, uint64_t end,
			   leaf_fn fn, void *arg);
/* Print each step of the translation of @va (--vtop). */
void pgtable_print_vtop(struct pgtable *pt, struct printer *pr, uint64_t va);

#endif
