/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages as makedumpfile prints them: a bit mask of classes chosen by
 * --message-level, the progress indicator, and the statistics report.
 */
#ifndef MDF_PRINT_INFO_H
#define MDF_PRINT_INFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum message_level {
	ML_PROGRESS = 1,
	ML_COMMON = 2,
	ML_ERROR = 4,
	ML_DEBUG = 8,
	ML_REPORT = 16,
	ML_ALL = 31,
};

#define ML_DEFAULT (ML_PROGRESS | ML_COMMON | ML_ERROR)

struct printer {
	unsigned int level;
	FILE *out;		/* common/debug/report: stdout, or stderr with -F */
	FILE *err;		/* progress and errors */
	/* progress indicator state */
	struct timespec progress_last;
	struct timespec progress_start;
	unsigned int spinner;
	bool progress_shown;
};

void printer_init(struct printer *pr, unsigned int level, bool data_on_stdout);

void msg_common(struct printer *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void msg_error(struct printer *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void msg_debug(struct printer *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void msg_report(struct printer *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline bool msg_enabled(const struct printer *pr, unsigned int ml)
{
	return pr && (pr->level & ml);
}

/* Progress of a step: @label as makedumpfile names its steps. */
void progress_begin(struct printer *pr);
void progress_update(struct printer *pr, const char *label, uint64_t done,
		     uint64_t total, bool force);
void progress_done(struct printer *pr, const char *label);

/* "STEP [label] : s.us seconds" lines of the report level. */
void print_step_time(struct printer *pr, const char *label,
		     const struct timespec *start);

/* Counters of the statistics report. */
struct dump_stats {
	uint64_t max_mapnr;
	uint64_t original;		/* pages in the dump before filtering */
	uint64_t zero;
	uint64_t cache;
	uint64_t cache_private;
	uint64_t user;
	uint64_t free;
	uint64_t hwpoison;
	uint64_t offline;
	uint64_t pmem_data;		/* ZONE_DEVICE data pages excluded */
	uint64_t dbv_pages;		/* device-backed vmemmap pages kept */
	uint64_t vmemmap;		/* -e: unused vmemmap pages excluded */
	unsigned int dbv_segments;
	uint64_t elf_excluded;		/* ELF: pages actually left out */
	bool elf;
	uint64_t write_bytes;
	uint64_t num_dumped;		/* pages written */
};

uint64_t stats_excluded(const struct dump_stats *st);
void print_report(struct printer *pr, const struct dump_stats *st);

/*
 * Warn that a dump written from @path lacks pages: @unreadable of them
 * failed to read (@fate says what the dump holds instead), or else the
 * input itself is incomplete (@input_incomplete).  True if either holds.
 */
bool warn_missing_pages(struct printer *pr, const char *path, uint64_t unreadable,
			bool input_incomplete, const char *fate);

#endif
