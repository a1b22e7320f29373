// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * classify/page_class: verdicts and excluded page counts for hand-made
 * 64-byte struct pages, for each kernel generation's VMCOREINFO keys, at
 * several dump levels, following FILTERING.md §3: rules in order, first
 * match wins (tail, free, unaccepted, cache w/o private, cache, user,
 * hwpoison, offline), compound heads cover 1 << order pfns, and order and
 * hugetlb-ness come from page[1] except for the last entry of a 512-page
 * read batch (pfn % 512 == 511).
 */
#include "unit.h"

#include "classify/page_class.h"
#include "kernel/kernel.h"
#include "kernel/vmcoreinfo.h"
#include "lib/error.h"

#define COMMON \
	"SIZE(page)=64\n" \
	"OFFSET(page.flags)=0\n" \
	"OFFSET(page._refcount)=52\n" \
	"OFFSET(page.mapping)=24\n" \
	"OFFSET(page.lru)=8\n" \
	"OFFSET(page._mapcount)=48\n" \
	"OFFSET(page.private)=40\n" \
	"OFFSET(page.compound_head)=8\n" \
	"LENGTH(zone.free_area)=11\n"

/* 6.1 (Debian bookworm), values from the real fixture. */
#define V61_FLAGS \
	"NUMBER(PG_lru)=4\n" \
	"NUMBER(PG_private)=13\n" \
	"NUMBER(PG_swapcache)=10\n" \
	"NUMBER(PG_swapbacked)=19\n" \
	"NUMBER(PG_slab)=9\n" \
	"NUMBER(PG_hwpoison)=23\n" \
	"NUMBER(PG_head_mask)=65536\n" \
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n" \
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"

/* 6.12 (Debian trixie), values from the real fixture. */
#define V612_FLAGS \
	"NUMBER(PG_lru)=5\n" \
	"NUMBER(PG_private)=14\n" \
	"NUMBER(PG_swapcache)=10\n" \
	"NUMBER(PG_swapbacked)=17\n" \
	"NUMBER(PG_hwpoison)=20\n" \
	"NUMBER(PG_head_mask)=64\n" \
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n" \
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-251658240\n" \
	"NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-201326592\n" \
	"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\n"

enum huge_kind { HK_DTOR, HK_FLAG, HK_TYPE };

struct gen {
	const char *name;
	uint32_t kver;
	const char *vmcoreinfo;
	int lru, priv, swapcache, swapbacked, slab, hwpoison;	/* bit numbers, -1 absent */
	uint64_t head_mask;
	uint32_t buddy, offline;	/* _mapcount values */
	bool slab_type;
	uint32_t slab_value;
	enum huge_kind huge;
	uint32_t huge_value;		/* HK_TYPE: _mapcount; HK_FLAG: bit number */
	unsigned int off_order, off_dtor, width;	/* HK_DTOR: page[1] offsets */
};

static const struct gen g49 = {
	"4.9", KERNEL_VERSION(4, 9, 0),
	COMMON
	"NUMBER(PG_lru)=5\n"
	"NUMBER(PG_private)=11\n"
	"NUMBER(PG_swapcache)=15\n"
	"NUMBER(PG_slab)=7\n"
	"NUMBER(PG_hwpoison)=22\n"
	"NUMBER(PG_head_mask)=16384\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-128\n"
	"NUMBER(HUGETLB_PAGE_DTOR)=2\n"
	"OFFSET(page.compound_dtor)=16\n"
	"OFFSET(page.compound_order)=18\n",
	5, 11, 15, -1, 7, 22, 1u << 14, (uint32_t)-128, 0, false, 0,
	HK_DTOR, 2, 18, 16, 2,
};

static const struct gen g61 = {
	"6.1", KERNEL_VERSION(6, 1, 0),
	COMMON V61_FLAGS
	"NUMBER(HUGETLB_PAGE_DTOR)=2\n"
	"OFFSET(page.compound_dtor)=16\n"
	"OFFSET(page.compound_order)=17\n",
	4, 13, 10, 19, 9, 23, 1u << 16, (uint32_t)-129, (uint32_t)-257, false, 0,
	HK_DTOR, 2, 17, 16, 1,
};

/* 6.3-6.5: order/dtor named through struct folio, offsets from the folio. */
static const struct gen g64 = {
	"6.4", KERNEL_VERSION(6, 4, 0),
	COMMON V61_FLAGS
	"NUMBER(HUGETLB_PAGE_DTOR)=2\n"
	"OFFSET(folio._folio_dtor)=80\n"
	"OFFSET(folio._folio_order)=81\n",
	4, 13, 10, 19, 9, 23, 1u << 16, (uint32_t)-129, (uint32_t)-257, false, 0,
	HK_DTOR, 2, 17, 16, 1,
};

/* 6.6-6.8: PG_hugetlb in page[1].flags, order in its low byte. */
static const struct gen g66 = {
	"6.6", KERNEL_VERSION(6, 6, 0),
	COMMON V61_FLAGS
	"NUMBER(PG_hugetlb)=8\n",	/* PG_active: bits 0-7 of page[1] hold the order */
	4, 13, 10, 19, 9, 23, 1u << 16, (uint32_t)-129, (uint32_t)-257, false, 0,
	HK_FLAG, 8, 0, 0, 0,
};

/* 6.9: hugetlb is a page type (inverted-bit encoding), slab still a flag. */
static const struct gen g69 = {
	"6.9", KERNEL_VERSION(6, 9, 0),
	COMMON V61_FLAGS
	"NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-2049\n",
	4, 13, 10, 19, 9, 23, 1u << 16, (uint32_t)-129, (uint32_t)-257, false, 0,
	HK_TYPE, (uint32_t)-2049, 0, 0, 0,
};

/* 6.10: slab becomes a page type too; no PG_slab any more. */
static const struct gen g610 = {
	"6.10", KERNEL_VERSION(6, 10, 0),
	COMMON
	"NUMBER(PG_lru)=4\n"
	"NUMBER(PG_private)=13\n"
	"NUMBER(PG_swapcache)=10\n"
	"NUMBER(PG_swapbacked)=19\n"
	"NUMBER(PG_hwpoison)=23\n"
	"NUMBER(PG_head_mask)=64\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
	"NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-2049\n"
	"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-4097\n",
	4, 13, 10, 19, -1, 23, 64, (uint32_t)-129, (uint32_t)-257, true, (uint32_t)-4097,
	HK_TYPE, (uint32_t)-2049, 0, 0, 0,
};

static const struct gen g612 = {
	"6.12", KERNEL_VERSION(6, 12, 0),
	COMMON V612_FLAGS,
	5, 14, 10, 17, -1, 20, 64, 0xf0000000u, 0xf1000000u, true, 0xf5000000u,
	HK_TYPE, 0xf4000000u, 0, 0, 0,
};

static const struct gen g616 = {
	"6.16", KERNEL_VERSION(6, 16, 0),
	COMMON V612_FLAGS
	"NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)=-150994944\n",
	5, 14, 10, 17, -1, 20, 64, 0xf0000000u, 0xf1000000u, true, 0xf5000000u,
	HK_TYPE, 0xf4000000u, 0, 0, 0,
};

static const struct gen *const all_gens[] = { &g49, &g61, &g64, &g66, &g69, &g610, &g612, &g616 };
#define FOR_EACH_GEN(g) \
	for (size_t gi_ = 0; gi_ < ARRAY_LEN(all_gens) && ((g) = all_gens[gi_], 1); gi_++)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Two consecutive struct pages: page[0] and page[1]. */
struct pages {
	uint8_t p[2][64];
};

static void put64(uint8_t *p, unsigned int off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static void put32(uint8_t *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

#define VMEMMAP 0xffffea0000000000ull

/* A plain in-use page: refcount 1, _mapcount -1 (no type, not mapped). */
static void init_pages(struct pages *pg, uint64_t pfn)
{
	memset(pg, 0, sizeof(*pg));
	for (int i = 0; i < 2; i++) {
		put32(pg->p[i], 48, 0xffffffffu);
		put32(pg->p[i], 52, 1);
		/* list_head pointing at itself, i.e. an even compound_head word */
		put64(pg->p[i], 8, VMEMMAP + (pfn + i) * 64 + 8);
	}
}

static uint64_t bit(int nr)
{
	return nr < 0 ? 0 : 1ull << nr;
}

static void set_flags(struct pages *pg, uint64_t flags)
{
	put64(pg->p[0], 0, flags);
}

static void set_mapping(struct pages *pg, uint64_t m)
{
	put64(pg->p[0], 24, m);
}

static void set_mapcount(struct pages *pg, uint32_t v)
{
	put32(pg->p[0], 48, v);
}

static void set_private(struct pages *pg, uint64_t v)
{
	put64(pg->p[0], 40, v);
}

/* Make page[0] a compound head of @order (hugetlb or not), page[1] its tail. */
static void make_head(const struct gen *g, struct pages *pg, uint64_t pfn,
		      unsigned int order, bool hugetlb)
{
	uint64_t f = 0;

	memcpy(&f, pg->p[0], 8);
	set_flags(pg, f | g->head_mask);
	put64(pg->p[1], 8, (VMEMMAP + pfn * 64) | 1);	/* tail -> head */
	switch (g->huge) {
	case HK_DTOR:
		if (g->width == 1) {
			pg->p[1][g->off_order] = (uint8_t)order;
			pg->p[1][g->off_dtor] = hugetlb ? (uint8_t)g->huge_value : 1;
		} else {
			uint16_t o = (uint16_t)order, d = hugetlb ? (uint16_t)g->huge_value : 1;

			memcpy(pg->p[1] + g->off_order, &o, 2);
			memcpy(pg->p[1] + g->off_dtor, &d, 2);
		}
		break;
	case HK_FLAG:
		put64(pg->p[1], 0, (hugetlb ? bit((int)g->huge_value) : 0) | order);
		break;
	case HK_TYPE:
		put64(pg->p[1], 0, order);
		if (hugetlb)
			set_mapcount(pg, g->huge_value);
		break;
	}
}

static bool init_classifier(const struct gen *g, struct page_classifier *c)
{
	struct vmcoreinfo *vi = NULL;
	struct error *err = vmcoreinfo_parse(g->vmcoreinfo, strlen(g->vmcoreinfo), &vi);

	if (!err)
		err = classifier_init(c, vi, g->kver, NULL);
	vmcoreinfo_free(vi);
	if (err) {
		unit_fail(__FILE__, __LINE__, "%s: classifier_init: %s", g->name, err->msg);
		error_free(err);
		return false;
	}
	return true;
}

static const char *cls_name(enum page_class c)
{
	static const char *const n[] = { "KEEP", "TAIL", "FREE", "CACHE", "CACHE_PRIVATE",
					 "USER", "HWPOISON", "OFFLINE", "PMEM_DATA" };
	return c < PC_NR ? n[c] : "?";
}

/* Check one verdict: class and number of pfns covered. */
#define EXPECT(g, level, pg, next, pfn, want_cls, want_nr)                          \
	do {                                                                        \
		struct page_classifier c_;                                          \
		struct page_verdict v_;                                             \
		if (!init_classifier((g), &c_))                                     \
			break;                                                      \
		classify_page(&c_, (level), (pg)->p[0], (next) ? (pg)->p[1] : NULL, \
			      (pfn), &v_);                                          \
		if (v_.cls != (want_cls) || v_.nr_pages != (uint64_t)(want_nr))      \
			unit_fail(__FILE__, __LINE__,                               \
				  "%s -d %u pfn %#llx: got %s x%llu, expected %s x%llu", \
				  (g)->name, (unsigned)(level), (unsigned long long)(pfn), \
				  cls_name(v_.cls), (unsigned long long)v_.nr_pages,   \
				  cls_name(want_cls), (unsigned long long)(want_nr));  \
	} while (0)

#define FILE_MAPPING 0xffff888003a1c000ull	/* an address_space: even */
#define ANON_MAPPING (0xffff888004b2d000ull | 1)	/* anon_vma | PAGE_MAPPING_ANON */
#define KSM_MAPPING (0xffff888004b2d000ull | 3)

TEST(tail_pages_are_decided_with_their_head)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x1001);
		/* a tail that otherwise looks free, anon and poisoned */
		put64(pg.p[0], 8, (VMEMMAP + 0x1000 * 64) | 1);
		set_mapcount(&pg, g->buddy);
		set_mapping(&pg, ANON_MAPPING);
		set_flags(&pg, bit(g->hwpoison) | bit(g->lru));
		for (unsigned lvl = 0; lvl <= 31; lvl += 31)
			EXPECT(g, lvl, &pg, true, 0x1001, PC_TAIL, 1);
	}
}

TEST(buddy_free_blocks_with_orders)
{
	static const unsigned int orders[] = { 0, 1, 3, 9, 10 };
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		for (size_t i = 0; i < ARRAY_LEN(orders); i++) {
			init_pages(&pg, 0x4000);
			set_mapcount(&pg, g->buddy);
			set_private(&pg, orders[i]);
			EXPECT(g, 16, &pg, true, 0x4000, PC_FREE, 1ull << orders[i]);
			EXPECT(g, 31, &pg, true, 0x4000, PC_FREE, 1ull << orders[i]);
			EXPECT(g, 15, &pg, true, 0x4000, PC_KEEP, 1);
			EXPECT(g, 0, &pg, true, 0x4000, PC_KEEP, 1);
		}
	}
}

TEST(buddy_order_beyond_free_area_is_kept)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		struct page_classifier c;
		struct page_verdict v;

		init_pages(&pg, 0x4000);
		set_mapcount(&pg, g->buddy);
		set_private(&pg, 11);	/* == LENGTH(zone.free_area) */
		if (!init_classifier(g, &c))
			continue;
		classify_page(&c, 31, pg.p[0], pg.p[1], 0x4000, &v);
		CHECK_MSG(v.cls == PC_KEEP && v.bad_order && v.nr_pages == 1,
			  "%s: order 11 gave %s x%llu bad_order=%d", g->name, cls_name(v.cls),
			  (unsigned long long)v.nr_pages, v.bad_order);
		set_private(&pg, 0xffff888000000000ull);	/* garbage */
		classify_page(&c, 31, pg.p[0], pg.p[1], 0x4000, &v);
		CHECK_MSG(v.cls == PC_KEEP && v.bad_order, "%s: garbage order not rejected", g->name);
	}
}

TEST(buddy_value_on_a_slab_page_is_not_free)
{
	struct pages pg;

	/* PG_slab kernels: a slab page whose _mapcount word happens to hold
	 * the buddy value is not free (FILTERING.md §3.4). */
	init_pages(&pg, 0x4000);
	set_flags(&pg, bit(g61.slab));
	set_mapcount(&pg, g61.buddy);
	set_private(&pg, 3);
	EXPECT(&g61, 31, &pg, true, 0x4000, PC_KEEP, 1);
	EXPECT(&g69, 31, &pg, true, 0x4000, PC_KEEP, 1);
}

TEST(free_rule_comes_before_cache)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x2000);
		set_flags(&pg, bit(g->lru));
		set_mapping(&pg, FILE_MAPPING);
		set_mapcount(&pg, g->buddy);
		set_private(&pg, 2);
		EXPECT(g, 18, &pg, true, 0x2000, PC_FREE, 4);
		EXPECT(g, 2, &pg, true, 0x2000, PC_CACHE, 1);
	}
}

TEST(lru_page_cache)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x3000);
		set_flags(&pg, bit(g->lru));
		set_mapping(&pg, FILE_MAPPING);
		EXPECT(g, 0, &pg, true, 0x3000, PC_KEEP, 1);
		EXPECT(g, 1, &pg, true, 0x3000, PC_KEEP, 1);
		EXPECT(g, 2, &pg, true, 0x3000, PC_CACHE, 1);
		EXPECT(g, 4, &pg, true, 0x3000, PC_CACHE, 1);
		EXPECT(g, 8, &pg, true, 0x3000, PC_KEEP, 1);
		EXPECT(g, 16, &pg, true, 0x3000, PC_KEEP, 1);
		EXPECT(g, 31, &pg, true, 0x3000, PC_CACHE, 1);
	}
}

TEST(private_page_cache)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x3000);
		set_flags(&pg, bit(g->lru) | bit(g->priv));
		set_mapping(&pg, FILE_MAPPING);
		EXPECT(g, 2, &pg, true, 0x3000, PC_KEEP, 1);
		EXPECT(g, 4, &pg, true, 0x3000, PC_CACHE_PRIVATE, 1);
		EXPECT(g, 6, &pg, true, 0x3000, PC_CACHE_PRIVATE, 1);
		EXPECT(g, 31, &pg, true, 0x3000, PC_CACHE_PRIVATE, 1);
		EXPECT(g, 8, &pg, true, 0x3000, PC_KEEP, 1);
	}
}

TEST(swapcache_needs_swapbacked)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		/* shmem page in the swap cache: swap-backed page cache */
		init_pages(&pg, 0x3000);
		set_flags(&pg, bit(g->swapcache) | bit(g->swapbacked));
		set_mapping(&pg, FILE_MAPPING);
		EXPECT(g, 2, &pg, true, 0x3000, PC_CACHE, 1);

		/* PG_owner_priv_1 (same bit, e.g. ext4 "checked") without
		 * PG_swapbacked: not a cache page where PG_swapbacked is known */
		init_pages(&pg, 0x3000);
		set_flags(&pg, bit(g->swapcache));
		set_mapping(&pg, FILE_MAPPING);
		if (g->swapbacked < 0)
			EXPECT(g, 31, &pg, true, 0x3000, PC_CACHE, 1);
		else
			EXPECT(g, 31, &pg, true, 0x3000, PC_KEEP, 1);

		/* anonymous page in the swap cache: user data, not cache */
		init_pages(&pg, 0x3000);
		set_flags(&pg, bit(g->swapcache) | bit(g->swapbacked));
		set_mapping(&pg, ANON_MAPPING);
		EXPECT(g, 2, &pg, true, 0x3000, PC_KEEP, 1);
		EXPECT(g, 6, &pg, true, 0x3000, PC_KEEP, 1);
		EXPECT(g, 8, &pg, true, 0x3000, PC_USER, 1);
		EXPECT(g, 31, &pg, true, 0x3000, PC_USER, 1);
	}
}

TEST(anonymous_and_ksm_pages)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x5000);
		set_flags(&pg, bit(g->lru) | bit(g->swapbacked));
		set_mapping(&pg, ANON_MAPPING);
		EXPECT(g, 2, &pg, true, 0x5000, PC_KEEP, 1);	/* anon is not cache */
		EXPECT(g, 7, &pg, true, 0x5000, PC_KEEP, 1);
		EXPECT(g, 8, &pg, true, 0x5000, PC_USER, 1);
		EXPECT(g, 31, &pg, true, 0x5000, PC_USER, 1);

		set_mapping(&pg, KSM_MAPPING);	/* mapping & 3 == 3 */
		EXPECT(g, 8, &pg, true, 0x5000, PC_USER, 1);
		EXPECT(g, 2, &pg, true, 0x5000, PC_KEEP, 1);
	}
}

TEST(slab_with_odd_mapping_is_kernel_data)
{
	const struct gen *g;
	struct pages pg;

	/* slab.slabs overlays page.mapping since 6.2: an odd value there is not
	 * PAGE_MAPPING_ANON.  Debian's 1.7.2 gets this wrong on 6.10+. */
	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x6000);
		set_mapping(&pg, 0x25);	/* odd "slabs" counter */
		if (g->slab_type)
			set_mapcount(&pg, g->slab_value);
		else
			set_flags(&pg, bit(g->slab));
		EXPECT(g, 31, &pg, true, 0x6000, PC_KEEP, 1);
		EXPECT(g, 8, &pg, true, 0x6000, PC_KEEP, 1);
	}
}

TEST(slab_compound_head_on_page_type_kernels)
{
	struct pages pg;

	/* 6.12: the slab type sits on the head page only; order in page[1] */
	init_pages(&pg, 0x6000);
	set_mapping(&pg, 0x7);
	set_mapcount(&pg, g612.slab_value);
	make_head(&g612, &pg, 0x6000, 2, false);
	EXPECT(&g612, 31, &pg, true, 0x6000, PC_KEEP, 1);
}

TEST(missing_pg_slab_key_skips_the_flag_test)
{
	struct pages pg;

	/* 6.10+: no NUMBER(PG_slab).  A flags word with bit 63 set (top node
	 * bits) and an anonymous mapping is user data, not slab. */
	init_pages(&pg, 0x6000);
	set_flags(&pg, 1ull << 63);
	set_mapping(&pg, ANON_MAPPING);
	EXPECT(&g612, 8, &pg, true, 0x6000, PC_USER, 1);
	EXPECT(&g610, 8, &pg, true, 0x6000, PC_USER, 1);
}

TEST(hugetlb_per_generation)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		/* a 2 MiB hugetlb folio at pfn 0x600 */
		init_pages(&pg, 0x600);
		set_mapping(&pg, FILE_MAPPING);	/* hugetlbfs address_space */
		make_head(g, &pg, 0x600, 9, true);
		EXPECT(g, 8, &pg, true, 0x600, PC_USER, 512);
		EXPECT(g, 31, &pg, true, 0x600, PC_USER, 512);
		EXPECT(g, 7, &pg, true, 0x600, PC_KEEP, 1);
		EXPECT(g, 0, &pg, true, 0x600, PC_KEEP, 1);

		/* the same compound page without the hugetlb marker: kernel data */
		init_pages(&pg, 0x600);
		set_mapping(&pg, FILE_MAPPING);
		make_head(g, &pg, 0x600, 9, false);
		EXPECT(g, 31, &pg, true, 0x600, PC_KEEP, 1);
	}
}

TEST(compound_heads_cover_their_folio)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		/* anonymous THP */
		init_pages(&pg, 0x800);
		set_flags(&pg, bit(g->lru) | bit(g->swapbacked));
		set_mapping(&pg, ANON_MAPPING);
		make_head(g, &pg, 0x800, 9, false);
		EXPECT(g, 8, &pg, true, 0x800, PC_USER, 512);
		EXPECT(g, 2, &pg, true, 0x800, PC_KEEP, 1);

		/* large page-cache folio of order 2 */
		init_pages(&pg, 0x804);
		set_flags(&pg, bit(g->lru));
		set_mapping(&pg, FILE_MAPPING);
		make_head(g, &pg, 0x804, 2, false);
		EXPECT(g, 2, &pg, true, 0x804, PC_CACHE, 4);

		/* a head not aligned to its order: order ignored */
		init_pages(&pg, 0x806);
		set_flags(&pg, bit(g->lru));
		set_mapping(&pg, FILE_MAPPING);
		make_head(g, &pg, 0x806, 2, false);
		EXPECT(g, 2, &pg, true, 0x806, PC_CACHE, 1);

		/* caller without page[1]: order unknown, one page */
		init_pages(&pg, 0x804);
		set_flags(&pg, bit(g->lru));
		set_mapping(&pg, FILE_MAPPING);
		make_head(g, &pg, 0x804, 2, false);
		EXPECT(g, 2, &pg, false, 0x804, PC_CACHE, 1);
	}
}

TEST(head_in_last_slot_of_512_batch)
{
	const struct gen *g;
	struct pages pg;

	/* makedumpfile reads struct pages 512 at a time and does not look at
	 * page[1] for the last one: order 0 and no hugetlb marker there. */
	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x9fe);
		set_mapping(&pg, FILE_MAPPING);
		make_head(g, &pg, 0x9fe, 1, true);
		EXPECT(g, 31, &pg, true, 0x9fe, PC_USER, 2);	/* pfn % 512 == 510 */

		init_pages(&pg, 0x9ff);
		set_mapping(&pg, FILE_MAPPING);
		make_head(g, &pg, 0x9ff, 0, true);
		EXPECT(g, 31, &pg, true, 0x9ff, PC_KEEP, 1);	/* pfn % 512 == 511 */

		/* anonymous heads are still user data there, as one page */
		init_pages(&pg, 0x1ff);
		set_mapping(&pg, ANON_MAPPING);
		make_head(g, &pg, 0x1ff, 1, false);
		EXPECT(g, 8, &pg, true, 0x1ff, PC_USER, 1);
	}
}

TEST(hwpoison_is_excluded_at_every_level)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		init_pages(&pg, 0x7000);
		set_flags(&pg, bit(g->hwpoison));
		EXPECT(g, 0, &pg, true, 0x7000, PC_HWPOISON, 1);
		EXPECT(g, 31, &pg, true, 0x7000, PC_HWPOISON, 1);
		/* rule order: a poisoned cache page is counted as cache at -d 2 */
		set_flags(&pg, bit(g->hwpoison) | bit(g->lru));
		set_mapping(&pg, FILE_MAPPING);
		EXPECT(g, 2, &pg, true, 0x7000, PC_CACHE, 1);
		EXPECT(g, 1, &pg, true, 0x7000, PC_HWPOISON, 1);
	}
}

TEST(offline_is_excluded_at_every_level)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		if (!g->offline)
			continue;	/* 4.9 has no PageOffline */
		init_pages(&pg, 0x7100);
		set_mapcount(&pg, g->offline);
		EXPECT(g, 0, &pg, true, 0x7100, PC_OFFLINE, 1);
		EXPECT(g, 31, &pg, true, 0x7100, PC_OFFLINE, 1);
		if (g->slab >= 0) {
			/* not slab: a slab page is never "offline" */
			set_flags(&pg, bit(g->slab));
			EXPECT(g, 31, &pg, true, 0x7100, PC_KEEP, 1);
		}
	}
	/* no offline key: nothing is offline (4.9) */
	init_pages(&pg, 0x7100);
	set_mapcount(&pg, (uint32_t)-257);
	EXPECT(&g49, 31, &pg, true, 0x7100, PC_KEEP, 1);
}

TEST(unaccepted_memory_6_16)
{
	struct pages pg;

	init_pages(&pg, 0x8000);
	set_mapcount(&pg, 0xf7000000u);
	EXPECT(&g616, 16, &pg, true, 0x8000, PC_FREE, 1024);
	EXPECT(&g616, 15, &pg, true, 0x8000, PC_KEEP, 1);
	/* 6.12 does not export the value: the page is kept */
	EXPECT(&g612, 31, &pg, true, 0x8000, PC_KEEP, 1);
}

TEST(kernel_pages_are_kept)
{
	const struct gen *g;
	struct pages pg;

	FOR_EACH_GEN(g) {
		/* reserved page: PG_reserved is not among the rules */
		init_pages(&pg, 0x100);
		set_flags(&pg, 1ull << 12);
		EXPECT(g, 31, &pg, true, 0x100, PC_KEEP, 1);
		/* zeroed struct page (never initialised) */
		memset(&pg, 0, sizeof(pg));
		EXPECT(g, 31, &pg, true, 0x100, PC_KEEP, 1);
	}
}

TEST(flag_bit_numbers_are_taken_modulo_32)
{
	static const char vi[] = COMMON
		"NUMBER(PG_lru)=36\n"	/* makedumpfile tests 1 << (36 & 31) */
		"NUMBER(PG_private)=13\n"
		"NUMBER(PG_head_mask)=65536\n";
	const struct gen g = { "lru36", KERNEL_VERSION(6, 1, 0), vi,
			       4, 13, -1, -1, -1, -1, 1u << 16, 0, 0, false, 0,
			       HK_DTOR, 0, 17, 16, 1 };
	struct pages pg;

	init_pages(&pg, 0x3000);
	set_flags(&pg, 1ull << 4);
	set_mapping(&pg, FILE_MAPPING);
	EXPECT(&g, 2, &pg, true, 0x3000, PC_CACHE, 1);
}

TEST(no_buddy_keys_no_struct_page_free_test)
{
	static const char vi[] = COMMON
		"NUMBER(PG_lru)=4\n"
		"NUMBER(PG_head_mask)=65536\n";
	const struct gen g = { "nobuddy", KERNEL_VERSION(6, 1, 0), vi,
			       4, -1, -1, -1, -1, -1, 1u << 16, 0, 0, false, 0,
			       HK_DTOR, 0, 17, 16, 1 };
	struct page_classifier c;
	struct pages pg;

	if (!init_classifier(&g, &c))
		return;
	CHECK(!c.buddy_usable);
	init_pages(&pg, 0x4000);
	set_mapcount(&pg, (uint32_t)-129);
	set_private(&pg, 3);
	EXPECT(&g, 31, &pg, true, 0x4000, PC_KEEP, 1);
}

TEST(classifier_init_rejects_unusable_vmcoreinfo)
{
	static const char *const bad[] = {
		"OFFSET(page.flags)=0\nOFFSET(page.mapping)=24\n",		/* no SIZE(page) */
		"SIZE(page)=16\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=8\n",	/* implausible */
		"SIZE(page)=64\nOFFSET(page.mapping)=24\n",			/* no flags */
		"SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page.mapping)=60\n",	/* beyond */
	};

	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct vmcoreinfo *vi = NULL;
		struct page_classifier c;
		struct error *err = vmcoreinfo_parse(bad[i], strlen(bad[i]), &vi);

		CHECK(err == NULL);
		if (err) {
			error_free(err);
			continue;
		}
		err = classifier_init(&c, vi, KERNEL_VERSION(6, 1, 0), NULL);
		CHECK_MSG(err != NULL, "case %zu accepted", i);
		if (err)
			CHECK_EQ(err->code, ERR_FORMAT);
		error_free(err);
		vmcoreinfo_free(vi);
	}
}

TEST(class_dump_level_bits)
{
	CHECK_EQ(class_dump_level_bit(PC_FREE), DL_EXCLUDE_FREE);
	CHECK_EQ(class_dump_level_bit(PC_CACHE), DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI);
	CHECK_EQ(class_dump_level_bit(PC_CACHE_PRIVATE), DL_EXCLUDE_CACHE_PRI);
	CHECK_EQ(class_dump_level_bit(PC_USER), DL_EXCLUDE_USER_DATA);
	CHECK_EQ(class_dump_level_bit(PC_PMEM_DATA), DL_EXCLUDE_USER_DATA);
	CHECK_EQ(class_dump_level_bit(PC_HWPOISON), 0);
	CHECK_EQ(class_dump_level_bit(PC_OFFLINE), 0);
	CHECK_EQ(class_dump_level_bit(PC_KEEP), 0);
}
