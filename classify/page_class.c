// SPDX-License-Identifier: GPL-2.0-or-later
#include "page_class.h"
#include "../kernel/kernel.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <string.h>

#define PAGE_MAPPING_ANON 1ull
/* Orders at or above this are not orders, whatever a page claims. */
#define MAX_SANE_ORDER 63

/*
 * makedumpfile tests flag bits with a 32-bit int mask built from the bit
 * number modulo 32, sign-extended when compared with the flags word.
 * Reproducing it keeps the kept-page set identical on odd inputs.
 */
static uint64_t flag_mask(int64_t nr)
{
	int32_t m = (int32_t)(1u << (nr & 0x1f));

	return (uint64_t)(int64_t)m;
}

static bool number_mask(const struct vmcoreinfo *vi, const char *name,
			uint64_t *mask)
{
	int64_t n;

	if (!vi_number(vi, name, &n) || n < 0)
		return false;
	*mask = flag_mask(n);
	return true;
}

static bool number_i32(const struct vmcoreinfo *vi, const char *name,
		       int32_t *v)
{
	int64_t n;

	if (!vi_number(vi, name, &n))
		return false;
	*v = (int32_t)n;
	return true;
}

static bool offset_u32(const struct vmcoreinfo *vi, const char *name,
		       uint32_t *v)
{
	uint64_t o;

	if (!vi_offset(vi, name, &o) || o > 4096)
		return false;
	*v = (uint32_t)o;
	return true;
}

static void setup_compound(struct page_classifier *c,
			   const struct vmcoreinfo *vi, uint32_t kver)
{
	uint32_t fo, fd;
	int64_t n;

	c->hugetlb_dtor = 0;
	/* 6.9+: hugetlb is a page type, the order sits in page[1].flags. */
	if (number_i32(vi, "PAGE_HUGETLB_MAPCOUNT_VALUE", &c->hugetlb_type)) {
		c->order_src = ORDER_FLAGS1;
		c->hugetlb = HUGETLB_TYPE;
		return;
	}
	/* 6.6-6.8: PG_hugetlb in page[1].flags, order in its low byte. */
	if (number_mask(vi, "PG_hugetlb", &c->m_hugetlb)) {
		c->order_src = ORDER_FLAGS1;
		c->hugetlb = HUGETLB_FLAG;
		return;
	}
	c->order_width = kver >= KERNEL_VERSION(4, 16, 0) ? 1 : 2;
	if (offset_u32(vi, "folio._folio_order", &fo) && fo >= c->sz_page) {
		c->order_src = ORDER_FIELD;
		c->off_order = fo - c->sz_page;
	} else if (offset_u32(vi, "page.compound_order", &fo)) {
		c->order_src = ORDER_FIELD;
		c->off_order = fo;
	} else if (kver < KERNEL_VERSION(4, 4, 0)) {
		uint32_t lru, prev;

		if (offset_u32(vi, "page.lru", &lru) &&
		    offset_u32(vi, "list_head.prev", &prev)) {
			c->order_src = ORDER_FIELD;
			c->off_order = lru + prev;
		}
	}
	if (vi_number(vi, "HUGETLB_PAGE_DTOR", &n)) {
		c->hugetlb_dtor = (uint64_t)n;
		if (offset_u32(vi, "folio._folio_dtor", &fd) && fd >= c->sz_page) {
			c->hugetlb = HUGETLB_DTOR;
			c->off_dtor = fd - c->sz_page;
		} else if (offset_u32(vi, "page.compound_dtor", &fd)) {
			c->hugetlb = HUGETLB_DTOR;
			c->off_dtor = fd;
		}
		c->dtor_width = kver >= KERNEL_VERSION(4, 16, 0) ? 1 :
				kver >= KERNEL_VERSION(4, 4, 0) ? 2 : 8;
	}
}

struct error *classifier_init(struct page_classifier *c,
			      const struct vmcoreinfo *vi, uint32_t kver,
			      struct printer *pr)
{
	uint64_t v;
	int64_t n;

	memset(c, 0, sizeof(*c));
	if (!vi_size(vi, "page", &v) || v < 32 || v > 1024)
		return ERR(ERR_FORMAT, "VMCOREINFO lacks a plausible SIZE(page)");
	c->sz_page = (uint32_t)v;
	if (!offset_u32(vi, "page.flags", &c->off_flags) ||
	    !offset_u32(vi, "page.mapping", &c->off_mapping))
		return ERR(ERR_FORMAT,
			   "VMCOREINFO lacks OFFSET(page.flags) or OFFSET(page.mapping)");
	if (c->off_flags + 8 > c->sz_page || c->off_mapping + 8 > c->sz_page)
		return ERR(ERR_FORMAT, "struct page offsets exceed SIZE(page)");
	c->have_mapcount = offset_u32(vi, "page._mapcount", &c->off_mapcount) &&
			   c->off_mapcount + 4 <= c->sz_page;
	c->have_private = offset_u32(vi, "page.private", &c->off_private) &&
			  c->off_private + 8 <= c->sz_page;
	/* 7.1 renamed compound_head to compound_info; same meaning of bit 0. */
	c->have_compound_head =
		(offset_u32(vi, "page.compound_head", &c->off_compound_head) ||
		 offset_u32(vi, "page.compound_info", &c->off_compound_head)) &&
		c->off_compound_head + 8 <= c->sz_page;

	number_mask(vi, "PG_lru", &c->m_lru);
	number_mask(vi, "PG_private", &c->m_private);
	number_mask(vi, "PG_swapcache", &c->m_swapcache);
	c->have_swapbacked = number_mask(vi, "PG_swapbacked", &c->m_swapbacked);
	c->have_slab_flag = number_mask(vi, "PG_slab", &c->m_slab);
	c->have_hwpoison = number_mask(vi, "PG_hwpoison", &c->m_hwpoison);
	c->have_buddy_flag = number_mask(vi, "PG_buddy", &c->m_buddy);
	if (vi_number(vi, "PG_head_mask", &n))
		c->head_mask = (uint64_t)n;

	c->have_buddy_type = number_i32(vi, "PAGE_BUDDY_MAPCOUNT_VALUE",
					&c->buddy_type);
	c->have_offline = number_i32(vi, "PAGE_OFFLINE_MAPCOUNT_VALUE",
				     &c->offline_type);
	c->have_slab_type = number_i32(vi, "PAGE_SLAB_MAPCOUNT_VALUE",
				       &c->slab_type);
	c->have_unaccepted = number_i32(vi, "PAGE_UNACCEPTED_MAPCOUNT_VALUE",
					&c->unaccepted_type);
	if (vi_length(vi, "zone.free_area", &v) && v > 0 && v <= MAX_SANE_ORDER)
		c->free_area_len = v;

	/* Free pages are recognised from struct pages when the kernel says how. */
	if (c->have_private) {
		if (c->have_buddy_type)
			c->buddy_usable = c->have_mapcount;
		else if (c->have_buddy_flag)
			c->buddy_usable = true;
	}
	if (!c->have_mapcount) {
		c->have_buddy_type = c->have_offline = false;
		c->have_slab_type = c->have_unaccepted = false;
	}
	setup_compound(c, vi, kver);
	if (c->hugetlb == HUGETLB_TYPE && !c->have_mapcount)
		c->hugetlb = HUGETLB_NONE;
	if (!c->buddy_usable)
		msg_debug(pr, "No struct-page test for free pages in this kernel's "
			      "VMCOREINFO; free pages are not excluded.\n");
	return NULL;
}

static uint64_t width_load(const uint8_t *p, unsigned int width)
{
	switch (width) {
	case 1:
		return p[0];
	case 2:
		return load_le16(p);
	default:
		return load_le64(p);
	}
}

static bool is_slab(const struct page_classifier *c, uint64_t flags,
		    int32_t mapcount)
{
	if (c->have_slab_type && mapcount == c->slab_type)
		return true;
	return c->have_slab_flag && (flags & c->m_slab);
}

static bool is_cache(const struct page_classifier *c, uint64_t flags)
{
	if (flags & c->m_lru)
		return true;
	/* PG_swapcache aliases PG_owner_priv_1 unless PG_swapbacked is set (4.10+). */
	return (!c->have_swapbacked || (flags & c->m_swapbacked)) &&
	       (flags & c->m_swapcache);
}

void classify_page(const struct page_classifier *c, unsigned int dump_level,
		   const uint8_t *sp, const uint8_t *next, uint64_t pfn,
		   struct page_verdict *v)
{
	uint64_t flags = load_le64(sp + c->off_flags);
	uint64_t mapping = load_le64(sp + c->off_mapping);
	int32_t mapcount = c->have_mapcount ?
			   (int32_t)load_le32(sp + c->off_mapcount) : 0;
	uint64_t private = c->have_private ? load_le64(sp + c->off_private) : 0;
	unsigned int order = 0;
	bool hugetlb = false;
	bool slab, anon;

	v->nr_pages = 1;
	v->bad_order = false;
	v->cls = PC_KEEP;

	/* Tails are decided together with their head. */
	if (c->have_compound_head && (load_le64(sp + c->off_compound_head) & 1)) {
		v->cls = PC_TAIL;
		return;
	}
	/* Compound heads: order and hugetlb-ness live in the first tail. */
	if (next && (pfn & 511) != 511 && (flags & c->head_mask)) {
		uint64_t o = 0;

		if (c->order_src == ORDER_FLAGS1)
			o = load_le64(next + c->off_flags) & 0xff;
		else if (c->order_src == ORDER_FIELD &&
			 c->off_order + c->order_width <= c->sz_page)
			o = width_load(next + c->off_order, c->order_width);
		switch (c->hugetlb) {
		case HUGETLB_TYPE:
			hugetlb = mapcount == c->hugetlb_type;
			break;
		case HUGETLB_FLAG:
			hugetlb = load_le64(next + c->off_flags) & c->m_hugetlb;
			break;
		case HUGETLB_DTOR:
			if (c->off_dtor + c->dtor_width <= c->sz_page)
				hugetlb = width_load(next + c->off_dtor,
						     c->dtor_width) == c->hugetlb_dtor;
			break;
		case HUGETLB_NONE:
			break;
		}
		if (o > MAX_SANE_ORDER || (pfn & ((1ull << o) - 1)))
			o = 0;
		order = (unsigned int)o;
	}

	slab = is_slab(c, flags, mapcount);
	anon = (mapping & PAGE_MAPPING_ANON) && !slab;

	if ((dump_level & DL_EXCLUDE_FREE) && c->buddy_usable &&
	    (c->have_buddy_type ? (!slab && mapcount == c->buddy_type)
				: (flags & c->m_buddy) != 0)) {
		if ((c->free_area_len && private >= c->free_area_len) ||
		    private > MAX_SANE_ORDER) {
			v->bad_order = true;
			return;
		}
		v->cls = PC_FREE;
		v->nr_pages = 1ull << private;
		return;
	}
	if ((dump_level & DL_EXCLUDE_FREE) && c->have_unaccepted &&
	    mapcount == c->unaccepted_type && c->free_area_len) {
		v->cls = PC_FREE;
		v->nr_pages = 1ull << (c->free_area_len - 1);
		return;
	}
	v->nr_pages = 1ull << order;
	if ((dump_level & DL_EXCLUDE_CACHE) && is_cache(c, flags) &&
	    !(flags & c->m_private) && !anon) {
		v->cls = PC_CACHE;
	} else if ((dump_level & DL_EXCLUDE_CACHE_PRI) && is_cache(c, flags) &&
		   !anon) {
		v->cls = (flags & c->m_private) ? PC_CACHE_PRIVATE : PC_CACHE;
	} else if ((dump_level & DL_EXCLUDE_USER_DATA) && (anon || hugetlb)) {
		v->cls = PC_USER;
	} else if (c->have_hwpoison && (flags & c->m_hwpoison)) {
		v->cls = PC_HWPOISON;
	} else if (c->have_offline && !slab && mapcount == c->offline_type) {
		v->cls = PC_OFFLINE;
	} else {
		v->nr_pages = 1;
	}
}

unsigned int class_dump_level_bit(enum page_class cls)
{
	switch (cls) {
	case PC_FREE:
		return DL_EXCLUDE_FREE;
	case PC_CACHE:
		return DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI;
	case PC_CACHE_PRIVATE:
		return DL_EXCLUDE_CACHE_PRI;
	case PC_USER:
	case PC_PMEM_DATA:
		return DL_EXCLUDE_USER_DATA;
	default:
		return 0;
	}
}
