// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmlinux provider (symbols/dwarf.c) on hostile ELF files: the symbol
 * index, the DIE index built over every unit, type descriptions and member
 * walks, enumerators, the build ID and the release string, and VMCOREINFO
 * generation (-g) over all of it.  libdw parses the DWARF; what is fuzzed
 * is our use of its answers.
 */
#include "fuzz_common.h"
#include "../lib/error.h"
#include "../symbols/symbols.h"
#include "../symbols/vmcoreinfo_gen.h"

#include <stdlib.h>
#include <unistd.h>

static const char *const types[] = {
	"secret", "holder", "list_node", "page", "zone", "pglist_data", "int",
	"secret_t", "csecret_t", "colour", "",
};

static const char *const syms[] = {
	"global_holder", "list_nodes", "secret_ptr", "plain_int", "main",
	"init_uts_ns", "mem_section", "",
};

static void walk(const struct sym_type *t, int depth)
{
	const struct sym_type *sub;
	struct sym_member m;
	struct error *err;
	uint64_t v;

	error_free(sym_type_size(t, &v));
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct symbols *s;
	struct error *err;
	char path[64], buf[128];
	uint64_t v;
	size_t len;
	char *text;
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	if (symbols_new(&s)) {
		close(fd);
		return 0;
	}
	err = symbols_add_vmlinux(s, path, 0x1000);
	if (err) {
		error_free(err);
		goto out;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct sym_type *t;

		err = sym_type_by_name(s, types[i], &t);
		if (!err)
			walk(t, 0);
		error_free(err);
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		const struct sym_type *t;
		uint64_t a;
		int64_t n;

		err = sym_variable(s, syms[i], &a, &t);
		if (!err)
			walk(t, 0);
		error_free(err);
		error_free(sym_enum_constant(s, syms[i], &n));
	}
	error_free(sym_length(s, "secret.grid", &v, NULL));
	error_free(sym_offset(s, "secret.head.prev", &v, NULL));
	symbols_vmlinux_build_id(s, buf, sizeof(buf));
	error_free(symbols_vmlinux_release(s, buf, sizeof(buf)));
	err = vmcoreinfo_generate(s, &text, &len);
	if (!err)
		free(text);
	error_free(err);
out:
	symbols_free(s);
	close(fd);
	return 0;
}
