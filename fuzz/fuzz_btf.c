// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BTF parser (symbols/btf.c) on hostile blobs, through the symbols
 * queries: type lookups by name, every member of what they find, one level
 * down through pointers and arrays, enumeration constants, variables.
 */
#include "fuzz_common.h"
#include "../lib/error.h"
#include "../symbols/provider.h"
#include "../symbols/symbols.h"

static const char *const types[] = {
	"page", "zone", "pglist_data", "free_area", "list_head", "task_struct",
	"atomic_long_t", "unsigned long", "int", "hstate", "a", "b", "loop1", "zone",
	"pageflags", "",
};

static const char *const names[] = {
	"NR_FREE_PAGES", "PG_lru", "PGTY_buddy", "A", "B", "x", "",
};

static void walk(const struct sym_type *t, int depth)
{
	const struct sym_type *sub;
	struct sym_member m;
	struct error *err;
	uint64_t v;

	error_free(sym_type_size(t, &v));
	(void)sym_type_name(t);
	(void)sym_type_kind(t);
	for (size_t i = 0; i < sym_type_nr_members(t) && i < 64; i++) {
		err = sym_type_member_at(t, i, &m);
		if (err) {
			error_free(err);
			continue;
		}
		if (m.name)
			error_free(sym_type_member(t, m.name, &m));
		if (depth < 2)
			walk(m.type, depth + 1);
	}
	err = sym_type_pointee(t, &sub);
	if (!err && depth < 2)
		walk(sub, depth + 1);
	error_free(err);
	err = sym_type_array(t, &sub, &v);
	if (!err && depth < 2)
		walk(sub, depth + 1);
	error_free(err);
	error_free(sym_type_member(t, "a.b.c", &m));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct provider_ops *ops;
	struct symbols *s;
	struct error *err;
	void *p;

	if (symbols_new(&s))
		return 0;
	err = btf_provider_new(data, size, &ops, &p);
	if (!err)
		err = symbols_attach(s, ops, p);
	if (err) {
		error_free(err);
		symbols_free(s);
		return 0;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct sym_type *t;
		uint64_t v;

		err = sym_type_by_name(s, types[i], &t);
		if (!err)
			walk(t, 0);
		error_free(err);
		error_free(sym_size(s, types[i], &v, NULL));
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct sym_type *t;
		int64_t n;
		uint64_t a;

		error_free(sym_enum_constant(s, names[i], &n));
		error_free(sym_variable(s, names[i], &a, &t));
	}
	symbols_free(s);
	return 0;
}
