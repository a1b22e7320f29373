// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Evaluation of erase commands, as makedumpfile.conf(5) defines them:
 *
 *   - a path SYMBOL.a.b walks members; a pointer on the way is followed
 *     ('.' and '->' mean the same, as in makedumpfile);
 *   - erase of a pointer erases what it points to (a 'char *': the
 *     string, up to 1024 bytes), of anything else the object itself;
 *     nullify erases the pointer; size N or size EXPR give the length;
 *   - loops bind their variable to each array element (NULL pointers in
 *     an array of pointers skipped), each node of a 'via' chain (up to
 *     NULL or back to the first node) or each entry of a list_head list.
 *
 * Everything read from the dump is checked: lists are bounded and loops
 * in them detected (Brent), sizes read from memory are capped.
 */
#include "resolve.h"
#include "config.h"
#include "module_syms.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"
#include "../symbols/symbols.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An object in the dumped kernel: where it is and what it is. */
struct lval {
	uint64_t addr;
	const struct sym_type *type;
	unsigned int bit_offset, bit_size;	/* bit fields */
	/* The object this one is a member of (for "HEAD.next within"). */
	bool has_parent;
	uint64_t parent_addr;
	const struct sym_type *parent_type;
	const char *member;			/* last member name, or NULL */
	/* A module symbol known only from its symbol table: no type. */
	bool untyped;
	uint64_t sym_size;
};

struct ctx {
	const struct erase_config *cfg;
	struct symbols *syms;
	const struct erase_memory *mem;
	struct printer *pr;
	struct erase_plan *plan;
	const struct erase_section *sec;
	struct module_syms *mod;	/* the section's module, or NULL */
	const char *id;			/* loop variable, or NULL */
	struct lval cur;		/* its value */
};

static struct error *cfg_err(const struct ctx *c, unsigned int line,
			     struct error *cause, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "PATH:LINE: message[: cause]", consuming @cause. */
static struct error *cfg_err(const struct ctx *c, unsigned int line,
			     struct error *cause, const char *fmt, ...)
{
	char msg[512];
	struct error *err;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cause) {
		err = error_create(cause->code == ERR_NOMEM ? ERR_NOMEM : ERR_FORMAT, 0,
				   "erase_config", "%s:%u: %s: %s", c->cfg->path, line,
				   msg, cause->msg);
		error_free(cause);
	} else {
		err = error_create(ERR_FORMAT, 0, "erase_config", "%s:%u: %s",
				   c->cfg->path, line, msg);
	}
	return err;
}

static const char *kind_name(enum sym_kind k)
{
	switch (k) {
	case SYM_KIND_VOID: return "void";
	case SYM_KIND_BASE: return "a base type";
	case SYM_KIND_ENUM: return "an enum";
	case SYM_KIND_POINTER: return "a pointer";
	case SYM_KIND_ARRAY: return "an array";
	case SYM_KIND_STRUCT: return "a struct";
	case SYM_KIND_UNION: return "a union";
	case SYM_KIND_FUNC: return "a function";
	}
	return "?";
}

static enum sym_kind kind_of(const struct lval *v)
{
	return v->type ? sym_type_kind(v->type) : SYM_KIND_VOID;
}

static struct error *read_mem(const struct ctx *c, uint64_t va, void *buf,
			      size_t len)
{
	return c->mem->read(c->mem->arg, va, buf, len);
}

static struct error *read_ptr(const struct ctx *c, uint64_t va, uint64_t *v)
{
	uint8_t b[8] = { 0 };
	struct error *err = read_mem(c, va, b, c->mem->pointer_size);

	*v = c->mem->pointer_size == 4 ? load_le32(b) : load_le64(b);
	return err;
}

static bool is_char(const struct sym_type *t)
{
	uint64_t size = 0;
	struct error *err;

	if (!t || sym_type_kind(t) != SYM_KIND_BASE)
		return false;
	err = sym_type_size(t, &size);
	if (err) {
		error_free(err);
		return false;
	}
	return size == 1 && strstr(sym_type_name(t), "char");
}

/* Append one eraseinfo line. */
static struct error *note_erase(struct ctx *c, const char *text,
				const char *how)
{
	struct erase_plan *p = c->plan;
	size_t n = strlen("erase ") + strlen(text) + 1 + strlen(how) + 1;

	if (p->info_len + n + 1 > p->info_cap) {
		size_t cap = MAX(p->info_cap * 2, p->info_len + n + 256);
		char *s = realloc(p->info, cap);

		if (!s)
			return ERR_OOM();
		p->info = s;
		p->info_cap = cap;
	}
	p->info_len += (size_t)snprintf(p->info + p->info_len, p->info_cap - p->info_len,
					"erase %s %s\n", text, how);
	return NULL;
}

/* Erase [@va, @va + @len) of kernel virtual memory: its physical pieces. */
static struct error *add_virtual(struct ctx *c, unsigned int line,
				 const char *text, uint64_t va, uint64_t len,
				 bool nullify)
{
	uint64_t left = len, at = va;
	char how[40];
	struct error *err;

	if (!len)
		return NULL;
	if (len > ERASE_MAX_SIZE)
		return cfg_err(c, line, NULL, "'%s': %llu bytes is more than %llu",
			       text, (unsigned long long)len,
			       (unsigned long long)ERASE_MAX_SIZE);
	while (left) {
		uint64_t pa = 0, leaf = 0, n;

		err = c->mem->vtop(c->mem->arg, at, &pa, &leaf);
		if (err)
			return cfg_err(c, line, err, "'%s': can't translate 0x%llx",
				       text, (unsigned long long)at);
		if (!leaf || (leaf & (leaf - 1)))
			leaf = 4096;
		n = MIN(left, leaf - (at & (leaf - 1)));
		err = erase_set_add(&c->plan->set, pa, n);
		if (err)
			return cfg_err(c, line, err, "'%s'", text);
		at += n;
		left -= n;
	}
	c->plan->erased_bytes += len;
	c->plan->commands++;
	if (nullify)
		snprintf(how, sizeof(how), "nullify");
	else
		snprintf(how, sizeof(how), "size %llu", (unsigned long long)len);
	msg_debug(c->pr, "erase: %s at 0x%llx, %s\n", text,
		  (unsigned long long)va, how);
	return note_erase(c, text, how);
}

/* Why a symbol has an address but no type, and what to do. */
static const char *untyped_why(const struct ctx *c)
{
	if (c->mod)
		return "module symbols come from the module's symbol table, without types";
	return "the dump's BTF describes no global variables (give -x VMLINUX)";
}

static struct error *lookup_symbol(struct ctx *c, unsigned int line,
				   const char *name, struct lval *out)
{
	struct error *err;

	memset(out, 0, sizeof(*out));
	if (c->mod) {
		err = module_syms_lookup(c->mod, name, &out->addr, &out->sym_size);
		if (err)
			return cfg_err(c, line, err, "can't find symbol '%s' in module %s",
				       name, c->sec->module);
		out->untyped = true;
		return NULL;
	}
	err = sym_variable(c->syms, name, &out->addr, &out->type);
	if (err && err->code == ERR_NOTFOUND) {
		/*
		 * kallsyms has the address, and the dump's BTF (which describes
		 * types, and of variables only the per-cpu ones) no type: the
		 * symbol's own bytes can still be erased with 'size N'.
		 */
		struct error *e2 = sym_address(c->syms, name, &out->addr, NULL);

		if (!e2) {
			error_free(err);
			out->untyped = true;
			return NULL;
		}
		error_free(e2);
	}
	if (err)
		return cfg_err(c, line, err, "can't find symbol '%s'", name);
	return NULL;
}

/*
 * Evaluate @p to the object it names.  *@null is set (and NULL returned)
 * when a pointer on the way is NULL: there is nothing to erase then.
 */
static struct error *eval(struct ctx *c, unsigned int line,
			  const struct erase_path *p, struct lval *out,
			  bool *null)
{
	struct lval v;
	struct error *err;
	unsigned int i;

	*null = false;
	if (c->id && !strcmp(p->names[0], c->id)) {
		v = c->cur;
	} else {
		err = lookup_symbol(c, line, p->names[0], &v);
		if (err)
			return err;
	}
	if (v.untyped && p->n > 1)
		return cfg_err(c, line, NULL, "'%s': %s has no type here, so no members: %s",
			       p->text, p->names[0], untyped_why(c));
	for (i = 1; i < p->n; i++) {
		enum sym_kind k = kind_of(&v);
		struct sym_member m;

		if (k == SYM_KIND_POINTER) {
			uint64_t to;
			const struct sym_type *pt;

			err = read_ptr(c, v.addr, &to);
			if (err)
				return cfg_err(c, line, err, "'%s': can't read the pointer '%s'",
					       p->text, p->names[i - 1]);
			if (!to) {
				msg_debug(c->pr, "%s:%u: '%s': '%s' is NULL, nothing to erase\n",
					  c->cfg->path, line, p->text, p->names[i - 1]);
				*null = true;
				return NULL;
			}
			err = sym_type_pointee(v.type, &pt);
			if (err)
				return cfg_err(c, line, err, "'%s'", p->text);
			v.addr = to;
			v.type = pt;
			k = kind_of(&v);
		}
		if (k != SYM_KIND_STRUCT && k != SYM_KIND_UNION)
			return cfg_err(c, line, NULL, "'%s': '%s' is %s, it has no member '%s'",
				       p->text, p->names[i - 1], kind_name(k), p->names[i]);
		err = sym_type_member(v.type, p->names[i], &m);
		if (err)
			return cfg_err(c, line, err, "'%s': struct %s has no member '%s'",
				       p->text, sym_type_name(v.type), p->names[i]);
		v.has_parent = true;
		v.parent_addr = v.addr;
		v.parent_type = v.type;
		v.member = p->names[i];
		v.addr += m.offset;
		v.type = m.type;
		v.bit_offset = m.bit_offset;
		v.bit_size = m.bit_size;
	}
	*out = v;
	return NULL;
}

static struct error *type_size(const struct ctx *c, unsigned int line,
			       const char *text, const struct sym_type *t,
			       uint64_t *size)
{
	struct error *err = sym_type_size(t, size);

	if (err)
		return cfg_err(c, line, err, "'%s': size unknown", text);
	return NULL;
}

/* Length of the NUL-terminated string at @va, at most ERASE_MAX_STRLEN. */
static struct error *string_length(const struct ctx *c, uint64_t va, uint64_t *len)
{
	char buf[64];
	uint64_t n = 0;

	while (n < ERASE_MAX_STRLEN) {
		/* Never across a page: the next one may be unmapped. */
		size_t chunk = MIN(sizeof(buf), 4096 - ((va + n) & 4095));
		struct error *err;
		size_t i;

		chunk = MIN(chunk, (size_t)(ERASE_MAX_STRLEN - n));
		err = read_mem(c, va + n, buf, chunk);
		if (err) {
			if (n) {
				error_free(err);
				break;
			}
			return err;
		}
		for (i = 0; i < chunk; i++)
			if (!buf[i]) {
				*len = n + i;
				return NULL;
			}
		n += chunk;
	}
	*len = n;
	return NULL;
}

/* The value of the integer @p names, for 'size EXPR'. */
static struct error *read_size(struct ctx *c, unsigned int line,
			       const struct erase_path *p, uint64_t *size,
			       bool *null)
{
	uint8_t b[8] = { 0 };
	struct lval v;
	uint64_t n = 0;
	enum sym_kind k;
	struct error *err;

	err = eval(c, line, p, &v, null);
	if (err || *null)
		return err;
	if (v.untyped) {
		/* A module's integer: as wide as its symbol. */
		n = v.sym_size;
		if (!n || n > 8)
			return cfg_err(c, line, NULL, "size '%s': not an integer of known width: %s",
				       p->text, untyped_why(c));
		goto read;
	}
	k = kind_of(&v);
	if (k != SYM_KIND_BASE && k != SYM_KIND_ENUM)
		return cfg_err(c, line, NULL, "size '%s' is %s, not an integer",
			       p->text, kind_name(k));
	err = type_size(c, line, p->text, v.type, &n);
	if (err)
		return err;
	if (!n || n > 8 || v.bit_size)
		return cfg_err(c, line, NULL, "size '%s' is not an integer of 1 to 8 bytes",
			       p->text);
read:
	err = read_mem(c, v.addr, b, (size_t)n);
	if (err)
		return cfg_err(c, line, err, "can't read size '%s'", p->text);
	*size = load_le64(b);
	if (*size > ERASE_MAX_SIZE)
		return cfg_err(c, line, NULL, "size '%s' reads %llu from the dump: more than %llu",
			       p->text, (unsigned long long)*size,
			       (unsigned long long)ERASE_MAX_SIZE);
	return NULL;
}

/*
 * A symbol without a type (a module's from its symbol table, or a
 * kernel's from kallsyms): its own bytes only, st_size of them (modules)
 * unless a size is given; nullify when it is (or may be) pointer sized.
 */
static struct error *run_untyped(struct ctx *c, const struct erase_cmd *cmd,
				 const struct lval *v)
{
	const char *text = cmd->target.text;
	uint64_t size = v->sym_size;
	bool null;
	struct error *err;

	switch (cmd->size_kind) {
	case ERASE_NULLIFY:
		if (size && size != c->mem->pointer_size)
			return cfg_err(c, cmd->line, NULL,
				       "'%s' is %llu bytes, not a pointer: nullify needs one",
				       text, (unsigned long long)size);
		return add_virtual(c, cmd->line, text, v->addr, c->mem->pointer_size, true);
	case ERASE_SIZE_VALUE:
		size = cmd->size_value;
		break;
	case ERASE_SIZE_EXPR:
		err = read_size(c, cmd->line, &cmd->size_expr, &size, &null);
		if (err || null)
			return err;
		break;
	default:
		if (!size)
			return cfg_err(c, cmd->line, NULL, "'%s': size unknown, give 'size N': %s",
				       text, untyped_why(c));
		break;
	}
	return add_virtual(c, cmd->line, text, v->addr, size, false);
}

static struct error *run_cmd(struct ctx *c, const struct erase_cmd *cmd)
{
	const char *text = cmd->target.text;
	unsigned int line = cmd->line;
	uint64_t size = 0, to = 0;
	struct lval v;
	enum sym_kind k;
	bool null;
	struct error *err;

	err = eval(c, line, &cmd->target, &v, &null);
	if (err || null)
		return err;
	if (v.untyped)
		return run_untyped(c, cmd, &v);
	k = kind_of(&v);
	if (cmd->size_kind == ERASE_NULLIFY) {
		if (k != SYM_KIND_POINTER)
			return cfg_err(c, line, NULL, "'%s' is %s: nullify needs a pointer",
				       text, kind_name(k));
		return add_virtual(c, line, text, v.addr, c->mem->pointer_size, true);
	}
	if (k == SYM_KIND_FUNC || k == SYM_KIND_VOID)
		return cfg_err(c, line, NULL, "'%s' is %s: nothing to erase",
			       text, kind_name(k));
	if (cmd->size_kind == ERASE_SIZE_VALUE || cmd->size_kind == ERASE_SIZE_EXPR) {
		if (cmd->size_kind == ERASE_SIZE_VALUE) {
			size = cmd->size_value;
		} else {
			err = read_size(c, line, &cmd->size_expr, &size, &null);
			if (err || null)
				return err;
		}
		if (k != SYM_KIND_POINTER)
			return add_virtual(c, line, text, v.addr, size, false);
		err = read_ptr(c, v.addr, &to);
		if (err)
			return cfg_err(c, line, err, "can't read the pointer '%s'", text);
		return to ? add_virtual(c, line, text, to, size, false) : NULL;
	}
	/* No size: that of the type; a pointer's target. */
	if (k == SYM_KIND_POINTER) {
		const struct sym_type *pt;
		enum sym_kind pk;

		err = sym_type_pointee(v.type, &pt);
		if (err)
			return cfg_err(c, line, err, "'%s'", text);
		pk = sym_type_kind(pt);
		if (pk == SYM_KIND_VOID || pk == SYM_KIND_FUNC)
			return cfg_err(c, line, NULL,
				       "'%s' points to %s: give 'size N' or 'nullify'",
				       text, kind_name(pk));
		err = read_ptr(c, v.addr, &to);
		if (err)
			return cfg_err(c, line, err, "can't read the pointer '%s'", text);
		if (!to)
			return NULL;
		if (is_char(pt)) {
			err = string_length(c, to, &size);
			if (err)
				return cfg_err(c, line, err, "can't read the string '%s'", text);
		} else {
			err = type_size(c, line, text, pt, &size);
			if (err)
				return err;
		}
		return add_virtual(c, line, text, to, size, false);
	}
	err = type_size(c, line, text, v.type, &size);
	if (err)
		return err;
	if (v.bit_size) {
		/* A bit field: the bytes that hold its bits. */
		v.addr += v.bit_offset / 8;
		size = DIV_ROUND_UP((v.bit_offset % 8) + v.bit_size, 8);
	}
	return add_virtual(c, line, text, v.addr, size, false);
}

static struct error *run_body(struct ctx *c, const struct erase_block *b,
			      const struct lval *elem)
{
	struct error *err = NULL;
	size_t i;

	c->cur = *elem;
	for (i = 0; i < b->nr_cmds && !err; i++)
		err = run_cmd(c, &b->cmds[i]);
	return err;
}

static struct error *loop_array(struct ctx *c, const struct erase_block *b,
				const struct lval *list)
{
	const struct sym_type *elem;
	uint64_t count = 0, esize = 0, i;
	struct error *err;

	if (kind_of(list) != SYM_KIND_ARRAY)
		return cfg_err(c, b->line, NULL,
			       "'%s' is %s: without 'via' or 'within' the loop needs an array",
			       b->list.text, kind_name(kind_of(list)));
	err = sym_type_array(list->type, &elem, &count);
	if (err)
		return cfg_err(c, b->line, err, "'%s'", b->list.text);
	if (!count)
		return cfg_err(c, b->line, NULL, "array '%s' has no known length", b->list.text);
	if (count > ERASE_MAX_ITERATIONS)
		return cfg_err(c, b->line, NULL, "array '%s' has %llu elements, more than %u",
			       b->list.text, (unsigned long long)count, ERASE_MAX_ITERATIONS);
	err = type_size(c, b->line, b->list.text, elem, &esize);
	if (err)
		return err;
	for (i = 0; i < count && !err; i++) {
		struct lval e = { .addr = list->addr + i * esize, .type = elem };

		if (sym_type_kind(elem) == SYM_KIND_POINTER) {
			uint64_t to;

			err = read_ptr(c, e.addr, &to);
			if (err)
				return cfg_err(c, b->line, err, "'%s': can't read element %llu",
					       b->list.text, (unsigned long long)i);
			if (!to)
				continue;
		}
		err = run_body(c, b, &e);
	}
	return err;
}

/*
 * Walk a chain of nodes: @next_of gives the node after @node.  Ends at
 * NULL or when the chain comes back to @stop; a cycle that does not
 * pass through @stop (a damaged dump) is found with Brent's method.
 */
struct walk {
	struct ctx *c;
	const struct erase_block *b;
	uint64_t link_off;		/* offset of the link in a node */
	uint64_t elem_delta;		/* node address - element address */
	const struct sym_type *elem_type;
};

static struct error *walk_chain(struct walk *w, uint64_t first, uint64_t stop)
{
	struct ctx *c = w->c;
	uint64_t node = first, tortoise = first, power = 1, lam = 0, steps = 0;
	struct error *err;

	while (node) {
		struct lval e = { .addr = node - w->elem_delta, .type = w->elem_type };
		uint64_t next;

		if (++steps > ERASE_MAX_ITERATIONS)
			return cfg_err(c, w->b->line, NULL,
				       "'%s': more than %u list entries: the list is damaged",
				       w->b->list.text, ERASE_MAX_ITERATIONS);
		err = run_body(c, w->b, &e);
		if (err)
			return err;
		err = read_ptr(c, node + w->link_off, &next);
		if (err)
			return cfg_err(c, w->b->line, err, "'%s': can't read the link of 0x%llx",
				       w->b->list.text, (unsigned long long)node);
		if (next == stop)
			break;
		if (next == tortoise) {
			msg_common(c->pr, "WARNING: %s:%u: '%s': the list loops at 0x%llx; "
				   "stopped after %llu entries\n", c->cfg->path, w->b->line,
				   w->b->list.text, (unsigned long long)next,
				   (unsigned long long)steps);
			return NULL;
		}
		if (++lam == power) {
			tortoise = next;
			power *= 2;
			lam = 0;
		}
		node = next;
	}
	return NULL;
}

static struct error *loop_via(struct ctx *c, const struct erase_block *b,
			      const struct lval *list)
{
	struct walk w = { .c = c, .b = b };
	const struct sym_type *st = list->type, *nt;
	struct sym_member m;
	uint64_t first = list->addr;
	enum sym_kind k = kind_of(list);
	struct error *err;

	if (k == SYM_KIND_POINTER) {
		err = read_ptr(c, list->addr, &first);
		if (!err)
			err = sym_type_pointee(list->type, &st);
		if (err)
			return cfg_err(c, b->line, err, "can't read '%s'", b->list.text);
		if (!first)
			return NULL;
		k = sym_type_kind(st);
	}
	if (k != SYM_KIND_STRUCT && k != SYM_KIND_UNION)
		return cfg_err(c, b->line, NULL, "'%s' is %s: 'via' needs a struct or a pointer to one",
			       b->list.text, kind_name(k));
	err = sym_type_member(st, b->via, &m);
	if (err)
		return cfg_err(c, b->line, err, "struct %s has no member '%s'",
			       sym_type_name(st), b->via);
	if (sym_type_kind(m.type) != SYM_KIND_POINTER)
		return cfg_err(c, b->line, NULL, "'%s' of struct %s is not a pointer",
			       b->via, sym_type_name(st));
	err = sym_type_pointee(m.type, &nt);
	if (err)
		return cfg_err(c, b->line, err, "'%s'", b->via);
	if (sym_type_kind(nt) != SYM_KIND_VOID &&
	    strcmp(sym_type_name(nt), sym_type_name(st)))
		return cfg_err(c, b->line, NULL, "'%s' points to struct %s, not to struct %s",
			       b->via, sym_type_name(nt), sym_type_name(st));
	w.link_off = m.offset;
	w.elem_type = st;
	/* Circular chains end when they come back to the first node. */
	return walk_chain(&w, first, first);
}

static struct error *loop_within(struct ctx *c, const struct erase_block *b,
				 const struct lval *list)
{
	struct walk w = { .c = c, .b = b };
	const struct sym_type *lh, *st, *pt;
	struct sym_member next_m, link_m;
	uint64_t head = 0, first = 0;
	enum sym_kind k = kind_of(list);
	struct error *err;

	err = sym_type_by_name(c->syms, "list_head", &lh);
	if (!err)
		err = sym_type_member(lh, "next", &next_m);
	if (err)
		return cfg_err(c, b->line, err, "struct list_head unknown");
	if (k == SYM_KIND_STRUCT && !strcmp(sym_type_name(list->type), "list_head")) {
		head = list->addr;
	} else if (k == SYM_KIND_POINTER && !sym_type_pointee(list->type, &pt) &&
		   !strcmp(sym_type_name(pt), "list_head")) {
		/* HEAD.next, as the manual writes it, starts at HEAD. */
		if (list->has_parent && list->member && !strcmp(list->member, "next") &&
		    !strcmp(sym_type_name(list->parent_type), "list_head")) {
			head = list->parent_addr;
		} else {
			err = read_ptr(c, list->addr, &head);
			if (err)
				return cfg_err(c, b->line, err, "can't read '%s'", b->list.text);
			if (!head)
				return NULL;
		}
	} else {
		return cfg_err(c, b->line, NULL, "'%s' is %s, not a struct list_head",
			       b->list.text, kind_name(k));
	}
	err = sym_type_by_name(c->syms, b->within_struct, &st);
	if (err)
		return cfg_err(c, b->line, err, "can't find struct %s", b->within_struct);
	if (sym_type_kind(st) != SYM_KIND_STRUCT && sym_type_kind(st) != SYM_KIND_UNION)
		return cfg_err(c, b->line, NULL, "%s is %s, not a struct",
			       b->within_struct, kind_name(sym_type_kind(st)));
	err = sym_type_member(st, b->within_member, &link_m);
	if (err)
		return cfg_err(c, b->line, err, "struct %s has no member '%s'",
			       b->within_struct, b->within_member);
	if (sym_type_kind(link_m.type) != SYM_KIND_STRUCT ||
	    strcmp(sym_type_name(link_m.type), "list_head"))
		return cfg_err(c, b->line, NULL, "'%s' of struct %s is not a struct list_head",
			       b->within_member, b->within_struct);
	err = read_ptr(c, head + next_m.offset, &first);
	if (err)
		return cfg_err(c, b->line, err, "can't read the list head '%s'", b->list.text);
	if (first == head)
		return NULL;	/* empty */
	w.link_off = next_m.offset;
	w.elem_delta = link_m.offset;
	w.elem_type = st;
	return walk_chain(&w, first, head);
}

static struct error *run_block(struct ctx *c, const struct erase_block *b)
{
	struct lval list;
	bool null;
	struct error *err;

	c->id = NULL;
	if (b->loop == ERASE_NO_LOOP)
		return run_cmd(c, &b->cmds[0]);
	err = eval(c, b->line, &b->list, &list, &null);
	if (err || null)
		return err;
	if (list.untyped)
		return cfg_err(c, b->line, NULL, "'%s': no type, and loops need one: %s",
			       b->list.text, untyped_why(c));
	c->id = b->id;
	switch (b->loop) {
	case ERASE_LOOP_ARRAY:
		err = loop_array(c, b, &list);
		break;
	case ERASE_LOOP_VIA:
		err = loop_via(c, b, &list);
		break;
	default:
		err = loop_within(c, b, &list);
		break;
	}
	c->id = NULL;
	return err;
}

struct error *erase_resolve(const struct erase_config *cfg,
			    struct symbols *syms,
			    const struct erase_memory *mem,
			    struct printer *pr, struct erase_plan *out)
{
	struct ctx c = { .cfg = cfg, .syms = syms, .mem = mem, .pr = pr, .plan = out };
	struct error *err = NULL;
	size_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cfg->nr_sec && !err; i++) {
		c.sec = &cfg->sec[i];
		c.mod = NULL;
		if (strcmp(c.sec->module, "vmlinux")) {
			err = module_syms_open(syms, mem, c.sec->module, &c.mod);
			if (err && err->code == ERR_NOTFOUND) {
				msg_common(pr, "%s:%u: section [%s]: %s; skipped.\n",
					   cfg->path, c.sec->line, c.sec->module, err->msg);
				error_free(err);
				err = NULL;
				out->skipped_sections++;
				continue;
			}
			if (err) {
				err = cfg_err(&c, c.sec->line, err, "section [%s]", c.sec->module);
				break;
			}
		}
		for (j = 0; j < c.sec->nr_blocks && !err; j++)
			err = run_block(&c, &c.sec->blocks[j]);
		module_syms_close(c.mod);
	}
	if (err) {
		erase_plan_release(out);
		return err;
	}
	erase_set_finish(&out->set);
	return NULL;
}

void erase_plan_release(struct erase_plan *p)
{
	erase_set_release(&p->set);
	free(p->info);
	memset(p, 0, sizeof(*p));
}
