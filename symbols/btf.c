// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BTF provider: the kernel's own compact type information
 * (CONFIG_DEBUG_INFO_BTF), as found in the dump between __start_BTF and
 * __stop_BTF or in a vmlinux's .BTF section.  The blob is kept (copied,
 * or taken over from the caller) and checked once: every type record must
 * lie inside the type section, every name inside the string section, every
 * type reference below the number of types.  BTF ids are the provider's type ids (0, void, becomes VOID_ID).
 *
 * BTF knows types, not addresses: a VAR gives a variable's type, kallsyms
 * its address.
 */
#include "provider.h"
#include "name_index.h"

#include "../lib/error.h"
#include "../lib/util.h"

#include <stdlib.h>
#include <string.h>

#define BTF_MAGIC 0xeb9f
#define BTF_HDR_MIN 24

enum btf_kind {
	BTF_KIND_INT = 1, BTF_KIND_PTR, BTF_KIND_ARRAY, BTF_KIND_STRUCT,
	BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_FWD, BTF_KIND_TYPEDEF,
	BTF_KIND_VOLATILE, BTF_KIND_CONST, BTF_KIND_RESTRICT, BTF_KIND_FUNC,
	BTF_KIND_FUNC_PROTO, BTF_KIND_VAR, BTF_KIND_DATASEC, BTF_KIND_FLOAT,
	BTF_KIND_DECL_TAG, BTF_KIND_TYPE_TAG, BTF_KIND_ENUM64,
};

/* struct btf_type: name_off, info, size-or-type; then kind-specific data. */
#define BTF_TYPE_SIZE 12
#define BTF_KIND(info) (((info) >> 24) & 0x1f)
#define BTF_VLEN(info) ((info) & 0xffff)
#define BTF_KFLAG(info) ((info) >> 31)

/* Pointer size of the kernels we read (x86_64, arm64): BTF does not say. */
#define BTF_PTR_SIZE 8
#define MAX_CHAIN 64
/* Types of a kernel: ~150k; anything far above is damage. */
#define MAX_TYPES (1u << 24)

struct btf_prov {
	uint8_t *blob;
	size_t len;
	const uint8_t *types;	/* type section */
	uint32_t types_len;
	const char *strs;	/* string section */
	uint32_t strs_len;
	bool strs_end_in_nul;	/* then every offset inside starts a string */
	uint32_t *off;		/* type id -> offset in types; off[0] unused */
	uint32_t nr;		/* ids 1..nr-1 */

	struct name_index tags, typedefs, vars, enumerators;
};

static const uint8_t *rec(const struct btf_prov *b, uint32_t id)
{
	return b->types + b->off[id];
}

static uint32_t info_of(const struct btf_prov *b, uint32_t id)
{
	return load_le32(rec(b, id) + 4);
}

static uint32_t sizetype_of(const struct btf_prov *b, uint32_t id)
{
	return load_le32(rec(b, id) + 8);
}

/* A string at @off, or NULL if it does not end inside the section. */
static const char *str_at(const struct btf_prov *b, uint32_t off)
{
	if (off >= b->strs_len)
		return NULL;
	if (!b->strs_end_in_nul && !memchr(b->strs + off, '\0', b->strs_len - off))
		return NULL;
	return b->strs + off;
}

static const char *name_of(const struct btf_prov *b, uint32_t id)
{
	const char *n = str_at(b, load_le32(rec(b, id)));

	return n ? n : "";
}

/* Bytes of kind-specific data after the common record. */
static bool extra_size(uint32_t info, size_t *n)
{
	uint32_t vlen = BTF_VLEN(info);

	switch (BTF_KIND(info)) {
	case BTF_KIND_INT: *n = 4; return true;
	case BTF_KIND_ARRAY: *n = 12; return true;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: *n = (size_t)vlen * 12; return true;
	case BTF_KIND_ENUM: *n = (size_t)vlen * 8; return true;
	case BTF_KIND_FUNC_PROTO: *n = (size_t)vlen * 8; return true;
	case BTF_KIND_VAR: *n = 4; return true;
	case BTF_KIND_DATASEC: *n = (size_t)vlen * 12; return true;
	case BTF_KIND_DECL_TAG: *n = 4; return true;
	case BTF_KIND_ENUM64: *n = (size_t)vlen * 12; return true;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC: case BTF_KIND_FLOAT: case BTF_KIND_TYPE_TAG:
		*n = 0;
		return true;
	default:
		return false;
	}
}

/* Does this kind's third word name a type (rather than a size)? */
static bool refers(uint32_t kind)
{
	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_FUNC_PROTO: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* Walk the type section once: offsets, then reference checks. */
static struct error *scan_types(struct btf_prov *b)
{
	uint32_t cap = 1024, pos = 0, n = 1;

	b->off = malloc(cap * sizeof(*b->off));
	if (!b->off)
		return ERR_OOM();
	while (pos < b->types_len) {
		uint32_t info;
		size_t extra;

		if (b->types_len - pos < BTF_TYPE_SIZE)
			return ERR(ERR_FORMAT, "BTF: type %u cut short", n);
		info = load_le32(b->types + pos + 4);
		if (!extra_size(info, &extra))
			return ERR(ERR_FORMAT, "BTF: type %u has unknown kind %u",
				   n, BTF_KIND(info));
		if (extra > b->types_len - pos - BTF_TYPE_SIZE)
			return ERR(ERR_FORMAT, "BTF: type %u cut short", n);
		if (n == cap) {
			uint32_t *o;

			if (cap >= MAX_TYPES)
				return ERR(ERR_FORMAT, "BTF: more than %u types", MAX_TYPES);
			cap *= 2;
			o = realloc(b->off, cap * sizeof(*o));
			if (!o)
				return ERR_OOM();
			b->off = o;
		}
		b->off[n++] = pos;
		pos += BTF_TYPE_SIZE + (uint32_t)extra;
	}
	b->nr = n;
	for (uint32_t id = 1; id < n; id++) {
		uint32_t info = info_of(b, id), kind = BTF_KIND(info);
		const uint8_t *x = rec(b, id) + BTF_TYPE_SIZE;

		if (!str_at(b, load_le32(rec(b, id))))
			return ERR(ERR_FORMAT, "BTF: type %u has a bad name", id);
		if (refers(kind) && sizetype_of(b, id) >= n)
			return ERR(ERR_FORMAT, "BTF: type %u refers to missing type %u",
				   id, sizetype_of(b, id));
		if (kind == BTF_KIND_ARRAY && load_le32(x) >= n)
			return ERR(ERR_FORMAT, "BTF: array %u of missing type", id);
		if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) {
			for (uint32_t i = 0; i < BTF_VLEN(info); i++) {
				if (!str_at(b, load_le32(x + 12 * i)) ||
				    load_le32(x + 12 * i + 4) >= n)
					return ERR(ERR_FORMAT, "BTF: member %u of type %u is bad",
						   i, id);
			}
		}
		if (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64) {
			uint32_t step = kind == BTF_KIND_ENUM ? 8 : 12;

			for (uint32_t i = 0; i < BTF_VLEN(info); i++)
				if (!str_at(b, load_le32(x + step * i)))
					return ERR(ERR_FORMAT, "BTF: enumerator %u of type %u is bad",
						   i, id);
		}
	}
	return NULL;
}

static struct error *add_name(struct name_index *ix, const char *name,
			      uint64_t val, bool replace_incomplete,
			      bool complete)
{
	struct name_slot *slot;
	struct error *err;
	bool added;

	if (!*name)
		return NULL;
	val = val << 1 | (complete ? 1 : 0);
	err = name_index_add(ix, name, val, &slot, &added);
	if (!err && !added && replace_incomplete && complete && !(slot->val & 1))
		slot->val = val;
	return err;
}

/*
 * Size each index for the names it gets, so that none is rehashed with
 * old and new table both held (only named entries count; at most a few
 * duplicates are counted twice).
 */
static struct error *reserve_indexes(struct btf_prov *b)
{
	size_t tags = 0, typedefs = 0, vars = 0, enumerators = 0;
	struct error *err;

	for (uint32_t id = 1; id < b->nr; id++) {
		uint32_t info = info_of(b, id);
		bool named = *name_of(b, id);

		switch (BTF_KIND(info)) {
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_FWD:
			tags += named;
			break;
		case BTF_KIND_ENUM: case BTF_KIND_ENUM64: {
			uint32_t step = BTF_KIND(info) == BTF_KIND_ENUM ? 8 : 12;
			const uint8_t *x = rec(b, id) + BTF_TYPE_SIZE;

			tags += named;
			for (uint32_t i = 0; i < BTF_VLEN(info); i++)
				enumerators += *str_at(b, load_le32(x + step * i)) != 0;
			break;
		}
		case BTF_KIND_TYPEDEF: case BTF_KIND_INT: case BTF_KIND_FLOAT:
			typedefs += named;
			break;
		case BTF_KIND_VAR:
			vars += named;
			break;
		default:
			break;
		}
	}
	err = name_index_reserve(&b->tags, tags);
	if (!err)
		err = name_index_reserve(&b->typedefs, typedefs);
	if (!err)
		err = name_index_reserve(&b->vars, vars);
	if (!err)
		err = name_index_reserve(&b->enumerators, enumerators);
	return err;
}

static struct error *build_indexes(struct btf_prov *b)
{
	struct error *err = reserve_indexes(b);

	for (uint32_t id = 1; !err && id < b->nr; id++) {
		uint32_t info = info_of(b, id), kind = BTF_KIND(info);
		const char *name = name_of(b, id);
		const uint8_t *x = rec(b, id) + BTF_TYPE_SIZE;

		switch (kind) {
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
			err = add_name(&b->tags, name, id, true, true);
			break;
		case BTF_KIND_FWD:
			err = add_name(&b->tags, name, id, true, false);
			break;
		case BTF_KIND_ENUM: case BTF_KIND_ENUM64: {
			uint32_t step = kind == BTF_KIND_ENUM ? 8 : 12;

			err = add_name(&b->tags, name, id, true, true);
			for (uint32_t i = 0; !err && i < BTF_VLEN(info); i++)
				err = add_name(&b->enumerators,
					       str_at(b, load_le32(x + step * i)),
					       (uint64_t)id << 16 | i, false, true);
			break;
		}
		case BTF_KIND_TYPEDEF: case BTF_KIND_INT: case BTF_KIND_FLOAT:
			err = add_name(&b->typedefs, name, id, false, true);
			break;
		case BTF_KIND_VAR:
			err = add_name(&b->vars, name, id, false, true);
			break;
		default:
			break;
		}
	}
	return err;
}

/* Strip typedefs/qualifiers; complete forward declarations by name. */
static struct error *resolve(const struct btf_prov *b, uint32_t id,
			     uint64_t *out)
{
	for (int i = 0; i < MAX_CHAIN; i++) {
		uint32_t kind;

		if (id == 0) {
			*out = VOID_ID;
			return NULL;
		}
		kind = BTF_KIND(info_of(b, id));
		switch (kind) {
		case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = sizetype_of(b, id);
			continue;
		case BTF_KIND_FWD: {
			struct name_slot *s = name_index_find(&b->tags, name_of(b, id));

			if (s && (s->val & 1))
				id = (uint32_t)(s->val >> 1);
			break;
		}
		case BTF_KIND_VAR: case BTF_KIND_DATASEC:
		case BTF_KIND_DECL_TAG:
			return ERR(ERR_FORMAT, "BTF: type %u is not a type", id);
		default:
			break;
		}
		*out = id;
		return NULL;
	}
	return ERR(ERR_FORMAT, "BTF: typedef chain too long at %u", id);
}

static struct error *describe_depth(const struct btf_prov *b, uint64_t id,
				    struct type_desc *t, int depth)
{
	uint32_t info, kind;
	const uint8_t *x;
	struct error *err;

	memset(t, 0, sizeof(*t));
	if (id == 0 || id >= b->nr)
		return ERR(ERR_FORMAT, "BTF: no type %llu", (unsigned long long)id);
	info = info_of(b, (uint32_t)id);
	kind = BTF_KIND(info);
	x = rec(b, (uint32_t)id) + BTF_TYPE_SIZE;
	t->name = name_of(b, (uint32_t)id);
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_FLOAT:
		t->kind = SYM_KIND_BASE;
		t->has_size = true;
		t->size = sizetype_of(b, (uint32_t)id);
		return NULL;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		t->kind = SYM_KIND_ENUM;
		t->has_size = true;
		t->size = sizetype_of(b, (uint32_t)id);
		return NULL;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		t->kind = kind == BTF_KIND_UNION ? SYM_KIND_UNION : SYM_KIND_STRUCT;
		t->has_size = true;
		t->size = sizetype_of(b, (uint32_t)id);
		t->nr_members = BTF_VLEN(info);
		return NULL;
	case BTF_KIND_FWD:
		t->kind = BTF_KFLAG(info) ? SYM_KIND_UNION : SYM_KIND_STRUCT;
		return NULL;
	case BTF_KIND_PTR:
		t->kind = SYM_KIND_POINTER;
		t->has_size = true;
		t->size = BTF_PTR_SIZE;
		err = resolve(b, sizetype_of(b, (uint32_t)id), &t->ref);
		t->has_ref = !err && t->ref != VOID_ID;
		return err;
	case BTF_KIND_ARRAY: {
		struct type_desc elem;

		t->kind = SYM_KIND_ARRAY;
		t->count = load_le32(x + 8);
		t->has_ref = true;
		err = resolve(b, load_le32(x), &t->ref);
		if (err)
			return err;
		if (t->ref == VOID_ID)
			return ERR(ERR_FORMAT, "BTF: array %llu of void",
				   (unsigned long long)id);
		if (depth > MAX_CHAIN)
			return ERR(ERR_FORMAT, "BTF: arrays nest too deep");
		err = describe_depth(b, t->ref, &elem, depth + 1);
		if (err)
			return err;
		t->has_size = elem.has_size &&
			      !mul_overflows(elem.size, t->count, &t->size);
		return NULL;
	}
	case BTF_KIND_FUNC: case BTF_KIND_FUNC_PROTO:
		t->kind = SYM_KIND_FUNC;
		return NULL;
	default:
		return ERR(ERR_FORMAT, "BTF: type %llu (kind %u) is not a type",
			   (unsigned long long)id, kind);
	}
}

static struct error *btf_describe(void *p, uint64_t id, struct type_desc *t)
{
	return describe_depth(p, id, t, 0);
}

static struct error *btf_member_at(void *p, uint64_t id, size_t i,
				   struct raw_member *m)
{
	const struct btf_prov *b = p;
	uint32_t info, kind, off;
	const uint8_t *x;
	const char *name;

	if (id == 0 || id >= b->nr)
		return ERR(ERR_FORMAT, "BTF: no type %llu", (unsigned long long)id);
	info = info_of(b, (uint32_t)id);
	kind = BTF_KIND(info);
	if ((kind != BTF_KIND_STRUCT && kind != BTF_KIND_UNION) || i >= BTF_VLEN(info))
		return ERR(ERR_NOTFOUND, "BTF: type %llu has no member #%zu",
			   (unsigned long long)id, i);
	x = rec(b, (uint32_t)id) + BTF_TYPE_SIZE + 12 * i;
	memset(m, 0, sizeof(*m));
	name = str_at(b, load_le32(x));
	m->name = name && *name ? name : NULL;
	off = load_le32(x + 8);
	if (BTF_KFLAG(info)) {
		m->bit_size = off >> 24;
		m->bit_pos = off & 0xffffff;
	} else {
		m->bit_pos = off;
	}
	return resolve(b, load_le32(x + 4), &m->type);
}

static struct error *btf_type_by_name(void *p, const char *name, uint64_t *id)
{
	const struct btf_prov *b = p;
	struct name_slot *s = name_index_find(&b->tags, name);
	struct error *err;

	if (!s)
		s = name_index_find(&b->typedefs, name);
	if (!s)
		return ERR(ERR_NOTFOUND, "BTF has no type %s", name);
	err = resolve(b, (uint32_t)(s->val >> 1), id);
	if (!err && *id == VOID_ID)
		return ERR(ERR_NOTFOUND, "BTF type %s is void", name);
	return err;
}

static struct error *btf_variable(void *p, const char *name, uint64_t *id)
{
	const struct btf_prov *b = p;
	struct name_slot *s = name_index_find(&b->vars, name);
	struct error *err;

	if (!s)
		return ERR(ERR_NOTFOUND, "BTF has no variable %s", name);
	err = resolve(b, sizetype_of(b, (uint32_t)(s->val >> 1)), id);
	if (!err && *id == VOID_ID)
		return ERR(ERR_NOTFOUND, "BTF variable %s has no type", name);
	return err;
}

static struct error *btf_enum_constant(void *p, const char *name, int64_t *v)
{
	const struct btf_prov *b = p;
	struct name_slot *s = name_index_find(&b->enumerators, name);
	uint32_t id, i, info;
	const uint8_t *x;

	if (!s)
		return ERR(ERR_NOTFOUND, "BTF has no enumerator %s", name);
	id = (uint32_t)(s->val >> 17);
	i = (uint32_t)(s->val >> 1) & 0xffff;
	info = info_of(b, id);
	x = rec(b, id) + BTF_TYPE_SIZE;
	if (BTF_KIND(info) == BTF_KIND_ENUM) {
		/* kind_flag set: the values are unsigned. */
		uint32_t raw = load_le32(x + 8 * i + 4);

		*v = BTF_KFLAG(info) ? (int64_t)raw : (int64_t)(int32_t)raw;
	} else {
		uint64_t raw = load_le32(x + 12 * i + 4) |
			       (uint64_t)load_le32(x + 12 * i + 8) << 32;

		*v = (int64_t)raw;
	}
	return NULL;
}

static void btf_destroy(void *p)
{
	struct btf_prov *b = p;

	if (!b)
		return;
	name_index_free(&b->tags);
	name_index_free(&b->typedefs);
	name_index_free(&b->vars);
	name_index_free(&b->enumerators);
	free(b->off);
	free(b->blob);
	free(b);
}

static const struct provider_ops btf_ops = {
	.src = SYM_SRC_BTF,
	.destroy = btf_destroy,
	.variable = btf_variable,
	.type_by_name = btf_type_by_name,
	.enum_constant = btf_enum_constant,
	.describe = btf_describe,
	.member_at = btf_member_at,
};

struct error *btf_provider_new(const uint8_t *blob, size_t len,
			       const struct provider_ops **ops, void **p)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return ERR_OOM();
	memcpy(copy, blob, len);
	return btf_provider_adopt(copy, len, ops, p);
}

struct error *btf_provider_adopt(uint8_t *blob, size_t len,
				 const struct provider_ops **ops, void **p)
{
	struct btf_prov *b;
	struct error *err;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;

	err = NULL;
	if (len < BTF_HDR_MIN || load_le16(blob) != BTF_MAGIC)
		err = ERR(ERR_FORMAT, "not BTF (bad magic)");
	else if (blob[2] != 1)
		err = ERR(ERR_UNSUPPORTED, "BTF version %u", blob[2]);
	else if (len > UINT32_MAX)
		err = ERR(ERR_FORMAT, "BTF blob too large");
	if (err) {
		free(blob);
		return err;
	}
	hdr_len = load_le32(blob + 4);
	type_off = load_le32(blob + 8);
	type_len = load_le32(blob + 12);
	str_off = load_le32(blob + 16);
	str_len = load_le32(blob + 20);
	if (hdr_len < BTF_HDR_MIN || hdr_len > len ||
	    type_off > len - hdr_len || type_len > len - hdr_len - type_off ||
	    str_off > len - hdr_len || str_len > len - hdr_len - str_off ||
	    (type_len & 3)) {
		free(blob);
		return ERR(ERR_FORMAT, "BTF header does not fit the blob");
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		free(blob);
		return ERR_OOM();
	}
	b->blob = blob;
	b->len = len;
	b->types = b->blob + hdr_len + type_off;
	b->types_len = type_len;
	b->strs = (const char *)b->blob + hdr_len + str_off;
	b->strs_len = str_len;
	b->strs_end_in_nul = str_len && !b->strs[str_len - 1];
	err = scan_types(b);
	if (!err)
		err = build_indexes(b);
	if (err) {
		btf_destroy(b);
		return err;
	}
	*ops = &btf_ops;
	*p = b;
	return NULL;
}
