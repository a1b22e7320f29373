/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbols of a loaded module, for [module] sections of a filter config:
 * the module is found on the dumped kernel's 'modules' list, its symbols
 * in the symbol table the kernel keeps for kallsyms (mod->kallsyms).
 * Those give addresses and sizes, not types.
 */
#ifndef MDF_ERASE_MODULE_SYMS_H
#define MDF_ERASE_MODULE_SYMS_H

#include <stdint.h>

struct erase_memory;
struct error;
struct module_syms;
struct symbols;

/* Longest module list and symbol table taken for real. */
#define MODULE_SYMS_MAX_MODULES 65536
#define MODULE_SYMS_MAX_SYMBOLS (1u << 20)

/* ERR_NOTFOUND: the module is not loaded in the dumped kernel. */
struct error *module_syms_open(struct symbols *syms,
			       const struct erase_memory *mem,
			       const char *name, struct module_syms **out);
struct error *module_syms_lookup(struct module_syms *m, const char *name,
				 uint64_t *addr, uint64_t *size);
void module_syms_close(struct module_syms *m);

#endif
