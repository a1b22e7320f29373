/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page classification from a struct page, per kernel generation, following
 * the dump-level rules makedumpfile applies (FILTERING.md §3): the rules
 * are tried in a fixed order and the first that the dump level enables and
 * that matches decides.
 */
#ifndef MDF_CLASSIFY_PAGE_CLASS_H
#define MDF_CLASSIFY_PAGE_CLASS_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct printer;
struct vmcoreinfo;

/* Dump-level bits (-d). */
enum {
	DL_EXCLUDE_ZERO = 1,
	DL_EXCLUDE_CACHE = 2,
	DL_EXCLUDE_CACHE_PRI = 4,
	DL_EXCLUDE_USER_DATA = 8,
	DL_EXCLUDE_FREE = 16,
	DL_MAX = 31,
};

enum page_class {
	PC_KEEP = 0,
	PC_TAIL,		/* compound tail: decided with its head */
	PC_FREE,
	PC_CACHE,
	PC_CACHE_PRIVATE,
	PC_USER,
	PC_HWPOISON,
	PC_OFFLINE,
	PC_PMEM_DATA,		/* set by the device-vmemmap filter, not here */
	PC_NR,
};

enum compound_order_source {
	ORDER_NONE,		/* order unknown: compound pages count as one */
	ORDER_FIELD,		/* page[1] + offset, u8 (4.16+) or u16 */
	ORDER_FLAGS1,		/* low byte of page[1].flags (6.6+) */
};

enum hugetlb_test {
	HUGETLB_NONE,
	HUGETLB_DTOR,		/* page[1] destructor id == HUGETLB_PAGE_DTOR */
	HUGETLB_FLAG,		/* PG_hugetlb in page[1].flags (6.6-6.8) */
	HUGETLB_TYPE,		/* head _mapcount == PAGE_HUGETLB_MAPCOUNT_VALUE */
};

struct page_classifier {
	uint32_t sz_page;
	uint32_t off_flags, off_mapping, off_mapcount, off_private;
	uint32_t off_compound_head;
	bool have_mapcount, have_private, have_compound_head;

	/* flag masks, already reduced the way makedumpfile's test_bit does */
	uint64_t m_lru, m_private, m_swapcache, m_swapbacked, m_slab;
	uint64_t m_hwpoison, m_buddy, m_hugetlb;
	uint64_t head_mask;
	bool have_swapbacked, have_slab_flag, have_hwpoison, have_buddy_flag;

	/* page_type values compared with the 32-bit _mapcount */
	bool have_buddy_type, have_offline, have_slab_type, have_unaccepted;
	int32_t buddy_type, offline_type, slab_type, unaccepted_type;
	int32_t hugetlb_type;

	enum compound_order_source order_src;
	uint32_t off_order;		/* relative to page[1] */
	unsigned int order_width;	/* 1 or 2 bytes */
	enum hugetlb_test hugetlb;
	uint32_t off_dtor;		/* relative to page[1] */
	unsigned int dtor_width;	/* 1, 2 or 8 bytes */
	uint64_t hugetlb_dtor;

	uint64_t free_area_len;		/* LENGTH(zone.free_area), 0 if unknown */
	bool buddy_usable;		/* free pages found by struct page */
};

struct error *classifier_init(struct page_classifier *c,
			      const struct vmcoreinfo *vi, uint32_t kver,
			      struct printer *pr);

struct page_verdict {
	enum page_class cls;
	uint64_t nr_pages;	/* pfns from this one that the verdict covers */
	bool bad_order;		/* a buddy order beyond the zone's orders */
};

/*
 * Classify the struct page @sp of @pfn under @dump_level.  @next is the
 * following struct page when the caller holds it (needed for compound
 * heads), NULL otherwise.
 */
void classify_page(const struct page_classifier *c, unsigned int dump_level,
		   const uint8_t *sp, const uint8_t *next, uint64_t pfn,
		   struct page_verdict *v);

/* Which -d bit excludes a class; 0 for classes excluded at every level. */
unsigned int class_dump_level_bit(enum page_class cls);

#endif
