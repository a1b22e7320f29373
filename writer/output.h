/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a dump goes: a file written at offsets, or a flattened stream on
 * stdout (records of "put these bytes at that offset"), or nowhere
 * (--dry-run).  Writers only ever say "write this at that offset".
 */
#ifndef MDF_WRITER_OUTPUT_H
#define MDF_WRITER_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/kdump_format.h"

struct error;

enum output_kind {
	OUTPUT_FILE,
	OUTPUT_FLAT,		/* flattened stream to a pipe or file descriptor */
	OUTPUT_NONE,		/* --dry-run: count bytes only */
};

struct output {
	enum output_kind kind;
	int fd;
	const char *name;
	bool owns_fd;
	uint64_t limit;		/* -L size limit, 0 for none */
	uint64_t write_bytes;	/* what the report calls "Write bytes" */
	uint64_t stream_pos;	/* bytes emitted on a flattened stream */
	bool hit_limit;
	bool dry_flat;		/* --dry-run standing in for -F */
};

struct output_options {
	bool force;		/* -f: overwrite an existing file */
	uint64_t limit;
};

/* Create @path (0600; refuse an existing file unless force). */
struct error *output_create(const char *path, const struct output_options *opt,
			    struct output **out);
/* A flattened stream on @fd (stdout for -F). */
struct error *output_flat(int fd, const char *name,
			  const struct output_options *opt,
			  struct output **out);
/* Count without writing (as a flattened stream would count, if @flat). */
struct error *output_dry(const char *name, bool flat, struct output **out);

struct error *output_write(struct output *o, uint64_t off, const void *buf,
			   size_t len);
/* Read back what was written (files only). */
struct error *output_read(struct output *o, uint64_t off, void *buf, size_t len);
bool output_can_read(const struct output *o);

/* Reserve [off, off+len) on disk so that metadata writes cannot hit ENOSPC. */
void output_reserve(struct output *o, uint64_t off, uint64_t len);

/* Make a file output at least @size bytes long, with a hole (best effort). */
void output_extend(struct output *o, uint64_t size);

/* End of data: flattened streams get their end marker; files are synced. */
struct error *output_finish(struct output *o);
void output_close(struct output *o);


#endif
