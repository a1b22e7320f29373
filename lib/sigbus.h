/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copying from a file mapping turns a read error (EIO, a file truncated
 * under us) into SIGBUS.  guarded_copy() turns it back into a failure the
 * caller can handle, so a bad sector costs one page, not the dump.
 */
#ifndef MDF_LIB_SIGBUS_H
#define MDF_LIB_SIGBUS_H

#include <stdbool.h>
#include <stddef.h>

/* Copy @len bytes from a mapping; false if the access faulted. */
bool guarded_copy(void *dst, const void *src, size_t len);

/*
 * Run @fn, which reads a mapping in place; false if it faulted (it was
 * then stopped where it was).  @fn must not allocate, lock or do stdio
 * while touching the mapping.
 */
bool guarded_call(void (*fn)(void *arg), void *arg);

#endif
