// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbols from the dump itself: the kernel's compressed kallsyms tables
 * (6.0+ kernels put their addresses into VMCOREINFO), and the BTF blob they
 * lead to (__start_BTF .. __stop_BTF).
 *
 * kallsyms_names holds one entry per symbol: a length (one byte, or two
 * when the first has its top bit set) and that many token numbers; each
 * token expands through kallsyms_token_index/kallsyms_token_table to a
 * string.  The expanded name's first character is the symbol's type
 * letter.  Addresses are 32-bit kallsyms_offsets from
 * kallsyms_relative_base, or, with CONFIG_KALLSYMS_ABSOLUTE_PERCPU,
 * absolute when positive.
 */
#include "provider.h"

#include "../kernel/kernel.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <stdlib.h>
#include <string.h>

#define KSYM_NAME_LEN 512
/* Kernels have ~200k symbols; tables past these sizes are damage. */
#define MAX_SYMS (4u << 20)
#define MAX_NAMES_BYTES (64u << 20)
#define MAX_TOKEN_TABLE 65536
#define MAX_BTF_BYTES (256u << 20)
#define BTF_HDR_LEN 24

/* What a token of the token table is, found once per provider. */
enum tok_state { TOK_OK, TOK_NO_INDEX, TOK_OUTSIDE, TOK_UNTERMINATED };

struct token {
	uint16_t off;		/* into token_table */
	uint16_t len;		/* characters (to the table's end if unterminated) */
	uint8_t state;		/* enum tok_state */
};

/* Answers already given: the self-check asks for a few names repeatedly. */
#define CACHE_SLOTS 16
#define CACHE_NAME 40

struct cached {
	char name[CACHE_NAME];	/* "" unused */
	bool found;
	uint64_t addr;
};

/*
 * Lookups scan the compressed names, expanding each through the token
 * table only as far as it matches, instead of holding a decoded table and
 * an index of ~200k names that a dump run asks a dozen questions of.
 */
struct kallsyms_prov {
	struct kallsyms_tables t;	/* names_len trimmed to the entries */
	uint8_t *own[4];		/* the buffers t points into */
	struct token tok[256];
	bool all_tokens_ok;
	size_t longest_token;
	struct cached cache[CACHE_SLOTS];
	unsigned int next_slot;
};

static void ks_destroy(void *p)
{
	struct kallsyms_prov *ks = p;

	if (!ks)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(ks->own); i++)
		free(ks->own[i]);
	free(ks);
}

static void find_tokens(struct kallsyms_prov *ks)
{
	const struct kallsyms_tables *t = &ks->t;

	for (unsigned int tok = 0; tok < 256; tok++) {
		struct token *k = &ks->tok[tok];
		size_t ti, n;

		if (2 * tok + 2 > t->token_index_len) {
			k->state = TOK_NO_INDEX;
			continue;
		}
		ti = load_le16(t->token_index + 2 * tok);
		if (ti >= t->token_table_len) {
			k->state = TOK_OUTSIDE;
			continue;
		}
		for (n = 0; ti + n < t->token_table_len && t->token_table[ti + n]; n++)
			;
		k->off = (uint16_t)ti;
		k->len = (uint16_t)MIN(n, (size_t)UINT16_MAX);
		k->state = ti + n == t->token_table_len ? TOK_UNTERMINATED : TOK_OK;
	}
	ks->all_tokens_ok = true;
	ks->longest_token = 0;
	for (unsigned int tok = 0; tok < 256; tok++) {
		if (ks->tok[tok].state != TOK_OK)
			ks->all_tokens_ok = false;
		ks->longest_token = MAX(ks->longest_token, ks->tok[tok].len);
	}
}

/*
 * Check the entry at *@pos as expanding it would (same errors, same
 * order) and move past it.
 */
static struct error *check_entry(const struct kallsyms_prov *ks, size_t *pos)
{
	const struct kallsyms_tables *t = &ks->t;
	size_t p = *pos, len, n = 0;

	if (p >= t->names_len)
		return ERR(ERR_FORMAT, "kallsyms: names end early");
	len = t->names[p++];
	if (len & 0x80) {
		if (p >= t->names_len)
			return ERR(ERR_FORMAT, "kallsyms: names end early");
		len = (len & 0x7f) | (size_t)t->names[p++] << 7;
	}
	if (len > t->names_len - p)
		return ERR(ERR_FORMAT, "kallsyms: name runs past the table");
	/* No token error possible and short enough: nothing to add up. */
	if (ks->all_tokens_ok && len * ks->longest_token <= KSYM_NAME_LEN) {
		*pos = p + len;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned int tok = t->names[p + i];
		const struct token *k = &ks->tok[tok];

		if (k->state == TOK_NO_INDEX)
			return ERR(ERR_FORMAT, "kallsyms: token %u has no index", tok);
		if (k->state == TOK_OUTSIDE)
			return ERR(ERR_FORMAT, "kallsyms: token %u outside the table", tok);
		n += k->len;
		if (n > KSYM_NAME_LEN)
			return ERR(ERR_FORMAT, "kallsyms: name too long");
		if (k->state == TOK_UNTERMINATED)
			return ERR(ERR_FORMAT, "kallsyms: token %u not terminated", tok);
	}
	*pos = p + len;
	return NULL;
}

/* Entry of @len tokens at @p (checked) expands to a type letter + @name? */
static bool entry_is(const struct kallsyms_prov *ks, const uint8_t *p,
		     size_t len, const char *name, size_t name_len)
{
	bool first = true;

	for (size_t i = 0; i < len; i++) {
		const struct token *k = &ks->tok[p[i]];
		const char *c = (const char *)ks->t.token_table + k->off;
		size_t n = k->len;

		if (first && n) {
			c++;	/* the type letter */
			n--;
			first = false;
		}
		if (n > name_len || memcmp(c, name, n))
			return false;
		name += n;
		name_len -= n;
	}
	return !first && !name_len;
}

static uint64_t address_of(const struct kallsyms_tables *t, uint32_t i)
{
	int32_t off = (int32_t)load_le32(t->offsets + 4 * (size_t)i);

	if (!t->absolute_percpu)
		return t->relative_base + (uint32_t)off;
	if (off >= 0)
		return (uint64_t)off;
	return t->relative_base - 1 - (int64_t)off;
}

/* How an entry's first token can start a name being looked up. */
enum lead { LEAD_NO, LEAD_YES, LEAD_TYPE_ONLY };

/* The first symbol called @name, as a table of names would keep it. */
static bool scan_for(const struct kallsyms_prov *ks, const char *name,
		     uint64_t *addr)
{
	const struct kallsyms_tables *t = &ks->t;
	size_t name_len = strlen(name), pos = 0;
	uint8_t lead[256];	/* enum lead, as first token */
	bool starts[256];	/* token is a prefix of @name */

	if (!name_len || name_len >= KSYM_NAME_LEN)
		return false;
	/*
	 * Which tokens can begin @name, worked out once so that the scan
	 * rejects nearly every entry on its first one or two bytes.
	 */
	for (unsigned int i = 0; i < 256; i++) {
		const struct token *k = &ks->tok[i];
		const char *c = (const char *)t->token_table + k->off;

		starts[i] = k->len <= name_len && !memcmp(c, name, k->len);
		if (k->len == 0)
			lead[i] = LEAD_YES;	/* decided by entry_is() */
		else if (k->len == 1)
			lead[i] = LEAD_TYPE_ONLY;
		else
			lead[i] = (size_t)k->len - 1 <= name_len &&
				  !memcmp(c + 1, name, k->len - 1) ?
				  LEAD_YES : LEAD_NO;
	}
	for (uint32_t i = 0; i < t->num_syms; i++) {
		/* Checked at creation: no bounds or token errors remain. */
		size_t len = t->names[pos++];
		const uint8_t *e;

		if (len & 0x80)
			len = (len & 0x7f) | (size_t)t->names[pos++] << 7;
		e = t->names + pos;
		pos += len;
		if (!len || lead[e[0]] == LEAD_NO)
			continue;
		if (lead[e[0]] == LEAD_TYPE_ONLY && len > 1 && !starts[e[1]])
			continue;
		if (entry_is(ks, e, len, name, name_len)) {
			*addr = address_of(t, i);
			return true;
		}
	}
	return false;
}

static struct error *ks_address(void *p, const char *name, uint64_t *addr)
{
	struct kallsyms_prov *ks = p;
	struct cached *c = NULL;
	bool found;

	for (size_t i = 0; i < CACHE_SLOTS; i++)
		if (ks->cache[i].name[0] && !strcmp(ks->cache[i].name, name)) {
			c = &ks->cache[i];
			break;
		}
	if (c) {
		found = c->found;
		*addr = c->addr;
	} else {
		uint64_t a = 0;

		found = scan_for(ks, name, &a);
		*addr = a;
		if (strlen(name) < CACHE_NAME) {
			c = &ks->cache[ks->next_slot++ % CACHE_SLOTS];
			strcpy(c->name, name);
			c->found = found;
			c->addr = a;
		}
	}
	if (!found)
		return ERR(ERR_NOTFOUND, "kallsyms has no symbol %s", name);
	return NULL;
}

static const struct provider_ops kallsyms_ops = {
	.src = SYM_SRC_KALLSYMS,
	.destroy = ks_destroy,
	.address = ks_address,
};

/* Switch the address encoding (answers given so far are void). */
static void ks_set_absolute_percpu(struct kallsyms_prov *ks, bool on)
{
	ks->t.absolute_percpu = on;
	memset(ks->cache, 0, sizeof(ks->cache));
}

/*
 * The provider over @t, whose four tables (names, token table, token
 * index, offsets) are the malloc'd buffers @own: taken over, freed here on
 * error.
 */
static struct error *ks_new(const struct kallsyms_tables *t, uint8_t *own[4],
			    struct kallsyms_prov **out)
{
	struct kallsyms_prov *ks;
	struct error *err = NULL;
	size_t pos = 0;

	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		for (size_t i = 0; i < 4; i++)
			free(own[i]);
		return ERR_OOM();
	}
	memcpy(ks->own, own, sizeof(ks->own));
	ks->t = *t;
	if (!t->num_syms || t->num_syms > MAX_SYMS) {
		err = ERR(ERR_FORMAT, "kallsyms: %u symbols", t->num_syms);
		goto fail;
	}
	if (t->offsets_len / 4 < t->num_syms) {
		err = ERR(ERR_FORMAT, "kallsyms: offsets table too short");
		goto fail;
	}
	find_tokens(ks);
	for (uint32_t i = 0; i < t->num_syms; i++) {
		err = check_entry(ks, &pos);
		if (err)
			goto fail;
	}
	ks->t.names_len = pos;
	/* The names were read up to the next table: give back the rest. */
	{
		uint8_t *r = realloc(ks->own[0], pos ? pos : 1);

		if (r)
			ks->own[0] = r;
		ks->t.names = ks->own[0];
	}
	*out = ks;
	return NULL;
fail:
	ks_destroy(ks);
	return err;
}

struct error *kallsyms_provider_new(const struct kallsyms_tables *t,
				    const struct provider_ops **ops, void **p)
{
	const uint8_t *src[4] = { t->names, t->token_table, t->token_index,
				  t->offsets };
	size_t len[4] = { t->names_len, t->token_table_len,
			  t->token_index_len, t->offsets_len };
	uint8_t *own[4] = { 0 };
	struct kallsyms_tables c = *t;
	struct kallsyms_prov *ks;
	struct error *err;

	for (size_t i = 0; i < 4; i++) {
		own[i] = malloc(len[i] ? len[i] : 1);
		if (!own[i]) {
			for (size_t j = 0; j < i; j++)
				free(own[j]);
			return ERR_OOM();
		}
		if (len[i])
			memcpy(own[i], src[i], len[i]);
	}
	c.names = own[0];
	c.token_table = own[1];
	c.token_index = own[2];
	c.offsets = own[3];
	err = ks_new(&c, own, &ks);
	if (err)
		return err;
	*ops = &kallsyms_ops;
	*p = ks;
	return NULL;
}

/* ---- finding the tables in the dump ------------------------------------- */

static const char *const table_syms[] = {
	"kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table",
	"kallsyms_token_index", "kallsyms_offsets", "kallsyms_relative_base",
	"kallsyms_markers", "kallsyms_seqs_of_names",
};

static bool table_address(const struct kernel *k, const struct symbols *s,
			  const char *name, uint64_t *addr)
{
	struct error *err;

	if (k->vi && vi_symbol(k->vi, name, addr))
		return true;
	err = sym_address(s, name, addr, NULL);
	error_free(err);
	return !err;
}

/* Bytes from @addr to the next known table (at most @max). */
static size_t extent(const struct kernel *k, const struct symbols *s,
		     uint64_t addr, size_t max)
{
	uint64_t best = addr + max, a;

	for (size_t i = 0; i < ARRAY_SIZE(table_syms); i++)
		if (table_address(k, s, table_syms[i], &a) && a > addr && a < best)
			best = a;
	return (size_t)(best - addr);
}

static struct error *read_table(struct kernel *k, uint64_t addr, size_t len,
				uint8_t **out)
{
	struct error *err;

	*out = malloc(len ? len : 1);
	if (!*out)
		return ERR_OOM();
	err = kernel_read(k, addr, *out, len);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/*
 * Read the tables.  A table that ends at an unmapped page is read up to
 * that page: the names table's extent is only an upper bound.
 */
static struct error *read_upto(struct kernel *k, uint64_t addr, size_t *len,
			       uint8_t **out)
{
	struct error *err = read_table(k, addr, *len, out);

	while (err && *len > k->page_size) {
		size_t cut = (size_t)((addr + *len - 1) % k->page_size) + 1;

		error_free(err);
		*len -= cut;
		err = read_table(k, addr, *len, out);
	}
	return err;
}

static struct error *load_kallsyms(struct symbols *s, struct kernel *k)
{
	uint64_t a_names, a_num, a_tt, a_ti, a_off, a_base, base, stext, want;
	struct kallsyms_tables t = { 0 };
	uint8_t *names = NULL, *tt = NULL, *ti = NULL, *offs = NULL;
	struct kallsyms_prov *ks;
	struct error *err;
	uint32_t num;

	if (!table_address(k, s, "kallsyms_names", &a_names) ||
	    !table_address(k, s, "kallsyms_num_syms", &a_num) ||
	    !table_address(k, s, "kallsyms_token_table", &a_tt) ||
	    !table_address(k, s, "kallsyms_token_index", &a_ti) ||
	    !table_address(k, s, "kallsyms_offsets", &a_off) ||
	    !table_address(k, s, "kallsyms_relative_base", &a_base))
		return ERR(ERR_NOTFOUND,
			   "VMCOREINFO has no kallsyms tables (kernels before 6.0 do not export them)");
	err = kernel_read(k, a_num, &num, sizeof(num));
	if (!err)
		err = kernel_read_u64(k, a_base, &base);
	if (err)
		return error_wrap(err, "kallsyms");
	if (!num || num > MAX_SYMS)
		return ERR(ERR_FORMAT, "kallsyms: kallsyms_num_syms is %u", num);
	t.num_syms = num;
	t.relative_base = base;
	t.names_len = extent(k, s, a_names, MAX_NAMES_BYTES);
	t.token_table_len = extent(k, s, a_tt, MAX_TOKEN_TABLE);
	t.token_index_len = 512;
	t.offsets_len = (size_t)num * 4;
	err = read_upto(k, a_names, &t.names_len, &names);
	if (!err)
		err = read_upto(k, a_tt, &t.token_table_len, &tt);
	if (!err)
		err = read_table(k, a_ti, t.token_index_len, &ti);
	if (!err)
		err = read_table(k, a_off, t.offsets_len, &offs);
	if (err) {
		err = error_wrap(err, "kallsyms: reading the tables");
		goto out;
	}
	t.names = names;
	t.token_table = tt;
	t.token_index = ti;
	t.offsets = offs;
	{
		uint8_t *own[4] = { names, tt, ti, offs };

		names = tt = ti = offs = NULL;
		err = ks_new(&t, own, &ks);
	}
	if (err)
		goto out;
	/*
	 * Which address encoding: the one that puts _stext where VMCOREINFO
	 * says (both are in use on 6.x kernels, per architecture).
	 */
	if (k->vi && vi_symbol(k->vi, "_stext", &want) &&
	    (!scan_for(ks, "_stext", &stext) || stext != want)) {
		ks_set_absolute_percpu(ks, true);
		if (!scan_for(ks, "_stext", &stext) || stext != want) {
			ks_destroy(ks);
			err = ERR(ERR_FORMAT, "kallsyms: _stext decodes to neither encoding");
			goto out;
		}
	}
	err = symbols_attach(s, &kallsyms_ops, ks);
out:
	free(names);
	free(tt);
	free(ti);
	free(offs);
	return err;
}

/* Bytes of kernel image searched for the BTF header after _etext. */
#define BTF_SCAN_BYTES (64u << 20)
#define BTF_SCAN_CHUNK (1u << 20)

/*
 * kallsyms without CONFIG_KALLSYMS_ALL (Debian's arm64 6.1) lists no data
 * symbols, __start_BTF among them.  The blob is then found after the text:
 * the first 4-byte aligned BTF header (magic, version 1, 24-byte header,
 * types then strings) whose whole blob parses is taken.
 */
static struct error *scan_for_btf(struct symbols *s, struct kernel *k,
				  uint64_t *start, uint64_t *stop)
{
	uint64_t from;
	uint8_t *buf;
	struct error *err = sym_address(s, "_etext", &from, NULL);

	if (err)
		return err;
	buf = malloc(BTF_SCAN_CHUNK + BTF_HDR_LEN);
	if (!buf)
		return ERR_OOM();
	from = ROUND_UP(from, 4);
	for (uint64_t off = 0; off < BTF_SCAN_BYTES; off += BTF_SCAN_CHUNK) {
		err = kernel_read(k, from + off, buf, BTF_SCAN_CHUNK + BTF_HDR_LEN);
		if (err)
			break;
		for (size_t i = 0; i < BTF_SCAN_CHUNK; i += 4) {
			const uint8_t *h = buf + i;
			uint64_t len;

			if (load_le16(h) != 0xeb9f || h[2] != 1 || load_le32(h + 4) != BTF_HDR_LEN ||
			    load_le32(h + 8) != 0 || load_le32(h + 16) != load_le32(h + 12))
				continue;
			len = BTF_HDR_LEN + (uint64_t)load_le32(h + 12) + load_le32(h + 20);
			if (len > MAX_BTF_BYTES)
				continue;
			*start = from + off + i;
			*stop = *start + len;
			free(buf);
			return NULL;
		}
	}
	free(buf);
	error_free(err);
	return ERR(ERR_NOTFOUND, "no BTF header within %u MiB after _etext",
		   BTF_SCAN_BYTES >> 20);
}

static struct error *load_btf(struct symbols *s, struct kernel *k)
{
	const struct provider_ops *ops;
	uint64_t start, stop;
	struct error *err;
	uint8_t *blob;
	void *p;

	err = sym_address(s, "__start_BTF", &start, NULL);
	if (!err)
		err = sym_address(s, "__stop_BTF", &stop, NULL);
	if (err && err->code == ERR_NOTFOUND) {
		error_free(err);
		err = scan_for_btf(s, k, &start, &stop);
	}
	if (err)
		return error_wrap(err, "no BTF in the kernel (CONFIG_DEBUG_INFO_BTF)");
	if (stop <= start || stop - start > MAX_BTF_BYTES)
		return ERR(ERR_FORMAT, "BTF: __start_BTF..__stop_BTF is %#llx..%#llx",
			   (unsigned long long)start, (unsigned long long)stop);
	err = read_table(k, start, (size_t)(stop - start), &blob);
	if (err)
		return error_wrap(err, "BTF: reading the blob");
	err = btf_provider_adopt(blob, (size_t)(stop - start), &ops, &p);
	if (!err)
		err = symbols_attach(s, ops, p);
	return err;
}

struct error *symbols_add_kernel(struct symbols *s, struct kernel *k)
{
	struct error *ks_err, *btf_err;

	ks_err = load_kallsyms(s, k);
	btf_err = load_btf(s, k);
	if (ks_err && btf_err) {
		struct error *err = ERR(ks_err->code == ERR_NOTFOUND &&
					btf_err->code == ERR_NOTFOUND ? ERR_NOTFOUND : ERR_FORMAT,
					"the dumped kernel has neither kallsyms nor BTF that could be used: %s; %s",
					ks_err->msg, btf_err->msg);
		error_free(ks_err);
		error_free(btf_err);
		return err;
	}
	/* One is enough; the other's failure is kept as a note for -D. */
	if (ks_err || btf_err)
		symbols_set_note(s, (ks_err ? ks_err : btf_err)->msg);
	error_free(ks_err);
	error_free(btf_err);
	return NULL;
}
