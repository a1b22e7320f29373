/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --config FILE for one run: the parsed file, the ranges it resolves to in
 * this dump, and the page hook that zeroes them on the way out.
 */
#ifndef MDF_ERASE_JOB_H
#define MDF_ERASE_JOB_H

#include "resolve.h"
#include "../writer/pipeline.h"

struct erase_config;
struct error;
struct kernel;
struct printer;
struct symbols;

struct erase_job {
	struct erase_config *cfg;
	struct erase_plan plan;
	struct page_patch patch;
	struct kernel *k;
};

/* Parse @path (before the dump is opened: a bad file costs nothing). */
struct error *erase_job_load(const char *path, struct erase_job *j);
/* Resolve it against the dump of @k with @syms; fills the hook. */
struct error *erase_job_plan(struct erase_job *j, struct symbols *syms,
			     struct kernel *k, struct printer *pr);
void erase_job_release(struct erase_job *j);

#endif
