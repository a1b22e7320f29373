// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * makedumpfile.conf(5) parser.  The file is a stream of whitespace
 * separated tokens ('#' starts a comment to the end of the line); a line
 * starting with '[' opens a section.  A command may spread over lines, as
 * in makedumpfile: only the tokens matter.
 */
#include "config.h"
#include "../lib/error.h"
#include "../lib/io.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Messages name the config, not the parser's functions. */
#define CFG_ERR(...) error_create(ERR_USAGE, 0, "erase_config", __VA_ARGS__)

enum tok_kind { T_WORD, T_SECTION, T_END };

struct token {
	enum tok_kind kind;
	unsigned int line;
	char text[ERASE_CONFIG_MAX_TOKEN + 1];
};

struct parser {
	const char *path;
	const char *start, *p, *end;
	unsigned int line, last_line;
	struct token tok;	/* the current token */
	bool have_tok;
	struct erase_config *cfg;
};

static const char *const keywords[] = {
	"erase", "size", "nullify", "for", "in", "via", "within", "endfor",
};

static bool is_keyword(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcmp(s, keywords[i]))
			return true;
	return false;
}

/* The token as quoted in a message. */
static const char *quoted(const struct token *t, char *buf, size_t len)
{
	if (t->kind == T_END)
		snprintf(buf, len, "end of file");
	else if (t->kind == T_SECTION)
		snprintf(buf, len, "section '[%.64s]'", t->text);
	else
		snprintf(buf, len, "'%.64s%s'", t->text,
			 strlen(t->text) > 64 ? "..." : "");
	return buf;
}

static struct error *syntax(struct parser *ps, const char *what)
{
	char q[96];

	return CFG_ERR("%s:%u: %s, got %s", ps->path, ps->tok.line, what,
		   quoted(&ps->tok, q, sizeof(q)));
}

/* Read the next token into ps->tok. */
static struct error *lex(struct parser *ps)
{
	const char *p = ps->p, *start;
	bool line_start = ps->line == 1 && p == ps->start;
	size_t n;

	for (;;) {
		while (p < ps->end && (*p == ' ' || *p == '\t' || *p == '\r' ||
				       *p == '\f' || *p == '\v'))
			p++;
		if (p < ps->end && *p == '#')
			while (p < ps->end && *p != '\n')
				p++;
		if (p < ps->end && *p == '\n') {
			ps->line++;
			p++;
			line_start = true;
			continue;
		}
		break;
	}
	if (p >= ps->end) {
		/* Where the file ends for a reader: its last token's line. */
		ps->tok.line = ps->last_line;
		ps->p = p;
		ps->tok.kind = T_END;
		ps->tok.text[0] = 0;
		return NULL;
	}
	ps->tok.line = ps->last_line = ps->line;
	if (*p == '\0')
		return CFG_ERR("%s:%u: a NUL byte: not a text file",
			   ps->path, ps->line);
	if (*p == '[') {
		const char *close;

		/* Sections open lines; makedumpfile reads them there only. */
		if (!line_start)
			return CFG_ERR("%s:%u: a [section] must start a line",
				   ps->path, ps->line);
		start = ++p;
		while (p < ps->end && *p != ']' && *p != '\n' && *p != '#')
			p++;
		if (p >= ps->end || *p != ']')
			return CFG_ERR("%s:%u: section name without ']'",
				   ps->path, ps->line);
		close = p++;
		while (start < close && isspace((unsigned char)*start))
			start++;
		while (close > start && isspace((unsigned char)close[-1]))
			close--;
		n = (size_t)(close - start);
		if (!n || n > ERASE_CONFIG_MAX_TOKEN)
			return CFG_ERR("%s:%u: %s section name",
				   ps->path, ps->line, n ? "too long a" : "an empty");
		memcpy(ps->tok.text, start, n);
		ps->tok.text[n] = 0;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)ps->tok.text[i];

			if (!isalnum(c) && c != '_' && c != '-')
				return CFG_ERR("%s:%u: section '[%.64s]': not a module name",
					   ps->path, ps->line, ps->tok.text);
		}
		ps->tok.kind = T_SECTION;
		/* Nothing but a comment may follow on its line. */
		while (p < ps->end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < ps->end && *p != '\n' && *p != '#')
			return CFG_ERR("%s:%u: text after section '[%.64s]'",
				   ps->path, ps->line, ps->tok.text);
		ps->p = p;
		return NULL;
	}
	start = p;
	while (p < ps->end && !isspace((unsigned char)*p) && *p != '#' && *p != '\0')
		p++;
	n = (size_t)(p - start);
	if (n > ERASE_CONFIG_MAX_TOKEN)
		return CFG_ERR("%s:%u: token '%.32s...' longer than %u bytes",
			   ps->path, ps->line, start, ERASE_CONFIG_MAX_TOKEN);
	memcpy(ps->tok.text, start, n);
	ps->tok.text[n] = 0;
	ps->tok.kind = T_WORD;
	ps->p = p;
	return NULL;
}

static bool tok_is(const struct parser *ps, const char *word)
{
	return ps->tok.kind == T_WORD && !strcmp(ps->tok.text, word);
}

static bool is_ident(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static void path_free(struct erase_path *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		free(p->names[i]);
	free(p->names);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

/* Split the current token, SYMBOL{.member|->member}, into @out. */
static struct error *parse_path(struct parser *ps, const char *what,
				struct erase_path *out)
{
	const char *s = ps->tok.text, *q;
	struct error *err = NULL;
	char msg[128];

	memset(out, 0, sizeof(*out));
	if (ps->tok.kind != T_WORD || is_keyword(s)) {
		snprintf(msg, sizeof(msg), "expected %s", what);
		return syntax(ps, msg);
	}
	out->text = strdup(s);
	out->names = calloc(ERASE_PATH_MAX_DEPTH, sizeof(*out->names));
	if (!out->text || !out->names) {
		err = ERR_OOM();
		goto fail;
	}
	for (;;) {
		size_t n;

		for (q = s; *q && *q != '.' && !(q[0] == '-' && q[1] == '>'); q++)
			;
		n = (size_t)(q - s);
		if (!is_ident(s, n)) {
			snprintf(msg, sizeof(msg), "expected %s (names joined by '.' or '->')", what);
			err = syntax(ps, msg);
			goto fail;
		}
		if (out->n == ERASE_PATH_MAX_DEPTH) {
			err = CFG_ERR("%s:%u: '%.64s' has more than %u members",
				  ps->path, ps->tok.line, ps->tok.text, ERASE_PATH_MAX_DEPTH);
			goto fail;
		}
		out->names[out->n] = strndup(s, n);
		if (!out->names[out->n]) {
			err = ERR_OOM();
			goto fail;
		}
		out->n++;
		if (!*q)
			return NULL;
		s = q + (*q == '.' ? 1 : 2);
	}
fail:
	path_free(out);
	return err;
}

/* size N[K|M]: decimal, positive, not overflowing. */
static struct error *parse_size_value(struct parser *ps, uint64_t *v)
{
	const char *s = ps->tok.text;
	uint64_t n = 0, mul = 1;

	for (; isdigit((unsigned char)*s); s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return syntax(ps, "size too large");
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (*s == 'K' || *s == 'k')
		mul = 1u << 10, s++;
	else if (*s == 'M' || *s == 'm')
		mul = 1u << 20, s++;
	if (*s)
		return syntax(ps, "expected a size: a decimal number with an optional K or M");
	if (!n)
		return syntax(ps, "size must be positive");
	if (n > UINT64_MAX / mul)
		return syntax(ps, "size too large");
	*v = n * mul;
	return NULL;
}

static struct erase_section *cur_section(struct parser *ps)
{
	return &ps->cfg->sec[ps->cfg->nr_sec - 1];
}

static struct error *add_section(struct parser *ps, const char *name,
				 unsigned int line)
{
	struct erase_config *cfg = ps->cfg;
	struct erase_section *s = realloc(cfg->sec, (cfg->nr_sec + 1) * sizeof(*s));

	if (!s)
		return ERR_OOM();
	cfg->sec = s;
	s = &cfg->sec[cfg->nr_sec];
	memset(s, 0, sizeof(*s));
	s->line = line;
	s->module = strdup(name);
	if (!s->module)
		return ERR_OOM();
	cfg->nr_sec++;
	return NULL;
}

static struct error *add_block(struct parser *ps, struct erase_block **out)
{
	struct erase_section *s = cur_section(ps);
	struct erase_block *b = realloc(s->blocks, (s->nr_blocks + 1) * sizeof(*b));

	if (!b)
		return ERR_OOM();
	s->blocks = b;
	b = &s->blocks[s->nr_blocks++];
	memset(b, 0, sizeof(*b));
	b->line = ps->tok.line;
	*out = b;
	return NULL;
}

static struct error *add_cmd(struct erase_block *b, struct erase_cmd **out)
{
	struct erase_cmd *c = realloc(b->cmds, (b->nr_cmds + 1) * sizeof(*c));

	if (!c)
		return ERR_OOM();
	b->cmds = c;
	c = &b->cmds[b->nr_cmds++];
	memset(c, 0, sizeof(*c));
	*out = c;
	return NULL;
}

/* After 'erase': TARGET [size N | size EXPR | nullify].  @id: loop variable. */
static struct error *parse_erase(struct parser *ps, struct erase_block *b,
				 const char *id)
{
	struct erase_cmd *c = NULL;
	struct error *err;

	err = add_cmd(b, &c);
	if (err)
		return err;
	c->line = ps->tok.line;
	err = lex(ps);
	if (!err)
		err = parse_path(ps, id ? "the loop variable after 'erase'"
					: "a symbol after 'erase'", &c->target);
	if (err)
		return err;
	if (id && strcmp(c->target.names[0], id)) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "inside the loop, erase works on the loop variable '%.64s'", id);
		return syntax(ps, msg);
	}
	if (!id && is_keyword(c->target.names[0]))
		return syntax(ps, "expected a symbol after 'erase'");
	err = lex(ps);
	if (err)
		return err;
	if (tok_is(ps, "nullify")) {
		c->size_kind = ERASE_NULLIFY;
		return lex(ps);
	}
	if (!tok_is(ps, "size"))
		return NULL;
	err = lex(ps);
	if (err)
		return err;
	if (ps->tok.kind == T_WORD && isdigit((unsigned char)ps->tok.text[0])) {
		c->size_kind = ERASE_SIZE_VALUE;
		err = parse_size_value(ps, &c->size_value);
	} else {
		c->size_kind = ERASE_SIZE_EXPR;
		err = parse_path(ps, "a size or a symbol after 'size'", &c->size_expr);
	}
	return err ? err : lex(ps);
}

/* A plain identifier token (not a keyword). */
static struct error *take_ident(struct parser *ps, const char *what, char **out)
{
	char msg[96];

	if (ps->tok.kind != T_WORD || is_keyword(ps->tok.text) ||
	    !is_ident(ps->tok.text, strlen(ps->tok.text))) {
		snprintf(msg, sizeof(msg), "expected %s", what);
		return syntax(ps, msg);
	}
	*out = strdup(ps->tok.text);
	return *out ? lex(ps) : ERR_OOM();
}

/* After 'for': ID in LIST [via M | within S:M] erase... endfor */
static struct error *parse_for(struct parser *ps, struct erase_block *b)
{
	struct error *err;
	unsigned int for_line = ps->tok.line;

	err = lex(ps);
	if (!err)
		err = take_ident(ps, "a loop variable after 'for'", &b->id);
	if (err)
		return err;
	if (!tok_is(ps, "in"))
		return syntax(ps, "expected 'in' after the loop variable");
	err = lex(ps);
	if (!err)
		err = parse_path(ps, "an array, struct or list_head after 'in'", &b->list);
	if (!err)
		err = lex(ps);
	if (err)
		return err;
	b->loop = ERASE_LOOP_ARRAY;
	if (tok_is(ps, "via")) {
		b->loop = ERASE_LOOP_VIA;
		err = lex(ps);
		if (!err)
			err = take_ident(ps, "a member name after 'via'", &b->via);
	} else if (tok_is(ps, "within")) {
		char *colon;

		b->loop = ERASE_LOOP_WITHIN;
		err = lex(ps);
		if (err)
			return err;
		colon = ps->tok.kind == T_WORD ? strchr(ps->tok.text, ':') : NULL;
		if (!colon || !is_ident(ps->tok.text, (size_t)(colon - ps->tok.text)) ||
		    !is_ident(colon + 1, strlen(colon + 1)) || is_keyword(ps->tok.text))
			return syntax(ps, "expected STRUCT:MEMBER after 'within'");
		b->within_struct = strndup(ps->tok.text, (size_t)(colon - ps->tok.text));
		b->within_member = strdup(colon + 1);
		if (!b->within_struct || !b->within_member)
			return ERR_OOM();
		err = lex(ps);
	}
	while (!err) {
		if (tok_is(ps, "endfor"))
			break;
		if (tok_is(ps, "erase")) {
			err = parse_erase(ps, b, b->id);
			continue;
		}
		if (ps->tok.kind == T_END) {
			ps->tok.line = for_line;
			return CFG_ERR("%s:%u: 'for' without a matching 'endfor'",
				   ps->path, for_line);
		}
		if (tok_is(ps, "for"))
			return syntax(ps, "loops do not nest: expected 'erase' or 'endfor'");
		return syntax(ps, "expected 'erase' or 'endfor' inside the loop");
	}
	if (err)
		return err;
	if (!b->nr_cmds)
		return syntax(ps, "a loop needs at least one 'erase'");
	return lex(ps);
}

static struct error *parse_all(struct parser *ps)
{
	struct error *err = lex(ps);

	while (!err && ps->tok.kind != T_END) {
		struct erase_block *b;

		if (ps->tok.kind == T_SECTION) {
			err = add_section(ps, ps->tok.text, ps->tok.line);
			if (!err)
				err = lex(ps);
			continue;
		}
		if (!ps->cfg->nr_sec) {
			/* Commands before any section belong to vmlinux. */
			err = add_section(ps, "vmlinux", ps->tok.line);
			if (err)
				break;
		}
		if (tok_is(ps, "erase")) {
			err = add_block(ps, &b);
			if (!err)
				err = parse_erase(ps, b, NULL);
		} else if (tok_is(ps, "for")) {
			err = add_block(ps, &b);
			if (!err)
				err = parse_for(ps, b);
		} else if (tok_is(ps, "endfor")) {
			err = syntax(ps, "'endfor' without 'for'");
		} else {
			err = syntax(ps, "expected 'erase', 'for' or a [section]");
		}
	}
	return err;
}

struct error *erase_config_parse(const char *path, const char *text,
				 size_t len, struct erase_config **out)
{
	struct parser ps = { .path = path, .start = text, .p = text,
			      .end = text + len, .line = 1,
			      .last_line = 1 };
	struct error *err;

	*out = NULL;
	if (len > ERASE_CONFIG_MAX_BYTES)
		return CFG_ERR("%s: larger than %u MiB", path,
			   ERASE_CONFIG_MAX_BYTES >> 20);
	ps.cfg = calloc(1, sizeof(*ps.cfg));
	if (!ps.cfg)
		return ERR_OOM();
	ps.cfg->path = strdup(path);
	err = ps.cfg->path ? parse_all(&ps) : ERR_OOM();
	if (err) {
		erase_config_free(ps.cfg);
		return err;
	}
	*out = ps.cfg;
	return NULL;
}

struct error *erase_config_load(const char *path, struct erase_config **out)
{
	struct error *err;
	struct stat st;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ERR_ERRNO(ERR_IO, errno, "Can't open the config file (%s). %s",
				 path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return CFG_ERR("%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > ERASE_CONFIG_MAX_BYTES) {
		close(fd);
		return CFG_ERR("%s: larger than %u MiB", path,
			   ERASE_CONFIG_MAX_BYTES >> 20);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return ERR_OOM();
	}
	err = pread_full(fd, buf, (size_t)st.st_size, 0, path);
	close(fd);
	if (!err)
		err = erase_config_parse(path, buf, (size_t)st.st_size, out);
	free(buf);
	return err;
}

void erase_config_free(struct erase_config *cfg)
{
	size_t i, j, k;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nr_sec; i++) {
		struct erase_section *s = &cfg->sec[i];

		for (j = 0; j < s->nr_blocks; j++) {
			struct erase_block *b = &s->blocks[j];

			for (k = 0; k < b->nr_cmds; k++) {
				path_free(&b->cmds[k].target);
				path_free(&b->cmds[k].size_expr);
			}
			free(b->cmds);
			free(b->id);
			path_free(&b->list);
			free(b->via);
			free(b->within_struct);
			free(b->within_member);
		}
		free(s->blocks);
		free(s->module);
	}
	free(cfg->sec);
	free(cfg->path);
	free(cfg);
}

size_t erase_config_commands(const struct erase_config *cfg)
{
	size_t i, j, n = 0;

	for (i = 0; i < cfg->nr_sec; i++)
		for (j = 0; j < cfg->sec[i].nr_blocks; j++)
			n += cfg->sec[i].blocks[j].nr_cmds;
	return n;
}
