// SPDX-License-Identifier: GPL-2.0-or-later
#include "module_syms.h"
#include "resolve.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../symbols/symbols.h"

#include <stdlib.h>
#include <string.h>

#define ELF64_SYM_SIZE 24
#define STT_OBJECT 1
#define SYMS_PER_READ 128

struct module_syms {
	const struct erase_memory *mem;
	uint64_t symtab, strtab;
	uint64_t nr_syms;
};

static struct error *read_ptr(const struct erase_memory *mem, uint64_t va,
			      uint64_t *v)
{
	uint8_t b[8] = { 0 };
	struct error *err = mem->read(mem->arg, va, b, mem->pointer_size);

	*v = mem->pointer_size == 4 ? load_le32(b) : load_le64(b);
	return err;
}

static struct error *member_of(const struct sym_type *t, const char *name,
			       struct sym_member *m)
{
	struct error *err = sym_type_member(t, name, m);

	return err ? error_wrap(err, "struct %s.%s", sym_type_name(t), name) : NULL;
}

/* An integer member of 4 or 8 bytes. */
static struct error *read_count(const struct erase_memory *mem, uint64_t va,
				const struct sym_member *m, uint64_t *v)
{
	uint8_t b[8] = { 0 };
	uint64_t size = 0;
	struct error *err = sym_type_size(m->type, &size);

	if (!err && size != 4 && size != 8)
		return ERR(ERR_FORMAT, "%s is %llu bytes wide", m->name,
			   (unsigned long long)size);
	if (!err)
		err = mem->read(mem->arg, va + m->offset, b, (size_t)size);
	*v = size == 4 ? load_le32(b) : load_le64(b);
	return err;
}

/* The symbol table of the module at @mod (struct @mt). */
static struct error *find_tables(struct module_syms *ms, struct symbols *syms,
				 const struct sym_type *mt, uint64_t mod)
{
	const struct erase_memory *mem = ms->mem;
	const struct sym_type *kt = mt;
	struct sym_member ks, symtab, num, strtab;
	uint64_t base = mod;
	struct error *err;

	/* 4.6+: mod->kallsyms points at the tables; before, they are in the module. */
	err = sym_type_member(mt, "kallsyms", &ks);
	if (!err) {
		err = read_ptr(mem, mod + ks.offset, &base);
		if (!err)
			err = sym_type_pointee(ks.type, &kt);
		if (err)
			return err;
		if (!base)
			return ERR(ERR_FORMAT, "the module's kallsyms pointer is NULL");
	} else {
		error_free(err);
	}
	err = member_of(kt, "symtab", &symtab);
	if (!err)
		err = member_of(kt, "num_symtab", &num);
	if (!err)
		err = member_of(kt, "strtab", &strtab);
	if (!err)
		err = read_ptr(mem, base + symtab.offset, &ms->symtab);
	if (!err)
		err = read_ptr(mem, base + strtab.offset, &ms->strtab);
	if (!err)
		err = read_count(mem, base, &num, &ms->nr_syms);
	if (err)
		return err;
	if (ms->nr_syms > MODULE_SYMS_MAX_SYMBOLS)
		return ERR(ERR_FORMAT, "%llu symbols: the module's table is damaged",
			   (unsigned long long)ms->nr_syms);
	(void)syms;
	return NULL;
}

struct error *module_syms_open(struct symbols *syms,
			       const struct erase_memory *mem,
			       const char *name, struct module_syms **out)
{
	const struct sym_type *mt, *nt = NULL;
	struct sym_member list_m, name_m;
	uint64_t head, node, count = 0, name_len = 0;
	struct module_syms *ms;
	struct error *err;

	*out = NULL;
	/* The list head's own type is list_head: an address is enough. */
	err = sym_address(syms, "modules", &head, NULL);
	if (!err)
		err = sym_type_by_name(syms, "module", &mt);
	if (!err)
		err = member_of(mt, "list", &list_m);
	if (!err)
		err = member_of(mt, "name", &name_m);
	if (!err && sym_type_kind(name_m.type) == SYM_KIND_ARRAY)
		err = sym_type_array(name_m.type, &nt, &name_len);
	if (err) {
		/* Without the module list there is no way to know: an error, not a skip. */
		err = error_wrap(err, "can't read the module list");
		err->code = ERR_FORMAT;
		return err;
	}
	if (!name_len || name_len > 256)
		return ERR(ERR_FORMAT, "struct module.name is not a char array");
	err = read_ptr(mem, head, &node);
	while (!err && node && node != head) {
		char mod_name[257] = { 0 };
		uint64_t mod = node - list_m.offset;

		if (++count > MODULE_SYMS_MAX_MODULES)
			return ERR(ERR_FORMAT, "more than %u modules: the module list is damaged",
				   MODULE_SYMS_MAX_MODULES);
		err = mem->read(mem->arg, mod + name_m.offset, mod_name, (size_t)name_len);
		if (err)
			break;
		if (!strncmp(mod_name, name, (size_t)name_len) &&
		    strlen(name) < name_len) {
			ms = calloc(1, sizeof(*ms));
			if (!ms)
				return ERR_OOM();
			ms->mem = mem;
			err = find_tables(ms, syms, mt, mod);
			if (err) {
				free(ms);
				err = error_wrap(err, "module %s", name);
				err->code = ERR_FORMAT;
				return err;
			}
			*out = ms;
			return NULL;
		}
		err = read_ptr(mem, node, &node);	/* list.next is at offset 0 */
	}
	if (err) {
		err = error_wrap(err, "can't walk the module list");
		err->code = ERR_FORMAT;
		return err;
	}
	return ERR(ERR_NOTFOUND, "module %s is not loaded in the dump", name);
}

struct error *module_syms_lookup(struct module_syms *m, const char *name,
				 uint64_t *addr, uint64_t *size)
{
	const struct erase_memory *mem = m->mem;
	uint8_t buf[SYMS_PER_READ * ELF64_SYM_SIZE];
	size_t want = strlen(name) + 1;
	bool found = false;
	uint64_t i;
	char *cand;
	struct error *err = NULL;

	if (want > 256)
		return ERR(ERR_NOTFOUND, "no symbol %s", name);
	cand = malloc(want);
	if (!cand)
		return ERR_OOM();
	for (i = 0; i < m->nr_syms && !err; i += SYMS_PER_READ) {
		uint64_t n = MIN((uint64_t)SYMS_PER_READ, m->nr_syms - i), j;

		err = mem->read(mem->arg, m->symtab + i * ELF64_SYM_SIZE, buf,
				(size_t)(n * ELF64_SYM_SIZE));
		for (j = 0; j < n && !err; j++) {
			const uint8_t *s = buf + j * ELF64_SYM_SIZE;
			uint32_t st_name = load_le32(s);
			uint16_t shndx = load_le16(s + 6);
			struct error *e;

			if (!st_name || !shndx)
				continue;
			e = mem->read(mem->arg, m->strtab + st_name, cand, want);
			if (e) {
				error_free(e);
				continue;
			}
			if (memcmp(cand, name, want))
				continue;
			/* Prefer a data object over a same-named other symbol. */
			if (!found || (s[4] & 0xf) == STT_OBJECT) {
				*addr = load_le64(s + 8);
				*size = load_le64(s + 16);
				found = true;
			}
			if ((s[4] & 0xf) == STT_OBJECT)
				goto out;
		}
	}
out:
	free(cand);
	if (err)
		return error_wrap(err, "can't read the module's symbol table");
	return found ? NULL : ERR(ERR_NOTFOUND, "no symbol %s", name);
}

void module_syms_close(struct module_syms *m)
{
	free(m);
}
