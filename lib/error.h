/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors are values: a function that can fail returns a struct error
 * pointer, NULL meaning success.  The caller owns a returned error and
 * releases it with error_free().  Messages carry the name of the function
 * that detected the problem, the way makedumpfile prints its errors.
 */
#ifndef MDF_LIB_ERROR_H
#define MDF_LIB_ERROR_H

#include <stdarg.h>

enum error_code {
	ERR_NOMEM = 1,	/* allocation failed */
	ERR_IO,		/* read or write failed */
	ERR_NOSPC,	/* output device full or size limit reached */
	ERR_FORMAT,	/* input is malformed or inconsistent */
	ERR_UNSUPPORTED,/* input is valid but of a kind we do not handle */
	ERR_USAGE,	/* bad command line */
	ERR_RELEASE,	/* -i vmcoreinfo does not match the dump (exit 2) */
	ERR_NOTFOUND,	/* a lookup found nothing; callers often recover */
	ERR_EXISTS,	/* output exists and -f was not given */
};

struct error {
	enum error_code code;
	int sys_errno;		/* errno at the failure, 0 if none */
	char msg[];
};

struct error *error_create(enum error_code code, int sys_errno,
			   const char *func, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prefix an existing error with more context; consumes @err. */
struct error *error_wrap(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void error_free(struct error *err);

#define ERR(code, ...) error_create((code), 0, __func__, __VA_ARGS__)
#define ERR_ERRNO(code, e, ...) error_create((code), (e), __func__, __VA_ARGS__)

/* Shorthand for the most common failure. */
#define ERR_OOM() ERR(ERR_NOMEM, "out of memory")

#endif
