// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/error: errors are values that carry a code, the errno at the failure
 * and a message prefixed with the detecting function's name (the way
 * makedumpfile prints "function: message").
 */
#include "unit.h"

#include "lib/error.h"

#include <errno.h>

static struct error *fails_here(void)
{
	return ERR(ERR_FORMAT, "bad value %d", 42);
}

TEST(create_prefixes_function_name)
{
	struct error *e = fails_here();

	CHECK(e != NULL);
	if (!e)
		return;
	CHECK_EQ(e->code, ERR_FORMAT);
	CHECK_EQ(e->sys_errno, 0);
	CHECK_STR(e->msg, "fails_here: bad value 42");
	error_free(e);
}

TEST(create_with_errno)
{
	struct error *e = ERR_ERRNO(ERR_IO, ENOENT, "Can't open %s", "x");

	CHECK_EQ(e->code, ERR_IO);
	CHECK_EQ(e->sys_errno, ENOENT);
	CHECK_STR(e->msg, "test_create_with_errno: Can't open x");
	error_free(e);
}

TEST(create_without_prefix)
{
	struct error *e = error_create(ERR_USAGE, 0, NULL, "plain %s", "text");

	CHECK_STR(e->msg, "plain text");
	error_free(e);
}

TEST(wrap_keeps_code_and_errno)
{
	struct error *e = ERR_ERRNO(ERR_NOSPC, ENOSPC, "disk full");

	e = error_wrap(e, "writing %s", "dumpfile");
	CHECK_EQ(e->code, ERR_NOSPC);
	CHECK_EQ(e->sys_errno, ENOSPC);
	CHECK_STR(e->msg, "writing dumpfile: test_wrap_keeps_code_and_errno: disk full");
	e = error_wrap(e, "outer");
	CHECK_CONTAINS(e->msg, "outer: writing dumpfile: ");
	error_free(e);
}

TEST(long_messages_are_kept_whole)
{
	char big[3000];
	struct error *e;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	e = ERR(ERR_FORMAT, "%s|end", big);
	CHECK_EQ(strlen(e->msg), strlen("test_long_messages_are_kept_whole: ") + sizeof(big) - 1 + 4);
	CHECK_CONTAINS(e->msg, "|end");
	error_free(e);
}

TEST(free_null_is_safe)
{
	error_free(NULL);
	CHECK(1);
}

TEST(oom_shorthand)
{
	struct error *e = ERR_OOM();

	CHECK_EQ(e->code, ERR_NOMEM);
	CHECK_CONTAINS(e->msg, "out of memory");
	error_free(e);
}
