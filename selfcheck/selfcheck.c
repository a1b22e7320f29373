// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's own page counters, read from the dump, against ours.
 *
 * Which counter matches which class, and why they may differ:
 *   free  - our buddy pages (PG_buddy / page type) against the sum of
 *           nr_free << order over every zone's free_area.  Both describe
 *           the buddy lists; pages on the per-cpu (pcp) lists are in
 *           neither (the kernel moved them out of NR_FREE_PAGES when it
 *           filled the lists).  vm_zone_stat[NR_FREE_PAGES] is shown too:
 *           it lags by per-cpu deltas not yet folded in.  Gaps: blocks
 *           that other CPUs were splitting or merging at the crash.
 *   cache - our page-cache pages (with and without private data) against
 *           NR_FILE_PAGES - NR_SWAPCACHE (swap cache pages are anonymous
 *           for us).  Gaps: pages off the LRU at the crash (being added,
 *           isolated for reclaim or migration).
 *   user  - our user-data pages against NR_ANON_MAPPED plus every page of
 *           the hugetlb pools (we drop huge pages as user data).  Gaps:
 *           anonymous pages not yet mapped or already unmapped.
 *   slab  - kept at every dump level: we only check that the kernel data
 *           we kept can hold the kernel's slab pages.
 * Tolerance: 1% of the kernel's counter or 256 pages, whichever is more
 * (free: 64 pages).
 */
#include "selfcheck.h"

#include "../classify/page_class.h"
#include "../kernel/kernel.h"
#include "../kernel/vmcoreinfo.h"
#include "../lib/error.h"
#include "../lib/util.h"
#include "../print_info.h"

#include <stdio.h>
#include <string.h>

/* Damaged tables must not keep us reading: the kernel has far fewer. */
#define MAX_NODES 1024
#define MAX_ZONES 8
#define MAX_ORDERS 16
#define MAX_HSTATES 8

struct reader {
	struct kernel *k;
	struct symbols *s;
	struct sc_kernel *out;
	bool used[SYM_SRC_DWARF + 1];
};

static void used(struct reader *r, enum sym_source src)
{
	if (src <= SYM_SRC_DWARF)
		r->used[src] = true;
}

/* Record the first missing piece; always false. */
static bool missing(struct reader *r, struct error *err, const char *what)
{
	if (!r->out->missing)
		r->out->missing = what;
	error_free(err);
	return false;
}

static bool address(struct reader *r, const char *name, uint64_t *a)
{
	enum sym_source src;
	struct error *err = sym_address(r->s, name, a, &src);

	if (err)
		return missing(r, err, name);
	used(r, src);
	return true;
}

static bool offset(struct reader *r, const char *name, uint64_t *v)
{
	enum sym_source src;
	struct error *err = sym_offset(r->s, name, v, &src);

	if (err)
		return missing(r, err, name);
	used(r, src);
	return true;
}

static bool size(struct reader *r, const char *name, uint64_t *v)
{
	enum sym_source src;
	struct error *err = sym_size(r->s, name, v, &src);

	if (err)
		return missing(r, err, name);
	used(r, src);
	return true;
}

static bool length(struct reader *r, const char *name, uint64_t *v)
{
	enum sym_source src;
	struct error *err = sym_length(r->s, name, v, &src);

	if (err)
		return missing(r, err, name);
	used(r, src);
	return true;
}

static bool number(struct reader *r, const char *name, int64_t *v)
{
	enum sym_source src;
	struct error *err = sym_number(r->s, name, v, &src);

	if (err)
		return missing(r, err, name);
	used(r, src);
	return *v >= 0 && *v < 4096;
}

static bool read_u64(struct reader *r, uint64_t va, uint64_t *v, const char *what)
{
	struct error *err = kernel_read_u64(r->k, va, v);

	return err ? missing(r, err, what) : true;
}

/* One counter of a global atomic_long_t array (vm_zone_stat, vm_node_stat). */
static bool global_stat(struct reader *r, const char *array, const char *item,
			uint64_t *v)
{
	uint64_t base, esz;
	int64_t idx, val;

	if (!address(r, array, &base) || !number(r, item, &idx))
		return false;
	if (!size(r, "atomic_long_t", &esz) || esz != 8)
		return false;
	if (!read_u64(r, base + (uint64_t)idx * esz, (uint64_t *)&val, array))
		return false;
	/* Per-cpu deltas not folded in can leave it slightly negative. */
	*v = val > 0 ? (uint64_t)val : 0;
	return true;
}

/* The nodes to walk: node_online_map's bits, or node 0 alone. */
static unsigned int online_nodes(struct reader *r, uint8_t *map, size_t len)
{
	uint64_t a, sz;
	struct error *err;

	memset(map, 0, len);
	if (address(r, "node_online_map", &a) && size(r, "nodemask_t", &sz) &&
	    sz <= len) {
		err = kernel_read(r->k, a, map, (size_t)sz);
		if (!err)
			return (unsigned int)(sz * 8);
		error_free(err);
	}
	r->out->missing = NULL;	/* a kernel without NUMA has no map */
	map[0] = 1;
	return 1;
}

static void read_free_area(struct reader *r)
{
	uint64_t nd, off_zones, sz_zone, nr_zones, off_fa, sz_fa, nr_orders, off_nr;
	uint64_t total = 0;
	struct error *err;
	bool numa;
	uint8_t map[MAX_NODES / 8];
	unsigned int bits;

	if (!offset(r, "pglist_data.node_zones", &off_zones) ||
	    !size(r, "zone", &sz_zone) ||
	    !length(r, "pglist_data.node_zones", &nr_zones) ||
	    !offset(r, "zone.free_area", &off_fa) || !size(r, "free_area", &sz_fa) ||
	    !length(r, "zone.free_area", &nr_orders) ||
	    !offset(r, "free_area.nr_free", &off_nr))
		return;
	if (nr_zones > MAX_ZONES || nr_orders > MAX_ORDERS || !nr_orders)
		return (void)missing(r, NULL, "plausible zone layout");
	err = sym_address(r->s, "node_data", &nd, NULL);
	numa = !err;
	error_free(err);
	if (!numa && !address(r, "contig_page_data", &nd))
		return;
	r->out->missing = NULL;
	bits = numa ? online_nodes(r, map, sizeof(map)) : 1;
	for (unsigned int nid = 0; nid < bits && nid < MAX_NODES; nid++) {
		uint64_t pgdat = nd;

		if (!(map[nid / 8] & (1u << (nid % 8))))
			continue;
		if (numa && !read_u64(r, nd + 8ull * nid, &pgdat, "node_data[]"))
			return;
		if (!pgdat)
			continue;
		for (uint64_t z = 0; z < nr_zones; z++) {
			uint64_t zone = pgdat + off_zones + z * sz_zone, zone_free = 0;

			for (uint64_t o = 0; o < nr_orders; o++) {
				uint64_t nr;

				if (!read_u64(r, zone + off_fa + o * sz_fa + off_nr, &nr,
					      "free_area[].nr_free"))
					return;
				/* More than 2^40 free blocks is damage, not memory. */
				if (nr >> 40)
					return (void)missing(r, NULL, "plausible nr_free");
				zone_free += nr << o;
			}
			if (zone_free)
				r->out->zones++;
			total += zone_free;
		}
	}
	r->out->free_area = total;
	r->out->have_free_area = true;
}

static void read_hugetlb(struct reader *r)
{
	uint64_t hs, sz, off_order, off_nr, max_addr, nr, total = 0;
	uint32_t max, order;
	struct error *err;

	if (!address(r, "hstates", &hs) || !address(r, "hugetlb_max_hstate", &max_addr) ||
	    !size(r, "hstate", &sz) || !offset(r, "hstate.order", &off_order) ||
	    !offset(r, "hstate.nr_huge_pages", &off_nr))
		return;
	err = kernel_read(r->k, max_addr, &max, sizeof(max));
	if (err)
		return (void)missing(r, err, "hugetlb_max_hstate");
	if (max > MAX_HSTATES)
		return (void)missing(r, NULL, "plausible hugetlb_max_hstate");
	for (uint32_t i = 0; i < max; i++) {
		err = kernel_read(r->k, hs + i * sz + off_order, &order, sizeof(order));
		if (err)
			return (void)missing(r, err, "hstate.order");
		if (order > 30 || !read_u64(r, hs + i * sz + off_nr, &nr, "hstate"))
			return;
		if (nr >> 40)
			return;
		total += nr << order;
	}
	r->out->huge_pages = total;
	r->out->have_huge = true;
}

struct error *selfcheck_read(struct kernel *k, struct symbols *s,
			     struct sc_kernel *out)
{
	struct reader r = { .k = k, .s = s, .out = out };
	uint64_t a, b;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	read_free_area(&r);
	out->have_nr_free = global_stat(&r, "vm_zone_stat", "NR_FREE_PAGES",
					&out->nr_free_pages);
	out->have_file = global_stat(&r, "vm_node_stat", "NR_FILE_PAGES",
				     &out->file_pages);
	/* NR_SWAPCACHE exists since 5.12; before, swap cache is not in NR_FILE_PAGES' split */
	out->have_swapcache = global_stat(&r, "vm_node_stat", "NR_SWAPCACHE",
					  &out->swapcache);
	out->have_anon = global_stat(&r, "vm_node_stat", "NR_ANON_MAPPED",
				     &out->anon_mapped);
	if (global_stat(&r, "vm_node_stat", "NR_SLAB_RECLAIMABLE_B", &a) &&
	    global_stat(&r, "vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B", &b)) {
		out->slab = a + b;
		out->have_slab = true;
	}
	read_hugetlb(&r);
	for (int src = SYM_SRC_VMCOREINFO; src <= SYM_SRC_DWARF; src++) {
		if (!r.used[src])
			continue;
		n += (size_t)snprintf(out->source + n, sizeof(out->source) - n, "%s%s",
				      n ? "+" : "", sym_source_name(src));
		if (n >= sizeof(out->source))
			break;
	}
	return NULL;
}

static uint64_t tolerance(uint64_t kernel, uint64_t floor)
{
	return MAX(kernel / 100, floor);
}

static void set_row(struct sc_row *row, const char *name, const char *counter,
		    bool have, bool counted, const char *why_not, uint64_t ours,
		    uint64_t kernel, uint64_t floor)
{
	row->name = name;
	row->counter = counter;
	row->have_kernel = have;
	row->compared = have && counted;
	row->ours = ours;
	row->kernel = kernel;
	row->tolerance = tolerance(kernel, floor);
	row->why = !have ? "the kernel's counter could not be read" :
		   !counted ? why_not : NULL;
	row->ok = !row->compared ||
		  (ours > kernel ? ours - kernel : kernel - ours) <= row->tolerance;
}

void selfcheck_compare(struct selfcheck *sc, const struct dump_stats *st,
		       unsigned int dl, unsigned int input_level,
		       uint64_t kern_data)
{
	const struct sc_kernel *k = &sc->k;
	const char *level_why = "this dump level does not classify it";
	const char *input_why = "the input dump already left these pages out";
	uint64_t cache = k->file_pages - MIN(k->swapcache, k->file_pages);
	bool cache_counted = (dl & DL_EXCLUDE_CACHE_PRI) &&
			     !(input_level & (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI));

	set_row(&sc->row[SC_FREE], "free", "free_area[].nr_free",
		k->have_free_area,
		(dl & DL_EXCLUDE_FREE) && !(input_level & DL_EXCLUDE_FREE),
		(input_level & DL_EXCLUDE_FREE) ? input_why : level_why,
		st->free, k->free_area, 64);
	set_row(&sc->row[SC_CACHE], "cache", "NR_FILE_PAGES-NR_SWAPCACHE",
		k->have_file, cache_counted,
		(input_level & (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI)) ? input_why
		: level_why, st->cache + st->cache_private, cache, 256);
	set_row(&sc->row[SC_USER], "user", "NR_ANON_MAPPED+hugetlb",
		k->have_anon && k->have_huge,
		(dl & DL_EXCLUDE_USER_DATA) && !(input_level & DL_EXCLUDE_USER_DATA),
		(input_level & DL_EXCLUDE_USER_DATA) ? input_why : level_why,
		st->user, k->anon_mapped + k->huge_pages, 256);
	/* Slab is kept: kernel data must at least hold it. */
	set_row(&sc->row[SC_SLAB], "slab", "NR_SLAB_*_B", k->have_slab,
		kern_data != 0, "kernel data pages are not counted in this mode",
		kern_data, k->slab, 0);
	if (sc->row[SC_SLAB].compared)
		sc->row[SC_SLAB].ok = kern_data >= k->slab;
	sc->warnings = 0;
	for (int i = 0; i < SC_NR; i++)
		sc->warnings += !sc->row[i].ok;
}

void selfcheck_print(struct printer *pr, const struct selfcheck *sc)
{
	if (!sc->available) {
		msg_debug(pr, "Self-check (classification vs the kernel's counters): "
			  "not available: %s\n", sc->reason);
		return;
	}
	for (int i = 0; i < SC_NR; i++) {
		const struct sc_row *row = &sc->row[i];

		if (row->ok)
			continue;
		if (i == SC_SLAB)
			msg_common(pr, "WARNING: self-check: the kernel counts %llu slab pages "
				   "but only %llu pages are kept as kernel data; slab pages may "
				   "be classified wrongly for this kernel.\n",
				   (unsigned long long)row->kernel,
				   (unsigned long long)row->ours);
		else
			msg_common(pr, "WARNING: self-check: %s pages: we found %llu, the kernel "
				   "counts %llu (%s), beyond the tolerance of %llu; the "
				   "classification of %s pages may be wrong for this kernel.\n",
				   row->name, (unsigned long long)row->ours,
				   (unsigned long long)row->kernel, row->counter,
				   (unsigned long long)row->tolerance, row->name);
	}
	if (!msg_enabled(pr, ML_REPORT | ML_DEBUG))
		return;
	if (msg_enabled(pr, ML_REPORT))
		msg_report(pr, "Self-check (ours vs the kernel's counters, from %s):\n",
			   sc->k.source[0] ? sc->k.source : "nothing");
	else
		msg_debug(pr, "Self-check (ours vs the kernel's counters, from %s):\n",
			  sc->k.source[0] ? sc->k.source : "nothing");
	for (int i = 0; i < SC_NR; i++) {
		const struct sc_row *row = &sc->row[i];
		char line[256];

		if (row->compared && i == SC_SLAB)
			snprintf(line, sizeof(line), "  %-5s kept %10llu  kernel %10llu  (%s, kept >= kernel) %s\n",
				 row->name, (unsigned long long)row->ours,
				 (unsigned long long)row->kernel, row->counter,
				 row->ok ? "agrees" : "DIFFERS");
		else if (row->compared)
			snprintf(line, sizeof(line), "  %-5s ours %10llu  kernel %10llu  (%s, +-%llu) %s\n",
				 row->name, (unsigned long long)row->ours,
				 (unsigned long long)row->kernel, row->counter,
				 (unsigned long long)row->tolerance,
				 row->ok ? "agrees" : "DIFFERS");
		else
			snprintf(line, sizeof(line), "  %-5s not compared (%s)\n", row->name,
				 row->why);
		if (msg_enabled(pr, ML_REPORT))
			msg_report(pr, "%s", line);
		else
			msg_debug(pr, "%s", line);
	}
	msg_debug(pr, "  kernel: vm_zone_stat[NR_FREE_PAGES] %llu%s, free_area in %u zones, "
		  "hugetlb pools %llu pages%s%s\n",
		  (unsigned long long)sc->k.nr_free_pages,
		  sc->k.have_nr_free ? "" : " (unread)", sc->k.zones,
		  (unsigned long long)sc->k.huge_pages,
		  sc->k.missing ? "; could not read " : "",
		  sc->k.missing ? sc->k.missing : "");
}
