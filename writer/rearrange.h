/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -R: rebuild a dump file from a flattened stream (FORMATS.md §C). */
#ifndef MDF_WRITER_REARRANGE_H
#define MDF_WRITER_REARRANGE_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct output;

struct rearrange_result {
	bool header_ok;		/* the stream started with a valid header */
	bool complete;		/* its end marker was reached */
	uint64_t stream_bytes;	/* bytes consumed from the stream */
	uint64_t records;
	bool flagged;		/* a cut-short dump was marked incomplete in its header */
};

/*
 * Read the stream from @fd and place each record in @out.  A stream that
 * ends before its end marker fails at once (no waiting for more data);
 * what was received stays in @out, and a kdump or ELF header in it is
 * flagged incomplete.
 */
struct error *rearrange(int fd, const char *fd_name, struct output *out,
			struct rearrange_result *res);

#endif
