/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interface between symbols.c and one provider (DWARF, BTF, kallsyms).
 * A provider names its types by 64-bit ids of its own choosing and always
 * hands out ids with typedefs and qualifiers already stripped.  Strings it
 * returns live as long as the provider.
 */
#ifndef MDF_SYMBOLS_PROVIDER_H
#define MDF_SYMBOLS_PROVIDER_H

#include "symbols.h"

#include <stdint.h>

struct type_desc {
	enum sym_kind kind;
	const char *name;	/* "" when anonymous */
	bool has_size;
	uint64_t size;
	uint64_t ref;		/* pointer: pointee, array: element */
	bool has_ref;		/* false: void pointee */
	uint64_t count;		/* array elements, 0 unknown */
	size_t nr_members;	/* struct/union */
};

/* The id of void (a pointer to nothing); never a provider's own id. */
#define VOID_ID UINT64_MAX

struct raw_member {
	const char *name;	/* NULL when anonymous */
	uint64_t bit_pos;	/* bits from the start of the outer type */
	unsigned int bit_size;	/* 0: not a bit field */
	uint64_t type;
};

struct provider_ops {
	enum sym_source src;
	void (*destroy)(void *p);
	/* Running-kernel address of @name; NULL ops: no symbols. */
	struct error *(*address)(void *p, const char *name, uint64_t *addr);
	/* Type of global variable @name (NULL: no variable types). */
	struct error *(*variable)(void *p, const char *name, uint64_t *type);
	struct error *(*type_by_name)(void *p, const char *name, uint64_t *id);
	struct error *(*enum_constant)(void *p, const char *name, int64_t *v);
	struct error *(*describe)(void *p, uint64_t id, struct type_desc *d);
	struct error *(*member_at)(void *p, uint64_t id, size_t i,
				   struct raw_member *m);
};

/* Hand a provider to the set; on error @p is destroyed. */
struct error *symbols_attach(struct symbols *s, const struct provider_ops *ops,
			     void *p);

/* Keep @msg as the set's note (symbols_note()). */
void symbols_set_note(struct symbols *s, const char *msg);

/* Constructors of the providers (each file's one entry point). */
struct dwarf_info;
struct error *dwarf_provider_open(const char *path, uint64_t kaslr_offset,
				  const struct provider_ops **ops, void **p);
bool dwarf_provider_build_id(void *p, char *buf, size_t size);
unsigned int dwarf_provider_machine(void *p);
struct error *dwarf_provider_release(void *p, char *buf, size_t size);

/* A BTF blob (copied) as a provider. */
struct error *btf_provider_new(const uint8_t *blob, size_t len,
			       const struct provider_ops **ops, void **p);
/* The same, taking over the malloc'd @blob (freed on error too). */
struct error *btf_provider_adopt(uint8_t *blob, size_t len,
				 const struct provider_ops **ops, void **p);

/*
 * kallsyms tables as copied from the dump.  Fields are raw bytes of the
 * arrays; the decoder checks every index against their lengths.
 */
struct kallsyms_tables {
	const uint8_t *names;	/* kallsyms_names */
	size_t names_len;
	const uint8_t *token_table;
	size_t token_table_len;
	const uint8_t *token_index;	/* u16[256] */
	size_t token_index_len;
	const uint8_t *offsets;	/* s32/u32[num_syms] */
	size_t offsets_len;
	uint64_t relative_base;
	uint32_t num_syms;
	bool absolute_percpu;	/* x86_64 SMP < 6.15: negative = per-cpu offsets */
};
struct error *kallsyms_provider_new(const struct kallsyms_tables *t,
				    const struct provider_ops **ops, void **p);

#endif
