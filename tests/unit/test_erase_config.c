// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * erase/config: the makedumpfile.conf(5) language (sections, erase with
 * its size forms, the three loops, '.' and '->', comments, commands over
 * several lines) and its errors, which name the file, line and token;
 * erase/ranges: merging and the page hook's arithmetic.
 */
#include "unit.h"

#include "erase/config.h"
#include "erase/ranges.h"
#include "lib/error.h"

static struct erase_config *parse_ok(const char *text)
{
	struct erase_config *cfg = NULL;
	struct error *err = erase_config_parse("t.conf", text, strlen(text), &cfg);

	CHECK_MSG(!err, "%s", err ? err->msg : "");
	error_free(err);
	return cfg;
}

/* The message of a parse error (static buffer), or "" when it parsed. */
static const char *parse_err(const char *text)
{
	static char msg[512];
	struct erase_config *cfg = NULL;
	struct error *err = erase_config_parse("t.conf", text, strlen(text), &cfg);

	msg[0] = 0;
	if (err)
		snprintf(msg, sizeof(msg), "%s", err->msg);
	error_free(err);
	erase_config_free(cfg);
	return msg;
}

#define CHECK_ERR(text, want)                                                 \
	do {                                                                  \
		const char *m_ = parse_err(text);                            \
		CHECK_MSG(strstr(m_, want), "%s: got \"%s\", want \"%s\"",   \
			  #text, m_, want);                                   \
	} while (0)

TEST(erase_forms)
{
	struct erase_config *cfg = parse_ok(
		"# comment\n"
		"erase array_var\n"
		"erase mystruct1.buffer size 25\n"
		"erase mystruct1.addr2 size 1K   # trailing comment\n"
		"erase big size 3m\n"
		"erase mystruct2->addr size mystruct2.addr_size\n"
		"erase mystruct1.addr1 nullify\n"
		"erase\n  spread\n size\n 7\n");
	const struct erase_block *b;

	if (!cfg)
		return;
	CHECK_EQ(cfg->nr_sec, 1);
	CHECK_STR(cfg->sec[0].module, "vmlinux");
	CHECK_EQ(cfg->sec[0].nr_blocks, 7);
	CHECK_EQ(erase_config_commands(cfg), 7);
	b = cfg->sec[0].blocks;
	CHECK_EQ(b[0].loop, ERASE_NO_LOOP);
	CHECK_EQ(b[0].cmds[0].size_kind, ERASE_SIZE_AUTO);
	CHECK_EQ(b[0].cmds[0].line, 2);
	CHECK_EQ(b[1].cmds[0].size_kind, ERASE_SIZE_VALUE);
	CHECK_EQ(b[1].cmds[0].size_value, 25);
	CHECK_EQ(b[1].cmds[0].target.n, 2);
	CHECK_STR(b[1].cmds[0].target.names[1], "buffer");
	CHECK_EQ(b[2].cmds[0].size_value, 1024);
	CHECK_EQ(b[3].cmds[0].size_value, 3u << 20);
	CHECK_EQ(b[4].cmds[0].size_kind, ERASE_SIZE_EXPR);
	CHECK_STR(b[4].cmds[0].target.text, "mystruct2->addr");
	CHECK_EQ(b[4].cmds[0].target.n, 2);
	CHECK_STR(b[4].cmds[0].target.names[0], "mystruct2");
	CHECK_STR(b[4].cmds[0].size_expr.names[1], "addr_size");
	CHECK_EQ(b[5].cmds[0].size_kind, ERASE_NULLIFY);
	CHECK_EQ(b[6].cmds[0].line, 8);
	CHECK_EQ(b[6].cmds[0].size_value, 7);
	erase_config_free(cfg);
}

TEST(sections_and_loops)
{
	struct erase_config *cfg = parse_ok(
		"erase before_any_section\n"
		"[mymodule]\n"
		"for mys1 in mystruct1 via next\n"
		"\terase mys1.private\n"
		"\terase mys1.key size mys1.key_size\n"
		"endfor\n"
		"  [ vmlinux ]  # again\n"
		"for e in s1_list_head.next within s1:list\n"
		"\terase e.private\n"
		"endfor\n"
		"for a in myarray erase a.x nullify erase a->y endfor\n");
	const struct erase_section *s;

	if (!cfg)
		return;
	CHECK_EQ(cfg->nr_sec, 3);
	CHECK_STR(cfg->sec[0].module, "vmlinux");
	CHECK_STR(cfg->sec[1].module, "mymodule");
	CHECK_STR(cfg->sec[2].module, "vmlinux");
	s = &cfg->sec[1];
	CHECK_EQ(s->nr_blocks, 1);
	CHECK_EQ(s->blocks[0].loop, ERASE_LOOP_VIA);
	CHECK_STR(s->blocks[0].id, "mys1");
	CHECK_STR(s->blocks[0].via, "next");
	CHECK_EQ(s->blocks[0].nr_cmds, 2);
	CHECK_EQ(s->blocks[0].cmds[1].size_kind, ERASE_SIZE_EXPR);
	s = &cfg->sec[2];
	CHECK_EQ(s->nr_blocks, 2);
	CHECK_EQ(s->blocks[0].loop, ERASE_LOOP_WITHIN);
	CHECK_STR(s->blocks[0].within_struct, "s1");
	CHECK_STR(s->blocks[0].within_member, "list");
	CHECK_STR(s->blocks[0].list.text, "s1_list_head.next");
	CHECK_EQ(s->blocks[1].loop, ERASE_LOOP_ARRAY);
	CHECK_EQ(s->blocks[1].nr_cmds, 2);
	CHECK_EQ(s->blocks[1].line, 11);
	erase_config_free(cfg);
}

TEST(empty_file)
{
	struct erase_config *cfg = parse_ok("\n# nothing\n\n");

	if (cfg)
		CHECK_EQ(cfg->nr_sec, 0);
	erase_config_free(cfg);
}

TEST(errors_name_file_line_token)
{
	CHECK_ERR("erase", "t.conf:1: expected a symbol after 'erase', got end of file");
	CHECK_ERR("\n\nerase x size\n\n", "t.conf:3: expected a size or a symbol after 'size'");
	CHECK_ERR("erase x size 12Q", "t.conf:1: expected a size: a decimal number with an optional K or M, got '12Q'");
	CHECK_ERR("erase x size 0", "size must be positive, got '0'");
	CHECK_ERR("erase x size 99999999999999999999", "size too large");
	CHECK_ERR("erase x size 99999999999999M", "size too large");
	CHECK_ERR("erase 9lives", "t.conf:1: expected a symbol after 'erase' (names joined by '.' or '->'), got '9lives'");
	CHECK_ERR("erase a.", "got 'a.'");
	CHECK_ERR("erase a->->b", "got 'a->->b'");
	CHECK_ERR("erase size", "expected a symbol after 'erase', got 'size'");
	CHECK_ERR("\nfoo", "t.conf:2: expected 'erase', 'for' or a [section], got 'foo'");
	CHECK_ERR("endfor", "'endfor' without 'for'");
	CHECK_ERR("for x in a\nerase x.k\n", "t.conf:1: 'for' without a matching 'endfor'");
	CHECK_ERR("for x in a\nerase y.k\nendfor", "t.conf:2: inside the loop, erase works on the loop variable 'x', got 'y.k'");
	CHECK_ERR("for x in a endfor", "a loop needs at least one 'erase', got 'endfor'");
	CHECK_ERR("for x in a\nfor y in b\n", "t.conf:2: loops do not nest");
	CHECK_ERR("for x a", "expected 'in' after the loop variable, got 'a'");
	CHECK_ERR("for in a", "expected a loop variable after 'for', got 'in'");
	CHECK_ERR("for x in a via\n", "expected a member name after 'via', got end of file");
	CHECK_ERR("for x in a via b.c erase x endfor", "expected a member name after 'via', got 'b.c'");
	CHECK_ERR("for x in a within s\n", "expected STRUCT:MEMBER after 'within', got 's'");
	CHECK_ERR("for x in a within s:\n", "expected STRUCT:MEMBER after 'within', got 's:'");
	CHECK_ERR("for x in a within :m\n", "got ':m'");
	CHECK_ERR("for x in a bogus\n", "expected 'erase' or 'endfor' inside the loop, got 'bogus'");
	CHECK_ERR("[vmlinux", "t.conf:1: section name without ']'");
	CHECK_ERR("[]", "an empty section name");
	CHECK_ERR("[a b]", "not a module name");
	CHECK_ERR("[mod] erase x", "text after section '[mod]'");
	CHECK_ERR("erase x [mod]\n", "a [section] must start a line");
	{
		struct erase_config *cfg = NULL;
		struct error *err = erase_config_parse("t.conf", "erase x\0y", 9, &cfg);

		CHECK(err && strstr(err->msg, "t.conf:1: a NUL byte"));
		CHECK(!cfg);
		error_free(err);
	}
}

TEST(limits)
{
	char *text = malloc(ERASE_CONFIG_MAX_TOKEN + 64);
	char path[8 + 3 * (ERASE_PATH_MAX_DEPTH + 1)];
	size_t i, n = 0;

	CHECK(text);
	if (!text)
		return;
	strcpy(text, "erase ");
	memset(text + 6, 'a', ERASE_CONFIG_MAX_TOKEN + 1);
	text[6 + ERASE_CONFIG_MAX_TOKEN + 1] = 0;
	CHECK_ERR(text, "longer than");
	free(text);
	n += (size_t)snprintf(path, sizeof(path), "erase a");
	for (i = 0; i < ERASE_PATH_MAX_DEPTH; i++)
		n += (size_t)snprintf(path + n, sizeof(path) - n, ".b");
	CHECK_ERR(path, "has more than");
}

TEST(ranges_merge_and_apply)
{
	struct erase_set s = { 0 };
	uint8_t page[64];
	size_t i;

	CHECK(!erase_set_add(&s, 100, 10));
	CHECK(!erase_set_add(&s, 105, 10));	/* overlaps */
	CHECK(!erase_set_add(&s, 115, 5));	/* touches */
	CHECK(!erase_set_add(&s, 10, 2));
	CHECK(!erase_set_add(&s, 50, 0));	/* nothing */
	CHECK(!erase_set_add(&s, 200, 1));
	erase_set_finish(&s);
	CHECK_EQ(s.nr, 3);
	CHECK_EQ(s.r[0].paddr, 10);
	CHECK_EQ(s.r[1].paddr, 100);
	CHECK_EQ(s.r[1].len, 20);
	CHECK_EQ(s.bytes, 23);
	CHECK(erase_set_touches(&s, 64, 64));
	CHECK(!erase_set_touches(&s, 12, 88));
	CHECK(erase_set_touches(&s, 199, 2));
	CHECK(!erase_set_touches(&s, 201, 1000));
	memset(page, 0xff, sizeof(page));
	erase_set_apply(&s, 64, page, sizeof(page));
	for (i = 0; i < sizeof(page); i++)
		CHECK_EQ(page[i], (i >= 36 && i < 56) ? 0 : 0xff);
	memset(page, 0xff, sizeof(page));
	erase_set_apply(&s, 0, page, sizeof(page));
	for (i = 0; i < sizeof(page); i++)
		CHECK_EQ(page[i], (i == 10 || i == 11) ? 0 : 0xff);
	erase_set_release(&s);
	CHECK(!erase_set_touches(&s, 0, 1000));
}
