/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --json FILE|-: the run's statistics as one JSON object, for scripts
 * that would otherwise scrape the --show-stats text.
 */
#ifndef MDF_CLI_JSON_REPORT_H
#define MDF_CLI_JSON_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct dbv_set;
struct dump_stats;
struct error;
struct selfcheck;
struct split_range;

/* Everything the report says, gathered by main. */
struct run_report {
	const char *mode;		/* "dump", "split", "rearrange", ... */
	const char *input;		/* NULL when not applicable */
	const char *const *outputs;
	unsigned int nr_outputs;
	const char *format;		/* "kdump-compressed", "elf", "text", NULL */
	bool flattened, dry_run;
	const char *compression;	/* NULL when not applicable */
	int dump_level;			/* -1 when not applicable */
	int requested_dump_level;
	uint32_t page_size;
	const struct dump_stats *stats;	/* NULL when none */
	bool mem_usage;			/* stats are a --mem-usage table */
	const struct dbv_set *dbv;
	const struct selfcheck *selfcheck;	/* NULL when not run */
	const struct split_range *ranges;
	uint64_t records;		/* dmesg records, -R records */
	uint64_t write_bytes;		/* as the report counts them */
	double t_total, t_input, t_write;
	bool incomplete;
	/* eraseinfo: the input's record, then this run's lines */
	const uint8_t *eraseinfo;
	size_t eraseinfo_size, eraseinfo_inherited;
	uint64_t erased_bytes, erase_ranges;	/* this run: merged ranges */
	bool erasing;				/* --config given */
	int exit_status;
	const char *error;		/* the failure, or NULL */
};

/* Write @r to @path ("-": @dash_stream) as one JSON object and a newline. */
struct error *json_report_write(const char *path, FILE *dash_stream,
				const struct run_report *r);

#endif
