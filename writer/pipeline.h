/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The codec pool: pages go in by pfn, in order; worker threads read,
 * zero-test and compress them in batches; results come out in the same
 * order, so the output is byte-identical whatever the number of threads.
 * With zero threads everything runs on the caller's thread.
 */
#ifndef MDF_WRITER_PIPELINE_H
#define MDF_WRITER_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct error;
struct source;

struct page_result {
	uint64_t pfn;
	const uint8_t *data;	/* stored bytes (compressed or raw) */
	uint32_t size;
	uint32_t flags;		/* compression flag, 0 for raw */
	bool zero;		/* all-zero page, to share the zero page */
	bool unreadable;	/* the input could not supply it */
	struct error *read_err;	/* why, owned by the pipeline */
};

/* Called for each page, in pfn order; an error stops the pipeline. */
typedef struct error *(*emit_fn)(void *arg, const struct page_result *r);
/*
 * Called after the pages of one batch were emitted, while their data is
 * still valid: the stored bytes of a batch's pages are contiguous, in pfn
 * order, so a writer can write them with one call instead of copying.
 */
typedef struct error *(*batch_end_fn)(void *arg);

/*
 * Rewrites page contents on their way to the output (erasing): a page
 * whose bytes @touches says it changes is copied, then @apply edits the
 * copy.  Both are called from worker threads.  Zero pages are recognised
 * before the hook, so a page that only erasing made all-zero stays a
 * stored page.
 */
struct page_patch {
	bool (*touches)(const void *arg, uint64_t paddr, uint64_t len);
	void (*apply)(const void *arg, uint64_t paddr, uint8_t *page, size_t len);
	const void *arg;
};

struct pipeline_options {
	unsigned int method;	/* DUMP_DH_COMPRESSED_*, 0 for none */
	bool zero_check;	/* report all-zero pages instead of storing them */
	bool raw_only;		/* ELF output: never compress */
	unsigned int threads;	/* worker threads; 0 = caller's thread */
	batch_end_fn batch_end;	/* optional */
	const struct page_patch *patch;	/* optional */
};

struct pipeline;

struct error *pipeline_create(struct source *src,
			      const struct pipeline_options *opt,
			      emit_fn emit, void *arg, struct pipeline **out);
/* Queue @pfn; may emit earlier pages. */
struct error *pipeline_push(struct pipeline *p, uint64_t pfn);
/* Emit everything queued. */
struct error *pipeline_drain(struct pipeline *p);
void pipeline_destroy(struct pipeline *p);

#endif
