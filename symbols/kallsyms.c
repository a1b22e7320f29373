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
#include "name_index.h"

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

struct kallsyms_prov {
	char *arena;		/* all names, NUL-separated */
	uint64_t *addr;		/* per symbol */
	struct name_index names;	/* name -> symbol number */
	uint32_t nr;
};

static struct error *ks_address(void *p, const char *name, uint64_t *addr)
{
	struct kallsyms_prov *ks = p;
	struct name_slot *s = name_index_find(&ks->names, name);

	if (!s)
		return ERR(ERR_NOTFOUND, "kallsyms has no symbol %s", name);
	*addr = ks->addr[s->val];
	return NULL;
}

static void ks_destroy(void *p)
{
	struct kallsyms_prov *ks = p;

	if (!ks)
		return;
	name_index_free(&ks->names);
	free(ks->arena);
	free(ks->addr);
	free(ks);
}

static const struct provider_ops kallsyms_ops = {
	.src = SYM_SRC_KALLSYMS,
	.destroy = ks_destroy,
	.address = ks_address,
};

/* Expand entry at *@pos into @out (without the type letter). */
static struct error *expand(const struct kallsyms_tables *t, size_t *pos,
			    char *out, size_t *out_len, char *type)
{
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
	for (size_t i = 0; i < len; i++) {
		unsigned int tok = t->names[p + i];
		const uint8_t *c, *end = t->token_table + t->token_table_len;
		size_t ti;

		if (2 * tok + 2 > t->token_index_len)
			return ERR(ERR_FORMAT, "kallsyms: token %u has no index", tok);
		ti = load_le16(t->token_index + 2 * tok);
		if (ti >= t->token_table_len)
			return ERR(ERR_FORMAT, "kallsyms: token %u outside the table", tok);
		for (c = t->token_table + ti; c < end && *c; c++) {
			if (n + 1 >= KSYM_NAME_LEN + 1)
				return ERR(ERR_FORMAT, "kallsyms: name too long");
			out[n++] = (char)*c;
		}
		if (c == end)
			return ERR(ERR_FORMAT, "kallsyms: token %u not terminated", tok);
	}
	/* The first character is the type letter. */
	*type = n ? out[0] : 0;
	if (n)
		memmove(out, out + 1, n--);
	out[n] = '\0';
	*out_len = n;
	*pos = p + len;
	return NULL;
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

struct error *kallsyms_provider_new(const struct kallsyms_tables *t,
				    const struct provider_ops **ops, void **p)
{
	struct kallsyms_prov *ks;
	struct error *err = NULL;
	size_t pos = 0, used = 0, cap;
	char name[KSYM_NAME_LEN + 1];

	if (!t->num_syms || t->num_syms > MAX_SYMS)
		return ERR(ERR_FORMAT, "kallsyms: %u symbols", t->num_syms);
	if (t->offsets_len / 4 < t->num_syms)
		return ERR(ERR_FORMAT, "kallsyms: offsets table too short");
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return ERR_OOM();
	/* Names are never longer than their compressed entry expands. */
	cap = t->names_len + (size_t)t->num_syms * 16 + 1;
	ks->arena = malloc(cap);
	ks->addr = calloc(t->num_syms, sizeof(*ks->addr));
	if (!ks->arena || !ks->addr) {
		err = ERR_OOM();
		goto fail;
	}
	for (uint32_t i = 0; i < t->num_syms; i++) {
		size_t len = 0;
		char type;

		err = expand(t, &pos, name, &len, &type);
		if (err)
			goto fail;
		if (used + len + 1 > cap) {
			char *a;

			cap = cap * 2 + len + 1;
			a = realloc(ks->arena, cap);
			if (!a) {
				err = ERR_OOM();
				goto fail;
			}
			ks->arena = a;
		}
		memcpy(ks->arena + used, name, len + 1);
		ks->addr[i] = address_of(t, i);
		used += len + 1;
	}
	ks->nr = t->num_syms;
	/* Index after the arena stopped moving. */
	pos = 0;
	for (uint32_t i = 0; i < t->num_syms; i++) {
		const char *n = ks->arena + pos;

		pos += strlen(n) + 1;
		if (!*n)
			continue;
		err = name_index_add(&ks->names, n, i, NULL, NULL);
		if (err)
			goto fail;
	}
	*ops = &kallsyms_ops;
	*p = ks;
	return NULL;
fail:
	ks_destroy(ks);
	return err;
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
	const struct provider_ops *ops;
	struct error *err;
	uint32_t num;
	void *p = NULL;

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
	/*
	 * Which address encoding: the one that puts _stext where VMCOREINFO
	 * says (both are in use on 6.x kernels, per architecture).
	 */
	err = kallsyms_provider_new(&t, &ops, &p);
	if (err)
		goto out;
	if (k->vi && vi_symbol(k->vi, "_stext", &want) &&
	    (error_free(ops->address(p, "_stext", &stext)), stext != want)) {
		ops->destroy(p);
		t.absolute_percpu = true;
		err = kallsyms_provider_new(&t, &ops, &p);
		if (err)
			goto out;
		if (ops->address(p, "_stext", &stext) || stext != want) {
			ops->destroy(p);
			err = ERR(ERR_FORMAT, "kallsyms: _stext decodes to neither encoding");
			goto out;
		}
	}
	err = symbols_attach(s, ops, p);
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
