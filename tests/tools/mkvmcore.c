/*
 * mkvmcore - synthetic x86_64 Linux crash-dump (ELF vmcore) generator.
 *
 * Test tool of the project.  It is an independent model of the *kernel* side:
 * it lays out physical memory, builds the kernel page tables, the sparsemem
 * tables, struct pages, pglist_data, utsname, the printk buffer and the
 * VMCOREINFO note of a chosen kernel profile, and writes them the way
 * /proc/vmcore (kexec_file_load or kexec_load) or QEMU's dump-guest-memory
 * present them.  It also predicts, by emulating makedumpfile's page
 * classification rules, what a filter should exclude (manifest).
 *
 * Only libc is used.  Zero pages are never written (sparse output).
 * See tests/tools/README.md for options and the manifest format.
 *
 * (A single source file on purpose: the binary is tests/tools/mkvmcore, so a
 * source directory of the same name cannot exist beside it.)
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef int32_t s32;
typedef uint16_t u16;
typedef uint8_t u8;

/* The page size and the section size are properties of the dumped machine. */
#define PAGE_SHIFT (G.page_shift)
#define PAGE_SIZE (1ULL << G.page_shift)
#define SECTION_SIZE_BITS (G.section_bits)
#define PFN_SECTION_SHIFT (SECTION_SIZE_BITS - PAGE_SHIFT)
#define PAGES_PER_SECTION (1ULL << PFN_SECTION_SHIFT)
#define MAX_PAGES_PER_SECTION (1ULL << 15)
#define MAX_PAGE_SIZE (64ULL << 10)
/* A section's struct pages, and the vmemmap pages holding them. */
#define MEMMAP_BLOCK (PAGES_PER_SECTION * SPAGE)
#define MEMMAP_FRAMES (MEMMAP_BLOCK / PAGE_SIZE)
#define PFNS_PER_FRAME (PAGE_SIZE / SPAGE)
#define SZ_4K 4096ULL
#define SZ_8K 8192ULL
#define SZ_1M (1ULL << 20)
#define SZ_2M (1ULL << 21)
#define SZ_1G (1ULL << 30)
#define SZ_1T (1ULL << 40)
#define KMAP_BASE 0xffffffff80000000ULL /* __START_KERNEL_map */
#define SPAGE 64                         /* sizeof(struct page) */
#define PAGEBLOCK 512ULL                 /* pfns of an order-9 block */
#define MAX_ORDER_NR 11                  /* LENGTH(zone.free_area) */
#define LIST_POISON1 0xdead000000000100ULL
#define LIST_POISON2 0xdead000000000122ULL
#define TAIL_MAPPING 0xdead000000000400ULL

#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define ALIGN_DOWN(x, a) ((x) / (a) * (a))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* ------------------------------------------------------------------ */
/* utilities                                                            */
/* ------------------------------------------------------------------ */

static bool g_quiet;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mkvmcore: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...)
{
	va_list ap;
	if (g_quiet)
		return;
	va_start(ap, fmt);
	fputs("mkvmcore: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static void *xcalloc(size_t a, size_t b)
{
	void *p = calloc(a ? a : 1, b ? b : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		die("out of memory");
	return p;
}

/* "512M", "16G", "4096", "0x1000", "2T", "4K" */
static u64 parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		die("bad size '%s'", s);
	u64 mul = 1;
	switch (toupper((unsigned char)*end)) {
	case 0: break;
	case 'K': mul = 1ULL << 10; end++; break;
	case 'M': mul = 1ULL << 20; end++; break;
	case 'G': mul = 1ULL << 30; end++; break;
	case 'T': mul = 1ULL << 40; end++; break;
	default: die("bad size suffix in '%s'", s);
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		die("bad size '%s'", s);
	return (u64)v * mul;
}

static u64 splitmix64(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 hash64(u64 a, u64 b)
{
	u64 s = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);
	return splitmix64(&s);
}

struct rng { u64 s; };
static u64 rnd(struct rng *r) { return splitmix64(&r->s); }
static u64 rnd_below(struct rng *r, u64 n) { return n ? rnd(r) % n : 0; }

static int ctz64(u64 x) { return x ? __builtin_ctzll(x) : 64; }
static int ilog2_floor(u64 x) { return 63 - __builtin_clzll(x); }

/* growable array of ranges [s, e) */
struct range { u64 s, e; };
struct rvec { struct range *v; int n, cap; };

static void rv_add(struct rvec *r, u64 s, u64 e)
{
	if (e <= s)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n].s = s;
	r->v[r->n].e = e;
	r->n++;
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->s < y->s ? -1 : x->s > y->s;
}

static void rv_normalize(struct rvec *r)
{
	if (!r->n)
		return;
	qsort(r->v, r->n, sizeof(*r->v), range_cmp);
	int o = 0;
	for (int i = 1; i < r->n; i++) {
		if (r->v[i].s <= r->v[o].e) {
			if (r->v[i].e > r->v[o].e)
				r->v[o].e = r->v[i].e;
		} else
			r->v[++o] = r->v[i];
	}
	r->n = o + 1;
}

static void rv_subtract(struct rvec *r, u64 s, u64 e)
{
	struct rvec out = {0};
	for (int i = 0; i < r->n; i++) {
		struct range x = r->v[i];
		if (x.e <= s || x.s >= e) {
			rv_add(&out, x.s, x.e);
			continue;
		}
		if (x.s < s)
			rv_add(&out, x.s, s);
		if (x.e > e)
			rv_add(&out, e, x.e);
	}
	free(r->v);
	*r = out;
}

/* growable byte buffer */
struct sbuf { char *p; size_t n, cap; };
static void sb_put(struct sbuf *b, const void *d, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = MAX(b->cap * 2, b->n + n + 1024);
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
	b->p[b->n] = 0;
}
static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		die("format error");
	if ((size_t)n >= sizeof(tmp)) {
		char *big = xmalloc(n + 1);
		va_start(ap, fmt);
		vsnprintf(big, n + 1, fmt, ap);
		va_end(ap);
		sb_put(b, big, n);
		free(big);
	} else
		sb_put(b, tmp, n);
}

static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }
static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }
static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u16 get16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }

/* ------------------------------------------------------------------ */
/* kernel profiles                                                      */
/* ------------------------------------------------------------------ */

#define KV(a, b) ((a) * 100 + (b))

enum order_mode { ORD_U16, ORD_U8, ORD_FOLIO, ORD_FLAGS };
enum huge_mode { HUGE_DTOR, HUGE_FOLIO_DTOR, HUGE_PGFLAG, HUGE_TYPE };

struct profile {
	const char *name;
	int ver;                 /* KV(major, minor) */
	const char *osrelease;
	const char *uts_version;
	/* struct page layout (byte offsets) */
	int off_flags, off_lru, off_mapping, off_index, off_private;
	int off_mapcount, off_refcount, off_chead, off_memcg;
	int off_dtor, off_order;   /* in page[1] (relative to page[1]) */
	int off_cmapcount;         /* page[1] compound/entire mapcount, -1 none */
	bool export_chead;         /* OFFSET(page.compound_head) exported */
	bool refcount_name;        /* _refcount (else _count) */
	int ord_mode, huge_mode;
	bool slab_flag;            /* PG_slab exists */
	bool slab_type;            /* slab is a page type (6.10+) */
	bool slab_overlay;         /* 6.2+: slab.slabs overlays page.mapping */
	bool old44_slab;           /* 4.4 struct page slab layout */
	/* page flag bits */
	int pg_locked, pg_referenced, pg_uptodate, pg_dirty, pg_lru, pg_active;
	int pg_workingset, pg_slab, pg_owner_priv_1, pg_reserved, pg_private;
	int pg_writeback, pg_head, pg_swapcache, pg_swapbacked, pg_unevictable;
	int pg_mlocked, pg_hwpoison, pg_hugetlb;
	bool export_swapbacked;
	/* page types (_mapcount values), 0 = not present */
	s32 t_buddy, t_offline, t_table, t_hugetlb, t_slab, t_unaccepted;
	bool export_offline, export_unaccepted;
	int dtor_compound, dtor_hugetlb, dtor_thp;
	/* sparsemem section flags available */
	bool sec_online, sec_early, sec_taint;
	/* misc features */
	int printk;                /* 0 legacy, 1 legacy+caller_id, 2 lockless */
	bool uts_off_key;          /* OFFSET(uts_namespace.name) exported (=0) */
	bool init_top_pgt;         /* else init_level4_pgt */
	bool has_l5, has_sme, has_kimage_size, has_buildid, has_secbits;
	bool has_maxphys, has_kallsyms, has_vmap_area_list, has_vmalloc_start;
	bool has_vmemmap_sym, devdax_compound, kaslr_mem, po_888;
	/* pglist_data / zone */
	int size_pglist, off_nr_zones, off_node_start, off_node_present;
	int off_node_spanned, off_node_id;
	int size_zone, off_zone_free_area, off_zone_vm_stat, off_zone_spanned;
	int size_free_area, nr_migrate;
	u64 image_size;
};

static const char *const profile_names[] = {
	"4.4", "4.19", "5.4", "6.1", "6.4", "6.6", "6.9", "6.10", "6.11", "6.12", "6.16", NULL
};

static void profile_setup(struct profile *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	int maj, min;
	if (sscanf(name, "%d.%d", &maj, &min) != 2)
		die("bad profile '%s'", name);
	bool known = false;
	for (int i = 0; profile_names[i]; i++)
		if (!strcmp(profile_names[i], name))
			known = true;
	if (!known)
		die("unknown profile '%s' (known: 4.4 4.19 5.4 6.1 6.4 6.6 6.9 6.10 6.11 6.12 6.16)", name);
	p->name = name;
	int v = p->ver = KV(maj, min);

	/* modern (4.18+) struct page layout */
	p->off_flags = 0;
	p->off_lru = 8;
	p->off_chead = 8;
	p->off_mapping = 24;
	p->off_index = 32;
	p->off_private = 40;
	p->off_mapcount = 48;
	p->off_refcount = 52;
	p->off_memcg = 56;
	p->off_dtor = 16;
	p->off_order = 17;
	p->off_cmapcount = 20;
	p->export_chead = true;
	p->refcount_name = true;
	p->ord_mode = ORD_U8;
	p->huge_mode = HUGE_DTOR;
	p->slab_flag = true;
	p->export_swapbacked = true;
	p->dtor_compound = 1;
	p->dtor_hugetlb = 2;
	p->dtor_thp = 3;
	p->sec_online = p->sec_early = p->sec_taint = true;
	p->printk = 2;
	p->uts_off_key = true;
	p->init_top_pgt = true;
	p->has_l5 = p->has_sme = p->has_kimage_size = p->has_buildid = true;
	p->has_secbits = p->has_maxphys = p->has_kallsyms = true;
	p->has_vmap_area_list = true;
	p->devdax_compound = true;
	p->kaslr_mem = true;
	p->po_888 = true;
	p->size_pglist = 174208;
	p->off_nr_zones = 171552;
	p->off_node_start = 171560;
	p->off_node_present = 171568;
	p->off_node_spanned = 171576;
	p->off_node_id = 171584;
	p->size_zone = 1536;
	p->off_zone_free_area = 256;
	p->off_zone_vm_stat = 1344;
	p->off_zone_spanned = 144;
	p->size_free_area = 88;
	p->nr_migrate = 5;
	p->image_size = 0x3430000;

	/* page flag numbering used by 4.20 .. 6.9 */
	p->pg_locked = 0; p->pg_referenced = 1; p->pg_uptodate = 2; p->pg_dirty = 3;
	p->pg_lru = 4; p->pg_active = 5; p->pg_workingset = 6; p->pg_slab = 9;
	p->pg_owner_priv_1 = 10; p->pg_reserved = 12; p->pg_private = 13;
	p->pg_writeback = 15; p->pg_head = 16; p->pg_swapbacked = 19;
	p->pg_unevictable = 20; p->pg_mlocked = 21; p->pg_hwpoison = 23;
	p->pg_hugetlb = -1;

	/* page types: 4.18 .. 6.10 "inverted flag" encoding */
	p->t_buddy = ~0x80;
	p->t_offline = ~0x100;
	p->t_table = ~0x200;
	p->export_offline = true;

	if (v == KV(4, 4)) {
		p->osrelease = "4.4.0-4-amd64";
		p->uts_version = "#1 SMP Debian 4.4.302-1 (2022-02-01)";
		/* 4.4 struct page */
		p->off_mapping = 8;
		p->off_index = 16;
		p->off_mapcount = 24;
		p->off_refcount = 28;
		p->off_lru = 32;
		p->off_chead = 32;
		p->off_dtor = 40;
		p->off_order = 42;
		p->off_cmapcount = 8;  /* compound_mapcount overlays mapping of page[1] */
		p->off_private = 48;
		p->off_memcg = 56;
		p->export_chead = false;
		p->refcount_name = false;
		p->ord_mode = ORD_U16;
		p->old44_slab = true;
		p->export_swapbacked = false;
		p->pg_locked = 0; p->pg_referenced = 2; p->pg_uptodate = 3; p->pg_dirty = 4;
		p->pg_lru = 5; p->pg_active = 6; p->pg_workingset = -1; p->pg_slab = 7;
		p->pg_owner_priv_1 = 8; p->pg_reserved = 10; p->pg_private = 11;
		p->pg_writeback = 13; p->pg_head = 14; p->pg_swapcache = 15;
		p->pg_swapbacked = 18; p->pg_unevictable = 19; p->pg_mlocked = 20;
		p->pg_hwpoison = 22;
		p->t_buddy = -128;
		p->t_offline = 0;
		p->t_table = 0;
		p->export_offline = false;
		p->sec_online = p->sec_early = p->sec_taint = false;
		p->printk = 0;
		p->uts_off_key = false;
		p->init_top_pgt = false;
		p->has_l5 = p->has_sme = p->has_kimage_size = p->has_buildid = false;
		p->has_secbits = p->has_maxphys = p->has_kallsyms = false;
		p->devdax_compound = false;
		p->po_888 = false;
		p->size_pglist = 0x1b00 * 4; p->off_nr_zones = 0x1d00; p->off_node_start = 0x1d08;
		p->off_node_present = 0x1d10; p->off_node_spanned = 0x1d18; p->off_node_id = 0x1d20;
		p->size_zone = 1664; p->off_zone_free_area = 192; p->off_zone_vm_stat = 1472;
		p->off_zone_spanned = 1200; p->image_size = 0x3000000;
	} else if (v == KV(4, 19)) {
		p->osrelease = "4.19.0-27-amd64";
		p->uts_version = "#1 SMP Debian 4.19.316-1 (2024-06-25)";
		p->pg_locked = 0; p->pg_referenced = 2; p->pg_uptodate = 3; p->pg_dirty = 4;
		p->pg_lru = 5; p->pg_active = 6; p->pg_workingset = -1; p->pg_slab = 8;
		p->pg_owner_priv_1 = 9; p->pg_reserved = 11; p->pg_private = 12;
		p->pg_writeback = 14; p->pg_head = 15; p->pg_swapbacked = 18;
		p->pg_unevictable = 19; p->pg_mlocked = 20; p->pg_hwpoison = 22;
		p->t_offline = 0;            /* PageOffline is 5.0+ */
		p->export_offline = false;
		p->sec_early = p->sec_taint = false;
		p->printk = 0;
		p->uts_off_key = false;
		p->has_buildid = p->has_secbits = p->has_maxphys = p->has_kallsyms = false;
		p->devdax_compound = false;
		p->po_888 = false;
		p->size_pglist = 0x1c3c0; p->off_nr_zones = 0x1a000; p->off_node_start = 0x1a008;
		p->off_node_present = 0x1a010; p->off_node_spanned = 0x1a018; p->off_node_id = 0x1a020;
		p->size_zone = 1600; p->off_zone_free_area = 192; p->off_zone_vm_stat = 1408;
		p->off_zone_spanned = 104; p->image_size = 0x3000000;
	} else if (v == KV(5, 4)) {
		p->osrelease = "5.4.0-150-generic";
		p->uts_version = "#167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023";
		p->sec_taint = false;
		p->printk = 1;
		p->uts_off_key = false;
		p->has_buildid = p->has_secbits = p->has_maxphys = p->has_kallsyms = false;
		p->devdax_compound = false;
		p->size_pglist = 0x2a6c0; p->off_nr_zones = 0x29c00; p->off_node_start = 0x29c08;
		p->off_node_present = 0x29c10; p->off_node_spanned = 0x29c18; p->off_node_id = 0x29c20;
		p->size_zone = 1664; p->off_zone_free_area = 192; p->off_zone_vm_stat = 1472;
		p->off_zone_spanned = 112; p->image_size = 0x3200000;
	} else if (v == KV(6, 1)) {
		p->osrelease = "6.1.0-56-amd64";
		p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)";
	} else {
		/* 6.2+: slab.slabs overlays page.mapping */
		p->slab_overlay = true;
		p->off_dtor = 16;
		p->off_order = 17;
		if (v == KV(6, 4)) {
			p->osrelease = "6.4.0-4-amd64";
			p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.4.13-1 (2023-08-31)";
			p->ord_mode = ORD_FOLIO;
			p->huge_mode = HUGE_FOLIO_DTOR;
		} else if (v >= KV(6, 6)) {
			p->ord_mode = ORD_FLAGS;
			p->off_dtor = -1;
			p->off_order = -1;
			p->dtor_compound = p->dtor_hugetlb = p->dtor_thp = 0;
		}
		if (v == KV(6, 6)) {
			p->osrelease = "6.6.15-amd64";
			p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.6.15-2 (2024-02-04)";
			p->huge_mode = HUGE_PGFLAG;
			p->pg_hugetlb = p->pg_writeback;   /* first tail page's flags */
		}
		if (v >= KV(6, 9)) {
			p->huge_mode = HUGE_TYPE;
			p->t_hugetlb = ~0x800;
			p->has_vmap_area_list = false;
			p->has_vmalloc_start = true;
			p->has_vmemmap_sym = true;
		}
		if (v == KV(6, 9)) {
			p->osrelease = "6.9.12-amd64";
			p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.9.12-1 (2024-07-27)";
		}
		if (v >= KV(6, 10)) {
			/* PG_slab gone; flags reordered (6.12 numbering) */
			p->slab_flag = false;
			p->slab_type = true;
			p->t_slab = ~0x1000;
			p->pg_locked = 0; p->pg_writeback = 1; p->pg_referenced = 2;
			p->pg_uptodate = 3; p->pg_dirty = 4; p->pg_lru = 5; p->pg_head = 6;
			p->pg_active = 8; p->pg_workingset = 9; p->pg_owner_priv_1 = 10;
			p->pg_reserved = 13; p->pg_private = 14; p->pg_swapbacked = 17;
			p->pg_unevictable = 18; p->pg_mlocked = 19; p->pg_hwpoison = 20;
			p->pg_slab = -1;
		}
		if (v == KV(6, 10)) {
			p->osrelease = "6.10.11-amd64";
			p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.10.11-1 (2024-09-22)";
		}
		if (v == KV(6, 11)) {
			p->osrelease = "6.11.10-amd64";
			p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.11.10-1 (2024-11-23)";
			p->t_buddy = ~0x40000000;
			p->t_offline = ~0x20000000;
			p->t_table = ~0x10000000;
			p->t_hugetlb = ~0x04000000;
			p->t_slab = ~0x02000000;
		}
		if (v >= KV(6, 12)) {
			p->t_buddy = (s32)0xf0000000u;
			p->t_offline = (s32)0xf1000000u;
			p->t_table = (s32)0xf2000000u;
			p->t_hugetlb = (s32)0xf4000000u;
			p->t_slab = (s32)0xf5000000u;
			p->t_unaccepted = (s32)0xf7000000u;
			p->off_zone_spanned = 160;
			p->size_pglist = 174464;
			p->image_size = 0x2c30000;
		}
		if (v == KV(6, 12)) {
			p->osrelease = "6.12.117+deb12-amd64";
			p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-10-30)";
		}
		if (v == KV(6, 16)) {
			p->osrelease = "6.16.12-amd64";
			p->uts_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.16.12-1 (2025-10-10)";
			p->export_unaccepted = true;
		}
	}
	p->pg_swapcache = (v >= KV(4, 10)) ? p->pg_owner_priv_1 : p->pg_swapcache;
}

/* kernel image layout: offsets from _text (shared by all profiles) */
#define IMG_PGD            0x1a10000ULL  /* init_top_pgt / swapper_pg_dir */
#define IMG_L4K            0x1a11000ULL  /* level4_kernel_pgt (5-level) */
#define IMG_L3K            0x1a12000ULL  /* level3_kernel_pgt */
#define IMG_L2K            0x1a13000ULL  /* level2_kernel_pgt */
#define IMG_PRB            0x1a643e0ULL  /* prb (pointer) */
#define IMG_PRB_STATIC     0x1a64400ULL  /* printk_rb_static */
#define IMG_LOG_BUF_PTR    0x1a64500ULL  /* log_buf (char *) */
#define IMG_LOG_BUF_LEN    0x1a64508ULL  /* log_buf_len (int) */
#define IMG_VMAP_AREA_LIST 0x1b5c430ULL
#define IMG_UTS            0x1bfb000ULL  /* init_uts_ns */
#define IMG_NODE_DATA      0x1c393a0ULL  /* node_data[1024] */
#define IMG_NODE_ONLINE    0x1c3df40ULL  /* node_online_map */
#define IMG_KALLSYMS       0x11619c8ULL
#define IMG_LOG_BUF        0x2700000ULL  /* __log_buf (128 KiB) */
#define IMG_PRB_DESCS      0x2720000ULL  /* 4096 * 24 */
#define IMG_PRB_INFOS      0x2738000ULL  /* 4096 * 88 */
#define IMG_CLEAR_SEQ      0x27aad20ULL  /* clear_seq (latched_seq) */
#define IMG_LOG_FIRST_IDX  0x27aad40ULL
#define IMG_LOG_NEXT_IDX   0x27aad44ULL
#define IMG_CLEAR_IDX      0x27aad48ULL
#define LOG_BUF_SHIFT      17
#define PRB_DESC_BITS      12

/* ------------------------------------------------------------------ */
/* page classes                                                         */
/* ------------------------------------------------------------------ */

enum cls {
	C_HOLE = 0,     /* struct page exists but no memory (reserved) */
	C_FW,           /* firmware / low-memory reserved pages (data) */
	C_KIMAGE,       /* kernel image (text, data, bss) */
	C_KALLOC,       /* memblock allocations made by this model (tables etc.) */
	C_MEMMAP,       /* RAM frames backing the vmemmap */
	C_CRASH,        /* crashkernel reservation (zero) */
	C_KDATA,        /* other kernel allocations (data) */
	C_SLAB,         /* slab page (order 0) */
	C_SLAB_TAIL,    /* tail of a compound slab */
	C_SLAB_ODD,     /* slab page whose mapping word has bit 0 set */
	C_PGTABLE,      /* user page-table page (page type table) */
	C_ZERO,         /* kernel-ish page with all-zero content */
	C_OWNERPRIV,    /* fs page with PG_owner_priv_1 (== PG_swapcache bit) w/o swapbacked */
	C_CACHE, C_CACHE_PRIV, C_SWAPCACHE,
	C_ANON, C_KSM,
	C_THP_HEAD, C_THP_TAIL,
	C_HUGE_HEAD, C_HUGE_TAIL,
	C_FREE_TAIL,
	C_HWPOISON, C_OFFLINE,
	C_UNACC_HEAD, C_UNACC_TAIL,
	C_DEV_RES,      /* pmem: first reserve pfn (slot never initialised with map=dev) */
	C_DEV_INFO,     /* pmem: info-block pfn (second reserve pfn) */
	C_DEV_GAP,      /* pmem: memmap area pfn without memmap (zero) */
	C_DEV_MEMMAP,   /* pmem: memmap area pfn holding device-backed struct pages */
	C_DEV_DATA,     /* pmem data pfn, unused (zero) */
	C_DEV_DATA_USED,/* pmem data pfn with content (fsdax file data / devdax) */
	C_DEV_MAPMEM,   /* map=mem namespace metadata pfn (zero) */
	C_SLAB_H1, C_SLAB_H2, C_SLAB_H3,
	C_FREE_H0,
	C_FREE_H10 = C_FREE_H0 + 10,
	C_MIXABLE,      /* placeholder during layout */
	C_COUNT
};

static bool cls_is_free_head(int c) { return c >= C_FREE_H0 && c <= C_FREE_H10; }
static bool cls_is_slab_head(int c) { return c == C_SLAB || (c >= C_SLAB_H1 && c <= C_SLAB_H3); }

/* manifest class names */
static const char *cls_group(int c)
{
	if (cls_is_free_head(c) || c == C_FREE_TAIL)
		return "free";
	if (cls_is_slab_head(c) || c == C_SLAB_TAIL)
		return "kernel";
	switch (c) {
	case C_HOLE: return NULL;
	case C_FW: case C_KIMAGE: case C_KALLOC: case C_MEMMAP: case C_KDATA:
	case C_PGTABLE: return "kernel";
	case C_CRASH: return "crashkernel";
	case C_SLAB_ODD: return "slab_mapping_odd";
	case C_ZERO: return "zero";
	case C_OWNERPRIV: return "owner_priv";
	case C_CACHE: return "cache";
	case C_CACHE_PRIV: return "cache_private";
	case C_SWAPCACHE: return "swapcache";
	case C_ANON: return "anon";
	case C_KSM: return "ksm";
	case C_THP_HEAD: case C_THP_TAIL: return "thp_anon";
	case C_HUGE_HEAD: case C_HUGE_TAIL: return "hugetlb";
	case C_HWPOISON: return "hwpoison";
	case C_OFFLINE: return "offline";
	case C_UNACC_HEAD: case C_UNACC_TAIL: return "unaccepted";
	case C_DEV_RES: case C_DEV_INFO: case C_DEV_GAP: case C_DEV_MEMMAP: return "dbv_meta";
	case C_DEV_DATA: case C_DEV_DATA_USED: return "pmem_data";
	case C_DEV_MAPMEM: return "pmem_meta";
	}
	return "kernel";
}

/* mixable classes chosen by --mix */
enum mixc {
	M_KERNEL, M_ZERO, M_OWNERPRIV, M_CACHE, M_CACHE_PRIV, M_SWAPCACHE, M_ANON, M_KSM,
	M_THP, M_HUGETLB, M_HWPOISON, M_OFFLINE, M_UNACCEPTED, M_SLAB_ODD, M_FREE, M_NR
};
static const char *const mix_names[M_NR] = {
	"kernel", "zero", "owner_priv", "cache", "cache_private", "swapcache", "anon", "ksm",
	"thp_anon", "hugetlb", "hwpoison", "offline", "unaccepted", "slab_mapping_odd", "free"
};
static const double mix_default[M_NR] = {
	9.0, 5.0, 0.5, 10.0, 5.0, 1.0, 10.0, 0.5, 5.0, 3.0, 0.05, 1.0, 1.0, 0.2, 0
};

/* ------------------------------------------------------------------ */
/* global state                                                         */
/* ------------------------------------------------------------------ */

enum layout { L_KEXEC_FILE, L_KEXEC_LOAD, L_QEMU };
static const char *const layout_names[] = { "kexec_file", "kexec_load", "qemu" };
enum fillmode { F_TEXT, F_RANDOM, F_MIXED };
static const char *const fill_names[] = { "text", "random", "mixed" };
enum { ST_NONE, ST_BUDDY, ST_LRU, ST_COMPOUND };
static const char *const stale_names[] = { "none", "buddy", "lru", "compound" };
enum { D_CARVED, D_FULL, D_NONE };
static const char *const dump_names[] = { "carved", "full", "none" };

#define MAX_PMEM 16

struct pmem {
	u64 start, size, align;
	bool devdax, info, map_dev;
	int stale, dump;
	/* computed (DEVICE_VMEMMAP.md section 2) */
	u64 A, dataoff, npfns, end_trunc;
	u64 base_pfn, reserve, free_pfns, alloc, align_pfns;
	u64 first_pfn, end_pfn, data_pfn;
	u64 pgmap_va, mapping_va;
	u8 uuid[16], puuid[16];
	int nblocks;
	u64 block_pa[1024], block_sec[1024];
	u64 used_data;
	int compound_order;
	int load_index;
	u64 checksum;
};

struct section {
	u64 nr;
	u8 flags;
	u8 kind;            /* SK_* */
	bool ram;           /* has boot RAM */
	bool dev;           /* has ZONE_DEVICE pfns */
	u64 block_pa;       /* 2 MiB backing block (SK_RAM, SK_DEV) */
	u64 *frames;        /* SK_PARTIAL: 512 vmemmap page frames (0 = unpopulated) */
	u8 *cls;            /* PAGES_PER_SECTION class bytes */
};
enum { SK_RAM, SK_DEV, SK_PARTIAL };

struct load {
	int kind;           /* LK_* */
	u64 paddr, vaddr, size, offset;
};
enum { LK_TEXT, LK_RAM, LK_PMEM_CARVED, LK_PMEM_FULL, LK_BIOS, LK_TEXT_HOSTILE };
static const char *const load_kind_names[] = {
	"text", "ram", "pmem_carved", "pmem_full", "bios", "text_hostile"
};

struct alloc_rec { u64 pa, size; int cls; const char *what; };

enum { A_X86_64, A_AARCH64 };

static struct {
	struct profile P;
	const char *profile_name;
	int layout;
	int arch;		/* A_* */
	int page_shift, section_bits;
	/* arm64 (ARM64.md): CONFIG_ARM64_VA_BITS, the VA size in use, descriptors */
	int va_bits, va_actual, levels;
	bool va48_on52;		/* a VA_BITS=52 kernel on a CPU without LPA2/LVA */
	bool lpa2;		/* 4K/16K 52-bit: OA[51:50] in bits [9:8] */
	bool lpa64;		/* 64K 52-bit (FEAT_LPA): OA[51:48] in bits [15:12] */
	bool hostile_text;	/* kexec-tools without _text: impossible image PT_LOAD */
	bool no_cont;		/* no contiguous-bit hints in the linear map */
	s64 memstart;		/* memstart_addr = PHYS_OFFSET */
	u64 kimage_vaddr, kimage_voffset, page_end;
	u64 modules_vaddr, modules_end, vmalloc_end, vmemmap_start, vmemmap_end;
	int parange;
	bool pac;		/* pointer authentication: KERNELPACMASK, signed lr */
	u64 ram;
	u64 seed;
	u64 kaslr_seed;
	bool kaslr;
	bool five;
	int sme_bit;
	u64 sme;
	u64 crash_size;
	int cpus;
	int fill;
	bool hole_excluded;	/* --fill-excluded hole */
	const char *dmesg_file, *manifest, *out;
	s64 truncate;
	bool no_vmcoreinfo, qemu_ehsize_ok, gbpages;
	const char *osrelease, *nodename;
	u64 crashtime;
	const char *load_elf;	/* --load-elf: data put into the kernel image */
	double mix[M_NR];
	bool mix_given;
	s64 used;            /* bytes, -1 default */
	double used_pct;     /* if > 0 */
	char cmdline[2048];

	/* physical layout */
	u64 lowmem, highmem;
	struct rvec ram_blocks;   /* QEMU RAM blocks */
	struct rvec e820;         /* System RAM (kernel view) */
	struct rvec fw;           /* reserved ranges inside RAM blocks (firmware) */
	struct rvec mapped;       /* direct-mapped ranges */
	struct rvec freeram;      /* allocator */
	u64 ck_s, ck_e;
	u64 img_pa, img_size, text_va, kaslr_off;
	s64 phys_base;
	u64 page_offset, vmemmap, vmalloc;
	int maxphys;
	u64 nr_roots;             /* LENGTH(mem_section) */
	struct pmem pm[MAX_PMEM];
	int npm;

	/* sections */
	struct section *sec;
	int nsec;
	u64 ms_root_pa;           /* mem_section root array */
	u64 usage_pa;

	/* allocations */
	struct alloc_rec *allocs;
	int nallocs, cap_allocs;
	u64 memmap_chunk_pa, memmap_chunk_size;
	u64 slab_arena_pa;
	int slab_arena_pages;
	u64 pgdat_pa;

	/* page tables */
	u64 pgd_pa;
	int npt_pages;

	/* ELF */
	struct load *loads;
	int nloads;
	u64 note_off, note_size, data_end, file_size, phoff;
	u8 *notes;
	u64 vmcoreinfo_desc_off, vmcoreinfo_size;
	struct sbuf vmcoreinfo;

	/* dmesg */
	char **lines;
	u64 *line_ts;
	int nlines;

	/* results */
	u64 max_mapnr;
	int fd;
	u64 bytes_written;
	char build_id[41];
} G;

static const struct profile *P = &G.P;

/* ------------------------------------------------------------------ */
/* page store: physical pages whose content is an explicit structure    */
/* ------------------------------------------------------------------ */

struct store_ent { u64 pfn; u8 *data; };
static struct store_ent *st_tab;
static u64 st_cap, st_cnt;

static u64 st_slot(u64 pfn) { return hash64(pfn, 77) & (st_cap - 1); }

static u8 *store_find(u64 pfn)
{
	if (!st_cap)
		return NULL;
	for (u64 i = st_slot(pfn);; i = (i + 1) & (st_cap - 1)) {
		if (!st_tab[i].data)
			return NULL;
		if (st_tab[i].pfn == pfn)
			return st_tab[i].data;
	}
}

static u8 *store_get(u64 pfn)
{
	u8 *d = store_find(pfn);
	if (d)
		return d;
	if ((st_cnt + 1) * 2 > st_cap) {
		struct store_ent *old = st_tab;
		u64 oc = st_cap;
		st_cap = st_cap ? st_cap * 2 : 1024;
		st_tab = xcalloc(st_cap, sizeof(*st_tab));
		for (u64 i = 0; i < oc; i++)
			if (old[i].data) {
				u64 j = st_slot(old[i].pfn);
				while (st_tab[j].data)
					j = (j + 1) & (st_cap - 1);
				st_tab[j] = old[i];
			}
		free(old);
	}
	u64 j = st_slot(pfn);
	while (st_tab[j].data)
		j = (j + 1) & (st_cap - 1);
	st_tab[j].pfn = pfn;
	st_tab[j].data = xcalloc(1, PAGE_SIZE);
	st_cnt++;
	return st_tab[j].data;
}

/* write bytes at a physical address into the store */
static void pwrite_store(u64 pa, const void *d, u64 n)
{
	const u8 *s = d;
	while (n) {
		u64 off = pa & (PAGE_SIZE - 1);
		u64 c = MIN(n, PAGE_SIZE - off);
		memcpy(store_get(pa >> PAGE_SHIFT) + off, s, c);
		pa += c;
		s += c;
		n -= c;
	}
}

static void store_zero_range(u64 pa, u64 size)
{
	for (u64 p = pa >> PAGE_SHIFT; p < (pa + size + PAGE_SIZE - 1) >> PAGE_SHIFT; p++)
		store_get(p);
}

/* kernel virtual -> physical for the two linear regions the model uses */
static u64 kva_to_pa(u64 va)
{
	if (G.arch == A_AARCH64) {
		/* __pa_symbol() for the image, __pa() for the linear map */
		if (va >= G.kimage_vaddr && va - G.kimage_vaddr < SZ_1G)
			return va - G.kimage_voffset;
		if (va >= G.page_offset && va < G.page_end)
			return (va & ~G.page_offset) + (u64)G.memstart;
		die("internal: cannot translate va %#" PRIx64, va);
	}
	if (va >= KMAP_BASE)
		return va - KMAP_BASE + (u64)G.phys_base;
	if (va >= G.page_offset && va < G.vmalloc)
		return va - G.page_offset;
	die("internal: cannot translate va %#" PRIx64, va);
}

static void vwrite(u64 va, const void *d, u64 n) { pwrite_store(kva_to_pa(va), d, n); }
static void vwrite64(u64 va, u64 v) { vwrite(va, &v, 8); }
static void vwrite32(u64 va, u32 v) { vwrite(va, &v, 4); }
static u64 dmap(u64 pa)
{
	/* arm64 __va(): (pa - PHYS_OFFSET) | PAGE_OFFSET */
	if (G.arch == A_AARCH64)
		return (pa - (u64)G.memstart) | G.page_offset;
	return G.page_offset + pa;
}
static u64 img_va(u64 off) { return G.text_va + off; }
static u64 page_va(u64 pfn) { return G.vmemmap + pfn * SPAGE; }

/* ------------------------------------------------------------------ */
/* physical memory layout                                               */
/* ------------------------------------------------------------------ */

static void record_alloc(u64 pa, u64 size, int cls, const char *what)
{
	if (G.nallocs == G.cap_allocs) {
		G.cap_allocs = G.cap_allocs ? G.cap_allocs * 2 : 64;
		G.allocs = xrealloc(G.allocs, G.cap_allocs * sizeof(*G.allocs));
	}
	G.allocs[G.nallocs++] = (struct alloc_rec){ pa, size, cls, what };
}

/* memblock-like top-down allocator over System RAM */
static u64 alloc_phys(u64 size, u64 align, int cls, const char *what)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	for (int i = G.freeram.n - 1; i >= 0; i--) {
		struct range r = G.freeram.v[i];
		if (r.e - r.s < size)
			continue;
		u64 a = ALIGN_DOWN(r.e - size, align);
		if (a < r.s)
			continue;
		rv_subtract(&G.freeram, a, a + size);
		record_alloc(a, size, cls, what);
		return a;
	}
	die("out of RAM while allocating %s (%" PRIu64 " bytes); use a larger --ram", what, size);
}

static u64 alloc_store(u64 size, const char *what)
{
	u64 pa = alloc_phys(size, PAGE_SIZE, C_KALLOC, what);
	store_zero_range(pa, size);
	return pa;
}

static void layout_ram(void)
{
	u64 ram = G.ram;
	/* q35: low RAM below 2 GiB when the guest has >= 2.75 GiB */
	if (ram >= 0xb0000000ULL) {
		G.lowmem = 0x80000000ULL;
		G.highmem = ram - G.lowmem;
	} else {
		G.lowmem = ram;
		G.highmem = 0;
	}
	rv_add(&G.ram_blocks, 0, G.lowmem);
	if (G.highmem)
		rv_add(&G.ram_blocks, 1ULL << 32, (1ULL << 32) + G.highmem);

	rv_add(&G.e820, 0x1000, 0x9fc00);
	rv_add(&G.e820, 0x100000, G.lowmem - 0x24000);
	if (G.highmem)
		rv_add(&G.e820, 1ULL << 32, (1ULL << 32) + G.highmem);
	/* firmware-reserved parts of the RAM blocks */
	rv_add(&G.fw, 0, 0x100000);
	rv_add(&G.fw, G.lowmem - 0x24000, G.lowmem);

	/* legacy pmem carved out of guest RAM */
	for (int i = 0; i < G.npm; i++) {
		rv_subtract(&G.e820, G.pm[i].start, G.pm[i].start + G.pm[i].size);
		rv_subtract(&G.fw, G.pm[i].start, G.pm[i].start + G.pm[i].size);
	}
	rv_normalize(&G.e820);
	if (!G.e820.n)
		die("no System RAM left");

	/* direct map: all RAM (incl. crashkernel), the first MiB, pmem */
	for (int i = 0; i < G.e820.n; i++)
		rv_add(&G.mapped, G.e820.v[i].s, G.e820.v[i].e);
	rv_add(&G.mapped, 0, 0x100000);
	for (int i = 0; i < G.npm; i++)
		rv_add(&G.mapped, G.pm[i].start, G.pm[i].start + G.pm[i].size);
	rv_normalize(&G.mapped);
}

static void place_crashkernel_and_image(struct rng *kr)
{
	u64 need_img = G.img_size = P->image_size;
	/* crashkernel: highest 16 MiB aligned fit below 4 GiB, above the image area */
	G.ck_s = G.ck_e = 0;
	if (G.crash_size) {
		for (int i = G.e820.n - 1; i >= 0; i--) {
			struct range r = G.e820.v[i];
			if (r.s >= (1ULL << 32))
				continue;
			u64 e = ALIGN_DOWN(MIN(r.e, 1ULL << 32), 16 * SZ_1M);
			if (e < G.crash_size)
				continue;
			u64 s = e - G.crash_size;
			if (s >= r.s && s >= 32 * SZ_1M + need_img) {
				G.ck_s = s;
				G.ck_e = e;
				break;
			}
		}
		if (!G.ck_e)
			die("cannot place a %" PRIu64 " MiB crashkernel; use --crashkernel 0 or more --ram",
			    G.crash_size >> 20);
	}
	/* kernel image: 2 MiB aligned, >= 16 MiB, low RAM, not in crashkernel */
	struct rvec cand = {0};
	for (int i = 0; i < G.e820.n; i++) {
		u64 s = MAX(G.e820.v[i].s, 16 * SZ_1M), e = MIN(G.e820.v[i].e, 1ULL << 32);
		if (e > s)
			rv_add(&cand, s, e);
	}
	if (G.ck_e)
		rv_subtract(&cand, G.ck_s, G.ck_e);
	/* leave room for allocations at the top of the lowest block: limit image to below 60% */
	u64 slots = 0;
	for (int i = 0; i < cand.n; i++) {
		u64 s = ALIGN_UP(cand.v[i].s, SZ_2M);
		if (cand.v[i].e > s + need_img)
			slots += (cand.v[i].e - need_img - s) / SZ_2M + 1;
	}
	if (!slots)
		die("no room for the kernel image; use more --ram");
	u64 pick = G.kaslr ? rnd_below(kr, slots / 2 + 1) : 0;
	for (int i = 0; i < cand.n; i++) {
		u64 s = ALIGN_UP(cand.v[i].s, SZ_2M);
		if (cand.v[i].e <= s + need_img)
			continue;
		u64 n = (cand.v[i].e - need_img - s) / SZ_2M + 1;
		if (pick < n) {
			G.img_pa = s + pick * SZ_2M;
			break;
		}
		pick -= n;
	}
	free(cand.v);
	/* virtual KASLR offset, independent of the physical one */
	G.kaslr_off = 0;
	if (G.kaslr) {
		u64 maxoff = SZ_1G - 16 * SZ_1M - ALIGN_UP(need_img, SZ_2M);
		G.kaslr_off = rnd_below(kr, maxoff / SZ_2M) * SZ_2M;
	}
	G.text_va = KMAP_BASE + 16 * SZ_1M + G.kaslr_off;
	G.phys_base = (s64)G.img_pa - (s64)(G.text_va - KMAP_BASE);
}

static void randomize_memory(struct rng *kr)
{
	u64 maxpa = 0;
	for (int i = 0; i < G.mapped.n; i++)
		maxpa = MAX(maxpa, G.mapped.v[i].e);
	if (!P->kaslr_mem || !G.kaslr) {
		if (G.five) {
			G.page_offset = 0xff11000000000000ULL;
			G.vmalloc = 0xffa0000000000000ULL;
			G.vmemmap = 0xffd4000000000000ULL;
		} else {
			G.page_offset = P->po_888 ? 0xffff888000000000ULL : 0xffff880000000000ULL;
			G.vmalloc = 0xffffc90000000000ULL;
			G.vmemmap = 0xffffea0000000000ULL;
		}
		return;
	}
	u64 start = G.five ? 0xff11000000000000ULL
			   : (P->po_888 ? 0xffff888000000000ULL : 0xffff880000000000ULL);
	u64 end = 0xfffffe0000000000ULL;
	u64 max_tb = 1ULL << (G.maxphys - 40);
	u64 direct_tb = MIN(max_tb, (maxpa + SZ_1T - 1) / SZ_1T + 10);
	u64 vmalloc_tb = G.five ? 12800 : 32;
	u64 vmemmap_tb = MAX(1, (direct_tb * SPAGE + PAGE_SIZE - 1) / PAGE_SIZE);
	u64 size[3] = { direct_tb * SZ_1T, vmalloc_tb * SZ_1T, vmemmap_tb * SZ_1T };
	u64 base[3];
	u64 remain = end - start - size[0] - size[1] - size[2];
	u64 va = start;
	for (int i = 0; i < 3; i++) {
		u64 entropy = remain / (3 - i);
		u64 r = rnd_below(kr, entropy / SZ_1G + 1) * SZ_1G;
		va += r;
		base[i] = va;
		va += size[i];
		va = ALIGN_UP(va + 1, SZ_1G);
		remain -= entropy;
	}
	G.page_offset = base[0];
	G.vmalloc = base[1];
	G.vmemmap = base[2];
}

/* ------------------------------------------------------------------ */
/* pmem namespaces (DEVICE_VMEMMAP.md section 2)                        */
/* ------------------------------------------------------------------ */

static void pmem_compute(struct pmem *n, struct rng *r)
{
	if (n->start % SZ_2M || n->size % SZ_2M)
		die("--pmem start and size must be 2 MiB aligned");
	if (n->size < 16 * SZ_1M)
		die("--pmem size must be at least 16M");
	if (n->start + n->size > (1ULL << G.maxphys))
		die("--pmem range beyond MAX_PHYSMEM_BITS (%d)", G.maxphys);
	n->A = MAX(n->align, SZ_2M);
	u64 B = n->start;
	if (!n->align)
		n->align = n->devdax ? SZ_2M : PAGE_SIZE;
	if (n->align != PAGE_SIZE && n->align != SZ_2M && n->align != SZ_1G)
		die("--pmem align must be the page size, 2M or 1G");
	n->A = MAX(n->align, SZ_2M);
	u64 npfns0 = (n->size - SZ_8K) / PAGE_SIZE;
	n->end_trunc = (B + n->size) - ALIGN_DOWN(B + n->size, n->A);
	if (n->map_dev)
		n->dataoff = ALIGN_UP(B + SZ_8K + SPAGE * npfns0, n->A) - B;
	else
		n->dataoff = ALIGN_UP(B + SZ_8K, n->A) - B;
	if (n->dataoff + n->end_trunc >= n->size)
		die("--pmem namespace at %#" PRIx64 " too small for align %#" PRIx64, B, n->align);
	n->npfns = (n->size - n->dataoff - n->end_trunc) / PAGE_SIZE;
	n->first_pfn = B >> PAGE_SHIFT;
	n->end_pfn = (B + n->size - n->end_trunc) >> PAGE_SHIFT;
	n->data_pfn = n->first_pfn + n->dataoff / PAGE_SIZE;
	n->base_pfn = n->first_pfn;
	/* the info block's 8 KiB, in whole pages: 2 with 4 KiB pages, else 1 */
	n->reserve = ALIGN_UP(SZ_8K, PAGE_SIZE) / PAGE_SIZE;
	n->free_pfns = n->dataoff / PAGE_SIZE - n->reserve;
	n->compound_order = 0;
	if (n->devdax && P->devdax_compound && n->align > PAGE_SIZE)
		n->compound_order = ilog2_floor(n->align / PAGE_SIZE);
	u64 used = MIN(n->npfns / 4, 16384);
	if (n->compound_order)
		used = ALIGN_UP(used, 1ULL << n->compound_order);
	n->used_data = MIN(used, n->npfns);
	for (int i = 0; i < 16; i++) {
		n->uuid[i] = (u8)rnd(r);
		n->puuid[i] = (u8)rnd(r);
	}
	n->uuid[6] = (n->uuid[6] & 0x0f) | 0x40;
	n->puuid[6] = (n->puuid[6] & 0x0f) | 0x40;
}

static struct pmem *pmem_of_pfn(u64 pfn)
{
	for (int i = 0; i < G.npm; i++)
		if (pfn >= G.pm[i].first_pfn && pfn < G.pm[i].first_pfn + G.pm[i].size / PAGE_SIZE)
			return &G.pm[i];
	return NULL;
}

/* Fletcher-64 over 32-bit little-endian words (nd_fletcher64) */
static u64 fletcher64(const u8 *buf, size_t len)
{
	u32 lo = 0;
	u64 hi = 0;
	for (size_t i = 0; i < len / 4; i++) {
		lo += get32(buf + i * 4);
		hi += lo;
	}
	return hi << 32 | lo;
}

static void pmem_info_block(struct pmem *n)
{
	if (!n->info)
		return;
	u8 sb[4096];
	memset(sb, 0, sizeof(sb));
	memcpy(sb, n->devdax ? "NVDIMM_DAX_INFO" : "NVDIMM_PFN_INFO", 16);
	memcpy(sb + 16, n->uuid, 16);
	memcpy(sb + 32, n->puuid, 16);
	put32(sb + 48, 0);                  /* flags */
	put16(sb + 52, 1);                  /* version_major */
	put16(sb + 54, 4);                  /* version_minor */
	put64(sb + 56, n->dataoff);
	put64(sb + 64, n->npfns);
	put32(sb + 72, n->map_dev ? 2 : 1); /* PFN_MODE_PMEM / PFN_MODE_RAM */
	put32(sb + 76, 0);                  /* start_pad */
	put32(sb + 80, (u32)n->end_trunc);
	put32(sb + 84, (u32)n->align);
	put32(sb + 88, (u32)PAGE_SIZE);
	put16(sb + 92, SPAGE);
	n->checksum = fletcher64(sb, sizeof(sb));
	put64(sb + 4088, n->checksum);
	pwrite_store(n->start + 4096, sb, sizeof(sb));
}

/* ------------------------------------------------------------------ */
/* sparsemem sections                                                   */
/* ------------------------------------------------------------------ */

static int sec_cmp(const void *a, const void *b)
{
	const struct section *x = a, *y = b;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

static struct section *sec_find(u64 nr)
{
	int lo = 0, hi = G.nsec - 1;
	while (lo <= hi) {
		int m = (lo + hi) / 2;
		if (G.sec[m].nr == nr)
			return &G.sec[m];
		if (G.sec[m].nr < nr)
			lo = m + 1;
		else
			hi = m - 1;
	}
	return NULL;
}

static struct section *sec_get(u64 nr)
{
	struct section *s = sec_find(nr);
	if (s)
		return s;
	G.sec = xrealloc(G.sec, (G.nsec + 1) * sizeof(*G.sec));
	s = &G.sec[G.nsec++];
	memset(s, 0, sizeof(*s));
	s->nr = nr;
	qsort(G.sec, G.nsec, sizeof(*G.sec), sec_cmp);
	return sec_find(nr);
}

static int cls_of(u64 pfn)
{
	struct section *s = sec_find(pfn >> PFN_SECTION_SHIFT);
	return s ? s->cls[pfn & (PAGES_PER_SECTION - 1)] : -1;
}

static void set_cls(u64 spfn, u64 epfn, int c)
{
	while (spfn < epfn) {
		struct section *s = sec_find(spfn >> PFN_SECTION_SHIFT);
		u64 send = ((spfn >> PFN_SECTION_SHIFT) + 1) << PFN_SECTION_SHIFT;
		u64 e = MIN(epfn, send);
		if (s)
			memset(s->cls + (spfn & (PAGES_PER_SECTION - 1)), c, e - spfn);
		spfn = e;
	}
}

static void build_sections(void)
{
	/* boot RAM sections */
	for (int i = 0; i < G.e820.n; i++) {
		u64 s = G.e820.v[i].s >> SECTION_SIZE_BITS;
		u64 e = (G.e820.v[i].e - 1) >> SECTION_SIZE_BITS;
		for (u64 nr = s; nr <= e; nr++) {
			struct section *x = sec_get(nr);
			x->ram = true;
			x->kind = SK_RAM;
		}
	}
	/* ZONE_DEVICE sections */
	for (int i = 0; i < G.npm; i++) {
		struct pmem *n = &G.pm[i];
		for (u64 nr = n->first_pfn >> PFN_SECTION_SHIFT;
		     nr <= (n->end_pfn - 1) >> PFN_SECTION_SHIFT; nr++) {
			struct section *x = sec_get(nr);
			u64 ss = nr << PFN_SECTION_SHIFT, se = ss + PAGES_PER_SECTION;
			bool full = n->first_pfn <= ss && n->end_pfn >= se;
			x->dev = true;
			if (x->ram) {
				continue; /* early section: memmap already there */
			} else if (full) {
				x->kind = n->map_dev ? SK_DEV : SK_RAM;
			} else {
				x->kind = SK_PARTIAL;
				if (!x->frames)
					x->frames = xcalloc(MEMMAP_FRAMES, sizeof(u64));
			}
		}
	}
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		u8 f = 0x3;
		if (x->ram) {
			if (P->sec_online)
				f |= 0x4;
			if (P->sec_early)
				f |= 0x8;
		}
		if (x->dev && P->sec_taint) {
			u64 ss = x->nr << PFN_SECTION_SHIFT, se = ss + PAGES_PER_SECTION;
			for (int k = 0; k < G.npm; k++) {
				struct pmem *n = &G.pm[k];
				if ((n->first_pfn > ss && n->first_pfn < se) ||
				    (n->end_pfn > ss && n->end_pfn < se))
					f |= 0x10;
			}
		}
		x->flags = f;
		x->cls = xcalloc(PAGES_PER_SECTION, 1);
	}
}

static u64 try_alloc_phys(u64 size, u64 align, int cls, const char *what)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	for (int i = G.freeram.n - 1; i >= 0; i--) {
		struct range r = G.freeram.v[i];
		if (r.e - r.s < size)
			continue;
		u64 a = ALIGN_DOWN(r.e - size, align);
		if (a < r.s)
			continue;
		rv_subtract(&G.freeram, a, a + size);
		record_alloc(a, size, cls, what);
		return a;
	}
	return ~0ULL;
}

/*
 * Alignment (in pfns) of a section's memmap: PMD-mapped vmemmap (x86_64,
 * arm64 with 4 KiB pages) takes 2 MiB blocks; arm64 with 16/64 KiB pages
 * maps the vmemmap with base pages (vmemmap_populate_basepages).
 */
static u64 memmap_align_pfns(void)
{
	return PAGE_SIZE == SZ_4K ? MEMMAP_FRAMES : 1;
}

static void allocate_memmaps(void)
{
	/* altmap blocks for device sections, per namespace in section order */
	for (int k = 0; k < G.npm; k++) {
		struct pmem *n = &G.pm[k];
		n->alloc = n->align_pfns = 0;
		for (int i = 0; i < G.nsec; i++) {
			struct section *x = &G.sec[i];
			if (x->kind != SK_DEV || (x->nr << PFN_SECTION_SHIFT) < n->first_pfn ||
			    (x->nr << PFN_SECTION_SHIFT) >= n->end_pfn)
				continue;
			u64 next = n->base_pfn + n->reserve + n->alloc + n->align_pfns;
			u64 al = ALIGN_UP(next, memmap_align_pfns()) - next;
			if (n->alloc + n->align_pfns + al + MEMMAP_FRAMES > n->free_pfns)
				die("internal: altmap exhausted");
			n->align_pfns += al;
			u64 pfn = next + al;
			n->alloc += MEMMAP_FRAMES;
			x->block_pa = pfn << PAGE_SHIFT;
			if (n->nblocks < 1024) {
				n->block_pa[n->nblocks] = x->block_pa;
				n->block_sec[n->nblocks] = x->nr;
				n->nblocks++;
			}
		}
	}
	/* RAM-backed 2 MiB blocks: one contiguous buffer like sparse_buffer_init() */
	int nram = 0;
	for (int i = 0; i < G.nsec; i++)
		if (G.sec[i].kind == SK_RAM)
			nram++;
	u64 blk_al = memmap_align_pfns() * PAGE_SIZE;
	u64 chunk = try_alloc_phys((u64)nram * MEMMAP_BLOCK, blk_al, C_MEMMAP, "memmap");
	G.memmap_chunk_pa = chunk;
	G.memmap_chunk_size = (u64)nram * MEMMAP_BLOCK;
	int j = 0;
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		if (x->kind != SK_RAM)
			continue;
		if (chunk != ~0ULL)
			x->block_pa = chunk + (u64)j++ * MEMMAP_BLOCK;
		else
			x->block_pa = alloc_phys(MEMMAP_BLOCK, blk_al, C_MEMMAP, "memmap");
	}
	if (chunk == ~0ULL) {
		G.memmap_chunk_pa = 0;
		G.memmap_chunk_size = 0;
	}
	/* partially populated device sections: 4 KiB pages from RAM */
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		if (x->kind != SK_PARTIAL)
			continue;
		u64 ss = x->nr << PFN_SECTION_SHIFT;
		for (int k = 0; k < G.npm; k++) {
			struct pmem *n = &G.pm[k];
			u64 a = MAX(ss, n->first_pfn), b = MIN(ss + PAGES_PER_SECTION, n->end_pfn);
			for (u64 p = ALIGN_DOWN(a, PFNS_PER_FRAME); p < b; p += PFNS_PER_FRAME) {
				int idx = (int)((p - ss) / PFNS_PER_FRAME);
				if (!x->frames[idx])
					x->frames[idx] = alloc_phys(PAGE_SIZE, PAGE_SIZE, C_MEMMAP, "memmap (base pages)");
			}
		}
	}
}

/* ------------------------------------------------------------------ */
/* kernel page tables                                                   */
/* ------------------------------------------------------------------ */

#define PTE_PRESENT 0x1ULL
#define PTE_PSE 0x80ULL
#define PTE_TABLE 0x63ULL
#define PTE_LARGE 0x80000000000001e3ULL
#define PTE_LARGE_X 0x00000000000001e1ULL
#define PTE_4K 0x8000000000000163ULL
#define PTE_ADDR 0x000ffffffffff000ULL

static u64 *pt_page(u64 pa) { return (u64 *)store_get(pa >> PAGE_SHIFT); }

static u64 pt_alloc(void)
{
	G.npt_pages++;
	return alloc_store(PAGE_SIZE, "page table");
}

static void pt_map(u64 va, u64 pa, int leaf_shift, u64 flags)
{
	u64 table = G.pgd_pa;
	int top = G.five ? 48 : 39;
	for (int sh = top; sh > leaf_shift; sh -= 9) {
		u64 *e = &pt_page(table)[(va >> sh) & 511];
		if (!(*e & PTE_PRESENT))
			*e = pt_alloc() | PTE_TABLE | G.sme;
		else if (*e & PTE_PSE)
			die("internal: page table conflict at va %#" PRIx64, va);
		table = *e & PTE_ADDR & ~G.sme;
	}
	u64 *e = &pt_page(table)[(va >> leaf_shift) & 511];
	*e = pa | flags | G.sme;
}

static void build_page_tables(void)
{
	G.pgd_pa = G.img_pa + IMG_PGD;
	store_get(G.pgd_pa >> PAGE_SHIFT);
	/* kernel image mapping through the static tables in the image */
	u64 l3 = G.img_pa + IMG_L3K, l2 = G.img_pa + IMG_L2K;
	if (G.five) {
		u64 l4 = G.img_pa + IMG_L4K;
		pt_page(G.pgd_pa)[511] = l4 | PTE_TABLE | G.sme;
		pt_page(l4)[511] = l3 | PTE_TABLE | G.sme;
	} else {
		pt_page(G.pgd_pa)[511] = l3 | PTE_TABLE | G.sme;
	}
	pt_page(l3)[510] = l2 | PTE_TABLE | G.sme;
	u64 first = (G.text_va - KMAP_BASE) / SZ_2M;
	u64 last = (G.text_va - KMAP_BASE + G.img_size + SZ_2M - 1) / SZ_2M;
	u64 textend = first + (last - first) * 2 / 5;
	for (u64 i = first; i < last; i++)
		pt_map(KMAP_BASE + i * SZ_2M, (u64)((s64)(i * SZ_2M) + G.phys_base), 21,
		       i < textend ? PTE_LARGE_X : PTE_LARGE);

	/* direct map */
	for (int i = 0; i < G.mapped.n; i++) {
		u64 pa = G.mapped.v[i].s, e = G.mapped.v[i].e;
		while (pa < e) {
			if (G.gbpages && pa % SZ_1G == 0 && pa + SZ_1G <= e) {
				pt_map(dmap(pa), pa, 30, PTE_LARGE);
				pa += SZ_1G;
			} else if (pa % SZ_2M == 0 && pa + SZ_2M <= e) {
				pt_map(dmap(pa), pa, 21, PTE_LARGE);
				pa += SZ_2M;
			} else {
				pt_map(dmap(pa), pa, 12, PTE_4K);
				pa += PAGE_SIZE;
			}
		}
	}

	/* vmemmap */
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		u64 va = G.vmemmap + x->nr * MEMMAP_BLOCK;
		if (x->kind == SK_PARTIAL) {
			for (u64 k = 0; k < MEMMAP_FRAMES; k++)
				if (x->frames[k])
					pt_map(va + (u64)k * PAGE_SIZE, x->frames[k], 12, PTE_4K);
		} else {
			pt_map(va, x->block_pa, 21, PTE_LARGE);
		}
	}
}

/* ------------------------------------------------------------------ */
/* arm64: layout, page tables (ARM64.md; arch/arm64 memory.h,           */
/* pgtable-hwdef.h, kaslr.c, init.c)                                     */
/* ------------------------------------------------------------------ */

#define A64_RAM_BASE 0x40000000ULL      /* QEMU virt */
#define A64_IMG_OFF  0x200000ULL        /* Image loaded 2 MiB into RAM */
#define A64_STEXT    0x10000ULL         /* _stext - _text */
#define A64_TOP_RESERVED (74 * SZ_1M)   /* DTB, initrd, ... above the crashkernel */
#define A64_DESC_VALID 0x1ULL
#define A64_DESC_TABLE 0x3ULL           /* table (levels > 0) or page (level 0) */
#define A64_CONT (1ULL << 52)
#define A64_PXN_TABLE (1ULL << 59)
/* AF | nG | AP[2] (clean, DBM) | AttrIndx 0; SH inner (not with LPA2) */
#define A64_LOW_ATTRS 0xc80ULL
#define A64_SH_INNER 0x300ULL
#define A64_DATA_HI ((1ULL << 55) | (1ULL << 54) | (1ULL << 53) | (1ULL << 51))
#define A64_TEXT_HI (1ULL << 54)

static bool is_a64(void) { return G.arch == A_AARCH64; }

/* translation levels for a VA size: each level resolves PAGE_SHIFT - 3 bits */
static int a64_levels(int va)
{
	int per = PAGE_SHIFT - 3;
	return (va - PAGE_SHIFT + per - 1) / per;
}

static int a64_shift(int lvl) { return PAGE_SHIFT + lvl * (PAGE_SHIFT - 3); }

/* VA_BITS_MIN: what a VA_BITS=52 kernel falls back to (47 with 16K pages: 3 levels) */
static int a64_va_bits_min(void)
{
	if (G.va_bits <= 48)
		return G.va_bits;
	return PAGE_SIZE == 16384 ? 47 : 48;
}

static void a64_configure(void)
{
	int ps = (int)PAGE_SIZE;
	bool ok = (ps == 4096 && (G.va_bits == 39 || G.va_bits == 48 || G.va_bits == 52)) ||
		  (ps == 16384 && (G.va_bits == 47 || G.va_bits == 48 || G.va_bits == 52)) ||
		  (ps == 65536 && (G.va_bits == 42 || G.va_bits == 48 || G.va_bits == 52));
	if (!ok)
		die("--va-bits %d does not exist with %d KiB pages (4K: 39 48 52, 16K: 47 48 52, 64K: 42 48 52)",
		    G.va_bits, ps >> 10);
	if (G.va48_on52 && G.va_bits != 52)
		die("--va48-on-52 needs --va-bits 52");
	if (G.va_bits == 52 && ps != 65536 && P->ver < KV(6, 9))
		die("52-bit VA with 4K/16K pages (LPA2) needs a profile >= 6.9");
	if (P->ver < KV(6, 1))
		die("arm64 dumps need a profile >= 6.1 (the flipped VA layout)");
	if (G.layout == L_QEMU)
		die("--layout qemu: x86_64 only (arm64 dumps use the kexec-tools layouts)");
	if (G.five || G.sme_bit >= 0)
		die("--five-level and --sme-mask are x86_64 options");
	G.va_actual = G.va48_on52 ? a64_va_bits_min() : G.va_bits;
	G.lpa2 = G.va_actual == 52 && ps != 65536;
	G.lpa64 = G.va_actual == 52 && ps == 65536;
	G.levels = a64_levels(G.va_actual);
	G.section_bits = ps == 65536 ? 29 : 27;
	G.maxphys = G.va_bits == 52 && !G.va48_on52 ? 52 : 48;
	/* cortex-a57 has 44 PA bits, -cpu max (LPA2/LPA) 52 */
	G.parange = G.va_actual == 52 ? 52 : 44;
}

/*
 * Top table index bits: a 52-bit kernel on 48-bit hardware with the same
 * number of levels keeps its 52-bit-sized top table and points TTBR1 into
 * it (TTBR1_BADDR_4852_OFFSET); with fewer levels (4K: 5 -> 4) the top
 * table is the level below, indexed by 48 bits.
 */
static int a64_index_bits(void)
{
	if (G.va48_on52 && a64_levels(52) == a64_levels(G.va_actual))
		return 52;
	return G.va_actual;
}

static void a64_layout_ram(void)
{
	if (G.ram > 255 * SZ_1G)
		die("--ram: arm64 RAM is one block at 1 GiB, at most 255G");
	rv_add(&G.ram_blocks, A64_RAM_BASE, A64_RAM_BASE + G.ram);
	rv_add(&G.e820, A64_RAM_BASE, A64_RAM_BASE + G.ram);
	for (int i = 0; i < G.npm; i++)
		rv_subtract(&G.e820, G.pm[i].start, G.pm[i].start + G.pm[i].size);
	rv_normalize(&G.e820);
	if (!G.e820.n)
		die("no System RAM left");
	for (int i = 0; i < G.e820.n; i++)
		rv_add(&G.mapped, G.e820.v[i].s, G.e820.v[i].e);
	for (int i = 0; i < G.npm; i++)
		rv_add(&G.mapped, G.pm[i].start, G.pm[i].start + G.pm[i].size);
	rv_normalize(&G.mapped);
	G.lowmem = 0;
}

static u64 a64_memstart_align(void)
{
	/* ARM64_MEMSTART_ALIGN: PUD (4K), CONT_PMD (16K), PMD (64K), >= a section */
	u64 a = PAGE_SIZE == SZ_4K ? SZ_1G : PAGE_SIZE == 16384 ? SZ_1G : 512 * SZ_1M;
	return MAX(a, 1ULL << SECTION_SIZE_BITS);
}

static void a64_place(struct rng *kr)
{
	G.img_size = ALIGN_UP(P->image_size, SZ_2M);
	G.img_pa = A64_RAM_BASE + A64_IMG_OFF;
	G.ck_s = G.ck_e = 0;
	if (G.crash_size) {
		/* top-down below 4 GiB (ZONE_DMA), 2 MiB aligned, under the DTB/initrd */
		u64 top = MIN(G.e820.v[G.e820.n - 1].e, 1ULL << 32);
		u64 e = top > A64_TOP_RESERVED ? ALIGN_DOWN(top - A64_TOP_RESERVED, SZ_2M) : 0;
		u64 s = e - G.crash_size;
		if (e < G.crash_size || s < G.img_pa + G.img_size + 32 * SZ_1M || s < G.e820.v[0].s)
			die("cannot place a %" PRIu64 " MiB crashkernel; use --crashkernel 0 or more --ram",
			    G.crash_size >> 20);
		G.ck_s = s;
		G.ck_e = e;
	}
	int vabm = a64_va_bits_min();
	G.page_offset = -(1ULL << G.va_bits);
	G.page_end = -(1ULL << (vabm - 1));
	G.modules_vaddr = G.page_end;
	G.modules_end = G.modules_vaddr + (P->ver >= KV(6, 5) ? 2 * SZ_1G : 128 * SZ_1M);
	G.vmalloc = G.modules_end;
	u64 kimage_base = G.modules_end;		/* KIMAGE_VADDR */
	G.kaslr_off = 0;
	if (G.kaslr) {
		/* kaslr_early_init(): the middle half of vmalloc, 2 MiB aligned */
		u64 off = (1ULL << (vabm - 3)) + (rnd(kr) & ((1ULL << (vabm - 3)) - 1));
		G.kaslr_off = ALIGN_DOWN(off, SZ_2M);
	}
	G.kimage_vaddr = kimage_base + G.kaslr_off;
	G.text_va = G.kimage_vaddr;
	G.kimage_voffset = G.text_va - G.img_pa;
	G.phys_base = 0;
}

static void a64_randomize(struct rng *kr)
{
	u64 al = a64_memstart_align();
	s64 ms = (s64)ALIGN_DOWN(G.e820.v[0].s, al);
	if (G.va48_on52)
		ms -= (s64)((-(1ULL << G.va_actual)) - (-(1ULL << 52)));
	if (G.kaslr) {
		/* arm64_memblock_init(): randomise the linear region */
		s64 lin = (s64)((1ULL << G.va_actual) - (1ULL << (a64_va_bits_min() - 1)));
		s64 range = lin - (s64)(1ULL << G.parange);
		u64 seed = rnd(kr) & 0xffff;
		if (seed && range >= (s64)al)
			ms -= (s64)al * (s64)(((u64)(range / (s64)al) * seed) >> 16);
	}
	G.memstart = ms;
	/* vmemmap: VMEMMAP_START's definition changed with 6.9 */
	if (P->ver >= KV(6, 9)) {
		int vabm = a64_va_bits_min();
		u64 size = ((G.page_end - G.page_offset) >> PAGE_SHIFT) * SPAGE;
		G.vmemmap_end = -SZ_1G;
		G.vmemmap_start = G.vmemmap_end - size;
		u64 size_min = ((G.page_end - (-(1ULL << vabm))) >> PAGE_SHIFT) * SPAGE;
		G.vmalloc_end = G.vmemmap_end - size_min - 8 * SZ_1M;
	} else {
		int vshift = PAGE_SHIFT - 6;
		G.vmemmap_start = -(1ULL << (G.va_bits - vshift));
		G.vmemmap_end = G.vmemmap_start + ((G.page_end - G.page_offset) >> vshift);
		G.vmalloc_end = G.vmemmap_start - 256 * SZ_1M;
	}
	/* vmemmap = (struct page *)VMEMMAP_START - (memstart_addr >> PAGE_SHIFT) */
	G.vmemmap = G.vmemmap_start - (u64)(G.memstart >> PAGE_SHIFT) * SPAGE;
}

static u64 a64_oa_encode(u64 pa)
{
	if (G.lpa2)
		return (pa & ((1ULL << 50) - 1) & ~(PAGE_SIZE - 1)) | (((pa >> 50) & 3) << 8);
	if (G.lpa64)
		return (pa & ((1ULL << 48) - 1) & ~(PAGE_SIZE - 1)) | (((pa >> 48) & 0xf) << 12);
	return pa & ((1ULL << 48) - 1) & ~(PAGE_SIZE - 1);
}

static u64 a64_oa_decode(u64 d)
{
	if (G.lpa2)
		return (d & ((1ULL << 50) - 1) & ~(PAGE_SIZE - 1)) | (((d >> 8) & 3) << 50);
	if (G.lpa64)
		return (d & ((1ULL << 48) - 1) & ~(PAGE_SIZE - 1)) | (((d >> 12) & 0xf) << 48);
	return d & ((1ULL << 48) - 1) & ~(PAGE_SIZE - 1);
}

static u64 a64_leaf_attrs(bool text)
{
	return A64_LOW_ATTRS | (G.lpa2 ? 0 : A64_SH_INNER) | (text ? A64_TEXT_HI : A64_DATA_HI);
}

static int a64_blocks_used;	/* bit per level that got a block or page leaf */

static void a64_map(u64 va, u64 pa, int leaf_lvl, u64 attrs)
{
	u64 table = G.pgd_pa;
	for (int lvl = G.levels - 1; lvl >= leaf_lvl; lvl--) {
		int sh = a64_shift(lvl);
		int bits = lvl == G.levels - 1 ? a64_index_bits() - sh : PAGE_SHIFT - 3;
		u64 *e = &pt_page(table)[(va >> sh) & ((1ULL << bits) - 1)];
		if (lvl == leaf_lvl) {
			*e = a64_oa_encode(pa) | attrs | (lvl ? A64_DESC_VALID : A64_DESC_TABLE);
			a64_blocks_used |= 1 << lvl;
			return;
		}
		if (!*e)
			*e = a64_oa_encode(pt_alloc()) | A64_DESC_TABLE | (lvl & 1 ? A64_PXN_TABLE : 0);
		else if ((*e & 3) != A64_DESC_TABLE)
			die("internal: page table conflict at va %#" PRIx64, va);
		table = a64_oa_decode(*e);
	}
}

/* contiguous-hint entries per group at a level (CONT_PTES / CONT_PMDS) */
static u64 a64_cont_entries(int lvl)
{
	if (lvl > 1)
		return 0;
	if (PAGE_SIZE == SZ_4K)
		return lvl == 0 ? 16 : 0;	/* no hint on 2 MiB blocks here: 1 GiB ones mix in */
	if (PAGE_SIZE == 16384)
		return lvl == 0 ? 128 : 32;
	return 32;
}

/*
 * Map [pa, e) at @va with the largest leaves Linux uses there: 1 GiB and
 * 2 MiB blocks (4K), 32 MiB (16K), 512 MiB (64K), else pages; groups of
 * entries that lie wholly in the range get the contiguous hint.
 */
static void a64_map_range(u64 va, u64 pa, u64 e, bool text, bool blocks)
{
	u64 attrs = a64_leaf_attrs(text), start = pa;
	while (pa < e) {
		int lvl = 0;
		for (int l = PAGE_SIZE == SZ_4K ? 2 : 1; blocks && l >= 1; l--) {
			u64 sz = 1ULL << a64_shift(l);
			if (l == 2 && !G.gbpages)
				continue;
			if (l < G.levels && pa % sz == 0 && va % sz == 0 && pa + sz <= e) {
				lvl = l;
				break;
			}
		}
		u64 sz = 1ULL << a64_shift(lvl), n = a64_cont_entries(lvl), c = 0;
		if (n && !G.no_cont && !text) {
			u64 g = ALIGN_DOWN(pa, sz * n);
			if ((va - pa) % (sz * n) == 0 && g >= start && g + sz * n <= e)
				c = A64_CONT;
		}
		a64_map(va, pa, lvl, attrs | c);
		va += sz;
		pa += sz;
	}
}

static void a64_build_page_tables(void)
{
	G.pgd_pa = G.img_pa + IMG_PGD;
	store_get(G.pgd_pa >> PAGE_SHIFT);
	/* the image: 2 MiB blocks with 4K pages, pages otherwise */
	a64_map_range(G.text_va, G.img_pa, G.img_pa + G.img_size, true, PAGE_SIZE == SZ_4K);
	/*
	 * The linear map; the crashkernel with pages and no hints (map_mem()
	 * maps it NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS so it can be unmapped).
	 */
	for (int i = 0; i < G.mapped.n; i++) {
		u64 s = G.mapped.v[i].s, e = G.mapped.v[i].e;
		if (G.ck_e && G.ck_s >= s && G.ck_e <= e) {
			if (G.ck_s > s)
				a64_map_range(dmap(s), s, G.ck_s, false, true);
			bool nc = G.no_cont;
			G.no_cont = true;
			a64_map_range(dmap(G.ck_s), G.ck_s, G.ck_e, false, false);
			G.no_cont = nc;
			s = G.ck_e;
		}
		if (s < e)
			a64_map_range(dmap(s), s, e, false, true);
	}
	/* vmemmap: PMD blocks with 4K pages, base pages with 16K/64K */
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		u64 va = G.vmemmap + x->nr * MEMMAP_BLOCK;
		for (u64 k = 0; k < MEMMAP_FRAMES; k++) {
			u64 pa = x->kind == SK_PARTIAL ? x->frames[k] : x->block_pa + k * PAGE_SIZE;
			if (!pa)
				continue;
			if (x->kind != SK_PARTIAL && PAGE_SIZE == SZ_4K) {
				a64_map(va, x->block_pa, 1, a64_leaf_attrs(false));
				break;
			}
			a64_map(va + k * PAGE_SIZE, pa, 0, a64_leaf_attrs(false));
		}
	}
}

/* Walk our own tables (the manifest's translation samples). */
static bool a64_walk(u64 va, u64 *pa)
{
	u64 table = G.pgd_pa;
	for (int lvl = G.levels - 1; lvl >= 0; lvl--) {
		int sh = a64_shift(lvl);
		int bits = lvl == G.levels - 1 ? a64_index_bits() - sh : PAGE_SHIFT - 3;
		u8 *pg = store_find(table >> PAGE_SHIFT);
		if (!pg)
			return false;
		u64 d = get64(pg + ((va >> sh) & ((1ULL << bits) - 1)) * 8);
		if (!(d & 1))
			return false;
		if (lvl == 0 || (d & 3) == 1) {
			*pa = a64_oa_decode(d) | (va & ((1ULL << sh) - 1));
			return true;
		}
		table = a64_oa_decode(d);
	}
	return false;
}

static u64 a64_pac_mask(void)
{
	/* GENMASK(54, vabits_actual) when the CPU authenticates pointers */
	return G.pac ? ((1ULL << 55) - 1) & ~((1ULL << G.va_actual) - 1) : 0;
}

/* struct elf_prstatus for arm64: 392 bytes, user_pt_regs (x0-x30, sp, pc, pstate) at 112 */
static void a64_make_prstatus(u8 *d, int cpu)
{
	memset(d, 0, 392);
	put32(d + 32, cpu == 0 ? 1234 : 0);             /* pr_pid */
	u64 regs[34];
	memset(regs, 0, sizeof(regs));
	u64 stack = G.vmalloc + 0x13000 + (u64)cpu * 0x4000;
	regs[0] = cpu == 0 ? 0x63 : 0;
	regs[29] = stack + 0xa50;                        /* fp */
	/* lr: a signed return address when pointer authentication is on */
	regs[30] = (G.text_va + 0x1741a0 + (u64)cpu * 0x40) | (a64_pac_mask() & 0x005a3c0000000000ULL);
	regs[31] = stack + 0x990;                        /* sp */
	regs[32] = G.text_va + (cpu == 0 ? 0x1741ba & ~3ULL : 0xa9e4b0);  /* pc */
	regs[33] = 0x600003c5;                           /* pstate: EL1h, DAIF masked */
	for (int i = 0; i < 34; i++)
		put64(d + 112 + i * 8, regs[i]);
}

static void a64_vmcoreinfo(struct sbuf *b)
{
	sb_printf(b, "NUMBER(VA_BITS)=%d\n", G.va_bits);
	sb_printf(b, "NUMBER(MODULES_VADDR)=0x%" PRIx64 "\n", G.modules_vaddr);
	sb_printf(b, "NUMBER(MODULES_END)=0x%" PRIx64 "\n", G.modules_end);
	if (!P->has_vmalloc_start)
		sb_printf(b, "NUMBER(VMALLOC_START)=0x%" PRIx64 "\n", G.vmalloc);
	sb_printf(b, "NUMBER(VMALLOC_END)=0x%" PRIx64 "\n", G.vmalloc_end);
	sb_printf(b, "NUMBER(VMEMMAP_START)=0x%" PRIx64 "\n", G.vmemmap_start);
	sb_printf(b, "NUMBER(VMEMMAP_END)=0x%" PRIx64 "\n", G.vmemmap_end);
	sb_printf(b, "NUMBER(kimage_voffset)=0x%" PRIx64 "\n", G.kimage_voffset);
	sb_printf(b, "NUMBER(PHYS_OFFSET)=0x%" PRIx64 "\n", (u64)G.memstart);
	sb_printf(b, "NUMBER(TCR_EL1_T1SZ)=0x%x\n", 64 - G.va_actual);
	sb_printf(b, "KERNELOFFSET=%" PRIx64 "\n", G.kaslr_off);
	sb_printf(b, "NUMBER(KERNELPACMASK)=0x%" PRIx64 "\n", a64_pac_mask());
}

static void a64_sample(struct sbuf *b, bool *first, const char *what, u64 va)
{
	u64 pa;
	if (!a64_walk(va, &pa))
		die("internal: own page tables do not map %s at %#" PRIx64, what, va);
	sb_printf(b, "%s\n   {\"what\": \"%s\", \"va\": \"0x%" PRIx64 "\", \"pa\": \"0x%" PRIx64 "\"}",
		  *first ? "" : ",", what, va, pa);
	*first = false;
}

/* arm64 facts and translation samples (va -> pa by our own tables) */
static void a64_manifest(struct sbuf *b)
{
	static const char *const lvl_names[] = { "page", "pmd", "pud", "p4d", "pgd" };
	sb_printf(b, " \"aarch64\": {\"va_bits\": %d, \"va_bits_actual\": %d, \"levels\": %d, "
		  "\"lpa2\": %s, \"feat_lpa\": %s, \"va48_on52\": %s, \"index_bits_top\": %d,\n"
		  "  \"phys_offset\": \"0x%" PRIx64 "\", \"phys_offset_negative\": %s, "
		  "\"page_offset\": \"0x%" PRIx64 "\", \"page_end\": \"0x%" PRIx64 "\",\n"
		  "  \"kimage_vaddr\": \"0x%" PRIx64 "\", \"kimage_voffset\": \"0x%" PRIx64 "\", "
		  "\"kaslr_offset\": \"0x%" PRIx64 "\", \"vmemmap\": \"0x%" PRIx64 "\",\n"
		  "  \"vmemmap_start\": \"0x%" PRIx64 "\", \"vmemmap_end\": \"0x%" PRIx64 "\", "
		  "\"swapper_pg_dir\": \"0x%" PRIx64 "\", \"swapper_pg_dir_pa\": \"0x%" PRIx64 "\",\n"
		  "  \"kernel_pac_mask\": \"0x%" PRIx64 "\", \"hostile_text\": %s, \"cont_hints\": %s, "
		  "\"section_size_bits\": %d, \"max_physmem_bits\": %d,\n  \"leaf_levels\": [",
		  G.va_bits, G.va_actual, G.levels, G.lpa2 ? "true" : "false", G.lpa64 ? "true" : "false",
		  G.va48_on52 ? "true" : "false", a64_index_bits(), (u64)G.memstart,
		  G.memstart < 0 ? "true" : "false", G.page_offset, G.page_end, G.kimage_vaddr,
		  G.kimage_voffset, G.kaslr_off, G.vmemmap, G.vmemmap_start, G.vmemmap_end,
		  img_va(IMG_PGD), G.pgd_pa, a64_pac_mask(), G.hostile_text ? "true" : "false",
		  G.no_cont ? "false" : "true", SECTION_SIZE_BITS, G.maxphys);
	bool first = true;
	for (int l = 0; l < 5; l++)
		if (a64_blocks_used & (1 << l)) {
			sb_printf(b, "%s{\"level\": %d, \"name\": \"%s\", \"size\": %" PRIu64 "}",
				  first ? "" : ", ", l, lvl_names[l], (u64)1 << a64_shift(l));
			first = false;
		}
	sb_printf(b, "],\n  \"samples\": [");
	first = true;
	a64_sample(b, &first, "init_uts_ns", img_va(IMG_UTS));
	a64_sample(b, &first, "_text", G.text_va);
	a64_sample(b, &first, "_stext", G.text_va + A64_STEXT);
	a64_sample(b, &first, "image_end-8", G.text_va + G.img_size - 8);
	a64_sample(b, &first, "swapper_pg_dir", img_va(IMG_PGD));
	a64_sample(b, &first, "mem_section", dmap(G.ms_root_pa));
	a64_sample(b, &first, "pglist_data", dmap(G.pgdat_pa));
	for (int i = 0; i < G.mapped.n; i++) {
		u64 s = G.mapped.v[i].s, e = G.mapped.v[i].e;
		a64_sample(b, &first, "linear:start", dmap(s));
		a64_sample(b, &first, "linear:mid", dmap(s + ALIGN_DOWN((e - s) / 2, 8) + 0x1238));
		a64_sample(b, &first, "linear:last", dmap(e - 8));
	}
	for (int i = 0; i < G.nsec; i++) {
		u64 base = G.sec[i].nr << PFN_SECTION_SHIFT;
		for (u64 k = 0; k < PAGES_PER_SECTION; k += PAGES_PER_SECTION / 4) {
			u64 pfn = base + k + (k ? 1 : 0);
			int c = cls_of(pfn);
			if (c == C_HOLE || c < 0)
				continue;
			if (G.sec[i].kind == SK_PARTIAL && !G.sec[i].frames[(pfn - base) / PFNS_PER_FRAME])
				continue;
			a64_sample(b, &first, "vmemmap", page_va(pfn));
		}
	}
	sb_printf(b, "]},\n");
}

/* ------------------------------------------------------------------ */
/* class map: fixed regions and the random mix                          */
/* ------------------------------------------------------------------ */

/* DMA / DMA32 / Normal by address: x86 16 MiB and 4 GiB; arm64 ZONE_DMA up to 4 GiB */
static int zone_of_ram(u64 pfn)
{
	u64 pa = pfn << PAGE_SHIFT;
	if (G.arch == A_AARCH64)
		return pa < (1ULL << 32) ? 0 : 2;
	return pa < 16 * SZ_1M ? 0 : pa < (1ULL << 32) ? 1 : 2;
}

static int zone_of(u64 pfn)
{
	if (cls_of(pfn) >= C_DEV_RES && cls_of(pfn) <= C_DEV_MAPMEM)
		return 4; /* ZONE_DEVICE */
	return zone_of_ram(pfn);
}

static void set_range_cls_pa(u64 s, u64 e, int c)
{
	set_cls(s >> PAGE_SHIFT, (e + PAGE_SIZE - 1) >> PAGE_SHIFT, c);
}

/* free buddy block bookkeeping for the zone free lists */
struct headvec { u64 *v; u64 n, cap, cursor; };
static struct headvec free_heads[5][MAX_ORDER_NR];

static void add_free_head(u64 pfn, int order)
{
	struct headvec *h = &free_heads[zone_of(pfn)][order];
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = xrealloc(h->v, h->cap * sizeof(u64));
	}
	h->v[h->n++] = pfn;
}

static void put_free_block(u64 p, int order)
{
	set_cls(p, p + 1, C_FREE_H0 + order);
	if (order)
		set_cls(p + 1, p + (1ULL << order), C_FREE_TAIL);
}

static void put_compound(u64 p, int order, int head, int tail)
{
	set_cls(p, p + 1, head);
	set_cls(p + 1, p + (1ULL << order), tail);
}

static bool mix_supported(int k)
{
	switch (k) {
	case M_OFFLINE: return P->export_offline;
	case M_UNACCEPTED: return P->export_unaccepted;
	case M_SLAB_ODD: return P->slab_overlay;
	default: return true;
	}
}

static void assign_classes(struct rng *r)
{
	/* RAM */
	for (int i = 0; i < G.e820.n; i++)
		set_range_cls_pa(G.e820.v[i].s, G.e820.v[i].e, C_MIXABLE);
	for (int i = 0; i < G.fw.n; i++)
		set_range_cls_pa(G.fw.v[i].s, G.fw.v[i].e, C_FW);
	set_range_cls_pa(G.img_pa, G.img_pa + G.img_size, C_KIMAGE);
	if (G.ck_e)
		set_range_cls_pa(G.ck_s, G.ck_e, C_CRASH);
	for (int i = 0; i < G.nallocs; i++)
		set_range_cls_pa(G.allocs[i].pa, G.allocs[i].pa + G.allocs[i].size, G.allocs[i].cls);
	/* pmem */
	for (int k = 0; k < G.npm; k++) {
		struct pmem *n = &G.pm[k];
		u64 B = n->first_pfn;
		set_cls(B, n->end_pfn, C_DEV_DATA);
		set_cls(n->end_pfn, B + n->size / PAGE_SIZE, C_HOLE);
		/* the info block is 4 KiB into the namespace, whatever the page size */
		u64 ipfn = (n->start + SZ_4K) >> PAGE_SHIFT;
		if (n->map_dev) {
			set_cls(B, B + n->reserve, C_DEV_RES);
			set_cls(ipfn, ipfn + 1, C_DEV_INFO);
			set_cls(B + n->reserve, n->data_pfn, C_DEV_GAP);
			for (int b = 0; b < n->nblocks; b++)
				set_cls(n->block_pa[b] >> PAGE_SHIFT,
					(n->block_pa[b] >> PAGE_SHIFT) + MEMMAP_FRAMES, C_DEV_MEMMAP);
		} else {
			set_cls(B, n->data_pfn, C_DEV_MAPMEM);
			set_cls(ipfn, ipfn + 1, C_DEV_INFO);
		}
		u64 u = n->used_data, first = ALIGN_DOWN(u * 3 / 4, MAX(1ULL, 1ULL << n->compound_order));
		set_cls(n->data_pfn, n->data_pfn + first, C_DEV_DATA_USED);
		u64 mid = ALIGN_DOWN(n->data_pfn + n->npfns / 2, MAX(512ULL, 1ULL << n->compound_order));
		if (mid < n->data_pfn + first)
			mid = n->data_pfn + first;
		set_cls(mid, MIN(mid + (u - first), n->end_pfn), C_DEV_DATA_USED);
	}

	/* the mix */
	u64 M = 0;
	for (int i = 0; i < G.nsec; i++)
		for (u64 j = 0; j < PAGES_PER_SECTION; j++)
			M += G.sec[i].cls[j] == C_MIXABLE;
	double pct[M_NR], sum = 0;
	for (int k = 0; k < M_NR; k++) {
		pct[k] = G.mix_given ? G.mix[k] : mix_default[k];
		if (k == M_FREE || !mix_supported(k))
			pct[k] = 0;
		sum += pct[k];
	}
	double used_pages = M * sum / 100.0;
	double want = used_pages;
	if (G.used >= 0)
		want = (double)G.used / PAGE_SIZE;
	else if (G.used_pct > 0)
		want = M * G.used_pct / 100.0;
	else if (!G.mix_given)
		want = MIN(used_pages, (double)(SZ_1G / PAGE_SIZE));
	if (want > M)
		want = M;
	double scale = used_pages > 0 ? want / used_pages : 0;
	double rem[M_NR];
	double tsum = 0;
	for (int k = 0; k < M_NR; k++) {
		rem[k] = M * pct[k] / 100.0 * scale;
		tsum += rem[k];
	}
	rem[M_FREE] = MAX(0.0, (double)M - tsum);
	static const int maxlen[M_NR] = { 32, 16, 4, 32, 16, 8, 32, 4, 1, 1, 2, 16, 1, 4, 1 };

	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		u64 base = x->nr << PFN_SECTION_SHIFT;
		u64 j = 0;
		while (j < PAGES_PER_SECTION) {
			if (x->cls[j] != C_MIXABLE) {
				j++;
				continue;
			}
			u64 e = j;
			while (e < PAGES_PER_SECTION && x->cls[e] == C_MIXABLE)
				e++;
			/* mixable run [base+j, base+e) */
			u64 p = base + j, end = base + e;
			while (p < end) {
				u64 be = MIN(ALIGN_UP(p + 1, PAGEBLOCK), end);
				if (p % PAGEBLOCK == 0 && end - p >= PAGEBLOCK) {
					bool can1024 = p % 1024 == 0 && end - p >= 1024;
					double small = 0;
					for (int k = 0; k < M_NR; k++)
						if (k != M_THP && k != M_HUGETLB && k != M_UNACCEPTED && k != M_FREE)
							small += MAX(0.0, rem[k]);
					double w[5] = { MAX(0.0, rem[M_THP]), MAX(0.0, rem[M_HUGETLB]),
							can1024 ? MAX(0.0, rem[M_UNACCEPTED]) : 0,
							rem[M_FREE] * 0.9, small + rem[M_FREE] * 0.1 };
					double tot = w[0] + w[1] + w[2] + w[3] + w[4];
					int pick = 3;
					if (tot > 0) {
						double x0 = (double)(rnd(r) >> 11) / 9007199254740992.0 * tot;
						for (pick = 0; pick < 4 && x0 >= w[pick]; pick++)
							x0 -= w[pick];
					}
					if (pick == 0) {
						put_compound(p, 9, C_THP_HEAD, C_THP_TAIL);
						rem[M_THP] -= 512;
						p += 512;
						continue;
					} else if (pick == 1) {
						put_compound(p, 9, C_HUGE_HEAD, C_HUGE_TAIL);
						rem[M_HUGETLB] -= 512;
						p += 512;
						continue;
					} else if (pick == 2) {
						put_compound(p, 10, C_UNACC_HEAD, C_UNACC_TAIL);
						rem[M_UNACCEPTED] -= 1024;
						p += 1024;
						continue;
					} else if (pick == 3) {
						int o = (can1024 && (rnd(r) & 1)) ? 10 : 9;
						put_free_block(p, o);
						rem[M_FREE] -= (double)(1ULL << o);
						p += 1ULL << o;
						continue;
					}
				}
				/* small classes inside this pageblock */
				while (p < be) {
					double w[M_NR], tot = 0;
					for (int k = 0; k < M_NR; k++) {
						w[k] = 0;
						if (k == M_THP || k == M_HUGETLB || k == M_UNACCEPTED)
							continue;
						w[k] = MAX(0.0, rem[k]);
						tot += w[k];
					}
					int k = M_FREE;
					if (tot > 0) {
						double x0 = (double)(rnd(r) >> 11) / 9007199254740992.0 * tot;
						for (k = 0; k < M_NR - 1 && x0 >= w[k]; k++)
							x0 -= w[k];
						if (w[k] <= 0)
							k = M_FREE;
					}
					if (k == M_FREE) {
						int mo = MIN(ctz64(p), ilog2_floor(be - p));
						mo = MIN(mo, 8);
						int o = (int)rnd_below(r, (u64)mo + 1);
						put_free_block(p, o);
						rem[M_FREE] -= (double)(1ULL << o);
						p += 1ULL << o;
						continue;
					}
					u64 L = 1 + rnd_below(r, maxlen[k]);
					L = MIN(L, be - p);
					if (rem[k] < (double)L)
						L = MAX(1, (u64)rem[k]);
					rem[k] -= (double)L;
					int c = C_KDATA;
					switch (k) {
					case M_KERNEL: {
						u64 sub = rnd_below(r, 10);
						if (sub < 4) {
							/* slab pages, some compound */
							for (u64 q = p; q < p + L;) {
								int o = (int)rnd_below(r, 4);
								while (o && (q % (1ULL << o) || q + (1ULL << o) > p + L))
									o--;
								if (o)
									put_compound(q, o, C_SLAB_H1 + o - 1, C_SLAB_TAIL);
								else
									set_cls(q, q + 1, C_SLAB);
								q += 1ULL << o;
							}
							p += L;
							continue;
						}
						c = sub < 5 ? C_PGTABLE : C_KDATA;
						break;
					}
					case M_ZERO: c = C_ZERO; break;
					case M_OWNERPRIV: c = C_OWNERPRIV; break;
					case M_CACHE: c = C_CACHE; break;
					case M_CACHE_PRIV: c = C_CACHE_PRIV; break;
					case M_SWAPCACHE: c = C_SWAPCACHE; break;
					case M_ANON: c = C_ANON; break;
					case M_KSM: c = C_KSM; break;
					case M_HWPOISON: c = C_HWPOISON; break;
					case M_OFFLINE: c = C_OFFLINE; break;
					case M_SLAB_ODD: c = C_SLAB_ODD; break;
					}
					set_cls(p, p + L, c);
					p += L;
				}
			}
			j = e;
		}
	}
	/* free-list heads in pfn order */
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		for (u64 j = 0; j < PAGES_PER_SECTION; j++)
			if (cls_is_free_head(x->cls[j]))
				add_free_head((x->nr << PFN_SECTION_SHIFT) + j, x->cls[j] - C_FREE_H0);
	}
}

/* ------------------------------------------------------------------ */
/* kernel data structures in memory                                     */
/* ------------------------------------------------------------------ */

#define ARENA_PAGES 64

/* a plausible direct-map address of a slab object (tag selects a cache) */
static u64 obj_va(u64 tag, u64 id)
{
	u64 off = hash64(tag * 1000003 + id, G.seed) % ((u64)ARENA_PAGES * PAGE_SIZE);
	return dmap(G.slab_arena_pa + (off & ~63ULL));
}

static void build_arena(void)
{
	G.slab_arena_pages = ARENA_PAGES;
	G.slab_arena_pa = alloc_store((u64)ARENA_PAGES * PAGE_SIZE, "slab objects");
	for (int i = 0; i < ARENA_PAGES; i++) {
		u8 *pg = store_get((G.slab_arena_pa >> PAGE_SHIFT) + i);
		for (u64 o = 0; o < PAGE_SIZE; o += 64) {
			u64 v = hash64(i * 64 + o, G.seed);
			put64(pg + o, dmap(G.slab_arena_pa) + (v % (ARENA_PAGES * PAGE_SIZE) & ~63ULL));
			put64(pg + o + 8, v);
			put32(pg + o + 16, (u32)(v >> 7) | 1);
		}
	}
}

static void build_uts(void)
{
	u8 uts[6 * 65];
	memset(uts, 0, sizeof(uts));
	snprintf((char *)uts + 0 * 65, 65, "Linux");
	snprintf((char *)uts + 1 * 65, 65, "%s", G.nodename);
	snprintf((char *)uts + 2 * 65, 65, "%s", G.osrelease);
	snprintf((char *)uts + 3 * 65, 65, "%s", P->uts_version);
	snprintf((char *)uts + 4 * 65, 65, G.arch == A_AARCH64 ? "aarch64" : "x86_64");
	snprintf((char *)uts + 5 * 65, 65, "(none)");
	u64 va = img_va(IMG_UTS);
	if (!P->uts_off_key) {
		vwrite32(va, 3); /* struct kref first */
		va += 4;
	}
	vwrite(va, uts, sizeof(uts));
}

static u64 zone_va(int z) { return dmap(G.pgdat_pa) + (u64)z * P->size_zone; }
static u64 freelist_va(int z, int order)
{
	/* MIGRATE_MOVABLE (1) list of the order */
	return zone_va(z) + P->off_zone_free_area + (u64)order * P->size_free_area + 16;
}

static void build_pgdat(void)
{
	u64 pg = dmap(G.pgdat_pa);
	/* zones: DMA, DMA32, Normal, Movable, Device */
	u64 zs[5] = { 0, 0x1000, 0x100000, 0, 0 }, ze[5] = { 0x1000, 0x100000, 0, 0, 0 };
	u64 maxram = 0, minram = ~0ULL, present = 0;
	for (int i = 0; i < G.e820.n; i++) {
		maxram = MAX(maxram, G.e820.v[i].e >> PAGE_SHIFT);
		minram = MIN(minram, G.e820.v[i].s >> PAGE_SHIFT);
		present += (G.e820.v[i].e - G.e820.v[i].s) >> PAGE_SHIFT;
	}
	ze[2] = maxram > 0x100000 ? maxram : 0x100000;
	if (maxram <= 0x100000) {
		ze[1] = maxram;
		ze[2] = zs[2];
	}
	u64 dev_s = ~0ULL, dev_e = 0;
	for (int k = 0; k < G.npm; k++) {
		dev_s = MIN(dev_s, G.pm[k].first_pfn);
		dev_e = MAX(dev_e, G.pm[k].end_pfn);
	}
	if (G.npm) {
		zs[4] = dev_s;
		ze[4] = dev_e;
	}
	int nr_zones = maxram > 0x100000 ? 3 : 2;
	if (is_a64()) {
		/* ZONE_DMA up to 4 GiB, no DMA32 pages, Normal above */
		u64 g4 = (1ULL << 32) >> PAGE_SHIFT;
		zs[0] = minram;
		ze[0] = MIN(maxram, g4);
		zs[1] = ze[1] = ze[0];
		zs[2] = g4;
		ze[2] = MAX(maxram, g4);
		nr_zones = maxram > g4 ? 3 : 1;
	}
	for (int z = 0; z < 5; z++) {
		u64 zv = zone_va(z);
		u64 spanned = ze[z] > zs[z] ? ze[z] - zs[z] : 0;
		if (z == 0 && !is_a64())
			zs[0] = 1, spanned = 0x1000 - 1;
		vwrite64(zv + P->off_zone_spanned - 16, spanned ? zs[z] : 0);  /* zone_start_pfn */
		vwrite64(zv + P->off_zone_spanned, spanned);
		vwrite64(zv + P->off_zone_spanned + 8, spanned);                /* present_pages */
		u64 nfree = 0;
		for (int o = 0; o < MAX_ORDER_NR; o++) {
			u64 fa = zv + P->off_zone_free_area + (u64)o * P->size_free_area;
			for (int mt = 0; mt < P->nr_migrate; mt++) {
				u64 lh = fa + (u64)mt * 16;
				struct headvec *h = (z < 5 && mt == 1) ? &free_heads[z][o] : NULL;
				if (h && h->n) {
					vwrite64(lh, page_va(h->v[0]) + P->off_lru);
					vwrite64(lh + 8, page_va(h->v[h->n - 1]) + P->off_lru);
				} else {
					vwrite64(lh, lh);
					vwrite64(lh + 8, lh);
				}
			}
			u64 cnt = free_heads[z][o].n;
			vwrite64(fa + (u64)P->nr_migrate * 16, cnt);
			nfree += cnt << o;
		}
		vwrite64(zv + P->off_zone_vm_stat, nfree);  /* vm_stat[NR_FREE_PAGES] */
	}
	vwrite32(pg + P->off_nr_zones, nr_zones);
	vwrite64(pg + P->off_node_start, minram);
	vwrite64(pg + P->off_node_present, present);
	u64 span_end = MAX(maxram, dev_e == 0 ? 0 : dev_e);
	vwrite64(pg + P->off_node_spanned, span_end - minram);
	vwrite32(pg + P->off_node_id, 0);

	/* node_data[] and node_online_map in the kernel image */
	vwrite64(img_va(IMG_NODE_DATA), pg);
	store_get(kva_to_pa(img_va(IMG_NODE_DATA) + 1023 * 8) >> PAGE_SHIFT);
	vwrite64(img_va(IMG_NODE_ONLINE), 1);
	if (P->has_vmap_area_list) {
		vwrite64(img_va(IMG_VMAP_AREA_LIST), img_va(IMG_VMAP_AREA_LIST));
		vwrite64(img_va(IMG_VMAP_AREA_LIST) + 8, img_va(IMG_VMAP_AREA_LIST));
	}
}

static void build_mem_section(void)
{
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		u64 root = x->nr / (PAGE_SIZE / 32);
		if (root >= G.nr_roots)
			die("internal: section beyond mem_section roots");
		u64 root_va = get64(store_find((G.ms_root_pa + root * 8) >> PAGE_SHIFT) + ((root * 8) & (PAGE_SIZE - 1)));
		u64 ms = root_va + (x->nr % (PAGE_SIZE / 32)) * 32;
		vwrite64(ms, G.vmemmap | x->flags);
		u64 usage = dmap(G.usage_pa) + (u64)i * 32;
		vwrite64(ms + 8, usage);
		/* subsection_map: one bit per 2 MiB */
		u64 map = 0, per_sub = SZ_2M >> PAGE_SHIFT;
		for (u64 b = 0; b < 64 && b < PAGES_PER_SECTION / per_sub; b++)
			if (x->ram || x->cls[b * per_sub] != C_HOLE)
				map |= 1ULL << b;
		vwrite64(usage, map);
		vwrite64(usage + 8, 0x5555555555555555ULL); /* pageblock flags */
	}
}

static void build_pmem_structs(void)
{
	if (!G.npm)
		return;
	u64 base = G.pm[0].pgmap_va;
	for (int k = 0; k < G.npm; k++) {
		struct pmem *n = &G.pm[k];
		n->pgmap_va = base + (u64)k * 256;
		/* struct dev_pagemap (abridged): range, nr_range, type */
		vwrite64(n->pgmap_va + 0x10, n->start);
		vwrite64(n->pgmap_va + 0x18, n->start + n->size - n->end_trunc - 1);
		vwrite32(n->pgmap_va + 0x20, 1);
		vwrite32(n->pgmap_va + 0x24, n->devdax ? 4 : 3);  /* MEMORY_DEVICE_GENERIC / FS_DAX */
		n->mapping_va = obj_va(40 + k, 1);
		pmem_info_block(n);
	}
}

/* ---- printk ---- */

static const char *const default_dmesg[] = {
	"Linux version %R (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) %V",
	"Command line: BOOT_IMAGE=/boot/vmlinuz-%R root=/dev/vda1 ro console=ttyS0 crashkernel=%C",
	"BIOS-provided physical RAM map:",
	"%E",
	"NX (Execute Disable) protection: active",
	"DMI: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
	"tsc: Detected 2399.998 MHz processor",
	"Reserving %C of memory at %K for crashkernel (System RAM: %M)",
	"Zone ranges:",
	"  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
	"Memory: %A available",
	"mkvmcore: synthetic dump, profile %P, layout %L, seed %S",
	"Kernel/User page tables isolation: enabled",
	"smpboot: Allowing %N CPUs, 0 hotplug CPUs",
	"Freeing unused kernel image (initmem) memory: 2800K",
	"Run /init as init process",
	"EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none.",
	"systemd[1]: Started Journal Service.",
	"virtio_net virtio0 enp1s0: renamed from eth0",
	"sysrq: Trigger a crash",
	"Kernel panic - not syncing: sysrq triggered crash",
	"CPU: 0 PID: 1234 Comm: bash Not tainted %R #1",
	"Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014",
	"Call Trace:",
	" <TASK>",
	" dump_stack_lvl+0x44/0x5c",
	" panic+0x118/0x2ed",
	" sysrq_handle_crash+0x16/0x20",
	" </TASK>",
	"Kernel Offset: 0x%O from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)",
	NULL
};

static void add_line(const char *s)
{
	G.lines = xrealloc(G.lines, (G.nlines + 1) * sizeof(char *));
	G.line_ts = xrealloc(G.line_ts, (G.nlines + 1) * sizeof(u64));
	size_t n = strlen(s);
	if (n > 1000)
		n = 1000;
	G.lines[G.nlines] = xmalloc(n + 1);
	memcpy(G.lines[G.nlines], s, n);
	G.lines[G.nlines][n] = 0;
	G.line_ts[G.nlines] = G.nlines ? G.line_ts[G.nlines - 1] + 1000 + hash64(G.nlines, G.seed) % 150000000ULL : 0;
	G.nlines++;
}

static void expand_line(const char *t)
{
	struct sbuf b = {0};
	for (const char *c = t; *c; c++) {
		if (*c != '%' || !c[1]) {
			sb_put(&b, c, 1);
			continue;
		}
		c++;
		switch (*c) {
		case 'R': sb_printf(&b, "%s", G.osrelease); break;
		case 'V': sb_printf(&b, "%s", P->uts_version); break;
		case 'C': sb_printf(&b, "%" PRIu64 "M", G.crash_size >> 20); break;
		case 'K': sb_printf(&b, "0x%" PRIx64, G.ck_s); break;
		case 'M': sb_printf(&b, "%" PRIu64 "MB", G.ram >> 20); break;
		case 'A': sb_printf(&b, "%" PRIu64 "K/%" PRIu64 "K", (G.ram >> 10) * 9 / 10, G.ram >> 10); break;
		case 'P': sb_printf(&b, "%s", P->name); break;
		case 'L': sb_printf(&b, "%s", layout_names[G.layout]); break;
		case 'S': sb_printf(&b, "%" PRIu64, G.seed); break;
		case 'N': sb_printf(&b, "%d", G.cpus); break;
		case 'O': sb_printf(&b, "%" PRIx64, G.kaslr_off); break;
		case 'E':
			for (int i = 0; i < G.e820.n; i++) {
				char l[160];
				snprintf(l, sizeof(l), "BIOS-e820: [mem 0x%016" PRIx64 "-0x%016" PRIx64 "] usable",
					 G.e820.v[i].s, G.e820.v[i].e - 1);
				add_line(l);
			}
			free(b.p);
			return;
		default: sb_put(&b, c - 1, 2);
		}
	}
	add_line(b.p ? b.p : "");
	free(b.p);
}

static void load_dmesg(void)
{
	if (G.dmesg_file) {
		FILE *f = fopen(G.dmesg_file, "r");
		if (!f)
			die("cannot open --dmesg file %s: %s", G.dmesg_file, strerror(errno));
		char line[4096];
		while (fgets(line, sizeof(line), f)) {
			size_t n = strlen(line);
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = 0;
			add_line(line);
		}
		fclose(f);
	} else {
		for (int i = 0; default_dmesg[i]; i++)
			expand_line(default_dmesg[i]);
	}
}

static void build_printk(void)
{
	int nl = G.nlines;
	if (P->printk == 2) {
		const u64 count = 1ULL << PRB_DESC_BITS, tsize = 1ULL << LOG_BUF_SHIFT;
		const u64 idmask = ~(3ULL << 62);
		u64 descs = img_va(IMG_PRB_DESCS), infos = img_va(IMG_PRB_INFOS), text = img_va(IMG_LOG_BUF);
		store_zero_range(kva_to_pa(descs), count * 24);
		store_zero_range(kva_to_pa(infos), count * 88);
		store_zero_range(kva_to_pa(text), tsize);
		u64 desc0 = (u64)(-(s64)(count + 1)) & idmask;
		/* bootstrap descriptors */
		vwrite64(descs + (count - 1) * 24, (3ULL << 62) | desc0);
		vwrite64(descs + (count - 1) * 24 + 8, 1);
		vwrite64(descs + (count - 1) * 24 + 16, 1);
		vwrite64(infos + 0, (u64)(-(s64)count));
		u64 lpos = (u64)(-(s64)tsize), used = 0, head = desc0;
		int k;
		for (k = 0; k < nl && (u64)k < count - 1; k++) {
			u64 len = strlen(G.lines[k]);
			u64 blk = ALIGN_UP(8 + len, 8);
			if (used + blk >= tsize)
				break;
			u64 id = (desc0 + 1 + k) & idmask;
			u64 idx = id % count;
			vwrite64(text + (lpos % tsize), id);
			vwrite(text + (lpos % tsize) + 8, G.lines[k], len);
			vwrite64(descs + idx * 24, (2ULL << 62) | id);      /* finalized */
			vwrite64(descs + idx * 24 + 8, lpos);
			vwrite64(descs + idx * 24 + 16, lpos + blk);
			u64 inf = infos + idx * 88;
			vwrite64(inf + 0, (u64)k);
			vwrite64(inf + 8, G.line_ts[k]);
			u8 meta[8] = { (u8)len, (u8)(len >> 8), 0,
				       (u8)(0x02 | ((k >= nl - 12 ? 0 : 6) << 5)), 0, 0, 0, 0 };
			u32 caller = k >= nl - 12 ? 1234 : 1;
			memcpy(meta + 4, &caller, 4);
			vwrite(inf + 16, meta, 8);
			lpos += blk;
			used += blk;
			head = id;
		}
		G.nlines = k;
		u64 rb = img_va(IMG_PRB_STATIC);
		vwrite32(rb + 0, PRB_DESC_BITS);
		vwrite64(rb + 8, descs);
		vwrite64(rb + 16, infos);
		vwrite64(rb + 24, head);
		vwrite64(rb + 32, desc0);
		vwrite64(rb + 40, head);                     /* last_finalized_seq/id */
		vwrite32(rb + 48, LOG_BUF_SHIFT);
		vwrite64(rb + 56, text);
		vwrite64(rb + 64, lpos);
		vwrite64(rb + 72, (u64)(-(s64)tsize));
		vwrite64(rb + 80, 0);
		vwrite64(img_va(IMG_PRB), rb);
		vwrite64(img_va(IMG_CLEAR_SEQ), 0);
		vwrite64(img_va(IMG_CLEAR_SEQ) + 8, 0);
		vwrite64(img_va(IMG_CLEAR_SEQ) + 16, 0);
	} else {
		const u64 blen = 1ULL << LOG_BUF_SHIFT;
		u64 hdr = P->printk == 1 ? 20 : 16;
		u64 buf = img_va(IMG_LOG_BUF);
		store_zero_range(kva_to_pa(buf), blen);
		u64 idx = 0;
		int k;
		for (k = 0; k < nl; k++) {
			u64 len = strlen(G.lines[k]);
			u64 rl = ALIGN_UP(hdr + len, 4);
			if (idx + rl + hdr > blen)
				break;
			u8 h[20];
			memset(h, 0, sizeof(h));
			put64(h, G.line_ts[k]);
			put16(h + 8, (u16)rl);
			put16(h + 10, (u16)len);
			put16(h + 12, 0);
			h[14] = 0;
			h[15] = (u8)(0x02 | ((k >= nl - 12 ? 0 : 6) << 5));
			if (hdr == 20)
				put32(h + 16, k >= nl - 12 ? 1234 : 1);
			vwrite(buf + idx, h, hdr);
			vwrite(buf + idx + hdr, G.lines[k], len);
			idx += rl;
		}
		G.nlines = k;
		vwrite64(img_va(IMG_LOG_BUF_PTR), buf);
		vwrite32(img_va(IMG_LOG_BUF_LEN), (u32)blen);
		vwrite32(img_va(IMG_LOG_FIRST_IDX), 0);
		vwrite32(img_va(IMG_LOG_NEXT_IDX), (u32)idx);
		vwrite32(img_va(IMG_CLEAR_IDX), 0);
	}
}

/* ------------------------------------------------------------------ */
/* VMCOREINFO                                                           */
/* ------------------------------------------------------------------ */

/*
 * --load-elf: the data of a small ELF linked at kernel image addresses
 * (variables with DWARF for the erase tests), written where the image
 * would hold it.  Only the section headers are read.
 */
static void load_elf_sections(void)
{
	if (!G.load_elf)
		return;
	FILE *f = fopen(G.load_elf, "rb");
	if (!f)
		die("cannot open --load-elf file %s: %s", G.load_elf, strerror(errno));
	static u8 eh[64];
	if (fread(eh, 1, 64, f) != 64 || memcmp(eh, "\177ELF\2\1", 6))
		die("--load-elf %s: not a little-endian ELF64 file", G.load_elf);
	u64 shoff = get64(eh + 0x28);
	u16 shentsize = get16(eh + 0x3a), shnum = get16(eh + 0x3c);
	if (shentsize != 64 || shnum > 4096)
		die("--load-elf %s: bad section headers", G.load_elf);
	for (u16 i = 0; i < shnum; i++) {
		u8 sh[64];
		if (fseeko(f, (off_t)(shoff + (u64)i * 64), SEEK_SET) || fread(sh, 1, 64, f) != 64)
			die("--load-elf %s: cut short", G.load_elf);
		u32 type = get32(sh + 4);
		u64 flags = get64(sh + 8), addr = get64(sh + 0x10), off = get64(sh + 0x18);
		u64 size = get64(sh + 0x20);
		if (!(flags & 2 /* SHF_ALLOC */) || !size)
			continue;
		if (addr < G.text_va || size > G.img_size || addr - G.text_va > G.img_size - size)
			die("--load-elf %s: section %u at %#" PRIx64 " is outside the kernel image "
			    "[%#" PRIx64 ", %#" PRIx64 ")", G.load_elf, i, addr, G.text_va,
			    G.text_va + G.img_size);
		u8 *buf = calloc(1, size);
		if (!buf)
			die("out of memory");
		if (type != 8 /* SHT_NOBITS */ &&
		    (fseeko(f, (off_t)off, SEEK_SET) || fread(buf, 1, size, f) != size))
			die("--load-elf %s: section %u cut short", G.load_elf, i);
		vwrite(addr, buf, size);
		free(buf);
	}
	fclose(f);
}

static void build_vmcoreinfo(void)
{
	struct sbuf *b = &G.vmcoreinfo;
	const struct profile *p = P;
	int v = p->ver;
#define S(name, val) sb_printf(b, "SYMBOL(%s)=%" PRIx64 "\n", name, (u64)(val))
#define SZ(name, val) sb_printf(b, "SIZE(%s)=%" PRIu64 "\n", name, (u64)(val))
#define OF(name, val) sb_printf(b, "OFFSET(%s)=%" PRIu64 "\n", name, (u64)(val))
#define LEN(name, val) sb_printf(b, "LENGTH(%s)=%" PRIu64 "\n", name, (u64)(val))
#define NUM(name, val) sb_printf(b, "NUMBER(%s)=%" PRId64 "\n", name, (s64)(val))
	sb_printf(b, "OSRELEASE=%s\n", G.osrelease);
	if (p->has_buildid)
		sb_printf(b, "BUILD-ID=%s\n", G.build_id);
	sb_printf(b, "PAGESIZE=%" PRIu64 "\n", (u64)PAGE_SIZE);
	S("init_uts_ns", img_va(IMG_UTS));
	if (p->uts_off_key)
		OF("uts_namespace.name", 0);
	S("node_online_map", img_va(IMG_NODE_ONLINE));
	S("swapper_pg_dir", img_va(IMG_PGD));
	S("_stext", G.text_va + (is_a64() ? A64_STEXT : 0));
	if (p->has_vmap_area_list)
		S("vmap_area_list", img_va(IMG_VMAP_AREA_LIST));
	if (p->has_vmalloc_start)
		sb_printf(b, "NUMBER(VMALLOC_START)=0x%" PRIx64 "\n", G.vmalloc);
	if (p->has_vmemmap_sym)
		S("vmemmap", G.vmemmap);
	S("mem_section", dmap(G.ms_root_pa));
	LEN("mem_section", G.nr_roots);
	SZ("mem_section", 32);
	OF("mem_section.section_mem_map", 0);
	if (p->has_secbits)
		NUM("SECTION_SIZE_BITS", SECTION_SIZE_BITS);
	if (p->has_maxphys)
		NUM("MAX_PHYSMEM_BITS", G.maxphys);
	SZ("page", SPAGE);
	SZ("pglist_data", p->size_pglist);
	SZ("zone", p->size_zone);
	SZ("free_area", p->size_free_area);
	SZ("list_head", 16);
	SZ("nodemask_t", is_a64() ? 8 : 128);
	OF("page.flags", p->off_flags);
	OF(p->refcount_name ? "page._refcount" : "page._count", p->off_refcount);
	OF("page.mapping", p->off_mapping);
	OF("page.lru", p->off_lru);
	OF("page._mapcount", p->off_mapcount);
	OF("page.private", p->off_private);
	if (p->ord_mode == ORD_U16 || p->ord_mode == ORD_U8) {
		OF("page.compound_dtor", p->off_dtor);
		OF("page.compound_order", p->off_order);
	}
	if (p->export_chead)
		OF("page.compound_head", p->off_chead);
	if (p->ord_mode == ORD_FOLIO) {
		OF("folio._folio_dtor", SPAGE + p->off_dtor);
		OF("folio._folio_order", SPAGE + p->off_order);
	}
	OF("pglist_data.node_zones", 0);
	OF("pglist_data.nr_zones", p->off_nr_zones);
	OF("pglist_data.node_start_pfn", p->off_node_start);
	OF("pglist_data.node_spanned_pages", p->off_node_spanned);
	OF("pglist_data.node_id", p->off_node_id);
	OF("zone.free_area", p->off_zone_free_area);
	OF("zone.vm_stat", p->off_zone_vm_stat);
	OF("zone.spanned_pages", p->off_zone_spanned);
	OF("free_area.free_list", 0);
	OF("list_head.next", 0);
	OF("list_head.prev", 8);
	if (p->has_vmap_area_list) {
		OF("vmap_area.va_start", 0);
		OF("vmap_area.list", 40);
	}
	LEN("zone.free_area", MAX_ORDER_NR);
	if (p->printk == 2) {
		S("prb", img_va(IMG_PRB));
		S("printk_rb_static", img_va(IMG_PRB_STATIC));
		S("clear_seq", img_va(IMG_CLEAR_SEQ));
		SZ("printk_ringbuffer", 88);
		OF("printk_ringbuffer.desc_ring", 0);
		OF("printk_ringbuffer.text_data_ring", 48);
		OF("printk_ringbuffer.fail", 80);
		SZ("prb_desc_ring", 48);
		OF("prb_desc_ring.count_bits", 0);
		OF("prb_desc_ring.descs", 8);
		OF("prb_desc_ring.infos", 16);
		OF("prb_desc_ring.head_id", 24);
		OF("prb_desc_ring.tail_id", 32);
		SZ("prb_desc", 24);
		OF("prb_desc.state_var", 0);
		OF("prb_desc.text_blk_lpos", 8);
		SZ("prb_data_blk_lpos", 16);
		OF("prb_data_blk_lpos.begin", 0);
		OF("prb_data_blk_lpos.next", 8);
		SZ("printk_info", 88);
		OF("printk_info.seq", 0);
		OF("printk_info.ts_nsec", 8);
		OF("printk_info.text_len", 16);
		OF("printk_info.caller_id", 20);
		OF("printk_info.dev_info", 24);
		SZ("dev_printk_info", 64);
		OF("dev_printk_info.subsystem", 0);
		LEN("printk_info_subsystem", 16);
		OF("dev_printk_info.device", 16);
		LEN("printk_info_device", 48);
		SZ("prb_data_ring", 32);
		OF("prb_data_ring.size_bits", 0);
		OF("prb_data_ring.data", 8);
		OF("prb_data_ring.head_lpos", 16);
		OF("prb_data_ring.tail_lpos", 24);
		SZ("atomic_long_t", 8);
		OF("atomic_long_t.counter", 0);
		SZ("latched_seq", 24);
		OF("latched_seq.val", 8);
	} else {
		S("log_buf", img_va(IMG_LOG_BUF_PTR));
		S("log_buf_len", img_va(IMG_LOG_BUF_LEN));
		S("log_first_idx", img_va(IMG_LOG_FIRST_IDX));
		S("clear_idx", img_va(IMG_CLEAR_IDX));
		S("log_next_idx", img_va(IMG_LOG_NEXT_IDX));
		SZ("printk_log", p->printk == 1 ? 20 : 16);
		OF("printk_log.ts_nsec", 0);
		OF("printk_log.len", 8);
		OF("printk_log.text_len", 10);
		OF("printk_log.dict_len", 12);
		if (p->printk == 1)
			OF("printk_log.caller_id", 16);
	}
	LEN("free_area.free_list", p->nr_migrate);
	NUM("NR_FREE_PAGES", 0);
	NUM("PG_lru", p->pg_lru);
	NUM("PG_private", p->pg_private);
	NUM("PG_swapcache", p->pg_swapcache);
	if (p->export_swapbacked)
		NUM("PG_swapbacked", p->pg_swapbacked);
	if (p->slab_flag)
		NUM("PG_slab", p->pg_slab);
	if (p->slab_type)
		NUM("PAGE_SLAB_MAPCOUNT_VALUE", p->t_slab);
	NUM("PG_hwpoison", p->pg_hwpoison);
	NUM("PG_head_mask", 1L << p->pg_head);
	NUM("PAGE_BUDDY_MAPCOUNT_VALUE", p->t_buddy);
	if (p->huge_mode == HUGE_DTOR || p->huge_mode == HUGE_FOLIO_DTOR)
		NUM("HUGETLB_PAGE_DTOR", p->dtor_hugetlb);
	if (p->huge_mode == HUGE_PGFLAG)
		NUM("PG_hugetlb", p->pg_hugetlb);
	if (p->huge_mode == HUGE_TYPE)
		NUM("PAGE_HUGETLB_MAPCOUNT_VALUE", p->t_hugetlb);
	if (p->export_offline)
		NUM("PAGE_OFFLINE_MAPCOUNT_VALUE", p->t_offline);
	if (p->export_unaccepted)
		NUM("PAGE_UNACCEPTED_MAPCOUNT_VALUE", p->t_unaccepted);
	if (p->has_kallsyms) {
		S("kallsyms_names", img_va(IMG_KALLSYMS + 0x5c0f8));
		S("kallsyms_num_syms", img_va(IMG_KALLSYMS + 0x5c0f0));
		S("kallsyms_token_table", img_va(IMG_KALLSYMS + 0x1cc410));
		S("kallsyms_token_index", img_va(IMG_KALLSYMS + 0x1cc7a8));
		S("kallsyms_offsets", img_va(IMG_KALLSYMS));
		S("kallsyms_relative_base", img_va(IMG_KALLSYMS + 0x5c0e8));
	}
	if (is_a64()) {
		a64_vmcoreinfo(b);
		goto done;
	}
	NUM("phys_base", G.phys_base);
	S(p->init_top_pgt ? "init_top_pgt" : "init_level4_pgt", img_va(IMG_PGD));
	if (p->has_l5)
		NUM("pgtable_l5_enabled", G.five ? 1 : 0);
	S("node_data", img_va(IMG_NODE_DATA));
	LEN("node_data", 1024);
	sb_printf(b, "KERNELOFFSET=%" PRIx64 "\n", G.kaslr_off);
	if (p->has_kimage_size)
		NUM("KERNEL_IMAGE_SIZE", SZ_1G);
	if (p->has_sme)
		NUM("sme_mask", G.sme);
done:
	sb_printf(b, "CRASHTIME=%" PRIu64 "\n", G.crashtime);
	(void)v;
#undef S
#undef SZ
#undef OF
#undef LEN
#undef NUM
}

/* ------------------------------------------------------------------ */
/* struct page generation                                               */
/* ------------------------------------------------------------------ */

static u64 fl(int bit) { return bit >= 0 ? 1ULL << bit : 0; }
static u64 zone_bits(int zone) { return ((u64)zone << 51) | (0x1fffffULL << 30); }

static void sp_put64(u8 *sp, int off, u64 v) { if (off >= 0) put64(sp + off, v); }
static void sp_put32(u8 *sp, int off, u32 v) { if (off >= 0) put32(sp + off, v); }

static int head_order(int c, u64 pfn)
{
	if (c == C_THP_HEAD || c == C_HUGE_HEAD)
		return 9;
	if (c == C_UNACC_HEAD)
		return 10;
	if (c >= C_SLAB_H1 && c <= C_SLAB_H3)
		return c - C_SLAB_H1 + 1;
	if (c == C_DEV_DATA || c == C_DEV_DATA_USED) {
		struct pmem *n = pmem_of_pfn(pfn);
		return n ? n->compound_order : 0;
	}
	return 0;
}

/* common "freshly initialised" page: flags with zone, refcount, mapcount -1 */
static void sp_basic(u8 *sp, u64 pfn, int zone, u64 flags, u32 ref)
{
	sp_put64(sp, P->off_flags, zone_bits(zone) | flags);
	sp_put32(sp, P->off_mapcount, 0xffffffffu);
	sp_put32(sp, P->off_refcount, ref);
	(void)pfn;
}

static void sp_reserved(u8 *sp, u64 pfn, int zone)
{
	sp_basic(sp, pfn, zone, fl(P->pg_reserved), 1);
	/* empty list_head: points to itself */
	u64 lru = page_va(pfn) + P->off_lru;
	sp_put64(sp, P->off_lru, lru);
	sp_put64(sp, P->off_lru + 8, lru);
}

static void sp_first_tail(u8 *sp, u64 pfn, u64 head, int order, int hc)
{
	bool thp = hc == C_THP_HEAD;
	bool huge = hc == C_HUGE_HEAD;
	int dtor = huge ? P->dtor_hugetlb : thp ? P->dtor_thp : P->dtor_compound;
	s32 emap = thp ? 0 : -1;
	(void)pfn;
	(void)head;
	switch (P->ord_mode) {
	case ORD_U16:
		put16(sp + P->off_dtor, (u16)dtor);
		put16(sp + P->off_order, (u16)order);
		put32(sp + P->off_cmapcount, (u32)emap);
		break;
	case ORD_U8:
	case ORD_FOLIO:
		sp[P->off_dtor] = (u8)dtor;
		sp[P->off_order] = (u8)order;
		put32(sp + 20, (u32)emap);
		put32(sp + 24, 0);
		put32(sp + 28, 1u << order);
		break;
	case ORD_FLAGS: {
		u64 f = get64(sp + P->off_flags) | (u64)order;
		if (huge && P->huge_mode == HUGE_PGFLAG)
			f |= fl(P->pg_hugetlb);
		/*
		 * PG_large_rmappable shares PG_workingset's bit; the order owns
		 * the low byte of page[1].flags, so a kernel can't have that bit
		 * below 8 there: leave it out rather than corrupt the order.
		 */
		if (thp && P->pg_workingset >= 8)
			f |= fl(P->pg_workingset); /* PG_large_rmappable */
		put64(sp + P->off_flags, f);
		put32(sp + 16, (u32)emap);
		put32(sp + 20, 0);
		put32(sp + 24, 0);
		put32(sp + 28, 1u << order);
		break;
	}
	}
}

static void sp_tail(u8 *sp, u64 pfn, u64 head, int zone)
{
	sp_basic(sp, pfn, zone, 0, 0);
	sp_put64(sp, P->off_chead, page_va(head) | 1);
	if (P->ver >= KV(4, 5) && pfn != head + 1)
		sp_put64(sp, P->off_mapping, TAIL_MAPPING);
}

static void sp_slab(u8 *sp, u64 pfn, int zone, int order, bool odd)
{
	u64 f = fl(P->pg_slab);
	if (order)
		f |= fl(P->pg_head);
	sp_basic(sp, pfn, zone, f, 1);
	u64 cache = obj_va(1, hash64(pfn, 1) % 24);
	if (P->old44_slab) {
		sp_put64(sp, P->off_mapping, 0);
		sp_put64(sp, P->off_index, obj_va(9, pfn));   /* freelist */
		sp_put32(sp, P->off_mapcount, 0x00200010);     /* inuse/objects */
		sp_put64(sp, P->off_lru, LIST_POISON1);
		sp_put64(sp, P->off_lru + 8, LIST_POISON2);
		sp_put64(sp, P->off_private, cache);           /* slab_cache */
		return;
	}
	if (P->slab_overlay) {
		put64(sp + 8, cache);
		if (odd) {
			put64(sp + 16, page_va(pfn + 64 + hash64(pfn, 5) % 4096));
			put64(sp + 24, 1 + 2 * (hash64(pfn, 6) % 7)); /* slab.slabs: odd */
		} else {
			put64(sp + 16, LIST_POISON1);
			put64(sp + 24, LIST_POISON2);
		}
	} else {
		put64(sp + 8, LIST_POISON1);
		put64(sp + 16, LIST_POISON2);
		put64(sp + 24, cache);
	}
	put64(sp + 32, obj_va(9, pfn));
	put64(sp + 40, 0x0000000000400040ULL | ((hash64(pfn, 7) % 32) << 0));
	if (P->slab_type)
		put32(sp + P->off_mapcount, (u32)P->t_slab);
}

static void sp_lru_page(u8 *sp, u64 pfn, int zone, u64 flags, u64 mapping, u64 index, bool mapped)
{
	u64 h = hash64(pfn, 11);
	if (h & 1)
		flags |= fl(P->pg_referenced);
	if (h & 2)
		flags |= fl(P->pg_active);
	sp_basic(sp, pfn, zone, flags, 1 + (u32)((h >> 4) & 1));
	sp_put64(sp, P->off_mapping, mapping);
	sp_put64(sp, P->off_index, index);
	sp_put32(sp, P->off_mapcount, mapped ? 0 : 0xffffffffu);
	if (flags & fl(P->pg_lru)) {
		sp_put64(sp, P->off_lru, page_va(pfn + 1 + (h >> 8) % 64) + P->off_lru);
		sp_put64(sp, P->off_lru + 8, page_va(pfn - 1 - (h >> 16) % 64) + P->off_lru);
	}
	sp_put64(sp, P->off_memcg, obj_va(6, 0));
}

static void sp_stale(u8 *sp, u64 pfn, int which, struct pmem *n)
{
	memset(sp, 0, SPAGE);
	u64 old_po = 0xffff888000000000ULL;
	if (n->stale == ST_BUDDY && which == 0) {
		sp_put64(sp, P->off_flags, zone_bits(2));
		sp_put32(sp, P->off_mapcount, (u32)P->t_buddy);
		sp_put32(sp, P->off_refcount, 0);
		sp_put64(sp, P->off_private, 10);
		sp_put64(sp, P->off_lru, old_po + 0x2f3a1000 + 8);
		sp_put64(sp, P->off_lru + 8, old_po + 0x7f8c4e40);
	} else if ((n->stale == ST_BUDDY && which == 1) || (n->stale == ST_LRU)) {
		u64 f = fl(P->pg_lru) | fl(P->pg_uptodate) | fl(P->pg_referenced);
		if (n->stale == ST_LRU && which == 1)
			f |= fl(P->pg_private);
		sp_put64(sp, P->off_flags, zone_bits(2) | f);
		sp_put64(sp, P->off_mapping, old_po + 0x14a3c7a8);
		sp_put64(sp, P->off_index, 0x1234 + which);
		sp_put32(sp, P->off_mapcount, 0xffffffffu);
		sp_put32(sp, P->off_refcount, 2);
		sp_put64(sp, P->off_lru, old_po + 0x3c1e0008);
		sp_put64(sp, P->off_lru + 8, old_po + 0x3c1e0048);
		if (which == 1 && n->stale == ST_LRU)
			sp_put64(sp, P->off_private, old_po + 0x22dd4c00);
	} else if (n->stale == ST_COMPOUND) {
		int order = (n->first_pfn % 1024 == 0) ? 10 : 9;
		if (which == 0) {
			u64 f = fl(P->pg_head) | fl(P->pg_lru) | fl(P->pg_uptodate) | fl(P->pg_swapbacked);
			sp_put64(sp, P->off_flags, zone_bits(2) | f);
			sp_put64(sp, P->off_mapping, (old_po + 0x1bd5e8c0) | 1);
			sp_put64(sp, P->off_index, 0x7f0000000ULL >> 12);
			sp_put32(sp, P->off_mapcount, 0xffffffffu);
			sp_put32(sp, P->off_refcount, 1);
		} else {
			sp_put64(sp, P->off_flags, zone_bits(2));
			sp_put64(sp, P->off_chead, page_va(pfn - 1) | 1);
			sp_put32(sp, P->off_mapcount, 0xffffffffu);
			sp_first_tail(sp, pfn, pfn - 1, order, C_THP_HEAD);
		}
	}
}

static void gen_page(u8 *sp, u64 pfn, const u8 *cls, u64 base)
{
	int c = cls[pfn - base];
	int zone = (c >= C_DEV_RES && c <= C_DEV_MAPMEM) ? 4 : zone_of_ram(pfn);
	u64 h = hash64(pfn, G.seed);
	memset(sp, 0, SPAGE);
	switch (c) {
	case C_HOLE: case C_FW: case C_KIMAGE: case C_KALLOC: case C_MEMMAP: case C_CRASH:
	case C_MIXABLE:
		sp_reserved(sp, pfn, zone);
		break;
	case C_KDATA: case C_ZERO:
		sp_basic(sp, pfn, zone, 0, 1);
		break;
	case C_SLAB: sp_slab(sp, pfn, zone, 0, false); break;
	case C_SLAB_ODD: sp_slab(sp, pfn, zone, 0, true); break;
	case C_SLAB_H1: case C_SLAB_H2: case C_SLAB_H3:
		sp_slab(sp, pfn, zone, c - C_SLAB_H1 + 1, false);
		break;
	case C_SLAB_TAIL: {
		u64 head = pfn - 1;
		while (head > base && !(cls[head - base] >= C_SLAB_H1 && cls[head - base] <= C_SLAB_H3))
			head--;
		sp_tail(sp, pfn, head, zone);
		if (pfn == head + 1)
			sp_first_tail(sp, pfn, head, head_order(cls[head - base], head), C_SLAB_H1);
		break;
	}
	case C_PGTABLE:
		sp_basic(sp, pfn, zone, 0, 1);
		if (P->t_table)
			sp_put32(sp, P->off_mapcount, (u32)P->t_table);
		sp_put64(sp, P->off_index, 0);
		break;
	case C_OWNERPRIV:
		sp_basic(sp, pfn, zone, fl(P->pg_uptodate) | fl(P->pg_owner_priv_1), 1);
		sp_put64(sp, P->off_mapping, obj_va(2, h % 97));
		sp_put64(sp, P->off_index, h % 100000);
		break;
	case C_CACHE:
		sp_lru_page(sp, pfn, zone, fl(P->pg_lru) | fl(P->pg_uptodate) | ((h >> 9) & 1 ? fl(P->pg_dirty) : 0),
			    obj_va(2, h % 97), h % 100000, (h >> 3) & 1);
		break;
	case C_CACHE_PRIV:
		sp_lru_page(sp, pfn, zone, fl(P->pg_lru) | fl(P->pg_uptodate) | fl(P->pg_private),
			    obj_va(2, h % 97), h % 100000, (h >> 3) & 1);
		sp_put64(sp, P->off_private, obj_va(5, pfn));
		break;
	case C_SWAPCACHE: {
		u64 f = fl(P->pg_uptodate) | fl(P->pg_swapcache) | fl(P->pg_swapbacked) | fl(P->pg_dirty);
		if (h & 4)
			f |= fl(P->pg_lru);
		sp_lru_page(sp, pfn, zone, f, 0, h % 100000, false);
		sp_put64(sp, P->off_private, (h % 0x100000) << 6); /* swp_entry */
		break;
	}
	case C_ANON:
		sp_lru_page(sp, pfn, zone, fl(P->pg_lru) | fl(P->pg_uptodate) | fl(P->pg_swapbacked) | fl(P->pg_dirty),
			    obj_va(3, h % 53) | 1, 0x7f0000000ULL + (h % 0x100000), true);
		break;
	case C_KSM:
		sp_lru_page(sp, pfn, zone, fl(P->pg_lru) | fl(P->pg_uptodate) | fl(P->pg_swapbacked),
			    obj_va(4, h % 31) | 3, 0x7f0000000ULL + (h % 0x100000), true);
		break;
	case C_THP_HEAD:
		sp_lru_page(sp, pfn, zone, fl(P->pg_head) | fl(P->pg_lru) | fl(P->pg_uptodate) |
				    fl(P->pg_swapbacked) | fl(P->pg_dirty),
			    obj_va(3, h % 53) | 1, (0x7f0000000ULL + (h % 0x100000)) & ~511ULL, false);
		break;
	case C_HUGE_HEAD:
		sp_basic(sp, pfn, zone, fl(P->pg_head) | fl(P->pg_uptodate) | fl(P->pg_dirty), 1);
		sp_put64(sp, P->off_mapping, obj_va(7, h % 5));
		sp_put64(sp, P->off_index, (h % 4096) & ~511ULL);
		if (P->huge_mode == HUGE_TYPE)
			sp_put32(sp, P->off_mapcount, (u32)P->t_hugetlb);
		break;
	case C_THP_TAIL: case C_HUGE_TAIL: {
		u64 head = ALIGN_DOWN(pfn, 512);
		sp_tail(sp, pfn, head, zone);
		if (pfn == head + 1)
			sp_first_tail(sp, pfn, head, 9, cls[head - base]);
		break;
	}
	case C_FREE_TAIL: case C_UNACC_TAIL:
		sp_basic(sp, pfn, zone, 0, 0);
		break;
	case C_UNACC_HEAD:
		sp_basic(sp, pfn, zone, 0, 0);
		sp_put32(sp, P->off_mapcount, (u32)P->t_unaccepted);
		break;
	case C_HWPOISON:
		sp_basic(sp, pfn, zone, fl(P->pg_hwpoison) | fl(P->pg_uptodate), 1);
		break;
	case C_OFFLINE:
		sp_basic(sp, pfn, zone, 0, 1);
		sp_put32(sp, P->off_mapcount, (u32)P->t_offline);
		break;
	case C_DEV_RES: case C_DEV_INFO: case C_DEV_GAP: case C_DEV_MEMMAP:
	case C_DEV_DATA: case C_DEV_DATA_USED: case C_DEV_MAPMEM: {
		struct pmem *n = pmem_of_pfn(pfn);
		if (!n)
			break;
		if (n->map_dev && (c == C_DEV_RES || c == C_DEV_INFO)) {
			if (n->stale != ST_NONE)
				sp_stale(sp, pfn, (int)(pfn - n->first_pfn), n);
			break; /* never initialised */
		}
		if (n->map_dev && (c == C_DEV_GAP || c == C_DEV_MEMMAP)) {
			sp_reserved(sp, pfn, 4);
			break;
		}
		/* device page with pgmap */
		sp_basic(sp, pfn, 4, fl(P->pg_reserved), 1);
		int co = n->compound_order;
		u64 headp = co ? ALIGN_DOWN(pfn, 1ULL << co) : pfn;
		if (co && pfn >= n->data_pfn && headp >= n->data_pfn && pfn != headp) {
			put64(sp + 8, page_va(headp) | 1);
			if (pfn == headp + 1)
				sp_first_tail(sp, pfn, headp, co, C_DEV_DATA);
			break;
		}
		if (co && pfn >= n->data_pfn)
			put64(sp + P->off_flags, get64(sp + P->off_flags) | fl(P->pg_head));
		put64(sp + 8, n->pgmap_va);
		if (c == C_DEV_DATA_USED && !n->devdax) {
			sp_put64(sp, P->off_mapping, n->mapping_va);
			sp_put64(sp, P->off_index, pfn - n->data_pfn);
		}
		break;
	}
	default:
		if (cls_is_free_head(c)) {
			int o = c - C_FREE_H0;
			sp_basic(sp, pfn, zone, 0, 0);
			sp_put32(sp, P->off_mapcount, (u32)P->t_buddy);
			sp_put64(sp, P->off_private, (u64)o);
			struct headvec *hv = &free_heads[zone_of(pfn)][o];
			u64 i = hv->cursor;
			if (i < hv->n && hv->v[i] == pfn) {
				u64 lh = freelist_va(zone_of(pfn), o);
				sp_put64(sp, P->off_lru, i + 1 < hv->n ? page_va(hv->v[i + 1]) + P->off_lru : lh);
				sp_put64(sp, P->off_lru + 8, i > 0 ? page_va(hv->v[i - 1]) + P->off_lru : lh);
				hv->cursor++;
			}
		}
		break;
	}
}

/* ------------------------------------------------------------------ */
/* page content                                                         */
/* ------------------------------------------------------------------ */

enum { CK_ZERO, CK_FILL, CK_STORE, CK_MEMMAP };

static int content_kind(u64 pfn, int c)
{
	switch (c) {
	case -1:
		return (G.arch == A_X86_64 && pfn >= 0xfffc0 && pfn < 0x100000) ? CK_FILL : CK_ZERO;
	case C_HOLE: case C_CRASH: case C_ZERO: case C_FREE_TAIL: case C_UNACC_HEAD:
	case C_UNACC_TAIL: case C_DEV_RES: case C_DEV_GAP: case C_DEV_DATA: case C_DEV_MAPMEM:
		return CK_ZERO;
	case C_MEMMAP: case C_DEV_MEMMAP:
		return CK_MEMMAP;
	case C_KALLOC: case C_DEV_INFO:
		return store_find(pfn) ? CK_STORE : CK_ZERO;
	case C_KIMAGE:
		return store_find(pfn) ? CK_STORE : CK_FILL;
	case C_CACHE: case C_CACHE_PRIV: case C_SWAPCACHE: case C_ANON: case C_KSM:
	case C_THP_HEAD: case C_THP_TAIL: case C_HUGE_HEAD: case C_HUGE_TAIL:
		/* Benchmarks of -d 31 never read these: leave them as holes. */
		return G.hole_excluded ? CK_ZERO : CK_FILL;
	default:
		if (cls_is_free_head(c))
			return CK_ZERO;
		return CK_FILL;
	}
}

static bool page_is_zero(const u8 *pg)
{
	static const u8 z[MAX_PAGE_SIZE];
	return !memcmp(pg, z, PAGE_SIZE);
}

static bool content_zero(u64 pfn, int c)
{
	int k = content_kind(pfn, c);
	if (k == CK_ZERO)
		return true;
	if (k == CK_STORE)
		return page_is_zero(store_find(pfn));
	return false;
}

static char corpus[4 * MAX_PAGE_SIZE];

static void build_corpus(void)
{
	static const char *const words[] = {
		"the", "kernel", "page", "memory", "struct", "return", "static", "void", "int",
		"unsigned", "long", "if", "else", "for", "while", "error", "data", "buffer", "list",
		"node", "zone", "free", "cache", "inode", "file", "write", "read", "lock", "spin",
		"mutex", "task", "process", "user", "system", "device", "driver", "block", "sector",
		"virtual", "physical", "address", "table", "entry", "offset", "size", "count", "value",
		"Lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed",
		"do", "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna",
		"aliqua", "0x1f", "NULL", "->next", "(void *)", "{", "}", ";", "=", "==", "+="
	};
	struct rng r = { G.seed ^ 0xc0ffee };
	size_t o = 0;
	while (o < sizeof(corpus)) {
		const char *w = words[rnd_below(&r, sizeof(words) / sizeof(words[0]))];
		size_t n = strlen(w);
		for (size_t i = 0; i < n && o < sizeof(corpus); i++)
			corpus[o++] = w[i];
		if (o < sizeof(corpus))
			corpus[o++] = rnd_below(&r, 12) ? ' ' : '\n';
	}
}

static void fill_page(u8 *pg, u64 pfn, int c)
{
	int mode = G.fill;
	u64 h = hash64(pfn, G.seed ^ 0xf111);
	if (mode == F_MIXED)
		mode = (h & 1) ? F_RANDOM : F_TEXT;
	if (mode == F_RANDOM) {
		u64 s = h;
		for (u64 i = 0; i < PAGE_SIZE / 8; i++)
			put64(pg + i * 8, splitmix64(&s));
	} else {
		/* 64 KiB of text for 4 KiB pages (as before), four pages' worth beyond */
		u64 len = MAX(65536, 4 * PAGE_SIZE);
		memcpy(pg, corpus + (h % (len - PAGE_SIZE)), PAGE_SIZE);
	}
	char hdr[48];
	int n = snprintf(hdr, sizeof(hdr), "pfn:%" PRIx64 " c:%d ", pfn, c);
	memcpy(pg, hdr, n);
}

static void produce_page(u8 *pg, u64 pfn, int c, int kind)
{
	if (kind == CK_STORE)
		memcpy(pg, store_find(pfn), PAGE_SIZE);
	else
		fill_page(pg, pfn, c);
}

/* ------------------------------------------------------------------ */
/* file output                                                          */
/* ------------------------------------------------------------------ */

static void xpwrite(const void *buf, u64 n, u64 off)
{
	const u8 *p = buf;
	while (n) {
		ssize_t w = pwrite(G.fd, p, n, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write %s: %s", G.out, strerror(errno));
		}
		p += w;
		n -= (u64)w;
		off += (u64)w;
		G.bytes_written += (u64)w;
	}
}

/* write bytes of physical memory to every PT_LOAD that holds them */
static void write_phys(u64 pa, const u8 *buf, u64 len)
{
	for (int i = 0; i < G.nloads; i++) {
		struct load *l = &G.loads[i];
		u64 s = MAX(pa, l->paddr), e = MIN(pa + len, l->paddr + l->size);
		if (s >= e)
			continue;
		xpwrite(buf + (s - pa), e - s, l->offset + (s - l->paddr));
	}
}

static void build_loads(void)
{
	struct rvec r = {0};
	G.loads = xcalloc(64 + G.npm * 2 + G.e820.n, sizeof(struct load));
	G.nloads = 0;
#define ADDL(k, pa, va, sz) (G.loads[G.nloads++] = (struct load){ (k), (pa), (va), (sz), 0 })
	if (G.layout != L_QEMU) {
		if (G.hostile_text)
			/*
			 * kexec-tools without _text in kallsyms: p_vaddr all ones,
			 * the size from _end down to it (near 2^64), p_paddr from
			 * __pa() of all ones; no data in the file.
			 */
			ADDL(LK_TEXT_HOSTILE, ~0ULL - G.kimage_voffset, ~0ULL,
			     G.text_va + G.img_size - ~0ULL);
		else
			ADDL(LK_TEXT, G.img_pa, G.text_va, G.img_size);
		for (int i = 0; i < G.e820.n; i++)
			rv_add(&r, G.e820.v[i].s, G.e820.v[i].e);
		if (G.layout == L_KEXEC_FILE && !is_a64())
			rv_subtract(&r, 0, 0x100000);
		if (G.ck_e)
			rv_subtract(&r, G.ck_s, G.ck_e);
		for (int i = 0; i < r.n; i++)
			/* the hostile header computes p_vaddr with page_offset 0 */
			ADDL(LK_RAM, r.v[i].s, G.hostile_text ? r.v[i].s - (u64)G.memstart : dmap(r.v[i].s),
			     r.v[i].e - r.v[i].s);
		for (int k = 0; k < G.npm; k++) {
			struct pmem *n = &G.pm[k];
			n->load_index = -1;
			if (n->dump == D_CARVED && n->map_dev) {
				n->load_index = G.nloads;
				ADDL(LK_PMEM_CARVED, n->start, dmap(n->start), n->dataoff);
			} else if (n->dump == D_FULL) {
				n->load_index = G.nloads;
				ADDL(LK_PMEM_FULL, n->start, dmap(n->start), n->size);
			}
		}
	} else {
		for (int i = 0; i < G.ram_blocks.n; i++)
			rv_add(&r, G.ram_blocks.v[i].s, G.ram_blocks.v[i].e);
		for (int k = 0; k < G.npm; k++) {
			struct pmem *n = &G.pm[k];
			rv_subtract(&r, n->start, n->start + n->size);
		}
		for (int k = 0; k < G.npm; k++) {
			struct pmem *n = &G.pm[k];
			if (n->dump == D_CARVED && n->map_dev)
				rv_add(&r, n->start, n->start + n->dataoff);
			else if (n->dump == D_FULL)
				rv_add(&r, n->start, n->start + n->size);
		}
		rv_add(&r, 0xfffc0000ULL, 0x100000000ULL);
		rv_normalize(&r);
		for (int i = 0; i < r.n; i++) {
			int kind = r.v[i].s == 0xfffc0000ULL ? LK_BIOS : LK_RAM;
			for (int k = 0; k < G.npm; k++) {
				struct pmem *n = &G.pm[k];
				if (r.v[i].s <= n->start && r.v[i].e > n->start) {
					n->load_index = G.nloads;
					if (r.v[i].s == n->start)
						kind = n->dump == D_FULL ? LK_PMEM_FULL : LK_PMEM_CARVED;
				}
			}
			ADDL(kind, r.v[i].s, r.v[i].s, r.v[i].e - r.v[i].s);
		}
	}
#undef ADDL
	free(r.v);
}

/* struct elf_prstatus for x86_64: 336 bytes */
static void make_prstatus(u8 *d, int cpu)
{
	memset(d, 0, 336);
	put32(d + 32, cpu == 0 ? 1234 : 0);             /* pr_pid */
	u64 regs[27];
	memset(regs, 0, sizeof(regs));
	u64 stack = G.vmalloc + 0x13000 + (u64)cpu * 0x4000;
	regs[0] = 0;                                     /* r15 */
	regs[1] = img_va(0x1105f80);                     /* r14 */
	regs[2] = stack + 0xa50;                         /* r13 */
	regs[4] = stack + 0xac0;                         /* rbp */
	regs[5] = stack + 0x990;                         /* rbx */
	regs[6] = img_va(0x1ad4448);                     /* r11 */
	regs[7] = 3;                                     /* r10 */
	regs[10] = cpu == 0 ? 0x63 : 0;                  /* rax */
	regs[12] = 1;                                    /* rdx */
	regs[16] = G.text_va + (cpu == 0 ? 0x1741ba : 0xa9e4b2); /* rip */
	regs[17] = 0x10;                                 /* cs */
	regs[18] = 0x46;                                 /* eflags */
	regs[19] = stack + 0x990;                        /* rsp */
	regs[20] = 0x18;                                 /* ss */
	regs[21] = 0x7f2b356883c0ULL;                    /* fs_base */
	for (int i = 0; i < 27; i++)
		put64(d + 112 + i * 8, regs[i]);
}

static void make_qemu_cpustate(u8 *d, int cpu)
{
	memset(d, 0, 440);
	put32(d + 0, 1);
	put32(d + 4, 440);
	u64 stack = G.vmalloc + 0x13000 + (u64)cpu * 0x4000;
	put64(d + 8, cpu == 0 ? 0x63 : 0);          /* rax */
	put64(d + 8 + 6 * 8, stack + 0x990);        /* rbp? (order irrelevant to readers) */
	put64(d + 8 + 7 * 8, stack + 0x990);        /* rsp */
	put64(d + 8 + 16 * 8, G.text_va + 0x1741ba);/* rip */
	put64(d + 8 + 17 * 8, 0x46);                /* rflags */
	/* segments cs, ds, es, fs, gs, ss, ldt, tr, gdt, idt: 24 bytes each at 152 */
	put32(d + 152, 0x10);
	put32(d + 152 + 5 * 24, 0x18);
	/* cr0..cr4 at 392 */
	put64(d + 392, 0x80050033);
	put64(d + 392 + 3 * 8, G.pgd_pa | G.sme);
	put64(d + 392 + 4 * 8, G.five ? 0x3706f0 : 0x3006f0);
}

static void note_append(struct sbuf *b, const char *name, u32 type, const void *desc, u32 dlen)
{
	u32 namesz = (u32)strlen(name) + 1;
	u8 hdr[12];
	put32(hdr, namesz);
	put32(hdr + 4, dlen);
	put32(hdr + 8, type);
	sb_put(b, hdr, 12);
	u8 nm[64] = {0};
	memcpy(nm, name, namesz);
	sb_put(b, nm, ALIGN_UP(namesz, 4));
	sb_put(b, desc, dlen);
	static const u8 pad[4];
	sb_put(b, pad, ALIGN_UP(dlen, 4) - dlen);
}

static void build_notes(void)
{
	struct sbuf b = {0};
	u8 d[440];
	for (int i = 0; i < G.cpus; i++) {
		if (is_a64()) {
			a64_make_prstatus(d, i);
			note_append(&b, "CORE", 1, d, 392);
		} else {
			make_prstatus(d, i);
			note_append(&b, "CORE", 1, d, 336);
		}
	}
	if (G.layout == L_QEMU)
		for (int i = 0; i < G.cpus; i++) {
			make_qemu_cpustate(d, i);
			note_append(&b, "QEMU", 0, d, 440);
		}
	if (!G.no_vmcoreinfo) {
		G.vmcoreinfo_desc_off = b.n + 12 + 12;
		G.vmcoreinfo_size = G.vmcoreinfo.n;
		note_append(&b, "VMCOREINFO", 0, G.vmcoreinfo.p, (u32)G.vmcoreinfo.n);
	}
	G.notes = (u8 *)b.p;
	G.note_size = b.n;
}

static void layout_file(void)
{
	int nph = 1 + G.nloads;
	if (G.layout == L_QEMU) {
		G.phoff = 64 + 64 * 2;
		G.note_off = G.phoff + 56ULL * nph;
		u64 cur = G.note_off + G.note_size;
		for (int i = 0; i < G.nloads; i++) {
			G.loads[i].offset = cur;
			cur += G.loads[i].size;
		}
		G.data_end = cur;
		G.file_size = cur + 11;
	} else {
		G.phoff = 64;
		G.note_off = ALIGN_UP(64 + 56ULL * nph, PAGE_SIZE);
		u64 cur = ALIGN_UP(G.note_off + G.note_size, PAGE_SIZE);
		for (int i = 0; i < G.nloads; i++) {
			u64 in = G.loads[i].paddr % PAGE_SIZE;
			G.loads[i].offset = cur + in;
			if (G.loads[i].kind == LK_TEXT_HOSTILE)
				continue;	/* the file cannot hold it */
			cur += ALIGN_UP(in + G.loads[i].size, PAGE_SIZE);
		}
		G.data_end = G.file_size = cur;
	}
}

static void write_headers(void)
{
	u8 eh[64];
	memset(eh, 0, sizeof(eh));
	memcpy(eh, "\177ELF", 4);
	eh[4] = 2; /* ELFCLASS64 */
	eh[5] = 1; /* little endian */
	eh[6] = 1; /* EV_CURRENT */
	put16(eh + 16, 4);      /* ET_CORE */
	put16(eh + 18, is_a64() ? 183 : 62);     /* EM_AARCH64 / EM_X86_64 */
	put32(eh + 20, 1);
	put64(eh + 32, G.phoff);
	put16(eh + 52, 64);     /* e_ehsize */
	put16(eh + 54, 56);
	put16(eh + 56, (u16)(1 + G.nloads));
	if (G.layout == L_QEMU) {
		put64(eh + 40, 64);   /* e_shoff */
		if (!G.qemu_ehsize_ok)
			put16(eh + 52, 8);
		put16(eh + 58, 64);
		put16(eh + 60, 2);
		put16(eh + 62, 1);
		u8 sh[128];
		memset(sh, 0, sizeof(sh));
		put32(sh + 64 + 0, 1);         /* sh_name */
		put32(sh + 64 + 4, 3);         /* SHT_STRTAB */
		put64(sh + 64 + 24, G.data_end);
		put64(sh + 64 + 32, 11);
		xpwrite(sh, sizeof(sh), 64);
		xpwrite("\0.shstrtab\0", 11, G.data_end);
	}
	xpwrite(eh, sizeof(eh), 0);
	u8 *ph = xcalloc(1 + G.nloads, 56);
	put32(ph + 0, 4); /* PT_NOTE */
	put64(ph + 8, G.note_off);
	put64(ph + 32, G.note_size);
	put64(ph + 40, G.note_size);
	for (int i = 0; i < G.nloads; i++) {
		u8 *p = ph + 56 * (i + 1);
		put32(p + 0, 1);                         /* PT_LOAD */
		put32(p + 4, G.layout == L_QEMU ? 0 : 7);
		put64(p + 8, G.loads[i].offset);
		put64(p + 16, G.loads[i].vaddr);
		put64(p + 24, G.loads[i].paddr);
		put64(p + 32, G.loads[i].size);
		put64(p + 40, G.loads[i].size);
	}
	xpwrite(ph, 56ULL * (1 + G.nloads), G.phoff);
	free(ph);
	xpwrite(G.notes, G.note_size, G.note_off);
}

/* page contents of every PT_LOAD (memmap frames are written separately) */
static void write_contents(void)
{
	const u64 BATCH = 256;
	u8 *buf = xmalloc(BATCH * PAGE_SIZE);
	for (int i = 0; i < G.nloads; i++) {
		struct load *l = &G.loads[i];
		if (l->kind == LK_TEXT_HOSTILE)
			continue;
		u64 sp = l->paddr >> PAGE_SHIFT, ep = (l->paddr + l->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
		u64 bstart = 0, bn = 0;
		struct section *sec = NULL;
		for (u64 pfn = sp; pfn <= ep; pfn++) {
			int kind = CK_ZERO, c = -1;
			if (pfn < ep) {
				if (!sec || sec->nr != pfn >> PFN_SECTION_SHIFT)
					sec = sec_find(pfn >> PFN_SECTION_SHIFT);
				c = sec ? sec->cls[pfn & (PAGES_PER_SECTION - 1)] : -1;
				kind = content_kind(pfn, c);
			}
			bool data = kind == CK_FILL || kind == CK_STORE;
			if (data && kind == CK_STORE && page_is_zero(store_find(pfn)))
				data = false;
			if (data) {
				if (!bn)
					bstart = pfn;
				produce_page(buf + bn * PAGE_SIZE, pfn, c, kind);
				bn++;
			}
			if (bn && (!data || bn == BATCH || pfn + 1 >= ep)) {
				u64 pa = bstart << PAGE_SHIFT;
				u64 s = MAX(pa, l->paddr), e = MIN(pa + bn * PAGE_SIZE, l->paddr + l->size);
				if (e > s)
					xpwrite(buf + (s - pa), e - s, l->offset + (s - l->paddr));
				bn = 0;
			}
		}
	}
	free(buf);
}

/* ------------------------------------------------------------------ */
/* makedumpfile emulation: predicted report counters                    */
/* ------------------------------------------------------------------ */

enum { K_ZERO, K_CACHE, K_CACHE_PRIV, K_USER, K_FREE, K_HWPOISON, K_OFFLINE, K_NR };
static const char *const k_names[K_NR] = {
	"zero", "cache", "cache_private", "user", "free", "hwpoison", "offline"
};
static const char *const k_report[K_NR] = {
	"Pages filled with zero", "Non-private cache pages", "Private cache pages",
	"User process data pages", "Free pages", "Hwpoison pages", "Offline pages"
};
enum { SEM_172, SEM_UP, SEM_NR };
static const char *const sem_names[SEM_NR] = { "mdf-1.7.2", "upstream" };

#define R_TAIL 0x1
#define R_BUDDY 0x2
#define R_BUDDY_BAD 0x4
#define R_UNACC 0x8
#define R_CACHE 0x10
#define R_PRIV 0x20
#define R_USER 0x40
#define R_HWP 0x80
#define R_OFFL 0x100

static u64 emu_cnt[SEM_NR][16][K_NR];
static u64 emu_pend[SEM_NR][16];
static u64 g_original;

static int combo_level(int c)
{
	return ((c & 1) ? 2 : 0) | ((c & 2) ? 4 : 0) | ((c & 4) ? 8 : 0) | ((c & 8) ? 16 : 0);
}

struct pinfo { u16 rules[SEM_NR]; u8 order[SEM_NR]; u8 bud; };

static void emu_decode(const u8 *buf, u64 idx, u64 pfn, struct pinfo *pi)
{
	const u8 *sp = buf + idx * SPAGE;
	u64 flags = get64(sp + P->off_flags);
	u64 mapping = get64(sp + P->off_mapping);
	u64 priv = get64(sp + P->off_private);
	u32 mc = get32(sp + P->off_mapcount);
	u64 chead = P->export_chead ? get64(sp + P->off_chead) : 0;
	bool head = (flags & (1ULL << P->pg_head)) && (pfn % 512 != 511) && idx + 1 < PAGES_PER_SECTION;
	const u8 *p1 = sp + SPAGE;
#define TB(nr) (((flags) >> ((nr) & 31)) & 1)
	int slabbit = P->slab_flag ? P->pg_slab : 63;
	bool slab_f = (flags >> slabbit) & 1;
	bool lru = TB(P->pg_lru);
	bool swc = TB(P->pg_swapcache) && (!P->export_swapbacked || TB(P->pg_swapbacked));
	bool cache = lru || swc;
	bool privf = TB(P->pg_private);
	bool hwp = TB(P->pg_hwpoison);
	memset(pi, 0, sizeof(*pi));
	pi->bud = (u8)MIN(priv, 255);

	/* --- Debian makedumpfile 1.7.2 --- */
	{
		u16 r = 0;
		unsigned order = 0, dtor = 0;
		if (head && (P->ord_mode == ORD_U16 || P->ord_mode == ORD_U8)) {
			if (P->ver >= KV(4, 16)) {
				order = p1[P->off_order];
				dtor = p1[P->off_dtor];
			} else {
				order = get16(p1 + P->off_order);
				dtor = get16(p1 + P->off_dtor);
			}
			if (order >= 64 || (pfn & ((1ULL << order) - 1)))
				order = 0;
		}
		bool anon = mapping & 1;
		bool huge = (P->huge_mode == HUGE_DTOR || P->huge_mode == HUGE_FOLIO_DTOR) &&
			    dtor == (unsigned)P->dtor_hugetlb && (P->ord_mode == ORD_U16 || P->ord_mode == ORD_U8);
		if (chead & 1)
			r |= R_TAIL;
		if (!slab_f && mc == (u32)P->t_buddy)
			r |= priv >= MAX_ORDER_NR ? R_BUDDY_BAD : R_BUDDY;
		if (cache && !anon)
			r |= R_CACHE;
		if (privf)
			r |= R_PRIV;
		if (anon || huge)
			r |= R_USER;
		if (hwp)
			r |= R_HWP;
		if (P->export_offline && !slab_f && mc == (u32)P->t_offline)
			r |= R_OFFL;
		pi->rules[SEM_172] = r;
		pi->order[SEM_172] = (u8)order;
	}
	/* --- upstream makedumpfile (1.7.8+) --- */
	{
		u16 r = 0;
		unsigned order = 0;
		bool huge = false;
		bool slab = slab_f || (P->slab_type && mc == (u32)P->t_slab);
		if (head) {
			u64 f1 = get64(p1 + P->off_flags);
			if (P->huge_mode == HUGE_TYPE) {
				order = f1 & 0xff;
				huge = mc == (u32)P->t_hugetlb;
			} else if (P->huge_mode == HUGE_PGFLAG) {
				order = f1 & 0xff;
				huge = (f1 >> P->pg_hugetlb) & 1;
			} else if (P->ord_mode == ORD_FOLIO || P->ver >= KV(4, 16)) {
				order = p1[P->off_order];
				huge = p1[P->off_dtor] == (unsigned)P->dtor_hugetlb;
			} else {
				order = get16(p1 + P->off_order);
				huge = get16(p1 + P->off_dtor) == (unsigned)P->dtor_hugetlb;
			}
			if (order >= 64 || (pfn & ((1ULL << order) - 1)))
				order = 0;
		}
		bool anon = (mapping & 1) && !slab;
		if (chead & 1)
			r |= R_TAIL;
		if (!slab && mc == (u32)P->t_buddy)
			r |= priv >= MAX_ORDER_NR ? R_BUDDY_BAD : R_BUDDY;
		if (P->export_unaccepted && mc == (u32)P->t_unaccepted)
			r |= R_UNACC;
		if (cache && !anon)
			r |= R_CACHE;
		if (privf)
			r |= R_PRIV;
		if (anon || huge)
			r |= R_USER;
		if (hwp)
			r |= R_HWP;
		if (P->export_offline && !slab && mc == (u32)P->t_offline)
			r |= R_OFFL;
		pi->rules[SEM_UP] = r;
		pi->order[SEM_UP] = (u8)order;
	}
#undef TB
}

static void bits_set(u64 *bm, u64 a, u64 b)
{
	for (u64 i = a; i < b; i++)
		bm[i >> 6] |= 1ULL << (i & 63);
}

/* pfns of a section: in 1st bitmap / in segments (for the struct page scan) */
static void section_dump_maps(u64 base, u64 *in1st, u64 *inseg)
{
	memset(in1st, 0, PAGES_PER_SECTION / 8);
	memset(inseg, 0, PAGES_PER_SECTION / 8);
	u64 end = base + PAGES_PER_SECTION;
	for (int i = 0; i < G.nloads; i++) {
		struct load *l = &G.loads[i];
		if (l->kind == LK_TEXT_HOSTILE)
			continue;	/* a reader must drop it */
		/* 1st bitmap: partial first and last pages count */
		u64 a = l->paddr >> PAGE_SHIFT, b = (l->paddr + l->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
		b = MIN(b, G.max_mapnr);
		if (a < end && b > base)
			bits_set(in1st, MAX(a, base) - base, MIN(b, end) - base);
		/* struct page scan: pfn_to_paddr(pfn) must lie inside the segment */
		u64 c = (l->paddr + PAGE_SIZE - 1) >> PAGE_SHIFT, d = (l->paddr + l->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
		if (c < end && d > base)
			bits_set(inseg, MAX(c, base) - base, MIN(d, end) - base);
	}
}

static struct pinfo *emu_pi;
static u32 *emu_idx;
static u64 *emu_excl;

static void emulate_section(struct section *x, const u8 *buf)
{
	u64 base = x->nr << PFN_SECTION_SHIFT;
	if (base >= G.max_mapnr)
		return;
	u64 send = MIN(base + PAGES_PER_SECTION, G.max_mapnr);
	static u64 in1st[MAX_PAGES_PER_SECTION / 64], inseg[MAX_PAGES_PER_SECTION / 64];
	static u64 zero[MAX_PAGES_PER_SECTION / 64];
	section_dump_maps(base, in1st, inseg);
	memset(zero, 0, sizeof(zero));
	u32 nidx = 0;
	for (u64 j = 0; j < send - base; j++) {
		u64 pfn = base + j;
		if ((in1st[j >> 6] >> (j & 63)) & 1)
			if (content_zero(pfn, x->cls[j]))
				zero[j >> 6] |= 1ULL << (j & 63);
		if (!((inseg[j >> 6] >> (j & 63)) & 1))
			continue;
		emu_decode(buf, j, pfn, &emu_pi[j]);
		if (emu_pi[j].rules[0] || emu_pi[j].rules[1])
			emu_idx[nidx++] = (u32)j;
	}
	for (int s = 0; s < SEM_NR; s++) {
		for (int c = 0; c < 16; c++) {
			int lvl = combo_level(c);
			u64 *cnt = emu_cnt[s][c];
			memset(emu_excl, 0, PAGES_PER_SECTION / 8);
			if (emu_pend[s][c] > base)
				bits_set(emu_excl, 0, MIN(emu_pend[s][c], send) - base);
			u64 skip = 0;
			for (u32 q = 0; q < nidx; q++) {
				u64 j = emu_idx[q], pfn = base + j;
				if (pfn < skip)
					continue;
				struct pinfo *pi = &emu_pi[j];
				u16 r = pi->rules[s];
				u64 nr = 1ULL << pi->order[s];
				int k = -1;
				if (r & R_TAIL)
					continue;
				if ((lvl & 16) && (r & R_BUDDY_BAD))
					continue;
				if ((lvl & 16) && (r & R_BUDDY)) {
					k = K_FREE;
					nr = 1ULL << pi->bud;
				} else if (s == SEM_UP && (lvl & 16) && (r & R_UNACC)) {
					k = K_FREE;
					nr = 1ULL << (MAX_ORDER_NR - 1);
				} else if ((lvl & 2) && (r & R_CACHE) && !(r & R_PRIV)) {
					k = K_CACHE;
				} else if ((lvl & 4) && (r & R_CACHE)) {
					k = (r & R_PRIV) ? K_CACHE_PRIV : K_CACHE;
				} else if ((lvl & 8) && (r & R_USER)) {
					k = K_USER;
				} else if (r & R_HWP) {
					k = K_HWPOISON;
				} else if (r & R_OFFL) {
					k = K_OFFLINE;
				}
				if (k < 0)
					continue;
				u64 e = pfn + nr;
				cnt[k] += MIN(e, G.max_mapnr) - pfn;
				bits_set(emu_excl, j, MIN(e, send) - base);
				if (e > emu_pend[s][c])
					emu_pend[s][c] = e;
				skip = e;
			}
			u64 z = 0;
			for (u64 w = 0; w < PAGES_PER_SECTION / 64; w++)
				z += (u64)__builtin_popcountll(in1st[w] & zero[w] & ~emu_excl[w]);
			cnt[K_ZERO] += z;
		}
	}
}

static void compute_max_mapnr(void)
{
	u64 maxpa = 0;
	for (int i = 0; i < G.nloads; i++)
		if (G.loads[i].kind != LK_TEXT_HOSTILE)
			maxpa = MAX(maxpa, G.loads[i].paddr + G.loads[i].size);
	u64 mm0 = (maxpa + PAGE_SIZE - 1) >> PAGE_SHIFT;
	u64 nsec = (mm0 + PAGES_PER_SECTION - 1) / PAGES_PER_SECTION;
	u64 maxpfn = 0;
	for (int i = 0; i < G.nsec; i++)
		if (G.sec[i].nr < nsec)
			maxpfn = MAX(maxpfn, MIN((G.sec[i].nr + 1) * PAGES_PER_SECTION, mm0));
	G.max_mapnr = maxpfn ? MIN(mm0, maxpfn) : mm0;
	g_original = 0;
	for (int i = 0; i < G.nloads; i++) {
		if (G.loads[i].kind == LK_TEXT_HOSTILE)
			continue;
		/* a partially covered last page is counted too (checked on mdf 1.7.2) */
		u64 a = G.loads[i].paddr >> PAGE_SHIFT;
		u64 b = (G.loads[i].paddr + G.loads[i].size + PAGE_SIZE - 1) >> PAGE_SHIFT;
		b = MIN(b, G.max_mapnr);
		if (b > a)
			g_original += b - a;
	}
}

/* generate every section's struct pages, write them, emulate the filter */
static void write_memmaps(void)
{
	u8 *buf = xmalloc(PAGES_PER_SECTION * SPAGE);
	emu_pi = xmalloc(PAGES_PER_SECTION * sizeof(*emu_pi));
	emu_idx = xmalloc(PAGES_PER_SECTION * sizeof(*emu_idx));
	emu_excl = xmalloc(PAGES_PER_SECTION / 8);
	for (int i = 0; i < G.nsec; i++) {
		struct section *x = &G.sec[i];
		u64 base = x->nr << PFN_SECTION_SHIFT;
		for (u64 j = 0; j < PAGES_PER_SECTION; j++)
			gen_page(buf + j * SPAGE, base + j, x->cls, base);
		if (x->kind == SK_PARTIAL) {
			for (u64 k = 0; k < MEMMAP_FRAMES; k++)
				if (x->frames[k])
					write_phys(x->frames[k], buf + k * PAGE_SIZE, PAGE_SIZE);
		} else {
			write_phys(x->block_pa, buf, PAGES_PER_SECTION * SPAGE);
		}
		emulate_section(x, buf);
	}
	free(buf);
}

/* ------------------------------------------------------------------ */
/* manifest (JSON ground truth)                                         */
/* ------------------------------------------------------------------ */

static void js_str(struct sbuf *b, const char *s)
{
	sb_put(b, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			sb_printf(b, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			sb_printf(b, "\\u%04x", *c);
		else
			sb_put(b, c, 1);
	}
	sb_put(b, "\"", 1);
}

static void js_hex(struct sbuf *b, u64 v) { sb_printf(b, "\"0x%" PRIx64 "\"", v); }

struct runvec { u64 *v; u64 n, cap; u64 pages, in_dump; };

static const char *const group_names[] = {
	"kernel", "zero", "owner_priv", "cache", "cache_private", "swapcache", "anon", "ksm",
	"thp_anon", "hugetlb", "free", "hwpoison", "offline", "unaccepted", "slab_mapping_odd",
	"crashkernel", "dbv_meta", "pmem_data", "pmem_meta", NULL
};

static int group_index(const char *g)
{
	if (!g)
		return -1;
	for (int i = 0; group_names[i]; i++)
		if (!strcmp(group_names[i], g))
			return i;
	return -1;
}

/* nominal rule for a class group: dump-level bit and counter, or NULL (kept) */
static void group_rule(const char *g, int sem, int *bit, const char **counter, const char **note)
{
	*bit = 0;
	*counter = NULL;
	*note = NULL;
	bool old_compound = P->ord_mode == ORD_U16 || P->ord_mode == ORD_U8;
	if (!strcmp(g, "zero")) { *bit = 1; *counter = "zero"; }
	else if (!strcmp(g, "cache") || !strcmp(g, "swapcache")) { *bit = 2; *counter = "cache"; }
	else if (!strcmp(g, "cache_private")) { *bit = 4; *counter = "cache_private"; }
	else if (!strcmp(g, "anon") || !strcmp(g, "ksm")) { *bit = 8; *counter = "user"; }
	else if (!strcmp(g, "thp_anon")) {
		*bit = 8; *counter = "user";
		if (sem == SEM_172 && !old_compound)
			*note = "mdf 1.7.2 cannot read the folio order of this kernel: only the head page is excluded, tails are kept";
	} else if (!strcmp(g, "hugetlb")) {
		if (sem == SEM_UP || (old_compound && P->huge_mode == HUGE_DTOR)) { *bit = 8; *counter = "user"; }
		else *note = "mdf 1.7.2 does not recognise hugetlb folios of this kernel: kept";
	} else if (!strcmp(g, "free")) { *bit = 16; *counter = "free"; }
	else if (!strcmp(g, "unaccepted")) {
		if (sem == SEM_UP) { *bit = 16; *counter = "free"; }
		else { *bit = 1; *counter = "zero"; *note = "mdf 1.7.2 ignores the unaccepted page type; content is zero"; }
	} else if (!strcmp(g, "hwpoison")) { *bit = -1; *counter = "hwpoison"; }
	else if (!strcmp(g, "offline")) { *bit = -1; *counter = "offline"; }
	else if (!strcmp(g, "slab_mapping_odd")) {
		if (sem == SEM_172) { *bit = 8; *counter = "user";
			*note = "known mdf 1.7.2 defect: slab page with odd mapping word taken for anonymous user data"; }
		else *note = "slab page: kept (mapping bit 0 comes from slab.slabs)";
	}
}

static void write_manifest(void)
{
	if (!G.manifest)
		return;
	struct sbuf b = {0};
	sb_printf(&b, "{\n \"generator\": \"mkvmcore\",\n \"format_version\": 1,\n \"command\": ");
	js_str(&b, G.cmdline);
	sb_printf(&b, ",\n \"output\": ");
	js_str(&b, G.out);
	sb_printf(&b, ",\n \"profile\": \"%s\",\n \"osrelease\": ", P->name);
	js_str(&b, G.osrelease);
	sb_printf(&b, ",\n \"layout\": \"%s\",\n \"page_size\": %" PRIu64 ",\n \"ram_bytes\": %" PRIu64
		  ",\n \"cpus\": %d,\n \"seed\": %" PRIu64 ",\n \"fill\": \"%s\",\n \"five_level\": %s,\n"
		  " \"sme_mask\": \"0x%" PRIx64 "\",\n \"vmcoreinfo\": %s,\n \"crashtime\": %" PRIu64 ",\n",
		  layout_names[G.layout], (u64)PAGE_SIZE, G.ram, G.cpus, G.seed, fill_names[G.fill],
		  G.five ? "true" : "false", G.sme, G.no_vmcoreinfo ? "false" : "true", G.crashtime);
	sb_printf(&b, " \"arch\": \"%s\",\n", G.arch == A_AARCH64 ? "aarch64" : "x86_64");
	if (G.arch == A_AARCH64)
		a64_manifest(&b);
	sb_printf(&b, " \"kaslr\": {\"enabled\": %s, \"seed\": %" PRIu64 ", \"page_offset_base\": ",
		  G.kaslr ? "true" : "false", G.kaslr_seed);
	js_hex(&b, G.page_offset);
	sb_printf(&b, ", \"vmemmap_base\": ");
	js_hex(&b, G.vmemmap);
	sb_printf(&b, ", \"vmalloc_base\": ");
	js_hex(&b, G.vmalloc);
	sb_printf(&b, ", \"phys_base\": %" PRId64 ", \"kernel_offset\": ", G.phys_base);
	js_hex(&b, G.kaslr_off);
	sb_printf(&b, ", \"text_vaddr\": ");
	js_hex(&b, G.text_va);
	sb_printf(&b, ", \"text_paddr\": ");
	js_hex(&b, G.img_pa);
	sb_printf(&b, ", \"image_size\": %" PRIu64 ", \"init_top_pgt_pa\": ", G.img_size);
	js_hex(&b, G.pgd_pa);
	sb_printf(&b, "},\n \"symbols\": {\"init_top_pgt\": ");
	js_hex(&b, img_va(IMG_PGD));
	sb_printf(&b, ", \"init_uts_ns\": ");
	js_hex(&b, img_va(IMG_UTS));
	sb_printf(&b, ", \"mem_section\": ");
	js_hex(&b, dmap(G.ms_root_pa));
	sb_printf(&b, ", \"node_data\": ");
	js_hex(&b, img_va(IMG_NODE_DATA));
	sb_printf(&b, ", \"pglist_data_0\": ");
	js_hex(&b, dmap(G.pgdat_pa));
	sb_printf(&b, ", \"node_online_map\": ");
	js_hex(&b, img_va(IMG_NODE_ONLINE));
	sb_printf(&b, "},\n \"system_ram\": [");
	for (int i = 0; i < G.e820.n; i++) {
		sb_printf(&b, "%s[", i ? ", " : "");
		js_hex(&b, G.e820.v[i].s);
		sb_printf(&b, ", ");
		js_hex(&b, G.e820.v[i].e);
		sb_printf(&b, "]");
	}
	sb_printf(&b, "],\n \"crashkernel\": ");
	if (G.ck_e) {
		sb_printf(&b, "[");
		js_hex(&b, G.ck_s);
		sb_printf(&b, ", ");
		js_hex(&b, G.ck_e);
		sb_printf(&b, "]");
	} else
		sb_printf(&b, "null");
	sb_printf(&b, ",\n \"file\": {\"size\": %" PRIu64 ", \"truncated_to\": ", G.file_size);
	if (G.truncate >= 0)
		sb_printf(&b, "%" PRId64, G.truncate);
	else
		sb_printf(&b, "null");
	sb_printf(&b, ", \"e_phoff\": %" PRIu64 ", \"note_offset\": %" PRIu64 ", \"note_size\": %" PRIu64
		  ", \"vmcoreinfo_offset\": %" PRIu64 ", \"vmcoreinfo_size\": %" PRIu64
		  ", \"bytes_written\": %" PRIu64 "},\n",
		  G.phoff, G.note_off, G.note_size,
		  G.no_vmcoreinfo ? 0 : G.note_off + G.vmcoreinfo_desc_off, G.vmcoreinfo_size, G.bytes_written);
	sb_printf(&b, " \"pt_loads\": [\n");
	for (int i = 0; i < G.nloads; i++) {
		struct load *l = &G.loads[i];
		sb_printf(&b, "  {\"kind\": \"%s\", \"offset\": ", load_kind_names[l->kind]);
		js_hex(&b, l->offset);
		sb_printf(&b, ", \"vaddr\": ");
		js_hex(&b, l->vaddr);
		sb_printf(&b, ", \"paddr\": ");
		js_hex(&b, l->paddr);
		sb_printf(&b, ", \"filesz\": ");
		js_hex(&b, l->size);
		sb_printf(&b, ", \"memsz\": ");
		js_hex(&b, l->size);
		sb_printf(&b, "}%s\n", i + 1 < G.nloads ? "," : "");
	}
	sb_printf(&b, " ],\n \"sections\": [");
	for (int i = 0; i < G.nsec;) {
		int j = i;
		while (j + 1 < G.nsec && G.sec[j + 1].nr == G.sec[j].nr + 1 &&
		       G.sec[j + 1].flags == G.sec[i].flags && G.sec[j + 1].kind == G.sec[i].kind)
			j++;
		static const char *const kn[] = { "ram_memmap", "device_memmap", "partial_4k" };
		sb_printf(&b, "%s{\"first\": %" PRIu64 ", \"end\": %" PRIu64 ", \"flags\": \"0x%x\", \"memmap\": \"%s\"}",
			  i ? ", " : "", G.sec[i].nr, G.sec[j].nr + 1, G.sec[i].flags, kn[G.sec[i].kind]);
		i = j + 1;
	}
	sb_printf(&b, "],\n \"memmap_chunk\": [");
	js_hex(&b, G.memmap_chunk_pa);
	sb_printf(&b, ", ");
	js_hex(&b, G.memmap_chunk_pa + G.memmap_chunk_size);
	sb_printf(&b, "],\n \"max_mapnr\": %" PRIu64 ",\n", G.max_mapnr);

	/* class runs */
	int ng = 0;
	while (group_names[ng])
		ng++;
	struct runvec *rv = xcalloc(ng, sizeof(*rv));
	int cur = -1;
	u64 cur_s = 0, prev = 0;
	u64 seg_s[64], seg_e[64];
	int nseg = 0;
	for (int i = 0; i < G.nloads && nseg < 64; i++) {
		if (G.loads[i].kind == LK_TEXT_HOSTILE)
			continue;
		seg_s[nseg] = G.loads[i].paddr >> PAGE_SHIFT;
		seg_e[nseg++] = (G.loads[i].paddr + G.loads[i].size) >> PAGE_SHIFT;
	}
	for (int i = 0; i <= G.nsec; i++) {
		u64 base = i < G.nsec ? G.sec[i].nr << PFN_SECTION_SHIFT : 0;
		u64 n = i < G.nsec ? PAGES_PER_SECTION : 1;
		for (u64 j = 0; j < n; j++) {
			int g = i < G.nsec ? group_index(cls_group(G.sec[i].cls[j])) : -1;
			u64 pfn = base + j;
			if (i < G.nsec && g >= 0) {
				rv[g].pages++;
				for (int s = 0; s < nseg; s++)
					if (pfn >= seg_s[s] && pfn < seg_e[s]) {
						rv[g].in_dump++;
						break;
					}
			}
			if (g != cur || pfn != prev + 1 || i == G.nsec) {
				if (cur >= 0) {
					struct runvec *r = &rv[cur];
					if (r->n + 2 > r->cap) {
						r->cap = r->cap ? r->cap * 2 : 64;
						r->v = xrealloc(r->v, r->cap * sizeof(u64));
					}
					r->v[r->n++] = cur_s;
					r->v[r->n++] = prev + 1;
				}
				cur = g;
				cur_s = pfn;
			}
			prev = pfn;
		}
	}
	sb_printf(&b, " \"classes\": [\n");
	bool first = true;
	for (int g = 0; g < ng; g++) {
		if (!rv[g].pages)
			continue;
		const char *gn = group_names[g];
		bool zero = !strcmp(gn, "zero") || !strcmp(gn, "free") || !strcmp(gn, "unaccepted") ||
			    !strcmp(gn, "crashkernel");
		bool mixed = !strcmp(gn, "kernel") || !strcmp(gn, "dbv_meta") || !strcmp(gn, "pmem_data") ||
			     !strcmp(gn, "pmem_meta");
		sb_printf(&b, "%s  {\"class\": \"%s\", \"pages\": %" PRIu64 ", \"pages_in_dump\": %" PRIu64
			  ", \"content\": \"%s\", \"excluded_by\": {",
			  first ? "" : ",\n", gn, rv[g].pages, rv[g].in_dump, zero ? "zero" : mixed ? "mixed" : "data");
		first = false;
		for (int s = 0; s < SEM_NR; s++) {
			int bit;
			const char *counter, *note;
			group_rule(gn, s, &bit, &counter, &note);
			sb_printf(&b, "%s\"%s\": ", s ? ", " : "", sem_names[s]);
			if (!counter)
				sb_printf(&b, "{\"dump_level_bit\": null, \"counter\": null");
			else if (bit < 0)
				sb_printf(&b, "{\"dump_level_bit\": \"always\", \"counter\": \"%s\"", counter);
			else
				sb_printf(&b, "{\"dump_level_bit\": %d, \"counter\": \"%s\"", bit, counter);
			if (note) {
				sb_printf(&b, ", \"note\": ");
				js_str(&b, note);
			}
			sb_printf(&b, "}");
		}
		sb_printf(&b, "}, \"runs\": [");
		for (u64 k = 0; k < rv[g].n; k += 2)
			sb_printf(&b, "%s[%" PRIu64 ",%" PRIu64 "]", k ? "," : "", rv[g].v[k], rv[g].v[k + 1]);
		sb_printf(&b, "]}");
		free(rv[g].v);
	}
	free(rv);
	sb_printf(&b, "\n ],\n \"expected\": {\n");
	for (int s = 0; s < SEM_NR; s++) {
		sb_printf(&b, "  \"%s\": {\"max_mapnr\": %" PRIu64 ", \"original_pages\": %" PRIu64
			  ", \"memory_hole\": %" PRIu64 ", \"levels\": {\n",
			  sem_names[s], G.max_mapnr, g_original, G.max_mapnr - g_original);
		for (int lvl = 0; lvl < 32; lvl++) {
			int c = ((lvl & 2) ? 1 : 0) | ((lvl & 4) ? 2 : 0) | ((lvl & 8) ? 4 : 0) | ((lvl & 16) ? 8 : 0);
			u64 v[K_NR], ex = 0;
			for (int k = 0; k < K_NR; k++) {
				v[k] = emu_cnt[s][c][k];
				if (k == K_ZERO && !(lvl & 1))
					v[k] = 0;
				ex += v[k];
			}
			sb_printf(&b, "   \"%d\": {", lvl);
			for (int k = 0; k < K_NR; k++)
				sb_printf(&b, "\"%s\": %" PRIu64 ", ", k_names[k], v[k]);
			sb_printf(&b, "\"excluded\": %" PRIu64 ", \"remaining\": %" PRId64 "}%s\n", ex,
				  (s64)g_original - (s64)ex, lvl < 31 ? "," : "");
		}
		sb_printf(&b, "  }}%s\n", s + 1 < SEM_NR ? "," : "");
	}
	sb_printf(&b, " },\n \"counter_names\": {");
	for (int k = 0; k < K_NR; k++)
		sb_printf(&b, "%s\"%s\": \"%s\"", k ? ", " : "", k_names[k], k_report[k]);
	sb_printf(&b, "},\n \"pmem\": [");
	for (int k = 0; k < G.npm; k++) {
		struct pmem *n = &G.pm[k];
		sb_printf(&b, "%s\n  {\"start\": ", k ? "," : "");
		js_hex(&b, n->start);
		sb_printf(&b, ", \"size\": ");
		js_hex(&b, n->size);
		sb_printf(&b, ", \"mode\": \"%s\", \"map\": \"%s\", \"align\": %" PRIu64 ", \"effective_align\": %" PRIu64
			  ", \"info\": %s, \"signature\": \"%s\", \"stale\": \"%s\", \"dump\": \"%s\", \"dataoff\": ",
			  n->devdax ? "devdax" : "fsdax", n->map_dev ? "dev" : "mem", n->align, n->A,
			  n->info ? "true" : "false", n->devdax ? "NVDIMM_DAX_INFO" : "NVDIMM_PFN_INFO",
			  stale_names[n->stale], dump_names[n->dump]);
		js_hex(&b, n->dataoff);
		sb_printf(&b, ", \"npfns\": %" PRIu64 ", \"end_trunc\": %" PRIu64 ", \"pfn_mode\": %d, \"checksum\": ",
			  n->npfns, n->end_trunc, n->map_dev ? 2 : 1);
		js_hex(&b, n->info ? n->checksum : 0);
		sb_printf(&b, ", \"first_pfn\": %" PRIu64 ", \"data_pfn\": %" PRIu64 ", \"end_pfn\": %" PRIu64,
			  n->first_pfn, n->data_pfn, n->end_pfn);
		sb_printf(&b, ", \"altmap\": {\"base_pfn\": %" PRIu64 ", \"reserve\": %" PRIu64 ", \"free\": %" PRIu64
			  ", \"alloc\": %" PRIu64 ", \"align\": %" PRIu64 "}",
			  n->base_pfn, n->reserve, n->free_pfns, n->alloc, n->align_pfns);
		sb_printf(&b, ", \"compound_order\": %d, \"used_data_pages\": %" PRIu64 ", \"pgmap\": ",
			  n->compound_order, n->used_data);
		js_hex(&b, n->pgmap_va);
		sb_printf(&b, ", \"load_index\": %d", n->load_index);
		if (n->map_dev) {
			sb_printf(&b, ", \"dbv_range\": [");
			js_hex(&b, n->start);
			sb_printf(&b, ", ");
			js_hex(&b, n->start + n->dataoff);
			sb_printf(&b, "], \"regions\": {\"reserve\": [%" PRIu64 ",%" PRIu64 "], \"info\": [%" PRIu64 ",%" PRIu64
				  "], \"memmap_area\": [%" PRIu64 ",%" PRIu64 "], \"data\": [%" PRIu64 ",%" PRIu64 "]}",
				  n->first_pfn, n->first_pfn + 1, n->first_pfn + 1, n->first_pfn + 2,
				  n->first_pfn + 2, n->data_pfn, n->data_pfn, n->end_pfn);
			sb_printf(&b, ", \"memmap_blocks\": [");
			for (int i = 0; i < n->nblocks; i++) {
				sb_printf(&b, "%s{\"section\": %" PRIu64 ", \"pa\": ", i ? ", " : "", n->block_sec[i]);
				js_hex(&b, n->block_pa[i]);
				sb_printf(&b, "}");
			}
			sb_printf(&b, "]");
		}
		if (n->stale != ST_NONE)
			sb_printf(&b, ", \"stale_reserve_slots\": [%" PRIu64 ", %" PRIu64 "]", n->first_pfn, n->first_pfn + 1);
		sb_printf(&b, ", \"ram_backed_memmap_sections\": [");
		bool f2 = true;
		for (int i = 0; i < G.nsec; i++) {
			struct section *x = &G.sec[i];
			u64 ss = x->nr << PFN_SECTION_SHIFT;
			if (ss + PAGES_PER_SECTION <= n->first_pfn || ss >= n->end_pfn || x->kind == SK_DEV)
				continue;
			sb_printf(&b, "%s%" PRIu64, f2 ? "" : ", ", x->nr);
			f2 = false;
		}
		sb_printf(&b, "]}");
	}
	sb_printf(&b, "],\n \"device_backed_vmemmap\": [");
	bool f3 = true;
	for (int k = 0; k < G.npm; k++) {
		struct pmem *n = &G.pm[k];
		if (!n->map_dev)
			continue;
		sb_printf(&b, "%s{\"range\": [", f3 ? "" : ", ");
		js_hex(&b, n->start);
		sb_printf(&b, ", ");
		js_hex(&b, n->start + n->dataoff);
		sb_printf(&b, "], \"in_dump\": %s}", (n->dump == D_CARVED || n->dump == D_FULL) ? "true" : "false");
		f3 = false;
	}
	sb_printf(&b, "],\n \"dmesg\": {\"kind\": \"%s\", \"lines\": [",
		  P->printk == 2 ? "printk_ringbuffer" : "log_buf");
	for (int i = 0; i < G.nlines; i++) {
		sb_printf(&b, "%s\n  {\"ts_nsec\": %" PRIu64 ", \"text\": ", i ? "," : "", G.line_ts[i]);
		js_str(&b, G.lines[i]);
		char pre[64];
		snprintf(pre, sizeof(pre), "[%5" PRIu64 ".%06" PRIu64 "] ", (u64)(G.line_ts[i] / 1000000000ULL),
			 (u64)((G.line_ts[i] % 1000000000ULL) / 1000));
		struct sbuf o = {0};
		sb_printf(&o, "%s%s", pre, G.lines[i]);
		sb_printf(&b, ", \"makedumpfile\": ");
		js_str(&b, o.p);
		free(o.p);
		sb_printf(&b, "}");
	}
	sb_printf(&b, "\n ]}\n}\n");
	FILE *f = fopen(G.manifest, "w");
	if (!f || fwrite(b.p, 1, b.n, f) != b.n || fclose(f))
		die("cannot write manifest %s", G.manifest);
	free(b.p);
}

/* ------------------------------------------------------------------ */
/* command line                                                         */
/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs(
"usage: mkvmcore [options] OUTPUT.vmcore\n"
"  --profile P          kernel profile: 4.4 4.19 5.4 6.1 6.4 6.6 6.9 6.10 6.11 6.12 6.16 (default 6.1)\n"
"  --layout L           kexec_file (default) | kexec_load | qemu\n"
"  --ram SIZE           guest RAM (default 512M), e.g. 4G, 64G\n"
"  --seed N             class-mix / content seed (default 1)\n"
"  --kaslr SEED|off     KASLR seed (default 12345), 'off' for fixed bases\n"
"  --mix C=PCT,...      percentages of RAM pages per class (rest is free):\n"
"                       kernel zero owner_priv cache cache_private swapcache anon ksm\n"
"                       thp_anon hugetlb hwpoison offline unaccepted slab_mapping_odd\n"
"  --used SIZE|PCT%     scale the mix so that this much RAM is in use (default:\n"
"                       min(mix, 1G) without --mix)\n"
"  --fill text|random|mixed   page content (default text)\n"
"  --fill-excluded data|hole   content of user-data and page-cache pages: hole\n"
"                       leaves them unwritten (zero), for large -d 31 benchmarks\n"
"  --pmem SPEC          repeatable: start=ADDR,size=SIZE[,align=4K|2M|1G][,mode=fsdax|devdax]\n"
"                       [,info=yes|no][,stale=none|buddy|lru|compound][,dump=carved|full|none]\n"
"                       [,map=dev|mem]\n"
"  --five-level         5-level paging (pgtable_l5_enabled=1)\n"
"  --arch A             x86_64 (default) | aarch64\n"
"  --page-size S        aarch64: 4K (default) | 16K | 64K\n"
"  --va-bits N          aarch64 VA_BITS: 39 48 52 (4K), 47 48 52 (16K), 42 48 52 (64K); default 48\n"
"  --va48-on-52         aarch64: a VA_BITS=52 kernel on a CPU without 52-bit VA: it runs\n"
"                       VA_BITS_MIN bits (48; 47 with 16K pages), TCR_EL1_T1SZ says so\n"
"  --pac                aarch64: pointer authentication (KERNELPACMASK, signed lr)\n"
"  --hostile-text       aarch64: kexec-tools' garbage kernel-image PT_LOAD (vaddr ~0, size ~2^64)\n"
"  --no-cont            aarch64: no contiguous-bit hints in the linear map\n"
"  --sme-mask BIT       set the AMD SME C-bit BIT in every page-table entry\n"
"  --crashkernel SIZE   crashkernel reservation (default 128M, 0 = none)\n"
"  --cpus N             number of CPUs / NT_PRSTATUS notes (default 2)\n"
"  --dmesg FILE         printk buffer lines (default: built-in boot/panic log)\n"
"  --manifest FILE      write JSON ground truth\n"
"  --truncate BYTES     cut the output file to BYTES\n"
"  --no-vmcoreinfo      omit the VMCOREINFO note\n"
"  --qemu-ehsize-ok     qemu layout: write e_ehsize 64 instead of QEMU 7.2's 8\n"
"  --no-gbpages         direct map with 2 MiB pages only\n"
"  --osrelease STR      override OSRELEASE / utsname.release\n"
"  --nodename STR       utsname.nodename (default \"(none)\")\n"
"  --load-elf FILE      copy the allocated sections of ELF64 FILE to their addresses,\n"
"                       which must lie in the kernel image (erase tests)\n"
"  --crashtime N        CRASHTIME (default 1795598053)\n"
"  --quiet\n", f);
}

static int mix_index(const char *n)
{
	for (int k = 0; k < M_NR; k++)
		if (!strcmp(mix_names[k], n))
			return k;
	die("unknown --mix class '%s'", n);
}

static void parse_mix(const char *s)
{
	char *d = xstrdup(s), *save = NULL;
	if (!G.mix_given)
		memset(G.mix, 0, sizeof(G.mix));
	G.mix_given = true;
	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (!eq)
			die("--mix expects CLASS=PCT");
		*eq = 0;
		G.mix[mix_index(t)] = strtod(eq + 1, NULL);
	}
	free(d);
}

static void parse_pmem(const char *s)
{
	if (G.npm >= MAX_PMEM)
		die("too many --pmem");
	struct pmem *n = &G.pm[G.npm++];
	memset(n, 0, sizeof(*n));
	n->align = 0;		/* the page size (fsdax) or 2M (devdax), see pmem_compute */
	n->info = true;
	n->map_dev = true;
	n->stale = ST_NONE;
	n->dump = D_CARVED;
	bool have_start = false, have_size = false, have_align = false;
	char *d = xstrdup(s), *save = NULL;
	for (char *t = strtok_r(d, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (!eq)
			die("--pmem: expected key=value in '%s'", t);
		*eq++ = 0;
		if (!strcmp(t, "start")) { n->start = parse_size(eq); have_start = true; }
		else if (!strcmp(t, "size")) { n->size = parse_size(eq); have_size = true; }
		else if (!strcmp(t, "align")) { n->align = parse_size(eq); have_align = true; }
		else if (!strcmp(t, "mode")) {
			if (!strcmp(eq, "fsdax")) n->devdax = false;
			else if (!strcmp(eq, "devdax")) n->devdax = true;
			else die("--pmem mode=fsdax|devdax");
		} else if (!strcmp(t, "info")) n->info = !strcmp(eq, "yes") || !strcmp(eq, "1");
		else if (!strcmp(t, "stale")) {
			int i;
			for (i = 0; i < 4 && strcmp(eq, stale_names[i]); i++)
				;
			if (i == 4)
				die("--pmem stale=none|buddy|lru|compound");
			n->stale = i;
		} else if (!strcmp(t, "dump")) {
			int i;
			for (i = 0; i < 3 && strcmp(eq, dump_names[i]); i++)
				;
			if (i == 3)
				die("--pmem dump=carved|full|none");
			n->dump = i;
		} else if (!strcmp(t, "map")) {
			if (!strcmp(eq, "dev")) n->map_dev = true;
			else if (!strcmp(eq, "mem")) n->map_dev = false;
			else die("--pmem map=dev|mem");
		} else
			die("--pmem: unknown key '%s'", t);
	}
	free(d);
	if (!have_start || !have_size)
		die("--pmem needs start= and size=");
	(void)have_align;
}

static void parse_args(int argc, char **argv)
{
	G.profile_name = "6.1";
	G.layout = L_KEXEC_FILE;
	G.arch = A_X86_64;
	G.page_shift = 12;
	G.section_bits = 27;
	G.va_bits = 48;
	G.ram = 512 * SZ_1M;
	G.seed = 1;
	G.kaslr_seed = 12345;
	G.kaslr = true;
	G.sme_bit = -1;
	G.crash_size = 128 * SZ_1M;
	G.cpus = 2;
	G.fill = F_TEXT;
	G.truncate = -1;
	G.gbpages = true;
	G.nodename = "(none)";
	G.crashtime = 1795598053ULL;
	G.used = -1;
	size_t cl = 0;
	for (int i = 0; i < argc && cl + 2 < sizeof(G.cmdline); i++)
		cl += (size_t)snprintf(G.cmdline + cl, sizeof(G.cmdline) - cl, "%s%s", i ? " " : "", argv[i]);
	for (int i = 1; i < argc; i++) {
		char *a = argv[i], *val = NULL;
		if (a[0] != '-' || !a[1]) {
			if (G.out)
				die("more than one output file given");
			G.out = a;
			continue;
		}
		char name[64];
		snprintf(name, sizeof(name), "%s", a);
		char *eq = strchr(name, '=');
		if (eq) {
			*eq = 0;
			val = a + (eq - name) + 1;
		}
#define NEEDVAL() do { if (!val) { if (i + 1 >= argc) die("%s needs a value", name); val = argv[++i]; } } while (0)
		if (!strcmp(name, "-h") || !strcmp(name, "--help")) { usage(stdout); exit(0); }
		else if (!strcmp(name, "--profile")) { NEEDVAL(); G.profile_name = val; }
		else if (!strcmp(name, "--layout")) {
			NEEDVAL();
			int k;
			for (k = 0; k < 3 && strcmp(val, layout_names[k]); k++)
				;
			if (k == 3)
				die("--layout kexec_file|kexec_load|qemu");
			G.layout = k;
		} else if (!strcmp(name, "--ram")) { NEEDVAL(); G.ram = parse_size(val); }
		else if (!strcmp(name, "--seed")) { NEEDVAL(); G.seed = strtoull(val, NULL, 0); }
		else if (!strcmp(name, "--kaslr")) {
			NEEDVAL();
			if (!strcmp(val, "off") || !strcmp(val, "no"))
				G.kaslr = false;
			else
				G.kaslr_seed = strtoull(val, NULL, 0);
		} else if (!strcmp(name, "--mix")) { NEEDVAL(); parse_mix(val); }
		else if (!strcmp(name, "--used")) {
			NEEDVAL();
			size_t n = strlen(val);
			if (n && val[n - 1] == '%')
				G.used_pct = strtod(val, NULL);
			else
				G.used = (s64)parse_size(val);
		} else if (!strcmp(name, "--fill-excluded")) {
			NEEDVAL();
			if (!strcmp(val, "hole"))
				G.hole_excluded = true;
			else if (strcmp(val, "data"))
				die("--fill-excluded data|hole");
		} else if (!strcmp(name, "--fill")) {
			NEEDVAL();
			int k;
			for (k = 0; k < 3 && strcmp(val, fill_names[k]); k++)
				;
			if (k == 3)
				die("--fill text|random|mixed");
			G.fill = k;
		} else if (!strcmp(name, "--pmem")) { NEEDVAL(); parse_pmem(val); }
		else if (!strcmp(name, "--five-level")) G.five = true;
		else if (!strcmp(name, "--arch")) {
			NEEDVAL();
			if (!strcmp(val, "x86_64"))
				G.arch = A_X86_64;
			else if (!strcmp(val, "aarch64") || !strcmp(val, "arm64"))
				G.arch = A_AARCH64;
			else
				die("--arch x86_64|aarch64");
		} else if (!strcmp(name, "--page-size")) {
			NEEDVAL();
			u64 ps = parse_size(val);
			if (ps != 4096 && ps != 16384 && ps != 65536)
				die("--page-size 4K|16K|64K");
			G.page_shift = ilog2_floor(ps);
		} else if (!strcmp(name, "--va-bits")) { NEEDVAL(); G.va_bits = atoi(val); }
		else if (!strcmp(name, "--va48-on-52")) G.va48_on52 = true;
		else if (!strcmp(name, "--pac")) G.pac = true;
		else if (!strcmp(name, "--hostile-text")) G.hostile_text = true;
		else if (!strcmp(name, "--no-cont")) G.no_cont = true;
		else if (!strcmp(name, "--sme-mask")) { NEEDVAL(); G.sme_bit = atoi(val); }
		else if (!strcmp(name, "--crashkernel")) { NEEDVAL(); G.crash_size = parse_size(val); }
		else if (!strcmp(name, "--cpus")) { NEEDVAL(); G.cpus = atoi(val); }
		else if (!strcmp(name, "--dmesg")) { NEEDVAL(); G.dmesg_file = val; }
		else if (!strcmp(name, "--manifest")) { NEEDVAL(); G.manifest = val; }
		else if (!strcmp(name, "--truncate")) { NEEDVAL(); G.truncate = (s64)parse_size(val); }
		else if (!strcmp(name, "--no-vmcoreinfo")) G.no_vmcoreinfo = true;
		else if (!strcmp(name, "--qemu-ehsize-ok")) G.qemu_ehsize_ok = true;
		else if (!strcmp(name, "--no-gbpages")) G.gbpages = false;
		else if (!strcmp(name, "--osrelease")) { NEEDVAL(); G.osrelease = val; }
		else if (!strcmp(name, "--nodename")) { NEEDVAL(); G.nodename = val; }
		else if (!strcmp(name, "--crashtime")) { NEEDVAL(); G.crashtime = strtoull(val, NULL, 0); }
		else if (!strcmp(name, "--load-elf")) { NEEDVAL(); G.load_elf = val; }
		else if (!strcmp(name, "--quiet") || !strcmp(name, "-q")) g_quiet = true;
		else
			die("unknown option %s (see --help)", a);
#undef NEEDVAL
	}
	if (!G.out) {
		usage(stderr);
		exit(2);
	}
	if (G.cpus < 1 || G.cpus > 64)
		die("--cpus must be 1..64");
	if (G.ram < 256 * SZ_1M || G.ram % SZ_2M)
		die("--ram must be >= 256M and a multiple of 2M");
	if (G.arch == A_X86_64 && (G.page_shift != 12 || G.va48_on52 || G.pac || G.hostile_text))
		die("--page-size, --va48-on-52, --pac and --hostile-text need --arch aarch64");
	if (G.arch == A_AARCH64 && G.ram % (1ULL << (G.page_shift == 16 ? 29 : 27)))
		die("--ram: arm64 RAM must be a multiple of the section size");
}

/* ------------------------------------------------------------------ */
/* main                                                                 */
/* ------------------------------------------------------------------ */

static void alloc_kernel_structs(void)
{
	build_arena();
	G.pgdat_pa = alloc_store(P->size_pglist, "pglist_data");
	G.nr_roots = (1ULL << (G.maxphys - SECTION_SIZE_BITS)) / (PAGE_SIZE / 32);
	G.ms_root_pa = alloc_store(G.nr_roots * 8, "mem_section roots");
	G.usage_pa = alloc_store((u64)G.nsec * 32, "mem_section_usage");
	u64 last = ~0ULL;
	for (int i = 0; i < G.nsec; i++) {
		u64 root = G.sec[i].nr / (PAGE_SIZE / 32);
		if (root != last) {
			u64 pa = alloc_store(PAGE_SIZE, "mem_section");
			pwrite_store(G.ms_root_pa + root * 8, &(u64){ dmap(pa) }, 8);
			last = root;
		}
	}
	if (G.npm)
		G.pm[0].pgmap_va = dmap(alloc_store(PAGE_SIZE, "dev_pagemap"));
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	parse_args(argc, argv);
	profile_setup(&G.P, G.profile_name);
	if (!G.osrelease)
		G.osrelease = P->osrelease;
	if (G.five && !P->has_l5)
		die("profile %s has no 5-level paging support", P->name);
	G.maxphys = G.five ? 52 : 46;
	if (is_a64())
		a64_configure();
	if (G.sme_bit >= 0) {
		if (!P->has_sme)
			die("profile %s does not export sme_mask", P->name);
		if (G.sme_bit < 34 || G.sme_bit > 51)
			die("--sme-mask BIT must be 34..51");
		G.sme = 1ULL << G.sme_bit;
	}
	struct rng kr = { G.kaslr_seed * 0x2545f4914f6cdd1dULL + 7 };
	struct rng mr = { G.seed * 0x9e3779b97f4a7c15ULL + 3 };
	for (int i = 0; i < 40; i++)
		G.build_id[i] = "0123456789abcdef"[hash64(i, G.seed ^ P->ver) & 15];

	if (is_a64())
		a64_layout_ram();
	else
		layout_ram();
	for (int i = 0; i < G.npm; i++)
		pmem_compute(&G.pm[i], &mr);
	for (int i = 0; i < G.npm; i++)
		for (int j = i + 1; j < G.npm; j++)
			if (G.pm[i].start < G.pm[j].start + G.pm[j].size && G.pm[j].start < G.pm[i].start + G.pm[i].size)
				die("--pmem namespaces overlap");
	if (is_a64()) {
		a64_place(&kr);
		a64_randomize(&kr);
	} else {
		place_crashkernel_and_image(&kr);
		randomize_memory(&kr);
	}
	build_sections();

	for (int i = 0; i < G.e820.n; i++)
		rv_add(&G.freeram, G.e820.v[i].s, G.e820.v[i].e);
	if (is_a64()) {
		/* the DTB below the image, the initrd and friends at the top */
		rv_subtract(&G.freeram, A64_RAM_BASE, G.img_pa);
		u64 top = G.e820.v[G.e820.n - 1].e;
		rv_subtract(&G.freeram, top - MIN(top, 2 * SZ_1M), top);
	} else {
		rv_subtract(&G.freeram, 0, 16 * SZ_1M);
	}
	rv_subtract(&G.freeram, G.img_pa, G.img_pa + G.img_size);
	if (G.ck_e)
		rv_subtract(&G.freeram, G.ck_s, G.ck_e);
	/* keep the ACPI-like tail reserved */
	if (!is_a64())
		rv_subtract(&G.freeram, ALIGN_DOWN(G.lowmem - 0x24000, PAGE_SIZE), G.lowmem);

	allocate_memmaps();
	alloc_kernel_structs();
	if (is_a64())
		a64_build_page_tables();
	else
		build_page_tables();
	assign_classes(&mr);

	build_uts();
	build_pgdat();
	build_mem_section();
	build_pmem_structs();
	load_dmesg();
	build_printk();
	load_elf_sections();
	build_vmcoreinfo();
	build_loads();
	compute_max_mapnr();
	build_notes();
	layout_file();
	build_corpus();

	G.fd = open(G.out, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (G.fd < 0)
		die("cannot create %s: %s", G.out, strerror(errno));
	if (ftruncate(G.fd, (off_t)G.file_size))
		die("ftruncate %s: %s", G.out, strerror(errno));
	write_headers();
	write_contents();
	write_memmaps();
	if (G.truncate >= 0 && ftruncate(G.fd, (off_t)G.truncate))
		die("ftruncate %s: %s", G.out, strerror(errno));
	if (close(G.fd))
		die("close %s: %s", G.out, strerror(errno));
	write_manifest();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	info("%s: profile %s, layout %s, %" PRIu64 " MiB RAM, %d PT_LOADs, file %" PRIu64 " bytes, %" PRIu64
	     " written, %.2fs", G.out, P->name, layout_names[G.layout], G.ram >> 20, G.nloads, G.file_size,
	     G.bytes_written, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
