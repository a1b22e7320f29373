// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The set of providers and the queries over it.  Type handles are interned
 * per (provider, id) in a small open-addressing table so that one type is
 * always the same pointer and lives until symbols_free().
 */
#include "symbols.h"
#include "provider.h"

#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROVIDERS 4
/* Nesting limit of anonymous members and member paths (damaged input). */
#define MAX_MEMBER_DEPTH 16

struct provider {
	const struct provider_ops *ops;
	void *p;
};

struct sym_type {
	struct symbols *owner;
	const struct provider *prov;
	uint64_t id;
	struct type_desc d;
};

struct symbols {
	const struct vmcoreinfo *vi;
	struct provider prov[MAX_PROVIDERS];
	unsigned int nr_prov;

	char note[256];			/* see symbols_note() */
	struct sym_type **types;	/* interned handles */
	size_t types_cap, nr_types;
};

const char *sym_source_name(enum sym_source src)
{
	switch (src) {
	case SYM_SRC_VMCOREINFO: return "VMCOREINFO";
	case SYM_SRC_KALLSYMS: return "kallsyms";
	case SYM_SRC_BTF: return "BTF";
	case SYM_SRC_DWARF: return "vmlinux";
	default: return "none";
	}
}

struct error *symbols_new(struct symbols **out)
{
	struct symbols *s = calloc(1, sizeof(*s));

	if (!s)
		return ERR_OOM();
	*out = s;
	return NULL;
}

void symbols_free(struct symbols *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < s->nr_prov; i++)
		s->prov[i].ops->destroy(s->prov[i].p);
	for (size_t i = 0; i < s->types_cap; i++)
		free(s->types[i]);
	free(s->types);
	free(s);
}

struct error *symbols_add_vmcoreinfo(struct symbols *s,
				     const struct vmcoreinfo *vi)
{
	s->vi = vi;
	return NULL;
}

/* Providers are kept best first: DWARF, BTF, kallsyms. */
static int rank(enum sym_source src)
{
	return src == SYM_SRC_DWARF ? 0 : src == SYM_SRC_BTF ? 1 : 2;
}

struct error *symbols_attach(struct symbols *s, const struct provider_ops *ops,
			     void *p)
{
	unsigned int i;

	for (i = 0; i < s->nr_prov; i++)
		if (s->prov[i].ops->src == ops->src)
			break;
	if (i < s->nr_prov || s->nr_prov == MAX_PROVIDERS) {
		ops->destroy(p);
		return ERR(ERR_USAGE, "%s symbols were already added",
			   sym_source_name(ops->src));
	}
	for (i = s->nr_prov; i > 0 && rank(s->prov[i - 1].ops->src) > rank(ops->src); i--)
		s->prov[i] = s->prov[i - 1];
	s->prov[i] = (struct provider){ ops, p };
	s->nr_prov++;
	/* Handles point into prov[]: none may exist before all are added. */
	for (size_t t = 0; t < s->types_cap; t++) {
		free(s->types[t]);
		s->types[t] = NULL;
	}
	s->nr_types = 0;
	return NULL;
}

static const struct provider *find_provider(const struct symbols *s,
					    enum sym_source src)
{
	for (unsigned int i = 0; i < s->nr_prov; i++)
		if (s->prov[i].ops->src == src)
			return &s->prov[i];
	return NULL;
}

void symbols_set_note(struct symbols *s, const char *msg)
{
	snprintf(s->note, sizeof(s->note), "%s", msg);
}

const char *symbols_note(const struct symbols *s)
{
	return s->note;
}

bool symbols_have(const struct symbols *s, enum sym_source src)
{
	if (src == SYM_SRC_VMCOREINFO)
		return s->vi != NULL;
	return find_provider(s, src) != NULL;
}

struct error *symbols_add_vmlinux(struct symbols *s, const char *path,
				  uint64_t kaslr_offset)
{
	const struct provider_ops *ops;
	struct error *err;
	void *p;

	err = dwarf_provider_open(path, kaslr_offset, &ops, &p);
	if (err)
		return err;
	return symbols_attach(s, ops, p);
}

bool symbols_vmlinux_build_id(const struct symbols *s, char *buf,
			      size_t size)
{
	const struct provider *pv = find_provider(s, SYM_SRC_DWARF);

	return pv && dwarf_provider_build_id(pv->p, buf, size);
}

unsigned int symbols_vmlinux_machine(const struct symbols *s)
{
	const struct provider *pv = find_provider(s, SYM_SRC_DWARF);

	return pv ? dwarf_provider_machine(pv->p) : 0;
}

struct error *symbols_vmlinux_release(const struct symbols *s, char *buf,
				      size_t size)
{
	const struct provider *pv = find_provider(s, SYM_SRC_DWARF);

	if (!pv)
		return ERR(ERR_NOTFOUND, "no vmlinux was given");
	return dwarf_provider_release(pv->p, buf, size);
}

/* ---- type handles ------------------------------------------------------ */

static size_t type_hash(const struct provider *pv, uint64_t id, size_t cap)
{
	uint64_t h = (id ^ ((uintptr_t)pv >> 4)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (cap - 1);
}

static struct error *grow_types(struct symbols *s)
{
	size_t cap = s->types_cap ? s->types_cap * 2 : 256;
	struct sym_type **t = calloc(cap, sizeof(*t));

	if (!t)
		return ERR_OOM();
	for (size_t i = 0; i < s->types_cap; i++) {
		struct sym_type *ty = s->types[i];
		size_t h;

		if (!ty)
			continue;
		for (h = type_hash(ty->prov, ty->id, cap); t[h]; h = (h + 1) & (cap - 1))
			;
		t[h] = ty;
	}
	free(s->types);
	s->types = t;
	s->types_cap = cap;
	return NULL;
}

static struct error *intern(struct symbols *s, const struct provider *pv,
			    uint64_t id, const struct sym_type **out)
{
	struct error *err = NULL;
	struct sym_type *ty;
	size_t h;

	if ((s->nr_types + 1) * 2 > s->types_cap) {
		err = grow_types(s);
		if (err)
			return err;
	}
	for (h = type_hash(pv, id, s->types_cap); s->types[h];
	     h = (h + 1) & (s->types_cap - 1)) {
		if (s->types[h]->prov == pv && s->types[h]->id == id) {
			*out = s->types[h];
			return NULL;
		}
	}
	ty = calloc(1, sizeof(*ty));
	if (!ty)
		return ERR_OOM();
	ty->owner = s;
	ty->prov = pv;
	ty->id = id;
	if (id == VOID_ID)
		ty->d = (struct type_desc){ .kind = SYM_KIND_VOID, .name = "void" };
	else
		err = pv->ops->describe(pv->p, id, &ty->d);
	if (err) {
		free(ty);
		return err;
	}
	s->types[h] = ty;
	s->nr_types++;
	*out = ty;
	return NULL;
}

static struct symbols *owner_of(const struct sym_type *t)
{
	return t->owner;
}

enum sym_kind sym_type_kind(const struct sym_type *t)
{
	return t->d.kind;
}

const char *sym_type_name(const struct sym_type *t)
{
	return t->d.name ? t->d.name : "";
}

enum sym_source sym_type_source(const struct sym_type *t)
{
	return t->prov->ops->src;
}

struct error *sym_type_size(const struct sym_type *t, uint64_t *size)
{
	if (!t->d.has_size)
		return ERR(ERR_NOTFOUND, "type %s has no size", sym_type_name(t));
	*size = t->d.size;
	return NULL;
}

size_t sym_type_nr_members(const struct sym_type *t)
{
	if (t->d.kind != SYM_KIND_STRUCT && t->d.kind != SYM_KIND_UNION)
		return 0;
	return t->d.nr_members;
}

struct error *sym_type_member_at(const struct sym_type *t, size_t i,
				 struct sym_member *m)
{
	struct symbols *s = owner_of(t);
	struct raw_member rm;
	struct error *err;

	if (i >= sym_type_nr_members(t))
		return ERR(ERR_NOTFOUND, "%s has no member #%zu",
			   sym_type_name(t), i);
	err = t->prov->ops->member_at(t->prov->p, t->id, i, &rm);
	if (err)
		return err;
	err = intern(s, t->prov, rm.type, &m->type);
	if (err)
		return err;
	m->name = rm.name;
	m->offset = rm.bit_pos / 8;
	m->bit_offset = rm.bit_size ? (unsigned int)(rm.bit_pos % 8) : 0;
	m->bit_size = rm.bit_size;
	return NULL;
}

/* One name (no dots) in @t or its anonymous members; @base added to offsets. */
static struct error *find_member(const struct sym_type *t, const char *name,
				 size_t len, uint64_t base, int depth,
				 struct sym_member *out)
{
	size_t n = sym_type_nr_members(t);
	struct error *err;

	if (depth > MAX_MEMBER_DEPTH)
		return ERR(ERR_FORMAT, "members of %s nest too deep",
			   sym_type_name(t));
	for (size_t i = 0; i < n; i++) {
		struct sym_member m;

		err = sym_type_member_at(t, i, &m);
		if (err)
			return err;
		if (m.name && strlen(m.name) == len && !memcmp(m.name, name, len)) {
			*out = m;
			out->offset += base;
			return NULL;
		}
		if (!m.name && (m.type->d.kind == SYM_KIND_STRUCT ||
				m.type->d.kind == SYM_KIND_UNION)) {
			err = find_member(m.type, name, len, base + m.offset,
					  depth + 1, out);
			if (!err || err->code != ERR_NOTFOUND)
				return err;
			error_free(err);
		}
	}
	return ERR(ERR_NOTFOUND, "%s %s has no member %.*s",
		   t->d.kind == SYM_KIND_UNION ? "union" : "struct",
		   sym_type_name(t), (int)len, name);
}

struct error *sym_type_member(const struct sym_type *t, const char *name,
			      struct sym_member *m)
{
	const struct sym_type *cur = t;
	uint64_t base = 0;
	int depth = 0;

	for (;;) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);
		struct error *err;

		if (cur->d.kind != SYM_KIND_STRUCT && cur->d.kind != SYM_KIND_UNION)
			return ERR(ERR_NOTFOUND, "%s is not a struct or union",
				   sym_type_name(cur));
		if (!len)
			return ERR(ERR_USAGE, "empty member name");
		err = find_member(cur, name, len, base, 0, m);
		if (err)
			return err;
		if (!dot)
			return NULL;
		if (++depth > MAX_MEMBER_DEPTH)
			return ERR(ERR_USAGE, "member path too long");
		base = m->offset;
		cur = m->type;
		name = dot + 1;
	}
}

struct error *sym_type_pointee(const struct sym_type *t,
			       const struct sym_type **out)
{
	if (t->d.kind != SYM_KIND_POINTER)
		return ERR(ERR_NOTFOUND, "%s is not a pointer", sym_type_name(t));
	return intern(owner_of(t), t->prov, t->d.has_ref ? t->d.ref : VOID_ID,
		      out);
}

struct error *sym_type_array(const struct sym_type *t,
			     const struct sym_type **elem, uint64_t *count)
{
	if (t->d.kind != SYM_KIND_ARRAY)
		return ERR(ERR_NOTFOUND, "%s is not an array", sym_type_name(t));
	*count = t->d.count;
	return intern(owner_of(t), t->prov, t->d.ref, elem);
}

/* ---- queries over the providers ---------------------------------------- */

/* Keep the first error that is not ERR_NOTFOUND; free the rest. */
static struct error *keep_worse(struct error *have, struct error *err)
{
	if (!have)
		return err;
	if (have->code == ERR_NOTFOUND && err->code != ERR_NOTFOUND) {
		error_free(have);
		return err;
	}
	error_free(err);
	return have;
}

static struct error *not_found(struct error *last, const char *func,
			       const char *what, const char *name)
{
	if (last && last->code != ERR_NOTFOUND)
		return last;
	error_free(last);
	return error_create(ERR_NOTFOUND, 0, func, "%s %s not found", what, name);
}

struct error *sym_address(const struct symbols *s, const char *name,
			  uint64_t *addr, enum sym_source *from)
{
	struct error *last = NULL;

	if (s->vi && vi_symbol(s->vi, name, addr)) {
		if (from)
			*from = SYM_SRC_VMCOREINFO;
		return NULL;
	}
	for (unsigned int i = 0; i < s->nr_prov; i++) {
		const struct provider *pv = &s->prov[i];
		struct error *err;

		if (!pv->ops->address)
			continue;
		err = pv->ops->address(pv->p, name, addr);
		if (!err) {
			error_free(last);
			if (from)
				*from = pv->ops->src;
			return NULL;
		}
		last = keep_worse(last, err);
	}
	return not_found(last, __func__, "symbol", name);
}

struct error *sym_variable(struct symbols *s, const char *name,
			   uint64_t *addr, const struct sym_type **type)
{
	struct error *last = NULL, *err;

	for (unsigned int i = 0; i < s->nr_prov; i++) {
		const struct provider *pv = &s->prov[i];
		uint64_t id;

		if (!pv->ops->variable)
			continue;
		err = pv->ops->variable(pv->p, name, &id);
		if (!err)
			err = intern(s, pv, id, type);
		if (!err) {
			error_free(last);
			return sym_address(s, name, addr, NULL);
		}
		last = keep_worse(last, err);
	}
	if (!last || last->code == ERR_NOTFOUND) {
		uint64_t a;

		err = sym_address(s, name, &a, NULL);
		if (!err) {
			error_free(last);
			return ERR(ERR_NOTFOUND,
				   "the type of %s is unknown (%s gives only its address)",
				   name, s->nr_prov ? "kallsyms" : "VMCOREINFO");
		}
		error_free(err);
	}
	return not_found(last, __func__, "variable", name);
}

struct error *sym_type_by_name(struct symbols *s, const char *name,
			       const struct sym_type **type)
{
	struct error *last = NULL;

	for (unsigned int i = 0; i < s->nr_prov; i++) {
		const struct provider *pv = &s->prov[i];
		struct error *err;
		uint64_t id;

		if (!pv->ops->type_by_name)
			continue;
		err = pv->ops->type_by_name(pv->p, name, &id);
		if (!err)
			err = intern(s, pv, id, type);
		if (!err) {
			error_free(last);
			return NULL;
		}
		last = keep_worse(last, err);
	}
	return not_found(last, __func__, "type", name);
}

static struct error *enum_from_providers(struct symbols *s, const char *name,
					 int64_t *value, enum sym_source *from)
{
	struct error *last = NULL;

	for (unsigned int i = 0; i < s->nr_prov; i++) {
		const struct provider *pv = &s->prov[i];
		struct error *err;

		if (!pv->ops->enum_constant)
			continue;
		err = pv->ops->enum_constant(pv->p, name, value);
		if (!err) {
			error_free(last);
			if (from)
				*from = pv->ops->src;
			return NULL;
		}
		last = keep_worse(last, err);
	}
	return not_found(last, __func__, "enumeration constant", name);
}

struct error *sym_enum_constant(struct symbols *s, const char *name,
				int64_t *value)
{
	return enum_from_providers(s, name, value, NULL);
}

struct error *sym_size(struct symbols *s, const char *name, uint64_t *v,
		       enum sym_source *from)
{
	const struct sym_type *t;
	struct error *err;

	if (s->vi && vi_size(s->vi, name, v)) {
		if (from)
			*from = SYM_SRC_VMCOREINFO;
		return NULL;
	}
	err = sym_type_by_name(s, name, &t);
	if (!err)
		err = sym_type_size(t, v);
	if (!err && from)
		*from = sym_type_source(t);
	return err;
}

/* Split "type.member.path" at its first dot into @type (NUL-terminated). */
static struct error *split_name(const char *name, char *type, size_t size,
				const char **rest)
{
	const char *dot = strchr(name, '.');

	if (!dot || dot == name || !dot[1] || (size_t)(dot - name) >= size)
		return ERR(ERR_USAGE, "%s is not of the form type.member", name);
	memcpy(type, name, (size_t)(dot - name));
	type[dot - name] = '\0';
	*rest = dot + 1;
	return NULL;
}

struct error *sym_offset(struct symbols *s, const char *name, uint64_t *v,
			 enum sym_source *from)
{
	const struct sym_type *t;
	struct sym_member m;
	const char *member;
	struct error *err;
	char type[128];

	if (s->vi && vi_offset(s->vi, name, v)) {
		if (from)
			*from = SYM_SRC_VMCOREINFO;
		return NULL;
	}
	err = split_name(name, type, sizeof(type), &member);
	if (!err)
		err = sym_type_by_name(s, type, &t);
	if (!err)
		err = sym_type_member(t, member, &m);
	if (err)
		return err;
	*v = m.offset;
	if (from)
		*from = sym_type_source(t);
	return NULL;
}

struct error *sym_length(struct symbols *s, const char *name, uint64_t *v,
			 enum sym_source *from)
{
	const struct sym_type *t, *elem;
	struct error *err;

	if (s->vi && vi_length(s->vi, name, v)) {
		if (from)
			*from = SYM_SRC_VMCOREINFO;
		return NULL;
	}
	if (strchr(name, '.')) {
		struct sym_member m;
		const char *member;
		char type[128];

		err = split_name(name, type, sizeof(type), &member);
		if (!err)
			err = sym_type_by_name(s, type, &t);
		if (!err)
			err = sym_type_member(t, member, &m);
		if (err)
			return err;
		t = m.type;
	} else {
		uint64_t addr;

		err = sym_variable(s, name, &addr, &t);
		if (err)
			return err;
	}
	err = sym_type_array(t, &elem, v);
	if (!err && from)
		*from = sym_type_source(t);
	return err;
}

struct error *sym_number(struct symbols *s, const char *name, int64_t *v,
			 enum sym_source *from)
{
	if (s->vi && vi_number(s->vi, name, v)) {
		if (from)
			*from = SYM_SRC_VMCOREINFO;
		return NULL;
	}
	return enum_from_providers(s, name, v, from);
}
