/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turning a parsed filter configuration into the physical byte ranges to
 * erase: symbols and types come from the symbol layer (vmlinux DWARF, or
 * the dump's own BTF and kallsyms), pointers and lists are followed
 * through the dumped kernel's memory, with bounds on everything a
 * damaged dump could make endless.
 */
#ifndef MDF_ERASE_RESOLVE_H
#define MDF_ERASE_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "ranges.h"

struct erase_config;
struct error;
struct printer;
struct symbols;

/* Longest list or array a loop walks before it calls the dump damaged. */
#define ERASE_MAX_ITERATIONS (1u << 20)
/* Longest string an erase of a 'char *' takes (as makedumpfile). */
#define ERASE_MAX_STRLEN 1024
/* A size read from the dump beyond this is taken for garbage. */
#define ERASE_MAX_SIZE (1ull << 30)

/* How the resolver reads the dumped kernel's memory. */
struct erase_memory {
	struct error *(*read)(void *arg, uint64_t va, void *buf, size_t len);
	/* @va's physical address and the size of the mapping that holds it. */
	struct error *(*vtop)(void *arg, uint64_t va, uint64_t *pa,
			      uint64_t *leaf);
	void *arg;
	unsigned int pointer_size;	/* 8 */
};

struct erase_plan {
	struct erase_set set;		/* physical ranges, merged */
	char *info;			/* eraseinfo lines this run adds */
	size_t info_len, info_cap;
	uint64_t erased_bytes;		/* sum over commands (before merging) */
	uint64_t commands;		/* erase commands run (loops: each iteration) */
	unsigned int skipped_sections;
};

/*
 * Evaluate @cfg.  Names that do not resolve, members that do not exist,
 * pointers or lists that can't be read are errors naming the file, line
 * and token; a NULL pointer on the way erases nothing (warning at debug
 * level).  Sections of modules that are not loaded are skipped with a
 * message, as makedumpfile does.
 */
struct error *erase_resolve(const struct erase_config *cfg,
			    struct symbols *syms,
			    const struct erase_memory *mem,
			    struct printer *pr, struct erase_plan *out);
void erase_plan_release(struct erase_plan *p);

#endif
