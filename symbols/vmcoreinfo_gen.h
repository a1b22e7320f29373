/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VMCOREINFO from debug information: the keys a kernel of the vmlinux's
 * version and architecture exports about itself, computed from DWARF
 * (-g), and the use of those keys beside a dump's own VMCOREINFO (-x).
 *
 * Values only the running kernel knows (KASLR offset, phys_base, the
 * mem_section pointer, CRASHTIME, ...) are not generated; keys whose
 * source is a macro this tool cannot see for that version are left out
 * rather than guessed.
 */
#ifndef MDF_SYMBOLS_VMCOREINFO_GEN_H
#define MDF_SYMBOLS_VMCOREINFO_GEN_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct symbols;
struct vmcoreinfo;

/*
 * The VMCOREINFO text ("KEY=value\n" lines, in the kernel's order) for the
 * vmlinux in @s (which must have one).  Symbol addresses are those the
 * vmlinux was added with (link-time for a KASLR offset of 0).  The caller
 * frees *@text.
 */
struct error *vmcoreinfo_generate(struct symbols *s, char **text, size_t *len);

/*
 * Keys whose values belong to the running kernel, not to its build:
 * generated text never has them right (or at all), and -i takes them from
 * the dump's own note.
 */
bool vmcoreinfo_key_is_runtime(const char *key, size_t len);

/* Called for each key both texts have with different values. */
typedef void (*vi_mismatch_fn)(void *arg, const char *key, const char *have,
			       const char *gen);

/*
 * @have completed by @gen: every key of @gen that @have lacks is appended.
 * Keys both have keep @have's value; @fn hears of each differing one
 * (runtime keys are not compared).  The result is new in *@out.
 */
struct error *vmcoreinfo_merge(const struct vmcoreinfo *have,
			       const struct vmcoreinfo *gen,
			       vi_mismatch_fn fn, void *arg,
			       struct vmcoreinfo **out);

/*
 * A -i file beside the dump's own note: keys of the running kernel
 * (vmcoreinfo_key_is_runtime) come from @note where it has them, and when
 * the file has no KERNELOFFSET (it came from -g) but the note has one, the
 * file's SYMBOL()s are moved by it.  The result is new in *@out.
 */
struct error *vmcoreinfo_adopt_runtime(const struct vmcoreinfo *file,
				       const struct vmcoreinfo *note,
				       struct vmcoreinfo **out);

#endif
