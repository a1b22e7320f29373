// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kallsyms decoder (symbols/kallsyms.c) on hostile tables.
 *
 * Input: u32 num_syms, u8 flags (bit 0: absolute per-cpu encoding), u32
 * lengths of names, token_table and offsets, then those tables and the
 * token index (the rest, as much as there is).
 */
#include "fuzz_common.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../symbols/provider.h"

#include <string.h>

static const char *const names[] = { "_stext", "init_uts_ns", "a", "", "kallsyms_names" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kallsyms_tables t = { 0 };
	const struct provider_ops *ops;
	size_t pos = 17, len[3];
	struct error *err;
	void *p;

	if (size < 17)
		return 0;
	t.num_syms = load_le32(data) % 100000;	/* keep each run short */
	t.absolute_percpu = data[4] & 1;
	for (int i = 0; i < 3; i++)
		len[i] = load_le32(data + 5 + 4 * i);
	t.relative_base = 0xffffffff81000000ull;
	t.names = data + pos;
	t.names_len = MIN(len[0], size - pos);
	pos += t.names_len;
	t.token_table = data + pos;
	t.token_table_len = MIN(len[1], size - pos);
	pos += t.token_table_len;
	t.offsets = data + pos;
	t.offsets_len = MIN(len[2], size - pos);
	pos += t.offsets_len;
	t.token_index = data + pos;
	t.token_index_len = size - pos;
	err = kallsyms_provider_new(&t, &ops, &p);
	if (err) {
		error_free(err);
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t a;

		error_free(ops->address(p, names[i], &a));
	}
	ops->destroy(p);
	return 0;
}
