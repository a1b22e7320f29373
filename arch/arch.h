/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Architecture support: turning kernel virtual addresses of the dumped
 * kernel into physical ones by walking its own page tables.
 */
#ifndef MDF_ARCH_ARCH_H
#define MDF_ARCH_ARCH_H

#include <stdint.h>

struct error;
struct kernel;

/* Called for each mapped leaf; return non-zero to stop the walk. */
typedef int (*leaf_fn)(void *arg, uint64_t va, uint64_t pa, uint64_t size);

struct arch_ops {
	const char *name;
	uint16_t e_machine;
	const char *uts_machine;
	struct error *(*init)(struct kernel *k);
	void (*cleanup)(struct kernel *k);
	/* Translate @va; *@leaf is the size of the mapping that holds it. */
	struct error *(*vtop)(struct kernel *k, uint64_t va, uint64_t *pa,
			      uint64_t *leaf);
	/*
	 * Visit every mapped leaf overlapping [start, end).  A table met a
	 * second time (a loop in damaged tables) is walked once only.
	 */
	struct error *(*walk)(struct kernel *k, uint64_t start, uint64_t end,
			      leaf_fn fn, void *arg);
	/* Print the walk for --vtop. */
	void (*print_vtop)(struct kernel *k, uint64_t va);
};

const struct arch_ops *arch_by_machine(uint16_t e_machine);
const struct arch_ops *arch_by_uts(const char *machine);

extern const struct arch_ops arch_x86_64;

#endif
