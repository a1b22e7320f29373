// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The makedumpfile.conf(5) parser (erase/config.c) on arbitrary text: it
 * must accept or refuse with a message that names the file and a line, and
 * what it accepts must be well formed.
 */
#include "fuzz_common.h"
#include "../erase/config.h"
#include "../lib/error.h"

#include <ctype.h>
#include <string.h>

static void check_path(const struct erase_path *p, bool may_be_empty)
{
	unsigned int i;

	if (!p->n) {
		if (!may_be_empty || p->text)
			__builtin_trap();
		return;
	}
	if (!p->text || p->n > ERASE_PATH_MAX_DEPTH)
		__builtin_trap();
	for (i = 0; i < p->n; i++) {
		const char *s = p->names[i];

		if (!s || !*s || !(isalpha((unsigned char)s[0]) || s[0] == '_') ||
		    !strstr(p->text, s))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct erase_config *cfg = NULL;
	struct error *err;
	size_t i, j, k, n = 0;

	err = erase_config_parse("fuzz.conf", (const char *)data, size, &cfg);
	if (err) {
		if (cfg || strncmp(err->msg, "erase_config: fuzz.conf", 23))
			__builtin_trap();
		error_free(err);
		return 0;
	}
	for (i = 0; i < cfg->nr_sec; i++) {
		const struct erase_section *s = &cfg->sec[i];

		if (!s->module || !*s->module)
			__builtin_trap();
		for (j = 0; j < s->nr_blocks; j++) {
			const struct erase_block *b = &s->blocks[j];

			if (!b->nr_cmds || (b->loop == ERASE_NO_LOOP && b->nr_cmds != 1))
				__builtin_trap();
			if (b->loop != ERASE_NO_LOOP) {
				check_path(&b->list, false);
				if (!b->id)
					__builtin_trap();
			}
			if (b->loop == ERASE_LOOP_VIA && !b->via)
				__builtin_trap();
			if (b->loop == ERASE_LOOP_WITHIN &&
			    (!b->within_struct || !b->within_member))
				__builtin_trap();
			for (k = 0; k < b->nr_cmds; k++) {
				const struct erase_cmd *c = &b->cmds[k];

				check_path(&c->target, false);
				check_path(&c->size_expr, c->size_kind != ERASE_SIZE_EXPR);
				if (c->size_kind == ERASE_SIZE_VALUE && !c->size_value)
					__builtin_trap();
				if (b->id && strcmp(c->target.names[0], b->id))
					__builtin_trap();
				if (!c->line)
					__builtin_trap();
			}
			n += b->nr_cmds;
		}
	}
	if (n != erase_config_commands(cfg))
		__builtin_trap();
	erase_config_free(cfg);
	return 0;
}
