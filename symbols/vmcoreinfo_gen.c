// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Generating VMCOREINFO from a vmlinux.  The table follows the kernel's
 * own list (kernel/vmcore_info.c, formerly kernel/crash_core.c, and the
 * arch_crash_save_vmcoreinfo() of each architecture) in its order.  Most
 * entries are exported by the kernel exactly when the thing they describe
 * exists, so an entry is written when DWARF knows it; the few that are
 * tied to a version or to another entry say so.
 */
#include "vmcoreinfo_gen.h"
#include "symbols.h"

#include "../kernel/kernel.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../lib/util.h"

#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum how {
	SYM,		/* SYMBOL(name): address of name */
	SIZE_,		/* SIZE(name) */
	OFFSET_,	/* OFFSET(type.member) */
	LENGTH_MEMBER,	/* LENGTH(type.member): array member's length */
	LENGTH_VAR,	/* LENGTH(name): array variable's length */
	ENUM_,		/* NUMBER(name): enumeration constant */
	SPECIAL,	/* computed by special() */
};

#define ARCH_ANY 0
#define ARCH_X86_64 EM_X86_64
#define ARCH_ARM64 EM_AARCH64

struct gen_entry {
	enum how how;
	const char *name;	/* as in the key */
	uint16_t arch;		/* ARCH_ANY or one e_machine */
	const char *needs;	/* written only if this symbol exists */
	uint32_t min_version;	/* 0: any */
};

#define V(a, b) KERNEL_VERSION(a, b, 0)

static const struct gen_entry table[] = {
	{ .how = SPECIAL, .name = "OSRELEASE" },
	{ .how = SPECIAL, .name = "BUILD-ID" },
	{ .how = SPECIAL, .name = "PAGESIZE" },
	{ .how = SYM, .name = "init_uts_ns" },
	{ .how = OFFSET_, .name = "uts_namespace.name" },
	{ .how = SPECIAL, .name = "SYMBOL(node_online_map)" },
	{ .how = SPECIAL, .name = "SYMBOL(swapper_pg_dir)" },
	{ .how = SYM, .name = "_stext" },
	{ .how = SYM, .name = "vmap_area_list" },
	{ .how = SPECIAL, .name = "SYMBOL(mem_section)" },
	{ .how = SPECIAL, .name = "LENGTH(mem_section)" },
	{ .how = SIZE_, .name = "mem_section" },
	{ .how = OFFSET_, .name = "mem_section.section_mem_map" },
	{ .how = SPECIAL, .name = "NUMBER(SECTION_SIZE_BITS)" },
	{ .how = SPECIAL, .name = "NUMBER(MAX_PHYSMEM_BITS)" },
	{ .how = SIZE_, .name = "page" },
	{ .how = SIZE_, .name = "pglist_data" },
	{ .how = SIZE_, .name = "zone" },
	{ .how = SIZE_, .name = "free_area" },
	{ .how = SIZE_, .name = "list_head" },
	{ .how = SIZE_, .name = "nodemask_t" },
	{ .how = OFFSET_, .name = "page.flags" },
	{ .how = OFFSET_, .name = "page._refcount" },
	{ .how = OFFSET_, .name = "page.mapping" },
	{ .how = OFFSET_, .name = "page.lru" },
	{ .how = OFFSET_, .name = "page._mapcount" },
	{ .how = OFFSET_, .name = "page.private" },
	{ .how = OFFSET_, .name = "page.compound_dtor" },
	{ .how = OFFSET_, .name = "page.compound_order" },
	{ .how = OFFSET_, .name = "page.compound_head" },
	{ .how = OFFSET_, .name = "pglist_data.node_zones" },
	{ .how = OFFSET_, .name = "pglist_data.nr_zones" },
	{ .how = OFFSET_, .name = "pglist_data.node_mem_map" },
	{ .how = OFFSET_, .name = "pglist_data.node_start_pfn" },
	{ .how = OFFSET_, .name = "pglist_data.node_spanned_pages" },
	{ .how = OFFSET_, .name = "pglist_data.node_id" },
	{ .how = OFFSET_, .name = "zone.free_area" },
	{ .how = OFFSET_, .name = "zone.vm_stat" },
	{ .how = OFFSET_, .name = "zone.spanned_pages" },
	{ .how = OFFSET_, .name = "free_area.free_list" },
	{ .how = OFFSET_, .name = "list_head.next" },
	{ .how = OFFSET_, .name = "list_head.prev" },
	{ .how = OFFSET_, .name = "vmap_area.va_start", .needs = "vmap_area_list" },
	{ .how = OFFSET_, .name = "vmap_area.list", .needs = "vmap_area_list" },
	{ .how = LENGTH_MEMBER, .name = "zone.free_area" },
	/* the kernel log: the lockless ring buffer (5.10+) ... */
	{ .how = SYM, .name = "prb" },
	{ .how = SYM, .name = "printk_rb_static", .needs = "prb" },
	{ .how = SYM, .name = "clear_seq", .needs = "prb" },
	{ .how = SIZE_, .name = "printk_ringbuffer", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_ringbuffer.desc_ring", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_ringbuffer.text_data_ring", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_ringbuffer.fail", .needs = "prb" },
	{ .how = SIZE_, .name = "prb_desc_ring", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_desc_ring.count_bits", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_desc_ring.descs", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_desc_ring.infos", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_desc_ring.head_id", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_desc_ring.tail_id", .needs = "prb" },
	{ .how = SIZE_, .name = "prb_desc", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_desc.state_var", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_desc.text_blk_lpos", .needs = "prb" },
	{ .how = SIZE_, .name = "prb_data_blk_lpos", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_data_blk_lpos.begin", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_data_blk_lpos.next", .needs = "prb" },
	{ .how = SIZE_, .name = "printk_info", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_info.seq", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_info.ts_nsec", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_info.text_len", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_info.caller_id", .needs = "prb" },
	{ .how = OFFSET_, .name = "printk_info.dev_info", .needs = "prb" },
	{ .how = SIZE_, .name = "dev_printk_info", .needs = "prb" },
	{ .how = OFFSET_, .name = "dev_printk_info.subsystem", .needs = "prb" },
	{ .how = SPECIAL, .name = "LENGTH(printk_info_subsystem)", .needs = "prb" },
	{ .how = OFFSET_, .name = "dev_printk_info.device", .needs = "prb" },
	{ .how = SPECIAL, .name = "LENGTH(printk_info_device)", .needs = "prb" },
	{ .how = SIZE_, .name = "prb_data_ring", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_data_ring.size_bits", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_data_ring.data", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_data_ring.head_lpos", .needs = "prb" },
	{ .how = OFFSET_, .name = "prb_data_ring.tail_lpos", .needs = "prb" },
	{ .how = SIZE_, .name = "atomic_long_t", .needs = "prb" },
	{ .how = OFFSET_, .name = "atomic_long_t.counter", .needs = "prb" },
	{ .how = SIZE_, .name = "latched_seq", .needs = "prb" },
	{ .how = OFFSET_, .name = "latched_seq.val", .needs = "prb" },
	/* ... or the older log_buf of struct printk_log records */
	{ .how = SYM, .name = "log_buf", .needs = "log_first_idx" },
	{ .how = SYM, .name = "log_buf_len", .needs = "log_first_idx" },
	{ .how = SYM, .name = "log_first_idx" },
	{ .how = SYM, .name = "clear_idx", .needs = "log_first_idx" },
	{ .how = SYM, .name = "log_next_idx", .needs = "log_first_idx" },
	{ .how = SIZE_, .name = "printk_log", .needs = "log_first_idx" },
	{ .how = OFFSET_, .name = "printk_log.ts_nsec", .needs = "log_first_idx" },
	{ .how = OFFSET_, .name = "printk_log.len", .needs = "log_first_idx" },
	{ .how = OFFSET_, .name = "printk_log.text_len", .needs = "log_first_idx" },
	{ .how = OFFSET_, .name = "printk_log.dict_len", .needs = "log_first_idx" },
	{ .how = SPECIAL, .name = "LENGTH(free_area.free_list)" },
	{ .how = ENUM_, .name = "NR_FREE_PAGES" },
	{ .how = ENUM_, .name = "PG_lru" },
	{ .how = ENUM_, .name = "PG_private" },
	{ .how = ENUM_, .name = "PG_swapcache" },
	{ .how = ENUM_, .name = "PG_swapbacked" },
	{ .how = ENUM_, .name = "PG_slab" },
	{ .how = SPECIAL, .name = "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)" },
	{ .how = ENUM_, .name = "PG_hwpoison" },
	{ .how = SPECIAL, .name = "NUMBER(PG_head_mask)" },
	{ .how = SPECIAL, .name = "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)" },
	{ .how = ENUM_, .name = "HUGETLB_PAGE_DTOR" },
	{ .how = SPECIAL, .name = "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)" },
	{ .how = SPECIAL, .name = "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)" },
	/* kallsyms tables (6.0+) */
	{ .how = SYM, .name = "kallsyms_names", .min_version = V(6, 0) },
	{ .how = SYM, .name = "kallsyms_num_syms", .min_version = V(6, 0) },
	{ .how = SYM, .name = "kallsyms_token_table", .min_version = V(6, 0) },
	{ .how = SYM, .name = "kallsyms_token_index", .min_version = V(6, 0) },
	{ .how = SYM, .name = "kallsyms_offsets", .min_version = V(6, 0) },
	{ .how = SYM, .name = "kallsyms_relative_base", .min_version = V(6, 0) },
	{ .how = SYM, .name = "kallsyms_addresses", .min_version = V(6, 0) },
	/* x86_64 */
	{ .how = SYM, .name = "init_top_pgt", .arch = ARCH_X86_64 },
	{ .how = SYM, .name = "node_data", .arch = ARCH_X86_64 },
	{ .how = LENGTH_VAR, .name = "node_data", .arch = ARCH_X86_64, .needs = "node_data" },
	{ .how = SPECIAL, .name = "NUMBER(KERNEL_IMAGE_SIZE)", .arch = ARCH_X86_64 },
};

struct gen {
	struct symbols *s;
	uint16_t machine;
	uint32_t version;
	uint64_t page_size;
	char *buf;
	size_t len, cap;
	struct error *err;
};

static void emit(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emit(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (g->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(g->buf + g->len, g->cap - g->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			g->err = ERR(ERR_FORMAT, "formatting VMCOREINFO");
			return;
		}
		if ((size_t)n < g->cap - g->len) {
			g->len += (size_t)n;
			return;
		}
		char *b = realloc(g->buf, g->cap * 2 + (size_t)n);

		if (!b) {
			g->err = ERR_OOM();
			return;
		}
		g->buf = b;
		g->cap = g->cap * 2 + (size_t)n;
	}
}

/* Did a lookup fail only because the thing does not exist? */
static bool absent(struct gen *g, struct error *err)
{
	if (!err)
		return false;
	if (err->code != ERR_NOTFOUND && !g->err)
		g->err = err;
	else
		error_free(err);
	return true;
}

static bool have_symbol(struct gen *g, const char *name, uint64_t *addr)
{
	uint64_t a;

	return !absent(g, sym_address(g->s, name, addr ? addr : &a, NULL));
}

static bool enum_value(struct gen *g, const char *name, int64_t *v)
{
	return !absent(g, sym_enum_constant(g->s, name, v));
}

/* The kernel writes NUMBER()s of page types as (int) values. */
static void page_type_number(struct gen *g, const char *key, const char *pgty,
			     uint32_t old_flag, uint32_t old_since)
{
	int64_t v;

	if (enum_value(g, pgty, &v)) {
		/* 6.11+: enum pagetype, the type in the top byte of page_type */
		emit(g, "NUMBER(%s)=%d\n", key, (int32_t)((uint32_t)v << 24));
		return;
	}
	/*
	 * Before 6.9 page types were bits cleared in page_type, exported as
	 * ~PG_<type>; 6.9 and 6.10 changed the encoding with macros only.
	 */
	if (old_flag && g->version >= old_since && g->version < V(6, 9))
		emit(g, "NUMBER(%s)=%d\n", key, (int32_t)~old_flag);
}

static void special(struct gen *g, const char *key)
{
	uint64_t a, v, sz;
	int64_t n;
	char buf[128];
	const struct sym_type *t, *elem;

	if (!strcmp(key, "OSRELEASE")) {
		g->err = symbols_vmlinux_release(g->s, buf, sizeof(buf));
		emit(g, "OSRELEASE=%s\n", buf);
	} else if (!strcmp(key, "BUILD-ID")) {
		if (symbols_vmlinux_build_id(g->s, buf, sizeof(buf)))
			emit(g, "BUILD-ID=%s\n", buf);
	} else if (!strcmp(key, "PAGESIZE")) {
		emit(g, "PAGESIZE=%" PRIu64 "\n", g->page_size);
	} else if (!strcmp(key, "SYMBOL(node_online_map)")) {
		/* node_states[N_ONLINE] */
		if (have_symbol(g, "node_states", &a) && enum_value(g, "N_ONLINE", &n) &&
		    !absent(g, sym_size(g->s, "nodemask_t", &sz, NULL)))
			emit(g, "SYMBOL(node_online_map)=%" PRIx64 "\n", a + (uint64_t)n * sz);
	} else if (!strcmp(key, "SYMBOL(swapper_pg_dir)")) {
		/* x86_64 names init_top_pgt so */
		if (have_symbol(g, g->machine == EM_X86_64 ? "init_top_pgt"
				: "swapper_pg_dir", &a))
			emit(g, "SYMBOL(swapper_pg_dir)=%" PRIx64 "\n", a);
	} else if (!strcmp(key, "SYMBOL(mem_section)")) {
		/* The kernel writes the pointer's value; we can only give its address. */
		if (have_symbol(g, "mem_section", &a))
			emit(g, "SYMBOL(mem_section)=%" PRIx64 "\n", a);
	} else if (!strcmp(key, "LENGTH(mem_section)")) {
		int64_t bits_sec, bits_phys;
		uint64_t sec;

		if (absent(g, sym_variable(g->s, "mem_section", &a, &t)))
			return;
		if (sym_type_kind(t) == SYM_KIND_ARRAY) {
			if (!absent(g, sym_type_array(t, &elem, &v)))
				emit(g, "LENGTH(mem_section)=%" PRIu64 "\n", v);
			return;
		}
		/* SPARSEMEM_EXTREME: NR_SECTION_ROOTS */
		if (!absent(g, sym_size(g->s, "mem_section", &sec, NULL)) && sec &&
		    (g->page_size / sec)) {
			bits_sec = g->machine == EM_X86_64 ? 27 : -1;
			bits_phys = g->machine == EM_X86_64 ? 46 : 48;
			if (g->machine == EM_AARCH64)
				bits_sec = g->version < V(5, 12) ? 30 :
					   g->page_size == 65536 ? 29 : 27;
			if (bits_sec > 0 && bits_phys > bits_sec)
				emit(g, "LENGTH(mem_section)=%" PRIu64 "\n",
				     (uint64_t)((1ull << (bits_phys - bits_sec)) / (g->page_size / sec)));
		}
	} else if (!strcmp(key, "NUMBER(SECTION_SIZE_BITS)")) {
		if (g->machine == EM_X86_64)
			emit(g, "NUMBER(SECTION_SIZE_BITS)=27\n");
		else if (g->machine == EM_AARCH64)
			emit(g, "NUMBER(SECTION_SIZE_BITS)=%d\n",
			     g->version < V(5, 12) ? 30 : g->page_size == 65536 ? 29 : 27);
	} else if (!strcmp(key, "NUMBER(MAX_PHYSMEM_BITS)")) {
		/*
		 * x86_64: 46 with 4-level paging (a 5-level kernel exports 52
		 * when it runs with it); arm64: CONFIG_ARM64_PA_BITS, 48 for
		 * 4K pages.
		 */
		if (g->machine == EM_X86_64)
			emit(g, "NUMBER(MAX_PHYSMEM_BITS)=46\n");
		else if (g->machine == EM_AARCH64 && g->page_size == 4096)
			emit(g, "NUMBER(MAX_PHYSMEM_BITS)=48\n");
	} else if (!strcmp(key, "LENGTH(printk_info_subsystem)")) {
		if (!absent(g, sym_length(g->s, "dev_printk_info.subsystem", &v, NULL)))
			emit(g, "LENGTH(printk_info_subsystem)=%" PRIu64 "\n", v);
	} else if (!strcmp(key, "LENGTH(printk_info_device)")) {
		if (!absent(g, sym_length(g->s, "dev_printk_info.device", &v, NULL)))
			emit(g, "LENGTH(printk_info_device)=%" PRIu64 "\n", v);
	} else if (!strcmp(key, "LENGTH(free_area.free_list)")) {
		if (!absent(g, sym_length(g->s, "free_area.free_list", &v, NULL)))
			emit(g, "LENGTH(free_area.free_list)=%" PRIu64 "\n", v);
	} else if (!strcmp(key, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)")) {
		page_type_number(g, "PAGE_SLAB_MAPCOUNT_VALUE", "PGTY_slab", 0, 0);
	} else if (!strcmp(key, "NUMBER(PG_head_mask)")) {
		if (enum_value(g, "PG_head", &n) && n >= 0 && n < 63)
			emit(g, "NUMBER(PG_head_mask)=%" PRId64 "\n", (int64_t)1 << n);
	} else if (!strcmp(key, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)")) {
		page_type_number(g, "PAGE_BUDDY_MAPCOUNT_VALUE", "PGTY_buddy", 0x80, V(4, 18));
	} else if (!strcmp(key, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)")) {
		page_type_number(g, "PAGE_HUGETLB_MAPCOUNT_VALUE", "PGTY_hugetlb", 0, 0);
	} else if (!strcmp(key, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)")) {
		page_type_number(g, "PAGE_OFFLINE_MAPCOUNT_VALUE", "PGTY_offline", 0x100, V(5, 0));
	} else if (!strcmp(key, "NUMBER(KERNEL_IMAGE_SIZE)")) {
		/* 1 GiB with CONFIG_RANDOMIZE_BASE (its code is there), else 512 MiB */
		emit(g, "NUMBER(KERNEL_IMAGE_SIZE)=%llu\n", (unsigned long long)(
		     have_symbol(g, "kaslr_get_random_long", NULL) ? 1ull << 30 : 512ull << 20));
	}
}

static void entry(struct gen *g, const struct gen_entry *e)
{
	const struct sym_type *t, *elem;
	uint64_t v, a;
	int64_t n;

	if (e->arch != ARCH_ANY && e->arch != g->machine)
		return;
	if (e->min_version && g->version < e->min_version)
		return;
	if (e->needs && !have_symbol(g, e->needs, NULL))
		return;
	switch (e->how) {
	case SYM:
		if (have_symbol(g, e->name, &a))
			emit(g, "SYMBOL(%s)=%" PRIx64 "\n", e->name, a);
		break;
	case SIZE_:
		if (!absent(g, sym_size(g->s, e->name, &v, NULL)))
			emit(g, "SIZE(%s)=%" PRIu64 "\n", e->name, v);
		break;
	case OFFSET_:
		if (!absent(g, sym_offset(g->s, e->name, &v, NULL)))
			emit(g, "OFFSET(%s)=%" PRIu64 "\n", e->name, v);
		break;
	case LENGTH_MEMBER:
		if (!absent(g, sym_length(g->s, e->name, &v, NULL)))
			emit(g, "LENGTH(%s)=%" PRIu64 "\n", e->name, v);
		break;
	case LENGTH_VAR:
		if (!absent(g, sym_variable(g->s, e->name, &a, &t)) &&
		    sym_type_kind(t) == SYM_KIND_ARRAY &&
		    !absent(g, sym_type_array(t, &elem, &v)))
			emit(g, "LENGTH(%s)=%" PRIu64 "\n", e->name, v);
		break;
	case ENUM_:
		if (enum_value(g, e->name, &n))
			emit(g, "NUMBER(%s)=%" PRId64 "\n", e->name, n);
		break;
	case SPECIAL:
		special(g, e->name);
		break;
	}
}

static uint32_t parse_version(const char *rel)
{
	unsigned int a = 0, b = 0, c = 0;

	if (sscanf(rel, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return KERNEL_VERSION(a, b, c > 255 ? 255 : c);
}

struct error *vmcoreinfo_generate(struct symbols *s, char **text, size_t *len)
{
	struct gen g = { .s = s, .cap = 8192 };
	const struct sym_type *t;
	char rel[128];
	uint64_t a;
	struct error *err;

	if (!symbols_have(s, SYM_SRC_DWARF))
		return ERR(ERR_USAGE, "generating VMCOREINFO needs a vmlinux");
	err = symbols_vmlinux_release(s, rel, sizeof(rel));
	if (err)
		return error_wrap(err, "The kernel release of the vmlinux is unknown");
	g.version = parse_version(rel);
	g.machine = symbols_vmlinux_machine(s);
	/* PAGE_SIZE: the size of empty_zero_page, one page on every arch. */
	err = sym_variable(s, "empty_zero_page", &a, &t);
	if (!err)
		err = sym_type_size(t, &g.page_size);
	if (err)
		return error_wrap(err, "The page size of the vmlinux is unknown");
	g.buf = malloc(g.cap);
	if (!g.buf)
		return ERR_OOM();
	g.buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(table) && !g.err; i++)
		entry(&g, &table[i]);
	if (g.err) {
		free(g.buf);
		return g.err;
	}
	*text = g.buf;
	*len = g.len;
	return NULL;
}

static const char *const runtime_keys[] = {
	"KERNELOFFSET", "CRASHTIME", "SYMBOL(mem_section)", "SYMBOL(vmemmap)",
	"NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)", "NUMBER(sme_mask)",
	"NUMBER(VMALLOC_START)", "NUMBER(kimage_voffset)", "NUMBER(PHYS_OFFSET)",
	"NUMBER(TCR_EL1_T1SZ)", "NUMBER(KERNELPACMASK)", "NUMBER(MAX_PHYSMEM_BITS)",
	"NUMBER(VA_BITS)", "NUMBER(VMALLOC_END)", "NUMBER(VMEMMAP_START)",
	"NUMBER(VMEMMAP_END)", "NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)",
	"LENGTH(mem_section)",
};

bool vmcoreinfo_key_is_runtime(const char *key, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(runtime_keys); i++)
		if (strlen(runtime_keys[i]) == len && !memcmp(runtime_keys[i], key, len))
			return true;
	return false;
}

struct error *vmcoreinfo_merge(const struct vmcoreinfo *have,
			       const struct vmcoreinfo *gen,
			       vi_mismatch_fn fn, void *arg,
			       struct vmcoreinfo **out)
{
	size_t cap = have->len + gen->len + 2, len = 0;
	struct error *err;
	char *text = malloc(cap);

	if (!text)
		return ERR_OOM();
	memcpy(text, have->text, have->len);
	len = have->len;
	if (len && text[len - 1] != '\n')
		text[len++] = '\n';
	for (size_t i = 0; i < gen->nr; i++) {
		const struct vmcoreinfo_entry *e = &gen->ent[i];
		char key[160], *hv = NULL, *gv;
		const char *val;
		size_t vlen;

		if (e->key_len >= sizeof(key))
			continue;
		memcpy(key, e->key, e->key_len);
		key[e->key_len] = '\0';
		if (!vi_raw(have, key, &val, &vlen)) {
			memcpy(text + len, e->key, e->key_len);
			len += e->key_len;
			text[len++] = '=';
			memcpy(text + len, e->val, e->val_len);
			len += e->val_len;
			text[len++] = '\n';
			continue;
		}
		if (!fn || vmcoreinfo_key_is_runtime(e->key, e->key_len) ||
		    (vlen == e->val_len && !memcmp(val, e->val, vlen)))
			continue;
		hv = strndup(val, vlen);
		gv = strndup(e->val, e->val_len);
		if (hv && gv)
			fn(arg, key, hv, gv);
		free(hv);
		free(gv);
	}
	err = vmcoreinfo_parse(text, len, out);
	free(text);
	return err;
}

struct error *vmcoreinfo_adopt_runtime(const struct vmcoreinfo *file,
				       const struct vmcoreinfo *note,
				       struct vmcoreinfo **out)
{
	uint64_t off = 0, note_off;
	size_t cap = file->len + note->len + 64 * (file->nr + 1), len = 0;
	bool move = !vi_hex(file, "KERNELOFFSET", &off) &&
		    vi_hex(note, "KERNELOFFSET", &note_off) && note_off;
	struct error *err;
	char *text = malloc(cap);

	if (!text)
		return ERR_OOM();
	for (size_t i = 0; i < file->nr; i++) {
		const struct vmcoreinfo_entry *e = &file->ent[i];
		char key[160];
		const char *v;
		size_t vl;
		uint64_t a;
		int n;

		if (e->key_len >= sizeof(key))
			continue;
		memcpy(key, e->key, e->key_len);
		key[e->key_len] = '\0';
		if (vmcoreinfo_key_is_runtime(e->key, e->key_len) &&
		    vi_raw(note, key, &v, &vl))
			continue;
		if (move && e->key_len > 8 && !memcmp(e->key, "SYMBOL(", 7) &&
		    e->val_len < 20) {
			char val[24], *end;

			memcpy(val, e->val, e->val_len);
			val[e->val_len] = '\0';
			a = strtoull(val, &end, 16);
			if (*end == '\0' && end != val) {
				n = snprintf(text + len, cap - len, "%s=%" PRIx64 "\n",
					     key, a + note_off);
				len += (size_t)n;
				continue;
			}
		}
		n = snprintf(text + len, cap - len, "%s=%.*s\n", key,
			     (int)e->val_len, e->val);
		len += (size_t)n;
	}
	for (size_t i = 0; i < note->nr; i++) {
		const struct vmcoreinfo_entry *e = &note->ent[i];
		int n;

		if (!vmcoreinfo_key_is_runtime(e->key, e->key_len))
			continue;
		n = snprintf(text + len, cap - len, "%.*s=%.*s\n", (int)e->key_len,
			     e->key, (int)e->val_len, e->val);
		len += (size_t)n;
	}
	err = vmcoreinfo_parse(text, len, out);
	free(text);
	return err;
}
