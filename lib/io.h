/* SPDX-License-Identifier: GPL-2.0-or-later */
/* read/write wrappers that finish the job or say why not. */
#ifndef MDF_LIB_IO_H
#define MDF_LIB_IO_H

#include <stddef.h>
#include <stdint.h>

struct error;

/* Read exactly @len bytes at @off; hitting the end of file is an error. */
struct error *pread_full(int fd, void *buf, size_t len, uint64_t off,
			 const char *name);

/* Write all of @buf at @off. ENOSPC and EDQUOT map to ERR_NOSPC. */
struct error *pwrite_full(int fd, const void *buf, size_t len, uint64_t off,
			  const char *name);

/* Write all of @buf to a stream (pipe or file) at its current position. */
struct error *write_full(int fd, const void *buf, size_t len,
			 const char *name);

/* Read up to @len bytes from a stream; *@got < @len only at end of input. */
struct error *read_full(int fd, void *buf, size_t len, size_t *got,
			const char *name);

/* Size of a regular file or block device. */
struct error *file_size_of(int fd, const char *name, uint64_t *size);

#endif
