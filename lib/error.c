// SPDX-License-Identifier: GPL-2.0-or-later
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Returned when even the error cannot be allocated.  It is never written
 * to and never freed, so it is not mutable global state.
 */
static struct {
	struct error hdr;
	char text[32];
} out_of_memory = { { ERR_NOMEM, 0 }, "out of memory" };

static struct error *error_vcreate(enum error_code code, int sys_errno,
				   const char *prefix, const char *fmt,
				   va_list ap)
{
	va_list aq;
	int plen = prefix ? (int)strlen(prefix) + 2 : 0;
	int n;
	struct error *err;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	err = malloc(sizeof(*err) + plen + n + 1);
	if (!err)
		return &out_of_memory.hdr;
	err->code = code;
	err->sys_errno = sys_errno;
	if (prefix)
		snprintf(err->msg, plen + 1, "%s: ", prefix);
	vsnprintf(err->msg + plen, n + 1, fmt, ap);
	return err;
}

struct error *error_create(enum error_code code, int sys_errno,
			   const char *func, const char *fmt, ...)
{
	va_list ap;
	struct error *err;

	va_start(ap, fmt);
	err = error_vcreate(code, sys_errno, func, fmt, ap);
	va_end(ap);
	return err;
}

struct error *error_wrap(struct error *inner, const char *fmt, ...)
{
	va_list ap;
	struct error *outer;
	char *buf;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return inner;
	buf = malloc(n + 1);
	if (!buf)
		return inner;
	va_start(ap, fmt);
	vsnprintf(buf, n + 1, fmt, ap);
	va_end(ap);
	outer = error_create(inner->code, inner->sys_errno, NULL, "%s: %s",
			     buf, inner->msg);
	free(buf);
	if (outer == &out_of_memory.hdr)
		return inner;
	error_free(inner);
	return outer;
}

void error_free(struct error *err)
{
	if (err && err != &out_of_memory.hdr)
		free(err);
}
