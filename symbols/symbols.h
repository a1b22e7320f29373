/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbols and types of the dumped kernel behind one query interface.
 *
 * Several providers may know the answer:
 *   - VMCOREINFO (SYMBOL/SIZE/OFFSET/LENGTH/NUMBER keys the kernel wrote),
 *   - DWARF and the ELF symbol table of a vmlinux (-x),
 *   - BTF found in the dump's own memory (between __start_BTF/__stop_BTF),
 *   - the dump's kallsyms tables (addresses only, no types).
 * A query asks the providers in a fixed order and says which one answered
 * (enum sym_source), so that reports can name their source.
 *
 * Addresses are always those of the running (dumped) kernel: a vmlinux's
 * link-time addresses are moved by the KASLR offset given when it is added.
 *
 * Types are opaque handles owned by the struct symbols they came from and
 * valid until symbols_free().  Typedefs and const/volatile/restrict
 * qualifiers are always seen through: a handle names a struct, union,
 * pointer, array, enum, base type, function or void.
 *
 * Nothing here is global: every answer comes from the struct symbols the
 * caller owns.  Lookups that find nothing return an error with code
 * ERR_NOTFOUND, which callers may treat as "not known" and recover from.
 */
#ifndef MDF_SYMBOLS_SYMBOLS_H
#define MDF_SYMBOLS_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;
struct vmcoreinfo;

struct symbols;
struct sym_type;

/* Where an answer came from, best last. */
enum sym_source {
	SYM_SRC_NONE = 0,
	SYM_SRC_VMCOREINFO,
	SYM_SRC_KALLSYMS,
	SYM_SRC_BTF,
	SYM_SRC_DWARF,		/* -x vmlinux: DWARF, or its ELF symbol table */
};

/* "VMCOREINFO", "kallsyms", "BTF", "vmlinux" (or "none"). */
const char *sym_source_name(enum sym_source src);

enum sym_kind {
	SYM_KIND_VOID = 0,
	SYM_KIND_BASE,		/* integer, float, bool, char */
	SYM_KIND_ENUM,
	SYM_KIND_POINTER,
	SYM_KIND_ARRAY,
	SYM_KIND_STRUCT,
	SYM_KIND_UNION,
	SYM_KIND_FUNC,
};

/* One member of a struct or union. */
struct sym_member {
	const char *name;	/* NULL for an anonymous struct/union member */
	uint64_t offset;	/* bytes from the start of the outer type */
	/*
	 * Bit fields: the member's bits start @bit_offset bits past @offset
	 * (counted from the least significant bit of a little-endian load)
	 * and are @bit_size long.  @bit_size 0: not a bit field.
	 */
	unsigned int bit_offset;
	unsigned int bit_size;
	const struct sym_type *type;
};

/* ---- building the set of providers ------------------------------------ */

/* An empty set: every query fails with ERR_NOTFOUND until providers are added. */
struct error *symbols_new(struct symbols **out);

/* Release the set, its providers and every type handle it gave out. */
void symbols_free(struct symbols *s);

/*
 * Answer SYMBOL/SIZE/OFFSET/LENGTH/NUMBER queries from @vi.  @vi is
 * borrowed and must outlive @s.  VMCOREINFO is asked first for those
 * queries (it is what the dumped kernel said about itself).
 */
struct error *symbols_add_vmcoreinfo(struct symbols *s,
				     const struct vmcoreinfo *vi);

/*
 * Read DWARF and the ELF symbol table of the vmlinux at @path.  Its
 * link-time addresses are moved by @kaslr_offset (VMCOREINFO KERNELOFFSET,
 * 0 without KASLR).  Errors: ERR_IO (cannot open), ERR_FORMAT (not an ELF
 * file, or no DWARF in it).
 */
struct error *symbols_add_vmlinux(struct symbols *s, const char *path,
				  uint64_t kaslr_offset);

/*
 * Find kallsyms and BTF in the memory of the dumped kernel @k (borrowed,
 * must outlive @s).  kallsyms needs the kallsyms_* SYMBOL() keys that 6.0+
 * kernels export in VMCOREINFO (or a vmlinux already added); BTF is found
 * through kallsyms __start_BTF/__stop_BTF.  Either is enough; when the
 * kernel has neither the error says so (ERR_NOTFOUND) and @s is unchanged.
 */
struct error *symbols_add_kernel(struct symbols *s, struct kernel *k);

/*
 * Why symbols_add_kernel() found only one of kallsyms and BTF, or "" when
 * it found both (for -D).
 */
const char *symbols_note(const struct symbols *s);

/* Is a provider of this kind in the set? */
bool symbols_have(const struct symbols *s, enum sym_source src);

/*
 * The build ID of the added vmlinux (its NT_GNU_BUILD_ID note) as lower-case
 * hex in @buf; false if there is no vmlinux or it has no such note.
 */
bool symbols_vmlinux_build_id(const struct symbols *s, char *buf,
			      size_t size);

/* ELF e_machine of the added vmlinux (EM_X86_64, EM_AARCH64), 0 if none. */
unsigned int symbols_vmlinux_machine(const struct symbols *s);

/*
 * The release string the added vmlinux was built as (init_uts_ns.name.release
 * as initialised in its .data, e.g. "6.12.117+deb12-amd64") in @buf.
 */
struct error *symbols_vmlinux_release(const struct symbols *s, char *buf,
				      size_t size);

/* ---- symbols ------------------------------------------------------------ */

/*
 * Address of the kernel symbol @name (variable or function), from
 * VMCOREINFO SYMBOL(), the vmlinux, or kallsyms, in that order.  @from may
 * be NULL.
 */
struct error *sym_address(const struct symbols *s, const char *name,
			  uint64_t *addr, enum sym_source *from);

/*
 * A global variable: address and type (DWARF, or a BTF VAR).  kallsyms
 * alone gives no type: then the error is ERR_NOTFOUND naming the symbol.
 * Note: the kernel's BTF has VARs for per-cpu variables only, so without a
 * vmlinux other globals have an address but no type.
 */
struct error *sym_variable(struct symbols *s, const char *name,
			   uint64_t *addr, const struct sym_type **type);

/* ---- types -------------------------------------------------------------- */

/*
 * A struct or union by its tag (@name "page" finds struct page), or, failing
 * that, a typedef or base type of that name ("pg_data_t", "unsigned long").
 * Declarations without a body are skipped when a complete type exists.
 */
struct error *sym_type_by_name(struct symbols *s, const char *name,
			       const struct sym_type **type);

/* The value of the enumeration constant @name (e.g. "PG_slab", "NR_FREE_PAGES"). */
struct error *sym_enum_constant(struct symbols *s, const char *name,
				int64_t *value);

enum sym_kind sym_type_kind(const struct sym_type *t);

/* The type's own name: tag of a struct/union/enum, or of a base type; "" if anonymous. */
const char *sym_type_name(const struct sym_type *t);

/* Which provider describes @t (SYM_SRC_DWARF or SYM_SRC_BTF). */
enum sym_source sym_type_source(const struct sym_type *t);

/* Size in bytes (pointers: the dumped kernel's pointer size). ERR_NOTFOUND if incomplete. */
struct error *sym_type_size(const struct sym_type *t, uint64_t *size);

/*
 * Member @name of struct/union @t.  Members of anonymous structs and unions
 * are found as if they were members of @t (their offsets added).  @name
 * may be a path "a.b.c" through nested struct members.
 */
struct error *sym_type_member(const struct sym_type *t, const char *name,
			      struct sym_member *m);

/* Number of direct members of struct/union @t (0 for other kinds). */
size_t sym_type_nr_members(const struct sym_type *t);

/* Direct member @i (0-based) of struct/union @t, anonymous ones included. */
struct error *sym_type_member_at(const struct sym_type *t, size_t i,
				 struct sym_member *m);

/* What pointer @t points to (a void pointer gives a SYM_KIND_VOID handle). */
struct error *sym_type_pointee(const struct sym_type *t,
			       const struct sym_type **out);

/*
 * Element type and element count of array @t.  A multi-dimensional array
 * is an array of arrays.  @count 0: flexible or unknown bound.
 */
struct error *sym_type_array(const struct sym_type *t,
			     const struct sym_type **elem, uint64_t *count);

/* ---- VMCOREINFO-style questions ----------------------------------------- */
/*
 * Each asks VMCOREINFO first, then the vmlinux, then BTF; @from (may be
 * NULL) says who answered.
 */

/* SIZE(name): byte size of struct/union/typedef @name. */
struct error *sym_size(struct symbols *s, const char *name, uint64_t *v,
		       enum sym_source *from);

/* OFFSET(type.member): @name is "type.member", member may be a path "a.b". */
struct error *sym_offset(struct symbols *s, const char *name, uint64_t *v,
			 enum sym_source *from);

/*
 * LENGTH(name): element count of an array, either a variable ("mem_section")
 * or a member ("zone.free_area", "free_area.free_list").
 */
struct error *sym_length(struct symbols *s, const char *name, uint64_t *v,
			 enum sym_source *from);

/* NUMBER(name): an enumeration constant (or VMCOREINFO's NUMBER key). */
struct error *sym_number(struct symbols *s, const char *name, int64_t *v,
			 enum sym_source *from);

#endif
