/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal unit-test harness for the C modules.  A test file includes this
 * header once and defines cases with TEST(name) { ... }.  The executable:
 *   NAME --list      prints the case names, one per line
 *   NAME CASE        runs one case: exit 0 pass, 1 fail, 77 skip
 *   NAME             runs every case, one line each; exit 1 if any failed
 * Failures print "file:line: what" and let the case continue, so one run
 * shows every broken expectation of a case.
 */
#ifndef MDF_TESTS_UNIT_H
#define MDF_TESTS_UNIT_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_SKIP_EXIT 77
#define UNIT_MAX_CASES 256

struct unit_case {
	const char *name;
	void (*fn)(void);
};

static struct unit_case unit_cases[UNIT_MAX_CASES];
static int unit_nr_cases;
static int unit_failures;
static char unit_skip_reason[512];

static void unit_register(const char *name, void (*fn)(void))
{
	if (unit_nr_cases < UNIT_MAX_CASES) {
		unit_cases[unit_nr_cases].name = name;
		unit_cases[unit_nr_cases].fn = fn;
		unit_nr_cases++;
	}
}

__attribute__((format(printf, 3, 4), unused))
static void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	unit_failures++;
}

__attribute__((format(printf, 1, 2), unused))
static void unit_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(unit_skip_reason, sizeof(unit_skip_reason), fmt, ap);
	va_end(ap);
}

#define TEST(name)                                                        \
	static void test_##name(void);                                    \
	__attribute__((constructor)) static void unit_reg_##name(void)    \
	{                                                                 \
		unit_register(#name, test_##name);                        \
	}                                                                 \
	static void test_##name(void)

/* Skip the current case (from the test function itself). */
#define SKIP(...)                                                         \
	do {                                                              \
		unit_skip(__VA_ARGS__);                                   \
		return;                                                   \
	} while (0)

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond))                                              \
			unit_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
	} while (0)

#define CHECK_MSG(cond, ...)                                              \
	do {                                                              \
		if (!(cond))                                              \
			unit_fail(__FILE__, __LINE__, __VA_ARGS__);       \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		unsigned long long ua_ = (unsigned long long)(a);         \
		unsigned long long ub_ = (unsigned long long)(b);         \
		if (ua_ != ub_)                                           \
			unit_fail(__FILE__, __LINE__,                     \
				  "%s == %s failed: 0x%llx (%llu) vs 0x%llx (%llu)", \
				  #a, #b, ua_, ua_, ub_, ub_);            \
	} while (0)

#define CHECK_EQ_I(a, b)                                                  \
	do {                                                              \
		long long ia_ = (long long)(a), ib_ = (long long)(b);     \
		if (ia_ != ib_)                                           \
			unit_fail(__FILE__, __LINE__, "%s == %s failed: %lld vs %lld", \
				  #a, #b, ia_, ib_);                      \
	} while (0)

#define CHECK_STR(a, b)                                                   \
	do {                                                              \
		const char *sa_ = (a), *sb_ = (b);                        \
		if (!sa_ || !sb_ || strcmp(sa_, sb_))                     \
			unit_fail(__FILE__, __LINE__, "%s == %s failed: \"%s\" vs \"%s\"", \
				  #a, #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                       \
	do {                                                              \
		const char *h_ = (hay), *n_ = (needle);                   \
		if (!h_ || !strstr(h_, n_))                               \
			unit_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", \
				  h_ ? h_ : "(null)", n_);                \
	} while (0)

/* Run one case; 0 pass, 1 fail, 2 skip. */
static int unit_run_case(const struct unit_case *c)
{
	unit_failures = 0;
	unit_skip_reason[0] = '\0';
	c->fn();
	if (unit_failures)
		return 1;
	return unit_skip_reason[0] ? 2 : 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < unit_nr_cases; i++)
			printf("%s\n", unit_cases[i].name);
		return 0;
	}
	if (argc == 2) {
		for (i = 0; i < unit_nr_cases; i++) {
			if (strcmp(unit_cases[i].name, argv[1]))
				continue;
			switch (unit_run_case(&unit_cases[i])) {
			case 0:
				return 0;
			case 2:
				printf("SKIP: %s\n", unit_skip_reason);
				return UNIT_SKIP_EXIT;
			default:
				printf("FAIL %s (%d failed checks)\n", argv[1], unit_failures);
				return 1;
			}
		}
		fprintf(stderr, "no test case named %s\n", argv[1]);
		return 2;
	}
	for (i = 0; i < unit_nr_cases; i++) {
		int r = unit_run_case(&unit_cases[i]);

		if (r == 2)
			printf("SKIP %s: %s\n", unit_cases[i].name, unit_skip_reason);
		else
			printf("%s %s\n", r ? "FAIL" : "PASS", unit_cases[i].name);
		failed += r == 1;
	}
	return failed ? 1 : 0;
}

#endif
