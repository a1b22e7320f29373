// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vmlinux provider: DWARF through libdw, addresses from the ELF symbol
 * table.  One pass over the top-level DIEs of every unit builds name
 * indexes (struct/union/enum tags, typedefs and base types, variables,
 * enumerators); types are then read on demand by DIE offset.
 *
 * Type ids are DIE offsets in .debug_info.  An array's inner dimensions
 * (several DW_TAG_subrange_type children) are the same DIE with the
 * dimension number in the id's top byte.
 */
#include "provider.h"
#include "name_index.h"

#include "../lib/error.h"
#include "../lib/util.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIM_SHIFT 56
#define OFF_MASK ((1ull << DIM_SHIFT) - 1)
/* Typedef chains and array dimensions longer than this are damage. */
#define MAX_CHAIN 64

struct dwarf_prov {
	int fd;
	Elf *elf;
	Dwarf *dw;
	uint64_t kaslr;
	unsigned int ptr_size;
	unsigned int machine;
	bool indexed;

	Elf_Data *symtab;
	struct name_index syms;		/* ELF symbols: name -> .symtab index */
	struct name_index tags;		/* struct/union/enum tag -> DIE */
	struct name_index typedefs;	/* typedef and base type names -> DIE */
	struct name_index vars;		/* variable name -> DIE */
	struct name_index enumerators;	/* constant name -> DIE */
};

static const char *dw_msg(void)
{
	const char *m = dwarf_errmsg(-1);

	return m ? m : "unknown libdw error";
}

/* ---- ELF symbols -------------------------------------------------------- */

/*
 * The symbol index maps a name to its entry in .symtab; the value and its
 * section are looked at when asked.
 */
static struct error *index_elf_symbols(struct dwarf_prov *d)
{
	Elf_Scn *scn = NULL;
	struct error *err;

	while ((scn = elf_nextscn(d->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		d->symtab = data;
		n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 1; i < n; i++) {
			struct name_slot *slot;
			GElf_Sym sym;
			const char *name;
			bool added;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			if (GELF_ST_TYPE(sym.st_info) == STT_SECTION ||
			    GELF_ST_TYPE(sym.st_info) == STT_FILE ||
			    sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(d->elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			err = name_index_add(&d->syms, name, i, &slot, &added);
			if (err)
				return err;
			/* A global definition beats a local of the same name. */
			if (!added && GELF_ST_BIND(sym.st_info) == STB_GLOBAL)
				slot->val = i;
		}
		break;
	}
	return NULL;
}

/* Link-time value of symbol @name; *@reloc: does KASLR move it? */
static struct error *elf_symbol(struct dwarf_prov *d, const char *name,
				uint64_t *value, bool *reloc)
{
	struct name_slot *s = name_index_find(&d->syms, name);
	GElf_Sym sym;
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (!s || !gelf_getsym(d->symtab, (int)s->val, &sym))
		return ERR(ERR_NOTFOUND, "vmlinux has no symbol %s", name);
	*value = sym.st_value;
	/*
	 * Symbols of sections linked at address 0 (x86_64 per-cpu data) are
	 * offsets, and absolute ones are numbers: KASLR moves neither.
	 */
	*reloc = false;
	if (sym.st_shndx != SHN_ABS && sym.st_shndx < SHN_LORESERVE) {
		scn = elf_getscn(d->elf, sym.st_shndx);
		*reloc = scn && gelf_getshdr(scn, &sh) && sh.sh_addr;
	}
	return NULL;
}

static struct error *dw_address(void *p, const char *name, uint64_t *addr)
{
	struct dwarf_prov *d = p;
	struct error *err;
	bool reloc;

	err = elf_symbol(d, name, addr, &reloc);
	if (!err && reloc)
		*addr += d->kaslr;
	return err;
}

/* ---- the DIE index ------------------------------------------------------ */

static bool is_declaration(Dwarf_Die *die)
{
	bool flag = false;
	Dwarf_Attribute a;

	if (dwarf_attr(die, DW_AT_declaration, &a))
		dwarf_formflag(&a, &flag);
	return flag;
}

static struct error *index_add(struct name_index *ix, const char *name,
			       Dwarf_Die *die, bool complete)
{
	struct name_slot *slot;
	struct error *err;
	bool added;
	/* The low bit says "complete": a later complete entry replaces a declaration. */
	uint64_t val = dwarf_dieoffset(die) << 1 | (complete ? 1 : 0);

	err = name_index_add(ix, name, val, &slot, &added);
	if (!err && !added && complete && !(slot->val & 1))
		slot->val = val;
	return err;
}

static struct error *index_die(struct dwarf_prov *d, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *name;
	Dwarf_Die child;
	struct error *err = NULL;
	int tag = dwarf_tag(die);

	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		name = dwarf_diename(die);
		if (name)
			err = index_add(&d->tags, name, die, !is_declaration(die));
		break;
	case DW_TAG_enumeration_type:
		name = dwarf_diename(die);
		if (name)
			err = index_add(&d->tags, name, die, !is_declaration(die));
		if (err || dwarf_child(die, &child) != 0)
			break;
		do {
			if (dwarf_tag(&child) != DW_TAG_enumerator)
				continue;
			name = dwarf_diename(&child);
			if (name)
				err = index_add(&d->enumerators, name, &child, true);
		} while (!err && dwarf_siblingof(&child, &child) == 0);
		break;
	case DW_TAG_typedef:
	case DW_TAG_base_type:
		name = dwarf_diename(die);
		if (name)
			err = index_add(&d->typedefs, name, die, true);
		break;
	case DW_TAG_variable:
		if (!dwarf_attr_integrate(die, DW_AT_name, &a))
			break;
		name = dwarf_formstring(&a);
		if (name)
			err = index_add(&d->vars, name, die, !is_declaration(die));
		break;
	default:
		break;
	}
	return err;
}

static struct error *build_index(struct dwarf_prov *d)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, die;
	struct error *err;
	uint8_t unit_type;
	Dwarf_Half version;
	int rc;

	if (d->indexed)
		return NULL;
	while ((rc = dwarf_get_units(d->dw, cu, &cu, &version, &unit_type,
				     &cudie, NULL)) == 0) {
		if (dwarf_child(&cudie, &die) != 0)
			continue;
		do {
			err = index_die(d, &die);
			if (err)
				return err;
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	if (rc < 0)
		return ERR(ERR_FORMAT, "vmlinux: reading DWARF units: %s", dw_msg());
	d->indexed = true;
	return NULL;
}

/* ---- types -------------------------------------------------------------- */

static struct error *die_at(struct dwarf_prov *d, uint64_t off, Dwarf_Die *die)
{
	if (!dwarf_offdie(d->dw, off, die))
		return ERR(ERR_FORMAT, "vmlinux: no DIE at offset %#llx",
			   (unsigned long long)off);
	return NULL;
}

/*
 * Follow typedefs and qualifiers from @die to the type it names, and
 * replace declarations by the complete type of the same tag.  *@id gets
 * VOID_ID for void.
 */
static struct error *resolve(struct dwarf_prov *d, Dwarf_Die *die, uint64_t *id)
{
	Dwarf_Die cur = *die, next;
	Dwarf_Attribute a;

	for (int i = 0; i < MAX_CHAIN; i++) {
		int tag = dwarf_tag(&cur);

		switch (tag) {
		case DW_TAG_typedef:
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
		case DW_TAG_atomic_type:
		case DW_TAG_immutable_type:
			if (!dwarf_attr_integrate(&cur, DW_AT_type, &a)) {
				*id = VOID_ID;
				return NULL;
			}
			if (!dwarf_formref_die(&a, &next))
				return ERR(ERR_FORMAT, "vmlinux: bad type reference: %s",
					   dw_msg());
			cur = next;
			continue;
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
		case DW_TAG_enumeration_type:
			if (is_declaration(&cur)) {
				const char *name = dwarf_diename(&cur);
				struct name_slot *s;

				if (name && (s = name_index_find(&d->tags, name)) &&
				    (s->val & 1)) {
					*id = s->val >> 1;
					return NULL;
				}
			}
			break;
		default:
			break;
		}
		*id = dwarf_dieoffset(&cur);
		if (*id > OFF_MASK)
			return ERR(ERR_UNSUPPORTED, "vmlinux: DWARF too large");
		return NULL;
	}
	return ERR(ERR_FORMAT, "vmlinux: typedef chain too long");
}

/* Resolve the DW_AT_type of @die (absent: void). */
static struct error *type_of(struct dwarf_prov *d, Dwarf_Die *die, uint64_t *id)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a)) {
		*id = VOID_ID;
		return NULL;
	}
	if (!dwarf_formref_die(&a, &t))
		return ERR(ERR_FORMAT, "vmlinux: bad type reference: %s", dw_msg());
	return resolve(d, &t, id);
}

static bool udata_attr(Dwarf_Die *die, unsigned int name, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!dwarf_attr_integrate(die, name, &a) || dwarf_formudata(&a, &w) != 0)
		return false;
	*v = w;
	return true;
}

/* The @dim-th subrange of array DIE @die; its element count (0: unknown). */
static int subrange(Dwarf_Die *die, unsigned int dim, uint64_t *count,
		    unsigned int *nr_dims)
{
	Dwarf_Die child;
	unsigned int n = 0;
	int found = -1;

	*count = 0;
	if (dwarf_child(die, &child) != 0) {
		*nr_dims = 0;
		return -1;
	}
	do {
		uint64_t c, ub;
		Dwarf_Attribute a;
		Dwarf_Sword sub;

		if (dwarf_tag(&child) != DW_TAG_subrange_type)
			continue;
		if (n == dim) {
			found = 0;
			if (udata_attr(&child, DW_AT_count, &c)) {
				*count = c;
			} else if (dwarf_attr(&child, DW_AT_upper_bound, &a)) {
				/* -1 (or all ones) marks a flexible array. */
				if (dwarf_formsdata(&a, &sub) == 0 && sub >= 0)
					*count = (uint64_t)sub + 1;
				else if (dwarf_formudata(&a, &ub) == 0 &&
					 ub < UINT32_MAX)
					*count = ub + 1;
			}
		}
		n++;
	} while (n <= MAX_CHAIN && dwarf_siblingof(&child, &child) == 0);
	*nr_dims = n;
	return found;
}

static struct error *dw_describe(void *p, uint64_t id, struct type_desc *t);

static struct error *describe_array(struct dwarf_prov *d, Dwarf_Die *die,
				    unsigned int dim, struct type_desc *t)
{
	struct type_desc elem;
	unsigned int nr_dims;
	struct error *err;

	t->kind = SYM_KIND_ARRAY;
	t->name = "";
	if (subrange(die, dim, &t->count, &nr_dims) < 0) {
		if (dim > 0 || nr_dims > 0)
			return ERR(ERR_FORMAT, "vmlinux: array dimension %u missing", dim);
		/* No subrange at all: an array of unknown bound. */
		t->count = 0;
	}
	if (nr_dims > MAX_CHAIN)
		return ERR(ERR_FORMAT, "vmlinux: too many array dimensions");
	t->has_ref = true;
	if (dim + 1 < nr_dims) {
		t->ref = dwarf_dieoffset(die) | (uint64_t)(dim + 1) << DIM_SHIFT;
	} else {
		err = type_of(d, die, &t->ref);
		if (err)
			return err;
		if (t->ref == VOID_ID)
			return ERR(ERR_FORMAT, "vmlinux: array of void");
	}
	err = dw_describe(d, t->ref, &elem);
	if (err)
		return err;
	t->has_size = elem.has_size && !mul_overflows(elem.size, t->count, &t->size);
	return NULL;
}

static size_t count_members(Dwarf_Die *die)
{
	Dwarf_Die child;
	size_t n = 0;

	if (dwarf_child(die, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) == DW_TAG_member)
			n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

static struct error *dw_describe(void *p, uint64_t id, struct type_desc *t)
{
	struct dwarf_prov *d = p;
	unsigned int dim = (unsigned int)(id >> DIM_SHIFT);
	Dwarf_Die die;
	struct error *err;
	uint64_t v;

	memset(t, 0, sizeof(*t));
	err = die_at(d, id & OFF_MASK, &die);
	if (err)
		return err;
	t->name = dwarf_diename(&die);
	if (!t->name)
		t->name = "";
	if (udata_attr(&die, DW_AT_byte_size, &v)) {
		t->has_size = true;
		t->size = v;
	}
	switch (dwarf_tag(&die)) {
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		t->kind = dwarf_tag(&die) == DW_TAG_union_type ? SYM_KIND_UNION
							      : SYM_KIND_STRUCT;
		t->nr_members = is_declaration(&die) ? 0 : count_members(&die);
		return NULL;
	case DW_TAG_enumeration_type:
		t->kind = SYM_KIND_ENUM;
		return NULL;
	case DW_TAG_base_type:
		t->kind = SYM_KIND_BASE;
		return NULL;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		t->kind = SYM_KIND_POINTER;
		if (!t->has_size) {
			t->has_size = true;
			t->size = d->ptr_size;
		}
		err = type_of(d, &die, &t->ref);
		t->has_ref = !err && t->ref != VOID_ID;
		return err;
	case DW_TAG_array_type:
		return describe_array(d, &die, dim, t);
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		t->kind = SYM_KIND_FUNC;
		t->has_size = false;
		return NULL;
	case DW_TAG_unspecified_type:
		t->kind = SYM_KIND_VOID;
		return NULL;
	default:
		return ERR(ERR_UNSUPPORTED, "vmlinux: DIE %#llx (tag %#x) is not a type",
			   (unsigned long long)(id & OFF_MASK), dwarf_tag(&die));
	}
}

/* A member's byte offset: a constant, or a DW_OP_plus_uconst expression. */
static struct error *member_location(Dwarf_Die *m, uint64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	Dwarf_Word w;

	*off = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return NULL;	/* union members */
	if (dwarf_formudata(&a, &w) == 0) {
		*off = w;
		return NULL;
	}
	if (dwarf_getlocation(&a, &ops, &n) == 0 && n == 1 &&
	    ops[0].atom == DW_OP_plus_uconst) {
		*off = ops[0].number;
		return NULL;
	}
	return ERR(ERR_UNSUPPORTED, "vmlinux: member %s has a computed location",
		   dwarf_diename(m) ? dwarf_diename(m) : "(anonymous)");
}

static struct error *dw_member_at(void *p, uint64_t id, size_t i,
				  struct raw_member *rm)
{
	struct dwarf_prov *d = p;
	Dwarf_Die die, child;
	struct error *err;
	size_t n = 0;

	err = die_at(d, id & OFF_MASK, &die);
	if (err)
		return err;
	if (dwarf_child(&die, &child) != 0)
		return ERR(ERR_NOTFOUND, "vmlinux: no member #%zu", i);
	do {
		uint64_t off, bits, bsize, bitoff, size;

		if (dwarf_tag(&child) != DW_TAG_member || n++ != i)
			continue;
		memset(rm, 0, sizeof(*rm));
		rm->name = dwarf_diename(&child);
		err = member_location(&child, &off);
		if (!err)
			err = type_of(d, &child, &rm->type);
		if (err)
			return err;
		if (rm->type == VOID_ID)
			return ERR(ERR_FORMAT, "vmlinux: member of type void");
		if (off > UINT64_MAX / 16)
			return ERR(ERR_FORMAT, "vmlinux: member offset too large");
		rm->bit_pos = off * 8;
		if (udata_attr(&child, DW_AT_bit_size, &bsize) && bsize < 4096) {
			rm->bit_size = (unsigned int)bsize;
			if (udata_attr(&child, DW_AT_data_bit_offset, &bits)) {
				rm->bit_pos = bits;
			} else if (udata_attr(&child, DW_AT_bit_offset, &bitoff) &&
				   udata_attr(&child, DW_AT_byte_size, &size) &&
				   size * 8 >= bitoff + bsize && size <= 16) {
				/* DWARF 2/3: bits counted from the storage unit's MSB. */
				rm->bit_pos = off * 8 + size * 8 - bitoff - bsize;
			}
		}
		return NULL;
	} while (dwarf_siblingof(&child, &child) == 0);
	return ERR(ERR_NOTFOUND, "vmlinux: no member #%zu", i);
}

static struct error *dw_type_by_name(void *p, const char *name, uint64_t *id)
{
	struct dwarf_prov *d = p;
	struct name_slot *s;
	struct error *err;
	Dwarf_Die die;

	err = build_index(d);
	if (err)
		return err;
	s = name_index_find(&d->tags, name);
	if (!s)
		s = name_index_find(&d->typedefs, name);
	if (!s)
		return ERR(ERR_NOTFOUND, "vmlinux has no type %s", name);
	err = die_at(d, s->val >> 1, &die);
	if (!err)
		err = resolve(d, &die, id);
	if (!err && *id == VOID_ID)
		return ERR(ERR_NOTFOUND, "type %s is void", name);
	return err;
}

static struct error *dw_variable(void *p, const char *name, uint64_t *id)
{
	struct dwarf_prov *d = p;
	struct name_slot *s;
	struct error *err;
	Dwarf_Die die;

	err = build_index(d);
	if (err)
		return err;
	s = name_index_find(&d->vars, name);
	if (!s)
		return ERR(ERR_NOTFOUND, "vmlinux has no variable %s", name);
	err = die_at(d, s->val >> 1, &die);
	if (!err)
		err = type_of(d, &die, id);
	if (!err && *id == VOID_ID)
		return ERR(ERR_NOTFOUND, "variable %s has no type", name);
	return err;
}

static struct error *dw_enum_constant(void *p, const char *name, int64_t *v)
{
	struct dwarf_prov *d = p;
	struct name_slot *s;
	struct error *err;
	Dwarf_Attribute a;
	Dwarf_Sword sv;
	Dwarf_Word uv;
	Dwarf_Die die;

	err = build_index(d);
	if (err)
		return err;
	s = name_index_find(&d->enumerators, name);
	if (!s)
		return ERR(ERR_NOTFOUND, "vmlinux has no enumerator %s", name);
	err = die_at(d, s->val >> 1, &die);
	if (err)
		return err;
	if (!dwarf_attr(&die, DW_AT_const_value, &a))
		return ERR(ERR_FORMAT, "vmlinux: enumerator %s has no value", name);
	/* Unsigned forms of large constants (e.g. 1ul << 63) stay unsigned. */
	if (dwarf_whatform(&a) == DW_FORM_udata && dwarf_formudata(&a, &uv) == 0) {
		*v = (int64_t)uv;
		return NULL;
	}
	if (dwarf_formsdata(&a, &sv) != 0)
		return ERR(ERR_FORMAT, "vmlinux: enumerator %s: %s", name, dw_msg());
	*v = sv;
	return NULL;
}

/* ---- the vmlinux itself ------------------------------------------------- */

static void dw_destroy(void *p)
{
	struct dwarf_prov *d = p;

	if (!d)
		return;
	name_index_free(&d->syms);
	name_index_free(&d->tags);
	name_index_free(&d->typedefs);
	name_index_free(&d->vars);
	name_index_free(&d->enumerators);
	if (d->dw)
		dwarf_end(d->dw);
	if (d->elf)
		elf_end(d->elf);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

bool dwarf_provider_build_id(void *p, char *buf, size_t size)
{
	struct dwarf_prov *d = p;
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(d->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			const uint8_t *desc = (const uint8_t *)data->d_buf + doff;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + noff, "GNU", 4) ||
			    size < nh.n_descsz * 2 + 1)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(buf + 2 * i, 3, "%02x", desc[i]);
			return true;
		}
	}
	return false;
}

unsigned int dwarf_provider_machine(void *p)
{
	return ((struct dwarf_prov *)p)->machine;
}

/* Copy @len bytes at link-time address @addr out of the section holding them. */
static struct error *read_link_addr(struct dwarf_prov *d, uint64_t addr,
				    void *buf, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(d->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || addr < sh.sh_addr ||
		    addr - sh.sh_addr >= sh.sh_size ||
		    len > sh.sh_size - (addr - sh.sh_addr))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || data->d_size != sh.sh_size)
			break;
		memcpy(buf, (const uint8_t *)data->d_buf + (addr - sh.sh_addr), len);
		return NULL;
	}
	return ERR(ERR_NOTFOUND, "vmlinux: no data at %#llx",
		   (unsigned long long)addr);
}

struct error *dwarf_provider_release(void *p, char *buf, size_t size)
{
	struct dwarf_prov *d = p;
	struct type_desc ns;
	struct raw_member m;
	struct error *err;
	uint64_t tid, addr, rel_off = (uint64_t)-1;
	char rel[65];
	bool reloc;

	err = elf_symbol(d, "init_uts_ns", &addr, &reloc);
	if (!err)
		err = dw_variable(d, "init_uts_ns", &tid);
	if (!err)
		err = dw_describe(d, tid, &ns);
	/* uts_namespace.name.release: find "name", then "release" in it. */
	for (size_t i = 0; !err && i < ns.nr_members; i++) {
		err = dw_member_at(d, tid, i, &m);
		if (!err && m.name && !strcmp(m.name, "name")) {
			struct type_desc un;

			err = dw_describe(d, m.type, &un);
			for (size_t j = 0; !err && j < un.nr_members; j++) {
				struct raw_member r;

				err = dw_member_at(d, m.type, j, &r);
				if (!err && r.name && !strcmp(r.name, "release"))
					rel_off = m.bit_pos / 8 + r.bit_pos / 8;
			}
			break;
		}
	}
	if (err)
		return err;
	if (rel_off == (uint64_t)-1)
		return ERR(ERR_NOTFOUND, "vmlinux: uts_namespace.name.release not found");
	err = read_link_addr(d, addr + rel_off, rel, sizeof(rel));
	if (err)
		return err;
	rel[sizeof(rel) - 1] = '\0';
	snprintf(buf, size, "%s", rel);
	return NULL;
}

static const struct provider_ops dwarf_ops = {
	.src = SYM_SRC_DWARF,
	.destroy = dw_destroy,
	.address = dw_address,
	.variable = dw_variable,
	.type_by_name = dw_type_by_name,
	.enum_constant = dw_enum_constant,
	.describe = dw_describe,
	.member_at = dw_member_at,
};

struct error *dwarf_provider_open(const char *path, uint64_t kaslr_offset,
				  const struct provider_ops **ops, void **p)
{
	struct dwarf_prov *d = calloc(1, sizeof(*d));
	struct error *err = NULL;
	GElf_Ehdr eh;

	if (!d)
		return ERR_OOM();
	d->kaslr = kaslr_offset;
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		err = ERR_ERRNO(ERR_IO, errno, "Can't open the vmlinux file (%s). %s",
				path, strerror(errno));
		goto fail;
	}
	elf_version(EV_CURRENT);
	d->elf = elf_begin(d->fd, ELF_C_READ_MMAP, NULL);
	if (!d->elf || elf_kind(d->elf) != ELF_K_ELF || !gelf_getehdr(d->elf, &eh)) {
		err = ERR(ERR_FORMAT, "%s is not an ELF file", path);
		goto fail;
	}
	d->ptr_size = gelf_getclass(d->elf) == ELFCLASS32 ? 4 : 8;
	d->machine = eh.e_machine;
	err = index_elf_symbols(d);
	if (err)
		goto fail;
	d->dw = dwarf_begin_elf(d->elf, DWARF_C_READ, NULL);
	if (!d->dw) {
		err = ERR(ERR_FORMAT, "%s has no DWARF debug information (%s)",
			  path, dw_msg());
		goto fail;
	}
	*ops = &dwarf_ops;
	*p = d;
	return NULL;
fail:
	dw_destroy(d);
	return err;
}
