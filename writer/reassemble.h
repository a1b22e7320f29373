/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --reassemble: join the files of a --split set into one dump. */
#ifndef MDF_WRITER_REASSEMBLE_H
#define MDF_WRITER_REASSEMBLE_H

#include <stdbool.h>
#include <stdint.h>

struct error;
struct output;
struct printer;

/*
 * Read the @n parts (any order), check that they are one set covering
 * every pfn, and write the single file the unsplit run would have
 * written: same header, bitmaps, descriptors and page bytes.
 * *@incomplete is set when a part was itself incomplete.
 */
struct error *reassemble(const char *const *parts, unsigned int n,
			 struct output *out, struct printer *pr,
			 bool *incomplete);

#endif
