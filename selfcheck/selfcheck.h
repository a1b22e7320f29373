/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The classification self-check: what the dumped kernel itself counted
 * (free pages in its buddy lists, page cache, mapped anonymous memory,
 * hugetlb pools, slab) beside what our classifier found in the same dump.
 * A class outside its tolerance is warned about, naming the class: on a new
 * kernel that is the sign that a page flag or type moved and the filter
 * keeps (or drops) what it should not.
 *
 * Kernel counters are read from the dump's memory; their addresses and
 * layout come from VMCOREINFO, kallsyms and BTF of the dump, or the
 * vmlinux (-x).
 */
#ifndef MDF_SELFCHECK_SELFCHECK_H
#define MDF_SELFCHECK_SELFCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "../symbols/symbols.h"

struct dump_stats;
struct error;
struct kernel;
struct printer;

enum sc_class {
	SC_FREE,	/* buddy pages vs free_area[].nr_free (and NR_FREE_PAGES) */
	SC_CACHE,	/* page cache vs NR_FILE_PAGES - NR_SWAPCACHE */
	SC_USER,	/* anonymous + hugetlb vs NR_ANON_MAPPED + hugetlb pools */
	SC_SLAB,	/* slab pages: kept, so only bounded by kernel data */
	SC_NR,
};

struct sc_row {
	const char *name;	/* "free", "cache", "user", "slab" */
	const char *counter;	/* the kernel's counter(s) compared */
	bool have_kernel;	/* the kernel's counter could be read */
	bool compared;		/* ours was counted at this dump level */
	uint64_t ours;
	uint64_t kernel;
	uint64_t tolerance;	/* pages either way */
	bool ok;
	const char *why;	/* when not compared or no counter */
};

/* The kernel's side, read once. */
struct sc_kernel {
	bool have_free_area, have_nr_free, have_file, have_swapcache, have_anon,
	     have_slab, have_huge;
	uint64_t free_area;	/* sum over zones of nr_free << order */
	uint64_t nr_free_pages;	/* vm_zone_stat[NR_FREE_PAGES] */
	uint64_t file_pages, swapcache, anon_mapped, slab, huge_pages;
	unsigned int zones;	/* populated zones seen */
	char source[64];	/* providers used, e.g. "VMCOREINFO+kallsyms+BTF" */
	const char *missing;	/* first thing that could not be read */
};

struct selfcheck {
	bool available;
	char reason[256];	/* when not available */
	struct sc_kernel k;
	struct sc_row row[SC_NR];
	unsigned int warnings;
};

/*
 * Read the kernel's counters from @k with the answers of @s.  Fails only
 * on allocation failure; counters that cannot be had are marked missing.
 */
struct error *selfcheck_read(struct kernel *k, struct symbols *s,
			     struct sc_kernel *out);

/*
 * Compare with our counters @st of a run at @dump_level.  @refiltered: the
 * input was a kdump-compressed dump that already lacks the pages of the
 * classes in @input_level.  @kern_data: pages we kept as kernel data
 * (--mem-usage's KERN_DATA), 0 if unknown.
 */
void selfcheck_compare(struct selfcheck *sc, const struct dump_stats *st,
		       unsigned int dump_level, unsigned int input_level,
		       uint64_t kern_data);

/* Warnings (common messages) for rows outside tolerance; the table on the report level and -D. */
void selfcheck_print(struct printer *pr, const struct selfcheck *sc);

#endif
