/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-backed vmemmap: the struct page arrays of pmem namespaces in
 * fsdax/devdax mode with map=dev live on the device.  When a dump carries
 * that area (as extra PT_LOADs), its frames must be kept whole: the struct
 * pages describing them are partly never initialised, so flag rules would
 * drop them at random.  This module finds such areas from the dump alone.
 */
#ifndef MDF_FILTER_DEVMAP_H
#define MDF_FILTER_DEVMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct kernel;

/* How a segment was recognised. */
enum dbv_signal {
	DBV_SIG_VMEMMAP = 1u << 0,	/* its frames back the vmemmap */
	DBV_SIG_INFOBLOCK = 1u << 1,	/* nd_pfn_sb found, checksum ok */
	DBV_SIG_SECTIONS = 1u << 2,	/* sections present but not online */
	DBV_SIG_MANUAL = 1u << 3,	/* named on the command line */
};

struct dbv_namespace {
	bool valid;
	bool devdax;			/* NVDIMM_DAX_INFO, else NVDIMM_PFN_INFO */
	uint64_t base;			/* physical start of the namespace */
	uint64_t dataoff;
	uint64_t npfns;
	uint32_t mode;
	uint32_t align;
	uint32_t start_pad, end_trunc;
	uint16_t version_major, version_minor;
};

struct dbv_segment {
	uint64_t start_pfn, end_pfn;	/* metadata area kept whole */
	unsigned int signals;
	uint64_t vmemmap_frames;	/* frames in it that back the vmemmap */
	uint64_t present_pages;		/* of them present in the dump */
	struct dbv_namespace ns;
	/* pmem data pages of the namespace: [data_start, data_end) */
	uint64_t data_start_pfn, data_end_pfn;
	bool sections_online;		/* signal C disagrees */
};

struct dbv_set {
	struct dbv_segment *seg;	/* sorted, disjoint */
	size_t nr;
};

struct dbv_options {
	bool enabled;
	/* Hand-named ranges (physical byte addresses, [start, end)). */
	const uint64_t (*manual)[2];
	size_t nr_manual;
};

struct error *dbv_detect(struct kernel *k, const struct dbv_options *opt,
			 struct dbv_set **out);
void dbv_free(struct dbv_set *set);

/* Print what was found (-D) and the per-segment summary. */
void dbv_print(const struct dbv_set *set, struct kernel *k);

/* Pages of all segments present in the dump. */
uint64_t dbv_present_pages(const struct dbv_set *set);

/*
 * Interval queries used by the filter: the first segment (metadata or
 * data) ending after @pfn, so a sorted scan walks them in step.
 */
const struct dbv_segment *dbv_first_after(const struct dbv_set *set,
					  uint64_t pfn);

bool dbv_is_meta(const struct dbv_set *set, uint64_t pfn);
bool dbv_is_data(const struct dbv_set *set, uint64_t pfn);

/* Fletcher-64 over an info block, as the nvdimm driver computes it. */
uint64_t nd_fletcher64(const uint8_t *buf, size_t len);

#endif
