/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output formats: what every writer needs to know about the job. */
#ifndef MDF_WRITER_WRITER_H
#define MDF_WRITER_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dbv_set;
struct dump_stats;
struct error;
struct filter;
struct kernel;
struct output;
struct page_patch;
struct printer;
struct source;

struct write_params {
	struct source *src;
	struct kernel *k;
	struct filter *filter;
	const struct dbv_set *dbv;
	struct output *out;
	struct printer *pr;

	unsigned int dump_level;	/* as recorded in the header */
	unsigned int method;		/* DUMP_DH_COMPRESSED_*, 0 for none */
	unsigned int threads;
	uint64_t window_pfns;		/* pfns per bitmap window (cyclic buffer) */

	/* Notes to carry (the input's, perhaps with VMCOREINFO added). */
	const uint8_t *notes;
	size_t notes_size;
	size_t vmcoreinfo_off, vmcoreinfo_size;	/* inside notes; size 0: none */
	int nr_cpus;

	const uint8_t *eraseinfo;
	size_t eraseinfo_size;
	bool eraseinfo_in_notes;	/* ELF: @notes already hold it as a note */
	const struct page_patch *patch;	/* erasing, or NULL */
	int64_t timestamp_sec, timestamp_usec;
	uint32_t extra_status;		/* e.g. DUMP_DH_EXCLUDED_VMEMMAP */

	/* --split: this file holds pfns [split_start, split_end). */
	bool split;
	uint64_t split_start, split_end;

	struct dump_stats *stats;
};

/*
 * Write a kdump-compressed dump.  On ENOSPC (or -L) the file is finished
 * as a valid dump flagged incomplete and ERR_NOSPC is returned; *incomplete
 * is set whenever the file is usable but not whole.
 */
struct error *kdump_write(const struct write_params *wp, bool *incomplete);

/* Write an ELF dump (-E). */
struct error *elf_write(const struct write_params *wp, bool *incomplete);

#endif
