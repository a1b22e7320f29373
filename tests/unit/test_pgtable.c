// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The page-table walker (arch/pgtable.c) through each arch's own init and
 * descriptor decoder, on page tables built in a fake physical memory:
 * tables of (mapping -> expected translation) per arch, granule and VA
 * size.  The tables are encoded here from the architecture manuals'
 * descriptor formats, independently of the decoders under test.
 */
#include "unit.h"

#include "arch/arch.h"
#include "arch/pgtable.h"
#include "kernel/kernel.h"
#include "kernel/vmcoreinfo.h"
#include "lib/error.h"
#include "lib/util.h"
#include "print_info.h"

/* ---- a sparse fake physical memory of table pages ---- */

#define FM_MAX_PAGES 256

struct fake_mem {
	unsigned int page_shift;
	size_t n;
	uint64_t pa[FM_MAX_PAGES];
	uint8_t *page[FM_MAX_PAGES];
	uint64_t next_table;	/* bump allocator for tables */
	unsigned int reads;
	struct pgtable *pt;	/* forgets its cache when the memory changes */
};

static void fm_init(struct fake_mem *m, unsigned int page_shift, uint64_t first_table)
{
	memset(m, 0, sizeof(*m));
	m->page_shift = page_shift;
	m->next_table = first_table;
}

static void fm_free(struct fake_mem *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->page[i]);
}

static uint8_t *fm_page(struct fake_mem *m, uint64_t pa, bool create)
{
	uint64_t base = pa & ~((1ull << m->page_shift) - 1);
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->pa[i] == base)
			return m->page[i];
	if (!create || m->n == FM_MAX_PAGES)
		return NULL;
	m->pa[m->n] = base;
	m->page[m->n] = calloc(1, (size_t)1 << m->page_shift);
	return m->page[m->n++];
}

static struct error *fm_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct fake_mem *m = ctx;
	uint8_t *out = buf;

	m->reads++;
	while (len) {
		uint64_t off = pa & ((1ull << m->page_shift) - 1);
		size_t n = (size_t)MIN((uint64_t)len, (1ull << m->page_shift) - off);
		uint8_t *p = fm_page(m, pa, false);

		if (!p)
			return ERR(ERR_NOTFOUND, "0x%llx is not in the fake memory",
				   (unsigned long long)pa);
		memcpy(out, p + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return NULL;
}

static bool fm_no_phys_base(void *ctx, uint64_t *v)
{
	return false;
}

static bool fm_no_segment(void *ctx, size_t i, uint64_t *va, uint64_t *pa,
			  uint64_t *size)
{
	return false;
}

static void fm_set(struct fake_mem *m, uint64_t pa, uint64_t v)
{
	uint8_t *p = fm_page(m, pa, true);
	unsigned int i;

	if (m->pt)
		pgtable_forget(m->pt);
	for (i = 0; i < 8; i++)
		p[(pa & ((1ull << m->page_shift) - 1)) + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t fm_get(struct fake_mem *m, uint64_t pa)
{
	uint8_t *p = fm_page(m, pa, false);
	uint64_t v = 0;
	unsigned int i;

	if (!p)
		return 0;
	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[(pa & ((1ull << m->page_shift) - 1)) + i] << (8 * i);
	return v;
}

static uint64_t fm_new_table(struct fake_mem *m)
{
	uint64_t pa = m->next_table;

	m->next_table += 1ull << m->page_shift;
	fm_page(m, pa, true);
	return pa;
}

/* ---- a kernel model over the fake memory ---- */

struct model {
	struct kernel k;
	struct vmcoreinfo *vi;
	struct fake_mem mem;
	struct printer pr;
	char *out;
	size_t out_len;
	FILE *outf;
};

/* Parse @vmcoreinfo and run @arch's init; false (and a failure) if it fails. */
static bool model_open(struct model *md, const struct arch_ops *arch,
		       unsigned int page_shift, const char *vmcoreinfo)
{
	struct error *err = vmcoreinfo_parse(vmcoreinfo, strlen(vmcoreinfo), &md->vi);

	if (err) {
		unit_fail(__FILE__, __LINE__, "vmcoreinfo: %s", err->msg);
		error_free(err);
		return false;
	}
	md->outf = open_memstream(&md->out, &md->out_len);
	printer_init(&md->pr, ML_COMMON, false);
	md->pr.out = md->outf;
	md->pr.err = md->outf;
	md->k.pr = &md->pr;
	md->k.vi = md->vi;
	md->k.arch = arch;
	md->k.page_shift = page_shift;
	md->k.page_size = 1u << page_shift;
	md->k.version = KERNEL_VERSION(6, 12, 0);
	md->k.struct_page_size = 64;
	md->k.in.ctx = &md->mem;
	md->k.in.read_phys = fm_read;
	md->k.in.phys_base = fm_no_phys_base;
	md->k.in.segment = fm_no_segment;
	err = arch->init(&md->k);
	if (err) {
		unit_fail(__FILE__, __LINE__, "%s init: %s", arch->name, err->msg);
		error_free(err);
		return false;
	}
	md->mem.pt = md->k.pt;
	return true;
}

static void model_close(struct model *md)
{
	md->mem.pt = NULL;
	if (md->k.arch)
		md->k.arch->cleanup(&md->k);
	vmcoreinfo_free(md->vi);
	if (md->outf)
		fclose(md->outf);
	free(md->out);
	fm_free(&md->mem);
}

/* Expect @va -> @pa in a leaf of @leaf bytes. */
#define CHECK_VTOP(md, va, want_pa, want_leaf)                                 \
	do {                                                                   \
		uint64_t pa_ = 0, leaf_ = 0;                                   \
		struct error *e_ = kernel_vtop(&(md)->k, (va), &pa_, &leaf_);  \
		if (e_) {                                                      \
			unit_fail(__FILE__, __LINE__, "vtop(0x%llx): %s",      \
				  (unsigned long long)(va), e_->msg);          \
			error_free(e_);                                        \
		} else {                                                       \
			CHECK_EQ(pa_, (uint64_t)(want_pa));                    \
			CHECK_EQ(leaf_, (uint64_t)(want_leaf));                \
		}                                                              \
	} while (0)

#define CHECK_UNMAPPED(md, va)                                                 \
	do {                                                                   \
		uint64_t pa_, leaf_;                                           \
		struct error *e_ = kernel_vtop(&(md)->k, (va), &pa_, &leaf_);  \
		CHECK_MSG(e_ != NULL, "0x%llx translated to 0x%llx",           \
			  (unsigned long long)(va), (unsigned long long)pa_);  \
		error_free(e_);                                                \
	} while (0)

/* ---- walks ---- */

struct leaves {
	unsigned int n;
	uint64_t va[64], pa[64], size[64];
	bool unordered;
};

static int collect(void *arg, uint64_t va, uint64_t pa, uint64_t size)
{
	struct leaves *l = arg;

	if (l->n && va <= l->va[l->n - 1])
		l->unordered = true;
	if (l->n < 64) {
		l->va[l->n] = va;
		l->pa[l->n] = pa;
		l->size[l->n] = size;
	}
	l->n++;
	return 0;
}

/* ======================= aarch64 ======================= */

enum a64_oa { A64_OA48, A64_LPA2, A64_LPA };

struct a64 {
	unsigned int page_shift, va_bits, va_actual, levels;
	enum a64_oa oa;
	uint64_t root;
	struct model md;
};

#define A64_KIMAGE_VOFFSET 0xffff7fff80000000ull
#define A64_AF (1ull << 10)
#define A64_SH_INNER (3ull << 8)
#define A64_PXN (1ull << 53)
#define A64_UXN (1ull << 54)
#define A64_CONT (1ull << 52)

static uint64_t a64_enc(const struct a64 *a, uint64_t pa)
{
	switch (a->oa) {
	case A64_LPA2:
		return (pa & ((1ull << 50) - 1)) | ((pa >> 50) & 3) << 8;
	case A64_LPA:
		return (pa & ((1ull << 48) - 1)) | ((pa >> 48) & 0xf) << 12;
	default:
		return pa;
	}
}

/* Attributes a kernel puts in leaves; SH sits in [9:8] unless LPA2. */
static uint64_t a64_attrs(const struct a64 *a)
{
	return A64_AF | A64_PXN | A64_UXN | A64_CONT |
	       (a->oa == A64_LPA2 ? 0 : A64_SH_INNER) | (1ull << 2);
}

static unsigned int a64_shift(const struct a64 *a, unsigned int level)
{
	return a->page_shift + (a->page_shift - 3) * level;
}

static unsigned int a64_index(const struct a64 *a, uint64_t va, unsigned int level)
{
	unsigned int bits = level == a->levels - 1 ?
			    a->va_actual - a64_shift(a, level) : a->page_shift - 3;

	return (unsigned int)(va >> a64_shift(a, level)) & ((1u << bits) - 1);
}

/* Map @va to @pa with a leaf at @level (0: page; else a block). */
static void a64_map(struct a64 *a, uint64_t va, uint64_t pa, unsigned int level)
{
	struct fake_mem *m = &a->md.mem;
	uint64_t table = a->root;
	int l;

	for (l = (int)a->levels - 1; l > (int)level; l--) {
		uint64_t slot = table + 8 * a64_index(a, va, (unsigned int)l);
		uint64_t e = fm_get(m, slot);

		if (!e) {
			uint64_t t = fm_new_table(m);

			e = a64_enc(a, t) | 3 | (1ull << 63);	/* NSTable-style high bit */
			fm_set(m, slot, e);
		}
		/* Decode our own encoding back: the next table. */
		table = a->oa == A64_LPA2 ?
			((e & ((1ull << 50) - 1)) | ((e >> 8) & 3) << 50) :
			a->oa == A64_LPA ?
			((e & ((1ull << 48) - 1)) | ((e >> 12) & 0xf) << 48) :
			(e & ((1ull << 48) - 1));
		table &= ~((1ull << a->page_shift) - 1);
	}
	fm_set(m, table + 8 * a64_index(a, va, level),
	       a64_enc(a, pa) | a64_attrs(a) | (level ? 1 : 3));
}

/*
 * An arm64 kernel of @page_shift granule, built with VA_BITS=@va_bits and
 * running with @va_actual bits (T1SZ); tables live from @table_base on.
 * a64_prepare makes the root table, a64_start runs the arch's init.
 */
static void a64_prepare(struct a64 *a, unsigned int page_shift, unsigned int va_bits,
			unsigned int va_actual, enum a64_oa oa, uint64_t table_base)
{
	unsigned int bpl = page_shift - 3;

	memset(a, 0, sizeof(*a));
	a->page_shift = page_shift;
	a->va_bits = va_bits;
	a->va_actual = va_actual;
	a->oa = oa;
	a->levels = (va_actual - page_shift + bpl - 1) / bpl;
	fm_init(&a->md.mem, page_shift, table_base);
	a->root = fm_new_table(&a->md.mem);
}

static bool a64_start(struct a64 *a, unsigned int physmem_bits, uint64_t pac_mask,
		      bool t1sz, uint64_t swapper_pa)
{
	char text[1024], t1[64] = "";

	if (t1sz)
		snprintf(t1, sizeof(t1), "NUMBER(TCR_EL1_T1SZ)=0x%x\n", 64 - a->va_actual);
	snprintf(text, sizeof(text),
		 "OSRELEASE=6.12.0\nPAGESIZE=%u\nSIZE(page)=64\n"
		 "NUMBER(VA_BITS)=%u\n%s"
		 "NUMBER(kimage_voffset)=0x%llx\nNUMBER(PHYS_OFFSET)=0x40000000\n"
		 "NUMBER(MAX_PHYSMEM_BITS)=%u\nNUMBER(KERNELPACMASK)=0x%llx\n"
		 "SYMBOL(swapper_pg_dir)=%llx\n",
		 1u << a->page_shift, a->va_bits, t1,
		 (unsigned long long)A64_KIMAGE_VOFFSET, physmem_bits,
		 (unsigned long long)pac_mask,
		 (unsigned long long)(swapper_pa + A64_KIMAGE_VOFFSET));
	return model_open(&a->md, &arch_aarch64, a->page_shift, text);
}

static bool a64_open(struct a64 *a, unsigned int page_shift, unsigned int va_bits,
		     unsigned int va_actual, enum a64_oa oa, uint64_t table_base,
		     unsigned int physmem_bits, uint64_t pac_mask)
{
	a64_prepare(a, page_shift, va_bits, va_actual, oa, table_base);
	return a64_start(a, physmem_bits, pac_mask, true, a->root);
}

struct a64_case {
	const char *name;
	unsigned int page_shift, va_bits, va_actual;
	enum a64_oa oa;
	unsigned int physmem_bits;
	unsigned int block_levels;	/* levels where blocks exist */
	unsigned int levels;		/* expected */
};

static const struct a64_case a64_cases[] = {
	{ "4K/39", 12, 39, 39, A64_OA48, 48, 0x6, 3 },
	{ "4K/48", 12, 48, 48, A64_OA48, 48, 0x6, 4 },
	{ "4K/52 LPA2", 12, 52, 52, A64_LPA2, 52, 0xe, 5 },
	{ "4K/52 on 48", 12, 52, 48, A64_OA48, 52, 0x6, 4 },
	{ "16K/36", 14, 36, 36, A64_OA48, 48, 0x2, 2 },
	{ "16K/47", 14, 47, 47, A64_OA48, 48, 0x2, 3 },
	{ "16K/48", 14, 48, 48, A64_OA48, 48, 0x2, 4 },
	{ "16K/52 LPA2", 14, 52, 52, A64_LPA2, 52, 0x6, 4 },
	{ "16K/52 on 47", 14, 52, 47, A64_OA48, 52, 0x2, 3 },
	{ "64K/42", 16, 42, 42, A64_OA48, 48, 0x2, 2 },
	{ "64K/48", 16, 48, 48, A64_OA48, 48, 0x2, 3 },
	{ "64K/52 LPA", 16, 52, 52, A64_LPA, 52, 0x6, 3 },
	{ "64K/48 PA52", 16, 48, 48, A64_LPA, 52, 0x6, 3 },
};

/* A physical address using every OA bit the format has, aligned to @align. */
static uint64_t a64_high_pa(const struct a64 *a, uint64_t align, uint64_t salt)
{
	uint64_t top = a->oa == A64_OA48 ? 48 : 52;
	uint64_t pa = ((0xa5a5a5a5a5a5a5a5ull ^ salt) & ((1ull << top) - 1));

	return pa & ~(align - 1);
}

static void a64_run_case(const struct a64_case *c)
{
	struct a64 a;
	uint64_t table_base = c->oa == A64_LPA2 ? 0x000c000040000000ull :
			      c->oa == A64_LPA ? 0x000b000040000000ull : 0x40000000ull;
	uint64_t kva_base = ~0ull << c->va_actual;
	unsigned int level;

	if (!a64_open(&a, c->page_shift, c->va_bits, c->va_actual, c->oa, table_base,
		      c->physmem_bits, 0))
		goto out;
	CHECK_EQ(a.md.k.pt->f.levels, c->levels);
	CHECK_EQ(a.md.k.pt->root, a.root + (c->page_shift == 16 && c->va_bits == 52 &&
					    c->va_actual == 48 ?
					    (1024 - 64) * 8 : 0));
	/*
	 * A page and, at every level allowed, a block: below the top in
	 * slots of their own in the second table, top-level ones in the
	 * last top slot.
	 */
	for (level = 0; level < c->levels; level++) {
		uint64_t size = 1ull << a64_shift(&a, level);
		uint64_t second = c->levels >= 2 ? 1ull << a64_shift(&a, c->levels - 2) : 0;
		uint64_t va = kva_base + (uint64_t)(level + 1) * 2 * second;
		uint64_t pa = a64_high_pa(&a, size, level);

		if (level == c->levels - 1)
			va = kva_base + ((1ull << c->va_actual) - size);
		if (level && !(c->block_levels & (1u << level))) {
			/* A block where the granule has none is invalid. */
			a64_map(&a, va, pa, level);
			CHECK_UNMAPPED(&a.md, va);
			continue;
		}
		a64_map(&a, va, pa, level);
		CHECK_VTOP(&a.md, va, pa, size);
		CHECK_VTOP(&a.md, va + size - 8, pa + size - 8, size);
		CHECK_VTOP(&a.md, va + 0x123, pa + 0x123, size);
		/* Neighbours stay unmapped. */
		CHECK_UNMAPPED(&a.md, va + size);
	}
	/* Outside the translated half: refused, not walked. */
	CHECK_UNMAPPED(&a.md, kva_base - 0x1000);
	CHECK_UNMAPPED(&a.md, 0x0000123456789000ull);
out:
	model_close(&a.md);
}

TEST(aarch64_granule_va_matrix)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(a64_cases); i++) {
		int before = unit_failures;

		a64_run_case(&a64_cases[i]);
		if (unit_failures != before)
			printf("  ^ in case %s\n", a64_cases[i].name);
	}
}

TEST(aarch64_invalid_entries)
{
	struct a64 a;
	uint64_t kva = 0xffff000012345000ull;

	if (!a64_open(&a, 12, 48, 48, A64_OA48, 0x40000000, 48, 0))
		goto out;
	a64_map(&a, kva, 0x80000000ull, 0);
	CHECK_VTOP(&a.md, kva, 0x80000000ull, 4096);
	/* Last level, bits [1:0] = 01: reserved. */
	{
		uint64_t pte_table = 0x40000000ull + 3 * 4096;	/* the 4th table made */
		uint64_t slot = pte_table + 8 * ((kva >> 12) & 511);

		CHECK_EQ(fm_get(&a.md.mem, slot) & 3, 3);
		fm_set(&a.md.mem, slot, (fm_get(&a.md.mem, slot) & ~3ull) | 1);
		CHECK_UNMAPPED(&a.md, kva);
		fm_set(&a.md.mem, slot, fm_get(&a.md.mem, slot) & ~3ull);
		CHECK_UNMAPPED(&a.md, kva);
	}
	/* A 512 GiB block in a 48-bit 4K level-0 table does not exist. */
	fm_set(&a.md.mem, a.root + 8 * 300, 0x8000000000ull | 1 | A64_AF);
	CHECK_UNMAPPED(&a.md, (~0ull << 48) + 300 * (1ull << 39));
	/* An entry pointing outside memory: an error, not a crash. */
	fm_set(&a.md.mem, a.root + 8 * 301, 0x0000fff000000000ull | 3);
	CHECK_UNMAPPED(&a.md, (~0ull << 48) + 301 * (1ull << 39));
out:
	model_close(&a.md);
}

TEST(aarch64_walk_blocks_and_loops)
{
	struct a64 a;
	struct leaves l = { 0 };
	uint64_t base = 0xffff800000000000ull;
	struct error *err;

	if (!a64_open(&a, 12, 48, 48, A64_OA48, 0x40000000, 48, 0))
		goto out;
	a64_map(&a, base, 0x1000000ull, 0);
	a64_map(&a, base + 0x200000, 0x40000000ull, 1);
	a64_map(&a, base + 0x40000000, 0x80000000ull, 2);
	/* A level-2 entry pointing back at the root: walked once. */
	fm_set(&a.md.mem, a.root + 8 * 257, a.root | 3);
	err = kernel_walk(&a.md.k, base, base + (2ull << 39), collect, &l);
	CHECK(err == NULL);
	error_free(err);
	CHECK(!l.unordered);
	CHECK_EQ(l.n, 3);
	CHECK_EQ(l.va[0], base);
	CHECK_EQ(l.pa[0], 0x1000000ull);
	CHECK_EQ(l.size[0], 4096);
	CHECK_EQ(l.va[1], base + 0x200000);
	CHECK_EQ(l.size[1], 2ull << 20);
	CHECK_EQ(l.pa[2], 0x80000000ull);
	CHECK_EQ(l.size[2], 1ull << 30);
	/* A walk of a range inside one block reports that block once. */
	memset(&l, 0, sizeof(l));
	err = kernel_walk(&a.md.k, base + 0x40001000, base + 0x40002000, collect, &l);
	CHECK(err == NULL);
	error_free(err);
	CHECK_EQ(l.n, 1);
out:
	model_close(&a.md);
}

TEST(aarch64_pac_and_tag_bits_are_stripped)
{
	struct a64 a;
	uint64_t kva = 0xffff000012345000ull;
	uint64_t pac = 0xff7f000000000000ull;	/* GENMASK(63, 48), bit 55 aside */

	if (!a64_open(&a, 12, 48, 48, A64_OA48, 0x40000000, 48, pac))
		goto out;
	a64_map(&a, kva, 0x7654000ull, 0);
	CHECK_VTOP(&a.md, kva, 0x7654000ull, 4096);
	/* A signed pointer: a code in bits [54:48] and the top byte. */
	CHECK_VTOP(&a.md, (kva & ~pac) | 0x0035000000000000ull | 0xa200000000000000ull,
		   0x7654000ull, 4096);
	/* User addresses (bit 55 clear) are not kernel ones. */
	CHECK_UNMAPPED(&a.md, kva & 0x0000ffffffffffffull);
out:
	model_close(&a.md);
}

TEST(aarch64_print_vtop)
{
	struct a64 a;
	uint64_t kva = 0xffff000040000000ull;

	if (!a64_open(&a, 16, 52, 52, A64_LPA, 0x000b000040000000ull, 52, 0))
		goto out;
	a64_map(&a, kva, 0x000e000020000000ull, 1);
	kernel_print_vtop(&a.md.k, kva + 0x1234);
	fflush(a.md.outf);
	CHECK_CONTAINS(a.md.out, "PGD");
	CHECK_CONTAINS(a.md.out, "PAGE:    e000020001234  (512MB)");
out:
	model_close(&a.md);
}

/* The 52-bit 64K PGD of a kernel running 48-bit: TTBR1 points into it. */
TEST(aarch64_64k_52_on_48_uses_the_pgd_tail)
{
	struct a64 a;
	uint64_t kva = 0xffff000000000000ull + (5ull << 42) + 0x10000;

	if (!a64_open(&a, 16, 52, 48, A64_OA48, 0x40000000, 48, 0))
		goto out;
	/* The kernel's pgd_index(): 52-bit indices, the last 64 entries. */
	a.root += (1024 - 64) * 8;
	a64_map(&a, kva, 0x90000ull << 16, 0);
	CHECK_VTOP(&a.md, kva, 0x90000ull << 16, 65536);
out:
	model_close(&a.md);
}

/*
 * Before 5.12 (no TCR_EL1_T1SZ) a VA_BITS=52 64K kernel may run 48-bit;
 * its PGD is indexed with 52-bit indices either way (TTBR1 points at the
 * tail), so the 52-bit walk translates what the 48-bit kernel maps.
 */
TEST(aarch64_52_without_t1sz)
{
	unsigned int actual;

	for (actual = 48; actual <= 52; actual += 4) {
		struct a64 a;
		uint64_t swapper_pa, kva = (~0ull << 48) + (7ull << 42) + 0x30000;

		a64_prepare(&a, 16, 52, actual, A64_LPA, 0x40000000);
		swapper_pa = a.root;
		if (actual == 48)
			a.root += (1024 - 64) * 8;
		/* The kernel image maps swapper_pg_dir, as every kernel does. */
		a64_map(&a, swapper_pa + A64_KIMAGE_VOFFSET, swapper_pa, 0);
		a64_map(&a, kva, 0x5550000ull, 0);
		if (a64_start(&a, 52, 0, false, swapper_pa)) {
			CHECK_EQ(a.md.k.pt->f.va_bits, 52);
			CHECK_VTOP(&a.md, kva, 0x5550000ull, 65536);
			CHECK_VTOP(&a.md, swapper_pa + A64_KIMAGE_VOFFSET + 0x18,
				   swapper_pa + 0x18, 65536);
		}
		model_close(&a.md);
	}
}

TEST(aarch64_layout_facts)
{
	struct a64 a;

	if (!a64_open(&a, 12, 52, 48, A64_OA48, 0x40000000, 48, 0))
		goto out;
	/* 6.12 fixture layout: PAGE_OFFSET from the build's 52 bits. */
	CHECK_EQ(kernel_direct_map_offset(&a.md.k), 0xfff0000000000000ull - 0x40000000ull);
	CHECK_EQ(a.md.k.phys_base, 0x40000000ull);
	CHECK_EQ(kernel_phys_bits(&a.md.k), 48);
	CHECK_EQ(kernel_section_bits(&a.md.k), 27);
out:
	model_close(&a.md);
}

/* The vmemmap base as memory.h computes it; defaults by version and granule. */
TEST(aarch64_vmemmap_and_section_defaults)
{
	static const char text[] =
		"OSRELEASE=6.1.0\nPAGESIZE=4096\nSIZE(page)=64\nNUMBER(VA_BITS)=48\n"
		"NUMBER(TCR_EL1_T1SZ)=0x10\nNUMBER(kimage_voffset)=0xffffde6948000000\n"
		"NUMBER(PHYS_OFFSET)=0xfffff70b80000000\n"
		"NUMBER(VMEMMAP_START)=0xfffffc0000000000\n"
		"SYMBOL(swapper_pg_dir)=ffffde6989858000\n";
	struct model md = { 0 };

	if (model_open(&md, &arch_aarch64, 12, text)) {
		/* The 6.1 fixture's vmemmap (kernel_runtime in its manifest). */
		CHECK_EQ(arch_aarch64.vmemmap_base(&md.k), 0xfffffc23d2000000ull);
		CHECK_EQ(kernel_direct_map_offset(&md.k), 0xffff08f480000000ull);
		CHECK_EQ(kernel_section_bits(&md.k), 27);
		md.k.version = KERNEL_VERSION(5, 10, 0);
		CHECK_EQ(kernel_section_bits(&md.k), 30);
		md.k.page_shift = 16;
		md.k.version = KERNEL_VERSION(6, 1, 0);
		CHECK_EQ(kernel_section_bits(&md.k), 29);
	}
	model_close(&md);
}

TEST(aarch64_refuses_bad_layouts)
{
	static const char *const bad[] = {
		"OSRELEASE=6.1.0\nPAGESIZE=8192\nNUMBER(VA_BITS)=48\n",
		"OSRELEASE=6.1.0\nPAGESIZE=4096\n",
		"OSRELEASE=6.1.0\nPAGESIZE=4096\nNUMBER(VA_BITS)=48\nNUMBER(TCR_EL1_T1SZ)=0x8\n",
		"OSRELEASE=6.1.0\nPAGESIZE=4096\nNUMBER(VA_BITS)=48\n"
		"NUMBER(kimage_voffset)=0x1\nNUMBER(PHYS_OFFSET)=0\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct model md = { 0 };
		struct error *err = vmcoreinfo_parse(bad[i], strlen(bad[i]), &md.vi);

		CHECK(err == NULL);
		error_free(err);
		md.k.vi = md.vi;
		md.k.arch = &arch_aarch64;
		md.k.page_size = i == 0 ? 8192 : 4096;
		md.k.page_shift = i == 0 ? 13 : 12;
		md.k.in.ctx = &md.mem;
		md.k.in.read_phys = fm_read;
		md.k.in.phys_base = fm_no_phys_base;
		md.k.in.segment = fm_no_segment;
		err = arch_aarch64.init(&md.k);
		CHECK_MSG(err != NULL, "case %zu accepted", i);
		error_free(err);
		model_close(&md);
	}
}

/* ======================= x86_64 ======================= */

#define X86_KMAP 0xffffffff80000000ull
#define X86_PHYS_BASE 0x1000000ull
#define X86_P 0x1ull
#define X86_RW 0x2ull
#define X86_PSE 0x80ull
#define X86_NX (1ull << 63)

struct x86 {
	unsigned int levels;
	uint64_t sme, root;
	struct model md;
};

static bool x86_open(struct x86 *x, unsigned int levels, uint64_t sme)
{
	char text[512];

	memset(x, 0, sizeof(*x));
	x->levels = levels;
	x->sme = sme;
	fm_init(&x->md.mem, 12, 0x3000000);
	x->root = fm_new_table(&x->md.mem);
	snprintf(text, sizeof(text),
		 "OSRELEASE=6.1.0\nPAGESIZE=4096\nSIZE(page)=64\n"
		 "SYMBOL(init_top_pgt)=%llx\nNUMBER(phys_base)=%llu\n"
		 "NUMBER(pgtable_l5_enabled)=%d\nNUMBER(sme_mask)=%llu\n",
		 (unsigned long long)(x->root - X86_PHYS_BASE + X86_KMAP),
		 (unsigned long long)X86_PHYS_BASE, levels == 5,
		 (unsigned long long)sme);
	return model_open(&x->md, &arch_x86_64, 12, text);
}

static void x86_map(struct x86 *x, uint64_t va, uint64_t pa, unsigned int level)
{
	struct fake_mem *m = &x->md.mem;
	uint64_t table = x->root;
	int l;

	for (l = (int)x->levels - 1; l > (int)level; l--) {
		uint64_t slot = table + 8 * ((va >> (12 + 9 * l)) & 511);
		uint64_t e = fm_get(m, slot);

		if (!e) {
			e = fm_new_table(m) | X86_P | X86_RW | x->sme;
			fm_set(m, slot, e);
		}
		table = e & 0x000ffffffffff000ull & ~x->sme;
	}
	fm_set(m, table + 8 * ((va >> (12 + 9 * level)) & 511),
	       pa | X86_P | X86_RW | X86_NX | x->sme | (level ? X86_PSE : 0));
}

static void x86_run(unsigned int levels, uint64_t sme)
{
	struct x86 x;
	uint64_t dm = levels == 5 ? 0xff11000000000000ull : 0xffff888000000000ull;
	struct leaves l = { 0 };
	struct error *err;

	if (!x86_open(&x, levels, sme))
		goto out;
	CHECK_EQ(x.md.k.phys_base, X86_PHYS_BASE);
	CHECK_EQ(x.md.k.pt->root, x.root);
	x86_map(&x, dm + 0x5000, 0x7000, 0);
	x86_map(&x, dm + 0x200000, 0x40000000, 1);
	x86_map(&x, dm + 0x40000000, 0x80000000, 2);
	x86_map(&x, X86_KMAP + 0x1000000, 0x2000000, 1);
	CHECK_VTOP(&x.md, dm + 0x5008, 0x7008, 4096);
	CHECK_VTOP(&x.md, dm + 0x2fffff, 0x400fffff, 2ull << 20);
	CHECK_VTOP(&x.md, dm + 0x7fffffff, 0xbfffffff, 1ull << 30);
	CHECK_VTOP(&x.md, X86_KMAP + 0x1134567, 0x2134567, 2ull << 20);
	CHECK_UNMAPPED(&x.md, dm + 0x6000);
	/* Non-canonical for the paging mode. */
	CHECK_UNMAPPED(&x.md, levels == 5 ? 0x0100000000000000ull : 0x0000800000000000ull);
	err = kernel_walk(&x.md.k, dm, dm + (2ull << 30), collect, &l);
	CHECK(err == NULL);
	error_free(err);
	CHECK_EQ(l.n, 3);
	CHECK(!l.unordered);
	CHECK_EQ(l.size[0] + l.size[1] + l.size[2], 4096 + (2ull << 20) + (1ull << 30));
	kernel_print_vtop(&x.md.k, dm + 0x2fffff);
	fflush(x.md.outf);
	CHECK_CONTAINS(x.md.out, "PAGE:         400fffff  (2MB)");
out:
	model_close(&x.md);
}

TEST(x86_64_4level)
{
	x86_run(4, 0);
}

TEST(x86_64_5level)
{
	x86_run(5, 0);
}

TEST(x86_64_sme_bit)
{
	x86_run(4, 1ull << 47);
	x86_run(5, 1ull << 51);
}

TEST(x86_64_pse_only_at_pmd_and_pud)
{
	struct x86 x;
	uint64_t va = 0xffff888000000000ull;

	if (!x86_open(&x, 4, 0))
		goto out;
	x86_map(&x, va, 0x5000, 0);
	/* PSE on a PML4 entry means nothing: it stays a table pointer. */
	fm_set(&x.md.mem, x.root + 8 * ((va >> 39) & 511),
	       fm_get(&x.md.mem, x.root + 8 * ((va >> 39) & 511)) | X86_PSE);
	CHECK_VTOP(&x.md, va, 0x5000, 4096);
out:
	model_close(&x.md);
}

TEST(x86_64_loop_is_walked_once)
{
	struct x86 x;
	uint64_t va = 0xffff888000000000ull;
	struct leaves l = { 0 };
	struct error *err;

	if (!x86_open(&x, 4, 0))
		goto out;
	x86_map(&x, va, 0x5000, 0);
	/* Every free PML4 slot of the upper half points at the PML4. */
	{
		unsigned int i;

		for (i = 256; i < 512; i++)
			if (!fm_get(&x.md.mem, x.root + 8 * i))
				fm_set(&x.md.mem, x.root + 8 * i, x.root | X86_P);
	}
	err = kernel_walk(&x.md.k, 0xffff800000000000ull, UINT64_MAX, collect, &l);
	CHECK(err == NULL);
	error_free(err);
	CHECK_EQ(l.n, 1);
	CHECK(x.md.mem.reads < 2000);
out:
	model_close(&x.md);
}

TEST(arch_registry)
{
	CHECK(arch_by_machine(62) == &arch_x86_64);
	CHECK(arch_by_machine(183) == &arch_aarch64);
	CHECK(arch_by_machine(22) == NULL);
	CHECK(arch_by_uts("aarch64") == &arch_aarch64);
	CHECK(arch_by_uts("x86_64") == &arch_x86_64);
	CHECK(arch_by_uts("s390x") == NULL);
}

TEST(pgtable_refuses_impossible_geometry)
{
	struct pgtable pt;
	struct pt_format f = { .page_shift = 12, .levels = 4, .va_bits = 58,
			       .decode = NULL };
	struct error *err = pgtable_init(&pt, &f, 0, fm_read, NULL, NULL);

	CHECK(err != NULL);
	error_free(err);
}

